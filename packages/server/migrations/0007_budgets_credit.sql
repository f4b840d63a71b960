-- Budgets, credit control and alerts (issue #8, PRODUCT.md §6). The rules live in the core
-- (packages/core/src/alerts, credit); these tables hold their inputs and every alert they raised.
-- Money is numeric and exact; amounts are monthly. Kept to the PostgreSQL 15 subset.

-- A customer's planned monthly Azure amount, for all its usage (entitlement_id = '') or one Azure
-- subscription (entitlement), with alert thresholds in percent.
CREATE TABLE budgets (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  customer_id     uuid NOT NULL REFERENCES organizations (id),
  -- '' = the customer's whole Azure usage; otherwise the Azure subscription (entitlement) id
  entitlement_id  text NOT NULL DEFAULT '' CHECK (length(entitlement_id) <= 100),
  currency        char(3) NOT NULL,
  planned_amount  numeric NOT NULL CHECK (planned_amount >= 0),
  -- normalised percents as decimal strings ("50", "12.5"), ascending; empty = no threshold alerts
  thresholds      text[] NOT NULL DEFAULT '{50}',
  -- the first day of the first month the budget applies to
  effective_from  date NOT NULL CHECK (extract(day FROM effective_from) = 1),
  created_by      text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  version         integer NOT NULL DEFAULT 1,
  UNIQUE (customer_id, entitlement_id)
);

-- Credit levels per customer (set by its seller) or per reseller (set by the provider or parent
-- reseller): amounts per month; null = level not set. warning ≤ approval ≤ blocked is checked by
-- the core before writing.
CREATE TABLE credit_limits (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id    uuid NOT NULL UNIQUE REFERENCES organizations (id),
  -- the organisation's seller (its parent); the limit is visible to it and its ancestors only
  seller_id          uuid NOT NULL REFERENCES organizations (id),
  currency           char(3) NOT NULL,
  warning_amount     numeric CHECK (warning_amount >= 0),
  approval_amount    numeric CHECK (approval_amount >= 0),
  blocked_amount     numeric CHECK (blocked_amount >= 0),
  created_by         text NOT NULL,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  version            integer NOT NULL DEFAULT 1
);
CREATE INDEX credit_limits_seller_idx ON credit_limits (seller_id);

-- Every alert raised: what it is about, the values that triggered it and why. The dedupe key (the
-- core's) makes re-evaluation harmless.
CREATE TABLE alerts (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  type             text NOT NULL CHECK (type IN ('budget_threshold', 'usage_spike', 'forecast_over_budget',
                     'provisional_credit_exceeded', 'credit_level')),
  -- the organisation the alert is about (a customer, or a reseller for its credit)
  organization_id  uuid NOT NULL REFERENCES organizations (id),
  -- whose subtree sees it: the customer for budget alerts, the seller for credit alerts
  audience_id      uuid NOT NULL REFERENCES organizations (id),
  subject_type     text NOT NULL CHECK (subject_type IN ('customer', 'subscription', 'reseller')),
  subject_id       text NOT NULL,
  -- the month (first day) the alert belongs to; usage_date for spikes
  period           date NOT NULL CHECK (extract(day FROM period) = 1),
  usage_date       date,
  -- the credit level of credit_level alerts; the threshold percent of budget_threshold alerts
  level            text CHECK (length(level) <= 40),
  trigger          text,
  "values"         jsonb NOT NULL DEFAULT '{}',
  explanation      jsonb NOT NULL,
  dedupe_key       text NOT NULL UNIQUE CHECK (length(dedupe_key) BETWEEN 1 AND 400),
  acknowledged_at  timestamptz,
  acknowledged_by  text,
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX alerts_audience_idx ON alerts (audience_id, created_at DESC, id DESC);
CREATE INDEX alerts_organization_idx ON alerts (organization_id, period);
