import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Money } from '../money/money.ts';
import { parsePlainDate, Temporal } from '../time/calendar.ts';
import { Period } from '../time/period.ts';
import { type BillingCycle, chargePeriods, type TermDuration } from './charge-periods.ts';
import { ProrationError } from './errors.ts';
import { allocateAcrossPeriods, proratedCharge, roundLine } from './prorate.ts';

const jpy = (s: string) => Money.of(s, 'JPY');
const period = (s: string) => Period.parse(s);

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

describe('proratedCharge, worked examples', () => {
  it('prorates 19 of the 28 days of February 2026', () => {
    const charge = proratedCharge({
      unitPrice: jpy('30000'),
      quantity: 1,
      chargePeriod: period('2026-02'),
      used: period('2026-02-10..2026-03-01'),
    });
    expect([charge.usedDays, charge.periodDays]).toEqual([19, 28]);
    // 30000 × 19 / 28 = 570000 / 28 = 20357.142857… (kept to 40 decimals, last digit rounded half up)
    expect(charge.amount.toString()).toBe('20357.1428571428571428571428571428571428571429');
    // 20357.142857… half up → 20357
    expect(roundLine(charge.amount).amount.toString()).toBe('20357');
    expect(charge.explanation.summary).toBe(
      '30000 JPY × 1 for 19 of 28 days of the charge period 2026-02-01 to 2026-02-28 = ' +
        '20357.1428571428571428571428571428571428571429 JPY (not rounded)',
    );
    expect(charge.explanation.steps).toEqual([
      { label: 'Charge period', formula: '2026-02-01 to 2026-02-28', result: '28 days' },
      { label: 'Days charged', formula: '2026-02-10 to 2026-02-28', result: '19 days' },
      { label: 'Full-period charge', formula: '30000 JPY × 1', result: '30000 JPY' },
      {
        label: 'Prorated charge',
        formula: '30000 JPY × 19 / 28',
        result: '20357.1428571428571428571428571428571428571429 JPY',
      },
    ]);
  });

  it('prorates 12 days of a 31-day monthly charge period', () => {
    const charge = proratedCharge({
      unitPrice: jpy('30000'),
      quantity: 1,
      chargePeriod: period('2026-01-20..2026-02-20'),
      used: period('2026-01-20..2026-02-01'),
    });
    // 2026-01-20 → 2026-02-20 = 31 days; 2026-01-20 → 2026-02-01 = 12 days.
    expect([charge.usedDays, charge.periodDays]).toEqual([12, 31]);
    // 30000 × 12 / 31 = 360000 / 31 = 11612.903225…
    expect(charge.amount.toString()).toBe('11612.9032258064516129032258064516129032258065');
    // 11612.903… half up → 11613
    expect(roundLine(charge.amount).amount.toString()).toBe('11613');
  });

  it('prorates 5 seats added mid-year on an annual term', () => {
    const [year] = chargePeriods(parsePlainDate('2026-04-01'), 'P1Y', 'annual');
    const charge = proratedCharge({
      unitPrice: jpy('24000'),
      quantity: 5,
      chargePeriod: year!,
      used: Period.of(parsePlainDate('2026-10-15'), year!.end),
    });
    // Remaining days from 2026-10-15: Oct 17 + Nov 30 + Dec 31 + Jan 31 + Feb 28 + Mar 31 = 168 of 365.
    expect([charge.usedDays, charge.periodDays]).toEqual([168, 365]);
    // 5 × 24000 × 168 / 365 = 20160000 / 365 = 55232.876712…
    expect(charge.amount.toString()).toBe('55232.8767123287671232876712328767123287671233');
    // 55232.876… half up → 55233; down → 55232
    expect(roundLine(charge.amount).amount.toString()).toBe('55233');
    expect(roundLine(charge.amount, 'down').amount.toString()).toBe('55232');
  });

  it('divides by 366 in a leap year', () => {
    const [year] = chargePeriods(parsePlainDate('2028-01-01'), 'P1Y', 'annual');
    const charge = proratedCharge({
      unitPrice: jpy('24000'),
      quantity: 2,
      chargePeriod: year!,
      used: Period.of(parsePlainDate('2028-03-01'), year!.end),
    });
    // 2028-03-01 → 2029-01-01 = 366 − 31 (Jan) − 29 (Feb) = 306 days of 366.
    expect([charge.usedDays, charge.periodDays]).toEqual([306, 366]);
    // 2 × 24000 × 306 / 366 = 14688000 / 366 = 40131.147540…
    expect(charge.amount.toString()).toBe('40131.1475409836065573770491803278688524590164');
    // 40131.147… half up → 40131
    expect(roundLine(charge.amount).amount.toString()).toBe('40131');
  });

  it('charges a whole period exactly, without dividing', () => {
    const charge = proratedCharge({
      unitPrice: Money.of('12.345', 'USD'),
      quantity: 3,
      chargePeriod: period('2026-02'),
      used: period('2026-02'),
    });
    // 12.345 × 3 = 37.035, 28 of 28 days
    expect(charge.amount.toString()).toBe('37.035');
    // 37.035 half up → 37.04; half-even → 37.04 (5 after the odd 3); down → 37.03
    expect(roundLine(charge.amount).amount.toString()).toBe('37.04');
    expect(roundLine(charge.amount, 'half-even').amount.toString()).toBe('37.04');
    expect(roundLine(charge.amount, 'down').amount.toString()).toBe('37.03');
  });

  it('gives a negative amount (a refund) for a negative quantity', () => {
    const refund = proratedCharge({
      unitPrice: jpy('30000'),
      quantity: -2,
      chargePeriod: period('2026-01-20..2026-02-20'),
      used: period('2026-01-25..2026-02-20'),
    });
    // −2 × 30000 × 26 / 31 = −1560000 / 31 = −50322.580645…; half up (away from zero) → −50323
    expect(refund.usedDays).toBe(26);
    expect(roundLine(refund.amount).amount.toString()).toBe('-50323');
    expect(roundLine(refund.amount).explanation.summary).toBe(
      '-50322.5806451612903225806451612903225806451613 JPY rounded half up to the JPY minor unit = -50323 JPY',
    );
  });
});

describe('proratedCharge, pieces and validation', () => {
  it('prorates a list of pieces as one day count', () => {
    const charge = proratedCharge({
      unitPrice: jpy('30000'),
      quantity: 1,
      chargePeriod: period('2026-02'),
      used: [period('2026-02-20..2026-03-01'), period('2026-02-01..2026-02-05')],
    });
    // 9 + 4 = 13 days; 30000 × 13 / 28 = 390000 / 28 = 13928.571428…
    expect(charge.usedDays).toBe(13);
    expect(charge.amount.round().toString()).toBe('13929');
    expect(charge.explanation.steps[1]).toEqual({
      label: 'Days charged',
      formula: '2026-02-20 to 2026-02-28 + 2026-02-01 to 2026-02-04',
      result: '13 days',
    });
  });

  it('is exact where separately divided pieces would miss a tie', () => {
    const chargePeriod = period('2026-04');
    const pieces = [
      period('2026-04-01..2026-04-02'),
      period('2026-04-02..2026-04-03'),
      period('2026-04-03..2026-04-16'),
    ];
    const one = jpy('1');
    // Exactly: 1 × 15 / 30 = 0.5, which rounds half up to 1.
    const whole = proratedCharge({ unitPrice: one, quantity: 1, chargePeriod, used: pieces });
    expect(whole.amount.toString()).toBe('0.5');
    expect(roundLine(whole.amount).amount.toString()).toBe('1');
    // Dividing each piece first: 1/30 + 1/30 + 13/30, each cut at 40 decimals (0.0333…3, 0.4333…3),
    // adds up to 0.4999…9, which rounds to 0. Hence one division per line.
    const separately = Money.sum(
      pieces.map((used) => proratedCharge({ unitPrice: one, quantity: 1, chargePeriod, used }).amount),
      'JPY',
    );
    expect(separately.round().toString()).toBe('0');
  });

  it('refuses used days outside the charge period, overlaps and bad quantities', () => {
    const base = { unitPrice: jpy('30000'), quantity: 1, chargePeriod: period('2026-02') };
    expectCode(
      () => proratedCharge({ ...base, used: period('2026-01-31..2026-02-10') }),
      'used_outside_charge_period',
    );
    expectCode(() => proratedCharge({ ...base, used: [] }), 'invalid_period');
    expectCode(() => proratedCharge({ ...base, used: '2026-02' as never }), 'invalid_period');
    expectCode(
      () =>
        proratedCharge({
          ...base,
          used: [period('2026-02-01..2026-02-10'), period('2026-02-09..2026-02-12')],
        }),
      'overlapping_periods',
    );
    expectCode(() => proratedCharge({ ...base, quantity: 1.5, used: period('2026-02') }), 'invalid_quantity');
    expectCode(
      () => proratedCharge({ ...base, quantity: Number.NaN, used: period('2026-02') }),
      'invalid_quantity',
    );
  });
});

describe('allocateAcrossPeriods', () => {
  it('splits a rounded annual charge by days, adding up exactly', () => {
    const year = period('2026-04-01..2027-04-01');
    const halves = [period('2026-04-01..2026-10-01'), period('2026-10-01..2027-04-01')];
    const { parts, explanation } = allocateAcrossPeriods(jpy('100000'), halves);
    // Apr–Sep = 30+31+30+31+31+30 = 183 days, Oct–Mar = 31+30+31+31+28+31 = 182 days, 365 in all.
    expect(parts.map((p) => p.days)).toEqual([183, 182]);
    // 100000 × 183 / 365 = 50136.98… → floor 50136, remainder .98; 100000 × 182 / 365 = 49863.01… → 49863.
    // 50136 + 49863 = 99999: the leftover yen goes to the larger remainder (.98), so 50137 + 49863 = 100000.
    expect(parts.map((p) => p.amount.toString())).toEqual(['50137', '49863']);
    expect(year.days()).toBe(365);
    expect(explanation.steps[0]).toEqual({
      label: '2026-04-01 to 2026-09-30',
      formula: '100000 JPY × 183 / 365, whole minor units, leftovers to the largest remainders',
      result: '50137 JPY',
    });
  });

  it('splits refunds as the mirror image of charges', () => {
    const months = period('2026-01-20..2026-02-20').splitByMonth();
    const { parts } = allocateAcrossPeriods(jpy('-11613'), months);
    // 12 + 19 = 31 days. 11613 × 12 / 31 = 4495.35… → 4495; 11613 × 19 / 31 = 7117.64… → 7117;
    // 4495 + 7117 = 11612, the leftover yen goes to .64: 7118. Negated: −4495, −7118.
    expect(parts.map((p) => p.amount.toString())).toEqual(['-4495', '-7118']);
  });

  it('refuses an unrounded total and overlapping periods', () => {
    expectCode(() => allocateAcrossPeriods(jpy('0.5'), [period('2026-01')]), 'unrounded_total');
    expectCode(
      () => allocateAcrossPeriods(jpy('1'), [period('2026-01'), period('2026-01-31..2026-02-02')]),
      'overlapping_periods',
    );
    expectCode(() => allocateAcrossPeriods(jpy('1'), []), 'invalid_period');
  });
});

const combos: [TermDuration, BillingCycle][] = [
  ['P1M', 'monthly'],
  ['P1Y', 'monthly'],
  ['P1Y', 'annual'],
  ['P3Y', 'annual'],
  ['P3Y', 'triennial'],
];

// A charge period, a used part of it and cut points splitting the used part into pieces.
const splitArb = fc
  .record({
    start: fc.integer({ min: 0, max: 365 * 12 }),
    combo: fc.constantFrom(...combos),
    index: fc.nat(),
    a: fc.double({ min: 0, max: 1, noNaN: true }),
    b: fc.double({ min: 0, max: 1, noNaN: true }),
    cuts: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 6 }),
  })
  .map(({ start, combo: [term, cycle], index, a, b, cuts }) => {
    const periods = chargePeriods(Temporal.PlainDate.from('2024-01-01').add({ days: start }), term, cycle);
    const chargePeriod = periods[index % periods.length]!;
    const days = chargePeriod.days();
    const from = Math.floor(Math.min(a, b) * (days - 1));
    const to = Math.max(from + 1, Math.ceil(Math.max(a, b) * days));
    const points = [...new Set([from, to, ...cuts.map((c) => from + Math.floor(c * (to - from)))])].sort(
      (x, y) => x - y,
    );
    const at = (d: number) => chargePeriod.start.add({ days: d });
    const pieces = points.slice(1).map((p, i) => Period.of(at(points[i]!), at(p)));
    return { chargePeriod, used: Period.of(at(from), at(to)), pieces };
  });

const priceArb = fc
  .tuple(
    fc.bigInt({ min: 0n, max: 10n ** 9n }),
    fc.integer({ min: 0, max: 6 }),
    fc.constantFrom('JPY', 'USD'),
  )
  .map(([units, scale, currency]) => Money.of(units, currency).dividedBy(10 ** scale));

describe('proration properties', () => {
  it('prorating the pieces of a used period equals prorating the whole', () => {
    fc.assert(
      fc.property(
        splitArb,
        priceArb,
        fc.integer({ min: -50, max: 50 }),
        ({ chargePeriod, used, pieces }, unitPrice, quantity) => {
          const whole = proratedCharge({ unitPrice, quantity, chargePeriod, used });
          const split = proratedCharge({ unitPrice, quantity, chargePeriod, used: pieces });
          expect(split.usedDays).toBe(whole.usedDays);
          expect(split.amount.equals(whole.amount)).toBe(true);
        },
      ),
    );
  });

  it('allocating the rounded line over the pieces adds up exactly and stays within a unit and a half', () => {
    fc.assert(
      fc.property(
        splitArb,
        priceArb,
        fc.integer({ min: -50, max: 50 }),
        fc.constantFrom('half-up' as const, 'half-even' as const, 'down' as const, 'up' as const),
        ({ chargePeriod, used, pieces }, unitPrice, quantity, mode) => {
          const line = roundLine(
            proratedCharge({ unitPrice, quantity, chargePeriod, used }).amount,
            mode,
          ).amount;
          const { parts } = allocateAcrossPeriods(line, pieces);
          expect(
            Money.sum(
              parts.map((p) => p.amount),
              line.currency,
            ).equals(line),
          ).toBe(true);
          const unit = Money.fromMinorUnits(1n, line.currency);
          const limit = unit.plus(unit.dividedBy(2));
          parts.forEach((part, i) => {
            const exactShare = proratedCharge({ unitPrice, quantity, chargePeriod, used: pieces[i]! }).amount;
            expect(part.amount.minus(exactShare).abs().lessThan(limit)).toBe(true);
          });
        },
      ),
    );
  });
});
