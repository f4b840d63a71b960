import { describe, expect, it } from 'vitest';
import { mapColumns, USAGE_FIELDS } from './columns.ts';
import { lineLayout, ROUTER_COLUMNS } from './line-router.ts';

describe('line layout', () => {
  it('keeps the stored fields of the full reconciliation set in runs, in file order', () => {
    const layout = lineLayout(mapColumns(USAGE_FIELDS.map((f) => f.csv)));
    expect(layout.columns.slice(0, ROUTER_COLUMNS.length)).toEqual([...ROUTER_COLUMNS]);
    const kept = layout.columns.slice(ROUTER_COLUMNS.length);
    expect(kept).toContain('cost');
    expect(kept).toContain('customer_tenant_id');
    // Derived by the router, never copied as they are:
    for (const c of [
      'usage_date',
      'billing_currency',
      'subscription_id',
      'resource_group',
      'pricing_currency',
    ]) {
      expect(kept).not.toContain(c);
    }
    const copied = layout.keptRuns.reduce((n, [a, b]) => n + b - a + 1, 0);
    expect(copied).toBe(kept.length);
    for (const [a, b] of layout.keptRuns) expect(b).toBeGreaterThanOrEqual(a);
    expect(layout.forceNull).toEqual(
      expect.arrayContaining(['quantity', 'cost', 'unit_price', 'exchange_rate']),
    );
    expect(layout.forceNotNull).toEqual(expect.arrayContaining(['meter_category', 'tags', 'invoice_number']));
    expect(layout.forceNull.filter((c) => layout.forceNotNull.includes(c))).toEqual([]);
  });

  it('copies only what a basic column set has, whatever its order', () => {
    const layout = lineLayout(
      mapColumns([
        'BillingCurrency',
        'Quantity',
        'CustomerId',
        'UsageDate',
        'BillingPreTaxTotal',
        'EntitlementId',
      ]),
    );
    expect(layout.columns.slice(ROUTER_COLUMNS.length)).toEqual(['quantity', 'customer_tenant_id', 'cost']);
    expect(layout.keptRuns).toEqual([
      [1, 2],
      [4, 4],
    ]);
  });
});
