import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { bool, decimal, enumText, int, pcObject, toLowerSnake } from './common.ts';

describe('schema helpers', () => {
  it('pcObject matches keys case-insensitively and keeps unknown keys', () => {
    const schema = pcObject({ fromCatalogItemId: z.string(), events: z.array(z.unknown()) });
    expect(schema.parse({ FromCatalogItemId: 'a', Events: [], Extra: 1 })).toEqual({
      fromCatalogItemId: 'a',
      events: [],
      Extra: 1,
    });
    // An exact key wins over a differently cased duplicate.
    expect(
      schema.parse({ fromCatalogItemId: 'a', FromCatalogItemId: 'b', events: [] }).fromCatalogItemId,
    ).toBe('a');
  });

  it('decimal keeps exact text and rejects non-numbers', () => {
    expect(decimal.parse('14.4')).toBe('14.4');
    expect(decimal.parse(820)).toBe('820');
    expect(decimal.parse('')).toBeUndefined();
    expect(decimal.safeParse('USD').success).toBe(false);
  });

  it('int and bool accept the string forms', () => {
    expect(int.parse('25')).toBe(25);
    expect(int.safeParse('2.5').success).toBe(false);
    expect(bool.parse('True')).toBe(true);
    expect(bool.parse(false)).toBe(false);
  });

  it('enumText folds casings into lower snake case and keeps unknown values', () => {
    const cycle = enumText(['monthly', 'one_time'] as const);
    expect(
      ['Monthly', 'MONTHLY', 'OneTime', 'one_time', 'Started ', 'transition_only', 'UserPurchase'].map(
        toLowerSnake,
      ),
    ).toEqual(['monthly', 'monthly', 'one_time', 'one_time', 'started', 'transition_only', 'user_purchase']);
    expect(cycle.parse('Quarterly')).toBe('quarterly');
  });
});
