import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../packages/server/src/auth/scope.ts';
import { insertOrganization } from '../../packages/server/src/modules/organizations/organizations.repository.ts';
import { pullUsage } from '../../packages/server/src/modules/usage/pull-usage.ts';
import {
  type RunningEmulator,
  startEmulator,
} from '../../packages/server/src/partner-center/emulator/server.ts';
import { seedDemo } from '../../packages/server/src/seed/demo.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

// The daily pull against the Partner Center emulator, through the real client: unbilled usage of
// the open month, then the billed usage of the closed month superseding it.

let emu: RunningEmulator;
let server: TestServer;
let provider: string;
let tenantId: string;

async function call(method: string, path: string, body?: unknown) {
  const response = await fetch(`${emu.url}${path}`, {
    method,
    headers: { authorization: 'Bearer t', 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

beforeAll(async () => {
  emu = await startEmulator({ port: 0, seed: 11, dataDir: null, now: '2025-03-03T08:00:00Z' });
  await call('POST', '/_emulator/settings', { exportPollsBeforeReady: 0 });
  const customer = await call('POST', '/v1/customers', {
    CompanyProfile: { Domain: 'usagepull.onmicrosoft.com' },
    BillingProfile: {
      Culture: 'en-US',
      Email: 'ap@usagepull.example',
      Language: 'en',
      CompanyName: 'Usage Pull Inc.',
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
  const cart = await call('POST', `/v1/customers/${tenantId}/carts`, {
    LineItems: [{ CatalogItemId: 'DZH318Z0BPS6:0001:DZH318Z0BML6', Quantity: 1, BillingCycle: 'one_time' }],
  });
  const order = await call('POST', `/v1/customers/${tenantId}/carts/${cart.json.id}/checkout`);
  const plan = order.json.orders[0].lineItems[0].subscriptionId;
  const added = await call(
    'POST',
    `/_emulator/customers/${tenantId}/subscriptions/${plan}/azure-entitlements`,
    {
      friendlyName: 'Production',
    },
  );
  expect(added.status).toBe(201);
  await call('POST', '/_emulator/clock', { set: '2025-03-20T08:00:00Z' });

  server = await startTestServer({ seed: 'none', emulatorUrl: emu.url });
  const demo = await seedDemo(server.deps.database.db, { usage: false });
  provider = demo.organizations.provider!;
  await insertOrganization(server.deps.database.db, {
    parent_id: provider,
    kind: 'customer',
    name: 'Usage Pull Inc.',
    country: 'US',
    currency: 'USD',
    time_zone: 'America/Los_Angeles',
    locale: 'en',
    tenant_id: tenantId,
    domains: ['usagepull.onmicrosoft.com'],
    branding: '{}',
  });
});
afterAll(async () => {
  await server?.close();
  await emu?.close();
});

const pull = (today: string) =>
  pullUsage(server.deps, { providerId: provider, today, actor: SYSTEM_ACTOR, exportPollMs: 10 });

async function state() {
  const r = await sql<{ kind: string; lines: string | number; days: string | number; cost: string }>`
    SELECT c.kind, sum(c.line_count) AS lines, count(*) AS days,
      (SELECT trim_scale(sum(l.cost))::text FROM usage_lines l WHERE l.kind = c.kind) AS cost
    FROM usage_customer_days c GROUP BY c.kind ORDER BY c.kind`.execute(server.deps.database.db);
  return r.rows.map((x) => ({ kind: x.kind, lines: Number(x.lines), days: Number(x.days), cost: x.cost }));
}

describe('daily pull from Partner Center', () => {
  it('imports the unbilled usage of the open month, and nothing twice', async () => {
    const first = await pull('2025-03-20');
    const usd = first.filter((i) => i.currency === 'USD');
    expect(usd.map((i) => [i.kind, i.period])).toEqual([
      ['unbilled', '2025-02'],
      ['unbilled', '2025-03'],
    ]);
    const march = usd[1]!.result;
    expect(march.linesLoaded).toBeGreaterThan(0);
    expect(march.linesQuarantined).toBe(0);
    expect(march.lastUsageDate! < '2025-03-20').toBe(true);
    const again = await pull('2025-03-20');
    const marchAgain = again.find((i) => i.currency === 'USD' && i.period === '2025-03')!.result;
    expect(marchAgain).toMatchObject({ linesLoaded: 0, linesReplaced: 0, linesUnchanged: march.linesLoaded });
  });

  it('takes the billed usage once the month is invoiced, superseding the unbilled days', async () => {
    const unbilled = await state();
    await call('POST', '/_emulator/clock', { set: '2025-04-12T08:00:00Z' });
    const pulled = await pull('2025-04-12');
    const billed = pulled.find((i) => i.kind === 'billed');
    expect(billed).toMatchObject({ period: '2025-03', currency: 'USD' });
    expect(billed!.invoiceId).toMatch(/^G\d+/);
    expect(billed!.result.linesQuarantined).toBe(0);
    // The invoice covers the whole month: the days seen unbilled are replaced, the rest is new.
    expect(billed!.result.linesReplaced).toBe(unbilled.find((s) => s.kind === 'unbilled')!.lines);
    expect(billed!.result.linesLoaded).toBeGreaterThan(0);
    // The closed month is no longer pulled as unbilled; April is.
    expect(pulled.filter((i) => i.currency === 'USD').map((i) => [i.kind, i.period])).toEqual([
      ['billed', '2025-03'],
      ['unbilled', '2025-04'],
    ]);
    const march = await sql<{ kind: string; n: string | number }>`
      SELECT kind, count(*) AS n FROM usage_customer_days WHERE usage_date < '2025-04-01' GROUP BY kind`.execute(
      server.deps.database.db,
    );
    expect(march.rows.map((r) => [r.kind, Number(r.n)])).toEqual([['billed', 29]]); // the Azure subscription began on the 3rd

    const again = await pull('2025-04-12');
    expect(again.some((i) => i.kind === 'billed')).toBe(false);
  });
});
