import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePlainDate, parseYearMonth, Temporal } from './calendar.ts';
import { InvalidPeriodError, Period } from './period.ts';

const date = (s: string) => parsePlainDate(s);
const period = (s: string) => Period.parse(s);
const strings = (items: readonly Period[]) => items.map((p) => p.toString());

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

const EPOCH = Temporal.PlainDate.from('1995-01-01');
const periodArb = fc
  .tuple(fc.integer({ min: 0, max: 365 * 60 }), fc.integer({ min: 1, max: 800 }))
  .map(([offset, length]) => {
    const start = EPOCH.add({ days: offset });
    return Period.of(start, start.add({ days: length }));
  });

describe('Period construction', () => {
  it('builds a half-open range', () => {
    const p = Period.of(date('2026-11-01'), date('2026-12-01'));
    expect(p.toString()).toBe('2026-11-01..2026-12-01');
    expect(p.days()).toBe(30);
    expect(p.start.toString()).toBe('2026-11-01');
    expect(p.end.toString()).toBe('2026-12-01');
    expect(Object.isFrozen(p)).toBe(true);
  });

  it('requires start before end', () => {
    expectCode(() => Period.of(date('2026-11-01'), date('2026-11-01')), InvalidPeriodError, 'invalid_period');
    expectCode(() => Period.of(date('2026-11-02'), date('2026-11-01')), InvalidPeriodError, 'invalid_period');
    expectCode(
      () => Period.of('2026-11-01' as never, date('2026-12-01')),
      InvalidPeriodError,
      'invalid_period',
    );
  });

  it('builds calendar months', () => {
    expect(Period.month(parseYearMonth('2026-02')).toString()).toBe('2026-02-01..2026-03-01');
    expect(Period.month(parseYearMonth('2026-02')).days()).toBe(28);
    expect(Period.month(parseYearMonth('2028-02')).days()).toBe(29);
    expect(Period.month(parseYearMonth('2026-12')).toString()).toBe('2026-12-01..2027-01-01');
    expect(Period.monthContaining(date('2026-02-14')).toString()).toBe('2026-02-01..2026-03-01');
    expect(Period.monthContaining(date('2026-12-31')).toString()).toBe('2026-12-01..2027-01-01');
  });

  it('parses months and explicit ranges', () => {
    expect(period('2026-11').toString()).toBe('2026-11-01..2026-12-01');
    expect(period('2026-01-20..2026-03-05').toString()).toBe('2026-01-20..2026-03-05');
    expect(period('2026-01-20..2026-01-21').days()).toBe(1);
  });

  it('rejects malformed periods with invalid_period', () => {
    for (const bad of [
      '',
      '2026-13',
      '2026-1',
      '2026-01-20',
      '2026-01-20..',
      '..2026-03-05',
      '2026-01-20...2026-03-05',
      '2026-01-20..2026-03-05..2026-04-01',
      '2026-01-20 .. 2026-03-05',
      '2026-02-30..2026-03-01',
      '2026-03-01..2026-03-01',
      '2026-03-05..2026-01-20',
      '2026-01..2026-03',
    ]) {
      expectCode(() => Period.parse(bad), InvalidPeriodError, 'invalid_period');
    }
  });
});

describe('Period queries', () => {
  it('contains its start but not its end', () => {
    const p = period('2026-11');
    expect(p.contains(date('2026-11-01'))).toBe(true);
    expect(p.contains(date('2026-11-30'))).toBe(true);
    expect(p.contains(date('2026-12-01'))).toBe(false);
    expect(p.contains(date('2026-10-31'))).toBe(false);
  });

  it('overlaps', () => {
    const nov = period('2026-11');
    expect(nov.overlap(period('2026-11-15..2026-12-15'))?.toString()).toBe('2026-11-15..2026-12-01');
    expect(nov.overlap(period('2026-10-01..2027-01-01'))?.toString()).toBe('2026-11-01..2026-12-01');
    expect(nov.overlap(period('2026-11-10..2026-11-11'))?.toString()).toBe('2026-11-10..2026-11-11');
    expect(nov.overlap(period('2026-12'))).toBeNull();
    expect(nov.overlap(period('2026-10'))).toBeNull();
    expect(nov.overlap(period('2027-01'))).toBeNull();
  });

  it('splits at month boundaries', () => {
    const p = period('2026-01-20..2026-03-05');
    const pieces = p.splitByMonth();
    expect(strings(pieces)).toEqual([
      '2026-01-20..2026-02-01',
      '2026-02-01..2026-03-01',
      '2026-03-01..2026-03-05',
    ]);
    expect(pieces.map((x) => x.days())).toEqual([12, 28, 4]);
    expect(p.days()).toBe(44);
    expect(strings(period('2026-11-10..2026-11-20').splitByMonth())).toEqual(['2026-11-10..2026-11-20']);
    expect(strings(period('2026-11').splitByMonth())).toEqual(['2026-11-01..2026-12-01']);
    expect(strings(period('2026-12-15..2027-01-10').splitByMonth())).toEqual([
      '2026-12-15..2027-01-01',
      '2027-01-01..2027-01-10',
    ]);
  });

  it('recognises whole calendar months', () => {
    expect(period('2026-11').isCalendarMonth()).toBe(true);
    expect(period('2026-11').yearMonth()?.toString()).toBe('2026-11');
    expect(period('2026-02-01..2026-03-01').yearMonth()?.toString()).toBe('2026-02');
    expect(period('2026-11-02..2026-12-02').isCalendarMonth()).toBe(false);
    expect(period('2026-11-01..2026-11-30').isCalendarMonth()).toBe(false);
    expect(period('2026-11-01..2027-01-01').isCalendarMonth()).toBe(false);
    expect(period('2026-11-01..2027-01-01').yearMonth()).toBeNull();
  });

  it('compares and serialises', () => {
    expect(period('2026-11').equals(period('2026-11-01..2026-12-01'))).toBe(true);
    expect(period('2026-11').equals(period('2026-11-01..2026-12-02'))).toBe(false);
    expect(period('2026-11').toJSON()).toEqual({ start: '2026-11-01', end: '2026-12-01' });
    expect(JSON.stringify(period('2026-11'))).toBe('{"start":"2026-11-01","end":"2026-12-01"}');
  });
});

describe('Period properties', () => {
  it('splitByMonth pieces are contiguous, within one month each, and add up to days()', () => {
    fc.assert(
      fc.property(periodArb, (p) => {
        const pieces = p.splitByMonth();
        expect(pieces[0]!.start.equals(p.start)).toBe(true);
        expect(pieces.at(-1)!.end.equals(p.end)).toBe(true);
        for (let i = 1; i < pieces.length; i++) {
          expect(pieces[i - 1]!.end.equals(pieces[i]!.start)).toBe(true);
          expect(pieces[i]!.start.day).toBe(1);
        }
        for (const piece of pieces) {
          const lastDay = piece.end.subtract({ days: 1 });
          expect(piece.start.toPlainYearMonth().equals(lastDay.toPlainYearMonth())).toBe(true);
        }
        expect(pieces.reduce((n, piece) => n + piece.days(), 0)).toBe(p.days());
      }),
    );
  });

  it('overlap is commutative and lies within both periods', () => {
    fc.assert(
      fc.property(periodArb, periodArb, (a, b) => {
        const ab = a.overlap(b);
        const ba = b.overlap(a);
        if (ab === null) {
          expect(ba).toBeNull();
          // Disjoint: one ends no later than the other starts.
          const disjoint =
            Temporal.PlainDate.compare(a.end, b.start) <= 0 ||
            Temporal.PlainDate.compare(b.end, a.start) <= 0;
          expect(disjoint).toBe(true);
          return;
        }
        expect(ba?.equals(ab)).toBe(true);
        for (const outer of [a, b]) {
          expect(outer.contains(ab.start)).toBe(true);
          expect(outer.contains(ab.end.subtract({ days: 1 }))).toBe(true);
        }
        expect(ab.days()).toBeLessThanOrEqual(Math.min(a.days(), b.days()));
      }),
    );
  });

  it('overlap with itself is itself', () => {
    fc.assert(
      fc.property(periodArb, (p) => {
        expect(p.overlap(p)?.equals(p)).toBe(true);
      }),
    );
  });

  it('contains agrees with days() when counting', () => {
    fc.assert(
      fc.property(periodArb, (p) => {
        let count = 0;
        let day = p.start.subtract({ days: 3 });
        const stop = p.end.add({ days: 3 });
        while (Temporal.PlainDate.compare(day, stop) < 0) {
          if (p.contains(day)) count++;
          day = day.add({ days: 1 });
        }
        expect(count).toBe(p.days());
      }),
      { numRuns: 50 },
    );
  });

  it('parse reads back toString', () => {
    fc.assert(
      fc.property(periodArb, (p) => {
        expect(Period.parse(p.toString()).equals(p)).toBe(true);
      }),
    );
  });
});
