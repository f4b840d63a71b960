import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyChunksOf, Spool } from './spool.ts';

async function all(rows: AsyncIterable<Buffer>): Promise<string[]> {
  const out: string[] = [];
  for await (const row of rows) out.push(row.toString('utf8'));
  return out;
}

describe('spool', () => {
  it('gives back rows whole and in order from memory', async () => {
    const spool = new Spool();
    const rows = ['a,b\n', '"multi\nline",x\n', '日本語,y\n'];
    for (const r of rows.slice(0, 2)) spool.write(Buffer.from(r));
    spool.writeText(rows[2]!); // multi-byte text, measured in bytes
    expect(spool.rows).toBe(3);
    expect(await all(spool.read())).toEqual(rows);
    spool.close();
  });

  it('spills to a temporary file past its block and removes it on close', async () => {
    const spoolDirs = () => new Set(readdirSync(tmpdir()).filter((f) => f.startsWith('cspc-usage-')));
    const before = spoolDirs();
    const spool = new Spool();
    const row = (i: number) => `${i},${'x'.repeat(8000 + (i % 97))}\n`;
    const count = 2_500; // ≈ 20 MB: more than two blocks
    for (let i = 0; i < count; i++) spool.write(Buffer.from(row(i)));
    const created = [...spoolDirs()].filter((d) => !before.has(d));
    expect(created.length).toBeGreaterThan(0);
    let n = 0;
    let wrong = 0;
    for await (const r of spool.read()) {
      if (r.toString('utf8') !== row(n)) wrong += 1;
      n += 1;
    }
    expect({ n, wrong }).toEqual({ n: count, wrong: 0 });
    spool.close();
    expect(created.filter((d) => existsSync(join(tmpdir(), d)))).toEqual([]);
  }, 30_000);

  it('packs kept rows into COPY chunks', async () => {
    const spool = new Spool();
    for (const r of ['k1,a\n', 'drop,b\n', 'k2,c\n']) spool.write(Buffer.from(r));
    const chunks = await all(copyChunksOf(spool.read(), (r) => !r.toString().startsWith('drop'), 4));
    expect(chunks.join('')).toBe('k1,a\nk2,c\n');
    spool.close();
  });
});
