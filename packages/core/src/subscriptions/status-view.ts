import type { BillingCycle, TermDuration } from '../proration/charge-periods.ts';
import { Temporal } from '../time/calendar.ts';
import { decideCancel } from './cancel.ts';
import { decideQuantityChange } from './quantity.ts';
import {
  checkInstant,
  endAtTermEnd,
  hoursBetween,
  isWithin,
  lastDayOf,
  limitsOf,
  refundableLots,
  refundableTotal,
  statusRefusal,
  termRefusal,
} from './rules.ts';
import { decideAutoRenew, decideReactivate, decideSuspend } from './suspension.ts';
import type {
  ScheduledChange,
  SkuQuantityLimits,
  Subscription,
  SubscriptionAlternative,
  SubscriptionDecision,
  SubscriptionRefusalCode,
  SubscriptionRefused,
  SubscriptionStatus,
} from './types.ts';

export type NceAction =
  | 'increase_quantity'
  | 'decrease_quantity'
  | 'cancel'
  | 'suspend'
  | 'reactivate'
  | 'turn_on_auto_renew'
  | 'turn_off_auto_renew'
  | 'schedule_change'
  | 'upgrade';

export interface NceCountdown {
  readonly until: Temporal.Instant;
  /** Exact hours left (fractional), for a progress bar. */
  readonly hoursLeft: number;
  /** Time left rounded down to the minute, e.g. PT71H59M, for "71 h 59 min left". */
  readonly remaining: Temporal.Duration;
}

export interface NceRefundableLotView extends NceCountdown {
  readonly quantity: number;
  readonly addedAt: Temporal.Instant;
}

export interface NcePossibleAction {
  readonly action: NceAction;
  /** The last instant it stays possible, when it has a deadline. */
  readonly until?: Temporal.Instant;
  /** For `decrease_quantity`: the lowest quantity reachable now. */
  readonly minimumQuantity?: number;
}

export interface NceUnavailableAction {
  readonly action: NceAction;
  readonly code: SubscriptionRefusalCode;
  readonly message: string;
  readonly alternative: SubscriptionAlternative | null;
}

export type NceRenewalOnlyChange =
  | 'decrease_quantity'
  | 'change_sku'
  | 'change_term'
  | 'change_billing_cycle'
  | 'end_subscription';

export interface NceRenewalOnlyAction {
  readonly action: NceRenewalOnlyChange;
  readonly date: Temporal.PlainDate;
  /** What the user does now to get it at the renewal. */
  readonly how: SubscriptionAlternative;
}

export interface NceStatusView {
  readonly status: SubscriptionStatus;
  readonly quantity: number;
  readonly isTrial: boolean;
  readonly isAddOn: boolean;
  readonly term: {
    readonly duration: TermDuration;
    readonly billingCycle: BillingCycle;
    readonly start: Temporal.PlainDate;
    /** Exclusive: the renewal date. */
    readonly end: Temporal.PlainDate;
    readonly lastDay: Temporal.PlainDate;
  };
  /** Null when the cancellation window is closed (or there is none). */
  readonly cancellation: NceCountdown | null;
  readonly refundable: {
    readonly totalQuantity: number;
    readonly lots: readonly NceRefundableLotView[];
  };
  readonly renewal: {
    readonly date: Temporal.PlainDate;
    readonly autoRenew: boolean;
    readonly outcome: 'renews' | 'expires' | 'none';
    readonly scheduledChange: ScheduledChange | null;
  };
  readonly possibleNow: readonly NcePossibleAction[];
  /** Changes that can only take effect at the renewal, and how to get them. */
  readonly atRenewalOnly: readonly NceRenewalOnlyAction[];
  readonly unavailable: readonly NceUnavailableAction[];
}

function countdown(now: Temporal.Instant, until: Temporal.Instant): NceCountdown {
  return {
    until,
    hoursLeft: hoursBetween(now, until),
    remaining: now.until(until, { largestUnit: 'hours', smallestUnit: 'minutes', roundingMode: 'floor' }),
  };
}

function unavailable(action: NceAction, refusal: SubscriptionRefused): NceUnavailableAction {
  return { action, code: refusal.code, message: refusal.message, alternative: refusal.alternative };
}

/**
 * Everything a subscription page shows about the NCE rules at `now`: the cancellation countdown,
 * which seats can still be removed and until when, the renewal, and which actions are possible now,
 * which only at the renewal, and which not at all (with the refusal the decision would give).
 * Built from the decision functions themselves, so the page can never offer what they refuse.
 */
export function nceStatusView(
  sub: Subscription,
  now: Temporal.Instant,
  limits: SkuQuantityLimits = {},
): NceStatusView {
  checkInstant(now, 'now');
  const { minimum } = limitsOf(limits);
  const live = sub.status === 'active' || sub.status === 'suspended';
  const inTerm = termRefusal(sub, now, 'act') === null;
  const lots = live ? refundableLots(sub, now) : [];
  const refundable = live ? refundableTotal(sub, now) : 0;
  const until = sub.cancellationAllowedUntil;
  const cancellation =
    live && until !== null && inTerm && isWithin(now, until) ? countdown(now, until) : null;

  const possibleNow: NcePossibleAction[] = [];
  const notPossible: NceUnavailableAction[] = [];
  const record = <T>(
    action: NceAction,
    decision: SubscriptionDecision<T>,
    extra: Partial<NcePossibleAction> = {},
  ) => {
    if (decision.allowed) possibleNow.push({ action, ...extra });
    else notPossible.push(unavailable(action, decision));
  };

  record('increase_quantity', decideQuantityChange(sub, sub.quantity + 1, now, limits));
  const lowest = Math.max(minimum, sub.quantity - refundable);
  if (lowest < sub.quantity) {
    const latest = lots.reduce<Temporal.Instant | undefined>(
      (max, lot) =>
        max === undefined || Temporal.Instant.compare(lot.refundableUntil, max) > 0
          ? lot.refundableUntil
          : max,
      undefined,
    );
    record('decrease_quantity', decideQuantityChange(sub, lowest, now, limits), {
      minimumQuantity: lowest,
      ...(latest === undefined ? {} : { until: latest }),
    });
  } else {
    record('decrease_quantity', decideQuantityChange(sub, sub.quantity - 1, now, limits));
  }
  record('cancel', decideCancel(sub, now), until === null ? {} : { until });
  if (sub.status === 'suspended') record('reactivate', decideReactivate(sub, now));
  else record('suspend', decideSuspend(sub, now));
  record(sub.autoRenew ? 'turn_off_auto_renew' : 'turn_on_auto_renew', decideAutoRenew(sub, !sub.autoRenew));
  const gate = statusRefusal(sub, 'schedule a change') ?? termRefusal(sub, now, 'schedule a change');
  if (gate !== null) notPossible.push(unavailable('schedule_change', gate));
  else if (!sub.autoRenew) {
    notPossible.push({
      action: 'schedule_change',
      code: 'auto_renew_required',
      message: 'Changes can only be scheduled for a renewal: turn on auto-renew first',
      alternative: { kind: 'turn_on_auto_renew_and_schedule', date: sub.termEnd },
    });
  } else possibleNow.push({ action: 'schedule_change' });
  const upgradeGate = statusRefusal(sub, 'upgrade') ?? termRefusal(sub, now, 'upgrade');
  if (upgradeGate !== null) notPossible.push(unavailable('upgrade', upgradeGate));
  else possibleNow.push({ action: 'upgrade' });

  const atRenewalOnly: NceRenewalOnlyAction[] = [];
  if (sub.status === 'active' && inTerm) {
    const schedule: SubscriptionAlternative = sub.autoRenew
      ? { kind: 'schedule_at_renewal', date: sub.termEnd }
      : { kind: 'turn_on_auto_renew_and_schedule', date: sub.termEnd };
    // Below what the open windows allow, seats only go at the renewal.
    if (minimum < lowest)
      atRenewalOnly.push({ action: 'decrease_quantity', date: sub.termEnd, how: schedule });
    for (const action of ['change_sku', 'change_term', 'change_billing_cycle'] as const) {
      atRenewalOnly.push({ action, date: sub.termEnd, how: schedule });
    }
  }
  if (live && inTerm && cancellation === null) {
    atRenewalOnly.push({ action: 'end_subscription', date: sub.termEnd, how: endAtTermEnd(sub) });
  }

  return {
    status: sub.status,
    quantity: sub.quantity,
    isTrial: sub.isTrial,
    isAddOn: sub.isAddOn,
    term: {
      duration: sub.term,
      billingCycle: sub.billingCycle,
      start: sub.termStart,
      end: sub.termEnd,
      lastDay: lastDayOf(sub.termEnd),
    },
    cancellation,
    refundable: {
      totalQuantity: refundable,
      lots: lots.map((lot) => ({
        quantity: lot.quantity,
        addedAt: lot.addedAt,
        ...countdown(now, lot.refundableUntil),
      })),
    },
    renewal: {
      date: sub.termEnd,
      autoRenew: sub.autoRenew,
      outcome: !live ? 'none' : sub.autoRenew && sub.status === 'active' ? 'renews' : 'expires',
      scheduledChange: sub.scheduledChange,
    },
    possibleNow,
    atRenewalOnly,
    unavailable: notPossible,
  };
}
