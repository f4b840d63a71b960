import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processOutbox } from '../../packages/server/src/modules/notifications/process-outbox.ts';
import { orderJobDefinitions } from '../../packages/server/src/modules/orders/order-jobs.ts';
import { type OrdersWorld, startOrdersWorld } from '../orders/support.ts';
import { json, loginAs } from '../support/http.ts';

// Issue #9, "Done when": in the demo a renewal notice, a provisioning-complete mail and an alert
// mail appear in the outbox — the demo as `cspc start` builds it on its first start: the seed
// (budgets and their first alerts), then the `orders.demo-seed` job (orders, renewal notices),
// then the outbox worker.

let w: OrdersWorld;

beforeAll(async () => {
  w = await startOrdersWorld({ seed: 9090, start: `${new Date().toISOString().slice(0, 19)}Z` });
  const job = orderJobDefinitions(w.server.deps).find((j) => j.name === 'orders.demo-seed')!;
  await job.run({}, { id: 'demo', attempt: 0 });
  while ((await processOutbox(w.server.deps)).events > 0) {
    // until every event is fanned out
  }
}, 120_000);
afterAll(async () => w?.close());

interface Page {
  items: { channel: string; eventType: string; status: string }[];
  nextCursor: string | null;
}

describe('the demo outbox', () => {
  it('holds a renewal notice, provisioning-complete mails and alert mails after the first start', async () => {
    const provider = await loginAs(w.server.url, 'admin@demo-distributor.test');
    const mails = await json<Page>(
      await provider.get('/api/v1/notifications?recipient=all&channel=email&limit=200'),
    );
    const types = new Set(mails.items.map((n) => n.eventType));
    for (const type of ['renewal_notice', 'provisioning_completed', 'budget_threshold']) {
      expect(types, type).toContain(type);
    }
    expect(mails.items.every((n) => n.status === 'sent')).toBe(true);
    // A customer admin sees its own renewal notice in the notification centre.
    const customer = await loginAs(w.server.url, 'admin@customer-a.test');
    const own = await json<Page>(await customer.get('/api/v1/notifications?event=renewal_notice'));
    expect(own.items.length).toBeGreaterThan(0);
  });
});
