import { type BuyerScope, Money, type PriceRule, type PriceTarget, parsePlainDate } from '@cspc/core';
import { type Kysely, type Selectable, sql } from 'kysely';
import type { Scope } from '../../auth/scope.ts';
import type { Database } from '../../db/schema.ts';
import { visibleOrganizationIds } from '../../db/tenancy.ts';
import { decodeCursorParts, encodeCursor, type Page } from '../../http/pagination.ts';
import type { CatalogBillingCycle, CatalogTerm } from '../catalog/catalog.tables.ts';
import type { PriceRulesTable, StoredRuleKind } from './price-books.tables.ts';

/**
 * Price rules, the price book of a seller (provider or reseller) for its buyers. Tenancy follows
 * the seller: a caller reads and writes the books of its own subtree, never a book above it —
 * those reveal what it pays.
 */

export type PriceRuleRow = Selectable<PriceRulesTable>;

export interface TargetView {
  kind: PriceTarget['kind'];
  vendor?: string;
  productFamily?: string;
  productId?: string;
  skuId?: string;
  meterCategory?: string;
  meterId?: string;
  ownProductId?: string;
}

export interface BuyerScopeView {
  kind: BuyerScope['kind'];
  resellerId?: string;
  customerId?: string;
}

export interface PriceRuleView {
  id: string;
  sellerId: string;
  name: string;
  kind: StoredRuleKind;
  percent: string | null;
  unitPrice: string | null;
  currency: string | null;
  target: TargetView;
  buyerScope: BuyerScopeView;
  term: CatalogTerm | null;
  billingCycle: CatalogBillingCycle | null;
  effectiveFrom: string;
  effectiveTo: string | null;
  allowBelowCost: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
}

const TARGET_FIELD: Record<Exclude<PriceTarget['kind'], 'all' | 'sku'>, keyof TargetView> = {
  vendor: 'vendor',
  product_family: 'productFamily',
  product: 'productId',
  meter_category: 'meterCategory',
  meter: 'meterId',
  own_product: 'ownProductId',
};

export function targetOf(
  row: Pick<PriceRuleRow, 'target_kind' | 'target_value' | 'target_sku_id'>,
): PriceTarget {
  const value = row.target_value ?? '';
  switch (row.target_kind) {
    case 'all':
      return { kind: 'all' };
    case 'vendor':
      return { kind: 'vendor', vendor: value };
    case 'product_family':
      return { kind: 'product_family', productFamily: value };
    case 'product':
      return { kind: 'product', productId: value };
    case 'sku':
      return { kind: 'sku', productId: value, skuId: row.target_sku_id ?? '' };
    case 'meter_category':
      return { kind: 'meter_category', meterCategory: value };
    case 'meter':
      return { kind: 'meter', meterId: value };
    case 'own_product':
      return { kind: 'own_product', ownProductId: value };
  }
}

export function buyerScopeOf(row: Pick<PriceRuleRow, 'buyer_scope' | 'buyer_organization_id'>): BuyerScope {
  switch (row.buyer_scope) {
    case 'all':
      return { kind: 'all' };
    case 'reseller_subtree':
      return { kind: 'reseller_subtree', resellerId: row.buyer_organization_id ?? '' };
    case 'customer':
      return { kind: 'customer', customerId: row.buyer_organization_id ?? '' };
  }
}

/** The stored row as the pricing core takes it. */
export function toCoreRule(row: PriceRuleRow): PriceRule {
  const base = {
    id: row.id,
    target: targetOf(row),
    buyerScope: buyerScopeOf(row),
    effectiveFrom: parsePlainDate(row.effective_from),
    effectiveTo: row.effective_to === null ? null : parsePlainDate(row.effective_to),
    allowBelowCost: row.allow_below_cost,
  };
  if (row.kind === 'fixed_price') {
    return {
      ...base,
      kind: 'fixed_price',
      unitPrice: Money.of(row.unit_price ?? '0', (row.currency ?? '').trim()),
    };
  }
  return { ...base, kind: row.kind, percent: row.percent ?? '0' };
}

export function toRuleView(row: PriceRuleRow): PriceRuleView {
  const target = targetOf(row);
  return {
    id: row.id,
    sellerId: row.seller_id,
    name: row.name,
    kind: row.kind,
    percent: row.percent,
    unitPrice: row.unit_price,
    currency: row.currency?.trim() ?? null,
    target: { ...target } as TargetView,
    buyerScope: { ...buyerScopeOf(row) } as BuyerScopeView,
    term: row.term,
    billingCycle: row.billing_cycle,
    effectiveFrom: row.effective_from,
    effectiveTo: row.effective_to,
    allowBelowCost: row.allow_below_cost,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** Stored columns of a target given in the API's shape. */
export function targetColumns(
  target: TargetView,
): Pick<PriceRuleRow, 'target_kind' | 'target_value' | 'target_sku_id'> {
  if (target.kind === 'all') return { target_kind: 'all', target_value: null, target_sku_id: null };
  if (target.kind === 'sku') {
    return { target_kind: 'sku', target_value: target.productId ?? '', target_sku_id: target.skuId ?? '' };
  }
  return {
    target_kind: target.kind,
    target_value: target[TARGET_FIELD[target.kind]] ?? '',
    target_sku_id: null,
  };
}

/** Is `sellerId` a seller (provider or reseller) in the caller's subtree? */
export async function findVisibleSeller(
  db: Kysely<Database>,
  scope: Scope,
  sellerId: string,
): Promise<{ id: string; name: string; kind: string; currency: string } | undefined> {
  const row = await db
    .selectFrom('organizations')
    .select(['id', 'name', 'kind', 'currency'])
    .where('id', '=', sellerId)
    .where('id', 'in', visibleOrganizationIds(db, scope))
    .executeTakeFirst();
  return row ? { ...row, currency: row.currency.trim() } : undefined;
}

export interface RuleFilter {
  limit: number;
  cursor?: string | undefined;
  kind?: StoredRuleKind | undefined;
  /** Rules in force on this day (or starting later) only. */
  activeOn?: string | undefined;
}

export async function listRules(
  db: Kysely<Database>,
  sellerId: string,
  filter: RuleFilter,
): Promise<Page<PriceRuleView>> {
  let query = db
    .selectFrom('price_rules')
    .selectAll()
    .where('seller_id', '=', sellerId)
    .orderBy('created_at')
    .orderBy('id')
    .limit(filter.limit + 1);
  if (filter.kind) query = query.where('kind', '=', filter.kind);
  if (filter.activeOn) {
    const day = filter.activeOn;
    query = query.where((eb) => eb.or([eb('effective_to', 'is', null), eb('effective_to', '>', day)]));
  }
  const after = decodeCursorParts(filter.cursor, 2);
  if (after)
    query = query.where(sql<boolean>`(created_at, id) > (${after[0]}::timestamptz, ${after[1]}::uuid)`);
  const rows = await query.execute();
  const page = rows.slice(0, filter.limit);
  const last = page.at(-1);
  return {
    items: page.map(toRuleView),
    nextCursor:
      rows.length > filter.limit && last ? encodeCursor(last.created_at.toISOString(), last.id) : null,
  };
}

export async function findRuleRow(
  db: Kysely<Database>,
  sellerId: string,
  ruleId: string,
): Promise<PriceRuleRow | undefined> {
  return db
    .selectFrom('price_rules')
    .selectAll()
    .where('seller_id', '=', sellerId)
    .where('id', '=', ruleId)
    .executeTakeFirst();
}

/** Rules of several sellers not expired before `date`, by seller. */
export async function loadRulesOf(
  db: Kysely<Database>,
  sellerIds: readonly string[],
  date?: string,
): Promise<Map<string, PriceRuleRow[]>> {
  const out = new Map<string, PriceRuleRow[]>(sellerIds.map((id) => [id, []]));
  if (sellerIds.length === 0) return out;
  let query = db
    .selectFrom('price_rules')
    .selectAll()
    .where('seller_id', 'in', [...sellerIds])
    .orderBy('id');
  if (date)
    query = query.where((eb) => eb.or([eb('effective_to', 'is', null), eb('effective_to', '>', date)]));
  for (const row of await query.execute()) out.get(row.seller_id)?.push(row);
  return out;
}

export interface PriceBookView {
  sellerId: string;
  sellerName: string;
  sellerKind: 'provider' | 'reseller';
  currency: string;
  ruleCount: number;
}

/** The price books the caller may read: its own (if it sells) and those of the sellers below it. */
export async function listPriceBooks(db: Kysely<Database>, scope: Scope): Promise<PriceBookView[]> {
  const rows = await db
    .selectFrom('organizations as o')
    .select(['o.id', 'o.name', 'o.kind', 'o.currency'])
    .select((eb) =>
      eb
        .selectFrom('price_rules as r')
        .select(eb.fn.countAll<string>().as('n'))
        .whereRef('r.seller_id', '=', 'o.id')
        .as('rule_count'),
    )
    .where('o.id', 'in', visibleOrganizationIds(db, scope))
    .where('o.kind', '!=', 'customer')
    .orderBy(sql`o.name COLLATE "C"`)
    .execute();
  return rows.map((r) => ({
    sellerId: r.id,
    sellerName: r.name,
    sellerKind: r.kind as 'provider' | 'reseller',
    currency: r.currency.trim(),
    ruleCount: Number(r.rule_count ?? 0),
  }));
}
