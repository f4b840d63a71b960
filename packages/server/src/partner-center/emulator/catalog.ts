/**
 * The emulated catalog: SKU seeds plus admin overrides (added/retired SKUs, price changes) turned
 * into products → SKUs → availabilities with seed-derived ids, and the price list behind carts,
 * billing and the price sheet. The catalog API itself carries no prices, as in Partner Center.
 */
import {
  AZURE_PLAN,
  CURRENCY_MINOR_UNITS,
  LIST_PRICE_FACTOR,
  PARTNER_PRICE_FACTOR,
  SKU_SEEDS,
  type SkuSeed,
} from './catalog-data.ts';
import { dateOf, isTermDuration, type TermDuration } from './dates.ts';
import { type Dec, dec, fmt, mul, rescale } from './decimal.ts';
import { catalogSuffix, guid, lowerAlnum, rngFor } from './prng.ts';
import type { CatalogOverrides } from './state.ts';

export type BillingCycle = 'monthly' | 'annual' | 'triennial' | 'one_time' | 'none';

export interface RefundOption {
  sequenceId: number;
  type: 'Full' | 'Partial';
  expiresAfter: string;
}

export interface CatalogTerm {
  id: string;
  duration: TermDuration;
  billingCycle: BillingCycle;
  description: string;
  refundOptions: RefundOption[];
}

export interface CatalogSku {
  productId: string;
  skuId: string;
  availabilityId: string;
  catalogItemId: string;
  productTitle: string;
  skuTitle: string;
  description: string;
  kind: 'nce' | 'software' | 'azurePlan';
  terms: CatalogTerm[];
  min: number;
  max: number;
  addOnOf: string[];
  skuPartNumber: string;
  licenseSkuId: string;
  servicePlans: { displayName: string; serviceName: string; id: string }[];
  upgrades: string[];
  erpUsdMonthly: string;
  legacyOfferId: string;
  retiredAt?: number;
}

export interface CatalogProduct {
  id: string;
  title: string;
  description: string;
  kind: CatalogSku['kind'];
}

export const SUPPORTED_CURRENCIES = ['USD', 'EUR', 'JPY', 'GBP'] as const;

export function termDescription(duration: TermDuration, kind: CatalogSku['kind']): string {
  if (kind === 'software') return duration === 'P3Y' ? '3 Year Subscription' : '1 Year Subscription';
  switch (duration) {
    case 'P1M':
      return 'One-Month commitment for monthly billing';
    case 'P1Y':
      return 'One-Year commitment for monthly/yearly billing';
    case 'P3Y':
      return 'Three-Year commitment for yearly/triennial billing';
  }
}

function cyclesFor(duration: TermDuration, kind: CatalogSku['kind']): BillingCycle[] {
  if (kind === 'software') return duration === 'P3Y' ? ['triennial', 'annual'] : ['annual'];
  switch (duration) {
    case 'P1M':
      return ['monthly'];
    case 'P1Y':
      return ['monthly', 'annual'];
    case 'P3Y':
      return ['annual', 'triennial'];
  }
}

/** New-commerce refund policy: full refund for a day, prorated refund for 7 days (RULES.md §3). */
const NCE_REFUNDS: RefundOption[] = [
  { sequenceId: 0, type: 'Full', expiresAfter: 'P1D' },
  { sequenceId: 1, type: 'Partial', expiresAfter: 'P7D' },
];
const SOFTWARE_REFUNDS: RefundOption[] = [{ sequenceId: 0, type: 'Partial', expiresAfter: 'P7D' }];

export class Catalog {
  readonly seed: number;
  readonly skus: CatalogSku[] = [];
  readonly products = new Map<string, CatalogProduct>();
  private readonly byKey = new Map<string, CatalogSku>();
  private readonly byCatalogItem = new Map<string, CatalogSku>();
  private readonly byLegacyOffer = new Map<string, CatalogSku>();
  private readonly priceChanges: CatalogOverrides['priceChanges'];

  constructor(seed: number, overrides: CatalogOverrides) {
    this.seed = seed;
    this.priceChanges = [...overrides.priceChanges].sort((a, b) =>
      a.effectiveDate.localeCompare(b.effectiveDate),
    );
    const usedAvailability = new Set<string>();
    const seeds: SkuSeed[] = [...SKU_SEEDS];
    for (const added of overrides.added) {
      seeds.push({
        productId: added.productId,
        skuId: added.skuId,
        productTitle: added.productTitle,
        skuTitle: added.skuTitle,
        description: added.description,
        kind: added.kind,
        erpUsdMonthly: added.erpUsdMonthly,
        terms: added.terms.filter(isTermDuration),
        min: added.min,
        max: added.max,
        addOnOf: added.addOnOf,
        skuPartNumber: added.skuTitle.toUpperCase().replace(/[^A-Z0-9]+/g, '_'),
        servicePlans: [[added.skuTitle, added.skuTitle.toUpperCase().replace(/[^A-Z0-9]+/g, '_')]],
      });
    }
    for (const s of seeds) {
      const rng = rngFor(seed, 'catalog', s.productId, s.skuId);
      let availabilityId = `${s.productId.slice(0, 8)}${catalogSuffix(rng, 4)}`;
      while (usedAvailability.has(availabilityId))
        availabilityId = `${s.productId.slice(0, 8)}${catalogSuffix(rng, 4)}`;
      usedAvailability.add(availabilityId);
      const terms: CatalogTerm[] = [];
      for (const duration of s.terms) {
        for (const cycle of cyclesFor(duration, s.kind)) {
          terms.push({
            id: lowerAlnum(rng, 12),
            duration,
            billingCycle: cycle,
            description: termDescription(duration, s.kind),
            refundOptions: s.kind === 'software' ? SOFTWARE_REFUNDS : NCE_REFUNDS,
          });
        }
      }
      const licenseSkuId = s.licenseSkuId ?? guid(rng);
      const sku: CatalogSku = {
        productId: s.productId,
        skuId: s.skuId,
        availabilityId,
        catalogItemId: `${s.productId}:${s.skuId}:${availabilityId}`,
        productTitle: s.productTitle,
        skuTitle: s.skuTitle,
        description: s.description,
        kind: s.kind,
        terms,
        min: s.min,
        max: s.max,
        addOnOf: s.addOnOf ?? [],
        skuPartNumber: s.skuPartNumber,
        licenseSkuId,
        servicePlans: s.servicePlans.map(([displayName, serviceName]) => ({
          displayName,
          serviceName,
          id: guid(rngFor(seed, 'service-plan', serviceName)),
        })),
        upgrades: s.upgrades ?? [],
        erpUsdMonthly: s.erpUsdMonthly,
        legacyOfferId: guid(rng).toUpperCase(),
      };
      this.register(sku);
    }
    this.register({
      productId: AZURE_PLAN.productId,
      skuId: AZURE_PLAN.skuId,
      availabilityId: AZURE_PLAN.availabilityId,
      catalogItemId: `${AZURE_PLAN.productId}:${AZURE_PLAN.skuId}:${AZURE_PLAN.availabilityId}`,
      productTitle: AZURE_PLAN.productTitle,
      skuTitle: AZURE_PLAN.skuTitle,
      description: AZURE_PLAN.skuDescription,
      kind: 'azurePlan',
      terms: [],
      min: 1,
      max: 1,
      addOnOf: [],
      skuPartNumber: 'AZURE_PLAN',
      licenseSkuId: guid(rngFor(seed, 'azure-plan-license')),
      servicePlans: [],
      upgrades: [],
      erpUsdMonthly: '0',
      legacyOfferId: 'DZH318Z0BPS6:0001:DZH318Z0BML6',
    });
    for (const r of overrides.retired) {
      const sku = this.byKey.get(`${r.productId}:${r.skuId}`.toUpperCase());
      if (sku) sku.retiredAt = r.at;
    }
  }

  private register(sku: CatalogSku): void {
    this.skus.push(sku);
    this.byKey.set(`${sku.productId}:${sku.skuId}`.toUpperCase(), sku);
    this.byCatalogItem.set(sku.catalogItemId.toUpperCase(), sku);
    this.byLegacyOffer.set(sku.legacyOfferId.toUpperCase(), sku);
    if (!this.products.has(sku.productId.toUpperCase())) {
      this.products.set(sku.productId.toUpperCase(), {
        id: sku.productId,
        title: sku.productTitle,
        description: sku.kind === 'azurePlan' ? AZURE_PLAN.productDescription : sku.description,
        kind: sku.kind,
      });
    }
  }

  product(productId: string): CatalogProduct | undefined {
    return this.products.get(productId.toUpperCase());
  }

  sku(productId: string, skuId: string): CatalogSku | undefined {
    return this.byKey.get(`${productId}:${skuId}`.toUpperCase());
  }

  skusOf(productId: string): CatalogSku[] {
    const id = productId.toUpperCase();
    return this.skus.filter((s) => s.productId.toUpperCase() === id);
  }

  byCatalogItemId(catalogItemId: string): CatalogSku | undefined {
    return this.byCatalogItem.get(catalogItemId.toUpperCase());
  }

  byLegacyOfferId(offerId: string): CatalogSku | undefined {
    return this.byLegacyOffer.get(offerId.toUpperCase());
  }

  isAvailable(sku: CatalogSku, now: number): boolean {
    return sku.retiredAt === undefined || sku.retiredAt > now;
  }

  term(sku: CatalogSku, duration: string | undefined, cycle: string | undefined): CatalogTerm | undefined {
    return sku.terms.find((t) => t.duration === duration && t.billingCycle === cycle);
  }

  /** Monthly-equivalent list entry (estimated retail and partner price) effective on `date`. */
  baseMonthly(
    sku: CatalogSku,
    currency: string,
    date: string,
  ): { unit: Dec; erp: Dec; effectiveDate: string } {
    const minor = CURRENCY_MINOR_UNITS[currency] ?? 2;
    const factor = LIST_PRICE_FACTOR[currency] ?? '1';
    const erp = rescale(mul(dec(sku.erpUsdMonthly), dec(factor)), minor);
    let entry = {
      unit: rescale(mul(erp, dec(PARTNER_PRICE_FACTOR)), minor),
      erp,
      effectiveDate: '2000-01-01',
    };
    for (const c of this.priceChanges) {
      if (c.effectiveDate > date) break;
      if (
        c.productId.toUpperCase() === sku.productId.toUpperCase() &&
        c.skuId.toUpperCase() === sku.skuId.toUpperCase() &&
        c.currency === currency
      ) {
        entry = { unit: dec(c.unitPrice), erp: dec(c.erpPrice), effectiveDate: c.effectiveDate };
      }
    }
    return entry;
  }

  /** Every change date of a SKU/currency in order, starting with the original list price. */
  priceHistory(sku: CatalogSku, currency: string): { effectiveDate: string; unit: Dec; erp: Dec }[] {
    const dates = ['2000-01-01'];
    for (const c of this.priceChanges) {
      if (
        c.productId.toUpperCase() === sku.productId.toUpperCase() &&
        c.skuId.toUpperCase() === sku.skuId.toUpperCase() &&
        c.currency === currency
      ) {
        dates.push(c.effectiveDate);
      }
    }
    return dates.map((d) => ({ ...this.baseMonthly(sku, currency, d), effectiveDate: d }));
  }

  /** Price of one licence for one billing period of the given term/cycle. */
  periodPrice(
    sku: CatalogSku,
    currency: string,
    duration: string,
    cycle: string,
    at: number | string,
  ): { unit: string; erp: string } {
    const date = typeof at === 'number' ? dateOf(at) : at;
    const base = this.baseMonthly(sku, currency, date);
    const minor = CURRENCY_MINOR_UNITS[currency] ?? 2;
    const factor = periodFactor(duration, cycle);
    return {
      unit: fmt(rescale(mul(base.unit, dec(factor)), minor), { trim: false }),
      erp: fmt(rescale(mul(base.erp, dec(factor)), minor), { trim: false }),
    };
  }
}

/** Billing-period multiple of the monthly one-year price; month-to-month terms carry a 20% premium. */
export function periodFactor(duration: string, cycle: string): string {
  if (cycle === 'monthly') return duration === 'P1M' ? '1.2' : '1';
  if (cycle === 'annual') return '12';
  if (cycle === 'triennial') return '36';
  return '0';
}

export function cycleMonths(cycle: string, duration: string): number {
  switch (cycle) {
    case 'monthly':
      return 1;
    case 'annual':
      return 12;
    case 'triennial':
      return 36;
    default:
      return duration === 'P3Y' ? 36 : duration === 'P1Y' ? 12 : 1;
  }
}

export function cancelWindowMs(term: CatalogTerm | undefined): number {
  if (!term) return 0;
  let max = 0;
  for (const o of term.refundOptions) {
    const m = /^P(\d+)D$/.exec(o.expiresAfter);
    if (m) max = Math.max(max, Number(m[1]) * 86_400_000);
  }
  return max;
}
