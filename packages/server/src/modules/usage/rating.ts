import { createHash } from 'node:crypto';
import {
  type CatalogItem,
  findExchangeRate,
  Money,
  type PriceChainResult,
  type PriceRule,
  parsePlainDate,
  priceThroughChain,
  type Temporal,
} from '@cspc/core';
import { ruleLabel } from '@cspc/core/pricing/rule-arithmetic';
import { describeBuyerScope, describeTarget } from '@cspc/core/pricing/rule-matching';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { MICROSOFT } from '../catalog/catalog-model.ts';
import { chainInput, loadPriceBookChain, type PriceBookChain } from '../price-books/price-book-chain.ts';
import type { RateTierExplanation } from './usage.tables.ts';

/**
 * Rating of Azure usage per sales channel.
 *
 * Every tier's price of a usage line is linear in two amounts of the line: Microsoft's cost C
 * (BillingPreTaxTotal, PEC included) and the pay-as-you-go list L (UnitPrice × Quantity ×
 * PCToBCExchangeRate). `usage_markup` multiplies what the tier pays, `usage_payg_discount` takes a
 * fraction of L, a missing rule sells at L (or at C without a list), and a currency conversion
 * multiplies by Microsoft's rate. So a tier's cost and sale are `a·C + b·L` with exact factors a, b.
 *
 * The factors are found once per class of lines that the price books cannot tell apart — the same
 * sellers above the customer, the customer only if some rule names it, the meter only if some rule
 * names it, likewise the meter category, the same currencies, list known or not, and a date range
 * in which no rule starts or ends — by pricing two unit items through the chain with the core
 * (`priceThroughChain`): one of cost 1 and list 0, one of cost 0 and list 1. Rule selection does
 * not depend on the amounts, so the two runs pick the same rules and their results are a and b.
 * The rates (a small table) are then applied to all staged lines set-wise in SQL, exactly.
 */

export interface RatingCombo {
  id: number;
  customer_id: string;
  meter_id: string;
  meter_category: string;
  has_list: boolean;
  billing_currency: string;
  first_date: string;
  last_date: string;
}

export interface RateTier {
  tier: number;
  sellerId: string;
  /** null: the line's customer. */
  buyerId: string | null;
  costCurrency: string;
  currency: string;
  costCostFactor: string;
  costListFactor: string;
  saleCostFactor: string;
  saleListFactor: string;
  ruleId: string | null;
  basis: 'rule' | 'list_price' | 'cost';
  explanation: RateTierExplanation;
}

export interface Rate {
  id: string;
  billingCurrency: string;
  hasList: boolean;
  tiers: RateTier[];
}

/** A combo's rate over [validFrom, validTo), or why it could not be rated. */
export interface ComboRate {
  combo: RatingCombo;
  validFrom: string;
  validTo: string;
  rate: Rate | null;
  error: string | null;
}

export interface CustomerInfo {
  id: string;
  currency: string;
  /** The direct seller (provider or reseller). */
  parentId: string;
}

const ONE_DAY = { days: 1 } as const;

function uuidFromHash(text: string): string {
  const h = createHash('md5').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

interface SellerPath {
  /** The chain loaded for one customer of this path, reused for its siblings. */
  chain: PriceBookChain;
  namedCustomers: Set<string>;
  /** Lower-cased meter id → the rule's spelling. */
  namedMeters: Map<string, string>;
  namedCategories: Set<string>;
  /** Dates (YYYY-MM-DD) on which some rule of the path starts or stops applying. */
  boundaries: string[];
  rules: Map<string, { rule: PriceRule; name: string }>;
}

function pathOf(chain: PriceBookChain): SellerPath {
  const namedCustomers = new Set<string>();
  const namedMeters = new Map<string, string>();
  const namedCategories = new Set<string>();
  const boundaries = new Set<string>();
  const rules = new Map<string, { rule: PriceRule; name: string }>();
  for (const tier of chain.tiers) {
    const names = new Map(tier.rules.map((r) => [r.id, r.name]));
    for (const rule of tier.book.rules) {
      rules.set(rule.id, { rule, name: names.get(rule.id) ?? '' });
      if (rule.buyerScope.kind === 'customer') namedCustomers.add(rule.buyerScope.customerId);
      if (rule.target.kind === 'meter')
        namedMeters.set(rule.target.meterId.toLowerCase(), rule.target.meterId);
      if (rule.target.kind === 'meter_category') namedCategories.add(rule.target.meterCategory);
      boundaries.add(rule.effectiveFrom.toString());
      if (rule.effectiveTo) boundaries.add(rule.effectiveTo.toString());
    }
  }
  return { chain, namedCustomers, namedMeters, namedCategories, boundaries: [...boundaries].sort(), rules };
}

/**
 * The stretch [from, to) around `date` in which no rule of the path starts or stops and the month
 * does not change (exchange rates are monthly): every day of it prices alike.
 */
function stretchOf(date: string, boundaries: readonly string[]): [string, string] {
  const month = parsePlainDate(date).with({ day: 1 });
  let from = month.toString();
  let to = month.add({ months: 1 }).toString();
  for (const b of boundaries) {
    if (b <= date) {
      if (b > from) from = b;
    } else if (b < to) to = b;
  }
  return [from, to];
}

export interface RatingContext {
  db: Kysely<Database>;
  providerId: string;
}

/** The rate of a line, or why it has none. */
export type RateHit = { rate: Rate; error: null } | { rate: null; error: string };

/** What a combination remembers of its last rated stretch (consecutive lines repeat it). */
export interface RatedStretch {
  from: string;
  to: string;
  hit: RateHit;
}

export type Rateable = Pick<
  RatingCombo,
  'customer_id' | 'meter_id' | 'meter_category' | 'has_list' | 'billing_currency'
> & {
  stretch?: RatedStretch;
};

/**
 * Rates usage lines as they stream by. The sellers' price books are loaded once per path (the
 * sellers above a customer) with `load`; after that `rate` is synchronous and computes a rate once
 * per combination and stretch of days that price alike. Rates are content-addressed, so the same
 * pricing found for many customers is one rate.
 */
export class UsageRater {
  /** Every rate handed out, by id. */
  readonly rates = new Map<string, Rate>();
  readonly #ctx: RatingContext;
  readonly #customers: ReadonlyMap<string, CustomerInfo>;
  readonly #paths = new Map<string, SellerPath>();
  readonly #hits = new Map<string, RateHit>();

  constructor(ctx: RatingContext, customers: ReadonlyMap<string, CustomerInfo>) {
    this.#ctx = ctx;
    this.#customers = customers;
  }

  /** Whether `rate` can answer for this customer now; otherwise `await load(customerId)` first. */
  ready(customerId: string): boolean {
    const customer = this.#customers.get(customerId);
    return customer === undefined || this.#paths.has(customer.parentId);
  }

  async load(customerId: string): Promise<void> {
    const customer = this.#customers.get(customerId);
    if (!customer || this.#paths.has(customer.parentId)) return;
    // Every rule the path ever had: each stretch applies those in force on its first day.
    const chain = await loadPriceBookChain(this.#ctx.db, customer.id, ALL_RULES_FROM);
    this.#paths.set(customer.parentId, pathOf(chain));
  }

  rate(combo: Rateable, date: string): RateHit {
    const last = combo.stretch;
    if (last && date >= last.from && date < last.to) return last.hit;
    const customer = this.#customers.get(combo.customer_id);
    if (!customer) return { rate: null, error: 'The customer organisation no longer exists.' };
    const path = this.#paths.get(customer.parentId);
    if (!path) throw new Error(`Internal: the price books above ${customer.id} are not loaded`);
    const [from, to] = stretchOf(date, path.boundaries);
    const customerKey = path.namedCustomers.has(customer.id) ? customer.id : '*';
    const meterKey = path.namedMeters.get(combo.meter_id.trim().toLowerCase()) ?? '*';
    const categoryKey = path.namedCategories.has(combo.meter_category) ? combo.meter_category : '*';
    const key = [
      customer.parentId,
      customerKey,
      meterKey,
      categoryKey,
      combo.has_list,
      combo.billing_currency,
      customer.currency,
      from,
    ].join('|');
    let hit = this.#hits.get(key);
    if (hit === undefined) {
      try {
        const found = rateFor(
          this.#ctx.providerId,
          path,
          customer,
          combo,
          meterKey,
          categoryKey,
          parsePlainDate(from),
        );
        const rate = this.rates.get(found.id) ?? found;
        this.rates.set(rate.id, rate);
        hit = { rate, error: null };
      } catch (error) {
        hit = { rate: null, error: error instanceof Error ? error.message : String(error) };
      }
      this.#hits.set(key, hit);
    }
    combo.stretch = { from, to, hit };
    return hit;
  }
}

/** Loading a chain "from" this date keeps every rule that ever applied. */
const ALL_RULES_FROM = parsePlainDate('1900-01-01');

/** The organisation data rating needs for these customers: currency and direct seller. */
async function customerInfo(
  db: Kysely<Database>,
  ids: readonly string[],
): Promise<Map<string, CustomerInfo>> {
  const out = new Map<string, CustomerInfo>();
  for (let i = 0; i < ids.length; i += 5000) {
    const rows = await db
      .selectFrom('organizations')
      .select(['id', 'currency', 'parent_id'])
      .where('id', 'in', ids.slice(i, i + 5000))
      .execute();
    for (const r of rows) {
      if (r.parent_id) out.set(r.id, { id: r.id, currency: r.currency.trim(), parentId: r.parent_id });
    }
  }
  return out;
}

/**
 * Rates for the given combinations over their dates, one per stretch of days that price alike
 * (re-rating). `db` must be the session's Kysely when called inside a usage session (on PGlite the
 * application's db would wait for the session's own transaction).
 */
export async function rateCombos(ctx: RatingContext, combos: readonly RatingCombo[]): Promise<ComboRate[]> {
  if (combos.length === 0) return [];
  const rater = new UsageRater(
    ctx,
    await customerInfo(ctx.db, [...new Set(combos.map((c) => c.customer_id))]),
  );
  const out: ComboRate[] = [];
  for (const combo of combos) {
    await rater.load(combo.customer_id);
    const rateable: Rateable = { ...combo };
    const end = parsePlainDate(combo.last_date).add(ONE_DAY).toString();
    for (let day = combo.first_date; day < end; ) {
      const hit = rater.rate(rateable, day);
      // Without a stretch (the customer is gone) one failure covers the whole range.
      const to = rateable.stretch && rateable.stretch.to < end ? rateable.stretch.to : end;
      out.push({ combo, validFrom: day, validTo: to, ...hit });
      day = to;
    }
  }
  return out;
}

function rateFor(
  providerId: string,
  path: SellerPath,
  customer: CustomerInfo,
  combo: Rateable,
  meterKey: string,
  categoryKey: string,
  date: Temporal.PlainDate,
): Rate {
  const currency = combo.billing_currency;
  // The chain was loaded for one customer of this path; price for this one (a named customer) or
  // for an unnamed one (any customer no rule names prices alike).
  const chain: PriceBookChain = {
    ...path.chain,
    date,
    buyer: {
      ...path.chain.buyer,
      organizationId: customer.id,
      customerId: customer.id,
      currency: customer.currency,
    },
  };
  const item = (cost: string, list: string | null): CatalogItem => ({
    kind: 'azure_usage',
    vendor: MICROSOFT,
    productFamily: 'Azure',
    ...(meterKey === '*' ? {} : { meterId: meterKey }),
    ...(categoryKey === '*' ? {} : { meterCategory: categoryKey }),
    cost: Money.of(cost, currency),
    list: list === null ? null : Money.of(list, currency),
  });
  const byCost = priceThroughChain(chainInput(chain, item('1', combo.has_list ? '0' : null)));
  const byList = combo.has_list ? priceThroughChain(chainInput(chain, item('0', '1'))) : null;
  const tiers = byCost.tiers.map((t, i): RateTier => {
    const l = byList?.tiers[i];
    return {
      tier: i + 1,
      sellerId: t.sellerId,
      buyerId: i === byCost.tiers.length - 1 ? null : t.buyerId,
      costCurrency: t.cost.currency,
      currency: t.sale.currency,
      costCostFactor: t.cost.toString(),
      costListFactor: l ? l.cost.toString() : '0',
      saleCostFactor: t.sale.toString(),
      saleListFactor: l ? l.sale.toString() : '0',
      ruleId: t.rule?.id ?? null,
      basis: t.basis,
      explanation: explain(path, chain, t, currency),
    };
  });
  const body = JSON.stringify({ providerId, currency, hasList: combo.has_list, tiers });
  return { id: uuidFromHash(body), billingCurrency: currency, hasList: combo.has_list, tiers };
}

/** The tier's rule in words and as a formula on what the tier pays. */
function explain(
  path: SellerPath,
  chain: PriceBookChain,
  tier: PriceChainResult['tiers'][number],
  billingCurrency: string,
): RateTierExplanation {
  const rule = tier.rule;
  const from = tier.cost.currency;
  const to = tier.sale.currency;
  // Factors are exact decimals; Money (in the sale currency) is only their carrier here.
  const one = Money.of('1', to);
  let conversion = one;
  const steps: { label: string; formula: string }[] = [];
  if (from !== to) {
    const rate = findExchangeRate(chain.exchangeRates, from, to, chain.date);
    if (rate) {
      conversion = one.times(rate.rate);
      steps.push({
        label: `convert ${from} to ${to} at Microsoft's rate of ${rate.date}`,
        formula: `× ${rate.rate}`,
      });
    }
  }
  let listConversion = one;
  if (billingCurrency !== to) {
    const rate = findExchangeRate(chain.exchangeRates, billingCurrency, to, chain.date);
    if (rate) listConversion = one.times(rate.rate);
  }
  const times = (factor: Money) => (factor.equals(one) ? '' : ` × ${factor.toString()}`);
  let summary: string;
  let formula: string;
  if (rule && rule.kind !== 'fixed_price') {
    const name = path.rules.get(rule.id)?.name;
    summary = `${ruleLabel(rule)} (${describeBuyerScope(rule.buyerScope)}; ${describeTarget(rule.target)}) — rule ${JSON.stringify(rule.id)}${name ? ` “${name}”` : ''}`;
    formula =
      rule.kind === 'usage_payg_discount'
        ? `sale = pay-as-you-go list × ${one.minus(one.percent(rule.percent)).times(listConversion.amount).toString()}`
        : `sale = cost × ${one.plus(one.percent(rule.percent)).times(conversion.amount).toString()}`;
    steps.push({ label: ruleLabel(rule), formula });
  } else if (tier.basis === 'list_price') {
    summary = 'no price rule matched: sold at the pay-as-you-go list price';
    formula = `sale = pay-as-you-go list${times(listConversion)}`;
  } else {
    summary = 'no price rule matched and no list price is known: sold at cost';
    formula = `sale = cost${times(conversion)}`;
  }
  return {
    summary,
    formula,
    steps,
    notes: tier.explanation.notes.map((n) => ({ ruleId: n.ruleId, code: n.code, reason: n.reason })),
  };
}
