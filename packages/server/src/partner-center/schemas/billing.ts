import { z } from 'zod';
import {
  AttributesSchema,
  bool,
  collectionOf,
  dateText,
  decimal,
  enumText,
  idString,
  int,
  LinksSchema,
  pcObject,
  StringMapSchema,
} from './common.ts';

export const BILLING_PROVIDERS = ['office', 'azure', 'one_time', 'marketplace', 'all'] as const;
const billingProvider = enumText(BILLING_PROVIDERS);
const invoiceLineItemType = enumText(['billing_line_items', 'usage_line_items'] as const);

const InvoiceDetailSchema = pcObject({
  invoiceLineItemType: invoiceLineItemType.optional(),
  billingProvider: billingProvider.optional(),
  links: LinksSchema.optional(),
  attributes: AttributesSchema.optional(),
});

const invoiceFields = {
  id: z.string(),
  invoiceDate: dateText.optional(),
  billingPeriodStartDate: dateText.optional(),
  billingPeriodEndDate: dateText.optional(),
  totalCharges: decimal.optional(),
  paidAmount: decimal.optional(),
  currencyCode: z.string().optional(),
  currencySymbol: z.string().optional(),
  /** Relative link, populated only when the invoice is fetched by id; expires after 30 minutes. */
  pdfDownloadLink: z.string().nullable().optional(),
  taxReceipts: z
    .array(pcObject({ id: z.string(), taxReceiptPdfDownloadLink: z.string().optional() }))
    .nullable()
    .optional(),
  invoiceDetails: z.array(InvoiceDetailSchema).optional(),
  documentType: enumText(['invoice', 'void_note', 'adjustment_note'] as const).optional(),
  amendsOf: z.string().nullable().optional(),
  invoiceType: enumText(['recurring', 'one_time'] as const).optional(),
  links: LinksSchema.optional(),
  attributes: AttributesSchema.optional(),
};

export const InvoiceSchema = pcObject({
  ...invoiceFields,
  amendments: z.array(pcObject(invoiceFields)).nullable().optional(),
});
export type Invoice = z.infer<typeof InvoiceSchema>;
export const InvoiceCollectionSchema = collectionOf(InvoiceSchema);

const summaryFields = {
  balanceAmount: decimal.optional(),
  currencyCode: z.string().optional(),
  currencySymbol: z.string().optional(),
  accountingDate: dateText.optional(),
  firstInvoiceCreationDate: dateText.optional(),
  lastPaymentDate: dateText.optional(),
  lastPaymentAmount: decimal.optional(),
  latestInvoiceDate: dateText.optional(),
  links: LinksSchema.optional(),
  attributes: AttributesSchema.optional(),
};

export const InvoiceSummarySchema = pcObject({
  ...summaryFields,
  details: z
    .array(pcObject({ invoiceType: z.string().optional(), summary: pcObject(summaryFields).optional() }))
    .optional(),
});
export type InvoiceSummary = z.infer<typeof InvoiceSummarySchema>;
export const InvoiceSummaryCollectionSchema = collectionOf(InvoiceSummarySchema);

const lineItemKind = {
  invoiceLineItemType: invoiceLineItemType.optional(),
  billingProvider: billingProvider.optional(),
  attributes: AttributesSchema.optional(),
};

/** Legacy licence-based (Office) billing line (`provider=office&invoicelineitemtype=billinglineitems`). */
export const LicenseBasedLineItemSchema = pcObject({
  partnerId: z.string().optional(),
  customerId: z.string().optional(),
  customerName: z.string().optional(),
  mpnId: idString.optional(),
  tier2MpnId: idString.optional(),
  orderId: z.string().optional(),
  subscriptionId: z.string().optional(),
  syndicationPartnerSubscriptionNumber: z.string().optional(),
  offerId: z.string().optional(),
  durableOfferId: z.string().optional(),
  offerName: z.string().optional(),
  domainName: z.string().optional(),
  billingCycleType: z.string().optional(),
  subscriptionName: z.string().optional(),
  subscriptionDescription: z.string().optional(),
  subscriptionStartDate: dateText.optional(),
  subscriptionEndDate: dateText.optional(),
  chargeStartDate: dateText.optional(),
  chargeEndDate: dateText.optional(),
  chargeType: z.string().optional(),
  unitPrice: decimal.optional(),
  quantity: decimal.optional(),
  amount: decimal.optional(),
  totalOtherDiscount: decimal.optional(),
  subtotal: decimal.optional(),
  tax: decimal.optional(),
  totalForCustomer: decimal.optional(),
  currency: z.string().optional(),
  ...lineItemKind,
});
export type LicenseBasedLineItem = z.infer<typeof LicenseBasedLineItemSchema>;

const usageLineFields = {
  partnerId: z.string().optional(),
  partnerName: z.string().optional(),
  partnerBillableAccountId: z.string().optional(),
  customerId: z.string().optional(),
  customerCompanyName: z.string().optional(),
  mpnId: idString.optional(),
  tier2MpnId: idString.optional(),
  invoiceNumber: z.string().optional(),
  domainName: z.string().optional(),
  billingCycleType: z.string().optional(),
  subscriptionId: z.string().optional(),
  subscriptionName: z.string().optional(),
  subscriptionDescription: z.string().optional(),
  orderId: idString.optional(),
  serviceName: z.string().optional(),
  serviceType: z.string().optional(),
  resourceGuid: z.string().optional(),
  resourceName: z.string().optional(),
  region: z.string().optional(),
  consumedQuantity: decimal.optional(),
  chargeStartDate: dateText.optional(),
  chargeEndDate: dateText.optional(),
  unit: z.string().optional(),
  ...lineItemKind,
};

/** Legacy Azure (MS-AZR-0145P) billing line (`provider=azure&invoicelineitemtype=billinglineitems`). */
export const UsageBasedLineItemSchema = pcObject({
  ...usageLineFields,
  detailLineItemId: int.optional(),
  sku: z.string().optional(),
  includedQuantity: decimal.optional(),
  overageQuantity: decimal.optional(),
  listPrice: decimal.optional(),
  consumptionPrice: decimal.optional(),
  consumptionDiscount: decimal.optional(),
  currency: z.string().optional(),
  pretaxCharges: decimal.optional(),
  taxAmount: decimal.optional(),
  postTaxTotal: decimal.optional(),
  pretaxEffectiveRate: decimal.optional(),
  postTaxEffectiveRate: decimal.optional(),
  chargeType: z.string().optional(),
});
export type UsageBasedLineItem = z.infer<typeof UsageBasedLineItemSchema>;

/** Legacy Azure daily usage (`provider=azure&invoicelineitemtype=usagelineitems`). */
export const DailyUsageLineItemSchema = pcObject({
  ...usageLineFields,
  customerBillableAccount: z.string().optional(),
  usageDate: dateText.optional(),
  meteredService: z.string().optional(),
  meteredServiceType: z.string().optional(),
  meteredRegion: z.string().optional(),
  project: z.string().optional(),
  serviceInfo: z.string().optional(),
});
export type DailyUsageLineItem = z.infer<typeof DailyUsageLineItemSchema>;

/**
 * New-commerce reconciliation line (`provider=onetime&invoicelineitemtype=billinglineitems`): NCE licences,
 * Azure plan, reservations, software, SaaS. Amounts arrive as strings or numbers; all kept as exact decimals.
 */
export const OneTimeInvoiceLineItemSchema = pcObject({
  partnerId: z.string().optional(),
  customerId: z.string().optional(),
  customerName: z.string().optional(),
  customerDomainName: z.string().optional(),
  customerCountry: z.string().optional(),
  invoiceNumber: z.string().optional(),
  mpnId: idString.optional(),
  resellerMpnId: idString.optional(),
  orderId: z.string().optional(),
  orderDate: dateText.optional(),
  productId: z.string().optional(),
  skuId: z.string().optional(),
  availabilityId: z.string().optional(),
  productName: z.string().optional(),
  skuName: z.string().optional(),
  productQualifiers: z.array(z.string()).nullable().optional(),
  chargeType: z.string().optional(),
  unitPrice: decimal.optional(),
  effectiveUnitPrice: decimal.optional(),
  unitType: z.string().optional(),
  quantity: decimal.optional(),
  subtotal: decimal.optional(),
  taxTotal: decimal.optional(),
  totalForCustomer: decimal.optional(),
  currency: z.string().optional(),
  publisherName: z.string().optional(),
  publisherId: idString.optional(),
  subscriptionDescription: z.string().optional(),
  subscriptionId: z.string().optional(),
  subscriptionStartDate: dateText.optional(),
  subscriptionEndDate: dateText.optional(),
  chargeStartDate: dateText.optional(),
  chargeEndDate: dateText.optional(),
  termAndBillingCycle: z.string().optional(),
  alternateId: z.string().optional(),
  referenceId: z.string().optional(),
  /** A JSON array inside a string, e.g. `["15.0% Partner earned credit for services managed"]`. */
  priceAdjustmentDescription: z.string().optional(),
  discountDetails: z.string().optional(),
  pricingCurrency: z.string().optional(),
  pcToBCExchangeRate: decimal.optional(),
  pcToBCExchangeRateDate: dateText.optional(),
  billableQuantity: decimal.optional(),
  meterDescription: z.string().optional(),
  billingFrequency: z.string().optional(),
  reservationOrderId: z.string().optional(),
  creditReasonCode: z.string().optional(),
  promotionId: z.string().optional(),
  ...lineItemKind,
});
export type OneTimeInvoiceLineItem = z.infer<typeof OneTimeInvoiceLineItemSchema>;

/** Daily rated usage (Azure plan / NCE consumption), billed or unbilled (`invoicelineitemtype=usagelineitems`). */
export const DailyRatedUsageLineItemSchema = pcObject({
  partnerId: z.string().optional(),
  partnerName: z.string().optional(),
  customerId: z.string().optional(),
  customerName: z.string().optional(),
  customerDomainName: z.string().optional(),
  customerCountry: z.string().optional(),
  invoiceNumber: z.string().optional(),
  mpnId: idString.optional(),
  resellerMpnId: idString.optional(),
  productId: z.string().optional(),
  skuId: z.string().optional(),
  availabilityId: z.string().optional(),
  skuName: z.string().optional(),
  productName: z.string().optional(),
  publisherName: z.string().optional(),
  publisherId: idString.optional(),
  subscriptionId: z.string().optional(),
  subscriptionDescription: z.string().optional(),
  chargeStartDate: dateText.optional(),
  chargeEndDate: dateText.optional(),
  usageDate: dateText.optional(),
  meterType: z.string().optional(),
  meterCategory: z.string().optional(),
  meterId: z.string().optional(),
  meterSubCategory: z.string().optional(),
  meterName: z.string().optional(),
  meterRegion: z.string().optional(),
  unitOfMeasure: z.string().optional(),
  resourceLocation: z.string().optional(),
  consumedService: z.string().optional(),
  resourceGroup: z.string().optional(),
  resourceUri: z.string().optional(),
  tags: z.unknown().optional(),
  /** JSON inside a string. */
  additionalInfo: z.string().optional(),
  serviceInfo1: z.string().optional(),
  serviceInfo2: z.string().optional(),
  chargeType: z.string().optional(),
  unitPrice: decimal.optional(),
  quantity: decimal.optional(),
  unitType: z.string().optional(),
  billingPreTaxTotal: decimal.optional(),
  billingCurrency: z.string().optional(),
  pricingPreTaxTotal: decimal.optional(),
  pricingCurrency: z.string().optional(),
  entitlementId: z.string().optional(),
  entitlementDescription: z.string().optional(),
  pcToBCExchangeRate: decimal.optional(),
  pcToBCExchangeRateDate: dateText.optional(),
  effectiveUnitPrice: decimal.optional(),
  rateOfPartnerEarnedCredit: decimal.optional(),
  hasPartnerEarnedCredit: bool.optional(),
  creditType: z.string().optional(),
  rateOfCredit: decimal.optional(),
  ...lineItemKind,
});
export type DailyRatedUsageLineItem = z.infer<typeof DailyRatedUsageLineItemSchema>;

export type InvoiceLineItem =
  | LicenseBasedLineItem
  | UsageBasedLineItem
  | DailyUsageLineItem
  | OneTimeInvoiceLineItem
  | DailyRatedUsageLineItem;

const BY_OBJECT_TYPE: Record<string, z.ZodType<InvoiceLineItem>> = {
  licensebasedlineitem: LicenseBasedLineItemSchema,
  usagebasedlineitem: UsageBasedLineItemSchema,
  dailyusagelineitem: DailyUsageLineItemSchema,
  onetimeinvoicelineitem: OneTimeInvoiceLineItemSchema,
  dailyratedusagelineitem: DailyRatedUsageLineItemSchema,
};

/** The SDK's class selection (InvoiceLineItemConverter): by (type, provider). */
export function invoiceLineItemSchemaFor(
  type: 'billing_line_items' | 'usage_line_items',
  provider: string,
): z.ZodType<InvoiceLineItem> {
  const p = provider.toLowerCase().replace(/_/g, '');
  if (type === 'usage_line_items')
    return p === 'azure' ? DailyUsageLineItemSchema : DailyRatedUsageLineItemSchema;
  if (p === 'azure') return UsageBasedLineItemSchema;
  if (p === 'office') return LicenseBasedLineItemSchema;
  return OneTimeInvoiceLineItemSchema;
}

/** Any invoice line item, classified by `attributes.objectType`, else by its type/provider fields. */
export const AnyInvoiceLineItemSchema = z.unknown().transform((value, ctx): InvoiceLineItem => {
  const record = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
  const attributes = (record.attributes ?? record.Attributes) as Record<string, unknown> | undefined;
  const objectType = String(attributes?.objectType ?? attributes?.ObjectType ?? '').toLowerCase();
  let schema = BY_OBJECT_TYPE[objectType];
  if (!schema) {
    const type = String(record.invoiceLineItemType ?? '').toLowerCase();
    schema = invoiceLineItemSchemaFor(
      type.startsWith('usage') ? 'usage_line_items' : 'billing_line_items',
      String(record.billingProvider ?? 'one_time'),
    );
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    for (const issue of parsed.error.issues)
      ctx.addIssue({ ...issue, code: 'custom', message: issue.message });
    return z.NEVER;
  }
  return parsed.data;
});

export const AzureUtilizationRecordSchema = pcObject({
  usageStartTime: dateText.optional(),
  usageEndTime: dateText.optional(),
  resource: pcObject({
    id: z.string().optional(),
    name: z.string().optional(),
    category: z.string().optional(),
    subcategory: z.string().optional(),
    region: z.string().optional(),
  }).optional(),
  quantity: decimal.optional(),
  unit: z.string().optional(),
  infoFields: StringMapSchema.nullable().optional(),
  instanceData: pcObject({
    resourceUri: z.string().optional(),
    location: z.string().optional(),
    partNumber: z.string().optional(),
    orderNumber: z.string().optional(),
    additionalInfo: StringMapSchema.nullable().optional(),
    tags: StringMapSchema.nullable().optional(),
  })
    .nullable()
    .optional(),
  attributes: AttributesSchema.optional(),
});
export type AzureUtilizationRecord = z.infer<typeof AzureUtilizationRecordSchema>;
