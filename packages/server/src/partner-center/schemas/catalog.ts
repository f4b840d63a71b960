import { z } from 'zod';
import {
  AttributesSchema,
  bool,
  collectionOf,
  dateText,
  decimal,
  enumText,
  int,
  KeyValueSchema,
  LinksSchema,
  pcObject,
  StringMapSchema,
} from './common.ts';

export const BILLING_CYCLES = [
  'unknown',
  'monthly',
  'annual',
  'none',
  'one_time',
  'triennial',
  'biennial',
] as const;
export const billingCycle = enumText(BILLING_CYCLES);

const ProductTypeSchema = pcObject({
  id: z.string(),
  displayName: z.string().optional(),
  subType: pcObject({ id: z.string(), displayName: z.string().optional() }).nullable().optional(),
});

const productShape = {
  id: z.string(),
  title: z.string().optional(),
  description: z.string().optional(),
  productType: ProductTypeSchema.optional(),
  isMicrosoftProduct: bool.optional(),
  publisherName: z.string().optional(),
  localizedAttributes: z.array(KeyValueSchema).optional(),
  links: LinksSchema.optional(),
  attributes: AttributesSchema.optional(),
};
export const ProductSchema = pcObject(productShape);
export type Product = z.infer<typeof ProductSchema>;
export const ProductCollectionSchema = collectionOf(ProductSchema);

const skuShape = {
  id: z.string(),
  productId: z.string().optional(),
  title: z.string().optional(),
  description: z.string().optional(),
  minimumQuantity: int.optional(),
  maximumQuantity: int.optional(),
  isTrial: bool.optional(),
  supportedBillingCycles: z.array(billingCycle).optional(),
  purchasePrerequisites: z.array(z.string()).optional(),
  inventoryVariables: z.array(z.string()).optional(),
  provisioningVariables: z.array(z.string()).optional(),
  actions: z.array(z.string()).optional(),
  dynamicAttributes: StringMapSchema.optional(),
  termsOfUseUri: z.string().optional(),
  constraints: z
    .array(
      pcObject({
        constraintName: z.string().optional(),
        constraintValue: z.unknown().optional(),
        constraintType: z.string().optional(),
      }),
    )
    .optional(),
  attestationProperties: pcObject({
    enforceAttestation: bool.optional(),
    attestationType: z.string().optional(),
  })
    .nullable()
    .optional(),
  consumptionType: z.string().optional(),
  links: LinksSchema.optional(),
  attributes: AttributesSchema.optional(),
};
export const SkuSchema = pcObject(skuShape);
export type Sku = z.infer<typeof SkuSchema>;
export const SkuCollectionSchema = collectionOf(SkuSchema);

const RefundOptionSchema = pcObject({
  sequenceId: int.optional(),
  type: z.string().optional(),
  expiresAfter: z.string().optional(),
});

export const AvailabilityTermSchema = pcObject({
  id: z.string().optional(),
  duration: z.string().optional(),
  description: z.string().optional(),
  billingCycle: billingCycle.optional(),
  renewalOptions: z
    .array(pcObject({ termDuration: z.string().optional(), description: z.string().optional() }))
    .nullable()
    .optional(),
  cancellationPolicies: z
    .array(pcObject({ refundOptions: z.array(RefundOptionSchema).optional() }))
    .nullable()
    .optional(),
});
export type AvailabilityTerm = z.infer<typeof AvailabilityTermSchema>;

export const AvailabilitySchema = pcObject({
  id: z.string(),
  productId: z.string().optional(),
  skuId: z.string().optional(),
  catalogItemId: z.string().optional(),
  defaultCurrency: pcObject({ code: z.string(), symbol: z.string().optional() }).optional(),
  segment: z.string().optional(),
  country: z.string().optional(),
  isPurchasable: bool.optional(),
  isRenewable: bool.optional(),
  renewalInstructions: z
    .array(
      pcObject({
        applicableTermIds: z.array(z.string()).optional(),
        renewalOptions: z
          .array(pcObject({ renewToId: z.string().optional(), isAutoRenewable: bool.optional() }))
          .optional(),
      }),
    )
    .optional(),
  terms: z.array(AvailabilityTermSchema).optional(),
  /** Embedded copies may be abbreviated (the documented examples elide them), so the id is optional here. */
  product: pcObject({ ...productShape, id: z.string().optional() }).optional(),
  sku: pcObject({ ...skuShape, id: z.string().optional() }).optional(),
  links: LinksSchema.optional(),
  attributes: AttributesSchema.optional(),
});
export type Availability = z.infer<typeof AvailabilitySchema>;
export const AvailabilityCollectionSchema = collectionOf(AvailabilitySchema);

/**
 * Items of `GET /customers/{id}/products?targetView=...`: the documented example returns SKU-shaped items
 * (`productId`, `minimumQuantity`) for `MicrosoftAzure`, product-shaped ones elsewhere.
 */
export const CustomerCatalogItemSchema = z.union([
  SkuSchema.refine((item) => typeof item.productId === 'string'),
  ProductSchema,
]);
export type CustomerCatalogItem = z.infer<typeof CustomerCatalogItemSchema>;
export const CustomerCatalogItemCollectionSchema = collectionOf(CustomerCatalogItemSchema);

export const OfferCategorySchema = pcObject({
  id: z.string(),
  name: z.string().optional(),
  rank: int.optional(),
  locale: z.string().optional(),
  country: z.string().optional(),
  attributes: AttributesSchema.optional(),
});
export type OfferCategory = z.infer<typeof OfferCategorySchema>;
export const OfferCategoryCollectionSchema = collectionOf(OfferCategorySchema);

export const OfferSchema = pcObject({
  id: z.string(),
  name: z.string().optional(),
  description: z.string().optional(),
  minimumQuantity: int.optional(),
  maximumQuantity: int.optional(),
  rank: int.optional(),
  uri: z.string().optional(),
  locale: z.string().optional(),
  country: z.string().optional(),
  category: OfferCategorySchema.optional(),
  limitUnitOfMeasure: z.string().optional(),
  limit: int.optional(),
  termUnitOfMeasure: z.string().optional(),
  term: int.optional(),
  prerequisiteOffers: z.array(z.string()).optional(),
  isAddOn: bool.optional(),
  hasAddOns: bool.optional(),
  isAvailableForPurchase: bool.optional(),
  billing: enumText(['none', 'usage', 'license'] as const).optional(),
  supportedBillingCycles: z.array(billingCycle).optional(),
  isAutoRenewable: bool.optional(),
  isInternal: bool.optional(),
  isMicrosoftProduct: bool.optional(),
  isTrial: bool.optional(),
  conversionTargetOffers: z.array(z.string()).optional(),
  reselleeQualifications: z.array(z.string()).optional(),
  resellerQualifications: z.array(z.string()).optional(),
  salesGroupId: z.string().optional(),
  acquisitionType: z.string().optional(),
  supportedCatalogTypes: z.array(z.string()).optional(),
  actions: z.array(z.string()).optional(),
  product: pcObject({ id: z.string(), name: z.string().optional(), unit: z.string().optional() }).optional(),
  unitType: z.string().optional(),
  links: LinksSchema.optional(),
  attributes: AttributesSchema.optional(),
});
export type Offer = z.infer<typeof OfferSchema>;
export const OfferCollectionSchema = collectionOf(OfferSchema);

export const CountryValidationRulesSchema = pcObject({
  iso2Code: z.string(),
  defaultCulture: z.string().optional(),
  isStateRequired: bool.optional(),
  supportedStatesList: z.array(z.string()).optional(),
  supportedLanguagesList: z.array(z.string()).optional(),
  supportedCulturesList: z.array(z.string()).optional(),
  isPostalCodeRequired: bool.optional(),
  postalCodeRegex: z.string().optional(),
  isCityRequired: bool.optional(),
  isVatIdSupported: bool.optional(),
  phoneNumberRegex: z.string().optional(),
  isTaxIdSupported: bool.optional(),
  isTaxIdOptional: bool.optional(),
  countryCallingCodesList: z.array(z.string()).optional(),
  attributes: AttributesSchema.optional(),
});
export type CountryValidationRules = z.infer<typeof CountryValidationRulesSchema>;

export const AzureRateCardMeterSchema = pcObject({
  id: z.string(),
  name: z.string().optional(),
  /** Tier start quantity → unit price; prices kept as exact decimal text. */
  rates: z.record(z.string(), decimal).optional(),
  tags: z.array(z.string()).optional(),
  category: z.string().optional(),
  subcategory: z.string().optional(),
  region: z.string().optional(),
  unit: z.string().optional(),
  includedQuantity: decimal.optional(),
  effectiveDate: dateText.optional(),
});

export const AzureRateCardSchema = pcObject({
  locale: z.string().optional(),
  currency: z.string().optional(),
  isTaxIncluded: bool.optional(),
  meters: z.array(AzureRateCardMeterSchema).default([]),
  offerTerms: z
    .array(
      pcObject({
        name: z.string().optional(),
        discount: decimal.optional(),
        excludedMeterIds: z.array(z.string()).optional(),
        effectiveDate: dateText.optional(),
      }),
    )
    .optional(),
  attributes: AttributesSchema.optional(),
});
export type AzureRateCard = z.infer<typeof AzureRateCardSchema>;

/**
 * One row of a price sheet CSV (`/sales/pricesheets(...)/$value`). The column list is not published in any
 * source available to us [UNVERIFIED]; the names below are the NCE licence-based price list columns as seen
 * in the Partner Center portal download. Every cell stays text, prices included; unknown columns pass through.
 */
export const PriceSheetRowSchema = z.looseObject({
  ProductTitle: z.string().optional(),
  ProductId: z.string().optional(),
  SkuId: z.string().optional(),
  SkuTitle: z.string().optional(),
  Publisher: z.string().optional(),
  SkuDescription: z.string().optional(),
  UnitOfMeasure: z.string().optional(),
  TermDuration: z.string().optional(),
  BillingPlan: z.string().optional(),
  Market: z.string().optional(),
  Currency: z.string().optional(),
  UnitPrice: z.string().optional(),
  PricingTierRangeMin: z.string().optional(),
  PricingTierRangeMax: z.string().optional(),
  EffectiveStartDate: z.string().optional(),
  EffectiveEndDate: z.string().optional(),
  Tags: z.string().optional(),
  'ERP Price': z.string().optional(),
  Segment: z.string().optional(),
});
export type PriceSheetRow = z.infer<typeof PriceSheetRowSchema>;
