import type { Kysely } from 'kysely';
import { permissionsOf } from '../../auth/permissions.ts';
import type { Actor, Scope } from '../../auth/scope.ts';
import type { Database } from '../../db/schema.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import { mapColumns } from './columns.ts';
import { UsageCsvScanner } from './csv-scanner.ts';
import {
  CREATE_DAYS_SQL,
  CREATE_FILE_DAYS_SQL,
  CREATE_GROUP_PARTS_SQL,
  CUSTOMERS_SQL,
  FILE_DAY_COLUMNS,
  MERGE_GROUP_PARTS_SQL,
  STORED_DAYS_SQL,
} from './import-sql.ts';
import { type DayTotals, dayKey, GROUP_COLUMNS, LineRouter } from './line-router.ts';
import { type CustomerInfo, type Rate, UsageRater } from './rating.ts';
import { RowEncoder, type SeenExchangeRate } from './row-encoder.ts';
import { kyselyOf, type UsageSession, type UsageTarget, withUsageSession } from './session.ts';
import { copyChunksOf, Spool } from './spool.ts';
import { usageErrors } from './usage.errors.ts';
import type { UsageImportChannel } from './usage.tables.ts';

/**
 * Imports Microsoft daily rated usage — a reconciliation CSV, or line items / export rows from the
 * Partner Center client encoded as that CSV (see records-to-csv.ts) — and rates it, in one
 * transaction and one pass over the data:
 *
 * 1. stream the file through the scanner and the line router (line-router.ts), which checks, maps
 *    and rates every line as it goes by, and COPY the lines of new customer-days straight into
 *    `usage_lines` (COPY on PostgreSQL, COPY from Blobs on PGlite, batched INSERT otherwise) with
 *    their list and sale, exact; lines of customer-days already stored and bad records are spooled;
 * 2. per customer-day of the file: compare fingerprints with what is stored and decide load /
 *    replace / unchanged / skip (unbilled never overwrites billed);
 * 3. delete the replaced customer-days and load their new lines from the spool; write the daily
 *    groups the router summed for the loaded and replaced days, the customer-days, the rates;
 * 4. record counts, quarantined rows and an audit entry.
 * Nothing is visible until the commit; an interrupted import rolls back completely.
 */

export interface ImportProgress {
  phase: 'loading' | 'writing' | 'done';
  bytes: number;
  rows: number;
}

export interface ImportUsageOptions {
  providerId: string;
  channel: UsageImportChannel;
  fileName?: string | null;
  /** What was asked for (kind, period, currency, invoice); stored with the import. */
  request?: Record<string, unknown>;
  /**
   * For billed data that is a whole invoice: unbilled customer-days of this month and billing
   * currency that the import does not carry are superseded (removed).
   */
  supersedeUnbilled?: { period: string; currency: string } | null;
  actor: Actor;
  signal?: AbortSignal;
  onProgress?: (progress: ImportProgress) => void;
}

export interface ImportCounts {
  rowsRead: number;
  linesLoaded: number;
  linesReplaced: number;
  linesUnchanged: number;
  linesSkippedBilled: number;
  linesQuarantined: number;
  linesRemoved: number;
  daysLoaded: number;
  daysReplaced: number;
  daysUnchanged: number;
  daysSuperseded: number;
}

export interface ImportUsageResult extends ImportCounts {
  importId: string;
  columnVariant: string;
  firstUsageDate: string | null;
  lastUsageDate: string | null;
  rates: number;
  /** Milliseconds per step, for benchmarks and diagnostics. */
  timings: Record<string, number>;
}

/** A scope for system work on behalf of a provider (jobs, CLI): only the actor is recorded. */
export function systemScope(providerId: string, actor: Actor): Scope {
  return {
    organizationId: providerId,
    organizationKind: 'provider',
    role: 'admin',
    permissions: permissionsOf('admin'),
    actor,
    userId: null,
    locale: 'en',
  };
}

const LOCK_SQL = `SELECT pg_advisory_xact_lock(hashtextextended('cspc.usage:' || $1, 0))`;

export async function importUsageCsv(
  target: UsageTarget,
  source: AsyncIterable<Uint8Array>,
  options: ImportUsageOptions,
): Promise<ImportUsageResult> {
  const db = kyselyOf(target);
  const { id: importId } = await db
    .insertInto('usage_imports')
    .values({
      provider_id: options.providerId,
      channel: options.channel,
      file_name: options.fileName ?? null,
      request: JSON.stringify(options.request ?? {}),
      started_by: options.actor.label,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const progress = { phase: 'loading' as ImportProgress['phase'], bytes: 0, rows: 0 };
  const report = () => options.onProgress?.({ ...progress });
  try {
    const result = await withUsageSession(target, (session) =>
      runImport(session, importId, source, options, progress, report),
    );
    progress.phase = 'done';
    report();
    return result;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await db
      .updateTable('usage_imports')
      .set({ status: 'failed', error: message.slice(0, 2000), finished_at: new Date() })
      .where('id', '=', importId)
      .execute()
      .catch(() => undefined);
    throw error;
  }
}

async function runImport(
  session: UsageSession,
  importId: string,
  source: AsyncIterable<Uint8Array>,
  options: ImportUsageOptions,
  progress: ImportProgress,
  report: () => void,
): Promise<ImportUsageResult> {
  const { providerId, signal } = options;
  const timings: Record<string, number> = {};
  let mark = Date.now();
  const lap = (name: string) => {
    const now = Date.now();
    timings[name] = (timings[name] ?? 0) + now - mark;
    mark = now;
  };
  await session.query(LOCK_SQL, [providerId]);
  // The day and group steps hash a row per customer-day and per group: give them room.
  await session.execute(`SET LOCAL work_mem = '256MB'`);
  await session.execute('SET LOCAL jit = off');

  const scanner = new UsageCsvScanner(source, {
    onBytes: (bytes) => {
      progress.bytes = bytes;
      progress.rows = scanner.counts.records;
      report();
    },
  });
  const header = await scanner.readHeader();
  if (!header) throw usageErrors.emptyFile();
  const mapping = mapColumns(header.columns);
  if (mapping.missingRequired.length > 0) throw usageErrors.missingColumns(mapping.missingRequired);
  const customerRows = await session.query<{
    tenant: string;
    customer_id: string;
    currency: string;
    parent_id: string;
  }>(CUSTOMERS_SQL, [providerId]);
  const customers = new Map<string, CustomerInfo>(
    customerRows.map((c) => [
      c.customer_id,
      { id: c.customer_id, currency: c.currency.trim(), parentId: c.parent_id },
    ]),
  );
  const namedMeters = new Set(
    (
      await session.query<{ meter: string }>(
        `SELECT DISTINCT lower(r.target_value) AS meter FROM price_rules r
         JOIN organization_tree t ON t.descendant_id = r.seller_id AND t.ancestor_id = $1
         WHERE r.target_kind = 'meter'`,
        [providerId],
      )
    ).map((r) => r.meter),
  );
  const encoder = new RowEncoder(
    mapping,
    new Map(customerRows.map((c) => [c.tenant, c.customer_id])),
    namedMeters,
  );
  // While the lines stream, the session's connection is busy with COPY: price books and stored
  // days are read beside it (committed data, which the provider's lock keeps still).
  const rater = new UsageRater({ db: session.side.db, providerId }, customers);
  const stage = new Spool();
  const quarantined = new Spool();
  const groups = new Spool();
  const stagedGroups = new Spool();
  try {
    const router = new LineRouter({
      mapping,
      encoder,
      rater,
      providerId,
      importId,
      stage,
      quarantined,
      groups,
      stagedGroups,
      storedDays: async (month) => {
        const rows = await session.side.query<{
          customer_id: string;
          usage_date: string;
          billing_currency: string;
        }>(STORED_DAYS_SQL, [providerId, `${month}-01`]);
        return new Set(rows.map((r) => dayKey(r.customer_id, r.usage_date, r.billing_currency)));
      },
    });
    const { layout } = router;
    const copyOptions = {
      forceNull: layout.forceNull,
      forceNotNull: layout.forceNotNull,
      ...(signal ? { signal } : {}),
    };

    // 1. stream, rate and load the new customer-days
    await session.copyIn('usage_lines', layout.columns, scanner.copyChunks(router), copyOptions);
    router.finish();
    lap('stream');
    signal?.throwIfAborted();
    progress.rows = scanner.counts.records;
    progress.phase = 'writing';
    report();
    await saveRates(session.db, providerId, rater.rates.values());
    lap('rates');

    // 2. customer-days
    await session.execute(CREATE_FILE_DAYS_SQL);
    await session.copyIn('usage_file_days', FILE_DAY_COLUMNS, fileDaysCsv(router.days.values()));
    await session.execute(CREATE_DAYS_SQL);
    await session.execute('ANALYZE usage_days');
    lap('days');

    await session.execute(
      `CREATE TEMP TABLE usage_superseded (customer_id uuid, usage_date date, billing_currency char(3) COLLATE "C", line_count integer) ON COMMIT DROP`,
    );
    if (options.supersedeUnbilled) {
      const { period, currency } = options.supersedeUnbilled;
      await session.execute(
        `INSERT INTO usage_superseded
         SELECT cd.customer_id, cd.usage_date, cd.billing_currency, cd.line_count
         FROM usage_customer_days cd
         WHERE cd.provider_id = $1 AND cd.kind = 'unbilled' AND cd.billing_currency = $2
           AND cd.usage_date >= $3::date AND cd.usage_date < ($3::date + interval '1 month')
           AND NOT EXISTS (SELECT 1 FROM usage_days d WHERE d.customer_id = cd.customer_id
             AND d.usage_date = cd.usage_date AND d.billing_currency = cd.billing_currency)`,
        [providerId, currency.toUpperCase(), `${period}-01`],
      );
    }

    // 3. replace: old lines and groups go, the spooled lines of replaced days come in
    const gone = `(SELECT customer_id, usage_date, billing_currency FROM usage_days WHERE action = 'replace'
                   UNION ALL SELECT customer_id, usage_date, billing_currency FROM usage_superseded)`;
    const linesRemoved = await session.execute(
      `DELETE FROM usage_lines l USING ${gone} g
       WHERE l.customer_id = g.customer_id AND l.usage_date = g.usage_date AND l.billing_currency = g.billing_currency`,
    );
    await session.execute(
      `DELETE FROM usage_daily_groups x USING ${gone} g
       WHERE x.customer_id = g.customer_id AND x.usage_date = g.usage_date AND x.billing_currency = g.billing_currency`,
    );
    const replaced = new Set(
      (
        await session.query<{ key: string }>(
          `SELECT customer_id::text || ',' || usage_date::text || ',' || trim(billing_currency) AS key
           FROM usage_days WHERE action = 'replace'`,
        )
      ).map((r) => r.key),
    );
    if (replaced.size > 0) {
      await session.copyIn(
        'usage_lines',
        layout.columns,
        copyChunksOf(stage.read(), (row) => replaced.has(dayKeyOfRow(row))),
        copyOptions,
      );
    }
    lap('replace');
    signal?.throwIfAborted();
    // The daily groups the router summed: of new days, and of replaced ones.
    const groupRows = async function* () {
      yield* groups.read();
      for await (const row of stagedGroups.read()) if (replaced.has(dayKeyOfRow(row))) yield row;
    };
    if (router.groupsNeedMerge) {
      await session.execute(CREATE_GROUP_PARTS_SQL);
      await session.copyIn('usage_group_parts', GROUP_COLUMNS, copyChunksOf(groupRows()));
      await session.execute(MERGE_GROUP_PARTS_SQL);
    } else {
      await session.copyIn('usage_daily_groups', GROUP_COLUMNS, copyChunksOf(groupRows()));
    }
    lap('groups');
    await session.execute(
      `INSERT INTO usage_customer_days (customer_id, usage_date, billing_currency, provider_id, kind,
         invoice_number, line_count, fingerprint, import_id)
       SELECT customer_id, usage_date, billing_currency, $1, kind, invoice_number, line_count, fingerprint, $2
       FROM usage_days WHERE action = 'load'`,
      [providerId, importId],
    );
    await session.execute(
      `UPDATE usage_customer_days c SET kind = d.kind, invoice_number = d.invoice_number,
         line_count = d.line_count, fingerprint = d.fingerprint, import_id = $1, rated_at = now(), updated_at = now()
       FROM usage_days d
       WHERE d.action = 'replace' AND c.customer_id = d.customer_id AND c.usage_date = d.usage_date
         AND c.billing_currency = d.billing_currency`,
      [importId],
    );
    await session.execute(
      `DELETE FROM usage_customer_days cd USING usage_superseded s
       WHERE cd.customer_id = s.customer_id AND cd.usage_date = s.usage_date AND cd.billing_currency = s.billing_currency`,
    );
    lap('customerDays');
    if (quarantined.rows > 0) {
      await session.copyIn(
        'usage_quarantine',
        ['import_id', 'line_no', 'reason', 'message', 'record'],
        copyChunksOf(quarantined.read()),
      );
    }
    await recordExchangeRates(session, providerId, [...encoder.exchangeRates.values()]);
    await recordSubscriptions(session, encoder);
    lap('record');

    // 4. record
    const counts = await countsOf(session, scanner.counts.records, scanner.counts.bad, linesRemoved);
    const [span] = await session.query<{ first: string | null; last: string | null }>(
      'SELECT min(usage_date)::text AS first, max(usage_date)::text AS last FROM usage_days',
    );
    await session.db
      .updateTable('usage_imports')
      .set({
        status: 'completed',
        columns: [...mapping.columns],
        column_variant: mapping.variant,
        rows_read: counts.rowsRead,
        lines_loaded: counts.linesLoaded,
        lines_replaced: counts.linesReplaced,
        lines_unchanged: counts.linesUnchanged,
        lines_skipped_billed: counts.linesSkippedBilled,
        lines_quarantined: counts.linesQuarantined,
        lines_removed: counts.linesRemoved,
        days_loaded: counts.daysLoaded,
        days_replaced: counts.daysReplaced,
        days_unchanged: counts.daysUnchanged,
        days_superseded: counts.daysSuperseded,
        first_usage_date: span?.first ?? null,
        last_usage_date: span?.last ?? null,
        finished_at: new Date(),
      })
      .where('id', '=', importId)
      .execute();
    const result: ImportUsageResult = {
      importId,
      ...counts,
      columnVariant: mapping.variant,
      firstUsageDate: span?.first ?? null,
      lastUsageDate: span?.last ?? null,
      rates: rater.rates.size,
      timings,
    };
    await recordAudit(session.db, systemScope(providerId, options.actor), {
      organizationId: providerId,
      action: 'import',
      entityType: 'usage_import',
      entityId: importId,
      after: { channel: options.channel, fileName: options.fileName ?? null, ...result, timings: undefined },
    });
    return result;
  } finally {
    for (const spool of [stage, quarantined, groups, stagedGroups]) spool.close();
  }
}

/** The customer-day of a router row: its first three columns (customer, day, currency). */
function dayKeyOfRow(row: Buffer): string {
  let commas = 0;
  let end = 0;
  while (end < row.length && (row[end] !== 0x2c || ++commas < 3)) end++;
  return row.toString('latin1', 0, end);
}

/** The file's customer-days as COPY CSV, with their fingerprints (line count and hash sums). */
async function* fileDaysCsv(days: Iterable<DayTotals>): AsyncGenerator<Buffer> {
  let lines: string[] = [];
  for (const d of days) {
    const kind = d.invoiceNumber === '' ? 'unbilled' : 'billed';
    lines.push(
      `${d.customerId},${d.usageDate},${d.billingCurrency},${kind},"${d.invoiceNumber.replaceAll('"', '""')}",${d.lines},${d.lines}:${d.hash1}:${d.hash2}`,
    );
    if (lines.length >= 5000) {
      yield Buffer.from(`${lines.join('\n')}\n`);
      lines = [];
    }
  }
  if (lines.length > 0) yield Buffer.from(`${lines.join('\n')}\n`);
}

async function countsOf(
  session: UsageSession,
  rowsRead: number,
  quarantined: number,
  linesRemoved: number,
): Promise<ImportCounts> {
  const rows = await session.query<{ action: string; days: string | number; lines: string | number }>(
    `SELECT action, count(*) AS days, coalesce(sum(line_count), 0) AS lines FROM usage_days GROUP BY action`,
  );
  const [superseded] = await session.query<{ days: string | number }>(
    'SELECT count(*) AS days FROM usage_superseded',
  );
  const of = (action: string) => rows.find((r) => r.action === action);
  return {
    rowsRead,
    linesLoaded: Number(of('load')?.lines ?? 0),
    linesReplaced: Number(of('replace')?.lines ?? 0),
    linesUnchanged: Number(of('unchanged')?.lines ?? 0),
    linesSkippedBilled: Number(of('skip_billed')?.lines ?? 0),
    linesQuarantined: quarantined,
    linesRemoved,
    daysLoaded: Number(of('load')?.days ?? 0),
    daysReplaced: Number(of('replace')?.days ?? 0),
    daysUnchanged: Number(of('unchanged')?.days ?? 0),
    daysSuperseded: Number(superseded?.days ?? 0),
  };
}

/** Stores the rates (content-addressed: existing ones are kept as they are). */
export async function saveRates(db: Kysely<Database>, providerId: string, rates: Iterable<Rate>) {
  const list = [...rates];
  for (let i = 0; i < list.length; i += 200) {
    const batch = list.slice(i, i + 200);
    await db
      .insertInto('usage_rates')
      .values(
        batch.map((rate) => ({
          id: rate.id,
          provider_id: providerId,
          billing_currency: rate.billingCurrency,
          has_list: rate.hasList,
          tier_count: rate.tiers.length,
        })),
      )
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    await db
      .insertInto('usage_rate_tiers')
      .values(
        batch.flatMap((rate) =>
          rate.tiers.map((t) => ({
            rate_id: rate.id,
            tier: t.tier,
            seller_id: t.sellerId,
            buyer_id: t.buyerId,
            cost_currency: t.costCurrency,
            currency: t.currency,
            cost_cost_factor: t.costCostFactor,
            cost_list_factor: t.costListFactor,
            sale_cost_factor: t.saleCostFactor,
            sale_list_factor: t.saleListFactor,
            rule_id: t.ruleId,
            basis: t.basis,
            explanation: JSON.stringify(t.explanation),
          })),
        ),
      )
      .onConflict((oc) => oc.columns(['rate_id', 'tier']).doNothing())
      .execute();
  }
}

/**
 * Microsoft's monthly pricing → billing currency rates seen on the lines, kept with the provider's
 * exchange rates (source 'partner_center'); a rate the provider set by hand is never overwritten.
 */
async function recordExchangeRates(session: UsageSession, providerId: string, rates: SeenExchangeRate[]) {
  for (const rate of rates) {
    await session.execute(
      `INSERT INTO exchange_rates (provider_id, from_currency, to_currency, month, rate, source)
       VALUES ($1, $2, $3, $4, $5::numeric, 'partner_center')
       ON CONFLICT (provider_id, from_currency, to_currency, month) DO UPDATE
         SET rate = excluded.rate, updated_at = now()
         WHERE exchange_rates.source = 'partner_center' AND exchange_rates.rate <> excluded.rate`,
      [providerId, rate.from, rate.to, rate.month, rate.rate.replace(/^\+/, '')],
    );
  }
}

/** The Azure subscriptions of the file, with their current names. */
async function recordSubscriptions(session: UsageSession, encoder: RowEncoder) {
  const all = [...encoder.subscriptions.entries()];
  for (let i = 0; i < all.length; i += 1000) {
    const batch = all.slice(i, i + 1000);
    const params: string[] = [];
    const tuples = batch.map(([entitlement, s]) => {
      params.push(entitlement, s.customerId, s.subscriptionId, s.description);
      const n = params.length;
      return `($${n - 3}, $${n - 2}::uuid, $${n - 1}, $${n})`;
    });
    await session.execute(
      `INSERT INTO usage_subscriptions (entitlement_id, customer_id, subscription_id, description)
       VALUES ${tuples.join(', ')}
       ON CONFLICT (entitlement_id) DO UPDATE SET customer_id = excluded.customer_id,
         subscription_id = excluded.subscription_id, description = excluded.description, updated_at = now()
       WHERE (usage_subscriptions.customer_id, usage_subscriptions.subscription_id, usage_subscriptions.description)
         IS DISTINCT FROM (excluded.customer_id, excluded.subscription_id, excluded.description)`,
      params,
    );
  }
}
