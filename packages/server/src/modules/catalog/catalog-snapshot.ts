import type { CatalogBillingCycle, CatalogTerm } from './catalog.tables.ts';

/**
 * The catalog as one read of Partner Center shows it, normalised: what a sync compares with what
 * is stored. Plain data; dates are 'YYYY-MM-DD', amounts decimal strings.
 */
export interface SnapshotProduct {
  readonly productId: string;
  readonly title: string;
  readonly description: string;
  readonly productType: string;
  readonly productFamily: string;
  readonly vendor: string;
  readonly publisher: string | null;
}

export interface SnapshotSku {
  readonly productId: string;
  readonly skuId: string;
  readonly title: string;
  readonly description: string;
  readonly minQuantity: number;
  readonly maxQuantity: number | null;
  readonly isTrial: boolean;
  readonly isAddon: boolean;
  readonly billingCycles: readonly string[];
}

export interface SnapshotOffer {
  readonly productId: string;
  readonly skuId: string;
  readonly availabilityId: string;
  readonly catalogItemId: string;
  readonly term: CatalogTerm;
  readonly billingCycle: CatalogBillingCycle;
  readonly termId: string | null;
  readonly segment: string;
  /** Markets in which the availability was listed, sorted. */
  readonly countries: readonly string[];
  readonly isPurchasable: boolean;
  readonly isRenewable: boolean;
  readonly cancellationWindow: string | null;
}

/** One price in force over [from, to); `to` null = until further notice. */
export interface PriceWindow {
  readonly from: string;
  readonly to: string | null;
  readonly currency: string;
  readonly cost: string;
  readonly list: string | null;
}

/** The price timeline of one offer in one market, as far as the price sheets read reach. */
export interface OfferPriceSeries {
  readonly productId: string;
  readonly skuId: string;
  readonly term: CatalogTerm;
  readonly billingCycle: CatalogBillingCycle;
  readonly segment: string;
  readonly market: string;
  readonly windows: readonly PriceWindow[];
}

export interface SnapshotMeter {
  readonly meterId: string;
  readonly name: string;
  readonly category: string;
  readonly subcategory: string;
  readonly region: string;
  readonly unit: string;
}

export interface MeterPriceSeries {
  readonly meterId: string;
  readonly currency: string;
  readonly windows: readonly PriceWindow[];
}

/** Price sheets of one market (or of Azure meters): the series and the first day they cover. */
export interface PriceSheetRead<T> {
  readonly horizonFrom: string;
  readonly series: readonly T[];
}

export interface CatalogSnapshot {
  readonly markets: readonly string[];
  readonly products: readonly SnapshotProduct[];
  readonly skus: readonly SnapshotSku[];
  readonly offers: readonly SnapshotOffer[];
  /** Per market whose licence price sheets could be read. */
  readonly offerPrices: ReadonlyMap<string, PriceSheetRead<OfferPriceSeries>>;
  /** Null when the Azure consumption price sheet could not be read: meters are then left alone. */
  readonly meters: readonly SnapshotMeter[] | null;
  readonly meterPrices: PriceSheetRead<MeterPriceSeries> | null;
  /** Problems that did not stop the read (a price sheet refused, rows skipped). */
  readonly warnings: readonly string[];
  readonly requests: number;
}
