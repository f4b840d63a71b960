import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/schema.ts';

/** Marks drafts and sent quotes past their validity as expired (reads already show them so). */
export async function expireQuotes(db: Kysely<Database>, now: Date): Promise<number> {
  const today = now.toISOString().slice(0, 10);
  const result = await db
    .updateTable('quotes')
    .set({ status: 'expired', updated_at: sql`now()` })
    .where('status', 'in', ['draft', 'sent'])
    .where('valid_until', '<', today)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
