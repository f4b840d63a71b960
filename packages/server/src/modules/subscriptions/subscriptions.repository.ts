import { type Kysely, sql } from 'kysely';
import type { Scope } from '../../auth/scope.ts';
import type { Database } from '../../db/schema.ts';
import { visibleOrganizationIds } from '../../db/tenancy.ts';
import { decodeCursorParts, encodeCursor, type Page } from '../../http/pagination.ts';
import type { StoredPriceTier } from '../orders/orders.tables.ts';
import type { SubscriptionRow } from './subscription-model.ts';
import type {
  StoredScheduledChange,
  StoredSeatLot,
  SubscriptionEventKind,
  SubscriptionKind,
} from './subscriptions.tables.ts';

/**
 * Subscriptions as their customers and every seller above them see them. Tenancy follows the
 * customer: a subscription exists for a caller whose subtree holds the customer. A subscription
 * is `locked` for every caller but its seller (the customer's direct seller, who sold it) and the
 * customer itself: a provider sees its resellers' subscriptions one-to-one but cannot change them.
 */

export interface PriceTierView {
  sellerId: string;
  buyerId: string;
  unitCost: string;
  costCurrency: string;
  unitPrice: string;
  currency: string;
}

export interface SubscriptionView {
  id: string;
  providerId: string;
  sellerId: string;
  sellerName: string;
  customerId: string;
  customerName: string;
  kind: SubscriptionKind;
  title: string;
  productId: string | null;
  skuId: string | null;
  catalogItemId: string | null;
  ownProductId: string | null;
  partnerCenter: { customerId: string | null; subscriptionId: string } | null;
  status: string;
  quantity: number;
  term: string;
  billingCycle: string;
  termStart: string | null;
  /** Exclusive: the renewal date. */
  termEnd: string | null;
  lastDay: string | null;
  autoRenew: boolean;
  cancellationAllowedUntil: string | null;
  seatLots: StoredSeatLot[];
  scheduledChange: StoredScheduledChange | null;
  isAddOn: boolean;
  parentSubscriptionId: string | null;
  isTrial: boolean;
  unitPrice: string | null;
  currency: string | null;
  /** The tiers of the price chain the caller may see (its own sales and those below it). */
  priceTiers: PriceTierView[];
  orderId: string | null;
  attributes: Record<string, string>;
  /** True when the caller may see but not change the subscription (it was sold by someone else). */
  locked: boolean;
  lockedReason: string | null;
  lastReconciledAt: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export type SubscriptionListRow = SubscriptionRow & { seller_name: string; customer_name: string };

function baseQuery(db: Kysely<Database>, scope: Scope) {
  return db
    .selectFrom('subscriptions as s')
    .innerJoin('organizations as seller', 'seller.id', 's.seller_id')
    .innerJoin('organizations as customer', 'customer.id', 's.customer_id')
    .selectAll('s')
    .select(['seller.name as seller_name', 'customer.name as customer_name'])
    .where('s.customer_id', 'in', visibleOrganizationIds(db, scope));
}

export function isLockedFor(scope: Scope, row: Pick<SubscriptionRow, 'seller_id' | 'customer_id'>): boolean {
  return scope.organizationId !== row.seller_id && scope.organizationId !== row.customer_id;
}

function dayBefore(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

export function toSubscriptionView(
  row: SubscriptionListRow,
  scope: Scope,
  visible: ReadonlySet<string>,
): SubscriptionView {
  const locked = isLockedFor(scope, row);
  return {
    id: row.id,
    providerId: row.provider_id,
    sellerId: row.seller_id,
    sellerName: row.seller_name,
    customerId: row.customer_id,
    customerName: row.customer_name,
    kind: row.kind,
    title: row.title,
    productId: row.product_id,
    skuId: row.sku_id,
    catalogItemId: row.catalog_item_id,
    ownProductId: row.own_product_id,
    partnerCenter: row.pc_subscription_id
      ? { customerId: row.pc_customer_id, subscriptionId: row.pc_subscription_id }
      : null,
    status: row.status,
    quantity: row.quantity,
    term: row.term,
    billingCycle: row.billing_cycle,
    termStart: row.term_start,
    termEnd: row.term_end,
    lastDay: row.term_end ? dayBefore(row.term_end) : null,
    autoRenew: row.auto_renew,
    cancellationAllowedUntil: row.cancellation_allowed_until?.toISOString() ?? null,
    seatLots: row.seat_lots,
    scheduledChange: row.scheduled_change,
    isAddOn: row.is_addon,
    parentSubscriptionId: row.parent_subscription_id,
    isTrial: row.is_trial,
    unitPrice: row.unit_price,
    currency: row.currency?.trim() ?? null,
    priceTiers: row.price_tiers.filter((t) => visible.has(t.sellerId)),
    orderId: row.order_id,
    attributes: row.attributes,
    locked,
    lockedReason: locked
      ? `Sold by ${row.seller_name}: only ${row.seller_name} (or the customer) can change it.`
      : null,
    lastReconciledAt: row.last_reconciled_at?.toISOString() ?? null,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export async function visibleSet(db: Kysely<Database>, scope: Scope): Promise<Set<string>> {
  const rows = await visibleOrganizationIds(db, scope).execute();
  return new Set(rows.map((r) => r.descendant_id));
}

export interface SubscriptionFilter {
  limit: number;
  cursor?: string | undefined;
  customerId?: string | undefined;
  status?: string | undefined;
  kind?: SubscriptionKind | undefined;
  /** Active subscriptions whose term ends within this many days of `today`. */
  renewingWithinDays?: number | undefined;
  today: string;
}

export async function listSubscriptions(
  db: Kysely<Database>,
  scope: Scope,
  filter: SubscriptionFilter,
): Promise<Page<SubscriptionView>> {
  let query = baseQuery(db, scope)
    .orderBy('s.created_at')
    .orderBy('s.id')
    .limit(filter.limit + 1);
  if (filter.customerId) query = query.where('s.customer_id', '=', filter.customerId);
  if (filter.status) query = query.where('s.status', '=', filter.status as SubscriptionRow['status']);
  if (filter.kind) query = query.where('s.kind', '=', filter.kind);
  if (filter.renewingWithinDays !== undefined) {
    const until = new Date(`${filter.today}T00:00:00Z`);
    until.setUTCDate(until.getUTCDate() + filter.renewingWithinDays);
    query = query
      .where('s.status', 'in', ['active', 'suspended'])
      .where('s.term_end', '>', filter.today)
      .where('s.term_end', '<=', until.toISOString().slice(0, 10));
  }
  const after = decodeCursorParts(filter.cursor, 2);
  if (after)
    query = query.where(sql<boolean>`(s.created_at, s.id) > (${after[0]}::timestamptz, ${after[1]}::uuid)`);
  const rows = await query.execute();
  const visible = await visibleSet(db, scope);
  const items = rows.slice(0, filter.limit).map((r) => toSubscriptionView(r, scope, visible));
  const last = rows[filter.limit - 1];
  return {
    items,
    nextCursor:
      rows.length > filter.limit && last ? encodeCursor(last.created_at.toISOString(), last.id) : null,
  };
}

export async function findSubscriptionRow(
  db: Kysely<Database>,
  scope: Scope,
  id: string,
): Promise<SubscriptionListRow | undefined> {
  return baseQuery(db, scope).where('s.id', '=', id).executeTakeFirst();
}

export async function findSubscription(
  db: Kysely<Database>,
  scope: Scope,
  id: string,
): Promise<SubscriptionView | undefined> {
  const row = await findSubscriptionRow(db, scope, id);
  return row ? toSubscriptionView(row, scope, await visibleSet(db, scope)) : undefined;
}

/** Without tenancy: for jobs and use cases that already checked the caller. */
export async function subscriptionById(
  db: Kysely<Database>,
  id: string,
): Promise<SubscriptionRow | undefined> {
  return db.selectFrom('subscriptions').selectAll().where('id', '=', id).executeTakeFirst();
}

export interface EventInput {
  subscriptionId: string;
  kind: SubscriptionEventKind;
  effectiveAt: Date;
  quantityBefore: number | null;
  quantityAfter: number;
  statusBefore: string | null;
  statusAfter: string;
  skuBefore?: string | null;
  skuAfter?: string | null;
  term?: string | null;
  billingCycle?: string | null;
  termStart?: string | null;
  termEnd?: string | null;
  chargePeriod?: { start: string; end: string } | null;
  autoRenew?: boolean | null;
  orderId?: string | null;
  orderLineId?: string | null;
  source: 'order' | 'reconciliation' | 'manual';
  details?: Record<string, unknown>;
  /** The price chain in force for this event (empty for usage-billed subscriptions). */
  prices: readonly StoredPriceTier[];
}

/** Records one change with the unit price of every tier; written in the caller's transaction. */
export async function recordSubscriptionEvent(db: Kysely<Database>, input: EventInput): Promise<string> {
  const { id } = await db
    .insertInto('subscription_events')
    .values({
      subscription_id: input.subscriptionId,
      kind: input.kind,
      effective_at: input.effectiveAt,
      quantity_before: input.quantityBefore,
      quantity_after: input.quantityAfter,
      status_before: input.statusBefore,
      status_after: input.statusAfter,
      sku_before: input.skuBefore ?? null,
      sku_after: input.skuAfter ?? null,
      term: input.term ?? null,
      billing_cycle: input.billingCycle ?? null,
      term_start: input.termStart ?? null,
      term_end: input.termEnd ?? null,
      charge_period_start: input.chargePeriod?.start ?? null,
      charge_period_end: input.chargePeriod?.end ?? null,
      auto_renew: input.autoRenew ?? null,
      order_id: input.orderId ?? null,
      order_line_id: input.orderLineId ?? null,
      source: input.source,
      details: JSON.stringify(input.details ?? {}),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (input.prices.length > 0) {
    await db
      .insertInto('subscription_event_prices')
      .values(
        input.prices.map((t, tier) => ({
          event_id: id,
          tier,
          seller_id: t.sellerId,
          buyer_id: t.buyerId,
          unit_cost: t.unitCost,
          cost_currency: t.costCurrency,
          unit_price: t.unitPrice,
          currency: t.currency,
        })),
      )
      .execute();
  }
  return String(id);
}

export interface SubscriptionEventView {
  id: string;
  kind: SubscriptionEventKind;
  effectiveAt: string;
  quantityBefore: number | null;
  quantityAfter: number;
  statusBefore: string | null;
  statusAfter: string;
  skuBefore: string | null;
  skuAfter: string | null;
  term: string | null;
  billingCycle: string | null;
  termStart: string | null;
  termEnd: string | null;
  chargePeriod: { start: string; end: string } | null;
  autoRenew: boolean | null;
  orderId: string | null;
  source: string;
  details: Record<string, unknown>;
  prices: PriceTierView[];
  recordedAt: string;
}

export async function listSubscriptionEvents(
  db: Kysely<Database>,
  scope: Scope,
  subscriptionId: string,
): Promise<SubscriptionEventView[]> {
  const rows = await db
    .selectFrom('subscription_events')
    .selectAll()
    .where('subscription_id', '=', subscriptionId)
    .orderBy('id')
    .execute();
  const prices =
    rows.length === 0
      ? []
      : await db
          .selectFrom('subscription_event_prices')
          .selectAll()
          .where(
            'event_id',
            'in',
            rows.map((r) => r.id),
          )
          .orderBy('event_id')
          .orderBy('tier')
          .execute();
  const visible = await visibleSet(db, scope);
  return rows.map((r) => ({
    id: String(r.id),
    kind: r.kind,
    effectiveAt: r.effective_at.toISOString(),
    quantityBefore: r.quantity_before,
    quantityAfter: r.quantity_after,
    statusBefore: r.status_before,
    statusAfter: r.status_after,
    skuBefore: r.sku_before,
    skuAfter: r.sku_after,
    term: r.term,
    billingCycle: r.billing_cycle,
    termStart: r.term_start,
    termEnd: r.term_end,
    chargePeriod:
      r.charge_period_start && r.charge_period_end
        ? { start: r.charge_period_start, end: r.charge_period_end }
        : null,
    autoRenew: r.auto_renew,
    orderId: r.order_id,
    source: r.source,
    details: r.details,
    prices: prices
      .filter((p) => String(p.event_id) === String(r.id) && visible.has(p.seller_id))
      .map((p) => ({
        sellerId: p.seller_id,
        buyerId: p.buyer_id,
        unitCost: p.unit_cost,
        costCurrency: p.cost_currency.trim(),
        unitPrice: p.unit_price,
        currency: p.currency.trim(),
      })),
    recordedAt: r.recorded_at.toISOString(),
  }));
}
