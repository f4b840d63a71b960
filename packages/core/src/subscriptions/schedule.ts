import {
  type BillingCycle,
  chargePeriods,
  isBillingCycle,
  isTermDuration,
  type TermDuration,
  termPeriod,
} from '../proration/charge-periods.ts';
import { ProrationError } from '../proration/errors.ts';
import type { Temporal } from '../time/calendar.ts';
import type { Period } from '../time/period.ts';
import {
  allowed,
  checkInstant,
  describeRange,
  describeSchedule,
  limitsOf,
  refused,
  statusRefusal,
  step,
  termRefusal,
} from './rules.ts';
import type {
  ScheduledChange,
  SkuQuantityLimits,
  Subscription,
  SubscriptionDecision,
  SubscriptionExplanationStep,
} from './types.ts';

/** What to change at the renewal; omitted fields stay as the subscription is now. */
export interface ScheduleRequest {
  readonly quantity?: number;
  readonly skuId?: string;
  readonly term?: TermDuration;
  readonly billingCycle?: BillingCycle;
}

export interface ScheduleOptions extends SkuQuantityLimits {
  /**
   * SKUs this subscription may move to at renewal (Partner Center transition eligibilities with
   * `eligibilityType=scheduled`, RULES.md §5.2). Omitted: not checked here.
   */
  readonly eligibleSkuIds?: readonly string[];
}

export interface ScheduledChangeOutcome {
  readonly subscription: Subscription;
  readonly scheduledChange: ScheduledChange;
  /** The earlier scheduled change this one replaces. */
  readonly replaced: ScheduledChange | null;
  readonly nextTerm: Period;
  readonly firstChargePeriod: Period;
  readonly notes: readonly string[];
}

const CYCLES: readonly BillingCycle[] = ['monthly', 'annual', 'triennial'];

function chargePeriodsOrNull(
  start: Temporal.PlainDate,
  term: TermDuration,
  cycle: BillingCycle,
): Period[] | null {
  try {
    return chargePeriods(start, term, cycle);
  } catch (error) {
    // proration owns which (term, cycle) pairs exist; ask it rather than keep a second table.
    if (error instanceof ProrationError) return null;
    throw error;
  }
}

/**
 * Decides scheduling a change for the renewal (RULES.md §5.1–5.2): quantity up or down, SKU,
 * term length, billing frequency. It needs auto-renew on and takes effect at the term end. A new
 * schedule replaces the previous one whole (Partner Center takes the whole next-term instruction in
 * one request), and any later immediate mid-term change deletes it (`applyImmediateChange`).
 */
export function decideScheduleChange(
  sub: Subscription,
  change: ScheduleRequest,
  now: Temporal.Instant,
  options: ScheduleOptions = {},
): SubscriptionDecision<ScheduledChangeOutcome> {
  checkInstant(now, 'now');
  const { minimum, maximum } = limitsOf(options);
  const notAllowed = statusRefusal(sub, 'schedule a change') ?? termRefusal(sub, now, 'schedule a change');
  if (notAllowed !== null) return notAllowed;
  const steps: SubscriptionExplanationStep[] = [
    step('Auto-renew', 'required for scheduled changes', sub.autoRenew ? 'on' : 'off'),
  ];
  if (!sub.autoRenew) {
    return refused(
      'auto_renew_required',
      `Changes can only be scheduled for a renewal: turn on auto-renew, then schedule the change for ${sub.termEnd}`,
      steps,
      {
        kind: 'turn_on_auto_renew_and_schedule',
        date: sub.termEnd,
        ...(change.quantity === undefined ? {} : { quantity: change.quantity }),
      },
    );
  }
  if (
    change.quantity === undefined &&
    change.skuId === undefined &&
    change.term === undefined &&
    change.billingCycle === undefined
  ) {
    return refused('no_change', 'Nothing to schedule: give a quantity, SKU, term or billing cycle', steps);
  }
  if (change.quantity !== undefined) {
    const q = change.quantity;
    const range = { kind: 'choose_quantity_in_range', minimum, maximum } as const;
    if (!Number.isSafeInteger(q) || q < 0) {
      return refused(
        'invalid_quantity',
        `The quantity must be a whole number of seats, got ${String(q)}`,
        steps,
        range,
      );
    }
    if (q < minimum || (maximum !== null && q > maximum)) {
      return refused(
        'quantity_out_of_range',
        `This SKU allows ${describeRange(minimum, maximum)} seats, not ${q}`,
        steps,
        range,
      );
    }
  }
  if (change.term !== undefined && !isTermDuration(change.term)) {
    return refused(
      'invalid_term',
      `Unknown term ${JSON.stringify(change.term)}: expected P1M, P1Y or P3Y`,
      steps,
    );
  }
  if (change.billingCycle !== undefined && !isBillingCycle(change.billingCycle)) {
    return refused(
      'invalid_billing_cycle',
      `Unknown billing cycle ${JSON.stringify(change.billingCycle)}: expected monthly, annual or triennial`,
      steps,
    );
  }
  if (change.skuId !== undefined) {
    if (typeof change.skuId !== 'string' || change.skuId === '')
      throw new TypeError('skuId must be a non-empty string');
    const eligible = options.eligibleSkuIds;
    if (change.skuId !== sub.skuId && eligible !== undefined && !eligible.includes(change.skuId)) {
      return refused(
        'sku_not_eligible',
        `${change.skuId} is not a scheduled transition target of ${sub.skuId}`,
        steps,
        { kind: 'choose_eligible_sku', skuIds: eligible },
      );
    }
  }

  const quantity = change.quantity ?? sub.quantity;
  const skuId = change.skuId ?? sub.skuId;
  const term = change.term ?? sub.term;
  const billingCycle = change.billingCycle ?? sub.billingCycle;
  const periods = chargePeriodsOrNull(sub.termEnd, term, billingCycle);
  if (periods === null) {
    return refused(
      'invalid_term_billing_combination',
      `A ${term} term cannot be billed ${billingCycle}`,
      steps,
      {
        kind: 'choose_billing_cycle',
        billingCycles: CYCLES.filter((c) => chargePeriodsOrNull(sub.termEnd, term, c) !== null),
      },
    );
  }
  if (
    quantity === sub.quantity &&
    skuId === sub.skuId &&
    term === sub.term &&
    billingCycle === sub.billingCycle
  ) {
    return refused(
      'no_change',
      'The renewal would already keep this quantity, SKU, term and billing cycle; to drop a scheduled change, clear it',
      steps,
    );
  }

  const scheduledChange: ScheduledChange = {
    effectiveOn: sub.termEnd,
    quantity,
    skuId,
    term,
    billingCycle,
    scheduledAt: now,
  };
  const nextTerm = termPeriod(sub.termEnd, term);
  steps.push(
    step('Effective', 'at the renewal, the current term end', sub.termEnd.toString()),
    step('Quantity at renewal', `${sub.quantity} → ${quantity}`, `${quantity} seats`),
    step('SKU at renewal', `${sub.skuId} → ${skuId}`, skuId),
    step(
      'Term at renewal',
      `${sub.term} → ${term}`,
      `${nextTerm.start} to ${nextTerm.end.subtract({ days: 1 })}`,
    ),
    step('Billing at renewal', `${sub.billingCycle} → ${billingCycle}`, `first charge period ${periods[0]!}`),
  );
  const replaced = sub.scheduledChange;
  if (replaced !== null) steps.push(step('Replaces', describeSchedule(replaced), 'replaced'));
  return allowed(
    {
      subscription: { ...sub, scheduledChange },
      scheduledChange,
      replaced,
      nextTerm,
      firstChargePeriod: periods[0]!,
      notes: [
        'Any immediate change before the renewal (adding or removing seats, an upgrade) deletes this schedule',
      ],
    },
    `Scheduled for the renewal on ${sub.termEnd}: ${describeSchedule(scheduledChange)}`,
    steps,
  );
}

export interface ScheduleCleared {
  readonly subscription: Subscription;
  readonly removed: ScheduledChange;
}

/** Drops the scheduled change: the subscription then renews as it is. */
export function decideClearScheduledChange(sub: Subscription): SubscriptionDecision<ScheduleCleared> {
  const removed = sub.scheduledChange;
  if (removed === null) {
    return refused('no_scheduled_change', 'Nothing is scheduled for the renewal', [
      step('Scheduled change', `subscription ${sub.id}`, 'none'),
    ]);
  }
  return allowed(
    { subscription: { ...sub, scheduledChange: null }, removed },
    `Scheduled change removed; the subscription renews unchanged on ${sub.termEnd}`,
    [step('Scheduled change', describeSchedule(removed), 'removed')],
  );
}
