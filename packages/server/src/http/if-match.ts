import { badRequest } from './errors.ts';

/**
 * The version in an `If-Match` header (`"3"`, `W/"3"` or `3`), for conditional updates against
 * the ETag a GET returned; undefined without the header.
 */
export function ifMatchVersion(header: string | undefined): number | undefined {
  if (!header) return undefined;
  const match = /^(?:W\/)?"?(\d+)"?$/.exec(header.trim());
  if (!match) throw badRequest('invalid_if_match', 'If-Match must carry the ETag returned by the API.');
  return Number(match[1]);
}
