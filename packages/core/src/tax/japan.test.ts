import { describe, expect, it } from 'vitest';
import { CurrencyMismatchError, Money } from '../money/money.ts';
import { TaxError } from './errors.ts';
import { JAPAN_CONSUMPTION_TAX_RATES, japanConsumptionTax } from './japan.ts';
import type { TaxLine, TaxResult } from './types.ts';

const jpy = (s: string) => Money.of(s, 'JPY');
const line = (amount: string, rate: string): TaxLine => ({ amount: jpy(amount), rate });
const byRate = (result: TaxResult) =>
  result.rates.map(
    (r) => `${r.treatment} ${r.rate} ${r.percent}%: net ${r.net} tax ${r.tax} gross ${r.gross}`,
  );

function expectTaxError(fn: () => unknown, code: string): TaxError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TaxError);
    expect((error as TaxError).code).toBe(code);
    return error as TaxError;
  }
  return expect.fail('expected a TaxError');
}

describe('Japanese consumption tax', () => {
  const policy = japanConsumptionTax();
  const lines = [line('1234', 'standard'), line('5678', 'standard'), line('980', 'reduced')];

  it('computes the tax once per rate on the invoice, rounded down by default', () => {
    const result = policy.compute({ currency: 'JPY', lines });
    expect(byRate(result)).toEqual([
      // 10%: 1234 + 5678 = 6912; 6912 × 0.10 = 691.2 → floor 691; gross 6912 + 691 = 7603
      'taxable standard 10%: net 6912 tax 691 gross 7603',
      // 8%: 980 × 0.08 = 78.4 → floor 78; gross 980 + 78 = 1058
      'taxable reduced 8%: net 980 tax 78 gross 1058',
    ]);
    expect(result.rates.map((r) => r.lines)).toEqual([[0, 1], [2]]);
    // net 6912 + 980 = 7892; tax 691 + 78 = 769; gross 7892 + 769 = 8661
    expect([result.net.toString(), result.tax.toString(), result.gross.toString()]).toEqual([
      '7892',
      '769',
      '8661',
    ]);
    expect(result.policy).toBe('jp-consumption-tax');
    expect(result.notes).toEqual([]);
    expect(result.explanation.summary).toBe(
      'Consumption tax 769 JPY on 7892 JPY, computed once per rate on the invoice total of each rate and ' +
        'rounded down (truncated): 10% 691 JPY on 6912 JPY, 8% 78 JPY on 980 JPY',
    );
    expect(result.explanation.steps).toEqual([
      { label: '10% (standard): total of lines', formula: '1234 JPY + 5678 JPY', result: '6912 JPY' },
      {
        label: '10% (standard): consumption tax',
        formula: '6912 JPY × 10% = 691.2 JPY, rounded down (truncated)',
        result: '691 JPY',
      },
      { label: '8% (reduced): total of lines', formula: '980 JPY', result: '980 JPY' },
      {
        label: '8% (reduced): consumption tax',
        formula: '980 JPY × 8% = 78.4 JPY, rounded down (truncated)',
        result: '78 JPY',
      },
      { label: 'Total consumption tax', formula: '691 JPY + 78 JPY', result: '769 JPY' },
      { label: 'Invoice total', formula: '7892 JPY + 769 JPY', result: '8661 JPY' },
    ]);
  });

  it('differs from, and is not, the sum of per-line rounded taxes', () => {
    const three = [line('105', 'standard'), line('105', 'standard'), line('105', 'standard')];
    // Per line: 105 × 0.10 = 10.5 → floor 10, three times = 30 (what the rules forbid).
    const perLine = three.map((l) => l.amount.percent('10').round('down').toString());
    expect(perLine).toEqual(['10', '10', '10']);
    // Per invoice: 105 × 3 = 315; 315 × 0.10 = 31.5 → floor 31.
    expect(policy.compute({ currency: 'JPY', lines: three }).tax.toString()).toBe('31');
    // Half up: per line 10.5 → 11, × 3 = 33; per invoice 31.5 → 32.
    expect(
      japanConsumptionTax({ rounding: 'half-up' }).compute({ currency: 'JPY', lines: three }).tax.toString(),
    ).toBe('32');
  });

  it('rounds the tax of each rate with the configured mode', () => {
    const taxOf = (rounding: 'down' | 'half-up' | 'up', amounts: string[]) =>
      japanConsumptionTax({ rounding })
        .compute({ currency: 'JPY', lines: amounts.map((a) => line(a, 'standard')) })
        .tax.toString();
    // 6912 × 0.10 = 691.2: down 691, half-up 691, up 692
    expect([taxOf('down', ['6912']), taxOf('half-up', ['6912']), taxOf('up', ['6912'])]).toEqual([
      '691',
      '691',
      '692',
    ]);
    // 1000 + 235 = 1235; 1235 × 0.10 = 123.5: down 123, half-up 124, up 124
    const tie = ['1000', '235'];
    expect([taxOf('down', tie), taxOf('half-up', tie), taxOf('up', tie)]).toEqual(['123', '124', '124']);
  });

  it('extracts the tax from tax-inclusive totals, once per rate', () => {
    const inclusive = [line('600', 'standard'), line('400', 'standard'), line('540', 'reduced')];
    const result = policy.compute({ currency: 'JPY', lines: inclusive, pricesIncludeTax: true });
    expect(result.pricesIncludeTax).toBe(true);
    expect(byRate(result)).toEqual([
      // 600 + 400 = 1000 incl.; 1000 × 10 / 110 = 90.909… → floor 90; net 1000 − 90 = 910
      'taxable standard 10%: net 910 tax 90 gross 1000',
      // 540 × 8 / 108 = 40 exactly; net 540 − 40 = 500
      'taxable reduced 8%: net 500 tax 40 gross 540',
    ]);
    // net 910 + 500 = 1410; tax 90 + 40 = 130; gross 1540, the sum of the inclusive lines
    expect([result.net.toString(), result.tax.toString(), result.gross.toString()]).toEqual([
      '1410',
      '130',
      '1540',
    ]);
    expect(result.explanation.steps[1]).toEqual({
      label: '10% (standard): consumption tax',
      formula:
        '1000 JPY × 10 / 110 = 90.9090909090909090909090909090909090909091 JPY, rounded down (truncated)',
      result: '90 JPY',
    });
    expect(result.explanation.steps[2]).toEqual({
      label: '10% (standard): amount before tax',
      formula: '1000 JPY − 90 JPY',
      result: '910 JPY',
    });
    // Half up: 90.909… → 91, net 909
    const halfUp = japanConsumptionTax({ rounding: 'half-up' }).compute({
      currency: 'JPY',
      lines: inclusive,
      pricesIncludeTax: true,
    });
    expect(byRate(halfUp)[0]).toBe('taxable standard 10%: net 909 tax 91 gross 1000');
  });

  it('lowers a rate total by refund lines', () => {
    // 30000 − 11613 = 18387; 18387 × 0.10 = 1838.7 → floor 1838
    const result = policy.compute({
      currency: 'JPY',
      lines: [line('30000', 'standard'), line('-11613', 'standard')],
    });
    expect(result.tax.toString()).toBe('1838');
    // A credit note: −11613 × 0.10 = −1161.3 → toward zero −1161
    expect(policy.compute({ currency: 'JPY', lines: [line('-11613', 'standard')] }).tax.toString()).toBe(
      '-1161',
    );
  });

  it('keeps exempt and reverse-charged lines out of the tax', () => {
    const result = policy.compute({
      currency: 'JPY',
      lines: [
        line('1000', 'standard'),
        { amount: jpy('5000'), treatment: 'exempt' },
        { amount: jpy('2000'), rate: 'standard', treatment: 'reverse_charge' },
      ],
    });
    expect(byRate(result)).toEqual([
      // 1000 × 0.10 = 100
      'taxable standard 10%: net 1000 tax 100 gross 1100',
      'exempt null 0%: net 5000 tax 0 gross 5000',
      'reverse_charge null 0%: net 2000 tax 0 gross 2000',
    ]);
    // net 1000 + 5000 + 2000 = 8000; tax 100; gross 8100
    expect([result.net.toString(), result.tax.toString(), result.gross.toString()]).toEqual([
      '8000',
      '100',
      '8100',
    ]);
    expect(result.notes).toEqual([
      {
        code: 'reverse_charge',
        text: 'Reverse charge: consumption tax to be accounted for by the recipient',
      },
    ]);
  });

  it('returns zeros for an empty invoice', () => {
    const result = policy.compute({ currency: 'JPY', lines: [] });
    expect([result.rates, result.net.toString(), result.tax.toString()]).toEqual([[], '0', '0']);
    expect(result.explanation.summary).toBe('No consumption tax charged on 0 JPY');
  });

  it('uses the 10% and 8% table', () => {
    expect(JAPAN_CONSUMPTION_TAX_RATES).toEqual({ standard: '10', reduced: '8' });
  });
});

describe('tax validation', () => {
  const policy = japanConsumptionTax();

  it('refuses an unknown or missing rate key with a stable code', () => {
    const error = expectTaxError(
      () =>
        policy.compute({ currency: 'JPY', lines: [line('100', 'standard'), line('100', 'super_reduced')] }),
      'unknown_tax_rate',
    );
    expect(error.detail).toEqual({ line: '1', rate: 'super_reduced' });
    expectTaxError(
      () => policy.compute({ currency: 'JPY', lines: [{ amount: jpy('100') }] }),
      'unknown_tax_rate',
    );
    expectTaxError(
      () =>
        policy.compute({ currency: 'JPY', lines: [{ amount: jpy('1'), rate: 'typo', treatment: 'exempt' }] }),
      'unknown_tax_rate',
    );
    // Inherited keys are not rate keys.
    expectTaxError(
      () => policy.compute({ currency: 'JPY', lines: [line('1', 'toString')] }),
      'unknown_tax_rate',
    );
  });

  it('refuses to mix currencies on one invoice', () => {
    const mixed = () =>
      policy.compute({
        currency: 'JPY',
        lines: [line('100', 'standard'), { amount: Money.of('1', 'USD'), rate: 'standard' }],
      });
    expect(mixed).toThrow(CurrencyMismatchError);
    try {
      mixed();
    } catch (error) {
      expect((error as CurrencyMismatchError).code).toBe('currency_mismatch');
      expect([(error as CurrencyMismatchError).expected, (error as CurrencyMismatchError).actual]).toEqual([
        'JPY',
        'USD',
      ]);
    }
  });

  it('refuses unrounded lines, non-Money amounts, unknown treatments and bad settings', () => {
    expectTaxError(
      () => policy.compute({ currency: 'JPY', lines: [line('100.5', 'standard')] }),
      'unrounded_line',
    );
    expectTaxError(
      () => policy.compute({ currency: 'JPY', lines: [{ amount: '100' as never, rate: 'standard' }] }),
      'invalid_tax_line',
    );
    expectTaxError(
      () =>
        policy.compute({
          currency: 'JPY',
          lines: [{ amount: jpy('1'), rate: 'standard', treatment: 'zero' as never }],
        }),
      'invalid_tax_line',
    );
    expectTaxError(() => japanConsumptionTax({ rounding: 'nearest' as never }), 'invalid_rounding');
    expectTaxError(() => japanConsumptionTax({ rates: { standard: '10%' } }), 'invalid_tax_rate');
    expectTaxError(() => japanConsumptionTax({ rates: { standard: '120' } }), 'invalid_tax_rate');
  });
});
