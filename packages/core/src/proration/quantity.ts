import { Money } from '../money/money.ts';
import { Temporal } from '../time/calendar.ts';
import { Period } from '../time/period.ts';
import { type BillingCycle, chargePeriods, type TermDuration, termPeriod } from './charge-periods.ts';
import { ProrationError } from './errors.ts';
import {
  describePeriod,
  exact,
  type ProrationExplanation,
  type ProrationStep,
  plural,
} from './explanation.ts';
import { checkQuantity } from './prorate.ts';

/**
 * Something that changed a subscription's seat count, effective from the start of a day.
 * `change` adds (delta > 0) or removes (delta < 0) seats; `cancel` removes all of them.
 */
export type QuantityEvent =
  | { kind: 'change'; effective: Temporal.PlainDate; delta: number }
  | { kind: 'cancel'; effective: Temporal.PlainDate };

export interface QuantitySchedule {
  termStart: Temporal.PlainDate;
  term: TermDuration;
  billingCycle: BillingCycle;
  /** Seats bought at the term start. */
  quantity: number;
  events: readonly QuantityEvent[];
}

export type SegmentKind = 'advance' | 'increase' | 'decrease' | 'cancellation';

export interface QuantitySegment {
  kind: SegmentKind;
  /** The day the seats were charged from: the charge period start, or the change's effective date. */
  effective: Temporal.PlainDate;
  /** Signed seats: the whole quantity for `advance`, the delta otherwise (negative = refund). */
  quantity: number;
  /** Days this segment charges: the whole charge period for `advance`, effective date to period end otherwise. */
  used: Period;
}

export interface ChargePeriodQuantities {
  chargePeriod: Period;
  /** Seats at the start of the charge period, charged in full in advance. */
  openingQuantity: number;
  /** Seats after the last change of the period (0 after a cancellation). */
  closingQuantity: number;
  segments: QuantitySegment[];
  /** Σ quantity × days over the segments: what the period charges is unitPrice × this / period days. */
  quantityDays: number;
}

function sortedEvents(events: readonly QuantityEvent[], term: Period): QuantityEvent[] {
  if (!Array.isArray(events)) throw new ProrationError('invalid_quantity_change', 'events must be an array');
  events.forEach((event, i) => {
    const what = `events[${i}]`;
    if (event === null || typeof event !== 'object' || (event.kind !== 'change' && event.kind !== 'cancel')) {
      throw new ProrationError('invalid_quantity_change', `${what} must be a change or a cancel event`);
    }
    if (!(event.effective instanceof Temporal.PlainDate)) {
      throw new ProrationError('invalid_quantity_change', `${what}.effective must be a Temporal.PlainDate`);
    }
    if (!term.contains(event.effective)) {
      throw new ProrationError(
        'invalid_quantity_change',
        `${what} is effective ${event.effective}, outside the term ${describePeriod(term)}`,
      );
    }
    if (event.kind === 'change') {
      checkQuantity(event.delta, `${what}.delta`);
      if (event.delta === 0)
        throw new ProrationError('invalid_quantity_change', `${what}.delta must not be 0`);
    }
  });
  // Stable: same-day events keep the order they were given in (the order they were accepted).
  return [...events].sort((a, b) => Temporal.PlainDate.compare(a.effective, b.effective));
}

/**
 * Turns a subscription's seat changes into what each charge period charges, the way NCE bills:
 * the seats held at the start of a charge period are charged for the whole period in advance, and
 * each change inside a period adds `delta × days from the change to the period end`: an increase
 * is a prorated charge, a decrease (or a cancellation) a prorated refund of the unused days.
 * A change effective on the first day of a period is still its own segment covering the whole
 * period, so that a same-day reversal of an advance charge shows as a refund line.
 *
 * Only charge periods overlapping `within` are returned (all of them when omitted); the opening
 * quantity always accounts for every earlier event. Nothing is returned after a cancellation.
 *
 * The events are taken as accepted facts: Partner Center only lets seats be reduced or a
 * subscription be cancelled within its cancellation window (168 hours after the purchase, renewal
 * or the increase being undone); enforcing that needs instants and belongs to the ordering layer.
 */
export function quantitySegments(schedule: QuantitySchedule, within?: Period): ChargePeriodQuantities[] {
  const { termStart, term, billingCycle, quantity } = schedule;
  checkQuantity(quantity);
  if (quantity < 1)
    throw new ProrationError('invalid_quantity', `quantity must be at least 1, got ${quantity}`);
  const periods = chargePeriods(termStart, term, billingCycle);
  const events = sortedEvents(schedule.events, termPeriod(termStart, term));

  const result: ChargePeriodQuantities[] = [];
  let current = quantity;
  let cancelled = false;
  let next = 0;
  for (const chargePeriod of periods) {
    if (cancelled) break;
    const segments: QuantitySegment[] = [];
    const openingQuantity = current;
    if (openingQuantity !== 0) {
      segments.push({
        kind: 'advance',
        effective: chargePeriod.start,
        quantity: openingQuantity,
        used: chargePeriod,
      });
    }
    while (next < events.length && chargePeriod.contains(events[next]!.effective)) {
      const event = events[next]!;
      next++;
      if (cancelled) {
        throw new ProrationError(
          'invalid_quantity_change',
          `A change effective ${event.effective} follows the cancellation of the subscription`,
        );
      }
      const delta = event.kind === 'cancel' ? -current : event.delta;
      if (current + delta < 0) {
        throw new ProrationError(
          'invalid_quantity_change',
          `Removing ${-delta} seats on ${event.effective} would leave ${current + delta}`,
        );
      }
      current += delta;
      if (event.kind === 'cancel') cancelled = true;
      if (delta === 0) continue; // cancelling a subscription already at 0 seats refunds nothing
      segments.push({
        kind: event.kind === 'cancel' ? 'cancellation' : delta > 0 ? 'increase' : 'decrease',
        effective: event.effective,
        quantity: delta,
        used: Period.of(event.effective, chargePeriod.end),
      });
    }
    if (within === undefined || chargePeriod.overlap(within) !== null) {
      result.push({
        chargePeriod,
        openingQuantity,
        closingQuantity: current,
        segments,
        quantityDays: segments.reduce((sum, s) => sum + s.quantity * s.used.days(), 0),
      });
    }
  }
  if (next < events.length) {
    // Only reachable when events follow a cancellation in a later charge period.
    throw new ProrationError(
      'invalid_quantity_change',
      `A change effective ${events[next]!.effective} follows the cancellation of the subscription`,
    );
  }
  return result;
}

export interface PeriodCharge {
  /** unitPrice × quantityDays / periodDays for the whole charge period, NOT rounded. */
  amount: Money;
  quantityDays: number;
  periodDays: number;
  explanation: ProrationExplanation;
}

const SEGMENT_WORDS: Readonly<Record<SegmentKind, string>> = {
  advance: 'Charged in advance',
  increase: 'Seats added',
  decrease: 'Seats removed (refund)',
  cancellation: 'Cancelled (refund of unused days)',
};

/**
 * One line for one subscription and one charge period: every segment's seat-days added up and
 * divided once, so the line equals the sum of the segments' prorated charges exactly and is then
 * rounded once with roundLine.
 */
export function periodCharge(unitPrice: Money, period: ChargePeriodQuantities): PeriodCharge {
  if (!(unitPrice instanceof Money)) throw new TypeError('unitPrice must be a Money');
  const periodDays = period.chargePeriod.days();
  const quantityDays = period.segments.reduce((sum, s) => sum + s.quantity * s.used.days(), 0);
  const amount = unitPrice.times(quantityDays).dividedBy(periodDays);
  const steps: ProrationStep[] = period.segments.map((s) => ({
    label: `${SEGMENT_WORDS[s.kind]} from ${s.effective}`,
    formula: `${s.quantity} × ${plural(s.used.days(), 'day', 'days')} (${describePeriod(s.used)})`,
    result: `${s.quantity * s.used.days()} seat-days`,
  }));
  steps.push({
    label: 'Charge for the period',
    formula: `${exact(unitPrice)} × ${quantityDays} seat-days / ${periodDays} days`,
    result: exact(amount),
  });
  return {
    amount,
    quantityDays,
    periodDays,
    explanation: {
      summary:
        `${quantityDays} seat-days in the ${periodDays}-day charge period ${describePeriod(period.chargePeriod)} ` +
        `at ${exact(unitPrice)} per seat per period = ${exact(amount)} (not rounded)`,
      steps,
    },
  };
}
