import { z } from 'zod';
import { dateText, decimal, int, pcObject } from './common.ts';

export const GraphErrorSchema = pcObject({
  code: z.union([z.string(), z.number()]).optional(),
  message: z.string().optional(),
  innerError: z.unknown().optional(),
});

/**
 * Long-running export operation (`GET /reports/partners/billing/operations/{id}`). The three documented
 * kinds share one shape distinguished by `status`: running, succeeded (points at the manifest), failed.
 */
export const ExportOperationSchema = z.looseObject({
  '@odata.type': z.string().optional(),
  id: z.string(),
  status: z
    .string()
    .transform((s) => s.trim().toLowerCase() as 'notstarted' | 'running' | 'succeeded' | 'failed'),
  createdDateTime: dateText.optional(),
  lastActionDateTime: dateText.optional(),
  'resourceLocation@odata.navigationLink': z.string().optional(),
  error: GraphErrorSchema.nullable().optional(),
});
export type ExportOperation = z.infer<typeof ExportOperationSchema>;

export const ManifestBlobSchema = pcObject({
  name: z.string(),
  partitionValue: z.string().optional(),
  sizeInBytes: int.optional(),
  itemCount: int.optional(),
});

export const ManifestSchema = pcObject({
  id: z.string(),
  schemaVersion: z.string().optional(),
  /** Documented `compressedJSONLines`; the example shows `compressedJSON`. Both mean gzip'd JSON Lines. */
  dataFormat: z.string().optional(),
  createdDateTime: dateText.optional(),
  eTag: z.string().optional(),
  partnerTenantId: z.string().optional(),
  rootDirectory: z.string(),
  sasToken: z.string(),
  partitionType: z.string().optional(),
  blobCount: int.optional(),
  blobs: z.array(ManifestBlobSchema).default([]),
});
export type Manifest = z.infer<typeof ManifestSchema>;

const text = z
  .union([z.string(), z.number(), z.boolean()])
  .transform((value) => String(value))
  .nullable();
const amount = decimal.nullable();

/**
 * Daily rated usage row of the Graph v2 export (billed or unbilled), keys as in the attribute set
 * (PascalCase). Keys are matched case-insensitively; values that are amounts stay exact decimal text.
 */
export const UsageExportRowSchema = pcObject({
  PartnerId: text.optional(),
  PartnerName: text.optional(),
  CustomerId: text.optional(),
  CustomerName: text.optional(),
  CustomerDomainName: text.optional(),
  CustomerCountry: text.optional(),
  MpnId: text.optional(),
  Tier2MpnId: text.optional(),
  InvoiceNumber: text.optional(),
  ProductId: text.optional(),
  SkuId: text.optional(),
  AvailabilityId: text.optional(),
  SkuName: text.optional(),
  ProductName: text.optional(),
  PublisherName: text.optional(),
  PublisherId: text.optional(),
  SubscriptionDescription: text.optional(),
  SubscriptionId: text.optional(),
  ChargeStartDate: text.optional(),
  ChargeEndDate: text.optional(),
  UsageDate: text.optional(),
  MeterType: text.optional(),
  MeterCategory: text.optional(),
  MeterId: text.optional(),
  MeterSubCategory: text.optional(),
  MeterName: text.optional(),
  MeterRegion: text.optional(),
  Unit: text.optional(),
  ResourceLocation: text.optional(),
  ConsumedService: text.optional(),
  ResourceGroup: text.optional(),
  ResourceURI: text.optional(),
  ChargeType: text.optional(),
  UnitPrice: amount.optional(),
  Quantity: amount.optional(),
  UnitType: text.optional(),
  BillingPreTaxTotal: amount.optional(),
  BillingCurrency: text.optional(),
  PricingPreTaxTotal: amount.optional(),
  PricingCurrency: text.optional(),
  ServiceInfo1: text.optional(),
  ServiceInfo2: text.optional(),
  Tags: z.unknown().optional(),
  AdditionalInfo: z.unknown().optional(),
  EffectiveUnitPrice: amount.optional(),
  PCToBCExchangeRate: amount.optional(),
  PCToBCExchangeRateDate: text.optional(),
  EntitlementId: text.optional(),
  EntitlementDescription: text.optional(),
  PartnerEarnedCreditPercentage: amount.optional(),
  CreditPercentage: amount.optional(),
  CreditType: text.optional(),
  BenefitId: text.optional(),
  BenefitOrderId: text.optional(),
  BenefitType: text.optional(),
});
export type UsageExportRow = z.infer<typeof UsageExportRowSchema>;

/** Invoice reconciliation row of the Graph v2 billed reconciliation export (new-commerce recon columns). */
export const ReconciliationExportRowSchema = pcObject({
  PartnerId: text.optional(),
  CustomerId: text.optional(),
  CustomerName: text.optional(),
  CustomerDomainName: text.optional(),
  CustomerCountry: text.optional(),
  InvoiceNumber: text.optional(),
  MpnId: text.optional(),
  ResellerMpnId: text.optional(),
  Tier2MpnId: text.optional(),
  OrderId: text.optional(),
  OrderDate: text.optional(),
  ProductId: text.optional(),
  SkuId: text.optional(),
  AvailabilityId: text.optional(),
  SkuName: text.optional(),
  ProductName: text.optional(),
  ChargeType: text.optional(),
  UnitPrice: amount.optional(),
  Quantity: amount.optional(),
  Subtotal: amount.optional(),
  TaxTotal: amount.optional(),
  Total: amount.optional(),
  Currency: text.optional(),
  PriceAdjustmentDescription: z.unknown().optional(),
  PublisherName: text.optional(),
  PublisherId: text.optional(),
  SubscriptionDescription: text.optional(),
  SubscriptionId: text.optional(),
  ChargeStartDate: text.optional(),
  ChargeEndDate: text.optional(),
  TermAndBillingCycle: text.optional(),
  EffectiveUnitPrice: amount.optional(),
  UnitType: text.optional(),
  AlternateId: text.optional(),
  BillableQuantity: amount.optional(),
  BillingFrequency: text.optional(),
  PricingCurrency: text.optional(),
  PCToBCExchangeRate: amount.optional(),
  PCToBCExchangeRateDate: text.optional(),
  MeterDescription: text.optional(),
  ReservationOrderId: text.optional(),
  CreditReasonCode: text.optional(),
  SubscriptionStartDate: text.optional(),
  SubscriptionEndDate: text.optional(),
  ReferenceId: text.optional(),
  ProductQualifiers: z.unknown().optional(),
  PromotionId: text.optional(),
  ProductCategory: text.optional(),
});
export type ReconciliationExportRow = z.infer<typeof ReconciliationExportRowSchema>;

export const GdapRelationshipSchema = z.looseObject({
  '@odata.etag': z.string().optional(),
  id: z.string(),
  displayName: z.string().optional(),
  duration: z.string().optional(),
  customer: pcObject({ tenantId: z.string().optional(), displayName: z.string().optional() })
    .nullable()
    .optional(),
  accessDetails: pcObject({
    unifiedRoles: z.array(pcObject({ roleDefinitionId: z.string() })).default([]),
  }).optional(),
  status: z.string().optional(),
  autoExtendDuration: z.string().optional(),
  createdDateTime: dateText.optional(),
  lastModifiedDateTime: dateText.optional(),
  activatedDateTime: dateText.nullable().optional(),
  endDateTime: dateText.nullable().optional(),
});
export type GdapRelationship = z.infer<typeof GdapRelationshipSchema>;

export const GdapRelationshipRequestSchema = z.looseObject({
  id: z.string(),
  action: z.string().optional(),
  status: z.string().optional(),
  createdDateTime: dateText.optional(),
  lastModifiedDateTime: dateText.optional(),
});
export type GdapRelationshipRequest = z.infer<typeof GdapRelationshipRequestSchema>;
