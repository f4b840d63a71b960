import { firstOfNextMonth, parsePlainDate, parseYearMonth, Temporal } from './calendar.ts';

export class InvalidPeriodError extends Error {
  readonly code = 'invalid_period';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InvalidPeriodError';
  }
}

export interface PeriodJSON {
  start: string;
  end: string;
}

const MONTH_PATTERN = /^\d{4}-\d{2}$/;

/**
 * A half-open range of days [start, end). Billing is date-only: a subscription term, an invoice
 * period or a usage window is a set of whole days, and instants are mapped to days in the
 * customer's time zone before they get here (see dateInZone). Half-open so that consecutive periods
 * share their boundary (November is 2026-11-01..2026-12-01) and lengths are plain differences.
 */
export class Period {
  readonly start: Temporal.PlainDate;
  readonly end: Temporal.PlainDate;

  private constructor(start: Temporal.PlainDate, end: Temporal.PlainDate) {
    this.start = start;
    this.end = end;
    Object.freeze(this);
  }

  /** Requires start < end: an empty period has no meaningful start and is expressed as null instead. */
  static of(start: Temporal.PlainDate, end: Temporal.PlainDate): Period {
    if (!(start instanceof Temporal.PlainDate) || !(end instanceof Temporal.PlainDate)) {
      throw new InvalidPeriodError('A period needs two Temporal.PlainDate values');
    }
    if (Temporal.PlainDate.compare(start, end) >= 0) {
      throw new InvalidPeriodError(`A period must start before it ends, got ${start}..${end}`);
    }
    return new Period(start, end);
  }

  static month(ym: Temporal.PlainYearMonth): Period {
    const first = ym.toPlainDate({ day: 1 });
    return new Period(first, firstOfNextMonth(first));
  }

  static monthContaining(date: Temporal.PlainDate): Period {
    return Period.month(date.toPlainYearMonth());
  }

  /** `2026-11` (that month) or `2026-11-15..2026-12-15` (end exclusive). */
  static parse(s: string): Period {
    try {
      if (typeof s === 'string' && MONTH_PATTERN.test(s)) return Period.month(parseYearMonth(s));
      const parts = typeof s === 'string' ? s.split('..') : [];
      if (parts.length !== 2) {
        throw new InvalidPeriodError(
          `Invalid period ${JSON.stringify(s)}: expected YYYY-MM or YYYY-MM-DD..YYYY-MM-DD`,
        );
      }
      return Period.of(parsePlainDate(parts[0]!), parsePlainDate(parts[1]!));
    } catch (cause) {
      if (cause instanceof InvalidPeriodError) throw cause;
      throw new InvalidPeriodError(`Invalid period ${JSON.stringify(s)}: ${(cause as Error).message}`, {
        cause,
      });
    }
  }

  days(): number {
    return this.start.until(this.end, { largestUnit: 'day' }).days;
  }

  contains(date: Temporal.PlainDate): boolean {
    return (
      Temporal.PlainDate.compare(this.start, date) <= 0 && Temporal.PlainDate.compare(date, this.end) < 0
    );
  }

  /** The days in both periods, or null when they share none (touching periods do not overlap). */
  overlap(other: Period): Period | null {
    const start = Temporal.PlainDate.compare(this.start, other.start) >= 0 ? this.start : other.start;
    const end = Temporal.PlainDate.compare(this.end, other.end) <= 0 ? this.end : other.end;
    return Temporal.PlainDate.compare(start, end) < 0 ? new Period(start, end) : null;
  }

  /** Contiguous pieces cut at calendar month boundaries, in order; one piece if within a month. */
  splitByMonth(): Period[] {
    const pieces: Period[] = [];
    let cursor = this.start;
    while (Temporal.PlainDate.compare(cursor, this.end) < 0) {
      const boundary = firstOfNextMonth(cursor);
      const next = Temporal.PlainDate.compare(boundary, this.end) < 0 ? boundary : this.end;
      pieces.push(new Period(cursor, next));
      cursor = next;
    }
    return pieces;
  }

  isCalendarMonth(): boolean {
    return this.start.day === 1 && this.end.equals(firstOfNextMonth(this.start));
  }

  /** The month this period is exactly, or null if it is not a whole calendar month. */
  yearMonth(): Temporal.PlainYearMonth | null {
    return this.isCalendarMonth() ? this.start.toPlainYearMonth() : null;
  }

  equals(other: Period): boolean {
    return other instanceof Period && this.start.equals(other.start) && this.end.equals(other.end);
  }

  /** `2026-11-01..2026-12-01`, which parse() reads back. */
  toString(): string {
    return `${this.start.toString()}..${this.end.toString()}`;
  }

  toJSON(): PeriodJSON {
    return { start: this.start.toString(), end: this.end.toString() };
  }
}
