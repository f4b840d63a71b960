import { Type } from '@fastify/type-provider-typebox';
import { badRequest } from './errors.ts';

/** Cursor pagination: `?limit=&cursor=`, answered with `{ items, nextCursor }`. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
};

export const pageOf = <T extends import('typebox').TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) });

/** Cursors are opaque to clients: the keyset position, base64url-encoded. */
export function encodeCursor(...parts: string[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): string | null {
  const parts = decodeCursorParts(cursor, 1);
  return parts ? (parts[0] ?? null) : null;
}

export function decodeCursorParts(cursor: string | undefined, count: number): string[] | null {
  if (!cursor) return null;
  try {
    const parts: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parts) && parts.length === count && parts.every((p) => typeof p === 'string')) {
      return parts as string[];
    }
  } catch {
    // fall through to the error below
  }
  throw badRequest('invalid_cursor', 'The pagination cursor is not valid. Start again without a cursor.');
}
