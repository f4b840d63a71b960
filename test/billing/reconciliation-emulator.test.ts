import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../packages/server/src/auth/scope.ts';
import { insertOrganization } from '../../packages/server/src/modules/organizations/organizations.repository.ts';
import { pullUsage } from '../../packages/server/src/modules/usage/pull-usage.ts';
import {
  type RunningEmulator,
  startEmulator,
} from '../../packages/server/src/partner-center/emulator/server.ts';
import { seedDemo } from '../../packages/server/src/seed/demo.ts';
import { json, loginAs } from '../support/http.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { createLicense } from './support.ts';

/**
 * `GET /reconciliation` against the Partner Center emulator: a US customer buys 10 seats of a
 * licence on 3 March 2025 and has an Azure plan; after the April invoice day Microsoft's March
 * invoice holds the licence line (10 × $5.10 = $51) and the Azure usage. Here, the same licence is
 * recorded at the provider tier's unit cost $5.10 (sold at $6) and the billed usage is pulled from
 * the emulator: every line of Microsoft's invoice matches.
 */

let emu: RunningEmulator;
let server: TestServer;
let tenantId: string;
let licenceId: string;
let entitlementIds: string[];

async function call(method: string, path: string, body?: unknown) {
  const response = await fetch(`${emu.url}${path}`, {
    method,
    headers: { authorization: 'Bearer t', 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

interface Report {
  invoices: { id: string; currency: string | null; totalCharges: string | null }[];
  items: {
    kind: string;
    key: string;
    currency: string;
    status: string;
    reason: string | null;
    difference: string;
  }[];
  summary: { currency: string; matched: number; differences: number; ours: string; microsoft: string }[];
}

beforeAll(async () => {
  emu = await startEmulator({ port: 0, seed: 11, dataDir: null, now: '2025-03-03T08:00:00Z' });
  await call('POST', '/_emulator/settings', { exportPollsBeforeReady: 0 });
  const customer = await call('POST', '/v1/customers', {
    CompanyProfile: { Domain: 'reconco.onmicrosoft.com' },
    BillingProfile: {
      Culture: 'en-US',
      Email: 'ap@reconco.example',
      Language: 'en',
      CompanyName: 'Recon Co.',
      DefaultAddress: {
        FirstName: 'A',
        LastName: 'P',
        AddressLine1: '1 Main St',
        City: 'Seattle',
        State: 'WA',
        PostalCode: '98101',
        Country: 'US',
      },
    },
  });
  tenantId = customer.json.id;
  const availabilities = await call('GET', '/v1/products/CFQ7TTC0LH18/skus/0001/availabilities?country=US');
  const catalogItemId = availabilities.json.items[0].catalogItemId;
  const cart = await call('POST', `/v1/customers/${tenantId}/carts`, {
    LineItems: [
      { CatalogItemId: catalogItemId, Quantity: 10, TermDuration: 'P1Y', BillingCycle: 'monthly' },
      { CatalogItemId: 'DZH318Z0BPS6:0001:DZH318Z0BML6', Quantity: 1, BillingCycle: 'one_time' },
    ],
  });
  const order = await call('POST', `/v1/customers/${tenantId}/carts/${cart.json.id}/checkout`);
  licenceId = order.json.orders[0].lineItems[0].subscriptionId;
  const plan = order.json.orders[1].lineItems[0].subscriptionId;
  await call('POST', `/_emulator/customers/${tenantId}/subscriptions/${plan}/azure-entitlements`, {
    friendlyName: 'Production',
  });
  const entitlements = await call('GET', `/v1/customers/${tenantId}/subscriptions/${plan}/azureEntitlements`);
  entitlementIds = (entitlements.json?.items ?? []).map((e: { id: string }) => e.id);
  // past the end of March and the invoice day: March is invoiced
  await call('POST', '/_emulator/clock', { set: '2025-04-12T08:00:00Z' });

  const now = new Date('2025-04-12T08:00:00Z');
  server = await startTestServer({ seed: 'none', emulatorUrl: emu.url, clock: { now: () => now } });
  const demo = await seedDemo(server.deps.database.db, { usage: false });
  const provider = demo.organizations.provider!;
  const customerId = await insertOrganization(server.deps.database.db, {
    parent_id: provider,
    kind: 'customer',
    name: 'Recon Co.',
    country: 'US',
    currency: 'USD',
    time_zone: 'America/Los_Angeles',
    locale: 'en',
    tenant_id: tenantId,
    domains: ['reconco.onmicrosoft.com'],
    branding: '{}',
  });
  const customerOrgId = typeof customerId === 'string' ? customerId : (customerId as { id: string }).id;
  const sub = await createLicense(server.deps.database.db, {
    providerId: provider,
    sellerId: provider,
    customerId: customerOrgId,
    termStart: '2025-03-03',
    quantity: 10,
    currency: 'USD',
    tiers: [{ sellerId: provider, buyerId: customerOrgId, unitPrice: '6.375' }], // unit cost 0.8 × 6.375 = 5.1
  });
  await server.deps.database.db
    .updateTable('subscriptions')
    .set({ pc_subscription_id: licenceId, pc_customer_id: tenantId })
    .where('id', '=', sub)
    .execute();
  await pullUsage(server.deps, {
    providerId: provider,
    today: '2025-04-12',
    actor: SYSTEM_ACTOR,
    exportPollMs: 10,
  });
}, 180_000);
afterAll(async () => {
  await server?.close();
  await emu?.close();
});

describe('reconciliation against the Partner Center emulator', () => {
  it('Microsoft’s March invoice matches the cost recorded here', async () => {
    const admin = await loginAs(server.url, 'admin@demo-distributor.test');
    const run = await admin.post('/api/v1/billing-runs', { period: '2025-03', issue: false });
    expect(run.status, await run.clone().text()).toBe(200);
    const response = await admin.get('/api/v1/reconciliation?period=2025-03');
    expect(response.status, await response.clone().text()).toBe(200);
    const report = await json<Report>(response);
    expect(report.invoices.length).toBeGreaterThan(0);
    const licence = report.items.find((i) => i.key === licenceId);
    expect(licence, JSON.stringify(report.items, null, 1)).toMatchObject({
      kind: 'license',
      currency: 'USD',
      status: 'matched',
      difference: '0',
    });
    const usage = report.items.filter((i) => i.kind === 'usage');
    expect(usage.length, JSON.stringify(report.items, null, 1)).toBeGreaterThan(0);
    for (const u of usage) expect(u, JSON.stringify(u)).toMatchObject({ status: 'matched' });
    expect(usage).toHaveLength(entitlementIds.length || usage.length);
    const usd = report.summary.find((s) => s.currency === 'USD')!;
    expect(usd.differences, JSON.stringify(report, null, 1)).toBe(0);
    expect(usd.ours).toBe(usd.microsoft);
    // everything on Microsoft's invoice is accounted for: $1,205.51 in the emulator's March
    expect(report.invoices).toEqual([
      { id: expect.any(String), currency: 'USD', totalCharges: usd.microsoft },
    ]);
  });
});
