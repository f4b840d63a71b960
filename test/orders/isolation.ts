import { sql } from 'kysely';
import { executeOrder } from '../../packages/server/src/modules/orders/execute-order.ts';
import { orderServices } from '../../packages/server/src/modules/orders/order-services.ts';
import { type Caller, json } from '../support/http.ts';
import type { TestServer } from '../support/test-server.ts';

/**
 * The tenant isolation matrix's resources of #5 for a victim subtree: an order (for an own
 * product, so no Partner Center is needed), its provisioning task and subscription, a quote and an
 * account record (sellers), and a drift entry. Used by test/api/tenant-isolation.test.ts.
 */

export interface OrderResources {
  orders: string[];
  quotes: string[];
  subscriptions: string[];
  tasks: string[];
  drift: string[];
  records: { id: string; recordId: string }[];
}

async function ok<T>(response: Response, what: string): Promise<T> {
  if (response.status >= 300) throw new Error(`${what}: ${response.status} ${await response.text()}`);
  return json<T>(response);
}

export async function orderResources(
  server: TestServer,
  provider: Caller,
  victim: Caller,
  organizations: readonly string[],
  product: string,
  seller: boolean,
): Promise<OrderResources> {
  const visible = await ok<{ items: { id: string; kind: string }[] }>(
    await victim.get('/api/v1/organizations?limit=200'),
    'organizations',
  );
  const customer = visible.items.find((o) => o.kind === 'customer' && organizations.includes(o.id))!.id;
  const order = await ok<{ id: string }>(
    await victim.post('/api/v1/orders', {
      customerId: customer,
      lines: [
        { type: 'own_product', ownProductId: product, quantity: 1, term: 'P1M', billingCycle: 'monthly' },
      ],
    }),
    'order',
  );
  const services = orderServices(server.deps);
  await executeOrder(services, order.id, { id: `isolation-${order.id}`, attempt: 0 });
  const task = await server.deps.database.db
    .selectFrom('provisioning_tasks')
    .select(['id', 'assignee_org_id'])
    .where('order_id', '=', order.id)
    .executeTakeFirstOrThrow();
  const completer = seller ? victim : provider;
  const done = await ok<{ subscriptionId: string }>(
    await completer.post(`/api/v1/provisioning/tasks/${task.id}/complete`, {}),
    'task',
  );
  const resources: OrderResources = {
    orders: [order.id],
    quotes: [],
    subscriptions: [done.subscriptionId],
    tasks: [task.id],
    drift: [],
    records: [],
  };
  if (seller) {
    const quote = await ok<{ id: string }>(
      await victim.post('/api/v1/quotes', {
        customerId: customer,
        lines: [{ ownProductId: product, quantity: 1 }],
      }),
      'quote',
    );
    resources.quotes.push(quote.id);
    const record = await ok<{ id: string }>(
      await victim.post(`/api/v1/organizations/${customer}/records`, { kind: 'note', title: 'Victim note' }),
      'record',
    );
    resources.records.push({ id: customer, recordId: record.id });
  }
  const providerId = (
    await server.deps.database.db
      .selectFrom('orders')
      .select('provider_id')
      .where('id', '=', order.id)
      .executeTakeFirstOrThrow()
  ).provider_id;
  const { rows } = await sql<{ id: string }>`
    INSERT INTO subscription_drift (provider_id, customer_id, pc_customer_id, pc_subscription_id, kind, microsoft_value)
    VALUES (${providerId}, ${customer}, 'victim-tenant', ${`victim-${order.id}`}, 'unknown_subscription', 'Victim × 1')
    RETURNING id`.execute(server.deps.database.db);
  resources.drift.push(rows[0]!.id);
  return resources;
}
