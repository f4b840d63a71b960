import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../packages/server/src/partner-center/emulator/server.ts';
import {
  classifyNceViolation,
  GLOBAL_ADMINISTRATOR_ROLE_TEMPLATE_ID,
  type PartnerCenterClient,
  type Subscription,
  type SubscriptionPatchResult,
} from '../../packages/server/src/partner-center/index.ts';
import {
  admin,
  bootEmulator,
  COVERAGE,
  clientFor,
  customerInput,
  expectCovered,
  opKey,
  printSummary,
  Recorder,
  refusal,
} from './client-emulator-support.ts';

// The subscription lifecycle (NCE rules of RULES.md §3–§7) through the real client: every change is a
// PATCH of the whole resource with If-Match, on an emulated clock that the test moves forward.

let emu: RunningEmulator;
let pc: PartnerCenterClient;
const recorder = new Recorder();
let customerId: string;
const items: Record<string, string> = {};
let basic: Subscription;
let premium: Subscription;
let plan: Subscription;

const BASIC_LICENCE = '3b555118-da6a-4418-894f-7df1e2096870';

function updated(result: SubscriptionPatchResult): Subscription {
  if (result.status !== 'updated') throw new Error(`expected 200, got ${result.status}`);
  return result.subscription;
}

const key = (what: string) => ({ operationKey: opKey(what) });

beforeAll(async () => {
  emu = await bootEmulator(7404, '2025-01-15T09:00:00Z');
  pc = clientFor(emu, { recorder }).client;
  customerId = (await pc.customers.create(customerInput('subsco', 'Subs Co'), key('customer'))).id;
  for (const [productId, skuId] of [
    ['CFQ7TTC0LH18', '0001'],
    ['CFQ7TTC0LDPB', '0001'],
    ['CFQ7TTC0LCHC', '0002'],
    ['CFQ7TTC0LH0W', '0001'],
  ] as const) {
    const [a] = await pc.catalog.listAvailabilities(productId, skuId, { country: 'US' });
    items[productId] = a!.catalogItemId!;
  }
  const cart = await pc.orders.createCart(
    customerId,
    {
      lineItems: [
        { catalogItemId: items.CFQ7TTC0LH18!, quantity: 5, termDuration: 'P1Y', billingCycle: 'monthly' },
        { catalogItemId: items.CFQ7TTC0LCHC!, quantity: 3, termDuration: 'P1Y', billingCycle: 'monthly' },
        { catalogItemId: 'DZH318Z0BPS6:0001:DZH318Z0BML6', quantity: 1, billingCycle: 'one_time' },
      ],
    },
    key('cart'),
  );
  const result = await pc.orders.checkoutCart(customerId, cart.id, key('checkout'));
  const ids = result.orders.flatMap((o) => o.lineItems.map((l) => l.subscriptionId!));
  const read = await Promise.all(ids.map((id) => pc.subscriptions.get(customerId, id)));
  basic = read[0]!;
  premium = read[1]!;
  plan = read[2]!;
});

afterAll(async () => {
  if (emu) await printSummary('subscriptions', recorder, emu);
  await emu?.close();
});

describe('client ↔ emulator: reading subscriptions', () => {
  it('reads a new-commerce subscription with its windows and seat lots', async () => {
    expect(basic).toMatchObject({
      offerId: items.CFQ7TTC0LH18,
      offerName: 'Microsoft 365 Business Basic',
      friendlyName: 'Microsoft 365 Business Basic',
      productType: { id: 'OnlineServicesNCE' },
      quantity: 5,
      unitType: 'Licenses',
      creationDate: '2025-01-15T09:00:00.000Z',
      effectiveStartDate: '2025-01-15T09:00:00.000Z',
      commitmentEndDate: '2026-01-14T00:00:00Z',
      cancellationAllowedUntilDate: '2025-01-22T09:00:00Z',
      billingCycleEndDate: '2025-02-14T00:00:00Z',
      status: 'active',
      autoRenewEnabled: true,
      billingType: 'license',
      billingCycle: 'monthly',
      termDuration: 'P1Y',
      hasPurchasableAddons: true,
      refundOptions: [
        { type: 'Full', expiresAt: '2025-01-16T09:00:00Z' },
        { type: 'Partial', expiresAt: '2025-01-22T09:00:00Z' },
      ],
      refundableQuantity: {
        totalQuantity: 5,
        details: [{ quantity: 5, allowedUntilDateTime: '2025-01-22T09:00:00.000Z' }],
      },
      attributes: { objectType: 'Subscription' },
    });
    expect(basic.attributes?.etag).toBeTruthy();
    const all = await pc.subscriptions.list(customerId);
    expect(all.map((s) => [s.id, s.offerId, s.quantity])).toEqual([
      [basic.id, items.CFQ7TTC0LH18, 5],
      [premium.id, items.CFQ7TTC0LCHC, 3],
      [plan.id, 'DZH318Z0BPS6:0001:DZH318Z0BML6', 1],
    ]);
    const status = await pc.subscriptions.getProvisioningStatus(customerId, basic.id);
    expect(status).toMatchObject({
      skuId: BASIC_LICENCE.toUpperCase(),
      status: 'success',
      quantity: 5,
      endDate: '2026-01-14T00:00:00Z',
    });
    const missing = await refusal(() => pc.subscriptions.get(customerId, 'nope'));
    expect(missing).toMatchObject({ httpStatus: 404, code: 20003 });
  });
});

describe('client ↔ emulator: changes inside the first week', () => {
  it('renames, adds seats and removes recently added seats', async () => {
    basic = updated(
      await pc.subscriptions.patch(customerId, basic, { friendlyName: 'Sales team' }, key('name')),
    );
    expect(basic.friendlyName).toBe('Sales team');
    basic = updated(await pc.subscriptions.setQuantity(customerId, basic, 8, key('qty')));
    expect(basic.quantity).toBe(8);
    expect(basic.refundableQuantity?.totalQuantity).toBe(8);
    expect(basic.refundableQuantity?.details.map((d) => d.quantity)).toEqual([5, 3]);
    basic = updated(await pc.subscriptions.setQuantity(customerId, basic, 6, key('qty')));
    expect(basic.quantity).toBe(6);
    expect(basic.refundableQuantity?.details.map((d) => d.quantity)).toEqual([5, 1]);
  });

  it('refuses a change based on a stale etag with a typed error', async () => {
    const stale = basic;
    basic = updated(await pc.subscriptions.patch(customerId, basic, { friendlyName: 'Sales' }, key('name')));
    expect(basic.attributes?.etag).not.toBe(stale.attributes?.etag);
    const error = await refusal(() => pc.subscriptions.setQuantity(customerId, stale, 7, key('qty')));
    expect(error).toMatchObject({ httpStatus: 412, code: 2055, category: 'precondition_failed' });
    expect(classifyNceViolation(error)?.kind).toBe('stale_etag');
    expect((await pc.subscriptions.get(customerId, basic.id)).quantity).toBe(6);
  });

  it('cancels inside the cancellation window', async () => {
    const cancelled = updated(await pc.subscriptions.cancel(customerId, premium, key('cancel')));
    expect(cancelled).toMatchObject({ status: 'deleted', autoRenewEnabled: false, quantity: 3 });
    expect(cancelled.cancellationAllowedUntilDate).toBeUndefined();
    const again = await refusal(() => pc.subscriptions.setQuantity(customerId, cancelled, 4, key('qty')));
    expect(again).toMatchObject({ httpStatus: 400, code: 2011 });
    expect(again.violation?.kind).toBe('subscription_deleted');
  });

  it('switches auto-renew off and on, and a mid-term change wipes scheduled next-term changes', async () => {
    basic = updated(await pc.subscriptions.setAutoRenew(customerId, basic, false, key('renew')));
    expect(basic.autoRenewEnabled).toBe(false);
    const targets = await pc.subscriptions.listTransitionEligibilities(customerId, basic.id, {
      eligibilityType: 'scheduled',
    });
    const standard = targets.find((t) => t.catalogItemId === items.CFQ7TTC0LDPB)!;
    const [productId, skuId, availabilityId] = standard.catalogItemId.split(':') as [string, string, string];
    const instructions = {
      product: { productId, skuId, availabilityId, billingCycle: 'monthly', termDuration: 'P1Y' },
      quantity: 6,
    };
    const needsRenew = await refusal(() =>
      pc.subscriptions.scheduleNextTerm(customerId, basic, instructions, key('schedule')),
    );
    expect(needsRenew).toMatchObject({ httpStatus: 400, code: 800002 });
    expect(needsRenew.violation?.kind).toBe('scheduled_change_requires_auto_renew');

    basic = updated(await pc.subscriptions.setAutoRenew(customerId, basic, true, key('renew')));
    expect(basic.autoRenewEnabled).toBe(true);
    basic = updated(
      await pc.subscriptions.scheduleNextTerm(customerId, basic, instructions, key('schedule')),
    );
    expect(basic.scheduledNextTermInstructions).toEqual(instructions);
    // The echo of the schedule in the full-resource PATCH must not resurrect it after the change.
    basic = updated(await pc.subscriptions.setQuantity(customerId, basic, 7, key('qty')));
    expect(basic.quantity).toBe(7);
    expect(basic.scheduledNextTermInstructions).toBeUndefined();
    expect((await pc.subscriptions.get(customerId, basic.id)).scheduledNextTermInstructions).toBeUndefined();

    basic = updated(
      await pc.subscriptions.scheduleNextTerm(customerId, basic, instructions, key('schedule')),
    );
    basic = updated(await pc.subscriptions.scheduleNextTerm(customerId, basic, null, key('schedule')));
    expect(basic.scheduledNextTermInstructions).toBeUndefined();
  });

  it('answers 202 + Location when Microsoft accepts a change for later', async () => {
    await admin(emu, 'POST', '/settings', { subscriptionPatchAccepted: true });
    try {
      const result = await pc.subscriptions.patch(customerId, basic, { friendlyName: 'Later' }, key('name'));
      expect(result).toEqual({
        status: 'accepted',
        location: `/customers/${customerId}/subscriptions/${basic.id}`,
      });
    } finally {
      await admin(emu, 'POST', '/settings', { subscriptionPatchAccepted: false });
    }
    basic = await pc.subscriptions.get(customerId, basic.id);
    expect(basic.friendlyName).toBe('Later');
  });

  it('buys an add-on under the base subscription', async () => {
    const cart = await pc.orders.createCart(
      customerId,
      {
        lineItems: [
          {
            catalogItemId: items.CFQ7TTC0LH0W!,
            quantity: 2,
            termDuration: 'P1Y',
            billingCycle: 'monthly',
            provisioningContext: { ParentSubscriptionId: basic.id },
          },
        ],
      },
      key('cart'),
    );
    await pc.orders.checkoutCart(customerId, cart.id, key('checkout'));
    const addons = await pc.subscriptions.listAddOns(customerId, basic.id);
    expect(addons.map((a) => [a.offerName, a.quantity, a.parentSubscriptionId, a.status])).toEqual([
      ['Microsoft Teams Phone Standard', 2, basic.id, 'active'],
    ]);
    const wrongParent = await pc.orders.createCart(
      customerId,
      {
        lineItems: [
          {
            catalogItemId: items.CFQ7TTC0LH0W!,
            quantity: 1,
            termDuration: 'P1Y',
            billingCycle: 'monthly',
            provisioningContext: { ParentSubscriptionId: premium.id },
          },
        ],
      },
      key('cart'),
    );
    expect(wrongParent.lineItems[0]?.error).toMatchObject({ errorCode: 10007 });
  });
});

describe('client ↔ emulator: Azure plan', () => {
  it('lists Azure entitlements and refuses to suspend a plan with active ones', async () => {
    expect(plan).toMatchObject({
      productType: { id: 'Azure' },
      unitType: 'Usage-based',
      billingType: 'usage',
      billingCycle: 'one_time',
      autoRenewEnabled: false,
    });
    const before = await pc.subscriptions.listAzureEntitlements(customerId, plan.id);
    expect(before.map((e) => [e.friendlyName, e.status, e.subscriptionId])).toEqual([
      ['Azure subscription 1', 'active', plan.id],
    ]);
    await admin(emu, 'POST', `/customers/${customerId}/subscriptions/${plan.id}/azure-entitlements`, {
      friendlyName: 'Production',
    });
    const after = await pc.subscriptions.listAzureEntitlements(customerId, plan.id);
    expect(after.map((e) => e.friendlyName)).toEqual(['Azure subscription 1', 'Production']);
    const refused = await refusal(() => pc.subscriptions.suspend(customerId, plan, key('suspend')));
    expect(refused).toMatchObject({ httpStatus: 403, code: 900115 });
    expect(refused.violation?.kind).toBe('azure_plan_not_suspendable');
  });

  it('makes a new user and an existing user administrators of the customer', async () => {
    const created = await pc.subscriptions.assignAdmin(
      customerId,
      {
        roleId: GLOBAL_ADMINISTRATOR_ROLE_TEMPLATE_ID,
        user: {
          create: {
            userPrincipalName: 'azure.admin@subsco.onmicrosoft.com',
            firstName: 'Azure',
            lastName: 'Admin',
            displayName: 'Azure Admin',
            usageLocation: 'US',
            passwordProfile: { password: 'Pa55word!a', forceChangePassword: true },
          },
        },
      },
      key('admin'),
    );
    expect(created.user).toMatchObject({ userPrincipalName: 'azure.admin@subsco.onmicrosoft.com' });
    expect(created.membership).toMatchObject({
      id: created.user!.id,
      roleId: GLOBAL_ADMINISTRATOR_ROLE_TEMPLATE_ID,
      userPrincipalName: 'azure.admin@subsco.onmicrosoft.com',
    });
    const existing = await pc.customers.createUser(
      customerId,
      {
        userPrincipalName: 'ops@subsco.onmicrosoft.com',
        firstName: 'Ops',
        lastName: 'Person',
        displayName: 'Ops Person',
        usageLocation: 'US',
        passwordProfile: { password: 'Pa55word!b', forceChangePassword: false },
      },
      key('user'),
    );
    const promoted = await pc.subscriptions.assignAdmin(
      customerId,
      {
        roleId: GLOBAL_ADMINISTRATOR_ROLE_TEMPLATE_ID,
        user: { userId: existing.id, userPrincipalName: existing.userPrincipalName },
      },
      key('admin'),
    );
    expect(promoted.user).toBeUndefined();
    expect(promoted.membership).toMatchObject({ id: existing.id, displayName: 'Ops Person' });
    const members = emu.state.roleMembers
      .filter((m) => m.customerId === customerId && m.roleId === GLOBAL_ADMINISTRATOR_ROLE_TEMPLATE_ID)
      .map((m) => m.userId)
      .sort();
    expect(members).toEqual([created.user!.id, existing.id].sort());
  });
});

describe('client ↔ emulator: after the first week (clock + 8 days)', () => {
  it('refuses to remove seats and to cancel once the windows closed', async () => {
    await admin(emu, 'POST', '/clock', { advanceDays: 8 });
    basic = await pc.subscriptions.get(customerId, basic.id);
    expect(basic.refundableQuantity).toEqual({ totalQuantity: 0, details: [] });
    const decrease = await refusal(() => pc.subscriptions.setQuantity(customerId, basic, 6, key('qty')));
    expect(decrease).toMatchObject({ httpStatus: 400, code: 800090 });
    expect(classifyNceViolation(decrease)).toEqual({
      kind: 'quantity_decrease_not_allowed',
      message:
        'Licences can only be removed within 7 days of being added. The quantity can be reduced at the next renewal instead.',
    });
    const cancel = await refusal(() => pc.subscriptions.cancel(customerId, basic, key('cancel')));
    expect(cancel).toMatchObject({ httpStatus: 400, code: 900117 });
    expect(cancel.description).toBe(
      'You have passed your 7-day cancellation window. We are unable to cancel your purchase',
    );
    expect(classifyNceViolation(cancel)?.kind).toBe('cancellation_window_closed');
    // Adding seats is allowed at any time, and the new seats are refundable for 7 days.
    basic = updated(await pc.subscriptions.setQuantity(customerId, basic, 9, key('qty')));
    expect(basic.refundableQuantity).toEqual({
      totalQuantity: 2,
      details: [{ quantity: 2, allowedUntilDateTime: '2025-01-30T09:00:00.000Z' }],
    });
  });

  it('suspends (auto-renew off, no seat changes) and reactivates', async () => {
    basic = updated(await pc.subscriptions.suspend(customerId, basic, key('suspend')));
    expect(basic).toMatchObject({ status: 'suspended', autoRenewEnabled: false });
    const blocked = await refusal(() => pc.subscriptions.setQuantity(customerId, basic, 10, key('qty')));
    expect(blocked).toMatchObject({ httpStatus: 400, code: 800091 });
    expect(blocked.violation?.kind).toBe('subscription_suspended');
    basic = updated(await pc.subscriptions.reactivate(customerId, basic, key('reactivate')));
    expect(basic).toMatchObject({ status: 'active', autoRenewEnabled: false });
    basic = updated(await pc.subscriptions.setAutoRenew(customerId, basic, true, key('renew')));
  });

  it('upgrades part of the seats to a co-terminous subscription that inherits the closed window', async () => {
    const eligible = await pc.subscriptions.listTransitionEligibilities(customerId, basic.id);
    expect(eligible.map((e) => [e.catalogItemId, e.title, e.quantity])).toEqual([
      [items.CFQ7TTC0LDPB, 'Microsoft 365 Business Standard', 9],
      [items.CFQ7TTC0LCHC, 'Microsoft 365 Business Premium', 9],
    ]);
    expect(eligible[0]?.eligibilities).toEqual([
      { isEligible: true, transitionType: 'transition_only', errors: [] },
      { isEligible: true, transitionType: 'transition_with_license_transfer', errors: [] },
    ]);
    const transition = await pc.subscriptions.createTransition(
      customerId,
      basic.id,
      {
        toCatalogItemId: items.CFQ7TTC0LDPB!,
        quantity: 2,
        transitionType: 'transition_with_license_transfer',
      },
      key('transition'),
    );
    expect(transition).toMatchObject({
      fromCatalogItemId: items.CFQ7TTC0LH18,
      toCatalogItemId: items.CFQ7TTC0LDPB,
      fromSubscriptionId: basic.id,
      quantity: 2,
      transitionType: 'transition_with_license_transfer',
      events: [{ name: 'Conversion', status: 'started', timestamp: '2025-01-23T09:00:00.000Z' }],
    });
    const listed = await pc.subscriptions.listTransitions(customerId, basic.id);
    expect(listed).toHaveLength(1);
    expect(listed[0]?.events.map((e) => e.status)).toEqual(['started', 'completed']);
    const target = await pc.subscriptions.get(customerId, transition.toSubscriptionId!);
    expect(target).toMatchObject({
      offerId: items.CFQ7TTC0LDPB,
      quantity: 2,
      commitmentEndDate: '2026-01-14T00:00:00Z',
      cancellationAllowedUntilDate: '2025-01-22T09:00:00Z',
      migratedFromSubscriptionId: basic.id,
    });
    expect((await pc.subscriptions.get(customerId, basic.id)).quantity).toBe(7);
    const cancel = await refusal(() => pc.subscriptions.cancel(customerId, target, key('cancel')));
    expect(cancel.violation?.kind).toBe('cancellation_window_closed');
  });

  it('surfaces the routes the emulator does not implement (NCE migrations) as typed 404 errors', async () => {
    const validate = await refusal(() => pc.subscriptions.validateMigration(customerId, basic.id));
    expect(validate).toMatchObject({ httpStatus: 404 });
    const create = await refusal(() =>
      pc.subscriptions.createMigration(customerId, { currentSubscriptionId: basic.id }, key('migration')),
    );
    expect(create).toMatchObject({ httpStatus: 404 });
    const get = await refusal(() => pc.subscriptions.getMigration(customerId, 'missing'));
    expect(get).toMatchObject({ httpStatus: 404 });
  });

  it('ran every subscription operation', () => {
    expectCovered(recorder, [
      ...COVERAGE.subscriptions,
      'subscriptions.validateMigration',
      'subscriptions.createMigration',
      'subscriptions.getMigration',
    ]);
  });
});
