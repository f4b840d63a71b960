import type { BillingCycle, TermDuration } from '../proration/charge-periods.ts';
import type { QuantityEvent } from '../proration/quantity.ts';
import type { Temporal } from '../time/calendar.ts';
import type { Period } from '../time/period.ts';

/**
 * Commercial status of an NCE licence subscription. `cancelled` is Partner Center's `deleted`
 * (cancelled inside the window, never restorable, RULES.md §3.6); `expired` is a term that ended
 * without auto-renew (§5.5); `pending` is bought but not yet provisioned.
 */
export type SubscriptionStatus = 'active' | 'suspended' | 'cancelled' | 'expired' | 'pending';

/**
 * Seats added at one moment (purchase, increase, renewal, conversion). They can be removed again,
 * with a refund, up to and including `refundableUntil` (RULES.md §4.2–4.3; Partner Center's
 * `refundableQuantity.details[].allowedUntilDateTime`).
 */
export interface SeatLot {
  readonly quantity: number;
  readonly addedAt: Temporal.Instant;
  readonly refundableUntil: Temporal.Instant;
}

/**
 * What the next term will be, applied by `renew` at the term end. Stored complete (every field
 * resolved against the subscription when it was scheduled), like Partner Center's
 * `scheduledNextTermInstructions`, so a renewal never has to guess what an omitted field meant.
 */
export interface ScheduledChange {
  /** The renewal date: the current term's (exclusive) end, the first day of the next term. */
  readonly effectiveOn: Temporal.PlainDate;
  readonly quantity: number;
  readonly skuId: string;
  readonly term: TermDuration;
  readonly billingCycle: BillingCycle;
  readonly scheduledAt: Temporal.Instant;
}

export interface Subscription {
  readonly id: string;
  /** The SKU (Partner Center `productId:skuId`, or any stable id): a scheduled or immediate upgrade changes it. */
  readonly skuId: string;
  readonly status: SubscriptionStatus;
  readonly term: TermDuration;
  readonly billingCycle: BillingCycle;
  readonly termStart: Temporal.PlainDate;
  /** Exclusive, as proration's `termPeriod` computes it: the renewal date, not the last day of service. */
  readonly termEnd: Temporal.PlainDate;
  readonly quantity: number;
  /** One lot per purchase, increase, renewal or conversion; a decrease takes seats out of them. */
  readonly seatLots: readonly SeatLot[];
  readonly autoRenew: boolean;
  readonly scheduledChange: ScheduledChange | null;
  /**
   * The last instant (inclusive) at which this term can be cancelled; null when it cannot be.
   * Data-driven (RULES.md §3.5): 168 h after the purchase or renewal for NCE licences, inherited by
   * a partial upgrade (§3.3), the term end where a product is cancellable at any time.
   */
  readonly cancellationAllowedUntil: Temporal.Instant | null;
  readonly isAddOn: boolean;
  readonly parentId?: string;
  readonly isTrial: boolean;
}

/** One line of working, in the same shape as proration's and pricing's explanations. */
export interface SubscriptionExplanationStep {
  readonly label: string;
  readonly formula: string;
  readonly result: string;
}

export interface SubscriptionExplanation {
  readonly summary: string;
  readonly steps: readonly SubscriptionExplanationStep[];
}

/**
 * What the user can do instead of a refused action, as data the UI turns into a sentence and a
 * button ("Schedule the decrease for the renewal on 2027-01-01"). Dates are the renewal date
 * (the exclusive term end); instants are inclusive deadlines.
 */
export type SubscriptionAlternative =
  /** Schedule the change for the renewal; auto-renew is already on. */
  | { readonly kind: 'schedule_at_renewal'; readonly date: Temporal.PlainDate; readonly quantity?: number }
  /** Scheduling needs auto-renew (RULES.md §5.1): turn it on, then schedule. */
  | {
      readonly kind: 'turn_on_auto_renew_and_schedule';
      readonly date: Temporal.PlainDate;
      readonly quantity?: number;
    }
  /** The subscription then simply ends: `date` is the term end (no renewal), `lastDay` the last day of service. */
  | {
      readonly kind: 'turn_off_auto_renew';
      readonly date: Temporal.PlainDate;
      readonly lastDay: Temporal.PlainDate;
    }
  /** Auto-renew is already off: the subscription ends by itself at `date`. */
  | {
      readonly kind: 'ends_at_term_end';
      readonly date: Temporal.PlainDate;
      readonly lastDay: Temporal.PlainDate;
    }
  /** A smaller decrease is possible now: down to `minimumQuantity`, within each lot's deadline. */
  | {
      readonly kind: 'decrease_now';
      readonly minimumQuantity: number;
      readonly lots: readonly RefundableLot[];
    }
  | { readonly kind: 'cancel_subscription'; readonly until: Temporal.Instant }
  | { readonly kind: 'choose_quantity_in_range'; readonly minimum: number; readonly maximum: number | null }
  | { readonly kind: 'choose_eligible_sku'; readonly skuIds: readonly string[] }
  | { readonly kind: 'choose_billing_cycle'; readonly billingCycles: readonly BillingCycle[] }
  | { readonly kind: 'reactivate_first' }
  | { readonly kind: 'turn_on_auto_renew' }
  | { readonly kind: 'wait_until_provisioned' }
  | { readonly kind: 'wait_until'; readonly at: Temporal.Instant }
  | { readonly kind: 'purchase_new_subscription' };

export type SubscriptionRefusalCode =
  | 'subscription_pending'
  | 'subscription_suspended'
  | 'subscription_cancelled'
  | 'subscription_expired'
  | 'outside_term'
  | 'invalid_quantity'
  | 'quantity_out_of_range'
  | 'quantity_unchanged'
  | 'decrease_outside_window'
  | 'cancel_outside_window'
  | 'not_cancellable'
  | 'already_suspended'
  | 'not_suspended'
  | 'auto_renew_unchanged'
  | 'auto_renew_required'
  | 'no_change'
  | 'invalid_term'
  | 'invalid_billing_cycle'
  | 'invalid_term_billing_combination'
  | 'sku_not_eligible'
  | 'same_sku'
  | 'no_scheduled_change'
  | 'term_not_ended';

export interface SubscriptionAllowed<T> {
  readonly allowed: true;
  readonly outcome: T;
  readonly explanation: SubscriptionExplanation;
}

export interface SubscriptionRefused {
  readonly allowed: false;
  /** Stable, for the API and translations; the message is English for logs and developers. */
  readonly code: SubscriptionRefusalCode;
  readonly message: string;
  /** The closest thing the user can do instead, or null when there is nothing. */
  readonly alternative: SubscriptionAlternative | null;
  /** Further options, less close to what was asked (e.g. a smaller decrease now). */
  readonly alsoPossible: readonly SubscriptionAlternative[];
  readonly explanation: SubscriptionExplanation;
}

/** Every decision returns this: the outcome when allowed, or why not and what is possible instead. */
export type SubscriptionDecision<T> = SubscriptionAllowed<T> | SubscriptionRefused;

export interface RefundableLot {
  readonly quantity: number;
  readonly addedAt: Temporal.Instant;
  readonly refundableUntil: Temporal.Instant;
}

/**
 * What a refund is computed from, without prices: feed `quantityEvent` to proration's
 * `quantitySegments` (or prorate `quantity` seats over `refundedDays` of `chargePeriod`) to get the
 * amount. Proration is daily (RULES.md §3.2); `effective` is the UTC date of the change and is the
 * first day refunded.
 */
export interface RefundBasis {
  readonly quantity: number;
  readonly effective: Temporal.PlainDate;
  readonly chargePeriod: Period;
  readonly refundedDays: Period;
  readonly quantityEvent: QuantityEvent;
}

/** The prorated charge of added seats, in the same terms as a RefundBasis. */
export interface ChargeBasis {
  readonly quantity: number;
  readonly effective: Temporal.PlainDate;
  readonly chargePeriod: Period;
  readonly chargedDays: Period;
  readonly quantityEvent: QuantityEvent;
}

/** Per-SKU seat limits (Partner Center `minimumQuantity` / `maximumQuantity`, RULES.md §1.6). */
export interface SkuQuantityLimits {
  /** Defaults to 1. */
  readonly minimum?: number;
  /** Defaults to no limit. */
  readonly maximum?: number;
}
