import {
  type BillingCycle,
  chargePeriods,
  type TermDuration,
  termPeriod,
} from '../proration/charge-periods.ts';
import { Temporal } from '../time/calendar.ts';
import { checkInstant, utcDate, windowEnd } from './rules.ts';
import type { Subscription } from './types.ts';

export interface SubscriptionPurchase {
  readonly id: string;
  readonly skuId: string;
  readonly term: TermDuration;
  readonly billingCycle: BillingCycle;
  readonly quantity: number;
  /** When Partner Center created the subscription: the term starts on its UTC date, the windows at this instant. */
  readonly purchasedAt: Temporal.Instant;
  /** Defaults to true, as Partner Center creates NCE licence subscriptions. */
  readonly autoRenew?: boolean;
  /** A co-terminous first term (`customTermEndDate`, RULES.md §2.6), exclusive like `termEnd`. */
  readonly termEnd?: Temporal.PlainDate;
  readonly status?: 'active' | 'pending';
  readonly isAddOn?: boolean;
  readonly parentId?: string;
  readonly isTrial?: boolean;
}

/**
 * The state of a newly bought subscription: term from the UTC purchase date, one seat lot for the
 * whole quantity and a cancellation window, both 168 h from the purchase instant.
 */
export function subscriptionFromPurchase(input: SubscriptionPurchase): Subscription {
  checkInstant(input.purchasedAt, 'purchasedAt');
  if (!Number.isSafeInteger(input.quantity) || input.quantity < 1) {
    throw new RangeError(`quantity must be a positive integer, got ${String(input.quantity)}`);
  }
  const termStart = utcDate(input.purchasedAt);
  // Validates the term and the (term, billing cycle) pair the same way billing will.
  chargePeriods(termStart, input.term, input.billingCycle);
  const standardEnd = termPeriod(termStart, input.term).end;
  const termEnd = input.termEnd ?? standardEnd;
  if (
    Temporal.PlainDate.compare(termEnd, termStart) <= 0 ||
    Temporal.PlainDate.compare(termEnd, standardEnd) > 0
  ) {
    throw new RangeError(`termEnd ${termEnd} must be after ${termStart} and no later than ${standardEnd}`);
  }
  const until = windowEnd(input.purchasedAt);
  return {
    id: input.id,
    skuId: input.skuId,
    status: input.status ?? 'active',
    term: input.term,
    billingCycle: input.billingCycle,
    termStart,
    termEnd,
    quantity: input.quantity,
    seatLots: [{ quantity: input.quantity, addedAt: input.purchasedAt, refundableUntil: until }],
    autoRenew: input.autoRenew ?? true,
    scheduledChange: null,
    cancellationAllowedUntil: until,
    isAddOn: input.isAddOn ?? false,
    ...(input.parentId === undefined ? {} : { parentId: input.parentId }),
    isTrial: input.isTrial ?? false,
  };
}
