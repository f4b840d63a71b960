import type { ColumnType, Generated } from 'kysely';
import type { CatalogBillingCycle, CatalogTerm } from '../catalog/catalog.tables.ts';

/** Table shapes of the price books (migrations/0003_catalog.sql), composed into `Database`. */
type GeneratedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export type StoredRuleKind =
  | 'markup'
  | 'margin'
  | 'list_discount'
  | 'fixed_price'
  | 'usage_markup'
  | 'usage_payg_discount';

export type StoredTargetKind =
  | 'all'
  | 'vendor'
  | 'product_family'
  | 'product'
  | 'sku'
  | 'meter_category'
  | 'meter'
  | 'own_product';

export type StoredBuyerScope = 'all' | 'reseller_subtree' | 'customer';

export interface PriceRulesTable {
  id: Generated<string>;
  seller_id: string;
  name: string;
  kind: StoredRuleKind;
  percent: string | null;
  unit_price: string | null;
  currency: string | null;
  target_kind: StoredTargetKind;
  target_value: string | null;
  target_sku_id: string | null;
  buyer_scope: StoredBuyerScope;
  buyer_organization_id: string | null;
  term: CatalogTerm | null;
  billing_cycle: CatalogBillingCycle | null;
  effective_from: string;
  effective_to: string | null;
  allow_below_cost: boolean;
  version: Generated<number>;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface PriceBookTables {
  price_rules: PriceRulesTable;
}
