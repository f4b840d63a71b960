import {
  type Availability,
  AZURE_PLAN_PRODUCT_ID,
  type PartnerCenterClient,
  type PriceSheetDownload,
  type PriceSheetRow,
  type Product,
  type Sku,
} from '../../partner-center/index.ts';
import type { CatalogBillingCycle } from './catalog.tables.ts';
import { DECIMAL, isTerm, MICROSOFT, productFamilyOf } from './catalog-model.ts';
import type {
  CatalogSnapshot,
  MeterPriceSeries,
  OfferPriceSeries,
  PriceSheetRead,
  PriceWindow,
  SnapshotMeter,
  SnapshotOffer,
  SnapshotProduct,
  SnapshotSku,
} from './catalog-snapshot.ts';

/** Target views that together hold what a CSP partner sells: licences, software, the Azure plan. */
const TARGET_VIEWS = ['OnlineServices', 'Software', 'MicrosoftAzure'] as const;
const CONCURRENCY = 8;

export interface ReadCatalogOptions {
  /** Markets (ISO country codes) to read, the provider's own first. */
  markets: readonly string[];
  /** 'YYYY-MM-01' of today, used when a price sheet does not say which month it is. */
  currentMonth: string;
  signal?: AbortSignal | undefined;
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function cycleOf(value: string | undefined): CatalogBillingCycle | null {
  switch ((value ?? '').toLowerCase().replace(/[\s_-]/g, '')) {
    case 'monthly':
      return 'monthly';
    case 'annual':
    case 'yearly':
      return 'annual';
    case 'triennial':
      return 'triennial';
    case 'onetime':
      return 'one_time';
    default:
      return null;
  }
}

/** The longest refund window of a term ("P7D"), which bounds cancellation under NCE. */
function cancellationWindow(term: NonNullable<Availability['terms']>[number]): string | null {
  let best: { days: number; text: string } | null = null;
  for (const policy of term.cancellationPolicies ?? []) {
    for (const option of policy.refundOptions ?? []) {
      const m = /^P(\d+)D$/.exec(option.expiresAfter ?? '');
      if (m && (!best || Number(m[1]) > best.days)) best = { days: Number(m[1]), text: m[0] };
    }
  }
  return best?.text ?? null;
}

function productOf(p: Product): SnapshotProduct {
  const title = p.title?.trim() || p.id;
  const productType = p.productType?.id ?? 'Unknown';
  return {
    productId: p.id,
    title,
    description: p.description ?? '',
    productType,
    productFamily: productFamilyOf(title, productType),
    vendor: MICROSOFT,
    publisher: p.publisherName ?? null,
  };
}

function skuOf(productId: string, s: Sku): SnapshotSku {
  const cycles = [...new Set((s.supportedBillingCycles ?? []).map(String))].sort();
  return {
    productId,
    skuId: s.id,
    title: s.title?.trim() || s.id,
    description: s.description ?? '',
    minQuantity: s.minimumQuantity ?? 1,
    maxQuantity: s.maximumQuantity ?? null,
    isTrial: s.isTrial ?? false,
    isAddon: s.dynamicAttributes?.isAddon === true,
    billingCycles: cycles,
  };
}

function offersOf(
  product: SnapshotProduct,
  sku: SnapshotSku,
  a: Availability,
): Omit<SnapshotOffer, 'countries'>[] {
  const base = {
    productId: product.productId,
    skuId: sku.skuId,
    availabilityId: a.id,
    catalogItemId: a.catalogItemId ?? `${product.productId}:${sku.skuId}:${a.id}`,
    segment: (a.segment ?? 'commercial').toLowerCase(),
    isPurchasable: a.isPurchasable ?? true,
    isRenewable: a.isRenewable ?? false,
  };
  const terms = a.terms ?? [];
  if (terms.length === 0) {
    // The Azure plan (and anything else without terms): one offer, priced per use or once.
    const usage = product.productType.toLowerCase() === 'azure';
    const cycle = usage ? 'usage' : (cycleOf(sku.billingCycles[0]) ?? 'one_time');
    return [
      {
        ...base,
        term: 'none',
        billingCycle: cycle,
        termId: null,
        cancellationWindow: null,
      },
    ];
  }
  const offers: Omit<SnapshotOffer, 'countries'>[] = [];
  for (const term of terms) {
    const duration = term.duration ?? '';
    const cycle = cycleOf(term.billingCycle);
    if (!isTerm(duration) || duration === 'none' || cycle === null) continue;
    offers.push({
      ...base,
      term: duration,
      billingCycle: cycle,
      termId: term.id ?? null,
      cancellationWindow: cancellationWindow(term),
    });
  }
  return offers;
}

const offerKey = (o: { catalogItemId: string; term: string; billingCycle: string }) =>
  `${o.catalogItemId}|${o.term}|${o.billingCycle}`;

/** 'YYYY-MM-DD' of a sheet timestamp such as '2025-01-31T23:59:59.9999999Z'. */
function dayOf(text: string | undefined): string | null {
  const m = /^(\d{4}-\d{2}-\d{2})/.exec(text ?? '');
  return m ? m[1]! : null;
}

function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

function addMonths(monthStart: string, n: number): string {
  const d = new Date(`${monthStart}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + n, 1);
  return d.toISOString().slice(0, 10);
}

const yyyymm = (monthStart: string) => monthStart.slice(0, 7).replace('-', '');

async function collectRows(download: PriceSheetDownload): Promise<PriceSheetRow[]> {
  const rows: PriceSheetRow[] = [];
  for await (const row of download.rows()) rows.push(row);
  return rows;
}

/** The month a sheet covers: its earliest effective start, else the caller's current month. */
function sheetMonth(rows: readonly PriceSheetRow[], fallback: string): string {
  let first: string | null = null;
  for (const row of rows) {
    const day = dayOf(row.EffectiveStartDate);
    if (day && (first === null || day < first)) first = day;
  }
  return first ? `${first.slice(0, 7)}-01` : fallback;
}

/**
 * Sorts the windows of one series, drops overlaps, joins neighbours with the same price (a price
 * sheet splits every price at month ends) and opens the last one when it reaches the end of what
 * was read: a price runs until Microsoft publishes another.
 */
export function mergeWindows(windows: readonly PriceWindow[], horizonTo: string): PriceWindow[] {
  const sorted = [...windows].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
  const merged: PriceWindow[] = [];
  for (const w of sorted) {
    const last = merged.at(-1);
    if (last && (last.to === null || last.to > w.from)) continue;
    if (
      last &&
      last.to === w.from &&
      last.currency === w.currency &&
      last.cost === w.cost &&
      last.list === w.list
    ) {
      merged[merged.length - 1] = { ...last, to: w.to };
    } else {
      merged.push({ from: w.from, to: w.to, currency: w.currency, cost: w.cost, list: w.list });
    }
  }
  const last = merged.at(-1);
  if (last && last.to !== null && last.to >= horizonTo) merged[merged.length - 1] = { ...last, to: null };
  return merged;
}

function windowOf(
  row: PriceSheetRow,
  cost: string | undefined,
  list: string | undefined,
): PriceWindow | null {
  const from = dayOf(row.EffectiveStartDate);
  const end = dayOf(row.EffectiveEndDate);
  const currency = (row.Currency ?? '').trim().toUpperCase();
  const costText = (cost ?? '').trim();
  const listText = (list ?? '').trim();
  if (!from || !/^[A-Z]{3}$/.test(currency) || !DECIMAL.test(costText)) return null;
  if (listText !== '' && !DECIMAL.test(listText)) return null;
  return {
    from,
    to: end ? addDays(end, 1) : null,
    currency,
    cost: costText,
    list: listText === '' ? null : listText,
  };
}

/**
 * Reads the catalog of a provider's markets from Partner Center: products of the licence, software
 * and Azure views, their SKUs and availabilities (one offer per term and billing cycle), the
 * licence-based price sheets of this month and the next (Microsoft publishes upcoming prices in
 * advance), and the Azure consumption sheet. A failed catalog read throws (a partial catalog
 * would look like retirements); a refused price sheet is reported in `warnings` and its prices
 * are left as they are.
 */
export async function readPartnerCenterCatalog(
  client: PartnerCenterClient,
  options: ReadCatalogOptions,
): Promise<CatalogSnapshot> {
  let requests = 0;
  const count = <T>(p: Promise<T>) => {
    requests += 1;
    return p;
  };
  const signal = options.signal;
  const products = new Map<string, SnapshotProduct>();
  const skus = new Map<string, SnapshotSku>();
  const offers = new Map<string, Omit<SnapshotOffer, 'countries'> & { countries: Set<string> }>();
  const warnings: string[] = [];

  for (const market of options.markets) {
    const listed = new Map<string, Product>();
    for (const targetView of TARGET_VIEWS) {
      const items = await count(client.catalog.listProducts({ country: market, targetView }, { signal }));
      for (const p of items) if (!listed.has(p.id)) listed.set(p.id, p);
    }
    const marketProducts = [...listed.values()].map(productOf);
    for (const p of marketProducts) if (!products.has(p.productId)) products.set(p.productId, p);

    const perProduct = await mapLimit(marketProducts, CONCURRENCY, async (product) => ({
      product,
      skus: await count(client.catalog.listSkus(product.productId, { country: market }, { signal })),
    }));
    const pairs = perProduct.flatMap(({ product, skus: list }) =>
      list.map((s) => ({ product, sku: skuOf(product.productId, s) })),
    );
    const availabilities = await mapLimit(pairs, CONCURRENCY, async ({ product, sku }) => ({
      product,
      sku,
      items: await count(
        client.catalog.listAvailabilities(product.productId, sku.skuId, { country: market }, { signal }),
      ),
    }));
    for (const { product, sku, items } of availabilities) {
      const skuKey = `${sku.productId}:${sku.skuId}`;
      if (!skus.has(skuKey)) skus.set(skuKey, sku);
      for (const a of items) {
        for (const offer of offersOf(product, sku, a)) {
          const key = offerKey(offer);
          const known = offers.get(key);
          if (known) known.countries.add((a.country ?? market).toUpperCase());
          else offers.set(key, { ...offer, countries: new Set([(a.country ?? market).toUpperCase()]) });
        }
      }
    }
  }

  const offerPrices = new Map<string, PriceSheetRead<OfferPriceSeries>>();
  for (const market of options.markets) {
    try {
      const current = await count(
        client.catalog.downloadPriceSheet({ market, view: 'updatedlicensebased' }, { signal }),
      );
      const currentRows = await collectRows(current);
      const month = sheetMonth(currentRows, options.currentMonth);
      const nextRows = await collectRows(
        await count(
          client.catalog.downloadPriceSheet(
            { market, view: 'updatedlicensebased', month: yyyymm(addMonths(month, 1)) },
            { signal },
          ),
        ),
      );
      const horizonTo = addMonths(month, 2);
      const grouped = new Map<
        string,
        { series: Omit<OfferPriceSeries, 'windows'>; windows: PriceWindow[] }
      >();
      let skipped = 0;
      for (const row of [...currentRows, ...nextRows]) {
        const term = (row.TermDuration ?? '').trim();
        const cycle = cycleOf(row.BillingPlan);
        const tierMin = (row.PricingTierRangeMin ?? '').trim();
        const window = windowOf(row, row.UnitPrice, row['ERP Price']);
        // Tiered prices (a tier above the first) are not modelled: the first tier is the price.
        if (!row.ProductId || !row.SkuId || !isTerm(term) || !cycle || !window || !/^(|0|1)$/.test(tierMin)) {
          skipped += 1;
          continue;
        }
        const segment = (row.Segment ?? 'commercial').trim().toLowerCase() || 'commercial';
        const rowMarket = (row.Market ?? market).trim().toUpperCase() || market;
        const key = `${row.ProductId}|${row.SkuId}|${term}|${cycle}|${segment}|${rowMarket}`;
        let entry = grouped.get(key);
        if (!entry) {
          entry = {
            series: {
              productId: row.ProductId,
              skuId: row.SkuId,
              term,
              billingCycle: cycle,
              segment,
              market: rowMarket,
            },
            windows: [],
          };
          grouped.set(key, entry);
        }
        entry.windows.push(window);
      }
      if (skipped > 0)
        warnings.push(`${market}: ${skipped} price sheet row(s) skipped (unreadable or tiered)`);
      offerPrices.set(market, {
        horizonFrom: month,
        series: [...grouped.values()].map(({ series, windows }) => ({
          ...series,
          windows: mergeWindows(windows, horizonTo),
        })),
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      warnings.push(
        `${market}: the licence price sheet could not be read (${error instanceof Error ? error.message : String(error)}); its prices were left as they were`,
      );
    }
  }

  let meters: SnapshotMeter[] | null = null;
  let meterPrices: PriceSheetRead<MeterPriceSeries> | null = null;
  const azureMarket = options.markets[0];
  if (azureMarket !== undefined && products.has(AZURE_PLAN_PRODUCT_ID)) {
    try {
      const currentRows = await collectRows(
        await count(
          client.catalog.downloadPriceSheet({ market: azureMarket, view: 'azure_consumption' }, { signal }),
        ),
      );
      const month = sheetMonth(currentRows, options.currentMonth);
      const nextRows = await collectRows(
        await count(
          client.catalog.downloadPriceSheet(
            { market: azureMarket, view: 'azure_consumption', month: yyyymm(addMonths(month, 1)) },
            { signal },
          ),
        ),
      );
      const horizonTo = addMonths(month, 2);
      const meterMap = new Map<string, SnapshotMeter>();
      const series = new Map<string, { meterId: string; currency: string; windows: PriceWindow[] }>();
      for (const row of [...currentRows, ...nextRows]) {
        const r = row as Record<string, string | undefined>;
        const meterId = (r.MeterId ?? '').trim();
        const window = windowOf(row, row.UnitPrice, r.ListPrice ?? row.UnitPrice);
        if (!meterId || !window) continue;
        if (!meterMap.has(meterId)) {
          meterMap.set(meterId, {
            meterId,
            name: (r.MeterName ?? meterId).trim(),
            category: (r.MeterCategory ?? '').trim(),
            subcategory: (r.MeterSubCategory ?? '').trim(),
            region: (r.MeterRegion ?? '').trim(),
            unit: (r.Unit ?? r.UnitOfMeasure ?? '').trim(),
          });
        }
        const key = `${meterId}|${window.currency}`;
        let entry = series.get(key);
        if (!entry) {
          entry = { meterId, currency: window.currency, windows: [] };
          series.set(key, entry);
        }
        entry.windows.push(window);
      }
      meters = [...meterMap.values()];
      meterPrices = {
        horizonFrom: month,
        series: [...series.values()].map((s) => ({ ...s, windows: mergeWindows(s.windows, horizonTo) })),
      };
    } catch (error) {
      if (signal?.aborted) throw error;
      warnings.push(
        `the Azure consumption price sheet could not be read (${error instanceof Error ? error.message : String(error)}); meters were left as they were`,
      );
    }
  }

  return {
    markets: options.markets,
    products: [...products.values()],
    skus: [...skus.values()],
    offers: [...offers.values()].map((o) => ({ ...o, countries: [...o.countries].sort() })),
    offerPrices,
    meters,
    meterPrices,
    warnings,
    requests,
  };
}
