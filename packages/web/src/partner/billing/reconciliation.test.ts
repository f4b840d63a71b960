import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/client';
import {
  countByOutcome,
  csvErrorLine,
  csvProblem,
  filterItems,
  importCounts,
  isReconciliationFilter,
  MAX_CSV_CHARS,
  type ReconciliationItem,
  type ReconciliationReport,
  signOf,
} from './reconciliation';

const item = (over: Partial<ReconciliationItem>): ReconciliationItem => ({
  kind: 'license',
  key: 'sub-1',
  description: 'Microsoft 365 Business Basic',
  currency: 'JPY',
  status: 'matched',
  reason: null,
  ours: { amount: '900', quantity: '1', unitPrice: '900' },
  microsoft: { amount: '900', quantity: '1', unitPrice: '900' },
  difference: '0',
  ...over,
});

const items = [
  item({ key: 'a' }),
  item({ key: 'b', status: 'different', reason: 'missing_here', ours: null, difference: '900' }),
  item({
    key: 'c',
    status: 'different',
    reason: 'missing_at_microsoft',
    microsoft: null,
    difference: '-900',
  }),
  item({ key: 'd', status: 'different', reason: 'price_differs', difference: '10' }),
  item({ key: 'e', kind: 'usage', currency: 'EUR' }),
];

describe('reconciliation helpers', () => {
  it('filters by outcome and by reason', () => {
    expect(filterItems(items, 'all').map((i) => i.key)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(filterItems(items, 'different').map((i) => i.key)).toEqual(['b', 'c', 'd']);
    expect(filterItems(items, 'matched').map((i) => i.key)).toEqual(['a', 'e']);
    expect(filterItems(items, 'missing_here').map((i) => i.key)).toEqual(['b']);
    expect(filterItems(items, 'quantity_differs')).toEqual([]);
    expect(isReconciliationFilter('price_differs')).toBe(true);
    expect(isReconciliationFilter('bogus')).toBe(false);
    expect(isReconciliationFilter(null)).toBe(false);
  });

  it('counts each outcome and what an import read', () => {
    expect(countByOutcome(items)).toEqual({
      matched: 2,
      missing_here: 1,
      missing_at_microsoft: 1,
      price_differs: 1,
      quantity_differs: 0,
      amount_differs: 0,
      invoice_unknown_at_microsoft: 0,
    });
    // A reason this screen does not know yet counts as a difference without a bucket.
    expect(countByOutcome([item({ status: 'different', reason: 'something_new' })]).matched).toBe(0);
    const report: ReconciliationReport = {
      providerId: 'p',
      period: '2026-09',
      source: 'csv',
      invoices: [{ id: 'G001', currency: null, totalCharges: null }],
      items,
      summary: [],
    };
    // Item c exists only here: Microsoft's file had 4 of the 5.
    expect(importCounts(report)).toEqual({ microsoftLines: 4, invoices: 1, matched: 2, differences: 3 });
  });

  it('refuses files that cannot be a reconciliation file before uploading them', () => {
    expect(csvProblem('')).toBe('empty');
    expect(csvProblem('\uFEFF  \n')).toBe('empty');
    expect(csvProblem('Foo,Bar\n1,2\n')).toBe('noColumns');
    expect(csvProblem('SubscriptionId,Quantity\nx,1\n')).toBe('noColumns');
    expect(csvProblem('\uFEFFPartnerId,"SubscriptionId",SUBTOTAL,Currency\np,s,1,JPY\n')).toBeNull();
    expect(csvProblem('EntitlementId,BillingPreTaxTotal,BillingCurrency\r\ne,1,JPY\r\n')).toBeNull();
    expect(csvProblem(`SubscriptionId,Subtotal\n${'x'.repeat(MAX_CSV_CHARS)}`)).toBe('tooLarge');
  });

  it('reads the line number of a refused file', () => {
    const error = new ApiError(
      400,
      'invalid_reconciliation_csv',
      'Line 3: BillingPreTaxTotal is not a decimal.',
    );
    expect(csvErrorLine(error)).toBe(3);
    expect(
      csvErrorLine(new ApiError(400, 'invalid_reconciliation_csv', 'The CSV has no header or no rows.')),
    ).toBeNull();
    expect(csvErrorLine(new ApiError(400, 'invalid_period', 'Line 3: x'))).toBeNull();
    expect(csvErrorLine(new Error('Line 3: x'))).toBeNull();
  });

  it('tells the sign of a decimal string without converting it', () => {
    expect(signOf('0')).toBe(0);
    expect(signOf('-0.00')).toBe(0);
    expect(signOf('0.000000000001')).toBe(1);
    expect(signOf('-28052.400000000000')).toBe(-1);
    expect(signOf('abc')).toBe(0);
  });
});
