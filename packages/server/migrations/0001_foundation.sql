-- Foundation: organisations (tenancy tree), users, memberships, sessions, API keys, audit log.
-- Kept to the PostgreSQL 15 subset: the same file runs on PostgreSQL 15 and on PGlite (PG 18).

CREATE TABLE organizations (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  parent_id   uuid REFERENCES organizations (id),
  kind        text NOT NULL CHECK (kind IN ('provider', 'reseller', 'customer')),
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  country     char(2) NOT NULL,
  currency    char(3) NOT NULL,
  time_zone   text NOT NULL,
  locale      text NOT NULL CHECK (locale IN ('ja', 'en', 'de')),
  tenant_id   uuid,
  domains     text[] NOT NULL DEFAULT '{}',
  branding    jsonb NOT NULL DEFAULT '{}',
  version     integer NOT NULL DEFAULT 1,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  -- a provider is a root; everything else hangs below a provider or reseller
  CHECK ((kind = 'provider') = (parent_id IS NULL))
);
CREATE INDEX organizations_parent_idx ON organizations (parent_id);
CREATE UNIQUE INDEX organizations_tenant_idx ON organizations (tenant_id) WHERE tenant_id IS NOT NULL;

-- Closure table of the organisation tree: one row per (ancestor, descendant) pair, including each
-- organisation with itself at depth 0. "The caller's subtree" is one indexed lookup.
CREATE TABLE organization_tree (
  ancestor_id   uuid NOT NULL REFERENCES organizations (id),
  descendant_id uuid NOT NULL REFERENCES organizations (id),
  depth         integer NOT NULL CHECK (depth >= 0),
  PRIMARY KEY (ancestor_id, descendant_id)
);
CREATE INDEX organization_tree_descendant_idx ON organization_tree (descendant_id);

CREATE TABLE users (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email          text NOT NULL CHECK (email = lower(email)),
  name           text NOT NULL,
  locale         text NOT NULL DEFAULT 'en' CHECK (locale IN ('ja', 'en', 'de')),
  password_hash  text,
  disabled_at    timestamptz,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_idx ON users (email);

CREATE TABLE memberships (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id          uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  organization_id  uuid NOT NULL REFERENCES organizations (id),
  role             text NOT NULL CHECK (role IN ('admin', 'sales', 'billing', 'readonly', 'customer_admin', 'customer_user')),
  created_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (user_id, organization_id)
);
CREATE INDEX memberships_organization_idx ON memberships (organization_id);

CREATE TABLE sessions (
  token_hash     text PRIMARY KEY,
  user_id        uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  membership_id  uuid NOT NULL REFERENCES memberships (id) ON DELETE CASCADE,
  csrf_token     text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  expires_at     timestamptz NOT NULL
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

CREATE TABLE api_keys (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id  uuid NOT NULL REFERENCES organizations (id),
  name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  role             text NOT NULL CHECK (role IN ('admin', 'sales', 'billing', 'readonly', 'customer_admin', 'customer_user')),
  prefix           text NOT NULL UNIQUE,
  secret_hash      text NOT NULL,
  created_by       uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  last_used_at     timestamptz,
  revoked_at       timestamptz
);
CREATE INDEX api_keys_organization_idx ON api_keys (organization_id);

CREATE TABLE audit_log (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organization_id  uuid NOT NULL REFERENCES organizations (id),
  actor_type       text NOT NULL CHECK (actor_type IN ('user', 'api_key', 'system')),
  actor_id         text,
  actor_label      text NOT NULL,
  action           text NOT NULL,
  entity_type      text NOT NULL,
  entity_id        text NOT NULL,
  before           jsonb,
  after            jsonb,
  at               timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_organization_idx ON audit_log (organization_id, id DESC);
CREATE INDEX audit_log_entity_idx ON audit_log (entity_type, entity_id);
