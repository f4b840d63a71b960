import { Readable, type Transform } from 'node:stream';
import { createGunzip, createInflateRaw } from 'node:zlib';

/**
 * Streaming helpers for large downloads (Graph export blobs, price sheets): everything is pulled chunk by
 * chunk, so a multi-gigabyte blob never sits in memory.
 */

export async function* gunzip(
  source: AsyncIterable<Uint8Array>,
): AsyncGenerator<Uint8Array, void, undefined> {
  yield* inflateWith(createGunzip(), source);
}

/** Pipes `source` through a zlib stream; a broken source becomes an error of the iteration, not a hang. */
async function* inflateWith(
  inflater: Transform,
  source: AsyncIterable<Uint8Array>,
): AsyncGenerator<Uint8Array, void, undefined> {
  const input = Readable.from(source);
  input.on('error', (error) => inflater.destroy(error));
  input.pipe(inflater);
  try {
    yield* inflater as AsyncIterable<Uint8Array>;
  } finally {
    input.destroy();
  }
}

/** Splits a byte stream into UTF-8 lines (LF or CRLF), without the terminator; a final unterminated line counts. */
export async function* splitLines(
  source: AsyncIterable<Uint8Array | string>,
): AsyncGenerator<string, void, undefined> {
  const decoder = new TextDecoder('utf-8');
  let carry = '';
  let first = true;
  for await (const chunk of source) {
    let text = carry + (typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    if (first && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    let start = 0;
    for (let index = text.indexOf('\n'); index >= 0; index = text.indexOf('\n', start)) {
      const end = index > start && text.charCodeAt(index - 1) === 13 ? index - 1 : index;
      yield text.slice(start, end);
      start = index + 1;
    }
    carry = text.slice(start);
  }
  carry += decoder.decode();
  if (carry.length > 0) yield carry.endsWith('\r') ? carry.slice(0, -1) : carry;
}

export async function* decodeText(
  source: AsyncIterable<Uint8Array>,
): AsyncGenerator<string, void, undefined> {
  const decoder = new TextDecoder('utf-8');
  let first = true;
  for await (const chunk of source) {
    let text = decoder.decode(chunk, { stream: true });
    if (first && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    if (text) yield text;
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

/**
 * RFC 4180 CSV records from text chunks: quoted fields may contain commas, quotes (`""`) and line breaks.
 */
export async function* csvRecords(source: AsyncIterable<string>): AsyncGenerator<string[], void, undefined> {
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let afterQuote = false;
  let pendingCr = false;
  let any = false;
  for await (const text of source) {
    for (let i = 0; i < text.length; i++) {
      const ch = text[i] as string;
      any = true;
      if (quoted) {
        if (ch === '"') {
          quoted = false;
          afterQuote = true;
        } else field += ch;
        continue;
      }
      if (pendingCr) {
        pendingCr = false;
        if (ch === '\n') continue;
      }
      if (ch === '"') {
        if (afterQuote) field += '"';
        quoted = true;
        afterQuote = false;
      } else if (ch === ',') {
        record.push(field);
        field = '';
        afterQuote = false;
      } else if (ch === '\n' || ch === '\r') {
        record.push(field);
        yield record;
        record = [];
        field = '';
        afterQuote = false;
        any = false;
        pendingCr = ch === '\r';
      } else {
        field += ch;
        afterQuote = false;
      }
    }
  }
  if (any || field !== '' || record.length > 0) {
    record.push(field);
    yield record;
  }
}

/**
 * The first file of a ZIP archive, inflated while it streams (price sheets may be served zip-compressed).
 * Only what a single-file download needs: deflate or stored entries, read from the local file header.
 */
export async function* unzipFirstEntry(
  source: AsyncIterable<Uint8Array>,
): AsyncGenerator<Uint8Array, void, undefined> {
  const iterator = source[Symbol.asyncIterator]();
  let buffer = Buffer.alloc(0);
  const need = async (bytes: number) => {
    while (buffer.length < bytes) {
      const next = await iterator.next();
      if (next.done) throw new Error('ZIP archive ended inside its first header.');
      buffer = Buffer.concat([buffer, next.value]);
    }
  };
  await need(30);
  if (buffer.readUInt32LE(0) !== 0x04034b50) throw new Error('Not a ZIP archive.');
  const flags = buffer.readUInt16LE(6);
  const method = buffer.readUInt16LE(8);
  const compressedSize = buffer.readUInt32LE(18);
  const headerLength = 30 + buffer.readUInt16LE(26) + buffer.readUInt16LE(28);
  await need(headerLength);
  const first = buffer.subarray(headerLength);
  async function* rest(): AsyncGenerator<Uint8Array> {
    if (first.length > 0) yield first;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  if (method === 8) {
    // Deflate streams are self-terminating, so trailing archive records after the entry are ignored.
    yield* inflateWith(createInflateRaw(), rest());
    return;
  }
  if (method === 0 && (flags & 0x08) === 0) {
    let remaining = compressedSize;
    for await (const chunk of rest()) {
      if (remaining <= 0) break;
      const part = chunk.subarray(0, Math.min(chunk.length, remaining));
      remaining -= part.length;
      yield part;
    }
    return;
  }
  throw new Error(`Unsupported ZIP entry (method ${method}, flags ${flags}).`);
}

/** Unpacks the stream when it is a ZIP archive (by its signature), otherwise passes it through. */
export async function* maybeUnzip(
  source: AsyncIterable<Uint8Array>,
): AsyncGenerator<Uint8Array, void, undefined> {
  const iterator = source[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done) return;
  async function* all(): AsyncGenerator<Uint8Array> {
    yield first.value as Uint8Array;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  const head = first.value;
  const isZip = head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 3 && head[3] === 4;
  yield* isZip ? unzipFirstEntry(all()) : all();
}
