import type { ColumnType, Generated } from 'kysely';

/** Table shapes of alerts (migrations/0007_budgets_credit.sql), composed into `Database` in db/schema.ts. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type GeneratedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string | undefined, string>;

export type AlertType =
  | 'budget_threshold'
  | 'usage_spike'
  | 'forecast_over_budget'
  | 'provisional_credit_exceeded'
  | 'credit_level';

export const ALERT_TYPES: readonly AlertType[] = [
  'budget_threshold',
  'usage_spike',
  'forecast_over_budget',
  'provisional_credit_exceeded',
  'credit_level',
];

export type AlertSubjectType = 'customer' | 'subscription' | 'reseller';

export interface StoredExplanation {
  summary: string;
  steps: { label: string; formula: string; result: string }[];
}

export interface AlertsTable {
  id: Generated<string>;
  type: AlertType;
  organization_id: string;
  audience_id: string;
  subject_type: AlertSubjectType;
  subject_id: string;
  /** 'YYYY-MM-01'. */
  period: string;
  usage_date: string | null;
  level: string | null;
  trigger: string | null;
  values: Json<Record<string, unknown>>;
  explanation: Json<StoredExplanation>;
  dedupe_key: string;
  acknowledged_at: Timestamp | null;
  acknowledged_by: string | null;
  created_at: GeneratedTimestamp;
}

export interface AlertTables {
  alerts: AlertsTable;
}
