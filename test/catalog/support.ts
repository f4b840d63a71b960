import { sql } from 'kysely';
import {
  type RunningEmulator,
  startEmulator,
} from '../../packages/server/src/partner-center/emulator/server.ts';
import { type Caller, json, loginAs } from '../support/http.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

/**
 * A catalog test world: the emulator and the application on one frozen clock (15 January 2025,
 * 09:00 UTC, i.e. 18:00 in Tokyo), the demo organisations, and a caller per demo admin.
 */
export const START = '2025-01-15T09:00:00Z';

export interface CatalogWorld {
  emu: RunningEmulator;
  server: TestServer;
  orgs: Record<string, string>;
  provider: Caller;
  resellerA: Caller;
  resellerASub: Caller;
  resellerB: Caller;
  customerA: Caller;
  customerB: Caller;
  customerD: Caller;
  /** Moves both clocks (the application's and the emulator's) to an instant. */
  setNow(iso: string): Promise<void>;
  emulator(path: string, body: unknown): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

export async function startCatalogWorld(seed = 4242): Promise<CatalogWorld> {
  const emu = await startEmulator({ port: 0, seed, now: START, dataDir: null });
  let now = new Date(START);
  const server = await startTestServer({ seed: 'demo', emulatorUrl: emu.url, clock: { now: () => now } });
  const orgs = server.demo!.organizations;
  const emulator = async (path: string, body: unknown) => {
    const response = await fetch(`${emu.url}/_emulator${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`emulator ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  };
  return {
    emu,
    server,
    orgs,
    provider: await loginAs(server.url, 'admin@demo-distributor.test'),
    resellerA: await loginAs(server.url, 'admin@reseller-a.test'),
    resellerASub: await loginAs(server.url, 'admin@reseller-a-sub.test'),
    resellerB: await loginAs(server.url, 'admin@reseller-b.test'),
    customerA: await loginAs(server.url, 'admin@customer-a.test'),
    customerB: await loginAs(server.url, 'admin@customer-b.test'),
    customerD: await loginAs(server.url, 'admin@customer-d.test'),
    async setNow(iso: string) {
      now = new Date(iso);
      await emulator('/clock', { set: iso });
    },
    emulator,
    async close() {
      await server.close();
      await emu.close();
    },
  };
}

export const CATALOG_TABLES = [
  'catalog_products',
  'catalog_skus',
  'catalog_offers',
  'catalog_prices',
  'catalog_meters',
  'catalog_meter_prices',
  'catalog_changes',
  'audit_log',
] as const;

/** Row counts of the catalog tables (and the audit log), to prove what a sync wrote. */
export async function rowCounts(
  server: TestServer,
): Promise<Record<(typeof CATALOG_TABLES)[number], number>> {
  const out = {} as Record<(typeof CATALOG_TABLES)[number], number>;
  for (const table of CATALOG_TABLES) {
    const { rows } = await sql<{ n: string }>`SELECT count(*)::text AS n FROM ${sql.table(table)}`.execute(
      server.deps.database.db,
    );
    out[table] = Number(rows[0]!.n);
  }
  return out;
}

export interface SyncResult {
  syncId: string | null;
  initial: boolean;
  written: number;
  markets: string[];
  changes: Record<string, number>;
  read: { products: number; skus: number; offers: number; priceSeries: number; meters: number };
  warnings: string[];
}

export async function sync(caller: Caller): Promise<SyncResult> {
  const response = await caller.post('/api/v1/catalog/sync');
  if (response.status !== 200) throw new Error(`sync: ${response.status} ${await response.text()}`);
  return json<SyncResult>(response);
}

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}
