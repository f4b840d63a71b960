/**
 * Calendar helpers on UTC dates. Partner Center reasons in UTC calendar days (terms, billing
 * periods, proration), so dates are plain `YYYY-MM-DD` strings and instants are epoch milliseconds.
 */
export const DAY_MS = 86_400_000;

export type TermDuration = 'P1M' | 'P1Y' | 'P3Y';

export function dateOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function dateMs(date: string): number {
  const ms = Date.parse(`${date}T00:00:00Z`);
  if (Number.isNaN(ms)) throw new RangeError(`invalid date ${date}`);
  return ms;
}

export function addDays(date: string, days: number): string {
  return dateOf(dateMs(date) + days * DAY_MS);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((dateMs(to) - dateMs(from)) / DAY_MS);
}

function daysInMonth(year: number, monthIndex: number): number {
  return new Date(Date.UTC(year, monthIndex + 1, 0)).getUTCDate();
}

/** Anniversary arithmetic: the anchor's day of month is kept, clamped to short months. */
export function addMonths(anchor: string, months: number): string {
  const y = Number(anchor.slice(0, 4));
  const m = Number(anchor.slice(5, 7)) - 1;
  const d = Number(anchor.slice(8, 10));
  const total = y * 12 + m + months;
  const ny = Math.floor(total / 12);
  const nm = total - ny * 12;
  const nd = Math.min(d, daysInMonth(ny, nm));
  return `${String(ny).padStart(4, '0')}-${String(nm + 1).padStart(2, '0')}-${String(nd).padStart(2, '0')}`;
}

export function termMonths(term: string): number {
  switch (term) {
    case 'P1M':
      return 1;
    case 'P1Y':
      return 12;
    case 'P3Y':
      return 36;
    default:
      throw new RangeError(`unsupported term ${term}`);
  }
}

export function isTermDuration(value: unknown): value is TermDuration {
  return value === 'P1M' || value === 'P1Y' || value === 'P3Y';
}

/** Inclusive last day of a term starting on `start` (P1Y from 2021-01-14 ends 2022-01-13). */
export function termEnd(start: string, term: string): string {
  return addDays(addMonths(start, termMonths(term)), -1);
}

export function midnightZ(date: string): string {
  return `${date}T00:00:00Z`;
}

export function monthKey(date: string): string {
  return date.slice(0, 7);
}

export function monthStart(date: string): string {
  return `${date.slice(0, 7)}-01`;
}

export function nextMonthStart(date: string): string {
  return addMonths(monthStart(date), 1);
}

export function prevMonthStart(date: string): string {
  return addMonths(monthStart(date), -1);
}

export function parseInstant(value: unknown): number | undefined {
  if (typeof value !== 'string' || value.length < 10) return undefined;
  const ms = Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value);
  return Number.isNaN(ms) ? undefined : ms;
}
