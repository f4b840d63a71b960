import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../packages/server/src/auth/scope.ts';
import { type DatabaseHandle, openDatabase } from '../../packages/server/src/db/database.ts';
import { splitRecord } from '../../packages/server/src/modules/usage/csv-scanner.ts';
import { importUsageCsv } from '../../packages/server/src/modules/usage/import-usage.ts';
import { recordsToCsv } from '../../packages/server/src/modules/usage/records-to-csv.ts';
import { RECON_CSV_COLUMNS } from '../../packages/server/src/partner-center/emulator/usage-generator.ts';
import { seedDemo } from '../../packages/server/src/seed/demo.ts';
import { openTestDatabase } from '../support/test-db.ts';
import {
  ALL_CUSTOMERS,
  CUSTOMERS,
  csvText,
  csvWith,
  GRAPH_BASIC_COLUMNS,
  importText,
  rowsFor,
  SAMPLE_MODEL_COLUMNS,
  stored,
  sum,
} from './support.ts';

let database: DatabaseHandle;
let provider: string;

beforeAll(async () => {
  database = await openTestDatabase();
  provider = (await seedDemo(database.db, { usage: false })).organizations.provider!;
});
afterAll(async () => database?.close());

const jpy = (rows: { billingCurrency: string; billingPreTaxTotal: string }[]) =>
  sum(rows.filter((r) => r.billingCurrency === 'JPY').map((r) => r.billingPreTaxTotal));

async function costByCurrency(from: string, to: string) {
  const r = await sql<{ currency: string; cost: string; n: string | number }>`
    SELECT billing_currency AS currency, trim_scale(sum(cost))::text AS cost, count(*) AS n FROM usage_lines
    WHERE usage_date >= ${from} AND usage_date < ${to} GROUP BY 1 ORDER BY 1`.execute(database.db);
  return r.rows.map((x) => ({ currency: x.currency.trim(), cost: x.cost, n: Number(x.n) }));
}

describe('column variants', () => {
  // The same five days of usage, delivered in every column layout Microsoft uses.
  const rows = rowsFor(ALL_CUSTOMERS, '2025-01-01', 5);
  let expected: { currency: string; cost: string; n: number }[];

  it('loads the 52-column reconciliation file', async () => {
    const result = await importText(database, provider, await csvText(rows));
    expect(result).toMatchObject({
      columnVariant: 'recon-52',
      rowsRead: rows.length,
      linesLoaded: rows.length,
      linesQuarantined: 0,
    });
    expected = await costByCurrency('2025-01-01', '2025-02-01');
    expect(expected.find((e) => e.currency === 'JPY')?.cost).toBe(jpy(rows));
  });

  it.each([
    ['recon-55', async () => csvText(rows, true)],
    ['full-reordered', async () => csvWith(rows, SAMPLE_MODEL_COLUMNS)],
    ['US dates (M/D/YYYY h:mm:ss AM)', async () => csvWith(rows, [...RECON_CSV_COLUMNS], { usDates: true })],
    ['graph-basic', async () => csvWith(rows, GRAPH_BASIC_COLUMNS)],
  ])('loads the same usage from the %s layout', async (_name, text) => {
    const result = await importText(database, provider, await text());
    expect(result.linesQuarantined).toBe(0);
    expect(result.rowsRead).toBe(rows.length);
    // Same customer-days, other bytes: every day is replaced, none is doubled.
    expect(result.linesReplaced + result.linesUnchanged).toBe(rows.length);
    expect(await costByCurrency('2025-01-01', '2025-02-01')).toEqual(expected);
  });

  it('loads line items from the API (camelCase JSON, credit rates as fractions) through the same path', async () => {
    const result = await importUsageCsv(
      database,
      recordsToCsv(rows as unknown as Record<string, unknown>[]),
      {
        providerId: provider,
        channel: 'line_items',
        actor: SYSTEM_ACTOR,
      },
    );
    expect(result.linesQuarantined).toBe(0);
    expect(await costByCurrency('2025-01-01', '2025-02-01')).toEqual(expected);
    const pec = await sql<{ pec: string }>`
      SELECT DISTINCT trim_scale(pec_percent)::text AS pec FROM usage_lines
      WHERE usage_date >= '2025-01-01' AND usage_date < '2025-02-01' ORDER BY 1`.execute(database.db);
    expect(pec.rows.map((r) => r.pec)).toEqual(['0', '15']);
  });

  it('refuses a file without the columns every line needs', async () => {
    await expect(
      importText(database, provider, 'CustomerId,UsageDate\r\nx,2025-01-01\r\n'),
    ).rejects.toMatchObject({
      code: 'usage_missing_columns',
    });
    const [last] = await database.db
      .selectFrom('usage_imports')
      .select(['status', 'error'])
      .orderBy('started_at', 'desc')
      .limit(1)
      .execute();
    expect(last).toMatchObject({ status: 'failed' });
  });
});

describe('bad rows', () => {
  it('quarantines bad rows by line with the reason and loads the good ones', async () => {
    const rows = rowsFor([CUSTOMERS.b], '2025-02-01', 2);
    const text = await csvText(rows);
    const [header, ...body] = text.trimEnd().split('\r\n');
    const good = body.slice(0, 4);
    const template = splitRecord(body[0]!);
    const esc = (v: string) => (/[",]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
    const col = (name: string) => RECON_CSV_COLUMNS.indexOf(name as (typeof RECON_CSV_COLUMNS)[number]);
    const variant = (changes: Record<string, string>) => {
      const fields = [...template];
      for (const [name, value] of Object.entries(changes)) fields[col(name)] = value;
      return fields.map(esc).join(',');
    };
    const lines = [
      header, // line 1
      good[0], // 2
      `${good[1]},extra`, // 3: one column too many
      variant({ UsageDate: '2025-02-30T00:00:00Z' }), // 4
      good[1], // 5
      variant({ Quantity: 'abc' }), // 6
      variant({ CustomerId: '00000000-0000-4000-8000-000000000000' }), // 7
      variant({ EntitlementId: 'not-a-subscription' }), // 8
      variant({ BillingCurrency: '' }), // 9
      good[2], // 10
      variant({ BillingPreTaxTotal: '1,5' }), // 11: a decimal comma (quoted)
      good[3], // 12
      `${good[0]!.slice(0, 40)}"unterminated`, // 13: never closed, to the end of the file
    ];
    const result = await importText(database, provider, `${lines.join('\r\n')}\r\n`);
    expect(result).toMatchObject({ rowsRead: 12, linesLoaded: 4, linesQuarantined: 8 });
    const quarantine = await database.db
      .selectFrom('usage_quarantine')
      .select(['line_no', 'reason', 'message', 'record'])
      .where('import_id', '=', result.importId)
      .orderBy('line_no')
      .execute();
    expect(quarantine.map((q) => [Number(q.line_no), q.reason])).toEqual([
      [3, 'column_count'],
      [4, 'invalid_date'],
      [6, 'invalid_number'],
      [7, 'unknown_customer'],
      [8, 'unknown_subscription'],
      [9, 'missing_value'],
      [11, 'invalid_number'],
      [13, 'unterminated_quote'],
    ]);
    expect(quarantine[1]!.message).toBe('UsageDate "2025-02-30T00:00:00Z" is not a date.');
    expect(quarantine[0]!.record).toBe(`${good[1]},extra`);
    expect(await stored(database, '2025-02-01', '2025-03-01')).toMatchObject({ lines: 4 });
  });
});

describe('idempotence, revisions, supersession', () => {
  const customers = [CUSTOMERS.a, CUSTOMERS.b];
  const rows = rowsFor(customers, '2025-03-01', 6);

  it('changes nothing when the same data is imported twice', async () => {
    const text = await csvText(rows);
    const first = await importText(database, provider, text);
    expect(first.linesLoaded).toBe(rows.length);
    const before = await stored(database, '2025-03-01', '2025-04-01');
    const daily =
      await sql`SELECT * FROM usage_daily WHERE usage_date >= '2025-03-01' AND usage_date < '2025-04-01'
      ORDER BY customer_id, usage_date, entitlement_id, meter_category, tier`.execute(database.db);
    const again = await importText(database, provider, text);
    expect(again).toMatchObject({
      linesLoaded: 0,
      linesReplaced: 0,
      linesUnchanged: rows.length,
      linesRemoved: 0,
      daysUnchanged: before.days,
    });
    expect(await stored(database, '2025-03-01', '2025-04-01')).toEqual(before);
    const dailyAgain =
      await sql`SELECT * FROM usage_daily WHERE usage_date >= '2025-03-01' AND usage_date < '2025-04-01'
      ORDER BY customer_id, usage_date, entitlement_id, meter_category, tier`.execute(database.db);
    expect(dailyAgain.rows).toEqual(daily.rows);
  });

  it('replaces exactly the customer-days Microsoft revised', async () => {
    const day = '2025-03-02T00:00:00Z';
    const revised = rows.map((r) =>
      r.customerId === CUSTOMERS.b.tenantId && r.usageDate === day
        ? { ...r, quantity: '1', billingPreTaxTotal: '7' }
        : r,
    );
    const dayLines = revised.filter(
      (r) => r.customerId === CUSTOMERS.b.tenantId && r.usageDate === day,
    ).length;
    const result = await importText(database, provider, await csvText(revised));
    expect(result).toMatchObject({
      linesReplaced: dayLines,
      linesUnchanged: rows.length - dayLines,
      linesRemoved: dayLines,
      daysReplaced: 1,
    });
    expect((await stored(database, '2025-03-01', '2025-04-01')).cost).toBe(
      sum(revised.map((r) => r.billingPreTaxTotal)),
    );
  });

  it('lets billed data supersede the unbilled data of its period, and never the reverse', async () => {
    const extraDay = rowsFor(customers, '2025-03-07', 1); // unbilled, later missing from the invoice
    await importText(database, provider, await csvText(extraDay));
    expect((await stored(database, '2025-03-01', '2025-04-01')).days).toBe(14); // 2 customers × 7 days
    const billed = rowsFor(customers, '2025-03-01', 6, 'G000123456');
    const result = await importText(database, provider, await csvText(billed), {
      supersedeUnbilled: { period: '2025-03', currency: 'JPY' },
    });
    expect(result.linesReplaced).toBe(billed.length);
    expect(result.daysSuperseded).toBe(2);
    const state = await sql<{ kind: string; n: string | number }>`
      SELECT kind, count(*) AS n FROM usage_customer_days
      WHERE usage_date >= '2025-03-01' AND usage_date < '2025-04-01' GROUP BY kind`.execute(database.db);
    expect(state.rows.map((r) => [r.kind, Number(r.n)])).toEqual([['billed', 12]]);
    expect((await stored(database, '2025-03-01', '2025-04-01')).cost).toBe(
      sum(billed.map((r) => r.billingPreTaxTotal)),
    );
    // A late unbilled pull of the same period is ignored for billed days.
    const late = await importText(database, provider, await csvText(rows));
    expect(late).toMatchObject({ linesSkippedBilled: rows.length, linesLoaded: 0, linesReplaced: 0 });
    const lines = await sql<{ kind: string }>`
      SELECT DISTINCT kind FROM usage_lines WHERE usage_date >= '2025-03-01' AND usage_date < '2025-04-01'`.execute(
      database.db,
    );
    expect(lines.rows).toEqual([{ kind: 'billed' }]);
  });

  it('loads new customer-days and replaces revised ones in one import', async () => {
    const april = rowsFor(customers, '2025-04-01', 3);
    expect((await importText(database, provider, await csvText(april))).linesLoaded).toBe(april.length);
    const day = '2025-04-02T00:00:00Z';
    const revised = april.map((r) =>
      r.customerId === CUSTOMERS.a.tenantId && r.usageDate === day ? { ...r, billingPreTaxTotal: '11.5' } : r,
    );
    const added = rowsFor([CUSTOMERS.b], '2025-04-04', 1);
    const revisedLines = revised.filter(
      (r) => r.customerId === CUSTOMERS.a.tenantId && r.usageDate === day,
    ).length;
    const result = await importText(database, provider, await csvText([...revised, ...added]));
    expect(result).toMatchObject({
      linesLoaded: added.length,
      linesReplaced: revisedLines,
      linesUnchanged: april.length - revisedLines,
      linesRemoved: revisedLines,
      daysLoaded: 1,
      daysReplaced: 1,
    });
    const state = await stored(database, '2025-04-01', '2025-05-01');
    expect(state.cost).toBe(sum([...revised, ...added].map((r) => r.billingPreTaxTotal)));
    expect(state.days).toBe(7); // 2 customers × 3 days + 1
    const groups = await sql<{ cost: string }>`
      SELECT trim_scale(sum(cost))::text AS cost FROM usage_daily_groups
      WHERE usage_date >= '2025-04-01' AND usage_date < '2025-05-01'`.execute(database.db);
    expect(groups.rows[0]!.cost).toBe(state.cost);
  });

  it('sums the daily groups of a file that is not sorted by customer and day', async () => {
    const may = rowsFor(customers, '2025-05-01', 3);
    // Every other line first, then the rest: each customer-day is met twice, apart.
    const shuffled = [...may.filter((_, i) => i % 2 === 0), ...may.filter((_, i) => i % 2 === 1)];
    expect((await importText(database, provider, await csvText(shuffled))).linesLoaded).toBe(may.length);
    const state = await stored(database, '2025-05-01', '2025-06-01');
    const groups = await sql<{ cost: string; lines: string | number; duplicates: string | number }>`
      SELECT trim_scale(sum(cost))::text AS cost, sum(line_count) AS lines,
        count(*) - count(DISTINCT (customer_id, usage_date, billing_currency, entitlement_id, meter_category, rate_id)) AS duplicates
      FROM usage_daily_groups WHERE usage_date >= '2025-05-01' AND usage_date < '2025-06-01'`.execute(
      database.db,
    );
    expect(groups.rows[0]).toEqual({
      cost: state.cost,
      lines: expect.anything(),
      duplicates: expect.anything(),
    });
    expect(Number(groups.rows[0]!.lines)).toBe(may.length);
    expect(Number(groups.rows[0]!.duplicates)).toBe(0);
  });
});

describe('connections', () => {
  // The import reads price books and stored days beside its own COPY. Those reads must not wait for
  // a pooled connection: every one of them may be held by requests (or imports waiting for the
  // provider's lock). With a pool of one, a pooled side read would wait forever.
  it.skipIf(!process.env.TEST_DATABASE_URL)('imports with a pool of one connection', async () => {
    const single = await openDatabase({ databaseUrl: database.url!, dataDir: null, poolSize: 1 });
    try {
      const rows = rowsFor([CUSTOMERS.a], '2025-06-01', 2);
      const result = await importText(single, provider, await csvText(rows));
      expect(result.linesLoaded).toBe(rows.length);
    } finally {
      await single.close();
    }
  });
});

describe('interruption', () => {
  it('leaves the previous state intact when an import stops in the middle', async () => {
    const rows = rowsFor(ALL_CUSTOMERS, '2025-04-01', 10);
    await importText(database, provider, await csvText(rows));
    const before = await stored(database, '2025-04-01', '2025-05-01');
    const importsBefore = await database.db.selectFrom('usage_imports').select('id').execute();

    // The same period revised, but the stream dies half-way.
    const revised = await csvText(rows.map((r) => ({ ...r, quantity: '2', billingPreTaxTotal: '1' })));
    const half = Math.floor(revised.length / 2);
    async function* dying() {
      yield Buffer.from(revised.slice(0, half));
      throw new Error('connection reset by peer');
    }
    await expect(
      importUsageCsv(database, dying(), { providerId: provider, channel: 'file', actor: SYSTEM_ACTOR }),
    ).rejects.toThrow('connection reset by peer');

    // And another one is aborted by its caller.
    const controller = new AbortController();
    async function* slow() {
      yield Buffer.from(revised.slice(0, half));
      controller.abort();
      yield Buffer.from(revised.slice(half));
    }
    await expect(
      importUsageCsv(database, slow(), {
        providerId: provider,
        channel: 'file',
        actor: SYSTEM_ACTOR,
        signal: controller.signal,
      }),
    ).rejects.toThrow();

    expect(await stored(database, '2025-04-01', '2025-05-01')).toEqual(before);
    const failed = await database.db
      .selectFrom('usage_imports')
      .select(['status', 'error'])
      .where(
        'id',
        'not in',
        importsBefore.map((i) => i.id),
      )
      .execute();
    expect(failed.map((f) => f.status)).toEqual(['failed', 'failed']);
    // The database is usable afterwards.
    const again = await importText(database, provider, await csvText(rows));
    expect(again.linesUnchanged).toBe(rows.length);
  });
});
