import { termPeriod } from '../proration/charge-periods.ts';
import { Temporal } from '../time/calendar.ts';
import { Period } from '../time/period.ts';
import {
  allowed,
  checkInstant,
  describeSchedule,
  lastDayOf,
  refused,
  statusRefusal,
  step,
  utcStartOf,
  windowEnd,
} from './rules.ts';
import type {
  ScheduledChange,
  Subscription,
  SubscriptionDecision,
  SubscriptionExplanationStep,
} from './types.ts';

export interface RenewalOutcome {
  readonly kind: 'renewed' | 'expired';
  readonly subscription: Subscription;
  /** The scheduled change the new term applied; null when it renewed unchanged or expired. */
  readonly appliedChange: ScheduledChange | null;
  readonly previousTerm: Period;
  readonly notes: readonly string[];
}

/**
 * The subscription at its term end, run at `at` (when the renewal job runs, on or after the start
 * of the term-end date, UTC).
 *
 * - Auto-renew on and active: the next term starts on the old term end, with the scheduled change
 *   applied (quantity, SKU, term, billing cycle). It opens a new 168 h window counted from `at`,
 *   when the renewal completes (RULES.md §5.6), both for cancelling and as one seat lot for the
 *   whole quantity. A trial that renews becomes paid.
 * - Auto-renew off, or suspended (a suspension turned auto-renew off, §6.3): `expired` (§5.5).
 * - SubscriptionRefused before the term end, and for a pending, cancelled or expired subscription.
 */
export function renew(sub: Subscription, at: Temporal.Instant): SubscriptionDecision<RenewalOutcome> {
  checkInstant(at, 'at');
  const status = statusRefusal(sub, 'renew', { allowSuspended: true });
  if (status !== null) return status;
  const endsAt = utcStartOf(sub.termEnd);
  const previousTerm = Period.of(sub.termStart, sub.termEnd);
  const steps: SubscriptionExplanationStep[] = [
    step('Current term', `${sub.termStart} to ${lastDayOf(sub.termEnd)}`, `ends ${endsAt}`),
  ];
  if (Temporal.Instant.compare(at, endsAt) < 0) {
    return refused(
      'term_not_ended',
      `The term runs until ${lastDayOf(sub.termEnd)}; it renews on ${sub.termEnd}`,
      steps,
      {
        kind: 'wait_until',
        at: endsAt,
      },
    );
  }

  if (!sub.autoRenew || sub.status !== 'active') {
    const why =
      sub.status === 'suspended'
        ? 'suspended at the term end (a suspension turns auto-renew off)'
        : 'auto-renew is off';
    steps.push(step('Renewal', why, 'expired'));
    const notes = [`Expired on ${sub.termEnd}: ${why}`];
    if (sub.scheduledChange !== null) notes.push(`Not applied: ${describeSchedule(sub.scheduledChange)}`);
    return allowed(
      {
        kind: 'expired',
        subscription: {
          ...sub,
          status: 'expired',
          autoRenew: false,
          scheduledChange: null,
          seatLots: [],
          cancellationAllowedUntil: null,
        },
        appliedChange: null,
        previousTerm,
        notes,
      },
      `Expired on ${sub.termEnd}: ${why}`,
      steps,
    );
  }

  const notes: string[] = [];
  let change = sub.scheduledChange;
  if (change !== null && !change.effectiveOn.equals(sub.termEnd)) {
    // A schedule is cleared at every renewal, so this is stale data; applying it would be a guess.
    notes.push(`Ignored a scheduled change dated ${change.effectiveOn}, not this renewal (${sub.termEnd})`);
    change = null;
  }
  const term = change?.term ?? sub.term;
  const next = termPeriod(sub.termEnd, term);
  const quantity = change?.quantity ?? sub.quantity;
  const windowCloses = windowEnd(at);
  const renewed: Subscription = {
    ...sub,
    skuId: change?.skuId ?? sub.skuId,
    term,
    billingCycle: change?.billingCycle ?? sub.billingCycle,
    termStart: next.start,
    termEnd: next.end,
    quantity,
    seatLots: [{ quantity, addedAt: at, refundableUntil: windowCloses }],
    scheduledChange: null,
    cancellationAllowedUntil: windowCloses,
    isTrial: false,
  };
  if (change !== null) {
    steps.push(step('Scheduled change applied', describeSchedule(change), 'applied'));
    notes.push(`Applied the scheduled change: ${describeSchedule(change)}`);
  }
  if (sub.isTrial) notes.push('The trial converts to a paid subscription');
  steps.push(
    step('New term', `${term} from ${next.start}`, `${next.start} to ${lastDayOf(next.end)}`),
    step('Quantity', change === null ? 'unchanged' : `${sub.quantity} → ${quantity}`, `${quantity} seats`),
    step('New cancellation and seat-reduction window', `${at} + 168 h`, windowCloses.toString()),
  );
  return allowed(
    { kind: 'renewed', subscription: renewed, appliedChange: change, previousTerm, notes },
    `Renewed for ${term} from ${next.start} to ${lastDayOf(next.end)} with ${quantity} seats; ` +
      `cancellable and reducible until ${windowCloses}`,
    steps,
  );
}
