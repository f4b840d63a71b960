import { describe, expect, it } from 'vitest';
import { Money } from '../money/money.ts';
import { TaxError } from './errors.ts';
import type { TaxLine, TaxResult } from './types.ts';
import { EU_MEMBER_STATES, vatPolicy } from './vat.ts';

const eur = (s: string) => Money.of(s, 'EUR');
const line = (amount: string, rate: string): TaxLine => ({ amount: eur(amount), rate });
const byRate = (result: TaxResult) =>
  result.rates.map(
    (r) => `${r.treatment} ${r.rate} ${r.percent}%: net ${r.net.toFixed()} tax ${r.tax.toFixed()}`,
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

const policy = vatPolicy({
  rates: {
    DE: { standard: '19', reduced: '7' },
    FR: { standard: '20', reduced: '5.5' },
  },
});
const lines = [line('100.00', 'standard'), line('19.99', 'standard'), line('50.00', 'reduced')];

describe('VAT', () => {
  it('computes German VAT once per rate, half up', () => {
    const result = policy.compute({
      currency: 'EUR',
      lines,
      seller: { country: 'DE', vatId: 'DE123456789' },
      buyer: { country: 'DE' },
    });
    expect(byRate(result)).toEqual([
      // 100.00 + 19.99 = 119.99; 119.99 × 0.19 = 22.7981 → half up 22.80
      'taxable standard 19%: net 119.99 tax 22.80',
      // 50.00 × 0.07 = 3.50
      'taxable reduced 7%: net 50.00 tax 3.50',
    ]);
    // net 119.99 + 50.00 = 169.99; tax 22.80 + 3.50 = 26.30; gross 196.29
    expect([result.net.toFixed(), result.tax.toFixed(), result.gross.toFixed()]).toEqual([
      '169.99',
      '26.30',
      '196.29',
    ]);
    expect(result.policy).toBe('vat');
    expect(result.notes).toEqual([]);
    expect(result.explanation.steps.slice(0, 3)).toEqual([
      {
        label: 'Place of supply',
        formula: 'seller in DE, buyer in DE without a VAT id',
        result: 'DE VAT rates apply',
      },
      { label: '19% (standard): total of lines', formula: '100.00 EUR + 19.99 EUR', result: '119.99 EUR' },
      {
        label: '19% (standard): VAT',
        formula: '119.99 EUR × 19% = 22.7981 EUR, rounded half up',
        result: '22.80 EUR',
      },
    ]);
  });

  it('charges domestic VAT to a domestic business with a VAT id', () => {
    const result = policy.compute({
      currency: 'EUR',
      lines,
      seller: { country: 'DE' },
      buyer: { country: 'DE', vatId: 'DE987654321' },
    });
    // Same as above: 22.80 + 3.50
    expect(result.tax.toFixed()).toBe('26.30');
  });

  it('reverse-charges a B2B sale to another EU member state', () => {
    const result = policy.compute({
      currency: 'EUR',
      lines,
      seller: { country: 'DE', vatId: 'DE123456789' },
      buyer: { country: 'NL', vatId: ' NL123456789B01 ' },
    });
    // No NL table is needed: nothing is charged. 100.00 + 19.99 + 50.00 = 169.99 net, 0 VAT.
    expect(byRate(result)).toEqual(['reverse_charge null 0%: net 169.99 tax 0.00']);
    expect([result.net.toFixed(), result.tax.toFixed(), result.gross.toFixed()]).toEqual([
      '169.99',
      '0.00',
      '169.99',
    ]);
    expect(result.notes).toEqual([
      { code: 'reverse_charge', text: 'Reverse charge: VAT to be accounted for by the recipient' },
    ]);
    expect(result.explanation.summary).toBe('No VAT charged on 169.99 EUR (reverse charge)');
    expect(result.explanation.steps[0]).toEqual({
      label: 'Place of supply',
      formula: 'seller in DE, buyer in NL with VAT id NL123456789B01',
      result: 'EU cross-border B2B: reverse charge, no VAT on this invoice',
    });
  });

  it('charges the buyer country rates to a consumer in another member state', () => {
    const result = policy.compute({
      currency: 'EUR',
      lines,
      seller: { country: 'DE' },
      buyer: { country: 'FR', vatId: '  ' },
    });
    expect(byRate(result)).toEqual([
      // 119.99 × 0.20 = 23.998 → 24.00
      'taxable standard 20%: net 119.99 tax 24.00',
      // 50.00 × 0.055 = 2.75
      'taxable reduced 5.5%: net 50.00 tax 2.75',
    ]);
    // 24.00 + 2.75 = 26.75
    expect(result.tax.toFixed()).toBe('26.75');
    expect(result.notes).toEqual([]);
  });

  it('extracts VAT from tax-inclusive amounts', () => {
    const result = policy.compute({
      currency: 'EUR',
      lines: [line('100.00', 'standard')],
      pricesIncludeTax: true,
      seller: { country: 'DE' },
      buyer: { country: 'DE' },
    });
    // 100.00 × 19 / 119 = 15.966… → half up 15.97; net 100.00 − 15.97 = 84.03
    expect(byRate(result)).toEqual(['taxable standard 19%: net 84.03 tax 15.97']);
  });

  it('refuses missing parties, bad countries, unknown countries and rates', () => {
    expectTaxError(
      () => policy.compute({ currency: 'EUR', lines, buyer: { country: 'DE' } }),
      'missing_tax_party',
    );
    expectTaxError(
      () => policy.compute({ currency: 'EUR', lines, seller: { country: 'DE' } }),
      'missing_tax_party',
    );
    expectTaxError(
      () => policy.compute({ currency: 'EUR', lines, seller: { country: 'de' }, buyer: { country: 'DE' } }),
      'invalid_country',
    );
    const error = expectTaxError(
      () => policy.compute({ currency: 'EUR', lines, seller: { country: 'DE' }, buyer: { country: 'US' } }),
      'unknown_tax_country',
    );
    expect(error.detail).toEqual({ country: 'US' });
    expectTaxError(
      () =>
        policy.compute({
          currency: 'EUR',
          lines: [line('1.00', 'zero')],
          seller: { country: 'DE' },
          buyer: { country: 'DE' },
        }),
      'unknown_tax_rate',
    );
    expectTaxError(() => vatPolicy({ rates: { Germany: { standard: '19' } } }), 'invalid_country');
    expectTaxError(() => vatPolicy({ rates: { DE: { standard: '-19' } } }), 'invalid_tax_rate');
  });

  it('lists the 27 member states', () => {
    expect(EU_MEMBER_STATES).toHaveLength(27);
    expect(new Set(EU_MEMBER_STATES).size).toBe(27);
  });
});
