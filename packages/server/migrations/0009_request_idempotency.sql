-- Idempotency-Key for POSTs that create money other than orders (issue #9): payments and credit
-- notes. Orders keep their own table (0005, idempotency_keys). One row per organisation, operation
-- and key: the first request stores the hash of what it asked for and the id of what it created, in
-- the same transaction; a repeat with the same key and request returns that resource, another
-- request with the key is refused (422). Kept ≥ 24 hours, purged with the orders' keys.
CREATE TABLE request_idempotency_keys (
  organization_id  uuid NOT NULL REFERENCES organizations (id),
  operation        text NOT NULL,
  key              text NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
  request_hash     text NOT NULL,
  resource_id      uuid,
  created_at       timestamptz NOT NULL DEFAULT now(),
  expires_at       timestamptz NOT NULL,
  PRIMARY KEY (organization_id, operation, key)
);
CREATE INDEX request_idempotency_keys_expiry_idx ON request_idempotency_keys (expires_at);
