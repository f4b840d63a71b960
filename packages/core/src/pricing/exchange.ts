import Big from 'big.js';
import { isCurrencyCode } from '../money/currency.ts';
import { Money } from '../money/money.ts';
import { Temporal } from '../time/calendar.ts';
import { type ExplanationStep, formatDecimal, formatMoney } from './explanation.ts';

/**
 * One of Microsoft's published exchange rates: 1 `from` = `rate` `to`, in force from `date` until
 * the next published rate for the same pair. Only the published direction is used: Microsoft does
 * not publish inverses, and 1 ÷ rate would be a rate of our own making with its own rounding.
 */
export interface ExchangeRate {
  readonly from: string;
  readonly to: string;
  /** A positive plain decimal string, e.g. "150.25". */
  readonly rate: string;
  readonly date: Temporal.PlainDate;
}

export class InvalidExchangeRateError extends Error {
  readonly code = 'invalid_exchange_rate';
  readonly field: string;

  constructor(field: string, message: string) {
    super(`Invalid exchange rate: ${field} ${message}`);
    this.name = 'InvalidExchangeRateError';
    this.field = field;
  }
}

export class MissingExchangeRateError extends Error {
  readonly code = 'missing_exchange_rate';
  readonly from: string;
  readonly to: string;
  readonly date: string;

  constructor(from: string, to: string, date: Temporal.PlainDate) {
    super(`No Microsoft exchange rate from ${from} to ${to} in force on ${date}`);
    this.name = 'MissingExchangeRateError';
    this.from = from;
    this.to = to;
    this.date = date.toString();
  }
}

const POSITIVE_DECIMAL = /^\d+(?:\.\d+)?$/;
const ZERO = /^0+(?:\.0+)?$/;

export function validateExchangeRate(rate: ExchangeRate): void {
  if (!isCurrencyCode(rate.from)) throw new InvalidExchangeRateError('from', 'must be an ISO 4217 code');
  if (!isCurrencyCode(rate.to)) throw new InvalidExchangeRateError('to', 'must be an ISO 4217 code');
  if (rate.from === rate.to) throw new InvalidExchangeRateError('to', 'must differ from from');
  if (typeof rate.rate !== 'string' || !POSITIVE_DECIMAL.test(rate.rate) || ZERO.test(rate.rate)) {
    throw new InvalidExchangeRateError('rate', `must be a positive plain decimal string, got ${rate.rate}`);
  }
  if (!(rate.date instanceof Temporal.PlainDate)) {
    throw new InvalidExchangeRateError('date', 'must be a Temporal.PlainDate');
  }
}

/**
 * The rate for `from` → `to` in force on `date`: the one with the latest date not after it.
 * Two different rates published for the same pair and day are refused rather than picked between.
 */
export function findExchangeRate(
  rates: readonly ExchangeRate[],
  from: string,
  to: string,
  date: Temporal.PlainDate,
): ExchangeRate | null {
  let best: ExchangeRate | null = null;
  for (const rate of rates) {
    if (rate.from !== from || rate.to !== to) continue;
    validateExchangeRate(rate);
    if (Temporal.PlainDate.compare(rate.date, date) > 0) continue;
    const order = best === null ? 1 : Temporal.PlainDate.compare(rate.date, best.date);
    if (order > 0) {
      best = rate;
    } else if (order === 0 && best !== null && !new Big(rate.rate).eq(best.rate)) {
      // Compared as numbers, not strings: "150.50" and "150.5" are the same rate.
      throw new InvalidExchangeRateError(
        'rate',
        `conflicts: ${from}→${to} on ${rate.date} is published as both ${best.rate} and ${rate.rate}`,
      );
    }
  }
  return best;
}

export interface Conversion {
  /** The amount in the target currency, exact (never rounded: rounding belongs to the final price). */
  readonly amount: Money;
  /** The rate used, or null when no conversion was needed. */
  readonly rate: ExchangeRate | null;
  readonly step: ExplanationStep | null;
}

/**
 * `amount` in currency `to` at Microsoft's rate in force on `date`; `what` names the amount in the
 * explanation ("cost", "list price"). Throws MissingExchangeRateError when no rate is in force.
 */
export function convertMoney(
  amount: Money,
  to: string,
  date: Temporal.PlainDate,
  rates: readonly ExchangeRate[],
  what = 'amount',
): Conversion {
  if (amount.currency === to) return { amount, rate: null, step: null };
  const rate = findExchangeRate(rates, amount.currency, to, date);
  if (rate === null) throw new MissingExchangeRateError(amount.currency, to, date);
  const result = Money.of(amount.times(rate.rate).amount, rate.to);
  return {
    amount: result,
    rate,
    step: {
      label: `convert ${what} to ${to} at Microsoft's rate of ${rate.date}`,
      formula: `${formatMoney(amount)} × ${formatDecimal(rate.rate)} = ${formatMoney(result)}`,
      result: formatMoney(result),
    },
  };
}
