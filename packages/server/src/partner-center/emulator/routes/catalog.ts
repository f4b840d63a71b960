/**
 * Catalog reads (products → SKUs → availabilities, global and customer-scoped), legacy offers,
 * country validation rules, the legacy Azure rate card and the price sheet download.
 *
 * Price sheet host mapping: `https://api.partner.microsoft.com/v1.0/sales/pricesheets(...)/$value`
 * is served at `<emulator>/pricesheets/v1.0/sales/pricesheets(Market='US',PricesheetView='updatedlicensebased')/$value`.
 */

import type { Catalog, CatalogSku } from '../catalog.ts';
import { CURRENCY_SYMBOL, currencyForCountry, LIST_PRICE_FACTOR } from '../catalog-data.ts';
import { addDays, dateOf, monthStart, nextMonthStart } from '../dates.ts';
import { dec, fmt, mul } from '../decimal.ts';
import { errors } from '../errors.ts';
import { collection, link, num, ok, type RequestContext } from '../http.ts';
import type { Router } from '../router.ts';
import type { Emulator } from '../runtime.ts';
import { preparedMeters } from '../usage-generator.ts';

const VIEW_KINDS: Record<string, CatalogSku['kind'][]> = {
  onlineservices: ['nce'],
  software: ['software'],
  softwaresubscriptions: ['software'],
  microsoftazure: ['azurePlan'],
  azure: ['azurePlan'],
};

function productType(kind: CatalogSku['kind']) {
  switch (kind) {
    case 'azurePlan':
      return { id: 'Azure', displayName: 'Azure', subType: { id: 'Azure', displayName: 'Azure' } };
    case 'software':
      return { id: 'Software', displayName: 'Software' };
    default:
      return { id: 'OnlineServices', displayName: 'OnlineServices' };
  }
}

function productJson(catalog: Catalog, productId: string, country: string): Record<string, unknown> {
  const p = catalog.product(productId);
  if (!p) throw errors.parentProductNotFound(productId);
  const out: Record<string, unknown> = {
    id: p.id,
    title: p.title,
    description: p.description,
    productType: productType(p.kind),
    isMicrosoftProduct: true,
    publisherName: 'Microsoft Corporation',
    links: {
      skus: link(`/products/${p.id}/skus?country=${country}`),
      self: link(`/products/${p.id}?country=${country}`),
    },
  };
  if (p.kind === 'azurePlan') {
    out.localizedAttributes = [
      { key: 'OfferType', value: 'OfferType' },
      { key: 'Standard', value: 'Standard' },
      { key: 'DevTest', value: 'Dev/Test' },
    ];
  }
  return out;
}

function skuJson(catalog: Catalog, sku: CatalogSku, country: string): Record<string, unknown> {
  const base = {
    id: sku.skuId,
    productId: sku.productId,
    title: sku.skuTitle,
    description: sku.description,
    minimumQuantity: sku.min,
    maximumQuantity: sku.max,
    isTrial: false,
  };
  const links = {
    availabilities: link(`/products/${sku.productId}/skus/${sku.skuId}/availabilities?country=${country}`),
    self: link(`/products/${sku.productId}/skus/${sku.skuId}?country=${country}`),
  };
  if (sku.kind === 'azurePlan') {
    return {
      ...base,
      supportedBillingCycles: ['one_time'],
      purchasePrerequisites: ['MicrosoftCustomerAgreement'],
      inventoryVariables: [],
      provisioningVariables: [],
      actions: ['Refund'],
      dynamicAttributes: { isMicrosoftProduct: true, pilotProgram: 'modernazurepilot' },
      links,
    };
  }
  const cycles = [...new Set(sku.terms.map((t) => t.billingCycle))];
  return {
    ...base,
    supportedBillingCycles: cycles,
    purchasePrerequisites: ['MicrosoftCustomerAgreement'],
    inventoryVariables: [],
    provisioningVariables: [],
    actions: ['Refund'],
    dynamicAttributes: {
      isMicrosoftProduct: true,
      hasAddOns: catalog.skus.some((s) => s.addOnOf.includes(sku.productId)),
      isAddon: sku.addOnOf.length > 0,
      prerequisiteSkus: sku.addOnOf.flatMap((p) => catalog.skusOf(p).map((s) => `${s.productId}:${s.skuId}`)),
      upgradeTargetOffers: sku.upgrades,
      unitType: sku.addOnOf.length > 0 ? 'Add-On Licenses' : 'Licenses',
    },
    links,
  };
}

function currencyOf(country: string) {
  const code = currencyForCountry(country);
  return { code, symbol: CURRENCY_SYMBOL[code] ?? code };
}

function availabilityJson(catalog: Catalog, sku: CatalogSku, country: string): Record<string, unknown> {
  return {
    id: sku.availabilityId,
    productId: sku.productId,
    skuId: sku.skuId,
    catalogItemId: sku.catalogItemId,
    defaultCurrency: currencyOf(country),
    segment: 'commercial',
    country,
    isPurchasable: true,
    isRenewable: sku.kind !== 'azurePlan',
    renewalInstructions: sku.terms.map((t) => ({
      applicableTermIds: [t.id],
      renewalOptions: [{ renewToId: `${sku.productId}:${sku.skuId}`, isAutoRenewable: true }],
    })),
    terms: sku.terms.map((t) => ({
      id: t.id,
      duration: t.duration,
      description: t.description,
      billingCycle: t.billingCycle.charAt(0).toUpperCase() + t.billingCycle.slice(1),
      cancellationPolicies: [{ refundOptions: t.refundOptions }],
    })),
    includedQuantityOptions: [],
    product: productJson(catalog, sku.productId, country),
    sku: skuJson(catalog, sku, country),
    links: {
      self: link(
        `/products/${sku.productId}/skus/${sku.skuId}/availabilities/${sku.availabilityId}?country=${country}`,
      ),
    },
  };
}

function countryFrom(ctx: RequestContext, emu: Emulator): string {
  const customerId = ctx.params.customerId;
  if (customerId) return emu.customer(customerId).country;
  return (ctx.query.get('country') ?? 'US').toUpperCase();
}

function segmentAllowed(ctx: RequestContext): boolean {
  const seg = ctx.query.get('targetSegment');
  return seg === undefined || seg.toLowerCase() === 'commercial';
}

function liveSku(emu: Emulator, productId: string, skuId: string): CatalogSku {
  const sku = emu.catalog.sku(productId, skuId);
  if (!sku || !emu.catalog.isAvailable(sku, emu.now())) {
    if (!emu.catalog.product(productId)) throw errors.parentProductNotFound(productId);
    throw errors.notFound(`Sku ${skuId} of product ${productId} was not found.`);
  }
  return sku;
}

function registerCatalogReads(router: Router, emu: Emulator, prefix: string): void {
  router.get(`${prefix}/products`, (ctx) => {
    const country = countryFrom(ctx, emu);
    const view = ctx.query.get('targetView');
    if (!view) throw errors.invalidInput('targetView is required.');
    const kinds = VIEW_KINDS[view.toLowerCase()] ?? [];
    const ids = new Set<string>();
    if (segmentAllowed(ctx)) {
      for (const s of emu.catalog.skus) {
        if (kinds.includes(s.kind) && emu.catalog.isAvailable(s, emu.now())) ids.add(s.productId);
      }
    }
    const items = [...ids].map((id) => productJson(emu.catalog, id, country));
    return ok(collection(items, { self: link(`/products?country=${country}&targetView=${view}`) }));
  });
  router.get(`${prefix}/products/:productId`, (ctx) => {
    const country = countryFrom(ctx, emu);
    if (!emu.catalog.skusOf(ctx.params.productId!).some((s) => emu.catalog.isAvailable(s, emu.now()))) {
      throw errors.parentProductNotFound(ctx.params.productId!);
    }
    return ok(productJson(emu.catalog, ctx.params.productId!, country));
  });
  router.get(`${prefix}/products/:productId/skus`, (ctx) => {
    const country = countryFrom(ctx, emu);
    if (!emu.catalog.product(ctx.params.productId!))
      throw errors.parentProductNotFound(ctx.params.productId!);
    const skus = segmentAllowed(ctx)
      ? emu.catalog.skusOf(ctx.params.productId!).filter((s) => emu.catalog.isAvailable(s, emu.now()))
      : [];
    return ok(
      collection(
        skus.map((s) => skuJson(emu.catalog, s, country)),
        { self: link(`/products/${ctx.params.productId}/skus?country=${country}`) },
      ),
    );
  });
  router.get(`${prefix}/products/:productId/skus/:skuId`, (ctx) => {
    const country = countryFrom(ctx, emu);
    return ok(skuJson(emu.catalog, liveSku(emu, ctx.params.productId!, ctx.params.skuId!), country));
  });
  router.get(`${prefix}/products/:productId/skus/:skuId/availabilities`, (ctx) => {
    const country = countryFrom(ctx, emu);
    const sku = liveSku(emu, ctx.params.productId!, ctx.params.skuId!);
    const items = segmentAllowed(ctx) ? [availabilityJson(emu.catalog, sku, country)] : [];
    return ok(
      collection(items, {
        self: link(
          `/products/${sku.productId}/skus/${sku.skuId}/availabilities?country=${country}&targetSegment=commercial`,
        ),
      }),
    );
  });
  router.get(`${prefix}/products/:productId/skus/:skuId/availabilities/:availabilityId`, (ctx) => {
    const country = countryFrom(ctx, emu);
    const sku = liveSku(emu, ctx.params.productId!, ctx.params.skuId!);
    if (sku.availabilityId.toUpperCase() !== ctx.params.availabilityId!.toUpperCase()) {
      throw errors.notFound(`Availability ${ctx.params.availabilityId} was not found.`);
    }
    return ok(availabilityJson(emu.catalog, sku, country));
  });
}

const OFFER_CATEGORIES = [
  { id: 'Enterprise_Key', name: 'Enterprise', rank: 20 },
  { id: 'SmallBusiness_Key', name: 'Small business', rank: 30 },
  { id: 'Nonprofit_Key', name: 'Nonprofit', rank: 60 },
  { id: 'Trial_Key', name: 'Trial', rank: 70 },
];

function categoryJson(c: (typeof OFFER_CATEGORIES)[number], country: string) {
  return { ...c, locale: 'en-US', country, attributes: { objectType: 'OfferCategory' } };
}

function legacyOfferJson(emu: Emulator, sku: CatalogSku, country: string): Record<string, unknown> {
  const isAddOn = sku.addOnOf.length > 0;
  const smallBusiness = sku.max <= 300;
  return {
    id: sku.legacyOfferId,
    name: sku.skuTitle,
    description: sku.description,
    minimumQuantity: sku.min,
    maximumQuantity: sku.max,
    rank: 0,
    uri: `/${emu.state.partner.tenantId}/Offers/${sku.legacyOfferId}`,
    locale: 'en-US',
    country,
    category: categoryJson(OFFER_CATEGORIES[smallBusiness ? 1 : 0]!, country),
    limitUnitOfMeasure: 'None',
    limit: 0,
    termUnitOfMeasure: 'Year',
    term: 1,
    prerequisiteOffers: sku.addOnOf.flatMap((p) => emu.catalog.skusOf(p).map((s) => s.legacyOfferId)),
    isAddOn,
    hasAddOns: emu.catalog.skus.some((s) => s.addOnOf.includes(sku.productId)),
    isAvailableForPurchase: emu.catalog.isAvailable(sku, emu.now()),
    billing: 'license',
    supportedBillingCycles: ['annual', 'monthly'],
    isAutoRenewable: true,
    isInternal: false,
    isMicrosoftProduct: true,
    conversionTargetOffers: [],
    reselleeQualifications: [],
    resellerQualifications: [],
    salesGroupId: 'Default',
    isTrial: false,
    acquisitionType: 'purchase',
    supportedCatalogTypes: ['sandbox', 'live'],
    actions: ['Cancel', 'Edit'],
    product: {
      id: sku.licenseSkuId.toUpperCase(),
      name: sku.skuTitle,
      unit: isAddOn ? 'Add-On Licenses' : 'Licenses',
    },
    unitType: isAddOn ? 'Add-On Licenses' : 'Licenses',
    links: {
      learnMore: { method: 'GET', headers: [] },
      self: link(`/offers/${sku.legacyOfferId}?country=${country}`),
    },
    attributes: { objectType: 'Offer' },
  };
}

function azureLegacyOffer(country: string): Record<string, unknown> {
  return {
    id: 'MS-AZR-0145P',
    name: 'Microsoft Azure',
    description: 'Azure Cloud Solution Provider offer for Partner and Resellers',
    minimumQuantity: 1,
    maximumQuantity: 1,
    rank: 1413,
    uri: '/Offers/MS-AZR-0145P',
    locale: 'en-US',
    country,
    category: categoryJson(OFFER_CATEGORIES[0]!, country),
    limitUnitOfMeasure: 'None',
    limit: 0,
    termUnitOfMeasure: 'None',
    term: 0,
    prerequisiteOffers: [],
    isAddOn: false,
    hasAddOns: false,
    isAvailableForPurchase: false,
    billing: 'usage',
    supportedBillingCycles: ['monthly'],
    isAutoRenewable: false,
    isInternal: false,
    isMicrosoftProduct: true,
    conversionTargetOffers: [],
    reselleeQualifications: [],
    resellerQualifications: [],
    salesGroupId: 'Default',
    isTrial: false,
    acquisitionType: 'purchase',
    supportedCatalogTypes: ['sandbox', 'live'],
    actions: ['Cancel', 'Edit'],
    product: { id: '9DEA7946-EC2C-441E-9FFD-E3B275F7E838', name: 'Microsoft Azure', unit: 'Usage-based' },
    unitType: 'Usage-based',
    links: {
      learnMore: { method: 'GET', headers: [] },
      self: link(`/offers/MS-AZR-0145P?country=${country}`),
    },
    attributes: { objectType: 'Offer' },
  };
}

function legacyOffers(emu: Emulator, country: string): Record<string, unknown>[] {
  const out = emu.catalog.skus.filter((s) => s.kind === 'nce').map((s) => legacyOfferJson(emu, s, country));
  out.push(azureLegacyOffer(country));
  return out;
}

const COUNTRY_RULES: Record<string, Record<string, unknown>> = {
  US: {
    iso2Code: 'US',
    defaultCulture: 'en-US',
    isStateRequired: true,
    supportedStatesList:
      'AK AL AR AZ CA CO CT DC DE FL GA HI IA ID IL IN KS KY LA MA MD ME MI MN MO MS MT NC ND NE NH NJ NM NV NY OH OK OR PA RI SC SD TN TX UT VA VT WA WI WV WY'.split(
        ' ',
      ),
    supportedLanguagesList: ['en', 'es'],
    supportedCulturesList: ['en-US', 'es-US'],
    isPostalCodeRequired: true,
    postalCodeRegex: '^\\d{5}(-\\d{4})?$',
    isCityRequired: true,
    isVatIdSupported: false,
    phoneNumberRegex:
      '^(1[ \\-\\/\\.]?)?(\\((\\d{3})\\)|(\\d{3}))[ \\-\\/\\.]?(\\d{3})[ \\-\\/\\.]?(\\d{4})$',
    isTaxIdSupported: true,
    isTaxIdOptional: true,
    countryCallingCodesList: ['1'],
  },
  JP: {
    iso2Code: 'JP',
    defaultCulture: 'ja-JP',
    isStateRequired: false,
    supportedStatesList: [],
    supportedLanguagesList: ['ja'],
    supportedCulturesList: ['ja-JP'],
    isPostalCodeRequired: true,
    postalCodeRegex: '^\\d{3}-?\\d{4}$',
    isCityRequired: true,
    isVatIdSupported: false,
    phoneNumberRegex: '',
    isTaxIdSupported: false,
    isTaxIdOptional: true,
    countryCallingCodesList: ['81'],
  },
  DE: {
    iso2Code: 'DE',
    defaultCulture: 'de-DE',
    isStateRequired: false,
    supportedStatesList: [],
    supportedLanguagesList: ['de'],
    supportedCulturesList: ['de-DE'],
    isPostalCodeRequired: true,
    postalCodeRegex: '^\\d{5}$',
    isCityRequired: true,
    isVatIdSupported: true,
    phoneNumberRegex: '',
    isTaxIdSupported: false,
    isTaxIdOptional: true,
    countryCallingCodesList: ['49'],
  },
};

/** Columns of the new-commerce licence-based price list (UNVERIFIED against a live download). */
export const PRICE_SHEET_COLUMNS = [
  'ProductTitle',
  'ProductId',
  'SkuId',
  'SkuTitle',
  'Publisher',
  'SkuDescription',
  'UnitOfMeasure',
  'TermDuration',
  'BillingPlan',
  'Market',
  'Currency',
  'UnitPrice',
  'PricingTierRangeMin',
  'PricingTierRangeMax',
  'EffectiveStartDate',
  'EffectiveEndDate',
  'Tags',
  'ERP Price',
  'Segment',
];

function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function endOfDay(date: string): string {
  return `${date}T23:59:59.9999999Z`;
}

/** Licence-based price sheet for one calendar month, split at price changes and retirements. */
export function licencePriceSheet(emu: Emulator, market: string, month: string): string {
  const currency = currencyForCountry(market);
  const monthEnd = addDays(nextMonthStart(month), -1);
  const lines = [PRICE_SHEET_COLUMNS.join(',')];
  for (const sku of emu.catalog.skus) {
    if (sku.kind === 'azurePlan') continue;
    const retired = sku.retiredAt !== undefined ? dateOf(sku.retiredAt) : undefined;
    if (retired !== undefined && retired <= month) continue;
    const history = emu.catalog.priceHistory(sku, currency);
    const windows: { start: string; end: string; at: string }[] = [];
    for (let i = 0; i < history.length; i++) {
      const from = history[i]!.effectiveDate;
      const nextFrom = history[i + 1]?.effectiveDate;
      const to = nextFrom ? addDays(nextFrom, -1) : '9999-12-31';
      const start = from > month ? from : month;
      let end = to < monthEnd ? to : monthEnd;
      if (retired !== undefined && retired <= end) end = addDays(retired, -1);
      if (start <= end) windows.push({ start, end, at: start });
    }
    for (const w of windows) {
      for (const t of sku.terms) {
        const price = emu.catalog.periodPrice(sku, currency, t.duration, t.billingCycle, w.at);
        lines.push(
          [
            sku.productTitle,
            sku.productId,
            sku.skuId,
            sku.skuTitle,
            'Microsoft Corporation',
            sku.description,
            'License',
            t.duration,
            t.billingCycle.charAt(0).toUpperCase() + t.billingCycle.slice(1),
            market,
            currency,
            price.unit,
            '',
            '',
            `${w.start}T00:00:00Z`,
            endOfDay(w.end),
            sku.addOnOf.length > 0 ? 'Add-on' : '',
            price.erp,
            'Commercial',
          ]
            .map(csvCell)
            .join(','),
        );
      }
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}

function azurePriceSheet(emu: Emulator, month: string): string {
  const header =
    'MeterId,MeterName,MeterCategory,MeterSubCategory,Unit,UnitPrice,Currency,EffectiveStartDate,EffectiveEndDate';
  const lines = [header];
  for (const m of preparedMeters(emu.state.seed)) {
    lines.push(
      [
        m.meterId,
        m.seed.name,
        m.seed.category,
        m.seed.subCategory,
        m.seed.unit,
        m.unitPrice,
        'USD',
        `${month}T00:00:00Z`,
        endOfDay(addDays(nextMonthStart(month), -1)),
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

function sheetMonth(ctx: RequestContext, emu: Emulator): string {
  const m = ctx.query.get('month');
  if (m === undefined) return monthStart(dateOf(emu.now()));
  if (!/^\d{6}$/.test(m)) throw errors.invalidInput('month must be YYYYMM.');
  return `${m.slice(0, 4)}-${m.slice(4, 6)}-01`;
}

export function registerCatalogRoutes(router: Router, emu: Emulator): void {
  registerCatalogReads(router, emu, '/v1');
  registerCatalogReads(router, emu, '/v1/customers/:customerId');

  router.get('/v1/offers', (ctx) => {
    const country = (ctx.query.get('country') ?? 'US').toUpperCase();
    // `offer_category_id` (SDK GetOffers) narrows the list to one category of /offercategories.
    const category = ctx.query.get('offer_category_id');
    const all = legacyOffers(emu, country).filter(
      (o) => !category || (o.category as { id: string }).id.toLowerCase() === category.toLowerCase(),
    );
    const offset = ctx.query.int('offset', 0);
    const size = ctx.query.int('size', all.length || 1, 1);
    const items = all.slice(offset, offset + size);
    const base = `/offers?country=${country}${category ? `&offer_category_id=${encodeURIComponent(category)}` : ''}`;
    const links: Record<string, ReturnType<typeof link>> = { self: link(base) };
    if (offset + items.length < all.length) {
      links.next = link(`${base}&offset=${offset + items.length}&size=${size}`);
    }
    return ok({ ...collection(items, links), totalCount: all.length });
  });
  router.get('/v1/offers/:offerId', (ctx) => {
    const country = (ctx.query.get('country') ?? 'US').toUpperCase();
    const id = ctx.params.offerId!;
    if (id.toUpperCase() === 'MS-AZR-0145P') return ok(azureLegacyOffer(country));
    if (id.includes(':') || id.toUpperCase().startsWith('CFQ7')) throw errors.offerNotSupported(id);
    const sku = emu.catalog.byLegacyOfferId(id);
    if (sku?.kind !== 'nce') throw errors.invalidOfferId(id);
    return ok(legacyOfferJson(emu, sku, country));
  });
  router.get('/v1/offers/:offerId/addons', (ctx) => {
    const country = (ctx.query.get('country') ?? 'US').toUpperCase();
    const sku = emu.catalog.byLegacyOfferId(ctx.params.offerId!);
    if (!sku) throw errors.invalidOfferId(ctx.params.offerId!);
    const items = emu.catalog.skus
      .filter((s) => s.addOnOf.includes(sku.productId))
      .map((s) => legacyOfferJson(emu, s, country));
    return ok(collection(items));
  });
  router.get('/v1/customers/:customerId/offers', (ctx) => {
    const c = emu.customer(ctx.params.customerId!);
    return ok(collection(legacyOffers(emu, c.country)));
  });
  router.get('/v1/offercategories', (ctx) => {
    const country = (ctx.query.get('country') ?? 'US').toUpperCase();
    return ok(collection(OFFER_CATEGORIES.map((c) => categoryJson(c, country))));
  });
  router.get('/v1/countryvalidationrules/:country', (ctx) => {
    const rules = COUNTRY_RULES[ctx.params.country!.toUpperCase()];
    if (!rules) throw errors.notFound(`No validation rules for ${ctx.params.country}.`);
    return ok({ ...rules, attributes: { objectType: 'CountryValidationRules' } });
  });
  router.get('/v1/ratecards/azure', (ctx) => {
    const currency = (ctx.query.get('currency') ?? 'USD').toUpperCase();
    const factor = LIST_PRICE_FACTOR[currency] ?? '1';
    const meters = preparedMeters(emu.state.seed).map((m) => ({
      id: m.meterId,
      name: m.seed.name,
      rates: { '0': num(fmt(mul(dec(m.unitPrice), dec(factor)))) },
      tags: [],
      category: m.seed.category,
      subcategory: m.seed.subCategory,
      region: ctx.query.get('region') ?? '',
      unit: m.seed.unit,
      includedQuantity: num('0.0'),
      effectiveDate: '2024-01-01T00:00:00Z',
    }));
    return ok({
      locale: 'en',
      currency,
      isTaxIncluded: false,
      meters,
      offerTerms: [
        {
          name: 'Overage discount',
          discount: num('0.15'),
          excludedMeterIds: [],
          effectiveDate: '2014-01-01T00:00:00',
        },
      ],
      attributes: { objectType: 'AzureRateCard' },
    });
  });

  router.get('/pricesheets/v1.0/sales/:sheet/$value', (ctx) => {
    const m = /^pricesheets\(Market='([A-Za-z]{2})',PricesheetView='([A-Za-z_]+)'\)$/i.exec(
      ctx.params.sheet!,
    );
    if (!m) throw errors.invalidInput("Expected pricesheets(Market='<cc>',PricesheetView='<view>').");
    const market = m[1]!.toUpperCase();
    const view = m[2]!.toLowerCase();
    const month = sheetMonth(ctx, emu);
    let text: string;
    if (view === 'updatedlicensebased') text = licencePriceSheet(emu, market, month);
    else if (view === 'azure_consumption') text = azurePriceSheet(emu, month);
    else throw errors.notFound(`Price sheet view ${m[2]} is not emulated.`);
    return {
      status: 200,
      text,
      contentType: 'text/csv; charset=utf-8',
      headers: {
        'Content-Disposition': `attachment; filename="${view}_${market}_${month.slice(0, 7).replace('-', '')}.csv"`,
      },
    };
  });
}
