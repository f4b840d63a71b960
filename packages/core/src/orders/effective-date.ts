import { dateInZone, firstOfNextMonth, startOfDayInZone, Temporal } from '../time/calendar.ts';

/**
 * The instant an order dated `date` takes effect: the start of that day in the provider's time
 * zone, which is what "from the 1st" means to the people who agreed it. 2026-11-01 in Asia/Tokyo is
 * 2026-10-31T15:00:00Z. Where a DST change skips midnight, the day starts at its first existing
 * instant. Comparisons with it (`due`) are then plain instant comparisons, in UTC like Partner Center.
 */
export function effectiveInstant(date: Temporal.PlainDate, timeZone: string): Temporal.Instant {
  if (!(date instanceof Temporal.PlainDate)) throw new TypeError('date must be a Temporal.PlainDate');
  return startOfDayInZone(date, timeZone);
}

export interface ZonedEffectiveDate {
  readonly date: Temporal.PlainDate;
  readonly timeZone: string;
  readonly effectiveAt: Temporal.Instant;
}

/**
 * "From the 1st of next month" for a provider in `timeZone`. `today` is either the local date or
 * an instant, read in `timeZone`: at 2026-09-30T16:00:00Z it is already 1 October in Tokyo, so the
 * next month there is November (effective 2026-10-31T15:00:00Z), while in UTC it is October.
 * (Named apart from time's `firstOfNextMonth(date)`, which it builds on.)
 */
export function firstOfNextMonthInZone(
  today: Temporal.Instant | Temporal.PlainDate,
  timeZone: string,
): ZonedEffectiveDate {
  let local: Temporal.PlainDate;
  if (today instanceof Temporal.Instant) local = dateInZone(today, timeZone);
  else if (today instanceof Temporal.PlainDate) local = today;
  else throw new TypeError('today must be a Temporal.Instant or a Temporal.PlainDate');
  const date = firstOfNextMonth(local);
  return { date, timeZone, effectiveAt: effectiveInstant(date, timeZone) };
}
