import type { SubscriptionAlternative, SubscriptionRefused } from '@cspc/core';
import { AppError } from '../../http/errors.ts';

/**
 * Errors of quotes, orders and subscriptions. Codes are stable API:
 * - `subscription_locked` (403): sold by another organisation; visible, not changeable.
 * - `customer_locked` (403): a customer of another seller; only its seller (or itself) orders for it.
 * - `nce.<rule>` (409): the new-commerce rules refuse the change; `details.alternative` says what is
 *   possible instead, and the message says it in words.
 * - `idempotency_key_reused` (422): the Idempotency-Key was used with another body.
 * - `credit_blocked` (409): credit control refuses the order.
 * - `tenant_required`, `tenant_already_linked`, `domain_taken` (409): the Partner Center customer.
 * - `order_not_changeable` (409): the order's state does not accept the request.
 */

export const subscriptionLocked = (sellerName: string) =>
  new AppError(
    'subscription_locked',
    403,
    `This subscription was sold by ${sellerName}. You can see it, but only ${sellerName} (or the customer) can change it.`,
  );

export const customerLocked = (sellerName: string) =>
  new AppError(
    'customer_locked',
    403,
    `This customer buys from ${sellerName}. Only ${sellerName} (or the customer) can place orders for it.`,
  );

/** A sentence for what the user can do instead, from the core's alternative. */
export function describeAlternative(alternative: SubscriptionAlternative | null): string | null {
  if (!alternative) return null;
  switch (alternative.kind) {
    case 'schedule_at_renewal':
      return `Schedule the change for the renewal on ${alternative.date}${
        alternative.quantity === undefined ? '' : ` (quantity ${alternative.quantity})`
      } instead.`;
    case 'turn_on_auto_renew_and_schedule':
      return `Turn on auto-renew, then schedule the change for the renewal on ${alternative.date}${
        alternative.quantity === undefined ? '' : ` (quantity ${alternative.quantity})`
      }.`;
    case 'turn_off_auto_renew':
      return `Turn off auto-renew instead: the subscription then ends on ${alternative.date} (last day ${alternative.lastDay}).`;
    case 'ends_at_term_end':
      return `Auto-renew is off: the subscription ends by itself on ${alternative.date} (last day ${alternative.lastDay}).`;
    case 'decrease_now':
      return `You can reduce to ${alternative.minimumQuantity} now.`;
    case 'cancel_subscription':
      return `Cancel the subscription instead (possible until ${alternative.until}).`;
    case 'choose_quantity_in_range':
      return `Choose a quantity ${
        alternative.maximum === null
          ? `of at least ${alternative.minimum}`
          : `between ${alternative.minimum} and ${alternative.maximum}`
      }.`;
    case 'choose_eligible_sku':
      return `Choose one of: ${alternative.skuIds.join(', ') || 'no eligible product'}.`;
    case 'choose_billing_cycle':
      return `Choose a billing cycle of: ${alternative.billingCycles.join(', ')}.`;
    case 'reactivate_first':
      return 'Reactivate the subscription first.';
    case 'turn_on_auto_renew':
      return 'Turn on auto-renew first.';
    case 'wait_until_provisioned':
      return 'Wait until the subscription is provisioned.';
    case 'wait_until':
      return `Try again after ${alternative.at}.`;
    case 'purchase_new_subscription':
      return 'Buy a new subscription instead.';
  }
}

export function nceRefused(refusal: SubscriptionRefused, subject: string): AppError {
  const instead = describeAlternative(refusal.alternative);
  const message = `${subject}: ${refusal.message}.${instead ? ` ${instead}` : ''}`;
  return new AppError(`nce.${refusal.code}`, 409, message, {
    rule: refusal.code,
    alternative: refusal.alternative,
    instead,
    alsoPossible: refusal.alsoPossible,
    explanation: refusal.explanation,
  });
}

export const orderNotChangeable = (state: string, action: string) =>
  new AppError(
    'order_not_changeable',
    409,
    `An order that is ${state.replace('_', ' ')} cannot be ${action}.`,
  );
