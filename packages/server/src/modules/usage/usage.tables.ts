import type { ColumnType, Generated } from 'kysely';

/**
 * Table shapes of Azure usage (migrations/0004_usage.sql), composed into `Database` in
 * db/schema.ts. As everywhere: numeric and int8 as string, date as 'YYYY-MM-DD', timestamptz as Date.
 */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type GeneratedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Count = ColumnType<string, string | number | undefined, string | number>;
type SmallCount = ColumnType<number, number | undefined, number>;

export type UsageImportChannel = 'file' | 'line_items' | 'graph_export' | 'demo';
export type UsageImportStatus = 'running' | 'completed' | 'failed';
export type UsageKind = 'unbilled' | 'billed';

export type QuarantineReason =
  | 'column_count'
  | 'unterminated_quote'
  | 'invalid_encoding'
  | 'record_too_long'
  | 'missing_value'
  | 'invalid_date'
  | 'invalid_number'
  | 'invalid_currency'
  | 'unknown_customer'
  | 'unknown_subscription'
  | 'rating_failed';

export interface UsageImportsTable {
  id: Generated<string>;
  provider_id: string;
  channel: UsageImportChannel;
  file_name: string | null;
  request: ColumnType<Record<string, unknown>, string | undefined, string>;
  columns: ColumnType<string[], string[] | undefined, string[]>;
  column_variant: string | null;
  status: ColumnType<UsageImportStatus, UsageImportStatus | undefined, UsageImportStatus>;
  rows_read: Count;
  lines_loaded: Count;
  lines_replaced: Count;
  lines_unchanged: Count;
  lines_skipped_billed: Count;
  lines_quarantined: Count;
  lines_removed: Count;
  days_loaded: SmallCount;
  days_replaced: SmallCount;
  days_unchanged: SmallCount;
  days_superseded: SmallCount;
  first_usage_date: string | null;
  last_usage_date: string | null;
  error: string | null;
  started_by: string;
  started_at: GeneratedTimestamp;
  finished_at: Timestamp | null;
}

export interface UsageQuarantineTable {
  id: Generated<string>;
  import_id: string;
  line_no: string;
  reason: QuarantineReason;
  message: string;
  record: string;
}

export interface UsageCustomerDaysTable {
  customer_id: string;
  usage_date: string;
  billing_currency: string;
  provider_id: string;
  kind: UsageKind;
  invoice_number: string;
  line_count: number;
  fingerprint: string;
  import_id: string;
  rated_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface UsageRatesTable {
  id: string;
  provider_id: string;
  billing_currency: string;
  has_list: boolean;
  tier_count: number;
  created_at: GeneratedTimestamp;
}

/** How a rate tier was derived; stored with the tier and shown to the tier's seller. */
export interface RateTierExplanation {
  /** e.g. `Azure usage markup 10% on cost (all buyers; meter category Virtual Machines)`. */
  summary: string;
  /** The tier's formula in terms of what the seller pays, e.g. `sale = cost × 1.1`. */
  formula: string;
  steps: { label: string; formula: string }[];
  notes: { ruleId: string; code: string; reason: string }[];
}

export interface UsageRateTiersTable {
  rate_id: string;
  tier: number;
  seller_id: string;
  buyer_id: string | null;
  cost_currency: string;
  currency: string;
  cost_cost_factor: string;
  cost_list_factor: string;
  sale_cost_factor: string;
  sale_list_factor: string;
  rule_id: string | null;
  basis: 'rule' | 'list_price' | 'cost';
  explanation: ColumnType<RateTierExplanation, string, string>;
}

export interface UsageLinesTable {
  customer_id: string;
  usage_date: string;
  billing_currency: string;
  provider_id: string;
  kind: UsageKind;
  import_id: string;
  line_no: string;
  invoice_number: string;
  customer_tenant_id: string;
  subscription_id: string;
  subscription_description: string;
  entitlement_id: string;
  entitlement_description: string;
  charge_start_date: string | null;
  charge_end_date: string | null;
  product_id: string;
  sku_id: string;
  product_name: string;
  sku_name: string;
  meter_type: string;
  meter_category: string;
  meter_sub_category: string;
  meter_id: string;
  meter_name: string;
  meter_region: string;
  unit: string;
  resource_location: string;
  consumed_service: string;
  resource_group: string;
  resource_uri: string;
  tags: string;
  additional_info: string;
  charge_type: string;
  quantity: string;
  unit_price: string | null;
  effective_unit_price: string | null;
  pricing_pre_tax_total: string | null;
  pricing_currency: string;
  exchange_rate: string | null;
  exchange_rate_date: string | null;
  pec_percent: string | null;
  credit_percent: string | null;
  credit_type: string;
  cost: string;
  list_amount: string | null;
  rate_id: string;
  sale: string;
  sale_currency: string;
}

/** Per group and rate: the sums every tier's purchase and sale are computed from. */
export interface UsageDailyGroupsTable {
  customer_id: string;
  usage_date: string;
  billing_currency: string;
  entitlement_id: string;
  meter_category: string;
  rate_id: string;
  quantity: string;
  cost: string;
  list_amount: string;
  line_count: number;
}

/** The view usage_daily: purchase and sale per tier (read only). */
export interface UsageDailyTable {
  customer_id: string;
  usage_date: string;
  billing_currency: string;
  entitlement_id: string;
  meter_category: string;
  rate_id: string;
  tier: number;
  seller_id: string;
  buyer_id: string;
  cost_currency: string;
  currency: string;
  quantity: string;
  cost: string;
  sale: string;
  line_count: number;
}

export interface UsageSubscriptionsTable {
  entitlement_id: string;
  customer_id: string;
  subscription_id: string;
  description: string;
  updated_at: GeneratedTimestamp;
}

export interface UsagePeriodLocksTable {
  provider_id: string;
  period: string;
  reason: string;
  locked_at: GeneratedTimestamp;
}

export interface UsageTables {
  usage_imports: UsageImportsTable;
  usage_quarantine: UsageQuarantineTable;
  usage_customer_days: UsageCustomerDaysTable;
  usage_rates: UsageRatesTable;
  usage_rate_tiers: UsageRateTiersTable;
  usage_lines: UsageLinesTable;
  usage_daily_groups: UsageDailyGroupsTable;
  usage_daily: UsageDailyTable;
  usage_subscriptions: UsageSubscriptionsTable;
  usage_period_locks: UsagePeriodLocksTable;
}
