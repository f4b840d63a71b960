import type { CatalogItem } from '../api';

// The upgrade action of a subscription (NCE): all seats move to another SKU in place, or some of
// them move to a new co-terminous subscription on the target SKU. Pure, so it is unit-tested; the
// server decides again with the core's decideUpgrade.

export interface UpgradeSource {
  status: string;
  quantity: number;
  productId: string | null;
  skuId: string | null;
  term: string;
  billingCycle: string;
}

export type UpgradeProblem = 'notActive' | 'target' | 'sameSku' | 'quantity';

export type UpgradePlan =
  | { ok: true; kind: 'full' | 'partial'; sku: string; quantity: number; remaining: number }
  | { ok: false; problems: UpgradeProblem[] };

const skuOf = (item: Pick<CatalogItem, 'productId' | 'skuId'>) => `${item.productId}:${item.skuId}`;

/**
 * Catalog SKUs a subscription can be upgraded to: Microsoft SKUs (not add-ons, not retired) other
 * than its own, offered with the same term and billing cycle (the upgrade keeps both).
 */
export function upgradeTargets(items: readonly CatalogItem[], source: UpgradeSource): CatalogItem[] {
  const own = `${source.productId}:${source.skuId}`;
  return items.filter(
    (item) =>
      item.source === 'microsoft' &&
      !item.isAddon &&
      !item.retiredAt &&
      skuOf(item) !== own &&
      item.offers.some(
        (offer) =>
          !offer.retiredAt && offer.term === source.term && offer.billingCycle === source.billingCycle,
      ),
  );
}

/**
 * What the upgrade does with the chosen target and seat count ('' or the full count: every seat).
 * The body for POST /subscriptions/{id}/upgrade leaves the quantity out for a full upgrade.
 */
export function upgradePlan(
  source: UpgradeSource,
  target: Pick<CatalogItem, 'productId' | 'skuId'> | null,
  quantity: number | string,
): UpgradePlan {
  const problems: UpgradeProblem[] = [];
  if (source.status !== 'active') problems.push('notActive');
  if (!target) problems.push('target');
  else if (skuOf(target) === `${source.productId}:${source.skuId}`) problems.push('sameSku');
  const seats = quantity === '' ? source.quantity : Number(quantity);
  if (!Number.isSafeInteger(seats) || seats < 1 || seats > source.quantity) problems.push('quantity');
  if (problems.length > 0 || !target) return { ok: false, problems };
  return {
    ok: true,
    kind: seats === source.quantity ? 'full' : 'partial',
    sku: skuOf(target),
    quantity: seats,
    remaining: source.quantity - seats,
  };
}

export function upgradeBody(plan: Extract<UpgradePlan, { ok: true }>): { sku: string; quantity?: number } {
  return plan.kind === 'full' ? { sku: plan.sku } : { sku: plan.sku, quantity: plan.quantity };
}
