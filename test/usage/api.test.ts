import { Money } from '@cspc/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitRecord } from '../../packages/server/src/modules/usage/csv-scanner.ts';
import { type Caller, json, loginAs } from '../support/http.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { CUSTOMERS, csvText, rowsFor } from './support.ts';

// The API from every seat, over the demo (which seeds three months of rated usage).

let server: TestServer;
let provider: Session;
let resellerA: Session;
let customerA: Session;
let customerB: Session;

const previousMonth = () => {
  const d = new Date();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - 1);
  return d.toISOString().slice(0, 7);
};

interface Summary {
  view: string;
  asOf: string | null;
  totals: { currency: string; sale: string; cost?: string; margin?: string; lines: number }[];
  byDay: { date: string; sale: string }[];
  byMeterCategory: { meterCategory: string; sale: string }[];
  bySubscription: {
    subscriptionId: string;
    customerId: string;
    customerName: string;
    sale: string;
    cost?: string;
  }[];
  forecast: { currency: string; projected: string; explanation: string; remainingDays: number }[];
}

beforeAll(async () => {
  server = await startTestServer({ seed: 'demo' });
  provider = await loginAs(server.url, 'admin@demo-distributor.test');
  resellerA = await loginAs(server.url, 'admin@reseller-a.test');
  customerA = await loginAs(server.url, 'admin@customer-a.test');
  customerB = await loginAs(server.url, 'admin@customer-b.test');
});
afterAll(async () => server?.close());

type Session = Caller & { csrfToken: string; cookie: string };

/** Uploads CSV text as a stream would arrive: raw body, text/csv. */
function postCsv(caller: Session, text: string, fileName = 'upload.csv') {
  return fetch(`${server.url}/api/v1/usage/imports?fileName=${fileName}`, {
    method: 'POST',
    headers: { cookie: caller.cookie, 'x-csrf-token': caller.csrfToken, 'content-type': 'text/csv' },
    body: text,
  });
}

describe('summary and charts', () => {
  it('shows the demo’s rated usage to each seat, month to date with a forecast', async () => {
    const period = previousMonth();
    const mine = await json<Summary>(await provider.get(`/api/v1/usage/summary?period=${period}`));
    expect(mine.view).toBe('seller');
    expect(mine.totals.length).toBeGreaterThan(0);
    expect(mine.byDay.length).toBeGreaterThanOrEqual(28);
    expect(mine.byMeterCategory.length).toBeGreaterThan(1);
    expect(new Set(mine.bySubscription.map((s) => s.customerName))).toEqual(
      new Set([
        'Customer A (Contoso Japan)',
        'Customer B (Fabrikam KK)',
        'Customer C (Northwind GmbH)',
        'Customer D (Tailspin Osaka)',
      ]),
    );
    expect(mine.totals[0]).toHaveProperty('cost');
    // A closed month projects nothing beyond what it holds.
    expect(mine.forecast[0]!.remainingDays).toBe(0);

    const reseller = await json<Summary>(await resellerA.get(`/api/v1/usage/summary?period=${period}`));
    expect(new Set(reseller.bySubscription.map((s) => s.customerName))).toEqual(
      new Set(['Customer A (Contoso Japan)', 'Customer D (Tailspin Osaka)']),
    );
    const customer = await json<Summary>(await customerA.get(`/api/v1/usage/summary?period=${period}`));
    expect(customer.view).toBe('customer');
    expect(new Set(customer.bySubscription.map((s) => s.customerName))).toEqual(
      new Set(['Customer A (Contoso Japan)']),
    );
    expect(customer.totals[0]).not.toHaveProperty('cost');
    expect(customer.bySubscription[0]).not.toHaveProperty('cost');
    // What reseller A charges for customer A is what customer A pays.
    const aFromReseller = reseller.bySubscription.filter((s) => s.customerName.startsWith('Customer A'));
    expect(
      Money.sum(
        aFromReseller.map((s) => Money.of(s.sale, 'JPY')),
        'JPY',
      ).toString(),
    ).toBe(Money.of(customer.totals[0]!.sale, 'JPY').toString());
  });

  it('projects the open month to its end, and says how', async () => {
    const now = new Date().toISOString();
    const summary = await json<Summary>(await provider.get('/api/v1/usage/summary'));
    if (summary.asOf === null) return; // the 1st of a month: nothing reported yet
    const f = summary.forecast[0]!;
    expect(f.remainingDays).toBeGreaterThan(0);
    expect(f.explanation).toContain('average of the last');
    expect(summary.asOf < now.slice(0, 10)).toBe(true);
  });

  it('gives chart series by day, meter category, subscription, resource group and meter', async () => {
    const period = previousMonth();
    for (const by of ['day', 'meter_category', 'subscription', 'customer', 'resource_group', 'meter']) {
      const r = await provider.get(`/api/v1/usage/breakdown?period=${period}&by=${by}`);
      expect(r.status, by).toBe(200);
      const body = await json<{ items: { key: string; sale: string; cost?: string }[] }>(r);
      expect(body.items.length, by).toBeGreaterThan(0);
      expect(body.items[0]).toHaveProperty('cost');
    }
    const groups = await json<{ items: { key: string; sale: string; cost?: string }[] }>(
      await customerB.get(`/api/v1/usage/breakdown?period=${period}&by=resource_group`),
    );
    expect(groups.items.length).toBeGreaterThan(0);
    expect(groups.items[0]).not.toHaveProperty('cost');
  });

  it('refuses a bad period and another tenant’s customer', async () => {
    expect((await provider.get('/api/v1/usage/summary?period=2025-13')).status).toBe(400);
    const orgs = await json<{ items: { id: string; name: string }[] }>(
      await provider.get('/api/v1/organizations?limit=200'),
    );
    const b = orgs.items.find((o) => o.name.startsWith('Customer B'))!;
    expect((await resellerA.get(`/api/v1/usage/summary?customerId=${b.id}`)).status).toBe(404);
    expect((await customerA.get(`/api/v1/usage/export.csv?customerId=${b.id}`)).status).toBe(404);
  });
});

describe('CSV export', () => {
  const period = '2024-06';
  const rows = rowsFor([CUSTOMERS.a], '2024-06-01', 3).map((r) => ({
    ...r,
    entitlementDescription: '本番環境 (東京)',
    resourceGroup: 'rg-経理',
    resourceUri: r.resourceUri.replace(/resourceGroups\/[^/]+/, 'resourceGroups/rg-経理'),
    tags: '{"部署":"経理"}',
  }));

  beforeAll(async () => {
    const r = await postCsv(provider, await csvText(rows), 'japanese.csv');
    expect(r.status).toBe(201);
  });

  it('gives the customer its own lines at its own prices, in UTF-8 with a BOM (Japanese intact)', async () => {
    const r = await customerA.get(`/api/v1/usage/export.csv?period=${period}`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const raw = Buffer.from(await r.arrayBuffer());
    expect([...raw.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder('utf-8', { fatal: true }).decode(raw.subarray(3));
    const [header, ...lines] = text.trimEnd().split('\r\n');
    const columns = splitRecord(header!);
    expect(columns).not.toContain('Cost');
    expect(columns).not.toContain('Margin');
    expect(lines).toHaveLength(rows.length);
    const first = Object.fromEntries(splitRecord(lines[0]!).map((v, i) => [columns[i], v]));
    expect(first.SubscriptionName).toBe('本番環境 (東京)');
    expect(first.ResourceGroup).toBe('rg-経理');
    expect(first.Tags).toBe('{"部署":"経理"}');
    expect(first.Currency).toBe('JPY');
    expect(text).not.toContain('Customer B');
  });

  it('gives staff cost, sale and margin at their own tier', async () => {
    const staff = async (caller: Caller) => {
      const text = (await (await caller.get(`/api/v1/usage/export.csv?period=${period}`)).text()).replace(
        /^\uFEFF/,
        '',
      );
      const [header, ...lines] = text.trimEnd().split('\r\n');
      const columns = splitRecord(header!);
      return lines.map((l) => Object.fromEntries(splitRecord(l).map((v, i) => [columns[i], v])));
    };
    const byProvider = await staff(provider);
    const byReseller = await staff(resellerA);
    const forCustomer = await staff(customerA);
    expect(byProvider).toHaveLength(rows.length);
    const key = (l: Record<string, string | undefined>) =>
      `${l.UsageDate}|${l.ResourceUri}|${l.MeterName}|${l.Quantity}`;
    const reseller = new Map(byReseller.map((l) => [key(l), l]));
    const customer = new Map(forCustomer.map((l) => [key(l), l]));
    for (const line of byProvider) {
      // The provider's cost is Microsoft's; the reseller's cost is the provider's sale; the
      // reseller's sale is the customer's amount.
      const r = reseller.get(key(line))!;
      expect(r.Cost).toBe(line.Sale);
      expect(customer.get(key(line))!.Amount).toBe(r.Sale);
      expect(
        Money.of(line.Margin!, 'JPY').equals(Money.of(line.Sale!, 'JPY').minus(Money.of(line.Cost!, 'JPY'))),
      ).toBe(true);
      expect(line.PriceRule).toBeTruthy();
    }
    const microsoftCost = Money.sum(
      rows.map((r) => Money.of(r.billingPreTaxTotal, 'JPY')),
      'JPY',
    );
    expect(
      Money.sum(
        byProvider.map((l) => Money.of(l.Cost!, 'JPY')),
        'JPY',
      ).equals(microsoftCost),
    ).toBe(true);
    expect(
      byReseller.some(
        (l) => l.Cost !== undefined && Money.of(l.Cost, 'JPY').equals(Money.of(l.Sale!, 'JPY')),
      ),
    ).toBe(true); // no rules in the demo: the provider sells at list, the reseller too
  });

  it('filters by subscription, resource group and meter category', async () => {
    const sub = rows[0]!.entitlementId;
    const all = (await (await customerA.get(`/api/v1/usage/export.csv?period=${period}`)).text())
      .trimEnd()
      .split('\r\n');
    const one = (
      await (await customerA.get(`/api/v1/usage/export.csv?period=${period}&subscriptionId=${sub}`)).text()
    )
      .trimEnd()
      .split('\r\n');
    expect(one.length).toBeLessThan(all.length);
    const rg = (
      await (
        await customerA.get(
          `/api/v1/usage/export.csv?period=${period}&resourceGroup=${encodeURIComponent('rg-経理')}`,
        )
      ).text()
    )
      .trimEnd()
      .split('\r\n');
    expect(rg.length).toBe(all.length);
    const none = (
      await (await customerA.get(`/api/v1/usage/export.csv?period=${period}&meterCategory=Nothing`)).text()
    )
      .trimEnd()
      .split('\r\n');
    expect(none).toHaveLength(1);
  });
});

describe('imports and quarantine', () => {
  it('lists the provider’s imports with counts and shows quarantined rows by line', async () => {
    const text = await csvText(rowsFor([CUSTOMERS.b], '2024-07-01', 1));
    const lines = text.trimEnd().split('\r\n');
    lines.splice(2, 0, 'not,a,usage,line');
    const posted = await postCsv(provider, `${lines.join('\r\n')}\r\n`, 'with-bad-row.csv');
    expect(posted.status).toBe(201);
    const result = await json<{ importId: string; linesLoaded: number; linesQuarantined: number }>(posted);
    expect(result.linesQuarantined).toBe(1);
    expect(result.linesLoaded).toBe(lines.length - 2);

    const list = await json<{
      items: { id: string; fileName: string; counts: { linesQuarantined: number } }[];
    }>(await provider.get('/api/v1/usage/imports?limit=5'));
    expect(list.items[0]).toMatchObject({
      id: result.importId,
      fileName: 'with-bad-row.csv',
      counts: { linesQuarantined: 1 },
    });
    const one = await provider.get(`/api/v1/usage/imports/${result.importId}`);
    expect(one.status).toBe(200);
    const quarantine = await json<{ items: { line: number; reason: string; record: string }[] }>(
      await provider.get(`/api/v1/usage/imports/${result.importId}/quarantine`),
    );
    expect(quarantine.items).toEqual([
      expect.objectContaining({ line: 3, reason: 'column_count', record: 'not,a,usage,line' }),
    ]);

    // Imports are the provider's: resellers and customers cannot list or name them.
    expect((await resellerA.get('/api/v1/usage/imports')).status).toBe(403);
    expect((await resellerA.get(`/api/v1/usage/imports/${result.importId}`)).status).toBe(404);
    expect((await customerA.get(`/api/v1/usage/imports/${result.importId}/quarantine`)).status).toBe(404);
    expect((await postCsv(resellerA, text)).status).toBe(403);
  });
});

describe('re-rating over the API', () => {
  it('answers a dry run with the totals before and after; customers may not', async () => {
    const r = await provider.post('/api/v1/usage/rerate', { period: previousMonth(), dryRun: true });
    expect(r.status).toBe(200);
    const body = await json<{
      dryRun: boolean;
      before: unknown[];
      after: unknown[];
      linesChanged: number;
      lines: number;
    }>(r);
    expect(body.dryRun).toBe(true);
    expect(body.lines).toBeGreaterThan(0);
    expect(body.after).toEqual(body.before); // nothing changed in the books
    expect((await customerA.post('/api/v1/usage/rerate', { period: previousMonth() })).status).toBe(403);
  });
});
