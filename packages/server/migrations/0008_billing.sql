-- Billing (issue #7): billing profiles, runs, invoices with their lines, gapless numbering per
-- issuer, payments and credit notes.
--
-- Each tier bills the next: an invoice's issuer is a seller (provider or reseller) and its recipient
-- the seller's direct buyer (a reseller or a customer). Invoice lines carry a source key (one
-- subscription × charge period, one Azure subscription × month, one discount of one of these);
-- billing proposes every line that should exist and writes only the difference to what non-void
-- invoices already hold for each key, so re-runs add nothing. Amounts on lines are rounded once to
-- the currency's minor unit; totals are Σ lines; tax is computed once per rate per invoice.
-- Kept to the PostgreSQL 15 subset.

-- Billing reads the subscriptions an issuer sells through the price tier it sells at.
CREATE INDEX subscription_event_prices_seller_idx ON subscription_event_prices (seller_id, buyer_id);

CREATE TABLE billing_profiles (
  organization_id      uuid PRIMARY KEY REFERENCES organizations (id),
  currency             char(3) NOT NULL,
  -- day of the month the run for the previous month is due (1 = first of the next month)
  billing_day          smallint NOT NULL DEFAULT 1 CHECK (billing_day BETWEEN 1 AND 28),
  payment_terms_days   smallint NOT NULL DEFAULT 30 CHECK (payment_terms_days BETWEEN 0 AND 365),
  -- Japan: qualified invoice issuer registration number, T + 13 digits
  registration_number  text CHECK (registration_number ~ '^T[0-9]{13}$'),
  vat_id               text,
  tax_rounding         text NOT NULL DEFAULT 'down' CHECK (tax_rounding IN ('down', 'half-up', 'up')),
  prices_include_tax   boolean NOT NULL DEFAULT false,
  bank_details         text NOT NULL DEFAULT '',
  invoice_locale       text NOT NULL DEFAULT 'ja' CHECK (invoice_locale IN ('ja', 'en', 'de')),
  number_prefix        text NOT NULL DEFAULT 'INV-' CHECK (length(number_prefix) <= 20),
  number_digits        smallint NOT NULL DEFAULT 6 CHECK (number_digits BETWEEN 1 AND 12),
  -- Azure: bill Microsoft's billed data after close, or unbilled data at period end (true-up later)
  usage_policy         text NOT NULL DEFAULT 'billed' CHECK (usage_policy IN ('billed', 'unbilled')),
  -- discount rules (percent, products, bundle, effective dates), see docs/billing.md
  discounts            jsonb NOT NULL DEFAULT '[]',
  version              integer NOT NULL DEFAULT 1,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now()
);

-- A run bills one seller's recipients for one month, one recipient per transaction. A run that
-- stopped (crash, failure) is resumed by the next run of the same seller and period.
CREATE TABLE billing_runs (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  seller_id           uuid NOT NULL REFERENCES organizations (id),
  period              date NOT NULL CHECK (extract(day FROM period) = 1),
  status              text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'completed', 'failed')),
  issue               boolean NOT NULL DEFAULT false,
  recipients_total    integer NOT NULL DEFAULT 0,
  recipients_done     integer NOT NULL DEFAULT 0,
  invoices_created    integer NOT NULL DEFAULT 0,
  invoices_updated    integer NOT NULL DEFAULT 0,
  invoices_issued     integer NOT NULL DEFAULT 0,
  lines_written       integer NOT NULL DEFAULT 0,
  attempts            integer NOT NULL DEFAULT 1,
  error               text,
  started_by          text NOT NULL,
  started_at          timestamptz NOT NULL DEFAULT now(),
  finished_at         timestamptz
);
CREATE INDEX billing_runs_seller_idx ON billing_runs (seller_id, started_at DESC, id);
-- at most one unfinished run per seller and period: a second start resumes it
CREATE UNIQUE INDEX billing_runs_open_idx ON billing_runs (seller_id, period) WHERE status <> 'completed';

CREATE TABLE invoices (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  issuer_id           uuid NOT NULL REFERENCES organizations (id),
  recipient_id        uuid NOT NULL REFERENCES organizations (id),
  period              date NOT NULL CHECK (extract(day FROM period) = 1),
  currency            char(3) NOT NULL,
  status              text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'issued', 'paid', 'void')),
  number              text,
  issue_date          date,
  due_date            date,
  net                 numeric NOT NULL DEFAULT 0,
  tax                 numeric NOT NULL DEFAULT 0,
  gross               numeric NOT NULL DEFAULT 0,
  paid                numeric NOT NULL DEFAULT 0,
  tax_by_rate         jsonb NOT NULL DEFAULT '[]',
  tax_policy          text NOT NULL,
  prices_include_tax  boolean NOT NULL DEFAULT false,
  locale              text NOT NULL CHECK (locale IN ('ja', 'en', 'de')),
  -- issuer and recipient as printed (name, address, registration number) frozen at issue
  issuer_snapshot     jsonb NOT NULL DEFAULT '{}',
  recipient_snapshot  jsonb NOT NULL DEFAULT '{}',
  notes               jsonb NOT NULL DEFAULT '[]',
  run_id              uuid REFERENCES billing_runs (id),
  overdue_at          timestamptz,
  issued_at           timestamptz,
  paid_at             timestamptz,
  voided_at           timestamptz,
  void_reason         text,
  version             integer NOT NULL DEFAULT 1,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  UNIQUE (issuer_id, number),
  CHECK ((status = 'draft') = (number IS NULL))
);
-- one draft per issuer, recipient, period and currency: a re-run rewrites it
CREATE UNIQUE INDEX invoices_draft_idx ON invoices (issuer_id, recipient_id, period, currency) WHERE status = 'draft';
CREATE INDEX invoices_issuer_idx ON invoices (issuer_id, period DESC, id);
CREATE INDEX invoices_recipient_idx ON invoices (recipient_id, period DESC, id);
CREATE INDEX invoices_due_idx ON invoices (due_date) WHERE status = 'issued';

CREATE TABLE invoice_lines (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  invoice_id       uuid NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
  position         integer NOT NULL,
  kind             text NOT NULL CHECK (kind IN ('license', 'usage', 'own_service', 'discount', 'manual')),
  source_key       text NOT NULL,
  description      text NOT NULL,
  subscription_id  uuid REFERENCES subscriptions (id),
  entitlement_id   text,
  product_id       text,
  period_start     date,
  period_end       date,
  quantity         numeric NOT NULL,
  unit_price       numeric,
  -- the exact amount before the one rounding, and the rounded amount the invoice adds up
  unrounded        numeric NOT NULL,
  amount           numeric NOT NULL,
  tax_rate         text NOT NULL,
  explanation      jsonb NOT NULL DEFAULT '{}',
  UNIQUE (invoice_id, position)
);
CREATE INDEX invoice_lines_source_idx ON invoice_lines (source_key);

-- Gapless numbering: the next number of each issuer, taken under a row lock in the transaction
-- that issues the invoice (a rollback gives the number back).
CREATE TABLE invoice_number_sequences (
  issuer_id   uuid PRIMARY KEY REFERENCES organizations (id),
  last_value  bigint NOT NULL DEFAULT 0
);

CREATE TABLE payments (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  invoice_id  uuid NOT NULL REFERENCES invoices (id),
  amount      numeric NOT NULL CHECK (amount > 0),
  currency    char(3) NOT NULL,
  paid_on     date NOT NULL,
  method      text NOT NULL CHECK (method IN ('bank_transfer', 'card', 'direct_debit', 'cash', 'other')),
  reference   text NOT NULL DEFAULT '',
  recorded_by text NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payments_invoice_idx ON payments (invoice_id, recorded_at);

-- Credit notes reference an issued invoice (in Japan: a qualified return invoice, 適格返還請求書);
-- numbered in the issuer's invoice sequence.
CREATE TABLE credit_notes (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  invoice_id    uuid NOT NULL REFERENCES invoices (id),
  issuer_id     uuid NOT NULL REFERENCES organizations (id),
  recipient_id  uuid NOT NULL REFERENCES organizations (id),
  number        text NOT NULL,
  currency      char(3) NOT NULL,
  reason        text NOT NULL,
  net           numeric NOT NULL,
  tax           numeric NOT NULL,
  gross         numeric NOT NULL,
  tax_by_rate   jsonb NOT NULL DEFAULT '[]',
  issue_date    date NOT NULL,
  created_by    text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (issuer_id, number)
);
CREATE INDEX credit_notes_invoice_idx ON credit_notes (invoice_id);
CREATE INDEX credit_notes_issuer_idx ON credit_notes (issuer_id, created_at DESC, id);
CREATE INDEX credit_notes_recipient_idx ON credit_notes (recipient_id, created_at DESC, id);

CREATE TABLE credit_note_lines (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  credit_note_id   uuid NOT NULL REFERENCES credit_notes (id) ON DELETE CASCADE,
  position         integer NOT NULL,
  invoice_line_id  uuid REFERENCES invoice_lines (id),
  description      text NOT NULL,
  -- positive: the amount credited (net), in the line's tax rate
  amount           numeric NOT NULL CHECK (amount > 0),
  tax_rate         text NOT NULL,
  UNIQUE (credit_note_id, position)
);
