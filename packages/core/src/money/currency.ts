/**
 * ISO 4217 currency codes and their minor units.
 *
 * Only currencies whose minor unit differs from the common case of 2 need to be listed, but the
 * ones csp-commerce actually bills in are spelled out so that the table documents what was checked.
 * Unknown but well-formed codes fall back to 2 decimals: that is what ISO 4217 assigns to the vast
 * majority of currencies, and refusing them would make the platform unusable in a new market for
 * no gain (Microsoft price lists decide which currencies are actually sold).
 */

export class InvalidCurrencyError extends Error {
  readonly code = 'invalid_currency';
  readonly currency: string;

  constructor(currency: string) {
    super(`Invalid currency code ${JSON.stringify(currency)}: expected three upper-case letters (ISO 4217)`);
    this.name = 'InvalidCurrencyError';
    this.currency = currency;
  }
}

const MINOR_UNITS: ReadonlyMap<string, number> = new Map([
  ['JPY', 0],
  ['KRW', 0],
  ['VND', 0],
  ['CLP', 0],
  ['ISK', 0],
  ['USD', 2],
  ['EUR', 2],
  ['GBP', 2],
  ['CHF', 2],
  ['AUD', 2],
  ['CAD', 2],
  ['NZD', 2],
  ['SEK', 2],
  ['NOK', 2],
  ['DKK', 2],
  ['SGD', 2],
  ['HKD', 2],
  ['CNY', 2],
  ['INR', 2],
  ['BRL', 2],
  ['MXN', 2],
  ['ZAR', 2],
  ['KWD', 3],
  ['BHD', 3],
  ['OMR', 3],
  ['JOD', 3],
]);

const DEFAULT_MINOR_UNITS = 2;

const CODE_PATTERN = /^[A-Z]{3}$/;

/** True when `s` is a well-formed ISO 4217 alphabetic code (case-sensitive: `usd` is rejected). */
export function isCurrencyCode(s: string): boolean {
  return typeof s === 'string' && CODE_PATTERN.test(s);
}

/** Number of decimals of the currency's minor unit (JPY 0, USD 2, KWD 3). */
export function currencyDigits(code: string): number {
  if (!isCurrencyCode(code)) throw new InvalidCurrencyError(code);
  return MINOR_UNITS.get(code) ?? DEFAULT_MINOR_UNITS;
}
