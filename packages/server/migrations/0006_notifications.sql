-- Notifications, webhooks and the integration API (issue #9).
--
-- notification_events is a transactional outbox: a module writes an event in the same transaction
-- as the change it reports, so an event exists exactly when the change committed. A worker fans
-- each event out to people (notifications: in-app and e-mail) and systems (webhook_deliveries),
-- then delivers with retries. Deliveries use next_attempt_at both as the retry time and as the
-- lease of the worker that claimed them: a worker that dies mid-delivery leaves the row to be
-- claimed again after the lease, which makes delivery at-least-once.
-- Kept to the PostgreSQL 15 subset.

-- API keys: capabilities (scopes) and a per-key request limit. Keys made before scopes existed
-- could do whatever their role allowed; they keep exactly that. New keys default to read-only.
ALTER TABLE api_keys ADD COLUMN scopes text[] NOT NULL DEFAULT '{read}';
ALTER TABLE api_keys ADD COLUMN rate_limit_per_minute integer
  CHECK (rate_limit_per_minute BETWEEN 1 AND 100000);
UPDATE api_keys SET scopes = '{read,orders,billing,manage}';
ALTER TABLE api_keys ADD CONSTRAINT api_keys_scopes_check
  CHECK (cardinality(scopes) > 0 AND scopes <@ ARRAY['read', 'orders', 'billing', 'manage']::text[]);

CREATE TABLE notification_events (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  type               text NOT NULL CHECK (type ~ '^[a-z][a-z_]{1,63}$'),
  -- the organisation the event is about (a customer for its orders, a seller for credit control)
  organization_id    uuid NOT NULL REFERENCES organizations (id),
  subject_type       text NOT NULL,
  subject_id         text NOT NULL,
  data               jsonb NOT NULL DEFAULT '{}',
  -- the publisher's idempotency: a second event with the same key is not written
  dedupe_key         text UNIQUE CHECK (length(dedupe_key) BETWEEN 1 AND 400),
  occurred_at        timestamptz NOT NULL DEFAULT now(),
  dispatched_at      timestamptz,
  claimed_until      timestamptz,
  dispatch_attempts  integer NOT NULL DEFAULT 0,
  dispatch_error     text
);
CREATE INDEX notification_events_pending_idx ON notification_events (occurred_at) WHERE dispatched_at IS NULL;
CREATE INDEX notification_events_organization_idx ON notification_events (organization_id, occurred_at DESC);

-- One row per person, event and channel: the in-app notification centre and the e-mail outbox.
CREATE TABLE notifications (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  event_id         uuid NOT NULL REFERENCES notification_events (id),
  -- the recipient's organisation (whose settings chose the recipient)
  organization_id  uuid NOT NULL REFERENCES organizations (id),
  user_id          uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  channel          text NOT NULL CHECK (channel IN ('in_app', 'email')),
  event_type       text NOT NULL,
  locale           text NOT NULL CHECK (locale IN ('ja', 'en', 'de')),
  title            text NOT NULL,
  body_text        text NOT NULL,
  body_html        text,
  link_url         text,
  recipient        text,
  status           text NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
  attempts         integer NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz,
  last_error       text,
  sent_at          timestamptz,
  message_id       text,
  -- the .eml written to DATA_DIR/outbox when no SMTP server is configured
  file_name        text,
  read_at          timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (event_id, user_id, channel),
  CHECK (channel = 'in_app' OR (recipient IS NOT NULL AND body_html IS NOT NULL))
);
CREATE INDEX notifications_user_idx ON notifications (user_id, created_at DESC, id);
CREATE INDEX notifications_organization_idx ON notifications (organization_id, created_at DESC, id);
CREATE INDEX notifications_due_idx ON notifications (next_attempt_at) WHERE status = 'pending';

-- Who gets what, per organisation: `rules` maps an event type to { roles, userIds, channels };
-- event types without a rule use the product's defaults. Sellers also set when renewal notices go.
CREATE TABLE notification_settings (
  organization_id        uuid PRIMARY KEY REFERENCES organizations (id),
  rules                  jsonb NOT NULL DEFAULT '{}',
  renewal_notice_months  integer[] NOT NULL DEFAULT '{2,1}'
                         CHECK (cardinality(renewal_notice_months) <= 6 AND 0 < ALL (renewal_notice_months)
                                AND 36 >= ALL (renewal_notice_months)),
  version                integer NOT NULL DEFAULT 1,
  updated_at             timestamptz NOT NULL DEFAULT now()
);

-- A person's own choice: event types whose (non-essential) e-mails they do not want.
CREATE TABLE notification_preferences (
  user_id        uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  email_opt_out  text[] NOT NULL DEFAULT '{}',
  updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE webhook_endpoints (
  id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id       uuid NOT NULL REFERENCES organizations (id),
  url                   text NOT NULL CHECK (length(url) BETWEEN 8 AND 2000),
  description           text NOT NULL DEFAULT '' CHECK (length(description) <= 500),
  -- empty: every event type
  event_types           text[] NOT NULL DEFAULT '{}',
  -- the signing secret, AES-256-GCM under SECRET_KEY (see webhooks/secret-box.ts)
  secret                text NOT NULL,
  enabled               boolean NOT NULL DEFAULT true,
  consecutive_failures  integer NOT NULL DEFAULT 0,
  disabled_at           timestamptz,
  disabled_reason       text,
  version               integer NOT NULL DEFAULT 1,
  created_by            text NOT NULL,
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_endpoints_organization_idx ON webhook_endpoints (organization_id);

CREATE TABLE webhook_deliveries (
  id               uuid PRIMARY KEY,
  endpoint_id      uuid NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
  organization_id  uuid NOT NULL REFERENCES organizations (id),
  -- null for test pings
  event_id         uuid REFERENCES notification_events (id),
  event_type       text NOT NULL,
  -- the exact request body; each attempt signs it anew with the attempt's timestamp
  payload          text NOT NULL,
  status           text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
  attempts         integer NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz,
  last_status_code integer,
  last_error       text,
  delivered_at     timestamptz,
  -- a manual re-delivery is a new delivery of the same event (same payload, new delivery id)
  redelivery_of    uuid REFERENCES webhook_deliveries (id) ON DELETE SET NULL,
  created_at       timestamptz NOT NULL DEFAULT now()
);
-- the fan-out creates one delivery per endpoint and event, however often it runs
CREATE UNIQUE INDEX webhook_deliveries_event_idx ON webhook_deliveries (endpoint_id, event_id)
  WHERE redelivery_of IS NULL;
CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, created_at DESC, id);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';

CREATE TABLE webhook_delivery_attempts (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  delivery_id    uuid NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
  attempt        integer NOT NULL,
  attempted_at   timestamptz NOT NULL,
  status_code    integer,
  error          text,
  -- the first kilobyte of the receiver's answer
  response_body  text,
  duration_ms    integer NOT NULL
);
CREATE INDEX webhook_delivery_attempts_delivery_idx ON webhook_delivery_attempts (delivery_id, id);
