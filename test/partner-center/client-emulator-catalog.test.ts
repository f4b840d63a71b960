import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SKU_SEEDS } from '../../packages/server/src/partner-center/emulator/catalog-data.ts';
import type { RunningEmulator } from '../../packages/server/src/partner-center/emulator/server.ts';
import {
  AZURE_PLAN_PRODUCT_ID,
  AZURE_PLAN_SKU_ID,
  type PartnerCenterClient,
  type PriceSheetRow,
} from '../../packages/server/src/partner-center/index.ts';
import {
  admin,
  bootEmulator,
  COVERAGE,
  clientFor,
  collectAll,
  expectCovered,
  printSummary,
  Recorder,
  refusal,
} from './client-emulator-support.ts';

// Catalog reads (global and customer-scoped), legacy offers, rate card and the price sheet through the
// real client; admin price changes and retirements must show on the very next read.

let emu: RunningEmulator;
let pc: PartnerCenterClient;
const recorder = new Recorder();
let jpCustomerId: string;

beforeAll(async () => {
  emu = await bootEmulator(7202);
  pc = clientFor(emu, { recorder }).client;
  const linked = await admin(emu, 'POST', '/customers/northwindtraders.onmicrosoft.com/accept-relationship');
  jpCustomerId = linked.id;
});

afterAll(async () => {
  if (emu) await printSummary('catalog', recorder, emu);
  await emu?.close();
});

const ids = (items: ReadonlyArray<{ id?: string | undefined }>) => items.map((i) => i.id);
const firstSeen = (values: string[]) => [...new Set(values)];

async function sheetRows(month?: string): Promise<PriceSheetRow[]> {
  const sheet = await pc.catalog.downloadPriceSheet({ market: 'US', view: 'updatedlicensebased', month });
  expect(sheet.contentType).toBe('text/csv; charset=utf-8');
  expect(sheet.zipped).toBe(false);
  return collectAll(sheet.rows());
}

const rowOf = (rows: PriceSheetRow[], productId: string, term: string, plan: string) =>
  rows.filter((r) => r.ProductId === productId && r.TermDuration === term && r.BillingPlan === plan);

describe('client ↔ emulator: products, SKUs and availabilities', () => {
  it('lists products per target view and segment', async () => {
    const online = await pc.catalog.listProducts({ country: 'US', targetView: 'OnlineServices' });
    expect(ids(online)).toEqual(firstSeen(SKU_SEEDS.filter((s) => s.kind === 'nce').map((s) => s.productId)));
    expect(online.find((p) => p.id === 'CFQ7TTC0LH18')).toMatchObject({
      title: 'Microsoft 365 Business Basic',
      productType: { id: 'OnlineServices', displayName: 'OnlineServices' },
      isMicrosoftProduct: true,
      publisherName: 'Microsoft Corporation',
    });
    const software = await pc.catalog.listProducts({ country: 'US', targetView: 'Software' });
    expect(ids(software)).toEqual(
      firstSeen(SKU_SEEDS.filter((s) => s.kind === 'software').map((s) => s.productId)),
    );
    const azure = await pc.catalog.listProducts({ country: 'US', targetView: 'MicrosoftAzure' });
    expect(ids(azure)).toEqual([AZURE_PLAN_PRODUCT_ID]);
    const education = await pc.catalog.listProducts({
      country: 'US',
      targetView: 'OnlineServices',
      targetSegment: 'education',
    });
    expect(education).toEqual([]);
  });

  it('reads a product, its SKUs and availabilities by country', async () => {
    const product = await pc.catalog.getProduct('CFQ7TTC0LCHC', { country: 'US' });
    expect(product).toMatchObject({ id: 'CFQ7TTC0LCHC', title: 'Microsoft 365 Business Premium' });
    const skus = await pc.catalog.listSkus('CFQ7TTC0LFLZ', { country: 'US' });
    expect(ids(skus)).toEqual(['0001', '0002']);
    const sku = await pc.catalog.getSku('CFQ7TTC0LCHC', '0002', { country: 'US' });
    expect(sku).toMatchObject({
      id: '0002',
      productId: 'CFQ7TTC0LCHC',
      title: 'Microsoft 365 Business Premium',
      minimumQuantity: 1,
      maximumQuantity: 300,
      isTrial: false,
      supportedBillingCycles: ['monthly', 'annual', 'triennial'],
      purchasePrerequisites: ['MicrosoftCustomerAgreement'],
    });
    const [us] = await pc.catalog.listAvailabilities('CFQ7TTC0LCHC', '0002', { country: 'US' });
    expect(us?.catalogItemId).toBe(`CFQ7TTC0LCHC:0002:${us?.id}`);
    expect(us).toMatchObject({
      productId: 'CFQ7TTC0LCHC',
      skuId: '0002',
      defaultCurrency: { code: 'USD', symbol: '$' },
      segment: 'commercial',
      country: 'US',
      isPurchasable: true,
      isRenewable: true,
    });
    expect(us?.terms?.map((t) => [t.duration, t.billingCycle, t.description])).toEqual([
      ['P1M', 'monthly', 'One-Month commitment for monthly billing'],
      ['P1Y', 'monthly', 'One-Year commitment for monthly/yearly billing'],
      ['P1Y', 'annual', 'One-Year commitment for monthly/yearly billing'],
      ['P3Y', 'annual', 'Three-Year commitment for yearly/triennial billing'],
      ['P3Y', 'triennial', 'Three-Year commitment for yearly/triennial billing'],
    ]);
    expect(us?.terms?.[0]?.cancellationPolicies).toEqual([
      {
        refundOptions: [
          { sequenceId: 0, type: 'Full', expiresAfter: 'P1D' },
          { sequenceId: 1, type: 'Partial', expiresAfter: 'P7D' },
        ],
      },
    ]);
    const [jp] = await pc.catalog.listAvailabilities('CFQ7TTC0LCHC', '0002', { country: 'JP' });
    expect(jp).toMatchObject({ id: us?.id, country: 'JP', defaultCurrency: { code: 'JPY', symbol: '¥' } });
    const one = await pc.catalog.getAvailability('CFQ7TTC0LCHC', '0002', us!.id, { country: 'US' });
    expect(one).toMatchObject({ id: us?.id, catalogItemId: us?.catalogItemId });

    const missing = await refusal(() => pc.catalog.getProduct('CFQ7TTC0XXXX', { country: 'US' }));
    expect(missing).toMatchObject({ httpStatus: 404, code: 400013 });
  });

  it('reads the catalog as a Japanese customer sees it', async () => {
    const products = await pc.catalog.listCustomerProducts(jpCustomerId, { targetView: 'OnlineServices' });
    expect(ids(products)).toEqual(
      firstSeen(SKU_SEEDS.filter((s) => s.kind === 'nce').map((s) => s.productId)),
    );
    const product = await pc.catalog.getCustomerProduct(jpCustomerId, 'CFQ7TTC0LH18');
    expect(product).toMatchObject({ id: 'CFQ7TTC0LH18', title: 'Microsoft 365 Business Basic' });
    const skus = await pc.catalog.listCustomerSkus(jpCustomerId, 'CFQ7TTC0LH18');
    expect(ids(skus)).toEqual(['0001']);
    const [availability] = await pc.catalog.listCustomerAvailabilities(jpCustomerId, 'CFQ7TTC0LH18', '0001');
    expect(availability).toMatchObject({ country: 'JP', defaultCurrency: { code: 'JPY' } });
  });

  it('finds the Azure plan globally and for a customer', async () => {
    const global = await pc.catalog.azurePlan({ country: 'US' });
    expect(global.product).toMatchObject({
      id: AZURE_PLAN_PRODUCT_ID,
      title: 'Microsoft Azure plan',
      productType: { id: 'Azure', subType: { id: 'Azure' } },
    });
    expect(global.sku).toMatchObject({
      id: AZURE_PLAN_SKU_ID,
      description: 'Microsoft Azure plan (MS-AZR-0017G)',
      supportedBillingCycles: ['one_time'],
      minimumQuantity: 1,
      maximumQuantity: 1,
    });
    expect(global.availabilities.map((a) => a.catalogItemId)).toEqual(['DZH318Z0BPS6:0001:DZH318Z0BML6']);
    expect(global.availabilities[0]?.isRenewable).toBe(false);
    const scoped = await pc.catalog.azurePlan({ customerId: jpCustomerId });
    expect(scoped.sku.id).toBe(AZURE_PLAN_SKU_ID);
    expect(scoped.availabilities.map((a) => [a.catalogItemId, a.defaultCurrency?.code])).toEqual([
      ['DZH318Z0BPS6:0001:DZH318Z0BML6', 'JPY'],
    ]);
  });
});

describe('client ↔ emulator: legacy offers, rules and rate card', () => {
  it('lists legacy offers in one page and across offset pages identically', async () => {
    const all = await collectAll(pc.catalog.listOffers({ country: 'US' }));
    const nce = SKU_SEEDS.filter((s) => s.kind === 'nce');
    expect(all).toHaveLength(nce.length + 1);
    expect(all.at(-1)).toMatchObject({ id: 'MS-AZR-0145P', billing: 'usage', unitType: 'Usage-based' });
    const pagesBefore = recorder.pages;
    const paged = await collectAll(pc.catalog.listOffers({ country: 'US', size: 10 }));
    expect(recorder.pages - pagesBefore).toBe(Math.ceil(all.length / 10));
    expect(ids(paged)).toEqual(ids(all));

    const basic = all.find((o) => o.name === 'Microsoft 365 Business Basic')!;
    expect(basic.id).toMatch(/^[0-9A-F-]{36}$/);
    const one = await pc.catalog.getOffer(basic.id, { country: 'US' });
    expect(one).toMatchObject({
      id: basic.id,
      minimumQuantity: 1,
      maximumQuantity: 300,
      billing: 'license',
      supportedBillingCycles: ['annual', 'monthly'],
      isAddOn: false,
      hasAddOns: true,
      category: { id: 'SmallBusiness_Key' },
      product: { id: '3B555118-DA6A-4418-894F-7DF1E2096870', unit: 'Licenses' },
    });
    const addons = await pc.catalog.listOfferAddons(basic.id, { country: 'US' });
    expect(addons.map((a) => a.name)).toEqual([
      'Microsoft Teams Phone Standard',
      'Microsoft Teams Premium',
      'Microsoft Defender for Office 365 (Plan 1)',
    ]);
    expect(addons.every((a) => a.isAddOn === true && a.prerequisiteOffers?.includes(basic.id))).toBe(true);
    const unsupported = await refusal(() =>
      pc.catalog.getOffer('CFQ7TTC0LH18:0001:CFQ7TTC0K971', { country: 'US' }),
    );
    expect(unsupported).toMatchObject({ httpStatus: 400, code: 2100 });

    const enterprise = await collectAll(
      pc.catalog.listOffers({ country: 'US', offerCategoryId: 'Enterprise_Key' }),
    );
    expect(enterprise.length).toBeGreaterThan(1);
    expect(enterprise.length).toBeLessThan(all.length);
    expect(enterprise.every((o) => o.category?.id === 'Enterprise_Key')).toBe(true);
    expect(ids(enterprise)).toEqual(ids(all.filter((o) => o.category?.id === 'Enterprise_Key')));

    const categories = await pc.catalog.listOfferCategories({ country: 'US' });
    expect(categories.map((c) => [c.id, c.rank])).toEqual([
      ['Enterprise_Key', 20],
      ['SmallBusiness_Key', 30],
      ['Nonprofit_Key', 60],
      ['Trial_Key', 70],
    ]);
  });

  it('reads country validation rules and the legacy Azure rate card', async () => {
    const rules = await pc.catalog.getCountryValidationRules('US');
    expect(rules).toMatchObject({
      iso2Code: 'US',
      defaultCulture: 'en-US',
      isStateRequired: true,
      postalCodeRegex: '^\\d{5}(-\\d{4})?$',
      countryCallingCodesList: ['1'],
    });
    expect(rules.supportedStatesList).toHaveLength(51);
    const usd = await pc.catalog.getAzureRateCard();
    const eur = await pc.catalog.getAzureRateCard({ currency: 'EUR', region: 'westeurope' });
    expect(eur).toMatchObject({ currency: 'EUR', isTaxIncluded: false, locale: 'en' });
    expect(eur.offerTerms).toEqual([
      {
        name: 'Overage discount',
        discount: '0.15',
        excludedMeterIds: [],
        effectiveDate: '2014-01-01T00:00:00',
      },
    ]);
    expect(eur.meters).toHaveLength(usd.meters.length);
    expect(eur.meters.every((m) => m.region === 'westeurope' && m.includedQuantity === '0.0')).toBe(true);
    // Rates are exact decimal text: EUR = USD × 0.94, digit for digit.
    const first = usd.meters[0]!;
    const firstEur = eur.meters.find((m) => m.id === first.id)!;
    expect(firstEur.rates?.['0']).toBe(exactTimes(first.rates?.['0'] as string, '0.94'));
    const shared = await refusal(() => pc.catalog.getAzureRateCard({ shared: true }));
    expect(shared).toMatchObject({ httpStatus: 404 });
  });
});

describe('client ↔ emulator: price sheet, price changes and retirements', () => {
  it('downloads the licence-based price sheet as rows', async () => {
    const rows = await sheetRows();
    const expectedRows = SKU_SEEDS.reduce(
      (n, s) =>
        n +
        s.terms.reduce(
          (m, t) => m + (s.kind === 'software' ? (t === 'P3Y' ? 2 : 1) : t === 'P1M' ? 1 : 2),
          0,
        ),
      0,
    );
    expect(rows).toHaveLength(expectedRows);
    expect(rowOf(rows, 'CFQ7TTC0LH18', 'P1Y', 'Monthly')).toEqual([
      {
        ProductTitle: 'Microsoft 365 Business Basic',
        ProductId: 'CFQ7TTC0LH18',
        SkuId: '0001',
        SkuTitle: 'Microsoft 365 Business Basic',
        Publisher: 'Microsoft Corporation',
        SkuDescription:
          'Chat, call, meet, web and mobile versions of Office apps, 1 TB of cloud storage and business-class email.',
        UnitOfMeasure: 'License',
        TermDuration: 'P1Y',
        BillingPlan: 'Monthly',
        Market: 'US',
        Currency: 'USD',
        UnitPrice: '5.10',
        PricingTierRangeMin: '',
        PricingTierRangeMax: '',
        EffectiveStartDate: '2025-01-01T00:00:00Z',
        EffectiveEndDate: '2025-01-31T23:59:59.9999999Z',
        Tags: '',
        'ERP Price': '6.00',
        Segment: 'Commercial',
      },
    ]);
    expect(rowOf(rows, 'CFQ7TTC0LH18', 'P1M', 'Monthly').map((r) => r.UnitPrice)).toEqual(['6.12']);
    expect(rowOf(rows, 'CFQ7TTC0LH0W', 'P1Y', 'Annual').map((r) => [r.UnitPrice, r.Tags])).toEqual([
      ['102.00', 'Add-on'],
    ]);
  });

  it('shows a price change from its effective date on the next read', async () => {
    const change = await admin(emu, 'POST', '/catalog/price-change', {
      productId: 'CFQ7TTC0LH18',
      skuId: '0001',
      currency: 'USD',
      newUnitPrice: '5.61',
      effectiveDate: '2025-01-15',
    });
    expect(change).toMatchObject({ unitPrice: '5.61', erpPrice: '6.60' });
    const rows = await sheetRows();
    expect(
      rowOf(rows, 'CFQ7TTC0LH18', 'P1Y', 'Monthly').map((r) => [
        r.UnitPrice,
        r['ERP Price'],
        r.EffectiveStartDate,
        r.EffectiveEndDate,
      ]),
    ).toEqual([
      ['5.10', '6.00', '2025-01-01T00:00:00Z', '2025-01-14T23:59:59.9999999Z'],
      ['5.61', '6.60', '2025-01-15T00:00:00Z', '2025-01-31T23:59:59.9999999Z'],
    ]);
    const february = await sheetRows('202502');
    expect(
      rowOf(february, 'CFQ7TTC0LH18', 'P1Y', 'Annual').map((r) => [r.UnitPrice, r.EffectiveStartDate]),
    ).toEqual([['67.32', '2025-02-01T00:00:00Z']]);
  });

  it('drops a retired SKU from the catalog and the price sheet at once', async () => {
    expect(ids(await pc.catalog.listSkus('CFQ7TTC0LFLZ', { country: 'US' }))).toEqual(['0001', '0002']);
    await admin(emu, 'POST', '/catalog/retire', { productId: 'CFQ7TTC0LFLZ', skuId: '0002' });
    expect(ids(await pc.catalog.listSkus('CFQ7TTC0LFLZ', { country: 'US' }))).toEqual(['0001']);
    const gone = await refusal(() => pc.catalog.getSku('CFQ7TTC0LFLZ', '0002', { country: 'US' }));
    expect(gone).toMatchObject({ httpStatus: 404 });
    const availability = await refusal(() =>
      pc.catalog.listAvailabilities('CFQ7TTC0LFLZ', '0002', { country: 'US' }),
    );
    expect(availability.httpStatus).toBe(404);
    // This month's sheet keeps the days the SKU was still sold; later months no longer list it.
    const rows = await sheetRows();
    const retired = rows.filter((r) => r.ProductId === 'CFQ7TTC0LFLZ' && r.SkuId === '0002');
    expect(retired.map((r) => [r.TermDuration, r.BillingPlan, r.EffectiveEndDate])).toEqual([
      ['P1M', 'Monthly', '2025-01-14T23:59:59.9999999Z'],
      ['P1Y', 'Monthly', '2025-01-14T23:59:59.9999999Z'],
      ['P1Y', 'Annual', '2025-01-14T23:59:59.9999999Z'],
      ['P3Y', 'Annual', '2025-01-14T23:59:59.9999999Z'],
      ['P3Y', 'Triennial', '2025-01-14T23:59:59.9999999Z'],
    ]);
    const february = await sheetRows('202502');
    expect(february.filter((r) => r.ProductId === 'CFQ7TTC0LFLZ' && r.SkuId === '0002')).toEqual([]);
    expect(february.filter((r) => r.ProductId === 'CFQ7TTC0LFLZ' && r.SkuId === '0001')).toHaveLength(5);

    // Retiring the only SKU of a product removes the product from the product list too.
    await admin(emu, 'POST', '/catalog/retire', { productId: 'CFQ7TTC0LH1G', skuId: '0001' });
    const online = await pc.catalog.listProducts({ country: 'US', targetView: 'OnlineServices' });
    expect(ids(online)).not.toContain('CFQ7TTC0LH1G');
    expect(ids(online)).toContain('CFQ7TTC0LFLZ');
  });

  it('ran every catalog operation', () => {
    expectCovered(recorder, COVERAGE.catalog);
  });
});

/** Exact product of two decimal strings, trailing zeros trimmed (as the emulator prints them). */
function exactTimes(a: string, b: string): string {
  const scaleOf = (v: string) => (v.split('.')[1] ?? '').length;
  const scale = scaleOf(a) + scaleOf(b);
  const digits = (BigInt(a.replace('.', '')) * BigInt(b.replace('.', '')))
    .toString()
    .padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}
