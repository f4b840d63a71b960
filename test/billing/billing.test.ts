import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markOverdue } from '../../packages/server/src/modules/billing/invoices.repository.ts';
import { runBilling, SimulatedCrash } from '../../packages/server/src/modules/billing/run-billing.ts';
import { type Caller, json, loginAs } from '../support/http.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { createLicense, event, type LicenseSetup } from './support.ts';

/**
 * Billing end to end over the demo tenants: Reseller A sells Microsoft 365 E3 to Customer A at
 * ¥1,090 a seat a month and buys it from Demo Distributor at ¥900. Every yen below is worked out in
 * the test from the NCE rule: unit price × seat-days / days in the charge period, rounded once.
 */

type Session = Caller & { csrfToken: string; cookie: string };
const now = new Date('2026-11-22T03:00:00Z');
const clock = { now: () => now };
let server: TestServer;
let provider: Session;
let resellerA: Session;
let resellerB: Session;
let customerA: Session;
let customerB: Session;
let ids: Record<string, string>;
let setup: LicenseSetup;
let subscriptionId: string;
/** The numbers the demo's issued invoices already took, per issuer. */
const base: Record<string, number> = {};
/** The n-th number the test takes at an issuer, after the demo's. */
const nth = (issuer: string, n: number) => {
  const prefix = issuer === 'provider' ? 'DD-' : 'RA-';
  return `${prefix}${String(base[issuer]! + n).padStart(6, '0')}`;
};

interface Line {
  sourceKey: string;
  kind: string;
  amount: string;
  quantity: string;
  periodStart: string | null;
  explanation: { summary: string };
}
interface Invoice {
  id: string;
  number: string | null;
  status: string;
  overdue: boolean;
  period: string;
  currency: string;
  net: string;
  tax: string;
  gross: string;
  paid: string;
  balance: string;
  dueDate: string | null;
  issueDate: string | null;
  direction: string;
  recipient: { id: string };
  taxByRate: { rate: string; net: string; tax: string }[];
  lines: Line[];
}
interface RunResult {
  runId: string;
  status: string;
  resumed: boolean;
  invoicesCreated: number;
  invoicesUpdated: number;
  invoicesUnchanged: number;
  invoicesIssued: number;
  linesWritten: number;
  errors: unknown[];
}

const db = () => server.deps.database.db;

async function run(caller: Session, period: string, issue = true): Promise<RunResult> {
  const response = await caller.post('/api/v1/billing-runs', { period, issue });
  expect(response.status, await response.clone().text()).toBe(200);
  return json<RunResult>(response);
}

async function invoicesOf(caller: Session, query: string): Promise<Invoice[]> {
  const page = await json<{ items: Invoice[] }>(await caller.get(`/api/v1/invoices?${query}`));
  return Promise.all(
    page.items.map(async (i) => json<Invoice>(await caller.get(`/api/v1/invoices/${i.id}`))),
  );
}

const amounts = (invoice: Invoice) =>
  invoice.lines.map((l) => [l.sourceKey.replace(subscriptionId, 'S'), l.amount]);

beforeAll(async () => {
  server = await startTestServer({ seed: 'demo', clock });
  ids = server.demo!.organizations;
  [provider, resellerA, resellerB, customerA, customerB] = await Promise.all([
    loginAs(server.url, 'admin@demo-distributor.test'),
    loginAs(server.url, 'admin@reseller-a.test'),
    loginAs(server.url, 'admin@reseller-b.test'),
    loginAs(server.url, 'admin@customer-a.test'),
    loginAs(server.url, 'admin@customer-b.test'),
  ]);
  setup = {
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
  for (const key of ['provider', 'reseller-a']) {
    const row = await db()
      .selectFrom('invoice_number_sequences')
      .select('last_value')
      .where('issuer_id', '=', ids[key]!)
      .executeTakeFirst();
    base[key] = Number(row?.last_value ?? 0);
  }
  subscriptionId = await createLicense(db(), setup);
  // +5 seats on 20 February (09:00 in Tokyo)
  await event(db(), subscriptionId, setup, 'quantity_changed', '2026-02-20T00:00:00Z', 10, 15);
}, 120_000);
afterAll(async () => server?.close());

describe('a reseller bills its customer, the provider bills the reseller at wholesale', () => {
  it('bills January: the charge period from 15 January in advance, 10 × 1090 = 10900 + 10% tax', async () => {
    const result = await run(resellerA, '2026-01');
    expect(result).toMatchObject({ status: 'completed', invoicesCreated: 1, invoicesIssued: 1 });
    const [invoice] = await invoicesOf(resellerA, 'period=2026-01&direction=issued');
    expect(invoice).toMatchObject({
      status: 'issued',
      number: nth('reseller-a', 1),
      net: '10900',
      tax: '1090',
      gross: '11990',
      issueDate: '2026-11-22',
      dueDate: '2026-12-22',
    });
    expect(amounts(invoice!)).toEqual([['sub:S:2026-01-15', '10900']]);
    expect(invoice!.taxByRate).toMatchObject([{ rate: 'standard', net: '10900', tax: '1090' }]);
  });

  it('adds nothing when January is run again', async () => {
    const result = await run(resellerA, '2026-01');
    expect(result).toMatchObject({
      invoicesCreated: 0,
      invoicesUpdated: 0,
      invoicesIssued: 0,
      linesWritten: 0,
    });
    expect(await invoicesOf(resellerA, 'period=2026-01')).toHaveLength(1);
  });

  it('bills February with the 5 seats added on the 20th: 1090 × (10 × 28 + 5 × 23) / 28 = 15376.79 → 15377, tax 1537 (rounded down)', async () => {
    await run(resellerA, '2026-02');
    const [invoice] = await invoicesOf(resellerA, 'period=2026-02&direction=issued');
    expect(amounts(invoice!)).toEqual([['sub:S:2026-02-15', '15377']]);
    expect(invoice).toMatchObject({
      number: nth('reseller-a', 2),
      net: '15377',
      tax: '1537',
      gross: '16914',
    });
    expect(invoice!.lines[0]!.quantity).toBe('15');
    expect(invoice!.lines[0]!.explanation.summary).toContain('395 seat-days in the 28-day charge period');
  });

  it('the provider bills Reseller A at ¥900 for every charge period not invoiced yet: 9000 + 12696', async () => {
    await run(provider, '2026-02');
    const invoices = await invoicesOf(provider, `period=2026-02&counterpartyId=${ids['reseller-a']}`);
    expect(invoices).toHaveLength(1);
    // 900 × 395 / 28 = 12696.43 → 12696; January's 10 × 900 = 9000 was never billed to the reseller
    expect(amounts(invoices[0]!)).toEqual([
      ['sub:S:2026-01-15', '9000'],
      ['sub:S:2026-02-15', '12696'],
    ]);
    expect(invoices[0]).toMatchObject({
      net: '21696',
      tax: '2169',
      gross: '23865',
      number: nth('provider', 1),
    });
    // the reseller sees it as received
    const received = await invoicesOf(resellerA, 'direction=received&period=2026-02');
    expect(received.map((i) => i.id)).toEqual([invoices[0]!.id]);
  });

  it('previews a cancellation inside the window as a refund, writing nothing', async () => {
    // cancelled on 16 March (Tokyo): the charge period 15 Mar–15 Apr (31 days) keeps 15 seats × 1 day
    await event(db(), subscriptionId, setup, 'cancelled', '2026-03-15T16:00:00Z', 15, 0, 'cancelled');
    const before = await db()
      .selectFrom('invoices')
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirstOrThrow();
    const preview = await json<{
      invoices: { net: string; tax: string; lines: { sourceKey: string; amount: string }[] }[];
    }>(await resellerA.get(`/api/v1/invoices/preview?customerId=${ids['customer-a']}&period=2026-03`));
    // 1090 × 15 × 1 / 31 = 527.42 → 527
    expect(preview.invoices).toHaveLength(1);
    expect(
      preview.invoices[0]!.lines.map((l) => [l.sourceKey.replace(subscriptionId, 'S'), l.amount]),
    ).toEqual([['sub:S:2026-03-15', '527']]);
    expect(preview.invoices[0]).toMatchObject({ net: '527', tax: '52' });
    const after = await db()
      .selectFrom('invoices')
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
    // the customer can preview its own next invoice; another customer cannot
    expect(
      (await customerA.get(`/api/v1/invoices/preview?customerId=${ids['customer-a']}&period=2026-03`)).status,
    ).toBe(200);
    expect(
      (await customerB.get(`/api/v1/invoices/preview?customerId=${ids['customer-a']}&period=2026-03`)).status,
    ).toBe(404);
  });
});

describe('invoices: tenancy, payments, void, overdue', () => {
  it('shows an invoice only to its issuer and recipient', async () => {
    const [invoice] = await invoicesOf(resellerA, 'period=2026-01&direction=issued');
    expect((await customerA.get(`/api/v1/invoices/${invoice!.id}`)).status).toBe(200);
    for (const other of [provider, resellerB, customerB]) {
      expect((await other.get(`/api/v1/invoices/${invoice!.id}`)).status).toBe(404);
    }
    for (const other of [provider, resellerB]) {
      expect((await other.post(`/api/v1/invoices/${invoice!.id}/payments`, payment('1'))).status).toBe(404);
      expect((await other.post(`/api/v1/invoices/${invoice!.id}/issue`)).status).toBe(404);
    }
    // customers have no billing:write at all
    expect((await customerB.post(`/api/v1/invoices/${invoice!.id}/payments`, payment('1'))).status).toBe(403);
    // the recipient cannot act as the issuer
    expect((await customerA.post(`/api/v1/invoices/${invoice!.id}/void`, { reason: 'x' })).status).toBe(403);
  });

  it('records payments until the invoice is paid, refusing overpayment', async () => {
    const [invoice] = await invoicesOf(resellerA, 'period=2026-01&direction=issued');
    const partial = await json<Invoice>(
      await resellerA.post(`/api/v1/invoices/${invoice!.id}/payments`, payment('10000')),
    );
    expect(partial).toMatchObject({ status: 'issued', paid: '10000', balance: '1990' });
    const over = await resellerA.post(`/api/v1/invoices/${invoice!.id}/payments`, payment('2000'));
    expect(over.status).toBe(409);
    expect((await json<{ error: { code: string } }>(over)).error.code).toBe('payment_exceeds_balance');
    const paid = await json<Invoice>(
      await resellerA.post(`/api/v1/invoices/${invoice!.id}/payments`, payment('1990')),
    );
    expect(paid).toMatchObject({ status: 'paid', balance: '0' });
  });

  it('marks an unpaid invoice overdue after its due date and tells the customer once', async () => {
    // due 2026-12-22 (30 days after issue): not overdue on the due date itself, overdue the day after
    expect(await markOverdue(db(), new Date('2026-12-22T14:00:00Z'))).toBe(0);
    const later = new Date('2026-12-23T03:00:00Z');
    const marked = await markOverdue(db(), later);
    // February to Customer A, the provider's February to Reseller A (and the demo's unpaid ones)
    expect(marked).toBeGreaterThanOrEqual(2);
    expect(await markOverdue(db(), later)).toBe(0);
    const [february] = await invoicesOf(customerA, 'period=2026-02&direction=received');
    expect(february).toMatchObject({ overdue: true, status: 'issued' });
    const events = await db()
      .selectFrom('notification_events')
      .select('type')
      .where('subject_id', '=', february!.id)
      .execute();
    expect(events.map((e) => e.type).sort()).toEqual(['invoice_issued', 'payment_overdue']);
  });

  it('voids an invoice and bills the same charges again on the next run', async () => {
    const [february] = await invoicesOf(resellerA, 'period=2026-02&direction=issued');
    expect(february!.status).toBe('issued');
    const voided = await json<Invoice>(
      await resellerA.post(`/api/v1/invoices/${february!.id}/void`, { reason: 'wrong address' }),
    );
    expect(voided.status).toBe('void');
    const result = await run(resellerA, '2026-02');
    expect(result.invoicesCreated).toBe(1);
    const reissued = (await invoicesOf(resellerA, 'period=2026-02&status=issued&direction=issued'))[0]!;
    expect(amounts(reissued), JSON.stringify(reissued.lines)).toEqual([['sub:S:2026-02-15', '15377']]);
    expect(reissued.number).toBe(nth('reseller-a', 3));
  });
});

describe('runs: crash and resume, numbering under concurrency', () => {
  it('resumes a run killed half-way and ends with the same invoices, no duplicates', async () => {
    // three more customers of Reseller A's sub-reseller... use Reseller A's direct customer A and
    // the provider's customers: the provider bills Reseller A, Reseller B and Customer B.
    const more: LicenseSetup[] = [
      {
        ...setup,
        sellerId: ids.provider!,
        customerId: ids['customer-b']!,
        termStart: '2026-04-01',
        quantity: 3,
        tiers: [{ sellerId: ids.provider!, buyerId: ids['customer-b']!, unitPrice: '1000' }],
      },
      {
        ...setup,
        sellerId: ids['reseller-b']!,
        customerId: ids['customer-c']!,
        termStart: '2026-04-01',
        quantity: 2,
        tiers: [
          { sellerId: ids.provider!, buyerId: ids['reseller-b']!, unitPrice: '800' },
          { sellerId: ids['reseller-b']!, buyerId: ids['customer-c']!, unitPrice: '950' },
        ],
      },
      { ...setup, termStart: '2026-04-01', quantity: 4 },
    ];
    for (const s of more) await createLicense(db(), s);
    await expect(
      runBilling(db(), null, { sellerId: ids.provider!, period: '2026-04', now, crashAfter: 1 }),
    ).rejects.toBeInstanceOf(SimulatedCrash);
    const open = await db()
      .selectFrom('billing_runs')
      .selectAll()
      .where('seller_id', '=', ids.provider!)
      .where('status', '=', 'running')
      .execute();
    expect(open).toHaveLength(1);
    const resumed = await runBilling(db(), null, { sellerId: ids.provider!, period: '2026-04', now });
    expect(resumed).toMatchObject({ runId: open[0]!.id, resumed: true, status: 'completed' });
    const again = await runBilling(db(), null, { sellerId: ids.provider!, period: '2026-04', now });
    expect(again).toMatchObject({ resumed: false, invoicesCreated: 0, invoicesUpdated: 0, linesWritten: 0 });
    const drafts = await db()
      .selectFrom('invoices')
      .select(['recipient_id', 'net'])
      .where('issuer_id', '=', ids.provider!)
      .where('period', '=', '2026-04-01')
      .orderBy('net')
      .execute();
    // Reseller B 2 × 800 = 1600 (EUR? no: JPY in this setup), Customer B 3 × 1000 = 3000,
    // Reseller A: 4 × 900 = 3600 for the new licence (the cancelled one bills nothing more;
    // March's charge period of the cancelled licence: 900 × 15 × 1 / 31 = 435.48 → 435, and the
    // licence's 15 March line was never billed to the reseller) = 4035
    expect(drafts.map((d) => [d.recipient_id, d.net])).toEqual([
      [ids['reseller-b'], '1600'],
      [ids['customer-b'], '3000'],
      [ids['reseller-a'], '4035'],
    ]);
  });

  it('issues drafts concurrently with gapless, unique numbers', async () => {
    const drafts = await invoicesOf(provider, 'status=draft&period=2026-04');
    expect(drafts.length).toBe(3);
    const issued = await Promise.all(
      drafts.map(async (d) => json<Invoice>(await provider.post(`/api/v1/invoices/${d.id}/issue`))),
    );
    expect(issued.map((i) => i.number).sort()).toEqual([
      nth('provider', 2),
      nth('provider', 3),
      nth('provider', 4),
    ]);
  });
});

function payment(amount: string) {
  return { amount, currency: 'JPY', paidOn: '2026-11-30', method: 'bank_transfer' };
}

describe('demo', () => {
  it('holds issued invoices of the month before last for every customer and reseller, and last month as drafts', async () => {
    const rows = await db()
      .selectFrom('invoices as i')
      .innerJoin('organizations as o', 'o.id', 'i.recipient_id')
      .select(['o.name', 'i.status', 'i.number', 'i.gross', 'i.currency', 'i.period'])
      .where(
        'i.period',
        '>=',
        new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() - 2, 1))
          .toISOString()
          .slice(0, 10),
      )
      .orderBy('o.name')
      .execute();
    const issuedTo = new Set(rows.filter((r) => r.status !== 'draft').map((r) => r.name));
    for (const key of [
      'reseller-a',
      'reseller-a-sub',
      'reseller-b',
      'customer-a',
      'customer-b',
      'customer-c',
      'customer-d',
    ]) {
      const org = await db()
        .selectFrom('organizations')
        .select('name')
        .where('id', '=', ids[key]!)
        .executeTakeFirstOrThrow();
      expect(issuedTo, org.name).toContain(org.name);
    }
    expect(rows.some((r) => r.status === 'draft')).toBe(true);
    expect(
      rows.filter((r) => r.status !== 'draft').every((r) => /^(DD|RA|OS|RB)-\d{6}$/.test(r.number ?? '')),
    ).toBe(true);
  });
});

describe('documents and credit notes', () => {
  it('renders the invoice as a PDF in Japanese, English and German, and as CSV and JSON', async () => {
    const [invoice] = await invoicesOf(resellerA, 'period=2026-01&direction=issued');
    for (const locale of ['ja', 'en', 'de']) {
      const response = await customerA.get(`/api/v1/invoices/${invoice!.id}/pdf?locale=${locale}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/pdf');
      const bytes = Buffer.from(await response.arrayBuffer());
      expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
      expect(bytes.length).toBeGreaterThan(5000);
    }
    const raw = Buffer.from(
      await (await customerA.get(`/api/v1/invoices/${invoice!.id}/export?format=csv`)).arrayBuffer(),
    );
    expect([...raw.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // BOM, for Excel
    const csv = raw.subarray(3).toString('utf8');
    expect(csv.startsWith('invoice_number,')).toBe(true);
    expect(csv).toContain(`${invoice!.number},paid,Reseller A,Customer A (Contoso Japan),2026-01`);
    expect(csv).toContain(',10900,standard,sub:');
    expect(csv).toContain('total,,,10900,1090,11990');
    const asJson = await json<Invoice>(
      await customerA.get(`/api/v1/invoices/${invoice!.id}/export?format=json`),
    );
    expect(asJson.lines[0]!.explanation.summary).toContain('310 seat-days');
  });

  it('credits part of a line, then the rest; tax once per rate on each credit note; never more than invoiced', async () => {
    const [invoice] = await invoicesOf(resellerA, 'period=2026-01&direction=issued');
    const lineId = (invoice!.lines[0] as Line & { id: string }).id;
    const partial = await resellerA.post('/api/v1/credit-notes', {
      invoiceId: invoice!.id,
      reason: 'Goodwill',
      lines: [{ invoiceLineId: lineId, amount: '1005' }],
    });
    expect(partial.status).toBe(201);
    // 1005 × 10% = 100.5 → 100 (rounded down)
    const first = await json<{ number: string; net: string; tax: string; gross: string }>(partial);
    expect(first).toMatchObject({ net: '1005', tax: '100', gross: '1105' });
    expect(first.number).toBe(nth('reseller-a', 4));
    const full = await json<{ net: string; tax: string }>(
      await resellerA.post('/api/v1/credit-notes', { invoiceId: invoice!.id, reason: 'Cancelled order' }),
    );
    // what is left: 10900 - 1005 = 9895, tax 989.5 → 989
    expect(full).toMatchObject({ net: '9895', tax: '989' });
    const again = await resellerA.post('/api/v1/credit-notes', {
      invoiceId: invoice!.id,
      reason: 'Once more',
    });
    expect(again.status).toBe(409);
    expect((await json<{ error: { code: string } }>(again)).error.code).toBe('credit_exceeds_invoice');
    // the recipient sees both; other tenants cannot credit or see them
    const seen = await json<{ items: unknown[] }>(
      await customerA.get(`/api/v1/credit-notes?invoiceId=${invoice!.id}`),
    );
    expect(seen.items).toHaveLength(2);
    expect(
      (await resellerB.post('/api/v1/credit-notes', { invoiceId: invoice!.id, reason: 'x' })).status,
    ).toBe(404);
    expect(
      (await customerA.post('/api/v1/credit-notes', { invoiceId: invoice!.id, reason: 'x' })).status,
    ).toBe(403);
    // a re-run of January does not bill the credited line again
    expect((await run(resellerA, '2026-01')).invoicesCreated).toBe(0);
  });
});

describe('billing profile', () => {
  it('answers the defaults, validates the registration number, and guards against lost updates', async () => {
    const response = await resellerA.get('/api/v1/billing-profile');
    expect(response.status).toBe(200);
    const profile = await json<{
      currency: string;
      registrationNumber: string | null;
      version: number;
      numberPrefix: string;
    }>(response);
    expect(profile).toMatchObject({
      currency: 'JPY',
      registrationNumber: 'T9120001077777',
      numberPrefix: 'RA-',
    });
    const bad = await resellerA.put('/api/v1/billing-profile', { registrationNumber: 'T12345' });
    expect(bad.status).toBe(400);
    expect((await json<{ error: { code: string } }>(bad)).error.code).toBe('invalid_registration_number');
    const saved = await resellerA.request(
      'PUT',
      '/api/v1/billing-profile',
      { paymentTermsDays: 45 },
      { 'if-match': `"${profile.version}"` },
    );
    expect(saved.status).toBe(200);
    expect(await json(saved)).toMatchObject({ paymentTermsDays: 45, version: profile.version + 1 });
    const stale = await resellerA.request(
      'PUT',
      '/api/v1/billing-profile',
      { paymentTermsDays: 10 },
      { 'if-match': `"${profile.version}"` },
    );
    expect(stale.status).toBe(409);
    expect((await customerA.get('/api/v1/billing-profile')).status).toBe(403);
  });
});

describe('scheduled runs', () => {
  it('runs the previous month for every seller on its billing day, once', async () => {
    const { scheduledRuns } = await import('../../packages/server/src/modules/billing/billing.job.ts');
    const december = { ...server.deps, clock: { now: () => new Date('2026-12-01T03:00:00Z') } };
    expect(
      await scheduledRuns({ ...server.deps, clock: { now: () => new Date('2026-11-30T03:00:00Z') } }),
    ).toBe(0);
    expect(await scheduledRuns(december)).toBe(4); // provider, Reseller A, its sub-reseller, Reseller B
    expect(await scheduledRuns(december)).toBe(0);
    const runs = await db()
      .selectFrom('billing_runs')
      .select(['seller_id', 'status'])
      .where('period', '=', '2026-11-01')
      .execute();
    expect(runs.map((r) => r.status)).toEqual(['completed', 'completed', 'completed', 'completed']);
  });
});
