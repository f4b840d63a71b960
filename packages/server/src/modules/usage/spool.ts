import { closeSync, createReadStream, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** In memory up to this many bytes; beyond, in a temporary file written in blocks of this size. */
const BLOCK_BYTES = 8 * 1024 * 1024;

/**
 * Rows an import sets aside for a later COPY (the lines of customer-days it may replace, the
 * quarantined records): held in memory while small, then in a temporary file, so memory stays flat
 * whatever the file holds. Each row is stored behind its length, so rows with line breaks inside
 * quoted values come back whole. `close()` removes the file.
 */
export class Spool {
  #block: Buffer = Buffer.allocUnsafe(0);
  #used = 0;
  #file: { dir: string; path: string; fd: number } | null = null;
  #rows = 0;

  get rows(): number {
    return this.#rows;
  }

  write(row: Buffer): void {
    this.#reserve(4 + row.length);
    this.#block.writeUInt32LE(row.length, this.#used);
    row.copy(this.#block, this.#used + 4);
    this.#used += 4 + row.length;
    this.#rows += 1;
  }

  /** The same for a row given as text (UTF-8), without an intermediate Buffer. */
  writeText(row: string): void {
    const length = Buffer.byteLength(row, 'utf8');
    this.#reserve(4 + length);
    this.#block.writeUInt32LE(length, this.#used);
    this.#block.write(row, this.#used + 4, 'utf8');
    this.#used += 4 + length;
    this.#rows += 1;
  }

  #reserve(need: number): void {
    if (this.#block.length - this.#used >= need) return;
    this.#flush();
    if (this.#block.length < Math.max(need, BLOCK_BYTES)) {
      this.#block = Buffer.allocUnsafe(Math.max(need, BLOCK_BYTES));
    }
  }

  /** The rows in the order written. Each Buffer is valid until the next one is asked for. */
  async *read(): AsyncGenerator<Buffer, void, undefined> {
    if (this.#file === null) {
      yield* rowsOf(this.#block.subarray(0, this.#used));
      return;
    }
    this.#flush();
    let carry = Buffer.alloc(0);
    for await (const chunk of createReadStream(this.#file.path, { highWaterMark: 1024 * 1024 })) {
      const data: Buffer = carry.length > 0 ? Buffer.concat([carry, chunk as Buffer]) : (chunk as Buffer);
      let at = 0;
      while (at + 4 <= data.length) {
        const length = data.readUInt32LE(at);
        if (at + 4 + length > data.length) break;
        yield data.subarray(at + 4, at + 4 + length);
        at += 4 + length;
      }
      carry = Buffer.from(data.subarray(at));
    }
    if (carry.length > 0) throw new Error('Internal: a spooled row was cut short');
  }

  close(): void {
    if (this.#file) {
      closeSync(this.#file.fd);
      rmSync(this.#file.dir, { recursive: true, force: true });
      this.#file = null;
    }
    this.#block = Buffer.allocUnsafe(0);
    this.#used = 0;
  }

  #flush(): void {
    if (this.#used === 0) return;
    if (this.#file === null) {
      const dir = mkdtempSync(join(tmpdir(), 'cspc-usage-'));
      const path = join(dir, 'rows');
      this.#file = { dir, path, fd: openSync(path, 'w+') };
    }
    let written = 0;
    while (written < this.#used) {
      written += writeSync(this.#file.fd, this.#block, written, this.#used - written);
    }
    this.#used = 0;
  }
}

function* rowsOf(data: Buffer): Generator<Buffer> {
  for (let at = 0; at + 4 <= data.length; ) {
    const length = data.readUInt32LE(at);
    yield data.subarray(at + 4, at + 4 + length);
    at += 4 + length;
  }
}

/** Concatenates rows into COPY chunks of about `bytes`. */
export async function* copyChunksOf(
  rows: AsyncIterable<Buffer>,
  keep: (row: Buffer) => boolean = () => true,
  bytes = 512 * 1024,
): AsyncGenerator<Buffer, void, undefined> {
  let out = Buffer.allocUnsafe(bytes);
  let off = 0;
  for await (const row of rows) {
    if (!keep(row)) continue;
    if (out.length - off < row.length) {
      if (off > 0) yield out.subarray(0, off);
      out = Buffer.allocUnsafe(Math.max(bytes, row.length));
      off = 0;
    }
    off += row.copy(out, off);
  }
  if (off > 0) yield out.subarray(0, off);
}
