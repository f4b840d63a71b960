import { dateInZone, parsePlainDate, Temporal } from '@cspc/core';

/**
 * `dateInZone` for many instants of a few time zones (a billing run reads every subscription event
 * of a seller): the zone's offset is constant between two of its transitions, so once the span
 * around an instant is known (from Temporal's own transitions), the local date of any instant in it
 * is plain arithmetic. Same results as `dateInZone` (zone-days.test.ts); unusual cases (an offset
 * that is not a whole millisecond, dates outside years 1000–9999) go through `dateInZone`.
 */

const DAY_MS = 86_400_000;

interface Span {
  from: number;
  to: number;
  offsetMs: number;
}

const spansOf = new Map<string, Span[]>();
const datesOf = new Map<number, Temporal.PlainDate>();

function dateOfDay(day: number): Temporal.PlainDate | null {
  let date = datesOf.get(day);
  if (!date) {
    const text = new Date(day * DAY_MS).toISOString();
    if (!/^[1-9]\d{3}-\d{2}-\d{2}T/.test(text)) return null;
    date = parsePlainDate(text.slice(0, 10));
    if (datesOf.size >= 50_000) datesOf.clear();
    datesOf.set(day, date);
  }
  return date;
}

/** The calendar date of the instant `epochMs` in `timeZone` (throws for an unknown zone). */
export function dayInZone(epochMs: number, timeZone: string): Temporal.PlainDate {
  const spans = spansOf.get(timeZone);
  if (spans) {
    for (const s of spans) {
      if (epochMs >= s.from && epochMs < s.to) {
        const date = dateOfDay(Math.floor((epochMs + s.offsetMs) / DAY_MS));
        if (date) return date;
        break;
      }
    }
  }
  const instant = Temporal.Instant.fromEpochMilliseconds(epochMs);
  const date = dateInZone(instant, timeZone);
  try {
    const zoned = instant.toZonedDateTimeISO(timeZone);
    const offset = zoned.offsetNanoseconds;
    if (offset % 1_000_000 === 0) {
      const previous = zoned.getTimeZoneTransition('previous');
      const next = zoned.getTimeZoneTransition('next');
      // The span starts at the previous transition when the offset since then is this one.
      const from =
        previous && previous.offsetNanoseconds === offset
          ? previous.epochMilliseconds
          : previous
            ? epochMs
            : Number.NEGATIVE_INFINITY;
      const span = {
        from,
        to: next ? next.epochMilliseconds : Number.POSITIVE_INFINITY,
        offsetMs: offset / 1_000_000,
      };
      const list = spans ?? [];
      if (list.length < 1_000) list.push(span);
      spansOf.set(timeZone, list);
    }
  } catch {
    // no span: this instant keeps going through dateInZone
  }
  return date;
}
