import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateAlerts } from '../../packages/server/src/modules/alerts/evaluate-alerts.ts';
import { type Caller, json, loginAs, withApiKey } from '../support/http.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

/**
 * Budgets, credit limits, alerts and the credit check of orders over HTTP (#8), on the demo seed:
 * its usage (three months, a spike yesterday at Customer A) and its budgets (seedDemoBudgets).
 */

interface Alert {
  id: string;
  type: string;
  organizationId: string;
  subject: { type: string; id: string };
  period: string;
  date: string | null;
  level: string | null;
  values: Record<string, unknown>;
  explanation: { summary: string; steps: unknown[] };
  dedupeKey: string;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
}
interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
interface Budget {
  id: string;
  customerId: string;
  entitlementId: string | null;
  currency: string;
  plannedAmount: string;
  thresholds: string[];
  effectiveFrom: string;
  version: number;
  status?: { monthToDate: string; thresholds: { threshold: string; reached: boolean }[] };
}
interface CreditLimit {
  id: string;
  organizationId: string;
  sellerId: string;
  warning: string | null;
  approvalRequired: string | null;
  purchaseBlocked: string | null;
  monthToDate: string;
  provisionalCredit: {
    amount: string | null;
    basis: string;
    window: { month: string; amount: string }[];
    highest: { month: string; amount: string } | null;
    explanation: { summary: string };
  };
}
interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

let server: TestServer;
let orgs: Record<string, string>;
let provider: Caller;
let resellerA: Caller;
let resellerB: Caller;
let customerA: Caller;
let customerB: Caller;
const currentMonth = new Date().toISOString().slice(0, 7);

async function expectError(response: Response, status: number, code: string): Promise<ErrorBody> {
  const body = await json<ErrorBody>(response);
  expect({ status: response.status, code: body.error?.code }).toEqual({ status, code });
  expect(body.error.message.length).toBeGreaterThan(10);
  return body;
}

beforeAll(async () => {
  server = await startTestServer({ seed: 'demo' });
  orgs = server.demo!.organizations;
  [provider, resellerA, resellerB, customerA, customerB] = await Promise.all([
    loginAs(server.url, 'admin@demo-distributor.test'),
    loginAs(server.url, 'admin@reseller-a.test'),
    loginAs(server.url, 'admin@reseller-b.test'),
    loginAs(server.url, 'admin@customer-a.test'),
    loginAs(server.url, 'admin@customer-b.test'),
  ]);
}, 120_000);
afterAll(async () => server?.close());

describe('the demo', () => {
  it('shows Customer A the spike of its emulated usage and Customer B its 50% crossing', async () => {
    const a = await json<Page<Alert>>(await customerA.get('/api/v1/alerts'));
    const spikes = a.items.filter((x) => x.type === 'usage_spike');
    expect(spikes).toHaveLength(1);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    expect(spikes[0]).toMatchObject({ organizationId: orgs['customer-a'], date: yesterday });
    expect(spikes[0]!.explanation.summary).toContain('at least double');
    expect(a.items.every((x) => x.organizationId === orgs['customer-a'])).toBe(true);

    // Spikes before the budget was set are history, not alerts: only yesterday's counts.
    const b = await json<Page<Alert>>(await customerB.get('/api/v1/alerts?type=budget_threshold'));
    // On the 1st of a month there is no month-to-date usage yet, so nothing has been reached.
    if (new Date().getUTCDate() > 1) {
      expect(b.items.map((x) => x.level)).toEqual(['50']);
      expect(b.items[0]!.explanation.summary).toContain('reached 50%');
    }
  });
});

describe('budgets', () => {
  let budget: Budget;

  it('lets a customer admin set a budget for one of its Azure subscriptions, with defaults', async () => {
    const response = await customerA.post('/api/v1/budgets', {
      customerId: orgs['customer-a'],
      entitlementId: 'ent-test-1',
      plannedAmount: '120000',
    });
    expect(response.status).toBe(201);
    budget = await json<Budget>(response);
    expect(budget).toMatchObject({
      customerId: orgs['customer-a'],
      entitlementId: 'ent-test-1',
      currency: 'JPY',
      plannedAmount: '120000',
      thresholds: ['50'],
      effectiveFrom: currentMonth,
      version: 1,
    });
    const shown = await json<Budget>(await customerA.get(`/api/v1/budgets/${budget.id}`));
    expect(shown.status?.thresholds).toEqual([{ threshold: '50', amount: '60000', reached: false }]);
  });

  it('refuses invalid input with typed errors', async () => {
    const base = { customerId: orgs['customer-a'], entitlementId: 'ent-test-2' };
    await expectError(
      await customerA.post('/api/v1/budgets', { ...base, plannedAmount: '-5' }),
      400,
      'invalid_amount',
    );
    await expectError(
      await customerA.post('/api/v1/budgets', { ...base, plannedAmount: '1e5' }),
      400,
      'invalid_amount',
    );
    await expectError(
      await customerA.post('/api/v1/budgets', { ...base, plannedAmount: '100', thresholds: ['0'] }),
      400,
      'invalid_threshold',
    );
    await expectError(
      await customerA.post('/api/v1/budgets', { ...base, plannedAmount: '100', currency: 'EUR' }),
      400,
      'currency_mismatch',
    );
    await expectError(
      await customerA.post('/api/v1/budgets', { ...base, plannedAmount: '100', effectiveFrom: '2026-13' }),
      400,
      'invalid_period',
    );
    await expectError(
      await customerA.post('/api/v1/budgets', { ...base, entitlementId: 'ent-test-1', plannedAmount: '1' }),
      409,
      'budget_exists',
    );
    await expectError(
      await provider.post('/api/v1/budgets', { customerId: orgs['reseller-a'], plannedAmount: '1' }),
      400,
      'not_a_customer',
    );
  });

  it('changes and deletes a budget, audited, with If-Match', async () => {
    const changed = await customerA.put(`/api/v1/budgets/${budget.id}`, {
      plannedAmount: '150000',
      thresholds: ['100', '50.0', '80'],
    });
    expect(changed.status).toBe(200);
    expect(await json<Budget>(changed)).toMatchObject({
      plannedAmount: '150000',
      thresholds: ['50', '80', '100'],
      version: 2,
    });
    const stale = await customerA.request(
      'PUT',
      `/api/v1/budgets/${budget.id}`,
      { plannedAmount: '1' },
      {
        'if-match': '"1"',
      },
    );
    await expectError(stale, 412, 'version_conflict');
    const audit = await json<Page<{ action: string; entityType: string; entityId: string }>>(
      await provider.get(`/api/v1/audit?entityType=budget&entityId=${budget.id}`),
    );
    expect(audit.items.map((e) => e.action).sort()).toEqual(['create', 'update']);
    expect((await customerA.delete(`/api/v1/budgets/${budget.id}`)).status).toBe(204);
    expect((await customerA.get(`/api/v1/budgets/${budget.id}`)).status).toBe(404);
  });

  it('lets the partner set a budget on the customer’s behalf; other tenants get 404', async () => {
    const created = await json<Budget>(
      await resellerA.post('/api/v1/budgets', {
        customerId: orgs['customer-a'],
        entitlementId: 'ent-by-partner',
        plannedAmount: '5000',
        thresholds: ['80'],
      }),
    );
    expect(created.id).toBeTruthy();
    const mine = await json<Page<Budget>>(await customerA.get('/api/v1/budgets'));
    expect(mine.items.map((b) => b.id)).toContain(created.id);
    expect((await customerB.get(`/api/v1/budgets/${created.id}`)).status).toBe(404);
    expect((await resellerB.put(`/api/v1/budgets/${created.id}`, { plannedAmount: '1' })).status).toBe(404);
    expect((await resellerB.delete(`/api/v1/budgets/${created.id}`)).status).toBe(404);
    expect(
      (await customerB.post('/api/v1/budgets', { customerId: orgs['customer-a'], plannedAmount: '1' }))
        .status,
    ).toBe(404);
    const theirs = await json<Page<Budget>>(await resellerB.get('/api/v1/budgets'));
    expect(theirs.items.some((b) => b.customerId === orgs['customer-a'])).toBe(false);
    const user = await loginAs(server.url, 'user@customer-a.test');
    expect((await user.get('/api/v1/budgets')).status).toBe(200);
    expect((await user.delete(`/api/v1/budgets/${created.id}`)).status).toBe(403);
  });
});

describe('API keys', () => {
  it('need the billing scope to change budgets, credit limits and alerts; read to list them', async () => {
    const make = async (scopes: string[]) => {
      const key = await json<{ key: string }>(
        await resellerA.post('/api/v1/api-keys', { name: `keys ${scopes.join()}`, role: 'admin', scopes }),
      );
      return withApiKey(server.url, key.key);
    };
    const reader = await make(['read']);
    expect((await reader.get('/api/v1/budgets')).status).toBe(200);
    expect((await reader.get('/api/v1/credit-limits')).status).toBe(200);
    expect((await reader.get('/api/v1/alerts')).status).toBe(200);
    const body = { customerId: orgs['customer-a'], entitlementId: 'by-key', plannedAmount: '10' };
    await expectError(await reader.post('/api/v1/budgets', body), 403, 'insufficient_scope');
    await expectError(
      await reader.post('/api/v1/credit-limits', { organizationId: orgs['customer-d'], warning: '1' }),
      403,
      'insufficient_scope',
    );
    const billing = await make(['read', 'billing']);
    const created = await billing.post('/api/v1/budgets', body);
    expect(created.status).toBe(201);
    expect((await billing.delete(`/api/v1/budgets/${(await json<Budget>(created)).id}`)).status).toBe(204);
  });
});

describe('credit limits', () => {
  let limitD: CreditLimit;

  it('lets a seller set levels for its customer, showing the provisional credit and its derivation', async () => {
    const response = await resellerA.post('/api/v1/credit-limits', {
      organizationId: orgs['customer-a'],
      warning: '1000000',
      approvalRequired: '2000000',
      purchaseBlocked: '3000000',
    });
    expect(response.status).toBe(201);
    const limit = await json<CreditLimit>(response);
    expect(limit).toMatchObject({
      organizationId: orgs['customer-a'],
      sellerId: orgs['reseller-a'],
      warning: '1000000',
      approvalRequired: '2000000',
      purchaseBlocked: '3000000',
    });
    // Three months of demo usage: the window holds the two past months, the highest is the amount.
    expect(limit.provisionalCredit.basis).toBe('usage_history');
    expect(limit.provisionalCredit.window).toHaveLength(2);
    const highest = limit.provisionalCredit.window.reduce((m, w) =>
      Number(w.amount) >= Number(m.amount) ? w : m,
    );
    expect(limit.provisionalCredit.highest).toEqual({ month: highest.month, amount: highest.amount });
    expect(limit.provisionalCredit.amount).toBe(highest.amount);
    expect(limit.provisionalCredit.explanation.summary).toContain('highest monthly usage');
    // The provider above sees it too; the customer and other resellers do not.
    expect((await provider.get(`/api/v1/credit-limits/${limit.id}`)).status).toBe(200);
    expect((await customerA.get(`/api/v1/credit-limits/${limit.id}`)).status).toBe(403);
    expect((await customerA.get('/api/v1/credit-limits')).status).toBe(403);
    expect((await resellerB.get(`/api/v1/credit-limits/${limit.id}`)).status).toBe(404);
  });

  it('keeps a reseller’s own limit from the reseller; validates levels', async () => {
    const own = await json<CreditLimit>(
      await provider.post('/api/v1/credit-limits', { organizationId: orgs['reseller-b'], warning: '100' }),
    );
    expect(own.sellerId).toBe(orgs.provider);
    expect((await resellerB.get(`/api/v1/credit-limits/${own.id}`)).status).toBe(404);
    const listed = await json<Page<CreditLimit>>(await resellerB.get('/api/v1/credit-limits'));
    expect(listed.items.map((l) => l.id)).not.toContain(own.id);
    const issues = await expectError(
      await resellerA.post('/api/v1/credit-limits', {
        organizationId: orgs['customer-d'],
        warning: '500',
        approvalRequired: '400',
      }),
      400,
      'invalid_credit_levels',
    );
    expect(issues.error.details).toEqual([
      expect.objectContaining({ code: 'level_order', level: 'warning' }),
    ]);
    await expectError(
      await resellerA.post('/api/v1/credit-limits', { organizationId: orgs['reseller-a'], warning: '1' }),
      400,
      'own_organization',
    );
    await expectError(
      await resellerA.post('/api/v1/credit-limits', { organizationId: orgs['customer-d'], warning: 'abc' }),
      400,
      'invalid_amount',
    );
    await expectError(
      await provider.post('/api/v1/credit-limits', { organizationId: orgs['reseller-b'], warning: '1' }),
      409,
      'credit_limit_exists',
    );
    expect(
      (await resellerB.post('/api/v1/credit-limits', { organizationId: orgs['customer-d'], warning: '1' }))
        .status,
    ).toBe(404);
    const sub = await loginAs(server.url, 'admin@reseller-a-sub.test');
    limitD = await json<CreditLimit>(
      await sub.post('/api/v1/credit-limits', { organizationId: orgs['customer-d'], warning: '10' }),
    );
    const updated = await json<CreditLimit>(
      await sub.put(`/api/v1/credit-limits/${limitD.id}`, { approvalRequired: '20' }),
    );
    expect(updated).toMatchObject({ warning: '10', approvalRequired: '20', purchaseBlocked: null });
    expect((await sub.delete(`/api/v1/credit-limits/${limitD.id}`)).status).toBe(204);
  });
});

describe('orders under credit control', () => {
  let product: string;
  let customer: string;
  let limitId: string;

  beforeAll(async () => {
    product = (
      await json<{ id: string }>(
        await provider.post('/api/v1/catalog/own-products', {
          name: 'Credit test service',
          billingModel: 'recurring',
          offers: [{ term: 'P1M', billingCycle: 'monthly', unitPrice: '1000', cost: '600' }],
        }),
      )
    ).id;
    // A fresh customer without usage: its exposure is just its orders.
    customer = (
      await json<{ id: string }>(
        await provider.post('/api/v1/organizations', {
          parentId: orgs.provider,
          kind: 'customer',
          name: 'Credit Test KK',
          country: 'JP',
          currency: 'JPY',
          timeZone: 'Asia/Tokyo',
          locale: 'ja',
        }),
      )
    ).id;
    limitId = (
      await json<{ id: string }>(
        await provider.post('/api/v1/credit-limits', {
          organizationId: customer,
          warning: '2000',
          approvalRequired: '4000',
          purchaseBlocked: '6000',
        }),
      )
    ).id;
  });

  const order = (quantity: number) =>
    provider.post('/api/v1/orders', {
      customerId: customer,
      lines: [{ type: 'own_product', ownProductId: product, quantity, term: 'P1M', billingCycle: 'monthly' }],
    });
  const check = async (caller: Caller, amount: string) =>
    json<{ outcome: string; level: string | null; explanation: unknown[]; summary: string }>(
      await caller.get(`/api/v1/credit-limits/check?customerId=${customer}&amount=${amount}`),
    );

  it('answers the order form before submitting, the same outcome as the order gets', async () => {
    expect((await check(provider, '2000')).outcome).toBe('allowed');
    expect((await check(provider, '2001')).outcome).toBe('warning');
    expect((await check(provider, '4001')).outcome).toBe('approval_required');
    const blocked = await check(provider, '6001');
    expect(blocked).toMatchObject({ outcome: 'blocked', level: 'purchase_blocked' });
    expect(blocked.explanation).toHaveLength(1);
  });

  it('places within levels, warns above warning, holds above approval, refuses above blocked', async () => {
    const first = await json<{ id: string; state: string; credit: { outcome: string } }>(await order(2));
    expect(first.credit.outcome).toBe('allowed');
    expect(first.state).not.toBe('awaiting_approval');
    // Exposure 2,000 (the first order) + 1,000 = 3,000 > 2,000: warning, placed.
    const warned = await json<{ state: string; credit: { outcome: string; message: string } }>(
      await order(1),
    );
    expect(warned.credit.outcome).toBe('warning');
    expect(warned.state).not.toBe('awaiting_approval');
    // 3,000 + 2,000 = 5,000 > 4,000: held for approval.
    const held = await json<{ id: string; state: string; credit: { outcome: string; message: string } }>(
      await order(2),
    );
    expect(held).toMatchObject({ state: 'awaiting_approval', credit: { outcome: 'approval_required' } });
    expect(held.credit.message).not.toContain('4000');
    // 5,000 + 2,000 = 7,000 > 6,000: refused with a clear message.
    const refused = await expectError(await order(2), 409, 'credit_blocked');
    expect(refused.error.message).toContain('blocked');

    // Approval by a partner with orders:approve, audited; never by the customer.
    expect([403, 404]).toContain((await customerB.post(`/api/v1/orders/${held.id}/approve`, {})).status);
    expect(
      (await provider.post(`/api/v1/orders/${held.id}/approve`, { reason: 'known customer' })).status,
    ).toBe(200);
    const audit = await json<Page<{ action: string }>>(
      await provider.get(`/api/v1/audit?entityType=order&entityId=${held.id}`),
    );
    expect(audit.items.map((e) => e.action)).toContain('approve');
  });

  it('shows a customer the outcome without the partner’s levels', async () => {
    const created = await json<{ user: { id: string }; temporaryPassword: string | null }>(
      await provider.post('/api/v1/users', {
        email: 'buyer@credit-test.example',
        name: 'Buyer',
        organizationId: customer,
        role: 'customer_admin',
      }),
    );
    expect(created.user.id).toBeTruthy();
    // The demo password, so that the test can sign in without the invitation flow.
    const demo = await server.deps.database.db
      .selectFrom('users')
      .select('password_hash')
      .where('email', '=', 'admin@customer-a.test')
      .executeTakeFirstOrThrow();
    await server.deps.database.db
      .updateTable('users')
      .set({ password_hash: demo.password_hash })
      .where('email', '=', 'buyer@credit-test.example')
      .execute();
    const buyer = await loginAs(server.url, 'buyer@credit-test.example');
    const seen = await check(buyer, '100000');
    expect(seen).toMatchObject({ outcome: 'blocked', level: null, explanation: [] });
    expect(JSON.stringify(seen)).not.toContain('6000');
    expect((await buyer.get(`/api/v1/credit-limits/${limitId}`)).status).toBe(403);
    expect((await customerB.get(`/api/v1/credit-limits/check?customerId=${customer}&amount=1`)).status).toBe(
      404,
    );
  });
});

describe('alerts', () => {
  it('evaluates idempotently: a second evaluation stores nothing new', async () => {
    const db = server.deps.database.db;
    const now = new Date();
    const started = performance.now();
    await evaluateAlerts(db, { rootId: orgs.provider!, now });
    console.log(`alerts: evaluating the demo provider took ${Math.round(performance.now() - started)} ms`);
    const before = await db.selectFrom('alerts').select('dedupe_key').execute();
    const again = await evaluateAlerts(db, { rootId: orgs.provider!, now });
    expect(again.created).toEqual({});
    const after = await db.selectFrom('alerts').select('dedupe_key').execute();
    expect(after.length).toBe(before.length);
    const events = await db
      .selectFrom('notification_events')
      .select(['dedupe_key'])
      .where(
        'dedupe_key',
        'in',
        after.map((a) => a.dedupe_key),
      )
      .execute();
    expect(events.length).toBe(after.length);
  });

  it('raises threshold and forecast alerts for a budget the usage is heading over', async () => {
    const sub = await loginAs(server.url, 'admin@reseller-a-sub.test');
    const created = await sub.post('/api/v1/budgets', {
      customerId: orgs['customer-d'],
      plannedAmount: '100',
      thresholds: ['50', '100'],
    });
    expect(created.status).toBe(201);
    const result = await evaluateAlerts(server.deps.database.db, {
      rootId: orgs.provider!,
      organizationIds: [orgs['customer-d']!],
      now: new Date(),
    });
    if (new Date().getUTCDate() === 1) return; // no month-to-date usage on the 1st
    expect(result.created).toMatchObject({ budget_threshold: 2, forecast_over_budget: 1 });
    const alerts = await json<Page<Alert>>(
      await sub.get(`/api/v1/alerts?organizationId=${orgs['customer-d']}&type=forecast_over_budget`),
    );
    expect(alerts.items).toHaveLength(1);
    expect(alerts.items[0]!.values).toMatchObject({ planned: { amount: '100', currency: 'JPY' } });
    expect(alerts.items[0]!.explanation.summary).toContain('over the planned');
  });

  it('lists, filters and acknowledges alerts; credit alerts stay with the seller', async () => {
    const all = await json<Page<Alert>>(await provider.get('/api/v1/alerts?limit=200'));
    expect(all.items.length).toBeGreaterThan(0);
    // Customer A's usage is above the 1,000,000 warning level? Only if it is: credit alerts are the seller's.
    const credit = all.items.filter(
      (a) => a.type === 'credit_level' || a.type === 'provisional_credit_exceeded',
    );
    const mine = await json<Page<Alert>>(await customerA.get('/api/v1/alerts?limit=200'));
    expect(
      mine.items.some((a) => a.type === 'credit_level' || a.type === 'provisional_credit_exceeded'),
    ).toBe(false);
    for (const alert of credit) {
      expect(mine.items.map((a) => a.id)).not.toContain(alert.id);
    }
    const spikes = await json<Page<Alert>>(
      await provider.get(
        `/api/v1/alerts?type=usage_spike&organizationId=${orgs['customer-a']}&period=${currentMonth}`,
      ),
    );
    expect(spikes.items.length).toBeGreaterThanOrEqual(1);
    expect(spikes.items.every((a) => a.type === 'usage_spike' && a.period === currentMonth)).toBe(true);

    const spike = spikes.items[0]!;
    const acked = await json<Alert>(await customerA.post(`/api/v1/alerts/${spike.id}/acknowledge`));
    expect(acked.acknowledgedAt).not.toBeNull();
    expect(acked.acknowledgedBy).toContain('admin@customer-a.test');
    const again = await json<Alert>(await provider.post(`/api/v1/alerts/${spike.id}/acknowledge`));
    expect(again.acknowledgedAt).toBe(acked.acknowledgedAt);
    const open = await json<Page<Alert>>(await customerA.get('/api/v1/alerts?acknowledged=false&limit=200'));
    expect(open.items.map((a) => a.id)).not.toContain(spike.id);
    const done = await json<Page<Alert>>(await customerA.get('/api/v1/alerts?acknowledged=true'));
    expect(done.items.map((a) => a.id)).toEqual([spike.id]);

    // Other tenants: not found; a read-only user may not acknowledge.
    expect((await customerB.post(`/api/v1/alerts/${spike.id}/acknowledge`)).status).toBe(404);
    expect((await resellerB.post(`/api/v1/alerts/${spike.id}/acknowledge`)).status).toBe(404);
    const user = await loginAs(server.url, 'user@customer-a.test');
    expect((await user.post(`/api/v1/alerts/${spike.id}/acknowledge`)).status).toBe(403);
    await expectError(await provider.get('/api/v1/alerts?period=2026-3'), 400, 'invalid_period');
  });

  it('pages with a cursor', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Page<Alert> = await json(
        await provider.get(`/api/v1/alerts?limit=1${cursor ? `&cursor=${cursor}` : ''}`),
      );
      seen.push(...page.items.map((a) => a.id));
      cursor = page.nextCursor;
    } while (cursor);
    const all = await json<Page<Alert>>(await provider.get('/api/v1/alerts?limit=200'));
    expect(seen).toEqual(all.items.map((a) => a.id));
  });

  it('raises a credit-level alert to the seller when a planned amount passes a level', async () => {
    const limit = await json<CreditLimit>(
      await provider.post('/api/v1/credit-limits', {
        organizationId: orgs['customer-c'],
        warning: '100',
        approvalRequired: '200',
      }),
    );
    expect(limit.id).toBeTruthy();
    const budget = await resellerB.post('/api/v1/budgets', {
      customerId: orgs['customer-c'],
      plannedAmount: '150',
    });
    expect(budget.status).toBe(201);
    const alerts = await json<Page<Alert>>(
      await provider.get(`/api/v1/alerts?type=credit_level&organizationId=${orgs['customer-c']}`),
    );
    const planned = alerts.items.filter((a) => a.dedupeKey.endsWith(':planned_amount'));
    expect(planned.map((a) => a.level)).toEqual(['warning']);
    // The customer's seller (Reseller B) and the provider above see it; the customer does not.
    const resellerView = await json<Page<Alert>>(await resellerB.get('/api/v1/alerts?type=credit_level'));
    expect(resellerView.items.map((a) => a.id)).toContain(planned[0]!.id);
    const customerC = await loginAs(server.url, 'admin@customer-c.test');
    const own = await json<Page<Alert>>(await customerC.get('/api/v1/alerts?limit=200'));
    expect(own.items.map((a) => a.type)).not.toContain('credit_level');
  });
});
