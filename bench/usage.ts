/**
 * Azure usage import benchmark: `npm run bench -- usage [--lines 1000000] [--customers 5000]
 * [--engine postgres|pglite|both] [--days 30]`.
 *
 * Generates Microsoft's daily rated usage reconciliation CSV (full 55-column set) with the emulator's
 * generator, creates the provider, two resellers (one with a sub-reseller), the customers (with
 * their tenant ids, in bulk) and a few usage price rules, then measures the end-to-end import and
 * rating (lines/s), a second import of the same file (unchanged data), the peak RSS of the process,
 * and — on PostgreSQL — `psql \copy` of the same file into a plain text table as the reference.
 *
 * PostgreSQL: BENCH_DATABASE_URL, else DATABASE_URL, else postgres://postgres@127.0.0.1:5432/ —
 * the database `cspc_bench_usage` on that server is dropped and recreated. PGlite: a new data dir
 * under the system temp dir. Each engine runs in a child process so that peak RSS is its own.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  createReadStream,
  createWriteStream,
  existsSync,
  openSync,
  readSync,
  statSync,
} from 'node:fs';
import { mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { CompiledQuery } from 'kysely';
import pg from 'pg';
import { SYSTEM_ACTOR } from '../packages/server/src/auth/scope.ts';
import { type DatabaseHandle, openDatabase } from '../packages/server/src/db/database.ts';
import { migrate } from '../packages/server/src/db/migrate.ts';
import { insertOrganization } from '../packages/server/src/modules/organizations/organizations.repository.ts';
import { importUsageCsv } from '../packages/server/src/modules/usage/import-usage.ts';
import {
  generateDailyRatedUsage,
  toReconCsv,
} from '../packages/server/src/partner-center/emulator/usage-generator.ts';

export const description = 'Azure daily rated usage: import + rating of 1M lines on PostgreSQL and PGlite';

interface Options {
  lines: number;
  customers: number;
  days: number;
  engine: 'postgres' | 'pglite' | 'both';
  seed: number;
  startDate: string;
}

function parse(args: string[]): Options {
  const get = (name: string) => {
    const i = args.lastIndexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  return {
    lines: Number(get('lines') ?? 1_000_000),
    customers: Number(get('customers') ?? 5000),
    days: Number(get('days') ?? 30),
    engine: (get('engine') ?? 'both') as Options['engine'],
    seed: Number(get('seed') ?? 7),
    startDate: get('start') ?? '2025-03-01',
  };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;

function fileFor(o: Options): string {
  return join(tmpdir(), `cspc-usage-bench-${o.seed}-${o.customers}c-${o.days}d-${o.lines}.csv`);
}

async function generate(o: Options, file: string): Promise<void> {
  if (existsSync(file)) return;
  const started = Date.now();
  const rows = generateDailyRatedUsage({
    seed: o.seed,
    customers: o.customers,
    days: o.days,
    startDate: o.startDate,
    linesTotal: o.lines,
  });
  await pipeline(toReconCsv(rows, { benefitColumns: true }), createWriteStream(`${file}.part`));
  await rename(`${file}.part`, file);
  console.log(
    `generated ${fmt(o.lines)} lines (${mb(statSync(file).size)}) in ${((Date.now() - started) / 1000).toFixed(1)} s: ${file}`,
  );
}

interface BenchCustomer {
  tenantId: string;
  name: string;
  country: string;
  currency: string;
}

/** The generator's customers: one line per customer (same seed, so the same ids). */
function benchCustomers(o: Options): BenchCustomer[] {
  const out: BenchCustomer[] = [];
  for (const row of generateDailyRatedUsage({
    seed: o.seed,
    customers: o.customers,
    days: 1,
    startDate: o.startDate,
    linesTotal: o.customers,
  })) {
    out.push({
      tenantId: row.customerId,
      name: row.customerName,
      country: row.customerCountry,
      currency: row.billingCurrency,
    });
  }
  return out;
}

/** Provider, resellers, customers (bulk), usage price rules. Returns the provider id. */
async function setUp(handle: DatabaseHandle, o: Options): Promise<string> {
  const db = handle.db;
  const org = (parent: string | null, kind: 'provider' | 'reseller', name: string) =>
    insertOrganization(db, {
      parent_id: parent,
      kind,
      name,
      country: 'US',
      currency: 'USD',
      time_zone: 'America/New_York',
      locale: 'en',
      domains: [],
      branding: '{}',
    });
  const provider = await org(null, 'provider', 'Bench Distributor');
  const r1 = await org(provider, 'reseller', 'Bench Reseller 1');
  const s1 = await org(r1, 'reseller', 'Bench Sub-reseller 1');
  await org(provider, 'reseller', 'Bench Reseller 2');
  const customers = benchCustomers(o);
  // USD-billed customers alternate between the provider, reseller 1 and its sub-reseller (so the
  // sellers' currency needs no conversion); the others buy from the provider directly.
  let usd = 0;
  const parents = customers.map((c) => {
    if (c.currency !== 'USD') return provider;
    usd += 1;
    return [provider, r1, s1][usd % 3]!;
  });
  const col = (values: string[]) => values.join('\t');
  await db.executeQuery(
    CompiledQuery.raw(
      `INSERT INTO organizations (parent_id, kind, name, country, currency, time_zone, locale, tenant_id)
       SELECT u.parent::uuid, 'customer', u.name, u.country, u.currency, 'UTC', 'en', u.tenant::uuid
       FROM unnest(string_to_array($1, chr(9)), string_to_array($2, chr(9)), string_to_array($3, chr(9)),
                   string_to_array($4, chr(9)), string_to_array($5, chr(9))) AS u(tenant, name, country, currency, parent)`,
      [
        col(customers.map((c) => c.tenantId)),
        col(customers.map((c) => c.name)),
        col(customers.map((c) => c.country)),
        col(customers.map((c) => c.currency)),
        col(parents),
      ],
    ),
  );
  await db.executeQuery(
    CompiledQuery.raw(
      `INSERT INTO organization_tree (ancestor_id, descendant_id, depth)
       SELECT o.id, o.id, 0 FROM organizations o WHERE o.kind = 'customer'
       UNION ALL
       SELECT t.ancestor_id, o.id, t.depth + 1
       FROM organizations o JOIN organization_tree t ON t.descendant_id = o.parent_id
       WHERE o.kind = 'customer'`,
      [],
    ),
  );
  const rule = (seller: string, kind: 'usage_markup' | 'usage_payg_discount', percent: string) => ({
    seller_id: seller,
    name: `${kind} ${percent}%`,
    kind,
    percent,
    target_kind: 'all' as const,
    buyer_scope: 'all' as const,
    effective_from: '2024-01-01',
    allow_below_cost: false,
  });
  await db
    .insertInto('price_rules')
    .values([
      rule(provider, 'usage_markup', '8'),
      {
        ...rule(provider, 'usage_payg_discount', '3'),
        name: 'VMs for reseller 1: 3% off PAYG',
        target_kind: 'meter_category',
        target_value: 'Virtual Machines',
        buyer_scope: 'reseller_subtree',
        buyer_organization_id: r1,
      },
      rule(r1, 'usage_markup', '12'),
      rule(s1, 'usage_payg_discount', '1'),
    ])
    .execute();
  return provider;
}

async function pgUrl(): Promise<{ admin: string; url: string }> {
  const base =
    process.env.BENCH_DATABASE_URL ??
    process.env.DATABASE_URL ??
    'postgres://postgres@127.0.0.1:5432/postgres';
  const admin = new URL(base);
  admin.pathname = '/postgres';
  const url = new URL(base);
  url.pathname = '/cspc_bench_usage';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query('DROP DATABASE IF EXISTS cspc_bench_usage WITH (FORCE)');
  await client.query('CREATE DATABASE cspc_bench_usage');
  await client.end();
  return { admin: admin.toString(), url: url.toString() };
}

/** psql \copy of the same file into a plain 55-column text table: the raw COPY reference. */
function psqlCopy(url: string, file: string): number | null {
  const header = headerOf(file);
  const table = `CREATE TABLE raw_copy (${header.map((c) => `"${c}" text`).join(', ')})`;
  const create = spawnSync('psql', [url, '-q', '-c', 'DROP TABLE IF EXISTS raw_copy', '-c', table]);
  if (create.status !== 0) return null;
  const started = Date.now();
  const copy = spawnSync('psql', [
    url,
    '-q',
    '-c',
    `\\copy raw_copy FROM '${file}' WITH (FORMAT csv, HEADER true)`,
  ]);
  const ms = Date.now() - started;
  spawnSync('psql', [url, '-q', '-c', 'DROP TABLE raw_copy']);
  return copy.status === 0 ? ms : null;
}

function headerOf(file: string): string[] {
  const fd = openSync(file, 'r');
  const buffer = Buffer.alloc(4096);
  readSync(fd, buffer, 0, 4096, 0);
  closeSync(fd);
  return buffer.toString('utf8').split(/\r?\n/)[0]!.split(',');
}

async function runEngine(o: Options, engine: 'postgres' | 'pglite'): Promise<void> {
  const file = fileFor(o);
  let dataDir: string | null = null;
  let pgInfo: { admin: string; url: string } | null = null;
  let handle: DatabaseHandle;
  if (engine === 'postgres') {
    pgInfo = await pgUrl();
    handle = await openDatabase({ databaseUrl: pgInfo.url, dataDir: null });
  } else {
    dataDir = await mkdtemp(join(tmpdir(), 'cspc-usage-bench-pglite-'));
    handle = await openDatabase({ databaseUrl: null, dataDir });
  }
  await migrate(handle);
  const providerId = await setUp(handle, o);
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 100);
  const size = statSync(file).size;
  let lastPrint = 0;
  const run = async (label: string) => {
    const started = Date.now();
    const cpu = process.cpuUsage();
    const result = await importUsageCsv(handle, createReadStream(file, { highWaterMark: 1024 * 1024 }), {
      providerId,
      channel: 'file',
      fileName: file,
      actor: SYSTEM_ACTOR,
      onProgress: (p) => {
        const now = Date.now();
        if (now - lastPrint < 10_000 && p.phase === 'loading') return;
        lastPrint = now;
        process.stderr.write(
          `  ${label}: ${p.phase} ${fmt(p.rows)} rows, ${Math.round((p.bytes / size) * 100)}% read, ${((now - started) / 1000).toFixed(0)} s\n`,
        );
      },
    });
    const used = process.cpuUsage(cpu);
    return { ms: Date.now() - started, result, nodeCpuMs: Math.round((used.user + used.system) / 1000) };
  };
  const first = await run('import');
  const second = await run('re-import');
  clearInterval(sampler);
  const maxRss = process.resourceUsage().maxRSS * 1024;
  const counts = await handle.db
    .selectFrom('usage_lines')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  const daily = await handle.db
    .selectFrom('usage_daily')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  let copyMs: number | null = null;
  if (engine === 'postgres' && pgInfo) copyMs = psqlCopy(pgInfo.url, file);
  await handle.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  const rate = (ms: number) => (o.lines / ms) * 1000;
  console.log(`\n== ${engine} ==`);
  console.log(`  import + rating: ${(first.ms / 1000).toFixed(1)} s → ${fmt(rate(first.ms))} lines/s`);
  console.log(
    `    loaded ${fmt(first.result.linesLoaded)}, quarantined ${fmt(first.result.linesQuarantined)}, rates ${first.result.rates}; usage_lines ${fmt(Number(counts.n))}, usage_daily ${fmt(Number(daily.n))}`,
  );
  console.log(`    steps (ms): ${JSON.stringify(first.result.timings)}; Node CPU ${first.nodeCpuMs} ms`);
  console.log(
    `  re-import (same file, unchanged): ${(second.ms / 1000).toFixed(1)} s → ${fmt(rate(second.ms))} lines/s (unchanged ${fmt(second.result.linesUnchanged)})`,
  );
  console.log(`    steps (ms): ${JSON.stringify(second.result.timings)}`);
  console.log(`  peak RSS: ${mb(Math.max(peak, maxRss))} (baseline after setup ${mb(baseline)})`);
  if (copyMs !== null) {
    console.log(
      `  psql \\copy reference: ${(copyMs / 1000).toFixed(1)} s → ${fmt(rate(copyMs))} lines/s; import reaches ${((copyMs / first.ms) * 100).toFixed(0)}% of raw COPY`,
    );
  }
  console.log(
    `RESULT ${JSON.stringify({ engine, lines: o.lines, importMs: first.ms, reimportMs: second.ms, peakRss: Math.max(peak, maxRss), copyMs })}`,
  );
}

export async function main(args: string[]): Promise<void> {
  const o = parse(args);
  const file = fileFor(o);
  await generate(o, file);
  if (o.engine !== 'both') {
    await runEngine(o, o.engine);
    return;
  }
  // One child process per engine, so that each peak RSS is its own.
  const self = fileURLToPath(import.meta.url);
  for (const engine of ['postgres', 'pglite'] as const) {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', join(self, '../run.ts'), 'usage', ...args, '--engine', engine],
        { stdio: 'inherit' },
      );
      child.on('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`${engine} run failed: ${code}`)),
      );
    });
  }
}

/** The same, under the other name dispatchers use. */
export const run = main;
