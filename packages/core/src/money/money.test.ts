import Big from 'big.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { currencyDigits, InvalidCurrencyError, isCurrencyCode } from './currency.ts';
import {
  CurrencyMismatchError,
  DivisionByZeroError,
  InvalidAmountError,
  Money,
  type RoundingMode,
} from './money.ts';

const usd = (amount: string) => Money.of(amount, 'USD');
const strings = (items: readonly Money[]) => items.map((m) => m.toString());

function expectCode(fn: () => unknown, ErrorClass: new (...args: never[]) => Error, code: string): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ErrorClass);
    expect((error as { code?: string }).code).toBe(code);
    return;
  }
  expect.fail('expected an error');
}

// Decimal strings built from an integer and a scale, so that both huge and tiny amounts appear.
function decimalString(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${text}` : text;
}

const currencyArb = fc.constantFrom('USD', 'JPY', 'KWD', 'EUR');
const amountArb = fc
  .tuple(fc.bigInt({ min: -(10n ** 18n), max: 10n ** 18n }), fc.integer({ min: 0, max: 8 }))
  .map(([units, scale]) => decimalString(units, scale));
const moneyArb = fc.tuple(amountArb, currencyArb).map(([amount, currency]) => Money.of(amount, currency));
const modeArb = fc.constantFrom<RoundingMode>('half-up', 'half-even', 'down', 'up');

describe('currency', () => {
  it('knows the minor units of ISO 4217 currencies', () => {
    expect(['JPY', 'KRW', 'VND', 'CLP', 'ISK'].map(currencyDigits)).toEqual([0, 0, 0, 0, 0]);
    expect(['USD', 'EUR', 'GBP', 'CHF', 'AUD', 'INR', 'ZAR'].map(currencyDigits)).toEqual([
      2, 2, 2, 2, 2, 2, 2,
    ]);
    expect(['KWD', 'BHD', 'OMR', 'JOD'].map(currencyDigits)).toEqual([3, 3, 3, 3]);
  });

  it('defaults well-formed unknown codes to 2 digits', () => {
    expect(currencyDigits('PLN')).toBe(2);
    expect(currencyDigits('XYZ')).toBe(2);
  });

  it('rejects malformed codes', () => {
    for (const code of ['usd', 'US', 'USDX', '', ' USD', 'U5D']) {
      expect(isCurrencyCode(code)).toBe(false);
      expectCode(() => currencyDigits(code), InvalidCurrencyError, 'invalid_currency');
    }
    expect(isCurrencyCode('USD')).toBe(true);
  });
});

describe('Money construction', () => {
  it('accepts plain decimal strings, Bigs and bigints', () => {
    expect(usd('-12.345').toString()).toBe('-12.345');
    expect(usd('0').toString()).toBe('0');
    expect(usd('007.50').toString()).toBe('7.5');
    expect(Money.of(new Big('1.5'), 'USD').toString()).toBe('1.5');
    expect(Money.of(42n, 'JPY').toString()).toBe('42');
    expect(Money.of(-42n, 'USD').toString()).toBe('-42');
  });

  it('rejects exponents, stray characters and JS numbers', () => {
    for (const bad of [
      '1e3',
      '1E3',
      '',
      ' 1',
      '1 ',
      '+1',
      '.5',
      '1.',
      '1,000',
      'abc',
      'NaN',
      'Infinity',
      '--1',
      '0x10',
    ]) {
      expectCode(() => usd(bad), InvalidAmountError, 'invalid_amount');
    }
    expectCode(() => Money.of(1.5 as never, 'USD'), InvalidAmountError, 'invalid_amount');
    expectCode(() => Money.of(2 as never, 'USD'), InvalidAmountError, 'invalid_amount');
    expectCode(() => Money.of(null as never, 'USD'), InvalidAmountError, 'invalid_amount');
  });

  it('rejects malformed currencies', () => {
    expectCode(() => Money.of('1', 'usd'), InvalidCurrencyError, 'invalid_currency');
    expectCode(() => Money.zero('EURO'), InvalidCurrencyError, 'invalid_currency');
    expectCode(() => Money.fromMinorUnits(1n, ''), InvalidCurrencyError, 'invalid_currency');
  });

  it('builds from minor units', () => {
    expect(Money.fromMinorUnits(12345n, 'USD').toString()).toBe('123.45');
    expect(Money.fromMinorUnits(12345n, 'JPY').toString()).toBe('12345');
    expect(Money.fromMinorUnits(12345n, 'KWD').toString()).toBe('12.345');
    expect(Money.fromMinorUnits(-5n, 'USD').toString()).toBe('-0.05');
    expectCode(() => Money.fromMinorUnits(5 as never, 'USD'), InvalidAmountError, 'invalid_amount');
  });

  it('sums, including the empty list', () => {
    expect(Money.sum([], 'EUR').toJSON()).toEqual({ amount: '0', currency: 'EUR' });
    expect(Money.sum([usd('0.1'), usd('0.2'), usd('-0.05')], 'USD').toString()).toBe('0.25');
    expectCode(() => Money.sum([usd('1')], 'EUR'), CurrencyMismatchError, 'currency_mismatch');
  });

  it('picks max and min', () => {
    expect(Money.max(usd('1.5'), usd('-2')).toString()).toBe('1.5');
    expect(Money.min(usd('1.5'), usd('-2')).toString()).toBe('-2');
    expectCode(() => Money.max(usd('1'), Money.of('1', 'EUR')), CurrencyMismatchError, 'currency_mismatch');
  });

  it('is frozen', () => {
    const m = usd('1');
    expect(Object.isFrozen(m)).toBe(true);
    const amount = m.amount;
    amount.c[0] = 9;
    expect(m.toString()).toBe('1');
  });
});

describe('Money arithmetic', () => {
  it('adds and subtracts exactly', () => {
    expect(usd('0.1').plus(usd('0.2')).toString()).toBe('0.3');
    expect(usd('0.3').minus(usd('0.1')).toString()).toBe('0.2');
    expect(usd('1').minus(usd('1.0001')).toString()).toBe('-0.0001');
  });

  it('refuses to mix currencies', () => {
    const eur = Money.of('1', 'EUR');
    expectCode(() => usd('1').plus(eur), CurrencyMismatchError, 'currency_mismatch');
    expectCode(() => usd('1').minus(eur), CurrencyMismatchError, 'currency_mismatch');
    expectCode(() => usd('1').compare(eur), CurrencyMismatchError, 'currency_mismatch');
    expectCode(() => usd('1').lessThan(eur), CurrencyMismatchError, 'currency_mismatch');
    expect(usd('1').equals(eur)).toBe(false);
    const error = (() => {
      try {
        usd('1').plus(eur);
      } catch (e) {
        return e as CurrencyMismatchError;
      }
    })();
    expect([error?.expected, error?.actual]).toEqual(['USD', 'EUR']);
  });

  it('multiplies by decimal strings, Bigs and safe integers only', () => {
    expect(usd('19.99').times(3).toString()).toBe('59.97');
    expect(usd('19.99').times('0.333').toString()).toBe('6.65667');
    expect(usd('2').times(new Big('-1.5')).toString()).toBe('-3');
    expectCode(() => usd('1').times(1.5), InvalidAmountError, 'invalid_amount');
    expectCode(() => usd('1').times(Number.MAX_SAFE_INTEGER + 1), InvalidAmountError, 'invalid_amount');
    expectCode(() => usd('1').times(Number.NaN), InvalidAmountError, 'invalid_amount');
    expectCode(() => usd('1').times('1e2'), InvalidAmountError, 'invalid_amount');
  });

  it('divides to 40 decimals with its own Big settings', () => {
    expect(usd('1').dividedBy(3).toString()).toBe(`0.${'3'.repeat(40)}`);
    expect(usd('2').dividedBy('3').toString()).toBe(`0.${'6'.repeat(39)}7`);
    expect(usd('10').dividedBy(new Big('4')).toString()).toBe('2.5');
    expectCode(() => usd('1').dividedBy(0), DivisionByZeroError, 'division_by_zero');
    expectCode(() => usd('1').dividedBy('0.000'), DivisionByZeroError, 'division_by_zero');
    expectCode(() => usd('1').dividedBy(0.5), InvalidAmountError, 'invalid_amount');
  });

  it('neither reads nor writes the global Big settings', () => {
    expect(Big.DP).toBe(20);
    expect(Big.RM).toBe(1);
    const saved = Big.DP;
    Big.DP = 2;
    try {
      expect(usd('1').dividedBy(new Big('3')).toString()).toBe(`0.${'3'.repeat(40)}`);
      expect(usd('1').amount.div('3').toFixed()).toBe(`0.${'3'.repeat(40)}`);
    } finally {
      Big.DP = saved;
    }
  });

  it('negates, takes absolute values and percentages', () => {
    expect(usd('1.5').negate().toString()).toBe('-1.5');
    expect(usd('-1.5').abs().toString()).toBe('1.5');
    expect(usd('200').percent('7.5').toString()).toBe('15');
    expect(usd('0.01').percent('33.333333').toString()).toBe('0.0033333333');
    expect(usd('100').percent(new Big('-20')).toString()).toBe('-20');
  });

  it('never holds a negative zero', () => {
    const m = usd('-0.001').round();
    expect(m.toString()).toBe('0');
    expect(m.toFixed()).toBe('0.00');
    expect(m.isZero()).toBe(true);
    expect(m.isNegative()).toBe(false);
    expect(m.format('en-US')).toBe('$0.00');
    expect(usd('-0').toString()).toBe('0');
    expect(usd('0').negate().toString()).toBe('0');
    expect(usd('-0.004').toFixed()).toBe('0.00');
  });
});

describe('Money comparison', () => {
  it('orders amounts of one currency', () => {
    expect(usd('1.10').compare(usd('1.1'))).toBe(0);
    expect(usd('-1').compare(usd('1'))).toBe(-1);
    expect(usd('2').compare(usd('1.99'))).toBe(1);
    expect(usd('1.10').equals(usd('1.1'))).toBe(true);
    expect(usd('2').greaterThan(usd('1'))).toBe(true);
    expect(usd('1').greaterThan(usd('1'))).toBe(false);
    expect(usd('1').greaterThanOrEqual(usd('1'))).toBe(true);
    expect(usd('1').lessThan(usd('2'))).toBe(true);
    expect(usd('2').lessThanOrEqual(usd('1'))).toBe(false);
  });

  it('tells the sign', () => {
    expect([usd('0').isZero(), usd('0').isPositive(), usd('0').isNegative()]).toEqual([true, false, false]);
    expect([usd('0.0001').isPositive(), usd('-0.0001').isNegative()]).toEqual([true, true]);
  });

  it('refuses implicit conversion to a primitive', () => {
    const m = usd('1.5');
    expect(() => Number(m)).toThrow(TypeError);
    expect(() => (m as unknown as number) < 2).toThrow(TypeError);
    expect(`${m}`).toBe('1.5');
    expect(String(m)).toBe('1.5');
  });
});

describe('Money rounding', () => {
  it('rounds to the currency minor unit', () => {
    expect(Money.of('1000.5', 'JPY').round().toString()).toBe('1001');
    expect(Money.of('1000.4999', 'JPY').round().toString()).toBe('1000');
    expect(usd('2.345').round().toString()).toBe('2.35');
    expect(Money.of('1.2345', 'KWD').round().toString()).toBe('1.235');
  });

  it('distinguishes half-up from half-even', () => {
    expect(usd('2.345').round('half-up').toString()).toBe('2.35');
    expect(usd('2.345').round('half-even').toString()).toBe('2.34');
    expect(usd('2.355').round('half-even').toString()).toBe('2.36');
    expect(usd('2.3451').round('half-even').toString()).toBe('2.35');
    expect(usd('-2.345').round('half-up').toString()).toBe('-2.35');
    expect(usd('-2.345').round('half-even').toString()).toBe('-2.34');
    expect(Money.of('2.5', 'JPY').round('half-even').toString()).toBe('2');
  });

  it('rounds down toward zero and up away from zero, also for negatives', () => {
    expect(usd('2.349').round('down').toString()).toBe('2.34');
    expect(usd('-2.349').round('down').toString()).toBe('-2.34');
    expect(usd('2.341').round('up').toString()).toBe('2.35');
    expect(usd('-2.341').round('up').toString()).toBe('-2.35');
    expect(usd('-2.34').round('up').toString()).toBe('-2.34');
  });

  it('rounds to arbitrary decimals', () => {
    expect(usd('1.23456').roundTo(4).toString()).toBe('1.2346');
    expect(usd('1.23455').roundTo(4, 'half-even').toString()).toBe('1.2346');
    expect(usd('1.23465').roundTo(4, 'half-even').toString()).toBe('1.2346');
    expect(usd('1.9').roundTo(0, 'down').toString()).toBe('1');
    expect(() => usd('1').roundTo(-1)).toThrow(RangeError);
    expect(() => usd('1').roundTo(1.5)).toThrow(RangeError);
    expect(() => usd('1').round('nearest' as RoundingMode)).toThrow(RangeError);
  });

  it('knows whether an amount is rounded', () => {
    expect(usd('1.23').isRounded()).toBe(true);
    expect(usd('1.230').isRounded()).toBe(true);
    expect(usd('1.231').isRounded()).toBe(false);
    expect(Money.of('1000', 'JPY').isRounded()).toBe(true);
    expect(Money.of('1000.5', 'JPY').isRounded()).toBe(false);
  });
});

describe('Money allocation', () => {
  it('splits 100 JPY three ways', () => {
    expect(strings(Money.of('100', 'JPY').allocate([1, 1, 1]))).toEqual(['34', '33', '33']);
  });

  it('splits 0.05 USD two ways', () => {
    expect(strings(usd('0.05').allocate([1, 1]))).toEqual(['0.03', '0.02']);
  });

  it('mirrors negative amounts', () => {
    expect(strings(usd('-0.05').allocate([1, 1]))).toEqual(['-0.03', '-0.02']);
    expect(strings(Money.of('-100', 'JPY').allocate([1, 1, 1]))).toEqual(['-34', '-33', '-33']);
  });

  it('gives leftovers to the largest remainders, never to zero ratios', () => {
    expect(strings(usd('10').allocate([0, 1, 2]))).toEqual(['0', '3.33', '6.67']);
    expect(strings(usd('0.01').allocate([0, 1, 1]))).toEqual(['0', '0.01', '0']);
    expect(strings(usd('1').allocate([1, 3]))).toEqual(['0.25', '0.75']);
  });

  it('accepts decimal ratios', () => {
    expect(strings(usd('1').allocate(['0.5', '0.25', new Big('0.25')]))).toEqual(['0.5', '0.25', '0.25']);
    expect(strings(usd('100').allocate(['33.3', '66.7']))).toEqual(['33.3', '66.7']);
  });

  it('rounds the total half-up first', () => {
    expect(strings(usd('10.005').allocate([1, 1]))).toEqual(['5.01', '5']);
  });

  it('rejects unusable ratios', () => {
    expectCode(() => usd('1').allocate([]), InvalidAmountError, 'invalid_amount');
    expectCode(() => usd('1').allocate([0, 0]), InvalidAmountError, 'invalid_amount');
    expectCode(() => usd('1').allocate([1, -1]), InvalidAmountError, 'invalid_amount');
    expectCode(() => usd('1').allocate([0.5, 0.5]), InvalidAmountError, 'invalid_amount');
  });
});

describe('Money output', () => {
  it('converts to minor units only when rounded', () => {
    expect(usd('123.45').toMinorUnits()).toBe(12345n);
    expect(usd('-0.5').toMinorUnits()).toBe(-50n);
    expect(Money.of('1001', 'JPY').toMinorUnits()).toBe(1001n);
    expect(Money.of('1.25', 'KWD').toMinorUnits()).toBe(1250n);
    expectCode(() => usd('1.001').toMinorUnits(), InvalidAmountError, 'invalid_amount');
  });

  it('prints plain decimals, never exponents', () => {
    expect(usd('123456789012345678901234567890').toString()).toBe('123456789012345678901234567890');
    expect(usd('0.00000001').toString()).toBe('0.00000001');
    expect(usd('1.50').toString()).toBe('1.5');
    expect(usd('1000').toString()).toBe('1000');
    expect(Money.of(new Big('1e25'), 'USD').toString()).toBe('10000000000000000000000000');
  });

  it('prints fixed to the currency digits', () => {
    expect(usd('5').toFixed()).toBe('5.00');
    expect(usd('2.345').toFixed()).toBe('2.35');
    expect(Money.of('1000.5', 'JPY').toFixed()).toBe('1001');
    expect(Money.of('1.25', 'KWD').toFixed()).toBe('1.250');
  });

  it('serialises to JSON with a string amount', () => {
    expect(JSON.stringify(usd('12.50'))).toBe('{"amount":"12.5","currency":"USD"}');
    expect(usd('-0.001').toJSON()).toEqual({ amount: '-0.001', currency: 'USD' });
  });

  it('formats with Intl exactly as Node prints it', () => {
    expect(Money.of('1234.5', 'JPY').format('ja-JP')).toBe('￥1,235');
    expect(Money.of('1234.5', 'JPY').format('en-US')).toBe('¥1,235');
    expect(Money.of('1234.5', 'EUR').format('de-DE')).toBe('1.234,50\u00a0€');
    expect(Money.of('-1234.5', 'EUR').format('de-DE')).toBe('-1.234,50\u00a0€');
    expect(usd('-1234.565').format('en-US')).toBe('-$1,234.57');
    expect(Money.of('1.25', 'KWD').format('en-US')).toBe('KWD\u00a01.250');
  });

  it('formats large amounts without float loss', () => {
    expect(usd('12345678901234567.89').format('en-US')).toBe('$12,345,678,901,234,567.89');
  });

  it('formats the exact amount on request', () => {
    expect(usd('0.12345').format('en-US', { rounded: false })).toBe('$0.12345');
    expect(usd('1.5').format('en-US', { rounded: false })).toBe('$1.50');
    expect(Money.of('1000.5', 'JPY').format('ja-JP', { rounded: false })).toBe('￥1,000.5');
  });
});

describe('Money properties', () => {
  it('allocation parts sum exactly to the rounded total, each within one minor unit of its share', () => {
    fc.assert(
      fc.property(
        moneyArb,
        fc
          .array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 12 })
          .filter((r) => r.some((x) => x > 0)),
        (money, ratios) => {
          const parts = money.allocate(ratios);
          const total = money.round().toMinorUnits();
          const minors = parts.map((p) => p.toMinorUnits());
          expect(parts).toHaveLength(ratios.length);
          expect(minors.reduce((a, b) => a + b, 0n)).toBe(total);
          const weight = BigInt(ratios.reduce((a, b) => a + b, 0));
          minors.forEach((part, i) => {
            // |part - total * r / R| < 1  ⇔  |part * R - total * r| < R, in exact integers.
            const diff = part * weight - total * BigInt(ratios[i]!);
            expect(diff < weight && -diff < weight).toBe(true);
            if (ratios[i] === 0) expect(part).toBe(0n);
            expect(parts[i]!.currency).toBe(money.currency);
          });
        },
      ),
    );
  });

  it('allocating a negative amount mirrors the positive one', () => {
    fc.assert(
      fc.property(
        moneyArb,
        fc.array(fc.nat({ max: 50 }), { minLength: 1, maxLength: 6 }),
        (money, ratios) => {
          fc.pre(ratios.some((x) => x > 0));
          const positive = money.abs().round();
          expect(strings(positive.negate().allocate(ratios))).toEqual(
            strings(positive.allocate(ratios).map((p) => p.negate())),
          );
        },
      ),
    );
  });

  it('(a + b) - b = a', () => {
    fc.assert(
      fc.property(currencyArb, amountArb, amountArb, (currency, a, b) => {
        const x = Money.of(a, currency);
        const y = Money.of(b, currency);
        expect(x.plus(y).minus(y).equals(x)).toBe(true);
        expect(x.plus(y).equals(y.plus(x))).toBe(true);
      }),
    );
  });

  it('round is idempotent and stays within its bound', () => {
    fc.assert(
      fc.property(moneyArb, modeArb, (money, mode) => {
        const once = money.round(mode);
        expect(once.isRounded()).toBe(true);
        expect(once.round(mode).equals(once)).toBe(true);
        const unit = Money.fromMinorUnits(1n, money.currency);
        const error = once.minus(money).abs();
        if (mode === 'half-up' || mode === 'half-even')
          expect(error.times(2).lessThanOrEqual(unit)).toBe(true);
        else expect(error.lessThan(unit)).toBe(true);
        if (mode === 'down') expect(once.abs().lessThanOrEqual(money.abs())).toBe(true);
        if (mode === 'up') expect(once.abs().greaterThanOrEqual(money.abs())).toBe(true);
      }),
    );
  });

  it('minor units round-trip', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), currencyArb, (minor, currency) => {
        const money = Money.fromMinorUnits(minor, currency);
        expect(money.isRounded()).toBe(true);
        expect(money.toMinorUnits()).toBe(minor);
      }),
    );
    fc.assert(
      fc.property(moneyArb, (money) => {
        const rounded = money.round();
        expect(Money.fromMinorUnits(rounded.toMinorUnits(), money.currency).equals(rounded)).toBe(true);
      }),
    );
  });

  it('toString and JSON read back to the same amount', () => {
    fc.assert(
      fc.property(moneyArb, (money) => {
        expect(Money.of(money.toString(), money.currency).equals(money)).toBe(true);
        const json = JSON.parse(JSON.stringify(money)) as { amount: string; currency: string };
        expect(Money.of(json.amount, json.currency).equals(money)).toBe(true);
      }),
    );
  });

  it('times by a small integer equals repeated addition', () => {
    fc.assert(
      fc.property(moneyArb, fc.integer({ min: 0, max: 25 }), (money, n) => {
        let sum = Money.zero(money.currency);
        for (let i = 0; i < n; i++) sum = sum.plus(money);
        expect(money.times(n).equals(sum)).toBe(true);
        expect(money.times(String(n)).equals(sum)).toBe(true);
      }),
    );
  });
});
