import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordedCosts } from '../../packages/server/src/modules/billing/reconciliation.ts';
import { type Caller, json, loginAs } from '../support/http.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { createLicense, type LicenseSetup } from './support.ts';

/**
 * Cost reconciliation from a Microsoft reconciliation CSV (#7). A licence of 10 seats from 15
 * January 2026 (Partner Center subscription `pc-sub-1`) costs the provider ¥720 a seat at
 * Microsoft: the provider's January invoice line (10 × ¥900 to Reseller A) is recorded at
 * 10 × 720 = ¥7,200. Azure usage: the demo's rated usage of September, Σ cost per Azure subscription.
 */

type Session = Caller & { csrfToken: string; cookie: string };
const now = new Date('2026-11-22T03:00:00Z');
const clock = { now: () => now };
let server: TestServer;
let provider: Session;
let resellerA: Session;
let customerA: Session;
let ids: Record<string, string>;

interface Item {
  kind: string;
  key: string;
  currency: string;
  status: string;
  reason: string | null;
  ours: { amount: string; quantity: string | null; unitPrice: string | null } | null;
  microsoft: { amount: string; quantity: string | null; unitPrice: string | null } | null;
  difference: string;
}
interface Report {
  source: string;
  items: Item[];
  invoices: { id: string }[];
  summary: {
    currency: string;
    matched: number;
    differences: number;
    ours: string;
    microsoft: string;
    difference: string;
  }[];
}

const LICENCE_HEADER =
  'InvoiceNumber,CustomerId,ProductName,SkuName,ChargeType,UnitPrice,EffectiveUnitPrice,Quantity,Subtotal,Currency,SubscriptionId,ChargeStartDate,ChargeEndDate';
const licenceRow = (sub: string, qty: string, price: string, subtotal: string, start = '2026-01-15') =>
  `G000000001,c1,Microsoft 365 E3,E3,new,${price},${price},${qty},${subtotal},JPY,${sub},${start}T00:00:00Z,2026-02-14T00:00:00Z`;

async function importCsv(caller: Caller, period: string, csv: string) {
  return caller.post('/api/v1/reconciliation/import', { period, csv });
}
async function reportOf(period: string, csv: string): Promise<Report> {
  const response = await importCsv(provider, period, csv);
  expect(response.status, await response.clone().text()).toBe(200);
  return json<Report>(response);
}

beforeAll(async () => {
  server = await startTestServer({ seed: 'demo', clock });
  ids = server.demo!.organizations;
  [provider, resellerA, customerA] = await Promise.all([
    loginAs(server.url, 'admin@demo-distributor.test'),
    loginAs(server.url, 'admin@reseller-a.test'),
    loginAs(server.url, 'admin@customer-a.test'),
  ]);
  const setup: LicenseSetup = {
    providerId: ids.provider!,
    sellerId: ids['reseller-a']!,
    customerId: ids['customer-a']!,
    termStart: '2026-01-15',
    quantity: 10,
    tiers: [
      { sellerId: ids.provider!, buyerId: ids['reseller-a']!, unitPrice: '900' },
      { sellerId: ids['reseller-a']!, buyerId: ids['customer-a']!, unitPrice: '1090' },
    ],
  };
  const id = await createLicense(server.deps.database.db, setup);
  await server.deps.database.db
    .updateTable('subscriptions')
    .set({ pc_subscription_id: 'pc-sub-1' })
    .where('id', '=', id)
    .execute();
  const run = await provider.post('/api/v1/billing-runs', { period: '2026-01', issue: false });
  expect(run.status, await run.clone().text()).toBe(200);
}, 120_000);
afterAll(async () => server?.close());

describe('reconciliation against a CSV', () => {
  it('records the licence cost at Microsoft’s price: 10 × ¥720 = ¥7,200', async () => {
    const ours = await recordedCosts(server.deps.database.db, ids.provider!, '2026-01');
    expect(ours.filter((i) => i.kind === 'license')).toEqual([
      expect.objectContaining({
        key: 'pc-sub-1',
        currency: 'JPY',
        amount: '7200',
        quantity: '10',
        unitPrice: '720',
      }),
    ]);
  });

  it('matches Microsoft’s licence line', async () => {
    const r = await reportOf(
      '2026-01',
      [LICENCE_HEADER, licenceRow('pc-sub-1', '10', '720', '7200')].join('\n'),
    );
    expect(r.source).toBe('csv');
    expect(r.invoices).toEqual([{ id: 'G000000001', currency: null, totalCharges: null }]);
    expect(r.items).toEqual([
      expect.objectContaining({
        kind: 'license',
        key: 'pc-sub-1',
        status: 'matched',
        reason: null,
        difference: '0',
      }),
    ]);
    expect(r.summary).toEqual([
      { currency: 'JPY', matched: 1, differences: 0, ours: '7200', microsoft: '7200', difference: '0' },
    ]);
  });

  it('explains differences: price, quantity, missing here, missing at Microsoft', async () => {
    const price = await reportOf(
      '2026-01',
      [LICENCE_HEADER, licenceRow('pc-sub-1', '10', '730', '7300')].join('\n'),
    );
    expect(price.items[0]).toMatchObject({ status: 'different', reason: 'price_differs', difference: '100' });
    const quantity = await reportOf(
      '2026-01',
      [LICENCE_HEADER, licenceRow('pc-sub-1', '11', '720', '7920')].join('\r\n'),
    );
    expect(quantity.items[0]).toMatchObject({ reason: 'quantity_differs', difference: '720' });
    const other = await reportOf(
      '2026-01',
      // a row of another month is left out
      [
        LICENCE_HEADER,
        licenceRow('pc-other', '1', '500', '500'),
        licenceRow('pc-x', '1', '1', '1', '2025-12-15'),
      ].join('\n'),
    );
    expect(other.items.map((i) => [i.key, i.reason, i.difference])).toEqual([
      ['pc-other', 'missing_here', '500'],
      ['pc-sub-1', 'missing_at_microsoft', '-7200'],
    ]);
    expect(other.summary[0]).toMatchObject({ matched: 0, differences: 2, ours: '7200', microsoft: '500' });
  });

  it('matches Azure usage per Azure subscription (the demo’s September usage)', async () => {
    const ours = (await recordedCosts(server.deps.database.db, ids.provider!, '2026-09')).filter(
      (i) => i.kind === 'usage',
    );
    expect(ours.length).toBeGreaterThan(0);
    const rows = ours.map((o, i) =>
      [`G9`, o.key, i === 0 ? `${o.amount}1` : o.amount, o.currency, '2026-09-03'].join(','),
    );
    const csv = ['InvoiceNumber,EntitlementId,BillingPreTaxTotal,BillingCurrency,UsageDate', ...rows].join(
      '\n',
    );
    const r = await reportOf('2026-09', csv);
    const usage = r.items.filter((i) => i.kind === 'usage');
    expect(usage).toHaveLength(ours.length);
    const first = usage.find((i) => i.key === ours[0]!.key)!;
    expect(first.status).toBe('different');
    expect(first.reason).toBe('amount_differs');
    expect(usage.filter((i) => i.status === 'matched')).toHaveLength(ours.length - 1);
  });

  it('refuses bad CSVs and periods with typed errors', async () => {
    const code = async (r: Response) => (await json<{ error: { code: string } }>(r)).error.code;
    const noRows = await importCsv(provider, '2026-01', LICENCE_HEADER);
    expect(noRows.status).toBe(400);
    expect(await code(noRows)).toBe('invalid_reconciliation_csv');
    const bad = await importCsv(
      provider,
      '2026-01',
      [LICENCE_HEADER, licenceRow('pc-sub-1', 'ten', '720', '7200')].join('\n'),
    );
    expect(await code(bad)).toBe('invalid_reconciliation_csv');
    const unknown = await importCsv(provider, '2026-01', 'a,b\n1,2');
    expect(await code(unknown)).toBe('invalid_reconciliation_csv');
    expect((await importCsv(provider, '2026-13', 'a\n1')).status).toBe(400);
    expect((await provider.get('/api/v1/reconciliation?period=01-2026')).status).toBe(400);
  });

  it('is the provider’s only: resellers and customers get 403', async () => {
    const csv = [LICENCE_HEADER, licenceRow('pc-sub-1', '10', '720', '7200')].join('\n');
    expect((await importCsv(resellerA, '2026-01', csv)).status).toBe(403);
    expect((await importCsv(customerA, '2026-01', csv)).status).toBe(403);
    expect((await resellerA.get('/api/v1/reconciliation?period=2026-01')).status).toBe(403);
    expect((await customerA.get('/api/v1/reconciliation?period=2026-01')).status).toBe(403);
  });

  it('without a Partner Center connection the API says so (409 partner_center_not_connected)', async () => {
    const response = await provider.get('/api/v1/reconciliation?period=2026-01');
    expect(response.status).toBe(409);
    expect((await json<{ error: { code: string } }>(response)).error.code).toBe(
      'partner_center_not_connected',
    );
  });
});
