import { deflateRawSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { csvRecords, decodeText, gunzip, maybeUnzip, splitLines, unzipFirstEntry } from './lines.ts';
import { collect } from './paging.ts';

async function* chunks<T>(...parts: T[]): AsyncGenerator<T> {
  for (const part of parts) yield part;
}

const bytes = (text: string) => new TextEncoder().encode(text);

describe('splitLines', () => {
  it('splits across chunk boundaries, LF and CRLF, multi-byte characters and a final unterminated line', async () => {
    const euro = bytes('€');
    const lines = await collect(
      splitLines(
        chunks(bytes('\uFEFFa,1\r'), bytes('\nb,'), euro.slice(0, 1), euro.slice(1), bytes('\n\nlast')),
      ),
    );
    expect(lines).toEqual(['a,1', 'b,€', '', 'last']);
  });
});

describe('gunzip', () => {
  it('inflates a gzip stream chunk by chunk', async () => {
    const gz = gzipSync(Buffer.from('{"a":1}\n{"a":2}\n'));
    const lines = await collect(splitLines(gunzip(chunks(gz.subarray(0, 10), gz.subarray(10)))));
    expect(lines).toEqual(['{"a":1}', '{"a":2}']);
  });
});

describe('csvRecords', () => {
  it('handles quotes, escaped quotes, embedded commas and line breaks across chunks', async () => {
    const records = await collect(
      csvRecords(
        chunks(
          'ProductId,Title,UnitPrice\r\n',
          'CFQ7,"Microsoft 365, ""E3""',
          '\nline two",36.00\n',
          'X,Y,1',
        ),
      ),
    );
    expect(records).toEqual([
      ['ProductId', 'Title', 'UnitPrice'],
      ['CFQ7', 'Microsoft 365, "E3"\nline two', '36.00'],
      ['X', 'Y', '1'],
    ]);
  });
});

describe('unzipFirstEntry', () => {
  function zip(name: string, content: Buffer, method: 0 | 8): Buffer {
    const data = method === 8 ? deflateRawSync(content) : content;
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(0, 6);
    header.writeUInt16LE(method, 8);
    header.writeUInt32LE(data.length, 18);
    header.writeUInt32LE(content.length, 22);
    header.writeUInt16LE(name.length, 26);
    header.writeUInt16LE(0, 28);
    const trailer = Buffer.from([0x50, 0x4b, 0x01, 0x02, 0, 0, 0, 0]);
    return Buffer.concat([header, Buffer.from(name), data, trailer]);
  }

  it.each([0, 8] as const)('reads the first entry (method %d) while streaming', async (method) => {
    const archive = zip('pricesheet.csv', Buffer.from('a,b\n1,2\n'), method);
    const text = await collect(
      decodeText(unzipFirstEntry(chunks(archive.subarray(0, 7), archive.subarray(7)))),
    );
    expect(text.join('')).toBe('a,b\n1,2\n');
  });

  it('maybeUnzip detects an archive by its signature and passes other data through', async () => {
    const archive = zip('pricesheet.csv', Buffer.from('a,b\n'), 8);
    expect((await collect(decodeText(maybeUnzip(chunks(archive))))).join('')).toBe('a,b\n');
    expect((await collect(decodeText(maybeUnzip(chunks(bytes('x,y\n')))))).join('')).toBe('x,y\n');
  });

  it('rejects something that is not a zip', async () => {
    await expect(collect(unzipFirstEntry(chunks(bytes('a,b\n1,2\n'.repeat(10)))))).rejects.toThrow(
      /Not a ZIP/,
    );
  });
});
