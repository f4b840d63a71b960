/**
 * Request/response plumbing shared by all route modules: tolerant body parsing, case-insensitive
 * query access, Microsoft's link/collection envelope and JSON with exact decimal literals.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { errors } from './errors.ts';

/** A decimal that must be written as a bare JSON number literal, digit for digit. */
export class RawNumber {
  readonly raw: string;
  constructor(raw: string) {
    this.raw = raw;
  }
}

export const num = (raw: string): RawNumber => new RawNumber(raw);

const RAW_MARK = '\u0001RAW:';
const RAW_RE = /"\\u0001RAW:(-?\d+(?:\.\d+)?)"/g;

export function toJson(value: unknown, pretty = false): string {
  let sawRaw = false;
  const text = JSON.stringify(
    value,
    (_key, v: unknown) => {
      if (v instanceof RawNumber) {
        sawRaw = true;
        return RAW_MARK + v.raw;
      }
      return v;
    },
    pretty ? 2 : undefined,
  );
  return sawRaw ? text.replace(RAW_RE, '$1') : text;
}

export interface Reply {
  status: number;
  body?: unknown;
  text?: string | Buffer;
  stream?: Readable;
  contentType?: string;
  headers?: Record<string, string>;
}

export class Query {
  private readonly map = new Map<string, string>();
  readonly raw: string;

  constructor(search: URLSearchParams, raw: string) {
    this.raw = raw;
    for (const [k, v] of search) {
      const key = k.toLowerCase();
      if (!this.map.has(key)) this.map.set(key, v);
    }
  }

  get(name: string): string | undefined {
    return this.map.get(name.toLowerCase());
  }

  int(name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
    const v = this.get(name);
    if (v === undefined || v === '') return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max)
      throw errors.invalidInput(`Query parameter ${name} is invalid.`);
    return n;
  }

  /** Enum-ish value normalised the way Microsoft's parser does (`OneTime`, `one_time`, `onetime`). */
  token(name: string): string | undefined {
    const v = this.get(name);
    return v === undefined ? undefined : normToken(v);
  }
}

export function normToken(value: string): string {
  return value.replace(/[_\s-]/g, '').toLowerCase();
}

/** `OneTime` → `one_time`, `Monthly` → `monthly`, `one_time` stays. */
export function snakeEnum(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  if (value.includes('_')) return value.toLowerCase();
  return value
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/\s+/g, '_')
    .toLowerCase();
}

export interface RequestContext {
  method: string;
  path: string;
  params: Record<string, string>;
  query: Query;
  headers: IncomingHttpHeaders;
  body: unknown;
  rawBody: Buffer;
  baseUrl: string;
  requestId: string | undefined;
  correlationId: string | undefined;
}

export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  if (Array.isArray(v)) return v[0];
  return v;
}

/**
 * Microsoft's documented bodies are often not strict JSON (comments, trailing commas, unquoted keys)
 * and the service (Newtonsoft) accepts them, so the emulator does too.
 */
export function parseLenientJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return JSON.parse(relaxJson(text));
  }
}

function relaxJson(text: string): string {
  let out = '';
  let i = 0;
  const n = text.length;
  while (i < n) {
    const ch = text[i] as string;
    if (ch === '"' || ch === "'") {
      const quote = ch;
      let j = i + 1;
      let str = '';
      while (j < n && text[j] !== quote) {
        if (text[j] === '\\') {
          str += text.slice(j, j + 2);
          j += 2;
          continue;
        }
        str += quote === "'" && text[j] === '"' ? '\\"' : text[j];
        j++;
      }
      out += `"${str}"`;
      i = j + 1;
      continue;
    }
    if (ch === '/' && text[i + 1] === '/') {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    if (ch === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
      continue;
    }
    if (ch === ',') {
      let j = i + 1;
      while (j < n && /\s/.test(text[j] as string)) j++;
      if (text[j] === '}' || text[j] === ']') {
        i++;
        continue;
      }
    }
    if (/[A-Za-z_$]/.test(ch)) {
      const m = /^[A-Za-z_$][\w$]*/.exec(text.slice(i));
      const word = m ? m[0] : ch;
      let j = i + word.length;
      while (j < n && /\s/.test(text[j] as string)) j++;
      if (text[j] === ':' && !['true', 'false', 'null'].includes(word)) out += `"${word}"`;
      else out += word;
      i += word.length;
      continue;
    }
    out += ch;
    i++;
  }
  return out;
}

/** Request keys may be PascalCase (`LineItems`, `Attributes.ObjectType`); handlers see camelCase. */
export function camelizeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelizeKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const key = k.length > 0 ? k[0]!.toLowerCase() + k.slice(1) : k;
      out[key] = camelizeKeys(v);
    }
    return out;
  }
  return value;
}

export function parseBody(raw: Buffer, contentType: string | undefined): unknown {
  if (raw.length === 0) return undefined;
  const text = raw
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trim();
  if (text === '') return undefined;
  if (contentType && !contentType.includes('json') && !text.startsWith('{') && !text.startsWith('['))
    return text;
  try {
    return camelizeKeys(parseLenientJson(text));
  } catch {
    throw errors.invalidInput('The request body is not valid JSON.');
  }
}

export function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

export function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return undefined;
}

export function intValue(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value.trim());
  return undefined;
}

export function bool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'True') return true;
  if (value === 'false' || value === 'False') return false;
  return undefined;
}

export interface Link {
  uri: string;
  method: string;
  headers: { key: string; value: string }[];
}

export const link = (uri: string, method = 'GET', headers: { key: string; value: string }[] = []): Link => ({
  uri,
  method,
  headers,
});

export function collection(
  items: unknown[],
  links?: Record<string, Link>,
  extra?: Record<string, unknown>,
): Record<string, unknown> {
  const body: Record<string, unknown> = { totalCount: items.length, items };
  if (extra) Object.assign(body, extra);
  if (links) body.links = links;
  body.attributes = { objectType: 'Collection' };
  return body;
}

export const ok = (body: unknown, headers?: Record<string, string>): Reply => ({
  status: 200,
  body,
  headers,
});
export const created = (body: unknown, headers?: Record<string, string>): Reply => ({
  status: 201,
  body,
  headers,
});

/**
 * Seek-paging continuation tokens. Microsoft's look like `AQAAAA==` (a little-endian int32 in
 * base64); the emulator encodes the next offset the same way.
 */
export function encodeSeekToken(offset: number): string {
  const buf = Buffer.alloc(4);
  buf.writeUInt32LE(offset >>> 0, 0);
  return buf.toString('base64');
}

export function decodeSeekToken(token: string | undefined): number {
  if (!token) throw errors.invalidInput('MS-ContinuationToken header is required for seekOperation=Next.');
  const buf = Buffer.from(token.trim(), 'base64');
  if (buf.length !== 4) throw errors.continuationInvalid();
  return buf.readUInt32LE(0);
}

/** Path and query as the client sent them, without the seek parameter (for `links.self`). */
export function selfUri(path: string, queryRaw: string, stripPrefix = '/v1'): string {
  const p = path.startsWith(stripPrefix) ? path.slice(stripPrefix.length) : path;
  const params = queryRaw
    .replace(/^\?/, '')
    .split('&')
    .filter((kv) => kv !== '' && !/^seekoperation=/i.test(kv));
  return params.length > 0 ? `${p}?${params.join('&')}` : p;
}

export interface SeekPage<T> {
  items: T[];
  nextOffset: number | undefined;
}

export function seekPage<T>(
  all: readonly T[],
  ctx: RequestContext,
  defaultSize: number,
  maxSize: number,
  seekParam = 'seekOperation',
): SeekPage<T> {
  const size = Math.min(ctx.query.int('size', defaultSize, 0), maxSize) || defaultSize;
  const seek = ctx.query.token(seekParam) ?? ctx.query.token('seekOperation');
  const offset = seek === 'next' ? decodeSeekToken(header(ctx.headers, 'ms-continuationtoken')) : 0;
  if (offset > all.length) throw errors.continuationInvalid();
  const items = all.slice(offset, offset + size);
  const next = offset + items.length;
  return { items, nextOffset: next < all.length ? next : undefined };
}

export function seekLinks(
  ctx: RequestContext,
  nextOffset: number | undefined,
  stripPrefix = '/v1',
): Record<string, Link> {
  const self = selfUri(ctx.path, ctx.query.raw, stripPrefix);
  const links: Record<string, Link> = { self: link(self) };
  if (nextOffset !== undefined) {
    const sep = self.includes('?') ? '&' : '?';
    links.next = link(`${self}${sep}seekOperation=Next`, 'GET', [
      { key: 'MS-ContinuationToken', value: encodeSeekToken(nextOffset) },
    ]);
  }
  return links;
}
