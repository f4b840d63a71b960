import { describe, expect, it } from 'vitest';
import type { CatalogItem } from '../api';
import { offerChoices } from './wizard';

const offer = (term: string, billingCycle: string, countries: string[], retiredAt: string | null = null) => ({
  id: `${term}-${billingCycle}`,
  catalogItemId: 'P:S:O',
  term,
  billingCycle,
  segment: 'commercial',
  countries,
  retiredAt,
  prices: [],
});

const item = {
  id: 'x',
  source: 'microsoft',
  vendor: 'Microsoft',
  productFamily: null,
  productId: 'P',
  skuId: 'S',
  title: 'Thing',
  description: null,
  unit: 'licence',
  isAddon: false,
  retiredAt: null,
  offers: [
    offer('P1M', 'monthly', ['JP', 'DE']),
    offer('P1Y', 'monthly', ['JP']),
    offer('P1Y', 'annual', ['JP', 'DE']),
    offer('P3Y', 'annual', ['JP'], '2026-01-01'),
    offer('P1Y', 'monthly', ['JP']),
  ],
} satisfies CatalogItem;

describe('offer choices of the order wizard', () => {
  it('lists each buyable term and billing cycle once, annual terms first', () => {
    expect(offerChoices(item, 'jp').map((c) => c.value)).toEqual([
      'P1Y|annual',
      'P1Y|monthly',
      'P1M|monthly',
    ]);
  });

  it('leaves out offers of other markets and retired offers', () => {
    expect(offerChoices(item, 'DE').map((c) => c.value)).toEqual(['P1Y|annual', 'P1M|monthly']);
    expect(offerChoices(item, 'US')).toEqual([]);
  });
});
