import { requirePermission, type Scope } from '../../auth/scope.ts';
import { badRequest, forbidden, notFound } from '../../http/errors.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import { advanceOrder, dispatchOrder } from './advance-order.ts';
import type { OrderServices } from './order-services.ts';
import { applyOrderEvent, orderForUpdate } from './order-state.ts';
import { orderNotChangeable } from './orders.errors.ts';
import { findOrder, type OrderView } from './orders.repository.ts';

/**
 * Credit control's hold: an order awaiting approval is approved (it continues: relationship gate,
 * schedule or provisioning) or rejected (cancelled with the reason). Only sellers above the
 * customer decide, never the customer itself.
 */
export async function decideApproval(
  services: OrderServices,
  scope: Scope,
  orderId: string,
  decision: 'approve' | 'reject',
  reason: string | undefined,
): Promise<OrderView> {
  requirePermission(scope, 'orders:approve');
  if (scope.organizationKind === 'customer') throw forbidden('Customers cannot approve their own orders.');
  const { db, clock } = services;
  const visible = await findOrder(db, scope, orderId);
  if (!visible) throw notFound('order');
  if (decision === 'reject' && !reason?.trim()) {
    throw badRequest('reason_required', 'Say why the order is rejected (reason).');
  }
  if (visible.customerId === scope.organizationId)
    throw forbidden('Customers cannot approve their own orders.');
  const row = await db.transaction().execute(async (trx) => {
    let current = await orderForUpdate(trx, orderId);
    if (!current) throw notFound('order');
    if (current.state !== 'awaiting_approval') throw orderNotChangeable(current.state, `${decision}d`);
    const now = clock.now();
    const actor = scope.actor.label;
    if (decision === 'approve') {
      current = await applyOrderEvent(trx, current, { type: 'approve', ...(reason ? { reason } : {}) }, now, {
        actor,
      });
      current = await advanceOrder(trx, current, now, actor);
    } else {
      current = await applyOrderEvent(trx, current, { type: 'reject', reason: reason!.trim() }, now, {
        actor,
      });
    }
    await recordAudit(trx, scope, {
      organizationId: current.customer_id,
      action: decision,
      entityType: 'order',
      entityId: orderId,
      after: { state: current.state, reason: reason ?? null },
    });
    return current;
  });
  await dispatchOrder(services, row);
  return (await findOrder(db, scope, orderId, services.config.secretKey))!;
}
