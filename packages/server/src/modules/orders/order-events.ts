import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { type ChangeKind, publishEvent } from '../notifications/publish.ts';
import type { OrderLineRow, OrderRow } from './order-state.ts';

/**
 * What the order flow tells people about, through the notifications outbox (written in the
 * transaction that makes the change, so an event exists exactly when the change committed; the
 * notifications worker decides who hears about it): provisioning completed, each change completed
 * (or a scheduled change executed), an order failed (staff are alerted), an order waiting for
 * credit approval.
 */

const CHANGE_OF: Partial<Record<OrderLineRow['kind'], ChangeKind>> = {
  change_quantity: 'quantity_changed',
  suspend: 'suspended',
  reactivate: 'reactivated',
  cancel: 'cancelled',
  set_auto_renew: 'auto_renew_changed',
  upgrade: 'upgraded',
  add_on: 'add_on',
};

const PURCHASES = new Set(['purchase', 'add_on', 'azure_plan', 'azure_admin', 'own_product']);

async function customerName(trx: Kysely<Database>, customerId: string): Promise<string> {
  const row = await trx
    .selectFrom('organizations')
    .select('name')
    .where('id', '=', customerId)
    .executeTakeFirst();
  return row?.name ?? '';
}

/** After the order reached its final state (same transaction). */
export async function publishOrderOutcome(
  trx: Kysely<Database>,
  order: OrderRow,
  lines: readonly OrderLineRow[],
): Promise<void> {
  const name = await customerName(trx, order.customer_id);
  const subject = { type: 'order', id: order.id };
  const succeeded = lines.filter((l) => l.status === 'succeeded');
  const bought = succeeded.filter((l) => PURCHASES.has(l.kind));
  if (bought.length > 0) {
    await publishEvent(trx, {
      type: 'provisioning_completed',
      organizationId: order.customer_id,
      subject,
      data: {
        orderId: order.id,
        customerName: name,
        items: bought.map((l) => ({ title: l.title, quantity: l.quantity ?? 1 })),
      },
      dedupeKey: `provisioning_completed:order/${order.id}`,
    });
  }
  for (const line of succeeded) {
    const change = CHANGE_OF[line.kind];
    if (!change || line.kind === 'add_on' || !line.subscription_id) continue;
    const quantityBefore = typeof line.params.from === 'number' ? line.params.from : null;
    if (order.effective_at) {
      await publishEvent(trx, {
        type: 'scheduled_change_executed',
        organizationId: order.customer_id,
        subject: { type: 'subscription', id: line.subscription_id },
        data: {
          customerName: name,
          subscriptionId: line.subscription_id,
          subscriptionTitle: line.title,
          change,
          effectiveOn: order.effective_date ?? order.effective_at.toISOString().slice(0, 10),
          quantityAfter: line.quantity,
        },
        dedupeKey: `scheduled_change_executed:order-line/${line.id}`,
      });
    } else {
      await publishEvent(trx, {
        type: 'change_completed',
        organizationId: order.customer_id,
        subject: { type: 'subscription', id: line.subscription_id },
        data: {
          customerName: name,
          subscriptionId: line.subscription_id,
          subscriptionTitle: line.title,
          change,
          quantityBefore,
          quantityAfter: line.quantity,
        },
        dedupeKey: `change_completed:order-line/${line.id}`,
      });
    }
  }
  if (order.state === 'failed' || order.state === 'partially_failed') {
    await publishEvent(trx, {
      type: 'order_failed',
      organizationId: order.customer_id,
      subject,
      data: { orderId: order.id, customerName: name, reason: order.failure_reason ?? 'failed' },
      dedupeKey: `order_failed:order/${order.id}`,
    });
  }
}

/** An order credit control holds for approval (same transaction). */
export async function publishAwaitingApproval(
  trx: Kysely<Database>,
  order: OrderRow,
  reason: string,
): Promise<void> {
  await publishEvent(trx, {
    type: 'order_awaiting_approval',
    organizationId: order.customer_id,
    subject: { type: 'order', id: order.id },
    data: {
      orderId: order.id,
      customerName: await customerName(trx, order.customer_id),
      total: { amount: order.monthly_amount, currency: order.currency.trim() },
      reason,
    },
    dedupeKey: `order_awaiting_approval:order/${order.id}`,
  });
}
