import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../packages/server/src/db/database.ts';
import type { RunningEmulator } from '../../packages/server/src/partner-center/emulator/server.ts';
import {
  type InMemoryRequestLedger,
  type PartnerCenterClient,
  PartnerCenterError,
} from '../../packages/server/src/partner-center/index.ts';
import { DatabaseRequestLedger } from '../../packages/server/src/partner-center/request-ledger.repository.ts';
import { openTestDatabase } from '../support/test-db.ts';
import {
  admin,
  bootEmulator,
  clientFor,
  collectAll,
  customerInput,
  opKey,
  printSummary,
  Recorder,
  recordingSleep,
} from './client-emulator-support.ts';

// Partner Center misbehaving: throttling with Retry-After, 500/503, slow and hanging answers, and answers
// lost after the purchase was made. Every call must still succeed, and one MS-RequestId must never buy
// twice — also when the process crashes between the purchase and its answer.

let emu: RunningEmulator;
let database: DatabaseHandle;
const recorder = new Recorder();
let setup: PartnerCenterClient;
let customerId: string;
let basicItem: string;

/** Plenty of attempts and short backoffs; a hanging answer is given up after 400 ms. */
const RETRY = { maxAttempts: 20, baseDelayMs: 5, maxDelayMs: 40, timeoutMs: 400 };

async function stats() {
  return admin(emu, 'GET', '/stats');
}

function duplicatesIn(byRequestId: Record<string, number>): string[] {
  return Object.entries(byRequestId)
    .filter(([, n]) => n > 1)
    .map(([id]) => id);
}

async function buy(
  pc: PartnerCenterClient,
  quantity: number,
  keys = { cart: opKey('cart'), checkout: opKey('checkout') },
) {
  const cart = await pc.orders.createCart(
    customerId,
    { lineItems: [{ catalogItemId: basicItem, quantity, termDuration: 'P1M', billingCycle: 'monthly' }] },
    { operationKey: keys.cart },
  );
  const result = await pc.orders.checkoutCart(customerId, cart.id, { operationKey: keys.checkout });
  return { cart, result, keys };
}

beforeAll(async () => {
  emu = await bootEmulator(7606, '2025-01-15T09:00:00Z');
  database = await openTestDatabase();
  setup = clientFor(emu).client;
  customerId = (
    await setup.customers.create(customerInput('faultyco', 'Faulty Co'), { operationKey: opKey('customer') })
  ).id;
  for (let i = 0; i < 11; i++) {
    await setup.customers.create(customerInput(`faultpeer${i}`, `Fault Peer ${i}`), {
      operationKey: opKey('customer'),
    });
  }
  const [availability] = await setup.catalog.listAvailabilities('CFQ7TTC0LH18', '0001', { country: 'US' });
  basicItem = availability!.catalogItemId!;
});

afterAll(async () => {
  if (emu) {
    await printSummary('faults', recorder, emu);
    const s = await stats();
    console.log(
      `[client-emulator:faults] emulator requests: ${s.requests.total}, faults by kind: ${JSON.stringify(s.faults.byKind)}, ` +
        `by status: ${JSON.stringify(s.faults.byStatus)}, idempotent replays: ${s.idempotentReplays}`,
    );
  }
  await emu?.close();
  await database?.close();
});

describe('client ↔ emulator under faults', () => {
  it('completes reads and purchases through 429 (Retry-After), 500, 503, latency and timeouts', async () => {
    const waits: number[] = [];
    // Retry-After waits are asked for in full (checked below) but slept only briefly, to keep the run short.
    const pc = clientFor(emu, { recorder, retry: RETRY, sleep: recordingSleep(waits, 20) }).client;
    const before = await stats();
    await admin(emu, 'POST', '/faults', {
      errorRate: 0.3,
      statuses: [429, 500, 503],
      retryAfterSeconds: 1,
      latencyMs: 5,
      timeoutRate: 0.05,
    });
    try {
      const customers = await collectAll(pc.customers.list({ size: 5 }));
      expect(customers).toHaveLength(12);
      expect(new Set(customers.map((c) => c.id)).size).toBe(12);
      expect((await pc.customers.get(customerId)).companyProfile?.domain).toBe('faultyco.onmicrosoft.com');
      const products = await pc.catalog.listProducts({ country: 'US', targetView: 'OnlineServices' });
      expect(products.map((p) => p.id)).toContain('CFQ7TTC0LH18');
      for (const product of products) {
        const skus = await pc.catalog.listSkus(product.id, { country: 'US' });
        const [availability] = await pc.catalog.listAvailabilities(product.id, skus[0]!.id, {
          country: 'US',
        });
        expect(availability?.catalogItemId).toBe(`${product.id}:${skus[0]!.id}:${availability?.id}`);
      }
      const sku = await pc.catalog.getSku('CFQ7TTC0LH18', '0001', { country: 'US' });
      expect(sku.title).toBe('Microsoft 365 Business Basic');
      const sheet = await pc.catalog.downloadPriceSheet({ market: 'US', view: 'updatedlicensebased' });
      const rows = await collectAll(sheet.rows());
      expect(rows.find((r) => r.ProductId === 'CFQ7TTC0LH18' && r.TermDuration === 'P1M')?.UnitPrice).toBe(
        '6.12',
      );

      const bought = [];
      for (let i = 1; i <= 6; i++) bought.push(await buy(pc, i));
      const subscriptionIds = bought.map((b) => b.result.orders[0]!.lineItems[0]!.subscriptionId!);
      expect(new Set(subscriptionIds).size).toBe(6);
      const subscriptions = await pc.subscriptions.list(customerId);
      expect(subscriptions.map((s) => s.quantity)).toEqual([1, 2, 3, 4, 5, 6]);
      let first = await pc.subscriptions.get(customerId, subscriptionIds[0]!);
      for (const quantity of [3, 5]) {
        const result = await pc.subscriptions.setQuantity(customerId, first, quantity, {
          operationKey: opKey('qty'),
        });
        if (result.status !== 'updated') throw new Error('expected an updated subscription');
        first = result.subscription;
      }
      expect(first.quantity).toBe(5);
      const unbilled = await collectAll(
        pc.billing.unbilledOneTimeLineItems({ currencyCode: 'USD', period: 'current', size: 3 }),
      );
      // Six purchases ('new') plus two seat increases (each a refund and a recharge line).
      expect(unbilled.map((l) => l.chargeType)).toEqual([
        ...Array(6).fill('new'),
        ...Array(4).fill('addQuantity'),
      ]);
    } finally {
      await admin(emu, 'DELETE', '/faults');
    }

    const after = await stats();
    expect(after.faults.total - before.faults.total).toBeGreaterThan(20);
    for (const status of ['429', '500', '503'])
      expect(after.faults.byStatus[status] ?? 0).toBeGreaterThan(before.faults.byStatus[status] ?? 0);
    expect(after.purchases.total - before.purchases.total).toBe(6);
    expect(duplicatesIn(after.purchases.byRequestId)).toEqual([]);
    // The client waited exactly the Retry-After of every 429/503, and backed off briefly otherwise.
    const throttled = recorder.retries.filter((r) => r.status === 429 || r.status === 503);
    expect(throttled.length).toBeGreaterThan(0);
    expect(new Set(throttled.map((r) => r.waitMs))).toEqual(new Set([1000]));
    const others = recorder.retries.filter((r) => r.status === 500 || r.status === 0);
    expect(others.length).toBeGreaterThan(0);
    expect(others.every((r) => r.waitMs <= 40)).toBe(true);
    expect(waits.filter((w) => w === 1000)).toHaveLength(throttled.length);
  });

  it('gives up on hanging answers after the attempt timeout and retries until one arrives', async () => {
    const pc = clientFor(emu, { recorder, retry: RETRY }).client;
    const before = await stats();
    const retriesBefore = recorder.retries.length;
    // Exactly two hanging answers, whatever the timing of the machine, then normal service.
    await admin(emu, 'POST', '/faults', { timeoutRate: 1, maxFaults: 2 });
    try {
      const started = Date.now();
      const customer = await pc.customers.get(customerId);
      expect(customer.id).toBe(customerId);
      expect(Date.now() - started).toBeGreaterThanOrEqual(2 * RETRY.timeoutMs);
    } finally {
      await admin(emu, 'DELETE', '/faults');
    }
    const after = await stats();
    expect((after.faults.byKind.timeout ?? 0) - (before.faults.byKind.timeout ?? 0)).toBe(2);
    expect(recorder.retries.slice(retriesBefore).map((r) => r.status)).toEqual([0, 0]);
  });

  it('never buys twice when half of the purchase answers are lost (40 checkouts)', async () => {
    const { client: pc, ledger } = clientFor(emu, { recorder, retry: RETRY });
    const before = await stats();
    await admin(emu, 'POST', '/faults', {
      lostResponseRate: 0.5,
      methods: ['POST'],
      paths: ['/v1/customers/'],
    });
    const purchases: Awaited<ReturnType<typeof buy>>[] = [];
    try {
      for (let batch = 0; batch < 5; batch++) {
        purchases.push(...(await Promise.all(Array.from({ length: 8 }, () => buy(pc, 1)))));
      }
    } finally {
      await admin(emu, 'DELETE', '/faults');
    }
    const after = await stats();
    expect(after.faults.byKind.lostResponse - (before.faults.byKind.lostResponse ?? 0)).toBeGreaterThan(20);
    expect(after.idempotentReplays - before.idempotentReplays).toBeGreaterThan(20);
    expect(after.purchases.total - before.purchases.total).toBe(40);
    expect(after.subscriptionsCreated - before.subscriptionsCreated).toBe(40);
    const memory = ledger as InMemoryRequestLedger;
    const requestIds = purchases.map((p) => memory.get(p.keys.checkout)!.requestId);
    expect(new Set(requestIds).size).toBe(40);
    // Exactly one purchase per operation key (one MS-RequestId each), none twice.
    expect(requestIds.map((id) => after.purchases.byRequestId[id])).toEqual(Array(40).fill(1));
    expect(duplicatesIn(after.purchases.byRequestId)).toEqual([]);
    expect(new Set(purchases.map((p) => p.cart.id)).size).toBe(40);
    expect(purchases.every((p) => memory.get(p.keys.checkout)?.state === 'succeeded')).toBe(true);
  });

  it('buys once when the process crashes after the purchase and a new client retries from the database ledger', async () => {
    const crashing = clientFor(emu, {
      recorder,
      ledger: new DatabaseRequestLedger(database.db),
      retry: { ...RETRY, maxAttempts: 1 },
    }).client;
    const keys = { cart: opKey('cart'), checkout: opKey('checkout') };
    const cart = await crashing.orders.createCart(
      customerId,
      {
        lineItems: [{ catalogItemId: basicItem, quantity: 7, termDuration: 'P1M', billingCycle: 'monthly' }],
      },
      { operationKey: keys.cart },
    );
    const before = await stats();
    await admin(emu, 'POST', '/faults', {
      lostResponseRate: 1,
      methods: ['POST'],
      paths: [`/v1/customers/${customerId}/carts/${cart.id}/checkout`],
    });
    let lost: unknown;
    try {
      await crashing.orders.checkoutCart(customerId, cart.id, { operationKey: keys.checkout });
    } catch (error) {
      lost = error;
    } finally {
      await admin(emu, 'DELETE', '/faults');
    }
    expect(lost).toBeInstanceOf(PartnerCenterError);
    expect(lost).toMatchObject({ httpStatus: 0, category: 'network', retryable: true });
    const pending = await database.db
      .selectFrom('partner_center_requests')
      .selectAll()
      .where('operation_key', '=', keys.checkout)
      .executeTakeFirstOrThrow();
    expect(pending.state).toBe('pending');
    const requestId = pending.request_id;
    const mid = await stats();
    // Microsoft did buy; only the answer was lost.
    expect(mid.purchases.byRequestId[requestId]).toBe(1);
    expect(mid.purchases.total - before.purchases.total).toBe(1);

    // "Restart": a new client, a new ledger object on the same database, the same operation key.
    const restarted = clientFor(emu, {
      recorder,
      ledger: new DatabaseRequestLedger(database.db),
      retry: RETRY,
    }).client;
    const result = await restarted.orders.checkoutCart(customerId, cart.id, { operationKey: keys.checkout });
    expect(result.orders).toHaveLength(1);
    expect(result.orders[0]?.lineItems[0]?.quantity).toBe(7);
    const after = await stats();
    expect(after.purchases.byRequestId[requestId]).toBe(1);
    expect(after.purchases.total - before.purchases.total).toBe(1);
    expect(after.idempotentReplays - mid.idempotentReplays).toBe(1);
    const done = await database.db
      .selectFrom('partner_center_requests')
      .select(['request_id', 'state', 'http_status'])
      .where('operation_key', '=', keys.checkout)
      .executeTakeFirstOrThrow();
    expect(done).toEqual({ request_id: requestId, state: 'succeeded', http_status: 201 });
    const subscriptions = await restarted.subscriptions.list(customerId, { orderId: result.orders[0]!.id });
    expect(subscriptions.map((s) => s.quantity)).toEqual([7]);
    expect(duplicatesIn(after.purchases.byRequestId)).toEqual([]);
  });
});
