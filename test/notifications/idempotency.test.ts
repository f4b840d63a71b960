import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeIdempotencyKeys } from '../../packages/server/src/modules/orders/purge-idempotency-keys.ts';
import { type Caller, json, loginAs } from '../support/http.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

/**
 * `Idempotency-Key` on the POSTs that create money besides orders (issue #9): payments and credit
 * notes. Over the demo's issued invoices of Reseller A to its customers.
 */

interface Invoice {
  id: string;
  status: string;
  gross: string;
  paid: string;
  currency: string;
  payments?: unknown[];
}
interface ErrorBody {
  error: { code: string };
}

let server: TestServer;
let resellerA: Caller;
let resellerB: Caller;
let invoices: Invoice[];

const count = async (table: 'payments' | 'credit_notes', invoiceId: string) => {
  const { rows } = await sql<{ n: string }>`
    SELECT count(*)::text AS n FROM ${sql.table(table)} WHERE invoice_id = ${invoiceId}`.execute(
    server.deps.database.db,
  );
  return Number(rows[0]!.n);
};

const payment = (invoice: Invoice, amount: string) => ({
  amount,
  currency: invoice.currency.trim(),
  paidOn: '2026-11-20',
  method: 'bank_transfer',
  reference: 'ERP-4711',
});

beforeAll(async () => {
  server = await startTestServer({ seed: 'demo' });
  resellerA = await loginAs(server.url, 'admin@reseller-a.test');
  resellerB = await loginAs(server.url, 'admin@reseller-b.test');
  const page = await json<{ items: Invoice[] }>(
    await resellerA.get('/api/v1/invoices?direction=issued&status=issued&limit=50'),
  );
  invoices = page.items.filter((i) => i.status === 'issued' && Number(i.gross) > 2);
  expect(invoices.length).toBeGreaterThanOrEqual(2);
}, 120_000);
afterAll(async () => server?.close());

describe('Idempotency-Key on payments', () => {
  it('records a payment once per key and answers a retry with the same invoice', async () => {
    const invoice = invoices[0]!;
    const headers = { 'idempotency-key': 'erp-payment-4711' };
    const first = await resellerA.post(
      `/api/v1/invoices/${invoice.id}/payments`,
      payment(invoice, '1'),
      headers,
    );
    expect(first.status, await first.clone().text()).toBe(200);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const retry = await resellerA.post(
      `/api/v1/invoices/${invoice.id}/payments`,
      payment(invoice, '1'),
      headers,
    );
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect((await json<Invoice>(retry)).paid).toBe((await json<Invoice>(first)).paid);
    expect(await count('payments', invoice.id)).toBe(1);

    // The same key for another amount or another invoice is refused.
    const changed = await resellerA.post(
      `/api/v1/invoices/${invoice.id}/payments`,
      payment(invoice, '2'),
      headers,
    );
    expect(changed.status).toBe(422);
    expect((await json<ErrorBody>(changed)).error.code).toBe('idempotency_key_reused');
    const other = invoices[1]!;
    const elsewhere = await resellerA.post(
      `/api/v1/invoices/${other.id}/payments`,
      payment(other, '1'),
      headers,
    );
    expect(elsewhere.status).toBe(422);
    expect(await count('payments', other.id)).toBe(0);

    // Without a key every request records (the caller asked for two payments).
    await resellerA.post(`/api/v1/invoices/${invoice.id}/payments`, payment(invoice, '1'));
    expect(await count('payments', invoice.id)).toBe(2);
  });

  it('lets two concurrent requests with one key record one payment', async () => {
    const invoice = invoices[1]!;
    const headers = { 'idempotency-key': 'erp-payment-race' };
    const answers = await Promise.all(
      [0, 1, 2].map(() =>
        resellerA.post(`/api/v1/invoices/${invoice.id}/payments`, payment(invoice, '1'), headers),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(answers.filter((a) => a.headers.get('idempotent-replayed') === 'true')).toHaveLength(2);
    expect(await count('payments', invoice.id)).toBe(1);
  });

  it('keeps keys per organisation, rolls a failed request back, and checks the key', async () => {
    const invoice = invoices[0]!;
    // A failed request (overpayment) does not use up its key: the corrected retry with a new body
    // under the same key runs.
    const headers = { 'idempotency-key': 'erp-payment-too-much' };
    const over = await resellerA.post(
      `/api/v1/invoices/${invoice.id}/payments`,
      payment(invoice, String(Number(invoice.gross) * 10)),
      headers,
    );
    expect(over.status).toBe(409);
    const fixed = await resellerA.post(
      `/api/v1/invoices/${invoice.id}/payments`,
      payment(invoice, '1'),
      headers,
    );
    expect(fixed.status).toBe(200);
    expect(fixed.headers.get('idempotent-replayed')).toBeNull();
    // Another tenant's key of the same name is its own (and this invoice is not theirs).
    const foreign = await resellerB.post(
      `/api/v1/invoices/${invoice.id}/payments`,
      payment(invoice, '1'),
      headers,
    );
    expect(foreign.status).toBe(404);
    const tooLong = await resellerA.post(`/api/v1/invoices/${invoice.id}/payments`, payment(invoice, '1'), {
      'idempotency-key': 'x'.repeat(201),
    });
    expect(tooLong.status).toBe(400);
  });
});

describe('Idempotency-Key on credit notes', () => {
  it('issues one credit note per key', async () => {
    const invoice = invoices[2] ?? invoices[1]!;
    const before = await count('credit_notes', invoice.id);
    const body = { invoiceId: invoice.id, reason: 'Goodwill' };
    const headers = { 'idempotency-key': 'erp-credit-0815' };
    const first = await resellerA.post('/api/v1/credit-notes', body, headers);
    expect(first.status, await first.clone().text()).toBe(201);
    const retry = await resellerA.post('/api/v1/credit-notes', body, headers);
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    const [a, b] = [
      await json<{ id: string; number: string }>(first),
      await json<{ id: string; number: string }>(retry),
    ];
    expect(b).toMatchObject({ id: a.id, number: a.number });
    expect(await count('credit_notes', invoice.id)).toBe(before + 1);
    const changed = await resellerA.post('/api/v1/credit-notes', { ...body, reason: 'Other' }, headers);
    expect(changed.status).toBe(422);
  });

  it('is documented in the OpenAPI document and purged after 24 hours', async () => {
    const doc = await json<{
      paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>;
    }>(await fetch(`${server.url}/api/openapi.json`));
    for (const [path, method] of [
      ['/api/v1/invoices/{id}/payments', 'post'],
      ['/api/v1/credit-notes', 'post'],
      ['/api/v1/orders', 'post'],
    ] as const) {
      const parameters = doc.paths[path]?.[method]?.parameters ?? [];
      expect(
        parameters.some((p) => p.in === 'header' && p.name === 'idempotency-key'),
        path,
      ).toBe(true);
    }
    const db = server.deps.database.db;
    const tomorrow = new Date(Date.now() + 25 * 3_600_000);
    expect(await purgeIdempotencyKeys(db, tomorrow)).toBeGreaterThanOrEqual(4);
    const { rows } = await sql<{ n: string }>`
      SELECT count(*)::text AS n FROM request_idempotency_keys`.execute(db);
    expect(rows[0]!.n).toBe('0');
  });
});
