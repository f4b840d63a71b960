import type { Money } from '../money/money.ts';
import type { Temporal } from '../time/calendar.ts';
import type { Explanation } from './explanation.ts';
import type { Buyer, CatalogItem, PriceBook, PriceRule } from './price-rule.ts';
import { type PriceBasis, type ResolveOptions, resolvePrice } from './resolve-price.ts';

export interface ChainProvider {
  readonly organizationId: string;
  readonly book: PriceBook;
}

export interface ChainReseller {
  readonly organizationId: string;
  readonly book: PriceBook;
  /** The currency in which the seller above bills this reseller. */
  readonly currency: string;
}

export interface PriceChainInput {
  /** As the provider sees it: `cost` is what Microsoft charges the provider, `list` Microsoft's list. */
  readonly item: CatalogItem;
  readonly provider: ChainProvider;
  /** From the provider's direct reseller down to the buyer's seller; empty for a direct sale. */
  readonly resellers: readonly ChainReseller[];
  /** The end buyer; its ancestorResellerIds must be `resellers` reversed (the provider may follow). */
  readonly buyer: Buyer;
  readonly date: Temporal.PlainDate;
  readonly options?: ResolveOptions;
}

/**
 * One seller's sale to the next tier. Self-contained, so that showing an organisation only the
 * tiers it may see is a filter on sellerId: a tier carries what its seller pays (`cost`) and
 * charges (`sale`), and its explanation is computed from that cost alone, so nothing in it reveals
 * what the tiers above paid.
 */
export interface ChainTierResult {
  readonly sellerId: string;
  readonly buyerId: string;
  /** What the seller pays for one unit, in the currency it is billed in. */
  readonly cost: Money;
  /** What the seller charges its buyer, in the buyer's currency. */
  readonly sale: Money;
  readonly basis: PriceBasis;
  readonly rule: PriceRule | null;
  readonly belowCost: boolean;
  readonly belowCostAllowed: boolean;
  readonly explanation: Explanation;
}

export interface PriceChainResult {
  /** Provider first. */
  readonly tiers: readonly ChainTierResult[];
  /** What the end buyer pays: the last tier's sale. */
  readonly unitPrice: Money;
}

export class InvalidPriceChainError extends Error {
  readonly code = 'invalid_price_chain';

  constructor(message: string) {
    super(message);
    this.name = 'InvalidPriceChainError';
  }
}

function checkPath(input: PriceChainInput): void {
  const expected = input.resellers.map((r) => r.organizationId).reverse();
  const actual = input.buyer.ancestorResellerIds;
  const withProvider = [...expected, input.provider.organizationId];
  const same = (ids: readonly string[]) =>
    ids.length === actual.length && ids.every((id, i) => id === actual[i]);
  // A mismatch means the chain priced a different route than the one the buyer sits on, which
  // would apply the wrong books and subtree rules.
  if (!same(expected) && !same(withProvider)) {
    throw new InvalidPriceChainError(
      `The buyer's resellers (${actual.join(' < ') || 'none'}) are not the chain's (${expected.join(' < ') || 'none'})`,
    );
  }
}

/**
 * Prices one unit through every tier, provider first: each tier's sale is the next tier's cost,
 * rounded at each tier per `options.round` (see resolvePrice).
 *
 * Every tier resolves against the end buyer's purchase path (customer and resellers) with the
 * currency that tier's direct buyer is billed in, so a provider rule scoped to a customer or to a
 * sub-reseller's subtree applies to the provider's sale for that customer or into that subtree.
 */
export function priceThroughChain(input: PriceChainInput): PriceChainResult {
  checkPath(input);
  const sellers = [input.provider, ...input.resellers];
  const tiers: ChainTierResult[] = [];
  let cost = input.item.cost;
  sellers.forEach((seller, i) => {
    const next = input.resellers[i];
    const buyerId = next?.organizationId ?? input.buyer.organizationId;
    const currency = next?.currency ?? input.buyer.currency;
    const resolution = resolvePrice(
      seller.book,
      { ...input.item, cost },
      { ...input.buyer, currency },
      input.date,
      input.options,
    );
    tiers.push({
      sellerId: seller.organizationId,
      buyerId,
      cost,
      sale: resolution.unitPrice,
      basis: resolution.basis,
      rule: resolution.rule,
      belowCost: resolution.belowCost,
      belowCostAllowed: resolution.belowCostAllowed,
      explanation: resolution.explanation,
    });
    cost = resolution.unitPrice;
  });
  return { tiers, unitPrice: cost };
}
