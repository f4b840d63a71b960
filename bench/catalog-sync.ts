import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { loadConfig } from '../packages/server/src/config.ts';
import { openDatabase } from '../packages/server/src/db/database.ts';
import { migrate } from '../packages/server/src/db/migrate.ts';
import { wireDeps } from '../packages/server/src/deps.ts';
import {
  type SyncCatalogResult,
  syncCatalog,
  systemScopeFor,
} from '../packages/server/src/modules/catalog/sync-catalog.ts';
import { startEmulator } from '../packages/server/src/partner-center/emulator/server.ts';
import { seedDemo } from '../packages/server/src/seed/demo.ts';

/**
 * Catalog sync: size and time of a sync of the demo provider (markets JP and DE) against the
 * emulator over loopback HTTP: the first import, a re-run without change, a run with Microsoft
 * changes, then the same with `--skus N` extra SKUs added to the emulated catalog (default 1000).
 * `--engine pglite|postgres|both` (default pglite, in a data dir); PostgreSQL as in postgresUrl().
 */
export const description =
  'Catalog sync from Partner Center (emulator): size and time, first import, no change, changes, +N SKUs';

export async function main(args: string[]): Promise<void> {
  const option = (name: string) => {
    const i = args.lastIndexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const extra = Number(option('skus') ?? 1000);
  const engine = option('engine') ?? 'pglite';
  if (engine === 'pglite' || engine === 'both') await runOn('pglite', extra);
  if (engine === 'postgres' || engine === 'both') await runOn('postgres', extra);
}

const BENCH_DB = 'cspc_bench_catalog';

function serverUrl(): URL {
  const server = new URL(
    process.env.BENCH_DATABASE_URL ??
      process.env.DATABASE_URL ??
      'postgres://postgres@127.0.0.1:5432/postgres',
  );
  server.pathname = '/postgres';
  return server;
}

async function adminQuery(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl().toString() });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

async function dropBenchDatabase(): Promise<void> {
  await adminQuery(`DROP DATABASE IF EXISTS ${BENCH_DB} WITH (FORCE)`);
}

/** PostgreSQL: BENCH_DATABASE_URL, else DATABASE_URL, else the local server; the database cspc_bench_catalog is recreated. */
async function postgresUrl(): Promise<string> {
  await dropBenchDatabase();
  await adminQuery(`CREATE DATABASE ${BENCH_DB}`);
  const url = serverUrl();
  url.pathname = `/${BENCH_DB}`;
  return url.toString();
}

async function runOn(engine: 'pglite' | 'postgres', extra: number): Promise<void> {
  const now = '2025-01-15T09:00:00Z';
  const dir = await mkdtemp(join(tmpdir(), 'cspc-bench-catalog-'));
  const emu = await startEmulator({ port: 0, seed: 1, now, dataDir: null });
  const databaseUrl = engine === 'postgres' ? await postgresUrl() : null;
  const database = await openDatabase({ databaseUrl, dataDir: databaseUrl ? null : join(dir, 'pglite') });
  try {
    await migrate(database);
    const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dir });
    const deps = wireDeps(config, database, { emulatorUrl: emu.url, clock: { now: () => new Date(now) } });
    const { organizations } = await seedDemo(database.db);
    const provider = organizations.provider!;
    const syncDeps = { db: database.db, partnerCenter: deps.partnerCenter, clock: deps.clock };
    const admin = async (path: string, body: unknown) => {
      const response = await fetch(`${emu.url}/_emulator${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    };
    const rows = async () => {
      const { rows: counts } = await sql<{ t: string; n: string }>`
        SELECT 'products' AS t, count(*)::text AS n FROM catalog_products
        UNION ALL SELECT 'skus', count(*)::text FROM catalog_skus
        UNION ALL SELECT 'offers', count(*)::text FROM catalog_offers
        UNION ALL SELECT 'prices', count(*)::text FROM catalog_prices
        UNION ALL SELECT 'meters', count(*)::text FROM catalog_meters
        UNION ALL SELECT 'changes', count(*)::text FROM catalog_changes`.execute(database.db);
      return Object.fromEntries(counts.map((r) => [r.t, Number(r.n)]));
    };
    const lines: string[] = [];
    const measure = async (label: string) => {
      const started = performance.now();
      const result: SyncCatalogResult = await syncCatalog(syncDeps, systemScopeFor(provider), provider);
      const total = performance.now() - started;
      const r = await rows();
      lines.push(
        `| ${label} | ${result.read.products} / ${result.read.skus} / ${result.read.offers} / ${result.read.priceSeries} / ${result.read.meters} | ${result.read.requests} | ${result.readMs} | ${result.writeMs} | ${Math.round(total)} | ${result.written} | ${r.products} / ${r.skus} / ${r.offers} / ${r.prices} / ${r.changes} |`,
      );
      return result;
    };

    console.log(`catalog sync benchmark: ${database.kind}, markets JP+DE, emulator on loopback`);
    await measure('emulator catalog, first import');
    await measure('same, no change');
    await admin('/catalog/price-change', {
      productId: 'CFQ7TTC0LH18',
      skuId: '0001',
      currency: 'JPY',
      newUnitPrice: '800',
      effectiveDate: '2025-02-01',
    });
    await admin('/catalog/retire', { productId: 'CFQ7TTC0LDPB', skuId: '0001' });
    await admin('/catalog/add-sku', {
      productId: 'CFQ7TTC0BN00',
      skuId: '0001',
      title: 'Bench SKU',
      unitPrice: '3.00',
    });
    await measure('3 Microsoft changes');

    const addStarted = performance.now();
    for (let i = 1; i <= extra; i++) {
      await admin('/catalog/add-sku', {
        productId: `CFQ7TTC1${String(i).padStart(4, '0')}`,
        skuId: '0001',
        title: `Bench Service ${i}`,
        unitPrice: `${(i % 40) + 1}.50`,
        terms: ['P1M', 'P1Y', 'P3Y'],
      });
    }
    console.log(`(${extra} SKUs added to the emulator in ${Math.round(performance.now() - addStarted)} ms)`);
    await measure(`+${extra} new SKUs`);
    await measure(`${extra} more SKUs, no change`);

    console.log(
      '| run | read: products / SKUs / offers / price series / meters | requests | read ms | write ms | total ms | rows written | stored: products / SKUs / offers / prices / changes |',
    );
    console.log('|---|---|---|---|---|---|---|---|');
    for (const line of lines) console.log(line);
  } finally {
    await database.close();
    await emu.close();
    await rm(dir, { recursive: true, force: true });
    if (databaseUrl) await dropBenchDatabase();
  }
  console.log('');
}
