import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CurrencyMismatchError, Money } from '../money/money.ts';
import { parsePlainDate, parseYearMonth, Temporal } from '../time/calendar.ts';
import { CreditError } from './errors.ts';
import { type MonthlyUsage, provisionalCredit } from './provisional.ts';

const usd = (s: string) => Money.of(s, 'USD');
const ym = parseYearMonth;

function usage(rows: Record<string, string>): MonthlyUsage[] {
  return Object.entries(rows).map(([month, amount]) => ({ month: ym(month), amount: usd(amount) }));
}

function credit(since: string, month: string, planned: string | null, rows: Record<string, string> = {}) {
  return provisionalCredit({
    customerSince: parsePlainDate(since),
    month: ym(month),
    planned: planned === null ? null : usd(planned),
    monthlyUsage: usage(rows),
    currency: 'USD',
  });
}

function expectCreditError(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CreditError);
    expect((error as CreditError).code).toBe(code);
    return;
  }
  expect.fail('expected a CreditError');
}

describe('provisionalCredit, worked examples', () => {
  const cases: {
    name: string;
    since: string;
    month: string;
    planned: string | null;
    usage?: Record<string, string>;
    basis: string;
    amount: string | null;
    highest?: string | null;
    window: string[];
  }[] = [
    // Seed: "planned amount in the first month".
    {
      name: 'seed: first month → planned',
      since: '2026-01-01',
      month: '2026-01',
      planned: '1000',
      basis: 'planned_amount',
      amount: '1000',
      window: [],
    },
    // Seed: "max of six months after": since 1 January, February uses January alone.
    {
      name: 'seed: next month → January usage',
      since: '2026-01-01',
      month: '2026-02',
      planned: '1000',
      usage: { '2026-01': '750' },
      basis: 'usage_history',
      amount: '750',
      highest: '2026-01',
      window: ['2026-01'],
    },
    // Started 28 January: three days are not a month, so February still uses the planned amount.
    {
      name: 'mid-month start: second month still planned',
      since: '2026-01-28',
      month: '2026-02',
      planned: '1000',
      usage: { '2026-01': '90' },
      basis: 'planned_amount',
      amount: '1000',
      highest: '2026-01',
      window: ['2026-01'],
    },
    // March: max(January 90, February 800) = 800.
    {
      name: 'mid-month start: third month uses history',
      since: '2026-01-28',
      month: '2026-03',
      planned: '1000',
      usage: { '2026-01': '90', '2026-02': '800' },
      basis: 'usage_history',
      amount: '800',
      highest: '2026-02',
      window: ['2026-01', '2026-02'],
    },
    // A long-standing customer in March 2026: window September–February; August (outside) and
    // March (current, incomplete) are ignored; November has no usage and counts as 0.
    // max(400, 900, 0, 1200, 300, 650) = 1,200 (December).
    {
      name: 'six complete months, missing month as 0',
      since: '2024-05-10',
      month: '2026-03',
      planned: '500',
      usage: {
        '2025-08': '9999',
        '2025-09': '400',
        '2025-10': '900',
        '2025-12': '1200',
        '2026-01': '300',
        '2026-02': '650',
        '2026-03': '5000',
      },
      basis: 'usage_history',
      amount: '1200',
      highest: '2025-12',
      window: ['2025-09', '2025-10', '2025-11', '2025-12', '2026-01', '2026-02'],
    },
    // Ties go to the most recent month: 500 in October and in January → January.
    {
      name: 'tie → most recent month',
      since: '2025-01-01',
      month: '2026-03',
      planned: null,
      usage: { '2025-10': '500', '2026-01': '500' },
      basis: 'usage_history',
      amount: '500',
      highest: '2026-01',
      window: ['2025-09', '2025-10', '2025-11', '2025-12', '2026-01', '2026-02'],
    },
    // No usage at all in the window: every month counts 0 → 0.
    {
      name: 'no usage recorded',
      since: '2025-12-01',
      month: '2026-02',
      planned: '1000',
      basis: 'usage_history',
      amount: '0',
      highest: '2026-01',
      window: ['2025-12', '2026-01'],
    },
    // Net credits every month: max(−20, −5) = −5, raised to 0.
    {
      name: 'negative months are raised to 0',
      since: '2025-12-01',
      month: '2026-02',
      planned: null,
      usage: { '2025-12': '-20', '2026-01': '-5' },
      basis: 'usage_history',
      amount: '0',
      highest: '2026-01',
      window: ['2025-12', '2026-01'],
    },
    // New, no planned amount: no provisional credit.
    {
      name: 'first month without a plan',
      since: '2026-03-05',
      month: '2026-03',
      planned: null,
      basis: 'planned_amount',
      amount: null,
      highest: null,
      window: [],
    },
  ];

  it.each(cases)('$name', ({ since, month, planned, usage: rows, basis, amount, highest, window }) => {
    const result = credit(since, month, planned, rows);
    expect(result.basis).toBe(basis);
    expect(result.amount?.toString() ?? null).toBe(amount);
    expect(result.window.map((m) => m.month.toString())).toEqual(window);
    if (highest !== undefined) expect(result.highest?.month.toString() ?? null).toBe(highest);
  });

  it('explains the derivation: which months, which maximum', () => {
    const result = credit('2026-01-28', '2026-03', '1000', { '2026-01': '90', '2026-02': '800' });
    expect(
      result.window.map((m) => [m.month.toString(), m.amount.toString(), m.recorded, m.fullMonth]),
    ).toEqual([
      ['2026-01', '90', true, false],
      ['2026-02', '800', true, true],
    ]);
    expect(result.explanation).toEqual({
      summary:
        'Provisional credit for 2026-03: 800.00 USD, the highest monthly usage of 2026-01 to 2026-02 (2026-02)',
      steps: [
        { label: 'customer since', formula: '2026-01-28', result: 'first month 2026-01' },
        { label: 'usage 2026-01', formula: 'recorded', result: '90.00 USD (partial month from 2026-01-28)' },
        { label: 'usage 2026-02', formula: 'recorded', result: '800.00 USD' },
        {
          label: 'highest of 2 months',
          formula: 'max(90.00 USD, 800.00 USD)',
          result: '800.00 USD (2026-02)',
        },
      ],
    });
    const first = credit('2026-01-01', '2026-01', '1000');
    expect(first.explanation.summary).toBe(
      'Provisional credit for 2026-01: 1,000.00 USD, the planned amount (the customer is new)',
    );
  });

  it('refuses inconsistent input', () => {
    expectCreditError(() => credit('2026-03-01', '2026-02', '1'), 'before_customer_since');
    expectCreditError(() => credit('2026-01-01', '2026-02', '-1'), 'invalid_planned_amount');
    expectCreditError(
      () =>
        provisionalCredit({
          customerSince: parsePlainDate('2026-01-01'),
          month: ym('2026-03'),
          planned: null,
          monthlyUsage: [...usage({ '2026-01': '1' }), ...usage({ '2026-01': '2' })],
          currency: 'USD',
        }),
      'duplicate_month',
    );
    expect(() =>
      provisionalCredit({
        customerSince: parsePlainDate('2026-01-01'),
        month: ym('2026-03'),
        planned: Money.of('1', 'EUR'),
        monthlyUsage: [],
        currency: 'USD',
      }),
    ).toThrow(CurrencyMismatchError);
  });
});

describe('provisionalCredit, properties', () => {
  const monthArb = fc.integer({ min: 0, max: 40 }).map((n) => ym('2024-01').add({ months: n }));
  const amountArb = fc.bigInt({ min: 0n, max: 10n ** 10n }).map((m) => Money.fromMinorUnits(m, 'USD'));

  it('is at least every month of its window, equals one of them, and looks at ≤ 6 past months since the start', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 12 }),
        fc.integer({ min: 1, max: 28 }),
        fc.uniqueArray(fc.tuple(monthArb, amountArb), { selector: ([m]) => m.toString(), maxLength: 30 }),
        (startOffset, monthsLater, day, rows) => {
          const since = ym('2024-01').add({ months: startOffset }).toPlainDate({ day });
          const month = since.toPlainYearMonth().add({ months: monthsLater });
          const result = provisionalCredit({
            customerSince: since,
            month,
            planned: usd('123'),
            monthlyUsage: rows.map(([m, amount]) => ({ month: m, amount })),
            currency: 'USD',
          });
          expect(result.window.length).toBeLessThanOrEqual(6);
          for (const m of result.window) {
            expect(Temporal.PlainYearMonth.compare(m.month, month)).toBeLessThan(0);
            expect(Temporal.PlainYearMonth.compare(m.month, since.toPlainYearMonth())).toBeGreaterThanOrEqual(
              0,
            );
          }
          if (result.basis === 'usage_history') {
            for (const m of result.window) expect(result.amount!.greaterThanOrEqual(m.amount)).toBe(true);
            expect(result.window.some((m) => m.amount.equals(result.amount!))).toBe(true);
          } else {
            expect(result.amount!.toString()).toBe('123');
            expect(result.window.every((m) => !m.fullMonth)).toBe(true);
          }
        },
      ),
    );
  });
});
