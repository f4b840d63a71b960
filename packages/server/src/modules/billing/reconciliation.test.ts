import { describe, expect, it } from 'vitest';
import { type CostItem, csvCosts, explainUnknownInvoices, matchCosts } from './reconciliation.ts';

const lic = (key: string, amount: string, quantity = '10', unitPrice = '720'): CostItem => ({
  kind: 'license',
  key,
  currency: 'JPY',
  amount,
  quantity,
  unitPrice,
});

describe('matchCosts', () => {
  it('adds lines of the same subscription before comparing (a purchase and a seat added)', () => {
    const [item] = matchCosts([lic('s1', '7200'), lic('s1', '1440', '2')], [lic('s1', '8640', '12')]);
    expect(item).toMatchObject({ status: 'matched', reason: null, difference: '0' });
    expect(item!.ours).toEqual({ amount: '8640', quantity: '12', unitPrice: '720' });
  });

  it('names the reason of a difference', () => {
    const items = matchCosts(
      [lic('price', '7200'), lic('qty', '7200'), lic('amount', '7200'), lic('ours', '1')],
      [
        lic('price', '7300', '10', '730'),
        lic('qty', '7920', '11'),
        lic('amount', '7201'),
        lic('theirs', '5'),
      ],
    );
    expect(items.map((i) => [i.key, i.reason, i.difference])).toEqual([
      ['amount', 'amount_differs', '1'],
      ['ours', 'missing_at_microsoft', '-1'],
      ['price', 'price_differs', '100'],
      ['qty', 'quantity_differs', '720'],
      ['theirs', 'missing_here', '5'],
    ]);
  });

  it('keeps currencies apart and sums usage exactly', () => {
    const usage = (currency: string, amount: string): CostItem => ({
      kind: 'usage',
      key: 'e1',
      currency,
      amount,
      quantity: null,
      unitPrice: null,
    });
    const items = matchCosts(
      [usage('USD', '0.1'), usage('USD', '0.2')],
      [usage('USD', '0.3'), usage('EUR', '1')],
    );
    expect(items.map((i) => [i.currency, i.status, i.reason])).toEqual([
      ['EUR', 'different', 'missing_here'],
      ['USD', 'matched', null],
    ]);
  });
});

describe('csvCosts', () => {
  it('reads licence and usage rows (BOM, quoted fields, any column case) and skips other months', async () => {
    const csv =
      '\uFEFFinvoicenumber,SubscriptionId,ProductName,Quantity,UnitPrice,Subtotal,Currency,ChargeStartDate,EntitlementId,BillingPreTaxTotal,BillingCurrency\n' +
      'G1,s1,"Microsoft 365, E3",10,720,7200,JPY,2026-01-15,,,\n' +
      'G1,s2,Old,1,1,1,JPY,2025-12-15,,,\n' +
      'G1,,,,,,,2026-01-03,e1,12.345678,JPY\n';
    const { items, invoices } = await csvCosts(csv, '2026-01');
    expect(invoices).toEqual(['G1']);
    expect(items).toEqual([
      {
        kind: 'license',
        key: 's1',
        currency: 'JPY',
        amount: '7200',
        quantity: '10',
        unitPrice: '720',
        description: 'Microsoft 365, E3',
      },
      { kind: 'usage', key: 'e1', currency: 'JPY', amount: '12.345678', quantity: null, unitPrice: null },
    ]);
  });

  it('explains recorded usage that cites an invoice Microsoft does not list, and only that', () => {
    const ours: CostItem[] = [
      {
        kind: 'usage',
        key: 'e1',
        currency: 'JPY',
        amount: '100',
        quantity: null,
        unitPrice: null,
        invoiceNumbers: ['G1'],
      },
      {
        kind: 'usage',
        key: 'e2',
        currency: 'JPY',
        amount: '50',
        quantity: null,
        unitPrice: null,
        invoiceNumbers: ['G2'],
      },
      { kind: 'usage', key: 'e3', currency: 'JPY', amount: '7', quantity: null, unitPrice: null },
    ];
    const items = matchCosts(ours, []);
    const warnings = explainUnknownInvoices(items, ours, ['G2'], '2026-09');
    expect(items.map((i) => [i.key, i.reason, i.note])).toEqual([
      [
        'e1',
        'invoice_unknown_at_microsoft',
        'Recorded as billed on Microsoft invoice G1, which the source does not list for 2026-09.',
      ],
      // G2 is Microsoft's: its usage is missing there, a real difference
      ['e2', 'missing_at_microsoft', null],
      // no invoice cited (unbilled usage): nothing to explain
      ['e3', 'missing_at_microsoft', null],
    ]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^Microsoft's invoices for 2026-09 are G2, yet the usage recorded here cites G1:/,
    );
    expect(explainUnknownInvoices(matchCosts(ours.slice(1), []), ours.slice(1), ['G2'], '2026-09')).toEqual(
      [],
    );
  });
});
