import type { ColumnType, Generated } from 'kysely';
import type { StoredPriceTier } from '../orders/orders.tables.ts';

/**
 * Table shapes of subscriptions, their events and drift (migrations/0005_orders.sql), composed into
 * `Database` in db/schema.ts. numeric and int8 as string, date as 'YYYY-MM-DD', timestamptz as Date.
 */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type GeneratedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string | undefined, string>;
type NullableJson<T> = ColumnType<T | null, string | null | undefined, string | null>;

export type SubscriptionKind = 'license' | 'azure_plan' | 'own_product';
export type LocalSubscriptionStatus = 'pending' | 'active' | 'suspended' | 'cancelled' | 'expired';

/** A batch of seats and the last instant it can be removed with a refund (ISO instants). */
export interface StoredSeatLot {
  quantity: number;
  addedAt: string;
  refundableUntil: string;
}

/** What the renewal will apply (Partner Center's scheduledNextTermInstructions). */
export interface StoredScheduledChange {
  effectiveOn: string;
  quantity: number;
  skuId: string;
  term: string;
  billingCycle: string;
  scheduledAt: string;
}

export type SubscriptionEventKind =
  | 'purchased'
  | 'provisioned'
  | 'quantity_changed'
  | 'suspended'
  | 'reactivated'
  | 'cancelled'
  | 'auto_renew_changed'
  | 'change_scheduled'
  | 'schedule_cleared'
  | 'upgraded'
  | 'renewed'
  | 'expired'
  | 'adopted'
  | 'corrected';

export type DriftKind =
  | 'quantity'
  | 'status'
  | 'auto_renew'
  | 'unknown_subscription'
  | 'missing_at_microsoft';

export interface SubscriptionsTable {
  id: Generated<string>;
  provider_id: string;
  seller_id: string;
  customer_id: string;
  kind: SubscriptionKind;
  pc_customer_id: string | null;
  pc_subscription_id: string | null;
  product_id: string | null;
  sku_id: string | null;
  catalog_item_id: string | null;
  own_product_id: string | null;
  title: string;
  status: LocalSubscriptionStatus;
  quantity: number;
  term: string;
  billing_cycle: string;
  term_start: string | null;
  term_end: string | null;
  auto_renew: boolean;
  cancellation_allowed_until: Timestamp | null;
  seat_lots: Json<StoredSeatLot[]>;
  scheduled_change: NullableJson<StoredScheduledChange>;
  is_addon: ColumnType<boolean, boolean | undefined, boolean>;
  parent_subscription_id: string | null;
  is_trial: ColumnType<boolean, boolean | undefined, boolean>;
  unit_price: string | null;
  currency: string | null;
  price_tiers: Json<StoredPriceTier[]>;
  order_id: string | null;
  attributes: Json<Record<string, string>>;
  last_reconciled_at: Timestamp | null;
  version: Generated<number>;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface SubscriptionEventsTable {
  id: Generated<string>;
  subscription_id: string;
  kind: SubscriptionEventKind;
  effective_at: Timestamp;
  quantity_before: number | null;
  quantity_after: number;
  status_before: string | null;
  status_after: string;
  sku_before: string | null;
  sku_after: string | null;
  term: string | null;
  billing_cycle: string | null;
  term_start: string | null;
  term_end: string | null;
  charge_period_start: string | null;
  charge_period_end: string | null;
  auto_renew: boolean | null;
  order_id: string | null;
  order_line_id: string | null;
  source: 'order' | 'reconciliation' | 'manual';
  details: Json<Record<string, unknown>>;
  recorded_at: GeneratedTimestamp;
}

export interface SubscriptionEventPricesTable {
  event_id: string;
  tier: number;
  seller_id: string;
  buyer_id: string;
  unit_cost: string;
  cost_currency: string;
  unit_price: string;
  currency: string;
}

export interface SubscriptionDriftTable {
  id: Generated<string>;
  provider_id: string;
  customer_id: string;
  subscription_id: string | null;
  pc_customer_id: string;
  pc_subscription_id: string;
  kind: DriftKind;
  local_value: string | null;
  microsoft_value: string | null;
  details: Json<Record<string, unknown>>;
  detected_at: GeneratedTimestamp;
  last_seen_at: GeneratedTimestamp;
  resolved_at: Timestamp | null;
  resolution: 'adopted' | 'fixed' | 'cleared' | null;
  resolved_by: string | null;
  fix_order_id: string | null;
}

export interface SubscriptionTables {
  subscriptions: SubscriptionsTable;
  subscription_events: SubscriptionEventsTable;
  subscription_event_prices: SubscriptionEventPricesTable;
  subscription_drift: SubscriptionDriftTable;
}
