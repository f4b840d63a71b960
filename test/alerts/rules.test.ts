import {
  budgetThresholdAlerts,
  creditDecision,
  type DailyUsage,
  Money,
  provisionalCredit,
  spikeAlerts,
  Temporal,
  usageLevelAlerts,
} from '@cspc/core';
import { describe, expect, it } from 'vitest';
import { creditAlertRow, evaluationDay } from '../../packages/server/src/modules/alerts/evaluate-alerts.ts';

/**
 * The rules of PRODUCT.md §6 with the worked numbers of docs/alerts-and-credit.md, as the server
 * evaluates them (the core's own tests cover the edge cases in depth).
 */

const jpy = (amount: string) => Money.of(amount, 'JPY');
const month = Temporal.PlainYearMonth.from('2026-03');
const subject = { customerId: 'c-1' };

describe('budget thresholds: alert when month-to-date reaches a threshold of the planned amount', () => {
  it.each([
    // planned, month-to-date, thresholds, new alerts
    ['10000', '4999', ['50'], []],
    ['10000', '5000', ['50'], ['50']],
    ['10000', '8500', ['50', '80', '100'], ['50', '80']],
    ['10000', '12000', ['50', '80', '100'], ['50', '80', '100']],
    ['0', '12000', ['50'], []],
  ] as const)('planned %s, month-to-date %s, thresholds %j → %j', (planned, mtd, thresholds, expected) => {
    const result = budgetThresholdAlerts({
      subject,
      month,
      planned: jpy(planned),
      thresholds,
      monthToDate: jpy(mtd),
    });
    expect(result.alerts.map((a) => a.threshold)).toEqual(expected);
  });
});

describe('spike: a day at least double any one of the two previous days (≥ 2 × min)', () => {
  const day = (date: string, amount: string | null, complete = true): DailyUsage => ({
    date: Temporal.PlainDate.from(date),
    amount: amount === null ? null : jpy(amount),
    complete,
  });
  it.each([
    // day−2, day−1, day, spike?
    ['100', '300', '200', true], // 200 ≥ 2 × min(300, 100) = 200
    ['100', '300', '199', false],
    ['400', '300', '600', true], // 600 ≥ 2 × 300
    ['0', '0', '50', true], // usage starting after two idle days
    ['100', '0', '150', false], // a single idle day is not a basis: 150 < 2 × 100
    [null, '100', '200', true], // unknown day−2, but double day−1 already proves it
    [null, '100', '150', false],
  ] as const)('%s, %s, %s → %s', (d2, d1, d0, spike) => {
    const result = spikeAlerts({
      subject,
      days: [day('2026-03-08', d2), day('2026-03-09', d1), day('2026-03-10', d0)].filter(
        (d) => d.amount !== null,
      ),
    });
    expect(result.alerts.some((a) => a.date.toString() === '2026-03-10')).toBe(spike);
  });

  it('never alerts on a partial day (today, still arriving)', () => {
    const result = spikeAlerts({
      subject,
      days: [day('2026-03-08', '100'), day('2026-03-09', '100'), day('2026-03-10', '900', false)],
    });
    expect(result.alerts).toEqual([]);
  });
});

describe('provisional credit: the planned amount at first, then the highest of the past six months', () => {
  const usage = (entries: [string, string][]) =>
    entries.map(([m, a]) => ({ month: Temporal.PlainYearMonth.from(m), amount: jpy(a) }));
  it.each([
    // since, month, planned, usage, amount, basis
    ['2026-03-01', '2026-03', '50000', [], '50000', 'planned_amount'],
    ['2026-03-10', '2026-04', '50000', [['2026-03', '90000']], '50000', 'planned_amount'],
    ['2026-03-01', '2026-04', '50000', [['2026-03', '90000']], '90000', 'usage_history'],
    [
      '2025-01-01',
      '2026-03',
      '50000',
      [
        ['2025-08', '999999'],
        ['2025-09', '70000'],
        ['2025-12', '120000'],
        ['2026-02', '80000'],
      ],
      '120000',
      'usage_history',
    ],
  ] as const)('since %s, in %s, planned %s → %s (%s)', (since, m, planned, monthly, amount, basis) => {
    const result = provisionalCredit({
      customerSince: Temporal.PlainDate.from(since),
      month: Temporal.PlainYearMonth.from(m),
      planned: jpy(planned),
      monthlyUsage: usage(monthly.map(([a, b]) => [a, b])),
      currency: 'JPY',
    });
    expect({ amount: result.amount?.toString(), basis: result.basis }).toEqual({ amount, basis });
  });
});

describe('credit levels on orders: the exposure after the order, strictly above a level', () => {
  const levels = { warning: jpy('100000'), approvalRequired: jpy('200000'), purchaseBlocked: jpy('300000') };
  it.each([
    ['50000', '50000', 'allowed'], // 100,000 is not above 100,000
    ['50000', '50001', 'warning'],
    ['150000', '60000', 'approval_required'],
    ['250000', '60000', 'blocked'],
    ['400000', '-10000', 'allowed'], // a reduction is always allowed
  ] as const)('exposure %s + order %s → %s', (exposure, order, outcome) => {
    expect(creditDecision({ levels, currentExposure: jpy(exposure), orderAmount: jpy(order) }).outcome).toBe(
      outcome,
    );
  });
});

describe('how the server stores and dates alerts', () => {
  it.each([
    ['2026-03-15T10:00:00Z', undefined, '2026-03', '2026-03-15'],
    ['2026-03-15T10:00:00Z', '2026-02', '2026-02', '2026-03-01'], // a past month: as of its end
    ['2026-03-15T10:00:00Z', '2026-03', '2026-03', '2026-03-15'],
  ] as const)('now %s, period %s → month %s as of %s', (now, period, m, today) => {
    const day = evaluationDay(new Date(now), period);
    expect({ month: day.month.toString(), today: day.today.toString() }).toEqual({ month: m, today });
  });

  it('stores a credit alert with its values as decimal strings and the seller as audience', () => {
    const [alert] = usageLevelAlerts({
      subject: { kind: 'customer', id: 'c-1' },
      month,
      levels: { warning: jpy('1000') },
      usage: jpy('1200.5'),
    }).alerts;
    const row = creditAlertRow(alert!, 'seller-1');
    expect(row).toMatchObject({
      type: 'credit_level',
      organizationId: 'c-1',
      audienceId: 'seller-1',
      level: 'warning',
      trigger: 'usage',
      period: '2026-03',
      values: {
        usage: { amount: '1200.5', currency: 'JPY' },
        levelAmount: { amount: '1000', currency: 'JPY' },
      },
      dedupeKey: 'credit_level:customer/c-1:2026-03:warning:usage',
    });
  });
});
