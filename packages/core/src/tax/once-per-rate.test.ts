import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Money, type RoundingMode } from '../money/money.ts';
import { japanConsumptionTax } from './japan.ts';
import type { TaxLine, TaxResult } from './types.ts';
import { vatPolicy } from './vat.ts';

const RATES = { standard: '10', reduced: '8', odd: '7.7' } as const;
type Key = keyof typeof RATES;

const invoiceArb = fc.record({
  currency: fc.constantFrom('JPY', 'EUR', 'KWD'),
  lines: fc.array(
    fc.record({
      minor: fc.bigInt({ min: -(10n ** 9n), max: 10n ** 10n }),
      rate: fc.constantFrom<Key>('standard', 'reduced', 'odd'),
    }),
    { maxLength: 12 },
  ),
  rounding: fc.constantFrom<RoundingMode>('down', 'half-up', 'up', 'half-even'),
  inclusive: fc.boolean(),
  seed: fc.integer(),
  split: fc.nat(),
  splitAt: fc.bigInt({ min: -(10n ** 9n), max: 10n ** 9n }),
});

/** What the invoice must say whatever the line order: the amounts per rate and the totals. */
const amounts = (r: TaxResult) => ({
  rates: r.rates.map((t) => [t.rate, t.percent, t.net.toString(), t.tax.toString(), t.gross.toString()]),
  totals: [r.net.toString(), r.tax.toString(), r.gross.toString()],
});

/** n / d (d > 0) rounded to an integer by `mode`, computed exactly on bigints. */
function roundDiv(n: bigint, d: bigint, mode: RoundingMode): bigint {
  const q = n / d; // truncates toward zero
  const r = n % d; // same sign as n
  if (r === 0n) return q;
  const away = q + (n < 0n ? -1n : 1n);
  const twice = 2n * (r < 0n ? -r : r);
  switch (mode) {
    case 'down':
      return q;
    case 'up':
      return away;
    case 'half-up':
      return twice >= d ? away : q;
    case 'half-even':
      return twice > d || (twice === d && q % 2n !== 0n) ? away : q;
  }
}

// Deterministic shuffle, so that a failure is reproduced by its fast-check seed.
function shuffle<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed >>> 0;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('once-per-rate tax properties', () => {
  it('tax per rate = round(sum × rate), whatever the line order and however lines are split', () => {
    fc.assert(
      fc.property(invoiceArb, ({ currency, lines: raw, rounding, inclusive, seed, split, splitAt }) => {
        const policy = japanConsumptionTax({ rounding, rates: RATES });
        const lines: TaxLine[] = raw.map((l) => ({
          amount: Money.fromMinorUnits(l.minor, currency),
          rate: l.rate,
        }));
        const result = policy.compute({ currency, lines, pricesIncludeTax: inclusive });

        for (const key of Object.keys(RATES) as Key[]) {
          const own = lines.filter((l) => l.rate === key);
          const group = result.rates.find((t) => t.rate === key);
          if (own.length === 0) {
            expect(group).toBeUndefined();
            continue;
          }
          const sum = Money.sum(
            own.map((l) => l.amount),
            currency,
          );
          // Oracle in exact integers: minor units × rate / 100 (or / (100 + rate) when inclusive).
          const [whole, fraction = ''] = RATES[key].split('.');
          const rate = BigInt(whole! + fraction);
          const hundred = 100n * 10n ** BigInt(fraction.length);
          const expected = roundDiv(
            sum.toMinorUnits() * rate,
            inclusive ? hundred + rate : hundred,
            rounding,
          );
          expect(group!.tax.toMinorUnits()).toBe(expected);
          expect(group!.gross.equals(inclusive ? sum : sum.plus(group!.tax))).toBe(true);
        }

        // Reorder, then split one line in two parts adding up to it.
        const reordered = shuffle(lines, seed);
        if (reordered.length > 0) {
          const i = split % reordered.length;
          const target = reordered[i]!;
          const part = Money.fromMinorUnits(splitAt, currency);
          reordered.splice(
            i,
            1,
            { ...target, amount: part },
            { ...target, amount: target.amount.minus(part) },
          );
        }
        const again = policy.compute({ currency, lines: reordered, pricesIncludeTax: inclusive });
        expect(amounts(again)).toEqual(amounts(result));
        expect(again.explanation.summary).toBe(result.explanation.summary);
      }),
    );
  });

  it('holds for VAT too', () => {
    fc.assert(
      fc.property(invoiceArb, ({ currency, lines: raw, rounding, seed }) => {
        const policy = vatPolicy({ rates: { DE: RATES }, rounding });
        const lines: TaxLine[] = raw.map((l) => ({
          amount: Money.fromMinorUnits(l.minor, currency),
          rate: l.rate,
        }));
        const parties = { seller: { country: 'DE' }, buyer: { country: 'DE' } };
        const result = policy.compute({ currency, lines, ...parties });
        const again = policy.compute({ currency, lines: shuffle(lines, seed), ...parties });
        expect(amounts(again)).toEqual(amounts(result));
        const standard = lines.filter((l) => l.rate === 'standard');
        if (standard.length > 0) {
          const sum = Money.sum(
            standard.map((l) => l.amount),
            currency,
          );
          expect(result.rates[0]!.tax.equals(sum.percent('10').round(rounding))).toBe(true);
        }
      }),
    );
  });
});
