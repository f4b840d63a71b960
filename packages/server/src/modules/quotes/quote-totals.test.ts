import { describe, expect, it } from 'vitest';
import { quoteTotals } from './quote-totals.ts';

describe('quoteTotals', () => {
  const lines = [
    { billingCycle: 'monthly', totalPerCycle: '8550', totalPerTerm: '102600', currency: 'JPY' },
    { billingCycle: 'monthly', totalPerCycle: '1999', totalPerTerm: '23988', currency: 'JPY' },
    { billingCycle: 'annual', totalPerCycle: '76032', totalPerTerm: '76032', currency: 'JPY' },
    { billingCycle: 'usage', totalPerCycle: '0', totalPerTerm: null, currency: 'JPY' },
  ];

  it('taxes a Japanese seller’s totals once per rate, per billing cycle and for the term', () => {
    const totals = quoteTotals(lines, 'JPY', { seller: 'JP', buyer: 'JP' });
    expect(totals.byBillingCycle.map((t) => [t.billingCycle, t.net, t.tax, t.gross])).toEqual([
      ['monthly', '10549', '1054', '11603'],
      ['annual', '76032', '7603', '83635'],
      ['usage', '0', '0', '0'],
    ]);
    expect([totals.term.net, totals.term.tax, totals.term.gross, totals.term.taxPolicy]).toEqual([
      '202620',
      '20262',
      '222882',
      'jp-consumption-tax',
    ]);
  });

  it('applies German VAT for a German seller and says when no policy applies', () => {
    const eur = [
      { billingCycle: 'monthly', totalPerCycle: '100.00', totalPerTerm: '1200.00', currency: 'EUR' },
    ];
    expect(quoteTotals(eur, 'EUR', { seller: 'DE', buyer: 'DE' }).term).toMatchObject({
      net: '1200',
      tax: '228',
      taxPolicy: 'vat',
    });
    expect(quoteTotals(eur, 'EUR', { seller: 'US', buyer: 'US' }).term).toMatchObject({
      tax: '0',
      taxPolicy: 'none',
      taxExplanation: 'no tax policy for sellers in US',
    });
  });
});
