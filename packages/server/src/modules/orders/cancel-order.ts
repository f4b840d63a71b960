import { requirePermission, type Scope } from '../../auth/scope.ts';
import { forbidden, notFound } from '../../http/errors.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import type { OrderServices } from './order-services.ts';
import { applyOrderEvent, orderForUpdate } from './order-state.ts';
import { orderNotChangeable } from './orders.errors.ts';
import { findOrder, type OrderView } from './orders.repository.ts';

/**
 * Cancels an order before anything went to Microsoft: draft, submitted, awaiting approval or the
 * relationship, or scheduled. Provisioning orders cannot be cancelled (their lines are at
 * Microsoft); a scheduled order's job finds it cancelled and does nothing.
 */
export async function cancelOrder(
  services: OrderServices,
  scope: Scope,
  orderId: string,
  reason: string | undefined,
): Promise<OrderView> {
  requirePermission(scope, 'orders:write');
  const { db, clock } = services;
  const visible = await findOrder(db, scope, orderId);
  if (!visible) throw notFound('order');
  if (![visible.sellerId, visible.customerId, visible.placedByOrgId].includes(scope.organizationId)) {
    throw forbidden(
      `This order belongs to ${visible.sellerName}; only ${visible.sellerName} or the customer can cancel it.`,
    );
  }
  await db.transaction().execute(async (trx) => {
    const row = await orderForUpdate(trx, orderId);
    if (!row) throw notFound('order');
    if (
      !['draft', 'submitted', 'awaiting_approval', 'awaiting_relationship', 'scheduled'].includes(row.state)
    ) {
      throw orderNotChangeable(row.state, 'cancelled');
    }
    const next = await applyOrderEvent(
      trx,
      row,
      { type: 'cancel', ...(reason ? { reason } : {}) },
      clock.now(),
      {
        actor: scope.actor.label,
      },
    );
    await recordAudit(trx, scope, {
      organizationId: row.customer_id,
      action: 'cancel',
      entityType: 'order',
      entityId: orderId,
      before: { state: row.state },
      after: { state: next.state, reason: reason ?? null },
    });
  });
  return (await findOrder(db, scope, orderId, services.config.secretKey))!;
}
