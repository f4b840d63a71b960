import {
  type Explanation,
  type ExplanationStep,
  InvalidDateError,
  MissingExchangeRateError,
  Money,
  parsePlainDate,
  priceThroughChain,
  type Temporal,
} from '@cspc/core';
import { formatMoney } from '@cspc/core/pricing/explanation';
import type { Kysely } from 'kysely';
import { requirePermission, type Scope } from '../../auth/scope.ts';
import type { Database } from '../../db/schema.ts';
import { visibleOrganizationIds } from '../../db/tenancy.ts';
import { AppError, badRequest, conflict, notFound } from '../../http/errors.ts';
import type { CatalogBillingCycle, CatalogTerm } from '../catalog/catalog.tables.ts';
import { billingPeriodsPerTerm } from '../catalog/catalog-model.ts';
import { isInSubtree, todayIn } from '../catalog/lineage.ts';
import { findOwnProduct } from '../catalog/own-products.repository.ts';
import { type ExplanationView, explanationView } from './explanation-view.ts';
import { chainInput, loadPriceBookChain, type PriceBookChain } from './price-book-chain.ts';
import {
  type ItemDescription,
  meterPricedOffer,
  ownPricedOffers,
  type PricedOffer,
} from './pricing-items.ts';

/**
 * A price quote: what a buyer pays for a quantity of one catalog item on a date, per billing
 * period and per term, explained. The price goes through every tier above the buyer (each tier's
 * sale is the next tier's cost; see priceThroughChain). Each caller sees only the tiers sold by
 * its own organisation or below it: a reseller sees its cost (the price of the tier above) but
 * never how the provider arrived at it, and a customer sees its own price only.
 */

export interface QuoteInput {
  /** `PRODUCTID:SKUID` (or a catalogItemId) of Microsoft's catalog, or the id of an own product. */
  sku?: string | undefined;
  /** An Azure meter id: usage priced per unit of the meter. */
  meter?: string | undefined;
  /** The buying organisation; defaults to the caller when the caller is a customer. */
  customer?: string | undefined;
  /** An integer for licences and services, a decimal for usage. Defaults to 1. */
  quantity?: string | undefined;
  term?: CatalogTerm | undefined;
  billingCycle?: CatalogBillingCycle | undefined;
  /** 'YYYY-MM-DD'; defaults to today in the buyer's time zone. */
  date?: string | undefined;
}

export interface QuoteTier {
  sellerId: string;
  sellerName: string;
  buyerId: string;
  cost: string;
  sale: string;
  currency: string;
  basis: 'rule' | 'list_price' | 'cost';
  ruleId: string | null;
  belowCost: boolean;
  belowCostAllowed: boolean;
  explanation: ExplanationView;
}

export interface PriceQuote {
  item: ItemDescription & { retired: boolean; unit: string };
  buyer: { organizationId: string; name: string; currency: string };
  date: string;
  quantity: string;
  currency: string;
  /** Per unit and billing period (per unit of usage for usage). */
  unitPrice: string;
  /** quantity × unit price: one billing period, or the usage quoted. */
  totalPerBillingCycle: string;
  billingPeriodsPerTerm: number | null;
  totalPerTerm: string | null;
  explanation: ExplanationView;
  tiers: QuoteTier[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INTEGER = /^[1-9]\d{0,8}$/;
const DECIMAL_QTY = /^\d{1,12}(?:\.\d{1,8})?$/;

interface Resolved {
  entry: PricedOffer;
  fromSellerId?: string;
  retired: boolean;
  unit: string;
  minQuantity: number;
  maxQuantity: number | null;
}

async function microsoftEntry(
  db: Kysely<Database>,
  chain: PriceBookChain,
  providerId: string,
  sku: string,
  input: QuoteInput,
): Promise<Resolved> {
  const parts = sku.split(':');
  const skuRowId = UUID.test(sku) ? sku : null;
  let skuQuery = db.selectFrom('catalog_skus').selectAll().where('provider_id', '=', providerId);
  skuQuery = skuRowId
    ? skuQuery.where('id', '=', skuRowId)
    : skuQuery.where('product_id', '=', parts[0] ?? '').where('sku_id', '=', parts[1] ?? '');
  const skuRow = await skuQuery.executeTakeFirst();
  if (!skuRow) throw notFound('product');
  const product = await db
    .selectFrom('catalog_products')
    .select(['vendor', 'product_family'])
    .where('provider_id', '=', providerId)
    .where('product_id', '=', skuRow.product_id)
    .executeTakeFirstOrThrow();
  let offers = await db
    .selectFrom('catalog_offers')
    .selectAll()
    .where('provider_id', '=', providerId)
    .where('product_id', '=', skuRow.product_id)
    .where('sku_id', '=', skuRow.sku_id)
    .orderBy('catalog_item_id')
    .execute();
  if (!skuRowId && parts.length >= 3) offers = offers.filter((o) => o.catalog_item_id === sku);
  if (input.term) offers = offers.filter((o) => o.term === input.term);
  if (input.billingCycle) offers = offers.filter((o) => o.billing_cycle === input.billingCycle);
  const combos = [...new Set(offers.map((o) => `${o.term}/${o.billing_cycle}`))];
  if (combos.length === 0) throw notFound('offer for this term and billing cycle');
  if (combos.length > 1) {
    throw badRequest('term_required', `Choose a term and billing cycle: ${combos.join(', ')}.`, {
      available: combos,
    });
  }
  // Several availabilities of the same term (segments): the commercial, live one first.
  offers.sort(
    (a, b) =>
      Number(a.retired_at !== null) - Number(b.retired_at !== null) ||
      Number(a.segment !== 'commercial') - Number(b.segment !== 'commercial'),
  );
  const offer = offers[0]!;
  const day = chain.date.toString();
  const prices = await db
    .selectFrom('catalog_prices')
    .selectAll()
    .where('offer_id', '=', offer.id)
    .where('superseded_at', 'is', null)
    .where('effective_from', '<=', day)
    .where((eb) => eb.or([eb('effective_to', 'is', null), eb('effective_to', '>', day)]))
    .execute();
  const provider = chain.tiers[0];
  const preferred = [chain.buyer.country, provider?.country ?? ''];
  const price =
    preferred.map((m) => prices.find((p) => p.market.trim() === m)).find((p) => p !== undefined) ??
    [...prices].sort((a, b) => (a.market < b.market ? -1 : 1))[0];
  if (!price) throw conflict('no_price', `Microsoft publishes no price for this offer on ${day}.`);
  const currency = price.currency.trim();
  return {
    entry: {
      item: {
        kind: 'license',
        vendor: product.vendor,
        productFamily: product.product_family,
        productId: skuRow.product_id,
        skuId: skuRow.sku_id,
        cost: Money.of(price.cost, currency),
        list: price.list_price === null ? null : Money.of(price.list_price, currency),
      },
      offer: { term: offer.term, billingCycle: offer.billing_cycle },
      describe: {
        kind: 'license',
        productId: skuRow.product_id,
        skuId: skuRow.sku_id,
        meterId: null,
        ownProductId: null,
        title: skuRow.title,
        term: offer.term,
        billingCycle: offer.billing_cycle,
        market: price.market.trim(),
        catalogItemId: offer.catalog_item_id,
      },
    },
    retired: skuRow.retired_at !== null || offer.retired_at !== null,
    unit: 'licence',
    minQuantity: skuRow.min_quantity,
    maxQuantity: skuRow.max_quantity,
  };
}

async function ownEntry(
  db: Kysely<Database>,
  scope: Scope,
  chain: PriceBookChain,
  id: string,
  input: QuoteInput,
): Promise<Resolved | null> {
  const product = await findOwnProduct(db, scope, id);
  if (!product) return null;
  // Only sellers above the buyer can sell it to the buyer.
  if (!chain.tiers.some((t) => t.organizationId === product.sellerId)) throw notFound('product');
  let entries = await ownPricedOffers(db, [product.sellerId], { ownProductId: id, includeRetired: true });
  if (input.term) entries = entries.filter((e) => e.offer?.term === input.term);
  if (input.billingCycle) entries = entries.filter((e) => e.offer?.billingCycle === input.billingCycle);
  if (entries.length === 0) throw notFound('offer for this term and billing cycle');
  if (entries.length > 1) {
    const combos = entries.map((e) => `${e.offer?.term}/${e.offer?.billingCycle}`);
    throw badRequest('term_required', `Choose a term and billing cycle: ${combos.join(', ')}.`, {
      available: combos,
    });
  }
  const entry = entries[0]!;
  return {
    entry,
    fromSellerId: product.sellerId,
    retired: product.retiredAt !== null,
    unit: product.unit,
    minQuantity: 1,
    maxQuantity: null,
  };
}

const periodNoun: Record<CatalogBillingCycle, string> = {
  monthly: 'month',
  annual: 'year',
  triennial: 'three years',
  one_time: 'purchase',
  usage: 'unit of usage',
};

/** Quote one item for a buyer the caller may see (see the header). */
export async function quotePrice(
  db: Kysely<Database>,
  scope: Scope,
  input: QuoteInput,
  now: Date,
): Promise<PriceQuote> {
  requirePermission(scope, 'price_quotes:read');
  if ((input.sku ? 1 : 0) + (input.meter ? 1 : 0) !== 1) {
    throw badRequest('item_required', 'Name one item: sku (a Microsoft SKU or an own product) or meter.');
  }
  const buyerId = input.customer ?? scope.organizationId;
  if (!UUID.test(buyerId) || !(await isInSubtree(db, scope, buyerId))) throw notFound('customer');

  const buyerOrg = await db
    .selectFrom('organizations')
    .select(['kind', 'time_zone'])
    .where('id', '=', buyerId)
    .executeTakeFirstOrThrow();
  if (buyerOrg.kind === 'provider') {
    throw badRequest('invalid_buyer', 'The provider buys from Microsoft; quote a reseller or a customer.');
  }
  let date: Temporal.PlainDate;
  try {
    date = input.date ? parsePlainDate(input.date) : todayIn(now, buyerOrg.time_zone);
  } catch (error) {
    if (error instanceof InvalidDateError) throw badRequest('invalid_date', 'date: use YYYY-MM-DD.');
    throw error;
  }
  const chain = await loadPriceBookChain(db, buyerId, date);
  const providerId = chain.tiers[0]!.organizationId;

  let resolved: Resolved;
  if (input.meter) {
    const entry = await meterPricedOffer(db, providerId, input.meter, date.toString());
    if (!entry) throw notFound('meter');
    const meter = await db
      .selectFrom('catalog_meters')
      .select(['unit', 'retired_at'])
      .where('provider_id', '=', providerId)
      .where('meter_id', '=', input.meter)
      .executeTakeFirstOrThrow();
    resolved = {
      entry,
      retired: meter.retired_at !== null,
      unit: meter.unit,
      minQuantity: 0,
      maxQuantity: null,
    };
  } else {
    const sku = input.sku!;
    resolved =
      (UUID.test(sku) ? await ownEntry(db, scope, chain, sku, input) : null) ??
      (await microsoftEntry(db, chain, providerId, sku, input));
  }

  const usage = resolved.entry.offer === null || resolved.entry.offer.billingCycle === 'usage';
  const quantity = input.quantity ?? '1';
  if (usage ? !DECIMAL_QTY.test(quantity) : !INTEGER.test(quantity)) {
    throw badRequest(
      'invalid_quantity',
      usage ? 'quantity: a decimal such as "12.5".' : 'quantity: a whole number of at least 1.',
    );
  }
  if (
    !usage &&
    (Number(quantity) < resolved.minQuantity ||
      (resolved.maxQuantity !== null && Number(quantity) > resolved.maxQuantity))
  ) {
    throw badRequest(
      'quantity_out_of_range',
      `quantity: this SKU is sold in quantities of ${resolved.minQuantity} to ${resolved.maxQuantity ?? 'any number'}.`,
    );
  }

  let result: ReturnType<typeof priceThroughChain>;
  try {
    result = priceThroughChain(
      chainInput(chain, resolved.entry.item, {
        offer: resolved.entry.offer,
        ...(resolved.fromSellerId ? { fromSellerId: resolved.fromSellerId } : {}),
      }),
    );
  } catch (error) {
    if (error instanceof MissingExchangeRateError) {
      throw new AppError(
        'missing_exchange_rate',
        409,
        `No Microsoft exchange rate from ${error.from} to ${error.to} is recorded for ${error.date}. The provider sets it under /api/v1/catalog/exchange-rates.`,
        { from: error.from, to: error.to, date: error.date },
      );
    }
    throw error;
  }

  const visible = new Set((await visibleOrganizationIds(db, scope).execute()).map((r) => r.descendant_id));
  const names = new Map(chain.tiers.map((t) => [t.organizationId, t.name]));
  const tiers: QuoteTier[] = result.tiers
    .filter((t) => visible.has(t.sellerId))
    .map((t) => ({
      sellerId: t.sellerId,
      sellerName: names.get(t.sellerId) ?? '',
      buyerId: t.buyerId,
      cost: t.cost.toString(),
      sale: t.sale.toString(),
      currency: t.sale.currency,
      basis: t.basis,
      ruleId: t.rule?.id ?? null,
      belowCost: t.belowCost,
      belowCostAllowed: t.belowCostAllowed,
      explanation: explanationView(t.explanation),
    }));

  const unit = result.unitPrice;
  const offer = resolved.entry.offer;
  const cycle: CatalogBillingCycle = offer?.billingCycle ?? 'usage';
  const periods = offer ? billingPeriodsPerTerm(offer.term, offer.billingCycle) : null;
  const perCycle: Money = unit.times(usage ? quantity : Number(quantity)).round('half-up');
  const perTerm = periods === null ? null : perCycle.times(periods);

  const last = result.tiers.at(-1)!;
  const sellerName = names.get(last.sellerId) ?? 'your seller';
  const base: Explanation = visible.has(last.sellerId)
    ? last.explanation
    : {
        summary: `${formatMoney(unit)}: your price from ${sellerName}`,
        steps: [
          {
            label: `price from ${sellerName}`,
            formula: `agreed price per ${resolved.unit}`,
            result: formatMoney(unit),
          },
        ],
        ruleId: null,
        notes: [],
      };
  const steps: ExplanationStep[] = [...base.steps];
  steps.push({
    label: usage ? `${quantity} ${resolved.unit} of usage` : `${quantity} × per ${periodNoun[cycle]}`,
    formula: `${quantity} × ${formatMoney(unit)}`,
    result: formatMoney(perCycle),
  });
  if (perTerm && periods !== null && offer) {
    steps.push({
      label: `term ${offer.term}: ${periods} billing period${periods === 1 ? '' : 's'}`,
      formula: `${periods} × ${formatMoney(perCycle)}`,
      result: formatMoney(perTerm),
    });
  }
  const totals = usage
    ? `${formatMoney(perCycle)} for ${quantity} ${resolved.unit}`
    : `${formatMoney(perCycle)} per ${periodNoun[cycle]} for ${quantity}${perTerm ? `, ${formatMoney(perTerm)} for the ${offer?.term} term` : ''}`;
  const explanation: ExplanationView = {
    summary: `${formatMoney(unit)} per ${resolved.unit}${usage ? '' : ` per ${periodNoun[cycle]}`}; ${totals}. ${base.summary}`,
    steps,
    ruleId: base.ruleId,
    notes: [...base.notes],
  };

  return {
    item: { ...resolved.entry.describe, retired: resolved.retired, unit: resolved.unit },
    buyer: {
      organizationId: chain.buyer.organizationId,
      name: chain.buyer.name,
      currency: chain.buyer.currency,
    },
    date: date.toString(),
    quantity,
    currency: unit.currency,
    unitPrice: unit.toString(),
    totalPerBillingCycle: perCycle.toString(),
    billingPeriodsPerTerm: periods,
    totalPerTerm: perTerm ? perTerm.toString() : null,
    explanation,
    tiers,
  };
}
