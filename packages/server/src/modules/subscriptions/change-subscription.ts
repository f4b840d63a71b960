import { requirePermission, type Scope } from '../../auth/scope.ts';
import { badRequest, forbidden, notFound } from '../../http/errors.ts';
import { lineageOf } from '../catalog/lineage.ts';
import { type CreateOrderResult, createOrder } from '../orders/create-order.ts';
import type { OrderServices } from '../orders/order-services.ts';
import { subscriptionLocked } from '../orders/orders.errors.ts';
import type { OrderInput, OrderLineInput } from '../orders/prepare-order.ts';
import { findSubscriptionRow, isLockedFor } from './subscriptions.repository.ts';

/**
 * The actions on a subscription (quantity, suspend, reactivate, cancel, auto-renew, schedule for
 * the renewal, upgrade) are one-line orders: they get the same NCE checks, credit control,
 * idempotency, scheduling ("from the 1st of next month"), history and retries as any order.
 * Locked subscriptions (sold by another organisation) refuse every action with 403
 * `subscription_locked`; customers may not suspend, reactivate or cancel (that is their seller's).
 */

export type SubscriptionAction =
  | 'quantity'
  | 'suspend'
  | 'reactivate'
  | 'cancel'
  | 'auto-renew'
  | 'schedule'
  | 'clear-schedule'
  | 'upgrade';

export interface SubscriptionActionInput {
  quantity?: number | undefined;
  enabled?: boolean | undefined;
  sku?: string | undefined;
  term?: string | undefined;
  billingCycle?: string | undefined;
  effectiveDate?: string | undefined;
  effectiveAt?: string | undefined;
  effective?: 'now' | 'next_month' | undefined;
  reference?: string | undefined;
}

const SELLER_ONLY: readonly SubscriptionAction[] = ['suspend', 'reactivate', 'cancel'];

export async function changeSubscription(
  services: OrderServices,
  scope: Scope,
  subscriptionId: string,
  action: SubscriptionAction,
  input: SubscriptionActionInput,
  idempotencyKey?: string,
): Promise<CreateOrderResult> {
  requirePermission(scope, 'subscriptions:write');
  const sub = await findSubscriptionRow(services.db, scope, subscriptionId);
  if (!sub) throw notFound('subscription');
  if (isLockedFor(scope, sub)) {
    const lineage = await lineageOf(services.db, sub.customer_id);
    throw subscriptionLocked(lineage.find((o) => o.id === sub.seller_id)?.name ?? sub.seller_name);
  }
  if (scope.organizationKind === 'customer' && SELLER_ONLY.includes(action)) {
    throw forbidden(`Ask ${sub.seller_name} to ${action} this subscription.`);
  }
  let line: OrderLineInput;
  switch (action) {
    case 'quantity':
      if (input.quantity === undefined) throw badRequest('validation_failed', 'quantity is required.');
      line = { type: 'change_quantity', subscriptionId, quantity: input.quantity };
      break;
    case 'suspend':
    case 'reactivate':
    case 'cancel':
      line = { type: action, subscriptionId };
      break;
    case 'auto-renew':
      if (typeof input.enabled !== 'boolean') throw badRequest('validation_failed', 'enabled is required.');
      line = { type: 'set_auto_renew', subscriptionId, enabled: input.enabled };
      break;
    case 'schedule':
      line = {
        type: 'schedule_change',
        subscriptionId,
        quantity: input.quantity,
        sku: input.sku,
        term: input.term,
        billingCycle: input.billingCycle,
      };
      break;
    case 'clear-schedule':
      line = { type: 'schedule_change', subscriptionId, clear: true };
      break;
    case 'upgrade':
      if (!input.sku) throw badRequest('validation_failed', 'sku (the product to upgrade to) is required.');
      line = { type: 'upgrade', subscriptionId, sku: input.sku, quantity: input.quantity };
      break;
  }
  const order: OrderInput = {
    customerId: sub.customer_id,
    ...(input.effectiveDate ? { effectiveDate: input.effectiveDate } : {}),
    ...(input.effectiveAt ? { effectiveAt: input.effectiveAt } : {}),
    ...(input.effective ? { effective: input.effective } : {}),
    ...(input.reference ? { reference: input.reference } : {}),
    lines: [line],
  };
  return createOrder(services, scope, order, { idempotencyKey });
}
