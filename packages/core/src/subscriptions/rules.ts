import { chargePeriodContaining } from '../proration/charge-periods.ts';
import { dateInZone, startOfDayInZone, Temporal } from '../time/calendar.ts';
import { Period } from '../time/period.ts';
import type {
  RefundableLot,
  ScheduledChange,
  SeatLot,
  SkuQuantityLimits,
  Subscription,
  SubscriptionAllowed,
  SubscriptionAlternative,
  SubscriptionExplanationStep,
  SubscriptionRefusalCode,
  SubscriptionRefused,
} from './types.ts';

/**
 * Length of the NCE refund windows opened by a purchase, an increase or a renewal: "7 calendar
 * days", which Partner Center applies as 168 hours from the moment of the transaction (RULES.md
 * §3.1, §4.2). Only newly opened windows use it: an existing term's cancellation deadline is read
 * from `cancellationAllowedUntil`, which is data (window lengths differ by product, §3.5).
 */
export const NCE_WINDOW_HOURS = 168;

/** The inclusive deadline of a window opened at `from`. */
export function windowEnd(from: Temporal.Instant): Temporal.Instant {
  return from.add({ hours: NCE_WINDOW_HOURS });
}

/**
 * Windows are inclusive of their deadline: Partner Center names it "allowed until" and documents
 * `cancellationAllowedUntilDate` as the last instant at which cancelling works, so at exactly
 * 168 h the action is still allowed and one nanosecond later it is not.
 */
export function isWithin(now: Temporal.Instant, deadline: Temporal.Instant): boolean {
  return Temporal.Instant.compare(now, deadline) <= 0;
}

/** Partner Center dates are UTC (RULES.md, time basis). */
export function utcDate(instant: Temporal.Instant): Temporal.PlainDate {
  return dateInZone(instant, 'UTC');
}

export function utcStartOf(date: Temporal.PlainDate): Temporal.Instant {
  return startOfDayInZone(date, 'UTC');
}

export function lastDayOf(termEnd: Temporal.PlainDate): Temporal.PlainDate {
  return termEnd.subtract({ days: 1 });
}

export function checkInstant(value: unknown, what: string): asserts value is Temporal.Instant {
  if (!(value instanceof Temporal.Instant)) throw new TypeError(`${what} must be a Temporal.Instant`);
}

/** "167 h", "0.5 h": elapsed or remaining time as an explanation shows it. */
export function formatHours(from: Temporal.Instant, to: Temporal.Instant): string {
  const hours = from.until(to).total({ unit: 'hours' });
  return `${Number(hours.toFixed(2))} h`;
}

export function hoursBetween(from: Temporal.Instant, to: Temporal.Instant): number {
  return from.until(to).total({ unit: 'hours' });
}

export function allowed<T>(
  outcome: T,
  summary: string,
  steps: SubscriptionExplanationStep[],
): SubscriptionAllowed<T> {
  return { allowed: true, outcome, explanation: { summary, steps } };
}

export function refused(
  code: SubscriptionRefusalCode,
  message: string,
  steps: SubscriptionExplanationStep[],
  alternative: SubscriptionAlternative | null = null,
  alsoPossible: SubscriptionAlternative[] = [],
): SubscriptionRefused {
  return {
    allowed: false,
    code,
    message,
    alternative,
    alsoPossible,
    explanation: { summary: message, steps },
  };
}

export function step(label: string, formula: string, result: string): SubscriptionExplanationStep {
  return { label, formula, result };
}

/**
 * The refusal for a status in which nothing can be changed: pending, cancelled, expired, and
 * suspended unless the caller accepts it (RULES.md §4.5: no quantity change while suspended).
 */
export function statusRefusal(
  sub: Subscription,
  action: string,
  options: { allowSuspended?: boolean } = {},
): SubscriptionRefused | null {
  const steps = [step('Status', `subscription ${sub.id}`, sub.status)];
  switch (sub.status) {
    case 'active':
      return null;
    case 'suspended':
      if (options.allowSuspended) return null;
      return refused(
        'subscription_suspended',
        `Cannot ${action} while the subscription is suspended; reactivate it first`,
        steps,
        { kind: 'reactivate_first' },
      );
    case 'pending':
      return refused(
        'subscription_pending',
        `Cannot ${action} before the subscription is provisioned`,
        steps,
        { kind: 'wait_until_provisioned' },
      );
    case 'cancelled':
      return refused('subscription_cancelled', `Cannot ${action}: the subscription was cancelled`, steps, {
        kind: 'purchase_new_subscription',
      });
    case 'expired':
      return refused('subscription_expired', `Cannot ${action}: the subscription has expired`, steps, {
        kind: 'purchase_new_subscription',
      });
  }
}

/**
 * Mid-term actions need `now` inside the term [start of termStart, start of termEnd) in UTC. After
 * the term end the subscription is due for `renew`, which decides whether it renews or expires.
 */
export function termRefusal(
  sub: Subscription,
  now: Temporal.Instant,
  action: string,
): SubscriptionRefused | null {
  const start = utcStartOf(sub.termStart);
  const end = utcStartOf(sub.termEnd);
  const steps = [step('Term', `${sub.termStart} to ${lastDayOf(sub.termEnd)} (UTC)`, `now ${now}`)];
  if (Temporal.Instant.compare(now, start) < 0) {
    return refused('outside_term', `Cannot ${action} before the term starts on ${sub.termStart}`, steps, {
      kind: 'wait_until',
      at: start,
    });
  }
  if (Temporal.Instant.compare(now, end) >= 0) {
    return refused(
      'outside_term',
      `Cannot ${action}: the term ended on ${lastDayOf(sub.termEnd)}; the subscription is due for renewal or expiry`,
      steps,
    );
  }
  return null;
}

/**
 * The charge period containing `date`, clipped to the term end: a co-terminous first term
 * (custom term end, RULES.md §2.6) ends inside what would otherwise be a whole charge period.
 */
export function chargePeriodOn(sub: Subscription, date: Temporal.PlainDate): Period {
  const found = chargePeriodContaining(sub.termStart, sub.term, sub.billingCycle, date);
  const start = found?.start ?? sub.termStart;
  const end =
    found === null || Temporal.PlainDate.compare(found.end, sub.termEnd) > 0 ? sub.termEnd : found.end;
  return Period.of(start, end);
}

export function refundableLots(sub: Subscription, now: Temporal.Instant): RefundableLot[] {
  return sub.seatLots
    .filter(
      (lot) =>
        lot.quantity > 0 &&
        Temporal.Instant.compare(lot.addedAt, now) <= 0 &&
        isWithin(now, lot.refundableUntil),
    )
    .map((lot) => ({ quantity: lot.quantity, addedAt: lot.addedAt, refundableUntil: lot.refundableUntil }));
}

export function refundableTotal(sub: Subscription, now: Temporal.Instant): number {
  const total = refundableLots(sub, now).reduce((n, lot) => n + lot.quantity, 0);
  // Lots are the record of additions; they can never make more seats refundable than exist.
  return Math.min(total, sub.quantity);
}

/**
 * Takes `count` seats out of the lots, newest lot first (see decideQuantityChange for why). With
 * `anyLot`, seats outside their window are taken after the refundable ones (conversions, which are
 * not refunds). Returns the lots left and what was taken from each.
 */
export function takeFromLots(
  lots: readonly SeatLot[],
  count: number,
  now: Temporal.Instant,
  anyLot = false,
): { lots: SeatLot[]; taken: RefundableLot[] } {
  const remaining = lots.map((lot) => ({ ...lot }));
  const taken: RefundableLot[] = [];
  // Newest first by addedAt; among equal instants, the later-recorded lot first.
  const order = remaining
    .map((_, i) => i)
    .sort((a, b) => Temporal.Instant.compare(remaining[b]!.addedAt, remaining[a]!.addedAt) || b - a);
  let left = count;
  const passes = anyLot ? [true, false] : [true];
  for (const refundableOnly of passes) {
    for (const i of order) {
      if (left === 0) break;
      const lot = remaining[i]!;
      if (lot.quantity === 0) continue;
      const inWindow = Temporal.Instant.compare(lot.addedAt, now) <= 0 && isWithin(now, lot.refundableUntil);
      if (refundableOnly && !inWindow) continue;
      const take = Math.min(lot.quantity, left);
      remaining[i] = { ...lot, quantity: lot.quantity - take };
      taken.push({ quantity: take, addedAt: lot.addedAt, refundableUntil: lot.refundableUntil });
      left -= take;
    }
  }
  return { lots: remaining.filter((lot) => lot.quantity > 0), taken };
}

export function limitsOf(limits: SkuQuantityLimits): { minimum: number; maximum: number | null } {
  const minimum = limits.minimum ?? 1;
  const maximum = limits.maximum ?? null;
  if (!Number.isSafeInteger(minimum) || minimum < 0) {
    throw new RangeError(`minimum quantity must be a non-negative integer, got ${String(minimum)}`);
  }
  if (maximum !== null && (!Number.isSafeInteger(maximum) || maximum < minimum)) {
    throw new RangeError(`maximum quantity must be an integer ≥ ${minimum}, got ${String(maximum)}`);
  }
  return { minimum, maximum };
}

export function describeRange(minimum: number, maximum: number | null): string {
  return maximum === null ? `at least ${minimum}` : `${minimum} to ${maximum}`;
}

/** "quantity 3, SKU X, P1Y billed monthly, from 2027-01-01": what the renewal will apply. */
export function describeSchedule(change: ScheduledChange): string {
  return (
    `quantity ${change.quantity}, SKU ${change.skuId}, ${change.term} billed ${change.billingCycle}, ` +
    `from ${change.effectiveOn}`
  );
}

/** How a subscription can be made to end at its term end when it cannot be cancelled. */
export function endAtTermEnd(sub: Subscription): SubscriptionAlternative {
  const lastDay = lastDayOf(sub.termEnd);
  return sub.autoRenew
    ? { kind: 'turn_off_auto_renew', date: sub.termEnd, lastDay }
    : { kind: 'ends_at_term_end', date: sub.termEnd, lastDay };
}
