import { describe, expect, it } from 'vitest';
import type { PriceWindow } from './catalog-snapshot.ts';
import { planPriceSeries, type StoredPrice } from './plan-catalog-sync.ts';
import { mergeWindows } from './read-partner-center-catalog.ts';

const w = (from: string, to: string | null, cost: string, list: string | null = null): PriceWindow => ({
  from,
  to,
  currency: 'JPY',
  cost,
  list,
});
const s = (
  id: string,
  from: string,
  to: string | null,
  cost: string,
  list: string | null = null,
): StoredPrice => ({
  id,
  ...w(from, to, cost, list),
});

describe('mergeWindows', () => {
  it('joins month-end splits of one price and opens the last window at the horizon', () => {
    expect(
      mergeWindows(
        [w('2025-02-01', '2025-03-01', '765'), w('2025-01-01', '2025-02-01', '765')],
        '2025-03-01',
      ),
    ).toEqual([w('2025-01-01', null, '765')]);
  });

  it('keeps a change, and a window that ends before the horizon (a retirement)', () => {
    expect(
      mergeWindows(
        [
          w('2025-01-01', '2025-01-20', '765'),
          w('2025-01-20', '2025-02-01', '800'),
          w('2025-02-01', '2025-02-10', '800'),
        ],
        '2025-03-01',
      ),
    ).toEqual([w('2025-01-01', '2025-01-20', '765'), w('2025-01-20', '2025-02-10', '800')]);
  });

  it('drops an overlapping window; one ending before the horizon stays closed', () => {
    expect(
      mergeWindows([w('2025-01-01', '2025-02-01', '1'), w('2025-01-15', '2025-02-01', '2')], '2025-03-01'),
    ).toEqual([w('2025-01-01', '2025-02-01', '1')]);
  });
});

describe('planPriceSeries', () => {
  const H = '2025-01-01';

  it('does nothing when the stored timeline already says what was published', () => {
    expect(planPriceSeries([s('1', '2024-12-01', null, '765.00')], [w(H, null, '765')], H)).toBeNull();
    expect(
      planPriceSeries(
        [s('1', '2024-06-01', '2025-02-01', '765'), s('2', '2025-02-01', null, '800')],
        [w(H, '2025-02-01', '765'), w('2025-02-01', null, '800')],
        H,
      ),
    ).toBeNull();
  });

  it('inserts every published price of a new offer', () => {
    expect(planPriceSeries([], [w(H, '2025-02-01', '765'), w('2025-02-01', null, '800')], H)).toEqual({
      supersede: [],
      close: [],
      insert: [w(H, '2025-02-01', '765'), w('2025-02-01', null, '800')],
      changes: [
        { effectiveDate: H, before: null, after: w(H, '2025-02-01', '765') },
        { effectiveDate: '2025-02-01', before: null, after: w('2025-02-01', null, '800') },
      ],
    });
  });

  it('closes the price in force at a future change and keeps its history', () => {
    const plan = planPriceSeries(
      [s('1', '2024-12-01', null, '765', '900')],
      [w(H, '2025-02-01', '765', '900'), w('2025-02-01', null, '800', '941')],
      H,
    );
    expect(plan).toEqual({
      supersede: [],
      close: [{ id: '1', to: '2025-02-01' }],
      insert: [w('2025-02-01', null, '800', '941')],
      changes: [
        {
          effectiveDate: '2025-02-01',
          before: expect.objectContaining({ id: '1', cost: '765', list: '900' }),
          after: w('2025-02-01', null, '800', '941'),
        },
      ],
    });
  });

  it('supersedes an announced price that is revised before it takes effect', () => {
    const plan = planPriceSeries(
      [s('1', '2024-12-01', '2025-02-01', '765'), s('2', '2025-02-01', null, '800')],
      [w(H, '2025-02-01', '765'), w('2025-02-01', null, '790')],
      H,
    );
    expect(plan).toMatchObject({ supersede: ['2'], close: [], insert: [w('2025-02-01', null, '790')] });
    expect(plan?.changes.map((c) => [c.effectiveDate, c.before?.cost, c.after?.cost])).toEqual([
      ['2025-02-01', '800', '790'],
    ]);
  });

  it('ends a price that is no longer published from a date (a retirement)', () => {
    const plan = planPriceSeries([s('1', '2024-12-01', null, '765')], [w(H, '2025-01-15', '765')], H);
    expect(plan).toMatchObject({ supersede: [], close: [{ id: '1', to: '2025-01-15' }], insert: [] });
    expect(plan?.changes.map((c) => [c.effectiveDate, c.before?.cost, c.after])).toEqual([
      ['2025-01-15', '765', null],
    ]);
  });

  it('never touches what ended before the published period', () => {
    const plan = planPriceSeries(
      [s('1', '2024-01-01', '2024-07-01', '700'), s('2', '2024-07-01', null, '765')],
      [w(H, null, '800')],
      H,
    );
    expect(plan).toMatchObject({ supersede: [], close: [{ id: '2', to: H }], insert: [w(H, null, '800')] });
  });
});
