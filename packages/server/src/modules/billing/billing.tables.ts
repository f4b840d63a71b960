import type { ColumnType, Generated } from 'kysely';

/**
 * Table shapes of billing (migrations/0008_billing.sql), composed into `Database` in db/schema.ts.
 * As everywhere: numeric and int8 as string, date as 'YYYY-MM-DD', timestamptz as Date.
 */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type GeneratedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string | undefined, string>;
type Defaulted<T> = ColumnType<T, T | undefined, T>;

export type InvoiceStatus = 'draft' | 'issued' | 'paid' | 'void';
export type InvoiceLineKindColumn = 'license' | 'usage' | 'own_service' | 'discount' | 'manual';
export type UsagePolicy = 'billed' | 'unbilled';
export type TaxRounding = 'down' | 'half-up' | 'up';
export type BillingRunStatus = 'running' | 'completed' | 'failed';
export type PaymentMethod = 'bank_transfer' | 'card' | 'direct_debit' | 'cash' | 'other';

export interface StoredDiscountRule {
  id: string;
  name: string;
  percent: string;
  productIds?: string[];
  requiresAll?: string[];
  from?: string;
  to?: string;
}

export interface StoredTaxRate {
  treatment: string;
  rate: string | null;
  percent: string;
  net: string;
  tax: string;
  gross: string;
}

export interface BillingProfilesTable {
  organization_id: string;
  currency: string;
  billing_day: Defaulted<number>;
  payment_terms_days: Defaulted<number>;
  registration_number: string | null;
  vat_id: string | null;
  tax_rounding: Defaulted<TaxRounding>;
  prices_include_tax: Defaulted<boolean>;
  bank_details: Defaulted<string>;
  invoice_locale: Defaulted<'ja' | 'en' | 'de'>;
  number_prefix: Defaulted<string>;
  number_digits: Defaulted<number>;
  usage_policy: Defaulted<UsagePolicy>;
  discounts: Json<StoredDiscountRule[]>;
  version: Generated<number>;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface BillingRunsTable {
  id: Generated<string>;
  seller_id: string;
  period: string;
  status: Defaulted<BillingRunStatus>;
  issue: Defaulted<boolean>;
  recipients_total: Defaulted<number>;
  recipients_done: Defaulted<number>;
  invoices_created: Defaulted<number>;
  invoices_updated: Defaulted<number>;
  invoices_issued: Defaulted<number>;
  lines_written: Defaulted<number>;
  attempts: Defaulted<number>;
  error: string | null;
  started_by: string;
  started_at: GeneratedTimestamp;
  finished_at: Timestamp | null;
}

export interface InvoicesTable {
  id: Generated<string>;
  issuer_id: string;
  recipient_id: string;
  period: string;
  currency: string;
  status: Defaulted<InvoiceStatus>;
  number: string | null;
  issue_date: string | null;
  due_date: string | null;
  net: Defaulted<string>;
  tax: Defaulted<string>;
  gross: Defaulted<string>;
  paid: Defaulted<string>;
  tax_by_rate: Json<StoredTaxRate[]>;
  tax_policy: string;
  prices_include_tax: Defaulted<boolean>;
  locale: 'ja' | 'en' | 'de';
  issuer_snapshot: Json<Record<string, unknown>>;
  recipient_snapshot: Json<Record<string, unknown>>;
  notes: Json<{ code: string; text: string }[]>;
  run_id: string | null;
  overdue_at: Timestamp | null;
  issued_at: Timestamp | null;
  paid_at: Timestamp | null;
  voided_at: Timestamp | null;
  void_reason: string | null;
  version: Generated<number>;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface InvoiceLinesTable {
  id: Generated<string>;
  invoice_id: string;
  position: number;
  kind: InvoiceLineKindColumn;
  source_key: string;
  description: string;
  subscription_id: string | null;
  entitlement_id: string | null;
  product_id: string | null;
  period_start: string | null;
  period_end: string | null;
  quantity: string;
  unit_price: string | null;
  unrounded: string;
  amount: string;
  tax_rate: string;
  explanation: Json<Record<string, unknown>>;
}

export interface InvoiceNumberSequencesTable {
  issuer_id: string;
  last_value: ColumnType<string, string | number | undefined, string | number>;
}

export interface PaymentsTable {
  id: Generated<string>;
  invoice_id: string;
  amount: string;
  currency: string;
  paid_on: string;
  method: PaymentMethod;
  reference: Defaulted<string>;
  recorded_by: string;
  recorded_at: GeneratedTimestamp;
}

export interface CreditNotesTable {
  id: Generated<string>;
  invoice_id: string;
  issuer_id: string;
  recipient_id: string;
  number: string;
  currency: string;
  reason: string;
  net: string;
  tax: string;
  gross: string;
  tax_by_rate: Json<StoredTaxRate[]>;
  issue_date: string;
  created_by: string;
  created_at: GeneratedTimestamp;
}

export interface CreditNoteLinesTable {
  id: Generated<string>;
  credit_note_id: string;
  position: number;
  invoice_line_id: string | null;
  description: string;
  amount: string;
  tax_rate: string;
}

/** A metered quantity of a usage-billed own service (0010_service_usage.sql). */
export interface ServiceUsageRecordsTable {
  id: Generated<string>;
  subscription_id: string;
  usage_date: string;
  reference: Defaulted<string>;
  quantity: string;
  note: Defaulted<string>;
  recorded_by_org: string;
  recorded_by: string;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface BillingTables {
  billing_profiles: BillingProfilesTable;
  billing_runs: BillingRunsTable;
  invoices: InvoicesTable;
  invoice_lines: InvoiceLinesTable;
  invoice_number_sequences: InvoiceNumberSequencesTable;
  payments: PaymentsTable;
  credit_notes: CreditNotesTable;
  credit_note_lines: CreditNoteLinesTable;
  service_usage_records: ServiceUsageRecordsTable;
}
