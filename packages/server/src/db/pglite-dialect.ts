import type { PGlite, Results, Transaction } from '@electric-sql/pglite';
import {
  type CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';

/**
 * Kysely dialect for an embedded PGlite instance.
 *
 * PGlite is a single PostgreSQL session. Its `query()` waits for its own transaction lock, so a
 * Kysely transaction runs inside `pglite.transaction()`: while it is open, every other user of the
 * instance (other Kysely calls, pg-boss) waits instead of slipping into it. Code inside a
 * transaction must therefore use the transaction object, never the outer `db` (that would wait for
 * itself) — the same rule that keeps code correct on a connection pool.
 */
export class PGliteDialect implements Dialect {
  readonly #pglite: PGlite;

  constructor(pglite: PGlite) {
    this.#pglite = pglite;
  }

  createAdapter() {
    return new PostgresAdapter();
  }

  createDriver(): Driver {
    return new PGliteDriver(this.#pglite);
  }

  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }

  // biome-ignore lint/suspicious/noExplicitAny: Kysely's introspector takes any database shape
  createIntrospector(db: Kysely<any>) {
    return new PostgresIntrospector(db);
  }
}

class PGliteDriver implements Driver {
  readonly #pglite: PGlite;

  constructor(pglite: PGlite) {
    this.#pglite = pglite;
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    return new PGliteConnection(this.#pglite);
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    await (connection as PGliteConnection).begin(settings);
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as PGliteConnection).end('commit');
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as PGliteConnection).end('rollback');
  }

  async releaseConnection(): Promise<void> {}

  async destroy(): Promise<void> {}
}

type Ending = 'commit' | 'rollback';

class PGliteConnection implements DatabaseConnection {
  readonly #pglite: PGlite;
  #tx: Transaction | null = null;
  #finish: ((ending: Ending) => void) | null = null;
  #done: Promise<unknown> | null = null;

  constructor(pglite: PGlite) {
    this.#pglite = pglite;
  }

  async begin(settings: TransactionSettings): Promise<void> {
    let started!: () => void;
    const ready = new Promise<void>((resolve) => {
      started = resolve;
    });
    this.#done = this.#pglite.transaction(async (tx) => {
      this.#tx = tx;
      if (settings.isolationLevel) {
        await tx.query(`SET TRANSACTION ISOLATION LEVEL ${settings.isolationLevel.toUpperCase()}`);
      }
      const ending = await new Promise<Ending>((resolve) => {
        this.#finish = resolve;
        started();
      });
      if (ending === 'rollback') await tx.rollback();
    });
    // If BEGIN itself fails, `ready` never resolves: surface that failure instead of hanging.
    await Promise.race([ready, this.#done]);
  }

  async end(ending: Ending): Promise<void> {
    const finish = this.#finish;
    const done = this.#done;
    this.#tx = null;
    this.#finish = null;
    this.#done = null;
    finish?.(ending);
    // A failed rollback has nothing to add to the error that caused it; a failed commit does.
    if (ending === 'rollback') await done?.catch(() => undefined);
    else await done;
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const target = this.#tx ?? this.#pglite;
    const parameters = compiledQuery.parameters as unknown[];
    const result: Results<R> = await target.query<R>(compiledQuery.sql, parameters, {
      rowMode: 'object',
    });
    const kind = compiledQuery.query.kind;
    const changesRows =
      kind === 'InsertQueryNode' ||
      kind === 'UpdateQueryNode' ||
      kind === 'DeleteQueryNode' ||
      kind === 'MergeQueryNode';
    return {
      rows: result.rows,
      ...(changesRows && result.affectedRows !== undefined
        ? { numAffectedRows: BigInt(result.affectedRows) }
        : {}),
    };
  }

  // biome-ignore lint/correctness/useYield: streaming is not offered by PGlite
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('PGlite does not support streaming queries; page with keyset queries instead.');
  }
}
