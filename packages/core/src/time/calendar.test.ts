import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addMonths,
  dateInZone,
  daysInMonth,
  firstOfNextMonth,
  InvalidDateError,
  InvalidTimeZoneError,
  isTimeZone,
  monthBoundsInZone,
  parsePlainDate,
  parseYearMonth,
  startOfDayInZone,
  Temporal,
} from './calendar.ts';

const date = (s: string) => parsePlainDate(s);
const instant = (s: string) => Temporal.Instant.from(s);

function expectCode(fn: () => unknown, ErrorClass: new (...args: never[]) => Error, code: string): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ErrorClass);
    expect((error as { code?: string }).code).toBe(code);
    return;
  }
  expect.fail('expected an error');
}

const zones = [
  'UTC',
  'Asia/Tokyo',
  'America/New_York',
  'Europe/Berlin',
  'America/Santiago',
  'Australia/Lord_Howe',
  'Asia/Kolkata',
  'Pacific/Chatham',
];
const zoneArb = fc.constantFrom(...zones);
const dateArb = fc
  .integer({ min: 0, max: 365 * 80 })
  .map((offset) => Temporal.PlainDate.from('1990-01-01').add({ days: offset }));

describe('parsePlainDate', () => {
  it('parses YYYY-MM-DD', () => {
    const d = date('2026-02-28');
    expect([d.year, d.month, d.day]).toEqual([2026, 2, 28]);
    expect(date('2028-02-29').toString()).toBe('2028-02-29');
  });

  it('rejects impossible days and any other shape', () => {
    for (const bad of [
      '2026-02-30',
      '2026-02-29',
      '2026-13-01',
      '2026-00-10',
      '2026-04-31',
      '2026-2-01',
      '20260201',
      '2026-02-01T00:00',
      ' 2026-02-01',
      '2026-02-01 ',
      '+002026-02-01',
      '2026-02',
      '',
    ]) {
      expectCode(() => parsePlainDate(bad), InvalidDateError, 'invalid_date');
    }
    expectCode(() => parsePlainDate(20260201 as never), InvalidDateError, 'invalid_date');
  });
});

describe('parseYearMonth', () => {
  it('parses YYYY-MM', () => {
    expect(parseYearMonth('2026-11').toString()).toBe('2026-11');
  });

  it('rejects anything else', () => {
    for (const bad of ['2026-13', '2026-00', '2026-1', '2026-11-01', '202611', '']) {
      expectCode(() => parseYearMonth(bad), InvalidDateError, 'invalid_date');
    }
  });
});

describe('daysInMonth', () => {
  it('counts days with leap years', () => {
    expect(daysInMonth(parseYearMonth('2026-02'))).toBe(28);
    expect(daysInMonth(parseYearMonth('2028-02'))).toBe(29);
    expect(daysInMonth(parseYearMonth('2100-02'))).toBe(28);
    expect(daysInMonth(parseYearMonth('2000-02'))).toBe(29);
    expect(daysInMonth(parseYearMonth('2026-04'))).toBe(30);
    expect(daysInMonth(parseYearMonth('2026-12'))).toBe(31);
  });
});

describe('time zones', () => {
  it('maps an instant to the local date', () => {
    expect(dateInZone(instant('2026-09-30T15:00:00Z'), 'Asia/Tokyo').toString()).toBe('2026-10-01');
    expect(dateInZone(instant('2026-09-30T14:59:59.999999999Z'), 'Asia/Tokyo').toString()).toBe('2026-09-30');
    expect(dateInZone(instant('2026-09-30T15:00:00Z'), 'UTC').toString()).toBe('2026-09-30');
    expect(dateInZone(instant('2026-01-01T04:59:59Z'), 'America/New_York').toString()).toBe('2025-12-31');
  });

  it('starts New York days at the right instant across DST', () => {
    const ny = 'America/New_York';
    expect(startOfDayInZone(date('2026-03-07'), ny).toString()).toBe('2026-03-07T05:00:00Z');
    expect(startOfDayInZone(date('2026-03-08'), ny).toString()).toBe('2026-03-08T05:00:00Z');
    expect(startOfDayInZone(date('2026-03-09'), ny).toString()).toBe('2026-03-09T04:00:00Z');
    expect(startOfDayInZone(date('2026-11-01'), ny).toString()).toBe('2026-11-01T04:00:00Z');
    expect(startOfDayInZone(date('2026-11-02'), ny).toString()).toBe('2026-11-02T05:00:00Z');
    // The DST day itself is 23 hours long.
    const start = startOfDayInZone(date('2026-03-08'), ny);
    const end = startOfDayInZone(date('2026-03-09'), ny);
    expect(start.until(end).total('hours')).toBe(23);
  });

  it('starts a day whose midnight does not exist at its first existing instant', () => {
    // Chile springs forward at 00:00 on 2026-09-06: local time jumps to 01:00 (-03:00).
    expect(startOfDayInZone(date('2026-09-06'), 'America/Santiago').toString()).toBe('2026-09-06T04:00:00Z');
  });

  it('bounds a month in Tokyo', () => {
    const { start, end } = monthBoundsInZone(parseYearMonth('2026-10'), 'Asia/Tokyo');
    expect(start.toString()).toBe('2026-09-30T15:00:00Z');
    expect(end.toString()).toBe('2026-10-31T15:00:00Z');
  });

  it('bounds a New York month containing a DST change', () => {
    const { start, end } = monthBoundsInZone(parseYearMonth('2026-03'), 'America/New_York');
    expect(start.toString()).toBe('2026-03-01T05:00:00Z');
    expect(end.toString()).toBe('2026-04-01T04:00:00Z');
    expect(start.until(end).total('hours')).toBe(31 * 24 - 1);
  });

  it('rejects unknown time zones', () => {
    expect(isTimeZone('Europe/Paris')).toBe(true);
    expect(isTimeZone('+09:00')).toBe(true);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
    expectCode(
      () => dateInZone(instant('2026-01-01T00:00:00Z'), 'Nowhere/City'),
      InvalidTimeZoneError,
      'invalid_time_zone',
    );
    expectCode(
      () => startOfDayInZone(date('2026-01-01'), 'Nowhere/City'),
      InvalidTimeZoneError,
      'invalid_time_zone',
    );
  });
});

describe('month arithmetic', () => {
  it('finds the first of the next month', () => {
    expect(firstOfNextMonth(date('2026-01-31')).toString()).toBe('2026-02-01');
    expect(firstOfNextMonth(date('2026-12-31')).toString()).toBe('2027-01-01');
    expect(firstOfNextMonth(date('2026-02-01')).toString()).toBe('2026-03-01');
  });

  it('adds months clamping to the end of shorter months', () => {
    expect(addMonths(date('2026-01-31'), 1).toString()).toBe('2026-02-28');
    expect(addMonths(date('2028-01-31'), 1).toString()).toBe('2028-02-29');
    expect(addMonths(date('2026-03-31'), -1).toString()).toBe('2026-02-28');
    expect(addMonths(date('2026-11-15'), 14).toString()).toBe('2028-01-15');
    expect(addMonths(date('2026-11-15'), 0).toString()).toBe('2026-11-15');
    expect(() => addMonths(date('2026-01-01'), 1.5)).toThrow(RangeError);
  });
});

describe('calendar properties', () => {
  it('the start of a day in a zone falls on that day in that zone, and the day before ends just before', () => {
    fc.assert(
      fc.property(dateArb, zoneArb, (d, zone) => {
        const start = startOfDayInZone(d, zone);
        expect(dateInZone(start, zone).equals(d)).toBe(true);
        const justBefore = start.subtract({ nanoseconds: 1 });
        expect(dateInZone(justBefore, zone).equals(d.subtract({ days: 1 }))).toBe(true);
      }),
    );
  });

  it('month bounds cover exactly the days of the month', () => {
    fc.assert(
      fc.property(dateArb, zoneArb, (d, zone) => {
        const ym = d.toPlainYearMonth();
        const { start, end } = monthBoundsInZone(ym, zone);
        expect(Temporal.Instant.compare(start, end)).toBe(-1);
        expect(dateInZone(start, zone).toString()).toBe(`${ym.toString()}-01`);
        const last = dateInZone(end.subtract({ nanoseconds: 1 }), zone);
        expect(last.toPlainYearMonth().equals(ym)).toBe(true);
        expect(last.day).toBe(daysInMonth(ym));
      }),
    );
  });

  it('parsePlainDate reads back what PlainDate prints', () => {
    fc.assert(
      fc.property(dateArb, (d) => {
        expect(parsePlainDate(d.toString()).equals(d)).toBe(true);
      }),
    );
  });
});
