import { isUtf8 } from 'node:buffer';
import type { Problem } from './row-encoder.ts';

/**
 * A streaming scanner for Microsoft's usage CSV that turns it into PostgreSQL COPY input without
 * re-encoding it: each record is checked (field count, quoting, UTF-8, no NUL, no stray CR), the
 * router (line-router.ts) reads and rates it and says where it goes, and the record's kept columns
 * are copied byte for byte behind the router's columns:
 *
 *   <router's columns>,<kept columns of the record as they were>\n
 *
 * Rows for now are yielded in chunks for COPY; rows the router sets aside and bad records are handed
 * to it. Quote handling is PostgreSQL's (a quote anywhere toggles quoting; `""` inside quotes is a
 * quote), so a record that passes here is one row of the table. Memory stays flat whatever the file
 * holds.
 */

/** Where a good record goes: the router's columns (ending with a comma), and now or set aside. */
export interface Routed {
  prefix: string;
  staged: boolean;
}

export interface RecordRouter {
  /**
   * Reads a record: where it goes, its problem, or a promise to await before asking again (data the
   * router must fetch first). `commas` holds the offsets of the record's field separators;
   * `hash1`/`hash2` are two 32-bit hashes of its line.
   */
  route(
    record: Buffer,
    commas: Int32Array,
    hash1: number,
    hash2: number,
    line: number,
  ): Routed | Problem | Promise<void>;
  /** The record's columns to copy, as runs of (first, last) column index in file order. */
  readonly keptRuns: readonly (readonly [number, number])[];
  /** A row set aside (the router's columns, the kept columns, LF). */
  stage(row: Buffer): void;
  /** A bad record, with its text (cut to a few thousand characters). */
  quarantine(line: number, problem: Problem, text: string): void;
}

const QUOTE = 0x22;
/** Bytes at or below ',' are the only ones the scanner acts on (quote, comma, LF, CR, NUL, …). */
const SPECIAL_BELOW = 0x2d2d2d2d;
const HIGH_BITS = 0x80808080 | 0;
const P1 = 0x01000193;
const P2 = 0x85ebca6b | 0;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;

export interface ScannedHeader {
  readonly columns: string[];
  /** Physical line of the header (1 unless blank lines precede it). */
  readonly line: number;
}

export interface ScannerOptions {
  /** A record longer than this is quarantined and skipped up to the next line break. */
  readonly maxRecordBytes?: number;
  /** Approximate size of the emitted COPY chunks. */
  readonly chunkBytes?: number;
  /** Called with the bytes consumed so far (for progress bars). */
  readonly onBytes?: (bytes: number) => void;
}

export interface ScanCounts {
  records: number;
  bad: number;
  bytes: number;
}

const MAX_QUARANTINED_TEXT = 4000;

/** Splits one header record into column names (quoted names allowed). */
export function splitRecord(text: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '"') {
      if (quoted && text[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = !quoted;
    } else if (ch === ',' && !quoted) {
      out.push(field);
      field = '';
    } else field += ch;
  }
  out.push(field);
  return out;
}

export class UsageCsvScanner {
  readonly #source: AsyncIterator<Uint8Array>;
  readonly #maxRecord: number;
  readonly #chunkBytes: number;
  readonly #onBytes: ((bytes: number) => void) | undefined;
  /** Unconsumed input: the current record starts at #start, scanning resumes at #pos. */
  #buf: Buffer = Buffer.alloc(0);
  #view: DataView = new DataView(new ArrayBuffer(0));
  #start = 0;
  #pos = 0;
  // Scan state of the current record (kept across chunk boundaries).
  #inQuote = false;
  #fields = 1;
  #crs = 0;
  #newlines = 0;
  #h1 = 0;
  #h2 = 0;
  #line = 1;
  #eof = false;
  #columns = 0;
  #skipping = false;
  #commas = new Int32Array(64);
  readonly counts: ScanCounts = { records: 0, bad: 0, bytes: 0 };

  constructor(source: AsyncIterable<Uint8Array>, options: ScannerOptions = {}) {
    this.#source = source[Symbol.asyncIterator]();
    this.#maxRecord = options.maxRecordBytes ?? 1024 * 1024;
    this.#chunkBytes = options.chunkBytes ?? 512 * 1024;
    this.#onBytes = options.onBytes;
    this.#resetRecord();
  }

  /** Reads up to the first non-empty record; null for an empty file. */
  async readHeader(): Promise<ScannedHeader | null> {
    for (;;) {
      const record = this.#nextRecord();
      if (record === 'more') {
        if (!(await this.#pull())) return null;
        continue;
      }
      if (record === null) return null;
      const text = record.bytes.toString('utf8').replace(/^\uFEFF/, '');
      if (text.trim() === '') continue;
      if (record.inQuote) throw new Error('The header row has an unterminated quote.');
      const columns = splitRecord(text);
      this.#columns = columns.length;
      this.#commas = new Int32Array(columns.length + 1);
      return { columns, line: record.line };
    }
  }

  /** The rest of the file as COPY input (CSV: line number, bad reason, the record's columns). */
  /** COPY input of the rows for now; staged rows and bad records go to the router. */
  async *copyChunks(router: RecordRouter): AsyncGenerator<Buffer, void, undefined> {
    if (this.#columns === 0) throw new Error('readHeader() first');
    const size = this.#chunkBytes;
    let out = Buffer.allocUnsafe(size);
    let off = 0;
    let scratch = Buffer.allocUnsafe(64 * 1024);
    for (;;) {
      const record = this.#nextRecord();
      if (record === 'more') {
        await this.#pull();
        continue;
      }
      if (record === null) break;
      const { bytes, line } = record;
      if (bytes.length === 0 && !record.tooLong) continue;
      this.counts.records += 1;
      let routed: Routed | Problem | null = this.#problemOf(record);
      if (routed === null) {
        for (;;) {
          const answer = router.route(bytes, this.#commas, record.hash1, record.hash2, line);
          if (!(answer instanceof Promise)) {
            routed = answer;
            break;
          }
          await answer;
        }
      }
      if ('reason' in routed) {
        this.counts.bad += 1;
        const text = bytes
          .toString('utf8', 0, Math.min(bytes.length, MAX_QUARANTINED_TEXT * 4))
          .replaceAll('\u0000', '\uFFFD')
          .slice(0, MAX_QUARANTINED_TEXT);
        router.quarantine(line, routed, text);
        continue;
      }
      // Router columns are mostly ASCII; 3 bytes per UTF-16 unit bounds any text.
      const need = routed.prefix.length * 3 + bytes.length + 1;
      if (routed.staged) {
        if (scratch.length < need) scratch = Buffer.allocUnsafe(need);
        router.stage(scratch.subarray(0, this.#writeRow(scratch, 0, routed.prefix, bytes, router.keptRuns)));
        continue;
      }
      if (size - off < need) {
        if (off > 0) yield out.subarray(0, off);
        out = Buffer.allocUnsafe(Math.max(size, need));
        off = 0;
      }
      off = this.#writeRow(out, off, routed.prefix, bytes, router.keptRuns);
    }
    if (off > 0) yield out.subarray(0, off);
  }

  /** Writes prefix, the kept runs of `bytes` and LF at `off`; returns the offset after them. */
  #writeRow(
    out: Buffer,
    off: number,
    prefix: string,
    bytes: Buffer,
    runs: readonly (readonly [number, number])[],
  ): number {
    let at = off + out.write(prefix, off, 'utf8');
    const commas = this.#commas;
    const last = this.#columns - 1;
    for (let r = 0; r < runs.length; r++) {
      const [first, end] = runs[r]!;
      if (r > 0) out[at++] = COMMA;
      const from = first === 0 ? 0 : commas[first - 1]! + 1;
      const to = end === last ? bytes.length : commas[end]!;
      at += bytes.copy(out, at, from, to);
    }
    out[at++] = LF;
    return at;
  }

  #problemOf(record: ScannedRecord): Problem | null {
    if (record.tooLong) {
      return {
        reason: 'record_too_long',
        message: `The record is longer than ${this.#maxRecord} bytes (or a quote is never closed); skipped to the next line.`,
      };
    }
    if (record.inQuote) return { reason: 'unterminated_quote', message: 'A quoted value is never closed.' };
    if (record.fields !== this.#columns) {
      return {
        reason: 'column_count',
        message: `Expected ${this.#columns} columns as in the header, found ${record.fields}.`,
      };
    }
    const bytes = record.bytes;
    if (record.crs > 0) {
      return { reason: 'invalid_encoding', message: 'The record holds a carriage return outside quotes.' };
    }
    if (bytes.indexOf(0) >= 0) return { reason: 'invalid_encoding', message: 'The record holds a NUL byte.' };
    if (!isUtf8(bytes)) return { reason: 'invalid_encoding', message: 'The record is not valid UTF-8.' };
    return null;
  }

  async #pull(): Promise<boolean> {
    if (this.#eof) return false;
    const next = await this.#source.next();
    if (next.done) {
      this.#eof = true;
      return true;
    }
    const chunk = Buffer.isBuffer(next.value)
      ? next.value
      : Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
    this.counts.bytes += chunk.length;
    this.#onBytes?.(this.counts.bytes);
    const rest = this.#buf.subarray(this.#start);
    this.#buf = rest.length === 0 ? chunk : Buffer.concat([rest, chunk]);
    this.#view = new DataView(this.#buf.buffer, this.#buf.byteOffset, this.#buf.byteLength);
    // Offsets stay relative to the record start, so word boundaries (and hashes) do not move.
    // (Comma offsets are relative to the record start already.)
    this.#pos -= this.#start;
    this.#start = 0;
    return true;
  }

  #resetRecord(): void {
    this.#inQuote = false;
    this.#fields = 1;
    this.#crs = 0;
    this.#newlines = 0;
    this.#h1 = 0x811c9dc5 | 0;
    this.#h2 = 0x9e3779b9 | 0;
    this.#skipping = false;
  }

  /**
   * The next complete record, 'more' when the input ends inside one, null at the end of input.
   * A record's bytes exclude its line break (CRLF or LF).
   *
   * The hot loop reads four bytes at a time: a word without a byte at or below ',' (no quote,
   * comma, line break) only feeds the line hash; other words are looked at byte by byte. The
   * hashes cover the line from its first byte in words, then its last 0–3 bytes one by one, so
   * they depend on the bytes only, never on where the line sits in a chunk.
   */
  #nextRecord(): ScannedRecord | 'more' | null {
    if (this.#skipping) return this.#skipLongRecord();
    const b = this.#buf;
    const view = this.#view;
    const n = b.length;
    const start = this.#start;
    const commas = this.#commas;
    const maxCommas = commas.length;
    let i = this.#pos;
    let inQuote = this.#inQuote;
    let fields = this.#fields;
    let crs = this.#crs;
    let newlines = this.#newlines;
    let h1 = this.#h1;
    let h2 = this.#h2;
    let end = -1;
    for (; i + 4 <= n; i += 4) {
      const w = view.getInt32(i, true);
      if (((w - SPECIAL_BELOW) & ~w & HIGH_BITS) !== 0) {
        for (let k = i; k < i + 4; k++) {
          const c = b[k]!;
          if (c > COMMA) continue;
          if (c === QUOTE) inQuote = !inQuote;
          else if (inQuote) {
            if (c === LF) newlines++;
          } else if (c === COMMA) {
            if (fields <= maxCommas) commas[fields - 1] = k - start;
            fields++;
          } else if (c === LF) {
            end = k;
            break;
          } else if (c === CR) crs++;
        }
        if (end >= 0) break;
      }
      h1 = Math.imul(h1 ^ w, P1);
      h2 = Math.imul(((h2 << 13) | (h2 >>> 19)) ^ w, P2);
    }
    if (end < 0 && (this.#eof || i + 4 > n)) {
      // Fewer than four bytes left: byte by byte (at the end of input), else wait for more.
      if (!this.#eof) {
        this.#save(i, inQuote, fields, crs, newlines, h1, h2);
        if (n - start > this.#maxRecord) {
          this.#skipping = true;
          return this.#skipLongRecord();
        }
        return 'more';
      }
      for (; i < n; i++) {
        const c = b[i]!;
        if (c === QUOTE) inQuote = !inQuote;
        else if (inQuote) {
          if (c === LF) newlines++;
        } else if (c === COMMA) {
          if (fields <= maxCommas) commas[fields - 1] = i - start;
          fields++;
        } else if (c === LF) {
          end = i;
          break;
        } else if (c === CR) crs++;
        if (end < 0) {
          h1 = Math.imul(h1 ^ c, P1);
          h2 = Math.imul(h2 ^ c, P2);
        }
      }
      if (end < 0) {
        // The last record has no line break.
        if (n === start) return null;
        const cr = !inQuote && b[n - 1] === CR;
        const record: ScannedRecord = {
          bytes: b.subarray(start, cr ? n - 1 : n),
          line: this.#line,
          fields,
          crs: cr ? crs - 1 : crs,
          inQuote,
          tooLong: false,
          hash1: h1 >>> 0,
          hash2: h2 >>> 0,
        };
        this.#start = n;
        this.#pos = n;
        this.#resetRecord();
        return record;
      }
    } else if (end >= 0) {
      // The bytes of the last word before the line break, one by one.
      for (let k = i; k < end; k++) {
        const c = b[k]!;
        h1 = Math.imul(h1 ^ c, P1);
        h2 = Math.imul(h2 ^ c, P2);
      }
    }
    const crlf = end > start && b[end - 1] === CR;
    const record: ScannedRecord = {
      bytes: b.subarray(start, crlf ? end - 1 : end),
      line: this.#line,
      fields,
      crs: crlf ? crs - 1 : crs,
      inQuote: false,
      tooLong: false,
      hash1: h1 >>> 0,
      hash2: h2 >>> 0,
    };
    this.#line += 1 + newlines;
    this.#start = end + 1;
    this.#pos = end + 1;
    this.#resetRecord();
    return record;
  }

  #save(
    pos: number,
    inQuote: boolean,
    fields: number,
    crs: number,
    newlines: number,
    h1: number,
    h2: number,
  ) {
    this.#pos = pos;
    this.#inQuote = inQuote;
    this.#fields = fields;
    this.#crs = crs;
    this.#newlines = newlines;
    this.#h1 = h1;
    this.#h2 = h2;
  }

  /** Quarantines an overlong record and resumes after the next line break, ignoring quotes. */
  #skipLongRecord(): ScannedRecord | 'more' {
    const b = this.#buf;
    const from = Math.min(this.#pos, b.length);
    const cut = b.indexOf(LF, from);
    if (cut < 0 && !this.#eof) {
      // Keep only the head of the record (for the quarantine text) while waiting for its end.
      const head = Buffer.from(b.subarray(this.#start, this.#start + MAX_QUARANTINED_TEXT));
      this.#buf = head;
      this.#view = new DataView(head.buffer, head.byteOffset, head.byteLength);
      this.#start = 0;
      this.#pos = head.length;
      return 'more';
    }
    const end = cut < 0 ? b.length : cut;
    const record: ScannedRecord = {
      bytes: Buffer.from(b.subarray(this.#start, Math.min(end, this.#start + MAX_QUARANTINED_TEXT))),
      line: this.#line,
      fields: this.#fields,
      crs: 0,
      inQuote: this.#inQuote,
      tooLong: true,
      hash1: 0,
      hash2: 0,
    };
    this.#line += 1 + this.#newlines + countLf(b, from, end);
    this.#start = cut < 0 ? b.length : cut + 1;
    this.#pos = this.#start;
    this.#resetRecord();
    return record;
  }
}

interface ScannedRecord {
  bytes: Buffer;
  line: number;
  fields: number;
  crs: number;
  inQuote: boolean;
  tooLong: boolean;
  hash1: number;
  hash2: number;
}

function countLf(b: Buffer, from: number, to: number): number {
  let count = 0;
  for (let i = b.indexOf(LF, from); i >= 0 && i < to; i = b.indexOf(LF, i + 1)) count++;
  return count;
}
