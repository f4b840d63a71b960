import type { Temporal } from '../time/calendar.ts';
import { Period } from '../time/period.ts';
import {
  allowed,
  chargePeriodOn,
  checkInstant,
  describeRange,
  describeSchedule,
  endAtTermEnd,
  formatHours,
  isWithin,
  limitsOf,
  refundableLots,
  refundableTotal,
  refused,
  statusRefusal,
  step,
  takeFromLots,
  termRefusal,
  utcDate,
  windowEnd,
} from './rules.ts';
import type {
  ChargeBasis,
  RefundableLot,
  RefundBasis,
  ScheduledChange,
  SeatLot,
  SkuQuantityLimits,
  Subscription,
  SubscriptionAlternative,
  SubscriptionDecision,
  SubscriptionExplanationStep,
} from './types.ts';

/** The fields an immediate (mid-term) change may set. */
export type ImmediateChange = Partial<
  Pick<
    Subscription,
    'quantity' | 'seatLots' | 'skuId' | 'status' | 'autoRenew' | 'cancellationAllowedUntil' | 'isTrial'
  >
>;

export interface ImmediateChangeResult {
  readonly subscription: Subscription;
  /** The scheduled change this immediate change deleted, if there was one. */
  readonly wipedSchedule: ScheduledChange | null;
  /** For the user: why their scheduled change is gone. Null when nothing was scheduled. */
  readonly note: string | null;
}

/**
 * Applies an immediate mid-term change. Partner Center deletes every change scheduled for the
 * renewal as soon as the subscription is changed mid-term (RULES.md §5.1), so the result never
 * carries a scheduled change; the note says what was dropped so that the user can schedule it again.
 */
export function applyImmediateChange(sub: Subscription, change: ImmediateChange): ImmediateChangeResult {
  const wiped = sub.scheduledChange;
  return {
    subscription: { ...sub, ...change, scheduledChange: null },
    wipedSchedule: wiped,
    note:
      wiped === null
        ? null
        : `The change scheduled for the renewal (${describeSchedule(wiped)}) was removed: any immediate ` +
          'mid-term change deletes the changes scheduled for the renewal; schedule it again if it is still wanted',
  };
}

export interface QuantityIncrease {
  readonly kind: 'increase';
  readonly subscription: Subscription;
  readonly from: number;
  readonly to: number;
  readonly added: number;
  /** The new lot: removable again, with a refund, until its `refundableUntil`. */
  readonly lot: SeatLot;
  readonly charge: ChargeBasis;
  readonly wipedSchedule: ScheduledChange | null;
  readonly notes: readonly string[];
}

export interface QuantityDecrease {
  readonly kind: 'decrease';
  readonly subscription: Subscription;
  readonly from: number;
  readonly to: number;
  readonly removed: number;
  /** The seats taken out of each lot, newest lot first. */
  readonly takenFrom: readonly RefundableLot[];
  /** The refund is exactly the removed seats, prorated daily from `effective`. */
  readonly refund: RefundBasis;
  readonly wipedSchedule: ScheduledChange | null;
  readonly notes: readonly string[];
}

export type QuantityChangeOutcome = QuantityIncrease | QuantityDecrease;

function lotSteps(sub: Subscription, now: Temporal.Instant): SubscriptionExplanationStep[] {
  return sub.seatLots.map((lot) =>
    step(
      `Seats added ${lot.addedAt}`,
      `${lot.quantity} seats, refundable until ${lot.refundableUntil}; ${formatHours(lot.addedAt, now)} since added`,
      isWithin(now, lot.refundableUntil) ? 'inside the window' : 'window closed',
    ),
  );
}

/**
 * Decides a seat change made now (RULES.md §4).
 *
 * - An increase is allowed at any time and adds a lot refundable for 168 h.
 * - A decrease may only remove seats from lots still inside their window (inclusive of the
 *   deadline); otherwise it is refused with the alternative of scheduling it for the renewal.
 * - Seats are taken from the newest lot first. Microsoft does not document an order; newest-first
 *   reads as "undo the latest addition", and it is what our Partner Center emulator does, so the
 *   lots shown here match the `refundableQuantity.details` Partner Center reports afterwards.
 *   (Oldest-first would keep the longest deadlines for later; the refund is the same either way,
 *   since every seat of a subscription has one price.)
 * - Nothing changes while suspended, pending, cancelled or expired, nor outside the SKU's
 *   min/max (`limits`, RULES.md §4.5).
 * - An applied change deletes the scheduled change (RULES.md §5.1).
 */
export function decideQuantityChange(
  sub: Subscription,
  newQuantity: number,
  now: Temporal.Instant,
  limits: SkuQuantityLimits = {},
): SubscriptionDecision<QuantityChangeOutcome> {
  checkInstant(now, 'now');
  const { minimum, maximum } = limitsOf(limits);
  const notAllowed =
    statusRefusal(sub, 'change the quantity') ?? termRefusal(sub, now, 'change the quantity');
  if (notAllowed !== null) return notAllowed;

  const steps: SubscriptionExplanationStep[] = [
    step('Current quantity', `subscription ${sub.id}`, `${sub.quantity} seats`),
    step('Requested quantity', `SKU allows ${describeRange(minimum, maximum)}`, `${newQuantity} seats`),
  ];
  const range: SubscriptionAlternative = { kind: 'choose_quantity_in_range', minimum, maximum };
  if (!Number.isSafeInteger(newQuantity) || newQuantity < 0) {
    return refused(
      'invalid_quantity',
      `The quantity must be a whole number of seats, got ${String(newQuantity)}`,
      steps,
      range,
    );
  }
  if (newQuantity === sub.quantity) {
    return refused('quantity_unchanged', `The subscription already has ${newQuantity} seats`, steps);
  }
  if (newQuantity < minimum || (maximum !== null && newQuantity > maximum)) {
    const message = `This SKU allows ${describeRange(minimum, maximum)} seats, not ${newQuantity}`;
    if (newQuantity === 0 && minimum > 0) {
      // Removing every seat is a cancellation: offer that (or letting the term end) instead.
      const until = sub.cancellationAllowedUntil;
      const end: SubscriptionAlternative =
        until !== null && isWithin(now, until) ? { kind: 'cancel_subscription', until } : endAtTermEnd(sub);
      return refused('quantity_out_of_range', message, steps, end, [range]);
    }
    return refused('quantity_out_of_range', message, steps, range);
  }

  const today = utcDate(now);
  const chargePeriod = chargePeriodOn(sub, today);
  const days = Period.of(today, chargePeriod.end);

  if (newQuantity > sub.quantity) {
    const added = newQuantity - sub.quantity;
    const lot: SeatLot = { quantity: added, addedAt: now, refundableUntil: windowEnd(now) };
    const applied = applyImmediateChange(sub, { quantity: newQuantity, seatLots: [...sub.seatLots, lot] });
    steps.push(
      step('Increase', `${newQuantity} − ${sub.quantity}`, `+${added} seats, allowed at any time`),
      step('New seats refundable until', `${now} + 168 h`, lot.refundableUntil.toString()),
      step(
        'Prorated charge',
        `${added} seats from ${today} to the end of the charge period ${chargePeriod}`,
        `${days.days()} of ${chargePeriod.days()} days`,
      ),
    );
    if (applied.wipedSchedule !== null) {
      steps.push(step('Scheduled change', describeSchedule(applied.wipedSchedule), 'removed'));
    }
    return allowed<QuantityChangeOutcome>(
      {
        kind: 'increase',
        subscription: applied.subscription,
        from: sub.quantity,
        to: newQuantity,
        added,
        lot,
        charge: {
          quantity: added,
          effective: today,
          chargePeriod,
          chargedDays: days,
          quantityEvent: { kind: 'change', effective: today, delta: added },
        },
        wipedSchedule: applied.wipedSchedule,
        notes: applied.note === null ? [] : [applied.note],
      },
      `${added} seats added (${sub.quantity} → ${newQuantity}); they can be removed again until ${lot.refundableUntil}`,
      steps,
    );
  }

  const removed = sub.quantity - newQuantity;
  const lots = refundableLots(sub, now);
  const refundable = refundableTotal(sub, now);
  steps.push(...lotSteps(sub, now));
  steps.push(step('Refundable now', 'seats in lots whose 168 h window is still open', `${refundable} seats`));
  steps.push(step('Decrease', `${sub.quantity} − ${newQuantity}`, `${removed} seats`));

  if (removed > refundable) {
    const schedule: SubscriptionAlternative = sub.autoRenew
      ? { kind: 'schedule_at_renewal', date: sub.termEnd, quantity: newQuantity }
      : { kind: 'turn_on_auto_renew_and_schedule', date: sub.termEnd, quantity: newQuantity };
    const lowest = Math.max(minimum, sub.quantity - refundable);
    const also: SubscriptionAlternative[] =
      lowest < sub.quantity ? [{ kind: 'decrease_now', minimumQuantity: lowest, lots }] : [];
    const how = sub.autoRenew
      ? `schedule the decrease for the renewal on ${sub.termEnd}`
      : `turn on auto-renew and schedule the decrease for the renewal on ${sub.termEnd}`;
    const message =
      refundable === 0
        ? `Seats can only be removed within 168 h of being added and every seat is past that; ${how}`
        : `Only ${refundable} of the ${removed} seats are still within 168 h of being added; ${how}, ` +
          `or remove at most ${sub.quantity - lowest} now`;
    return refused('decrease_outside_window', message, steps, schedule, also);
  }

  const { lots: remaining, taken } = takeFromLots(sub.seatLots, removed, now);
  const applied = applyImmediateChange(sub, { quantity: newQuantity, seatLots: remaining });
  for (const part of taken) {
    steps.push(
      step(`Removed from the seats added ${part.addedAt}`, 'newest lot first', `${part.quantity} seats`),
    );
  }
  steps.push(
    step(
      'Prorated refund',
      `${removed} seats from ${today} to the end of the charge period ${chargePeriod}`,
      `${days.days()} of ${chargePeriod.days()} days`,
    ),
  );
  if (applied.wipedSchedule !== null) {
    steps.push(step('Scheduled change', describeSchedule(applied.wipedSchedule), 'removed'));
  }
  return allowed<QuantityChangeOutcome>(
    {
      kind: 'decrease',
      subscription: applied.subscription,
      from: sub.quantity,
      to: newQuantity,
      removed,
      takenFrom: taken,
      refund: {
        quantity: removed,
        effective: today,
        chargePeriod,
        refundedDays: days,
        quantityEvent: { kind: 'change', effective: today, delta: -removed },
      },
      wipedSchedule: applied.wipedSchedule,
      notes: applied.note === null ? [] : [applied.note],
    },
    `${removed} seats removed (${sub.quantity} → ${newQuantity}) within their 168 h window; ` +
      `${removed} seats are refunded from ${today}`,
    steps,
  );
}
