import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../packages/server/src/partner-center/emulator/server.ts';
import {
  cartLineErrors,
  checkoutOrderErrors,
  type InMemoryRequestLedger,
  type PartnerCenterClient,
} from '../../packages/server/src/partner-center/index.ts';
import {
  admin,
  bootEmulator,
  COVERAGE,
  clientFor,
  collectAll,
  customerInput,
  expectCovered,
  opKey,
  printSummary,
  Recorder,
  refusal,
} from './client-emulator-support.ts';

// Carts, checkout, legacy orders and add-ons through the real client against the emulator.

let emu: RunningEmulator;
let pc: PartnerCenterClient;
let ledger: InMemoryRequestLedger;
const recorder = new Recorder();
let customerId: string;
const catalogItem: Record<string, string> = {};

const START = '2025-01-15T09:00:00Z';

beforeAll(async () => {
  emu = await bootEmulator(7303, START);
  const made = clientFor(emu, { recorder });
  pc = made.client;
  ledger = made.ledger as InMemoryRequestLedger;
  customerId = (
    await pc.customers.create(customerInput('orderco', 'Order Co'), { operationKey: opKey('customer') })
  ).id;
  for (const [productId, skuId] of [
    ['CFQ7TTC0LH18', '0001'],
    ['CFQ7TTC0LCHC', '0002'],
    ['CFQ7TTC0LH0W', '0001'],
  ] as const) {
    const [a] = await pc.catalog.listAvailabilities(productId, skuId, { country: 'US' });
    catalogItem[productId] = a!.catalogItemId!;
  }
});

afterAll(async () => {
  if (emu) await printSummary('orders', recorder, emu);
  await emu?.close();
});

describe('client ↔ emulator: carts and checkout', () => {
  let cartId: string;
  let checkoutKey: string;

  it('creates a cart whose lines Microsoft groups by billing cycle', async () => {
    const cart = await pc.orders.createCart(
      customerId,
      {
        lineItems: [
          {
            catalogItemId: catalogItem.CFQ7TTC0LH18!,
            quantity: 5,
            termDuration: 'P1Y',
            billingCycle: 'Monthly',
            friendlyName: 'Basic for sales',
          },
          {
            catalogItemId: catalogItem.CFQ7TTC0LCHC!,
            quantity: 2,
            termDuration: 'P1Y',
            billingCycle: 'annual',
          },
        ],
      },
      { operationKey: opKey('cart') },
    );
    cartId = cart.id;
    expect(cart).toMatchObject({
      creationTimestamp: '2025-01-15T09:00:00.000Z',
      expirationTimestamp: '2025-01-22T09:00:00.000Z',
      status: 'active',
      attributes: { objectType: 'Cart' },
    });
    expect(cart.lineItems).toEqual([
      {
        id: 0,
        catalogItemId: catalogItem.CFQ7TTC0LH18,
        friendlyName: 'Basic for sales',
        quantity: 5,
        currencyCode: 'USD',
        billingCycle: 'monthly',
        termDuration: 'P1Y',
        provisioningContext: {},
        orderGroup: '0',
      },
      {
        id: 1,
        catalogItemId: catalogItem.CFQ7TTC0LCHC,
        quantity: 2,
        currencyCode: 'USD',
        billingCycle: 'annual',
        termDuration: 'P1Y',
        provisioningContext: {},
        orderGroup: '1',
      },
    ]);
    expect(cartLineErrors(cart)).toEqual([]);
  });

  it('reports line errors on update and reads the cart back', async () => {
    const bad = await pc.orders.updateCart(
      customerId,
      cartId,
      {
        lineItems: [
          {
            catalogItemId: catalogItem.CFQ7TTC0LH18!,
            quantity: 5,
            termDuration: 'P3Y',
            billingCycle: 'monthly',
          },
          { catalogItemId: 'CFQ7TTC0XXXX:0001:CFQ7TTC0XXXX', quantity: 1, termDuration: 'P1Y' },
        ],
      },
      { operationKey: opKey('cart-update') },
    );
    expect(cartLineErrors(bad).map((e) => [e.ref, e.code, e.violation?.kind])).toEqual([
      ['0', 10010, undefined],
      ['1', 10001, 'catalog_item_not_valid'],
    ]);
    const fixed = await pc.orders.updateCart(
      customerId,
      cartId,
      {
        lineItems: [
          {
            catalogItemId: catalogItem.CFQ7TTC0LH18!,
            quantity: 6,
            termDuration: 'P1Y',
            billingCycle: 'monthly',
          },
          {
            catalogItemId: catalogItem.CFQ7TTC0LCHC!,
            quantity: 2,
            termDuration: 'P1Y',
            billingCycle: 'annual',
          },
        ],
      },
      { operationKey: opKey('cart-update') },
    );
    expect(cartLineErrors(fixed)).toEqual([]);
    const read = await pc.orders.getCart(customerId, cartId);
    expect(read.lineItems.map((l) => [l.quantity, l.billingCycle, l.orderGroup])).toEqual([
      [6, 'monthly', '0'],
      [2, 'annual', '1'],
    ]);
    expect(read.status).toBe('active');
  });

  it('checks out into one order per group with one subscription per line', async () => {
    checkoutKey = opKey('checkout');
    const result = await pc.orders.checkoutCart(customerId, cartId, { operationKey: checkoutKey });
    expect(checkoutOrderErrors(result)).toEqual([]);
    expect(result.orders).toHaveLength(2);
    const [monthly, annual] = result.orders;
    expect(monthly).toMatchObject({
      referenceCustomerId: customerId,
      billingCycle: 'monthly',
      currencyCode: 'USD',
      currencySymbol: '$',
      status: 'completed',
      transactionType: 'user_purchase',
      creationDate: '2025-01-15T09:00:00.000Z',
    });
    expect(monthly?.id).toMatch(/^[0-9a-f]{12}$/);
    expect(
      monthly?.lineItems.map((l) => [l.lineItemNumber, l.offerId, l.quantity, l.transactionType]),
    ).toEqual([[0, catalogItem.CFQ7TTC0LH18, 6, 'new']]);
    expect(annual?.lineItems.map((l) => [l.offerId, l.quantity, l.termDuration])).toEqual([
      [catalogItem.CFQ7TTC0LCHC, 2, 'P1Y'],
    ]);
    const subscriptions = await pc.subscriptions.list(customerId, { orderId: monthly!.id });
    expect(subscriptions.map((s) => [s.id, s.offerId, s.quantity, s.billingCycle])).toEqual([
      [monthly?.lineItems[0]?.subscriptionId, catalogItem.CFQ7TTC0LH18, 6, 'monthly'],
    ]);
    expect((await pc.orders.getCart(customerId, cartId)).status).toBe('ordered');
  });

  it('answers a repeated checkout with the same MS-RequestId from the first result, buying nothing', async () => {
    const before = await admin(emu, 'GET', '/stats');
    const replay = await pc.orders.checkoutCart(customerId, cartId, { operationKey: checkoutKey });
    expect(replay.orders.map((o) => o.id)).toHaveLength(2);
    const after = await admin(emu, 'GET', '/stats');
    expect(after.purchases.total).toBe(before.purchases.total);
    expect(after.idempotentReplays).toBe(before.idempotentReplays + 1);
    expect(after.purchases.byRequestId[ledger.get(checkoutKey)!.requestId]).toBe(1);
  });

  it('refuses a second checkout of the same cart with a typed error', async () => {
    const twice = await refusal(() =>
      pc.orders.checkoutCart(customerId, cartId, { operationKey: opKey('co') }),
    );
    expect(twice).toMatchObject({ httpStatus: 400, code: 800065, category: 'bad_input', retryable: false });
    expect(twice.description).toBe(`Cannot check out an already submitted cart ${cartId}.`);
    expect(twice.violation?.kind).toBe('cart_already_checked_out');
    const update = await refusal(() =>
      pc.orders.updateCart(
        customerId,
        cartId,
        { lineItems: [{ catalogItemId: catalogItem.CFQ7TTC0LH18!, quantity: 1, termDuration: 'P1Y' }] },
        { operationKey: opKey('cart-update') },
      ),
    );
    expect(update.code).toBe(800065);
  });
});

describe('client ↔ emulator: legacy orders and add-ons', () => {
  let legacyOrderId: string;
  let legacySubscriptionId: string;

  it('places a legacy order for a legacy offer and reads it back', async () => {
    const offers = await collectAll(pc.catalog.listOffers({ country: 'US' }));
    const offer = offers.find((o) => o.name === 'Microsoft 365 Business Basic')!;
    const order = await pc.orders.createOrder(
      customerId,
      {
        referenceCustomerId: customerId,
        billingCycle: 'monthly',
        lineItems: [{ offerId: offer.id, quantity: 3, friendlyName: 'Legacy basic' }],
      },
      { operationKey: opKey('order') },
    );
    legacyOrderId = order.id;
    legacySubscriptionId = order.lineItems[0]!.subscriptionId!;
    expect(order.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(order).toMatchObject({ billingCycle: 'monthly', status: 'completed', currencyCode: 'USD' });
    expect(order.lineItems.map((l) => [l.lineItemNumber, l.offerId, l.quantity, l.friendlyName])).toEqual([
      [0, offer.id, 3, 'Legacy basic'],
    ]);
    const subscription = await pc.subscriptions.get(customerId, legacySubscriptionId);
    expect(subscription).toMatchObject({
      offerId: offer.id,
      quantity: 3,
      billingType: 'license',
      billingCycle: 'monthly',
      status: 'active',
    });

    const read = await pc.orders.getOrder(customerId, legacyOrderId);
    expect(read.lineItems.map((l) => l.subscriptionId)).toEqual([legacySubscriptionId]);
    const all = await pc.orders.listOrders(customerId);
    expect(all).toHaveLength(3);
    const monthly = await pc.orders.listOrders(customerId, { billingType: 'monthly' });
    expect(monthly.map((o) => o.billingCycle)).toEqual(['monthly', 'monthly']);
    const status = await pc.orders.getOrderProvisioningStatus(customerId, legacyOrderId);
    expect(status).toEqual([
      {
        lineItemNumber: 0,
        status: 'fulfilled',
        quantityProvisioningInformation: [{ quantity: 3, status: 'Fulfilled' }],
        attributes: { objectType: 'OrderLineItemProvisioningStatus' },
      },
    ]);
    const missing = await refusal(() => pc.orders.getOrder(customerId, 'nosuchorder'));
    expect(missing).toMatchObject({ httpStatus: 404, code: 20000 });
  });

  it('buys a legacy add-on under the legacy subscription through the order PATCH', async () => {
    const offers = await collectAll(pc.catalog.listOffers({ country: 'US' }));
    const base = offers.find((o) => o.name === 'Microsoft 365 Business Basic')!;
    const [phone] = (await pc.catalog.listOfferAddons(base.id, { country: 'US' })).filter(
      (o) => o.name === 'Microsoft Teams Phone Standard',
    );
    const patched = await pc.orders.purchaseLegacyAddOn(
      customerId,
      legacyOrderId,
      {
        lineItems: [{ offerId: phone!.id, quantity: 2, parentSubscriptionId: legacySubscriptionId }],
      },
      { operationKey: opKey('addon') },
    );
    expect(
      patched.lineItems.map((l) => [l.lineItemNumber, l.offerId, l.quantity, l.parentSubscriptionId]),
    ).toEqual([
      [0, base.id, 3, undefined],
      [1, phone!.id, 2, legacySubscriptionId],
    ]);
    const addons = await pc.subscriptions.listAddOns(customerId, legacySubscriptionId);
    expect(addons.map((a) => [a.offerId, a.quantity, a.parentSubscriptionId])).toEqual([
      [phone!.id, 2, legacySubscriptionId],
    ]);
  });

  it('refuses to cancel a licence order (software cancellation only) with a typed error', async () => {
    const refused = await refusal(() =>
      pc.orders.cancelSoftwareOrder(customerId, legacyOrderId, {}, { operationKey: opKey('cancel') }),
    );
    expect(refused).toMatchObject({ httpStatus: 400, code: 800063 });
  });

  it('buys a new-commerce add-on under a base subscription through a cart', async () => {
    const [base] = await pc.subscriptions.list(customerId, {});
    const cart = await pc.orders.createCart(
      customerId,
      {
        lineItems: [
          {
            catalogItemId: catalogItem.CFQ7TTC0LH0W!,
            quantity: 2,
            termDuration: 'P1Y',
            billingCycle: 'monthly',
            provisioningContext: { ParentSubscriptionId: base!.id },
          },
        ],
      },
      { operationKey: opKey('cart') },
    );
    // Sent PascalCase as in Microsoft's sample; the response echoes `parentSubscriptionId` (RULES.md §2.5).
    expect(cart.lineItems[0]?.provisioningContext).toEqual({ parentSubscriptionId: base!.id });
    const result = await pc.orders.checkoutCart(customerId, cart.id, { operationKey: opKey('co') });
    expect(result.orders[0]?.lineItems[0]?.parentSubscriptionId).toBe(base!.id);
    const addons = await pc.subscriptions.listAddOns(customerId, base!.id);
    expect(addons.map((a) => [a.offerId, a.quantity])).toEqual([[catalogItem.CFQ7TTC0LH0W, 2]]);
  });

  it('ran every order operation', () => {
    expectCovered(recorder, COVERAGE.orders);
  });
});
