/**
 * Fixed-point decimal arithmetic for money and quantities. Values are BigInt units at a given scale
 * (`{ v: 1234n, s: 2 }` is 12.34) so that nothing ever passes through a binary float. Wire values
 * stay strings until a response is serialised.
 */
export interface Dec {
  readonly v: bigint;
  readonly s: number;
}

export type Rounding = 'halfUp' | 'trunc' | 'floor';

const POW10: bigint[] = [];
for (let i = 0; i <= 40; i++) POW10.push(10n ** BigInt(i));

export function pow10(n: number): bigint {
  const p = POW10[n];
  if (p === undefined) throw new RangeError(`scale ${n} out of range`);
  return p;
}

const DEC_RE = /^([+-])?(\d+)(?:\.(\d+))?$/;

export function dec(value: string | bigint | Dec): Dec {
  if (typeof value === 'bigint') return { v: value, s: 0 };
  if (typeof value !== 'string') return value;
  const m = DEC_RE.exec(value.trim());
  if (!m) throw new TypeError(`not a decimal: ${JSON.stringify(value)}`);
  const frac = m[3] ?? '';
  const v = BigInt((m[2] ?? '0') + frac);
  return { v: m[1] === '-' ? -v : v, s: frac.length };
}

export function isDecimalString(value: unknown): value is string {
  return typeof value === 'string' && DEC_RE.test(value.trim());
}

export const ZERO: Dec = { v: 0n, s: 0 };

function align(a: Dec, b: Dec): [bigint, bigint, number] {
  if (a.s === b.s) return [a.v, b.v, a.s];
  if (a.s > b.s) return [a.v, b.v * pow10(a.s - b.s), a.s];
  return [a.v * pow10(b.s - a.s), b.v, b.s];
}

export function add(a: Dec, b: Dec): Dec {
  const [x, y, s] = align(a, b);
  return { v: x + y, s };
}

export function sub(a: Dec, b: Dec): Dec {
  const [x, y, s] = align(a, b);
  return { v: x - y, s };
}

export function neg(a: Dec): Dec {
  return { v: -a.v, s: a.s };
}

export function mul(a: Dec, b: Dec): Dec {
  return { v: a.v * b.v, s: a.s + b.s };
}

export function mulInt(a: Dec, n: number | bigint): Dec {
  return { v: a.v * BigInt(n), s: a.s };
}

export function cmp(a: Dec, b: Dec): number {
  const [x, y] = align(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function isZero(a: Dec): boolean {
  return a.v === 0n;
}

export function sum(values: Iterable<Dec>): Dec {
  let acc: Dec = ZERO;
  for (const v of values) acc = add(acc, v);
  return acc;
}

/** Integer division of BigInts with an explicit rounding rule. */
export function divRound(n: bigint, d: bigint, mode: Rounding): bigint {
  if (d === 0n) throw new RangeError('division by zero');
  if (d < 0n) {
    n = -n;
    d = -d;
  }
  const q = n / d;
  const r = n % d;
  if (r === 0n) return q;
  switch (mode) {
    case 'trunc':
      return q;
    case 'floor':
      return n < 0n ? q - 1n : q;
    case 'halfUp': {
      const twice = (r < 0n ? -r : r) * 2n;
      if (twice >= d) return n < 0n ? q - 1n : q + 1n;
      return q;
    }
  }
}

export function rescale(a: Dec, s: number, mode: Rounding = 'halfUp'): Dec {
  if (s === a.s) return a;
  if (s > a.s) return { v: a.v * pow10(s - a.s), s };
  return { v: divRound(a.v, pow10(a.s - s), mode), s };
}

/** `a * num / den` at the requested scale, rounded once. Used for daily proration. */
export function prorate(a: Dec, num: number | bigint, den: number | bigint, s: number, mode: Rounding): Dec {
  const numer = a.v * BigInt(num) * pow10(s);
  const denom = BigInt(den) * pow10(a.s);
  return { v: divRound(numer, denom, mode), s };
}

/** Division of two decimals at a target scale. */
export function div(a: Dec, b: Dec, s: number, mode: Rounding = 'halfUp'): Dec {
  const numer = a.v * pow10(s + b.s);
  const denom = b.v * pow10(a.s);
  return { v: divRound(numer, denom, mode), s };
}

/** Formats without exponent. `trim` drops trailing fractional zeros (Microsoft's "14.4", "720"). */
export function fmt(a: Dec, opts: { trim?: boolean; minScale?: number } = {}): string {
  let v = a.v;
  const negative = v < 0n;
  if (negative) v = -v;
  let digits = v.toString();
  let out: string;
  if (a.s === 0) {
    out = digits;
  } else {
    if (digits.length <= a.s) digits = digits.padStart(a.s + 1, '0');
    const int = digits.slice(0, digits.length - a.s);
    let frac = digits.slice(digits.length - a.s);
    if (opts.trim !== false) {
      let end = frac.length;
      const min = opts.minScale ?? 0;
      while (end > min && frac.charCodeAt(end - 1) === 48) end--;
      frac = frac.slice(0, end);
    }
    out = frac.length > 0 ? `${int}.${frac}` : int;
  }
  if (opts.minScale && !out.includes('.')) out = `${out}.${'0'.repeat(opts.minScale)}`;
  return negative && /[1-9]/.test(out) ? `-${out}` : out;
}

export function decStr(value: string | Dec, opts?: { trim?: boolean; minScale?: number }): string {
  return fmt(typeof value === 'string' ? dec(value) : value, opts);
}
