import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { RequestLedger, RequestOutcome } from './idempotency.ts';

/**
 * The MS-RequestId ledger in the database. `reserve` is one atomic upsert: a pending or succeeded
 * operation keeps its id (so Microsoft deduplicates the retry), a failed one gets a fresh id.
 * Committed on its own before the call goes out, so a crash after the call still finds the id.
 */
export class DatabaseRequestLedger implements RequestLedger {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async reserve(operationKey: string): Promise<string> {
    const fresh = randomUUID();
    const row = await this.#db
      .insertInto('partner_center_requests')
      .values({ operation_key: operationKey, request_id: fresh, state: 'pending' })
      .onConflict((oc) =>
        oc.column('operation_key').doUpdateSet({
          request_id: sql`CASE WHEN partner_center_requests.state = 'failed' THEN excluded.request_id ELSE partner_center_requests.request_id END`,
          state: sql`CASE WHEN partner_center_requests.state = 'failed' THEN 'pending' ELSE partner_center_requests.state END`,
          updated_at: sql`now()`,
        }),
      )
      .returning('request_id')
      .executeTakeFirstOrThrow();
    return row.request_id;
  }

  async complete(operationKey: string, outcome: RequestOutcome): Promise<void> {
    await this.#db
      .updateTable('partner_center_requests')
      .set({
        state: outcome.status,
        http_status: outcome.httpStatus,
        error_code: outcome.status === 'failed' && outcome.code !== undefined ? String(outcome.code) : null,
        updated_at: sql`now()`,
      })
      .where('operation_key', '=', operationKey)
      .execute();
  }
}
