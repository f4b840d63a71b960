import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderView } from '../../packages/server/src/modules/orders/orders.repository.ts';
import { json } from '../support/http.ts';
import { BASIC, expectStatus, NEW_TENANT, type OrdersWorld, rows, startOrdersWorld } from './support.ts';

// Future-dated orders fire at their instant, exactly once, across a restart and with several
// workers; Idempotency-Key makes a repeated or double-submitted order one order and one purchase.
// The application clock ticks with the wall clock here (from an emulated start), so pg-boss's
// startAfter and the order's effective instant are both real, a few seconds ahead.

let w: OrdersWorld;
let subscriptionId = '';

async function place(body: unknown, headers?: Record<string, string>) {
  const response = await w.provider.post('/api/v1/orders', body, headers);
  await expectStatus(response, 201);
  return {
    order: await json<OrderView>(response),
    replayed: response.headers.get('idempotent-replayed') === 'true',
  };
}

async function purchasesAtMicrosoft(): Promise<{ total: number; byRequestId: Record<string, number> }> {
  return (await w.emulator('/stats')).purchases as { total: number; byRequestId: Record<string, number> };
}

beforeAll(async () => {
  w = await startOrdersWorld({ seed: 6262, clock: 'ticking' });
  await w.startWorker();
  const { order } = await place({
    customerId: w.orgs['customer-b'],
    tenant: NEW_TENANT('fabrikam6262'),
    lines: [{ type: 'purchase', sku: BASIC, quantity: 5, term: 'P1Y', billingCycle: 'monthly' }],
  });
  const done = await w.waitForOrder(order.id);
  expect(done.state).toBe('completed');
  subscriptionId = done.lines[0]!.createdSubscriptionId!;
});
afterAll(async () => w?.close());

describe('Idempotency-Key', () => {
  const body = () => ({
    customerId: w.orgs['customer-b'],
    lines: [{ type: 'purchase', sku: BASIC, quantity: 2, term: 'P1M', billingCycle: 'monthly' }],
  });

  it('returns the first order for the same key and body, and refuses another body', async () => {
    const first = await place(body(), { 'idempotency-key': 'order-7001' });
    const again = await place(body(), { 'idempotency-key': 'order-7001' });
    expect(first.replayed).toBe(false);
    expect(again.replayed).toBe(true);
    expect(again.order.id).toBe(first.order.id);
    const other = await w.provider.post(
      '/api/v1/orders',
      {
        ...body(),
        lines: [{ type: 'purchase', sku: BASIC, quantity: 3, term: 'P1M', billingCycle: 'monthly' }],
      },
      { 'idempotency-key': 'order-7001' },
    );
    expect(other.status).toBe(422);
    expect(((await other.json()) as { error: { code: string } }).error.code).toBe('idempotency_key_reused');
    await w.waitForOrder(first.order.id);
  });

  it('makes one order and one purchase of two concurrent submissions', async () => {
    const before = await purchasesAtMicrosoft();
    const [a, b] = await Promise.all([
      w.provider.post('/api/v1/orders', body(), { 'idempotency-key': 'order-7002' }),
      w.provider.post('/api/v1/orders', body(), { 'idempotency-key': 'order-7002' }),
    ]);
    expect([a.status, b.status]).toEqual([201, 201]);
    const [orderA, orderB] = [await json<OrderView>(a), await json<OrderView>(b)];
    expect(orderA.id).toBe(orderB.id);
    const done = await w.waitForOrder(orderA.id);
    expect(done.state).toBe('completed');
    const after = await purchasesAtMicrosoft();
    expect(after.total - before.total).toBe(1);
    const orders = await rows<{ n: string }>(
      w,
      `SELECT count(*)::text AS n FROM idempotency_keys WHERE key = 'order-7002'`,
    );
    expect(orders[0]!.n).toBe('1');
  });

  it('keeps a double-clicked subscription change to one change', async () => {
    const headers = { 'idempotency-key': 'qty-7003' };
    const [a, b] = await Promise.all([
      w.provider.post(`/api/v1/subscriptions/${subscriptionId}/quantity`, { quantity: 7 }, headers),
      w.provider.post(`/api/v1/subscriptions/${subscriptionId}/quantity`, { quantity: 7 }, headers),
    ]);
    const [orderA, orderB] = [await json<OrderView>(a), await json<OrderView>(b)];
    expect(orderA.id).toBe(orderB.id);
    await w.waitForOrder(orderA.id);
    const events = await json<{ items: { kind: string }[] }>(
      await w.provider.get(`/api/v1/subscriptions/${subscriptionId}/events`),
    );
    expect(events.items.filter((e) => e.kind === 'quantity_changed')).toHaveLength(1);
  });
});

describe('future-dated orders', () => {
  it('fire at their instant in the provider’s time zone, once, across a restart and with several workers', async () => {
    await w.stopWorkers();
    // 30 seconds before midnight of 1 February in Tokyo.
    await w.setNow('2025-01-31T14:59:30Z');
    const purchase = await place({
      customerId: w.orgs['customer-b'],
      effective: 'next_month',
      lines: [{ type: 'purchase', sku: BASIC, quantity: 4, term: 'P1Y', billingCycle: 'monthly' }],
    });
    expect(purchase.order.state).toBe('scheduled');
    expect(purchase.order.effectiveAt).toBe('2025-01-31T15:00:00.000Z');
    expect(purchase.order.effectiveDate).toBe('2025-02-01');
    const change = await json<OrderView>(
      await expectStatus(
        await w.provider.post(`/api/v1/subscriptions/${subscriptionId}/quantity`, {
          quantity: 9,
          effectiveDate: '2025-02-01',
        }),
        202,
      ),
    );
    expect(change.state).toBe('scheduled');
    const jobs = await rows<{ n: string }>(
      w,
      `SELECT count(*)::text AS n FROM pgboss.job WHERE name = 'orders.execute' AND state = 'created' AND start_after > now()`,
    );
    expect(Number(jobs[0]!.n)).toBeGreaterThanOrEqual(2);

    // A worker starts, the process restarts (stop, start), and then two workers run.
    const first = await w.startWorker();
    await first.runner.stop();
    await w.stopWorkers();
    await w.startWorker();
    await w.startWorker();
    // Until its instant nothing happens (the workers poll every half second).
    while (w.now().getTime() < Date.parse('2025-01-31T14:59:57Z')) {
      expect((await w.order(purchase.order.id)).state).toBe('scheduled');
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    // Microsoft's clock reaches midnight in Tokyo as well.
    await w.emulator('/clock', { set: '2025-01-31T15:00:00Z' });

    const bought = await w.waitForOrder(purchase.order.id, ['completed', 'failed'], 30_000);
    const changed = await w.waitForOrder(change.id, ['completed', 'failed'], 30_000);
    expect([bought.state, changed.state]).toEqual(['completed', 'completed']);
    for (const order of [bought, changed]) {
      const due = order.history.filter((h) => h.event === 'due');
      expect(due).toHaveLength(1);
      expect(Date.parse(due[0]!.at)).toBeGreaterThanOrEqual(Date.parse('2025-01-31T15:00:00Z'));
    }
    // Priced for the day it takes effect, and bought once.
    const created = await json<{ termStart: string; quantity: number }>(
      await w.provider.get(`/api/v1/subscriptions/${bought.lines[0]!.createdSubscriptionId}`),
    );
    expect(created).toMatchObject({ termStart: '2025-01-31', quantity: 4 });
    const stats = await purchasesAtMicrosoft();
    expect(Object.values(stats.byRequestId).every((n) => n === 1)).toBe(true);
    const local = await rows<{ n: string }>(
      w,
      `SELECT count(*)::text AS n FROM subscriptions WHERE pc_subscription_id IS NOT NULL`,
    );
    expect(Number(local[0]!.n)).toBe(stats.total);
    const events = await json<{
      items: { kind: string; quantityAfter: number; details: { scheduledFor?: string } }[];
    }>(await w.provider.get(`/api/v1/subscriptions/${subscriptionId}/events`));
    const notice = await rows<{ n: string }>(
      w,
      `SELECT count(*)::text AS n FROM notification_events WHERE type = 'scheduled_change_executed' AND subject_id = '${subscriptionId}'`,
    );
    expect(notice[0]!.n).toBe('1');
    const last = events.items.at(-1)!;
    expect([last.kind, last.quantityAfter, last.details.scheduledFor]).toEqual([
      'quantity_changed',
      9,
      '2025-01-31T15:00:00.000Z',
    ]);
  });

  it('forgets an Idempotency-Key after 24 hours', async () => {
    await w.setNow('2025-02-02T16:00:00Z');
    const body = {
      customerId: w.orgs['customer-b'],
      lines: [{ type: 'purchase', sku: BASIC, quantity: 2, term: 'P1M', billingCycle: 'monthly' }],
    };
    const again = await place(body, { 'idempotency-key': 'order-7001' });
    expect(again.replayed).toBe(false);
    await w.waitForOrder(again.order.id);
  });
});
