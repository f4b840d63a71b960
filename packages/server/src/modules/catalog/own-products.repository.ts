import { type Kysely, sql } from 'kysely';
import type { Scope } from '../../auth/scope.ts';
import type { Database } from '../../db/schema.ts';
import { visibleOrganizationIds } from '../../db/tenancy.ts';
import { decodeCursorParts, encodeCursor, type Page } from '../../http/pagination.ts';
import type { CatalogItemView, CatalogOfferView } from './catalog.repository.ts';
import type { CatalogBillingCycle, CatalogTerm, OwnBillingModel } from './catalog.tables.ts';

/**
 * The partner's own products. Tenancy follows the seller: a caller manages the own products of
 * its subtree, and sees (without their cost) those of the sellers above it, which it can resell.
 */

/** The organisation itself and every ancestor: the sellers whose products it can buy. */
export function ancestorsOrSelf(db: Kysely<Database>, organizationId: string) {
  return db
    .selectFrom('organization_tree')
    .select('organization_tree.ancestor_id')
    .where('organization_tree.descendant_id', '=', organizationId);
}

export interface OwnOfferView {
  id: string;
  term: CatalogTerm;
  billingCycle: CatalogBillingCycle;
  unitPrice: string;
  /** Null for callers outside the seller's subtree. */
  cost: string | null;
}

export interface OwnProductView {
  id: string;
  sellerId: string;
  sellerName: string;
  vendor: string;
  name: string;
  description: string;
  productFamily: string;
  billingModel: OwnBillingModel;
  unit: string;
  currency: string;
  offers: OwnOfferView[];
  /** True when the caller manages it (the seller is the caller or below it). */
  editable: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
  retiredAt: string | null;
}

function baseQuery(db: Kysely<Database>) {
  return db
    .selectFrom('own_products as p')
    .innerJoin('organizations as o', 'o.id', 'p.seller_id')
    .selectAll('p')
    .select('o.name as seller_name');
}

type Row = Awaited<ReturnType<ReturnType<typeof baseQuery>['execute']>>[number];

async function offersOf(db: Kysely<Database>, ids: string[]) {
  if (ids.length === 0)
    return new Map<
      string,
      {
        id: string;
        term: CatalogTerm;
        billing_cycle: CatalogBillingCycle;
        unit_price: string;
        cost: string;
      }[]
    >();
  const rows = await db
    .selectFrom('own_product_offers')
    .selectAll()
    .where('own_product_id', 'in', ids)
    .orderBy('term')
    .orderBy('billing_cycle')
    .execute();
  const map = new Map<string, typeof rows>();
  for (const r of rows) {
    const list = map.get(r.own_product_id) ?? [];
    list.push(r);
    map.set(r.own_product_id, list);
  }
  return map;
}

async function subtreeIds(db: Kysely<Database>, scope: Scope): Promise<Set<string>> {
  const rows = await visibleOrganizationIds(db, scope).execute();
  return new Set(rows.map((r) => r.descendant_id));
}

function toView(row: Row, offers: Awaited<ReturnType<typeof offersOf>>, editable: boolean): OwnProductView {
  return {
    id: row.id,
    sellerId: row.seller_id,
    sellerName: row.seller_name,
    vendor: row.vendor,
    name: row.name,
    description: row.description,
    productFamily: row.product_family,
    billingModel: row.billing_model,
    unit: row.unit,
    currency: row.currency.trim(),
    offers: (offers.get(row.id) ?? []).map((o) => ({
      id: o.id,
      term: o.term,
      billingCycle: o.billing_cycle,
      unitPrice: o.unit_price,
      cost: editable ? o.cost : null,
    })),
    editable,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    retiredAt: row.retired_at ? row.retired_at.toISOString() : null,
  };
}

export interface OwnProductFilter {
  limit: number;
  cursor?: string | undefined;
  sellerId?: string | undefined;
  q?: string | undefined;
  includeRetired?: boolean | undefined;
}

const like = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export async function listOwnProducts(
  db: Kysely<Database>,
  scope: Scope,
  filter: OwnProductFilter,
): Promise<Page<OwnProductView>> {
  let query = baseQuery(db)
    .where((eb) =>
      eb.or([
        eb('p.seller_id', 'in', visibleOrganizationIds(db, scope)),
        eb('p.seller_id', 'in', ancestorsOrSelf(db, scope.organizationId)),
      ]),
    )
    .orderBy(sql`p.name COLLATE "C"`)
    .orderBy('p.id')
    .limit(filter.limit + 1);
  if (!filter.includeRetired) query = query.where('p.retired_at', 'is', null);
  if (filter.sellerId) query = query.where('p.seller_id', '=', filter.sellerId);
  if (filter.q) {
    const pattern = like(filter.q);
    query = query.where((eb) =>
      eb.or([
        eb('p.name', 'ilike', pattern),
        eb('p.vendor', 'ilike', pattern),
        eb('p.description', 'ilike', pattern),
      ]),
    );
  }
  const after = decodeCursorParts(filter.cursor, 2);
  if (after)
    query = query.where(
      sql<boolean>`(p.name COLLATE "C", p.id) > (${after[0]} COLLATE "C", ${after[1]}::uuid)`,
    );
  const rows = await query.execute();
  const page = rows.slice(0, filter.limit);
  const [offers, mine] = await Promise.all([
    offersOf(
      db,
      page.map((r) => r.id),
    ),
    subtreeIds(db, scope),
  ]);
  const items = page.map((r) => toView(r, offers, mine.has(r.seller_id)));
  const last = items.at(-1);
  return { items, nextCursor: rows.length > filter.limit && last ? encodeCursor(last.name, last.id) : null };
}

/** An own product the caller manages or may resell; undefined otherwise (404). */
export async function findOwnProduct(
  db: Kysely<Database>,
  scope: Scope,
  id: string,
): Promise<OwnProductView | undefined> {
  const row = await baseQuery(db)
    .where('p.id', '=', id)
    .where((eb) =>
      eb.or([
        eb('p.seller_id', 'in', visibleOrganizationIds(db, scope)),
        eb('p.seller_id', 'in', ancestorsOrSelf(db, scope.organizationId)),
      ]),
    )
    .executeTakeFirst();
  if (!row) return undefined;
  const [offers, mine] = await Promise.all([offersOf(db, [row.id]), subtreeIds(db, scope)]);
  return toView(row, offers, mine.has(row.seller_id));
}

/** An own product with its offers, without any tenancy check (pricing engines). */
export async function loadOwnProduct(db: Kysely<Database>, id: string) {
  const row = await baseQuery(db).where('p.id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  const offers = await offersOf(db, [id]);
  return { ...toView(row, offers, true) };
}

/** Own products of the caller's sellers and itself, as catalog entries (see listCatalogItems). */
export async function ownProductsForCatalog(
  db: Kysely<Database>,
  scope: Scope,
  filter: {
    limit: number;
    q?: string | undefined;
    vendor?: string | undefined;
    productFamily?: string | undefined;
    term?: CatalogTerm | undefined;
    billingCycle?: CatalogBillingCycle | undefined;
    includeRetired?: boolean | undefined;
    after: { title: string; id: string } | null;
    ids?: string[];
  },
): Promise<CatalogItemView[]> {
  let query = baseQuery(db)
    .where('p.seller_id', 'in', ancestorsOrSelf(db, scope.organizationId))
    .orderBy(sql`p.name COLLATE "C"`)
    .orderBy('p.id')
    .limit(filter.limit + 1);
  if (filter.ids) query = query.where('p.id', 'in', filter.ids);
  if (!filter.includeRetired && !filter.ids) query = query.where('p.retired_at', 'is', null);
  if (filter.vendor) query = query.where('p.vendor', '=', filter.vendor);
  if (filter.productFamily) query = query.where('p.product_family', '=', filter.productFamily);
  if (filter.term || filter.billingCycle) {
    query = query.where(({ exists, selectFrom }) => {
      let offers = selectFrom('own_product_offers as po')
        .select('po.id')
        .whereRef('po.own_product_id', '=', 'p.id');
      if (filter.term) offers = offers.where('po.term', '=', filter.term);
      if (filter.billingCycle) offers = offers.where('po.billing_cycle', '=', filter.billingCycle);
      return exists(offers);
    });
  }
  if (filter.q) {
    const pattern = like(filter.q);
    query = query.where((eb) =>
      eb.or([
        eb('p.name', 'ilike', pattern),
        eb('p.vendor', 'ilike', pattern),
        eb('p.product_family', 'ilike', pattern),
        eb('p.description', 'ilike', pattern),
      ]),
    );
  }
  if (filter.after) {
    query = query.where(
      sql<boolean>`(p.name COLLATE "C", p.id) > (${filter.after.title} COLLATE "C", ${filter.after.id}::uuid)`,
    );
  }
  const rows = await query.execute();
  const offers = await offersOf(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => {
    const own = r.seller_id === scope.organizationId;
    const offerViews: CatalogOfferView[] = (offers.get(r.id) ?? []).map((o) => ({
      id: o.id,
      catalogItemId: null,
      term: o.term,
      billingCycle: o.billing_cycle,
      segment: null,
      countries: [],
      retiredAt: null,
      prices: [
        {
          market: null,
          currency: r.currency.trim(),
          listPrice: o.unit_price,
          cost: own ? o.cost : null,
          effectiveFrom: null,
          effectiveTo: null,
        },
      ],
    }));
    return {
      id: r.id,
      source: 'own' as const,
      vendor: r.vendor,
      productFamily: r.product_family,
      productId: r.id,
      skuId: null,
      title: r.name,
      productTitle: r.name,
      description: r.description,
      sellerId: r.seller_id,
      unit: r.unit,
      minQuantity: 1,
      maxQuantity: null,
      isAddon: false,
      retiredAt: r.retired_at ? r.retired_at.toISOString() : null,
      offers: offerViews,
    };
  });
}
