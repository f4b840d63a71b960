import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../../packages/server/src/db/database.ts';
import { migrate } from '../../packages/server/src/db/migrate.ts';
import { type JobDefinition, JobRunner } from '../../packages/server/src/jobs/job-runner.ts';
import { onPostgres, openTestDatabase } from '../support/test-db.ts';

const silent = { info() {}, error() {} };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Records each execution in a table, so "ran exactly once" is read from the database itself. */
function recordingJob(database: DatabaseHandle): JobDefinition<{ label: string }> {
  return {
    name: 'test.record-run',
    retryLimit: 0,
    async run(data, job) {
      await sql`INSERT INTO job_runs (label, job_id) VALUES (${data.label}, ${job.id})`.execute(database.db);
    },
  };
}

async function runsOf(database: DatabaseHandle, label: string) {
  const { rows } = await sql<{
    n: string;
  }>`SELECT count(*)::text AS n FROM job_runs WHERE label = ${label}`.execute(database.db);
  return Number(rows[0]!.n);
}

async function waitFor(predicate: () => Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await predicate()) return;
    await sleep(200);
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}

describe('future-dated jobs survive a restart and run once', () => {
  let dir: string;
  let database: DatabaseHandle;

  // PGlite runs from a data dir here, so "restart" really closes and reopens the database files.
  const reopen = async () => {
    if (onPostgres()) return database;
    await database.close();
    database = await openDatabase({ databaseUrl: null, dataDir: join(dir, 'pglite') });
    return database;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cspc-jobs-'));
    database = onPostgres()
      ? await openTestDatabase()
      : await openDatabase({ databaseUrl: null, dataDir: join(dir, 'pglite') });
    await migrate(database);
    await sql`CREATE TABLE job_runs (label text NOT NULL, job_id uuid NOT NULL UNIQUE, at timestamptz DEFAULT now())`.execute(
      database.db,
    );
  });
  afterAll(async () => {
    await database?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('runs a job scheduled before a restart exactly once, after the restart, not before its time', async () => {
    const first = new JobRunner(database, [recordingJob(database)], silent, { pollingIntervalSeconds: 0.5 });
    await first.start({ work: false });
    const startAfter = new Date(Date.now() + 4_000);
    const jobId = await first.send('test.record-run', { label: 'restart' }, { startAfter });
    expect(jobId).toBeTruthy();
    await first.stop();

    const reopened = await reopen();
    const second = new JobRunner(reopened, [recordingJob(reopened)], silent, { pollingIntervalSeconds: 0.5 });
    await second.start({ work: true });
    try {
      expect(await runsOf(reopened, 'restart')).toBe(0);
      await waitFor(async () => (await runsOf(reopened, 'restart')) === 1, 20_000);
      const { rows } = await sql<{ at: Date }>`SELECT at FROM job_runs WHERE label = 'restart'`.execute(
        reopened.db,
      );
      expect(rows[0]!.at.getTime()).toBeGreaterThanOrEqual(startAfter.getTime());
      // Give a duplicate every chance to show up.
      await sleep(2_500);
      expect(await runsOf(reopened, 'restart')).toBe(1);
      const job = await second.getJob('test.record-run', jobId!);
      expect(job?.state).toBe('completed');
    } finally {
      await second.stop();
    }
  });

  it('keeps one queued job per singleton key', async () => {
    const deduped = { ...recordingJob(database), name: 'test.record-once', policy: 'short' as const };
    const runner = new JobRunner(database, [deduped], silent, { pollingIntervalSeconds: 0.5 });
    await runner.start({ work: false });
    try {
      const startAfter = new Date(Date.now() + 60_000);
      const a = await runner.send(
        'test.record-once',
        { label: 'single' },
        { startAfter, singletonKey: 'order-42' },
      );
      const b = await runner.send(
        'test.record-once',
        { label: 'single' },
        { startAfter, singletonKey: 'order-42' },
      );
      expect(a).toBeTruthy();
      expect(b).toBeNull();
    } finally {
      await runner.stop();
    }
  });

  it('refuses an unknown job name', async () => {
    const runner = new JobRunner(database, [], silent);
    await expect(runner.send('nope', {})).rejects.toThrow('Unknown job "nope".');
  });
});
