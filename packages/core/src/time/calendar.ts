import { Temporal } from 'temporal-polyfill';

// The polyfill, not the global: Node 20 has no Temporal, and a later native one must not silently
// replace the implementation the tests were written against.
export { Temporal };

export class InvalidDateError extends Error {
  readonly code = 'invalid_date';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InvalidDateError';
  }
}

export class InvalidTimeZoneError extends Error {
  readonly code = 'invalid_time_zone';
  readonly timeZone: string;

  constructor(timeZone: string, options?: { cause?: unknown }) {
    super(`Unknown time zone ${JSON.stringify(timeZone)}`, options);
    this.name = 'InvalidTimeZoneError';
    this.timeZone = timeZone;
  }
}

// Temporal.PlainDate.from would also take "20260301", "+002026-03-01" or a full date-time and drop
// the time; billing dates come from users and APIs, where anything but YYYY-MM-DD is a mistake.
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const YEAR_MONTH_PATTERN = /^(\d{4})-(\d{2})$/;

/** Strict `YYYY-MM-DD`; an impossible date such as 2026-02-30 is refused, never clamped. */
export function parsePlainDate(s: string): Temporal.PlainDate {
  const m = typeof s === 'string' ? DATE_PATTERN.exec(s) : null;
  if (m === null) throw new InvalidDateError(`Invalid date ${JSON.stringify(s)}: expected YYYY-MM-DD`);
  try {
    return Temporal.PlainDate.from(
      { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) },
      { overflow: 'reject' },
    );
  } catch (cause) {
    throw new InvalidDateError(`Invalid date ${JSON.stringify(s)}: no such day`, { cause });
  }
}

/** Strict `YYYY-MM`. */
export function parseYearMonth(s: string): Temporal.PlainYearMonth {
  const m = typeof s === 'string' ? YEAR_MONTH_PATTERN.exec(s) : null;
  if (m === null) throw new InvalidDateError(`Invalid month ${JSON.stringify(s)}: expected YYYY-MM`);
  try {
    return Temporal.PlainYearMonth.from({ year: Number(m[1]), month: Number(m[2]) }, { overflow: 'reject' });
  } catch (cause) {
    throw new InvalidDateError(`Invalid month ${JSON.stringify(s)}: no such month`, { cause });
  }
}

export function daysInMonth(ym: Temporal.PlainYearMonth): number {
  return ym.daysInMonth;
}

function zoned(epochNanoseconds: bigint, timeZone: string): Temporal.ZonedDateTime {
  try {
    return new Temporal.ZonedDateTime(epochNanoseconds, timeZone);
  } catch (cause) {
    throw new InvalidTimeZoneError(timeZone, { cause });
  }
}

/** True for an IANA name ("Europe/Paris") or fixed offset ("+09:00") that Temporal can use. */
export function isTimeZone(timeZone: string): boolean {
  try {
    zoned(0n, timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The calendar date an instant falls on for someone in `timeZone` (e.g. a customer's billing zone). */
export function dateInZone(instant: Temporal.Instant, timeZone: string): Temporal.PlainDate {
  return zoned(instant.epochNanoseconds, timeZone).toPlainDate();
}

/**
 * The first instant of `date` in `timeZone`. Usually local midnight, but where a DST transition
 * skips midnight (e.g. America/Santiago in September) the day starts at the first existing time.
 */
export function startOfDayInZone(date: Temporal.PlainDate, timeZone: string): Temporal.Instant {
  zoned(0n, timeZone);
  return date.toZonedDateTime({ timeZone }).toInstant();
}

/** The half-open instant range [start, end) of a calendar month as lived in `timeZone`. */
export function monthBoundsInZone(
  ym: Temporal.PlainYearMonth,
  timeZone: string,
): { start: Temporal.Instant; end: Temporal.Instant } {
  const first = ym.toPlainDate({ day: 1 });
  return {
    start: startOfDayInZone(first, timeZone),
    end: startOfDayInZone(firstOfNextMonth(first), timeZone),
  };
}

export function firstOfNextMonth(date: Temporal.PlainDate): Temporal.PlainDate {
  return date.with({ day: 1 }).add({ months: 1 });
}

/**
 * Calendar months later (or earlier for negative n), clamping to the end of a shorter month:
 * 2026-01-31 + 1 month is 2026-02-28. Clamping does not compose (Jan 31 +1 +1 is Mar 28, not Mar 31),
 * so recurring dates must always be computed from their original anchor, not from the previous one.
 */
export function addMonths(date: Temporal.PlainDate, n: number): Temporal.PlainDate {
  if (!Number.isSafeInteger(n)) throw new RangeError(`months must be an integer, got ${n}`);
  return date.add({ months: n }, { overflow: 'constrain' });
}
