/**
 * Just enough exact decimal arithmetic for previews in the panel (money never becomes a JS number):
 * decimal strings are scaled to bigint, multiplied by whole numbers and divided with half-up
 * rounding to a given number of fraction digits.
 */

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?$/;

function parse(value: string): { units: bigint; scale: number } {
  const match = DECIMAL.exec(value.trim());
  if (!match) throw new Error(`Not a decimal: ${value}`);
  const fraction = match[3] ?? '';
  const units = BigInt(`${match[2]}${fraction}`) * (match[1] === '-' ? -1n : 1n);
  return { units, scale: fraction.length };
}

function format(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = scale > 0 ? `.${digits.slice(digits.length - scale)}` : '';
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

function divideHalfUp(numerator: bigint, denominator: bigint): bigint {
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const quotient = (n * 2n + d) / (d * 2n);
  return negative ? -quotient : quotient;
}

/** `value × multiplier ÷ divisor`, rounded half-up to `digits` fraction digits. */
export function mulDiv(value: string, multiplier: number, divisor: number, digits: number): string {
  if (!Number.isInteger(multiplier) || !Number.isInteger(divisor) || divisor === 0) {
    throw new Error('mulDiv takes whole multipliers and a non-zero divisor');
  }
  const { units, scale } = parse(value);
  const numerator = units * BigInt(multiplier) * 10n ** BigInt(digits);
  const denominator = BigInt(divisor) * 10n ** BigInt(scale);
  return format(divideHalfUp(numerator, denominator), digits);
}

/** Fraction digits of a currency (JPY 0, EUR 2), as Intl knows them. */
export function currencyDigits(currency: string): number {
  try {
    return (
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ??
      2
    );
  } catch {
    return 2;
  }
}

/** The ratio a / b as a percentage number for display (charts only; never for amounts). */
export function percentOf(part: string, whole: string): number {
  const a = Number(part);
  const b = Number(whole);
  return b > 0 ? Math.round((a / b) * 1000) / 10 : 0;
}

/** A decimal string rounded half-up for display; anything that is not a decimal is shown as it came. */
export function roundTo(value: string, digits: number): string {
  try {
    return mulDiv(value, 1, 1, digits);
  } catch {
    return value;
  }
}
