import type { ColumnType, Generated } from 'kysely';

/**
 * Table shapes of the catalog (migrations/0003_catalog.sql), composed into `Database` in
 * db/schema.ts. As everywhere: numeric as string, date as 'YYYY-MM-DD', timestamptz as Date.
 */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type GeneratedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export type CatalogTerm = 'P1M' | 'P1Y' | 'P3Y' | 'none';
export type CatalogBillingCycle = 'monthly' | 'annual' | 'triennial' | 'one_time' | 'usage';

interface SyncedRow {
  content_hash: string;
  first_seen_at: GeneratedTimestamp;
  changed_at: GeneratedTimestamp;
  retired_at: Timestamp | null;
}

export interface CatalogProductsTable extends SyncedRow {
  id: Generated<string>;
  provider_id: string;
  product_id: string;
  title: string;
  description: string;
  product_type: string;
  product_family: string;
  vendor: string;
  publisher: string | null;
}

export interface CatalogSkusTable extends SyncedRow {
  id: Generated<string>;
  provider_id: string;
  product_id: string;
  sku_id: string;
  title: string;
  description: string;
  min_quantity: number;
  max_quantity: number | null;
  is_trial: boolean;
  is_addon: boolean;
  billing_cycles: string[];
}

export interface CatalogOffersTable extends SyncedRow {
  id: Generated<string>;
  provider_id: string;
  product_id: string;
  sku_id: string;
  availability_id: string;
  catalog_item_id: string;
  term: CatalogTerm;
  billing_cycle: CatalogBillingCycle;
  term_id: string | null;
  segment: string;
  countries: string[];
  is_purchasable: boolean;
  is_renewable: boolean;
  cancellation_window: string | null;
}

interface PriceRow {
  id: Generated<string>;
  currency: string;
  cost: string;
  list_price: string | null;
  effective_from: string;
  effective_to: string | null;
  superseded_at: Timestamp | null;
  recorded_at: GeneratedTimestamp;
}

export interface CatalogPricesTable extends PriceRow {
  offer_id: string;
  market: string;
}

export interface CatalogMetersTable extends SyncedRow {
  id: Generated<string>;
  provider_id: string;
  meter_id: string;
  name: string;
  category: string;
  subcategory: string;
  region: string;
  unit: string;
}

export interface CatalogMeterPricesTable extends PriceRow {
  meter_row_id: string;
}

export type CatalogChangeKind =
  | 'catalog_imported'
  | 'product_added'
  | 'product_changed'
  | 'product_retired'
  | 'sku_added'
  | 'sku_changed'
  | 'sku_retired'
  | 'offer_added'
  | 'offer_changed'
  | 'offer_retired'
  | 'price_changed'
  | 'meter_added'
  | 'meter_changed'
  | 'meter_retired'
  | 'meter_price_changed';

export interface CatalogChangesTable {
  id: Generated<string>;
  provider_id: string;
  sync_id: string;
  kind: CatalogChangeKind;
  product_id: string | null;
  sku_id: string | null;
  catalog_item_id: string | null;
  term: string | null;
  billing_cycle: string | null;
  market: string | null;
  meter_id: string | null;
  title: string;
  currency: string | null;
  old_cost: string | null;
  new_cost: string | null;
  old_list_price: string | null;
  new_list_price: string | null;
  effective_date: string | null;
  details: ColumnType<Record<string, unknown>, string | undefined, string>;
  recorded_at: GeneratedTimestamp;
}

export interface CatalogSyncSettingsTable {
  provider_id: string;
  enabled: boolean;
  hour_of_day: number;
  markets: string[] | null;
  version: Generated<number>;
  updated_at: GeneratedTimestamp;
}

export interface ExchangeRatesTable {
  provider_id: string;
  from_currency: string;
  to_currency: string;
  month: string;
  rate: string;
  source: 'manual' | 'partner_center';
  updated_at: GeneratedTimestamp;
}

export type OwnBillingModel = 'recurring' | 'one_time' | 'usage';

export interface OwnProductsTable {
  id: Generated<string>;
  seller_id: string;
  vendor: string;
  name: string;
  description: string;
  product_family: string;
  billing_model: OwnBillingModel;
  unit: string;
  currency: string;
  version: Generated<number>;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
  retired_at: Timestamp | null;
}

export interface OwnProductOffersTable {
  id: Generated<string>;
  own_product_id: string;
  term: CatalogTerm;
  billing_cycle: CatalogBillingCycle;
  unit_price: string;
  cost: string;
}

export interface CatalogTables {
  catalog_products: CatalogProductsTable;
  catalog_skus: CatalogSkusTable;
  catalog_offers: CatalogOffersTable;
  catalog_prices: CatalogPricesTable;
  catalog_meters: CatalogMetersTable;
  catalog_meter_prices: CatalogMeterPricesTable;
  catalog_changes: CatalogChangesTable;
  catalog_sync_settings: CatalogSyncSettingsTable;
  exchange_rates: ExchangeRatesTable;
  own_products: OwnProductsTable;
  own_product_offers: OwnProductOffersTable;
}
