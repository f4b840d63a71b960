import type { ColumnType, Generated } from 'kysely';
import type { Locale } from '../../db/schema.ts';
import type { StoredPriceTier } from '../orders/orders.tables.ts';

/** Table shapes of quotes (migrations/0005_orders.sql), composed into `Database` in db/schema.ts. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type GeneratedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string | undefined, string>;
type NullableJson<T> = ColumnType<T | null, string | null | undefined, string | null>;

export type QuoteStatus = 'draft' | 'sent' | 'accepted' | 'expired' | 'cancelled';
export type QuoteItemKind = 'license' | 'own_product' | 'azure_plan';

/** A customer that does not exist yet: created (below the seller) when the quote is accepted. */
export interface Prospect {
  companyName: string;
  country: string;
  currency: string;
  email?: string;
  contactName?: string;
  /** The `*.onmicrosoft.com` prefix the new tenant will get. */
  domainPrefix?: string;
}

export interface QuotesTable {
  id: Generated<string>;
  number: string;
  seller_id: string;
  customer_id: string | null;
  prospect: NullableJson<Prospect>;
  status: ColumnType<QuoteStatus, QuoteStatus | undefined, QuoteStatus>;
  currency: string;
  locale: Locale;
  valid_until: string;
  title: ColumnType<string, string | undefined, string>;
  notes: ColumnType<string, string | undefined, string>;
  share_token_hash: string | null;
  order_id: string | null;
  created_by: string;
  version: Generated<number>;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
  sent_at: Timestamp | null;
  accepted_at: Timestamp | null;
}

export interface QuoteLinesTable {
  id: Generated<string>;
  quote_id: string;
  position: number;
  item_kind: QuoteItemKind;
  sku: string | null;
  own_product_id: string | null;
  catalog_item_id: string | null;
  title: string;
  quantity: number;
  term: string;
  billing_cycle: string;
  start_date: string | null;
  unit_price: string;
  currency: string;
  total_per_cycle: string;
  periods_per_term: number | null;
  total_per_term: string | null;
  explanation: Json<unknown>;
  tiers: Json<StoredPriceTier[]>;
}

export interface QuoteTables {
  quotes: QuotesTable;
  quote_lines: QuoteLinesTable;
}
