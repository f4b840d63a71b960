import type { ColumnMapping, UsageFieldKey } from './columns.ts';
import { NUMERIC_FIELDS, PREFIX_COLUMNS } from './row-encoder.ts';

/**
 * The set-wise SQL of an import, generated for the column layout of the file at hand.
 *
 * `usage_stage` (temporary, dropped at commit) holds one row per record: line number, problem
 * (reason and message, null for a good line), the row encoder's columns (line hash, customer,
 * normalised dates and currency), then the file's own columns c1 … cN in its order — numeric
 * where the field is an amount the encoder validated, text otherwise. COPY fills it; every later
 * step reads it set-wise.
 */

export const STAGE_TABLE = 'usage_stage';

const NUMERIC = new Set<UsageFieldKey>(NUMERIC_FIELDS);

export interface StageLayout {
  columns: string[];
  /** Columns COPY turns from a quoted empty string into NULL (the numeric ones). */
  forceNull: string[];
  createSql: string;
}

export function stageLayout(mapping: ColumnMapping): StageLayout {
  const numericIndex = new Set<number>();
  for (const [field, index] of mapping.fieldIndex) if (NUMERIC.has(field)) numericIndex.add(index);
  const fileColumns = mapping.columns.map((_, i) => `c${i + 1}`);
  const columns = ['line_no', 'reason', 'message', ...PREFIX_COLUMNS, ...fileColumns];
  const forceNull = fileColumns.filter((_, i) => numericIndex.has(i));
  const defs = [
    'line_no bigint NOT NULL',
    'reason text',
    'message text',
    'combo integer',
    'hash1 bigint',
    'hash2 bigint',
    'customer_id uuid',
    'usage_date date',
    'charge_start_date date',
    'charge_end_date date',
    'exchange_rate_date date',
    'billing_currency char(3) COLLATE "C"',
    'entitlement_id text COLLATE "C"',
    ...fileColumns.map((c, i) => `${c} ${numericIndex.has(i) ? 'numeric' : 'text COLLATE "C"'}`),
  ];
  return {
    columns,
    forceNull,
    createSql: `CREATE TEMP TABLE ${STAGE_TABLE} (${defs.join(', ')}) ON COMMIT DROP`,
  };
}

/** SQL expressions for the fields of a staged row `t` (NULL when the file lacks the column). */
export function fieldExpressions(mapping: ColumnMapping) {
  const col = (field: UsageFieldKey) => {
    const index = mapping.fieldIndex.get(field);
    return index === undefined ? null : `t.c${index + 1}`;
  };
  const text = (field: UsageFieldKey) => {
    const c = col(field);
    return c === null ? `''` : `coalesce(${c}, '')`;
  };
  const num = (field: UsageFieldKey) => col(field) ?? 'NULL::numeric';
  const subscription = col('subscription_id');
  const entitlement = col('entitlement_id');
  const resourceGroup = col('resource_group');
  const resourceUri = col('resource_uri');
  const pricingCurrency = col('pricing_currency');
  const rate = `CASE WHEN ${num('exchange_rate')} IS NOT NULL THEN ${num('exchange_rate')} WHEN ${
    pricingCurrency === null ? 'false' : `upper(btrim(${pricingCurrency})) = t.billing_currency`
  } THEN 1 END`;
  const list = `${num('unit_price')} * ${num('quantity')} * ${rate}`;
  return {
    invoice_number: text('invoice_number'),
    kind: `CASE WHEN ${text('invoice_number')} <> '' THEN 'billed' ELSE 'unbilled' END`,
    customer_tenant_id: text('customer_tenant'),
    subscription_id: `coalesce(${[subscription, entitlement, `''`].filter(Boolean).join(', ')})`,
    subscription_description: text('subscription_description'),
    entitlement_id: 't.entitlement_id',
    entitlement_description: text('entitlement_description'),
    product_id: text('product_id'),
    sku_id: text('sku_id'),
    product_name: text('product_name'),
    sku_name: text('sku_name'),
    meter_type: text('meter_type'),
    meter_category: text('meter_category'),
    meter_sub_category: text('meter_sub_category'),
    meter_id: text('meter_id'),
    meter_name: text('meter_name'),
    meter_region: text('meter_region'),
    unit: text('unit'),
    resource_location: text('resource_location'),
    consumed_service: text('consumed_service'),
    resource_group:
      resourceGroup === null && resourceUri === null
        ? `''`
        : `coalesce(${[resourceGroup, resourceUri ? `substring(${resourceUri} FROM '(?i)/resourceGroups/([^/]+)')` : null, `''`].filter(Boolean).join(', ')})`,
    resource_uri: text('resource_uri'),
    tags: text('tags'),
    additional_info: text('additional_info'),
    charge_type: text('charge_type'),
    quantity: num('quantity'),
    unit_price: num('unit_price'),
    effective_unit_price: num('effective_unit_price'),
    pricing_pre_tax_total: num('pricing_pre_tax_total'),
    pricing_currency: pricingCurrency === null ? `''` : `upper(coalesce(${pricingCurrency}, ''))`,
    exchange_rate: num('exchange_rate'),
    pec_percent: num('pec_percent'),
    credit_percent: num('credit_percent'),
    credit_type: text('credit_type'),
    cost: num('billing_pre_tax_total'),
    list_amount: list,
    has_list: `(${list} IS NOT NULL)`,
  };
}

/** Customers of the provider's tree, by Microsoft tenant id (lower case). $1 = provider id. */
export const CUSTOMERS_SQL = `
  SELECT lower(o.tenant_id::text) AS tenant, o.id AS customer_id
  FROM organizations o
  JOIN organization_tree t ON t.descendant_id = o.id AND t.ancestor_id = $1
  WHERE o.kind = 'customer' AND o.tenant_id IS NOT NULL`;

/** Quarantined rows with their record text (rebuilt from the staged columns for rows SQL refused). */
export function quarantineSql(columnCount: number): string {
  const rebuilt = Array.from(
    { length: columnCount },
    (_, i) =>
      `CASE WHEN t.c${i + 1}::text ~ '[",\\r\\n]' THEN '"' || replace(t.c${i + 1}::text, '"', '""') || '"' ELSE coalesce(t.c${i + 1}::text, '') END`,
  ).join(` || ',' || `);
  return `
    INSERT INTO usage_quarantine (import_id, line_no, reason, message, record)
    SELECT $1, t.line_no, t.reason,
      split_part(t.message, chr(31), 1),
      left(CASE WHEN strpos(t.message, chr(31)) > 0 THEN substr(t.message, strpos(t.message, chr(31)) + 1)
        ELSE ${rebuilt} END, 4000)
    FROM ${STAGE_TABLE} t
    WHERE t.reason IS NOT NULL`;
}

/**
 * Per customer-day (and billing currency) of the good lines: kind, fingerprint, and what to do
 * with it given what is stored.
 */
export function createDaysSql(mapping: ColumnMapping): string {
  const f = fieldExpressions(mapping);
  return `
  CREATE TEMP TABLE usage_days ON COMMIT DROP AS
  SELECT n.*,
    e.line_count AS old_line_count,
    CASE
      WHEN e.customer_id IS NULL THEN 'load'
      WHEN e.kind = 'billed' AND n.kind = 'unbilled' THEN 'skip_billed'
      WHEN e.fingerprint = n.fingerprint THEN 'unchanged'
      ELSE 'replace'
    END AS action
  FROM (
    SELECT t.customer_id, t.usage_date, t.billing_currency,
      CASE WHEN bool_or(${f.invoice_number} <> '') THEN 'billed' ELSE 'unbilled' END AS kind,
      max(${f.invoice_number}) AS invoice_number,
      count(*)::integer AS line_count,
      count(*)::text || ':' || sum(t.hash1)::text || ':' || sum(t.hash2)::text AS fingerprint
    FROM ${STAGE_TABLE} t
    WHERE t.reason IS NULL
    GROUP BY t.customer_id, t.usage_date, t.billing_currency
  ) n
  LEFT JOIN usage_customer_days e
    ON e.customer_id = n.customer_id AND e.usage_date = n.usage_date AND e.billing_currency = n.billing_currency`;
}

export const COMBO_RATE_COLUMNS = [
  'combo',
  'customer_id',
  'billing_currency',
  'meter_category',
  'valid_from',
  'valid_to',
  'rate_id',
  'sale_cost_factor',
  'sale_list_factor',
  'sale_currency',
  'error',
];

export const CREATE_COMBO_RATES_SQL = `
  CREATE TEMP TABLE usage_combo_rates (
    combo integer NOT NULL, customer_id uuid NOT NULL, billing_currency char(3) COLLATE "C" NOT NULL,
    meter_category text COLLATE "C" NOT NULL, valid_from date NOT NULL, valid_to date NOT NULL,
    rate_id uuid, sale_cost_factor numeric, sale_list_factor numeric, sale_currency char(3), error text
  ) ON COMMIT DROP`;

const COMBO_JOIN = `r.combo = t.combo AND t.usage_date >= r.valid_from AND t.usage_date < r.valid_to`;

/** Lines whose combination could not be rated join the quarantine. */
export const MARK_RATING_FAILURES_SQL = `
  UPDATE ${STAGE_TABLE} t
  SET reason = 'rating_failed', message = r.error
  FROM usage_combo_rates r
  WHERE r.rate_id IS NULL AND t.reason IS NULL AND ${COMBO_JOIN}`;

/**
 * Customer-days that stay as they are (unchanged, or unbilled data for a billed day) leave the
 * stage, so that the writes below need no join with the day table.
 */
export const DROP_KEPT_DAYS_SQL = `
  DELETE FROM ${STAGE_TABLE} t
  USING usage_days d
  WHERE d.action NOT IN ('load', 'replace') AND t.reason IS NULL
    AND d.customer_id = t.customer_id AND d.usage_date = t.usage_date AND d.billing_currency = t.billing_currency`;

/** $1 import id, $2 provider id. */
export function insertLinesSql(mapping: ColumnMapping): string {
  const f = fieldExpressions(mapping);
  return `
  INSERT INTO usage_lines (
    customer_id, usage_date, billing_currency, provider_id, kind, import_id, line_no, invoice_number,
    customer_tenant_id, subscription_id, subscription_description, entitlement_id, entitlement_description,
    charge_start_date, charge_end_date, product_id, sku_id, product_name, sku_name,
    meter_type, meter_category, meter_sub_category, meter_id, meter_name, meter_region, unit,
    resource_location, consumed_service, resource_group, resource_uri, tags, additional_info, charge_type,
    quantity, unit_price, effective_unit_price, pricing_pre_tax_total, pricing_currency,
    exchange_rate, exchange_rate_date, pec_percent, credit_percent, credit_type,
    cost, list_amount, rate_id, sale, sale_currency)
  SELECT
    t.customer_id, t.usage_date, t.billing_currency, $2, ${f.kind}, $1, t.line_no, ${f.invoice_number},
    ${f.customer_tenant_id}, ${f.subscription_id}, ${f.subscription_description}, ${f.entitlement_id}, ${f.entitlement_description},
    t.charge_start_date, t.charge_end_date, ${f.product_id}, ${f.sku_id}, ${f.product_name}, ${f.sku_name},
    ${f.meter_type}, ${f.meter_category}, ${f.meter_sub_category}, ${f.meter_id}, ${f.meter_name}, ${f.meter_region}, ${f.unit},
    ${f.resource_location}, ${f.consumed_service}, ${f.resource_group}, ${f.resource_uri}, ${f.tags}, ${f.additional_info}, ${f.charge_type},
    ${f.quantity}, ${f.unit_price}, ${f.effective_unit_price}, ${f.pricing_pre_tax_total}, ${f.pricing_currency},
    ${f.exchange_rate}, t.exchange_rate_date, ${f.pec_percent}, ${f.credit_percent}, ${f.credit_type},
    ${f.cost}, ${f.list_amount}, r.rate_id,
    r.sale_cost_factor * ${f.cost} + r.sale_list_factor * coalesce(${f.list_amount}, 0),
    r.sale_currency
  FROM ${STAGE_TABLE} t
  JOIN usage_combo_rates r ON ${COMBO_JOIN}
  WHERE t.reason IS NULL`;
}

/**
 * The lines of the loaded customer-days and, in the same statement, their daily groups: per
 * customer, day, currency, Azure subscription, meter category and rate, the sums of quantity,
 * Microsoft's cost and the pay-as-you-go list. Each tier's purchase and sale are linear in cost and
 * list, so they follow from these sums exactly (the usage_daily view). Grouping the rows the insert
 * returns reads the stage and joins the rates once instead of twice. $1 import id, $2 provider id.
 */
export function insertLinesAndGroupsSql(mapping: ColumnMapping): string {
  return `
  WITH lines AS (${insertLinesSql(mapping)}
    RETURNING customer_id, usage_date, billing_currency, entitlement_id, meter_category, rate_id,
      quantity, cost, list_amount)
  INSERT INTO usage_daily_groups (customer_id, usage_date, billing_currency, entitlement_id, meter_category,
    rate_id, quantity, cost, list_amount, line_count)
  SELECT customer_id, usage_date, billing_currency, entitlement_id, meter_category, rate_id,
    sum(quantity), sum(cost), coalesce(sum(list_amount), 0), count(*)::integer
  FROM lines
  GROUP BY customer_id, usage_date, billing_currency, entitlement_id, meter_category, rate_id`;
}
