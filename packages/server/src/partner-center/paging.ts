import { PartnerCenterError } from './errors.ts';
import type { Collection, Link } from './schemas/common.ts';

/**
 * The three paging patterns of Partner Center (API.md §0.6). Each iterator yields whole pages, fetched
 * lazily; `flatten` turns pages into items. Requests are built by the caller, because the next-page request
 * is not always what `links.next.uri` says (documented next links are sometimes malformed, e.g. `offset=`).
 */

export const CONTINUATION_HEADER = 'MS-ContinuationToken';

/** 1. Offset/size (invoices, legacy line items, offers): next offset = items seen so far. */
export async function* paginateByOffset<T>(
  fetchPage: (offset: number) => Promise<Collection<T>>,
  options: { startOffset?: number; maxPages?: number } = {},
): AsyncGenerator<T[], void, undefined> {
  let offset = options.startOffset ?? 0;
  const maxPages = options.maxPages ?? Number.POSITIVE_INFINITY;
  for (let page = 0; page < maxPages; page++) {
    const result = await fetchPage(offset);
    if (result.items.length > 0) yield result.items;
    offset += result.items.length;
    const more = Boolean(result.links?.next) && result.items.length > 0;
    // Partner Center's `totalCount` counts the items of this page (the documented line-item pages say
    // `totalCount: 2` next to two items and a `next` link), so it only bounds the walk when it is larger
    // than the page, i.e. when a service reports the grand total.
    const total = result.totalCount;
    const belowTotal = total === undefined || total <= result.items.length || offset < total;
    if (!more || !belowTotal) return;
  }
}

/**
 * 2. Seek: the next page is requested with `seekOperation=Next` plus the `MS-ContinuationToken` header taken
 * from `links.next.headers`. The last page has no `next` link.
 */
export async function* paginateBySeek<T>(
  fetchPage: (continuationToken: string | undefined, next: Link | undefined) => Promise<Collection<T>>,
  options: { maxPages?: number } = {},
): AsyncGenerator<T[], void, undefined> {
  let token: string | undefined;
  let next: Link | undefined;
  const maxPages = options.maxPages ?? Number.POSITIVE_INFINITY;
  for (let page = 0; page < maxPages; page++) {
    const result = await fetchPage(token, next);
    if (result.items.length > 0) yield result.items;
    next = result.links?.next ?? undefined;
    if (!next) return;
    const nextToken = continuationTokenOf(next) ?? result.continuationToken;
    if (!nextToken || nextToken === token) return;
    token = nextToken;
  }
}

/**
 * 3. Continuation token in the body (customers): `{ items, continuationToken }`; the next page is the same
 * request with `seekOperation=next` and the token as MS-ContinuationToken. Microsoft's own sample treats an
 * HTTP 400 with code 2000 on a follow-up page as "all records fetched".
 */
export async function* paginateByContinuationToken<T>(
  fetchPage: (continuationToken: string | undefined) => Promise<Collection<T>>,
  options: { maxPages?: number } = {},
): AsyncGenerator<T[], void, undefined> {
  let token: string | undefined;
  const maxPages = options.maxPages ?? Number.POSITIVE_INFINITY;
  for (let page = 0; page < maxPages; page++) {
    let result: Collection<T>;
    try {
      result = await fetchPage(token);
    } catch (error) {
      if (token !== undefined && error instanceof PartnerCenterError && isEndOfRecords(error)) return;
      throw error;
    }
    if (result.items.length > 0) yield result.items;
    const nextToken =
      result.continuationToken ?? (result.links?.next ? continuationTokenOf(result.links.next) : undefined);
    if (!nextToken || nextToken === token || result.items.length === 0) return;
    token = nextToken;
  }
}

export async function* flatten<T>(pages: AsyncIterable<T[]>): AsyncGenerator<T, void, undefined> {
  for await (const page of pages) yield* page;
}

export async function collect<T>(items: AsyncIterable<T>, limit = Number.POSITIVE_INFINITY): Promise<T[]> {
  const out: T[] = [];
  if (limit <= 0) return out;
  for await (const item of items) {
    out.push(item);
    if (out.length >= limit) break;
  }
  return out;
}

export function continuationTokenOf(link: Link): string | undefined {
  return link.headers?.find((h) => h.key.toLowerCase() === CONTINUATION_HEADER.toLowerCase())?.value;
}

function isEndOfRecords(error: PartnerCenterError): boolean {
  return error.httpStatus === 400 && String(error.code) === '2000';
}
