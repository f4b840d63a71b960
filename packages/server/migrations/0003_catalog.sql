-- Catalog (masters) and price books (issue #4).
--
-- The Microsoft catalog is kept per provider with Microsoft's identifiers as columns: products,
-- SKUs, and one offer row per (catalogItemId, term, billing cycle). Prices live in an
-- effective-dated table so their history stays; a sync rewrites nothing that did not change
-- (content hashes) and never deletes: what Microsoft stops offering gets `retired_at`. Every change
-- a sync applies is written to the catalog change log.
--
-- Money columns are numeric; every amount carries its currency alongside.

CREATE TABLE catalog_products (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  provider_id     uuid NOT NULL REFERENCES organizations (id),
  product_id      text NOT NULL,
  title           text NOT NULL,
  description     text NOT NULL DEFAULT '',
  product_type    text NOT NULL,
  product_family  text NOT NULL,
  vendor          text NOT NULL,
  publisher       text,
  content_hash    text NOT NULL,
  first_seen_at   timestamptz NOT NULL DEFAULT now(),
  changed_at      timestamptz NOT NULL DEFAULT now(),
  retired_at      timestamptz,
  UNIQUE (provider_id, product_id)
);

CREATE TABLE catalog_skus (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  provider_id     uuid NOT NULL REFERENCES organizations (id),
  product_id      text NOT NULL,
  sku_id          text NOT NULL,
  title           text NOT NULL,
  description     text NOT NULL DEFAULT '',
  min_quantity    integer NOT NULL DEFAULT 1,
  max_quantity    integer,
  is_trial        boolean NOT NULL DEFAULT false,
  is_addon        boolean NOT NULL DEFAULT false,
  billing_cycles  text[] NOT NULL DEFAULT '{}',
  content_hash    text NOT NULL,
  first_seen_at   timestamptz NOT NULL DEFAULT now(),
  changed_at      timestamptz NOT NULL DEFAULT now(),
  retired_at      timestamptz,
  UNIQUE (provider_id, product_id, sku_id),
  FOREIGN KEY (provider_id, product_id) REFERENCES catalog_products (provider_id, product_id)
);
CREATE INDEX catalog_skus_title_idx ON catalog_skus (provider_id, title COLLATE "C", id);

-- One row per (availability, term, billing cycle): what a cart line names.
CREATE TABLE catalog_offers (
  id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  provider_id          uuid NOT NULL REFERENCES organizations (id),
  product_id           text NOT NULL,
  sku_id               text NOT NULL,
  availability_id      text NOT NULL,
  catalog_item_id      text NOT NULL,
  term                 text NOT NULL CHECK (term IN ('P1M', 'P1Y', 'P3Y', 'none')),
  billing_cycle        text NOT NULL
                       CHECK (billing_cycle IN ('monthly', 'annual', 'triennial', 'one_time', 'usage')),
  term_id              text,
  segment              text NOT NULL,
  countries            text[] NOT NULL DEFAULT '{}',
  is_purchasable       boolean NOT NULL DEFAULT true,
  is_renewable         boolean NOT NULL DEFAULT false,
  cancellation_window  text,
  content_hash         text NOT NULL,
  first_seen_at        timestamptz NOT NULL DEFAULT now(),
  changed_at           timestamptz NOT NULL DEFAULT now(),
  retired_at           timestamptz,
  UNIQUE (provider_id, catalog_item_id, term, billing_cycle),
  FOREIGN KEY (provider_id, product_id, sku_id) REFERENCES catalog_skus (provider_id, product_id, sku_id)
);
CREATE INDEX catalog_offers_sku_idx ON catalog_offers (provider_id, product_id, sku_id);

-- Microsoft's price of an offer in one market for one billing period of one licence:
-- `cost` is the partner price (price list UnitPrice), `list_price` the estimated retail price
-- (price list "ERP Price"). [effective_from, effective_to) is half-open; a price that a later
-- publication replaced before it took effect keeps its row with `superseded_at` set.
CREATE TABLE catalog_prices (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  offer_id        uuid NOT NULL REFERENCES catalog_offers (id),
  market          char(2) NOT NULL,
  currency        char(3) NOT NULL,
  cost            numeric NOT NULL CHECK (cost >= 0),
  list_price      numeric CHECK (list_price >= 0),
  effective_from  date NOT NULL,
  effective_to    date,
  superseded_at   timestamptz,
  recorded_at     timestamptz NOT NULL DEFAULT now(),
  CHECK (effective_to IS NULL OR effective_to > effective_from)
);
CREATE INDEX catalog_prices_offer_idx ON catalog_prices (offer_id, market, effective_from)
  WHERE superseded_at IS NULL;

-- Azure meters (the Azure plan is usage-priced): rated by #6 with price rules on meter
-- categories and meters.
CREATE TABLE catalog_meters (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  provider_id     uuid NOT NULL REFERENCES organizations (id),
  meter_id        text NOT NULL,
  name            text NOT NULL,
  category        text NOT NULL,
  subcategory     text NOT NULL DEFAULT '',
  region          text NOT NULL DEFAULT '',
  unit            text NOT NULL,
  content_hash    text NOT NULL,
  first_seen_at   timestamptz NOT NULL DEFAULT now(),
  changed_at      timestamptz NOT NULL DEFAULT now(),
  retired_at      timestamptz,
  UNIQUE (provider_id, meter_id)
);
CREATE INDEX catalog_meters_name_idx ON catalog_meters (provider_id, name COLLATE "C", id);

-- Pay-as-you-go rate of a meter; `cost` is what Microsoft charges before any earned credit (PEC).
CREATE TABLE catalog_meter_prices (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  meter_row_id    uuid NOT NULL REFERENCES catalog_meters (id),
  currency        char(3) NOT NULL,
  cost            numeric NOT NULL CHECK (cost >= 0),
  list_price      numeric CHECK (list_price >= 0),
  effective_from  date NOT NULL,
  effective_to    date,
  superseded_at   timestamptz,
  recorded_at     timestamptz NOT NULL DEFAULT now(),
  CHECK (effective_to IS NULL OR effective_to > effective_from)
);
CREATE INDEX catalog_meter_prices_meter_idx ON catalog_meter_prices (meter_row_id, currency, effective_from)
  WHERE superseded_at IS NULL;

-- What each sync changed. One sync_id groups the entries of one run.
CREATE TABLE catalog_changes (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  provider_id      uuid NOT NULL REFERENCES organizations (id),
  sync_id          uuid NOT NULL,
  kind             text NOT NULL CHECK (kind IN (
                     'catalog_imported',
                     'product_added', 'product_changed', 'product_retired',
                     'sku_added', 'sku_changed', 'sku_retired',
                     'offer_added', 'offer_changed', 'offer_retired',
                     'price_changed',
                     'meter_added', 'meter_changed', 'meter_retired', 'meter_price_changed')),
  product_id       text,
  sku_id           text,
  catalog_item_id  text,
  term             text,
  billing_cycle    text,
  market           char(2),
  meter_id         text,
  title            text NOT NULL DEFAULT '',
  currency         char(3),
  old_cost         numeric,
  new_cost         numeric,
  old_list_price   numeric,
  new_list_price   numeric,
  effective_date   date,
  details          jsonb NOT NULL DEFAULT '{}',
  recorded_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX catalog_changes_provider_idx ON catalog_changes (provider_id, id DESC);

-- When the daily sync runs for a provider (its local hour) and which markets it reads; no row
-- means the defaults (enabled, 03:00, the countries of the provider's organisations).
CREATE TABLE catalog_sync_settings (
  provider_id  uuid PRIMARY KEY REFERENCES organizations (id),
  enabled      boolean NOT NULL DEFAULT true,
  hour_of_day  smallint NOT NULL DEFAULT 3 CHECK (hour_of_day BETWEEN 0 AND 23),
  markets      text[],
  version      integer NOT NULL DEFAULT 1,
  updated_at   timestamptz NOT NULL DEFAULT now()
);

-- Microsoft's monthly exchange rates per provider: 1 from_currency = rate to_currency.
CREATE TABLE exchange_rates (
  provider_id    uuid NOT NULL REFERENCES organizations (id),
  from_currency  char(3) NOT NULL,
  to_currency    char(3) NOT NULL,
  month          date NOT NULL CHECK (extract(day FROM month) = 1),
  rate           numeric NOT NULL CHECK (rate > 0),
  source         text NOT NULL CHECK (source IN ('manual', 'partner_center')),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (provider_id, from_currency, to_currency, month),
  CHECK (from_currency <> to_currency)
);

-- The partner's own products ("up-value" services), owned by a seller (provider or reseller).
CREATE TABLE own_products (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  seller_id       uuid NOT NULL REFERENCES organizations (id),
  vendor          text NOT NULL CHECK (length(vendor) BETWEEN 1 AND 100),
  name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  description     text NOT NULL DEFAULT '',
  product_family  text NOT NULL DEFAULT '',
  billing_model   text NOT NULL CHECK (billing_model IN ('recurring', 'one_time', 'usage')),
  unit            text NOT NULL DEFAULT 'licence',
  currency        char(3) NOT NULL,
  version         integer NOT NULL DEFAULT 1,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  retired_at      timestamptz
);
CREATE INDEX own_products_seller_idx ON own_products (seller_id);

-- The terms an own product is sold on: `unit_price` is the seller's list price per unit and
-- billing period (per unit of usage for usage-based products), `cost` what one unit costs it.
CREATE TABLE own_product_offers (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  own_product_id  uuid NOT NULL REFERENCES own_products (id) ON DELETE CASCADE,
  term            text NOT NULL CHECK (term IN ('P1M', 'P1Y', 'P3Y', 'none')),
  billing_cycle   text NOT NULL
                  CHECK (billing_cycle IN ('monthly', 'annual', 'triennial', 'one_time', 'usage')),
  unit_price      numeric NOT NULL CHECK (unit_price >= 0),
  cost            numeric NOT NULL CHECK (cost >= 0),
  UNIQUE (own_product_id, term, billing_cycle)
);

-- Price rules: the price book of a seller for its buyers. Tenancy follows seller_id.
CREATE TABLE price_rules (
  id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  seller_id              uuid NOT NULL REFERENCES organizations (id),
  name                   text NOT NULL DEFAULT '',
  kind                   text NOT NULL CHECK (kind IN (
                           'markup', 'margin', 'list_discount', 'fixed_price',
                           'usage_markup', 'usage_payg_discount')),
  percent                numeric,
  unit_price             numeric CHECK (unit_price >= 0),
  currency               char(3),
  target_kind            text NOT NULL CHECK (target_kind IN (
                           'all', 'vendor', 'product_family', 'product', 'sku',
                           'meter_category', 'meter', 'own_product')),
  target_value           text,
  target_sku_id          text,
  buyer_scope            text NOT NULL CHECK (buyer_scope IN ('all', 'reseller_subtree', 'customer')),
  buyer_organization_id  uuid REFERENCES organizations (id),
  term                   text CHECK (term IN ('P1M', 'P1Y', 'P3Y', 'none')),
  billing_cycle          text
                         CHECK (billing_cycle IN ('monthly', 'annual', 'triennial', 'one_time', 'usage')),
  effective_from         date NOT NULL,
  effective_to           date,
  allow_below_cost       boolean NOT NULL DEFAULT false,
  version                integer NOT NULL DEFAULT 1,
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now(),
  CHECK ((kind = 'fixed_price') = (unit_price IS NOT NULL AND currency IS NOT NULL)),
  CHECK ((kind = 'fixed_price') = (percent IS NULL)),
  CHECK ((buyer_scope = 'all') = (buyer_organization_id IS NULL)),
  CHECK ((target_kind = 'all') = (target_value IS NULL)),
  CHECK ((target_kind = 'sku') = (target_sku_id IS NOT NULL)),
  CHECK (effective_to IS NULL OR effective_to > effective_from)
);
CREATE INDEX price_rules_seller_idx ON price_rules (seller_id, created_at, id);
