/**
 * Exact decimal arithmetic for the per-line hot path of usage imports: a value is an integer
 * mantissa and a scale (value = m / 10^s). Sums and products are exact and keep the scale
 * PostgreSQL's `numeric` would give them (a product: the sum of the scales; a sum: the larger
 * scale), so what the import computes is what the database would have computed, digit for digit.
 * A million lines need a few million operations; scaled BigInts do them several times faster than
 * a general decimal type. Money stays the core's type everywhere else.
 */
export interface Exact {
  m: bigint;
  s: number;
}

const POWERS: bigint[] = [1n];
function pow10(n: number): bigint {
  while (POWERS.length <= n) POWERS.push(POWERS[POWERS.length - 1]! * 10n);
  return POWERS[n]!;
}

/**
 * Reads a decimal that `isDecimal` accepted: blanks, optional sign, digits with an optional point,
 * an optional exponent.
 */
export function parseExact(text: string): Exact {
  const t = text.charCodeAt(0) === 32 || text.charCodeAt(text.length - 1) === 32 ? text.trim() : text;
  let exponent = 0;
  let body = t;
  let e = t.indexOf('e');
  if (e < 0) e = t.indexOf('E');
  if (e >= 0) {
    exponent = Number(t.slice(e + 1));
    body = t.slice(0, e);
  }
  const point = body.indexOf('.');
  const digits = point < 0 ? body : body.slice(0, point) + body.slice(point + 1);
  let s = (point < 0 ? 0 : body.length - point - 1) - exponent;
  // '+1' and '.5' are fine for PostgreSQL; BigInt wants digits with at most a leading '-'.
  let m = BigInt(digits.replace('+', ''));
  if (s < 0) {
    m *= pow10(-s);
    s = 0;
  }
  return { m, s };
}

export function times(a: Exact, b: Exact): Exact {
  return { m: a.m * b.m, s: a.s + b.s };
}

export function plus(a: Exact, b: Exact): Exact {
  if (a.s === b.s) return { m: a.m + b.m, s: a.s };
  return a.s > b.s
    ? { m: a.m + b.m * pow10(a.s - b.s), s: a.s }
    : { m: a.m * pow10(b.s - a.s) + b.m, s: b.s };
}

/** Adds `b` into `into` (for running sums). */
export function addInto(into: Exact, b: Exact): void {
  if (into.s === b.s) into.m += b.m;
  else if (into.s > b.s) into.m += b.m * pow10(into.s - b.s);
  else {
    into.m = into.m * pow10(b.s - into.s) + b.m;
    into.s = b.s;
  }
}

/** As PostgreSQL prints a numeric of that scale: `-0.0150`, `100`. */
export function exactText(x: Exact): string {
  const negative = x.m < 0n;
  let digits = (negative ? -x.m : x.m).toString();
  if (x.s > 0) {
    if (digits.length <= x.s) digits = '0'.repeat(x.s - digits.length + 1) + digits;
    digits = `${digits.slice(0, digits.length - x.s)}.${digits.slice(digits.length - x.s)}`;
  }
  return negative ? `-${digits}` : digits;
}
