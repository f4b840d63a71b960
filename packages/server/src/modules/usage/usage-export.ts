import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { sql } from 'kysely';
import type { Scope } from '../../auth/scope.ts';
import type { DatabaseHandle } from '../../db/database.ts';
import {
  checkCustomer,
  lineConditions,
  parsePeriod,
  type UsageFilter,
  viewKindOf,
} from './usage.repository.ts';

/**
 * The usage lines of a period as CSV, from the caller's seat: a customer gets its own lines at its
 * own prices; a provider or reseller gets its customers' lines with what it pays (cost), what it
 * charges (sale), the margin and the rule that priced its sale — a reseller's cost is its seller's
 * price, never Microsoft's. UTF-8 with a byte order mark, so that Excel shows Japanese text.
 *
 * Streamed with a server-side cursor: on PostgreSQL inside a transaction on one pooled connection;
 * on PGlite (one session shared by everyone) a WITH HOLD cursor, fetched in batches between other
 * users' statements. Memory stays flat whatever the period holds.
 */

const BOM = '\uFEFF';
const BATCH = 2000;

const CUSTOMER_COLUMNS = [
  'UsageDate',
  'SubscriptionId',
  'SubscriptionName',
  'ResourceGroup',
  'ResourceUri',
  'ResourceLocation',
  'MeterCategory',
  'MeterSubCategory',
  'MeterName',
  'MeterRegion',
  'Unit',
  'Quantity',
  'Amount',
  'Currency',
  'Tags',
] as const;

const SELLER_COLUMNS = [
  'Customer',
  'CustomerTenantId',
  'UsageDate',
  'SubscriptionId',
  'SubscriptionName',
  'ResourceGroup',
  'ResourceUri',
  'ResourceLocation',
  'MeterCategory',
  'MeterSubCategory',
  'MeterName',
  'MeterRegion',
  'Unit',
  'Quantity',
  'Cost',
  'CostCurrency',
  'Sale',
  'Currency',
  'Margin',
  'PriceRule',
  'Tags',
] as const;

function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = value instanceof Date ? value.toISOString() : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Parameters inlined as literals: DECLARE CURSOR takes no bind parameters on every driver. */
function inline(compiled: { sql: string; parameters: readonly unknown[] }): string {
  return compiled.sql.replace(/\$(\d+)/g, (_m, n: string) => {
    const value = compiled.parameters[Number(n) - 1];
    if (value === null || value === undefined) return 'NULL';
    if (typeof value === 'number') return String(value);
    return `'${String(value).replace(/'/g, "''")}'`;
  });
}

export interface UsageCsv {
  fileName: string;
  stream: Readable;
}

export async function usageCsv(handle: DatabaseHandle, scope: Scope, filter: UsageFilter): Promise<UsageCsv> {
  const period = parsePeriod(filter.period);
  await checkCustomer(handle.db, scope, filter.customerId);
  const kind = viewKindOf(scope);
  const where = lineConditions(scope, filter, period);
  const order = sql`ORDER BY l.usage_date, l.customer_id, l.entitlement_id, l.resource_uri, l.meter_id, l.line_no`;
  const query =
    kind === 'customer'
      ? sql`
        SELECT l.usage_date::text, l.entitlement_id, l.entitlement_description, l.resource_group, l.resource_uri,
          l.resource_location, l.meter_category, l.meter_sub_category, l.meter_name, l.meter_region, l.unit,
          trim_scale(l.quantity)::text, trim_scale(l.sale)::text, l.sale_currency, l.tags
        FROM usage_lines l WHERE ${where} ${order}`
      : sql`
        SELECT o.name, l.customer_tenant_id, l.usage_date::text, l.entitlement_id, l.entitlement_description,
          l.resource_group, l.resource_uri, l.resource_location, l.meter_category, l.meter_sub_category,
          l.meter_name, l.meter_region, l.unit, trim_scale(l.quantity)::text,
          trim_scale(p.cost)::text, rt.cost_currency, trim_scale(p.sale)::text, rt.currency,
          CASE WHEN rt.cost_currency = rt.currency THEN trim_scale(p.sale - p.cost)::text END,
          rt.explanation->>'summary', l.tags
        FROM usage_lines l
        JOIN usage_rate_tiers rt ON rt.rate_id = l.rate_id AND rt.seller_id = ${scope.organizationId}
        JOIN organizations o ON o.id = l.customer_id
        CROSS JOIN LATERAL (SELECT
          rt.cost_cost_factor * l.cost + rt.cost_list_factor * coalesce(l.list_amount, 0) AS cost,
          rt.sale_cost_factor * l.cost + rt.sale_list_factor * coalesce(l.list_amount, 0) AS sale) p
        WHERE ${where} ${order}`;
  const text = inline(query.compile(handle.db));
  const header = kind === 'customer' ? CUSTOMER_COLUMNS : SELLER_COLUMNS;
  const rows = handle.pool ? pgRows(handle, text) : pgliteRows(handle, text);
  async function* csv(): AsyncGenerator<string> {
    yield `${BOM}${header.join(',')}\r\n`;
    for await (const batch of rows) {
      yield batch.map((row) => `${row.map(csvField).join(',')}\r\n`).join('');
    }
  }
  const scopeName = filter.customerId ? `-${filter.customerId.slice(0, 8)}` : '';
  return {
    fileName: `usage-${period.period}${scopeName}.csv`,
    stream: Readable.from(csv(), { objectMode: false }),
  };
}

async function* pgRows(handle: DatabaseHandle, query: string): AsyncGenerator<unknown[][]> {
  const client = await handle.pool!.connect();
  const cursor = `usage_export_${randomBytes(6).toString('hex')}`;
  let open = false;
  let broken: Error | undefined;
  try {
    await client.query('BEGIN READ ONLY');
    open = true;
    await client.query(`DECLARE ${cursor} NO SCROLL CURSOR FOR ${query}`);
    for (;;) {
      const result = await client.query({ text: `FETCH ${BATCH} FROM ${cursor}`, rowMode: 'array' });
      if (result.rows.length === 0) break;
      yield result.rows as unknown[][];
    }
    await client.query('COMMIT');
    open = false;
  } finally {
    // Also reached when the download stops early (the generator is returned or throws).
    if (open) await client.query('ROLLBACK').catch((error: Error) => (broken = error));
    client.release(broken);
  }
}

async function* pgliteRows(handle: DatabaseHandle, query: string): AsyncGenerator<unknown[][]> {
  const pglite = handle.pglite!;
  const cursor = `usage_export_${randomBytes(6).toString('hex')}`;
  await pglite.query(`DECLARE ${cursor} NO SCROLL CURSOR WITH HOLD FOR ${query}`);
  try {
    for (;;) {
      const result = await pglite.query<unknown[]>(`FETCH ${BATCH} FROM ${cursor}`, [], { rowMode: 'array' });
      if (result.rows.length === 0) break;
      yield result.rows;
    }
  } finally {
    await pglite.query(`CLOSE ${cursor}`).catch(() => undefined);
  }
}
