import { Money } from '@cspc/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  levelsCreditCheck,
  passThroughCreditCheck,
} from '../../packages/server/src/modules/orders/credit-check.ts';
import { configureOrders, orderServices } from '../../packages/server/src/modules/orders/order-services.ts';
import type { OrderView } from '../../packages/server/src/modules/orders/orders.repository.ts';
import type { SubscriptionView } from '../../packages/server/src/modules/subscriptions/subscriptions.repository.ts';
import { json } from '../support/http.ts';
import {
  BASIC,
  DEFENDER,
  expectStatus,
  NEW_TENANT,
  type OrdersWorld,
  PREMIUM,
  rows,
  STANDARD,
  startOrdersWorld,
} from './support.ts';

// Every order pattern of issue #5, end to end: API → order → pg-boss worker → Partner Center
// (emulator over HTTP) → local subscriptions and events; on an emulated clock that the test moves.

let w: OrdersWorld;
const START = '2025-01-15T09:00:00Z';

interface Detail extends SubscriptionView {
  nce: { possibleNow: { action: string }[] } | null;
  pendingChanges: { orderId: string; kind: string; effectiveAt: string | null }[];
}
interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

const subs: Record<string, string> = {};
let fabrikamPc = '';

async function place(caller: OrdersWorld['provider'], body: unknown, headers?: Record<string, string>) {
  const response = await caller.post('/api/v1/orders', body, headers);
  await expectStatus(response, 201);
  return json<OrderView>(response);
}

async function completed(order: OrderView | string): Promise<OrderView> {
  const done = await w.waitForOrder(typeof order === 'string' ? order : order.id);
  expect(done.state, JSON.stringify(done.lines.map((l) => l.failureReason))).toBe('completed');
  return done;
}

async function sub(id: string, caller = w.provider): Promise<Detail> {
  const response = await caller.get(`/api/v1/subscriptions/${id}`);
  await expectStatus(response, 200);
  return json<Detail>(response);
}

async function action(id: string, path: string, body: unknown = {}, caller = w.provider) {
  return caller.post(`/api/v1/subscriptions/${id}/${path}`, body);
}

async function refused(response: Response, status: number): Promise<ErrorBody> {
  await expectStatus(response, status);
  return json<ErrorBody>(response);
}

beforeAll(async () => {
  w = await startOrdersWorld({ seed: 5151, start: START });
  await w.startWorker();
});
afterAll(async () => w?.close());

describe('pattern 1: a new customer with a new onmicrosoft.com domain and licences', () => {
  it('checks the domain, creates the tenant, attests the agreement and buys', async () => {
    const order = await place(w.provider, {
      customerId: w.orgs['customer-b'],
      tenant: NEW_TENANT('fabrikamkk5151', 'Fabrikam KK'),
      reference: 'PO-1001',
      lines: [
        { type: 'purchase', sku: BASIC, quantity: 10, term: 'P1Y', billingCycle: 'monthly' },
        {
          type: 'purchase',
          sku: BASIC,
          quantity: 3,
          term: 'P1M',
          billingCycle: 'monthly',
          friendlyName: 'Temps',
        },
      ],
    });
    expect(order.state).toBe('submitted');
    expect(order.tenant).toEqual({ mode: 'new', domain: 'fabrikamkk5151.onmicrosoft.com' });
    expect(order.credit).toMatchObject({ outcome: 'allowed', implementation: 'credit-control' });
    const done = await completed(order);
    expect(done.history.map((h) => h.event)).toEqual([
      'submit',
      'start_provisioning',
      'line_succeeded',
      'line_succeeded',
      'all_lines_done',
    ]);
    subs.basic = done.lines[0]!.createdSubscriptionId!;
    subs.monthly = done.lines[1]!.createdSubscriptionId!;
    const tenant = await rows<{ pc_customer_id: string; origin: string }>(
      w,
      `SELECT pc_customer_id, origin FROM customer_tenants WHERE organization_id = '${w.orgs['customer-b']}'`,
    );
    expect(tenant).toHaveLength(1);
    expect(tenant[0]!.origin).toBe('created');
    fabrikamPc = tenant[0]!.pc_customer_id;
    const org = await json<{ tenantId: string; domains: string[] }>(
      await w.provider.get(`/api/v1/organizations/${w.orgs['customer-b']}`),
    );
    expect(org.tenantId).toBe(fabrikamPc);
    expect(org.domains).toContain('fabrikamkk5151.onmicrosoft.com');
    const basic = await sub(subs.basic);
    expect(basic).toMatchObject({
      kind: 'license',
      title: 'Microsoft 365 Business Basic',
      status: 'active',
      quantity: 10,
      term: 'P1Y',
      billingCycle: 'monthly',
      termStart: '2025-01-15',
      termEnd: '2026-01-15',
      autoRenew: true,
      locked: false,
      unitPrice: '900',
      currency: 'JPY',
      attributes: { reference: 'PO-1001' },
    });
    expect(basic.nce?.possibleNow.map((a) => a.action)).toContain('decrease_quantity');
    const events = await json<{
      items: { kind: string; quantityAfter: number; chargePeriod: unknown; prices: unknown[] }[];
    }>(await w.provider.get(`/api/v1/subscriptions/${subs.basic}/events`));
    expect(events.items).toEqual([
      expect.objectContaining({
        kind: 'purchased',
        quantityAfter: 10,
        chargePeriod: { start: '2025-01-15', end: '2025-02-15' },
        prices: [
          {
            sellerId: w.orgs.provider,
            buyerId: w.orgs['customer-b'],
            unitCost: '765',
            costCurrency: 'JPY',
            unitPrice: '900',
            currency: 'JPY',
          },
        ],
      }),
    ]);
  });

  it('refuses a taken domain before anything is ordered', async () => {
    const body = await refused(
      await w.provider.post('/api/v1/orders', {
        customerId: (await newCustomer(w.orgs.provider!, 'Second Fabrikam')).id,
        tenant: NEW_TENANT('fabrikamkk5151'),
        lines: [{ type: 'purchase', sku: BASIC, quantity: 1, term: 'P1M', billingCycle: 'monthly' }],
      }),
      409,
    );
    expect(body.error).toMatchObject({ code: 'domain_taken' });
    expect(body.error.message).toContain('fabrikamkk5151.onmicrosoft.com is already taken');
  });

  it('asks for a tenant when the customer has none', async () => {
    const body = await refused(
      await w.provider.post('/api/v1/orders', {
        customerId: (await newCustomer(w.orgs.provider!, 'No Tenant Yet')).id,
        lines: [{ type: 'purchase', sku: BASIC, quantity: 1, term: 'P1M', billingCycle: 'monthly' }],
      }),
      409,
    );
    expect(body.error.code).toBe('tenant_required');
  });
});

async function newCustomer(parentId: string, name: string, caller = w.provider) {
  const response = await caller.post('/api/v1/organizations', {
    parentId,
    kind: 'customer',
    name,
    country: 'JP',
    currency: 'JPY',
    timeZone: 'Asia/Tokyo',
    locale: 'ja',
  });
  await expectStatus(response, 201);
  return json<{ id: string }>(response);
}

describe('pattern 2: services for an existing tenant, after the reseller relationship is accepted', () => {
  let orderId = '';
  let customerId = '';

  it('waits for the customer to accept the relationship', async () => {
    await w.emulator('/tenants', {
      domain: 'nagoyatrading.onmicrosoft.com',
      companyName: 'Nagoya Trading',
      country: 'JP',
    });
    customerId = (await newCustomer(w.orgs['reseller-a']!, 'Nagoya Trading', w.resellerA)).id;
    const order = await place(w.resellerA, {
      customerId,
      tenant: { mode: 'existing', domain: 'nagoyatrading.onmicrosoft.com' },
      lines: [{ type: 'purchase', sku: PREMIUM, quantity: 4, term: 'P1Y', billingCycle: 'monthly' }],
    });
    orderId = order.id;
    expect(order.state).toBe('awaiting_relationship');
    expect(order.relationshipUrl).toMatch(/^https:\/\/admin\.microsoft\.com\/.*ResellerRelationship/);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect((await w.order(orderId)).state).toBe('awaiting_relationship');
  });

  it('continues once accepted, and the subscription belongs to the reseller', async () => {
    await w.emulator('/customers/nagoyatrading.onmicrosoft.com/accept-relationship', {});
    const done = await completed(orderId);
    expect(done.history.map((h) => h.event)).toContain('relationship_accepted');
    subs.resellerOwned = done.lines[0]!.createdSubscriptionId!;
    const linked = await rows<{ origin: string }>(
      w,
      `SELECT origin FROM customer_tenants WHERE organization_id = '${customerId}'`,
    );
    expect(linked[0]!.origin).toBe('linked');
  });
});

describe('locked subscriptions: sold by a reseller, seen by the provider one-to-one', () => {
  it('shows the provider everything but lets only the reseller change it', async () => {
    const seen = await sub(subs.resellerOwned!);
    expect(seen).toMatchObject({
      locked: true,
      sellerName: 'Reseller A',
      status: 'active',
      quantity: 4,
      autoRenew: true,
      billingCycle: 'monthly',
      title: 'Microsoft 365 Business Premium',
    });
    expect(seen.lockedReason).toContain('Reseller A');
    const denied = await refused(await action(subs.resellerOwned!, 'quantity', { quantity: 6 }), 403);
    expect(denied.error.code).toBe('subscription_locked');
    expect(denied.error.message).toContain('sold by Reseller A');
    for (const path of ['suspend', 'cancel', 'upgrade']) {
      expect((await action(subs.resellerOwned!, path, { sku: STANDARD })).status).toBe(403);
    }
    const own = await sub(subs.resellerOwned!, w.resellerA);
    expect(own.locked).toBe(false);
    await completed(
      await json<OrderView>(
        await expectStatus(await action(subs.resellerOwned!, 'quantity', { quantity: 6 }, w.resellerA), 202),
      ),
    );
    expect((await sub(subs.resellerOwned!)).quantity).toBe(6);
  });

  it('refuses the provider an order for the reseller’s customer', async () => {
    const customer = (
      await json<{ items: { id: string; name: string }[] }>(
        await w.provider.get('/api/v1/organizations?limit=200'),
      )
    ).items.find((o) => o.name === 'Nagoya Trading')!;
    const body = await refused(
      await w.provider.post('/api/v1/orders', {
        customerId: customer.id,
        lines: [{ type: 'purchase', sku: BASIC, quantity: 1, term: 'P1M', billingCycle: 'monthly' }],
      }),
      403,
    );
    expect(body.error.code).toBe('customer_locked');
  });

  it('lets the provider keep notes, contacts and documents on the reseller’s account', async () => {
    const reseller = w.orgs['reseller-a']!;
    const note = await json<{ id: string }>(
      await expectStatus(
        await w.provider.post(`/api/v1/organizations/${reseller}/records`, {
          kind: 'note',
          title: 'Quarterly review',
          body: 'Discussed Copilot roll-out.',
        }),
        201,
      ),
    );
    await expectStatus(
      await w.provider.post(`/api/v1/organizations/${reseller}/records`, {
        kind: 'contact',
        title: 'Aiko Yamamoto',
        data: { email: 'aiko@reseller-a.test', role: 'purchasing' },
      }),
      201,
    );
    const doc = await json<{ id: string; document: { sizeBytes: number } }>(
      await expectStatus(
        await w.provider.post(`/api/v1/organizations/${reseller}/records`, {
          kind: 'document',
          title: 'Reseller agreement',
          document: {
            fileName: 'agreement.txt',
            contentType: 'text/plain',
            contentBase64: Buffer.from('signed 2025').toString('base64'),
          },
        }),
        201,
      ),
    );
    expect(doc.document.sizeBytes).toBe(11);
    const content = await w.provider.get(`/api/v1/organizations/${reseller}/records/${doc.id}/content`);
    expect(await content.text()).toBe('signed 2025');
    const caseRecord = await json<{ id: string }>(
      await expectStatus(
        await w.provider.post(`/api/v1/organizations/${reseller}/records`, {
          kind: 'case',
          title: 'Invoice dispute',
        }),
        201,
      ),
    );
    const closed = await json<{ status: string }>(
      await w.provider.patch(`/api/v1/organizations/${reseller}/records/${caseRecord.id}`, {
        status: 'closed',
      }),
    );
    expect(closed.status).toBe('closed');
    const list = await json<{ items: { kind: string }[] }>(
      await w.provider.get(`/api/v1/organizations/${reseller}/records`),
    );
    expect(list.items.map((r) => r.kind).sort()).toEqual(['case', 'contact', 'document', 'note']);
    // The provider's notes are its own: the reseller does not see them.
    const theirs = await json<{ items: unknown[] }>(
      await w.resellerA.get(`/api/v1/organizations/${reseller}/records`),
    );
    expect(theirs.items).toEqual([]);
    expect((await w.resellerA.get(`/api/v1/organizations/${reseller}/records/${note.id}`)).status).toBe(404);
  });
});

describe('pattern 3: the licence lifecycle', () => {
  it('adds seats and removes them again inside the 168-hour window', async () => {
    const up = await json<OrderView>(
      await expectStatus(await action(subs.basic!, 'quantity', { quantity: 15 }), 202),
    );
    await completed(up);
    expect((await sub(subs.basic!)).quantity).toBe(15);
    const down = await json<OrderView>(
      await expectStatus(await action(subs.basic!, 'quantity', { quantity: 12 }), 202),
    );
    await completed(down);
    const after = await sub(subs.basic!);
    expect(after.quantity).toBe(12);
    expect(after.seatLots.reduce((n, l) => n + l.quantity, 0)).toBe(12);
    const events = await json<{
      items: { kind: string; quantityBefore: number; quantityAfter: number; prices: unknown[] }[];
    }>(await w.provider.get(`/api/v1/subscriptions/${subs.basic}/events`));
    expect(events.items.map((e) => [e.kind, e.quantityBefore, e.quantityAfter])).toEqual([
      ['purchased', 0, 10],
      ['quantity_changed', 10, 15],
      ['quantity_changed', 15, 12],
    ]);
    expect(events.items.every((e) => e.prices.length === 1)).toBe(true);
  });

  it('buys an add-on under the base subscription', async () => {
    const done = await completed(
      await place(w.provider, {
        customerId: w.orgs['customer-b'],
        lines: [
          {
            type: 'add_on',
            sku: DEFENDER,
            quantity: 5,
            term: 'P1Y',
            billingCycle: 'monthly',
            parentSubscriptionId: subs.basic,
          },
        ],
      }),
    );
    const addOn = await sub(done.lines[0]!.createdSubscriptionId!);
    expect(addOn).toMatchObject({ isAddOn: true, parentSubscriptionId: subs.basic, quantity: 5 });
  });

  it('upgrades part of the seats to a co-terminous subscription', async () => {
    const order = await json<OrderView>(
      await expectStatus(await action(subs.basic!, 'upgrade', { sku: STANDARD, quantity: 2 }), 202),
    );
    const done = await completed(order);
    const upgraded = await sub(done.lines[0]!.createdSubscriptionId!);
    expect(upgraded).toMatchObject({
      title: 'Microsoft 365 Business Standard',
      quantity: 2,
      termEnd: '2026-01-15',
    });
    expect((await sub(subs.basic!)).quantity).toBe(10);
  });

  it('suspends, reactivates and turns auto-renew back on', async () => {
    await completed(await json<OrderView>(await expectStatus(await action(subs.basic!, 'suspend'), 202)));
    const suspended = await sub(subs.basic!);
    expect([suspended.status, suspended.autoRenew]).toEqual(['suspended', false]);
    // NCE: no seat change while suspended; the error says what to do instead.
    const body = await refused(await action(subs.basic!, 'quantity', { quantity: 11 }), 409);
    expect(body.error.code).toBe('nce.subscription_suspended');
    expect(body.error.message).toContain('Reactivate the subscription first');
    await completed(await json<OrderView>(await expectStatus(await action(subs.basic!, 'reactivate'), 202)));
    expect((await sub(subs.basic!)).status).toBe('active');
    await completed(
      await json<OrderView>(
        await expectStatus(await action(subs.basic!, 'auto-renew', { enabled: true }), 202),
      ),
    );
    expect((await sub(subs.basic!)).autoRenew).toBe(true);
  });

  it('cancels inside the cancellation window', async () => {
    const done = await completed(
      await place(w.provider, {
        customerId: w.orgs['customer-b'],
        lines: [{ type: 'purchase', sku: STANDARD, quantity: 1, term: 'P1Y', billingCycle: 'monthly' }],
      }),
    );
    const id = done.lines[0]!.createdSubscriptionId!;
    await completed(await json<OrderView>(await expectStatus(await action(id, 'cancel'), 202)));
    expect((await sub(id)).status).toBe('cancelled');
  });

  it('after the window: refuses decreases and cancellation and says what is possible instead', async () => {
    await w.setNow('2025-01-23T09:00:00Z');
    const decrease = await refused(await action(subs.basic!, 'quantity', { quantity: 8 }), 409);
    expect(decrease.error.code).toBe('nce.decrease_outside_window');
    expect(decrease.error.message).toContain(
      'Schedule the change for the renewal on 2026-01-15 (quantity 8) instead.',
    );
    expect(decrease.error.details?.alternative).toEqual({
      kind: 'schedule_at_renewal',
      date: '2026-01-15',
      quantity: 8,
    });
    const cancel = await refused(await action(subs.basic!, 'cancel'), 409);
    expect(cancel.error.code).toBe('nce.cancel_outside_window');
    expect(cancel.error.message).toContain('Turn off auto-renew instead');
  });

  it('schedules the decrease for the renewal', async () => {
    await completed(
      await json<OrderView>(await expectStatus(await action(subs.basic!, 'schedule', { quantity: 8 }), 202)),
    );
    const scheduled = await sub(subs.basic!);
    expect(scheduled.scheduledChange).toMatchObject({ effectiveOn: '2026-01-15', quantity: 8, skuId: BASIC });
    expect(scheduled.quantity).toBe(10);
  });

  it('turns auto-renew off and on', async () => {
    await completed(
      await json<OrderView>(
        await expectStatus(await action(subs.monthly!, 'auto-renew', { enabled: false }), 202),
      ),
    );
    expect((await sub(subs.monthly!)).autoRenew).toBe(false);
    await completed(
      await json<OrderView>(
        await expectStatus(await action(subs.monthly!, 'auto-renew', { enabled: true }), 202),
      ),
    );
    expect((await sub(subs.monthly!)).autoRenew).toBe(true);
  });
});

describe('renewals and reconciliation', () => {
  it('lists the terms ending soon', async () => {
    const soon = await json<{ items: { id: string }[] }>(
      await w.provider.get('/api/v1/subscriptions?renewingWithinDays=30'),
    );
    expect(soon.items.map((s) => s.id)).toContain(subs.monthly);
    expect(soon.items.map((s) => s.id)).not.toContain(subs.basic);
  });

  it('records the renewal Microsoft made, with the change scheduled for it', async () => {
    await completed(
      await json<OrderView>(
        await expectStatus(await action(subs.monthly!, 'schedule', { quantity: 2 }), 202),
      ),
    );
    await w.setNow('2025-02-16T09:00:00Z');
    const report = await json<{ renewed: number; driftOpen: number }>(
      await expectStatus(await w.provider.post('/api/v1/subscriptions/reconcile'), 200),
    );
    expect(report.renewed).toBeGreaterThanOrEqual(1);
    expect(report.driftOpen).toBe(0);
    const renewed = await sub(subs.monthly!);
    expect(renewed).toMatchObject({
      quantity: 2,
      termStart: '2025-02-15',
      termEnd: '2025-03-15',
      scheduledChange: null,
    });
    const events = await json<{ items: { kind: string; quantityAfter: number; prices: unknown[] }[] }>(
      await w.provider.get(`/api/v1/subscriptions/${subs.monthly}/events`),
    );
    const last = events.items.at(-1)!;
    expect([last.kind, last.quantityAfter]).toEqual(['renewed', 2]);
    expect(last.prices).toHaveLength(1);
  });

  it('reports drift made outside the product and adopts or fixes it', async () => {
    const client = await orderServices(w.server.deps).partnerCenter.clientFor(w.orgs.provider!);
    const basic = await sub(subs.basic!);
    const pcSub = await client.subscriptions.get(fabrikamPc, basic.partnerCenter!.subscriptionId);
    await client.subscriptions.setQuantity(fabrikamPc, pcSub, 14, { operationKey: 'outside-the-product:1' });
    const cart = await client.orders.createCart(
      fabrikamPc,
      {
        lineItems: [
          { catalogItemId: basic.catalogItemId!, quantity: 2, termDuration: 'P1M', billingCycle: 'monthly' },
        ],
      },
      { operationKey: 'outside-the-product:cart' },
    );
    await client.orders.checkoutCart(fabrikamPc, cart.id, { operationKey: 'outside-the-product:checkout' });
    const report = await json<{ driftDetected: number }>(
      await w.provider.post('/api/v1/subscriptions/reconcile'),
    );
    expect(report.driftDetected).toBe(2);
    const drift = await json<{
      items: { id: string; kind: string; localValue: string; microsoftValue: string; actions: string[] }[];
    }>(await w.provider.get('/api/v1/subscriptions/drift'));
    const quantity = drift.items.find((d) => d.kind === 'quantity')!;
    expect([quantity.localValue, quantity.microsoftValue, quantity.actions]).toEqual([
      '10',
      '14',
      ['adopt', 'fix'],
    ]);
    const unknown = drift.items.find((d) => d.kind === 'unknown_subscription')!;
    expect(unknown.actions).toEqual(['adopt']);

    // Fix: Microsoft goes back to our 10 (the 4 seats were added minutes ago, so NCE allows it).
    const fixed = await json<{ resolution: string }>(
      await expectStatus(await w.provider.post(`/api/v1/subscriptions/drift/${quantity.id}/fix`), 200),
    );
    expect(fixed.resolution).toBe('fixed');
    expect((await client.subscriptions.get(fabrikamPc, pcSub.id)).quantity).toBe(10);
    // Adopt: the subscription bought outside the product becomes ours, priced by the price book.
    const adopted = await json<{ resolution: string; subscriptionId: string }>(
      await expectStatus(await w.provider.post(`/api/v1/subscriptions/drift/${unknown.id}/adopt`), 200),
    );
    expect(adopted.resolution).toBe('adopted');
    const mine = await sub(adopted.subscriptionId);
    expect(mine).toMatchObject({ quantity: 2, unitPrice: expect.stringMatching(/^\d+$/), locked: false });
    expect(
      (await json<{ driftOpen: number }>(await w.provider.post('/api/v1/subscriptions/reconcile'))).driftOpen,
    ).toBe(0);
  });
});

describe('pattern 4: Azure plan and administrator rights', () => {
  let userId = '';

  it('creates the Azure plan and a new administrator', async () => {
    const done = await completed(
      await place(w.provider, {
        customerId: w.orgs['customer-b'],
        lines: [
          { type: 'azure_plan' },
          {
            type: 'azure_admin',
            user: { new: { userName: 'azure.admin', firstName: 'Aoi', lastName: 'Kimura' } },
          },
        ],
      }),
    );
    const plan = await sub(done.lines[0]!.createdSubscriptionId!);
    expect(plan).toMatchObject({
      kind: 'azure_plan',
      status: 'active',
      billingCycle: 'usage',
      unitPrice: null,
    });
    const admin = done.lines[1]!.result as {
      userId: string;
      userPrincipalName: string;
      temporaryPassword: string;
    };
    expect(admin.userPrincipalName).toBe('azure.admin@fabrikamkk5151.onmicrosoft.com');
    expect(admin.temporaryPassword).toMatch(/^.{16,}$/);
    userId = admin.userId;
    // The customer does not see the password of an order its seller placed... it does: it is its admin.
    const asCustomer = await json<OrderView>(await w.customerB.get(`/api/v1/orders/${done.id}`));
    expect(asCustomer.lines[1]!.params).not.toHaveProperty('password');
  });

  it('grants the rights to an existing account', async () => {
    const other = await completed(
      await place(w.provider, {
        customerId: w.orgs['customer-b'],
        lines: [{ type: 'azure_admin', user: { existingUserId: userId } }],
      }),
    );
    expect(other.lines[0]!.result).toMatchObject({ userId });
    const members = await fetch(
      `${w.emu.url}/v1/customers/${fabrikamPc}/directoryroles/62e90394-69f5-4237-9190-012177145e10/usermembers`,
      { headers: { authorization: 'Bearer x' } },
    );
    const body = (await members.json()) as { items: { id: string }[] };
    expect(body.items.map((m) => m.id)).toContain(userId);
  });
});

describe('pattern 5: own products, provisioned by staff', () => {
  it('makes a task with a due date and completes the order when the task is done', async () => {
    const products = await json<{ items: { id: string; name: string }[] }>(
      await w.provider.get('/api/v1/catalog/own-products'),
    );
    const support = products.items.find((p) => p.name === 'Premium Support 24/7')!;
    const order = await place(w.provider, {
      customerId: w.orgs['customer-b'],
      lines: [
        { type: 'own_product', ownProductId: support.id, quantity: 1, term: 'P1M', billingCycle: 'monthly' },
      ],
    });
    const waiting = await w.waitForOrder(order.id, ['provisioning']);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const tasks = await json<{ items: { id: string; orderId: string; dueDate: string; status: string }[] }>(
      await w.provider.get('/api/v1/provisioning/tasks?status=open'),
    );
    const task = tasks.items.find((t) => t.orderId === waiting.id)!;
    expect(task).toMatchObject({ status: 'open', dueDate: '2025-02-19' });
    const done = await json<{ status: string; subscriptionId: string }>(
      await expectStatus(
        await w.provider.post(`/api/v1/provisioning/tasks/${task.id}/complete`, { note: 'Onboarded' }),
        200,
      ),
    );
    expect(done.status).toBe('completed');
    const finished = await completed(order);
    expect(finished.lines[0]!.createdSubscriptionId).toBe(done.subscriptionId);
    expect(await sub(done.subscriptionId)).toMatchObject({
      kind: 'own_product',
      status: 'active',
      unitPrice: '50000',
    });
  });
});

describe('credit control and failures', () => {
  it('holds an order over the approval level until approved, refuses one over the block level', async () => {
    configureOrders(w.server.deps, {
      creditCheck: levelsCreditCheck(async () => ({
        levels: {
          warning: Money.of('1000', 'JPY'),
          approvalRequired: Money.of('5000', 'JPY'),
          purchaseBlocked: Money.of('100000', 'JPY'),
        },
        currentExposure: Money.of('0', 'JPY'),
      })),
    });
    try {
      const held = await place(w.provider, {
        customerId: w.orgs['customer-b'],
        lines: [{ type: 'purchase', sku: BASIC, quantity: 10, term: 'P1M', billingCycle: 'monthly' }],
      });
      expect(held.state).toBe('awaiting_approval');
      expect(held.credit).toMatchObject({ outcome: 'approval_required', implementation: 'credit-levels' });
      expect((await w.customerB.post(`/api/v1/orders/${held.id}/approve`, {})).status).toBe(403);
      await expectStatus(
        await w.provider.post(`/api/v1/orders/${held.id}/approve`, { reason: 'known customer' }),
        200,
      );
      const done = await completed(held);
      expect(done.history.map((h) => h.event).slice(0, 4)).toEqual([
        'submit',
        'credit_approval_required',
        'approve',
        'start_provisioning',
      ]);

      const rejected = await place(w.provider, {
        customerId: w.orgs['customer-b'],
        lines: [{ type: 'purchase', sku: BASIC, quantity: 9, term: 'P1M', billingCycle: 'monthly' }],
      });
      const after = await json<OrderView>(
        await expectStatus(
          await w.provider.post(`/api/v1/orders/${rejected.id}/reject`, { reason: 'over limit' }),
          200,
        ),
      );
      expect(after.state).toBe('cancelled');

      const blocked = await refused(
        await w.provider.post('/api/v1/orders', {
          customerId: w.orgs['customer-b'],
          lines: [{ type: 'purchase', sku: BASIC, quantity: 200, term: 'P1M', billingCycle: 'monthly' }],
        }),
        409,
      );
      expect(blocked.error.code).toBe('credit_blocked');
    } finally {
      configureOrders(w.server.deps, { creditCheck: passThroughCreditCheck });
    }
  });

  it('fails an order Microsoft refuses, with the reason, and lists it for staff', async () => {
    await w.stopWorkers();
    const customer = await newCustomer(w.orgs.provider!, 'Domain Race KK');
    const order = await place(w.provider, {
      customerId: customer.id,
      tenant: NEW_TENANT('domainrace5151'),
      lines: [{ type: 'purchase', sku: BASIC, quantity: 1, term: 'P1M', billingCycle: 'monthly' }],
    });
    // Someone else takes the domain between the order and its provisioning.
    await w.emulator('/tenants', { domain: 'domainrace5151.onmicrosoft.com', companyName: 'Squatter' });
    await w.startWorker();
    const failed = await w.waitForOrder(order.id);
    expect(failed.state).toBe('failed');
    expect(failed.failureReason).toContain('domainrace5151.onmicrosoft.com is already taken');
    expect(failed.alertedAt).not.toBeNull();
    const list = await json<{ items: { id: string }[] }>(await w.provider.get('/api/v1/orders?state=failed'));
    expect(list.items.map((o) => o.id)).toContain(order.id);
  });

  it('tells people through the notifications outbox', async () => {
    const events = await rows<{ type: string; n: string }>(
      w,
      'SELECT type, count(*)::text AS n FROM notification_events GROUP BY type ORDER BY type',
    );
    const types = events.map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining([
        'change_completed',
        'order_awaiting_approval',
        'order_failed',
        'provisioning_completed',
      ]),
    );
  });
});

describe('the customer sees its pending changes', () => {
  it('shows a change scheduled for the 1st of next month on the subscription', async () => {
    const response = await w.customerB.post(`/api/v1/subscriptions/${subs.basic}/quantity`, {
      quantity: 13,
      effective: 'next_month',
    });
    const order = await json<OrderView>(await expectStatus(response, 202));
    expect(order.state).toBe('scheduled');
    expect(order.effectiveAt).toBe('2025-02-28T15:00:00.000Z');
    const seen = await sub(subs.basic!, w.customerB);
    expect(seen.pendingChanges).toEqual([
      expect.objectContaining({
        orderId: order.id,
        kind: 'change_quantity',
        effectiveAt: '2025-02-28T15:00:00.000Z',
      }),
    ]);
    expect(seen.priceTiers).toEqual([]);
    const cancelled = await json<OrderView>(await w.customerB.post(`/api/v1/orders/${order.id}/cancel`, {}));
    expect(cancelled.state).toBe('cancelled');
  });
});
