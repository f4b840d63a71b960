-- Azure usage (issue #6): imports of Microsoft's daily rated usage, the rated lines, the rates they
-- were rated with, and per-tier daily aggregates (purchase and sale recorded together).
--
-- Replacement unit: a customer-day in one billing currency. An import replaces every line of each
-- customer-day it carries (Microsoft revises unbilled data), leaves identical customer-days alone
-- (fingerprint), and never lets unbilled data overwrite a billed day. All of it happens in one
-- transaction per import, so an interrupted import leaves the previous state intact.
--
-- Key text columns use COLLATE "C": byte order is all they need, and it keeps bulk index writes
-- and grouping fast whatever the database's locale.
-- Money is numeric and exact; amounts on lines and aggregates are not rounded (invoices round).
-- Lines, aggregates and customer-days carry no foreign keys on purpose: they are bulk-written by set-wise SQL
-- that joins the organisation tree itself, and a per-row key check would cost a third of the
-- import time. Kept to the PostgreSQL 15 subset.

CREATE TABLE usage_imports (
  id                      uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  provider_id             uuid NOT NULL REFERENCES organizations (id),
  channel                 text NOT NULL CHECK (channel IN ('file', 'line_items', 'graph_export', 'demo')),
  file_name               text,
  -- what was asked for: kind (billed/unbilled), period, currency, invoice
  request                 jsonb NOT NULL DEFAULT '{}',
  columns                 text[] NOT NULL DEFAULT '{}',
  column_variant          text,
  status                  text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'completed', 'failed')),
  rows_read               bigint NOT NULL DEFAULT 0,
  lines_loaded            bigint NOT NULL DEFAULT 0,
  lines_replaced          bigint NOT NULL DEFAULT 0,
  lines_unchanged         bigint NOT NULL DEFAULT 0,
  lines_skipped_billed    bigint NOT NULL DEFAULT 0,
  lines_quarantined       bigint NOT NULL DEFAULT 0,
  lines_removed           bigint NOT NULL DEFAULT 0,
  days_loaded             integer NOT NULL DEFAULT 0,
  days_replaced           integer NOT NULL DEFAULT 0,
  days_unchanged          integer NOT NULL DEFAULT 0,
  days_superseded         integer NOT NULL DEFAULT 0,
  first_usage_date        date,
  last_usage_date         date,
  error                   text,
  started_by              text NOT NULL,
  started_at              timestamptz NOT NULL DEFAULT now(),
  finished_at             timestamptz
);
CREATE INDEX usage_imports_provider_idx ON usage_imports (provider_id, started_at DESC, id);

-- Rows an import could not take, with where they were and why; the good rows still load.
CREATE TABLE usage_quarantine (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  import_id  uuid NOT NULL REFERENCES usage_imports (id) ON DELETE CASCADE,
  line_no    bigint NOT NULL,
  reason     text NOT NULL CHECK (reason IN (
               'column_count', 'unterminated_quote', 'invalid_encoding', 'record_too_long',
               'missing_value', 'invalid_date', 'invalid_number', 'invalid_currency',
               'unknown_customer', 'unknown_subscription', 'rating_failed')),
  message    text NOT NULL,
  record     text NOT NULL
);
CREATE INDEX usage_quarantine_import_idx ON usage_quarantine (import_id, line_no, id);

-- The state of each customer-day: where its lines came from and a fingerprint of them.
CREATE TABLE usage_customer_days (
  customer_id       uuid NOT NULL,
  usage_date        date NOT NULL,
  billing_currency  char(3) COLLATE "C" NOT NULL,
  provider_id       uuid NOT NULL,
  kind              text NOT NULL CHECK (kind IN ('unbilled', 'billed')),
  invoice_number    text NOT NULL DEFAULT '',
  line_count        integer NOT NULL,
  fingerprint       text NOT NULL,
  import_id         uuid NOT NULL,
  rated_at          timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (customer_id, usage_date, billing_currency)
);
CREATE INDEX usage_customer_days_provider_idx ON usage_customer_days (provider_id, usage_date);

-- A rate: how one class of lines (a buyer path, meter/category, currency, date range) is priced at
-- every tier. Content-addressed (the id is a hash of the tiers), so imports share rate rows.
-- Each tier's amounts are linear in the line's Microsoft cost and pay-as-you-go list amount:
--   cost = cost_cost_factor × line cost + cost_list_factor × line list
--   sale = sale_cost_factor × line cost + sale_list_factor × line list
CREATE TABLE usage_rates (
  id                uuid PRIMARY KEY,
  provider_id       uuid NOT NULL REFERENCES organizations (id),
  billing_currency  char(3) NOT NULL,
  has_list          boolean NOT NULL,
  tier_count        smallint NOT NULL CHECK (tier_count >= 1),
  created_at        timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE usage_rate_tiers (
  rate_id            uuid NOT NULL REFERENCES usage_rates (id) ON DELETE CASCADE,
  tier               smallint NOT NULL CHECK (tier >= 1),
  seller_id          uuid NOT NULL REFERENCES organizations (id),
  -- null: the end customer of the line (rates are shared by customers with the same path)
  buyer_id           uuid REFERENCES organizations (id),
  cost_currency      char(3) NOT NULL,
  currency           char(3) NOT NULL,
  cost_cost_factor   numeric NOT NULL,
  cost_list_factor   numeric NOT NULL,
  sale_cost_factor   numeric NOT NULL,
  sale_list_factor   numeric NOT NULL,
  rule_id            text,
  basis              text NOT NULL CHECK (basis IN ('rule', 'list_price', 'cost')),
  explanation        jsonb NOT NULL,
  PRIMARY KEY (rate_id, tier)
);
CREATE INDEX usage_rate_tiers_seller_idx ON usage_rate_tiers (seller_id);

-- Rated daily rated usage lines, as Microsoft sent them plus the customer's price.
CREATE TABLE usage_lines (
  customer_id              uuid NOT NULL,
  usage_date               date NOT NULL,
  billing_currency         char(3) COLLATE "C" NOT NULL,
  provider_id              uuid NOT NULL,
  kind                     text NOT NULL,
  import_id                uuid NOT NULL,
  line_no                  bigint NOT NULL,
  invoice_number           text NOT NULL DEFAULT '',
  customer_tenant_id       text NOT NULL,
  subscription_id          text NOT NULL,
  subscription_description text NOT NULL DEFAULT '',
  entitlement_id           text NOT NULL,
  entitlement_description  text NOT NULL DEFAULT '',
  charge_start_date        date,
  charge_end_date          date,
  product_id               text NOT NULL DEFAULT '',
  sku_id                   text NOT NULL DEFAULT '',
  product_name             text NOT NULL DEFAULT '',
  sku_name                 text NOT NULL DEFAULT '',
  meter_type               text NOT NULL DEFAULT '',
  meter_category           text NOT NULL DEFAULT '',
  meter_sub_category       text NOT NULL DEFAULT '',
  meter_id                 text NOT NULL DEFAULT '',
  meter_name               text NOT NULL DEFAULT '',
  meter_region             text NOT NULL DEFAULT '',
  unit                     text NOT NULL DEFAULT '',
  resource_location        text NOT NULL DEFAULT '',
  consumed_service         text NOT NULL DEFAULT '',
  resource_group           text NOT NULL DEFAULT '',
  resource_uri             text NOT NULL DEFAULT '',
  tags                     text NOT NULL DEFAULT '',
  additional_info          text NOT NULL DEFAULT '',
  charge_type              text NOT NULL DEFAULT '',
  quantity                 numeric NOT NULL,
  unit_price               numeric,
  effective_unit_price     numeric,
  pricing_pre_tax_total    numeric,
  pricing_currency         text NOT NULL DEFAULT '',
  exchange_rate            numeric,
  exchange_rate_date       date,
  pec_percent              numeric,
  credit_percent           numeric,
  credit_type              text NOT NULL DEFAULT '',
  -- Microsoft's billing-currency pre-tax amount (BillingPreTaxTotal): the provider's cost
  cost                     numeric NOT NULL,
  -- pay-as-you-go list in the billing currency: UnitPrice × Quantity × PCToBCExchangeRate
  list_amount              numeric,
  rate_id                  uuid NOT NULL,
  -- what the end customer pays for the line, unrounded, in sale_currency
  sale                     numeric NOT NULL,
  sale_currency            char(3) NOT NULL
);
CREATE INDEX usage_lines_customer_day_idx ON usage_lines (customer_id, usage_date, billing_currency);

-- Purchase and sale per customer × Azure subscription × day × meter category.
--
-- Stored once per group and rate: quantity, Microsoft's cost, the pay-as-you-go list and the line
-- count. Every tier's purchase and sale follow exactly from them and the rate (usage_rate_tiers):
-- tier cost = cost_cost_factor × cost + cost_list_factor × list, likewise the sale. The view
-- usage_daily spells that out, one row per tier: what `seller_id` paid (`cost`, in cost_currency)
-- and charged `buyer_id` (`sale`, in currency); tier 1 is the provider (cost = Microsoft's), the
-- last tier's buyer is the customer. A category whose lines have several rates has a row per rate.
-- Unique per (customer, day, currency, subscription, category, rate) by construction (one GROUP BY
-- writes them); one narrow index: sellers reach their rows through their customers.
CREATE TABLE usage_daily_groups (
  customer_id       uuid NOT NULL,
  usage_date        date NOT NULL,
  billing_currency  char(3) COLLATE "C" NOT NULL,
  entitlement_id    text COLLATE "C" NOT NULL,
  meter_category    text COLLATE "C" NOT NULL,
  rate_id           uuid NOT NULL,
  quantity          numeric NOT NULL,
  cost              numeric NOT NULL,
  list_amount       numeric NOT NULL,
  line_count        integer NOT NULL
);
CREATE INDEX usage_daily_groups_customer_day_idx ON usage_daily_groups (customer_id, usage_date);

CREATE VIEW usage_daily AS
SELECT g.customer_id, g.usage_date, g.billing_currency, g.entitlement_id, g.meter_category, g.rate_id,
  rt.tier, rt.seller_id, coalesce(rt.buyer_id, g.customer_id) AS buyer_id, rt.cost_currency, rt.currency,
  g.quantity,
  rt.cost_cost_factor * g.cost + rt.cost_list_factor * g.list_amount AS cost,
  rt.sale_cost_factor * g.cost + rt.sale_list_factor * g.list_amount AS sale,
  g.line_count
FROM usage_daily_groups g
JOIN usage_rate_tiers rt ON rt.rate_id = g.rate_id;

-- The Azure subscriptions (entitlements) usage was seen for, with their names.
CREATE TABLE usage_subscriptions (
  entitlement_id   text COLLATE "C" PRIMARY KEY,
  customer_id      uuid NOT NULL,
  subscription_id  text NOT NULL DEFAULT '',
  description      text NOT NULL DEFAULT '',
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX usage_subscriptions_customer_idx ON usage_subscriptions (customer_id);

-- A period whose usage has been invoiced is closed: re-rating refuses it. Written by invoicing.
CREATE TABLE usage_period_locks (
  provider_id  uuid NOT NULL REFERENCES organizations (id),
  period       date NOT NULL CHECK (extract(day FROM period) = 1),
  reason       text NOT NULL,
  locked_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (provider_id, period)
);
