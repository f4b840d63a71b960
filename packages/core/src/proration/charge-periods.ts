import { addMonths, Temporal } from '../time/calendar.ts';
import { Period } from '../time/period.ts';
import { ProrationError } from './errors.ts';

/** NCE commitment length, as Partner Center spells it (ISO 8601 durations). */
export type TermDuration = 'P1M' | 'P1Y' | 'P3Y';

/**
 * How often an NCE licence is charged, in advance. `triennial` is the upfront payment of a P3Y term.
 */
export type BillingCycle = 'monthly' | 'annual' | 'triennial';

const TERM_MONTHS: Readonly<Record<TermDuration, number>> = { P1M: 1, P1Y: 12, P3Y: 36 };
const CYCLE_MONTHS: Readonly<Record<BillingCycle, number>> = { monthly: 1, annual: 12, triennial: 36 };

export function isTermDuration(value: unknown): value is TermDuration {
  return typeof value === 'string' && Object.hasOwn(TERM_MONTHS, value);
}

export function isBillingCycle(value: unknown): value is BillingCycle {
  return typeof value === 'string' && Object.hasOwn(CYCLE_MONTHS, value);
}

function checkDate(date: Temporal.PlainDate, what: string): void {
  if (!(date instanceof Temporal.PlainDate)) {
    throw new ProrationError('invalid_term', `${what} must be a Temporal.PlainDate`);
  }
}

/** Months in one charge period; the cycle must fit a whole number of times in the term. */
function cycleMonths(term: TermDuration, billingCycle: BillingCycle): number {
  if (!isTermDuration(term)) {
    throw new ProrationError(
      'invalid_term',
      `Unknown term ${JSON.stringify(term)}: expected P1M, P1Y or P3Y`,
    );
  }
  if (!isBillingCycle(billingCycle)) {
    throw new ProrationError(
      'invalid_billing_cycle',
      `Unknown billing cycle ${JSON.stringify(billingCycle)}: expected monthly, annual or triennial`,
    );
  }
  const months = CYCLE_MONTHS[billingCycle];
  // A charge period longer than the term (annual billing of a P1M) is not something Microsoft sells.
  if (months > TERM_MONTHS[term]) {
    throw new ProrationError('invalid_billing_cycle', `A ${term} term cannot be billed ${billingCycle}`);
  }
  return months;
}

/** The whole term, end exclusive: P1Y from 2026-04-01 is 2026-04-01..2027-04-01. */
export function termPeriod(termStart: Temporal.PlainDate, term: TermDuration): Period {
  checkDate(termStart, 'termStart');
  if (!isTermDuration(term)) {
    throw new ProrationError(
      'invalid_term',
      `Unknown term ${JSON.stringify(term)}: expected P1M, P1Y or P3Y`,
    );
  }
  return Period.of(termStart, addMonths(termStart, TERM_MONTHS[term]));
}

/**
 * The charge periods of one term, in order, that share at least one day with `within` (all of
 * them when `within` is omitted). Periods are returned whole, never clipped to `within`: a charge
 * period is the denominator of every proration inside it.
 *
 * Charge period k runs from `termStart + k cycles` to `termStart + (k+1) cycles`, both computed
 * from the term start (the anchor) and clamped to the end of a shorter month. So a term starting on
 * the 31st runs 01-31..02-28, 02-28..03-31, 03-31..04-30: the clamped day comes back to the 31st as
 * soon as the month has one, instead of drifting to the 28th for the rest of the term. This is how
 * Partner Center dates NCE charge periods (same day number next month, or the month's last day) and
 * it makes the term end equal the end of its last charge period. A term starting on 29 February
 * charges 2028-02-29..2029-02-28 (365 days) for its first year.
 *
 * A renewal is a new term: pass its own start date.
 */
export function chargePeriods(
  termStart: Temporal.PlainDate,
  term: TermDuration,
  billingCycle: BillingCycle,
  within?: Period,
): Period[] {
  checkDate(termStart, 'termStart');
  const step = cycleMonths(term, billingCycle);
  const count = TERM_MONTHS[term] / step;
  const periods: Period[] = [];
  for (let k = 0; k < count; k++) {
    const period = Period.of(addMonths(termStart, k * step), addMonths(termStart, (k + 1) * step));
    if (within === undefined || period.overlap(within) !== null) periods.push(period);
  }
  return periods;
}

/** The charge period of the term that contains `date`, or null when the date is outside the term. */
export function chargePeriodContaining(
  termStart: Temporal.PlainDate,
  term: TermDuration,
  billingCycle: BillingCycle,
  date: Temporal.PlainDate,
): Period | null {
  checkDate(date, 'date');
  return chargePeriods(termStart, term, billingCycle).find((p) => p.contains(date)) ?? null;
}
