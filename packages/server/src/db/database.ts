import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { PGliteDialect } from './pglite-dialect.ts';
import type { Database } from './schema.ts';

export type Db = Kysely<Database>;

/**
 * One database handle for either engine. Types are normalised so repositories see the same values
 * on both: int8 and numeric as strings (exact), date as 'YYYY-MM-DD', timestamptz as Date.
 */
export interface DatabaseHandle {
  readonly kind: 'postgres' | 'pglite';
  readonly db: Db;
  /** The PostgreSQL connection string (null for PGlite); pg-boss opens its own pool with it. */
  readonly url: string | null;
  /** A parameterless SQL script that may hold several statements (migrations); rolled back on error. */
  execScript(sql: string): Promise<void>;
  /** The PGlite instance when embedded (pg-boss and bulk loads use it directly). */
  readonly pglite: PGlite | null;
  /** The pg pool when on PostgreSQL (COPY streams take a client from it). */
  readonly pool: pg.Pool | null;
  close(): Promise<void>;
}

const INT8 = 20;
const NUMERIC = 1700;
const DATE = 1082;
const keepText = (value: string) => value;

const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8 || oid === NUMERIC || oid === DATE) return keepText;
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

export interface OpenOptions {
  databaseUrl: string | null;
  /** PGlite data directory; null keeps the database in memory (tests with small data only). */
  dataDir: string | null;
  /** A PGlite data-dir dump (tar) to start from: a migrated snapshot makes test setup fast. */
  loadDataDir?: Blob;
  poolSize?: number;
}

export async function openDatabase(options: OpenOptions): Promise<DatabaseHandle> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      types: pgTypes,
    });
    // An idle pooled connection can be terminated by the server (restart, failover, a dropped
    // database); pg reports that on the pool, and an unhandled 'error' event would end the process.
    // The pool discards the client and opens a new one on the next query, so a warning is enough.
    pool.on('error', (error) => {
      process.emitWarning(`PostgreSQL closed an idle connection: ${error.message}`, { code: 'CSPC_PG_IDLE' });
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return {
      kind: 'postgres',
      db,
      url: options.databaseUrl,
      pglite: null,
      pool,
      async execScript(sql) {
        // One client for the whole script, so a failure inside an explicit BEGIN is rolled back on
        // the connection that holds it instead of going back to the pool aborted.
        const client = await pool.connect();
        try {
          await client.query(sql);
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw error;
        } finally {
          client.release();
        }
      },
      async close() {
        await db.destroy();
      },
    };
  }

  const pglite = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    parsers: { [INT8]: keepText, [NUMERIC]: keepText, [DATE]: keepText },
  });
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  return {
    kind: 'pglite',
    db,
    url: null,
    pglite,
    pool: null,
    async execScript(sql) {
      try {
        await pglite.exec(sql);
      } catch (error) {
        // PGlite is one session: a failure inside the script's BEGIN leaves it aborted for everyone.
        await pglite.exec('ROLLBACK').catch(() => undefined);
        throw error;
      }
    },
    async close() {
      await db.destroy();
      await pglite.close();
    },
  };
}
