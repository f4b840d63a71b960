import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../packages/server/src/db/database.ts';
import { migrate } from '../../packages/server/src/db/migrate.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteSnapshot: string | null;
    pgTemplateUrl: string | null;
  }
}

/**
 * Prepares one migrated database per test run, which every test file then copies: on PostgreSQL a
 * template database (CREATE DATABASE … TEMPLATE), on PGlite a data-dir dump. A copy takes well
 * under a second instead of migrating from scratch in every file.
 */
export default async function setup(project: TestProject) {
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    // Each vitest project runs this setup; a template name of its own keeps them from dropping
    // each other's template while it is being migrated or copied.
    const templateUrl = withDatabase(url, `${databaseName(url)}_tpl_${randomBytes(3).toString('hex')}`);
    await recreateDatabase(url, databaseName(templateUrl));
    const handle = await openDatabase({ databaseUrl: templateUrl, dataDir: null });
    await migrate(handle);
    await handle.close();
    project.provide('pgTemplateUrl', templateUrl);
    project.provide('pgliteSnapshot', null);
    return async () => {
      await dropDatabase(url, databaseName(templateUrl));
    };
  }
  const dir = await mkdtemp(join(tmpdir(), 'cspc-test-'));
  const handle = await openDatabase({ databaseUrl: null, dataDir: null });
  await migrate(handle);
  const dump = await handle.pglite!.dumpDataDir('none');
  const file = join(dir, 'snapshot.tar');
  await writeFile(file, Buffer.from(await dump.arrayBuffer()));
  await handle.close();
  project.provide('pgliteSnapshot', file);
  project.provide('pgTemplateUrl', null);
  return async () => {
    await rm(dir, { recursive: true, force: true });
  };
}

export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
}

export function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(name)}`;
  return parsed.toString();
}

async function adminQuery(url: string, statement: string) {
  const client = new pg.Client({ connectionString: withDatabase(url, 'postgres') });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

export async function recreateDatabase(url: string, name: string, template?: string) {
  await adminQuery(url, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  // Copying a template needs it to have no sessions; a backend that just disconnected, or a
  // parallel test file copying the same template, holds it for a moment — so try again.
  for (let attempt = 1; ; attempt += 1) {
    try {
      await adminQuery(url, `CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ''}`);
      return;
    } catch (error) {
      const busy = error instanceof Error && error.message.includes('is being accessed by other users');
      if (!busy || attempt >= 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200));
    }
  }
}

export async function dropDatabase(url: string, name: string) {
  await adminQuery(url, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}
