import { describe, expect, it } from 'vitest';
import { type RecordEncoder, splitRecord, UsageCsvScanner } from './csv-scanner.ts';
import { csvRows } from './session.ts';

/** An encoder that passes every record, adding one column (the record's field count). */
const passThrough: RecordEncoder = {
  prefixColumns: 1,
  encode: (_record, _commas) => 'ok,',
};

async function* chunks(text: string | Buffer, size: number) {
  const all = Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8');
  for (let i = 0; i < all.length; i += size) yield all.subarray(i, i + size);
}

async function scan(text: string | Buffer, size: number, options: { maxRecordBytes?: number } = {}) {
  const scanner = new UsageCsvScanner(chunks(text, size), options);
  const header = await scanner.readHeader();
  const out: Buffer[] = [];
  for await (const c of scanner.copyChunks(passThrough)) out.push(Buffer.from(c));
  const rows: (string | null)[][] = [];
  for await (const row of csvRows(chunks(Buffer.concat(out), 13))) rows.push(row);
  return { header, rows, counts: scanner.counts };
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

  it('splits a header with quoted names', () => {
    expect(splitRecord('"Customer, Id",UsageDate,"A ""b"""')).toEqual(['Customer, Id', 'UsageDate', 'A "b"']);
  });
});
