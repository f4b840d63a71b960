import {
  decideAutoRenew,
  decideCancel,
  decideQuantityChange,
  decideReactivate,
  decideScheduleChange,
  decideSuspend,
  decideUpgrade,
  type SubscriptionDecision,
  Temporal,
} from '@cspc/core';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/schema.ts';
import {
  cartLineErrors,
  checkoutOrderErrors,
  customerDomain,
  GLOBAL_ADMINISTRATOR_ROLE_TEMPLATE_ID,
  type PartnerCenterClient,
  PartnerCenterError,
  type Subscription as PcSubscription,
} from '../../partner-center/index.ts';
import type { OrderServices } from '../orders/order-services.ts';
import type { OrderLineRow, OrderRow } from '../orders/order-state.ts';
import { nceRefused } from '../orders/orders.errors.ts';
import type { StoredPriceTier } from '../orders/orders.tables.ts';
import {
  insertPartnerCenterSubscription,
  savePartnerCenterState,
  withPartnerCenterState,
} from '../subscriptions/save-subscription.ts';
import {
  chargePeriodOf,
  fromPartnerCenter,
  type PartnerCenterState,
  type SubscriptionRow,
  toCoreSubscription,
} from '../subscriptions/subscription-model.ts';
import { recordSubscriptionEvent, subscriptionById } from '../subscriptions/subscriptions.repository.ts';
import type { SubscriptionEventKind } from '../subscriptions/subscriptions.tables.ts';
import { StepFailed } from './provisioning-errors.ts';
import { seal, temporaryPassword, unseal } from './sealed.ts';

/**
 * The Partner Center side of provisioning, one function per kind of order line. Every mutating call
 * carries an operation key derived from the order or the line, whose MS-RequestId the client stores
 * before the call: a retry after a timeout, a lost answer or a crash repeats the same request and
 * Microsoft answers it from its first execution, so nothing is bought twice. A step returns what to
 * write locally (in the transaction that settles the line), fails with `StepFailed` when Microsoft
 * or our rules refuse it, and throws anything else for the job to retry.
 */

/** The Microsoft Customer Agreement template attested for new customers (fixture agreements-confirm-mca). */
export const MCA_TEMPLATE_ID = '117a77b0-9360-443b-8795-c6dedc750cf9';

export interface StepContext {
  services: OrderServices;
  order: OrderRow;
  client: PartnerCenterClient;
  signal?: AbortSignal | undefined;
  now: Date;
}

export type StepOutcome =
  | {
      kind: 'succeeded';
      result: Record<string, unknown>;
      /** Local effects, in the same transaction as the line's status; returns a created subscription. */
      persist(trx: Kysely<Database>): Promise<string | null>;
    }
  | { kind: 'waiting'; persist(trx: Kysely<Database>): Promise<void> };

/** The MS-RequestId ledger entry of an operation, if the client already reserved one. */
async function ledgerState(db: Kysely<Database>, operationKey: string) {
  const row = await db
    .selectFrom('partner_center_requests')
    .select('state')
    .where('operation_key', '=', operationKey)
    .executeTakeFirst();
  return row?.state ?? null;
}

const calls = (ctx: StepContext) => (ctx.signal ? { signal: ctx.signal } : {});
const mutation = (ctx: StepContext, operationKey: string) => ({ operationKey, ...calls(ctx) });

function attributesOf(order: OrderRow): Record<string, string> {
  return {
    ...order.attributes,
    ...(order.reference ? { reference: order.reference } : {}),
    orderNumber: order.number,
  };
}

/**
 * The customer's Partner Center id: linked already, created now (a new tenant with a new domain, the
 * domain checked first), or found after the customer accepted the reseller relationship.
 */
export async function ensureTenant(ctx: StepContext): Promise<string> {
  const { db } = ctx.services;
  const { order } = ctx;
  const linked = await db
    .selectFrom('customer_tenants')
    .select('pc_customer_id')
    .where('organization_id', '=', order.customer_id)
    .executeTakeFirst();
  if (linked) return linked.pc_customer_id;
  const action = order.tenant_action;
  if (!action) throw new StepFailed('The customer is not a Partner Center customer yet.', 'tenant_required');
  if (action.mode === 'existing') {
    const found = await findLinkedCustomer(ctx.client, action.domain, ctx.signal);
    if (!found) {
      throw new StepFailed(
        `${action.domain} has not accepted the reseller relationship.`,
        'relationship_pending',
      );
    }
    await linkTenant(db, order, found.id, action.domain, 'linked');
    await attestAgreement(ctx, found.id, {
      firstName: 'Global',
      lastName: 'Administrator',
      email: `admin@${action.domain}`,
    });
    return found.id;
  }
  const domain = customerDomain(action.domainPrefix);
  const operationKey = `order:${order.id}:customer`;
  const sent = await ledgerState(db, operationKey);
  // A request already sent may have created the tenant: its repeat is answered from the first
  // execution, whereas the domain check would now (wrongly) find the domain taken.
  if (sent === null || sent === 'failed') {
    if (!(await ctx.client.customers.isDomainAvailable(domain, calls(ctx)))) {
      throw new StepFailed(
        `${domain} is already taken; order again with another domain prefix.`,
        'domain_taken',
      );
    }
  }
  const customer = await ctx.client.customers.create(
    {
      companyProfile: { domain },
      billingProfile: {
        email: action.email,
        culture: action.culture,
        language: action.language,
        companyName: action.companyName,
        defaultAddress: {
          firstName: action.contact.firstName,
          lastName: action.contact.lastName,
          addressLine1: action.address.addressLine1,
          city: action.address.city,
          state: action.address.state,
          postalCode: action.address.postalCode,
          country: action.address.country,
          phoneNumber: action.contact.phoneNumber,
        },
      },
    },
    mutation(ctx, operationKey),
  );
  await linkTenant(db, order, customer.id, domain, 'created');
  await attestAgreement(ctx, customer.id, {
    firstName: action.contact.firstName,
    lastName: action.contact.lastName,
    email: action.email,
  });
  return customer.id;
}

export async function findLinkedCustomer(client: PartnerCenterClient, domain: string, signal?: AbortSignal) {
  for await (const customer of client.customers.search(
    { field: 'Domain', value: domain },
    signal ? { signal } : {},
  )) {
    if (customer.companyProfile?.domain?.toLowerCase() === domain.toLowerCase()) return customer;
  }
  return null;
}

export async function linkTenant(
  db: Kysely<Database>,
  order: Pick<OrderRow, 'customer_id' | 'provider_id'>,
  pcCustomerId: string,
  domain: string,
  origin: 'created' | 'linked',
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('customer_tenants')
      .values({
        organization_id: order.customer_id,
        provider_id: order.provider_id,
        pc_customer_id: pcCustomerId,
        domain,
        origin,
      })
      .onConflict((oc) => oc.column('organization_id').doNothing())
      .execute();
    // The organisation's Microsoft tenant is now known for certain (unless another organisation
    // claims it, which the unique index refuses and we leave alone).
    const taken = await trx
      .selectFrom('organizations')
      .select('id')
      .where('tenant_id', '=', pcCustomerId)
      .where('id', '!=', order.customer_id)
      .executeTakeFirst();
    if (!taken && /^[0-9a-f-]{36}$/i.test(pcCustomerId)) {
      await trx
        .updateTable('organizations')
        .set({
          tenant_id: pcCustomerId,
          domains: sql`CASE WHEN ${domain} = ANY(domains) THEN domains ELSE array_append(domains, ${domain}) END`,
          updated_at: sql`now()`,
        })
        .where('id', '=', order.customer_id)
        .execute();
    }
  });
}

async function attestAgreement(
  ctx: StepContext,
  pcCustomerId: string,
  contact: { firstName: string; lastName: string; email: string },
): Promise<void> {
  try {
    await ctx.client.customers.confirmCustomerAgreement(
      pcCustomerId,
      {
        primaryContact: contact,
        templateId: MCA_TEMPLATE_ID,
        dateAgreed: ctx.now.toISOString().slice(0, 10),
      },
      mutation(ctx, `customer:${pcCustomerId}:mca`),
    );
  } catch (error) {
    if (error instanceof PartnerCenterError && error.violation?.kind === 'agreement_already_exists') return;
    throw error;
  }
}

async function eventPrices(row: SubscriptionRow): Promise<StoredPriceTier[]> {
  return row.price_tiers;
}

function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** A new licence, add-on or Azure plan: one cart per line, checked out once. */
export async function purchaseLine(
  ctx: StepContext,
  line: OrderLineRow,
  pcCustomerId: string,
): Promise<StepOutcome> {
  const { db } = ctx.services;
  const azure = line.kind === 'azure_plan';
  let parent: SubscriptionRow | undefined;
  if (line.kind === 'add_on') {
    parent = line.subscription_id ? await subscriptionById(db, line.subscription_id) : undefined;
    if (!parent?.pc_subscription_id)
      throw new StepFailed('The base subscription is not provisioned.', 'invalid_base');
  }
  const friendlyName = typeof line.params.friendlyName === 'string' ? line.params.friendlyName : undefined;
  const cart = await ctx.client.orders.createCart(
    pcCustomerId,
    {
      lineItems: [
        {
          catalogItemId: line.catalog_item_id!,
          quantity: line.quantity ?? 1,
          billingCycle: azure ? 'one_time' : (line.billing_cycle ?? 'monthly'),
          termDuration: azure ? undefined : (line.term ?? undefined),
          friendlyName,
          provisioningContext: parent ? { ParentSubscriptionId: parent.pc_subscription_id! } : undefined,
        },
      ],
    },
    mutation(ctx, `order-line:${line.id}:cart`),
  );
  const cartErrors = cartLineErrors(cart);
  if (cartErrors.length > 0) {
    const e = cartErrors[0]!;
    throw new StepFailed(
      e.violation?.message ?? `Microsoft refused the line: ${e.description ?? e.code}`,
      e.violation ? `partner_center.${e.violation.kind}` : `partner_center.${e.code ?? 'cart_error'}`,
    );
  }
  const checkout = await ctx.client.orders.checkoutCart(
    pcCustomerId,
    cart.id,
    mutation(ctx, `order-line:${line.id}:checkout`),
  );
  const orderErrors = checkoutOrderErrors(checkout);
  if (orderErrors.length > 0) {
    const e = orderErrors[0]!;
    throw new StepFailed(
      e.violation?.message ?? `Microsoft did not place the order: ${e.description ?? e.code}`,
      e.violation ? `partner_center.${e.violation.kind}` : `partner_center.${e.code ?? 'checkout_error'}`,
    );
  }
  const pcOrder = checkout.orders[0];
  const pcSubscriptionId = checkout.orders
    .flatMap((o) => o.lineItems)
    .find((l) => l.subscriptionId)?.subscriptionId;
  if (!pcSubscriptionId)
    throw new StepFailed('Microsoft placed the order without a subscription.', 'no_subscription');
  const pcSub = await ctx.client.subscriptions.get(pcCustomerId, pcSubscriptionId, calls(ctx));
  const state = fromPartnerCenter(pcSub, ctx.now);
  return {
    kind: 'succeeded',
    result: {
      cartId: cart.id,
      partnerCenterOrderId: pcOrder?.id ?? null,
      partnerCenterSubscriptionId: pcSubscriptionId,
    },
    async persist(trx) {
      const { row, created } = await insertPartnerCenterSubscription(trx, {
        providerId: ctx.order.provider_id,
        sellerId: ctx.order.seller_id,
        customerId: ctx.order.customer_id,
        pcCustomerId,
        state,
        parentSubscriptionId: parent?.id ?? null,
        isAddOn: line.kind === 'add_on',
        unitPrice: line.unit_price,
        currency: line.currency?.trim() ?? null,
        priceTiers: line.price_tiers,
        orderId: ctx.order.id,
        attributes: attributesOf(ctx.order),
        now: ctx.now,
      });
      if (created) {
        const effective = pcSub.creationDate ? new Date(pcSub.creationDate) : ctx.now;
        await recordSubscriptionEvent(trx, {
          subscriptionId: row.id,
          kind: 'purchased',
          effectiveAt: effective,
          quantityBefore: 0,
          quantityAfter: row.quantity,
          statusBefore: null,
          statusAfter: row.status,
          skuAfter: row.product_id ? `${row.product_id}:${row.sku_id}` : null,
          term: row.term,
          billingCycle: row.billing_cycle,
          termStart: row.term_start,
          termEnd: row.term_end,
          chargePeriod: chargePeriodOf(row, utcDay(effective)),
          autoRenew: row.auto_renew,
          orderId: ctx.order.id,
          orderLineId: line.id,
          source: 'order',
          details: { partnerCenterOrderId: pcOrder?.id ?? null, cartId: cart.id },
          prices: line.price_tiers,
        });
      }
      return row.id;
    },
  };
}

function alreadyApplied(line: OrderLineRow, s: PartnerCenterState): boolean {
  switch (line.kind) {
    case 'change_quantity':
      return s.quantity === line.quantity;
    case 'suspend':
      return s.status === 'suspended';
    case 'reactivate':
      return s.status === 'active';
    case 'cancel':
      return s.status === 'cancelled';
    case 'set_auto_renew':
      return s.autoRenew === line.params.enabled;
    case 'schedule_change':
      if (line.params.clear === true) return s.scheduledChange === null;
      return (
        s.scheduledChange !== null &&
        s.scheduledChange.quantity === line.params.quantity &&
        s.scheduledChange.skuId === line.params.sku &&
        s.scheduledChange.term === line.params.term &&
        s.scheduledChange.billingCycle === line.params.billingCycle
      );
    default:
      return false;
  }
}

const at = (date: Date) => Temporal.Instant.fromEpochMilliseconds(date.getTime());

/** The NCE decision on Microsoft's current state, at the moment the change is made. */
function recheck(line: OrderLineRow, row: SubscriptionRow, now: Date): void {
  const core = toCoreSubscription(row);
  if (!core) return;
  let decision: SubscriptionDecision<unknown> | null = null;
  switch (line.kind) {
    case 'change_quantity':
      decision = decideQuantityChange(core, line.quantity ?? 0, at(now));
      break;
    case 'suspend':
      decision = decideSuspend(core, at(now));
      break;
    case 'reactivate':
      decision = decideReactivate(core, at(now));
      break;
    case 'cancel':
      decision = decideCancel(core, at(now));
      break;
    case 'set_auto_renew':
      decision = decideAutoRenew(core, line.params.enabled === true);
      break;
    case 'schedule_change':
      if (line.params.clear !== true) {
        decision = decideScheduleChange(
          core,
          {
            quantity: line.params.quantity as number,
            skuId: line.params.sku as string,
            term: line.params.term as 'P1M',
            billingCycle: line.params.billingCycle as 'monthly',
          },
          at(now),
        );
      }
      break;
    case 'upgrade':
      decision = decideUpgrade(
        core,
        { skuId: line.params.targetSku as string, quantity: line.quantity ?? core.quantity },
        at(now),
      );
      break;
    default:
      break;
  }
  if (
    decision &&
    !decision.allowed &&
    decision.code !== 'quantity_unchanged' &&
    decision.code !== 'auto_renew_unchanged'
  ) {
    const error = nceRefused(decision, row.title);
    throw new StepFailed(error.message, error.code);
  }
}

const EVENT_OF: Partial<Record<OrderLineRow['kind'], SubscriptionEventKind>> = {
  change_quantity: 'quantity_changed',
  suspend: 'suspended',
  reactivate: 'reactivated',
  cancel: 'cancelled',
  set_auto_renew: 'auto_renew_changed',
  upgrade: 'upgraded',
};

async function recordChange(
  trx: Kysely<Database>,
  ctx: StepContext,
  line: OrderLineRow,
  before: SubscriptionRow,
  after: SubscriptionRow,
  kind: SubscriptionEventKind,
  details: Record<string, unknown> = {},
): Promise<void> {
  await recordSubscriptionEvent(trx, {
    subscriptionId: after.id,
    kind,
    effectiveAt: ctx.now,
    quantityBefore: before.quantity,
    quantityAfter: after.quantity,
    statusBefore: before.status,
    statusAfter: after.status,
    skuBefore: before.product_id ? `${before.product_id}:${before.sku_id}` : null,
    skuAfter: after.product_id ? `${after.product_id}:${after.sku_id}` : null,
    term: after.term,
    billingCycle: after.billing_cycle,
    termStart: after.term_start,
    termEnd: after.term_end,
    chargePeriod: chargePeriodOf(after, utcDay(ctx.now)),
    autoRenew: after.auto_renew,
    orderId: ctx.order.id,
    orderLineId: line.id,
    source: 'order',
    details: {
      ...details,
      ...(ctx.order.effective_at ? { scheduledFor: ctx.order.effective_at.toISOString() } : {}),
      ...(kind === 'change_scheduled' ? { scheduledChange: after.scheduled_change } : {}),
    },
    prices: await eventPrices(after),
  });
}

async function targetAvailability(
  db: Kysely<Database>,
  providerId: string,
  sku: string,
  term: string,
  billingCycle: string,
) {
  const [productId, skuId] = sku.split(':');
  const offer = await db
    .selectFrom('catalog_offers')
    .select(['product_id', 'sku_id', 'availability_id', 'catalog_item_id'])
    .where('provider_id', '=', providerId)
    .where('product_id', '=', productId ?? '')
    .where('sku_id', '=', skuId ?? '')
    .where('term', '=', term as 'P1M')
    .where('billing_cycle', '=', billingCycle as 'monthly')
    .where('retired_at', 'is', null)
    .executeTakeFirst();
  if (!offer) throw new StepFailed(`${sku} is not offered as ${term} billed ${billingCycle}.`, 'not_offered');
  return offer;
}

/** A change of a licence or an Azure plan at Microsoft: PATCH (or a transition for an upgrade). */
export async function changeLine(ctx: StepContext, line: OrderLineRow): Promise<StepOutcome> {
  const { db } = ctx.services;
  const sub = line.subscription_id ? await subscriptionById(db, line.subscription_id) : undefined;
  if (!sub) throw new StepFailed('The subscription no longer exists.', 'not_found');
  if (sub.kind === 'own_product') return localChange(ctx, line, sub);
  if (!sub.pc_subscription_id || !sub.pc_customer_id) {
    throw new StepFailed('The subscription is not provisioned at Microsoft.', 'not_provisioned');
  }
  const pcCustomer = sub.pc_customer_id;
  const current = await ctx.client.subscriptions.get(pcCustomer, sub.pc_subscription_id, calls(ctx));
  const state = fromPartnerCenter(current, ctx.now);
  const operationKey = `order-line:${line.id}`;
  const sent = await ledgerState(db, operationKey);
  const fresh = withPartnerCenterState(sub, state);
  if (sent === null || sent === 'failed') {
    // Not sent yet: Microsoft may already be where the order wants it (then nothing is sent), and
    // the NCE rules are checked again on Microsoft's current state, at the moment of the change.
    if (line.kind !== 'upgrade' && alreadyApplied(line, state)) {
      return savedChange(ctx, line, sub, current, { alreadyApplied: true });
    }
    recheck(line, fresh, ctx.now);
  }
  const opts = mutation(ctx, operationKey);
  const subs = ctx.client.subscriptions;
  switch (line.kind) {
    case 'change_quantity':
      await subs.setQuantity(pcCustomer, current, line.quantity!, opts);
      break;
    case 'suspend':
      await subs.suspend(pcCustomer, current, opts);
      break;
    case 'reactivate':
      await subs.reactivate(pcCustomer, current, opts);
      break;
    case 'cancel':
      await subs.cancel(pcCustomer, current, opts);
      break;
    case 'set_auto_renew':
      await subs.setAutoRenew(pcCustomer, current, line.params.enabled === true, opts);
      break;
    case 'schedule_change': {
      if (line.params.clear === true) {
        await subs.scheduleNextTerm(pcCustomer, current, null, opts);
        break;
      }
      const offer = await targetAvailability(
        db,
        ctx.order.provider_id,
        String(line.params.sku),
        String(line.params.term),
        String(line.params.billingCycle),
      );
      await subs.scheduleNextTerm(
        pcCustomer,
        current,
        {
          product: {
            productId: offer.product_id,
            skuId: offer.sku_id,
            availabilityId: offer.availability_id,
            billingCycle: String(line.params.billingCycle),
            termDuration: String(line.params.term),
          },
          quantity: Number(line.params.quantity),
        },
        opts,
      );
      break;
    }
    case 'upgrade':
      return upgradeLine(ctx, line, sub, pcCustomer, current);
    default:
      throw new StepFailed(`Unknown change ${line.kind}.`, 'invalid_line');
  }
  const after = await ctx.client.subscriptions.get(pcCustomer, sub.pc_subscription_id, calls(ctx));
  return savedChange(ctx, line, sub, after, {});
}

function savedChange(
  ctx: StepContext,
  line: OrderLineRow,
  before: SubscriptionRow,
  pc: PcSubscription,
  details: Record<string, unknown>,
): StepOutcome {
  const state = fromPartnerCenter(pc, ctx.now);
  return {
    kind: 'succeeded',
    result: { partnerCenterSubscriptionId: pc.id, ...details },
    async persist(trx) {
      const current = (await subscriptionById(trx, before.id))!;
      const after = await savePartnerCenterState(trx, current, state, ctx.now);
      const kind: SubscriptionEventKind =
        line.kind === 'schedule_change'
          ? line.params.clear === true
            ? 'schedule_cleared'
            : 'change_scheduled'
          : (EVENT_OF[line.kind] ?? 'corrected');
      await recordChange(trx, ctx, line, current, after, kind, details);
      return null;
    },
  };
}

async function upgradeLine(
  ctx: StepContext,
  line: OrderLineRow,
  sub: SubscriptionRow,
  pcCustomer: string,
  current: PcSubscription,
): Promise<StepOutcome> {
  const target = String(line.params.targetCatalogItemId ?? '');
  if (!target) throw new StepFailed('The upgrade target is not in the catalog.', 'not_offered');
  const transition = await ctx.client.subscriptions.createTransition(
    pcCustomer,
    current.id,
    { toCatalogItemId: target, quantity: line.quantity ?? sub.quantity, transitionType: 'transition_only' },
    mutation(ctx, `order-line:${line.id}`),
  );
  const source = await ctx.client.subscriptions.get(pcCustomer, current.id, calls(ctx));
  const targetId = transition.toSubscriptionId ?? current.id;
  const created =
    targetId !== current.id ? await ctx.client.subscriptions.get(pcCustomer, targetId, calls(ctx)) : null;
  const sourceState = fromPartnerCenter(source, ctx.now);
  const createdState = created ? fromPartnerCenter(created, ctx.now) : null;
  return {
    kind: 'succeeded',
    result: { transitionId: transition.id ?? null, toSubscriptionId: targetId },
    async persist(trx) {
      const before = (await subscriptionById(trx, sub.id))!;
      if (!createdState) {
        // Full upgrade: the subscription itself moves to the new SKU, at the new price.
        const after = await savePartnerCenterState(trx, before, sourceState, ctx.now, {
          title: String(line.params.targetTitle ?? sourceState.title),
          unitPrice: line.unit_price,
          currency: line.currency?.trim() ?? null,
          priceTiers: line.price_tiers,
        });
        await recordChange(trx, ctx, line, before, after, 'upgraded', {
          transitionId: transition.id ?? null,
        });
        return null;
      }
      // Partial: seats leave the source and a co-terminous subscription is created for them.
      const after = await savePartnerCenterState(trx, before, sourceState, ctx.now);
      await recordChange(trx, ctx, line, before, after, 'quantity_changed', {
        transitionId: transition.id ?? null,
        upgradedTo: createdState.pcSubscriptionId,
      });
      const { row } = await insertPartnerCenterSubscription(trx, {
        providerId: ctx.order.provider_id,
        sellerId: before.seller_id,
        customerId: before.customer_id,
        pcCustomerId: pcCustomer,
        state: { ...createdState, title: String(line.params.targetTitle ?? createdState.title) },
        parentSubscriptionId: before.parent_subscription_id,
        isAddOn: before.is_addon,
        unitPrice: line.unit_price,
        currency: line.currency?.trim() ?? null,
        priceTiers: line.price_tiers,
        orderId: ctx.order.id,
        attributes: attributesOf(ctx.order),
        now: ctx.now,
      });
      await recordSubscriptionEvent(trx, {
        subscriptionId: row.id,
        kind: 'upgraded',
        effectiveAt: ctx.now,
        quantityBefore: 0,
        quantityAfter: row.quantity,
        statusBefore: null,
        statusAfter: row.status,
        skuBefore: before.product_id ? `${before.product_id}:${before.sku_id}` : null,
        skuAfter: row.product_id ? `${row.product_id}:${row.sku_id}` : null,
        term: row.term,
        billingCycle: row.billing_cycle,
        termStart: row.term_start,
        termEnd: row.term_end,
        chargePeriod: chargePeriodOf(row, utcDay(ctx.now)),
        autoRenew: row.auto_renew,
        orderId: ctx.order.id,
        orderLineId: line.id,
        source: 'order',
        details: { upgradedFrom: before.id, transitionId: transition.id ?? null },
        prices: line.price_tiers,
      });
      return row.id;
    },
  };
}

/** Own products are changed locally: no Partner Center behind them. */
function localChange(ctx: StepContext, line: OrderLineRow, sub: SubscriptionRow): StepOutcome {
  return {
    kind: 'succeeded',
    result: {},
    async persist(trx) {
      const before = (await subscriptionById(trx, sub.id))!;
      const after = await trx
        .updateTable('subscriptions')
        .set({
          ...(line.kind === 'change_quantity' ? { quantity: line.quantity ?? before.quantity } : {}),
          ...(line.kind === 'cancel' ? { status: 'cancelled' as const, auto_renew: false } : {}),
          ...(line.kind === 'set_auto_renew' ? { auto_renew: line.params.enabled === true } : {}),
          version: sql`version + 1`,
          updated_at: sql`now()`,
        })
        .where('id', '=', sub.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordChange(trx, ctx, line, before, after, EVENT_OF[line.kind] ?? 'corrected');
      return null;
    },
  };
}

/** Administrator rights in the customer's tenant for a new user or an existing one. */
export async function azureAdminLine(
  ctx: StepContext,
  line: OrderLineRow,
  pcCustomerId: string,
): Promise<StepOutcome> {
  const { db, config } = ctx.services;
  const user = (line.params.user ?? {}) as {
    existingUserId?: string;
    userPrincipalName?: string | null;
    new?: { userName: string; firstName: string; lastName: string; displayName: string; password?: string };
  };
  const operationKey = `order-line:${line.id}`;
  if (user.existingUserId) {
    const { membership } = await ctx.client.subscriptions.assignAdmin(
      pcCustomerId,
      {
        user: {
          userId: user.existingUserId,
          ...(user.userPrincipalName ? { userPrincipalName: user.userPrincipalName } : {}),
        },
        roleId: GLOBAL_ADMINISTRATOR_ROLE_TEMPLATE_ID,
      },
      mutation(ctx, operationKey),
    );
    return {
      kind: 'succeeded',
      result: {
        userId: user.existingUserId,
        roleId: membership.roleId ?? GLOBAL_ADMINISTRATOR_ROLE_TEMPLATE_ID,
      },
      async persist() {
        return null;
      },
    };
  }
  const fresh = user.new;
  if (!fresh) throw new StepFailed('No user was named.', 'invalid_user');
  const tenant = await db
    .selectFrom('customer_tenants')
    .select(['domain', 'organization_id'])
    .where('organization_id', '=', ctx.order.customer_id)
    .executeTakeFirstOrThrow();
  const country = await db
    .selectFrom('organizations')
    .select('country')
    .where('id', '=', ctx.order.customer_id)
    .executeTakeFirstOrThrow();
  // The password is chosen once and kept (sealed) before the call, so a repeat sends the same.
  let sealed =
    fresh.password ??
    (typeof line.result.temporaryPassword === 'string' ? line.result.temporaryPassword : null);
  if (!sealed) {
    const candidate = seal(config.secretKey, temporaryPassword());
    await db
      .updateTable('order_lines')
      .set({ result: sql`result || jsonb_build_object('temporaryPassword', ${candidate}::text)` })
      .where('id', '=', line.id)
      .where(sql<boolean>`NOT (result ? 'temporaryPassword')`)
      .execute();
    const reread = await db
      .selectFrom('order_lines')
      .select('result')
      .where('id', '=', line.id)
      .executeTakeFirstOrThrow();
    sealed = String(reread.result.temporaryPassword);
  }
  const password = unseal(config.secretKey, sealed);
  if (!password) throw new StepFailed('The stored password cannot be read (SECRET_KEY changed?).', 'sealed');
  const upn = `${fresh.userName}@${tenant.domain}`;
  const { user: created, membership } = await ctx.client.subscriptions.assignAdmin(
    pcCustomerId,
    {
      user: {
        create: {
          userPrincipalName: upn,
          firstName: fresh.firstName,
          lastName: fresh.lastName,
          displayName: fresh.displayName,
          usageLocation: country.country.trim(),
          passwordProfile: { password, forceChangePassword: true },
        },
      },
      roleId: GLOBAL_ADMINISTRATOR_ROLE_TEMPLATE_ID,
    },
    mutation(ctx, operationKey),
  );
  return {
    kind: 'succeeded',
    result: {
      userId: created?.id ?? membership.id ?? null,
      userPrincipalName: upn,
      roleId: membership.roleId ?? GLOBAL_ADMINISTRATOR_ROLE_TEMPLATE_ID,
      ...(fresh.password ? {} : { temporaryPassword: sealed }),
    },
    async persist() {
      return null;
    },
  };
}

function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** An own product: a task for the seller's staff; the line waits until the task is completed. */
export function ownProductLine(ctx: StepContext, line: OrderLineRow): StepOutcome {
  return {
    kind: 'waiting',
    async persist(trx) {
      const product = await trx
        .selectFrom('own_products')
        .select(['seller_id', 'name', 'description'])
        .where('id', '=', line.own_product_id!)
        .executeTakeFirstOrThrow();
      const start = ctx.order.effective_date ?? utcDay(ctx.now);
      const due =
        typeof line.params.dueDate === 'string'
          ? line.params.dueDate
          : addDays(start, ctx.services.timings.taskDueDays);
      await trx
        .insertInto('provisioning_tasks')
        .values({
          order_id: ctx.order.id,
          order_line_id: line.id,
          assignee_org_id: product.seller_id,
          customer_id: ctx.order.customer_id,
          title: `Provision ${product.name} × ${line.quantity ?? 1}`,
          description: product.description,
          due_date: due,
        })
        .onConflict((oc) => oc.column('order_line_id').doNothing())
        .execute();
      await trx
        .updateTable('order_lines')
        .set({ waiting_on: 'manual_task' })
        .where('id', '=', line.id)
        .where('status', '=', 'pending')
        .execute();
    },
  };
}
