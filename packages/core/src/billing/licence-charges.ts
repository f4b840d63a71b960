import { Money } from '../money/money.ts';
import { type BillingCycle, chargePeriods, type TermDuration } from '../proration/charge-periods.ts';
import { describePeriod, exact, type ProrationExplanation, plural } from '../proration/explanation.ts';
import { periodCharge, type QuantityEvent, quantitySegments } from '../proration/quantity.ts';
import { Temporal } from '../time/calendar.ts';
import type { Period } from '../time/period.ts';

/**
 * What each charge period of a licence term starting before `until` charges: exactly
 * `quantitySegments` + `periodCharge` (amount, closing quantity, explanation), computed without
 * the Temporal arithmetic in the inner loop. A billing run prices tens of thousands of terms that
 * share a few hundred term starts, so the charge periods of a (term start, term, cycle) are computed
 * once (by `chargePeriods`) and kept with their day numbers and wording; seat-days are differences
 * of day numbers. Anything unusual (invalid events, a change after a cancellation, a date outside
 * years 1000–9999) takes the reference path, which throws the reference errors.
 * licence-charges.test.ts checks both paths give the same results on random schedules.
 */

export interface LicenceSchedule {
  termStart: Temporal.PlainDate;
  term: TermDuration;
  billingCycle: BillingCycle;
  quantity: number;
  unitPrice: Money;
  events: readonly QuantityEvent[];
}

export interface LicenceCharge {
  /** The charge period, 'YYYY-MM-DD' (end exclusive). */
  start: string;
  end: string;
  closingQuantity: number;
  /** unitPrice × seat-days / period days, NOT rounded. */
  amount: Money;
  explanation: ProrationExplanation;
}

/** The charges of the charge periods starting before `until`. */
export function licenceCharges(schedule: LicenceSchedule, until: Temporal.PlainDate): LicenceCharge[] {
  return fastLicenceCharges(schedule, until) ?? licenceChargesReference(schedule, until);
}

/** The reference: the proration module's functions, charge period by charge period. */
export function licenceChargesReference(
  schedule: LicenceSchedule,
  until: Temporal.PlainDate,
): LicenceCharge[] {
  const events = schedule.events.filter((e) => Temporal.PlainDate.compare(e.effective, until) < 0);
  const periods = quantitySegments({
    termStart: schedule.termStart,
    term: schedule.term,
    billingCycle: schedule.billingCycle,
    quantity: schedule.quantity,
    events,
  });
  const charges: LicenceCharge[] = [];
  for (const p of periods) {
    if (Temporal.PlainDate.compare(p.chargePeriod.start, until) >= 0) break;
    const charge = periodCharge(schedule.unitPrice, p);
    charges.push({
      start: p.chargePeriod.start.toString(),
      end: p.chargePeriod.end.toString(),
      closingQuantity: p.closingQuantity,
      amount: charge.amount,
      explanation: charge.explanation,
    });
  }
  return charges;
}

interface CachedPeriod {
  start: string;
  end: string;
  startDay: number;
  endDay: number;
  days: number;
  /** The last day (end − 1), 'YYYY-MM-DD'. */
  lastDay: string;
  /** describePeriod() of the charge period. */
  described: string;
}

interface CachedTerm {
  periods: CachedPeriod[];
  startDay: number;
  endDay: number;
}

const DATE = /^[1-9]\d{3}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;
const terms = new Map<string, CachedTerm | null>();

/** Days since 1970-01-01 of a 'YYYY-MM-DD' with a four-digit year ≥ 1000. */
function epochDay(text: string): number {
  return Date.UTC(Number(text.slice(0, 4)), Number(text.slice(5, 7)) - 1, Number(text.slice(8, 10))) / DAY_MS;
}

function termOf(termStart: Temporal.PlainDate, term: TermDuration, cycle: BillingCycle): CachedTerm | null {
  const text = termStart.toString();
  const key = `${text}|${term}|${cycle}`;
  let cached = terms.get(key);
  if (cached !== undefined) return cached;
  cached = null;
  try {
    const periods = chargePeriods(termStart, term, cycle).map((p: Period) => {
      const start = p.start.toString();
      const end = p.end.toString();
      return {
        start,
        end,
        startDay: epochDay(start),
        endDay: epochDay(end),
        days: p.days(),
        lastDay: p.end.subtract({ days: 1 }).toString(),
        described: describePeriod(p),
      };
    });
    const ok =
      periods.length > 0 &&
      periods.every((p) => DATE.test(p.start) && DATE.test(p.end) && p.endDay - p.startDay === p.days);
    if (ok) cached = { periods, startDay: periods[0]!.startDay, endDay: periods.at(-1)!.endDay };
  } catch {
    cached = null; // the reference path throws the reference error
  }
  if (terms.size >= 10_000) terms.clear();
  terms.set(key, cached);
  return cached;
}

const SEGMENT_WORDS = {
  advance: 'Charged in advance',
  increase: 'Seats added',
  decrease: 'Seats removed (refund)',
  cancellation: 'Cancelled (refund of unused days)',
} as const;

interface FastEvent {
  kind: 'change' | 'cancel';
  delta: number;
  day: number;
  text: string;
}

/** The fast path, or null when the schedule needs the reference path. */
export function fastLicenceCharges(
  schedule: LicenceSchedule,
  until: Temporal.PlainDate,
): LicenceCharge[] | null {
  const { unitPrice, quantity } = schedule;
  if (!(unitPrice instanceof Money) || !Number.isSafeInteger(quantity) || quantity < 1) return null;
  if (!(schedule.termStart instanceof Temporal.PlainDate) || !(until instanceof Temporal.PlainDate))
    return null;
  if (!Array.isArray(schedule.events)) return null;
  const untilText = until.toString();
  if (!DATE.test(untilText)) return null;
  const untilDay = epochDay(untilText);
  const term = termOf(schedule.termStart, schedule.term, schedule.billingCycle);
  if (!term) return null;
  const events: FastEvent[] = [];
  for (const e of schedule.events as readonly unknown[]) {
    if (e === null || typeof e !== 'object') return null;
    const event = e as QuantityEvent;
    if (!(event.effective instanceof Temporal.PlainDate)) return null;
    const text = event.effective.toString();
    if (!DATE.test(text)) return null;
    const day = epochDay(text);
    if (day >= untilDay) continue; // not billed yet (the reference filters these out first)
    if (day < term.startDay || day >= term.endDay) return null;
    if (event.kind === 'change') {
      if (!Number.isSafeInteger(event.delta) || event.delta === 0) return null;
      events.push({ kind: 'change', delta: event.delta, day, text });
    } else if (event.kind === 'cancel') {
      events.push({ kind: 'cancel', delta: 0, day, text });
    } else {
      return null;
    }
  }
  events.sort((a, b) => a.day - b.day); // stable: same-day events keep their order
  const price = exact(unitPrice);
  const charges: LicenceCharge[] = [];
  let current = quantity;
  let cancelled = false;
  let next = 0;
  for (const p of term.periods) {
    if (cancelled || p.startDay >= untilDay) break;
    const steps: { label: string; formula: string; result: string }[] = [];
    let quantityDays = 0;
    const segment = (
      kind: keyof typeof SEGMENT_WORDS,
      from: string,
      seats: number,
      days: number,
      described: string,
    ) => {
      quantityDays += seats * days;
      steps.push({
        label: `${SEGMENT_WORDS[kind]} from ${from}`,
        formula: `${seats} × ${plural(days, 'day', 'days')} (${described})`,
        result: `${seats * days} seat-days`,
      });
    };
    if (current !== 0) segment('advance', p.start, current, p.days, p.described);
    while (next < events.length && events[next]!.day >= p.startDay && events[next]!.day < p.endDay) {
      const event = events[next]!;
      next++;
      if (cancelled) return null;
      const delta = event.kind === 'cancel' ? -current : event.delta;
      if (current + delta < 0) return null;
      current += delta;
      if (event.kind === 'cancel') cancelled = true;
      if (delta === 0) continue;
      segment(
        event.kind === 'cancel' ? 'cancellation' : delta > 0 ? 'increase' : 'decrease',
        event.text,
        delta,
        p.endDay - event.day,
        `${event.text} to ${p.lastDay}`,
      );
    }
    if (!Number.isSafeInteger(quantityDays)) return null;
    const amount = unitPrice.times(quantityDays).dividedBy(p.days);
    const total = exact(amount);
    steps.push({
      label: 'Charge for the period',
      formula: `${price} × ${quantityDays} seat-days / ${p.days} days`,
      result: total,
    });
    charges.push({
      start: p.start,
      end: p.end,
      closingQuantity: current,
      amount,
      explanation: {
        summary:
          `${quantityDays} seat-days in the ${p.days}-day charge period ${p.described} ` +
          `at ${price} per seat per period = ${total} (not rounded)`,
        steps,
      },
    });
  }
  if (next < events.length) return null; // events after a cancellation: the reference throws
  return charges;
}
