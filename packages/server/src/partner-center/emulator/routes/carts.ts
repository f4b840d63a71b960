/**
 * Carts and checkout (all new-commerce purchases, Azure plan, add-ons through
 * `provisioningContext.ParentSubscriptionId`), legacy order creation, orders and provisioning
 * status (API.md §3, RULES.md §2).
 */

import type { CatalogSku } from '../catalog.ts';
import { CURRENCY_SYMBOL } from '../catalog-data.ts';
import { dateOf, isTermDuration, termEnd } from '../dates.ts';
import { errors, PcError } from '../errors.ts';
import {
  asRecord,
  bool,
  collection,
  created,
  intValue,
  link,
  ok,
  type RequestContext,
  str,
} from '../http.ts';
import { createSubscription, normaliseCycle } from '../nce-rules.ts';
import { guid, rngFor } from '../prng.ts';
import type { Router } from '../router.ts';
import type { Emulator } from '../runtime.ts';
import type { CartLineRec, CartRec, CustomerRec, OrderLineRec, OrderRec } from '../state.ts';

function partnerUserId(emu: Emulator): string {
  return guid(rngFor(emu.state.seed, 'partner-user'));
}

function lineError(errorCode: number, errorDescription: string) {
  return { errorCode, errorDescription };
}

function provisioningContextOf(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(asRecord(value))) {
    const s = str(v);
    if (s !== undefined) out[k] = s;
  }
  return out;
}

function validateLine(emu: Emulator, customer: CustomerRec, line: CartLineRec): void {
  delete line.error;
  const sku = emu.catalog.byCatalogItemId(line.catalogItemId);
  if (!sku || !emu.catalog.isAvailable(sku, emu.now())) {
    line.error = lineError(10001, `Catalog item ID ${line.catalogItemId} is not valid.`);
    return;
  }
  if (!Number.isInteger(line.quantity) || line.quantity < sku.min) {
    line.error = lineError(10010, `Quantity must be at least ${sku.min}.`);
    return;
  }
  if (line.quantity > sku.max) {
    line.error = lineError(10015, `The maximum allowed seats per subscription (${sku.max}) is exceeded.`);
    return;
  }
  if (sku.kind === 'azurePlan') {
    if (emu.subscriptionsOf(customer.id).some((s) => s.kind === 'azurePlan' && s.status !== 'deleted')) {
      line.error = lineError(10010, 'The customer already has a Microsoft Azure plan.');
    }
    return;
  }
  if (!line.termDuration || !isTermDuration(line.termDuration)) {
    line.error = lineError(10010, 'TermDuration is required and must be one of the availability terms.');
    return;
  }
  if (!sku.terms.some((t) => t.duration === line.termDuration)) {
    line.error = lineError(10010, `Term ${line.termDuration} is not offered for ${sku.catalogItemId}.`);
    return;
  }
  if (!sku.terms.some((t) => t.duration === line.termDuration && t.billingCycle === line.billingCycle)) {
    line.error = lineError(
      10013,
      `Billing cycle ${line.billingCycle} is not supported for term ${line.termDuration}.`,
    );
    return;
  }
  if (line.customTermEndDate !== undefined) {
    const start = dateOf(emu.now());
    const end = line.customTermEndDate.slice(0, 10);
    if (
      sku.kind !== 'nce' ||
      !/^\d{4}-\d{2}-\d{2}$/.test(end) ||
      end <= start ||
      end > termEnd(start, line.termDuration)
    ) {
      line.error = lineError(10017, 'The custom term end date is not valid for this line item.');
      return;
    }
  }
  if (sku.addOnOf.length > 0) {
    const parentId = parentOf(line);
    const parent = parentId ? emu.state.subscriptions[parentId.toLowerCase()] : undefined;
    if (!parent || parent.customerId !== customer.id || parent.status !== 'active') {
      line.error = lineError(
        10007,
        'Add-ons need provisioningContext.ParentSubscriptionId of an active subscription.',
      );
      return;
    }
    if (!sku.addOnOf.includes(parent.productId)) {
      throw errors.addOnNotRelated(`${sku.catalogItemId} cannot be added to ${parent.offerId}.`);
    }
  }
}

function parentOf(line: CartLineRec): string | undefined {
  for (const [k, v] of Object.entries(line.provisioningContext))
    if (k.toLowerCase() === 'parentsubscriptionid') return v;
  return undefined;
}

function parseLines(emu: Emulator, customer: CustomerRec, body: unknown): CartLineRec[] {
  const raw = asRecord(body).lineItems;
  if (!Array.isArray(raw) || raw.length === 0) throw errors.invalidInput('LineItems is required.');
  const lines: CartLineRec[] = raw.map((item, index) => {
    const r = asRecord(item);
    const catalogItemId = str(r.catalogItemId);
    if (!catalogItemId) throw errors.invalidInput(`LineItems[${index}].CatalogItemId is required.`);
    const sku = emu.catalog.byCatalogItemId(catalogItemId);
    const cycle = normaliseCycle(str(r.billingCycle)) ?? (sku?.kind === 'azurePlan' ? 'one_time' : 'monthly');
    const renewsTo = asRecord(r.renewsTo);
    const line: CartLineRec = {
      id: intValue(r.id) ?? index,
      catalogItemId,
      quantity: intValue(r.quantity) ?? 0,
      currencyCode: customer.currency,
      billingCycle: cycle,
      provisioningContext: provisioningContextOf(r.provisioningContext),
      orderGroup: '0',
    };
    if (str(r.friendlyName)) line.friendlyName = str(r.friendlyName);
    const term = str(r.termDuration);
    if (term) line.termDuration = term.toUpperCase();
    if (str(r.promotionId)) line.promotionId = str(r.promotionId);
    if (str(r.customTermEndDate)) line.customTermEndDate = str(r.customTermEndDate);
    if (str(renewsTo.termDuration)) line.renewsTo = { termDuration: str(renewsTo.termDuration) as string };
    const attest = bool(r.attestationAccepted);
    if (attest !== undefined) line.attestationAccepted = attest;
    return line;
  });
  const groups = new Map<string, string>();
  for (const line of lines) {
    if (!groups.has(line.billingCycle)) groups.set(line.billingCycle, String(groups.size));
    line.orderGroup = groups.get(line.billingCycle) as string;
    validateLine(emu, customer, line);
  }
  return lines;
}

function cartLineJson(l: CartLineRec): Record<string, unknown> {
  return {
    id: l.id,
    catalogItemId: l.catalogItemId,
    ...(l.friendlyName ? { friendlyName: l.friendlyName } : {}),
    quantity: l.quantity,
    currencyCode: l.currencyCode,
    billingCycle: l.billingCycle,
    ...(l.termDuration ? { termDuration: l.termDuration } : {}),
    provisioningContext: l.provisioningContext,
    orderGroup: l.orderGroup,
    ...(l.promotionId ? { promotionId: l.promotionId } : {}),
    ...(l.customTermEndDate ? { customTermEndDate: l.customTermEndDate } : {}),
    ...(l.renewsTo ? { renewsTo: l.renewsTo } : {}),
    ...(l.attestationAccepted !== undefined ? { attestationAccepted: l.attestationAccepted } : {}),
    ...(l.error ? { error: l.error } : {}),
  };
}

function cartJson(cart: CartRec): Record<string, unknown> {
  return {
    id: cart.id,
    creationTimestamp: new Date(cart.createdAt).toISOString(),
    lastModifiedTimestamp: new Date(cart.modifiedAt).toISOString(),
    expirationTimestamp: new Date(cart.expiresAt).toISOString(),
    lastModifiedUser: cart.lastModifiedUser,
    status: cart.status,
    lineItems: cart.lineItems.map(cartLineJson),
    links: { self: link(`/customers/${cart.customerId}/carts/${cart.id}`) },
    attributes: { objectType: 'Cart' },
  };
}

function orderEtag(order: OrderRec): string {
  return Buffer.from(JSON.stringify({ id: order.id, version: order.version })).toString('base64');
}

export function orderJson(order: OrderRec): Record<string, unknown> {
  const base = `/customers/${order.customerId}/orders/${order.id}`;
  return {
    id: order.id,
    alternateId: order.alternateId,
    referenceCustomerId: order.customerId,
    billingCycle: order.billingCycle,
    currencyCode: order.currencyCode,
    currencySymbol: CURRENCY_SYMBOL[order.currencyCode] ?? order.currencyCode,
    lineItems: order.lineItems.map((l) => {
      const links: Record<string, unknown> = {};
      if (l.productId) {
        links.product = link(`/products/${l.productId}?country=US`);
        links.sku = link(`/products/${l.productId}/skus/${l.skuId}?country=US`);
        links.availability = link(
          `/products/${l.productId}/skus/${l.skuId}/availabilities/${l.availabilityId}?country=US`,
        );
      }
      if (l.subscriptionId) {
        links.subscription = link(`/customers/${order.customerId}/subscriptions/${l.subscriptionId}`);
        links.provisioningStatus = link(
          `/customers/${order.customerId}/subscriptions/${l.subscriptionId}/provisioningstatus`,
        );
      }
      return {
        lineItemNumber: l.lineItemNumber,
        offerId: l.offerId,
        ...(l.subscriptionId ? { subscriptionId: l.subscriptionId } : {}),
        ...(l.parentSubscriptionId ? { parentSubscriptionId: l.parentSubscriptionId } : {}),
        ...(l.termDuration ? { termDuration: l.termDuration } : {}),
        transactionType: l.transactionType,
        friendlyName: l.friendlyName,
        quantity: l.quantity,
        ...(l.partnerIdOnRecord ? { partnerIdOnRecord: l.partnerIdOnRecord } : {}),
        ...(l.provisioningContext && Object.keys(l.provisioningContext).length > 0
          ? { provisioningContext: l.provisioningContext }
          : {}),
        links,
      };
    }),
    creationDate: new Date(order.createdAt).toISOString(),
    status: order.status,
    transactionType: order.transactionType,
    links: {
      provisioningStatus: link(`${base}/provisioningstatus`),
      self: link(base),
      patchOperation: link(base, 'PATCH'),
    },
    attributes: { etag: orderEtag(order), objectType: 'Order' },
  };
}

function assertMca(emu: Emulator, customer: CustomerRec): void {
  if (!emu.state.settings.requireMcaAttestation) return;
  if (!customer.agreements.some((a) => a.type.toLowerCase() === 'microsoftcustomeragreement'))
    throw errors.mcaRequired();
}

function countPurchase(emu: Emulator, ctx: RequestContext): void {
  const key = ctx.requestId ?? '(none)';
  emu.state.stats.purchases.total += 1;
  emu.state.stats.purchases.byRequestId[key] = (emu.state.stats.purchases.byRequestId[key] ?? 0) + 1;
}

function newOrder(emu: Emulator, customer: CustomerRec, billingCycle: string, legacy: boolean): OrderRec {
  const id = legacy ? emu.nextGuid() : emu.nextHexId(12);
  const order: OrderRec = {
    id,
    alternateId: id,
    customerId: customer.id,
    billingCycle,
    currencyCode: customer.currency,
    lineItems: [],
    createdAt: emu.now(),
    status: 'completed',
    transactionType: 'UserPurchase',
    legacy,
    version: 1,
  };
  emu.state.orders[id] = order;
  emu.state.stats.ordersCreated += 1;
  return order;
}

function purchaseLine(
  emu: Emulator,
  customer: CustomerRec,
  order: OrderRec,
  sku: CatalogSku,
  line: {
    quantity: number;
    termDuration?: string;
    billingCycle: string;
    friendlyName?: string;
    provisioningContext: Record<string, string>;
    promotionId?: string;
    customTermEndDate?: string;
    partnerIdOnRecord?: string;
    legacyOfferId?: string;
  },
): OrderLineRec {
  const parent = Object.entries(line.provisioningContext).find(
    ([k]) => k.toLowerCase() === 'parentsubscriptionid',
  )?.[1];
  const sub = createSubscription(emu, {
    customer,
    sku,
    termDuration: line.termDuration,
    billingCycle: line.billingCycle,
    quantity: line.quantity,
    orderId: order.id,
    friendlyName: line.friendlyName,
    parentSubscriptionId: parent?.toLowerCase(),
    promotionId: line.promotionId,
    customTermEndDate: line.customTermEndDate?.slice(0, 10),
    partnerIdOnRecord: line.partnerIdOnRecord,
    legacyOfferId: line.legacyOfferId,
  });
  const orderLine: OrderLineRec = {
    lineItemNumber: order.lineItems.length,
    offerId: line.legacyOfferId ?? sku.catalogItemId,
    subscriptionId: sub.id,
    friendlyName: sub.friendlyName,
    quantity: line.quantity,
    transactionType: 'New',
    productId: sku.productId,
    skuId: sku.skuId,
    availabilityId: sku.availabilityId,
  };
  if (parent) orderLine.parentSubscriptionId = parent.toLowerCase();
  if (line.termDuration) orderLine.termDuration = line.termDuration;
  if (line.partnerIdOnRecord) orderLine.partnerIdOnRecord = line.partnerIdOnRecord;
  if (Object.keys(line.provisioningContext).length > 0)
    orderLine.provisioningContext = line.provisioningContext;
  order.lineItems.push(orderLine);
  return orderLine;
}

function cartOf(emu: Emulator, customerId: string, cartId: string): { customer: CustomerRec; cart: CartRec } {
  const customer = emu.customer(customerId);
  const cart = emu.state.carts[cartId.toLowerCase()];
  if (!cart || cart.customerId !== customer.id) throw errors.cartNotFound(cartId);
  return { customer, cart };
}

function checkout(emu: Emulator, ctx: RequestContext) {
  const { customer, cart } = cartOf(emu, ctx.params.customerId!, ctx.params.cartId!);
  if (cart.status === 'Ordered') throw errors.cartAlreadySubmitted(cart.id);
  if (emu.now() > cart.expiresAt)
    throw new PcError(400, 800002, 'Invalid request input', [`Cart ${cart.id} has expired.`]);
  for (const line of cart.lineItems) validateLine(emu, customer, line);
  const bad = cart.lineItems.filter((l) => l.error);
  if (bad.length > 0)
    throw errors.cartItemErrors(bad.map((l) => `Line item ${l.id}: ${l.error?.errorDescription}`));
  assertMca(emu, customer);
  const groups = new Map<string, CartLineRec[]>();
  for (const line of cart.lineItems) {
    const list = groups.get(line.orderGroup) ?? [];
    list.push(line);
    groups.set(line.orderGroup, list);
  }
  const orders: OrderRec[] = [];
  for (const lines of groups.values()) {
    const order = newOrder(emu, customer, lines[0]!.billingCycle, false);
    for (const line of lines) {
      const sku = emu.catalog.byCatalogItemId(line.catalogItemId) as CatalogSku;
      purchaseLine(emu, customer, order, sku, line);
    }
    orders.push(order);
  }
  cart.status = 'Ordered';
  cart.modifiedAt = emu.now();
  emu.state.stats.checkouts += 1;
  countPurchase(emu, ctx);
  emu.markDirty();
  return created({
    orders: orders.map(orderJson),
    orderErrors: [],
    attributes: { objectType: 'CartCheckoutResult' },
  });
}

function legacyOrder(emu: Emulator, ctx: RequestContext) {
  const customer = emu.customer(ctx.params.customerId!);
  const b = asRecord(ctx.body);
  const lines = Array.isArray(b.lineItems) ? b.lineItems.map(asRecord) : [];
  if (lines.length === 0) throw errors.invalidInput('LineItems is required.');
  lines.forEach((l, i) => {
    const n = intValue(l.lineItemNumber) ?? i;
    if (n !== i)
      throw new PcError(400, 800071, 'Line Item number should be from 0 to number of line items count');
  });
  const requestedCycle = normaliseCycle(str(b.billingCycle));
  const resolved = lines.map((l, i) => {
    const offerId = str(l.offerId) ?? '';
    const legacy = emu.catalog.byLegacyOfferId(offerId);
    const modern = legacy ? undefined : emu.catalog.byCatalogItemId(offerId);
    const sku = legacy ?? modern;
    if (!sku || !emu.catalog.isAvailable(sku, emu.now())) throw errors.invalidOfferId(offerId);
    const quantity = intValue(l.quantity) ?? 0;
    if (quantity < sku.min || quantity > sku.max) throw errors.quantityOutOfRange(sku.min, sku.max);
    const term = str(l.termDuration)?.toUpperCase() ?? (sku.kind === 'azurePlan' ? undefined : 'P1Y');
    let cycle: string;
    if (legacy) cycle = requestedCycle === 'annual' ? 'annual' : 'monthly';
    else if (sku.kind === 'azurePlan') cycle = 'one_time';
    else cycle = requestedCycle && requestedCycle !== 'one_time' ? requestedCycle : 'monthly';
    if (
      modern &&
      sku.kind !== 'azurePlan' &&
      !sku.terms.some((t) => t.duration === term && t.billingCycle === cycle)
    ) {
      throw errors.invalidInput(
        `LineItems[${i}]: term ${term} with ${cycle} billing is not offered for ${offerId}.`,
      );
    }
    return { l, sku, legacy: !!legacy, quantity, term, cycle };
  });
  assertMca(emu, customer);
  const order = newOrder(
    emu,
    customer,
    resolved[0]!.cycle,
    resolved.every((r) => r.legacy),
  );
  for (const r of resolved) {
    purchaseLine(emu, customer, order, r.sku, {
      quantity: r.quantity,
      termDuration: r.term,
      billingCycle: r.cycle,
      friendlyName: str(r.l.friendlyName),
      provisioningContext: provisioningContextOf(r.l.provisioningContext),
      partnerIdOnRecord: str(r.l.partnerIdOnRecord),
      legacyOfferId: r.legacy ? r.sku.legacyOfferId : undefined,
    });
  }
  countPurchase(emu, ctx);
  emu.markDirty();
  return created(orderJson(order));
}

function orderOf(emu: Emulator, customerId: string, orderId: string): OrderRec {
  const customer = emu.customer(customerId);
  const order = emu.state.orders[orderId] ?? emu.state.orders[orderId.toLowerCase()];
  if (!order || order.customerId !== customer.id) throw errors.orderNotFound(orderId);
  return order;
}

export function registerCartRoutes(router: Router, emu: Emulator): void {
  router.post('/v1/customers/:customerId/carts', (ctx) => {
    const customer = emu.customer(ctx.params.customerId!);
    const now = emu.now();
    const cart: CartRec = {
      id: emu.nextGuid(),
      customerId: customer.id,
      createdAt: now,
      modifiedAt: now,
      expiresAt: now + emu.state.settings.cartTtlDays * 86_400_000,
      lastModifiedUser: partnerUserId(emu),
      status: 'Active',
      lineItems: parseLines(emu, customer, ctx.body),
    };
    emu.state.carts[cart.id] = cart;
    emu.markDirty();
    return created(cartJson(cart));
  });
  router.get('/v1/customers/:customerId/carts/:cartId', (ctx) =>
    ok(cartJson(cartOf(emu, ctx.params.customerId!, ctx.params.cartId!).cart)),
  );
  router.put('/v1/customers/:customerId/carts/:cartId', (ctx) => {
    const { customer, cart } = cartOf(emu, ctx.params.customerId!, ctx.params.cartId!);
    if (cart.status === 'Ordered') throw errors.cartAlreadySubmitted(cart.id);
    cart.lineItems = parseLines(emu, customer, ctx.body);
    cart.modifiedAt = emu.now();
    emu.markDirty();
    return ok(cartJson(cart));
  });
  router.post('/v1/customers/:customerId/carts/:cartId/checkout', (ctx) => checkout(emu, ctx));

  router.post('/v1/customers/:customerId/orders', (ctx) => legacyOrder(emu, ctx));
  router.get('/v1/customers/:customerId/orders', (ctx) => {
    const customer = emu.customer(ctx.params.customerId!);
    const billingType = normaliseCycle(ctx.query.get('billingType'));
    const items = Object.values(emu.state.orders)
      .filter((o) => o.customerId === customer.id && (!billingType || o.billingCycle === billingType))
      .map(orderJson);
    return ok(collection(items, { self: link(`/customers/${customer.id}/orders`) }));
  });
  router.get('/v1/customers/:customerId/orders/:orderId', (ctx) =>
    ok(orderJson(orderOf(emu, ctx.params.customerId!, ctx.params.orderId!))),
  );
  router.patch('/v1/customers/:customerId/orders/:orderId', (ctx) => {
    const order = orderOf(emu, ctx.params.customerId!, ctx.params.orderId!);
    const customer = emu.customer(order.customerId);
    const b = asRecord(ctx.body);
    if (str(b.status)?.toLowerCase() === 'cancelled') {
      throw new PcError(
        400,
        800063,
        `This order ${order.id} cannot be cancelled. Use PATCH /customers/${customer.id}/subscriptions/<subscriptionId> to suspend subscriptions`,
      );
    }
    const lines = Array.isArray(b.lineItems) ? b.lineItems.map(asRecord) : [];
    for (const l of lines) {
      const parentId = str(l.parentSubscriptionId);
      if (!parentId) continue;
      const parent = emu.subscription(customer.id, parentId);
      const sku =
        emu.catalog.byLegacyOfferId(str(l.offerId) ?? '') ??
        emu.catalog.byCatalogItemId(str(l.offerId) ?? '');
      if (!sku) throw errors.invalidOfferId(str(l.offerId) ?? '');
      if (!sku.addOnOf.includes(parent.productId))
        throw errors.addOnNotRelated(`${str(l.offerId)} cannot be added to ${parent.id}.`);
      purchaseLine(emu, customer, order, sku, {
        quantity: intValue(l.quantity) ?? 1,
        termDuration: parent.termDuration || undefined,
        billingCycle: parent.billingCycle,
        friendlyName: str(l.friendlyName),
        provisioningContext: { parentSubscriptionId: parent.id },
        legacyOfferId: parent.kind === 'legacy' ? sku.legacyOfferId : undefined,
      });
      countPurchase(emu, ctx);
    }
    order.version += 1;
    emu.markDirty();
    return ok(orderJson(order));
  });
  router.get('/v1/customers/:customerId/orders/:orderId/provisioningstatus', (ctx) => {
    const order = orderOf(emu, ctx.params.customerId!, ctx.params.orderId!);
    const items = order.lineItems.map((l) => ({
      lineItemNumber: l.lineItemNumber,
      status: 'Fulfilled',
      quantityProvisioningInformation: [{ quantity: l.quantity, status: 'Fulfilled' }],
      attributes: { objectType: 'OrderLineItemProvisioningStatus' },
    }));
    return ok(collection(items));
  });
}
