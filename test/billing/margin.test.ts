import { Money } from '@cspc/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Caller, json, loginAs } from '../support/http.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { createLicense, type LicenseSetup } from './support.ts';

/**
 * Margin report (#7). A licence of 10 seats from 15 January 2026: Microsoft charges the provider
 * ¥720 a seat (the provider tier's unit cost), the provider bills Reseller A ¥900, Reseller A bills
 * Customer A ¥1,090. January: the provider earns 9,000 − 7,200 = ¥1,800 (20.00%), Reseller A
 * 10,900 − 9,000 = ¥1,900 (17.43%); a ¥1,000 credit note to Customer A leaves ¥900 (9.09%).
 */

type Session = Caller & { csrfToken: string; cookie: string };
const now = new Date('2026-11-22T03:00:00Z');
const clock = { now: () => now };
let server: TestServer;
let provider: Session;
let resellerA: Session;
let resellerB: Session;
let customerA: Session;
let ids: Record<string, string>;

interface Row {
  key: string | null;
  name: string;
  currency: string;
  revenue: string;
  cost: string;
  margin: string;
  marginPercent: string | null;
}
interface Report {
  sellerId: string;
  period: string;
  groupBy: string;
  costBasis: string;
  rows: Row[];
  totals: Omit<Row, 'key' | 'name'>[];
  warnings: string[];
}

const report = async (caller: Caller, query: string) => {
  const response = await caller.get(`/api/v1/reports/margin?${query}`);
  expect(response.status, await response.clone().text()).toBe(200);
  return json<Report>(response);
};
const pick = (r: Report, key: string) => {
  const { revenue, cost, margin, marginPercent } = r.rows.find((x) => x.key === key)!;
  return { revenue, cost, margin, marginPercent };
};

beforeAll(async () => {
  server = await startTestServer({ seed: 'demo', clock });
  ids = server.demo!.organizations;
  [provider, resellerA, resellerB, customerA] = await Promise.all([
    loginAs(server.url, 'admin@demo-distributor.test'),
    loginAs(server.url, 'admin@reseller-a.test'),
    loginAs(server.url, 'admin@reseller-b.test'),
    loginAs(server.url, 'admin@customer-a.test'),
  ]);
  const setup: LicenseSetup = {
    providerId: ids.provider!,
    sellerId: ids['reseller-a']!,
    customerId: ids['customer-a']!,
    productId: 'MARGIN-TEST',
    title: 'Margin test licence',
    termStart: '2026-01-15',
    quantity: 10,
    tiers: [
      { sellerId: ids.provider!, buyerId: ids['reseller-a']!, unitPrice: '900' },
      { sellerId: ids['reseller-a']!, buyerId: ids['customer-a']!, unitPrice: '1090' },
    ],
  };
  await createLicense(server.deps.database.db, setup);
  for (const caller of [resellerA, provider]) {
    const run = await caller.post('/api/v1/billing-runs', { period: '2026-01', issue: true });
    expect(run.status, await run.clone().text()).toBe(200);
  }
}, 120_000);
afterAll(async () => server?.close());

describe('margin report', () => {
  it('the provider: revenue from its invoices, cost = Microsoft’s (tier unit cost)', async () => {
    const byProduct = await report(provider, 'period=2026-01&groupBy=product');
    expect(byProduct.costBasis).toBe('microsoft');
    expect(pick(byProduct, 'MARGIN-TEST')).toEqual({
      revenue: '9000',
      cost: '7200',
      margin: '1800',
      marginPercent: '20.00',
    });
    const byCustomer = await report(provider, 'period=2026-01&groupBy=customer');
    expect(byCustomer.rows.find((r) => r.key === ids['customer-a'])).toMatchObject({
      name: expect.any(String),
      currency: 'JPY',
      revenue: '9000',
      cost: '7200',
    });
    const byReseller = await report(provider, 'period=2026-01&groupBy=reseller');
    expect(pick(byReseller, ids['reseller-a']!)).toMatchObject({ revenue: '9000', cost: '7200' });
  });

  it('a reseller: cost = what the provider invoiced it; never Microsoft’s cost', async () => {
    const r = await report(resellerA, 'period=2026-01&groupBy=product');
    expect(r.costBasis).toBe('supplier_invoices');
    expect(pick(r, 'MARGIN-TEST')).toEqual({
      revenue: '10900',
      cost: '9000',
      margin: '1900',
      marginPercent: '17.43',
    });
    expect(JSON.stringify(r)).not.toContain('7200');
    const byCustomer = await report(resellerA, 'period=2026-01');
    expect(byCustomer.groupBy).toBe('customer');
    expect(pick(byCustomer, ids['customer-a']!)).toMatchObject({ revenue: '10900', cost: '9000' });
  });

  it('credit notes reduce revenue', async () => {
    const page = await json<{ items: { id: string; recipient: { id: string } }[] }>(
      await resellerA.get('/api/v1/invoices?period=2026-01&direction=issued&status=issued'),
    );
    const invoice = page.items.find((i) => i.recipient.id === ids['customer-a'])!;
    const detail = await json<{ lines: { id: string; productId: string | null }[] }>(
      await resellerA.get(`/api/v1/invoices/${invoice.id}`),
    );
    const line = detail.lines.find((l) => l.productId === 'MARGIN-TEST')!;
    const note = await resellerA.post('/api/v1/credit-notes', {
      invoiceId: invoice.id,
      reason: 'goodwill',
      lines: [{ invoiceLineId: line.id, amount: '1000' }],
    });
    expect(note.status, await note.clone().text()).toBe(201);
    const r = await report(resellerA, 'period=2026-01&groupBy=product');
    expect(pick(r, 'MARGIN-TEST')).toEqual({
      revenue: '9900',
      cost: '9000',
      margin: '900',
      marginPercent: '9.09',
    });
  });

  it('the demo’s issued month: totals are the invoices’ nets; a reseller’s cost is its received invoices', async () => {
    const period = '2026-09';
    const db = server.deps.database.db;
    const sum = async (where: { issuer?: string; recipient?: string }) => {
      let q = db
        .selectFrom('invoices')
        .select(['net', 'currency'])
        .where('period', '=', `${period}-01`)
        .where('status', 'in', ['issued', 'paid']);
      if (where.issuer) q = q.where('issuer_id', '=', where.issuer);
      if (where.recipient) q = q.where('recipient_id', '=', where.recipient);
      const rows = await q.execute();
      return Money.sum(
        rows.map((r) => Money.of(r.net, 'JPY')),
        'JPY',
      ).toString();
    };
    const p = await report(provider, `period=${period}`);
    const jpy = p.totals.find((t) => t.currency === 'JPY');
    expect(jpy, JSON.stringify(p)).toBeDefined();
    expect(Money.of(jpy!.revenue, 'JPY').isPositive()).toBe(true);
    expect(Money.of(jpy!.cost, 'JPY').isPositive()).toBe(true);
    const a = await report(resellerA, `period=${period}`);
    const total = a.totals.find((t) => t.currency === 'JPY')!;
    expect(total.revenue).toBe(await sum({ issuer: ids['reseller-a']! }));
    expect(total.cost).toBe(await sum({ issuer: ids.provider!, recipient: ids['reseller-a']! }));
    expect(total.margin).toBe(Money.of(total.revenue, 'JPY').minus(Money.of(total.cost, 'JPY')).toString());
  });

  it('CSV: UTF-8 with BOM, one row per group, then totals', async () => {
    const response = await resellerA.get('/api/v1/reports/margin?period=2026-01&groupBy=product&format=csv');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/csv');
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes.slice(3));
    const lines = text.trim().split('\r\n');
    expect(lines[0]).toBe('period,group_by,key,name,currency,revenue,cost,margin,margin_percent');
    expect(lines).toContain('2026-01,product,MARGIN-TEST,Margin test licence,JPY,9900,9000,900,9.09');
    expect(lines.at(-1)).toMatch(/^2026-01,total,,Total,JPY,/);
  });

  it('refuses bad input; customers get 403; a seller sees only its own invoices', async () => {
    expect((await resellerA.get('/api/v1/reports/margin?period=2026-13')).status).toBe(400);
    expect((await resellerA.get('/api/v1/reports/margin')).status).toBe(400);
    expect((await resellerA.get('/api/v1/reports/margin?period=2026-01&groupBy=meter')).status).toBe(400);
    expect((await customerA.get('/api/v1/reports/margin?period=2026-01')).status).toBe(403);
    const b = await report(resellerB, 'period=2026-01&groupBy=product');
    expect(b.rows.find((r) => r.key === 'MARGIN-TEST')).toBeUndefined();
    expect(JSON.stringify(b)).not.toContain(ids['customer-a']!);
  });
});
