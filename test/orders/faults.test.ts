import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderServices } from '../../packages/server/src/modules/orders/order-services.ts';
import type { OrderView } from '../../packages/server/src/modules/orders/orders.repository.ts';
import { sweepOrders } from '../../packages/server/src/modules/orders/sweep-orders.ts';
import { reconcileProvider } from '../../packages/server/src/modules/subscriptions/reconcile-subscriptions.ts';
import { json } from '../support/http.ts';
import {
  BASIC,
  DEFENDER,
  expectStatus,
  FINAL,
  NEW_TENANT,
  type OrdersWorld,
  PREMIUM,
  rows,
  STANDARD,
  startOrdersWorld,
} from './support.ts';

// 200 orders of mixed patterns against Partner Center failing 20% of the time (429, 500, 503,
// hanging requests, answers lost after the work was done), with two workers of which one is killed
// in the middle of the run and replaced. Every order must end completed or failed with a reason,
// Microsoft must never have bought anything twice, and our subscriptions must match Microsoft's.

let w: OrdersWorld;
const CUSTOMERS = 40;
const started = Date.now();

const FAULTS = {
  errorRate: 0.1,
  statuses: [429, 500, 503],
  retryAfterSeconds: 0,
  timeoutRate: 0.04,
  lostResponseRate: 0.06,
};

beforeAll(async () => {
  w = await startOrdersWorld({
    seed: 7373,
    retry: { maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 40, timeoutMs: 1500 },
    timings: { retryLimit: 6, retryDelaySeconds: 1, leaseSeconds: 4 },
  });
});
afterAll(async () => w?.close());

/** POST /orders as a client would: on 503 (Microsoft unreachable while checking), again with the same key. */
async function submit(body: unknown, key: string): Promise<OrderView> {
  for (let attempt = 1; ; attempt++) {
    const response = await w.provider.post('/api/v1/orders', body, { 'idempotency-key': key });
    if (response.status === 201) return json<OrderView>(response);
    if (response.status === 503 && attempt < 8) continue;
    throw new Error(`order ${key}: ${response.status} ${await response.text()}`);
  }
}

async function inBatches<T, R>(items: readonly T[], size: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size)
    out.push(...(await Promise.all(items.slice(i, i + size).map(fn))));
  return out;
}

async function states(ids: readonly string[]): Promise<Map<string, string>> {
  const list = await rows<{ id: string; state: string }>(
    w,
    `SELECT id, state FROM orders WHERE id IN (${ids.map((id) => `'${id}'`).join(',')})`,
  );
  return new Map(list.map((r) => [r.id, r.state]));
}

/** Waits until every order is final, sweeping (as the every-minute job does) to recover stalled ones. */
async function settle(ids: readonly string[], timeoutMs: number, during?: (done: number) => Promise<void>) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const current = await states(ids);
    const done = [...current.values()].filter((s) => (FINAL as readonly string[]).includes(s)).length;
    if (during) await during(done);
    if (done === ids.length) return;
    if (Date.now() > deadline) {
      const open = [...current.entries()].filter(([, s]) => !(FINAL as readonly string[]).includes(s));
      throw new Error(`${open.length} orders not final: ${JSON.stringify(open.slice(0, 5))}`);
    }
    await sweepOrders(orderServices(w.server.deps), { minAgeSeconds: 2 });
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

describe('provisioning under Partner Center faults', () => {
  it('ends every one of 200 orders completed or failed with a reason, buys nothing twice, and stays consistent', async () => {
    const workerA = await w.startWorker();
    await w.startWorker();
    await w.emulator('/faults', FAULTS);

    // Phase 1: 40 new customers, each with a new tenant and two licences.
    const customers = await inBatches(
      Array.from({ length: CUSTOMERS }, (_, i) => i),
      8,
      async (i) => {
        const response = await w.provider.post('/api/v1/organizations', {
          parentId: w.orgs.provider,
          kind: 'customer',
          name: `Fault Customer ${i}`,
          country: 'JP',
          currency: 'JPY',
          timeZone: 'Asia/Tokyo',
          locale: 'ja',
        });
        return (await json<{ id: string }>(await expectStatus(response, 201))).id;
      },
    );
    const first = await inBatches(customers, 4, (customerId) =>
      submit(
        {
          customerId,
          tenant: NEW_TENANT(`fault${customers.indexOf(customerId)}x7373`),
          lines: [
            { type: 'purchase', sku: BASIC, quantity: 5, term: 'P1Y', billingCycle: 'monthly' },
            { type: 'purchase', sku: STANDARD, quantity: 2, term: 'P1M', billingCycle: 'monthly' },
          ],
        },
        `phase1-${customerId}`,
      ),
    );
    await settle(
      first.map((o) => o.id),
      240_000,
    );

    // Phase 2: 160 orders on the customers that got their tenant: purchases, add-ons, Azure
    // plans, seat changes and auto-renew changes, some of two orders on one subscription at once.
    const ready: { customerId: string; basic: string; standard: string }[] = [];
    for (const order of first) {
      const view = await w.order(order.id);
      if (view.state === 'completed') {
        ready.push({
          customerId: view.customerId,
          basic: view.lines[0]!.createdSubscriptionId!,
          standard: view.lines[1]!.createdSubscriptionId!,
        });
      }
    }
    const second: { body: unknown; key: string }[] = [];
    for (const [i, c] of ready.entries()) {
      const purchase = [
        {
          type: 'add_on',
          sku: DEFENDER,
          quantity: 2,
          term: 'P1Y',
          billingCycle: 'monthly',
          parentSubscriptionId: c.basic,
        },
        { type: 'purchase', sku: PREMIUM, quantity: 1 + (i % 3), term: 'P1Y', billingCycle: 'monthly' },
        { type: 'azure_plan' },
      ][i % 3];
      second.push(
        { key: `p2-buy-${i}`, body: { customerId: c.customerId, lines: [purchase] } },
        {
          key: `p2-up-${i}`,
          body: {
            customerId: c.customerId,
            lines: [{ type: 'change_quantity', subscriptionId: c.basic, quantity: 6 + (i % 4) }],
          },
        },
        {
          key: `p2-down-${i}`,
          body: {
            customerId: c.customerId,
            lines: [{ type: 'change_quantity', subscriptionId: c.standard, quantity: 1 }],
          },
        },
        {
          key: `p2-renew-${i}`,
          body: {
            customerId: c.customerId,
            lines: [{ type: 'set_auto_renew', subscriptionId: c.standard, enabled: false }],
          },
        },
      );
    }
    const secondOrders = await inBatches(second, 4, ({ body, key }) => submit(body, key));
    const all = [...first, ...secondOrders].map((o) => o.id);
    let killed = false;
    let inFlight = 0;
    await settle(
      secondOrders.map((o) => o.id),
      300_000,
      async (done) => {
        // A worker process dies in the middle of the run; another one is started.
        if (!killed && done >= secondOrders.length * 0.3) {
          killed = true;
          inFlight = Number(
            (
              await rows<{ n: string }>(
                w,
                `SELECT count(*)::text AS n FROM orders WHERE state = 'provisioning' OR (state IN ('submitted', 'scheduled'))`,
              )
            )[0]!.n,
          );
          workerA.kill();
          await workerA.runner.stop();
          await w.startWorker();
        }
      },
    );
    expect(killed).toBe(true);
    await w.emulator('/faults', {}, 'DELETE');

    // Every order is final; every one that did not complete says why.
    const views = await Promise.all(all.map((id) => w.order(id)));
    const byState = new Map<string, number>();
    for (const v of views) byState.set(v.state, (byState.get(v.state) ?? 0) + 1);
    for (const v of views) {
      expect(FINAL).toContain(v.state);
      if (v.state !== 'completed') {
        expect(v.failureReason ?? '', `order ${v.number}`).not.toBe('');
        for (const line of v.lines.filter((l) => l.status === 'failed'))
          expect(line.failureReason).toBeTruthy();
      }
    }

    // Nothing bought twice: every MS-RequestId was executed once, and Microsoft has exactly the
    // subscriptions we recorded.
    const stats = (await w.emulator('/stats')) as {
      purchases: { total: number; byRequestId: Record<string, number> };
      faults: { total: number; byKind: Record<string, number> };
      subscriptionsCreated: number;
      idempotentReplays: number;
    };
    const duplicates = Object.values(stats.purchases.byRequestId).filter((n) => n > 1).length;
    const local = await rows<{ n: string }>(
      w,
      'SELECT count(*)::text AS n FROM subscriptions WHERE pc_subscription_id IS NOT NULL',
    );
    const boughtLines = await rows<{ n: string; distinct_subs: string }>(
      w,
      `SELECT count(*)::text AS n, count(DISTINCT created_subscription_id)::text AS distinct_subs
       FROM order_lines WHERE kind IN ('purchase', 'add_on', 'azure_plan') AND status = 'succeeded'`,
    );
    expect(duplicates).toBe(0);
    expect(stats.subscriptionsCreated).toBe(Number(local[0]!.n));
    expect(stats.purchases.total).toBe(Number(boughtLines[0]!.n));
    expect(boughtLines[0]!.distinct_subs).toBe(boughtLines[0]!.n);

    // Our state equals Microsoft's: reconciliation finds no drift.
    const report = await reconcileProvider(orderServices(w.server.deps), w.orgs.provider!);
    expect(report.errors).toEqual([]);
    expect(report.driftOpen).toBe(0);
    const purchasedEvents = await rows<{ n: string }>(
      w,
      `SELECT count(DISTINCT subscription_id)::text AS n FROM subscription_events WHERE kind = 'purchased'`,
    );
    expect(purchasedEvents[0]!.n).toBe(local[0]!.n);
    const stuck = await rows<{ n: string }>(
      w,
      `SELECT count(*)::text AS n FROM orders WHERE claimed_by IS NOT NULL`,
    );
    expect(stuck[0]!.n).toBe('0');

    console.log(
      [
        'fault test:',
        `  orders: ${views.length} (${[...byState.entries()].map(([s, n]) => `${n} ${s}`).join(', ')})`,
        `  Partner Center requests faulted: ${stats.faults.total} (${Object.entries(stats.faults.byKind)
          .map(([k, n]) => `${n} ${k}`)
          .join(', ')}); replays answered from the first execution: ${stats.idempotentReplays}`,
        `  purchases at Microsoft: ${stats.purchases.total}, subscriptions: ${stats.subscriptionsCreated} (ours: ${local[0]!.n})`,
        `  duplicates = ${duplicates}; drift after reconciliation = ${report.driftOpen}; a worker was killed mid-run (${inFlight} orders not yet provisioned) and replaced`,
        `  took ${((Date.now() - started) / 1000).toFixed(1)} s`,
      ].join('\n'),
    );
  }, 900_000);
});
