import { describe, expect, it } from 'vitest';
import { parseJsonLossless, toDecimalString } from './json.ts';

describe('parseJsonLossless', () => {
  it('keeps numbers that round-trip and turns the others into their literal text', () => {
    const value = parseJsonLossless(
      '{"a": 0.1999968000511991808131, "b": 14.4, "c": 0.0, "d": 9007199254740993, "e": 1e-7, "f": -1, "g": "0.5"}',
    );
    expect(value).toEqual({
      a: '0.1999968000511991808131',
      b: 14.4,
      c: '0.0',
      d: '9007199254740993',
      e: 1e-7,
      f: -1,
      g: '0.5',
    });
  });

  it('does not touch digits inside strings, including escaped quotes', () => {
    expect(parseJsonLossless('{"s": "x\\" 0.10 \\"", "n": [1, 2.50]}')).toEqual({
      s: 'x" 0.10 "',
      n: [1, '2.50'],
    });
  });

  it('strips a UTF-8 BOM and still rejects invalid JSON', () => {
    expect(parseJsonLossless('\uFEFF{"a":1}')).toEqual({ a: 1 });
    expect(() => parseJsonLossless('{"a": 01}')).toThrow();
    expect(() => parseJsonLossless('{"a": 1,}')).toThrow();
  });
});

describe('toDecimalString', () => {
  it.each([
    [0.1, '0.1'],
    [2076.63, '2076.63'],
    [1e-7, '0.0000001'],
    [1.5e21, '1500000000000000000000'],
    ['0.0', '0.0'],
    ['+3.10', '3.10'],
    ['1E-05', '0.00001'],
    ['-2.50e1', '-25'],
    ['0.00123e2', '0.123'],
    ['.5', '0.5'],
    ['5.', '5'],
  ])('%s → %s', (input, expected) => {
    expect(toDecimalString(input)).toBe(expected);
  });

  it('rejects non-numbers', () => {
    expect(() => toDecimalString('12 USD')).toThrow();
    expect(() => toDecimalString(Number.NaN)).toThrow();
  });
});
