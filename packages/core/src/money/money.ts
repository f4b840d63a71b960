import Big from 'big.js';
import { currencyDigits } from './currency.ts';

/**
 * A constructor of our own, so that settings changed by any other code on the global `Big` can never
 * alter a billing result, and so that ours never leak into theirs. big.js applies the settings of
 * the constructor that created the receiver of an operation, hence every Big held by a Money is
 * created here (incoming Bigs are copied).
 *
 * DP only matters for division: 40 decimals is far beyond any currency's minor unit, so the
 * rounding of a quotient can never change a rounded result in practice. NE/PE are pushed to their
 * limits so `amount.toString()` never switches to exponent notation.
 */
const Decimal = Big();
Decimal.DP = 40;
Decimal.RM = Big.roundHalfUp;
Decimal.NE = -1_000_000;
Decimal.PE = 1_000_000;

const ZERO = new Decimal('0');
const ONE_HUNDREDTH = new Decimal('0.01');

/** Node 20's Intl.NumberFormat refuses more fraction digits than this. */
const MAX_INTL_FRACTION_DIGITS = 20;

// Exponents (`1e3`), signs other than a leading minus, and bare points are refused because
// amounts arrive from price lists, invoices and API payloads where such forms are a symptom of
// an upstream float having been stringified, not a legitimate decimal.
const PLAIN_DECIMAL = /^-?\d+(?:\.\d+)?$/;

export class InvalidAmountError extends Error {
  readonly code = 'invalid_amount';

  constructor(message: string) {
    super(message);
    this.name = 'InvalidAmountError';
  }
}

export class CurrencyMismatchError extends Error {
  readonly code = 'currency_mismatch';
  readonly expected: string;
  readonly actual: string;

  constructor(expected: string, actual: string) {
    super(`Currency mismatch: expected ${expected}, got ${actual}`);
    this.name = 'CurrencyMismatchError';
    this.expected = expected;
    this.actual = actual;
  }
}

export class DivisionByZeroError extends Error {
  readonly code = 'division_by_zero';

  constructor() {
    super('Division by zero');
    this.name = 'DivisionByZeroError';
  }
}

/**
 * How a value is brought to a given number of decimals.
 * - `half-up`: to the nearest; a tie goes away from zero (2.5 → 3, -2.5 → -3).
 * - `half-even`: to the nearest; a tie goes to the even neighbour (2.5 → 2, 3.5 → 4), "banker's rounding".
 * - `down`: toward zero, i.e. truncation (2.9 → 2, -2.9 → -2).
 * - `up`: away from zero (2.1 → 3, -2.1 → -3).
 */
export type RoundingMode = 'half-up' | 'half-even' | 'down' | 'up';

const BIG_ROUNDING: Readonly<Record<RoundingMode, Big.RoundingMode>> = {
  'half-up': Big.roundHalfUp,
  'half-even': Big.roundHalfEven,
  down: Big.roundDown,
  up: Big.roundUp,
};

export interface MoneyJSON {
  amount: string;
  currency: string;
}

export interface FormatOptions {
  /**
   * true (default): show the amount rounded half-up to the currency's minor unit, as on an invoice.
   * false: show every decimal of the exact amount (at least the currency's digits; Intl caps the
   * display at 20 decimals), for unit prices and diagnostics.
   */
  rounded?: boolean;
}

interface DecimalRules {
  /** Accept a JS number if it is a safe integer (quantities, seat counts); floats are always refused. */
  safeIntegerNumber?: boolean;
  bigint?: boolean;
}

function isBigLike(value: unknown): value is Big {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<Big>;
  return (
    Array.isArray(v.c) &&
    typeof v.e === 'number' &&
    typeof v.s === 'number' &&
    typeof v.toFixed === 'function'
  );
}

function toDecimal(value: unknown, what: string, rules: DecimalRules = {}): Big {
  if (typeof value === 'string') {
    if (!PLAIN_DECIMAL.test(value)) {
      throw new InvalidAmountError(
        `${what} must be a plain decimal string such as "-12.345", got ${JSON.stringify(value)}`,
      );
    }
    return new Decimal(value);
  }
  if (value instanceof Big) return new Decimal(value);
  // A Big from another copy of big.js (e.g. the CommonJS build) fails instanceof; its plain string is exact.
  if (isBigLike(value)) return new Decimal(value.toFixed());
  if (typeof value === 'bigint' && rules.bigint) return new Decimal(value.toString());
  if (typeof value === 'number' && rules.safeIntegerNumber) {
    if (Number.isSafeInteger(value)) return new Decimal(String(value));
    throw new InvalidAmountError(
      `${what} given as a number must be a safe integer, got ${value}; pass a decimal string instead`,
    );
  }
  throw new InvalidAmountError(`${what} has an unsupported type (${typeof value}); pass a decimal string`);
}

function isZeroDecimal(d: Big): boolean {
  return d.c[0] === 0;
}

function decimalPlaces(d: Big): number {
  return Math.max(0, d.c.length - d.e - 1);
}

function pow10(exponent: number): Big {
  return new Decimal(`1e${exponent}`);
}

function checkRounding(decimals: number, mode: RoundingMode): Big.RoundingMode {
  if (!Number.isSafeInteger(decimals) || decimals < 0 || decimals > 1_000_000) {
    throw new RangeError(`decimals must be an integer between 0 and 1000000, got ${decimals}`);
  }
  const rm = Object.hasOwn(BIG_ROUNDING, mode) ? BIG_ROUNDING[mode] : undefined;
  if (rm === undefined) throw new RangeError(`Unknown rounding mode ${JSON.stringify(mode)}`);
  return rm;
}

const formatters = new Map<string, Intl.NumberFormat>();

function formatter(
  locale: string,
  currency: string,
  minDigits: number,
  maxDigits: number,
): Intl.NumberFormat {
  const key = `${locale}\u0000${currency}\u0000${minDigits}\u0000${maxDigits}`;
  let nf = formatters.get(key);
  if (nf === undefined) {
    nf = new Intl.NumberFormat(locale, {
      style: 'currency',
      currency,
      minimumFractionDigits: minDigits,
      maximumFractionDigits: maxDigits,
    });
    // Locales can come from request headers; keep the cache from growing without bound.
    if (formatters.size >= 256) formatters.clear();
    formatters.set(key, nf);
  }
  return nf;
}

/**
 * An exact amount of one currency. Immutable.
 *
 * Arithmetic never rounds (except division, whose quotient is kept to 40 decimals): billing computes
 * with full precision and rounds once, explicitly, with `round()`, where the business rule says so.
 */
export class Money {
  readonly currency: string;
  // A plain (not #private) field so that structural equality in tests (toEqual) compares amounts.
  private readonly value: Big;

  private constructor(value: Big, currency: string) {
    // -0 would print as "-0.00" in Intl and "-0" in toFixed(dp); a debt of nothing is nothing.
    this.value = isZeroDecimal(value) ? ZERO : value;
    this.currency = currency;
    Object.freeze(this);
  }

  /** `amount` is a plain decimal string (`"-12.345"`), a Big, or a bigint. JS numbers are refused. */
  static of(amount: string | Big | bigint, currency: string): Money {
    currencyDigits(currency);
    return new Money(toDecimal(amount, 'amount', { bigint: true }), currency);
  }

  static zero(currency: string): Money {
    currencyDigits(currency);
    return new Money(ZERO, currency);
  }

  /** `fromMinorUnits(12345n, 'USD')` is 123.45 USD; `fromMinorUnits(12345n, 'JPY')` is 12345 JPY. */
  static fromMinorUnits(minor: bigint, currency: string): Money {
    const digits = currencyDigits(currency);
    if (typeof minor !== 'bigint') {
      throw new InvalidAmountError(`minor units must be a bigint, got ${typeof minor}`);
    }
    return new Money(new Decimal(minor.toString()).times(pow10(-digits)), currency);
  }

  /** The currency is required so that summing an empty list still yields a typed zero. */
  static sum(items: readonly Money[], currency: string): Money {
    let total = Money.zero(currency);
    for (const item of items) total = total.plus(item);
    return total;
  }

  static max(a: Money, b: Money): Money {
    return a.compare(b) >= 0 ? a : b;
  }

  static min(a: Money, b: Money): Money {
    return a.compare(b) <= 0 ? a : b;
  }

  /** A copy, configured like every Money amount (DP 40, half-up). */
  get amount(): Big {
    return new Decimal(this.value);
  }

  private sameCurrency(other: Money): void {
    if (!(other instanceof Money)) throw new TypeError('Expected a Money');
    if (other.currency !== this.currency) throw new CurrencyMismatchError(this.currency, other.currency);
  }

  private with(value: Big): Money {
    return new Money(value, this.currency);
  }

  plus(other: Money): Money {
    this.sameCurrency(other);
    return this.with(this.value.plus(other.value));
  }

  minus(other: Money): Money {
    this.sameCurrency(other);
    return this.with(this.value.minus(other.value));
  }

  /** A number factor must be a safe integer (a quantity); fractional factors go as strings. */
  times(factor: string | Big | number): Money {
    return this.with(this.value.times(toDecimal(factor, 'factor', { safeIntegerNumber: true })));
  }

  /** The quotient is rounded half-up at the 40th decimal, the only implicit rounding of Money. */
  dividedBy(divisor: string | Big | number): Money {
    const d = toDecimal(divisor, 'divisor', { safeIntegerNumber: true });
    if (isZeroDecimal(d)) throw new DivisionByZeroError();
    return this.with(this.value.div(d));
  }

  negate(): Money {
    return this.with(this.value.neg());
  }

  abs(): Money {
    return this.with(this.value.abs());
  }

  /** `p` percent of this amount: `Money.of('200','USD').percent('7.5')` is 15 USD. Exact. */
  percent(p: string | Big): Money {
    // Multiplying by 0.01 instead of dividing by 100 keeps the result exact whatever its length.
    return this.with(this.value.times(toDecimal(p, 'percentage')).times(ONE_HUNDREDTH));
  }

  compare(other: Money): -1 | 0 | 1 {
    this.sameCurrency(other);
    return this.value.cmp(other.value);
  }

  /** Different currencies are simply unequal (no throw), unlike the ordering comparisons. */
  equals(other: Money): boolean {
    return other instanceof Money && other.currency === this.currency && this.value.eq(other.value);
  }

  greaterThan(other: Money): boolean {
    return this.compare(other) > 0;
  }

  greaterThanOrEqual(other: Money): boolean {
    return this.compare(other) >= 0;
  }

  lessThan(other: Money): boolean {
    return this.compare(other) < 0;
  }

  lessThanOrEqual(other: Money): boolean {
    return this.compare(other) <= 0;
  }

  isZero(): boolean {
    return isZeroDecimal(this.value);
  }

  isPositive(): boolean {
    return !this.isZero() && this.value.s > 0;
  }

  isNegative(): boolean {
    return !this.isZero() && this.value.s < 0;
  }

  /** Rounds to the currency's minor unit (JPY 0 decimals, USD 2, KWD 3). See RoundingMode. */
  round(mode: RoundingMode = 'half-up'): Money {
    return this.roundTo(currencyDigits(this.currency), mode);
  }

  /** Rounds to an arbitrary number of decimals, e.g. unit prices kept at 4 or 6 decimals. */
  roundTo(decimals: number, mode: RoundingMode = 'half-up'): Money {
    const rm = checkRounding(decimals, mode);
    return this.with(this.value.round(decimals, rm));
  }

  /** True when the amount has no more decimals than the currency's minor unit allows. */
  isRounded(): boolean {
    return decimalPlaces(this.value) <= currencyDigits(this.currency);
  }

  /**
   * Splits the amount, first rounded half-up to the minor unit, into parts proportional to `ratios`
   * that add up exactly to that rounded total. Each part gets the floor of its exact share (in minor
   * units, toward zero); the minor units left over go one each to the parts with the largest
   * remainders, earlier index first on ties. A negative amount is split as the mirror image of its
   * absolute value, so refunds allocate like the charges they reverse.
   *
   * Ratios are non-negative and not all zero; a number ratio must be a safe integer.
   */
  allocate(ratios: readonly (string | Big | number)[]): Money[] {
    if (ratios.length === 0) throw new InvalidAmountError('allocate needs at least one ratio');
    const weights = ratios.map((ratio, i) => {
      const w = toDecimal(ratio, `ratio[${i}]`, { safeIntegerNumber: true });
      if (w.s < 0 && !isZeroDecimal(w)) {
        throw new InvalidAmountError(`ratio[${i}] must not be negative, got ${w.toFixed()}`);
      }
      return w;
    });
    // Scale decimal ratios to integers so that shares and remainders are exact bigint arithmetic.
    const scale = pow10(weights.reduce((max, w) => Math.max(max, decimalPlaces(w)), 0));
    const integerWeights = weights.map((w) => BigInt(w.times(scale).toFixed()));
    const totalWeight = integerWeights.reduce((a, b) => a + b, 0n);
    if (totalWeight === 0n) throw new InvalidAmountError('allocate needs at least one non-zero ratio');

    const total = this.round().toMinorUnits();
    const negative = total < 0n;
    const magnitude = negative ? -total : total;

    const parts = integerWeights.map((w) => (magnitude * w) / totalWeight);
    const remainders = integerWeights.map((w) => (magnitude * w) % totalWeight);
    let leftover = magnitude - parts.reduce((a, b) => a + b, 0n);
    // leftover < number of parts with a non-zero remainder, so a zero ratio never receives a unit.
    const order = parts
      .map((_, i) => i)
      .sort((a, b) => {
        const ra = remainders[a]!;
        const rb = remainders[b]!;
        if (ra !== rb) return ra > rb ? -1 : 1;
        return a - b;
      });
    for (let k = 0; leftover > 0n; k++) {
      const i = order[k]!;
      parts[i] = parts[i]! + 1n;
      leftover -= 1n;
    }
    return parts.map((p) => Money.fromMinorUnits(negative ? -p : p, this.currency));
  }

  /** The amount in minor units (cents); refuses an amount that is not rounded to them. */
  toMinorUnits(): bigint {
    const digits = currencyDigits(this.currency);
    if (decimalPlaces(this.value) > digits) {
      throw new InvalidAmountError(
        `${this.toString()} ${this.currency} has more than ${digits} decimals; round() it before taking minor units`,
      );
    }
    return BigInt(this.value.times(pow10(digits)).toFixed());
  }

  /** The exact amount as a plain decimal string, without exponent or trailing zeros: "12.5", "-0.0001". */
  toString(): string {
    return this.value.toFixed();
  }

  /** Rounded half-up to the currency's minor unit, zero-padded: "12.50" USD, "1001" JPY, "1.250" KWD. */
  toFixed(): string {
    return this.round().value.toFixed(currencyDigits(this.currency));
  }

  toJSON(): MoneyJSON {
    return { amount: this.toString(), currency: this.currency };
  }

  /**
   * Localised display, e.g. "￥1,235" (ja-JP, JPY) or "1.234,50 €" (de-DE, EUR). The decimal string
   * goes to Intl unchanged, so no float ever touches the digits.
   */
  format(locale: string, options: FormatOptions = {}): string {
    const digits = currencyDigits(this.currency);
    const rounded = options.rounded ?? true;
    const text = rounded ? this.toFixed() : this.toString();
    const maxDigits = rounded
      ? digits
      : Math.min(MAX_INTL_FRACTION_DIGITS, Math.max(digits, decimalPlaces(this.value)));
    return formatter(locale, this.currency, digits, maxDigits).format(text as Intl.StringNumericLiteral);
  }

  /**
   * `a < b` or `a + b` on objects would silently compare or concatenate strings; a billing bug that
   * type checks. Refusing the primitive conversion turns it into an immediate error.
   * (Template literals and String() use toString() and keep working.)
   */
  valueOf(): never {
    throw new TypeError('Money cannot be converted to a primitive; use compare(), plus() or toString()');
  }
}
