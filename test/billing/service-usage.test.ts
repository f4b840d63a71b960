import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordSubscriptionEvent } from '../../packages/server/src/modules/subscriptions/subscriptions.repository.ts';
import { type Caller, json, loginAs } from '../support/http.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { createLicense } from './support.ts';

/**
 * Usage-billed own services (#7): Reseller A sells its own "Cloud backup storage" to Customer A at
 * ¥30 per GB, billed by usage. Staff record GB per day; a month is invoiced in arrears as one line
 * Σ GB × ¥30, rounded once: October 40.5 + 50 + 30 = 120.5 GB → ¥3,615. A late record of 10 GB for
 * October after its invoice is issued makes November's run bill the difference, ¥300, next to
 * November's own 2 GB (¥60).
 */

type Session = Caller & { csrfToken: string; cookie: string };
const now = new Date('2026-11-22T03:00:00Z'); // 12:00 on 22 November in Tokyo
const clock = { now: () => now };
let server: TestServer;
let provider: Session;
let resellerA: Session;
let resellerB: Session;
let customerA: Session;
let ids: Record<string, string>;
let metered: string;
let licence: string;

interface ErrorBody {
  error: { code: string; message: string };
}
interface RecordResult {
  outcome: string;
  record: { id: string; date: string; quantity: string; unit: string; reference: string; recordedBy: string };
}
interface Line {
  sourceKey: string;
  kind: string;
  description: string;
  quantity: string;
  unitPrice: string | null;
  amount: string;
  periodStart: string | null;
  periodEnd: string | null;
  explanation: { summary: string; proposedTotal?: string; previouslyInvoiced?: string };
}

const db = () => server.deps.database.db;
const path = (id: string) => `/api/v1/subscriptions/${id}/usage-records`;

async function post(caller: Session, id: string, body: unknown) {
  return caller.post(path(id), body);
}
async function errorOf(response: Response, status: number): Promise<string> {
  expect(response.status, await response.clone().text()).toBe(status);
  return (await json<ErrorBody>(response)).error.code;
}

async function invoiceLines(period: string): Promise<{ status: string; lines: Line[] }[]> {
  const page = await json<{ items: { id: string }[] }>(
    await resellerA.get(
      `/api/v1/invoices?direction=issued&period=${period}&counterpartyId=${ids['customer-a']}`,
    ),
  );
  return Promise.all(
    page.items.map(async (i) =>
      json<{ status: string; lines: Line[] }>(await resellerA.get(`/api/v1/invoices/${i.id}`)),
    ),
  );
}

beforeAll(async () => {
  server = await startTestServer({ seed: 'demo', clock });
  ids = server.demo!.organizations;
  [provider, resellerA, resellerB, customerA] = await Promise.all([
    loginAs(server.url, 'admin@demo-distributor.test'),
    loginAs(server.url, 'admin@reseller-a.test'),
    loginAs(server.url, 'admin@reseller-b.test'),
    loginAs(server.url, 'admin@customer-a.test'),
  ]);
  const product = await db()
    .insertInto('own_products')
    .values({
      seller_id: ids['reseller-a']!,
      vendor: 'Reseller A',
      name: 'Cloud backup storage',
      description: 'Backups of Microsoft 365 mailboxes, billed per GB stored',
      product_family: 'Backup',
      billing_model: 'usage',
      unit: 'GB',
      currency: 'JPY',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const sub = await db()
    .insertInto('subscriptions')
    .values({
      provider_id: ids.provider!,
      seller_id: ids['reseller-a']!,
      customer_id: ids['customer-a']!,
      kind: 'own_product',
      own_product_id: product.id,
      product_id: product.id,
      sku_id: null,
      auto_renew: false,
      title: 'Cloud backup storage',
      status: 'active',
      quantity: 1,
      term: 'none',
      billing_cycle: 'usage',
      term_start: '2026-09-10',
      unit_price: '30',
      currency: 'JPY',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  metered = sub.id;
  await recordSubscriptionEvent(db(), {
    subscriptionId: metered,
    kind: 'purchased',
    effectiveAt: new Date('2026-09-10T01:00:00Z'),
    quantityBefore: 0,
    quantityAfter: 1,
    statusBefore: 'pending',
    statusAfter: 'active',
    term: 'none',
    billingCycle: 'usage',
    termStart: '2026-09-10',
    source: 'order',
    prices: [
      {
        sellerId: ids['reseller-a']!,
        buyerId: ids['customer-a']!,
        unitCost: '12',
        costCurrency: 'JPY',
        unitPrice: '30',
        currency: 'JPY',
      },
    ],
  });
  licence = await createLicense(db(), {
    providerId: ids.provider!,
    sellerId: ids['reseller-a']!,
    customerId: ids['customer-a']!,
    termStart: '2026-09-15',
    quantity: 1,
    tiers: [
      { sellerId: ids.provider!, buyerId: ids['reseller-a']!, unitPrice: '900' },
      { sellerId: ids['reseller-a']!, buyerId: ids['customer-a']!, unitPrice: '1090' },
    ],
  });
});

afterAll(async () => {
  await server?.close();
});

describe('recording metered usage', () => {
  it('records a day, answers the same record unchanged, corrects it with another quantity (audited)', async () => {
    const first = await post(resellerA, metered, { date: '2026-10-03', quantity: '40.50', note: 'meter 1' });
    expect(first.status, await first.clone().text()).toBe(201);
    const created = await json<RecordResult>(first);
    expect(created.outcome).toBe('created');
    expect(created.record).toMatchObject({ date: '2026-10-03', quantity: '40.5', unit: 'GB', reference: '' });

    const again = await post(resellerA, metered, { date: '2026-10-03', quantity: '40.5', note: 'meter 1' });
    expect(again.status).toBe(200);
    expect((await json<RecordResult>(again)).outcome).toBe('unchanged');

    const wrong = await post(resellerA, metered, { date: '2026-10-15', quantity: '5', reference: 'r1' });
    expect(wrong.status).toBe(201);
    const fixed = await post(resellerA, metered, { date: '2026-10-15', quantity: '50', reference: 'r1' });
    expect(fixed.status).toBe(200);
    const corrected = await json<RecordResult>(fixed);
    expect(corrected.outcome).toBe('corrected');
    expect(corrected.record.quantity).toBe('50');

    // the provider is an ancestor of the seller: its staff may record too
    const byProvider = await post(provider, metered, { date: '2026-10-31', quantity: '30' });
    expect(byProvider.status, await byProvider.clone().text()).toBe(201);

    const audit = await db()
      .selectFrom('audit_log')
      .select(['action', 'before', 'after'])
      .where('entity_id', '=', metered)
      .where('action', 'like', 'service_usage.%')
      .orderBy('at')
      .execute();
    expect(audit.map((a) => a.action)).toEqual([
      'service_usage.recorded',
      'service_usage.recorded',
      'service_usage.corrected',
      'service_usage.recorded',
    ]);
    expect(audit[2]!.before).toMatchObject({ quantity: '5' });
    expect(audit[2]!.after).toMatchObject({ quantity: '50', unit: 'GB', reference: 'r1' });
  });

  it('lists the records of a month, newest day first, with the month total and pages', async () => {
    const page = await json<{
      items: RecordResult['record'][];
      total: string;
      unit: string;
      nextCursor: string;
    }>(await resellerA.get(`${path(metered)}?period=2026-10&limit=2`));
    expect(page.items.map((r) => [r.date, r.quantity])).toEqual([
      ['2026-10-31', '30'],
      ['2026-10-15', '50'],
    ]);
    expect(page.total).toBe('120.5');
    expect(page.unit).toBe('GB');
    const rest = await json<{ items: RecordResult['record'][]; nextCursor: string | null }>(
      await resellerA.get(`${path(metered)}?period=2026-10&limit=2&cursor=${page.nextCursor}`),
    );
    expect(rest.items.map((r) => r.date)).toEqual(['2026-10-03']);
    expect(rest.nextCursor).toBeNull();
  });

  it('refuses bad input with typed errors', async () => {
    for (const quantity of ['0', '-1', 'abc', '1.1234567', '']) {
      expect(await errorOf(await post(resellerA, metered, { date: '2026-10-04', quantity }), 400)).toBe(
        'invalid_quantity',
      );
    }
    for (const date of ['2026-13-01', '2026-02-30', '20261004']) {
      expect(await errorOf(await post(resellerA, metered, { date, quantity: '1' }), 400)).toBe(
        'invalid_usage_date',
      );
    }
    expect(await errorOf(await post(resellerA, metered, { date: '2026-09-09', quantity: '1' }), 400)).toBe(
      'usage_date_outside_subscription',
    );
    // 23 November has not begun in Tokyo
    expect(await errorOf(await post(resellerA, metered, { date: '2026-11-23', quantity: '1' }), 400)).toBe(
      'usage_date_in_future',
    );
    expect(await errorOf(await post(resellerA, licence, { date: '2026-10-04', quantity: '1' }), 409)).toBe(
      'subscription_not_usage_billed',
    );
  });

  it('is for the seller’s staff: customers 403, other sellers 404', async () => {
    expect((await post(customerA, metered, { date: '2026-10-04', quantity: '1' })).status).toBe(403);
    expect((await customerA.get(path(metered))).status).toBe(403);
    expect(await errorOf(await post(resellerB, metered, { date: '2026-10-04', quantity: '1' }), 404)).toBe(
      'not_found',
    );
    expect((await resellerB.get(path(metered))).status).toBe(404);
    const count = await db()
      .selectFrom('service_usage_records')
      .select(db().fn.countAll<string>().as('n'))
      .where('subscription_id', '=', metered)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(3);
  });
});

describe('billing usage-billed own services', () => {
  it('invoices October in arrears as one line: 120.5 GB × ¥30 = ¥3,615', async () => {
    const preview = await json<{ invoices: { lines: Line[] }[]; skipped: { subscriptionId: string }[] }>(
      await resellerA.get(`/api/v1/invoices/preview?customerId=${ids['customer-a']}&period=2026-10`),
    );
    expect(preview.skipped.map((s) => s.subscriptionId)).not.toContain(metered);
    const line = preview.invoices
      .flatMap((i) => i.lines)
      .find((l) => l.sourceKey === `metered:${metered}:2026-10`);
    expect(line).toMatchObject({
      kind: 'own_service',
      description: 'Cloud backup storage',
      quantity: '120.5',
      unitPrice: '30',
      amount: '3615',
      periodStart: '2026-10-01',
      periodEnd: '2026-11-01',
    });
    // September has no records: no line
    expect(preview.invoices.flatMap((i) => i.lines).some((l) => l.sourceKey.endsWith(':2026-09'))).toBe(
      false,
    );

    const run = await resellerA.post('/api/v1/billing-runs', { period: '2026-10', issue: true });
    expect(run.status, await run.clone().text()).toBe(200);
    const [invoice] = await invoiceLines('2026-10');
    expect(invoice!.status).toBe('issued');
    const issued = invoice!.lines.find((l) => l.sourceKey === `metered:${metered}:2026-10`)!;
    expect(issued.amount).toBe('3615');
    expect(issued.explanation.summary).toBe(
      '120.5 GB × 30 JPY = 3615 JPY (usage 2026-10-01 to 2026-10-31, 3 records); 3615 JPY rounded half up to the JPY minor unit = 3615 JPY',
    );
  });

  it('bills a late record of an invoiced month as the difference only, and a re-run adds nothing', async () => {
    expect(
      (await post(resellerA, metered, { date: '2026-10-20', quantity: '10', reference: 'late' })).status,
    ).toBe(201);
    expect((await post(resellerA, metered, { date: '2026-11-05', quantity: '2' })).status).toBe(201);
    const run = await resellerA.post('/api/v1/billing-runs', { period: '2026-11', issue: false });
    expect(run.status, await run.clone().text()).toBe(200);
    const drafts = await invoiceLines('2026-11');
    const lines = drafts.flatMap((d) => d.lines).filter((l) => l.sourceKey.startsWith('metered:'));
    expect(lines.map((l) => [l.sourceKey.replace(metered, 'S'), l.quantity, l.amount])).toEqual([
      ['metered:S:2026-10', '130.5', '300'],
      ['metered:S:2026-11', '2', '60'],
    ]);
    expect(lines[0]!.explanation.proposedTotal).toBe('3915');
    expect(lines[0]!.explanation.previouslyInvoiced).toBe('3615');
    expect(lines[0]!.explanation.summary).toMatch(
      /^Adjustment: now 3915 JPY, already invoiced 3615 JPY, difference 300 JPY\./,
    );

    const again = await json<{ invoicesUnchanged: number; invoicesCreated: number; invoicesUpdated: number }>(
      await resellerA.post('/api/v1/billing-runs', { period: '2026-11', issue: false }),
    );
    expect(again.invoicesCreated + again.invoicesUpdated).toBe(0);
  });
});
