import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePlainDate, Temporal } from '../time/calendar.ts';
import { Period } from '../time/period.ts';
import {
  type BillingCycle,
  chargePeriodContaining,
  chargePeriods,
  type TermDuration,
  termPeriod,
} from './charge-periods.ts';
import { ProrationError } from './errors.ts';

const date = parsePlainDate;
const strings = (periods: readonly Period[]) => periods.map((p) => p.toString());
const lengths = (periods: readonly Period[]) => periods.map((p) => p.days());

function expectCode(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ProrationError);
    expect((error as ProrationError).code).toBe(code);
    return;
  }
  expect.fail('expected a ProrationError');
}

describe('chargePeriods, monthly billing', () => {
  it('runs from the start day to the same day next month', () => {
    const periods = chargePeriods(date('2026-01-20'), 'P1Y', 'monthly');
    expect(periods).toHaveLength(12);
    expect(strings(periods.slice(0, 3))).toEqual([
      '2026-01-20..2026-02-20',
      '2026-02-20..2026-03-20',
      '2026-03-20..2026-04-20',
    ]);
    expect(periods[11]!.toString()).toBe('2026-12-20..2027-01-20');
    // Jan 20 → Feb 20: 11 days left in January + 20 in February = 31; Feb 20 → Mar 20: 28 (2026 is not leap).
    expect(lengths(periods.slice(0, 2))).toEqual([31, 28]);
  });

  it('clamps a 31st start to short month ends and comes back to the 31st', () => {
    const periods = chargePeriods(date('2026-01-31'), 'P1Y', 'monthly');
    expect(strings(periods.slice(0, 5))).toEqual([
      '2026-01-31..2026-02-28',
      '2026-02-28..2026-03-31',
      '2026-03-31..2026-04-30',
      '2026-04-30..2026-05-31',
      '2026-05-31..2026-06-30',
    ]);
    // Jan 31 → Feb 28 = 28 days; Feb 28 → Mar 31 = 1 + 30 = 31; Mar 31 → Apr 30 = 30.
    expect(lengths(periods.slice(0, 3))).toEqual([28, 31, 30]);
    expect(periods[11]!.toString()).toBe('2026-12-31..2027-01-31');
  });

  it('clamps a 31st start to 29 February in a leap year', () => {
    const periods = chargePeriods(date('2028-01-31'), 'P1M', 'monthly');
    expect(strings(periods)).toEqual(['2028-01-31..2028-02-29']);
    // Jan 31 → Feb 29 = 29 days.
    expect(lengths(periods)).toEqual([29]);
    const year = chargePeriods(date('2028-01-31'), 'P1Y', 'monthly');
    expect(strings(year.slice(0, 2))).toEqual(['2028-01-31..2028-02-29', '2028-02-29..2028-03-31']);
    // Feb 29 → Mar 31 = 1 (Feb 29) + 30 = 31 days.
    expect(year[1]!.days()).toBe(31);
  });

  it('anchors a 29 February start on the 29th and clamps in the next February', () => {
    const periods = chargePeriods(date('2028-02-29'), 'P1Y', 'monthly');
    expect(strings(periods.slice(0, 2))).toEqual(['2028-02-29..2028-03-29', '2028-03-29..2028-04-29']);
    expect(periods[11]!.toString()).toBe('2029-01-29..2029-02-28');
    // Feb 29 → Mar 29 = 1 + 28 = 29 days; Jan 29 → Feb 28 (2029) = 3 + 27 = 30 days.
    expect([periods[0]!.days(), periods[11]!.days()]).toEqual([29, 30]);
    expect(termPeriod(date('2028-02-29'), 'P1Y').toString()).toBe('2028-02-29..2029-02-28');
  });
});

describe('chargePeriods, annual and triennial billing', () => {
  it('charges a year of 365 or 366 days', () => {
    expect(strings(chargePeriods(date('2026-04-01'), 'P1Y', 'annual'))).toEqual(['2026-04-01..2027-04-01']);
    // 2026-04-01 → 2027-04-01 contains no 29 February: 365 days.
    expect(lengths(chargePeriods(date('2026-04-01'), 'P1Y', 'annual'))).toEqual([365]);
    // 2028 is a leap year: 2028-01-01 → 2029-01-01 = 366 days.
    expect(lengths(chargePeriods(date('2028-01-01'), 'P1Y', 'annual'))).toEqual([366]);
  });

  it('charges each year of a P3Y term from the same anchor', () => {
    const periods = chargePeriods(date('2028-02-29'), 'P3Y', 'annual');
    expect(strings(periods)).toEqual([
      '2028-02-29..2029-02-28',
      '2029-02-28..2030-02-28',
      '2030-02-28..2031-02-28',
    ]);
    // Each year is 365 days: the first loses 29 Feb 2028's anniversary to the clamp.
    expect(lengths(periods)).toEqual([365, 365, 365]);
  });

  it('charges a P3Y term upfront as one triennial period', () => {
    const periods = chargePeriods(date('2026-04-01'), 'P3Y', 'triennial');
    expect(strings(periods)).toEqual(['2026-04-01..2029-04-01']);
    // 365 (2026-27) + 366 (2027-28, holds 2028-02-29) + 365 (2028-29) = 1096.
    expect(lengths(periods)).toEqual([1096]);
  });

  it('bills a P3Y monthly too', () => {
    expect(chargePeriods(date('2026-04-01'), 'P3Y', 'monthly')).toHaveLength(36);
  });
});

describe('chargePeriods, filtering and validation', () => {
  it('returns the whole charge periods touching `within`', () => {
    const march = Period.parse('2026-03');
    expect(strings(chargePeriods(date('2026-01-20'), 'P1Y', 'monthly', march))).toEqual([
      '2026-02-20..2026-03-20',
      '2026-03-20..2026-04-20',
    ]);
    // A period ending on within.start does not touch it (half-open).
    expect(strings(chargePeriods(date('2026-01-01'), 'P1Y', 'monthly', march))).toEqual([
      '2026-03-01..2026-04-01',
    ]);
    expect(chargePeriods(date('2026-01-01'), 'P1M', 'monthly', Period.parse('2027-01'))).toEqual([]);
  });

  it('finds the charge period containing a date', () => {
    const found = chargePeriodContaining(date('2026-01-31'), 'P1Y', 'monthly', date('2026-02-28'));
    expect(found?.toString()).toBe('2026-02-28..2026-03-31');
    expect(chargePeriodContaining(date('2026-01-31'), 'P1Y', 'monthly', date('2027-01-31'))).toBeNull();
  });

  it('refuses cycles longer than the term and unknown terms', () => {
    expectCode(() => chargePeriods(date('2026-01-01'), 'P1M', 'annual'), 'invalid_billing_cycle');
    expectCode(() => chargePeriods(date('2026-01-01'), 'P1Y', 'triennial'), 'invalid_billing_cycle');
    expectCode(
      () => chargePeriods(date('2026-01-01'), 'P1Y', 'weekly' as BillingCycle),
      'invalid_billing_cycle',
    );
    expectCode(() => chargePeriods(date('2026-01-01'), 'P2Y' as TermDuration, 'annual'), 'invalid_term');
    expectCode(() => chargePeriods('2026-01-01' as never, 'P1Y', 'annual'), 'invalid_term');
  });
});

const combos: [TermDuration, BillingCycle][] = [
  ['P1M', 'monthly'],
  ['P1Y', 'monthly'],
  ['P1Y', 'annual'],
  ['P3Y', 'monthly'],
  ['P3Y', 'annual'],
  ['P3Y', 'triennial'],
];
const startArb = fc
  .integer({ min: 0, max: 365 * 20 })
  .map((offset) => Temporal.PlainDate.from('2020-01-01').add({ days: offset }));

describe('chargePeriods properties', () => {
  it('tile the term exactly, with real month and year lengths', () => {
    fc.assert(
      fc.property(startArb, fc.constantFrom(...combos), (start, [term, cycle]) => {
        const periods = chargePeriods(start, term, cycle);
        const whole = termPeriod(start, term);
        expect(periods[0]!.start.equals(start)).toBe(true);
        expect(periods.at(-1)!.end.equals(whole.end)).toBe(true);
        for (let i = 1; i < periods.length; i++)
          expect(periods[i]!.start.equals(periods[i - 1]!.end)).toBe(true);
        expect(periods.reduce((sum, p) => sum + p.days(), 0)).toBe(whole.days());
        for (const p of periods) {
          const days = p.days();
          if (cycle === 'monthly') expect(days >= 28 && days <= 31).toBe(true);
          if (cycle === 'annual') expect(days === 365 || days === 366).toBe(true);
          // Every charge period starts on the anchor day, or on the last day of a shorter month.
          const clamped = Math.min(start.day, p.start.daysInMonth);
          expect(p.start.day).toBe(clamped);
        }
      }),
    );
  });
});
