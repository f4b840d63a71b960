import { randomUUID } from 'node:crypto';
import { Money } from '@cspc/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Caller, json, loginAs } from '../support/http.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

interface Journal {
  journal: string;
  period: string;
  available: boolean;
  columns: { name: string; type: string }[];
  items: Record<string, string | number | null>[];
}

let server: TestServer;
let org: Record<string, string>;
let provider: Caller;
let reseller: Caller;

/**
 * Rated usage as the usage module records it: per customer, day, Azure subscription and meter
 * category, one row per tier — the provider buys from Microsoft (tier 1) and sells to Reseller A,
 * which sells to Customer A (tier 2).
 */
async function seedUsage() {
  const db = server.deps.database.db;
  // One rate for the path provider → Reseller A → Customer A: the provider pays Microsoft's cost
  // and charges the reseller 110 % of it; the reseller charges the customer double.
  const rateId = randomUUID();
  await db
    .insertInto('usage_rates')
    .values({
      id: rateId,
      provider_id: org.provider!,
      billing_currency: 'JPY',
      has_list: false,
      tier_count: 2,
    })
    .execute();
  const tier = (n: number, seller: string, buyer: string | null, costFactor: string, saleFactor: string) => ({
    rate_id: rateId,
    tier: n,
    seller_id: org[seller]!,
    buyer_id: buyer ? org[buyer]! : null,
    cost_currency: 'JPY',
    currency: 'JPY',
    cost_cost_factor: costFactor,
    cost_list_factor: '0',
    sale_cost_factor: saleFactor,
    sale_list_factor: '0',
    rule_id: null,
    basis: 'rule' as const,
    explanation: JSON.stringify({}),
  });
  await db
    .insertInto('usage_rate_tiers')
    .values([tier(1, 'provider', 'reseller-a', '1', '1.1'), tier(2, 'reseller-a', null, '1.1', '2.2')])
    .execute();
  await db
    .insertInto('usage_subscriptions')
    .values({
      entitlement_id: 'azure-sub-1',
      customer_id: org['customer-a']!,
      subscription_id: 'azure-plan-1',
      description: 'Contoso production',
    })
    .execute();
  const day = (date: string, category: string, microsoftCost: string, lines: number) => ({
    customer_id: org['customer-a']!,
    usage_date: date,
    billing_currency: 'JPY',
    entitlement_id: 'azure-sub-1',
    meter_category: category,
    rate_id: rateId,
    quantity: '1',
    cost: microsoftCost,
    list_amount: '0',
    line_count: lines,
  });
  await db
    .insertInto('usage_daily_groups')
    .values([
      day('2026-02-27', 'Virtual Machines', '100.5', 3),
      day('2026-02-28', 'Virtual Machines', '200.123456', 4),
      day('2026-02-28', 'Storage', '0.000001', 1),
      day('2026-03-01', 'Storage', '50', 2),
      // Next month: not in February's journal.
      day('2026-03-02', 'Virtual Machines', '7', 1),
    ])
    .execute();
  const customerDay = (date: string, kind: 'billed' | 'unbilled', invoice: string) => ({
    customer_id: org['customer-a']!,
    usage_date: date,
    billing_currency: 'JPY',
    provider_id: org.provider!,
    kind,
    invoice_number: invoice,
    line_count: 1,
    fingerprint: randomUUID(),
    import_id: randomUUID(),
  });
  await db
    .insertInto('usage_customer_days')
    .values([customerDay('2026-02-27', 'billed', 'G012345678'), customerDay('2026-02-28', 'unbilled', '')])
    .execute();
}

beforeAll(async () => {
  server = await startTestServer({ seed: 'demo' });
  org = server.demo!.organizations;
  provider = await loginAs(server.url, 'billing@demo-distributor.test');
  reseller = await loginAs(server.url, 'admin@reseller-a.test');
  await seedUsage();
});
afterAll(async () => server?.close());

describe('purchase journal', () => {
  it('sums what the provider paid Microsoft, exactly, per customer, subscription, category and state', async () => {
    const response = await provider.get('/api/v1/exports/purchase-journal?period=2026-02');
    expect(response.status).toBe(200);
    const journal = await json<Journal>(response);
    expect(journal).toMatchObject({ journal: 'purchase', period: '2026-02', available: true });
    expect(journal.columns.map((c) => c.name)).toEqual([
      'period',
      'supplier',
      'supplier_id',
      'customer_id',
      'customer_name',
      'azure_subscription_id',
      'azure_subscription_name',
      'meter_category',
      'usage_status',
      'microsoft_invoice_number',
      'first_usage_date',
      'last_usage_date',
      'line_count',
      'currency',
      'amount',
    ]);
    const rows = journal.items.map((r) => [
      r.meter_category,
      r.usage_status,
      r.microsoft_invoice_number,
      r.amount,
      r.line_count,
    ]);
    expect(rows).toEqual([
      ['Storage', 'unbilled', null, '0.000001', 1],
      ['Virtual Machines', 'billed', 'G012345678', '100.5', 3],
      ['Virtual Machines', 'unbilled', null, '200.123456', 4],
    ]);
    expect(journal.items[0]).toMatchObject({
      supplier: 'Microsoft',
      supplier_id: null,
      customer_id: org['customer-a'],
      customer_name: 'Customer A (Contoso Japan)',
      azure_subscription_id: 'azure-sub-1',
      azure_subscription_name: 'Contoso production',
      currency: 'JPY',
      first_usage_date: '2026-02-28',
    });
  });

  it('shows a reseller what it paid the provider for the same usage', async () => {
    const journal = await json<Journal>(
      await reseller.get('/api/v1/exports/purchase-journal?period=2026-02'),
    );
    expect(journal.items.map((r) => [r.supplier, r.supplier_id, r.meter_category, r.amount])).toEqual([
      ['Demo Distributor', org.provider, 'Storage', '0.0000011'],
      ['Demo Distributor', org.provider, 'Virtual Machines', '110.55'],
      ['Demo Distributor', org.provider, 'Virtual Machines', '220.1358016'],
    ]);
    // The provider may read a reseller's journal; the reseller names itself or its subtree only.
    const forReseller = await provider.get(
      `/api/v1/exports/purchase-journal?period=2026-02&organizationId=${org['reseller-a']}`,
    );
    expect((await json<Journal>(forReseller)).items).toHaveLength(3);
    const upwards = await reseller.get(
      `/api/v1/exports/purchase-journal?period=2026-02&organizationId=${org.provider}`,
    );
    expect(upwards.status).toBe(404);
  });

  it('exports CSV with the same columns, a BOM for spreadsheets and exact amounts', async () => {
    const response = await provider.get('/api/v1/exports/purchase-journal?period=2026-02&format=csv');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe(
      'attachment; filename="purchase-journal-2026-02.csv"',
    );
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes).split('\r\n');
    expect(lines[0]).toBe(
      'period,supplier,supplier_id,customer_id,customer_name,azure_subscription_id,azure_subscription_name,meter_category,usage_status,microsoft_invoice_number,first_usage_date,last_usage_date,line_count,currency,amount',
    );
    expect(lines[2]).toBe(
      `2026-02,Microsoft,,${org['customer-a']},Customer A (Contoso Japan),azure-sub-1,Contoso production,Virtual Machines,billed,G012345678,2026-02-27,2026-02-27,3,JPY,100.5`,
    );
    expect(lines.filter(Boolean)).toHaveLength(4);
  });

  it('refuses customers, bad periods and other tenants', async () => {
    const customer = await loginAs(server.url, 'admin@customer-a.test');
    expect((await customer.get('/api/v1/exports/purchase-journal?period=2026-02')).status).toBe(403);
    const sales = await loginAs(server.url, 'sales@demo-distributor.test');
    expect((await sales.get('/api/v1/exports/purchase-journal?period=2026-02')).status).toBe(403);
    for (const period of ['2026-13', '2026-2', 'last-month']) {
      expect((await provider.get(`/api/v1/exports/purchase-journal?period=${period}`)).status, period).toBe(
        400,
      );
    }
    const otherReseller = await loginAs(server.url, 'admin@reseller-b.test');
    const response = await otherReseller.get(
      `/api/v1/exports/purchase-journal?period=2026-02&organizationId=${org['reseller-a']}`,
    );
    expect(response.status).toBe(404);
  });
});

describe('sales journal', () => {
  it('answers its column spec and the issued invoices of the period, one row per document and tax rate', async () => {
    const journal = await json<Journal & { note: string | null }>(
      await provider.get('/api/v1/exports/sales-journal?period=2026-02'),
    );
    expect(journal).toMatchObject({ journal: 'sales', available: true, items: [] });
    expect(journal.columns.map((c) => c.name)).toContain('document_number');
    expect(journal.columns.map((c) => c.name)).toContain('tax_rate');
    const csv = await (await provider.get('/api/v1/exports/sales-journal?period=2026-02&format=csv')).text();
    expect(csv.replace(/^\uFEFF/, '').trim()).toBe(journal.columns.map((c) => c.name).join(','));
    // the demo issued the month before last: every document's rows add up to its totals
    const now = new Date();
    const period = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 2, 1))
      .toISOString()
      .slice(0, 7);
    const issued = await json<Journal>(await provider.get(`/api/v1/exports/sales-journal?period=${period}`));
    expect(issued.items.length).toBeGreaterThan(0);
    for (const row of issued.items) {
      expect(row).toMatchObject({ document_type: 'invoice', tax_category: 'standard', tax_rate: '10' });
      expect(row.document_number).toMatch(/^DD-\d{6}$/);
      const currency = String(row.currency);
      const [net, tax, gross] = [row.net_amount, row.tax_amount, row.gross_amount].map((a) =>
        Money.of(String(a), currency),
      );
      expect(net!.plus(tax!).equals(gross!)).toBe(true);
    }
  });
});
