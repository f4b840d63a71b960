-- Quotes, orders, provisioning and the subscription lifecycle (issue #5).
--
-- Orders are provisioned through Partner Center by background jobs. Every order keeps the history
-- of its state transitions; every subscription change is an event with its effective instant, the
-- quantities before and after, the charge period and the unit price of every tier of the price
-- chain at the time (billing derives charges from these events). Money columns are numeric and
-- carry their currency. Kept to the PostgreSQL 15 subset.

-- The Partner Center customer (tenant) an organisation is, once it was created or linked.
CREATE TABLE customer_tenants (
  organization_id  uuid PRIMARY KEY REFERENCES organizations (id),
  provider_id      uuid NOT NULL REFERENCES organizations (id),
  pc_customer_id   text NOT NULL,
  domain           text NOT NULL,
  origin           text NOT NULL CHECK (origin IN ('created', 'linked')),
  linked_at        timestamptz NOT NULL DEFAULT now(),
  UNIQUE (provider_id, pc_customer_id)
);

CREATE TABLE quotes (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  number            text NOT NULL UNIQUE,
  seller_id         uuid NOT NULL REFERENCES organizations (id),
  -- an existing customer, or a prospect that is created when the quote is accepted
  customer_id       uuid REFERENCES organizations (id),
  prospect          jsonb,
  status            text NOT NULL DEFAULT 'draft'
                    CHECK (status IN ('draft', 'sent', 'accepted', 'expired', 'cancelled')),
  currency          char(3) NOT NULL,
  locale            text NOT NULL CHECK (locale IN ('ja', 'en', 'de')),
  valid_until       date NOT NULL,
  title             text NOT NULL DEFAULT '',
  notes             text NOT NULL DEFAULT '',
  share_token_hash  text UNIQUE,
  order_id          uuid,
  created_by        text NOT NULL,
  version           integer NOT NULL DEFAULT 1,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  sent_at           timestamptz,
  accepted_at       timestamptz,
  CHECK ((customer_id IS NULL) <> (prospect IS NULL))
);
CREATE INDEX quotes_seller_idx ON quotes (seller_id, created_at DESC, id);
CREATE INDEX quotes_customer_idx ON quotes (customer_id);

CREATE TABLE quote_lines (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  quote_id           uuid NOT NULL REFERENCES quotes (id) ON DELETE CASCADE,
  position           integer NOT NULL,
  item_kind          text NOT NULL CHECK (item_kind IN ('license', 'own_product', 'azure_plan')),
  sku                text,
  own_product_id     uuid REFERENCES own_products (id),
  catalog_item_id    text,
  title              text NOT NULL,
  quantity           integer NOT NULL CHECK (quantity >= 1),
  term               text NOT NULL,
  billing_cycle      text NOT NULL,
  start_date         date,
  unit_price         numeric NOT NULL,
  currency           char(3) NOT NULL,
  total_per_cycle    numeric NOT NULL,
  periods_per_term   integer,
  total_per_term     numeric,
  explanation        jsonb NOT NULL DEFAULT '{}',
  tiers              jsonb NOT NULL DEFAULT '[]',
  UNIQUE (quote_id, position)
);

CREATE TABLE orders (
  id                        uuid PRIMARY KEY,
  number                    text NOT NULL UNIQUE,
  provider_id               uuid NOT NULL REFERENCES organizations (id),
  -- the customer's direct seller: owns what the order buys (locking)
  seller_id                 uuid NOT NULL REFERENCES organizations (id),
  customer_id               uuid NOT NULL REFERENCES organizations (id),
  placed_by_org_id          uuid NOT NULL REFERENCES organizations (id),
  state                     text NOT NULL CHECK (state IN (
                              'draft', 'submitted', 'awaiting_approval', 'awaiting_relationship',
                              'scheduled', 'provisioning', 'completed', 'partially_failed', 'failed',
                              'cancelled')),
  -- how the customer becomes a Partner Center customer: null (already is), a new tenant, or a link
  tenant_action             jsonb,
  relationship_url          text,
  effective_at              timestamptz,
  effective_date            date,
  time_zone                 text NOT NULL,
  quote_id                  uuid REFERENCES quotes (id),
  reference                 text NOT NULL DEFAULT '',
  attributes                jsonb NOT NULL DEFAULT '{}',
  currency                  char(3) NOT NULL,
  monthly_amount            numeric NOT NULL DEFAULT 0,
  credit                    jsonb,
  failure_reason            text,
  alerted_at                timestamptz,
  last_error                text,
  attempts                  integer NOT NULL DEFAULT 0,
  -- the worker currently provisioning the order, and until when its claim holds
  claimed_by                text,
  claimed_until             timestamptz,
  approved_at               timestamptz,
  relationship_accepted_at  timestamptz,
  created_by                text NOT NULL,
  version                   integer NOT NULL DEFAULT 1,
  created_at                timestamptz NOT NULL DEFAULT now(),
  updated_at                timestamptz NOT NULL DEFAULT now(),
  completed_at              timestamptz
);
CREATE INDEX orders_customer_idx ON orders (customer_id, created_at DESC, id);
CREATE INDEX orders_seller_idx ON orders (seller_id, created_at DESC, id);
CREATE INDEX orders_state_idx ON orders (state, effective_at);

CREATE TABLE subscriptions (
  id                          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  provider_id                 uuid NOT NULL REFERENCES organizations (id),
  seller_id                   uuid NOT NULL REFERENCES organizations (id),
  customer_id                 uuid NOT NULL REFERENCES organizations (id),
  kind                        text NOT NULL CHECK (kind IN ('license', 'azure_plan', 'own_product')),
  pc_customer_id              text,
  pc_subscription_id          text,
  product_id                  text,
  sku_id                      text,
  catalog_item_id             text,
  own_product_id              uuid REFERENCES own_products (id),
  title                       text NOT NULL,
  status                      text NOT NULL
                              CHECK (status IN ('pending', 'active', 'suspended', 'cancelled', 'expired')),
  quantity                    integer NOT NULL CHECK (quantity >= 0),
  term                        text NOT NULL,
  billing_cycle               text NOT NULL,
  term_start                  date,
  -- exclusive: the renewal date
  term_end                    date,
  auto_renew                  boolean NOT NULL DEFAULT false,
  cancellation_allowed_until  timestamptz,
  seat_lots                   jsonb NOT NULL DEFAULT '[]',
  scheduled_change            jsonb,
  is_addon                    boolean NOT NULL DEFAULT false,
  parent_subscription_id      uuid REFERENCES subscriptions (id),
  is_trial                    boolean NOT NULL DEFAULT false,
  -- the customer's unit price per billing period, and every tier of the chain (see events)
  unit_price                  numeric,
  currency                    char(3),
  price_tiers                 jsonb NOT NULL DEFAULT '[]',
  order_id                    uuid REFERENCES orders (id),
  attributes                  jsonb NOT NULL DEFAULT '{}',
  last_reconciled_at          timestamptz,
  version                     integer NOT NULL DEFAULT 1,
  created_at                  timestamptz NOT NULL DEFAULT now(),
  updated_at                  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (provider_id, pc_subscription_id)
);
CREATE INDEX subscriptions_customer_idx ON subscriptions (customer_id, created_at, id);
CREATE INDEX subscriptions_term_end_idx ON subscriptions (term_end) WHERE status IN ('active', 'suspended');

CREATE TABLE order_lines (
  id                       uuid PRIMARY KEY,
  order_id                 uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  position                 integer NOT NULL,
  kind                     text NOT NULL CHECK (kind IN (
                             'purchase', 'add_on', 'azure_plan', 'azure_admin', 'own_product',
                             'change_quantity', 'suspend', 'reactivate', 'cancel', 'set_auto_renew',
                             'schedule_change', 'upgrade')),
  -- the subscription a change acts on (or an add-on's base subscription)
  subscription_id          uuid REFERENCES subscriptions (id),
  product_id               text,
  sku_id                   text,
  catalog_item_id          text,
  own_product_id           uuid REFERENCES own_products (id),
  title                    text NOT NULL,
  term                     text,
  billing_cycle            text,
  quantity                 integer,
  params                   jsonb NOT NULL DEFAULT '{}',
  unit_price               numeric,
  currency                 char(3),
  price_tiers              jsonb NOT NULL DEFAULT '[]',
  price_explanation        jsonb,
  status                   text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'failed')),
  waiting_on               text CHECK (waiting_on IN ('manual_task')),
  failure_reason           text,
  failure_code             text,
  result                   jsonb NOT NULL DEFAULT '{}',
  created_subscription_id  uuid REFERENCES subscriptions (id),
  completed_at             timestamptz,
  UNIQUE (order_id, position)
);
CREATE INDEX order_lines_subscription_idx ON order_lines (subscription_id);

-- Every state transition of every order, in order.
CREATE TABLE order_transitions (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  order_id     uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  from_state   text NOT NULL,
  to_state     text NOT NULL,
  event        text NOT NULL,
  reason       text,
  line_id      uuid,
  actor        text NOT NULL,
  at           timestamptz NOT NULL,
  recorded_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX order_transitions_order_idx ON order_transitions (order_id, id);

-- Idempotency-Key of POST /orders: the same key and body return the first order; kept ≥ 24 h.
CREATE TABLE idempotency_keys (
  organization_id  uuid NOT NULL REFERENCES organizations (id),
  key              text NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
  request_hash     text NOT NULL,
  order_id         uuid NOT NULL REFERENCES orders (id),
  created_at       timestamptz NOT NULL DEFAULT now(),
  expires_at       timestamptz NOT NULL,
  PRIMARY KEY (organization_id, key)
);
CREATE INDEX idempotency_keys_expiry_idx ON idempotency_keys (expires_at);

-- Every change of a subscription, with its effective instant: what billing charges from.
CREATE TABLE subscription_events (
  id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  subscription_id      uuid NOT NULL REFERENCES subscriptions (id),
  kind                 text NOT NULL CHECK (kind IN (
                         'purchased', 'provisioned', 'quantity_changed', 'suspended', 'reactivated',
                         'cancelled', 'auto_renew_changed', 'change_scheduled', 'schedule_cleared',
                         'upgraded', 'renewed', 'expired', 'adopted', 'corrected')),
  effective_at         timestamptz NOT NULL,
  quantity_before      integer,
  quantity_after       integer NOT NULL,
  status_before        text,
  status_after         text NOT NULL,
  sku_before           text,
  sku_after            text,
  term                 text,
  billing_cycle        text,
  term_start           date,
  term_end             date,
  charge_period_start  date,
  charge_period_end    date,
  auto_renew           boolean,
  order_id             uuid REFERENCES orders (id),
  order_line_id        uuid,
  source               text NOT NULL CHECK (source IN ('order', 'reconciliation', 'manual')),
  details              jsonb NOT NULL DEFAULT '{}',
  recorded_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX subscription_events_subscription_idx ON subscription_events (subscription_id, id);

-- The unit price of each tier for an event: tier 0 is the provider (its cost is Microsoft's price),
-- the last tier is the customer's seller (its sale is the customer's price).
CREATE TABLE subscription_event_prices (
  event_id       bigint NOT NULL REFERENCES subscription_events (id) ON DELETE CASCADE,
  tier           smallint NOT NULL CHECK (tier >= 0),
  seller_id      uuid NOT NULL REFERENCES organizations (id),
  buyer_id       uuid NOT NULL REFERENCES organizations (id),
  unit_cost      numeric NOT NULL,
  cost_currency  char(3) NOT NULL,
  unit_price     numeric NOT NULL,
  currency       char(3) NOT NULL,
  PRIMARY KEY (event_id, tier)
);

-- Differences between our subscriptions and Microsoft's, found by reconciliation.
CREATE TABLE subscription_drift (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  provider_id         uuid NOT NULL REFERENCES organizations (id),
  customer_id         uuid NOT NULL REFERENCES organizations (id),
  subscription_id     uuid REFERENCES subscriptions (id),
  pc_customer_id      text NOT NULL,
  pc_subscription_id  text NOT NULL,
  kind                text NOT NULL CHECK (kind IN (
                        'quantity', 'status', 'auto_renew', 'unknown_subscription', 'missing_at_microsoft')),
  local_value         text,
  microsoft_value     text,
  details             jsonb NOT NULL DEFAULT '{}',
  detected_at         timestamptz NOT NULL DEFAULT now(),
  last_seen_at        timestamptz NOT NULL DEFAULT now(),
  resolved_at         timestamptz,
  resolution          text CHECK (resolution IN ('adopted', 'fixed', 'cleared')),
  resolved_by         text,
  fix_order_id        uuid REFERENCES orders (id)
);
CREATE UNIQUE INDEX subscription_drift_open_idx ON subscription_drift (provider_id, pc_subscription_id, kind)
  WHERE resolved_at IS NULL;
CREATE INDEX subscription_drift_customer_idx ON subscription_drift (customer_id, detected_at DESC);

-- Own products are provisioned by people: one task per order line, with a due date.
CREATE TABLE provisioning_tasks (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  order_id         uuid NOT NULL REFERENCES orders (id),
  order_line_id    uuid NOT NULL UNIQUE REFERENCES order_lines (id),
  -- the seller of the product, whose staff does the work
  assignee_org_id  uuid NOT NULL REFERENCES organizations (id),
  customer_id      uuid NOT NULL REFERENCES organizations (id),
  title            text NOT NULL,
  description      text NOT NULL DEFAULT '',
  due_date         date NOT NULL,
  status           text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'completed', 'cancelled')),
  completed_at     timestamptz,
  completed_by     text,
  completion_note  text,
  subscription_id  uuid REFERENCES subscriptions (id),
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX provisioning_tasks_assignee_idx ON provisioning_tasks (assignee_org_id, status, due_date);

-- Contacts, notes, tasks, documents and cases a partner keeps on an account in its subtree
-- (a provider on its resellers' accounts, a reseller on its customers'). Visible to the author's
-- organisation and the organisations above it, never to the account itself.
CREATE TABLE account_records (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id  uuid NOT NULL REFERENCES organizations (id),
  author_org_id    uuid NOT NULL REFERENCES organizations (id),
  kind             text NOT NULL CHECK (kind IN ('contact', 'note', 'task', 'document', 'case')),
  title            text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
  body             text NOT NULL DEFAULT '',
  status           text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'closed')),
  due_date         date,
  data             jsonb NOT NULL DEFAULT '{}',
  file_name        text,
  content_type     text,
  content          bytea,
  size_bytes       integer,
  created_by       text NOT NULL,
  version          integer NOT NULL DEFAULT 1,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX account_records_organization_idx ON account_records (organization_id, created_at DESC, id);
