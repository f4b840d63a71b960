import { z } from 'zod';
import { isDecimalText, toDecimalString } from '../json.ts';

/**
 * Building blocks shared by every Partner Center schema. The service is inconsistent on the wire (numbers as
 * strings, PascalCase keys in some responses, enum casing that varies by page), so the helpers here accept
 * every documented variant and hand callers one canonical shape.
 */

/**
 * An object schema that tolerates unknown keys (passed through untouched) and matches known keys
 * case-insensitively, because Microsoft echoes PascalCase (`FromCatalogItemId`, `Attributes.ObjectType`) in
 * some responses of otherwise camelCase resources.
 */
export function pcObject<const S extends z.ZodRawShape>(shape: S) {
  const canonical = new Map<string, string>();
  for (const key of Object.keys(shape)) canonical.set(key.toLowerCase(), key);
  return z.preprocess((value) => renameKeys(value, canonical), z.looseObject(shape));
}

function renameKeys(value: unknown, canonical: Map<string, string>): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const source = value as Record<string, unknown>;
  let out: Record<string, unknown> | undefined;
  for (const key of Object.keys(source)) {
    const target = canonical.get(key.toLowerCase());
    if (target === undefined || target === key || Object.hasOwn(source, target)) continue;
    out ??= { ...source };
    out[target] = source[key];
    delete out[key];
  }
  return out ?? value;
}

function camelizeKeys(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const camel = key.charAt(0).toLowerCase() + key.slice(1);
    out[Object.hasOwn(out, camel) ? key : camel] = item;
  }
  return out;
}

/** Exact decimal text for money, rates and fractional quantities. `""` (sent for "no value") becomes undefined. */
export const decimal = z.union([z.number(), z.string()]).transform((value, ctx) => {
  if (typeof value === 'string' && value.trim() === '') return undefined;
  if (typeof value === 'string' && !isDecimalText(value)) {
    ctx.addIssue({ code: 'custom', message: `Expected a decimal number, got ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  return toDecimalString(value);
});

/** Whole numbers (seat counts, totals) sent either as numbers or as numeric strings. */
export const int = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const n = typeof value === 'number' ? value : value.trim() === '' ? Number.NaN : Number(value);
  if (!Number.isSafeInteger(n)) {
    ctx.addIssue({ code: 'custom', message: `Expected an integer, got ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  return n;
});

/** Identifiers that arrive as numbers in older payloads (`mpnId: 4390934`, `tier2MpnId: -1`). */
export const idString = z.union([z.string(), z.number()]).transform((value) => String(value));

export const bool = z
  .union([z.boolean(), z.enum(['true', 'false', 'True', 'False'])])
  .transform((value) => (typeof value === 'boolean' ? value : value.toLowerCase() === 'true'));

/**
 * Dates stay strings: the documented payloads contain values no date parser accepts (`"2015-11-25T06: 41: 12Z"`,
 * `"0001-01-01T00:00:00"`, `""`), and callers decide how to interpret them (UTC per RULES §0).
 */
export const dateText = z.string();

/**
 * Enum values are documented lower snake case (`one_time`) but the docs also show `Monthly`, `OneTime`,
 * `MONTHLY`, `"Started "`. All are folded into lower snake case; unknown values pass through so a new
 * Microsoft value never breaks parsing.
 */
export function enumText<const T extends readonly string[]>(_known: T) {
  return z.string().transform((value) => toLowerSnake(value) as T[number] | (string & {}));
}

export function toLowerSnake(value: string): string {
  const trimmed = value.trim();
  if (trimmed.includes('_') || trimmed === trimmed.toLowerCase()) return trimmed.toLowerCase();
  return trimmed
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}

export const LinkSchema = pcObject({
  /** Missing on some recorded links (offers' `learnMore`). */
  uri: z.string().optional(),
  method: z.string().optional(),
  headers: z.array(pcObject({ key: z.string(), value: z.string() })).optional(),
});
export type Link = z.infer<typeof LinkSchema>;

/** Link names are keys of a map; PascalCase variants (`Self`, `LearnMore`) are folded to camelCase. */
export const LinksSchema = z.preprocess(camelizeKeys, z.record(z.string(), LinkSchema.nullable()));
export type Links = z.infer<typeof LinksSchema>;

export const AttributesSchema = pcObject({
  objectType: z.string().optional(),
  etag: z.string().optional(),
});
export type Attributes = z.infer<typeof AttributesSchema>;

export function collectionOf<T extends z.ZodType>(item: T) {
  return pcObject({
    totalCount: int.optional(),
    items: z.array(item).default([]),
    links: LinksSchema.optional(),
    continuationToken: z.string().optional(),
    attributes: AttributesSchema.optional(),
  });
}
export interface Collection<T> {
  totalCount?: number | undefined;
  items: T[];
  links?: Links | undefined;
  continuationToken?: string | undefined;
  attributes?: Attributes | undefined;
}

export const KeyValueSchema = pcObject({ key: z.string(), value: z.unknown() });

/** Free-form string maps (provisioning context, dynamic attributes): keys are data, never renamed. */
export const StringMapSchema = z.record(z.string(), z.unknown());
