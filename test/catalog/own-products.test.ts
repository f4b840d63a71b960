import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json } from '../support/http.ts';
import { type CatalogWorld, type ErrorBody, startCatalogWorld } from './support.ts';

interface OwnProduct {
  id: string;
  sellerId: string;
  vendor: string;
  name: string;
  billingModel: string;
  unit: string;
  currency: string;
  editable: boolean;
  version: number;
  retiredAt: string | null;
  offers: { term: string; billingCycle: string; unitPrice: string; cost: string | null }[];
}

let w: CatalogWorld;

beforeAll(async () => {
  w = await startCatalogWorld(31);
});
afterAll(async () => w?.close());

describe('own products', () => {
  let support: OwnProduct;
  let helpdesk: OwnProduct;

  it('creates recurring, one-time and usage-based products with any vendor', async () => {
    const created = await w.provider.post('/api/v1/catalog/own-products', {
      name: 'Security Monitoring',
      vendor: 'Trend Micro',
      productFamily: 'Security',
      billingModel: 'recurring',
      unit: 'device',
      offers: [
        { term: 'P1M', billingCycle: 'monthly', unitPrice: '1200', cost: '700' },
        { term: 'P1Y', billingCycle: 'annual', unitPrice: '13200', cost: '8400' },
      ],
    });
    expect(created.status).toBe(201);
    support = await json<OwnProduct>(created);
    expect(support).toMatchObject({
      sellerId: w.orgs.provider,
      vendor: 'Trend Micro',
      currency: 'JPY',
      editable: true,
      version: 1,
      offers: [
        { term: 'P1M', billingCycle: 'monthly', unitPrice: '1200', cost: '700' },
        { term: 'P1Y', billingCycle: 'annual', unitPrice: '13200', cost: '8400' },
      ],
    });
    const setup = await w.provider.post('/api/v1/catalog/own-products', {
      name: 'Tenant Setup',
      billingModel: 'one_time',
      offers: [{ term: 'none', billingCycle: 'one_time', unitPrice: '150000', cost: '80000' }],
    });
    expect(await json(setup)).toMatchObject({ vendor: 'Demo Distributor', unit: 'licence' });
    const backup = await w.provider.post('/api/v1/catalog/own-products', {
      name: 'Backup storage',
      billingModel: 'usage',
      unit: 'GB',
      offers: [{ term: 'none', billingCycle: 'usage', unitPrice: '12.5', cost: '7' }],
    });
    expect(backup.status).toBe(201);
    helpdesk = await json<OwnProduct>(
      await w.resellerA.post('/api/v1/catalog/own-products', {
        name: 'Helpdesk',
        billingModel: 'recurring',
        offers: [{ term: 'P1M', billingCycle: 'monthly', unitPrice: '800', cost: '450' }],
      }),
    );
    expect(helpdesk.sellerId).toBe(w.orgs['reseller-a']);
  });

  it('refuses terms that do not fit the billing model, and customers as sellers', async () => {
    const bad = await w.provider.post('/api/v1/catalog/own-products', {
      name: 'Odd',
      billingModel: 'recurring',
      offers: [{ term: 'none', billingCycle: 'one_time', unitPrice: '1', cost: '0' }],
    });
    expect(bad.status).toBe(400);
    expect((await json<ErrorBody>(bad)).error.code).toBe('validation_failed');
    const customer = await w.provider.post('/api/v1/catalog/own-products', {
      sellerId: w.orgs['customer-b'],
      name: 'Nope',
      billingModel: 'one_time',
      offers: [{ term: 'none', billingCycle: 'one_time', unitPrice: '1', cost: '0' }],
    });
    expect((await json<ErrorBody>(customer)).error.code).toBe('invalid_seller');
    expect(
      (
        await w.customerA.post('/api/v1/catalog/own-products', {
          name: 'Nope',
          billingModel: 'one_time',
          offers: [{ term: 'none', billingCycle: 'one_time', unitPrice: '1', cost: '0' }],
        })
      ).status,
    ).toBe(403);
  });

  it('shows a seller’s products to the organisations below it, without their cost', async () => {
    const asSub = await json<OwnProduct>(
      await w.resellerASub.get(`/api/v1/catalog/own-products/${support.id}`),
    );
    expect(asSub.editable).toBe(false);
    expect(asSub.offers.every((o) => o.cost === null)).toBe(true);
    const asProvider = await json<OwnProduct>(
      await w.provider.get(`/api/v1/catalog/own-products/${helpdesk.id}`),
    );
    expect(asProvider.offers[0]!.cost).toBe('450');
    // Reseller B neither sees nor changes Reseller A's products.
    expect((await w.resellerB.get(`/api/v1/catalog/own-products/${helpdesk.id}`)).status).toBe(404);
    expect(
      (await w.resellerB.patch(`/api/v1/catalog/own-products/${helpdesk.id}`, { name: 'x' })).status,
    ).toBe(404);
    expect((await w.resellerB.delete(`/api/v1/catalog/own-products/${helpdesk.id}`)).status).toBe(404);
    // Reseller A cannot change the provider's product it resells.
    expect(
      (await w.resellerA.patch(`/api/v1/catalog/own-products/${support.id}`, { name: 'x' })).status,
    ).toBe(403);
    const list = await json<{ items: OwnProduct[] }>(await w.resellerB.get('/api/v1/catalog/own-products'));
    expect(list.items.map((p) => p.sellerId).every((id) => id === w.orgs.provider)).toBe(true);
    // In the catalog search, a customer sees its sellers' services with their list prices.
    const catalog = await json<{
      items: {
        source: string;
        title: string;
        sellerId: string;
        offers: { prices: { cost: string | null }[] }[];
      }[];
    }>(await w.customerA.get('/api/v1/catalog/products?source=own&limit=200'));
    expect(catalog.items.map((i) => i.title).sort()).toEqual([
      'Backup storage',
      'Helpdesk',
      'Security Monitoring',
      'Tenant Setup',
    ]);
    expect(catalog.items.every((i) => i.offers.every((o) => o.prices.every((p) => p.cost === null)))).toBe(
      true,
    );
    const security = await json<{ items: { title: string }[] }>(
      await w.customerA.get('/api/v1/catalog/products?vendor=Trend%20Micro'),
    );
    expect(security.items.map((i) => i.title)).toEqual(['Security Monitoring']);
  });

  it('edits with If-Match, retires on delete and keeps the product readable', async () => {
    const path = `/api/v1/catalog/own-products/${helpdesk.id}`;
    const edited = await w.resellerA.patch(
      path,
      { offers: [{ term: 'P1M', billingCycle: 'monthly', unitPrice: '900', cost: '450' }] },
      { 'if-match': '"1"' },
    );
    expect(await json(edited)).toMatchObject({ version: 2, offers: [{ unitPrice: '900' }] });
    expect((await w.resellerA.patch(path, { name: 'Helpdesk Plus' }, { 'if-match': '"1"' })).status).toBe(
      412,
    );
    expect((await w.resellerA.delete(path)).status).toBe(204);
    const retired = await json<OwnProduct>(await w.resellerA.get(path));
    expect(retired.retiredAt).not.toBeNull();
    const list = await json<{ items: OwnProduct[] }>(await w.resellerA.get('/api/v1/catalog/own-products'));
    expect(list.items.some((p) => p.id === helpdesk.id)).toBe(false);
    const withRetired = await json<{ items: OwnProduct[] }>(
      await w.resellerA.get('/api/v1/catalog/own-products?includeRetired=true'),
    );
    expect(withRetired.items.some((p) => p.id === helpdesk.id)).toBe(true);
  });

  it('prices an own product through the tiers below its seller', async () => {
    const rule = await w.provider.post(`/api/v1/price-books/${w.orgs.provider}/rules`, {
      name: 'Security for Reseller A: 25% off list',
      kind: 'list_discount',
      percent: '25',
      target: { kind: 'own_product', ownProductId: support.id },
      buyerScope: { kind: 'reseller_subtree', resellerId: w.orgs['reseller-a'] },
      effectiveFrom: '2025-01-01',
    });
    expect(rule.status).toBe(201);
    await w.resellerA.post(`/api/v1/price-books/${w.orgs['reseller-a']}/rules`, {
      kind: 'markup',
      percent: '10',
      target: { kind: 'vendor', vendor: 'Trend Micro' },
      buyerScope: { kind: 'all' },
      effectiveFrom: '2025-01-01',
    });
    const q = await json<{
      unitPrice: string;
      totalPerTerm: string;
      tiers: { cost: string; sale: string }[];
    }>(
      await w.resellerA.get(
        `/api/v1/price-quotes?sku=${support.id}&customer=${w.orgs['customer-a']}&quantity=3&term=P1M&billingCycle=monthly`,
      ),
    );
    // Provider → A: 1,200 × 0.75 = 900; A → Contoso: 900 × 1.10 = 990; 3 devices.
    expect(q).toMatchObject({ unitPrice: '990', totalPerTerm: '2970' });
    expect(q.tiers.map((t) => [t.cost, t.sale])).toEqual([['900', '990']]);
    // The reseller's own product starts at the reseller.
    const mine = await json<OwnProduct>(
      await w.resellerA.post('/api/v1/catalog/own-products', {
        name: 'Onboarding',
        billingModel: 'one_time',
        offers: [{ term: 'none', billingCycle: 'one_time', unitPrice: '30000', cost: '12000' }],
      }),
    );
    const onboarding = await json<{
      unitPrice: string;
      billingPeriodsPerTerm: number;
      tiers: { sellerId: string; cost: string }[];
    }>(await w.provider.get(`/api/v1/price-quotes?sku=${mine.id}&customer=${w.orgs['customer-d']}`));
    expect(onboarding.tiers.map((t) => [t.sellerId, t.cost])).toEqual([
      [w.orgs['reseller-a'], '12000'],
      [w.orgs['reseller-a-sub'], '30000'],
    ]);
    expect(onboarding).toMatchObject({ unitPrice: '30000', billingPeriodsPerTerm: 1 });
    // Reseller B's customers cannot buy Reseller A's products.
    expect(
      (await w.resellerB.get(`/api/v1/price-quotes?sku=${mine.id}&customer=${w.orgs['customer-c']}`)).status,
    ).toBe(404);
    expect(
      (await w.provider.get(`/api/v1/price-quotes?sku=${mine.id}&customer=${w.orgs['customer-c']}`)).status,
    ).toBe(404);
  });
});
