import { Money } from '@cspc/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Caller, json, loginAs } from '../support/http.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

/**
 * Manual one-off lines by staff on a draft (#7): the demo leaves October 2026 as drafts; Reseller A
 * adds lines to its draft for one customer, the totals and tax per rate are recomputed from the
 * rounded lines (Japan: 10% / 8%, tax rounded down once per rate), billing runs keep the lines, and
 * issued invoices refuse changes.
 */

type Session = Caller & { csrfToken: string; cookie: string };
const now = new Date('2026-11-22T03:00:00Z');
const clock = { now: () => now };
let server: TestServer;
let resellerA: Session;
let resellerB: Session;
let customerA: Session;
let provider: Session;

interface Line {
  id: string;
  kind: string;
  sourceKey: string;
  description: string;
  quantity: string;
  unitPrice: string | null;
  unrounded: string;
  amount: string;
  taxRate: string;
}
interface Invoice {
  id: string;
  status: string;
  currency: string;
  net: string;
  tax: string;
  gross: string;
  version: number;
  recipient: { id: string };
  taxByRate: { rate: string | null; net: string; tax: string; gross: string }[];
  lines: Line[];
}

let draft: Invoice;

const get = async (caller: Caller, id: string) => json<Invoice>(await caller.get(`/api/v1/invoices/${id}`));

/** The invariants of every invoice: net = Σ rounded lines, tax once per rate (down), gross = net + tax. */
function expectInvariants(invoice: Invoice) {
  const currency = invoice.currency;
  const sum = (xs: string[]) =>
    Money.sum(
      xs.map((x) => Money.of(x, currency)),
      currency,
    );
  expect(sum(invoice.lines.map((l) => l.amount)).toString()).toBe(Money.of(invoice.net, currency).toString());
  for (const rate of ['standard', 'reduced']) {
    const lines = invoice.lines.filter((l) => l.taxRate === rate);
    const entry = invoice.taxByRate.find((r) => r.rate === rate);
    if (lines.length === 0) {
      expect(entry).toBeUndefined();
      continue;
    }
    const net = sum(lines.map((l) => l.amount));
    expect(Money.of(entry!.net, currency).toString()).toBe(net.toString());
    expect(Money.of(entry!.tax, currency).toString()).toBe(
      net
        .percent(rate === 'standard' ? '10' : '8')
        .round('down')
        .toString(),
    );
  }
  expect(Money.of(invoice.gross, currency).toString()).toBe(
    Money.of(invoice.net, currency).plus(Money.of(invoice.tax, currency)).toString(),
  );
}

beforeAll(async () => {
  server = await startTestServer({ seed: 'demo', clock });
  [provider, resellerA, resellerB, customerA] = await Promise.all([
    loginAs(server.url, 'admin@demo-distributor.test'),
    loginAs(server.url, 'admin@reseller-a.test'),
    loginAs(server.url, 'admin@reseller-b.test'),
    loginAs(server.url, 'admin@customer-a.test'),
  ]);
  const page = await json<{ items: Invoice[] }>(
    await resellerA.get('/api/v1/invoices?status=draft&direction=issued&period=2026-10'),
  );
  const customerAId = server.demo!.organizations['customer-a']!;
  const summary = page.items.find((i) => i.recipient.id === customerAId) ?? page.items[0];
  if (!summary) throw new Error('the demo left no October draft for Reseller A');
  draft = await get(resellerA, summary.id);
}, 120_000);
afterAll(async () => server?.close());

describe('manual lines on a draft', () => {
  let standardLine: Line;
  let reducedLine: Line;

  it('adds a line: 3 × ¥333.35 = ¥1,000.05, rounded once to ¥1,000; totals and tax recomputed', async () => {
    const before = draft;
    const response = await resellerA.post(`/api/v1/invoices/${draft.id}/lines`, {
      description: 'Onboarding workshop',
      quantity: '3',
      unitPrice: '333.35',
    });
    expect(response.status, await response.clone().text()).toBe(201);
    const after = await json<Invoice>(response);
    standardLine = after.lines.at(-1)!;
    expect(standardLine).toMatchObject({
      kind: 'manual',
      description: 'Onboarding workshop',
      quantity: '3',
      unitPrice: '333.35',
      unrounded: '1000.05',
      amount: '1000',
      taxRate: 'standard',
    });
    expect(standardLine.sourceKey).toBe(`manual:${standardLine.id}`);
    expect(after.lines).toHaveLength(before.lines.length + 1);
    expect(Money.of(after.net, 'JPY').minus(Money.of(before.net, 'JPY')).toString()).toBe('1000');
    expect(after.version).toBeGreaterThan(before.version);
    expectInvariants(after);
  });

  it('adds a reduced-rate line (8%) and a negative adjustment; tax once per rate', async () => {
    const reduced = await json<Invoice>(
      await resellerA.post(`/api/v1/invoices/${draft.id}/lines`, {
        description: 'Catering (reduced rate)',
        quantity: '1',
        unitPrice: '1234',
        taxRate: 'reduced',
      }),
    );
    reducedLine = reduced.lines.at(-1)!;
    expect(reducedLine).toMatchObject({ amount: '1234', taxRate: 'reduced' });
    const entry = reduced.taxByRate.find((r) => r.rate === 'reduced')!;
    // 1234 × 8% = 98.72 → 98 (down)
    expect(entry).toMatchObject({ net: '1234', tax: '98', gross: '1332' });
    const discount = await resellerA.post(`/api/v1/invoices/${draft.id}/lines`, {
      description: 'Goodwill discount',
      quantity: '-1',
      unitPrice: '500',
    });
    expect(discount.status).toBe(201);
    const after = await json<Invoice>(discount);
    expect(after.lines.at(-1)).toMatchObject({ amount: '-500', quantity: '-1' });
    expectInvariants(after);
  });

  it('audits the additions', async () => {
    const rows = await server.deps.database.db
      .selectFrom('audit_log')
      .select(['action', 'entity_id'])
      .where('entity_id', '=', draft.id)
      .where('action', '=', 'invoice.line_added')
      .execute();
    expect(rows).toHaveLength(3);
  });

  it('a billing run re-writing the draft keeps the manual lines and their totals', async () => {
    const before = await get(resellerA, draft.id);
    // make the run rewrite the draft: drop one of its generated lines behind its back
    const generated = before.lines.filter((l) => l.kind !== 'manual');
    expect(generated.length).toBeGreaterThan(0);
    await server.deps.database.db.deleteFrom('invoice_lines').where('id', '=', generated[0]!.id).execute();
    const run = await resellerA.post('/api/v1/billing-runs', { period: '2026-10', issue: false });
    expect(run.status, await run.clone().text()).toBe(200);
    expect((await json<{ invoicesUpdated: number }>(run)).invoicesUpdated).toBeGreaterThanOrEqual(1);
    const after = await get(resellerA, draft.id);
    expect(after.lines.map((l) => l.kind === 'manual')).toEqual([
      ...generated.map(() => false),
      true,
      true,
      true,
    ]);
    expect(after.lines.filter((l) => l.kind === 'manual').map((l) => l.amount)).toEqual([
      '1000',
      '1234',
      '-500',
    ]);
    expect(after.net).toBe(before.net);
    expect(after.gross).toBe(before.gross);
    expectInvariants(after);
  });

  it('removes a manual line; the totals go back', async () => {
    const response = await resellerA.delete(`/api/v1/invoices/${draft.id}/lines/${reducedLine.id}`);
    expect(response.status, await response.clone().text()).toBe(200);
    const after = await json<Invoice>(response);
    expect(after.lines.some((l) => l.id === reducedLine.id)).toBe(false);
    expect(after.taxByRate.find((r) => r.rate === 'reduced')).toBeUndefined();
    expectInvariants(after);
    const audit = await server.deps.database.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity_id', '=', draft.id)
      .where('action', '=', 'invoice.line_removed')
      .execute();
    expect(audit).toHaveLength(1);
  });

  it('refuses bad input with typed errors', async () => {
    const post = (body: Record<string, unknown>) =>
      resellerA.post(`/api/v1/invoices/${draft.id}/lines`, body);
    const code = async (r: Response) => (await json<{ error: { code: string } }>(r)).error.code;
    const bad = await post({ description: 'x', quantity: 'abc', unitPrice: '1' });
    expect(bad.status).toBe(400);
    expect(await code(bad)).toBe('invalid_quantity');
    const zero = await post({ description: 'x', quantity: '0', unitPrice: '1' });
    expect(await code(zero)).toBe('invalid_quantity');
    const price = await post({ description: 'x', quantity: '1', unitPrice: '1e5' });
    expect(await code(price)).toBe('invalid_unit_price');
    const rate = await post({ description: 'x', quantity: '1', unitPrice: '1', taxRate: 'super' });
    expect(await code(rate)).toBe('invalid_tax_rate');
    expect((await post({ quantity: '1', unitPrice: '1' })).status).toBe(400);
    const generated = (await get(resellerA, draft.id)).lines.find((l) => l.kind !== 'manual');
    if (generated) {
      const del = await resellerA.delete(`/api/v1/invoices/${draft.id}/lines/${generated.id}`);
      expect(del.status).toBe(409);
      expect(await code(del)).toBe('line_not_manual');
    }
    const missing = await resellerA.delete(
      `/api/v1/invoices/${draft.id}/lines/00000000-0000-4000-8000-000000000000`,
    );
    expect(missing.status).toBe(404);
  });

  it('the recipient gets 403, other tenants 404', async () => {
    const body = { description: 'x', quantity: '1', unitPrice: '1' };
    const asRecipient = draft.recipient.id === server.demo!.organizations['customer-a'];
    if (asRecipient) {
      expect((await customerA.post(`/api/v1/invoices/${draft.id}/lines`, body)).status).toBe(403);
      expect((await customerA.delete(`/api/v1/invoices/${draft.id}/lines/${standardLine.id}`)).status).toBe(
        403,
      );
    }
    expect((await resellerB.post(`/api/v1/invoices/${draft.id}/lines`, body)).status).toBe(404);
    expect((await resellerB.delete(`/api/v1/invoices/${draft.id}/lines/${standardLine.id}`)).status).toBe(
      404,
    );
    // the provider sits above Reseller A but is neither issuer nor recipient of this invoice
    expect((await provider.post(`/api/v1/invoices/${draft.id}/lines`, body)).status).toBe(404);
  });

  it('an issued invoice refuses changes (invoice_not_draft); later runs never reverse manual lines', async () => {
    const issued = await resellerA.post(`/api/v1/invoices/${draft.id}/issue`);
    expect(issued.status, await issued.clone().text()).toBe(200);
    const add = await resellerA.post(`/api/v1/invoices/${draft.id}/lines`, {
      description: 'late',
      quantity: '1',
      unitPrice: '1',
    });
    expect(add.status).toBe(409);
    expect((await json<{ error: { code: string } }>(add)).error.code).toBe('invoice_not_draft');
    const del = await resellerA.delete(`/api/v1/invoices/${draft.id}/lines/${standardLine.id}`);
    expect(del.status).toBe(409);
    await resellerA.post('/api/v1/billing-runs', { period: '2026-10', issue: false });
    await resellerA.post('/api/v1/billing-runs', { period: '2026-11', issue: false });
    const lines = await server.deps.database.db
      .selectFrom('invoice_lines as l')
      .innerJoin('invoices as i', 'i.id', 'l.invoice_id')
      .select(['l.source_key'])
      .where('i.issuer_id', '=', server.demo!.organizations['reseller-a']!)
      .where('l.source_key', 'like', 'manual:%')
      .execute();
    // exactly the two manual lines left on the issued invoice: nothing reversed or re-billed
    expect(lines).toHaveLength(2);
  });
});
