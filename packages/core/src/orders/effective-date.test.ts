import { describe, expect, it } from 'vitest';
import { InvalidTimeZoneError, parsePlainDate, Temporal } from '../time/calendar.ts';
import { effectiveInstant, firstOfNextMonthInZone } from './effective-date.ts';

const date = parsePlainDate;
const instant = (s: string) => Temporal.Instant.from(s);

describe('effectiveInstant', () => {
  const cases: { date: string; zone: string; expected: string }[] = [
    { date: '2026-11-01', zone: 'Asia/Tokyo', expected: '2026-10-31T15:00:00Z' },
    { date: '2026-11-01', zone: 'UTC', expected: '2026-11-01T00:00:00Z' },
    { date: '2026-11-01', zone: 'Europe/Berlin', expected: '2026-10-31T23:00:00Z' }, // CET after the DST end
    { date: '2026-10-01', zone: 'Europe/Berlin', expected: '2026-09-30T22:00:00Z' }, // CEST
    { date: '2026-03-09', zone: 'America/New_York', expected: '2026-03-09T04:00:00Z' }, // EDT
    { date: '2026-03-01', zone: 'America/New_York', expected: '2026-03-01T05:00:00Z' }, // EST
    // Chile skips midnight on 2026-09-06: the day starts at 01:00 local (-03:00).
    { date: '2026-09-06', zone: 'America/Santiago', expected: '2026-09-06T04:00:00Z' },
  ];
  for (const c of cases) {
    it(`${c.date} in ${c.zone} starts at ${c.expected}`, () => {
      expect(effectiveInstant(date(c.date), c.zone).toString()).toBe(c.expected);
    });
  }

  it('refuses unknown zones and non-dates', () => {
    expect(() => effectiveInstant(date('2026-11-01'), 'Mars/Base')).toThrow(InvalidTimeZoneError);
    expect(() => effectiveInstant('2026-11-01' as never, 'UTC')).toThrow(TypeError);
  });
});

describe('firstOfNextMonthInZone', () => {
  const cases: { today: Temporal.Instant | Temporal.PlainDate; zone: string; date: string; at: string }[] = [
    // 2026-09-30T16:00Z is already 1 October in Tokyo: "next month" there is November.
    {
      today: instant('2026-09-30T16:00:00Z'),
      zone: 'Asia/Tokyo',
      date: '2026-11-01',
      at: '2026-10-31T15:00:00Z',
    },
    { today: instant('2026-09-30T16:00:00Z'), zone: 'UTC', date: '2026-10-01', at: '2026-10-01T00:00:00Z' },
    {
      today: instant('2026-10-20T03:00:00Z'),
      zone: 'Asia/Tokyo',
      date: '2026-11-01',
      at: '2026-10-31T15:00:00Z',
    },
    { today: date('2026-12-15'), zone: 'Europe/Berlin', date: '2027-01-01', at: '2026-12-31T23:00:00Z' },
    { today: date('2026-01-31'), zone: 'Asia/Tokyo', date: '2026-02-01', at: '2026-01-31T15:00:00Z' },
  ];
  for (const c of cases) {
    it(`from ${c.today} in ${c.zone}: ${c.date} at ${c.at}`, () => {
      const result = firstOfNextMonthInZone(c.today, c.zone);
      expect([result.date.toString(), result.timeZone, result.effectiveAt.toString()]).toEqual([
        c.date,
        c.zone,
        c.at,
      ]);
    });
  }

  it('refuses other inputs', () => {
    expect(() => firstOfNextMonthInZone('2026-12-15' as never, 'UTC')).toThrow(TypeError);
    expect(() => firstOfNextMonthInZone(date('2026-12-15'), 'Nowhere/City')).toThrow(InvalidTimeZoneError);
  });
});
