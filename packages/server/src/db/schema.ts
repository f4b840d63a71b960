import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { AccountTables } from '../modules/accounts/accounts.tables.ts';
import type { AlertTables } from '../modules/alerts/alerts.tables.ts';
import type { BillingTables } from '../modules/billing/billing.tables.ts';
import type { BudgetTables } from '../modules/budgets/budgets.tables.ts';
import type { CatalogTables } from '../modules/catalog/catalog.tables.ts';
import type { CreditLimitTables } from '../modules/credit-control/credit-limits.tables.ts';
import type { NotificationTables } from '../modules/notifications/notifications.tables.ts';
import type { OrderTables } from '../modules/orders/orders.tables.ts';
import type { PriceBookTables } from '../modules/price-books/price-books.tables.ts';
import type { ProvisioningTables } from '../modules/provisioning/provisioning.tables.ts';
import type { QuoteTables } from '../modules/quotes/quotes.tables.ts';
import type { SubscriptionTables } from '../modules/subscriptions/subscriptions.tables.ts';
import type { UsageTables } from '../modules/usage/usage.tables.ts';
import type { WebhookTables } from '../modules/webhooks/webhooks.tables.ts';

/**
 * Table shapes as the drivers return them after type normalisation (see database.ts): int8 and
 * numeric arrive as strings, date as 'YYYY-MM-DD', timestamptz as Date, jsonb as parsed JSON.
 */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type GeneratedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export type OrganizationKind = 'provider' | 'reseller' | 'customer';
export type Locale = 'ja' | 'en' | 'de';
export type Role = 'admin' | 'sales' | 'billing' | 'readonly' | 'customer_admin' | 'customer_user';
/** What an API key may do besides its role's permissions (auth/api-scopes.ts). */
export type ApiScope = 'read' | 'orders' | 'billing' | 'manage';

export interface Branding {
  displayName?: string;
  logoUrl?: string;
  primaryColor?: string;
  accentColor?: string;
}

export interface OrganizationsTable {
  id: Generated<string>;
  parent_id: string | null;
  kind: OrganizationKind;
  name: string;
  country: string;
  currency: string;
  time_zone: string;
  locale: Locale;
  tenant_id: string | null;
  domains: ColumnType<string[], string[] | undefined, string[]>;
  branding: ColumnType<Branding, string | undefined, string>;
  version: Generated<number>;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface OrganizationTreeTable {
  ancestor_id: string;
  descendant_id: string;
  depth: number;
}

export interface UsersTable {
  id: Generated<string>;
  email: string;
  name: string;
  locale: Generated<Locale>;
  password_hash: string | null;
  disabled_at: Timestamp | null;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface MembershipsTable {
  id: Generated<string>;
  user_id: string;
  organization_id: string;
  role: Role;
  created_at: GeneratedTimestamp;
}

export interface SessionsTable {
  token_hash: string;
  user_id: string;
  membership_id: string;
  csrf_token: string;
  created_at: GeneratedTimestamp;
  expires_at: Timestamp;
}

export interface ApiKeysTable {
  id: Generated<string>;
  organization_id: string;
  name: string;
  role: Role;
  prefix: string;
  secret_hash: string;
  created_by: string | null;
  created_at: GeneratedTimestamp;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
  scopes: ColumnType<ApiScope[], ApiScope[] | undefined, ApiScope[]>;
  rate_limit_per_minute: ColumnType<number | null, number | null | undefined, number | null>;
}

export interface AuditLogTable {
  id: Generated<string>;
  organization_id: string;
  actor_type: 'user' | 'api_key' | 'system';
  actor_id: string | null;
  actor_label: string;
  action: string;
  entity_type: string;
  entity_id: string;
  before: ColumnType<unknown, string | null, never>;
  after: ColumnType<unknown, string | null, never>;
  at: GeneratedTimestamp;
}

export interface PartnerCenterConnectionsTable {
  organization_id: string;
  mode: 'emulator' | 'app_only' | 'app_user';
  base_url: string | null;
  tenant_id: string | null;
  app_id: string | null;
  credentials: string | null;
  last_test_at: Timestamp | null;
  last_test_ok: boolean | null;
  last_test_message: string | null;
  version: Generated<number>;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface PartnerCenterRequestsTable {
  operation_key: string;
  request_id: string;
  state: 'pending' | 'succeeded' | 'failed';
  http_status: number | null;
  error_code: string | null;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface SchemaMigrationsTable {
  name: string;
  applied_at: GeneratedTimestamp;
}

export interface Database
  extends CatalogTables,
    PriceBookTables,
    UsageTables,
    // Quotes, orders, subscriptions, provisioning tasks and account records (#5).
    OrderTables,
    QuoteTables,
    SubscriptionTables,
    ProvisioningTables,
    AccountTables,
    // Notifications, webhooks (#9).
    NotificationTables,
    WebhookTables,
    // Budgets, credit control and alerts (#8).
    BudgetTables,
    CreditLimitTables,
    AlertTables,
    // Billing: profiles, runs, invoices, payments, credit notes (#7).
    BillingTables {
  organizations: OrganizationsTable;
  organization_tree: OrganizationTreeTable;
  users: UsersTable;
  memberships: MembershipsTable;
  sessions: SessionsTable;
  api_keys: ApiKeysTable;
  audit_log: AuditLogTable;
  schema_migrations: SchemaMigrationsTable;
  partner_center_connections: PartnerCenterConnectionsTable;
  partner_center_requests: PartnerCenterRequestsTable;
}

export type Organization = Selectable<OrganizationsTable>;
export type NewOrganization = Insertable<OrganizationsTable>;
export type OrganizationUpdate = Updateable<OrganizationsTable>;
export type User = Selectable<UsersTable>;
export type Membership = Selectable<MembershipsTable>;
export type ApiKey = Selectable<ApiKeysTable>;
