import { describe, expect, it } from 'vitest';
import { type RecordRouter, splitRecord, UsageCsvScanner } from './csv-scanner.ts';
import { csvRows } from './session.ts';

type Row = (string | null)[];

/**
 * A router that passes every record whole behind `<line>,,,ok,`, sets aside the lines listed in
 * `staged`, and waits once (a promise) before answering for each line listed in `waitOn`.
 */
function testRouter(
  columns: number,
  runs?: [number, number][],
  staged = new Set<number>(),
  waitOn = new Set<number>(),
) {
  const bad: Row[] = [];
  const set: Buffer[] = [];
  const router: RecordRouter = {
    keptRuns: runs ?? [[0, columns - 1]],
    route: (_record, _commas, _h1, _h2, line) => {
      if (waitOn.delete(line)) return new Promise((resolve) => setTimeout(resolve, 1));
      return { prefix: `${line},,,ok,`, staged: staged.has(line) };
    },
    stage: (row) => set.push(Buffer.from(row)),
    quarantine: (line, problem, text) =>
      bad.push([String(line), problem.reason, `${problem.message}\u001f${text}`]),
  };
  return { router, bad, set };
}

async function* chunks(text: string | Buffer, size: number) {
  const all = Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8');
  for (let i = 0; i < all.length; i += size) yield all.subarray(i, i + size);
}

async function rowsOf(data: Buffer[]): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const row of csvRows(chunks(Buffer.concat(data), 13))) rows.push(row);
  return rows;
}

async function scan(
  text: string | Buffer,
  size: number,
  options: {
    maxRecordBytes?: number;
    runs?: [number, number][];
    staged?: Set<number>;
    waitOn?: Set<number>;
  } = {},
) {
  const scanner = new UsageCsvScanner(chunks(text, size), options);
  const header = await scanner.readHeader();
  const { router, bad, set } = testRouter(
    header?.columns.length ?? 0,
    options.runs,
    options.staged,
    options.waitOn,
  );
  const out: Buffer[] = [];
  for await (const c of scanner.copyChunks(router)) out.push(Buffer.from(c));
  // Good and bad records in line order, as one list.
  const rows = [...(await rowsOf(out)), ...bad].sort((a, b) => Number(a[0]) - Number(b[0]));
  return { header, rows, counts: scanner.counts, staged: await rowsOf(set) };
}

const FILE = [
  '\uFEFFA,B,C',
  'plain,"quoted, with comma","with ""quotes"""',
  '"multi',
  'line",x,日本語',
  '',
  ',,',
  'last,row,no-newline',
].join('\r\n');

describe('usage CSV scanner', () => {
  it('passes records through with their line numbers, whatever the chunk boundaries', async () => {
    const expected = [
      ['2', null, null, 'ok', 'plain', 'quoted, with comma', 'with "quotes"'],
      ['3', null, null, 'ok', 'multi\r\nline', 'x', '日本語'],
      ['6', null, null, 'ok', null, null, null],
      ['7', null, null, 'ok', 'last', 'row', 'no-newline'],
    ];
    for (const size of [1, 2, 3, 7, 64, 4096]) {
      const { header, rows } = await scan(FILE, size);
      expect(header?.columns, `chunk ${size}`).toEqual(['A', 'B', 'C']);
      expect(rows, `chunk ${size}`).toEqual(expected);
    }
  });

  it('flags bad records with a reason and keeps going', async () => {
    const text = ['A,B,C', 'one,two', 'a,b,c', 'x,y,z,extra', 'bad\rcr,b,c', 'p,q,"never closed'].join('\n');
    for (const size of [1, 5, 1000]) {
      const { rows, counts } = await scan(text, size);
      expect(
        rows.map((r) => [r[0], r[1]]),
        `chunk ${size}`,
      ).toEqual([
        ['2', 'column_count'],
        ['3', null],
        ['4', 'column_count'],
        ['5', 'invalid_encoding'],
        ['6', 'unterminated_quote'],
      ]);
      expect(counts).toMatchObject({ records: 5, bad: 4 });
      expect(String(rows[0]![2]).split('\u001f')).toEqual([
        'Expected 3 columns as in the header, found 2.',
        'one,two',
      ]);
    }
  });

  it('refuses invalid UTF-8 and NUL bytes per record', async () => {
    const text = Buffer.concat([
      Buffer.from('A,B\n'),
      Buffer.from([0x61, 0xff, 0x2c, 0x62, 0x0a]),
      Buffer.from('a\u0000,b\nok,ok\n'),
    ]);
    const { rows } = await scan(text, 3);
    expect(rows.map((r) => r[1])).toEqual(['invalid_encoding', 'invalid_encoding', null]);
  });

  it('skips an overlong record to the next line and resumes', async () => {
    const long = `"${'x'.repeat(5000)}`; // a quote that never closes on its line
    const text = ['A,B', 'a,b', `${long},b`, 'c,d'].join('\n');
    const { rows } = await scan(text, 512, { maxRecordBytes: 2048 });
    expect(rows.map((r) => [r[0], r[1]])).toEqual([
      ['2', null],
      ['3', 'record_too_long'],
      ['4', null],
    ]);
  });

  it('copies only the kept column runs behind the router columns', async () => {
    const text = ['A,B,C,D,E', 'a,"b,1",c,"d ""q""",e', '1,2,3,4,5'].join('\n');
    for (const size of [1, 4, 100]) {
      const { rows } = await scan(text, size, {
        runs: [
          [1, 1],
          [3, 4],
        ],
      });
      expect(rows, `chunk ${size}`).toEqual([
        ['2', null, null, 'ok', 'b,1', 'd "q"', 'e'],
        ['3', null, null, 'ok', '2', '4', '5'],
      ]);
    }
  });

  it('hands set-aside rows to the router and asks again after a wait (line numbers are physical)', async () => {
    const text = ['A,B', 'a,b', '"multi\nline",x', 'c,d', 'e,f'].join('\n');
    const { rows, staged, counts } = await scan(text, 3, {
      staged: new Set([3, 6]),
      waitOn: new Set([3, 5]),
    });
    expect(rows).toEqual([
      ['2', null, null, 'ok', 'a', 'b'],
      ['5', null, null, 'ok', 'c', 'd'],
    ]);
    expect(staged).toEqual([
      ['3', null, null, 'ok', 'multi\nline', 'x'],
      ['6', null, null, 'ok', 'e', 'f'],
    ]);
    expect(counts).toMatchObject({ records: 4, bad: 0 });
  });

  it('splits a header with quoted names', () => {
    expect(splitRecord('"Customer, Id",UsageDate,"A ""b"""')).toEqual(['Customer, Id', 'UsageDate', 'A "b"']);
  });
});
