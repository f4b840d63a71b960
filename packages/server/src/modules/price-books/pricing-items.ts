import { type CatalogItem, Money } from '@cspc/core';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { CatalogBillingCycle, CatalogTerm } from '../catalog/catalog.tables.ts';
import { MICROSOFT } from '../catalog/catalog-model.ts';

/**
 * Catalog entries as the pricing core sees them (`CatalogItem`: cost and list in one currency), as
 * the provider buys them from Microsoft, or as a seller prices its own product.
 */

export interface PricedOffer {
  readonly item: CatalogItem;
  readonly offer: { term: CatalogTerm; billingCycle: CatalogBillingCycle } | null;
  readonly describe: ItemDescription;
}

export interface ItemDescription {
  kind: 'license' | 'azure_usage' | 'own_product';
  productId: string | null;
  skuId: string | null;
  meterId: string | null;
  ownProductId: string | null;
  title: string;
  term: CatalogTerm | null;
  billingCycle: CatalogBillingCycle | null;
  market: string | null;
  catalogItemId: string | null;
}

const inForce = (date: string) =>
  sql<boolean>`p.effective_from <= ${date}::date AND (p.effective_to IS NULL OR p.effective_to > ${date}::date)`;

/** Every live Microsoft offer with a price in force on `date` in one of `markets`. */
export async function microsoftPricedOffers(
  db: Kysely<Database>,
  providerId: string,
  markets: readonly string[],
  date: string,
): Promise<PricedOffer[]> {
  if (markets.length === 0) return [];
  const rows = await db
    .selectFrom('catalog_prices as p')
    .innerJoin('catalog_offers as o', 'o.id', 'p.offer_id')
    .innerJoin('catalog_skus as s', (j) =>
      j
        .onRef('s.provider_id', '=', 'o.provider_id')
        .onRef('s.product_id', '=', 'o.product_id')
        .onRef('s.sku_id', '=', 'o.sku_id'),
    )
    .innerJoin('catalog_products as pr', (j) =>
      j.onRef('pr.provider_id', '=', 'o.provider_id').onRef('pr.product_id', '=', 'o.product_id'),
    )
    .select([
      'o.product_id',
      'o.sku_id',
      'o.term',
      'o.billing_cycle',
      'o.catalog_item_id',
      'p.market',
      'p.currency',
      'p.cost',
      'p.list_price',
      's.title',
      'pr.vendor',
      'pr.product_family',
    ])
    .where('o.provider_id', '=', providerId)
    .where('o.retired_at', 'is', null)
    .where('p.superseded_at', 'is', null)
    .where('p.market', 'in', [...markets])
    .where(inForce(date))
    .orderBy('o.product_id')
    .orderBy('o.sku_id')
    .orderBy('o.term')
    .orderBy('o.billing_cycle')
    .orderBy('p.market')
    .execute();
  return rows.map((r) => {
    const currency = r.currency.trim();
    return {
      item: {
        kind: 'license',
        vendor: r.vendor,
        productFamily: r.product_family,
        productId: r.product_id,
        skuId: r.sku_id,
        cost: Money.of(r.cost, currency),
        list: r.list_price === null ? null : Money.of(r.list_price, currency),
      },
      offer: { term: r.term, billingCycle: r.billing_cycle },
      describe: {
        kind: 'license',
        productId: r.product_id,
        skuId: r.sku_id,
        meterId: null,
        ownProductId: null,
        title: r.title,
        term: r.term,
        billingCycle: r.billing_cycle,
        market: r.market.trim(),
        catalogItemId: r.catalog_item_id,
      },
    };
  });
}

const meterItem = (r: {
  meter_id: string;
  category: string;
  currency: string;
  cost: string;
  list_price: string | null;
}): CatalogItem => {
  const currency = r.currency.trim();
  return {
    kind: 'azure_usage',
    vendor: MICROSOFT,
    productFamily: 'Azure',
    meterCategory: r.category,
    meterId: r.meter_id,
    cost: Money.of(r.cost, currency),
    list: r.list_price === null ? null : Money.of(r.list_price, currency),
  };
};

function meterQuery(db: Kysely<Database>, providerId: string, date: string) {
  return db
    .selectFrom('catalog_meter_prices as p')
    .innerJoin('catalog_meters as m', 'm.id', 'p.meter_row_id')
    .select(['m.meter_id', 'm.name', 'm.category', 'p.currency', 'p.cost', 'p.list_price'])
    .where('m.provider_id', '=', providerId)
    .where('p.superseded_at', 'is', null)
    .where(inForce(date));
}

export async function meterPricedOffers(
  db: Kysely<Database>,
  providerId: string,
  date: string,
): Promise<PricedOffer[]> {
  const rows = await meterQuery(db, providerId, date)
    .where('m.retired_at', 'is', null)
    .orderBy('m.meter_id')
    .execute();
  return rows.map((r) => ({
    item: meterItem(r),
    offer: null,
    describe: {
      kind: 'azure_usage',
      productId: null,
      skuId: null,
      meterId: r.meter_id,
      ownProductId: null,
      title: r.name,
      term: null,
      billingCycle: null,
      market: null,
      catalogItemId: null,
    },
  }));
}

/** One meter's rate on a date (retired meters included: usage may still arrive for them). */
export async function meterPricedOffer(
  db: Kysely<Database>,
  providerId: string,
  meterId: string,
  date: string,
): Promise<PricedOffer | null> {
  const r = await meterQuery(db, providerId, date).where('m.meter_id', '=', meterId).executeTakeFirst();
  if (!r) return null;
  return {
    item: meterItem(r),
    offer: null,
    describe: {
      kind: 'azure_usage',
      productId: null,
      skuId: null,
      meterId: r.meter_id,
      ownProductId: null,
      title: r.name,
      term: null,
      billingCycle: null,
      market: null,
      catalogItemId: null,
    },
  };
}

/** Offers of own products sold by the given sellers (their own cost and list), live ones only. */
export async function ownPricedOffers(
  db: Kysely<Database>,
  sellerIds: readonly string[],
  options: { ownProductId?: string; includeRetired?: boolean } = {},
): Promise<(PricedOffer & { sellerId: string })[]> {
  if (sellerIds.length === 0) return [];
  let query = db
    .selectFrom('own_product_offers as po')
    .innerJoin('own_products as p', 'p.id', 'po.own_product_id')
    .select([
      'p.id',
      'p.seller_id',
      'p.vendor',
      'p.name',
      'p.product_family',
      'p.currency',
      'po.term',
      'po.billing_cycle',
      'po.unit_price',
      'po.cost',
    ])
    .where('p.seller_id', 'in', [...sellerIds])
    .orderBy('p.id')
    .orderBy('po.term')
    .orderBy('po.billing_cycle');
  if (!options.includeRetired) query = query.where('p.retired_at', 'is', null);
  if (options.ownProductId) query = query.where('p.id', '=', options.ownProductId);
  const rows = await query.execute();
  return rows.map((r) => {
    const currency = r.currency.trim();
    return {
      sellerId: r.seller_id,
      item: {
        kind: 'own_product',
        vendor: r.vendor,
        ...(r.product_family ? { productFamily: r.product_family } : {}),
        ownProductId: r.id,
        cost: Money.of(r.cost, currency),
        list: Money.of(r.unit_price, currency),
      },
      offer: { term: r.term, billingCycle: r.billing_cycle },
      describe: {
        kind: 'own_product',
        productId: null,
        skuId: null,
        meterId: null,
        ownProductId: r.id,
        title: r.name,
        term: r.term,
        billingCycle: r.billing_cycle,
        market: null,
        catalogItemId: null,
      },
    };
  });
}

/** Markets with any price on the date, in order of preference: `preferred` first. */
export async function marketsWithPrices(
  db: Kysely<Database>,
  providerId: string,
  preferred: readonly string[],
): Promise<string[]> {
  const rows = await db
    .selectFrom('catalog_prices as p')
    .innerJoin('catalog_offers as o', 'o.id', 'p.offer_id')
    .select('p.market')
    .distinct()
    .where('o.provider_id', '=', providerId)
    .execute();
  const all = rows.map((r) => r.market.trim());
  return [...preferred.filter((m) => all.includes(m)), ...all.filter((m) => !preferred.includes(m)).sort()];
}
