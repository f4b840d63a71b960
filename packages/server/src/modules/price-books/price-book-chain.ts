import type { Buyer, CatalogItem, ExchangeRate, PriceChainInput, ResolveOptions, Temporal } from '@cspc/core';
import { PriceBook } from '@cspc/core';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { CatalogBillingCycle, CatalogTerm } from '../catalog/catalog.tables.ts';
import { loadExchangeRates } from '../catalog/exchange-rates.ts';
import { type LineageOrg, lineageOf } from '../catalog/lineage.ts';
import { loadRulesOf, type PriceRuleRow, toCoreRule } from './price-rules.repository.ts';

/**
 * The price books that apply to one buyer: those of every seller above it, provider first, and
 * Microsoft's exchange rates of the provider. This is the one place where the books are loaded;
 * quotes use it here, and usage rating (#6) and billing reuse it through `loadPriceBookChain` and
 * `chainInput` with `priceThroughChain` from @cspc/core.
 *
 * Rules may carry a term and a billing-cycle qualifier (a fixed price is a price per billing
 * period, so it only makes sense for one billing cycle). The core knows nothing of terms, so the
 * book of a tier for an offer holds the rules without a qualifier and those whose qualifier
 * matches the offer (`bookForOffer`); `book` holds the unqualified rules only, which is every rule
 * that can price Azure usage.
 */

export interface PriceBookTier {
  readonly organizationId: string;
  readonly kind: 'provider' | 'reseller';
  readonly name: string;
  /** The currency this seller is billed in by the tier above (its organisation's currency). */
  readonly currency: string;
  readonly country: string;
  readonly book: PriceBook;
  readonly rules: readonly PriceRuleRow[];
}

export interface ChainBuyer {
  readonly organizationId: string;
  readonly kind: 'provider' | 'reseller' | 'customer';
  readonly name: string;
  readonly currency: string;
  readonly country: string;
  readonly timeZone: string;
  readonly customerId: string | undefined;
  /** Resellers above the buyer, nearest first (the provider excluded). */
  readonly ancestorResellerIds: readonly string[];
}

export interface PriceBookChain {
  readonly date: Temporal.PlainDate;
  readonly buyer: ChainBuyer;
  /** Provider first; the last tier is the buyer's direct seller. Empty for a provider. */
  readonly tiers: readonly PriceBookTier[];
  readonly exchangeRates: readonly ExchangeRate[];
}

export interface OfferTerms {
  readonly term: CatalogTerm;
  readonly billingCycle: CatalogBillingCycle;
}

function qualifies(rule: PriceRuleRow, offer: OfferTerms | null): boolean {
  if (rule.term === null && rule.billing_cycle === null) return true;
  if (offer === null) return false;
  return (
    (rule.term === null || rule.term === offer.term) &&
    (rule.billing_cycle === null || rule.billing_cycle === offer.billingCycle)
  );
}

const books = new WeakMap<PriceBookTier, Map<string, PriceBook>>();

/** The tier's book for one offer (see the header); usage and unqualified pricing: `tier.book`. */
export function bookForOffer(tier: PriceBookTier, offer: OfferTerms | null): PriceBook {
  if (offer === null) return tier.book;
  let cache = books.get(tier);
  if (!cache) {
    cache = new Map();
    books.set(tier, cache);
  }
  const key = `${offer.term}|${offer.billingCycle}`;
  let book = cache.get(key);
  if (!book) {
    book = PriceBook.of(tier.rules.filter((r) => qualifies(r, offer)).map(toCoreRule));
    cache.set(key, book);
  }
  return book;
}

function buyerOf(org: LineageOrg, lineage: readonly LineageOrg[]): ChainBuyer {
  return {
    organizationId: org.id,
    kind: org.kind,
    name: org.name,
    currency: org.currency,
    country: org.country,
    timeZone: org.timeZone,
    customerId: org.kind === 'customer' ? org.id : undefined,
    ancestorResellerIds: lineage
      .slice(0, -1)
      .filter((o) => o.kind === 'reseller')
      .map((o) => o.id)
      .reverse(),
  };
}

/**
 * Loads the chain for a buyer (any organisation: a customer, or a reseller buying for itself) on a
 * date. Rules that expired before the date are left out. No tenancy check: callers decide who may
 * see the result (quotes show each caller only the tiers of its own subtree).
 */
export async function loadPriceBookChain(
  db: Kysely<Database>,
  buyerOrgId: string,
  date: Temporal.PlainDate,
): Promise<PriceBookChain> {
  const lineage = await lineageOf(db, buyerOrgId);
  const buyerOrg = lineage.at(-1);
  const provider = lineage[0];
  if (!buyerOrg || !provider) throw new Error(`Unknown organisation ${buyerOrgId}`);
  const sellers = lineage.slice(0, -1);
  const [rules, exchangeRates] = await Promise.all([
    loadRulesOf(
      db,
      sellers.map((s) => s.id),
      date.toString(),
    ),
    loadExchangeRates(db, provider.id),
  ]);
  const tiers = sellers.map((s): PriceBookTier => {
    const own = rules.get(s.id) ?? [];
    return {
      organizationId: s.id,
      kind: s.kind === 'provider' ? 'provider' : 'reseller',
      name: s.name,
      currency: s.currency,
      country: s.country,
      rules: own,
      book: PriceBook.of(own.filter((r) => qualifies(r, null)).map(toCoreRule)),
    };
  });
  return { date, buyer: buyerOf(buyerOrg, lineage), tiers, exchangeRates };
}

/** The core's buyer for a chain that starts at `fromTier` (0 = the provider). */
export function coreBuyer(chain: PriceBookChain, fromTier = 0): Buyer {
  const inChain = new Set(chain.tiers.slice(fromTier).map((t) => t.organizationId));
  return {
    organizationId: chain.buyer.organizationId,
    ...(chain.buyer.customerId ? { customerId: chain.buyer.customerId } : {}),
    ancestorResellerIds: chain.buyer.ancestorResellerIds.filter((id) => inChain.has(id)),
    currency: chain.buyer.currency,
  };
}

/**
 * The input of `priceThroughChain` for an item: from the provider, or from the seller of an own
 * product (`fromSellerId`), down to the buyer. `item.cost` is what the first seller pays.
 */
export function chainInput(
  chain: PriceBookChain,
  item: CatalogItem,
  options: { offer?: OfferTerms | null; fromSellerId?: string; resolve?: ResolveOptions } = {},
): PriceChainInput {
  const offer = options.offer ?? null;
  const from = options.fromSellerId
    ? chain.tiers.findIndex((t) => t.organizationId === options.fromSellerId)
    : 0;
  if (from < 0) throw new Error(`${options.fromSellerId} does not sell to ${chain.buyer.organizationId}`);
  const tiers = chain.tiers.slice(from);
  const [first, ...rest] = tiers;
  if (!first) throw new Error(`${chain.buyer.organizationId} has no seller above it`);
  return {
    item,
    provider: { organizationId: first.organizationId, book: bookForOffer(first, offer) },
    resellers: rest.map((t) => ({
      organizationId: t.organizationId,
      book: bookForOffer(t, offer),
      currency: t.currency,
    })),
    buyer: coreBuyer(chain, from),
    date: chain.date,
    options: { exchangeRates: chain.exchangeRates, ...options.resolve },
  };
}
