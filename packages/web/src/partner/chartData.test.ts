import { describe, expect, it } from 'vitest';
import {
  countdown,
  currenciesOf,
  daysUntil,
  hasCost,
  recentPeriods,
  seriesOf,
  topWithOther,
} from './chartData';

const rows = [
  { date: '2026-11-01', currency: 'JPY', sale: '100.5', cost: '90', margin: '10.5' },
  { date: '2026-11-01', currency: 'EUR', sale: '1.25', cost: '1', margin: '0.25' },
  { date: '2026-11-02', currency: 'JPY', sale: '200', cost: '150', margin: '50' },
];

describe('usage chart data', () => {
  it('lists currencies most used first', () => {
    expect(currenciesOf(rows)).toEqual(['JPY', 'EUR']);
    expect(currenciesOf([])).toEqual([]);
    expect(currenciesOf(rows, 'EUR')).toEqual(['EUR', 'JPY']);
    expect(currenciesOf(rows, 'USD')).toEqual(['JPY', 'EUR']);
  });

  it('builds one series per measure for a currency', () => {
    expect(seriesOf(rows, 'JPY', (r) => r.date)).toEqual({
      labels: ['2026-11-01', '2026-11-02'],
      values: { sale: [100.5, 200], cost: [90, 150], margin: [10.5, 50] },
    });
    expect(seriesOf(rows, 'USD', (r) => r.date).labels).toEqual([]);
  });

  it('reads a missing cost as zero and tells whether cost is shown at all', () => {
    const customerView = [{ currency: 'JPY', sale: '5' }];
    expect(seriesOf(customerView, 'JPY', () => 'x').values.cost).toEqual([0]);
    expect(hasCost(customerView)).toBe(false);
    expect(hasCost(rows)).toBe(true);
  });

  it('keeps the largest items and sums the rest into "other"', () => {
    const series = {
      labels: ['a', 'b', 'c', 'd'],
      values: { sale: [1, 4, 3, 2], cost: [1, 1, 1, 1], margin: [0, 3, 2, 1] },
    };
    expect(topWithOther(series, 2, 'other')).toEqual({
      labels: ['b', 'c', 'other'],
      values: { sale: [4, 3, 3], cost: [1, 1, 2], margin: [3, 2, 1] },
    });
    expect(topWithOther(series, 4, 'other')).toBe(series);
  });

  it('counts months back across a year end', () => {
    expect(recentPeriods(new Date('2026-02-10T00:00:00Z'), 4)).toEqual([
      '2026-02',
      '2026-01',
      '2025-12',
      '2025-11',
    ]);
  });

  it('counts down to the end of a cancellation window', () => {
    const now = new Date('2026-11-22T00:00:00Z');
    expect(countdown('2026-11-29T03:00:00Z', now)).toEqual({ days: 7, hours: 3 });
    expect(countdown('2026-11-21T00:00:00Z', now)).toBeNull();
    expect(countdown(null, now)).toBeNull();
    expect(daysUntil('2026-12-22', '2026-11-22')).toBe(30);
    expect(daysUntil('2026-11-20', '2026-11-22')).toBe(-2);
  });
});
