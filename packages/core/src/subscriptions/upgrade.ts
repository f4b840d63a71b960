import type { Temporal } from '../time/calendar.ts';
import { applyImmediateChange } from './quantity.ts';
import {
  allowed,
  checkInstant,
  describeSchedule,
  lastDayOf,
  refused,
  statusRefusal,
  step,
  takeFromLots,
  termRefusal,
  utcStartOf,
} from './rules.ts';
import type {
  ScheduledChange,
  SeatLot,
  Subscription,
  SubscriptionDecision,
  SubscriptionExplanationStep,
} from './types.ts';

export interface UpgradeTarget {
  readonly skuId: string;
  /** Seats to move; defaults to all of them (a full upgrade). */
  readonly quantity?: number;
}

export interface UpgradeOptions {
  /** Partner Center transition eligibilities (`eligibilityType=immediate`, RULES.md §7.1); omitted: not checked. */
  readonly eligibleSkuIds?: readonly string[];
}

/** A subscription Partner Center is about to create: it gets its id from the response. */
export type NewSubscription = Omit<Subscription, 'id'>;

export interface UpgradeOutcome {
  /** `full`: the subscription itself moves to the target SKU; `partial`: some seats move to a new subscription. */
  readonly kind: 'full' | 'partial';
  readonly source: Subscription;
  readonly created: NewSubscription | null;
  readonly quantity: number;
  readonly wipedSchedule: ScheduledChange | null;
  readonly notes: readonly string[];
}

/**
 * Decides an immediate upgrade (transition, RULES.md §7). The source must be active (not
 * suspended, not pending). A full upgrade changes the subscription's SKU in place, keeping its term
 * and windows. A partial upgrade moves `quantity` seats to a new subscription that is co-terminous
 * with the source and inherits its cancellation window, which does not reopen before the renewal
 * (§3.3, §7.2): the new seats are refundable only until that same deadline. The seats leave the
 * source like a decrease (refundable lots first, newest first), then from any lot, since a
 * conversion is not a refund. Either way the upgrade is an immediate change and deletes the
 * source's scheduled change. The target of an upgrade is taken to be a paid SKU (`isTrial` false).
 */
export function decideUpgrade(
  sub: Subscription,
  target: UpgradeTarget,
  now: Temporal.Instant,
  options: UpgradeOptions = {},
): SubscriptionDecision<UpgradeOutcome> {
  checkInstant(now, 'now');
  if (
    target === null ||
    typeof target !== 'object' ||
    typeof target.skuId !== 'string' ||
    target.skuId === ''
  ) {
    throw new TypeError('target.skuId must be a non-empty string');
  }
  const notAllowed = statusRefusal(sub, 'upgrade') ?? termRefusal(sub, now, 'upgrade');
  if (notAllowed !== null) return notAllowed;
  const steps: SubscriptionExplanationStep[] = [
    step('Source', `subscription ${sub.id}, ${sub.skuId}`, sub.status),
    step('Target SKU', `${sub.skuId} → ${target.skuId}`, target.skuId),
  ];
  if (target.skuId === sub.skuId) {
    return refused('same_sku', `The subscription is already on ${sub.skuId}`, steps);
  }
  const eligible = options.eligibleSkuIds;
  if (eligible !== undefined && !eligible.includes(target.skuId)) {
    return refused('sku_not_eligible', `${target.skuId} is not an upgrade target of ${sub.skuId}`, steps, {
      kind: 'choose_eligible_sku',
      skuIds: eligible,
    });
  }
  const quantity = target.quantity ?? sub.quantity;
  if (!Number.isSafeInteger(quantity) || quantity < 1 || quantity > sub.quantity) {
    return refused(
      'invalid_quantity',
      `Between 1 and ${sub.quantity} seats can be upgraded, not ${String(quantity)}`,
      steps,
      { kind: 'choose_quantity_in_range', minimum: 1, maximum: sub.quantity },
    );
  }

  if (quantity === sub.quantity) {
    const applied = applyImmediateChange(sub, { skuId: target.skuId, isTrial: false });
    steps.push(step('Seats', `${quantity} of ${sub.quantity}`, 'full upgrade, in place'));
    steps.push(step('Term and windows', 'unchanged', `term ends ${sub.termEnd}`));
    if (applied.wipedSchedule !== null) {
      steps.push(step('Scheduled change', describeSchedule(applied.wipedSchedule), 'removed'));
    }
    return allowed(
      {
        kind: 'full',
        source: applied.subscription,
        created: null,
        quantity,
        wipedSchedule: applied.wipedSchedule,
        notes: applied.note === null ? [] : [applied.note],
      },
      `All ${quantity} seats upgraded from ${sub.skuId} to ${target.skuId}`,
      steps,
    );
  }

  const { lots } = takeFromLots(sub.seatLots, quantity, now, true);
  const applied = applyImmediateChange(sub, { quantity: sub.quantity - quantity, seatLots: lots });
  const inherited = sub.cancellationAllowedUntil;
  // With no window to inherit, the converted seats are not refundable: their deadline is already past.
  const lot: SeatLot = { quantity, addedAt: now, refundableUntil: inherited ?? utcStartOf(sub.termStart) };
  const created: NewSubscription = {
    skuId: target.skuId,
    status: 'active',
    term: sub.term,
    billingCycle: sub.billingCycle,
    termStart: sub.termStart,
    termEnd: sub.termEnd,
    quantity,
    seatLots: [lot],
    autoRenew: sub.autoRenew,
    scheduledChange: null,
    cancellationAllowedUntil: inherited,
    isAddOn: sub.isAddOn,
    ...(sub.parentId === undefined ? {} : { parentId: sub.parentId }),
    isTrial: false,
  };
  steps.push(
    step(
      'Seats',
      `${quantity} of ${sub.quantity}`,
      `partial upgrade: ${sub.quantity - quantity} stay on ${sub.skuId}`,
    ),
    step(
      'New subscription term',
      `co-terminous with ${sub.id}`,
      `${sub.termStart} to ${lastDayOf(sub.termEnd)}`,
    ),
    step(
      'New subscription cancellable until',
      `inherited from ${sub.id}; it does not reopen before the renewal`,
      inherited === null ? 'not cancellable' : inherited.toString(),
    ),
  );
  if (applied.wipedSchedule !== null) {
    steps.push(step('Scheduled change', describeSchedule(applied.wipedSchedule), 'removed'));
  }
  return allowed(
    {
      kind: 'partial',
      source: applied.subscription,
      created,
      quantity,
      wipedSchedule: applied.wipedSchedule,
      notes: applied.note === null ? [] : [applied.note],
    },
    `${quantity} of ${sub.quantity} seats move to a new ${target.skuId} subscription ending with the source on ` +
      `${sub.termEnd}; it inherits the cancellation window (${inherited === null ? 'none' : `until ${inherited}`})`,
    steps,
  );
}
