import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogSyncJob } from '../../packages/server/src/modules/catalog/catalog-sync.job.ts';
import { providersDueForSync } from '../../packages/server/src/modules/catalog/sync-settings.ts';
import { json, loginAs } from '../support/http.ts';
import { type CatalogWorld, type ErrorBody, rowCounts, startCatalogWorld, sync } from './support.ts';

interface Change {
  kind: string;
  productId: string | null;
  skuId: string | null;
  term: string | null;
  billingCycle: string | null;
  market: string | null;
  currency: string | null;
  oldCost: string | null;
  newCost: string | null;
  oldListPrice: string | null;
  newListPrice: string | null;
  effectiveDate: string | null;
  syncId: string;
  details: Record<string, unknown>;
}

interface Price {
  market: string | null;
  currency: string;
  listPrice: string | null;
  cost: string | null;
  effectiveFrom: string | null;
  effectiveTo: string | null;
}

interface Item {
  id: string;
  source: string;
  vendor: string;
  productFamily: string;
  productId: string;
  skuId: string | null;
  title: string;
  retiredAt: string | null;
  offers: {
    term: string;
    billingCycle: string;
    segment: string | null;
    countries: string[];
    prices: Price[];
  }[];
}

let w: CatalogWorld;

beforeAll(async () => {
  w = await startCatalogWorld();
});
afterAll(async () => w?.close());

const changes = async () =>
  (await json<{ items: Change[] }>(await w.provider.get('/api/v1/catalog/changes?limit=200'))).items;

const BASIC = { productId: 'CFQ7TTC0LH18', skuId: '0001' };
const STANDARD = { productId: 'CFQ7TTC0LDPB', skuId: '0001' };

describe('catalog sync against the emulator', () => {
  it('imports products, SKUs, offers, prices and meters of every market on the first run', async () => {
    const first = await sync(w.provider);
    expect(first.initial).toBe(true);
    expect(first.markets).toEqual(['JP', 'DE']);
    expect(first.read.products).toBeGreaterThan(30);
    expect(first.read.meters).toBeGreaterThan(10);
    const counts = await rowCounts(w.server);
    expect(counts.catalog_products).toBe(first.read.products);
    expect(counts.catalog_skus).toBe(first.read.skus);
    expect(counts.catalog_offers).toBe(first.read.offers);
    // One open-ended price per offer and market: the two months read have the same prices.
    expect(counts.catalog_prices).toBe(first.read.priceSeries);
    // The first import is one entry, not hundreds.
    expect((await changes()).map((c) => c.kind)).toEqual(['catalog_imported']);

    const db = w.server.deps.database.db;
    const basic = await db
      .selectFrom('catalog_offers as o')
      .innerJoin('catalog_prices as p', 'p.offer_id', 'o.id')
      .select([
        'o.term',
        'o.billing_cycle',
        'o.catalog_item_id',
        'p.market',
        'p.cost',
        'p.list_price',
        'p.effective_from',
        'p.effective_to',
      ])
      .where('o.product_id', '=', BASIC.productId)
      .where('p.market', '=', 'JP')
      .orderBy('o.term')
      .orderBy('o.billing_cycle')
      .execute();
    expect(
      basic.map((p) => [p.term, p.billing_cycle, p.cost, p.list_price, p.effective_from, p.effective_to]),
    ).toEqual([
      ['P1M', 'monthly', '918', '1080', '2025-01-01', null],
      ['P1Y', 'annual', '9180', '10800', '2025-01-01', null],
      ['P1Y', 'monthly', '765', '900', '2025-01-01', null],
    ]);
    expect(basic[0]!.catalog_item_id).toMatch(/^CFQ7TTC0LH18:0001:/);
  });

  it('writes nothing when nothing changed', async () => {
    const before = await rowCounts(w.server);
    const db = w.server.deps.database.db;
    const stamp = async () =>
      (await sql<{ t: string }>`SELECT max(changed_at)::text AS t FROM catalog_offers`.execute(db)).rows[0]!
        .t;
    const changedAt = await stamp();
    const again = await sync(w.provider);
    expect(again).toMatchObject({ syncId: null, initial: false, written: 0, changes: {} });
    expect(await rowCounts(w.server)).toEqual(before);
    expect(await stamp()).toBe(changedAt);
  });

  it('records a price change, a retired SKU and a new SKU from Microsoft, then nothing more', async () => {
    await w.emulator('/catalog/price-change', {
      ...BASIC,
      currency: 'JPY',
      newUnitPrice: '800',
      effectiveDate: '2025-02-01',
    });
    await w.emulator('/catalog/retire', STANDARD);
    await w.emulator('/catalog/add-sku', {
      productId: 'CFQ7TTC0ZZ01',
      skuId: '0001',
      title: 'Contoso Archiving',
      unitPrice: '3.00',
    });
    const before = await rowCounts(w.server);
    const result = await sync(w.provider);
    expect(result.changes).toEqual({
      price_changed: 3,
      sku_retired: 1,
      sku_added: 1,
      product_retired: 1,
      product_added: 1,
    });
    const after = await rowCounts(w.server);
    // The new SKU: 1 product, 1 SKU, 3 offers with a price in each of the 2 markets; the price
    // change: 3 new prices (the old ones are closed, not replaced); 7 change-log entries; 1 audit.
    expect(after).toEqual({
      ...before,
      catalog_products: before.catalog_products + 1,
      catalog_skus: before.catalog_skus + 1,
      catalog_offers: before.catalog_offers + 3,
      catalog_prices: before.catalog_prices + 6 + 3,
      catalog_changes: before.catalog_changes + 7,
      audit_log: before.audit_log + 1,
    });

    const log = (await changes()).filter((c) => c.syncId === result.syncId);
    const prices = log.filter((c) => c.kind === 'price_changed');
    expect(
      prices.map((c) => [
        c.term,
        c.billingCycle,
        c.market,
        c.oldCost,
        c.newCost,
        c.oldListPrice,
        c.newListPrice,
        c.effectiveDate,
      ]),
    ).toEqual(
      expect.arrayContaining([
        ['P1Y', 'monthly', 'JP', '765', '800', '900', '941', '2025-02-01'],
        ['P1Y', 'annual', 'JP', '9180', '9600', '10800', '11292', '2025-02-01'],
        ['P1M', 'monthly', 'JP', '918', '960', '1080', '1129', '2025-02-01'],
      ]),
    );
    expect(log.find((c) => c.kind === 'sku_retired')).toMatchObject({
      ...STANDARD,
      effectiveDate: '2025-01-15',
    });
    expect(log.find((c) => c.kind === 'sku_added')).toMatchObject({
      productId: 'CFQ7TTC0ZZ01',
      skuId: '0001',
    });

    // History stays: January at the old price, February on at the new one.
    const db = w.server.deps.database.db;
    const timeline = await db
      .selectFrom('catalog_prices as p')
      .innerJoin('catalog_offers as o', 'o.id', 'p.offer_id')
      .select(['p.cost', 'p.effective_from', 'p.effective_to'])
      .where('o.product_id', '=', BASIC.productId)
      .where('o.term', '=', 'P1Y')
      .where('o.billing_cycle', '=', 'monthly')
      .where('p.market', '=', 'JP')
      .orderBy('p.effective_from')
      .execute();
    expect(timeline).toEqual([
      { cost: '765', effective_from: '2025-01-01', effective_to: '2025-02-01' },
      { cost: '800', effective_from: '2025-02-01', effective_to: null },
    ]);

    const third = await sync(w.provider);
    expect(third.written).toBe(0);
    expect(await rowCounts(w.server)).toEqual(after);
  });

  it('keeps a retired SKU readable, out of the default search', async () => {
    const search = await json<{ items: Item[] }>(
      await w.provider.get(`/api/v1/catalog/products?q=${STANDARD.productId}`),
    );
    expect(search.items).toEqual([]);
    const withRetired = await json<{ items: Item[] }>(
      await w.provider.get(`/api/v1/catalog/products?q=${STANDARD.productId}&includeRetired=true`),
    );
    expect(withRetired.items).toHaveLength(1);
    const retired = withRetired.items[0]!;
    expect(retired.retiredAt).toBe('2025-01-15T09:00:00.000Z');
    const byId = await json<Item>(await w.resellerA.get(`/api/v1/catalog/products/${retired.id}`));
    expect(byId).toMatchObject({ productId: STANDARD.productId, retiredAt: retired.retiredAt });
    expect(byId.offers.length).toBeGreaterThan(0);
  });

  it('replaces a future price that Microsoft revises before it takes effect, keeping the row', async () => {
    await w.emulator('/catalog/price-change', {
      ...BASIC,
      currency: 'JPY',
      newUnitPrice: '790',
      effectiveDate: '2025-02-01',
    });
    const result = await sync(w.provider);
    expect(result.changes).toEqual({ price_changed: 3 });
    const db = w.server.deps.database.db;
    const rows = await db
      .selectFrom('catalog_prices as p')
      .innerJoin('catalog_offers as o', 'o.id', 'p.offer_id')
      .select(['p.cost', 'p.effective_from', 'p.effective_to', 'p.superseded_at'])
      .where('o.product_id', '=', BASIC.productId)
      .where('o.term', '=', 'P1Y')
      .where('o.billing_cycle', '=', 'monthly')
      .where('p.market', '=', 'JP')
      .orderBy('p.id')
      .execute();
    expect(rows.map((r) => [r.cost, r.effective_from, r.effective_to, r.superseded_at !== null])).toEqual([
      ['765', '2025-01-01', '2025-02-01', false],
      ['800', '2025-02-01', null, true],
      ['790', '2025-02-01', null, false],
    ]);
    const entry = (await changes()).find(
      (c) => c.syncId === result.syncId && c.term === 'P1Y' && c.billingCycle === 'monthly',
    );
    expect(entry).toMatchObject({ oldCost: '800', newCost: '790', effectiveDate: '2025-02-01' });
    expect((await sync(w.provider)).written).toBe(0);
  });

  it('shows Microsoft’s cost to the provider only', async () => {
    const find = async (caller: typeof w.provider) =>
      (
        await json<{ items: Item[] }>(
          await caller.get('/api/v1/catalog/products?q=Business%20Basic&market=JP'),
        )
      ).items.find((i) => i.productId === BASIC.productId)!;
    const asProvider = await find(w.provider);
    const monthly = (item: Item) =>
      item.offers.find((o) => o.term === 'P1Y' && o.billingCycle === 'monthly')!.prices;
    expect(monthly(asProvider).map((p) => [p.cost, p.listPrice, p.effectiveFrom])).toEqual([
      ['765', '900', '2025-01-01'],
      ['790', '929', '2025-02-01'],
    ]);
    for (const caller of [w.resellerA, w.resellerASub, w.customerA]) {
      const item = await find(caller);
      expect(monthly(item).map((p) => [p.cost, p.listPrice])).toEqual([
        [null, '900'],
        [null, '929'],
      ]);
    }
    const log = await json<{ items: Change[] }>(
      await w.resellerA.get('/api/v1/catalog/changes?kind=price_changed'),
    );
    expect(log.items.length).toBeGreaterThan(0);
    expect(log.items.every((c) => c.oldCost === null && c.newCost === null && c.newListPrice !== null)).toBe(
      true,
    );
  });

  it('searches and filters by vendor, family, segment, term, billing cycle, market and text, with a cursor', async () => {
    const list = async (query: string) =>
      await json<{ items: Item[]; nextCursor: string | null }>(
        await w.provider.get(`/api/v1/catalog/products?${query}`),
      );
    const dynamics = await list('productFamily=Dynamics%20365&limit=200');
    expect(dynamics.items.length).toBeGreaterThan(1);
    expect(dynamics.items.every((i) => i.productFamily === 'Dynamics 365' && i.vendor === 'Microsoft')).toBe(
      true,
    );
    const triennial = await list('term=P3Y&billingCycle=triennial&limit=200');
    expect(triennial.items.length).toBeGreaterThan(0);
    expect(
      triennial.items.every((i) => i.offers.some((o) => o.term === 'P3Y' && o.billingCycle === 'triennial')),
    ).toBe(true);
    expect((await list('segment=education')).items).toEqual([]);
    expect((await list('segment=commercial&limit=1')).items).toHaveLength(1);
    const azure = await list('billingCycle=usage');
    expect(azure.items.map((i) => i.productFamily)).toEqual(['Azure']);
    expect((await list('q=copilot')).items.map((i) => i.title)).toEqual(['Microsoft 365 Copilot']);
    const de = await list('market=DE&q=Business%20Basic');
    expect(de.items[0]!.offers[0]!.prices.every((p) => p.market === 'DE' && p.currency === 'EUR')).toBe(true);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Item[]; nextCursor: string | null } = await list(
        `limit=7${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.items.length).toBeLessThanOrEqual(7);
      seen.push(...page.items.map((i) => `${i.title}\u0000${i.id}`));
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual([...seen].sort());
    const total = (await list('limit=200')).items.length;
    expect(seen).toHaveLength(total);
  });

  it('lists Azure meters with their pay-as-you-go rates', async () => {
    const meters = await json<{ items: { name: string; category: string; prices: Price[] }[] }>(
      await w.resellerA.get('/api/v1/catalog/azure-meters?category=Virtual%20Machines&limit=200'),
    );
    expect(meters.items.length).toBeGreaterThan(0);
    expect(meters.items.every((m) => m.category === 'Virtual Machines')).toBe(true);
    expect(meters.items[0]!.prices[0]).toMatchObject({ currency: 'USD', cost: null });
  });

  it('lets only the provider sync and configure the sync', async () => {
    for (const caller of [w.resellerA, w.customerA]) {
      expect((await caller.post('/api/v1/catalog/sync')).status).toBe(403);
      expect((await caller.put('/api/v1/catalog/sync-settings', { hourOfDay: 4 })).status).toBe(403);
    }
    const settings = await json<{ hourOfDay: number; effectiveMarkets: string[]; version: number }>(
      await w.provider.get('/api/v1/catalog/sync-settings'),
    );
    expect(settings).toMatchObject({ hourOfDay: 3, effectiveMarkets: ['JP', 'DE'], version: 0 });
    const bad = await w.provider.put('/api/v1/catalog/sync-settings', { markets: ['japan'] });
    expect((await json<ErrorBody>(bad)).error.code).toBe('validation_failed');
    const saved = await json<{ hourOfDay: number; markets: string[] }>(
      await w.provider.put('/api/v1/catalog/sync-settings', { hourOfDay: 18, markets: ['JP', 'DE'] }),
    );
    expect(saved).toMatchObject({ hourOfDay: 18, markets: ['JP', 'DE'] });
  });

  it('runs the daily job for the providers whose local hour has come', async () => {
    const db = w.server.deps.database.db;
    // 18:00 in Tokyo is 09:00 UTC.
    expect(await providersDueForSync(db, new Date('2025-01-15T09:10:00Z'))).toEqual([w.orgs.provider]);
    expect(await providersDueForSync(db, new Date('2025-01-15T10:10:00Z'))).toEqual([]);
    const before = await rowCounts(w.server);
    await catalogSyncJob(w.server.deps).run({}, { id: 'test', attempt: 0 });
    expect(await rowCounts(w.server)).toEqual(before);
  });

  it('applies a price change effective mid-month from that day', async () => {
    await w.setNow('2025-01-20T09:00:00Z');
    // Sessions expire on the application's clock: sign in again five days later.
    const provider = await loginAs(w.server.url, 'admin@demo-distributor.test');
    await w.emulator('/catalog/price-change', {
      productId: 'CFQ7TTC0LF8Q',
      skuId: '0001',
      currency: 'EUR',
      newUnitPrice: '20.00',
      effectiveDate: '2025-01-20',
    });
    const result = await sync(provider);
    expect(result.changes.price_changed).toBeGreaterThan(0);
    const log = await json<{ items: Change[] }>(
      await provider.get('/api/v1/catalog/changes?kind=price_changed'),
    );
    const entry = log.items.find(
      (c) =>
        c.syncId === result.syncId && c.market === 'DE' && c.term === 'P1Y' && c.billingCycle === 'monthly',
    );
    expect(entry).toMatchObject({ currency: 'EUR', newCost: '20.00', effectiveDate: '2025-01-20' });
    expect((await sync(provider)).written).toBe(0);
  });
});
