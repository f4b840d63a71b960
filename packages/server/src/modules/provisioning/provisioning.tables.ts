import type { ColumnType, Generated } from 'kysely';

/** Manual provisioning tasks (migrations/0005_orders.sql), composed into `Database` in db/schema.ts. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type GeneratedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export type TaskStatus = 'open' | 'completed' | 'cancelled';

export interface ProvisioningTasksTable {
  id: Generated<string>;
  order_id: string;
  order_line_id: string;
  assignee_org_id: string;
  customer_id: string;
  title: string;
  description: ColumnType<string, string | undefined, string>;
  due_date: string;
  status: ColumnType<TaskStatus, TaskStatus | undefined, TaskStatus>;
  completed_at: Timestamp | null;
  completed_by: string | null;
  completion_note: string | null;
  subscription_id: string | null;
  created_at: GeneratedTimestamp;
}

export interface ProvisioningTables {
  provisioning_tasks: ProvisioningTasksTable;
}
