import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../packages/server/src/db/database.ts';
import { migrate } from '../../packages/server/src/db/migrate.ts';
import { onPostgres, openTestDatabase } from '../support/test-db.ts';

describe('migrations', () => {
  it('applies nothing twice and leaves the database usable on the next start', async () => {
    if (onPostgres()) {
      const database = await openTestDatabase();
      try {
        const again = await migrate(database);
        expect(again.applied).toEqual([]);
        expect(again.alreadyApplied).toBeGreaterThan(0);
        await database.db.selectFrom('organizations').select('id').limit(1).execute();
      } finally {
        await database.close();
      }
      return;
    }
    // A data dir closed and opened again, as `npm start` does on its second start.
    const dir = await mkdtemp(join(tmpdir(), 'cspc-migrate-'));
    try {
      const first = await openDatabase({ databaseUrl: null, dataDir: dir });
      const applied = await migrate(first);
      await first.close();
      const second = await openDatabase({ databaseUrl: null, dataDir: dir });
      const again = await migrate(second);
      expect(again).toEqual({ applied: [], alreadyApplied: applied.applied.length });
      await second.db.selectFrom('organizations').select('id').limit(1).execute();
      await second.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
