/**
 * The set-wise SQL of an import (import-usage.ts), around the single COPY of the rated lines.
 *
 * `usage_file_days` (temporary, dropped at commit) holds one row per customer-day of the file as the
 * line router summed it: kind, greatest invoice number, line count and fingerprint. `usage_days`
 * adds what to do with each given what is stored: load (new), replace (changed), unchanged, or
 * skip_billed (unbilled data never overwrites billed data).
 */

/**
 * Customers of the provider's tree, by Microsoft tenant id (lower case), with what rating needs:
 * their currency and direct seller. $1 = provider id.
 */
export const CUSTOMERS_SQL = `
  SELECT lower(o.tenant_id::text) AS tenant, o.id AS customer_id, o.currency, o.parent_id
  FROM organizations o
  JOIN organization_tree t ON t.descendant_id = o.id AND t.ancestor_id = $1
  WHERE o.kind = 'customer' AND o.tenant_id IS NOT NULL AND o.parent_id IS NOT NULL`;

/** The customer-days of a provider stored for one month. $1 provider, $2 first day of the month. */
export const STORED_DAYS_SQL = `
  SELECT customer_id::text AS customer_id, usage_date::text AS usage_date, trim(billing_currency) AS billing_currency
  FROM usage_customer_days
  WHERE provider_id = $1 AND usage_date >= $2::date AND usage_date < ($2::date + interval '1 month')`;

export const CREATE_FILE_DAYS_SQL = `
  CREATE TEMP TABLE usage_file_days (
    customer_id uuid NOT NULL, usage_date date NOT NULL, billing_currency char(3) COLLATE "C" NOT NULL,
    kind text NOT NULL, invoice_number text NOT NULL, line_count integer NOT NULL, fingerprint text NOT NULL
  ) ON COMMIT DROP`;

export const FILE_DAY_COLUMNS = [
  'customer_id',
  'usage_date',
  'billing_currency',
  'kind',
  'invoice_number',
  'line_count',
  'fingerprint',
];

export const CREATE_DAYS_SQL = `
  CREATE TEMP TABLE usage_days ON COMMIT DROP AS
  SELECT n.*,
    e.line_count AS old_line_count,
    CASE
      WHEN e.customer_id IS NULL THEN 'load'
      WHEN e.kind = 'billed' AND n.kind = 'unbilled' THEN 'skip_billed'
      WHEN e.fingerprint = n.fingerprint THEN 'unchanged'
      ELSE 'replace'
    END AS action
  FROM usage_file_days n
  LEFT JOIN usage_customer_days e
    ON e.customer_id = n.customer_id AND e.usage_date = n.usage_date AND e.billing_currency = n.billing_currency`;

/**
 * Daily groups written in parts (a file that came back to a customer-day after leaving it) are
 * summed here: per customer, day, currency, Azure subscription, meter category and rate, the sums
 * of quantity, Microsoft's cost and the pay-as-you-go list. Each tier's purchase and sale are linear
 * in cost and list, so they follow from these sums exactly (the usage_daily view).
 */
export const CREATE_GROUP_PARTS_SQL = `
  CREATE TEMP TABLE usage_group_parts (LIKE usage_daily_groups) ON COMMIT DROP`;

export const MERGE_GROUP_PARTS_SQL = `
  INSERT INTO usage_daily_groups (customer_id, usage_date, billing_currency, entitlement_id, meter_category,
    rate_id, quantity, cost, list_amount, line_count)
  SELECT customer_id, usage_date, billing_currency, entitlement_id, meter_category, rate_id,
    sum(quantity), sum(cost), sum(list_amount), sum(line_count)::integer
  FROM usage_group_parts
  GROUP BY customer_id, usage_date, billing_currency, entitlement_id, meter_category, rate_id`;
