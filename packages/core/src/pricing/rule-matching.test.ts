import { describe, expect, it } from 'vitest';
import { Money } from '../money/money.ts';
import type { Buyer, BuyerScope, CatalogItem, PriceTarget } from './price-rule.ts';
import { matchBuyerScope, targetMatches, targetSpecificity } from './rule-matching.ts';

const license: CatalogItem = {
  kind: 'license',
  vendor: 'Microsoft',
  productFamily: 'Microsoft 365',
  productId: 'CFQ7TTC0LFLZ',
  skuId: '0002',
  cost: Money.of('1000', 'JPY'),
  list: null,
};
const meter: CatalogItem = {
  kind: 'azure_usage',
  vendor: 'Microsoft',
  meterCategory: 'Virtual Machines',
  meterId: 'd2sv5',
  cost: Money.of('0.1', 'USD'),
  list: null,
};
const own: CatalogItem = {
  kind: 'own_product',
  vendor: 'Contoso',
  ownProductId: 'backup',
  cost: Money.of('10', 'USD'),
  list: null,
};

describe('targetMatches', () => {
  it.each<[PriceTarget, boolean, boolean, boolean]>([
    [{ kind: 'all' }, true, true, true],
    [{ kind: 'vendor', vendor: 'Microsoft' }, true, true, false],
    [{ kind: 'vendor', vendor: 'Contoso' }, false, false, true],
    [{ kind: 'product_family', productFamily: 'Microsoft 365' }, true, false, false],
    [{ kind: 'product', productId: 'CFQ7TTC0LFLZ' }, true, false, false],
    [{ kind: 'sku', productId: 'CFQ7TTC0LFLZ', skuId: '0002' }, true, false, false],
    [{ kind: 'sku', productId: 'CFQ7TTC0LFLZ', skuId: '0001' }, false, false, false],
    [{ kind: 'sku', productId: 'CFQ7TTC0LF8Q', skuId: '0002' }, false, false, false],
    [{ kind: 'meter_category', meterCategory: 'Virtual Machines' }, false, true, false],
    [{ kind: 'meter', meterId: 'd2sv5' }, false, true, false],
    [{ kind: 'own_product', ownProductId: 'backup' }, false, false, true],
  ])('%o matches licence %s, meter %s, own product %s', (target, onLicense, onMeter, onOwn) => {
    expect([
      targetMatches(target, license),
      targetMatches(target, meter),
      targetMatches(target, own),
    ]).toEqual([onLicense, onMeter, onOwn]);
  });

  it('ranks targets from SKU, meter and own product down to all', () => {
    const ranks = (
      ['sku', 'meter', 'own_product', 'product', 'product_family', 'meter_category', 'vendor', 'all'] as const
    ).map((kind) => targetSpecificity({ kind } as PriceTarget));
    expect(ranks).toEqual([4, 4, 4, 3, 2, 2, 1, 0]);
  });
});

describe('matchBuyerScope', () => {
  const customer: Buyer = {
    customerId: 'c1',
    organizationId: 'org-c1',
    ancestorResellerIds: ['s1', 'r1'],
    currency: 'JPY',
  };
  const reseller: Buyer = { organizationId: 's1', ancestorResellerIds: ['r1'], currency: 'JPY' };

  it.each<[BuyerScope, Buyer, ReturnType<typeof matchBuyerScope>]>([
    [{ kind: 'all' }, customer, { rank: 0, distance: 0 }],
    [{ kind: 'customer', customerId: 'c1' }, customer, { rank: 2, distance: 0 }],
    [{ kind: 'customer', customerId: 'c2' }, customer, null],
    [{ kind: 'customer', customerId: 'c1' }, reseller, null],
    [{ kind: 'reseller_subtree', resellerId: 's1' }, customer, { rank: 1, distance: 1 }],
    [{ kind: 'reseller_subtree', resellerId: 'r1' }, customer, { rank: 1, distance: 2 }],
    [{ kind: 'reseller_subtree', resellerId: 'r9' }, customer, null],
    [{ kind: 'reseller_subtree', resellerId: 's1' }, reseller, { rank: 1, distance: 0 }],
    [{ kind: 'reseller_subtree', resellerId: 'r1' }, reseller, { rank: 1, distance: 1 }],
  ])('%o for %o', (scope, buyer, expected) => {
    expect(matchBuyerScope(scope, buyer)).toEqual(expected);
  });
});
