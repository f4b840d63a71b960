import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { StoredPriceTier } from '../orders/orders.tables.ts';
import type { PartnerCenterState, SubscriptionRow } from './subscription-model.ts';

/** Writes of the subscription table, shared by provisioning and reconciliation. */

export interface NewSubscription {
  providerId: string;
  sellerId: string;
  customerId: string;
  pcCustomerId: string | null;
  state: PartnerCenterState;
  parentSubscriptionId: string | null;
  isAddOn: boolean;
  unitPrice: string | null;
  currency: string | null;
  priceTiers: readonly StoredPriceTier[];
  orderId: string | null;
  attributes: Record<string, string>;
  now: Date;
}

/**
 * Inserts the subscription Microsoft created, or returns the existing row for the same Partner
 * Center subscription (a retried step finds what the first attempt stored).
 */
export async function insertPartnerCenterSubscription(
  trx: Kysely<Database>,
  input: NewSubscription,
): Promise<{ row: SubscriptionRow; created: boolean }> {
  const s = input.state;
  const inserted = await trx
    .insertInto('subscriptions')
    .values({
      provider_id: input.providerId,
      seller_id: input.sellerId,
      customer_id: input.customerId,
      kind: s.kind,
      pc_customer_id: input.pcCustomerId,
      pc_subscription_id: s.pcSubscriptionId,
      product_id: s.productId,
      sku_id: s.skuId,
      catalog_item_id: s.catalogItemId,
      title: s.title,
      status: s.status,
      quantity: s.quantity,
      term: s.term,
      billing_cycle: s.billingCycle,
      term_start: s.termStart,
      term_end: s.termEnd,
      auto_renew: s.autoRenew,
      cancellation_allowed_until: s.cancellationAllowedUntil,
      seat_lots: JSON.stringify(s.seatLots),
      scheduled_change: s.scheduledChange ? JSON.stringify(s.scheduledChange) : null,
      is_addon: input.isAddOn,
      parent_subscription_id: input.parentSubscriptionId,
      is_trial: s.isTrial,
      unit_price: input.unitPrice,
      currency: input.currency,
      price_tiers: JSON.stringify(input.priceTiers),
      order_id: input.orderId,
      attributes: JSON.stringify(input.attributes),
      last_reconciled_at: input.now,
    })
    .onConflict((oc) => oc.columns(['provider_id', 'pc_subscription_id']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { row: inserted, created: true };
  const existing = await trx
    .selectFrom('subscriptions')
    .selectAll()
    .where('provider_id', '=', input.providerId)
    .where('pc_subscription_id', '=', s.pcSubscriptionId)
    .executeTakeFirstOrThrow();
  return { row: existing, created: false };
}

/** The row as it would be with Microsoft's state applied (for decisions before writing). */
export function withPartnerCenterState(row: SubscriptionRow, s: PartnerCenterState): SubscriptionRow {
  return {
    ...row,
    product_id: s.productId,
    sku_id: s.skuId,
    catalog_item_id: s.catalogItemId,
    status: s.status,
    quantity: s.quantity,
    term: s.term,
    billing_cycle: s.billingCycle,
    term_start: s.termStart,
    term_end: s.termEnd,
    auto_renew: s.autoRenew,
    cancellation_allowed_until: s.cancellationAllowedUntil,
    seat_lots: s.seatLots,
    scheduled_change: s.scheduledChange,
    is_trial: s.isTrial,
  };
}

/** Mirrors Microsoft's state into the row; `changes` sets further columns (price, title). */
export async function savePartnerCenterState(
  trx: Kysely<Database>,
  row: SubscriptionRow,
  s: PartnerCenterState,
  now: Date,
  changes: {
    title?: string;
    unitPrice?: string | null;
    currency?: string | null;
    priceTiers?: readonly StoredPriceTier[];
  } = {},
): Promise<SubscriptionRow> {
  return trx
    .updateTable('subscriptions')
    .set({
      product_id: s.productId,
      sku_id: s.skuId,
      catalog_item_id: s.catalogItemId,
      title:
        changes.title ?? (s.productId === row.product_id && s.skuId === row.sku_id ? row.title : s.title),
      status: s.status,
      quantity: s.quantity,
      term: s.term,
      billing_cycle: s.billingCycle,
      term_start: s.termStart,
      term_end: s.termEnd,
      auto_renew: s.autoRenew,
      cancellation_allowed_until: s.cancellationAllowedUntil,
      seat_lots: JSON.stringify(s.seatLots),
      scheduled_change: s.scheduledChange ? JSON.stringify(s.scheduledChange) : null,
      is_trial: s.isTrial,
      ...(changes.unitPrice !== undefined ? { unit_price: changes.unitPrice } : {}),
      ...(changes.currency !== undefined ? { currency: changes.currency } : {}),
      ...(changes.priceTiers !== undefined ? { price_tiers: JSON.stringify(changes.priceTiers) } : {}),
      last_reconciled_at: now,
      version: sql`version + 1`,
      updated_at: sql`now()`,
    })
    .where('id', '=', row.id)
    .returningAll()
    .executeTakeFirstOrThrow();
}
