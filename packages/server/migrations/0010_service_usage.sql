-- Usage-billed own services (issue #7): metered quantities of a partner's own product sold with
-- `billing_cycle = 'usage'` (GB stored, hours of support, tickets), recorded by the seller's staff.
-- Billing proposes one line per subscription and calendar month in arrears,
-- Σ quantity × the issuer tier's unit price, rounded once (source key
-- `metered:<subscription>:<YYYY-MM>`); records added late change the month's total and the next
-- run invoices only the difference.
--
-- One record per subscription, day and reference: posting the same record again changes nothing,
-- posting it with another quantity corrects it (both audited). Quantities are exact decimals.
-- Kept to the PostgreSQL 15 subset.
CREATE TABLE service_usage_records (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  subscription_id   uuid NOT NULL REFERENCES subscriptions (id),
  usage_date        date NOT NULL,
  -- the caller's reference of the measurement (meter reading, ticket id); '' when none
  reference         text NOT NULL DEFAULT '' CHECK (length(reference) <= 200),
  quantity          numeric NOT NULL CHECK (quantity > 0),
  note              text NOT NULL DEFAULT '' CHECK (length(note) <= 500),
  -- who recorded it: the organisation acting (the seller or one of its ancestors) and the actor
  recorded_by_org   uuid NOT NULL REFERENCES organizations (id),
  recorded_by       text NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  UNIQUE (subscription_id, usage_date, reference)
);
CREATE INDEX service_usage_records_month_idx ON service_usage_records (subscription_id, usage_date);
