import { Type } from '@fastify/type-provider-typebox';
import type { TSchema } from 'typebox';

/** HTTP schemas of the catalog; amounts are decimal strings, dates 'YYYY-MM-DD'. */

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const Term = Type.Union([
  Type.Literal('P1M'),
  Type.Literal('P1Y'),
  Type.Literal('P3Y'),
  Type.Literal('none'),
]);
export const BillingCycle = Type.Union([
  Type.Literal('monthly'),
  Type.Literal('annual'),
  Type.Literal('triennial'),
  Type.Literal('one_time'),
  Type.Literal('usage'),
]);
export const Decimal = Type.String({ pattern: '^\\d{1,15}(\\.\\d{1,10})?$', maxLength: 30 });
export const DateText = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });

const PriceSchema = Type.Object({
  market: Nullable(Type.String()),
  currency: Type.String(),
  listPrice: Nullable(Type.String()),
  cost: Nullable(
    Type.String({
      description: 'What the seller pays; shown to the provider (Microsoft) or the owner (own products) only',
    }),
  ),
  effectiveFrom: Nullable(Type.String()),
  effectiveTo: Nullable(Type.String({ description: 'Exclusive' })),
});

const OfferSchema = Type.Object({
  id: Type.String(),
  catalogItemId: Nullable(Type.String()),
  term: Term,
  billingCycle: BillingCycle,
  segment: Nullable(Type.String()),
  countries: Type.Array(Type.String()),
  retiredAt: Nullable(Type.String()),
  prices: Type.Array(PriceSchema),
});

export const CatalogItemSchema = Type.Object(
  {
    id: Type.String(),
    source: Type.Union([Type.Literal('microsoft'), Type.Literal('own')]),
    vendor: Type.String(),
    productFamily: Type.String(),
    productId: Type.String(),
    skuId: Nullable(Type.String()),
    title: Type.String(),
    productTitle: Type.String(),
    description: Type.String(),
    sellerId: Nullable(Type.String()),
    unit: Type.String(),
    minQuantity: Type.Integer(),
    maxQuantity: Nullable(Type.Integer()),
    isAddon: Type.Boolean(),
    retiredAt: Nullable(Type.String()),
    offers: Type.Array(OfferSchema),
  },
  { $id: 'CatalogItem' },
);

export const ChangeKind = Type.Union([
  Type.Literal('catalog_imported'),
  Type.Literal('product_added'),
  Type.Literal('product_changed'),
  Type.Literal('product_retired'),
  Type.Literal('sku_added'),
  Type.Literal('sku_changed'),
  Type.Literal('sku_retired'),
  Type.Literal('offer_added'),
  Type.Literal('offer_changed'),
  Type.Literal('offer_retired'),
  Type.Literal('price_changed'),
  Type.Literal('meter_added'),
  Type.Literal('meter_changed'),
  Type.Literal('meter_retired'),
  Type.Literal('meter_price_changed'),
]);

export const CatalogChangeSchema = Type.Object(
  {
    id: Type.String(),
    syncId: Type.String(),
    kind: Type.String(),
    productId: Nullable(Type.String()),
    skuId: Nullable(Type.String()),
    catalogItemId: Nullable(Type.String()),
    term: Nullable(Type.String()),
    billingCycle: Nullable(Type.String()),
    market: Nullable(Type.String()),
    meterId: Nullable(Type.String()),
    title: Type.String(),
    currency: Nullable(Type.String()),
    oldCost: Nullable(Type.String()),
    newCost: Nullable(Type.String()),
    oldListPrice: Nullable(Type.String()),
    newListPrice: Nullable(Type.String()),
    effectiveDate: Nullable(Type.String()),
    details: Type.Record(Type.String(), Type.Unknown()),
    recordedAt: Type.String(),
  },
  { $id: 'CatalogChange' },
);

export const MeterSchema = Type.Object(
  {
    id: Type.String(),
    meterId: Type.String(),
    name: Type.String(),
    category: Type.String(),
    subcategory: Type.String(),
    region: Type.String(),
    unit: Type.String(),
    retiredAt: Nullable(Type.String()),
    prices: Type.Array(PriceSchema),
  },
  { $id: 'AzureMeter' },
);

export const OwnOfferInputSchema = Type.Object(
  {
    term: Term,
    billingCycle: BillingCycle,
    unitPrice: Decimal,
    cost: Decimal,
  },
  { additionalProperties: false },
);

export const OwnProductSchema = Type.Object(
  {
    id: Type.String(),
    sellerId: Type.String(),
    sellerName: Type.String(),
    vendor: Type.String(),
    name: Type.String(),
    description: Type.String(),
    productFamily: Type.String(),
    billingModel: Type.Union([Type.Literal('recurring'), Type.Literal('one_time'), Type.Literal('usage')]),
    unit: Type.String(),
    currency: Type.String(),
    offers: Type.Array(
      Type.Object({
        id: Type.String(),
        term: Term,
        billingCycle: BillingCycle,
        unitPrice: Type.String(),
        cost: Nullable(Type.String()),
      }),
    ),
    editable: Type.Boolean(),
    version: Type.Integer(),
    createdAt: Type.String(),
    updatedAt: Type.String(),
    retiredAt: Nullable(Type.String()),
  },
  { $id: 'OwnProduct' },
);

export const ExchangeRateSchema = Type.Object(
  {
    from: Type.String(),
    to: Type.String(),
    month: Type.String(),
    rate: Type.String(),
    source: Type.Union([Type.Literal('manual'), Type.Literal('partner_center')]),
    updatedAt: Type.String(),
  },
  { $id: 'ExchangeRate' },
);

export const SyncSettingsSchema = Type.Object(
  {
    providerId: Type.String(),
    enabled: Type.Boolean(),
    hourOfDay: Type.Integer(),
    markets: Nullable(Type.Array(Type.String())),
    effectiveMarkets: Type.Array(Type.String()),
    timeZone: Type.String(),
    version: Type.Integer(),
  },
  { $id: 'CatalogSyncSettings' },
);

export const SyncResultSchema = Type.Object(
  {
    providerId: Type.String(),
    syncId: Nullable(Type.String()),
    markets: Type.Array(Type.String()),
    initial: Type.Boolean(),
    read: Type.Object({
      products: Type.Integer(),
      skus: Type.Integer(),
      offers: Type.Integer(),
      priceSeries: Type.Integer(),
      meters: Type.Integer(),
      requests: Type.Integer(),
    }),
    written: Type.Integer(),
    changes: Type.Record(Type.String(), Type.Integer()),
    warnings: Type.Array(Type.String()),
    readMs: Type.Integer(),
    writeMs: Type.Integer(),
  },
  { $id: 'CatalogSyncResult' },
);

export const ExplanationSchema = Type.Object({
  summary: Type.String(),
  steps: Type.Array(Type.Object({ label: Type.String(), formula: Type.String(), result: Type.String() })),
  ruleId: Nullable(Type.String()),
  notes: Type.Array(Type.Object({ ruleId: Type.String(), code: Type.String(), reason: Type.String() })),
});
