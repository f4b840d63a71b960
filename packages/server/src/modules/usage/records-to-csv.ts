import {
  CANONICAL_HEADER,
  fieldForColumn,
  JSON_RATE_FIELDS,
  normaliseName,
  USAGE_FIELDS,
  type UsageFieldKey,
} from './columns.ts';

/**
 * Daily rated usage that arrives as objects — `DailyRatedUsageLineItem`s from the line-item API
 * (camelCase, rates as fractions) or rows of the Graph export (PascalCase) — written as
 * Microsoft's reconciliation CSV, so that it takes the very path a downloaded file takes.
 * Streaming: one record at a time, in chunks of about 256 KiB.
 */

const KEYS = USAGE_FIELDS.map((f) => f.key as UsageFieldKey);
const POSITION = new Map<UsageFieldKey, number>(KEYS.map((k, i) => [k, i]));

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A fraction as a percentage, exactly: "0.15" → "15", "1" → "100", "0.125" → "12.5". */
export function fractionToPercent(value: string): string {
  const match = /^(-?)(\d*)(?:\.(\d*))?$/.exec(value.trim());
  if (!match) return value;
  const [, sign, whole = '', fraction = ''] = match;
  const digits = `${whole}${fraction.padEnd(2, '0')}`;
  const intPart = digits.slice(0, whole.length + 2).replace(/^0+(?=\d)/, '') || '0';
  const rest = digits.slice(whole.length + 2).replace(/0+$/, '');
  return `${sign}${intPart}${rest ? `.${rest}` : ''}`;
}

function text(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  return JSON.stringify(value);
}

export async function* recordsToCsv(
  records: AsyncIterable<Record<string, unknown>> | Iterable<Record<string, unknown>>,
): AsyncGenerator<Buffer> {
  const keyCache = new Map<string, { position: number; fraction: boolean } | null>();
  const resolve = (key: string) => {
    let hit = keyCache.get(key);
    if (hit === undefined) {
      const rate = JSON_RATE_FIELDS[normaliseName(key)];
      const field = rate ?? fieldForColumn(key);
      hit = field === undefined ? null : { position: POSITION.get(field)!, fraction: rate !== undefined };
      keyCache.set(key, hit);
    }
    return hit;
  };
  let out = `${CANONICAL_HEADER.join(',')}\r\n`;
  for await (const record of records) {
    const values: string[] = new Array(KEYS.length).fill('');
    for (const [key, value] of Object.entries(record)) {
      const target = resolve(key);
      if (!target) continue;
      const t = text(value);
      // A CSV percentage wins over a JSON fraction when both are present.
      if (target.fraction) {
        if (values[target.position] === '' && t !== '') values[target.position] = fractionToPercent(t);
      } else values[target.position] = t;
    }
    out += `${values.map(csvField).join(',')}\r\n`;
    if (out.length >= 256 * 1024) {
      yield Buffer.from(out, 'utf8');
      out = '';
    }
  }
  if (out.length > 0) yield Buffer.from(out, 'utf8');
}
