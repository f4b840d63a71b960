import { randomUUID } from 'node:crypto';
import type { CatalogChangeKind } from './catalog.tables.ts';
import { canonicalJson, contentHash } from './catalog-model.ts';
import type {
  CatalogSnapshot,
  PriceWindow,
  SnapshotMeter,
  SnapshotOffer,
  SnapshotProduct,
  SnapshotSku,
} from './catalog-snapshot.ts';

/**
 * The comparison at the heart of a sync: what is stored against what Partner Center shows now,
 * turned into the row operations and change-log entries that bring the first to the second.
 * Pure (ids of new rows are generated here so the writer can link prices to new offers), hence
 * tested and reasoned about without a database.
 *
 * - Products, SKUs, offers and meters are compared by a content hash: an unchanged row is not
 *   touched. A row that is no longer listed is retired (never deleted); one that comes back is
 *   reinstated.
 * - Prices are timelines: within the period the price sheets cover (from the first day of the
 *   month they describe), the stored timeline must equal the published one. At the first date
 *   where they differ, the stored price in force is closed, later stored prices that never took
 *   effect are marked superseded, and the published prices from that date are inserted. History
 *   before that date stays as it is, so re-running a sync on unchanged prices writes nothing.
 */

export interface Stored<T> {
  readonly id: string;
  readonly value: T;
  readonly contentHash: string;
  readonly retired: boolean;
}

export interface StoredPrice extends PriceWindow {
  readonly id: string;
}

export interface StoredCatalog {
  readonly products: readonly Stored<SnapshotProduct>[];
  readonly skus: readonly Stored<SnapshotSku>[];
  readonly offers: readonly Stored<SnapshotOffer>[];
  readonly meters: readonly Stored<SnapshotMeter>[];
  /** Not superseded, by `${offerId}|${market}`. */
  readonly offerPrices: ReadonlyMap<string, readonly StoredPrice[]>;
  /** Not superseded, by `${meterRowId}|${currency}`. */
  readonly meterPrices: ReadonlyMap<string, readonly StoredPrice[]>;
}

export interface RowChanges<T> {
  readonly insert: { id: string; value: T; hash: string }[];
  /** Content changed, or reinstated (retired before, listed again). */
  readonly update: { id: string; value: T; hash: string }[];
  readonly retire: string[];
}

export interface PriceChanges {
  /** Ids of catalog_prices rows: stored prices a new publication replaced before they took effect. */
  readonly supersedeOffer: string[];
  readonly closeOffer: { id: string; to: string }[];
  /** The same for catalog_meter_prices (ids of the two tables overlap). */
  readonly supersedeMeter: string[];
  readonly closeMeter: { id: string; to: string }[];
  readonly insertOffer: (PriceWindow & { offerId: string; market: string })[];
  readonly insertMeter: (PriceWindow & { meterRowId: string })[];
}

export interface ChangeEntry {
  readonly kind: CatalogChangeKind;
  readonly productId?: string | undefined;
  readonly skuId?: string | undefined;
  readonly catalogItemId?: string | undefined;
  readonly term?: string | undefined;
  readonly billingCycle?: string | undefined;
  readonly market?: string | undefined;
  readonly meterId?: string | undefined;
  readonly title: string;
  readonly currency?: string | undefined;
  readonly oldCost?: string | null | undefined;
  readonly newCost?: string | null | undefined;
  readonly oldList?: string | null | undefined;
  readonly newList?: string | null | undefined;
  readonly effectiveDate?: string | undefined;
  readonly details?: Record<string, unknown> | undefined;
}

export interface SyncPlan {
  readonly initial: boolean;
  readonly products: RowChanges<SnapshotProduct>;
  readonly skus: RowChanges<SnapshotSku>;
  readonly offers: RowChanges<SnapshotOffer>;
  readonly meters: RowChanges<SnapshotMeter>;
  readonly prices: PriceChanges;
  readonly changes: ChangeEntry[];
  readonly warnings: string[];
}

const productKey = (p: { productId: string }) => p.productId;
const skuKey = (s: { productId: string; skuId: string }) => `${s.productId}:${s.skuId}`;
const offerKey = (o: { catalogItemId: string; term: string; billingCycle: string }) =>
  `${o.catalogItemId}|${o.term}|${o.billingCycle}`;
const meterKey = (m: { meterId: string }) => m.meterId;

/** The fields that differ, with their old and new values (for the change log). */
function changedFields<T extends object>(
  before: T,
  after: T,
): Record<string, { before: unknown; after: unknown }> {
  const out: Record<string, { before: unknown; after: unknown }> = {};
  for (const key of Object.keys(after) as (keyof T & string)[]) {
    if (canonicalJson(before[key]) !== canonicalJson(after[key])) {
      out[key] = { before: before[key] ?? null, after: after[key] ?? null };
    }
  }
  return out;
}

interface Compared<T> {
  rows: RowChanges<T>;
  added: T[];
  reinstated: T[];
  changed: { value: T; fields: Record<string, { before: unknown; after: unknown }> }[];
  retired: T[];
  idOf: Map<string, string>;
}

function compareRows<T extends object>(
  stored: readonly Stored<T>[],
  incoming: readonly T[],
  key: (value: T) => string,
): Compared<T> {
  const byKey = new Map(stored.map((s) => [key(s.value), s]));
  const seen = new Set<string>();
  const result: Compared<T> = {
    rows: { insert: [], update: [], retire: [] },
    added: [],
    reinstated: [],
    changed: [],
    retired: [],
    idOf: new Map(stored.map((s) => [key(s.value), s.id])),
  };
  for (const value of incoming) {
    const k = key(value);
    if (seen.has(k)) continue;
    seen.add(k);
    const hash = contentHash(value);
    const known = byKey.get(k);
    if (!known) {
      const id = randomUUID();
      result.idOf.set(k, id);
      result.rows.insert.push({ id, value, hash });
      result.added.push(value);
    } else if (known.retired || known.contentHash !== hash) {
      result.rows.update.push({ id: known.id, value, hash });
      if (known.retired) result.reinstated.push(value);
      else result.changed.push({ value, fields: changedFields(known.value, value) });
    }
  }
  for (const s of stored) {
    if (!s.retired && !seen.has(key(s.value))) {
      result.rows.retire.push(s.id);
      result.retired.push(s.value);
    }
  }
  return result;
}

/** "765.00" and "765" are the same price. */
function sameDecimal(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return a === b;
  const norm = (s: string) => {
    const [int = '0', frac = ''] = s.split('.');
    const i = int.replace(/^0+(?=\d)/, '');
    const f = frac.replace(/0+$/, '');
    return f === '' ? i : `${i}.${f}`;
  };
  return norm(a) === norm(b);
}

function samePrice(a: PriceWindow | null, b: PriceWindow | null): boolean {
  if (a === null || b === null) return a === b;
  return a.currency === b.currency && sameDecimal(a.cost, b.cost) && sameDecimal(a.list, b.list);
}

function at<W extends PriceWindow>(windows: readonly W[], day: string): W | null {
  return windows.find((w) => w.from <= day && (w.to === null || w.to > day)) ?? null;
}

export interface SeriesPlan {
  supersede: string[];
  close: { id: string; to: string }[];
  insert: PriceWindow[];
  changes: { effectiveDate: string; before: PriceWindow | null; after: PriceWindow | null }[];
}

/**
 * Brings a stored price timeline in line with a published one from `horizonFrom` on (see the
 * header); null when they already agree.
 */
export function planPriceSeries(
  stored: readonly StoredPrice[],
  published: readonly PriceWindow[],
  horizonFrom: string,
): SeriesPlan | null {
  const live = (w: PriceWindow) => w.to === null || w.to > horizonFrom;
  const clip = <W extends PriceWindow>(w: W): W => (w.from < horizonFrom ? { ...w, from: horizonFrom } : w);
  const mine = stored.filter(live).map(clip);
  const theirs = published.filter(live).map(clip);
  const breakpoints = [
    ...new Set([
      horizonFrom,
      ...[...mine, ...theirs].flatMap((w) => (w.to === null ? [w.from] : [w.from, w.to])),
    ]),
  ].sort();
  const differing = breakpoints.filter((day) => !samePrice(at(mine, day), at(theirs, day)));
  const first = differing[0];
  if (first === undefined) return null;
  return {
    supersede: stored.filter((w) => w.from >= first).map((w) => w.id),
    close: stored
      .filter((w) => w.from < first && (w.to === null || w.to > first))
      .map((w) => ({ id: w.id, to: first })),
    insert: theirs
      .filter((w) => w.to === null || w.to > first)
      .map((w) => (w.from < first ? { ...w, from: first } : w)),
    changes: differing.map((day) => ({ effectiveDate: day, before: at(mine, day), after: at(theirs, day) })),
  };
}

export function planCatalogSync(stored: StoredCatalog, snapshot: CatalogSnapshot, today: string): SyncPlan {
  const initial = stored.products.length === 0 && stored.meters.length === 0;
  const warnings: string[] = [];
  const changes: ChangeEntry[] = [];
  const log = (entry: ChangeEntry) => {
    if (!initial) changes.push(entry);
  };

  const products = compareRows(stored.products, snapshot.products, productKey);
  const skus = compareRows(stored.skus, snapshot.skus, skuKey);
  const offers = compareRows(stored.offers, snapshot.offers, offerKey);
  const meters = snapshot.meters === null ? null : compareRows(stored.meters, snapshot.meters, meterKey);

  const productTitle = new Map<string, string>([
    ...stored.products.map((p) => [p.value.productId, p.value.title] as const),
    ...snapshot.products.map((p) => [p.productId, p.title] as const),
  ]);
  for (const p of products.added)
    log({ kind: 'product_added', productId: p.productId, title: p.title, effectiveDate: today });
  for (const p of products.reinstated) {
    log({
      kind: 'product_added',
      productId: p.productId,
      title: p.title,
      effectiveDate: today,
      details: { reinstated: true },
    });
  }
  for (const { value: p, fields } of products.changed) {
    log({
      kind: 'product_changed',
      productId: p.productId,
      title: p.title,
      effectiveDate: today,
      details: fields,
    });
  }
  for (const p of products.retired)
    log({ kind: 'product_retired', productId: p.productId, title: p.title, effectiveDate: today });

  // Offer entries are only written for SKUs that neither came nor went in this sync: a new or
  // retired SKU says it for all its offers.
  const skuMoved = new Set<string>();
  const skuTitle = (s: SnapshotSku) =>
    s.title === productTitle.get(s.productId)
      ? s.title
      : `${productTitle.get(s.productId) ?? s.productId} — ${s.title}`;
  for (const s of skus.added) {
    skuMoved.add(skuKey(s));
    log({
      kind: 'sku_added',
      productId: s.productId,
      skuId: s.skuId,
      title: skuTitle(s),
      effectiveDate: today,
    });
  }
  for (const s of skus.reinstated) {
    skuMoved.add(skuKey(s));
    log({
      kind: 'sku_added',
      productId: s.productId,
      skuId: s.skuId,
      title: skuTitle(s),
      effectiveDate: today,
      details: { reinstated: true },
    });
  }
  for (const { value: s, fields } of skus.changed) {
    log({
      kind: 'sku_changed',
      productId: s.productId,
      skuId: s.skuId,
      title: skuTitle(s),
      effectiveDate: today,
      details: fields,
    });
  }
  for (const s of skus.retired) {
    skuMoved.add(skuKey(s));
    log({
      kind: 'sku_retired',
      productId: s.productId,
      skuId: s.skuId,
      title: skuTitle(s),
      effectiveDate: today,
    });
  }
  const skuTitles = new Map<string, string>();
  for (const s of [...stored.skus.map((x) => x.value), ...snapshot.skus])
    skuTitles.set(skuKey(s), skuTitle(s));
  const offerEntry = (o: SnapshotOffer) => ({
    productId: o.productId,
    skuId: o.skuId,
    catalogItemId: o.catalogItemId,
    term: o.term,
    billingCycle: o.billingCycle,
    title: skuTitles.get(skuKey(o)) ?? o.catalogItemId,
    effectiveDate: today,
  });
  for (const o of offers.added) if (!skuMoved.has(skuKey(o))) log({ kind: 'offer_added', ...offerEntry(o) });
  for (const o of offers.reinstated) {
    if (!skuMoved.has(skuKey(o)))
      log({ kind: 'offer_added', ...offerEntry(o), details: { reinstated: true } });
  }
  for (const { value: o, fields } of offers.changed)
    log({ kind: 'offer_changed', ...offerEntry(o), details: fields });
  for (const o of offers.retired)
    if (!skuMoved.has(skuKey(o))) log({ kind: 'offer_retired', ...offerEntry(o) });

  if (meters) {
    for (const m of meters.added)
      log({
        kind: 'meter_added',
        meterId: m.meterId,
        title: m.name,
        effectiveDate: today,
        details: { category: m.category },
      });
    for (const m of meters.reinstated) {
      log({
        kind: 'meter_added',
        meterId: m.meterId,
        title: m.name,
        effectiveDate: today,
        details: { reinstated: true },
      });
    }
    for (const { value: m, fields } of meters.changed)
      log({
        kind: 'meter_changed',
        meterId: m.meterId,
        title: m.name,
        effectiveDate: today,
        details: fields,
      });
    for (const m of meters.retired)
      log({ kind: 'meter_retired', meterId: m.meterId, title: m.name, effectiveDate: today });
  }

  // Prices: every offer (stored or new, retired or not) that a series names, in its market.
  const prices: PriceChanges = {
    supersedeOffer: [],
    closeOffer: [],
    supersedeMeter: [],
    closeMeter: [],
    insertOffer: [],
    insertMeter: [],
  };
  const offerRows = new Map<
    string,
    { id: string; value: SnapshotOffer; isNew: boolean; retiring: boolean }[]
  >();
  const retiring = new Set(offers.rows.retire);
  const addOfferRow = (id: string, value: SnapshotOffer, isNew: boolean) => {
    const k = `${value.productId}|${value.skuId}|${value.term}|${value.billingCycle}|${value.segment}`;
    const list = offerRows.get(k) ?? [];
    list.push({ id, value, isNew, retiring: retiring.has(id) });
    offerRows.set(k, list);
  };
  const incomingOffers = new Map(snapshot.offers.map((o) => [offerKey(o), o]));
  for (const s of stored.offers) addOfferRow(s.id, incomingOffers.get(offerKey(s.value)) ?? s.value, false);
  for (const o of offers.rows.insert) addOfferRow(o.id, o.value, true);

  for (const [market, read] of snapshot.offerPrices) {
    let unmatched = 0;
    for (const series of read.series) {
      const k = `${series.productId}|${series.skuId}|${series.term}|${series.billingCycle}|${series.segment}`;
      const targets = (offerRows.get(k) ?? []).filter((o) => o.value.countries.includes(series.market));
      if (targets.length === 0) {
        unmatched += 1;
        continue;
      }
      for (const target of targets) {
        const plan = planPriceSeries(
          stored.offerPrices.get(`${target.id}|${series.market}`) ?? [],
          series.windows,
          read.horizonFrom,
        );
        if (!plan) continue;
        prices.supersedeOffer.push(...plan.supersede);
        prices.closeOffer.push(...plan.close);
        prices.insertOffer.push(
          ...plan.insert.map((w) => ({ ...w, offerId: target.id, market: series.market })),
        );
        if (target.isNew || skuMoved.has(skuKey(target.value))) continue;
        for (const c of plan.changes) {
          // A retiring offer's price ends with it: the retirement entry says so.
          if (c.after === null && target.retiring) continue;
          log({
            kind: 'price_changed',
            ...offerEntry(target.value),
            market: series.market,
            currency: c.after?.currency ?? c.before?.currency,
            oldCost: c.before?.cost ?? null,
            newCost: c.after?.cost ?? null,
            oldList: c.before?.list ?? null,
            newList: c.after?.list ?? null,
            effectiveDate: c.effectiveDate,
          });
        }
      }
    }
    if (unmatched > 0) warnings.push(`${market}: ${unmatched} price series name no known offer`);
  }

  if (meters && snapshot.meterPrices) {
    const addedMeters = new Set(meters.added.map(meterKey));
    const meterNames = new Map(snapshot.meters?.map((m) => [m.meterId, m.name]) ?? []);
    for (const series of snapshot.meterPrices.series) {
      const rowId = meters.idOf.get(series.meterId);
      if (!rowId) continue;
      const plan = planPriceSeries(
        stored.meterPrices.get(`${rowId}|${series.currency}`) ?? [],
        series.windows,
        snapshot.meterPrices.horizonFrom,
      );
      if (!plan) continue;
      prices.supersedeMeter.push(...plan.supersede);
      prices.closeMeter.push(...plan.close);
      prices.insertMeter.push(...plan.insert.map((w) => ({ ...w, meterRowId: rowId })));
      if (addedMeters.has(series.meterId)) continue;
      for (const c of plan.changes) {
        log({
          kind: 'meter_price_changed',
          meterId: series.meterId,
          title: meterNames.get(series.meterId) ?? series.meterId,
          currency: series.currency,
          oldCost: c.before?.cost ?? null,
          newCost: c.after?.cost ?? null,
          oldList: c.before?.list ?? null,
          newList: c.after?.list ?? null,
          effectiveDate: c.effectiveDate,
        });
      }
    }
  }

  if (initial && snapshot.products.length > 0) {
    changes.push({
      kind: 'catalog_imported',
      title: 'Catalog imported from Partner Center',
      effectiveDate: today,
      details: {
        markets: snapshot.markets,
        products: products.rows.insert.length,
        skus: skus.rows.insert.length,
        offers: offers.rows.insert.length,
        prices: prices.insertOffer.length,
        meters: meters?.rows.insert.length ?? 0,
        meterPrices: prices.insertMeter.length,
      },
    });
  }

  return {
    initial,
    products: products.rows,
    skus: skus.rows,
    offers: offers.rows,
    meters: meters?.rows ?? { insert: [], update: [], retire: [] },
    prices,
    changes,
    warnings,
  };
}

/** Rows the plan writes: 0 means the sync changed nothing. */
export function plannedWrites(plan: SyncPlan): number {
  const rows = (r: RowChanges<unknown>) => r.insert.length + r.update.length + r.retire.length;
  return (
    rows(plan.products) +
    rows(plan.skus) +
    rows(plan.offers) +
    rows(plan.meters) +
    plan.prices.supersedeOffer.length +
    plan.prices.closeOffer.length +
    plan.prices.supersedeMeter.length +
    plan.prices.closeMeter.length +
    plan.prices.insertOffer.length +
    plan.prices.insertMeter.length +
    plan.changes.length
  );
}
