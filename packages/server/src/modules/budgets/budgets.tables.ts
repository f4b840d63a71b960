import type { ColumnType, Generated } from 'kysely';

/** Table shapes of budgets (migrations/0007_budgets_credit.sql), composed into `Database` in db/schema.ts. */
type GeneratedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface BudgetsTable {
  id: Generated<string>;
  customer_id: string;
  /** '' = the customer's whole Azure usage. */
  entitlement_id: ColumnType<string, string | undefined, string>;
  currency: string;
  planned_amount: string;
  thresholds: ColumnType<string[], string[] | undefined, string[]>;
  /** First day of the first month, 'YYYY-MM-01'. */
  effective_from: string;
  created_by: string;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
  version: ColumnType<number, number | undefined, number>;
}

export interface BudgetTables {
  budgets: BudgetsTable;
}
