import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { CatalogBillingCycle, CatalogTerm } from '../catalog/catalog.tables.ts';
import { systemScopeFor } from '../catalog/sync-catalog.ts';
import { type PriceQuote, quotePrice } from '../price-books/quote-price.ts';
import type { StoredPriceTier } from './orders.tables.ts';

/**
 * Prices a line of a quote or an order with the price books (`quotePrice`, the function behind
 * GET /api/v1/price-quotes), seen by the provider so that every tier of the chain is kept: the
 * customer's price and what each seller paid. Callers show each viewer only its own tiers.
 */

export interface LinePrice {
  quote: PriceQuote;
  unitPrice: string;
  currency: string;
  tiers: StoredPriceTier[];
}

export interface LinePriceInput {
  providerId: string;
  customerId: string;
  /** `PRODUCT:SKU`, a catalogItemId, or an own product id. */
  sku: string;
  quantity: number;
  term?: CatalogTerm | undefined;
  billingCycle?: CatalogBillingCycle | undefined;
  /** The day the price applies (the order's effective date in the buyer's zone). */
  date?: string | undefined;
}

export async function priceLine(db: Kysely<Database>, input: LinePriceInput, now: Date): Promise<LinePrice> {
  const quote = await quotePrice(
    db,
    systemScopeFor(input.providerId),
    {
      sku: input.sku,
      customer: input.customerId,
      quantity: String(input.quantity),
      term: input.term,
      billingCycle: input.billingCycle,
      date: input.date,
    },
    now,
  );
  const firstCostCurrency = await costCurrencyOf(db, input.providerId, quote);
  const tiers: StoredPriceTier[] = quote.tiers.map((t, i) => ({
    sellerId: t.sellerId,
    buyerId: t.buyerId,
    unitCost: t.cost,
    costCurrency: i === 0 ? firstCostCurrency : quote.tiers[i - 1]!.currency,
    unitPrice: t.sale,
    currency: t.currency,
  }));
  return { quote, unitPrice: quote.unitPrice, currency: quote.currency, tiers };
}

/** The currency the first seller pays in: Microsoft's price currency, or the own product's. */
async function costCurrencyOf(db: Kysely<Database>, providerId: string, quote: PriceQuote): Promise<string> {
  const fallback = quote.tiers[0]?.currency ?? quote.currency;
  if (quote.item.kind === 'own_product' && quote.item.ownProductId) {
    const row = await db
      .selectFrom('own_products')
      .select('currency')
      .where('id', '=', quote.item.ownProductId)
      .executeTakeFirst();
    return row?.currency.trim() ?? fallback;
  }
  if (quote.item.catalogItemId && quote.item.market) {
    const row = await db
      .selectFrom('catalog_prices as p')
      .innerJoin('catalog_offers as o', 'o.id', 'p.offer_id')
      .select('p.currency')
      .where('o.provider_id', '=', providerId)
      .where('o.catalog_item_id', '=', quote.item.catalogItemId)
      .where('p.market', '=', quote.item.market)
      .limit(1)
      .executeTakeFirst();
    return row?.currency.trim() ?? fallback;
  }
  return fallback;
}

/** The monthly equivalent of a per-billing-period amount, for credit control. */
export function monthsPerPeriod(term: string, billingCycle: string): number | null {
  switch (billingCycle) {
    case 'monthly':
      return 1;
    case 'annual':
      return 12;
    case 'triennial':
      return 36;
    case 'one_time':
      return term === 'P1Y' ? 12 : term === 'P3Y' ? 36 : 1;
    default:
      return null;
  }
}
