import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { inject } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../../packages/server/src/db/database.ts';
import { databaseName, dropDatabase, recreateDatabase, withDatabase } from './global-setup.ts';

/**
 * A private, migrated database for one test file: a copy of the run's template database on
 * PostgreSQL (TEST_DATABASE_URL set), or a PGlite instance loaded from the run's snapshot.
 */
export async function openTestDatabase(): Promise<DatabaseHandle> {
  const templateUrl = inject('pgTemplateUrl');
  if (templateUrl) {
    const name = `${databaseName(templateUrl).replace(/_tpl_\w+$/, '')}_${randomBytes(4).toString('hex')}`;
    await recreateDatabase(templateUrl, name, databaseName(templateUrl));
    const url = withDatabase(templateUrl, name);
    const handle = await openDatabase({ databaseUrl: url, dataDir: null, poolSize: 5 });
    return {
      ...handle,
      url,
      async close() {
        await handle.close();
        await dropDatabase(templateUrl, name);
      },
    };
  }
  const snapshot = inject('pgliteSnapshot');
  if (!snapshot)
    throw new Error('The test database snapshot is missing: run tests through vitest (global setup).');
  const loadDataDir = new Blob([await readFile(snapshot)]);
  return openDatabase({ databaseUrl: null, dataDir: null, loadDataDir });
}

export const onPostgres = () => Boolean(inject('pgTemplateUrl'));
