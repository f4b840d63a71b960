import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DemoPresetResult,
  presetDemoCatalog,
} from '../../packages/server/src/modules/price-books/demo-price-books.ts';
import { json } from '../support/http.ts';
import { type CatalogWorld, startCatalogWorld } from './support.ts';

// What `cspc start` presets on first start: a synced catalog, a change log after emulated
// Microsoft changes, own products and a price book for the provider and each reseller.

let w: CatalogWorld;
let preset: DemoPresetResult;

beforeAll(async () => {
  w = await startCatalogWorld(1);
  preset = await presetDemoCatalog(w.server.deps, w.orgs, w.emu.url);
});
afterAll(async () => w?.close());

interface Quote {
  unitPrice: string;
  currency: string;
  tiers: { sellerId: string; sale: string }[];
}

const quote = async (query: string) => {
  const response = await w.provider.get(`/api/v1/price-quotes?${query}`);
  expect(response.status, await response.clone().text()).toBe(200);
  return json<Quote>(response);
};

describe('the demo preset', () => {
  it('syncs the catalog, then records the emulated Microsoft changes', async () => {
    expect(preset.first).toMatchObject({ initial: true, markets: ['JP', 'DE'] });
    expect(preset.second?.changes).toEqual({
      price_changed: 3,
      sku_added: 1,
      sku_retired: 1,
      product_added: 1,
      product_retired: 1,
    });
    const log = await json<{ items: { kind: string; title: string; effectiveDate: string }[] }>(
      await w.resellerA.get('/api/v1/catalog/changes'),
    );
    expect(log.items.find((c) => c.kind === 'sku_retired')?.title).toBe('Contoso Legacy Archiving');
    expect(log.items.find((c) => c.kind === 'sku_added')?.title).toBe('Microsoft 365 Copilot Chat Pro');
    expect(log.items.find((c) => c.kind === 'price_changed')?.effectiveDate).toBe('2025-02-01');
  });

  it('has a price book for the provider and each reseller, and own products', async () => {
    const books = await json<{ items: { sellerName: string; ruleCount: number }[] }>(
      await w.provider.get('/api/v1/price-books'),
    );
    expect(books.items.map((b) => [b.sellerName, b.ruleCount > 0])).toEqual([
      ['Demo Distributor', true],
      ['Reseller A', true],
      ['Reseller A Sub (Osaka)', true],
      ['Reseller B', true],
    ]);
    const own = await json<{ items: { name: string }[] }>(
      await w.resellerA.get('/api/v1/catalog/own-products'),
    );
    expect(own.items.map((p) => p.name)).toEqual([
      'Managed Backup',
      'Microsoft 365 Setup',
      'Premium Support 24/7',
      'Reseller A Helpdesk',
    ]);
  });

  it('prices the demo channels', async () => {
    const sku = 'sku=CFQ7TTC0LH18:0001&term=P1Y&billingCycle=monthly';
    // Direct customer: list price.
    expect((await quote(`${sku}&customer=${w.orgs['customer-b']}`)).unitPrice).toBe('900');
    // Contoso Japan, Reseller A's customer-specific rule: list −5%.
    expect((await quote(`${sku}&customer=${w.orgs['customer-a']}`)).unitPrice).toBe('855');
    // Through the sub-reseller: 765 × 1.08 → 826; list −3% → 873; + 5% → 917.
    const d = await quote(`${sku}&customer=${w.orgs['customer-d']}`);
    expect(d.tiers.map((t) => t.sale)).toEqual(['826', '873', '917']);
    // Reseller B's German customer pays euros.
    expect((await quote(`${sku}&customer=${w.orgs['customer-c']}`)).currency).toBe('EUR');
    // Azure usage in yen at the demo's USD→JPY rate.
    const meters = await json<{ items: { meterId: string }[] }>(
      await w.provider.get('/api/v1/catalog/azure-meters?limit=1'),
    );
    const azure = await quote(
      `meter=${meters.items[0]!.meterId}&customer=${w.orgs['customer-d']}&quantity=10`,
    );
    expect(azure.currency).toBe('JPY');
    expect(azure.tiers).toHaveLength(3);
  });

  it('lists Reseller A’s deliberate Azure loss leader among the warnings', async () => {
    const warnings = await json<{ items: { sellerName: string; ruleName: string; allowed: boolean }[] }>(
      await w.provider.get('/api/v1/price-books/warnings?limit=200'),
    );
    expect(warnings.items.length).toBeGreaterThan(0);
    expect(
      warnings.items.every(
        (x) => x.allowed && x.ruleName === 'Azure at pay-as-you-go −2% (loss leader, PEC expected)',
      ),
    ).toBe(true);
  });
});
