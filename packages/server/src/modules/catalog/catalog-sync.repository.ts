import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { SnapshotMeter, SnapshotOffer, SnapshotProduct, SnapshotSku } from './catalog-snapshot.ts';
import type { Stored, StoredCatalog, StoredPrice, SyncPlan } from './plan-catalog-sync.ts';

const CHUNK = 500;

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Serialises syncs of one provider (a scheduled run and a manual one) until the transaction ends. */
export async function lockProviderCatalog(db: Kysely<Database>, providerId: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtext(${`catalog-sync:${providerId}`}))`.execute(db);
}

/** Everything a sync compares against, for one provider. */
export async function loadStoredCatalog(db: Kysely<Database>, providerId: string): Promise<StoredCatalog> {
  const [products, skus, offers, meters, offerPrices, meterPrices] = await Promise.all([
    db.selectFrom('catalog_products').selectAll().where('provider_id', '=', providerId).execute(),
    db.selectFrom('catalog_skus').selectAll().where('provider_id', '=', providerId).execute(),
    db.selectFrom('catalog_offers').selectAll().where('provider_id', '=', providerId).execute(),
    db.selectFrom('catalog_meters').selectAll().where('provider_id', '=', providerId).execute(),
    db
      .selectFrom('catalog_prices as p')
      .innerJoin('catalog_offers as o', 'o.id', 'p.offer_id')
      .select([
        'p.id',
        'p.offer_id',
        'p.market',
        'p.currency',
        'p.cost',
        'p.list_price',
        'p.effective_from',
        'p.effective_to',
      ])
      .where('o.provider_id', '=', providerId)
      .where('p.superseded_at', 'is', null)
      .orderBy('p.effective_from')
      .execute(),
    db
      .selectFrom('catalog_meter_prices as p')
      .innerJoin('catalog_meters as m', 'm.id', 'p.meter_row_id')
      .select([
        'p.id',
        'p.meter_row_id',
        'p.currency',
        'p.cost',
        'p.list_price',
        'p.effective_from',
        'p.effective_to',
      ])
      .where('m.provider_id', '=', providerId)
      .where('p.superseded_at', 'is', null)
      .orderBy('p.effective_from')
      .execute(),
  ]);
  const stored = <T>(id: string, value: T, hash: string, retiredAt: Date | null): Stored<T> => ({
    id,
    value,
    contentHash: hash,
    retired: retiredAt !== null,
  });
  const group = (rows: (StoredPrice & { key: string })[]) => {
    const map = new Map<string, StoredPrice[]>();
    for (const { key, ...row } of rows) {
      const list = map.get(key) ?? [];
      list.push(row);
      map.set(key, list);
    }
    return map;
  };
  return {
    products: products.map((p) =>
      stored<SnapshotProduct>(
        p.id,
        {
          productId: p.product_id,
          title: p.title,
          description: p.description,
          productType: p.product_type,
          productFamily: p.product_family,
          vendor: p.vendor,
          publisher: p.publisher,
        },
        p.content_hash,
        p.retired_at,
      ),
    ),
    skus: skus.map((s) =>
      stored<SnapshotSku>(
        s.id,
        {
          productId: s.product_id,
          skuId: s.sku_id,
          title: s.title,
          description: s.description,
          minQuantity: s.min_quantity,
          maxQuantity: s.max_quantity,
          isTrial: s.is_trial,
          isAddon: s.is_addon,
          billingCycles: s.billing_cycles,
        },
        s.content_hash,
        s.retired_at,
      ),
    ),
    offers: offers.map((o) =>
      stored<SnapshotOffer>(
        o.id,
        {
          productId: o.product_id,
          skuId: o.sku_id,
          availabilityId: o.availability_id,
          catalogItemId: o.catalog_item_id,
          term: o.term,
          billingCycle: o.billing_cycle,
          termId: o.term_id,
          segment: o.segment,
          countries: o.countries,
          isPurchasable: o.is_purchasable,
          isRenewable: o.is_renewable,
          cancellationWindow: o.cancellation_window,
        },
        o.content_hash,
        o.retired_at,
      ),
    ),
    meters: meters.map((m) =>
      stored<SnapshotMeter>(
        m.id,
        {
          meterId: m.meter_id,
          name: m.name,
          category: m.category,
          subcategory: m.subcategory,
          region: m.region,
          unit: m.unit,
        },
        m.content_hash,
        m.retired_at,
      ),
    ),
    offerPrices: group(
      offerPrices.map((p) => ({
        key: `${p.offer_id}|${p.market}`,
        id: String(p.id),
        from: p.effective_from,
        to: p.effective_to,
        currency: p.currency,
        cost: p.cost,
        list: p.list_price,
      })),
    ),
    meterPrices: group(
      meterPrices.map((p) => ({
        key: `${p.meter_row_id}|${p.currency}`,
        id: String(p.id),
        from: p.effective_from,
        to: p.effective_to,
        currency: p.currency,
        cost: p.cost,
        list: p.list_price,
      })),
    ),
  };
}

const productColumns = (p: SnapshotProduct) => ({
  title: p.title,
  description: p.description,
  product_type: p.productType,
  product_family: p.productFamily,
  vendor: p.vendor,
  publisher: p.publisher,
});

const skuColumns = (s: SnapshotSku) => ({
  title: s.title,
  description: s.description,
  min_quantity: s.minQuantity,
  max_quantity: s.maxQuantity,
  is_trial: s.isTrial,
  is_addon: s.isAddon,
  billing_cycles: [...s.billingCycles],
});

const offerColumns = (o: SnapshotOffer) => ({
  availability_id: o.availabilityId,
  term_id: o.termId,
  segment: o.segment,
  countries: [...o.countries],
  is_purchasable: o.isPurchasable,
  is_renewable: o.isRenewable,
  cancellation_window: o.cancellationWindow,
});

const meterColumns = (m: SnapshotMeter) => ({
  name: m.name,
  category: m.category,
  subcategory: m.subcategory,
  region: m.region,
  unit: m.unit,
});

/**
 * Applies a sync plan: parents before children, in batches; changed rows are updated one by one
 * (there are few), unchanged rows are not touched at all.
 */
export async function writeSyncPlan(
  db: Kysely<Database>,
  input: { providerId: string; syncId: string; plan: SyncPlan; now: Date },
): Promise<void> {
  const { providerId, syncId, plan, now } = input;
  const provider_id = providerId;

  for (const batch of chunks(plan.products.insert)) {
    await db
      .insertInto('catalog_products')
      .values(
        batch.map(({ id, value, hash }) => ({
          id,
          provider_id,
          product_id: value.productId,
          ...productColumns(value),
          content_hash: hash,
          first_seen_at: now,
          changed_at: now,
        })),
      )
      .execute();
  }
  for (const { id, value, hash } of plan.products.update) {
    await db
      .updateTable('catalog_products')
      .set({ ...productColumns(value), content_hash: hash, changed_at: now, retired_at: null })
      .where('id', '=', id)
      .execute();
  }

  for (const batch of chunks(plan.skus.insert)) {
    await db
      .insertInto('catalog_skus')
      .values(
        batch.map(({ id, value, hash }) => ({
          id,
          provider_id,
          product_id: value.productId,
          sku_id: value.skuId,
          ...skuColumns(value),
          content_hash: hash,
          first_seen_at: now,
          changed_at: now,
        })),
      )
      .execute();
  }
  for (const { id, value, hash } of plan.skus.update) {
    await db
      .updateTable('catalog_skus')
      .set({ ...skuColumns(value), content_hash: hash, changed_at: now, retired_at: null })
      .where('id', '=', id)
      .execute();
  }

  for (const batch of chunks(plan.offers.insert)) {
    await db
      .insertInto('catalog_offers')
      .values(
        batch.map(({ id, value, hash }) => ({
          id,
          provider_id,
          product_id: value.productId,
          sku_id: value.skuId,
          catalog_item_id: value.catalogItemId,
          term: value.term,
          billing_cycle: value.billingCycle,
          ...offerColumns(value),
          content_hash: hash,
          first_seen_at: now,
          changed_at: now,
        })),
      )
      .execute();
  }
  for (const { id, value, hash } of plan.offers.update) {
    await db
      .updateTable('catalog_offers')
      .set({ ...offerColumns(value), content_hash: hash, changed_at: now, retired_at: null })
      .where('id', '=', id)
      .execute();
  }

  for (const batch of chunks(plan.meters.insert)) {
    await db
      .insertInto('catalog_meters')
      .values(
        batch.map(({ id, value, hash }) => ({
          id,
          provider_id,
          meter_id: value.meterId,
          ...meterColumns(value),
          content_hash: hash,
          first_seen_at: now,
          changed_at: now,
        })),
      )
      .execute();
  }
  for (const { id, value, hash } of plan.meters.update) {
    await db
      .updateTable('catalog_meters')
      .set({ ...meterColumns(value), content_hash: hash, changed_at: now, retired_at: null })
      .where('id', '=', id)
      .execute();
  }

  // Retirements: children first is not needed (nothing is deleted), but keep the order readable.
  const retire = async (
    table: 'catalog_products' | 'catalog_skus' | 'catalog_offers' | 'catalog_meters',
    ids: string[],
  ) => {
    for (const batch of chunks(ids)) {
      await db
        .updateTable(table)
        .set({ retired_at: now, changed_at: now })
        .where('id', 'in', batch)
        .execute();
    }
  };
  await retire('catalog_offers', plan.offers.retire);
  await retire('catalog_skus', plan.skus.retire);
  await retire('catalog_products', plan.products.retire);
  await retire('catalog_meters', plan.meters.retire);

  const { prices } = plan;
  for (const batch of chunks(prices.supersedeOffer)) {
    await db.updateTable('catalog_prices').set({ superseded_at: now }).where('id', 'in', batch).execute();
  }
  for (const batch of chunks(prices.supersedeMeter)) {
    await db
      .updateTable('catalog_meter_prices')
      .set({ superseded_at: now })
      .where('id', 'in', batch)
      .execute();
  }
  for (const { id, to } of prices.closeOffer) {
    await db.updateTable('catalog_prices').set({ effective_to: to }).where('id', '=', id).execute();
  }
  for (const { id, to } of prices.closeMeter) {
    await db.updateTable('catalog_meter_prices').set({ effective_to: to }).where('id', '=', id).execute();
  }
  for (const batch of chunks(prices.insertOffer)) {
    await db
      .insertInto('catalog_prices')
      .values(
        batch.map((w) => ({
          offer_id: w.offerId,
          market: w.market,
          currency: w.currency,
          cost: w.cost,
          list_price: w.list,
          effective_from: w.from,
          effective_to: w.to,
          recorded_at: now,
        })),
      )
      .execute();
  }
  for (const batch of chunks(prices.insertMeter)) {
    await db
      .insertInto('catalog_meter_prices')
      .values(
        batch.map((w) => ({
          meter_row_id: w.meterRowId,
          currency: w.currency,
          cost: w.cost,
          list_price: w.list,
          effective_from: w.from,
          effective_to: w.to,
          recorded_at: now,
        })),
      )
      .execute();
  }

  for (const batch of chunks(plan.changes)) {
    await db
      .insertInto('catalog_changes')
      .values(
        batch.map((c) => ({
          provider_id,
          sync_id: syncId,
          kind: c.kind,
          product_id: c.productId ?? null,
          sku_id: c.skuId ?? null,
          catalog_item_id: c.catalogItemId ?? null,
          term: c.term ?? null,
          billing_cycle: c.billingCycle ?? null,
          market: c.market ?? null,
          meter_id: c.meterId ?? null,
          title: c.title,
          currency: c.currency ?? null,
          old_cost: c.oldCost ?? null,
          new_cost: c.newCost ?? null,
          old_list_price: c.oldList ?? null,
          new_list_price: c.newList ?? null,
          effective_date: c.effectiveDate ?? null,
          details: JSON.stringify(c.details ?? {}),
          recorded_at: now,
        })),
      )
      .execute();
  }
}
