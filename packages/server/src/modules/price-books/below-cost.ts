import {
  type BelowCostWarning,
  belowCostWarnings,
  type ExchangeRate,
  type Explanation,
  type Money,
  PriceBook,
  priceThroughChain,
  type Temporal,
} from '@cspc/core';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { chainInput, loadPriceBookChain, type PriceBookChain } from './price-book-chain.ts';
import type { PriceRuleRow } from './price-rules.repository.ts';
import { toCoreRule } from './price-rules.repository.ts';
import {
  type ItemDescription,
  marketsWithPrices,
  meterPricedOffers,
  microsoftPricedOffers,
  ownPricedOffers,
  type PricedOffer,
} from './pricing-items.ts';

/**
 * The below-cost guard rail. A seller's items are priced at what the seller pays: Microsoft's cost
 * for the provider, the price of the tiers above for a reseller (bought for itself, in its own
 * market). A rule that would sell one of them below that cost needs `allowBelowCost`; the check is
 * the core's `belowCostWarnings`, run on the rules of one book.
 */

export interface SellerItems {
  readonly chain: PriceBookChain;
  readonly items: readonly PricedOffer[];
  /** Items that could not be priced for the seller (a missing exchange rate, say). */
  readonly unpriced: number;
}

/** Every item the seller sells, at the seller's own cost, on `date`. */
export async function sellerItems(
  db: Kysely<Database>,
  sellerId: string,
  date: Temporal.PlainDate,
): Promise<SellerItems> {
  const chain = await loadPriceBookChain(db, sellerId, date);
  const day = date.toString();
  const provider = chain.tiers[0];
  const providerId = provider?.organizationId ?? sellerId;
  const markets = await marketsWithPrices(
    db,
    providerId,
    [chain.buyer.country, provider?.country ?? ''].filter(Boolean),
  );
  const [microsoft, meters, own] = await Promise.all([
    microsoftPricedOffers(db, providerId, provider ? markets.slice(0, 1) : markets, day),
    meterPricedOffers(db, providerId, day),
    ownPricedOffers(db, [...chain.tiers.map((t) => t.organizationId), sellerId]),
  ]);
  if (!provider) return { chain, items: [...microsoft, ...meters, ...own], unpriced: 0 };

  let unpriced = 0;
  const items: PricedOffer[] = [];
  const atSellerCost = (entry: PricedOffer, fromSellerId?: string) => {
    try {
      const input = chainInput(chain, entry.item, {
        offer: entry.offer,
        ...(fromSellerId ? { fromSellerId } : {}),
      });
      const { unitPrice } = priceThroughChain(input);
      items.push({ ...entry, item: { ...entry.item, cost: unitPrice } });
    } catch {
      unpriced += 1;
    }
  };
  for (const entry of [...microsoft, ...meters]) atSellerCost(entry);
  for (const entry of own) {
    if (entry.sellerId === sellerId) items.push(entry);
    else atSellerCost(entry, entry.sellerId);
  }
  return { chain, items, unpriced };
}

export interface RuleWarning {
  readonly rule: PriceRuleRow;
  /** The rule carries allowBelowCost: a deliberate loss leader, shown but not refused. */
  readonly allowed: boolean;
  readonly describe: ItemDescription;
  readonly cost: Money;
  readonly price: Money;
  readonly explanation: Explanation;
}

function qualifies(rule: PriceRuleRow, entry: PricedOffer): boolean {
  if (rule.term === null && rule.billing_cycle === null) return true;
  if (entry.offer === null) return false;
  return (
    (rule.term === null || rule.term === entry.offer.term) &&
    (rule.billing_cycle === null || rule.billing_cycle === entry.offer.billingCycle)
  );
}

/** Below-cost findings of `rules` over the seller's items; rules are judged with or without their flag. */
export function ruleWarnings(
  rules: readonly PriceRuleRow[],
  items: readonly PricedOffer[],
  options: { date: Temporal.PlainDate; exchangeRates: readonly ExchangeRate[] },
): { warnings: RuleWarning[]; unchecked: number } {
  const warnings: RuleWarning[] = [];
  let unchecked = 0;
  for (const rule of rules) {
    // Judge the rule as if unflagged, so flagged loss leaders are listed too (as allowed).
    const book = PriceBook.of([toCoreRule({ ...rule, allow_below_cost: false })]);
    const matching = items.filter((entry) => qualifies(rule, entry));
    const run = (list: readonly PricedOffer[]): BelowCostWarning[] =>
      belowCostWarnings(
        book,
        list.map((e) => e.item),
        { date: options.date, exchangeRates: options.exchangeRates },
      );
    let found: { warning: BelowCostWarning; entry: PricedOffer }[] = [];
    try {
      found = run(matching).map((warning) => ({ warning, entry: matching[warning.itemIndex]! }));
    } catch {
      // One item without an exchange rate must not hide the others: check them one by one.
      for (const entry of matching) {
        try {
          found.push(...run([entry]).map((warning) => ({ warning, entry })));
        } catch {
          unchecked += 1;
        }
      }
    }
    for (const { warning, entry } of found) {
      warnings.push({
        rule,
        allowed: rule.allow_below_cost,
        describe: entry.describe,
        cost: warning.cost,
        price: warning.price,
        explanation: warning.explanation,
      });
    }
  }
  return { warnings, unchecked };
}
