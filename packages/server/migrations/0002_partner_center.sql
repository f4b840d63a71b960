-- Partner Center: one connection per provider (credentials encrypted at rest) and the ledger of
-- MS-RequestIds, written before each mutating call so a retry or a restart reuses the same id.

CREATE TABLE partner_center_connections (
  organization_id  uuid PRIMARY KEY REFERENCES organizations (id),
  mode             text NOT NULL CHECK (mode IN ('emulator', 'app_only', 'app_user')),
  base_url         text,
  tenant_id        text,
  app_id           text,
  credentials      text,
  last_test_at     timestamptz,
  last_test_ok     boolean,
  last_test_message text,
  version          integer NOT NULL DEFAULT 1,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  CHECK (mode = 'emulator' OR credentials IS NOT NULL)
);

CREATE TABLE partner_center_requests (
  operation_key  text PRIMARY KEY CHECK (length(operation_key) BETWEEN 1 AND 400),
  request_id     uuid NOT NULL,
  state          text NOT NULL CHECK (state IN ('pending', 'succeeded', 'failed')),
  http_status    integer,
  error_code     text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);
