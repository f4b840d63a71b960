import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../packages/server/src/db/database.ts';
import { DatabaseRequestLedger } from '../../packages/server/src/partner-center/request-ledger.repository.ts';
import { openTestDatabase } from '../support/test-db.ts';

let database: DatabaseHandle;
let ledger: DatabaseRequestLedger;

beforeAll(async () => {
  database = await openTestDatabase();
  ledger = new DatabaseRequestLedger(database.db);
});
afterAll(async () => database?.close());

describe('MS-RequestId ledger in the database', () => {
  it('keeps the id of a pending operation, so a retry after a crash reuses it', async () => {
    const first = await ledger.reserve('order-line:1');
    const again = await new DatabaseRequestLedger(database.db).reserve('order-line:1');
    expect(again).toBe(first);
    const row = await database.db
      .selectFrom('partner_center_requests')
      .selectAll()
      .where('operation_key', '=', 'order-line:1')
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ request_id: first, state: 'pending' });
  });

  it('keeps the id after success, so a repeat is deduplicated by Microsoft', async () => {
    const id = await ledger.reserve('order-line:2');
    await ledger.complete('order-line:2', { status: 'succeeded', httpStatus: 201 });
    expect(await ledger.reserve('order-line:2')).toBe(id);
  });

  it('mints a new id after a business failure', async () => {
    const id = await ledger.reserve('order-line:3');
    await ledger.complete('order-line:3', { status: 'failed', httpStatus: 400, code: 800002 });
    const row = await database.db
      .selectFrom('partner_center_requests')
      .select(['state', 'error_code', 'http_status'])
      .where('operation_key', '=', 'order-line:3')
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ state: 'failed', error_code: '800002', http_status: 400 });
    const next = await ledger.reserve('order-line:3');
    expect(next).not.toBe(id);
    expect(await ledger.reserve('order-line:3')).toBe(next);
  });

  it('gives concurrent reservations of one operation the same id', async () => {
    const ids = await Promise.all(Array.from({ length: 8 }, () => ledger.reserve('order-line:4')));
    expect(new Set(ids).size).toBe(1);
  });
});
