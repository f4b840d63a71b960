import { describe, expect, it } from 'vitest';
import { Money } from '../money/money.ts';
import { parsePlainDate } from '../time/calendar.ts';
import {
  convertMoney,
  type ExchangeRate,
  findExchangeRate,
  InvalidExchangeRateError,
  MissingExchangeRateError,
  validateExchangeRate,
} from './exchange.ts';

const d = parsePlainDate;
const rate = (from: string, to: string, value: string, date: string): ExchangeRate => ({
  from,
  to,
  rate: value,
  date: d(date),
});

const rates = [
  rate('USD', 'JPY', '148.1', '2026-02-01'),
  rate('USD', 'JPY', '150.25', '2026-03-01'),
  rate('USD', 'JPY', '152', '2026-04-01'),
  rate('USD', 'EUR', '0.92', '2026-03-01'),
  rate('JPY', 'GBP', '0.0052', '2026-03-01'),
];

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  return expect.fail('expected an error');
}

describe('findExchangeRate', () => {
  it.each([
    ['2026-01-31', null],
    ['2026-02-01', '148.1'],
    ['2026-02-28', '148.1'],
    ['2026-03-01', '150.25'],
    ['2026-03-15', '150.25'],
    ['2026-04-01', '152'],
    ['2027-01-01', '152'],
  ])('USD→JPY on %s uses %s', (date, expected) => {
    expect(findExchangeRate(rates, 'USD', 'JPY', d(date))?.rate ?? null).toBe(expected);
  });

  it('never inverts a published rate', () => {
    expect(findExchangeRate(rates, 'JPY', 'USD', d('2026-03-15'))).toBeNull();
    expect(findExchangeRate(rates, 'GBP', 'JPY', d('2026-03-15'))).toBeNull();
  });

  it('accepts the same rate published twice, refuses two different ones', () => {
    const twice = [rate('USD', 'JPY', '150.50', '2026-03-01'), rate('USD', 'JPY', '150.5', '2026-03-01')];
    expect(findExchangeRate(twice, 'USD', 'JPY', d('2026-03-02'))?.rate).toBe('150.50');
    const conflicting = [rate('USD', 'JPY', '150.5', '2026-03-01'), rate('USD', 'JPY', '151', '2026-03-01')];
    const error = errorOf(() => findExchangeRate(conflicting, 'USD', 'JPY', d('2026-03-02')));
    expect(error).toBeInstanceOf(InvalidExchangeRateError);
    expect((error as InvalidExchangeRateError).code).toBe('invalid_exchange_rate');
  });
});

describe('validateExchangeRate', () => {
  it.each<[string, ExchangeRate, string]>([
    ['zero', rate('USD', 'JPY', '0', '2026-03-01'), 'rate'],
    ['zero with decimals', rate('USD', 'JPY', '0.000', '2026-03-01'), 'rate'],
    ['negative', rate('USD', 'JPY', '-150', '2026-03-01'), 'rate'],
    ['exponent', rate('USD', 'JPY', '1.5e2', '2026-03-01'), 'rate'],
    ['lower-case currency', rate('usd', 'JPY', '150', '2026-03-01'), 'from'],
    ['bad target currency', rate('USD', 'YEN!', '150', '2026-03-01'), 'to'],
    ['same currency', rate('USD', 'USD', '1', '2026-03-01'), 'to'],
    ['string date', { ...rate('USD', 'JPY', '150', '2026-03-01'), date: '2026-03-01' as never }, 'date'],
  ])('refuses a %s rate', (_name, bad, field) => {
    const error = errorOf(() => validateExchangeRate(bad));
    expect(error).toBeInstanceOf(InvalidExchangeRateError);
    expect((error as InvalidExchangeRateError).field).toBe(field);
  });
});

describe('convertMoney', () => {
  it('multiplies exactly by the rate in force and explains it', () => {
    const c = convertMoney(Money.of('10.00', 'USD'), 'JPY', d('2026-03-15'), rates, 'cost');
    expect(c.amount.toJSON()).toEqual({ amount: '1502.5', currency: 'JPY' });
    expect(c.rate?.rate).toBe('150.25');
    expect(c.step).toEqual({
      label: "convert cost to JPY at Microsoft's rate of 2026-03-01",
      formula: '10.00 USD × 150.25 = 1,502.5 JPY',
      result: '1,502.5 JPY',
    });
  });

  it('keeps every decimal of small amounts', () => {
    const c = convertMoney(Money.of('0.123456', 'USD'), 'EUR', d('2026-03-15'), rates);
    expect(c.amount.toString()).toBe('0.11357952');
    expect(c.step?.formula).toBe('0.123456 USD × 0.92 = 0.11357952 EUR');
  });

  it('leaves an amount already in the currency alone', () => {
    const amount = Money.of('1000', 'JPY');
    expect(convertMoney(amount, 'JPY', d('2026-03-15'), [])).toEqual({ amount, rate: null, step: null });
  });

  it('reports a missing rate with the pair and the date', () => {
    const error = errorOf(() => convertMoney(Money.of('1', 'USD'), 'JPY', d('2026-01-15'), rates));
    expect(error).toBeInstanceOf(MissingExchangeRateError);
    const e = error as MissingExchangeRateError;
    expect([e.code, e.from, e.to, e.date]).toEqual(['missing_exchange_rate', 'USD', 'JPY', '2026-01-15']);
  });
});
