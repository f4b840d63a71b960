import type { ColumnType, Generated } from 'kysely';

/**
 * Table shapes of webhook endpoints and their delivery log (migrations/0006_notifications.sql),
 * composed into `Database` in db/schema.ts.
 */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type GeneratedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Counter = ColumnType<number, number | undefined, number>;

export type WebhookDeliveryStatus = 'pending' | 'succeeded' | 'failed';

export interface WebhookEndpointsTable {
  id: Generated<string>;
  organization_id: string;
  url: string;
  description: ColumnType<string, string | undefined, string>;
  event_types: ColumnType<string[], string[] | undefined, string[]>;
  secret: string;
  enabled: ColumnType<boolean, boolean | undefined, boolean>;
  consecutive_failures: Counter;
  disabled_at: Timestamp | null;
  disabled_reason: string | null;
  version: Generated<number>;
  created_by: string;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface WebhookDeliveriesTable {
  id: string;
  endpoint_id: string;
  organization_id: string;
  event_id: string | null;
  event_type: string;
  payload: string;
  status: WebhookDeliveryStatus;
  attempts: Counter;
  next_attempt_at: Timestamp | null;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: Timestamp | null;
  redelivery_of: string | null;
  created_at: GeneratedTimestamp;
}

export interface WebhookDeliveryAttemptsTable {
  id: Generated<string>;
  delivery_id: string;
  attempt: number;
  attempted_at: Timestamp;
  status_code: number | null;
  error: string | null;
  response_body: string | null;
  duration_ms: number;
}

export interface WebhookTables {
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_delivery_attempts: WebhookDeliveryAttemptsTable;
}
