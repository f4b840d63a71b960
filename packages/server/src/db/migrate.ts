import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { DatabaseHandle } from './database.ts';

const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

export interface MigrationResult {
  applied: string[];
  alreadyApplied: number;
}

/**
 * Applies the versioned `.sql` files in `packages/server/migrations` in name order, each in its own
 * transaction, recording them in `schema_migrations`. An advisory lock keeps two processes starting
 * at once from applying the same file twice.
 */
export async function migrate(handle: DatabaseHandle, dir = MIGRATIONS_DIR): Promise<MigrationResult> {
  const files = (await readdir(dir)).filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f)).sort();
  await handle.execScript(`
    CREATE TABLE IF NOT EXISTS schema_migrations (
      name text PRIMARY KEY,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
  const applied: string[] = [];
  let alreadyApplied = 0;
  for (const file of files) {
    const sql = await readFile(`${dir}/${file}`, 'utf8');
    const name = file.replace(/\.sql$/, '');
    const escaped = name.replace(/'/g, "''");
    // One script per migration: lock, check, apply, record — atomically.
    const script = `
      BEGIN;
      SELECT pg_advisory_xact_lock(7218364501);
      DO $$ BEGIN
        IF EXISTS (SELECT 1 FROM schema_migrations WHERE name = '${escaped}') THEN
          RAISE EXCEPTION 'already-applied';
        END IF;
      END $$;
      ${sql}
      ;
      INSERT INTO schema_migrations (name) VALUES ('${escaped}');
      COMMIT;`;
    try {
      await handle.execScript(script);
      applied.push(name);
    } catch (error) {
      if (error instanceof Error && error.message.includes('already-applied')) {
        alreadyApplied += 1;
        continue;
      }
      throw new Error(`Migration ${file} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { applied, alreadyApplied };
}
