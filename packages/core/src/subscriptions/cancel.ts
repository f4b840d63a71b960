import type { Temporal } from '../time/calendar.ts';
import { Period } from '../time/period.ts';
import {
  allowed,
  chargePeriodOn,
  checkInstant,
  describeSchedule,
  endAtTermEnd,
  formatHours,
  isWithin,
  refused,
  statusRefusal,
  step,
  termRefusal,
  utcDate,
} from './rules.ts';
import type {
  RefundBasis,
  Subscription,
  SubscriptionDecision,
  SubscriptionExplanationStep,
} from './types.ts';

export interface CancellationOutcome {
  readonly subscription: Subscription;
  /**
   * Every seat, refunded for the rest of the current charge period from the UTC date of the
   * cancellation: the days before it count as used (RULES.md §3.2, daily proration). A trial's
   * basis is priced at 0.
   */
  readonly refund: RefundBasis;
  readonly notes: readonly string[];
}

/**
 * Decides cancelling now (RULES.md §3). Allowed up to and including `cancellationAllowedUntil`
 * (168 h after the purchase or renewal for NCE licences, the parent's window after a partial
 * upgrade), from active or suspended; afterwards the only way out is to let the term end, so the
 * refusal offers turning auto-renew off (or says it already ends at the term end).
 * A cancelled subscription loses access at once and cannot be restored (§3.6).
 */
export function decideCancel(
  sub: Subscription,
  now: Temporal.Instant,
): SubscriptionDecision<CancellationOutcome> {
  checkInstant(now, 'now');
  const status = statusRefusal(sub, 'cancel', { allowSuspended: true });
  if (status !== null) return status;

  const until = sub.cancellationAllowedUntil;
  const steps: SubscriptionExplanationStep[] = [];
  if (until === null) {
    steps.push(step('Cancellation allowed until', 'cancellationAllowedUntil', 'none: not cancellable'));
    return refused(
      'not_cancellable',
      `This subscription cannot be cancelled; it ends on ${sub.termEnd} if auto-renew is off`,
      steps,
      endAtTermEnd(sub),
    );
  }
  steps.push(step('Cancellation allowed until', 'cancellationAllowedUntil (inclusive)', until.toString()));
  if (!isWithin(now, until)) {
    steps.push(step('Now', `${now}, ${formatHours(until, now)} after the deadline`, 'window closed'));
    const how = sub.autoRenew
      ? `turn off auto-renew so that it ends on ${sub.termEnd}`
      : `auto-renew is already off, so it ends on ${sub.termEnd}`;
    return refused(
      'cancel_outside_window',
      `The cancellation window closed at ${until}; ${how}`,
      steps,
      endAtTermEnd(sub),
    );
  }
  const term = termRefusal(sub, now, 'cancel');
  if (term !== null) return term;
  steps.push(step('Now', `${now} ≤ ${until}`, `${formatHours(now, until)} left`));

  const today = utcDate(now);
  const chargePeriod = chargePeriodOn(sub, today);
  const refundedDays = Period.of(today, chargePeriod.end);
  steps.push(
    step(
      'Prorated refund',
      `${sub.quantity} seats from ${today} to the end of the charge period ${chargePeriod}`,
      `${refundedDays.days()} of ${chargePeriod.days()} days`,
    ),
  );
  const notes = ['Access ends at once and a cancelled subscription cannot be restored'];
  if (sub.isTrial) notes.push('A trial is not charged, so its refund is zero');
  if (sub.scheduledChange !== null) {
    steps.push(step('Scheduled change', describeSchedule(sub.scheduledChange), 'dropped'));
  }
  return allowed(
    {
      subscription: {
        ...sub,
        status: 'cancelled',
        autoRenew: false,
        scheduledChange: null,
        seatLots: [],
        cancellationAllowedUntil: null,
      },
      refund: {
        quantity: sub.quantity,
        effective: today,
        chargePeriod,
        refundedDays,
        quantityEvent: { kind: 'cancel', effective: today },
      },
      notes,
    },
    `Cancellation allowed until ${until} (${formatHours(now, until)} left); ` +
      `${sub.quantity} seats are refunded from ${today}`,
    steps,
  );
}
