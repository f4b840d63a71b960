import type { ColumnType, Generated } from 'kysely';

/** Records kept on accounts (migrations/0005_orders.sql), composed into `Database` in db/schema.ts. */
type GeneratedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export type AccountRecordKind = 'contact' | 'note' | 'task' | 'document' | 'case';
export type AccountRecordStatus = 'open' | 'done' | 'closed';

export interface AccountRecordsTable {
  id: Generated<string>;
  organization_id: string;
  author_org_id: string;
  kind: AccountRecordKind;
  title: string;
  body: ColumnType<string, string | undefined, string>;
  status: ColumnType<AccountRecordStatus, AccountRecordStatus | undefined, AccountRecordStatus>;
  due_date: string | null;
  data: ColumnType<Record<string, string>, string | undefined, string>;
  file_name: string | null;
  content_type: string | null;
  content: ColumnType<Uint8Array | null, Uint8Array | null | undefined, Uint8Array | null>;
  size_bytes: number | null;
  created_by: string;
  version: Generated<number>;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface AccountTables {
  account_records: AccountRecordsTable;
}
