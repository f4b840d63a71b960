import { toAppError } from '../../partner-center/index.ts';
import { findLinkedCustomer, linkTenant } from '../provisioning/partner-center-steps.ts';
import { advanceOrder, dispatchOrder } from './advance-order.ts';
import type { OrderServices } from './order-services.ts';
import { applyOrderEvent, orderForUpdate } from './order-state.ts';

/**
 * The "existing tenant" pattern: the order waits until the customer's global admin accepted the
 * reseller relationship (the link in `relationshipUrl`). This looks the tenant up in Partner Center
 * by its domain; once it is a customer, the order continues (scheduled or provisioned). Runs as a
 * polling job and on demand (POST /orders/{id}/check-relationship). After the waiting time the
 * order is cancelled with the reason.
 */
export async function checkRelationship(
  services: OrderServices,
  orderId: string,
): Promise<'accepted' | 'waiting' | 'expired' | 'not_waiting'> {
  const { db, clock, timings } = services;
  const order = await db.selectFrom('orders').selectAll().where('id', '=', orderId).executeTakeFirst();
  if (order?.state !== 'awaiting_relationship' || order.tenant_action?.mode !== 'existing') {
    return 'not_waiting';
  }
  const domain = order.tenant_action.domain;
  const linked = await db
    .selectFrom('customer_tenants')
    .select('pc_customer_id')
    .where('organization_id', '=', order.customer_id)
    .executeTakeFirst();
  let found = linked !== undefined;
  if (!found) {
    const client = await services.partnerCenter.clientFor(order.provider_id);
    let customer: Awaited<ReturnType<typeof findLinkedCustomer>>;
    try {
      customer = await findLinkedCustomer(client, domain);
    } catch (error) {
      throw toAppError(error);
    }
    if (customer) {
      await linkTenant(db, order, customer.id, domain, 'linked');
      found = true;
    }
  }
  const now = clock.now();
  if (!found) {
    const waited = now.getTime() - order.created_at.getTime();
    if (waited < timings.relationshipWaitDays * 86_400_000) {
      await dispatchOrder(services, order);
      return 'waiting';
    }
  }
  const row = await db.transaction().execute(async (trx) => {
    const current = await orderForUpdate(trx, orderId);
    if (current?.state !== 'awaiting_relationship') return current;
    if (!found) {
      return applyOrderEvent(
        trx,
        current,
        {
          type: 'cancel',
          reason: `${domain} did not accept the reseller relationship within ${timings.relationshipWaitDays} days`,
        },
        now,
        {
          actor: 'relationship check',
          set: { failure_reason: 'relationship not accepted', alerted_at: now },
        },
      );
    }
    const accepted = await applyOrderEvent(
      trx,
      current,
      { type: 'relationship_accepted', reason: `${domain} accepted the reseller relationship` },
      now,
      { actor: 'relationship check' },
    );
    return advanceOrder(trx, accepted, now, 'relationship check');
  });
  if (row) await dispatchOrder(services, row);
  return found ? 'accepted' : 'expired';
}
