import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CurrencyMismatchError, Money } from '../money/money.ts';
import { parseYearMonth } from '../time/calendar.ts';
import { budgetThresholdAlerts, DEFAULT_BUDGET_THRESHOLDS, normalizeThreshold } from './budget.ts';
import { AlertError } from './errors.ts';

const jpy = (s: string) => Money.of(s, 'JPY');
const usd = (s: string) => Money.of(s, 'USD');
const march = parseYearMonth('2026-03');
const subject = { customerId: 'c-1' };

function expectAlertError(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AlertError);
    expect((error as AlertError).code).toBe(code);
    return;
  }
  expect.fail('expected an AlertError');
}

describe('budgetThresholdAlerts, worked examples', () => {
  const cases: {
    name: string;
    planned: Money;
    thresholds?: string[];
    monthToDate: Money;
    alreadyRaised?: string[];
    alerts: string[];
    reached: string[];
  }[] = [
    // Seed: "alert when month-to-date usage reaches 50% of the planned amount".
    // 10,000 × 50% = 5,000; 5,000 ≥ 5,000 → reached (reaching is inclusive).
    {
      name: 'seed: 50% reached exactly',
      planned: jpy('10000'),
      monthToDate: jpy('5000'),
      alerts: ['50'],
      reached: ['50'],
    },
    // 4,999 < 5,000 → not yet.
    {
      name: 'seed: one yen short of 50%',
      planned: jpy('10000'),
      monthToDate: jpy('4999'),
      alerts: [],
      reached: [],
    },
    // 50% → 5,000, 80% → 8,000, 100% → 10,000; 8,500 reaches the first two.
    {
      name: '50/80/100, 8,500 of 10,000',
      planned: jpy('10000'),
      thresholds: ['50', '80', '100'],
      monthToDate: jpy('8500'),
      alerts: ['50', '80'],
      reached: ['50', '80'],
    },
    // 50% already alerted this month: only 80% is new.
    {
      name: '50% already raised this month',
      planned: jpy('10000'),
      thresholds: ['50', '80', '100'],
      monthToDate: jpy('8500'),
      alreadyRaised: ['50'],
      alerts: ['80'],
      reached: ['50', '80'],
    },
    // "50.0" and "50" are one threshold, whichever way either list spells it.
    {
      name: 'spellings are normalised',
      planned: jpy('10000'),
      thresholds: ['80', '50.0'],
      monthToDate: jpy('8500'),
      alreadyRaised: ['050'],
      alerts: ['80'],
      reached: ['50', '80'],
    },
    // Unordered and duplicated thresholds come out once each, lowest first; 10,000 reaches 100%.
    {
      name: 'unordered, duplicated thresholds',
      planned: jpy('10000'),
      thresholds: ['100', '50', '80', '50.00'],
      monthToDate: jpy('10000'),
      alerts: ['50', '80', '100'],
      reached: ['50', '80', '100'],
    },
    // 1,000 × 120% = 1,200: an over-spend threshold.
    {
      name: 'threshold above 100%',
      planned: usd('1000'),
      thresholds: ['120'],
      monthToDate: usd('1200'),
      alerts: ['120'],
      reached: ['120'],
    },
    // 100.01 × 33.3% = 33.30333 exactly; 33.30 < 33.30333 (rounding the threshold to 33.30 would alert early).
    {
      name: 'exact threshold amount, below',
      planned: usd('100.01'),
      thresholds: ['33.3'],
      monthToDate: usd('33.30'),
      alerts: [],
      reached: [],
    },
    // 33.31 ≥ 33.30333 → reached.
    {
      name: 'exact threshold amount, above',
      planned: usd('100.01'),
      thresholds: ['33.3'],
      monthToDate: usd('33.31'),
      alerts: ['33.3'],
      reached: ['33.3'],
    },
    // A negative month-to-date (credits) reaches nothing.
    { name: 'negative month-to-date', planned: usd('100'), monthToDate: usd('-5'), alerts: [], reached: [] },
  ];

  it.each(cases)('$name', ({ planned, thresholds, monthToDate, alreadyRaised, alerts, reached }) => {
    const result = budgetThresholdAlerts({
      subject,
      month: march,
      planned,
      thresholds,
      monthToDate,
      alreadyRaised,
    });
    expect(result.status).toBe('evaluated');
    expect(result.alerts.map((a) => a.threshold)).toEqual(alerts);
    expect(result.thresholds.filter((t) => t.reached).map((t) => t.threshold)).toEqual(reached);
  });

  it('explains the seed example step by step, with the values that triggered it', () => {
    const result = budgetThresholdAlerts({
      subject,
      month: march,
      planned: jpy('10000'),
      monthToDate: jpy('5200'),
    });
    const [alert] = result.alerts;
    expect(alert).toMatchObject({
      type: 'budget_threshold',
      subject,
      threshold: '50',
      dedupeKey: 'budget_threshold:customer/c-1:2026-03:50',
    });
    expect(alert!.period.toString()).toBe('2026-03');
    expect(alert!.values.planned.toString()).toBe('10000');
    expect(alert!.values.thresholdAmount.toString()).toBe('5000');
    expect(alert!.values.monthToDate.toString()).toBe('5200');
    expect(alert!.explanation).toEqual({
      summary: 'Month-to-date usage 5,200 JPY reached 50% of the planned 10,000 JPY (5,000 JPY) in 2026-03',
      steps: [
        { label: 'threshold 50%', formula: '10,000 JPY × 50%', result: '5,000 JPY' },
        { label: 'month-to-date vs 50%', formula: '5,200 JPY ≥ 5,000 JPY', result: 'reached' },
      ],
    });
    expect(result.explanation.summary).toBe(
      'Month-to-date usage 5,200 JPY of the planned 10,000 JPY in 2026-03: 1 of 1 thresholds reached, 1 new',
    );
  });

  it('defaults to 50%, while an explicit empty list switches alerts off', () => {
    expect(DEFAULT_BUDGET_THRESHOLDS).toEqual(['50']);
    const off = budgetThresholdAlerts({
      subject,
      month: march,
      planned: jpy('100'),
      thresholds: [],
      monthToDate: jpy('100'),
    });
    expect(off.status).toBe('no_thresholds');
    expect(off.alerts).toEqual([]);
    expect(off.explanation.summary).toBe('No alert thresholds are set for 2026-03');
  });

  it('raises nothing without a planned amount, and says why', () => {
    for (const planned of [null, jpy('0')]) {
      const result = budgetThresholdAlerts({ subject, month: march, planned, monthToDate: jpy('999999') });
      expect(result.status).toBe('no_planned_amount');
      expect(result.alerts).toEqual([]);
      expect(result.explanation.steps[0]).toEqual({
        label: 'planned amount',
        formula: planned === null ? 'not set' : '0 JPY',
        result: 'no budget, no alert',
      });
    }
  });

  it('keys alerts per subject, subscription, month and threshold, the same on every evaluation', () => {
    const input = {
      subject: { customerId: 'c:1', subscriptionId: 's/9' },
      month: march,
      planned: usd('100'),
      thresholds: ['50', '80'],
      monthToDate: usd('90'),
    };
    const keys = budgetThresholdAlerts(input).alerts.map((a) => a.dedupeKey);
    expect(keys).toEqual([
      'budget_threshold:customer/c%3A1/subscription/s%2F9:2026-03:50',
      'budget_threshold:customer/c%3A1/subscription/s%2F9:2026-03:80',
    ]);
    expect(budgetThresholdAlerts(input).alerts.map((a) => a.dedupeKey)).toEqual(keys);
    const april = budgetThresholdAlerts({ ...input, month: parseYearMonth('2026-04') });
    expect(april.alerts[0]!.dedupeKey).toBe('budget_threshold:customer/c%3A1/subscription/s%2F9:2026-04:50');
  });

  it('refuses malformed input', () => {
    for (const bad of ['0', '0.00', '-5', '50%', '', 'abc', '1e2', ' 50']) {
      expectAlertError(() => normalizeThreshold(bad), 'invalid_threshold');
      expectAlertError(
        () =>
          budgetThresholdAlerts({
            subject,
            month: march,
            planned: jpy('1'),
            thresholds: [bad],
            monthToDate: jpy('1'),
          }),
        'invalid_threshold',
      );
    }
    expectAlertError(
      () =>
        budgetThresholdAlerts({
          subject,
          month: march,
          planned: jpy('1'),
          monthToDate: jpy('1'),
          alreadyRaised: ['x'],
        }),
      'invalid_threshold',
    );
    expectAlertError(
      () => budgetThresholdAlerts({ subject, month: march, planned: jpy('-1'), monthToDate: jpy('1') }),
      'invalid_planned_amount',
    );
    expectAlertError(
      () =>
        budgetThresholdAlerts({
          subject: { customerId: '' },
          month: march,
          planned: jpy('1'),
          monthToDate: jpy('1'),
        }),
      'invalid_subject',
    );
    expect(() =>
      budgetThresholdAlerts({ subject, month: march, planned: jpy('100'), monthToDate: usd('60') }),
    ).toThrow(CurrencyMismatchError);
  });
});

describe('budgetThresholdAlerts, properties', () => {
  const minor = fc.bigInt({ min: 0n, max: 10n ** 9n });
  const thresholdsArb = fc.uniqueArray(fc.integer({ min: 1, max: 200 }), { minLength: 1, maxLength: 6 });
  const reachedOf = (planned: bigint, thresholds: number[], mtd: bigint) =>
    budgetThresholdAlerts({
      subject,
      month: march,
      planned: Money.fromMinorUnits(planned, 'USD'),
      thresholds: thresholds.map(String),
      monthToDate: Money.fromMinorUnits(mtd, 'USD'),
    })
      .thresholds.filter((t) => t.reached)
      .map((t) => t.threshold);

  it('a threshold is reached exactly when month-to-date × 100 ≥ planned × percent (integer check)', () => {
    fc.assert(
      fc.property(
        minor.filter((p) => p > 0n),
        thresholdsArb,
        minor,
        (planned, thresholds, mtd) => {
          const expected = [...thresholds]
            .sort((a, b) => a - b)
            .filter((t) => mtd * 100n >= planned * BigInt(t))
            .map(String);
          expect(reachedOf(planned, thresholds, mtd)).toEqual(expected);
        },
      ),
    );
  });

  it('is monotonic: more month-to-date usage never un-reaches a threshold', () => {
    fc.assert(
      fc.property(
        minor.filter((p) => p > 0n),
        thresholdsArb,
        minor,
        minor,
        (planned, thresholds, a, b) => {
          const [low, high] = a <= b ? [a, b] : [b, a];
          const lower = reachedOf(planned, thresholds, low);
          const higher = reachedOf(planned, thresholds, high);
          expect(lower.every((t) => higher.includes(t))).toBe(true);
        },
      ),
    );
  });

  it('raises each threshold once over a month of re-evaluations, whatever the daily path', () => {
    fc.assert(
      fc.property(
        minor.filter((p) => p > 0n),
        thresholdsArb,
        fc.array(fc.bigInt({ min: 0n, max: 10n ** 8n }), { minLength: 1, maxLength: 31 }),
        (planned, thresholds, increments) => {
          const raised: string[] = [];
          const keys: string[] = [];
          let mtd = 0n;
          for (const inc of increments) {
            mtd += inc;
            // Each evaluation is run twice: a retry must not change the answer.
            const input = {
              subject,
              month: march,
              planned: Money.fromMinorUnits(planned, 'USD'),
              thresholds: thresholds.map(String),
              monthToDate: Money.fromMinorUnits(mtd, 'USD'),
              alreadyRaised: [...raised],
            };
            const first = budgetThresholdAlerts(input);
            expect(budgetThresholdAlerts(input)).toEqual(first);
            for (const alert of first.alerts) {
              raised.push(alert.threshold);
              keys.push(alert.dedupeKey);
            }
          }
          expect(new Set(keys).size).toBe(keys.length);
          expect([...raised].sort()).toEqual([...reachedOf(planned, thresholds, mtd)].sort());
        },
      ),
    );
  });
});
