import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';

/** Drops Idempotency-Keys past their 24 hours (the orders they point to stay). */
export async function purgeIdempotencyKeys(db: Kysely<Database>, now: Date): Promise<number> {
  const result = await db.deleteFrom('idempotency_keys').where('expires_at', '<', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
