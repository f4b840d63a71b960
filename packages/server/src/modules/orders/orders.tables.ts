import type { ColumnType, Generated } from 'kysely';

/**
 * Table shapes of orders (migrations/0005_orders.sql), composed into `Database` in db/schema.ts.
 * As everywhere: numeric and int8 as string, date as 'YYYY-MM-DD', timestamptz as Date.
 */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type GeneratedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string | undefined, string>;
type NullableJson<T> = ColumnType<T | null, string | null | undefined, string | null>;

export type OrderStateName =
  | 'draft'
  | 'submitted'
  | 'awaiting_approval'
  | 'awaiting_relationship'
  | 'scheduled'
  | 'provisioning'
  | 'completed'
  | 'partially_failed'
  | 'failed'
  | 'cancelled';

export type OrderLineKind =
  | 'purchase'
  | 'add_on'
  | 'azure_plan'
  | 'azure_admin'
  | 'own_product'
  | 'change_quantity'
  | 'suspend'
  | 'reactivate'
  | 'cancel'
  | 'set_auto_renew'
  | 'schedule_change'
  | 'upgrade';

export type OrderLineStatus = 'pending' | 'succeeded' | 'failed';

/** The tenant side of an order: a new tenant with a new domain, or a link to an existing one. */
export type TenantAction =
  | {
      mode: 'new';
      domainPrefix: string;
      companyName: string;
      email: string;
      culture: string;
      language: string;
      contact: { firstName: string; lastName: string; phoneNumber?: string };
      address: {
        addressLine1: string;
        city: string;
        state?: string;
        postalCode: string;
        country: string;
      };
    }
  | { mode: 'existing'; domain: string };

/** One tier of the price chain as stored on order lines and subscriptions. */
export interface StoredPriceTier {
  sellerId: string;
  buyerId: string;
  unitCost: string;
  costCurrency: string;
  unitPrice: string;
  currency: string;
}

export interface CreditRecord {
  outcome: 'allowed' | 'warning' | 'approval_required' | 'blocked';
  implementation: string;
  message: string;
  explanation: unknown;
}

export interface CustomerTenantsTable {
  organization_id: string;
  provider_id: string;
  pc_customer_id: string;
  domain: string;
  origin: 'created' | 'linked';
  linked_at: GeneratedTimestamp;
}

export interface OrdersTable {
  id: string;
  number: string;
  provider_id: string;
  seller_id: string;
  customer_id: string;
  placed_by_org_id: string;
  state: OrderStateName;
  tenant_action: NullableJson<TenantAction>;
  relationship_url: string | null;
  effective_at: Timestamp | null;
  effective_date: string | null;
  time_zone: string;
  quote_id: string | null;
  reference: ColumnType<string, string | undefined, string>;
  attributes: Json<Record<string, string>>;
  currency: string;
  monthly_amount: ColumnType<string, string | undefined, string>;
  credit: NullableJson<CreditRecord>;
  failure_reason: string | null;
  alerted_at: Timestamp | null;
  last_error: string | null;
  attempts: Generated<number>;
  claimed_by: string | null;
  claimed_until: Timestamp | null;
  approved_at: Timestamp | null;
  relationship_accepted_at: Timestamp | null;
  created_by: string;
  version: Generated<number>;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
  completed_at: Timestamp | null;
}

export interface OrderLinesTable {
  id: string;
  order_id: string;
  position: number;
  kind: OrderLineKind;
  subscription_id: string | null;
  product_id: string | null;
  sku_id: string | null;
  catalog_item_id: string | null;
  own_product_id: string | null;
  title: string;
  term: string | null;
  billing_cycle: string | null;
  quantity: number | null;
  params: Json<Record<string, unknown>>;
  unit_price: string | null;
  currency: string | null;
  price_tiers: Json<StoredPriceTier[]>;
  price_explanation: NullableJson<unknown>;
  status: ColumnType<OrderLineStatus, OrderLineStatus | undefined, OrderLineStatus>;
  waiting_on: 'manual_task' | null;
  failure_reason: string | null;
  failure_code: string | null;
  result: Json<Record<string, unknown>>;
  created_subscription_id: string | null;
  completed_at: Timestamp | null;
}

export interface OrderTransitionsTable {
  id: Generated<string>;
  order_id: string;
  from_state: string;
  to_state: string;
  event: string;
  reason: string | null;
  line_id: string | null;
  actor: string;
  at: Timestamp;
  recorded_at: GeneratedTimestamp;
}

export interface IdempotencyKeysTable {
  organization_id: string;
  key: string;
  request_hash: string;
  order_id: string;
  created_at: GeneratedTimestamp;
  expires_at: Timestamp;
}

export interface OrderTables {
  customer_tenants: CustomerTenantsTable;
  orders: OrdersTable;
  order_lines: OrderLinesTable;
  order_transitions: OrderTransitionsTable;
  idempotency_keys: IdempotencyKeysTable;
}
