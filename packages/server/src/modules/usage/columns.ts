/**
 * The fields of a daily rated usage line and the names they go by. Microsoft's channels disagree on
 * names, casing, order and presence (API.md §6.4.3/§6.4.4):
 * - the reconciliation CSV (52 columns, 2021 order), often followed by BenefitOrderId, BenefitId,
 *   BenefitType (55);
 * - the Graph v2 export attribute set (54 for `full`, 30 for `basic`, no PCToBCExchangeRateDate);
 * - Microsoft's own sample model order (no Tier2MpnId, PartnerEarnedCreditPercentage, CreditPercentage);
 * - the JSON line items (camelCase: unitOfMeasure, resellerMpnId, resourceUri, rate… as fractions).
 * A file is read by its header: each column is matched to a field by normalised name, so any order
 * and any subset with the required fields loads; unknown columns are carried and ignored.
 */

export interface UsageField {
  /** Internal name, also the staging column's suffix. */
  readonly key: string;
  /** Microsoft's CSV column name (the canonical header written for API data). */
  readonly csv: string;
  /** Further accepted names (JSON names, Graph spellings), compared after normalisation. */
  readonly aliases?: readonly string[];
}

export const USAGE_FIELDS = [
  { key: 'partner_id', csv: 'PartnerId' },
  { key: 'partner_name', csv: 'PartnerName' },
  { key: 'customer_tenant', csv: 'CustomerId' },
  { key: 'customer_name', csv: 'CustomerName', aliases: ['CustomerCompanyName'] },
  { key: 'customer_domain', csv: 'CustomerDomainName' },
  { key: 'customer_country', csv: 'CustomerCountry' },
  { key: 'mpn_id', csv: 'MpnId' },
  { key: 'tier2_mpn_id', csv: 'Tier2MpnId', aliases: ['ResellerMpnId'] },
  { key: 'invoice_number', csv: 'InvoiceNumber' },
  { key: 'product_id', csv: 'ProductId' },
  { key: 'sku_id', csv: 'SkuId' },
  { key: 'availability_id', csv: 'AvailabilityId' },
  { key: 'sku_name', csv: 'SkuName' },
  { key: 'product_name', csv: 'ProductName' },
  { key: 'publisher_name', csv: 'PublisherName' },
  { key: 'publisher_id', csv: 'PublisherId' },
  { key: 'subscription_description', csv: 'SubscriptionDescription' },
  { key: 'subscription_id', csv: 'SubscriptionId' },
  { key: 'charge_start_date', csv: 'ChargeStartDate' },
  { key: 'charge_end_date', csv: 'ChargeEndDate' },
  { key: 'usage_date', csv: 'UsageDate' },
  { key: 'meter_type', csv: 'MeterType' },
  { key: 'meter_category', csv: 'MeterCategory' },
  { key: 'meter_id', csv: 'MeterId' },
  { key: 'meter_sub_category', csv: 'MeterSubCategory' },
  { key: 'meter_name', csv: 'MeterName' },
  { key: 'meter_region', csv: 'MeterRegion' },
  { key: 'unit', csv: 'Unit', aliases: ['UnitOfMeasure'] },
  { key: 'resource_location', csv: 'ResourceLocation' },
  { key: 'consumed_service', csv: 'ConsumedService' },
  { key: 'resource_group', csv: 'ResourceGroup' },
  { key: 'resource_uri', csv: 'ResourceURI' },
  { key: 'charge_type', csv: 'ChargeType' },
  { key: 'unit_price', csv: 'UnitPrice' },
  { key: 'quantity', csv: 'Quantity' },
  { key: 'unit_type', csv: 'UnitType' },
  { key: 'billing_pre_tax_total', csv: 'BillingPreTaxTotal' },
  { key: 'billing_currency', csv: 'BillingCurrency' },
  { key: 'pricing_pre_tax_total', csv: 'PricingPreTaxTotal' },
  { key: 'pricing_currency', csv: 'PricingCurrency' },
  { key: 'service_info1', csv: 'ServiceInfo1' },
  { key: 'service_info2', csv: 'ServiceInfo2' },
  { key: 'tags', csv: 'Tags' },
  { key: 'additional_info', csv: 'AdditionalInfo' },
  { key: 'effective_unit_price', csv: 'EffectiveUnitPrice' },
  { key: 'exchange_rate', csv: 'PCToBCExchangeRate' },
  { key: 'exchange_rate_date', csv: 'PCToBCExchangeRateDate' },
  { key: 'entitlement_id', csv: 'EntitlementId' },
  { key: 'entitlement_description', csv: 'EntitlementDescription' },
  { key: 'pec_percent', csv: 'PartnerEarnedCreditPercentage' },
  { key: 'credit_percent', csv: 'CreditPercentage' },
  { key: 'credit_type', csv: 'CreditType' },
  { key: 'benefit_order_id', csv: 'BenefitOrderId' },
  { key: 'benefit_id', csv: 'BenefitId' },
  { key: 'benefit_type', csv: 'BenefitType' },
] as const satisfies readonly UsageField[];

export type UsageFieldKey = (typeof USAGE_FIELDS)[number]['key'];

/** Without these a line cannot be placed or priced; a file lacking one is refused as a whole. */
export const REQUIRED_FIELDS: readonly UsageFieldKey[] = [
  'customer_tenant',
  'usage_date',
  'quantity',
  'billing_pre_tax_total',
  'billing_currency',
];

/** The JSON line items give these as fractions (0.15); the CSV as percentages (15). */
export const JSON_RATE_FIELDS: Readonly<Record<string, UsageFieldKey>> = {
  rateofpartnerearnedcredit: 'pec_percent',
  rateofcredit: 'credit_percent',
};

export const normaliseName = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '');

const BY_NAME = new Map<string, UsageFieldKey>();
for (const field of USAGE_FIELDS as readonly UsageField[]) {
  BY_NAME.set(normaliseName(field.csv), field.key as UsageFieldKey);
  for (const alias of field.aliases ?? []) BY_NAME.set(normaliseName(alias), field.key as UsageFieldKey);
}

export function fieldForColumn(name: string): UsageFieldKey | undefined {
  return BY_NAME.get(normaliseName(name));
}

export interface ColumnMapping {
  /** The header as found (BOM and surrounding whitespace removed). */
  readonly columns: readonly string[];
  /** Field → index of its column in the file. */
  readonly fieldIndex: ReadonlyMap<UsageFieldKey, number>;
  /** Columns no field claims (carried into staging, otherwise ignored). */
  readonly unknown: readonly string[];
  readonly missingRequired: readonly UsageFieldKey[];
  /** Which known column set the header is, for the import record. */
  readonly variant: string;
}

const RECON_52 = USAGE_FIELDS.slice(0, 52).map((f) => f.csv);
const RECON_55 = USAGE_FIELDS.map((f) => f.csv);

export function mapColumns(header: readonly string[]): ColumnMapping {
  const columns = header.map((c, i) => (i === 0 ? c.replace(/^\uFEFF/, '') : c).trim());
  const fieldIndex = new Map<UsageFieldKey, number>();
  const unknown: string[] = [];
  columns.forEach((column, index) => {
    const field = fieldForColumn(column);
    // A repeated column keeps its first occurrence; later ones are carried as unknown.
    if (field && !fieldIndex.has(field)) fieldIndex.set(field, index);
    else unknown.push(column);
  });
  const missingRequired = REQUIRED_FIELDS.filter((f) => !fieldIndex.has(f));
  if (!fieldIndex.has('entitlement_id') && !fieldIndex.has('subscription_id')) {
    missingRequired.push('entitlement_id');
  }
  return { columns, fieldIndex, unknown, missingRequired, variant: variantOf(columns, fieldIndex) };
}

function variantOf(columns: readonly string[], fieldIndex: ReadonlyMap<UsageFieldKey, number>): string {
  const same = (expected: readonly string[]) =>
    columns.length === expected.length && columns.every((c, i) => c === expected[i]);
  if (same(RECON_52)) return 'recon-52';
  if (same(RECON_55)) return 'recon-55';
  if (columns.some((c) => c !== '' && c[0] === c[0]?.toLowerCase() && /[A-Z]/.test(c))) return 'json-names';
  if (fieldIndex.size >= 50) return 'full-reordered';
  if (!fieldIndex.has('meter_category') && fieldIndex.has('resource_uri')) return 'graph-basic';
  return `custom-${columns.length}`;
}

/** The header written for data that arrives as JSON (line items, Graph export rows). */
export const CANONICAL_HEADER: readonly string[] = USAGE_FIELDS.map((f) => f.csv);
