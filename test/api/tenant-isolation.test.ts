import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processOutbox } from '../../packages/server/src/modules/notifications/process-outbox.ts';
import { type AlertResources, alertParamRoutes, alertResources } from '../alerts/isolation.ts';
import { billingParamRoutes, billingResources, type OwnedInvoice } from '../billing/isolation.ts';
import { publish } from '../notifications/support.ts';
import { type OrderResources, orderResources } from '../orders/isolation.ts';
import { type Caller, json, loginAs } from '../support/http.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

/**
 * The tenant isolation matrix. For every pair of an organisation A and a sibling (or cousin) B,
 * A's admin tries every route of the API against every resource of B's subtree: reads must be
 * 404/403, writes must be 404/403 and change nothing, and list endpoints must never return B's
 * data. The routes come from the OpenAPI document, so a new route without an entry below fails
 * this test until its isolation cases are written.
 */

interface Resources {
  organizations: string[];
  users: string[];
  apiKeys: string[];
  /** Own products and price rules the victim created (sellers only). */
  ownProducts: string[];
  priceRules: { sellerId: string; ruleId: string }[];
  /** A webhook endpoint with one (ping) delivery, and the victim admin's notifications (#9). */
  webhooks: string[];
  webhookDeliveries: { id: string; deliveryId: string }[];
  notifications: string[];
  /** Orders, quotes, subscriptions, provisioning tasks, drift and account records (#5). */
  orders: OrderResources;
}

const RULE_BODY = {
  name: 'Victim rule',
  kind: 'markup',
  percent: '7',
  target: { kind: 'all' },
  buyerScope: { kind: 'all' },
  effectiveFrom: '2025-01-01',
};
const OWN_PRODUCT_BODY = {
  name: 'Victim service',
  billingModel: 'recurring',
  offers: [{ term: 'P1M', billingCycle: 'monthly', unitPrice: '1000', cost: '600' }],
};

type ParamResolver = (b: Resources) => Record<string, string>[];

// Routes with path parameters: how to fill them with B's resources, and a body for writes.
const PARAM_ROUTES: Record<string, { params: ParamResolver; body?: (b: Resources) => unknown }> = {
  'GET /api/v1/organizations/{id}': { params: (b) => b.organizations.map((id) => ({ id })) },
  'PATCH /api/v1/organizations/{id}': {
    params: (b) => b.organizations.map((id) => ({ id })),
    body: () => ({ name: 'Taken over' }),
  },
  'GET /api/v1/users/{id}': { params: (b) => b.users.map((id) => ({ id })) },
  'PUT /api/v1/users/{id}/memberships/{organizationId}': {
    params: (b) => b.users.flatMap((id) => b.organizations.map((organizationId) => ({ id, organizationId }))),
    body: () => ({ role: 'readonly' }),
  },
  'DELETE /api/v1/users/{id}/memberships/{organizationId}': {
    params: (b) => b.users.flatMap((id) => b.organizations.map((organizationId) => ({ id, organizationId }))),
  },
  'DELETE /api/v1/api-keys/{id}': { params: (b) => b.apiKeys.map((id) => ({ id })) },
  // Catalog (#4): own products and price books of B's sellers.
  'GET /api/v1/catalog/products/{id}': { params: (b) => b.ownProducts.map((id) => ({ id })) },
  'GET /api/v1/catalog/own-products/{id}': { params: (b) => b.ownProducts.map((id) => ({ id })) },
  'PATCH /api/v1/catalog/own-products/{id}': {
    params: (b) => b.ownProducts.map((id) => ({ id })),
    body: () => ({ name: 'Taken over' }),
  },
  'DELETE /api/v1/catalog/own-products/{id}': { params: (b) => b.ownProducts.map((id) => ({ id })) },
  'GET /api/v1/price-books/{sellerId}': { params: (b) => b.organizations.map((sellerId) => ({ sellerId })) },
  'GET /api/v1/price-books/{sellerId}/rules': {
    params: (b) => b.organizations.map((sellerId) => ({ sellerId })),
  },
  'POST /api/v1/price-books/{sellerId}/rules': {
    params: (b) => b.organizations.map((sellerId) => ({ sellerId })),
    body: () => RULE_BODY,
  },
  'GET /api/v1/price-books/{sellerId}/rules/{ruleId}': { params: (b) => b.priceRules },
  'PATCH /api/v1/price-books/{sellerId}/rules/{ruleId}': {
    params: (b) => b.priceRules,
    body: () => ({ percent: '1' }),
  },
  'DELETE /api/v1/price-books/{sellerId}/rules/{ruleId}': { params: (b) => b.priceRules },
  // Notifications and webhooks (#9).
  'GET /api/v1/notifications/{id}': { params: (b) => b.notifications.map((id) => ({ id })) },
  'POST /api/v1/notifications/{id}/read': { params: (b) => b.notifications.map((id) => ({ id })) },
  'GET /api/v1/webhooks/{id}': { params: (b) => b.webhooks.map((id) => ({ id })) },
  'PATCH /api/v1/webhooks/{id}': {
    params: (b) => b.webhooks.map((id) => ({ id })),
    body: () => ({ url: 'http://127.0.0.1:9/taken-over' }),
  },
  'DELETE /api/v1/webhooks/{id}': { params: (b) => b.webhooks.map((id) => ({ id })) },
  'POST /api/v1/webhooks/{id}/ping': { params: (b) => b.webhooks.map((id) => ({ id })) },
  'GET /api/v1/webhooks/{id}/deliveries': { params: (b) => b.webhooks.map((id) => ({ id })) },
  'GET /api/v1/webhooks/{id}/deliveries/{deliveryId}': { params: (b) => b.webhookDeliveries },
  'POST /api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver': { params: (b) => b.webhookDeliveries },
  // Quotes, orders, subscriptions, provisioning tasks, drift and account records (#5).
  ...orderParamRoutes(),
  // Azure usage (#6): the provider's imports, which no other organisation may name.
  'GET /api/v1/usage/imports/{id}': { params: () => providerUsageImports.map((id) => ({ id })) },
  'GET /api/v1/usage/imports/{id}/quarantine': { params: () => providerUsageImports.map((id) => ({ id })) },
  // Budgets, credit limits and alerts (#8) about B's organisations.
  ...alertParamRoutes(() => alertIds),
  // Invoices B's organisations received (#7).
  ...billingParamRoutes(() => invoiceIds),
  // Manual lines on B's invoices (#7).
  'POST /api/v1/invoices/{id}/lines': {
    params: (b) => invoiceIds.filter((i) => b.organizations.includes(i.recipient)).map((i) => ({ id: i.id })),
    body: () => ({ description: 'taken over', quantity: '1', unitPrice: '1' }),
  },
  'DELETE /api/v1/invoices/{id}/lines/{lineId}': {
    params: (b) =>
      invoiceIds
        .filter((i) => b.organizations.includes(i.recipient))
        .map((i) => ({ id: i.id, lineId: '00000000-0000-4000-8000-000000000000' })),
  },
  // Metered usage of B's subscriptions (#7, usage-billed own services).
  'GET /api/v1/subscriptions/{id}/usage-records': {
    params: (b) => b.orders.subscriptions.map((id) => ({ id })),
  },
  'POST /api/v1/subscriptions/{id}/usage-records': {
    params: (b) => b.orders.subscriptions.map((id) => ({ id })),
    body: () => ({ date: '2026-11-01', quantity: '1' }),
  },
};

// Creating routes whose body names an organisation: pointing them at B must fail.
const BODY_REF_ROUTES: Record<string, (orgId: string) => unknown> = {
  'POST /api/v1/organizations': (parentId) => ({
    parentId,
    kind: 'customer',
    name: 'Smuggled KK',
    country: 'JP',
    currency: 'JPY',
    timeZone: 'Asia/Tokyo',
    locale: 'ja',
  }),
  'POST /api/v1/users': (organizationId) => ({
    email: `intruder-${Math.random().toString(36).slice(2)}@example.test`,
    name: 'Intruder',
    organizationId,
    role: 'customer_admin',
  }),
  'POST /api/v1/api-keys': (organizationId) => ({ name: 'stolen', role: 'readonly', organizationId }),
  'POST /api/v1/catalog/own-products': (sellerId) => ({ ...OWN_PRODUCT_BODY, sellerId }),
  'POST /api/v1/webhooks': (organizationId) => ({ url: 'http://127.0.0.1:9/stolen', organizationId }),
  'POST /api/v1/usage/rerate': (customerId) => ({ period: '2025-01', customerId, dryRun: true }),
  // #5: an order or a quote for B's organisations.
  'POST /api/v1/orders': (customerId) => ({
    customerId,
    lines: [
      {
        type: 'own_product',
        ownProductId: providerProduct,
        quantity: 1,
        term: 'P1M',
        billingCycle: 'monthly',
      },
    ],
  }),
  'POST /api/v1/quotes': (customerId) => ({
    customerId,
    lines: [{ ownProductId: providerProduct, quantity: 1 }],
  }),
  // #8: a budget or credit limit for B's organisations.
  'POST /api/v1/budgets': (customerId) => ({ customerId, entitlementId: 'intruder', plannedAmount: '1' }),
  'POST /api/v1/credit-limits': (organizationId) => ({ organizationId, warning: '1' }),
};

// Read routes whose query names an organisation: pointing them at B must fail. `item` is an own
// product of the provider, which every organisation may buy.
const QUERY_REF_ROUTES: Record<string, (orgId: string, item: string) => string> = {
  'GET /api/v1/price-quotes': (customer, sku) =>
    `?sku=${sku}&customer=${customer}&term=P1M&billingCycle=monthly`,
  // Accounting exports of another seller's books (#9).
  'GET /api/v1/exports/sales-journal': (org) => `?period=2026-01&organizationId=${org}`,
  'GET /api/v1/exports/purchase-journal': (org) => `?period=2026-01&organizationId=${org}`,
  // Azure usage of another tenant's customer (#6).
  'GET /api/v1/usage/summary': (org) => `?customerId=${org}`,
  'GET /api/v1/usage/breakdown': (org) => `?customerId=${org}&by=resource_group`,
  'GET /api/v1/usage/export.csv': (org) => `?customerId=${org}`,
  'GET /api/v1/usage/rates': (org) => `?customerId=${org}`,
  // The credit outcome of an order for B's customer (#8).
  'GET /api/v1/credit-limits/check': (org) => `?customerId=${org}&amount=1`,
  // The invoice preview of B's customer (#7).
  'GET /api/v1/invoices/preview': (org) => `?customerId=${org}&period=2026-01`,
};

// Read routes without parameters: list endpoints that must filter B out.
const LIST_ROUTES = [
  'GET /api/v1/organizations',
  'GET /api/v1/users',
  'GET /api/v1/api-keys',
  'GET /api/v1/audit',
  'GET /api/v1/catalog/products',
  'GET /api/v1/catalog/changes',
  'GET /api/v1/catalog/azure-meters',
  'GET /api/v1/catalog/own-products',
  'GET /api/v1/catalog/exchange-rates',
  'GET /api/v1/price-books',
  'GET /api/v1/price-books/warnings',
  'GET /api/v1/notifications',
  'GET /api/v1/webhooks',
  // Azure usage (#6): the caller's own seat only; imports are the provider's (403 for others).
  'GET /api/v1/usage/summary',
  'GET /api/v1/usage/breakdown',
  'GET /api/v1/usage/export.csv',
  'GET /api/v1/usage/rates',
  'GET /api/v1/usage/imports',
  // #5
  'GET /api/v1/orders',
  'GET /api/v1/quotes',
  'GET /api/v1/subscriptions',
  'GET /api/v1/subscriptions/drift',
  'GET /api/v1/provisioning/tasks',
  // #8
  'GET /api/v1/budgets',
  'GET /api/v1/credit-limits',
  'GET /api/v1/alerts',
  // #7: invoices issued or received by the caller, its billing runs
  'GET /api/v1/invoices',
  'GET /api/v1/billing-runs',
  'GET /api/v1/credit-notes',
];

// Routes about the caller itself: nothing of another tenant can be named through them.
const SELF_ROUTES = [
  'POST /api/v1/auth/login',
  'POST /api/v1/auth/logout',
  'GET /api/v1/me',
  'PATCH /api/v1/me',
  'POST /api/v1/me/password',
  // The provider's own Partner Center connection: keyed by the caller's organisation, never by id.
  'GET /api/v1/partner-center/connection',
  'PUT /api/v1/partner-center/connection',
  'POST /api/v1/partner-center/connection/test',
  // The provider's catalog sync, its settings and its exchange rates: keyed by the caller.
  'POST /api/v1/catalog/sync',
  'GET /api/v1/catalog/sync-settings',
  'PUT /api/v1/catalog/sync-settings',
  'PUT /api/v1/catalog/exchange-rates',
  // The caller's own notification centre, settings and preferences; templates are examples (#9).
  'POST /api/v1/notifications/read-all',
  'GET /api/v1/notifications/templates/{event}/preview',
  'GET /api/v1/notification-settings',
  'PUT /api/v1/notification-settings',
  'GET /api/v1/notification-settings/me',
  'PUT /api/v1/notification-settings/me',
  // Usage imports into the caller's own provider (#6): nothing of another tenant can be named.
  'POST /api/v1/usage/imports',
  'POST /api/v1/usage/pull',
  // Reconciliation of the caller's own provider with Partner Center (#5).
  'POST /api/v1/subscriptions/reconcile',
  // Whether a new *.onmicrosoft.com domain is free, through the caller's own provider (#10).
  'GET /api/v1/orders/domain-availability',
  // The caller's own billing profile and billing runs (#7): keyed by the caller's organisation.
  'GET /api/v1/billing-profile',
  'PUT /api/v1/billing-profile',
  'POST /api/v1/billing-runs',
  // The caller's own margin report and (provider) cost reconciliation (#7): keyed by the caller.
  'GET /api/v1/reports/margin',
  'GET /api/v1/reconciliation',
  'POST /api/v1/reconciliation/import',
];

/** #5: the routes of orders, quotes, subscriptions, tasks, drift and records, on B's resources. */
function orderParamRoutes(): Record<string, { params: ParamResolver; body?: (b: Resources) => unknown }> {
  const ids = (pick: (o: OrderResources) => string[]) => (b: Resources) =>
    pick(b.orders).map((id) => ({ id }));
  const orders = ids((o) => o.orders);
  const subs = ids((o) => o.subscriptions);
  const routes: Record<string, { params: ParamResolver; body?: (b: Resources) => unknown }> = {
    'GET /api/v1/orders/{id}': { params: orders },
    'POST /api/v1/orders/{id}/approve': { params: orders },
    'POST /api/v1/orders/{id}/reject': { params: orders, body: () => ({ reason: 'taken over' }) },
    'POST /api/v1/orders/{id}/cancel': { params: orders },
    'POST /api/v1/orders/{id}/check-relationship': { params: orders },
    'GET /api/v1/quotes/{id}': { params: ids((o) => o.quotes) },
    'PATCH /api/v1/quotes/{id}': { params: ids((o) => o.quotes), body: () => ({ title: 'Taken over' }) },
    'POST /api/v1/quotes/{id}/send': { params: ids((o) => o.quotes) },
    'POST /api/v1/quotes/{id}/accept': { params: ids((o) => o.quotes) },
    'GET /api/v1/quotes/{id}/pdf': { params: ids((o) => o.quotes) },
    // Share links are capabilities: without B's token nothing is found.
    'GET /api/v1/quotes/shared/{token}': { params: () => [{ token: 'x'.repeat(32) }] },
    'GET /api/v1/quotes/shared/{token}/pdf': { params: () => [{ token: 'x'.repeat(32) }] },
    'GET /api/v1/subscriptions/{id}': { params: subs },
    'GET /api/v1/subscriptions/{id}/events': { params: subs },
    'DELETE /api/v1/subscriptions/{id}/schedule': { params: subs },
    'POST /api/v1/subscriptions/drift/{id}/adopt': { params: ids((o) => o.drift) },
    'POST /api/v1/subscriptions/drift/{id}/fix': { params: ids((o) => o.drift) },
    'GET /api/v1/provisioning/tasks/{id}': { params: ids((o) => o.tasks) },
    'POST /api/v1/provisioning/tasks/{id}/complete': { params: ids((o) => o.tasks) },
    'GET /api/v1/organizations/{id}/records': { params: (b) => b.organizations.map((id) => ({ id })) },
    'POST /api/v1/organizations/{id}/records': {
      params: (b) => b.organizations.map((id) => ({ id })),
      body: () => ({ kind: 'note', title: 'Smuggled' }),
    },
    'GET /api/v1/organizations/{id}/records/{recordId}': { params: (b) => b.orders.records },
    'GET /api/v1/organizations/{id}/records/{recordId}/content': { params: (b) => b.orders.records },
    'PATCH /api/v1/organizations/{id}/records/{recordId}': {
      params: (b) => b.orders.records,
      body: () => ({ title: 'Taken over' }),
    },
    'DELETE /api/v1/organizations/{id}/records/{recordId}': { params: (b) => b.orders.records },
  };
  for (const action of ['quantity', 'suspend', 'reactivate', 'cancel', 'auto-renew', 'schedule', 'upgrade']) {
    routes[`POST /api/v1/subscriptions/{id}/${action}`] = {
      params: subs,
      body: () => ({ quantity: 2, enabled: false, sku: 'X:1' }),
    };
  }
  return routes;
}

interface Pair {
  attacker: string;
  victimRoot: string;
  victimAdmin: string;
}

// Siblings and cousins at every level of the tree.
const PAIRS: Pair[] = [
  { attacker: 'admin@reseller-a.test', victimRoot: 'Reseller B', victimAdmin: 'admin@reseller-b.test' },
  { attacker: 'admin@reseller-b.test', victimRoot: 'Reseller A', victimAdmin: 'admin@reseller-a.test' },
  {
    attacker: 'admin@reseller-a-sub.test',
    victimRoot: 'Customer A (Contoso Japan)',
    victimAdmin: 'admin@customer-a.test',
  },
  {
    attacker: 'admin@customer-a.test',
    victimRoot: 'Customer B (Fabrikam KK)',
    victimAdmin: 'admin@customer-b.test',
  },
  {
    attacker: 'admin@customer-a.test',
    victimRoot: 'Customer D (Tailspin Osaka)',
    victimAdmin: 'admin@customer-d.test',
  },
  { attacker: 'admin@customer-b.test', victimRoot: 'Reseller A', victimAdmin: 'admin@reseller-a.test' },
];

let server: TestServer;
let provider: Caller;
let routes: string[];
let providerProduct: string;
let providerUsageImports: string[] = [];
let alertIds: AlertResources = { budgets: [], creditLimits: [], alerts: [] };
let invoiceIds: OwnedInvoice[] = [];

beforeAll(async () => {
  server = await startTestServer({ seed: 'demo' });
  provider = await loginAs(server.url, 'admin@demo-distributor.test');
  const doc = await json<{ paths: Record<string, Record<string, unknown>> }>(
    await fetch(`${server.url}/api/openapi.json`),
  );
  routes = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
  );
  providerProduct = (
    await json<{ id: string }>(await provider.post('/api/v1/catalog/own-products', OWN_PRODUCT_BODY))
  ).id;
  providerUsageImports = (
    await json<{ items: { id: string }[] }>(await provider.get('/api/v1/usage/imports'))
  ).items.map((i) => i.id);
  alertIds = await alertResources(server, provider);
  invoiceIds = await billingResources(server);
});
afterAll(async () => server?.close());

async function subtreeOf(rootName: string, victimAdmin: string): Promise<Resources> {
  const all = await json<{ items: { id: string; name: string; parentId: string | null }[] }>(
    await provider.get('/api/v1/organizations?limit=200'),
  );
  const root = all.items.find((o) => o.name === rootName)!;
  const organizations = [root.id];
  for (let grew = true; grew; ) {
    const next = all.items.filter(
      (o) => o.parentId && organizations.includes(o.parentId) && !organizations.includes(o.id),
    );
    organizations.push(...next.map((o) => o.id));
    grew = next.length > 0;
  }
  const users = (
    await json<{ items: { id: string; memberships: { organizationId: string }[] }[] }>(
      await provider.get('/api/v1/users?limit=200'),
    )
  ).items
    .filter((u) => u.memberships.some((m) => organizations.includes(m.organizationId)))
    .map((u) => u.id);
  const victim = await loginAs(server.url, victimAdmin);
  const key = await json<{ id: string }>(
    await victim.post('/api/v1/api-keys', {
      name: `victim key ${Math.random()}`,
      role: victimAdmin.includes('customer') ? 'customer_user' : 'readonly',
    }),
  );
  // A seller victim also owns a product and a price rule.
  const ownProducts: string[] = [];
  const priceRules: { sellerId: string; ruleId: string }[] = [];
  if (!victimAdmin.includes('customer')) {
    ownProducts.push(
      (await json<{ id: string }>(await victim.post('/api/v1/catalog/own-products', OWN_PRODUCT_BODY))).id,
    );
    const rule = await json<{ id: string }>(
      await victim.post(`/api/v1/price-books/${root.id}/rules`, RULE_BODY),
    );
    priceRules.push({ sellerId: root.id, ruleId: rule.id });
  }
  // A webhook with a delivery, and a notification in the victim admin's notification centre.
  const webhook = await json<{ id: string }>(
    await victim.post('/api/v1/webhooks', { url: 'http://127.0.0.1:9/victim' }),
  );
  const ping = await json<{ id: string }>(await victim.post(`/api/v1/webhooks/${webhook.id}/ping`));
  await publish(server.deps, {
    type: 'order_failed',
    organizationId: root.id,
    subject: { type: 'order', id: `victim-${root.id}` },
    data: { orderId: `victim-${root.id}`, customerName: root.name, reason: 'test' },
  });
  await processOutbox(server.deps);
  const notifications = (
    await json<{ items: { id: string }[] }>(await victim.get('/api/v1/notifications?limit=200'))
  ).items.map((n) => n.id);
  return {
    organizations,
    users,
    apiKeys: [key.id],
    ownProducts,
    priceRules,
    webhooks: [webhook.id],
    webhookDeliveries: [{ id: webhook.id, deliveryId: ping.id }],
    notifications,
    orders: await orderResources(
      server,
      provider,
      victim,
      organizations,
      ownProducts[0] ?? providerProduct,
      !victimAdmin.includes('customer'),
    ),
  };
}

const fill = (path: string, params: Record<string, string>) =>
  path.replace(/\{(\w+)\}/g, (_m, name: string) => params[name] ?? 'missing');

describe('tenant isolation matrix', () => {
  it('classifies every API route', () => {
    const known = new Set([
      ...Object.keys(PARAM_ROUTES),
      ...Object.keys(BODY_REF_ROUTES),
      ...Object.keys(QUERY_REF_ROUTES),
      ...LIST_ROUTES,
      ...SELF_ROUTES,
    ]);
    const unclassified = routes.filter((r) => r.includes(' /api/v1/') && !known.has(r));
    expect(unclassified).toEqual([]);
  });

  it('keeps every organisation out of its siblings’ subtrees', async () => {
    let cases = 0;
    const failures: string[] = [];
    const auditBefore = async () =>
      (await json<{ items: { id: string }[] }>(await provider.get('/api/v1/audit?limit=1'))).items[0]?.id;

    for (const pair of PAIRS) {
      const victim = await subtreeOf(pair.victimRoot, pair.victimAdmin);
      const attacker = await loginAs(server.url, pair.attacker);
      const lastAudit = await auditBefore();

      for (const route of routes.filter((r) => PARAM_ROUTES[r])) {
        const [method, path] = route.split(' ') as [string, string];
        const spec = PARAM_ROUTES[route]!;
        for (const params of spec.params(victim)) {
          const response = await attacker.request(
            method,
            fill(path, params),
            spec.body?.(victim) ?? (method === 'GET' || method === 'DELETE' ? undefined : {}),
          );
          cases += 1;
          if (response.status !== 404 && response.status !== 403) {
            failures.push(`${pair.attacker} ${method} ${fill(path, params)} → ${response.status}`);
          }
          const text = await response.text();
          for (const id of victim.organizations) {
            if (text.includes(id) && response.status !== 404) failures.push(`${route} leaked ${id}`);
          }
        }
      }

      for (const [route, body] of Object.entries(BODY_REF_ROUTES)) {
        const [method, path] = route.split(' ') as [string, string];
        for (const orgId of victim.organizations) {
          const response = await attacker.request(method, path, body(orgId));
          cases += 1;
          if (response.status !== 404 && response.status !== 403) {
            failures.push(`${pair.attacker} ${route} into ${orgId} → ${response.status}`);
          }
        }
      }

      for (const [route, query] of Object.entries(QUERY_REF_ROUTES)) {
        const [method, path] = route.split(' ') as [string, string];
        for (const orgId of victim.organizations) {
          const response = await attacker.request(method, `${path}${query(orgId, providerProduct)}`);
          cases += 1;
          if (response.status !== 404 && response.status !== 403) {
            failures.push(`${pair.attacker} ${route} for ${orgId} → ${response.status}`);
          }
        }
      }

      for (const route of LIST_ROUTES) {
        const path = route.split(' ')[1]!;
        const response = await attacker.get(`${path}?limit=200`);
        cases += 1;
        const text = await response.text();
        if (response.status === 200) {
          const victimIds = [
            ...victim.organizations,
            ...victim.users,
            ...victim.apiKeys,
            ...victim.ownProducts,
            ...victim.priceRules.map((r) => r.ruleId),
            ...victim.webhooks,
            ...victim.webhookDeliveries.map((d) => d.deliveryId),
            ...victim.notifications,
            ...Object.values(victim.orders).flatMap((ids) =>
              ids.map((r: string | { recordId: string }) => (typeof r === 'string' ? r : r.recordId)),
            ),
          ];
          for (const id of victimIds) {
            if (text.includes(id)) failures.push(`${pair.attacker} ${route} shows ${id}`);
          }
        } else if (response.status !== 403) {
          failures.push(`${pair.attacker} ${route} → ${response.status}`);
        }
      }

      // Nothing the attacker tried was written: the audit log has no new entry but the victim key.
      const entries = await json<{ items: { id: string; entityType: string; action: string }[] }>(
        await provider.get('/api/v1/audit?limit=20'),
      );
      const fresh = entries.items.filter((e) => !lastAudit || BigInt(e.id) > BigInt(lastAudit));
      if (fresh.length > 0) failures.push(`${pair.attacker}: audit log changed: ${JSON.stringify(fresh)}`);
    }
    console.log(`tenant isolation: ${cases} cases tried across ${PAIRS.length} organisation pairs`);
    expect(failures).toEqual([]);
    expect(cases).toBeGreaterThan(100);
    // Hundreds of requests per pair: more than the default minute on a loaded 2-core machine.
  }, 180_000);

  it('lets a parent see its whole subtree and a customer only itself', async () => {
    const names = async (email: string) =>
      (
        await json<{ items: { name: string }[] }>(
          await (await loginAs(server.url, email)).get('/api/v1/organizations?limit=200'),
        )
      ).items
        .map((o) => o.name)
        .sort();
    expect(await names('admin@reseller-a.test')).toEqual([
      'Customer A (Contoso Japan)',
      'Customer D (Tailspin Osaka)',
      'Reseller A',
      'Reseller A Sub (Osaka)',
    ]);
    expect(await names('admin@customer-a.test')).toEqual(['Customer A (Contoso Japan)']);
    expect((await names('admin@demo-distributor.test')).length).toBe(8);
  });
});
