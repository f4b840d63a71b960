import { type Kysely, sql } from 'kysely';
import type { Scope } from '../../auth/scope.ts';
import type { Database } from '../../db/schema.ts';
import { decodeCursorParts, encodeCursor, type Page } from '../../http/pagination.ts';
import type { CatalogBillingCycle, CatalogChangeKind, CatalogTerm } from './catalog.tables.ts';
import { providerOfScope } from './lineage.ts';
import { ownProductsForCatalog } from './own-products.repository.ts';

/**
 * Reads of the catalog as a caller sees it: the Microsoft catalog of its provider and the own
 * products of its sellers and itself, in one list. Microsoft's cost (the partner price) is shown
 * to the provider only; everyone else sees list prices and asks /price-quotes for their own price.
 */

export interface PriceView {
  market: string | null;
  currency: string;
  listPrice: string | null;
  /** What the seller pays; null for callers who may not see it. */
  cost: string | null;
  effectiveFrom: string | null;
  effectiveTo: string | null;
}

export interface CatalogOfferView {
  id: string;
  catalogItemId: string | null;
  term: CatalogTerm;
  billingCycle: CatalogBillingCycle;
  segment: string | null;
  countries: string[];
  retiredAt: string | null;
  prices: PriceView[];
}

export interface CatalogItemView {
  id: string;
  source: 'microsoft' | 'own';
  vendor: string;
  productFamily: string;
  /** Microsoft's product id, or the own product's id. */
  productId: string;
  skuId: string | null;
  title: string;
  productTitle: string;
  description: string;
  /** The organisation selling an own product; null for Microsoft's catalog. */
  sellerId: string | null;
  unit: string;
  minQuantity: number;
  maxQuantity: number | null;
  isAddon: boolean;
  retiredAt: string | null;
  offers: CatalogOfferView[];
}

export interface CatalogFilter {
  limit: number;
  cursor?: string | undefined;
  q?: string | undefined;
  vendor?: string | undefined;
  productFamily?: string | undefined;
  segment?: string | undefined;
  term?: CatalogTerm | undefined;
  billingCycle?: CatalogBillingCycle | undefined;
  market?: string | undefined;
  source?: 'microsoft' | 'own' | undefined;
  includeRetired?: boolean | undefined;
  /** Prices in force on this day and later are shown. */
  date: string;
}

export const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function compareKeys(a: { sortTitle: string; id: string }, b: { sortTitle: string; id: string }): number {
  if (a.sortTitle !== b.sortTitle) return a.sortTitle < b.sortTitle ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

async function microsoftRows(
  db: Kysely<Database>,
  providerId: string,
  filter: CatalogFilter,
  after: string[] | null,
  ids?: string[],
) {
  let query = db
    .selectFrom('catalog_skus as s')
    .innerJoin('catalog_products as p', (j) =>
      j.onRef('p.provider_id', '=', 's.provider_id').onRef('p.product_id', '=', 's.product_id'),
    )
    .select([
      's.id',
      's.product_id',
      's.sku_id',
      's.title',
      's.description',
      's.min_quantity',
      's.max_quantity',
      's.is_addon',
      's.retired_at',
      'p.title as product_title',
      'p.vendor',
      'p.product_family',
    ])
    .where('s.provider_id', '=', providerId)
    .orderBy(sql`s.title COLLATE "C"`)
    .orderBy('s.id')
    .limit(filter.limit + 1);
  if (ids) query = query.where('s.id', 'in', ids);
  if (!filter.includeRetired && !ids) query = query.where('s.retired_at', 'is', null);
  if (filter.vendor) query = query.where('p.vendor', '=', filter.vendor);
  if (filter.productFamily) query = query.where('p.product_family', '=', filter.productFamily);
  if (filter.segment || filter.term || filter.billingCycle || filter.market) {
    query = query.where(({ exists, selectFrom }) => {
      let offers = selectFrom('catalog_offers as o')
        .select('o.id')
        .whereRef('o.provider_id', '=', 's.provider_id')
        .whereRef('o.product_id', '=', 's.product_id')
        .whereRef('o.sku_id', '=', 's.sku_id');
      if (!filter.includeRetired) offers = offers.where('o.retired_at', 'is', null);
      if (filter.segment) offers = offers.where('o.segment', '=', filter.segment.toLowerCase());
      if (filter.term) offers = offers.where('o.term', '=', filter.term);
      if (filter.billingCycle) offers = offers.where('o.billing_cycle', '=', filter.billingCycle);
      if (filter.market) offers = offers.where(sql<boolean>`${filter.market} = ANY(o.countries)`);
      return exists(offers);
    });
  }
  if (filter.q) {
    const pattern = likePattern(filter.q);
    query = query.where((eb) =>
      eb.or([
        eb('s.title', 'ilike', pattern),
        eb('p.title', 'ilike', pattern),
        eb('s.product_id', 'ilike', pattern),
        eb('p.product_family', 'ilike', pattern),
        eb('s.description', 'ilike', pattern),
      ]),
    );
  }
  if (after)
    query = query.where(
      sql<boolean>`(s.title COLLATE "C", s.id) > (${after[0]} COLLATE "C", ${after[1]}::uuid)`,
    );
  return query.execute();
}

async function microsoftOffers(
  db: Kysely<Database>,
  providerId: string,
  skus: { product_id: string; sku_id: string }[],
  filter: Pick<CatalogFilter, 'date' | 'market' | 'includeRetired'>,
  showCost: boolean,
): Promise<Map<string, CatalogOfferView[]>> {
  const out = new Map<string, CatalogOfferView[]>();
  if (skus.length === 0) return out;
  const productIds = [...new Set(skus.map((s) => s.product_id))];
  const offers = await db
    .selectFrom('catalog_offers')
    .selectAll()
    .where('provider_id', '=', providerId)
    .where('product_id', 'in', productIds)
    .orderBy('term')
    .orderBy('billing_cycle')
    .orderBy('catalog_item_id')
    .execute();
  const offerIds = offers.map((o) => o.id);
  let prices: {
    offer_id: string;
    market: string;
    currency: string;
    cost: string;
    list_price: string | null;
    effective_from: string;
    effective_to: string | null;
  }[] = [];
  if (offerIds.length > 0) {
    let q = db
      .selectFrom('catalog_prices')
      .select(['offer_id', 'market', 'currency', 'cost', 'list_price', 'effective_from', 'effective_to'])
      .where('offer_id', 'in', offerIds)
      .where('superseded_at', 'is', null)
      .where((eb) => eb.or([eb('effective_to', 'is', null), eb('effective_to', '>', filter.date)]))
      .orderBy('market')
      .orderBy('effective_from');
    if (filter.market) q = q.where('market', '=', filter.market);
    prices = await q.execute();
  }
  const byOffer = new Map<string, PriceView[]>();
  for (const p of prices) {
    const list = byOffer.get(p.offer_id) ?? [];
    list.push({
      market: p.market.trim(),
      currency: p.currency.trim(),
      listPrice: p.list_price,
      cost: showCost ? p.cost : null,
      effectiveFrom: p.effective_from,
      effectiveTo: p.effective_to,
    });
    byOffer.set(p.offer_id, list);
  }
  const wanted = new Set(skus.map((s) => `${s.product_id}:${s.sku_id}`));
  for (const o of offers) {
    const key = `${o.product_id}:${o.sku_id}`;
    if (!wanted.has(key)) continue;
    if (o.retired_at && !filter.includeRetired) continue;
    const list = out.get(key) ?? [];
    list.push({
      id: o.id,
      catalogItemId: o.catalog_item_id,
      term: o.term,
      billingCycle: o.billing_cycle,
      segment: o.segment,
      countries: o.countries,
      retiredAt: iso(o.retired_at),
      prices: byOffer.get(o.id) ?? [],
    });
    out.set(key, list);
  }
  return out;
}

type MicrosoftRow = Awaited<ReturnType<typeof microsoftRows>>[number];

function microsoftView(row: MicrosoftRow, offers: CatalogOfferView[]): CatalogItemView {
  return {
    id: row.id,
    source: 'microsoft',
    vendor: row.vendor,
    productFamily: row.product_family,
    productId: row.product_id,
    skuId: row.sku_id,
    title: row.title,
    productTitle: row.product_title,
    description: row.description,
    sellerId: null,
    unit: 'licence',
    minQuantity: row.min_quantity,
    maxQuantity: row.max_quantity,
    isAddon: row.is_addon,
    retiredAt: iso(row.retired_at),
    offers,
  };
}

/** Search and filter the catalog a caller may sell or buy from, keyset-paginated by title. */
export async function listCatalogItems(
  db: Kysely<Database>,
  scope: Scope,
  filter: CatalogFilter,
): Promise<Page<CatalogItemView>> {
  const provider = await providerOfScope(db, scope);
  const after = decodeCursorParts(filter.cursor, 2);
  const showCost = scope.organizationKind === 'provider';
  const [ms, own] = await Promise.all([
    filter.source === 'own' ? [] : microsoftRows(db, provider.id, filter, after),
    filter.source === 'microsoft'
      ? []
      : ownProductsForCatalog(db, scope, {
          ...filter,
          after: after ? { title: after[0]!, id: after[1]! } : null,
        }),
  ]);
  const merged = [
    ...ms.map((row) => ({ sortTitle: row.title, id: row.id, ms: row, own: null })),
    ...own.map((item) => ({ sortTitle: item.title, id: item.id, ms: null, own: item })),
  ].sort(compareKeys);
  const page = merged.slice(0, filter.limit);
  const offers = await microsoftOffers(
    db,
    provider.id,
    page.flatMap((e) => (e.ms ? [e.ms] : [])),
    filter,
    showCost,
  );
  const items = page.map((e) =>
    e.ms ? microsoftView(e.ms, offers.get(`${e.ms.product_id}:${e.ms.sku_id}`) ?? []) : e.own!,
  );
  const last = page.at(-1);
  return {
    items,
    nextCursor: merged.length > filter.limit && last ? encodeCursor(last.sortTitle, last.id) : null,
  };
}

/** One catalog entry by id (a Microsoft SKU or an own product), retired ones included. */
export async function findCatalogItem(
  db: Kysely<Database>,
  scope: Scope,
  id: string,
  date: string,
): Promise<CatalogItemView | undefined> {
  const provider = await providerOfScope(db, scope);
  const filter: CatalogFilter = { limit: 1, date, includeRetired: true };
  const [row] = await microsoftRows(db, provider.id, filter, null, [id]);
  if (row) {
    const offers = await microsoftOffers(
      db,
      provider.id,
      [row],
      filter,
      scope.organizationKind === 'provider',
    );
    return microsoftView(row, offers.get(`${row.product_id}:${row.sku_id}`) ?? []);
  }
  const [own] = await ownProductsForCatalog(db, scope, { ...filter, after: null, ids: [id] });
  return own;
}

export interface CatalogChangeView {
  id: string;
  syncId: string;
  kind: CatalogChangeKind;
  productId: string | null;
  skuId: string | null;
  catalogItemId: string | null;
  term: string | null;
  billingCycle: string | null;
  market: string | null;
  meterId: string | null;
  title: string;
  currency: string | null;
  oldCost: string | null;
  newCost: string | null;
  oldListPrice: string | null;
  newListPrice: string | null;
  effectiveDate: string | null;
  details: Record<string, unknown>;
  recordedAt: string;
}

export interface ChangeFilter {
  limit: number;
  cursor?: string | undefined;
  kind?: CatalogChangeKind | undefined;
  productId?: string | undefined;
  since?: string | undefined;
}

/** The provider's catalog change log, newest first; Microsoft's cost only for the provider. */
export async function listCatalogChanges(
  db: Kysely<Database>,
  scope: Scope,
  filter: ChangeFilter,
): Promise<Page<CatalogChangeView>> {
  const provider = await providerOfScope(db, scope);
  const showCost = scope.organizationKind === 'provider';
  let query = db
    .selectFrom('catalog_changes')
    .selectAll()
    .where('provider_id', '=', provider.id)
    .orderBy('id', 'desc')
    .limit(filter.limit + 1);
  if (filter.kind) query = query.where('kind', '=', filter.kind);
  if (filter.productId) query = query.where('product_id', '=', filter.productId);
  if (filter.since) query = query.where('recorded_at', '>=', new Date(filter.since));
  const after = decodeCursorParts(filter.cursor, 1);
  if (after) query = query.where('id', '<', after[0]!);
  const rows = await query.execute();
  const items = rows.slice(0, filter.limit).map((r) => ({
    id: String(r.id),
    syncId: r.sync_id,
    kind: r.kind,
    productId: r.product_id,
    skuId: r.sku_id,
    catalogItemId: r.catalog_item_id,
    term: r.term,
    billingCycle: r.billing_cycle,
    market: r.market?.trim() ?? null,
    meterId: r.meter_id,
    title: r.title,
    currency: r.currency?.trim() ?? null,
    oldCost: showCost ? r.old_cost : null,
    newCost: showCost ? r.new_cost : null,
    oldListPrice: r.old_list_price,
    newListPrice: r.new_list_price,
    effectiveDate: r.effective_date,
    details: r.details,
    recordedAt: r.recorded_at.toISOString(),
  }));
  const last = items.at(-1);
  return { items, nextCursor: rows.length > filter.limit && last ? encodeCursor(last.id) : null };
}

export interface MeterView {
  id: string;
  meterId: string;
  name: string;
  category: string;
  subcategory: string;
  region: string;
  unit: string;
  retiredAt: string | null;
  prices: PriceView[];
}

export interface MeterFilter {
  limit: number;
  cursor?: string | undefined;
  q?: string | undefined;
  category?: string | undefined;
  includeRetired?: boolean | undefined;
  date: string;
}

/** Azure meters of the caller's provider, with their pay-as-you-go rates. */
export async function listMeters(
  db: Kysely<Database>,
  scope: Scope,
  filter: MeterFilter,
): Promise<Page<MeterView>> {
  const provider = await providerOfScope(db, scope);
  let query = db
    .selectFrom('catalog_meters')
    .selectAll()
    .where('provider_id', '=', provider.id)
    .orderBy(sql`name COLLATE "C"`)
    .orderBy('id')
    .limit(filter.limit + 1);
  if (!filter.includeRetired) query = query.where('retired_at', 'is', null);
  if (filter.category) query = query.where('category', '=', filter.category);
  if (filter.q) {
    const pattern = likePattern(filter.q);
    query = query.where((eb) =>
      eb.or([
        eb('name', 'ilike', pattern),
        eb('category', 'ilike', pattern),
        eb('subcategory', 'ilike', pattern),
        eb('meter_id', 'ilike', pattern),
      ]),
    );
  }
  const after = decodeCursorParts(filter.cursor, 2);
  if (after)
    query = query.where(sql<boolean>`(name COLLATE "C", id) > (${after[0]} COLLATE "C", ${after[1]}::uuid)`);
  const rows = await query.execute();
  const page = rows.slice(0, filter.limit);
  const showCost = scope.organizationKind === 'provider';
  const prices =
    page.length === 0
      ? []
      : await db
          .selectFrom('catalog_meter_prices')
          .selectAll()
          .where(
            'meter_row_id',
            'in',
            page.map((m) => m.id),
          )
          .where('superseded_at', 'is', null)
          .where((eb) => eb.or([eb('effective_to', 'is', null), eb('effective_to', '>', filter.date)]))
          .orderBy('effective_from')
          .execute();
  const items = page.map((m) => ({
    id: m.id,
    meterId: m.meter_id,
    name: m.name,
    category: m.category,
    subcategory: m.subcategory,
    region: m.region,
    unit: m.unit,
    retiredAt: iso(m.retired_at),
    prices: prices
      .filter((p) => p.meter_row_id === m.id)
      .map((p) => ({
        market: null,
        currency: p.currency.trim(),
        listPrice: p.list_price,
        cost: showCost ? p.cost : null,
        effectiveFrom: p.effective_from,
        effectiveTo: p.effective_to,
      })),
  }));
  const last = items.at(-1);
  return {
    items,
    nextCursor: rows.length > filter.limit && last ? encodeCursor(last.name, last.id) : null,
  };
}
