import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addInto, exactText, parseExact, plus, times } from './exact-decimal.ts';

const text = (s: string) => exactText(parseExact(s));

describe('exact decimals', () => {
  it('reads what numeric input reads, with the same scale', () => {
    expect(text('1.50')).toBe('1.50');
    expect(text(' -0.015 ')).toBe('-0.015');
    expect(text('+3')).toBe('3');
    expect(text('.5')).toBe('0.5');
    expect(text('7.')).toBe('7');
    expect(text('1.5E-3')).toBe('0.0015');
    expect(text('1E+2')).toBe('100');
    expect(text('2.50e1')).toBe('25.0');
    expect(text('-0.0')).toBe('0.0');
  });

  it('multiplies and adds exactly, with numeric’s result scales', () => {
    expect(exactText(times(parseExact('1.1'), parseExact('0.30')))).toBe('0.330');
    expect(exactText(plus(parseExact('0.1'), parseExact('0.20')))).toBe('0.30');
    expect(exactText(plus(parseExact('-5'), parseExact('0.25')))).toBe('-4.75');
    const sum = parseExact('0');
    for (const v of ['0.1', '0.2', '-0.05', '100']) addInto(sum, parseExact(v));
    expect(exactText(sum)).toBe('100.25');
  });

  it('agrees with integer arithmetic on any decimals (property)', () => {
    const decimal = fc
      .tuple(fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), fc.integer({ min: 0, max: 12 }))
      .map(([m, s]) => ({ m, s }));
    fc.assert(
      fc.property(decimal, decimal, (a, b) => {
        const pa = parseExact(exactText(a));
        const pb = parseExact(exactText(b));
        expect(pa).toEqual(a);
        const sum = plus(pa, pb);
        const scale = Math.max(a.s, b.s);
        expect(sum.s).toBe(scale);
        expect(sum.m).toBe(a.m * 10n ** BigInt(scale - a.s) + b.m * 10n ** BigInt(scale - b.s));
        expect(times(pa, pb)).toEqual({ m: a.m * b.m, s: a.s + b.s });
      }),
    );
  });
});
