import { describe, expect, it } from 'vitest';
import type { CatalogItem } from '../api';
import { upgradeBody, upgradePlan, upgradeTargets } from './upgrade';

const source = {
  status: 'active',
  quantity: 10,
  productId: 'BASIC',
  skuId: '0001',
  term: 'P1Y',
  billingCycle: 'monthly',
};

const item = (
  productId: string,
  over: Partial<CatalogItem> = {},
  term = 'P1Y',
  cycle = 'monthly',
): CatalogItem => ({
  id: `${productId}:0001`,
  source: 'microsoft',
  vendor: 'Microsoft',
  productFamily: null,
  productId,
  skuId: '0001',
  title: productId,
  description: null,
  unit: 'licence',
  isAddon: false,
  retiredAt: null,
  offers: [
    {
      id: `${productId}-${term}`,
      catalogItemId: `${productId}:0001`,
      term,
      billingCycle: cycle,
      segment: 'commercial',
      countries: ['JP'],
      retiredAt: null,
      prices: [],
    },
  ],
  ...over,
});

describe('upgrade plan', () => {
  const standard = item('STANDARD');

  it('upgrades every seat in place when no quantity (or the full one) is given', () => {
    for (const quantity of ['', 10]) {
      const plan = upgradePlan(source, standard, quantity);
      expect(plan).toEqual({ ok: true, kind: 'full', sku: 'STANDARD:0001', quantity: 10, remaining: 0 });
      if (plan.ok) expect(upgradeBody(plan)).toEqual({ sku: 'STANDARD:0001' });
    }
  });

  it('upgrades some seats to a co-terminous subscription', () => {
    const plan = upgradePlan(source, standard, 3);
    expect(plan).toEqual({ ok: true, kind: 'partial', sku: 'STANDARD:0001', quantity: 3, remaining: 7 });
    if (plan.ok) expect(upgradeBody(plan)).toEqual({ sku: 'STANDARD:0001', quantity: 3 });
  });

  it('refuses no target, the same SKU, seats out of range and an inactive subscription', () => {
    expect(upgradePlan(source, null, '')).toEqual({ ok: false, problems: ['target'] });
    expect(upgradePlan(source, item('BASIC'), '')).toEqual({ ok: false, problems: ['sameSku'] });
    for (const quantity of [0, 11, 2.5, 'x']) {
      expect(upgradePlan(source, standard, quantity)).toEqual({ ok: false, problems: ['quantity'] });
    }
    expect(upgradePlan({ ...source, status: 'suspended' }, standard, '')).toEqual({
      ok: false,
      problems: ['notActive'],
    });
  });
});

describe('upgrade targets', () => {
  it('offers other Microsoft SKUs with the same term and billing, no add-ons or retired ones', () => {
    const items = [
      item('BASIC'),
      item('STANDARD'),
      item('PREMIUM', {}, 'P1M', 'monthly'),
      item('ADDON', { isAddon: true }),
      item('OLD', { retiredAt: '2026-01-01' }),
      item('OWN', { source: 'own' }),
    ];
    expect(upgradeTargets(items, source).map((i) => i.productId)).toEqual(['STANDARD']);
  });
});
