import { randomUUID } from 'node:crypto';
import {
  decideAutoRenew,
  decideCancel,
  decideClearScheduledChange,
  decideQuantityChange,
  decideReactivate,
  decideScheduleChange,
  decideSuspend,
  decideUpgrade,
  effectiveInstant,
  firstOfNextMonthInZone,
  InvalidDateError,
  isBillingCycle,
  isTermDuration,
  Money,
  parsePlainDate,
  type SubscriptionDecision,
  Temporal,
} from '@cspc/core';
import type { Kysely } from 'kysely';
import type { Scope } from '../../auth/scope.ts';
import type { Database } from '../../db/schema.ts';
import { AppError, badRequest, conflict, notFound } from '../../http/errors.ts';
import { AZURE_PLAN_PRODUCT_ID, customerDomain, toAppError } from '../../partner-center/index.ts';
import type { CatalogBillingCycle, CatalogTerm } from '../catalog/catalog.tables.ts';
import { isInSubtree, lineageOf, todayIn } from '../catalog/lineage.ts';
import { seal } from '../provisioning/sealed.ts';
import { toCoreSubscription } from '../subscriptions/subscription-model.ts';
import { subscriptionById } from '../subscriptions/subscriptions.repository.ts';
import { type LinePrice, monthsPerPeriod, priceLine } from './line-pricing.ts';
import type { OrderServices } from './order-services.ts';
import { customerLocked, nceRefused, subscriptionLocked } from './orders.errors.ts';
import type { OrderLineKind, StoredPriceTier, TenantAction } from './orders.tables.ts';

/**
 * Turns an order request into the order to store: every line resolved against the catalog and
 * priced with the price books, every change to a subscription checked against the NCE rules (at
 * the instant the order takes effect), the tenant side validated (a new domain must be free), and
 * the caller's right to order for this customer and change these subscriptions checked.
 */

export interface TenantInput {
  mode: 'new' | 'existing';
  domainPrefix?: string | undefined;
  domain?: string | undefined;
  companyName?: string | undefined;
  email?: string | undefined;
  culture?: string | undefined;
  language?: string | undefined;
  contact?: { firstName: string; lastName: string; phoneNumber?: string | undefined } | undefined;
  address?:
    | {
        addressLine1: string;
        city: string;
        state?: string | undefined;
        postalCode: string;
        country?: string | undefined;
      }
    | undefined;
}

export interface OrderLineInput {
  type: OrderLineKind;
  sku?: string | undefined;
  ownProductId?: string | undefined;
  quantity?: number | undefined;
  term?: string | undefined;
  billingCycle?: string | undefined;
  subscriptionId?: string | undefined;
  parentSubscriptionId?: string | undefined;
  enabled?: boolean | undefined;
  clear?: boolean | undefined;
  friendlyName?: string | undefined;
  dueDate?: string | undefined;
  user?:
    | {
        existingUserId?: string | undefined;
        userPrincipalName?: string | undefined;
        new?:
          | {
              userName: string;
              firstName: string;
              lastName: string;
              displayName?: string | undefined;
              password?: string | undefined;
            }
          | undefined;
      }
    | undefined;
}

export interface OrderInput {
  customerId: string;
  tenant?: TenantInput | undefined;
  /** 'YYYY-MM-DD': from the start of that day in the provider's time zone. */
  effectiveDate?: string | undefined;
  /** An exact instant. */
  effectiveAt?: string | undefined;
  /** 'next_month': from the 1st of next month in the provider's time zone. */
  effective?: 'now' | 'next_month' | undefined;
  reference?: string | undefined;
  attributes?: Record<string, string> | undefined;
  lines: OrderLineInput[];
}

export interface PreparedLine {
  id: string;
  position: number;
  kind: OrderLineKind;
  subscriptionId: string | null;
  productId: string | null;
  skuId: string | null;
  catalogItemId: string | null;
  ownProductId: string | null;
  title: string;
  term: string | null;
  billingCycle: string | null;
  quantity: number | null;
  params: Record<string, unknown>;
  unitPrice: string | null;
  currency: string | null;
  priceTiers: StoredPriceTier[];
  priceExplanation: unknown;
  /** What the line adds per month (credit control); null when it adds nothing. */
  monthly: Money | null;
}

export interface PreparedOrder {
  id: string;
  number: string;
  providerId: string;
  sellerId: string;
  customerId: string;
  placedByOrgId: string;
  timeZone: string;
  tenantAction: TenantAction | null;
  relationshipUrl: string | null;
  /** The customer is already a Partner Center customer of the provider. */
  linked: boolean;
  effectiveAt: Date | null;
  effectiveDate: string | null;
  reference: string;
  attributes: Record<string, string>;
  currency: string;
  monthlyAmount: Money;
  lines: PreparedLine[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN_PREFIX = /^[a-z0-9]{2,27}$/;
const PURCHASES: readonly OrderLineKind[] = [
  'purchase',
  'add_on',
  'azure_plan',
  'azure_admin',
  'own_product',
];
const CHANGES: readonly OrderLineKind[] = [
  'change_quantity',
  'suspend',
  'reactivate',
  'cancel',
  'set_auto_renew',
  'schedule_change',
  'upgrade',
];

export function orderNumber(id: string, now: Date): string {
  return `ORD-${now.toISOString().slice(0, 10).replace(/-/g, '')}-${id.slice(0, 8).toUpperCase()}`;
}

const instantOf = (date: Date) => Temporal.Instant.fromEpochMilliseconds(date.getTime());

function term(value: string | undefined): CatalogTerm | undefined {
  if (value === undefined) return undefined;
  if (!['P1M', 'P1Y', 'P3Y', 'none'].includes(value)) {
    throw badRequest('invalid_term', 'term: use P1M, P1Y, P3Y or none.');
  }
  return value as CatalogTerm;
}

function cycle(value: string | undefined): CatalogBillingCycle | undefined {
  if (value === undefined) return undefined;
  if (!['monthly', 'annual', 'triennial', 'one_time', 'usage'].includes(value)) {
    throw badRequest(
      'invalid_billing_cycle',
      'billingCycle: use monthly, annual, triennial, one_time or usage.',
    );
  }
  return value as CatalogBillingCycle;
}

function requireQuantity(line: OrderLineInput, position: number): number {
  const q = line.quantity;
  if (q === undefined || !Number.isSafeInteger(q) || q < 1) {
    throw badRequest('invalid_quantity', `lines[${position}].quantity: a whole number of at least 1.`);
  }
  return q;
}

function monthlyOf(price: LinePrice, quantity: number): Money | null {
  const months = monthsPerPeriod(price.quote.item.term ?? 'none', price.quote.item.billingCycle ?? 'usage');
  if (months === null) return null;
  return Money.of(price.unitPrice, price.currency).times(quantity).dividedBy(months);
}

function effectiveOf(
  input: OrderInput,
  timeZone: string,
  now: Date,
): { effectiveAt: Date | null; effectiveDate: string | null } {
  const given = [
    input.effectiveDate,
    input.effectiveAt,
    input.effective === 'next_month' ? 'x' : undefined,
  ].filter((v) => v !== undefined);
  if (given.length > 1) {
    throw badRequest('invalid_effective', 'Give at most one of effectiveDate, effectiveAt and effective.');
  }
  let at: Temporal.Instant | null = null;
  let date: string | null = null;
  try {
    if (input.effective === 'next_month') {
      const next = firstOfNextMonthInZone(instantOf(now), timeZone);
      at = next.effectiveAt;
      date = next.date.toString();
    } else if (input.effectiveDate) {
      const day = parsePlainDate(input.effectiveDate);
      at = effectiveInstant(day, timeZone);
      date = day.toString();
    } else if (input.effectiveAt) {
      const ms = Date.parse(input.effectiveAt);
      if (Number.isNaN(ms) || !/[zZ]|[+-]\d{2}:\d{2}$/.test(input.effectiveAt)) {
        throw badRequest(
          'invalid_effective',
          'effectiveAt: an ISO 8601 instant with a zone, e.g. 2027-01-01T00:00:00+09:00.',
        );
      }
      at = Temporal.Instant.fromEpochMilliseconds(ms);
    }
  } catch (error) {
    if (error instanceof InvalidDateError)
      throw badRequest('invalid_effective', 'effectiveDate: use YYYY-MM-DD.');
    throw error;
  }
  if (at === null || at.epochMilliseconds <= now.getTime()) return { effectiveAt: null, effectiveDate: date };
  return { effectiveAt: new Date(at.epochMilliseconds), effectiveDate: date };
}

function decided<T>(decision: SubscriptionDecision<T>, subject: string): T {
  if (!decision.allowed) throw nceRefused(decision, subject);
  return decision.outcome;
}

async function skuLimits(
  db: Kysely<Database>,
  providerId: string,
  productId: string | null,
  skuId: string | null,
) {
  if (!productId || !skuId) return {};
  const row = await db
    .selectFrom('catalog_skus')
    .select(['min_quantity', 'max_quantity'])
    .where('provider_id', '=', providerId)
    .where('product_id', '=', productId)
    .where('sku_id', '=', skuId)
    .executeTakeFirst();
  if (!row) return {};
  return { minimum: row.min_quantity, ...(row.max_quantity === null ? {} : { maximum: row.max_quantity }) };
}

function tenantActionOf(
  input: TenantInput,
  customer: { name: string; country: string; locale: string },
): TenantAction {
  if (input.mode === 'existing') {
    const domain = (input.domain ?? '').trim().toLowerCase();
    if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(domain)) {
      throw badRequest(
        'invalid_domain',
        'tenant.domain: the customer’s existing domain, e.g. contoso.onmicrosoft.com.',
      );
    }
    return { mode: 'existing', domain };
  }
  const prefix = (input.domainPrefix ?? '').trim().toLowerCase();
  if (!DOMAIN_PREFIX.test(prefix)) {
    throw badRequest(
      'invalid_domain',
      'tenant.domainPrefix: 2–27 lower-case letters and digits; the tenant becomes <prefix>.onmicrosoft.com.',
    );
  }
  const problems: string[] = [];
  if (!input.email) problems.push('tenant.email');
  if (!input.contact?.firstName || !input.contact.lastName) problems.push('tenant.contact');
  if (!input.address?.addressLine1 || !input.address.city || !input.address.postalCode)
    problems.push('tenant.address');
  if (problems.length > 0) {
    throw badRequest('validation_failed', `A new tenant needs ${problems.join(', ')}.`);
  }
  const language = input.language ?? customer.locale;
  return {
    mode: 'new',
    domainPrefix: prefix,
    companyName: input.companyName ?? customer.name,
    email: input.email!,
    culture: input.culture ?? `${language}-${customer.country}`,
    language,
    contact: {
      firstName: input.contact!.firstName,
      lastName: input.contact!.lastName,
      ...(input.contact!.phoneNumber ? { phoneNumber: input.contact!.phoneNumber } : {}),
    },
    address: {
      addressLine1: input.address!.addressLine1,
      city: input.address!.city,
      ...(input.address!.state ? { state: input.address!.state } : {}),
      postalCode: input.address!.postalCode,
      country: (input.address!.country ?? customer.country).toUpperCase(),
    },
  };
}

/** Prices agreed in an accepted quote, by line position: they replace today's price. */
export interface QuotedPrice {
  unitPrice: string;
  currency: string;
  tiers: StoredPriceTier[];
  explanation: unknown;
}

export async function prepareOrder(
  services: OrderServices,
  scope: Scope,
  input: OrderInput,
  options: { now: Date; skipTenantChecks?: boolean; quoted?: ReadonlyMap<number, QuotedPrice> } = {
    now: new Date(),
  },
): Promise<PreparedOrder> {
  const { db } = services;
  const now = options.now;
  if (!UUID.test(input.customerId) || !(await isInSubtree(db, scope, input.customerId)))
    throw notFound('customer');
  const lineage = await lineageOf(db, input.customerId);
  const customer = lineage.at(-1)!;
  const provider = lineage[0]!;
  const seller = lineage.at(-2);
  if (customer.kind !== 'customer' || !seller) {
    throw badRequest(
      'invalid_customer',
      'Orders are placed for customers; this organisation is not a customer.',
    );
  }
  if (scope.organizationId !== seller.id && scope.organizationId !== customer.id)
    throw customerLocked(seller.name);
  if (input.lines.length === 0) throw badRequest('order_has_no_lines', 'An order needs at least one line.');
  if (input.lines.length > 50) throw badRequest('too_many_lines', 'An order holds at most 50 lines.');

  const customerOrg = await db
    .selectFrom('organizations')
    .select(['locale', 'country'])
    .where('id', '=', customer.id)
    .executeTakeFirstOrThrow();
  const { effectiveAt, effectiveDate } = effectiveOf(input, provider.timeZone, now);
  const priceDate = (effectiveDate ?? todayIn(effectiveAt ?? now, customer.timeZone).toString()) as string;
  const at = instantOf(effectiveAt ?? now);
  const subject = effectiveAt ? `On ${effectiveAt.toISOString()}` : 'Now';

  const linked = await db
    .selectFrom('customer_tenants')
    .select('pc_customer_id')
    .where('organization_id', '=', customer.id)
    .executeTakeFirst();
  const lines: PreparedLine[] = [];
  for (const [position, line] of input.lines.entries()) {
    const base = {
      id: randomUUID(),
      position,
      kind: line.type,
      subscriptionId: null as string | null,
      productId: null as string | null,
      skuId: null as string | null,
      catalogItemId: null as string | null,
      ownProductId: null as string | null,
      term: null as string | null,
      billingCycle: null as string | null,
      quantity: null as number | null,
      params: {} as Record<string, unknown>,
      unitPrice: null as string | null,
      currency: null as string | null,
      priceTiers: [] as StoredPriceTier[],
      priceExplanation: null as unknown,
      monthly: null as Money | null,
    };
    if (line.type === 'purchase' || line.type === 'add_on' || line.type === 'own_product') {
      const quantity = requireQuantity(line, position);
      const sku = line.type === 'own_product' ? line.ownProductId : line.sku;
      if (!sku) {
        throw badRequest(
          'item_required',
          `lines[${position}]: name the product (${line.type === 'own_product' ? 'ownProductId' : 'sku'}).`,
        );
      }
      if (line.type === 'own_product' && !UUID.test(sku)) throw notFound('own product');
      if (line.type !== 'own_product' && UUID.test(sku)) {
        throw badRequest(
          'item_required',
          `lines[${position}]: own products are ordered with type own_product.`,
        );
      }
      const price = await priceLine(
        db,
        {
          providerId: provider.id,
          customerId: customer.id,
          sku,
          quantity,
          term: term(line.term),
          billingCycle: cycle(line.billingCycle),
          date: priceDate,
        },
        now,
      );
      const item = price.quote.item;
      if (item.retired) {
        throw conflict('item_retired', `${item.title} is no longer sold.`);
      }
      if (line.type === 'add_on') {
        const parentId = line.parentSubscriptionId ?? line.subscriptionId;
        const parent = parentId && UUID.test(parentId) ? await subscriptionById(db, parentId) : undefined;
        if (!parent || parent.customer_id !== customer.id) throw notFound('base subscription');
        if (parent.status !== 'active' || parent.kind !== 'license' || !parent.pc_subscription_id) {
          throw conflict(
            'invalid_base_subscription',
            'An add-on needs an active licence subscription as its base.',
          );
        }
        base.subscriptionId = parent.id;
        base.params = { parentSubscriptionId: parent.id };
      }
      if (line.type === 'own_product') {
        if (line.dueDate) {
          try {
            parsePlainDate(line.dueDate);
          } catch {
            throw badRequest('invalid_date', `lines[${position}].dueDate: use YYYY-MM-DD.`);
          }
          base.params = { dueDate: line.dueDate };
        }
      } else if (line.friendlyName) {
        base.params = { ...base.params, friendlyName: line.friendlyName };
      }
      const quoted = options.quoted?.get(position);
      lines.push({
        ...base,
        productId: item.productId,
        skuId: item.skuId,
        catalogItemId: item.catalogItemId,
        ownProductId: item.ownProductId,
        title: item.title,
        term: item.term,
        billingCycle: item.billingCycle,
        quantity,
        unitPrice: quoted?.unitPrice ?? price.unitPrice,
        currency: quoted?.currency ?? price.currency,
        priceTiers: quoted?.tiers ?? price.tiers,
        priceExplanation: quoted?.explanation ?? price.quote.explanation,
        monthly: monthlyOf(
          quoted ? { ...price, unitPrice: quoted.unitPrice, currency: quoted.currency } : price,
          quantity,
        ),
      });
      continue;
    }
    if (line.type === 'azure_plan') {
      const offer = await db
        .selectFrom('catalog_offers')
        .select(['product_id', 'sku_id', 'catalog_item_id'])
        .where('provider_id', '=', provider.id)
        .where('product_id', '=', AZURE_PLAN_PRODUCT_ID)
        .where('retired_at', 'is', null)
        .orderBy('catalog_item_id')
        .executeTakeFirst();
      if (!offer) {
        throw notFound('Azure plan in the catalog (sync the catalog first)');
      }
      const existing = await db
        .selectFrom('subscriptions')
        .select('id')
        .where('customer_id', '=', customer.id)
        .where('kind', '=', 'azure_plan')
        .where('status', 'in', ['pending', 'active', 'suspended'])
        .executeTakeFirst();
      if (existing) throw conflict('azure_plan_exists', 'The customer already has an Azure plan.');
      lines.push({
        ...base,
        productId: offer.product_id,
        skuId: offer.sku_id,
        catalogItemId: offer.catalog_item_id,
        title: 'Azure plan',
        term: 'none',
        billingCycle: 'usage',
        quantity: 1,
      });
      continue;
    }
    if (line.type === 'azure_admin') {
      const user = line.user;
      let params: Record<string, unknown>;
      let title: string;
      if (user?.existingUserId) {
        if (!UUID.test(user.existingUserId)) {
          throw badRequest('invalid_user', `lines[${position}].user.existingUserId: the user's object id.`);
        }
        params = {
          user: { existingUserId: user.existingUserId, userPrincipalName: user.userPrincipalName ?? null },
        };
        title = `Administrator rights for ${user.userPrincipalName ?? user.existingUserId}`;
      } else if (user?.new) {
        const n = user.new;
        if (!/^[a-z0-9._-]{1,64}$/i.test(n.userName) || !n.firstName || !n.lastName) {
          throw badRequest(
            'invalid_user',
            `lines[${position}].user.new: userName (letters, digits, . _ -), firstName and lastName.`,
          );
        }
        params = {
          user: {
            new: {
              userName: n.userName.toLowerCase(),
              firstName: n.firstName,
              lastName: n.lastName,
              displayName: n.displayName ?? `${n.firstName} ${n.lastName}`,
              ...(n.password ? { password: seal(services.config.secretKey, n.password) } : {}),
            },
          },
        };
        title = `New administrator ${n.userName.toLowerCase()}`;
      } else {
        throw badRequest('invalid_user', `lines[${position}].user: give existingUserId or new.`);
      }
      lines.push({ ...base, title, params: { ...params, role: 'global_administrator' }, quantity: 1 });
      continue;
    }
    if (!CHANGES.includes(line.type)) {
      throw badRequest('invalid_line_type', `lines[${position}].type: unknown line type ${line.type}.`);
    }
    // A change of an existing subscription.
    const subId = line.subscriptionId;
    const sub = subId && UUID.test(subId) ? await subscriptionById(db, subId) : undefined;
    if (!sub || sub.customer_id !== customer.id) throw notFound('subscription');
    if (scope.organizationId !== sub.seller_id && scope.organizationId !== sub.customer_id) {
      const sellerName = lineage.find((o) => o.id === sub.seller_id)?.name ?? 'another organisation';
      throw subscriptionLocked(sellerName);
    }
    const core = toCoreSubscription(sub);
    const what = `${subject}, ${sub.title}`;
    const limits = await skuLimits(db, provider.id, sub.product_id, sub.sku_id);
    const common = {
      ...base,
      subscriptionId: sub.id,
      productId: sub.product_id,
      skuId: sub.sku_id,
      catalogItemId: sub.catalog_item_id,
      ownProductId: sub.own_product_id,
      title: sub.title,
      term: sub.term,
      billingCycle: sub.billing_cycle,
    };
    if (sub.kind === 'azure_plan' && !['suspend', 'reactivate', 'cancel'].includes(line.type)) {
      throw conflict('not_supported', 'An Azure plan can only be suspended, reactivated or cancelled.');
    }
    if (sub.kind === 'own_product' && !['change_quantity', 'cancel', 'set_auto_renew'].includes(line.type)) {
      throw conflict(
        'not_supported',
        'An own product can only change quantity, auto-renew, or be cancelled.',
      );
    }
    switch (line.type) {
      case 'change_quantity': {
        const quantity = requireQuantity(line, position);
        if (core) decided(decideQuantityChange(core, quantity, at, limits), what);
        else if (quantity === sub.quantity) {
          throw conflict('nce.quantity_unchanged', `The subscription already has ${quantity}.`);
        }
        const added = quantity - sub.quantity;
        const months = monthsPerPeriod(sub.term, sub.billing_cycle);
        lines.push({
          ...common,
          quantity,
          params: { from: sub.quantity, to: quantity },
          monthly:
            added > 0 && sub.unit_price && sub.currency && months
              ? Money.of(sub.unit_price, sub.currency.trim()).times(added).dividedBy(months)
              : null,
        });
        break;
      }
      case 'suspend':
        if (core) decided(decideSuspend(core, at), what);
        else if (sub.status !== 'active')
          throw conflict('nce.not_active', 'Only an active subscription can be suspended.');
        lines.push(common);
        break;
      case 'reactivate':
        if (core) decided(decideReactivate(core, at), what);
        else if (sub.status !== 'suspended')
          throw conflict('nce.not_suspended', 'The subscription is not suspended.');
        lines.push(common);
        break;
      case 'cancel':
        if (core) decided(decideCancel(core, at), what);
        else if (!['active', 'suspended'].includes(sub.status)) {
          throw conflict('nce.subscription_cancelled', 'The subscription has already ended.');
        }
        lines.push(common);
        break;
      case 'set_auto_renew': {
        if (typeof line.enabled !== 'boolean') {
          throw badRequest('validation_failed', `lines[${position}].enabled: true or false.`);
        }
        if (core) decided(decideAutoRenew(core, line.enabled), what);
        lines.push({ ...common, params: { enabled: line.enabled } });
        break;
      }
      case 'schedule_change': {
        if (!core)
          throw conflict('not_supported', 'Only licence subscriptions can schedule changes for the renewal.');
        if (line.clear) {
          decided(decideClearScheduledChange(core), what);
          lines.push({ ...common, params: { clear: true } });
          break;
        }
        const nextTerm = line.term;
        const nextCycle = line.billingCycle;
        if (nextTerm !== undefined && !isTermDuration(nextTerm)) {
          throw badRequest('invalid_term', 'term: P1M, P1Y or P3Y.');
        }
        if (nextCycle !== undefined && !isBillingCycle(nextCycle)) {
          throw badRequest('invalid_billing_cycle', 'billingCycle: monthly, annual or triennial.');
        }
        const skuId = line.sku ? line.sku.split(':').slice(0, 2).join(':') : undefined;
        const outcome = decided(
          decideScheduleChange(
            core,
            {
              ...(line.quantity !== undefined ? { quantity: line.quantity } : {}),
              ...(skuId ? { skuId } : {}),
              ...(nextTerm ? { term: nextTerm } : {}),
              ...(nextCycle ? { billingCycle: nextCycle } : {}),
            },
            at,
            limits,
          ),
          what,
        );
        const change = outcome.scheduledChange;
        lines.push({
          ...common,
          quantity: change.quantity,
          params: {
            quantity: change.quantity,
            sku: change.skuId,
            term: change.term,
            billingCycle: change.billingCycle,
            effectiveOn: change.effectiveOn.toString(),
          },
        });
        break;
      }
      case 'upgrade': {
        if (!core) throw conflict('not_supported', 'Only licence subscriptions can be upgraded.');
        if (!line.sku)
          throw badRequest('item_required', `lines[${position}].sku: the product to upgrade to.`);
        const target = line.sku.split(':').slice(0, 2).join(':');
        const outcome = decided(
          decideUpgrade(core, { skuId: target, ...(line.quantity ? { quantity: line.quantity } : {}) }, at),
          what,
        );
        const price = await priceLine(
          db,
          {
            providerId: provider.id,
            customerId: customer.id,
            sku: target,
            quantity: outcome.quantity,
            term: sub.term as CatalogTerm,
            billingCycle: sub.billing_cycle as CatalogBillingCycle,
            date: priceDate,
          },
          now,
        );
        lines.push({
          ...common,
          quantity: outcome.quantity,
          params: {
            targetSku: target,
            targetCatalogItemId: price.quote.item.catalogItemId,
            targetTitle: price.quote.item.title,
            full: outcome.kind === 'full',
          },
          unitPrice: price.unitPrice,
          currency: price.currency,
          priceTiers: price.tiers,
          priceExplanation: price.quote.explanation,
        });
        break;
      }
      default:
        throw badRequest('invalid_line_type', `lines[${position}].type: unknown line type ${line.type}.`);
    }
  }

  // The Partner Center customer: linked already, or created / linked by this order.
  const needsTenant = lines.some((l) => PURCHASES.includes(l.kind) && l.kind !== 'own_product');
  let tenantAction: TenantAction | null = null;
  let relationshipUrl: string | null = null;
  if (input.tenant) {
    if (linked) {
      throw conflict(
        'tenant_already_linked',
        'This customer is already a Partner Center customer; leave out tenant.',
      );
    }
    tenantAction = tenantActionOf(input.tenant, {
      name: customer.name,
      country: customerOrg.country.trim(),
      locale: customerOrg.locale,
    });
  } else if (needsTenant && !linked) {
    throw conflict(
      'tenant_required',
      'This customer is not a Partner Center customer yet. Give tenant {mode:"new", domainPrefix, …} to create its tenant, or {mode:"existing", domain} to link its existing tenant.',
    );
  }
  if (tenantAction && !options.skipTenantChecks) {
    const client = await services.partnerCenter.clientFor(provider.id);
    try {
      if (tenantAction.mode === 'new') {
        const domain = customerDomain(tenantAction.domainPrefix);
        if (!(await client.customers.isDomainAvailable(domain))) {
          throw conflict('domain_taken', `${domain} is already taken. Choose another domain prefix.`);
        }
      } else {
        relationshipUrl = (await client.customers.relationshipRequestLink()).url;
      }
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw toAppError(error);
    }
  }

  const currency = customer.currency;
  const monthlyAmount = lines.reduce(
    (sum, l) => (l.monthly && l.monthly.currency === currency ? sum.plus(l.monthly) : sum),
    Money.zero(currency),
  );
  const id = randomUUID();
  return {
    id,
    number: orderNumber(id, now),
    providerId: provider.id,
    sellerId: seller.id,
    customerId: customer.id,
    placedByOrgId: scope.organizationId,
    timeZone: provider.timeZone,
    tenantAction,
    relationshipUrl,
    linked: Boolean(linked),
    effectiveAt,
    effectiveDate,
    reference: input.reference ?? '',
    attributes: input.attributes ?? {},
    currency,
    monthlyAmount,
    lines,
  };
}
