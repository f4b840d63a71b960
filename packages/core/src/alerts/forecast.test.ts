import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Money } from '../money/money.ts';
import { parsePlainDate, parseYearMonth } from '../time/calendar.ts';
import type { DailyUsage } from './daily.ts';
import { AlertError } from './errors.ts';
import { forecastMonthEnd, forecastOverBudget } from './forecast.ts';

const usd = (s: string) => Money.of(s, 'USD');
const subject = { customerId: 'c-1' };

/** Consecutive complete days from `start`; null = no data; { partial } = still arriving. */
function series(
  start: string,
  entries: (string | null | { partial: string })[],
  currency = 'USD',
): DailyUsage[] {
  const first = parsePlainDate(start);
  return entries.map((e, i) => {
    const date = first.add({ days: i });
    if (e === null) return { date, amount: null, complete: true };
    if (typeof e === 'string') return { date, amount: Money.of(e, currency), complete: true };
    return { date, amount: Money.of(e.partial, currency), complete: false };
  });
}

const repeat = (value: string, n: number) => Array.from({ length: n }, () => value);

// March 2026 (31 days): 1–7 at 100, 8–14 rising 100…160, the 15th (today) partial at 40.
const MARCH = [...repeat('100', 7), '100', '110', '120', '130', '140', '150', '160'];

function march(today: string, partial: string | null) {
  return forecastMonthEnd({
    subject,
    daily: series('2026-03-01', partial === null ? MARCH : [...MARCH, { partial }]),
    month: parseYearMonth('2026-03'),
    today: parsePlainDate(today),
  });
}

describe('forecastMonthEnd, worked examples', () => {
  it('projects the remaining days at the average of the last 7 complete days', () => {
    const f = march('2026-03-15', '40');
    // Trend: (100 + 110 + 120 + 130 + 140 + 150 + 160) / 7 = 910 / 7 = 130.
    expect(f.average!.toString()).toBe('130');
    expect(f.trendDays.map(String)).toEqual([
      '2026-03-08',
      '2026-03-09',
      '2026-03-10',
      '2026-03-11',
      '2026-03-12',
      '2026-03-13',
      '2026-03-14',
    ]);
    // Month-to-date: 7 × 100 + 910 = 1,610 complete + 40 partial = 1,650.
    expect(f.monthToDate!.toString()).toBe('1650');
    // Remaining: 31 − 14 complete days = 17 (the partial 15th and the 16th–31st).
    expect([f.completeDays, f.remainingDays]).toEqual([14, 17]);
    // 130 × 17 − 40 already recorded on the 15th = 2,170; 1,650 + 2,170 = 3,820.
    expect(f.status).toBe('forecast');
    expect(f.forecast!.toString()).toBe('3820');
    expect(f.explanation).toEqual({
      summary:
        'Forecast for 2026-03: 3,820.00 USD (month-to-date 1,650.00 USD + 17 remaining days at 130.00 USD a day)',
      steps: [
        {
          label: 'trend: average of the last 7 complete days (2026-03-08 to 2026-03-14)',
          formula:
            '(100.00 USD + 110.00 USD + 120.00 USD + 130.00 USD + 140.00 USD + 150.00 USD + 160.00 USD) / 7',
          result: '130.00 USD',
        },
        {
          label: 'month-to-date',
          formula: '14 complete days 1,610.00 USD + 1 partial day 40.00 USD',
          result: '1,650.00 USD',
        },
        { label: 'remaining days', formula: '31 days in 2026-03 − 14 complete days', result: '17 days' },
        {
          label: 'projection of the remaining days',
          formula: '130.00 USD × 17 − 40.00 USD already recorded on partial days',
          result: '2,170.00 USD',
        },
        {
          label: 'forecast, rounded half-up',
          formula: '1,650.00 USD + 2,170.00 USD = 3,820.00 USD',
          result: '3,820.00 USD',
        },
      ],
    });
  });

  const cases: { name: string; today: string; partial: string | null; mtd: string; forecast: string }[] = [
    // No partial day: 1,610 + 130 × 17 = 3,820 (the 15th is projected like any other remaining day).
    { name: 'today has no data yet', today: '2026-03-15', partial: null, mtd: '1610', forecast: '3820' },
    // A partial day above the average is a floor: 1,610 + 500 + 130 × 16 = 4,190
    // (= month-to-date 2,110 + 130 × 17 − min(500, 130)).
    {
      name: 'partial day above the trend',
      today: '2026-03-15',
      partial: '500',
      mtd: '2110',
      forecast: '4190',
    },
  ];
  it.each(cases)('$name', ({ today, partial, mtd, forecast }) => {
    const f = march(today, partial);
    expect(f.monthToDate!.toString()).toBe(mtd);
    expect(f.forecast!.toString()).toBe(forecast);
  });

  it('takes the trend across the month boundary early in the month', () => {
    // 27–31 March at 100, 1–2 April at 200, today the 3rd without data.
    const f = forecastMonthEnd({
      subject,
      daily: series('2026-03-27', [...repeat('100', 5), '200', '200']),
      month: parseYearMonth('2026-04'),
      today: parsePlainDate('2026-04-03'),
    });
    // (5 × 100 + 2 × 200) / 7 = 900 / 7 = 128.571428…; month-to-date 400; 30 − 2 = 28 remaining days.
    expect(f.average!.toFixed()).toBe('128.57');
    expect([f.monthToDate!.toString(), f.remainingDays]).toEqual(['400', 28]);
    // 400 + 900 / 7 × 28 = 400 + 3,600 = 4,000 (the 40-decimal quotient rounds back to exactly 4,000.00).
    expect(f.forecast!.toString()).toBe('4000');
  });

  it('averages fewer than 7 complete days when that is all there is', () => {
    // A new customer: 30, 60, 90 → average 60; 28 remaining days; 180 + 60 × 28 = 1,860.
    const f = forecastMonthEnd({
      subject,
      daily: series('2026-03-01', ['30', '60', '90']),
      month: parseYearMonth('2026-03'),
      today: parsePlainDate('2026-03-04'),
    });
    expect(f.trendDays).toHaveLength(3);
    expect(f.forecast!.toString()).toBe('1860');
    expect(f.explanation.steps[0]!.label).toBe(
      'trend: average of the last 3 complete days (2026-03-01 to 2026-03-03)',
    );
  });

  it('projects a past day without data at the trend instead of counting it as zero', () => {
    // 1–14 March at 100 except the 5th (no data): 13 complete days, 1,300; 18 remaining; 1,300 + 100 × 18 = 3,100.
    const entries: (string | null)[] = repeat('100', 14);
    entries[4] = null;
    const f = forecastMonthEnd({
      subject,
      daily: series('2026-03-01', entries),
      month: parseYearMonth('2026-03'),
      today: parsePlainDate('2026-03-15'),
    });
    expect([f.completeDays, f.remainingDays]).toEqual([13, 18]);
    expect(f.forecast!.toString()).toBe('3100');
  });

  it('rounds the forecast once, half-up to the currency', () => {
    // February 2026: 1–11 at 10 (110), 12–18 summing to 100 → average 100 / 7 = 14.285714…
    // 28 − 18 = 10 remaining: 210 + 142.857142… = 352.857142… → 352.86 USD.
    const f = forecastMonthEnd({
      subject,
      daily: series('2026-02-01', [...repeat('10', 11), '10', '10', '10', '10', '20', '20', '20']),
      month: parseYearMonth('2026-02'),
      today: parsePlainDate('2026-02-18'),
    });
    expect(f.monthToDate!.toString()).toBe('210');
    expect(f.forecast!.toString()).toBe('352.86');
    // JPY has no minor unit: 7 days of 1 → 1; 7 + 24 × 1 = 31.
    const yen = forecastMonthEnd({
      subject,
      daily: series('2026-03-01', repeat('1', 7), 'JPY'),
      month: parseYearMonth('2026-03'),
      today: parsePlainDate('2026-03-08'),
    });
    expect(yen.forecast!.toString()).toBe('31');
  });

  it('is the month total once the month is over', () => {
    const f = forecastMonthEnd({
      subject,
      daily: series('2026-02-01', repeat('10', 28)),
      month: parseYearMonth('2026-02'),
      today: parsePlainDate('2026-03-05'),
    });
    expect([f.remainingDays, f.forecast!.toString(), f.monthToDate!.toString()]).toEqual([0, '280', '280']);
  });

  it('says when there is nothing to forecast from', () => {
    const none = forecastMonthEnd({
      subject,
      daily: [],
      month: parseYearMonth('2026-03'),
      today: parsePlainDate('2026-03-01'),
    });
    expect([none.status, none.forecast, none.monthToDate]).toEqual(['no_data', null, null]);
    const partialOnly = forecastMonthEnd({
      subject,
      daily: series('2026-03-01', [{ partial: '12.5' }]),
      month: parseYearMonth('2026-03'),
      today: parsePlainDate('2026-03-01'),
    });
    expect([partialOnly.status, partialOnly.forecast, partialOnly.monthToDate?.toString()]).toEqual([
      'no_trend',
      null,
      '12.5',
    ]);
  });

  it('refuses usage dated after today', () => {
    try {
      forecastMonthEnd({
        subject,
        daily: series('2026-03-01', ['1', '2']),
        month: parseYearMonth('2026-03'),
        today: parsePlainDate('2026-03-01'),
      });
      expect.fail('expected an AlertError');
    } catch (error) {
      expect(error).toBeInstanceOf(AlertError);
      expect((error as AlertError).code).toBe('usage_after_today');
    }
  });
});

describe('forecastOverBudget', () => {
  const forecast = march('2026-03-15', '40'); // 3,820.00 USD

  const cases: { planned: string | null; status: string; over: boolean; excess: string | null }[] = [
    // 3,820 > 3,800 → over by 20.
    { planned: '3800', status: 'over_budget', over: true, excess: '20' },
    // 3,820 = 3,820 → on budget, not over.
    { planned: '3820', status: 'within_budget', over: false, excess: null },
    { planned: '4000', status: 'within_budget', over: false, excess: null },
    { planned: '0', status: 'no_planned_amount', over: false, excess: null },
    { planned: null, status: 'no_planned_amount', over: false, excess: null },
  ];
  it.each(cases)('planned $planned → $status', ({ planned, status, over, excess }) => {
    const check = forecastOverBudget(forecast, planned === null ? null : usd(planned));
    expect([check.status, check.over, check.excess?.toString() ?? null]).toEqual([status, over, excess]);
    expect(check.alert !== null).toBe(over);
  });

  it('alerts once per month with the values that triggered it', () => {
    const check = forecastOverBudget(forecast, usd('3800'));
    expect(check.alert).toMatchObject({
      type: 'budget_forecast',
      dedupeKey: 'budget_forecast:customer/c-1:2026-03',
    });
    expect(check.alert!.values.forecast.toString()).toBe('3820');
    expect(check.alert!.values.excess.toString()).toBe('20');
    expect(check.alert!.values.monthToDate.toString()).toBe('1650');
    expect(check.explanation.summary).toBe(
      'Usage is heading for 3,820.00 USD in 2026-03, 20.00 USD over the planned 3,800.00 USD',
    );
    expect(check.explanation.steps.at(-1)).toEqual({
      label: 'forecast vs planned',
      formula: '3,820.00 USD > 3,800.00 USD',
      result: 'over budget',
    });
    expect(forecastOverBudget(forecast, usd('3800')).alert!.dedupeKey).toBe(check.alert!.dedupeKey);
    const repeat = forecastOverBudget(forecast, usd('3800'), true);
    expect([repeat.over, repeat.alert]).toEqual([true, null]);
  });

  it('has no alert without a forecast, and refuses a negative plan', () => {
    const none = forecastMonthEnd({
      subject,
      daily: [],
      month: parseYearMonth('2026-03'),
      today: parsePlainDate('2026-03-01'),
    });
    expect(forecastOverBudget(none, usd('1')).status).toBe('no_forecast');
    expect(() => forecastOverBudget(forecast, usd('-1'))).toThrow(AlertError);
  });
});

describe('forecastMonthEnd, properties', () => {
  it('a constant daily amount forecasts amount × days in the month', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 1, max: 28 }), (amount, day) => {
        const f = forecastMonthEnd({
          subject,
          daily: series('2026-01-25', repeat(String(amount), 7 + day - 1), 'JPY'),
          month: parseYearMonth('2026-02'),
          today: parsePlainDate('2026-02-01').add({ days: day - 1 }),
        });
        expect(f.forecast!.toString()).toBe(String(amount * 28));
      }),
    );
  });

  it('never forecasts less than month-to-date when usage is not negative', () => {
    const entry = fc.oneof(
      fc.integer({ min: 0, max: 10_000 }).map(String),
      fc.constant(null),
      fc.integer({ min: 0, max: 10_000 }).map((n) => ({ partial: String(n) })),
    );
    fc.assert(
      fc.property(fc.array(entry, { minLength: 1, maxLength: 31 }), (entries) => {
        const f = forecastMonthEnd({
          subject,
          daily: series('2026-03-01', entries, 'JPY'),
          month: parseYearMonth('2026-03'),
          today: parsePlainDate('2026-03-01').add({ days: entries.length - 1 }),
        });
        if (f.forecast !== null) expect(f.forecast.greaterThanOrEqual(f.monthToDate!.round())).toBe(true);
        expect(f.completeDays + f.remainingDays).toBe(31);
      }),
    );
  });
});
