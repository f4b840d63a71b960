import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CUSTOMERS, csvText, rowsFor } from './support.ts';

// `cspc usage import FILE.csv` as an operator runs it: its own process over an embedded database
// (DATA_DIR; the CLI's path is the same on PostgreSQL), a progress bar on stderr, the counts and the
// quarantined rows by file and line on stdout.

const run = promisify(execFile);
let dir: string;

function cspc(...args: string[]) {
  return run(process.execPath, ['packages/server/bin/cspc.js', ...args], {
    env: { ...process.env, DATA_DIR: dir, DATABASE_URL: '', NODE_ENV: 'test' },
    timeout: 120_000,
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cspc-usage-cli-'));
  await cspc('migrate');
  await cspc('seed', 'demo');
}, 240_000);
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('cspc usage import', () => {
  it('imports a reconciliation file with a progress bar and lists the quarantined rows by line', async () => {
    const rows = rowsFor([CUSTOMERS.b], '2024-05-01', 2);
    const lines = (await csvText(rows)).trimEnd().split('\r\n');
    lines.splice(2, 0, 'not,a,usage,line');
    const file = join(dir, 'recon-may.csv');
    await writeFile(file, `${lines.join('\r\n')}\r\n`);
    const { stdout, stderr } = await cspc('usage', 'import', file);
    expect(stderr).toMatch(/rows\/s {2}ETA/);
    expect(stderr).toMatch(new RegExp(`done: ${rows.length + 1} rows`));
    expect(stdout).toContain(
      `recon-may.csv: ${rows.length + 1} rows read — ${rows.length} loaded, 0 replaced, 0 unchanged`,
    );
    expect(stdout).toContain('1 quarantined');
    expect(stdout).toContain('recon-may.csv:3  column_count  Expected 52 columns as in the header, found 4.');
    expect(stdout).toMatch(/GET \/api\/v1\/usage\/imports\/[0-9a-f-]{36}\/quarantine/);
    // Again: nothing changes.
    const again = await cspc('usage', 'import', file);
    expect(again.stdout).toContain(`0 loaded, 0 replaced, ${rows.length} unchanged`);
  }, 240_000);
});
