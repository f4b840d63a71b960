import { Money } from '@cspc/core';
import { type RawBuilder, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoAzureUsage } from '../../packages/server/src/modules/usage/demo-usage-plans.ts';
import { seedDemoOrders } from '../../packages/server/src/seed/demo.ts';
import { type OrdersWorld, startOrdersWorld } from '../orders/support.ts';
import { json } from '../support/http.ts';

// The demo as `cspc start` builds it: organisations (with usage under the seeded tenant ids), the
// demo catalog and price books, the demo orders (which create the real tenants), then the usage
// job's demo step, which puts three months of usage on the customers' real Azure plans.

let w: OrdersWorld;

beforeAll(async () => {
  // Today, as the demo seed (which dates its usage by the wall clock) sees it.
  w = await startOrdersWorld({ seed: 5151, start: new Date().toISOString().slice(0, 19) + 'Z' });
  const orders = await seedDemoOrders(w.server.deps, w.orgs);
  expect(orders.problems).toEqual([]);
});
afterAll(async () => w?.close());

interface Summary {
  asOf: string | null;
  totals: { currency: string; sale: string; cost?: string; lines: number }[];
  byDay: { date: string; currency: string; sale: string }[];
  bySubscription: { subscriptionId: string; subscriptionName: string; customerName: string }[];
}

async function rows<T>(query: RawBuilder<T>): Promise<T[]> {
  return (await query.execute(w.server.deps.database.db)).rows;
}

describe('demo usage on the real Azure plans', () => {
  it('orders the missing Azure plans and re-seeds the usage under the real tenants and subscriptions', async () => {
    const costs = sql<{ customer: string; cost: string }>`
      SELECT o.name AS customer, trim_scale(sum(l.cost))::text AS cost FROM usage_lines l
      JOIN organizations o ON o.id = l.customer_id GROUP BY 1 ORDER BY 1`;
    const before = await rows(costs);
    const result = await seedDemoAzureUsage(w.server.deps);
    expect(result.problems).toEqual([]);
    expect(result.state).toBe('seeded');
    expect(result.plansOrdered).toBe(3);
    expect(result.customers.sort()).toEqual([
      'Customer A (Contoso Japan)',
      'Customer B (Fabrikam KK)',
      'Customer C (Northwind GmbH)',
      'Customer D (Tailspin Osaka)',
    ]);
    // The same three months, Microsoft's cost unchanged (only the ids and the ratings are new).
    expect(await rows(costs)).toEqual(before);
    // Every line carries its customer's current tenant id and belongs to the customer's Azure plan.
    const stale = await rows<{ n: string | number }>(sql`
      SELECT count(*) AS n FROM usage_lines l JOIN organizations o ON o.id = l.customer_id
      WHERE lower(l.customer_tenant_id) <> lower(o.tenant_id::text)
        OR NOT EXISTS (SELECT 1 FROM subscriptions s WHERE s.customer_id = l.customer_id
          AND s.kind = 'azure_plan' AND s.pc_subscription_id = l.subscription_id)`);
    expect(Number(stale[0]!.n)).toBe(0);
    const lines = await rows<{ n: string | number; months: string | number }>(sql`
      SELECT count(*) AS n, count(DISTINCT date_trunc('month', usage_date)) AS months FROM usage_lines`);
    expect(Number(lines[0]!.n)).toBe(result.lines);
    expect(Number(lines[0]!.months)).toBe(3);
    // The Azure subscriptions are the ones Partner Center lists for the plans.
    const client = await w.server.deps.partnerCenter.clientFor(w.orgs.provider!);
    const plans = await rows<{ pc_customer_id: string; pc_subscription_id: string }>(sql`
      SELECT pc_customer_id, pc_subscription_id FROM subscriptions WHERE kind = 'azure_plan'`);
    const known = new Set<string>();
    for (const p of plans) {
      for (const e of await client.subscriptions.listAzureEntitlements(
        p.pc_customer_id,
        p.pc_subscription_id,
      ))
        known.add(e.id);
    }
    const used = await rows<{ entitlement_id: string }>(sql`SELECT DISTINCT entitlement_id FROM usage_lines`);
    expect(used.map((u) => u.entitlement_id).every((id) => known.has(id))).toBe(true);
    // Once is enough.
    expect((await seedDemoAzureUsage(w.server.deps)).state).toBe('done');
  });

  it('is rated with the demo price books, and shows month to date to the customer and the provider', async () => {
    // The month of yesterday, the last day with usage (on the 1st, the month before).
    const period = new Date(w.now().getTime() - 86_400_000).toISOString().slice(0, 7);
    const rerate = await json<{ lines: number; linesChanged: number }>(
      await w.provider.post('/api/v1/usage/rerate', { period, dryRun: true }),
    );
    expect(rerate.lines).toBeGreaterThan(0);
    expect(rerate.linesChanged).toBe(0);
    const mine = await json<Summary>(await w.customerA.get(`/api/v1/usage/summary?period=${period}`));
    expect(mine.totals).toHaveLength(1);
    expect(mine.totals[0]).not.toHaveProperty('cost');
    expect(new Set(mine.bySubscription.map((s) => s.customerName))).toEqual(
      new Set(['Customer A (Contoso Japan)']),
    );
    const all = await json<Summary>(await w.provider.get(`/api/v1/usage/summary?period=${period}`));
    expect(all.totals.map((t) => t.currency).sort()).toEqual(['EUR', 'JPY']);
    expect(new Set(all.bySubscription.map((s) => s.customerName)).size).toBe(4);
  });

  it('has Customer A’s spike yesterday: at least double either of the two days before', async () => {
    const yesterday = new Date(w.now().getTime() - 86_400_000).toISOString().slice(0, 10);
    const days = await rows<{ date: string; sale: string }>(sql`
      SELECT usage_date::text AS date, sum(sale)::text AS sale FROM usage_lines l
      JOIN organizations o ON o.id = l.customer_id
      WHERE o.name = 'Customer A (Contoso Japan)' AND usage_date BETWEEN ${yesterday}::date - 2 AND ${yesterday}::date
      GROUP BY 1 ORDER BY 1`);
    expect(days.map((d) => d.date).at(-1)).toBe(yesterday);
    const [a, b, spike] = days.map((d) => Money.of(d.sale, 'JPY'));
    expect(spike!.greaterThanOrEqual(Money.max(a!, b!).times(2))).toBe(true);
  });
});
