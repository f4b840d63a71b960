import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Transaction } from '@electric-sql/pglite';
import {
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
  CompiledQuery as RawQuery,
} from 'kysely';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { DatabaseHandle } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';

/**
 * One database session in one transaction, the same for every engine, for the bulk work of usage
 * imports and re-rating: raw SQL, bulk loading of CSV into a table, and a Kysely bound to the same
 * transaction (for typed queries and the audit log).
 *
 * - PostgreSQL: one pooled client, BEGIN … COMMIT, `COPY … FROM STDIN` through pg-copy-streams.
 * - PGlite: inside `pglite.transaction()` (which holds PGlite's lock: the single session is ours
 *   until commit), `COPY … FROM '/dev/blob'` in Blobs of a few MiB so memory stays flat.
 * - Any other Kysely (the fallback, e.g. the demo seed, which holds only a Kysely): a Kysely
 *   transaction and batched multi-row INSERTs.
 */
export interface UsageSession {
  readonly engine: 'postgres' | 'pglite' | 'insert';
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  /** Runs a statement and returns the number of rows it affected. */
  execute(sql: string, params?: readonly unknown[]): Promise<number>;
  /** Loads CSV (FORMAT csv, no header) into `table (columns)`. */
  copyIn(
    table: string,
    columns: readonly string[],
    chunks: AsyncIterable<Buffer>,
    options?: CopyOptions,
  ): Promise<void>;
  /** A Kysely bound to this session's transaction. Never use the application's `db` meanwhile. */
  readonly db: Kysely<Database>;
  /**
   * For reads of committed data while a COPY of this session streams (its connection is busy then):
   * another pooled connection on PostgreSQL, the session itself elsewhere (PGlite and the fallback
   * run statements only between the chunks they load).
   */
  readonly side: { db: Kysely<Database>; query<R>(sql: string, params?: readonly unknown[]): Promise<R[]> };
}

export interface CopyOptions {
  signal?: AbortSignal;
  /** Columns whose quoted empty strings load as NULL (COPY's FORCE_NULL), e.g. numeric ones. */
  forceNull?: readonly string[];
  /** Columns whose unquoted empty values load as '' instead of NULL (COPY's FORCE_NOT_NULL). */
  forceNotNull?: readonly string[];
}

function copyStatement(table: string, columns: readonly string[], source: string, options: CopyOptions) {
  const forceNull = options.forceNull?.length ? `, FORCE_NULL (${options.forceNull.join(', ')})` : '';
  const forceNotNull = options.forceNotNull?.length
    ? `, FORCE_NOT_NULL (${options.forceNotNull.join(', ')})`
    : '';
  return `COPY ${table} (${columns.join(', ')}) FROM ${source} WITH (FORMAT csv${forceNull}${forceNotNull})`;
}

export type UsageTarget = DatabaseHandle | Kysely<Database>;

function isHandle(target: UsageTarget): target is DatabaseHandle {
  return (target as DatabaseHandle).kind !== undefined && 'execScript' in target;
}

/** The Kysely of a target, for work outside a usage session. */
export function kyselyOf(target: UsageTarget): Kysely<Database> {
  return isHandle(target) ? target.db : target;
}

/** Runs `work` in one transaction on one session; rolls back when it throws. */
export async function withUsageSession<T>(
  target: UsageTarget,
  work: (session: UsageSession) => Promise<T>,
): Promise<T> {
  if (isHandle(target) && target.pool) return withPgSession(target.pool, work);
  if (isHandle(target) && target.pglite) {
    return target.pglite.transaction((tx) => work(pgliteSession(tx)));
  }
  const db = kyselyOf(target);
  return db.transaction().execute((trx) => work(insertSession(trx)));
}

type Runner = (sql: string, params: readonly unknown[]) => Promise<{ rows: unknown[]; affected: number }>;

async function withPgSession<T>(pool: pg.Pool, work: (session: UsageSession) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  // Reads beside a running COPY use a connection of their own, opened on first use and never taken
  // from the pool: imports waiting for the provider's lock may hold every pooled connection.
  const side: { client: Promise<pg.Client> | null } = { client: null };
  const sideRun: Runner = async (sql, params) => {
    side.client ??= (async () => {
      const c = new pg.Client(pool.options);
      c.on('error', () => undefined); // a dropped idle side connection fails its next query instead
      await c.connect();
      return c;
    })();
    const result = await (await side.client).query(sql, params as unknown[]);
    return { rows: result.rows, affected: result.rowCount ?? 0 };
  };
  try {
    await client.query('BEGIN');
    const run: Runner = async (sql, params) => {
      const result = await client.query(sql, params as unknown[]);
      return { rows: result.rows, affected: result.rowCount ?? 0 };
    };
    const session: UsageSession = {
      engine: 'postgres',
      ...runnerMethods(run),
      async copyIn(table, columns, chunks, options = {}) {
        const stream = client.query(copyFrom(copyStatement(table, columns, 'STDIN', options)));
        await pipeline(Readable.from(chunks), stream, options.signal ? { signal: options.signal } : {});
      },
      db: sessionKysely(run),
      side: { db: sessionKysely(sideRun), query: runnerMethods(sideRun).query },
    };
    const result = await work(session);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackError) {
      broken = rollbackError as Error;
    }
    throw error;
  } finally {
    client.release(broken);
    const opened = await side.client?.catch(() => null);
    await opened?.end().catch(() => undefined);
  }
}

/** Blobs of this size keep PGlite's COPY fast without holding the whole file in memory. */
const PGLITE_BLOB_BYTES = 8 * 1024 * 1024;

function pgliteSession(tx: Transaction): UsageSession {
  const run: Runner = async (sql, params) => {
    const result = await tx.query(sql, params as unknown[]);
    return { rows: result.rows, affected: result.affectedRows ?? 0 };
  };
  const methods = runnerMethods(run);
  const db = sessionKysely(run);
  return {
    engine: 'pglite',
    ...methods,
    async copyIn(table, columns, chunks, options = {}) {
      const signal = options.signal;
      const statement = copyStatement(table, columns, `'/dev/blob'`, options);
      let parts: Buffer[] = [];
      let size = 0;
      const flush = async () => {
        if (size === 0) return;
        // Stream chunks are Buffers over plain ArrayBuffers (never shared), which Blob accepts as is.
        const blob = new Blob(parts as Uint8Array<ArrayBuffer>[]);
        parts = [];
        size = 0;
        await tx.query(statement, [], { blob });
      };
      for await (const chunk of chunks) {
        signal?.throwIfAborted();
        // Copied: the producer may reuse its buffers once it yields the next one.
        parts.push(Buffer.from(chunk));
        size += chunk.length;
        if (size >= PGLITE_BLOB_BYTES) await flush();
      }
      signal?.throwIfAborted();
      await flush();
    },
    db,
    side: { db, query: methods.query },
  };
}

function insertSession(trx: Kysely<Database>): UsageSession {
  const run: Runner = async (sql, params) => {
    const result = await trx.executeQuery(RawQuery.raw(sql, params as unknown[]));
    return { rows: result.rows as unknown[], affected: Number(result.numAffectedRows ?? 0n) };
  };
  const methods = runnerMethods(run);
  return {
    engine: 'insert',
    ...methods,
    async copyIn(table, columns, chunks, options = {}) {
      const signal = options.signal;
      const forceNull = new Set((options.forceNull ?? []).map((c) => columns.indexOf(c)));
      const forceNotNull = new Set((options.forceNotNull ?? []).map((c) => columns.indexOf(c)));
      // Rows are parsed back from the CSV the scanner produced (well-formed by construction) and
      // inserted as literal VALUES in statements of about 1 MiB: bind parameters by the thousand
      // are far slower than PostgreSQL's own parser, and quoting makes literals safe (quotes are
      // doubled; standard_conforming_strings keeps backslashes literal; NUL never gets here).
      let tuples: string[] = [];
      let size = 0;
      const flush = async () => {
        if (tuples.length === 0) return;
        const statement = `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`;
        tuples = [];
        size = 0;
        await run(statement, []);
      };
      for await (const row of csvRows(chunks)) {
        signal?.throwIfAborted();
        if (row.length !== columns.length) {
          throw new Error(`Internal: a staged row has ${row.length} fields, expected ${columns.length}`);
        }
        const literals = row.map((value, i) =>
          value === null
            ? forceNotNull.has(i)
              ? `''`
              : 'NULL'
            : value === '' && forceNull.has(i)
              ? 'NULL'
              : `'${value.replace(/'/g, "''")}'`,
        );
        const tuple = `(${literals.join(', ')})`;
        tuples.push(tuple);
        size += tuple.length;
        if (size >= 1024 * 1024) await flush();
      }
      signal?.throwIfAborted();
      await flush();
    },
    db: trx,
    side: { db: trx, query: methods.query },
  };
}

function runnerMethods(run: Runner) {
  return {
    async query<R = Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
      return (await run(sql, params)).rows as R[];
    },
    async execute(sql: string, params: readonly unknown[] = []): Promise<number> {
      return (await run(sql, params)).affected;
    },
  };
}

/**
 * Parses COPY-style CSV (FORMAT csv: an unquoted empty field is NULL, a quoted one is '') into
 * rows, streaming over chunk boundaries.
 */
export async function* csvRows(chunks: AsyncIterable<Buffer>): AsyncGenerator<(string | null)[]> {
  let carry = '';
  for await (const chunk of chunks) {
    const text = carry + chunk.toString('utf8');
    let start = 0;
    let inQuote = false;
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (ch === 34) inQuote = !inQuote;
      else if (ch === 10 && !inQuote) {
        yield parseCsvLine(text.slice(start, i));
        start = i + 1;
      }
    }
    carry = text.slice(start);
  }
  if (carry !== '') yield parseCsvLine(carry);
}

function parseCsvLine(line: string): (string | null)[] {
  const out: (string | null)[] = [];
  let i = 0;
  for (;;) {
    if (line.charCodeAt(i) === 34) {
      let value = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) throw new Error('Internal: unterminated quote in staged CSV');
        value += line.slice(i, q);
        if (line.charCodeAt(q + 1) === 34) {
          value += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      // Text after a closing quote belongs to the same field (PostgreSQL's rule).
      const comma = line.indexOf(',', i);
      const rest = comma < 0 ? line.slice(i) : line.slice(i, comma);
      out.push(value + rest.replace(/"/g, ''));
      if (comma < 0) return out;
      i = comma + 1;
    } else {
      const comma = line.indexOf(',', i);
      const value = comma < 0 ? line.slice(i) : line.slice(i, comma);
      out.push(value === '' ? null : value);
      if (comma < 0) return out;
      i = comma + 1;
    }
  }
}

/** A Kysely whose every query runs through `run` (the session's transaction). */
function sessionKysely(run: Runner): Kysely<Database> {
  const connection: DatabaseConnection = {
    async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
      const { rows, affected } = await run(compiled.sql, compiled.parameters);
      const kind = compiled.query.kind;
      const changes =
        kind === 'InsertQueryNode' ||
        kind === 'UpdateQueryNode' ||
        kind === 'DeleteQueryNode' ||
        kind === 'MergeQueryNode';
      return { rows: rows as R[], ...(changes ? { numAffectedRows: BigInt(affected) } : {}) };
    },
    // biome-ignore lint/correctness/useYield: streaming is not offered inside a usage session
    async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
      throw new Error('Streaming is not available inside a usage session.');
    },
  };
  const driver: Driver = {
    async init() {},
    async acquireConnection() {
      return connection;
    },
    async beginTransaction() {
      throw new Error('A usage session is already one transaction.');
    },
    async commitTransaction() {},
    async rollbackTransaction() {},
    async releaseConnection() {},
    async destroy() {},
  };
  return new Kysely<Database>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => driver,
      createQueryCompiler: () => new PostgresQueryCompiler(),
      // biome-ignore lint/suspicious/noExplicitAny: Kysely's introspector takes any database shape
      createIntrospector: (db: Kysely<any>) => new PostgresIntrospector(db),
    },
  });
}
