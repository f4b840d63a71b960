import type { ColumnType, Generated } from 'kysely';
import type { Locale, Role } from '../../db/schema.ts';

/**
 * Table shapes of the outbox, notifications and their settings (migrations/0006_notifications.sql),
 * composed into `Database` in db/schema.ts. timestamptz as Date, jsonb as parsed JSON.
 */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type GeneratedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string | undefined, string>;
type Counter = ColumnType<number, number | undefined, number>;

export type NotificationChannel = 'in_app' | 'email';
export type NotificationStatus = 'pending' | 'sent' | 'failed';

export interface NotificationEventsTable {
  id: Generated<string>;
  type: string;
  organization_id: string;
  subject_type: string;
  subject_id: string;
  data: Json<Record<string, unknown>>;
  dedupe_key: string | null;
  occurred_at: GeneratedTimestamp;
  dispatched_at: Timestamp | null;
  claimed_until: Timestamp | null;
  dispatch_attempts: Counter;
  dispatch_error: string | null;
}

export interface NotificationsTable {
  id: Generated<string>;
  event_id: string;
  organization_id: string;
  user_id: string;
  channel: NotificationChannel;
  event_type: string;
  locale: Locale;
  title: string;
  body_text: string;
  body_html: string | null;
  link_url: string | null;
  recipient: string | null;
  status: NotificationStatus;
  attempts: Counter;
  next_attempt_at: Timestamp | null;
  last_error: string | null;
  sent_at: Timestamp | null;
  message_id: string | null;
  file_name: string | null;
  read_at: Timestamp | null;
  created_at: GeneratedTimestamp;
}

/** One organisation's choice for one event type; absent event types use the defaults. */
export interface RecipientRule {
  roles: Role[];
  userIds: string[];
  channels: NotificationChannel[];
}

export interface NotificationSettingsTable {
  organization_id: string;
  rules: Json<Record<string, RecipientRule>>;
  renewal_notice_months: ColumnType<number[], number[] | undefined, number[]>;
  version: Generated<number>;
  updated_at: GeneratedTimestamp;
}

export interface NotificationPreferencesTable {
  user_id: string;
  email_opt_out: ColumnType<string[], string[] | undefined, string[]>;
  updated_at: GeneratedTimestamp;
}

export interface NotificationTables {
  notification_events: NotificationEventsTable;
  notifications: NotificationsTable;
  notification_settings: NotificationSettingsTable;
  notification_preferences: NotificationPreferencesTable;
}
