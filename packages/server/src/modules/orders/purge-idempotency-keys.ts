import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { purgeRequestIdempotencyKeys } from '../../http/idempotency.ts';

/**
 * Drops Idempotency-Keys past their 24 hours (the orders they point to stay), and those of
 * payments and credit notes (http/idempotency.ts).
 */
export async function purgeIdempotencyKeys(db: Kysely<Database>, now: Date): Promise<number> {
  const result = await db.deleteFrom('idempotency_keys').where('expires_at', '<', now).executeTakeFirst();
  return Number(result.numDeletedRows) + (await purgeRequestIdempotencyKeys(db, now));
}
