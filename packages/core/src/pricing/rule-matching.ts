import { Temporal } from '../time/calendar.ts';
import type { Buyer, BuyerScope, CatalogItem, PriceRule, PriceTarget } from './price-rule.ts';

/** True when the target designates the item (see PriceTarget); blank item fields never match. */
export function targetMatches(target: PriceTarget, item: CatalogItem): boolean {
  switch (target.kind) {
    case 'all':
      return true;
    case 'vendor':
      return item.vendor === target.vendor;
    case 'product_family':
      return item.productFamily === target.productFamily;
    case 'product':
      return item.productId === target.productId;
    case 'sku':
      return item.productId === target.productId && item.skuId === target.skuId;
    case 'meter_category':
      return item.meterCategory === target.meterCategory;
    case 'meter':
      return item.meterId === target.meterId;
    case 'own_product':
      return item.ownProductId === target.ownProductId;
  }
}

const TARGET_SPECIFICITY: Readonly<Record<PriceTarget['kind'], number>> = {
  sku: 4,
  meter: 4,
  own_product: 4,
  product: 3,
  product_family: 2,
  meter_category: 2,
  vendor: 1,
  all: 0,
};

/** sku = meter = own product (4) > product (3) > product family = meter category (2) > vendor (1) > all (0). */
export function targetSpecificity(target: PriceTarget): number {
  return TARGET_SPECIFICITY[target.kind];
}

/**
 * How a buyer scope matched. `rank`: customer 2, reseller subtree 1, all 0. `distance` (subtrees
 * only): 0 when the buyer organisation is the reseller itself, 1 for its nearest ancestor reseller,
 * and so on; nearer is more specific.
 */
export interface ScopeMatch {
  readonly rank: 0 | 1 | 2;
  readonly distance: number;
}

export function matchBuyerScope(scope: BuyerScope, buyer: Buyer): ScopeMatch | null {
  switch (scope.kind) {
    case 'all':
      return { rank: 0, distance: 0 };
    case 'customer':
      return buyer.customerId !== undefined && buyer.customerId === scope.customerId
        ? { rank: 2, distance: 0 }
        : null;
    case 'reseller_subtree': {
      if (buyer.organizationId === scope.resellerId) return { rank: 1, distance: 0 };
      const index = buyer.ancestorResellerIds.indexOf(scope.resellerId);
      return index < 0 ? null : { rank: 1, distance: index + 1 };
    }
  }
}

export type Effectiveness = 'effective' | 'not_yet_effective' | 'expired';

export function effectivenessOn(rule: PriceRule, date: Temporal.PlainDate): Effectiveness {
  if (Temporal.PlainDate.compare(date, rule.effectiveFrom) < 0) return 'not_yet_effective';
  if (rule.effectiveTo !== null && Temporal.PlainDate.compare(date, rule.effectiveTo) >= 0) return 'expired';
  return 'effective';
}

/** A rule that applies to the item and buyer on the date, with how its scope matched. */
export interface Candidate {
  readonly rule: PriceRule;
  readonly scope: ScopeMatch;
}

/** Code-unit order, not localeCompare: the tie-breaker must not depend on the runtime's locale data. */
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Negative when `a` takes precedence over `b`. A total order over rules with distinct ids, hence
 * the resolution never depends on the order of the rules in the book:
 * 1. buyer scope: customer > reseller subtree (nearer the buyer first) > all buyers;
 * 2. target: see targetSpecificity;
 * 3. the later effectiveFrom;
 * 4. the rule id that sorts first (code-unit order).
 */
export function comparePrecedence(a: Candidate, b: Candidate): number {
  if (a.scope.rank !== b.scope.rank) return b.scope.rank - a.scope.rank;
  if (a.scope.distance !== b.scope.distance) return a.scope.distance - b.scope.distance;
  const ta = targetSpecificity(a.rule.target);
  const tb = targetSpecificity(b.rule.target);
  if (ta !== tb) return tb - ta;
  const dates = Temporal.PlainDate.compare(b.rule.effectiveFrom, a.rule.effectiveFrom);
  if (dates !== 0) return dates;
  return compareIds(a.rule.id, b.rule.id);
}

export function describeTarget(target: PriceTarget): string {
  switch (target.kind) {
    case 'all':
      return 'all products';
    case 'vendor':
      return `vendor ${target.vendor}`;
    case 'product_family':
      return `product family ${target.productFamily}`;
    case 'product':
      return `product ${target.productId}`;
    case 'sku':
      return `SKU ${target.productId}:${target.skuId}`;
    case 'meter_category':
      return `meter category ${target.meterCategory}`;
    case 'meter':
      return `meter ${target.meterId}`;
    case 'own_product':
      return `own product ${target.ownProductId}`;
  }
}

export function describeBuyerScope(scope: BuyerScope): string {
  switch (scope.kind) {
    case 'all':
      return 'all buyers';
    case 'reseller_subtree':
      return `reseller subtree of ${scope.resellerId}`;
    case 'customer':
      return `customer ${scope.customerId}`;
  }
}

/** Why `winner` beat `loser`, naming the first precedence criterion that separates them. */
export function precedenceReason(winner: Candidate, loser: Candidate): string {
  const w = winner.rule;
  const l = loser.rule;
  if (winner.scope.rank !== loser.scope.rank || winner.scope.distance !== loser.scope.distance) {
    const nearer = winner.scope.rank === 1 && loser.scope.rank === 1 ? ' (nearer the buyer)' : '';
    return `${describeBuyerScope(w.buyerScope)}${nearer} beats ${describeBuyerScope(l.buyerScope)}`;
  }
  if (targetSpecificity(w.target) !== targetSpecificity(l.target)) {
    return `${describeTarget(w.target)} is more specific than ${describeTarget(l.target)}`;
  }
  if (!w.effectiveFrom.equals(l.effectiveFrom)) {
    return `effective from ${w.effectiveFrom}, later than ${l.effectiveFrom}`;
  }
  return `same scope, target and start date; rule id ${JSON.stringify(w.id)} sorts before ${JSON.stringify(l.id)}`;
}
