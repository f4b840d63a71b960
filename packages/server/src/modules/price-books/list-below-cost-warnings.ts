import type { Temporal } from '@cspc/core';
import { type Kysely, sql } from 'kysely';
import { requirePermission, type Scope } from '../../auth/scope.ts';
import type { Database } from '../../db/schema.ts';
import { visibleOrganizationIds } from '../../db/tenancy.ts';
import { decodeCursor, encodeCursor, type Page } from '../../http/pagination.ts';
import { ruleWarnings, sellerItems } from './below-cost.ts';
import { type ExplanationView, explanationView } from './explanation-view.ts';
import { loadRulesOf } from './price-rules.repository.ts';
import type { ItemDescription } from './pricing-items.ts';

export interface BelowCostWarningView {
  sellerId: string;
  sellerName: string;
  ruleId: string;
  ruleName: string;
  /** The rule carries allowBelowCost: shown for review, not refused. */
  allowed: boolean;
  item: ItemDescription;
  cost: string;
  price: string;
  currency: string;
  explanation: ExplanationView;
}

/**
 * Rules of the caller's books (its own and those below it) that sell something below the seller's
 * cost on `date`: flagged loss leaders, and unflagged rules that a later cost change pushed under
 * (a Microsoft price rise, a new price from the tier above). Computed, not stored.
 */
export async function listBelowCostWarnings(
  db: Kysely<Database>,
  scope: Scope,
  filter: { limit: number; cursor?: string | undefined; sellerId?: string | undefined },
  date: Temporal.PlainDate,
): Promise<Page<BelowCostWarningView> & { unchecked: number }> {
  requirePermission(scope, 'price_books:read');
  let sellers = db
    .selectFrom('organizations')
    .select(['id', 'name'])
    .where('id', 'in', visibleOrganizationIds(db, scope))
    .where('kind', '!=', 'customer')
    .orderBy(sql`name COLLATE "C"`)
    .orderBy('id');
  if (filter.sellerId) sellers = sellers.where('id', '=', filter.sellerId);
  const list = await sellers.execute();
  const rules = await loadRulesOf(
    db,
    list.map((s) => s.id),
    date.toString(),
  );
  const all: BelowCostWarningView[] = [];
  let unchecked = 0;
  for (const seller of list) {
    const own = rules.get(seller.id) ?? [];
    if (own.length === 0) continue;
    const { chain, items, unpriced } = await sellerItems(db, seller.id, date);
    const found = ruleWarnings(own, items, { date, exchangeRates: chain.exchangeRates });
    unchecked += found.unchecked + unpriced;
    for (const w of found.warnings) {
      all.push({
        sellerId: seller.id,
        sellerName: seller.name,
        ruleId: w.rule.id,
        ruleName: w.rule.name,
        allowed: w.allowed,
        item: w.describe,
        cost: w.cost.toString(),
        price: w.price.toString(),
        currency: w.price.currency,
        explanation: explanationView(w.explanation),
      });
    }
  }
  const offset = Number(decodeCursor(filter.cursor) ?? '0') || 0;
  const items = all.slice(offset, offset + filter.limit);
  return {
    items,
    nextCursor: offset + filter.limit < all.length ? encodeCursor(String(offset + filter.limit)) : null,
    unchecked,
  };
}
