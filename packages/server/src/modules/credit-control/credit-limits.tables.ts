import type { ColumnType, Generated } from 'kysely';

/** Table shapes of credit limits (migrations/0007_budgets_credit.sql), composed into `Database` in db/schema.ts. */
type GeneratedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface CreditLimitsTable {
  id: Generated<string>;
  organization_id: string;
  seller_id: string;
  currency: string;
  warning_amount: string | null;
  approval_amount: string | null;
  blocked_amount: string | null;
  created_by: string;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
  version: ColumnType<number, number | undefined, number>;
}

export interface CreditLimitTables {
  credit_limits: CreditLimitsTable;
}
