import { describe, expect, it } from 'vitest';
import { PartnerCenterError } from './errors.ts';
import { collect, flatten, paginateByContinuationToken, paginateByOffset, paginateBySeek } from './paging.ts';
import type { Collection } from './schemas/common.ts';

const next = (token?: string) => ({
  next: {
    uri: '/next',
    method: 'GET',
    headers: token ? [{ key: 'MS-ContinuationToken', value: token }] : [],
  },
});

describe('paginateByOffset', () => {
  it('advances the offset by the items received until there is no next link', async () => {
    const offsets: number[] = [];
    const pages: Record<number, Collection<number>> = {
      0: { totalCount: 5, items: [1, 2], links: next() },
      2: { totalCount: 5, items: [3, 4], links: next() },
      4: { totalCount: 5, items: [5] },
    };
    const items = await collect(
      flatten(
        paginateByOffset(async (offset) => {
          offsets.push(offset);
          return pages[offset] ?? { items: [] };
        }),
      ),
    );
    expect(items).toEqual([1, 2, 3, 4, 5]);
    expect(offsets).toEqual([0, 2, 4]);
  });

  it('reads totalCount as the size of the page, as Partner Center sends it, and follows next', async () => {
    const offsets: number[] = [];
    const pages: Record<number, Collection<string>> = {
      // The documented line-item page: two items, totalCount 2, and a (malformed) next link.
      0: { totalCount: 2, items: ['a', 'b'], links: next() },
      2: { totalCount: 1, items: ['c'] },
    };
    const items = await collect(
      flatten(
        paginateByOffset(async (offset) => {
          offsets.push(offset);
          return pages[offset] ?? { items: [] };
        }),
      ),
    );
    expect(items).toEqual(['a', 'b', 'c']);
    expect(offsets).toEqual([0, 2]);
  });

  it('stops at a grand totalCount even when a next link remains', async () => {
    let calls = 0;
    const items = await collect(
      flatten(
        paginateByOffset(async (offset) => {
          calls++;
          return { totalCount: 4, items: [offset, offset + 1], links: next() };
        }),
      ),
    );
    expect(items).toEqual([0, 1, 2, 3]);
    expect(calls).toBe(2);
  });

  it('is lazy: nothing is fetched beyond what the consumer takes', async () => {
    let calls = 0;
    const first = await collect(
      flatten(
        paginateByOffset(async (offset) => {
          calls++;
          return { items: [offset, offset + 1], links: next() };
        }),
      ),
      2,
    );
    expect(first).toEqual([0, 1]);
    expect(calls).toBe(1);
  });
});

describe('paginateBySeek', () => {
  it('follows MS-ContinuationToken from links.next until the last page', async () => {
    const tokens: Array<string | undefined> = [];
    const pages = [
      { items: ['a'], links: next('t1') },
      { items: ['b'], links: next('t2') },
      { items: ['c'], links: {} },
    ];
    const items = await collect(
      flatten(
        paginateBySeek(async (token) => {
          tokens.push(token);
          return pages.shift() ?? { items: [] };
        }),
      ),
    );
    expect(items).toEqual(['a', 'b', 'c']);
    expect(tokens).toEqual([undefined, 't1', 't2']);
  });

  it('stops if the service repeats the same token (no infinite loop)', async () => {
    let calls = 0;
    await collect(
      flatten(
        paginateBySeek(async () => {
          calls++;
          return { items: [calls], links: next('same') };
        }),
      ),
    );
    expect(calls).toBe(2);
  });
});

describe('paginateByContinuationToken', () => {
  it('uses the body continuationToken and ends on HTTP 400 code 2000', async () => {
    const tokens: Array<string | undefined> = [];
    const items = await collect(
      flatten(
        paginateByContinuationToken(async (token) => {
          tokens.push(token);
          if (token === 't2')
            throw new PartnerCenterError({ httpStatus: 400, code: 2000, description: 'done' });
          return { items: [token ?? 'first'], continuationToken: token ? 't2' : 't1' };
        }),
      ),
    );
    expect(items).toEqual(['first', 't1']);
    expect(tokens).toEqual([undefined, 't1', 't2']);
  });

  it('propagates other errors, and a 2000 on the first page', async () => {
    const failing = paginateByContinuationToken(async () => {
      throw new PartnerCenterError({ httpStatus: 400, code: 2000 });
    });
    await expect(collect(flatten(failing))).rejects.toBeInstanceOf(PartnerCenterError);
  });

  it('ends when no token comes back', async () => {
    const items = await collect(flatten(paginateByContinuationToken(async () => ({ items: [1, 2] }))));
    expect(items).toEqual([1, 2]);
  });
});
