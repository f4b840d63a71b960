import { describe, expect, it } from 'vitest';
import { currentBillingPeriod, daysBetween, firstOfNextMonth, recentPeriods } from './dates';
import { currencyDigits, mulDiv } from './decimal';

describe('mulDiv', () => {
  it('prorates exactly, rounding half up to the currency', () => {
    // 3 seats × 1,026 JPY for 20 of 30 days.
    expect(mulDiv('1026', 3 * 20, 30, 0)).toBe('2052');
    expect(mulDiv('37620', 1, 365, 0)).toBe('103');
    expect(mulDiv('12.34', 1, 3, 2)).toBe('4.11');
    expect(mulDiv('0.005', 1, 1, 2)).toBe('0.01');
    expect(mulDiv('-2.5', 1, 1, 0)).toBe('-3');
    expect(mulDiv('21061.324489022448', 1, 1, 0)).toBe('21061');
  });

  it('knows the fraction digits of a currency', () => {
    expect(currencyDigits('JPY')).toBe(0);
    expect(currencyDigits('EUR')).toBe(2);
  });
});

describe('panel dates', () => {
  it('finds the 1st of next month and recent periods', () => {
    expect(firstOfNextMonth('2026-12-15')).toBe('2027-01-01');
    expect(recentPeriods('2026-01-31', 3)).toEqual(['2026-01', '2025-12', '2025-11']);
  });

  it('finds the current billing period of a subscription', () => {
    expect(currentBillingPeriod('2026-01-31', 'monthly', '2026-03-05')).toEqual({
      start: '2026-02-28',
      end: '2026-03-31',
    });
    expect(currentBillingPeriod('2026-11-22', 'annual', '2026-11-22')).toEqual({
      start: '2026-11-22',
      end: '2027-11-22',
    });
    expect(currentBillingPeriod('2026-11-22', 'one_time', '2026-11-23')).toBeNull();
    expect(daysBetween('2026-02-01', '2026-03-01')).toBe(28);
  });
});
