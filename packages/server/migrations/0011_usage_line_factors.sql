-- Usage lines carry the customer's price factors of their rate (the last tier's sale = a·cost + b·list);
-- the pay-as-you-go list and the customer's sale are computed by the database as rows arrive
-- (stored generated columns). An import can then COPY rated lines straight into usage_lines in one
-- pass, with no staging table and no second write of every line.
ALTER TABLE usage_lines ADD COLUMN sale_cost_factor numeric, ADD COLUMN sale_list_factor numeric;

UPDATE usage_lines l
SET sale_cost_factor = rt.sale_cost_factor, sale_list_factor = rt.sale_list_factor
FROM usage_rates r
JOIN usage_rate_tiers rt ON rt.rate_id = r.id AND rt.tier = r.tier_count
WHERE r.id = l.rate_id;

ALTER TABLE usage_lines
  ALTER COLUMN sale_cost_factor SET NOT NULL,
  ALTER COLUMN sale_list_factor SET NOT NULL,
  DROP COLUMN list_amount,
  DROP COLUMN sale;

-- list: UnitPrice × Quantity × PCToBCExchangeRate (1 when pricing and billing currency agree).
ALTER TABLE usage_lines
  ADD COLUMN list_amount numeric GENERATED ALWAYS AS (
    unit_price * quantity * CASE WHEN exchange_rate IS NOT NULL THEN exchange_rate
                                 WHEN upper(btrim(pricing_currency)) = billing_currency::text THEN 1 END
  ) STORED,
  ADD COLUMN sale numeric GENERATED ALWAYS AS (
    sale_cost_factor * cost + sale_list_factor * coalesce(
      unit_price * quantity * CASE WHEN exchange_rate IS NOT NULL THEN exchange_rate
                                   WHEN upper(btrim(pricing_currency)) = billing_currency::text THEN 1 END, 0)
  ) STORED;
