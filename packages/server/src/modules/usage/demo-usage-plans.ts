import { sql } from 'kysely';
import { permissionsOf } from '../../auth/permissions.ts';
import type { Scope } from '../../auth/scope.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../http/errors.ts';
import { DEMO_USERS } from '../../seed/demo.ts';
import { createOrder } from '../orders/create-order.ts';
import { executeOrder } from '../orders/execute-order.ts';
import { orderServices } from '../orders/order-services.ts';
import type { OrderInput, TenantInput } from '../orders/prepare-order.ts';
import { DEMO_SPIKE_CUSTOMER, demoUsageSpike, seedDemoUsage, type UsageCustomer } from './demo-usage.ts';

/**
 * The demo's Azure usage on the customers' real Azure plans (first start of `cspc start`, with the
 * emulator). The demo seed imports three months of usage when the organisations are created, under
 * the seeded tenant ids; the demo orders then create the customers' tenants at Partner Center, which
 * replaces those ids, and give Customer B its Azure plan. Once they have run, this:
 *
 * 1. orders Azure plans through the real order flow for the demo customers that have none — Customer
 *    A through Reseller A, Customer D through the sub-reseller, Customer C through Reseller B (which
 *    creates its tenant now; its licence order stays scheduled for the 1st);
 * 2. reads each plan's Azure subscriptions (entitlements) from Partner Center;
 * 3. removes the earlier demo usage and imports three months again (the same generator, through the
 *    real import, rated with the price books that now exist) under the real tenant, Azure plan and
 *    Azure subscription ids, with Customer A's spike yesterday (docs/usage.md).
 *
 * Runs once (a completed demo import with `request.basis = 'azure_plans'` marks it done); until the
 * demo orders exist it does nothing, so the usage job can simply try every minute.
 */

const DEMO_AZURE_PLANS: { customer: string; seller: string; tenant?: TenantInput }[] = [
  { customer: 'Customer A (Contoso Japan)', seller: 'Reseller A' },
  { customer: 'Customer D (Tailspin Osaka)', seller: 'Reseller A Sub (Osaka)' },
  {
    customer: 'Customer C (Northwind GmbH)',
    seller: 'Reseller B',
    tenant: {
      mode: 'new',
      domainPrefix: 'northwindde',
      companyName: 'Northwind GmbH',
      email: 'it@northwindde.example',
      culture: 'de-DE',
      language: 'de',
      contact: { firstName: 'Lena', lastName: 'Fischer', phoneNumber: '+49 30 123456' },
      address: { addressLine1: 'Unter den Linden 1', city: 'Berlin', postalCode: '10117', country: 'DE' },
    },
  },
];

export interface DemoAzureUsageResult {
  state: 'done' | 'waiting' | 'seeded';
  providerId: string | null;
  plansOrdered: number;
  customers: string[];
  lines: number;
  problems: string[];
}

function sellerScope(organizationId: string, kind: 'provider' | 'reseller'): Scope {
  return {
    organizationId,
    organizationKind: kind,
    role: 'admin',
    permissions: permissionsOf('admin'),
    actor: { type: 'system', id: null, label: 'demo seed' },
    userId: null,
    locale: 'en',
  };
}

export async function seedDemoAzureUsage(deps: Deps): Promise<DemoAzureUsageResult> {
  const db = deps.database.db;
  const result: DemoAzureUsageResult = {
    state: 'waiting',
    providerId: null,
    plansOrdered: 0,
    customers: [],
    lines: 0,
    problems: [],
  };
  const admin = await db
    .selectFrom('users as u')
    .innerJoin('memberships as m', 'm.user_id', 'u.id')
    .select('m.organization_id')
    .where('u.email', '=', DEMO_USERS[0]!.email)
    .executeTakeFirst();
  if (!admin) return result;
  const providerId = admin.organization_id;
  result.providerId = providerId;
  const done = await db
    .selectFrom('usage_imports')
    .select('id')
    .where('provider_id', '=', providerId)
    .where('channel', '=', 'demo')
    .where('status', '=', 'completed')
    .where(sql<boolean>`request->>'basis' = 'azure_plans'`)
    .executeTakeFirst();
  if (done) return { ...result, state: 'done' };
  // The demo orders (orders.demo-seed) come first: they create the tenants and Customer B's plan.
  const orders = await db
    .selectFrom('orders as o')
    .leftJoin('order_lines as l', (j) => j.onRef('l.order_id', '=', 'o.id').on('l.kind', '=', 'azure_plan'))
    .select(['o.customer_id', 'o.state', 'l.status as plan_line'])
    .where('o.provider_id', '=', providerId)
    .execute();
  const creatingTenant = ['submitted', 'awaiting_relationship', 'provisioning'];
  if (!orders.some((o) => o.plan_line !== null)) return result;
  // An Azure plan being provisioned: next time (one held for approval does not hold the demo up).
  if (orders.some((o) => o.plan_line === 'pending' && creatingTenant.includes(o.state))) return result;
  const orgs = await db
    .selectFrom('organization_tree as t')
    .innerJoin('organizations as o', 'o.id', 't.descendant_id')
    .select(['o.id', 'o.name', 'o.kind'])
    .where('t.ancestor_id', '=', providerId)
    .execute();
  const byName = new Map(orgs.map((o) => [o.name, o]));
  const linked = new Set(
    (await db.selectFrom('customer_tenants').select('organization_id').execute()).map(
      (t) => t.organization_id,
    ),
  );
  for (const plan of DEMO_AZURE_PLANS) {
    const customer = byName.get(plan.customer);
    if (!customer) continue;
    const theirs = orders.filter((o) => o.customer_id === customer.id);
    // Not all demo orders placed yet, or one still creating the customer's tenant: next time.
    if (theirs.length === 0) return result;
    if (!linked.has(customer.id) && theirs.some((o) => creatingTenant.includes(o.state))) return result;
  }
  const withPlan = new Set(
    orders.filter((o) => o.plan_line !== null && o.plan_line !== 'failed').map((o) => o.customer_id),
  );
  const services = orderServices(deps);
  for (const plan of DEMO_AZURE_PLANS) {
    const customer = byName.get(plan.customer);
    const seller = byName.get(plan.seller);
    if (!customer || !seller || withPlan.has(customer.id)) continue;
    const hasTenant = linked.has(customer.id);
    if (!hasTenant && !plan.tenant) continue;
    const input: OrderInput = {
      customerId: customer.id,
      ...(hasTenant ? {} : { tenant: plan.tenant }),
      reference: 'Azure plan (demo)',
      lines: [{ type: 'azure_plan' }],
    };
    try {
      const scope = sellerScope(seller.id, seller.kind === 'provider' ? 'provider' : 'reseller');
      const key = `demo:azure-plan:${customer.id}`;
      const { order } = await createOrder(services, scope, input, { idempotencyKey: key });
      if (order.state === 'submitted') await executeOrder(services, order.id, { id: key, attempt: 0 });
      result.plansOrdered += 1;
    } catch (error) {
      result.problems.push(
        `${plan.customer}: ${error instanceof AppError || error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  // Every active Azure plan of the provider's customers, with its Azure subscriptions.
  const plans = await db
    .selectFrom('subscriptions as s')
    .innerJoin('organizations as o', 'o.id', 's.customer_id')
    .leftJoin('customer_tenants as ct', 'ct.organization_id', 's.customer_id')
    .select([
      's.customer_id',
      's.pc_customer_id',
      's.pc_subscription_id',
      'o.name',
      'o.country',
      'o.currency',
      'o.domains',
      'ct.domain',
    ])
    .where('s.provider_id', '=', providerId)
    .where('s.kind', '=', 'azure_plan')
    .where('s.status', '=', 'active')
    .orderBy('o.name')
    .execute();
  if (plans.length === 0) return result;
  const client = await deps.partnerCenter.clientFor(providerId);
  const customers: UsageCustomer[] = [];
  for (const plan of plans) {
    if (!plan.pc_customer_id || !plan.pc_subscription_id) continue;
    try {
      const entitlements = await client.subscriptions.listAzureEntitlements(
        plan.pc_customer_id,
        plan.pc_subscription_id,
      );
      const active = entitlements.filter((e) => (e.status ?? 'active').toLowerCase() === 'active');
      if (active.length === 0) continue;
      customers.push({
        tenantId: plan.pc_customer_id,
        // Microsoft's name of the customer (the organisation's name without the demo's prefix)
        name: plan.name.replace(/^Customer [A-Z] \((.*)\)$/, '$1'),
        domain: plan.domain ?? plan.domains[0] ?? '',
        country: plan.country,
        billingCurrency: plan.currency.trim(),
        planSubscriptionId: plan.pc_subscription_id,
        entitlements: active.map((e, i) => ({
          id: e.id,
          name: e.friendlyName ?? `Azure subscription ${i + 1}`,
        })),
      });
      result.customers.push(plan.name);
    } catch (error) {
      result.problems.push(`${plan.name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (customers.length === 0) return result;
  // The same usage as the first seed gave each customer (its budgets and alerts were built on it).
  const seeded = await sql<{ customer_id: string; tenant: string }>`
    SELECT DISTINCT l.customer_id, l.customer_tenant_id AS tenant FROM usage_lines l
    JOIN usage_imports i ON i.id = l.import_id
    WHERE i.provider_id = ${providerId} AND i.channel = 'demo'`.execute(db);
  for (const customer of customers) {
    const plan = plans.find((p) => p.pc_customer_id === customer.tenantId)!;
    const before = seeded.rows.find((r) => r.customer_id === plan.customer_id);
    if (before) customer.usageOf = { tenantId: before.tenant, name: plan.name };
  }

  // The earlier demo usage (seeded tenant ids) goes; imports' history stays.
  await db.transaction().execute(async (trx) => {
    const old = sql`(SELECT id FROM usage_imports WHERE provider_id = ${providerId} AND channel = 'demo')`;
    await sql`DELETE FROM usage_lines WHERE provider_id = ${providerId} AND import_id IN ${old}`.execute(trx);
    await sql`DELETE FROM usage_daily_groups g USING usage_customer_days cd
      WHERE cd.import_id IN ${old} AND g.customer_id = cd.customer_id AND g.usage_date = cd.usage_date
        AND g.billing_currency = cd.billing_currency`.execute(trx);
    await sql`DELETE FROM usage_customer_days WHERE import_id IN ${old}`.execute(trx);
    await sql`DELETE FROM usage_subscriptions s
      WHERE s.customer_id IN (SELECT descendant_id FROM organization_tree WHERE ancestor_id = ${providerId})
        AND NOT EXISTS (SELECT 1 FROM usage_lines l WHERE l.customer_id = s.customer_id
          AND l.entitlement_id = s.entitlement_id)`.execute(trx);
  });
  const today = deps.clock.now().toISOString().slice(0, 10);
  const spiking = customers.find((c) => c.name === DEMO_SPIKE_CUSTOMER.tenantName);
  const imported = await seedDemoUsage(deps.database, {
    providerId,
    customers,
    today,
    ...(spiking ? { spikes: [demoUsageSpike(spiking.tenantId, today)] } : {}),
    request: { basis: 'azure_plans' },
  });
  result.state = 'seeded';
  result.lines = imported.linesLoaded + imported.linesReplaced;
  return result;
}
