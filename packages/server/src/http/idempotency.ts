import { createHash } from 'node:crypto';
import type { Generated, Kysely } from 'kysely';
import type { Scope } from '../auth/scope.ts';
import type { Database } from '../db/schema.ts';
import { canonicalJson } from '../modules/catalog/catalog-model.ts';
import { AppError, badRequest } from './errors.ts';

/**
 * `Idempotency-Key` for POSTs that create money (payments, credit notes), the same contract as
 * `POST /orders` (modules/orders/create-order.ts): the first request claims (organisation,
 * operation, key) with the hash of its request at the start of its own transaction and records the
 * id of what it created before committing. A repeat with the same key and request returns that
 * resource (`replayed`), another request with the key is refused (422 `idempotency_key_reused`).
 * A concurrent repeat waits on the claimed row and then replays. A request that fails rolls its
 * claim back, so a retry runs again. Keys are kept 24 hours (migrations/0009).
 */

export const REQUEST_IDEMPOTENCY_HOURS = 24;

interface RequestIdempotencyKeysTable {
  organization_id: string;
  operation: string;
  key: string;
  request_hash: string;
  resource_id: string | null;
  created_at: Generated<Date>;
  expires_at: Date;
}

type Db = Kysely<Database>;
const keysOf = (db: Db) => db.withTables<{ request_idempotency_keys: RequestIdempotencyKeysTable }>();

/** What a creating function calls inside its transaction: first `claim`, then `created`. */
export interface IdempotencyHooks {
  claim(trx: Db): Promise<void>;
  created(trx: Db, resourceId: string): Promise<void>;
}

export interface IdempotentResult<T> {
  result: T;
  replayed: boolean;
}

class Replay extends AppError {
  constructor() {
    super(
      'idempotency_key_in_use',
      409,
      'A request with this Idempotency-Key is still running. Retry shortly.',
    );
  }
}

/** The header's value, checked: 1 to 200 characters; undefined when absent. */
export function idempotencyKeyOf(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const key = (Array.isArray(header) ? header[0] : header)?.trim() ?? '';
  if (key.length === 0 || key.length > 200) {
    throw badRequest('invalid_idempotency_key', 'Idempotency-Key: 1 to 200 characters.');
  }
  return key;
}

async function earlier(db: Db, scope: Scope, operation: string, key: string, hash: string, now: Date) {
  const row = await keysOf(db)
    .selectFrom('request_idempotency_keys')
    .select(['request_hash', 'resource_id'])
    .where('organization_id', '=', scope.organizationId)
    .where('operation', '=', operation)
    .where('key', '=', key)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  if (!row?.resource_id) return null;
  if (row.request_hash !== hash) {
    throw new AppError(
      'idempotency_key_reused',
      422,
      'This Idempotency-Key was already used for a different request. Use a new key for a new request.',
      { resourceId: row.resource_id },
    );
  }
  return row.resource_id;
}

/**
 * Runs `create` once per (organisation, operation, key): `create` gets the hooks to call in its
 * transaction; `load` reads what an earlier request created. Without a key, `create` just runs.
 */
export async function idempotent<T>(
  db: Db,
  scope: Scope,
  input: { key: string | undefined; operation: string; request: unknown; now: Date },
  create: (hooks: IdempotencyHooks | undefined) => Promise<T>,
  load: (resourceId: string) => Promise<T>,
): Promise<IdempotentResult<T>> {
  const { key, operation, now } = input;
  if (!key) return { result: await create(undefined), replayed: false };
  const hash = createHash('sha256').update(canonicalJson(input.request)).digest('hex');
  const found = await earlier(db, scope, operation, key, hash, now);
  if (found) return { result: await load(found), replayed: true };
  const expiresAt = new Date(now.getTime() + REQUEST_IDEMPOTENCY_HOURS * 3_600_000);
  const hooks: IdempotencyHooks = {
    async claim(trx) {
      const claimed = await keysOf(trx)
        .insertInto('request_idempotency_keys')
        .values({
          organization_id: scope.organizationId,
          operation,
          key,
          request_hash: hash,
          resource_id: null,
          expires_at: expiresAt,
        })
        .onConflict((oc) =>
          oc
            .columns(['organization_id', 'operation', 'key'])
            .doUpdateSet({ request_hash: hash, resource_id: null, expires_at: expiresAt })
            .where('request_idempotency_keys.expires_at', '<=', now),
        )
        .returning('key')
        .executeTakeFirst();
      // Another request holds the key (committed while we waited): theirs is the result.
      if (!claimed) throw new Replay();
    },
    async created(trx, resourceId) {
      await keysOf(trx)
        .updateTable('request_idempotency_keys')
        .set({ resource_id: resourceId })
        .where('organization_id', '=', scope.organizationId)
        .where('operation', '=', operation)
        .where('key', '=', key)
        .execute();
    },
  };
  try {
    return { result: await create(hooks), replayed: false };
  } catch (error) {
    if (!(error instanceof Replay)) throw error;
    const resourceId = await earlier(db, scope, operation, key, hash, now);
    if (!resourceId) throw error;
    return { result: await load(resourceId), replayed: true };
  }
}

/** Drops keys past their 24 hours (the resources stay). */
export async function purgeRequestIdempotencyKeys(db: Db, now: Date): Promise<number> {
  const result = await keysOf(db)
    .deleteFrom('request_idempotency_keys')
    .where('expires_at', '<', now)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
