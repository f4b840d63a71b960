import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Money, type RoundingMode } from '../money/money.ts';
import { parsePlainDate } from '../time/calendar.ts';
import { type ExchangeRate, MissingExchangeRateError } from './exchange.ts';
import {
  type Buyer,
  type BuyerScope,
  type CatalogItem,
  type PercentRuleKind,
  PriceBook,
  type PriceRule,
  type PriceTarget,
} from './price-rule.ts';
import { type ResolveOptions, resolvePrice } from './resolve-price.ts';

const d = parsePlainDate;
const jpy = (amount: string) => Money.of(amount, 'JPY');
const usd = (amount: string) => Money.of(amount, 'USD');

type RuleExtras = Partial<
  Pick<PriceRule, 'target' | 'buyerScope' | 'effectiveFrom' | 'effectiveTo' | 'allowBelowCost'>
>;

function pct(id: string, kind: PercentRuleKind, percent: string, extras: RuleExtras = {}): PriceRule {
  return {
    id,
    kind,
    percent,
    target: { kind: 'all' },
    buyerScope: { kind: 'all' },
    effectiveFrom: d('2026-01-01'),
    effectiveTo: null,
    ...extras,
  };
}

function fixed(id: string, unitPrice: Money, extras: RuleExtras = {}): PriceRule {
  return {
    id,
    kind: 'fixed_price',
    unitPrice,
    target: { kind: 'all' },
    buyerScope: { kind: 'all' },
    effectiveFrom: d('2026-01-01'),
    effectiveTo: null,
    ...extras,
  };
}

function license(cost: Money, list: Money | null, extras: Partial<CatalogItem> = {}): CatalogItem {
  return {
    kind: 'license',
    vendor: 'Microsoft',
    productFamily: 'Microsoft 365',
    productId: 'CFQ7TTC0LFLZ',
    skuId: '0002',
    cost,
    list,
    ...extras,
  };
}

function usage(cost: Money, list: Money | null): CatalogItem {
  return {
    kind: 'azure_usage',
    vendor: 'Microsoft',
    productId: 'DZH318Z0BPS6',
    meterCategory: 'Virtual Machines',
    meterId: 'meter-d2sv5',
    cost,
    list,
  };
}

function ownProduct(cost: Money, list: Money | null): CatalogItem {
  return { kind: 'own_product', vendor: 'Contoso Services', ownProductId: 'managed-backup', cost, list };
}

/** Customer c1 of sub-reseller s1, itself under reseller r1. */
const customer: Buyer = {
  customerId: 'c1',
  organizationId: 'org-c1',
  ancestorResellerIds: ['s1', 'r1'],
  currency: 'JPY',
};

const ON = d('2026-03-15');

function resolve(
  rules: readonly PriceRule[],
  item: CatalogItem,
  options: ResolveOptions = {},
  buyer: Buyer = customer,
  date = ON,
) {
  return resolvePrice(PriceBook.of(rules), item, buyer, date, options);
}

describe('rule kinds', () => {
  it.each<[string, PriceRule, CatalogItem, Buyer['currency'], string, string, string]>([
    [
      'markup 20% on cost',
      pct('r', 'markup', '20'),
      license(jpy('1000'), jpy('1500')),
      'JPY',
      '1200',
      'markup 20% on cost',
      '1,000 JPY × 1.20 = 1,200 JPY',
    ],
    [
      'markup 12.5% on cost',
      pct('r', 'markup', '12.5'),
      license(jpy('1000'), null),
      'JPY',
      '1125',
      'markup 12.5% on cost',
      '1,000 JPY × 1.125 = 1,125 JPY',
    ],
    [
      'markup 0% on cost',
      pct('r', 'markup', '0'),
      license(jpy('1000'), null),
      'JPY',
      '1000',
      'markup 0% on cost',
      '1,000 JPY × 1.00 = 1,000 JPY',
    ],
    [
      'margin 20% on sale',
      pct('r', 'margin', '20'),
      license(jpy('1000'), jpy('1500')),
      'JPY',
      '1250',
      'margin 20% on sale',
      '1,000 JPY ÷ 0.80 = 1,250 JPY',
    ],
    [
      'margin 12.5% on sale, rounded',
      pct('r', 'margin', '12.5'),
      license(jpy('1000'), null),
      'JPY',
      '1143',
      'margin 12.5% on sale',
      '1,000 JPY ÷ 0.875 = 1,142.8571428571428571428571428571428571428571 JPY',
    ],
    [
      'discount 15% off list',
      pct('r', 'list_discount', '15'),
      license(jpy('1000'), jpy('1500')),
      'JPY',
      '1275',
      'discount 15% off list price',
      '1,500 JPY × 0.85 = 1,275 JPY',
    ],
    [
      'fixed price',
      fixed('r', jpy('999')),
      license(jpy('800'), jpy('1500')),
      'JPY',
      '999',
      'fixed price',
      '999 JPY',
    ],
    [
      'markup 7.5% in USD, rounded to cents',
      pct('r', 'markup', '7.5'),
      license(usd('12.34'), null),
      'USD',
      '13.27',
      'markup 7.5% on cost',
      '12.34 USD × 1.075 = 13.2655 USD',
    ],
    [
      'margin 30% in USD',
      pct('r', 'margin', '30'),
      license(usd('10.00'), null),
      'USD',
      '14.29',
      'margin 30% on sale',
      '10.00 USD ÷ 0.70 = 14.2857142857142857142857142857142857142857 USD',
    ],
    [
      'Azure usage markup 10% on cost, unrounded',
      pct('r', 'usage_markup', '10'),
      usage(usd('0.123456'), usd('0.1385')),
      'USD',
      '0.1358016',
      'Azure usage markup 10% on cost',
      '0.123456 USD × 1.10 = 0.1358016 USD',
    ],
    [
      'Azure usage 5% off pay-as-you-go, unrounded',
      pct('r', 'usage_payg_discount', '5'),
      usage(usd('0.123456'), usd('0.1385')),
      'USD',
      '0.131575',
      'Azure usage discount 5% off pay-as-you-go list',
      '0.1385 USD × 0.95 = 0.131575 USD',
    ],
    [
      'markup on an own product',
      pct('r', 'markup', '25', { target: { kind: 'own_product', ownProductId: 'managed-backup' } }),
      ownProduct(jpy('4000'), null),
      'JPY',
      '5000',
      'markup 25% on cost',
      '4,000 JPY × 1.25 = 5,000 JPY',
    ],
  ])('%s', (_name, rule, item, currency, price, label, formula) => {
    const result = resolve([rule], item, {}, { ...customer, currency });
    expect(result.unitPrice.toJSON()).toEqual({ amount: price, currency });
    expect(result.basis).toBe('rule');
    expect(result.rule?.id).toBe('r');
    expect(result.explanation.ruleId).toBe('r');
    expect(result.explanation.steps[0]).toMatchObject({ label, formula });
  });

  it('explains a licence price completely', () => {
    const result = resolve([pct('r1', 'markup', '20')], license(jpy('1000'), jpy('1500')));
    expect(result.cost.toJSON()).toEqual({ amount: '1000', currency: 'JPY' });
    expect(result.belowCost).toBe(false);
    expect(result.belowCostAllowed).toBe(false);
    expect(result.explanation).toEqual({
      summary: '1,200 JPY by rule "r1": markup 20% on cost (all buyers; all products)',
      steps: [
        { label: 'markup 20% on cost', formula: '1,000 JPY × 1.20 = 1,200 JPY', result: '1,200 JPY' },
        {
          label: 'round half-up to the JPY minor unit (0 decimals)',
          formula: '1,200 JPY → 1,200 JPY',
          result: '1,200 JPY',
        },
      ],
      ruleId: 'r1',
      notes: [],
    });
  });

  it('explains an Azure rate without a rounding step', () => {
    const result = resolve(
      [pct('u1', 'usage_markup', '10')],
      usage(usd('0.123456'), null),
      {},
      {
        ...customer,
        currency: 'USD',
      },
    );
    expect(result.explanation).toEqual({
      summary: '0.1358016 USD by rule "u1": Azure usage markup 10% on cost (all buyers; all products)',
      steps: [
        {
          label: 'Azure usage markup 10% on cost',
          formula: '0.123456 USD × 1.10 = 0.1358016 USD',
          result: '0.1358016 USD',
        },
      ],
      ruleId: 'u1',
      notes: [],
    });
  });
});

describe('rounding', () => {
  // 1,000 JPY × 1.1245 = 1,124.5 JPY: a tie at the yen.
  it.each<[RoundingMode | 'none', string]>([
    ['half-up', '1125'],
    ['half-even', '1124'],
    ['down', '1124'],
    ['up', '1125'],
    ['none', '1124.5'],
  ])('licence price with %s', (round, expected) => {
    const result = resolve([pct('r', 'markup', '12.45')], license(jpy('1000'), null), { round });
    expect(result.unitPrice.toString()).toBe(expected);
    expect(result.explanation.steps.length).toBe(round === 'none' ? 1 : 2);
  });

  it('rounds an Azure rate only when asked to', () => {
    const item = usage(usd('0.123456'), null);
    const buyer = { ...customer, currency: 'USD' };
    expect(resolve([pct('u', 'usage_markup', '10')], item, {}, buyer).unitPrice.toString()).toBe('0.1358016');
    const rounded = resolve([pct('u', 'usage_markup', '10')], item, { round: 'half-up' }, buyer);
    expect(rounded.unitPrice.toString()).toBe('0.14');
    expect(rounded.explanation.steps[1]).toEqual({
      label: 'round half-up to the USD minor unit (2 decimals)',
      formula: '0.1358016 USD → 0.14 USD',
      result: '0.14 USD',
    });
  });

  it('rounds to 3 decimals for KWD', () => {
    const result = resolve(
      [pct('r', 'markup', '10')],
      license(Money.of('1.2345', 'KWD'), null),
      {},
      {
        ...customer,
        currency: 'KWD',
      },
    );
    expect(result.unitPrice.toString()).toBe('1.358');
  });
});

describe('precedence by buyer scope', () => {
  const all = pct('all', 'markup', '10');
  const r1 = pct('r1', 'markup', '20', { buyerScope: { kind: 'reseller_subtree', resellerId: 'r1' } });
  const s1 = pct('s1', 'markup', '30', { buyerScope: { kind: 'reseller_subtree', resellerId: 's1' } });
  const c1 = pct('c1', 'markup', '40', { buyerScope: { kind: 'customer', customerId: 'c1' } });
  const c2 = pct('c2', 'markup', '50', { buyerScope: { kind: 'customer', customerId: 'c2' } });
  const r9 = pct('r9', 'markup', '60', { buyerScope: { kind: 'reseller_subtree', resellerId: 'r9' } });
  const item = license(jpy('1000'), null);

  it.each<[string, PriceRule[], string, string]>([
    ['customer beats every subtree and all', [all, r1, s1, c1, c2, r9], 'c1', '1400'],
    ['nearest subtree beats farther subtree', [all, r1, s1, c2, r9], 's1', '1300'],
    ['farther subtree beats all buyers', [all, r1, c2, r9], 'r1', '1200'],
    ['all buyers when nothing narrower matches', [all, c2, r9], 'all', '1100'],
    ['another customer or reseller never matches', [c2, r9], 'default', '1000'],
  ])('%s', (_name, rules, winner, price) => {
    const result = resolve(rules, item);
    expect(result.rule?.id ?? 'default').toBe(winner);
    expect(result.unitPrice.toString()).toBe(price);
  });

  it('matches a reseller buying for itself with its own subtree first', () => {
    const reseller: Buyer = { organizationId: 's1', ancestorResellerIds: ['r1'], currency: 'JPY' };
    expect(resolve([all, r1, s1, c1], item, {}, reseller).rule?.id).toBe('s1');
    expect(resolve([all, r1, c1], item, {}, reseller).rule?.id).toBe('r1');
  });

  it('lets the buyer scope outrank a more specific target', () => {
    const skuForAll = fixed('sku-all', jpy('999'), {
      target: { kind: 'sku', productId: 'CFQ7TTC0LFLZ', skuId: '0002' },
    });
    const result = resolve([skuForAll, c1], item);
    expect(result.rule?.id).toBe('c1');
    expect(result.explanation.notes).toEqual([
      {
        ruleId: 'sku-all',
        code: 'outranked',
        reason: 'outranked by rule "c1": customer c1 beats all buyers',
      },
    ]);
  });
});

describe('precedence by target', () => {
  const targets: [string, PriceTarget][] = [
    ['all', { kind: 'all' }],
    ['vendor', { kind: 'vendor', vendor: 'Microsoft' }],
    ['family', { kind: 'product_family', productFamily: 'Microsoft 365' }],
    ['product', { kind: 'product', productId: 'CFQ7TTC0LFLZ' }],
    ['sku', { kind: 'sku', productId: 'CFQ7TTC0LFLZ', skuId: '0002' }],
  ];
  const rules = targets.map(([id, target], i) => pct(id, 'markup', String((i + 1) * 10), { target }));
  const item = license(jpy('1000'), null);

  it.each([
    [5, 'sku', '1500'],
    [4, 'product', '1400'],
    [3, 'family', '1300'],
    [2, 'vendor', '1200'],
    [1, 'all', '1100'],
  ])('with the %i least specific rules, %s wins', (count, winner, price) => {
    const result = resolve(rules.slice(0, count), item);
    expect(result.rule?.id).toBe(winner);
    expect(result.unitPrice.toString()).toBe(price);
  });

  it('explains each outranked rule in precedence order', () => {
    expect(resolve(rules, item).explanation.notes.map((n) => n.reason)).toEqual([
      'outranked by rule "sku": SKU CFQ7TTC0LFLZ:0002 is more specific than product CFQ7TTC0LFLZ',
      'outranked by rule "sku": SKU CFQ7TTC0LFLZ:0002 is more specific than product family Microsoft 365',
      'outranked by rule "sku": SKU CFQ7TTC0LFLZ:0002 is more specific than vendor Microsoft',
      'outranked by rule "sku": SKU CFQ7TTC0LFLZ:0002 is more specific than all products',
    ]);
  });

  it.each<[string, PriceTarget]>([
    ['the same SKU id of another product', { kind: 'sku', productId: 'CFQ7TTC0LF8Q', skuId: '0002' }],
    ['another product', { kind: 'product', productId: 'CFQ7TTC0LF8Q' }],
    ['another family', { kind: 'product_family', productFamily: 'Dynamics 365' }],
    ['another vendor', { kind: 'vendor', vendor: 'Adobe' }],
    ['an own product', { kind: 'own_product', ownProductId: 'managed-backup' }],
  ])('ignores a rule on %s', (_name, target) => {
    const result = resolve([pct('other', 'markup', '50', { target })], item);
    expect(result.rule).toBeNull();
    expect(result.explanation.notes).toEqual([]);
  });

  it('orders Azure targets: meter > meter category > vendor > all', () => {
    const item = usage(usd('1.00'), null);
    const buyer = { ...customer, currency: 'USD' };
    const azure: [string, PriceTarget][] = [
      ['all', { kind: 'all' }],
      ['vendor', { kind: 'vendor', vendor: 'Microsoft' }],
      ['category', { kind: 'meter_category', meterCategory: 'Virtual Machines' }],
      ['meter', { kind: 'meter', meterId: 'meter-d2sv5' }],
    ];
    const usageRules = azure.map(([id, target], i) => pct(id, 'usage_markup', String(i + 1), { target }));
    const winners = [4, 3, 2, 1].map((n) => {
      const r = resolve(usageRules.slice(0, n), item, {}, buyer);
      return `${r.rule?.id} ${r.unitPrice}`;
    });
    expect(winners).toEqual(['meter 1.04', 'category 1.03', 'vendor 1.02', 'all 1.01']);
    expect(
      resolve(
        [pct('other', 'usage_markup', '9', { target: { kind: 'meter', meterId: 'm2' } })],
        item,
        {},
        buyer,
      ).rule,
    ).toBeNull();
  });

  it('prefers an own-product rule over an all-products one', () => {
    const result = resolve(
      [
        pct('all', 'markup', '10'),
        fixed('own', jpy('5500'), { target: { kind: 'own_product', ownProductId: 'managed-backup' } }),
      ],
      ownProduct(jpy('4000'), null),
    );
    expect([result.rule?.id, result.unitPrice.toString()]).toEqual(['own', '5500']);
  });
});

describe('precedence by effective date', () => {
  const item = license(jpy('1000'), null);
  const old = pct('old', 'markup', '10');
  const successor = pct('new', 'markup', '20', { effectiveFrom: d('2026-03-01') });
  const promo = pct('promo', 'markup', '5', {
    buyerScope: { kind: 'customer', customerId: 'c1' },
    effectiveFrom: d('2026-03-01'),
    effectiveTo: d('2026-04-01'),
  });

  it.each([
    ['2025-12-31', 'default', '1000'],
    ['2026-01-01', 'old', '1100'],
    ['2026-02-28', 'old', '1100'],
    ['2026-03-01', 'promo', '1050'],
    ['2026-03-31', 'promo', '1050'],
    ['2026-04-01', 'new', '1200'],
    ['2030-01-01', 'new', '1200'],
  ])('on %s %s applies', (date, winner, price) => {
    const result = resolve([old, successor, promo], item, {}, customer, d(date));
    expect(result.rule?.id ?? 'default').toBe(winner);
    expect(result.unitPrice.toString()).toBe(price);
  });

  it('says why the older and the expired rules did not apply', () => {
    const result = resolve([old, successor, promo], item, {}, customer, d('2026-04-01'));
    expect(result.explanation.notes).toEqual([
      {
        ruleId: 'old',
        code: 'outranked',
        reason: 'outranked by rule "new": effective from 2026-03-01, later than 2026-01-01',
      },
      {
        ruleId: 'promo',
        code: 'expired',
        reason: 'effective until 2026-04-01 (exclusive), not on 2026-04-01',
      },
    ]);
    const early = resolve([old, successor], item, {}, customer, d('2026-02-28'));
    expect(early.explanation.notes).toEqual([
      { ruleId: 'new', code: 'not_yet_effective', reason: 'effective from 2026-03-01, after 2026-02-28' },
    ]);
  });

  it('does not let a later date beat a more specific target', () => {
    const sku = pct('sku', 'markup', '30', {
      target: { kind: 'sku', productId: 'CFQ7TTC0LFLZ', skuId: '0002' },
    });
    expect(resolve([sku, successor], item).rule?.id).toBe('sku');
  });

  it('breaks a complete tie by the rule id that sorts first', () => {
    const result = resolve(
      [pct('b', 'markup', '20'), pct('a', 'markup', '10'), pct('B', 'markup', '30')],
      item,
    );
    // Code-unit order: "B" (0x42) sorts before "a" (0x61).
    expect(result.rule?.id).toBe('B');
    expect(result.explanation.notes.map((n) => n.reason)).toEqual([
      'outranked by rule "B": same scope, target and start date; rule id "B" sorts before "a"',
      'outranked by rule "B": same scope, target and start date; rule id "B" sorts before "b"',
    ]);
  });
});

describe('inapplicable rules', () => {
  it('skips and explains each reason, and lists only rules aimed at this item and buyer', () => {
    const result = resolve(
      [
        pct('winner', 'markup', '10', { buyerScope: { kind: 'customer', customerId: 'c1' } }),
        pct('fallback', 'markup', '5'),
        pct('usage', 'usage_markup', '3'),
        fixed('usd-price', usd('6.50')),
        pct('needs-list', 'list_discount', '15'),
        pct('expired', 'markup', '1', { effectiveTo: d('2026-02-01') }),
        pct('elsewhere', 'markup', '50', { buyerScope: { kind: 'customer', customerId: 'c2' } }),
      ],
      license(jpy('1000'), null),
    );
    expect(result.rule?.id).toBe('winner');
    expect(result.explanation.notes).toEqual([
      {
        ruleId: 'fallback',
        code: 'outranked',
        reason: 'outranked by rule "winner": customer c1 beats all buyers',
      },
      {
        ruleId: 'expired',
        code: 'expired',
        reason: 'effective until 2026-02-01 (exclusive), not on 2026-03-15',
      },
      { ruleId: 'needs-list', code: 'no_list_price', reason: 'no list price is known for the item' },
      {
        ruleId: 'usage',
        code: 'item_kind_mismatch',
        reason: 'usage_markup rules price Azure usage, not licences',
      },
      {
        ruleId: 'usd-price',
        code: 'currency_mismatch',
        reason: 'fixed price 6.50 USD is in USD; the buyer is billed in JPY',
      },
    ]);
  });

  it('keeps licence rules off Azure usage', () => {
    const result = resolve(
      [pct('lic', 'markup', '50')],
      usage(usd('0.5'), usd('0.6')),
      {},
      {
        ...customer,
        currency: 'USD',
      },
    );
    expect([result.rule, result.basis, result.unitPrice.toString()]).toEqual([null, 'list_price', '0.6']);
    expect(result.explanation.notes).toEqual([
      {
        ruleId: 'lic',
        code: 'item_kind_mismatch',
        reason: 'markup rules price licences and own products, not Azure usage',
      },
    ]);
  });

  it('falls back to the next rule when a fixed price is in another currency', () => {
    const result = resolve(
      [
        fixed('usd-sku', usd('6.50'), { target: { kind: 'sku', productId: 'CFQ7TTC0LFLZ', skuId: '0002' } }),
        pct('all', 'markup', '20'),
      ],
      license(jpy('1000'), null),
    );
    expect([result.rule?.id, result.unitPrice.toString()]).toEqual(['all', '1200']);
    expect(result.explanation.notes.map((n) => n.code)).toEqual(['currency_mismatch']);
  });
});

describe('currency conversion', () => {
  const rates: ExchangeRate[] = [
    { from: 'USD', to: 'JPY', rate: '148.1', date: d('2026-02-01') },
    { from: 'USD', to: 'JPY', rate: '150.25', date: d('2026-03-01') },
    { from: 'USD', to: 'JPY', rate: '152', date: d('2026-04-01') },
  ];

  it('converts the cost first, then applies the markup, then rounds', () => {
    const result = resolve([pct('r', 'markup', '20')], license(usd('10.00'), null), { exchangeRates: rates });
    expect(result.unitPrice.toJSON()).toEqual({ amount: '1803', currency: 'JPY' });
    expect(result.cost.toJSON()).toEqual({ amount: '1502.5', currency: 'JPY' });
    expect(result.explanation.steps).toEqual([
      {
        label: "convert cost to JPY at Microsoft's rate of 2026-03-01",
        formula: '10.00 USD × 150.25 = 1,502.5 JPY',
        result: '1,502.5 JPY',
      },
      { label: 'markup 20% on cost', formula: '1,502.5 JPY × 1.20 = 1,803 JPY', result: '1,803 JPY' },
      {
        label: 'round half-up to the JPY minor unit (0 decimals)',
        formula: '1,803 JPY → 1,803 JPY',
        result: '1,803 JPY',
      },
    ]);
  });

  it.each([
    ['markup 10%', pct('r', 'markup', '10'), '1653'], // 1,502.5 × 1.1 = 1,652.75
    ['margin 20%', pct('r', 'margin', '20'), '1878'], // 1,502.5 ÷ 0.8 = 1,878.125
    ['15% off list', pct('r', 'list_discount', '15'), '1533'], // 12 × 150.25 = 1,803; × 0.85 = 1,532.55
  ])('%s on a converted USD cost', (_name, rule, price) => {
    const result = resolve([rule], license(usd('10.00'), usd('12.00')), { exchangeRates: rates });
    expect(result.unitPrice.toString()).toBe(price);
  });

  it('converts the list price when the rule uses it', () => {
    const result = resolve([pct('r', 'list_discount', '15')], license(usd('10.00'), usd('12.00')), {
      exchangeRates: rates,
    });
    expect(result.explanation.steps.map((s) => s.formula)).toEqual([
      '10.00 USD × 150.25 = 1,502.5 JPY',
      '12.00 USD × 150.25 = 1,803 JPY',
      '1,803 JPY × 0.85 = 1,532.55 JPY',
      '1,532.55 JPY → 1,533 JPY',
    ]);
  });

  it('uses the rate in force on the pricing date', () => {
    const item = license(usd('10.00'), null);
    const on = (date: string) =>
      resolve(
        [pct('r', 'markup', '0')],
        item,
        { exchangeRates: rates },
        customer,
        d(date),
      ).unitPrice.toString();
    expect([on('2026-02-15'), on('2026-03-15'), on('2026-04-15')]).toEqual(['1481', '1503', '1520']);
  });

  it('applies a fixed JPY price without converting it, but checks it against the converted cost', () => {
    const result = resolve([fixed('f', jpy('999'))], license(usd('10.00'), null), { exchangeRates: rates });
    expect(result.unitPrice.toString()).toBe('999');
    expect(result.belowCost).toBe(true);
    expect(result.explanation.summary).toBe(
      '999 JPY by rule "f": fixed price (all buyers; all products); below cost 1,502.5 JPY, flagged',
    );
  });

  it('refuses to price without a rate, even for a fixed price', () => {
    for (const rules of [[pct('r', 'markup', '20')], [fixed('f', jpy('999'))], []]) {
      expect(() => resolve(rules, license(usd('10.00'), null), { exchangeRates: [] })).toThrow(
        MissingExchangeRateError,
      );
    }
    // Only JPY→USD is known: inverting it is not Microsoft's rate.
    const inverse: ExchangeRate[] = [{ from: 'JPY', to: 'USD', rate: '0.0066', date: d('2026-03-01') }];
    expect(() => resolve([], license(usd('10.00'), null), { exchangeRates: inverse })).toThrow(
      MissingExchangeRateError,
    );
  });
});

describe('default without a matching rule', () => {
  it.each<[string, CatalogItem, Buyer['currency'], string, string, string]>([
    [
      'sells at list price',
      license(jpy('1000'), jpy('1500')),
      'JPY',
      '1500',
      'list_price',
      '1,500 JPY: no price rule matched, sold at list price',
    ],
    [
      'sells at cost without a list price',
      license(jpy('1000'), null),
      'JPY',
      '1000',
      'cost',
      '1,000 JPY: no price rule matched and no list price is known, sold at cost',
    ],
    [
      'converts the list price',
      license(usd('10.00'), usd('12.00')),
      'JPY',
      '1803',
      'list_price',
      '1,803 JPY: no price rule matched, sold at list price',
    ],
    [
      'keeps an Azure list rate exact',
      usage(usd('0.123456'), usd('0.1385')),
      'USD',
      '0.1385',
      'list_price',
      '0.1385 USD: no price rule matched, sold at list price',
    ],
  ])('%s', (_name, item, currency, price, basis, summary) => {
    const rates: ExchangeRate[] = [{ from: 'USD', to: 'JPY', rate: '150.25', date: d('2026-03-01') }];
    const result = resolve([], item, { exchangeRates: rates }, { ...customer, currency });
    expect(result.unitPrice.toString()).toBe(price);
    expect(result.basis).toBe(basis);
    expect(result.rule).toBeNull();
    expect(result.explanation.ruleId).toBeNull();
    expect(result.explanation.summary).toBe(summary);
  });

  it('flags a list price below cost', () => {
    const result = resolve([], license(jpy('1000'), jpy('900')));
    expect([result.belowCost, result.belowCostAllowed]).toEqual([true, false]);
  });
});

describe('below cost', () => {
  const item = license(jpy('1000'), jpy('1300'));

  it('flags a price below cost and explains it', () => {
    const result = resolve([pct('d30', 'list_discount', '30')], item);
    expect(result.unitPrice.toString()).toBe('910');
    expect([result.belowCost, result.belowCostAllowed]).toEqual([true, false]);
    expect(result.explanation.steps.at(-1)).toEqual({
      label: 'below cost',
      formula: '910 JPY < 1,000 JPY',
      result: 'flagged',
    });
    expect(result.explanation.summary).toBe(
      '910 JPY by rule "d30": discount 30% off list price (all buyers; all products); below cost 1,000 JPY, flagged',
    );
  });

  it('still flags it when the rule allows it, and says so', () => {
    const result = resolve([pct('d30', 'list_discount', '30', { allowBelowCost: true })], item);
    expect([result.belowCost, result.belowCostAllowed]).toEqual([true, true]);
    expect(result.explanation.steps.at(-1)?.result).toBe('allowed by the rule');
  });

  it('does not flag a price equal to cost', () => {
    const result = resolve([fixed('f', jpy('1000'))], item);
    expect(result.belowCost).toBe(false);
  });

  it('flags a loss made only by rounding', () => {
    const result = resolve([pct('m0', 'markup', '0')], license(jpy('1000.4'), null));
    expect([result.unitPrice.toString(), result.belowCost]).toEqual(['1000', true]);
  });
});

describe('properties', () => {
  // Few distinct scopes, targets and dates, so that rules often tie on everything but their id.
  const scopeArb = fc.constantFrom<BuyerScope>(
    { kind: 'all' },
    { kind: 'reseller_subtree', resellerId: 'r1' },
    { kind: 'reseller_subtree', resellerId: 's1' },
    { kind: 'reseller_subtree', resellerId: 'r9' },
    { kind: 'customer', customerId: 'c1' },
    { kind: 'customer', customerId: 'c2' },
  );
  const targetArb = fc.constantFrom<PriceTarget>(
    { kind: 'all' },
    { kind: 'product_family', productFamily: 'Microsoft 365' },
    { kind: 'sku', productId: 'CFQ7TTC0LFLZ', skuId: '0002' },
    { kind: 'sku', productId: 'OTHER', skuId: '0002' },
  );
  const startArb = fc.constantFrom('2026-01-01', '2026-02-01').map(d);
  const dateArb = fc.constantFrom('2025-12-31', '2026-01-15', '2026-02-15', '2026-03-15').map(d);
  const percentArb = fc.integer({ min: 0, max: 9999 }).map((n) => (n / 100).toFixed(2));
  const ruleArb = fc
    .record({
      id: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'),
      kind: fc.constantFrom('markup', 'margin', 'list_discount', 'fixed_jpy', 'fixed_usd', 'usage_markup'),
      percent: percentArb,
      target: targetArb,
      buyerScope: scopeArb,
      effectiveFrom: startArb,
      length: fc.option(fc.constantFrom(31, 59), { freq: 3 }),
    })
    .map((r): PriceRule => {
      const base = {
        id: r.id,
        buyerScope: r.buyerScope,
        effectiveFrom: r.effectiveFrom,
        effectiveTo: r.length === null ? null : r.effectiveFrom.add({ days: r.length }),
      };
      if (r.kind === 'fixed_jpy' || r.kind === 'fixed_usd') {
        const unitPrice = r.kind === 'fixed_jpy' ? jpy(r.percent.replace('.', '')) : usd(r.percent);
        return { ...base, kind: 'fixed_price', unitPrice, target: r.target };
      }
      const target = r.kind === 'usage_markup' ? { kind: 'all' as const } : r.target;
      return { ...base, kind: r.kind, percent: r.percent, target };
    });
  const rulesArb = fc.uniqueArray(ruleArb, { selector: (r) => r.id, minLength: 2, maxLength: 8 });
  const itemArb = fc.record({
    cost: fc.integer({ min: 0, max: 100_000 }),
    list: fc.option(fc.integer({ min: 0, max: 200_000 })),
  });

  it('does not depend on the order of the rules in the book', () => {
    fc.assert(
      fc.property(rulesArb, itemArb, dateArb, fc.infiniteStream(fc.nat()), (rules, i, date, seeds) => {
        const item = license(jpy(String(i.cost)), i.list === null ? null : jpy(String(i.list)));
        const shuffled = [...rules]
          .map((rule) => ({ rule, key: seeds.next().value }))
          .sort((x, y) => x.key - y.key)
          .map((x) => x.rule);
        const a = resolvePrice(PriceBook.of(rules), item, customer, date);
        const b = resolvePrice(PriceBook.of(shuffled), item, customer, date);
        const reversed = resolvePrice(PriceBook.of([...rules].reverse()), item, customer, date);
        expect(b).toEqual(a);
        expect(reversed).toEqual(a);
      }),
      { numRuns: 300 },
    );
  });

  const currencyArb = fc.constantFrom('JPY', 'USD', 'KWD');
  const modeArb = fc.constantFrom<RoundingMode | 'none'>('half-up', 'half-even', 'down', 'up', 'none');
  const minorArb = fc.bigInt({ min: 0n, max: 10n ** 12n });

  it('never sells below a rounded cost with a markup ≥ 0 or a margin in [0, 100)', () => {
    fc.assert(
      fc.property(
        minorArb,
        currencyArb,
        fc.constantFrom<PercentRuleKind>('markup', 'margin'),
        fc.integer({ min: 0, max: 999_999 }),
        modeArb,
        (minor, currency, kind, hundredths, round) => {
          const percent = ((kind === 'margin' ? hundredths % 10_000 : hundredths) / 100).toFixed(2);
          const cost = Money.fromMinorUnits(minor, currency);
          const item = license(cost, null);
          const result = resolvePrice(
            PriceBook.of([pct('r', kind, percent)]),
            item,
            { ...customer, currency },
            ON,
            {
              round,
            },
          );
          expect(result.belowCost).toBe(false);
          expect(result.unitPrice.greaterThanOrEqual(cost)).toBe(true);
        },
      ),
    );
  });

  it('never sells above a rounded list price with a discount', () => {
    fc.assert(
      fc.property(
        minorArb,
        minorArb,
        currencyArb,
        fc.integer({ min: 0, max: 10_000 }),
        modeArb,
        (c, l, currency, h, round) => {
          const list = Money.fromMinorUnits(l, currency);
          const item = license(Money.fromMinorUnits(c, currency), list);
          const rule = pct('r', 'list_discount', (h / 100).toFixed(2));
          const result = resolvePrice(PriceBook.of([rule]), item, { ...customer, currency }, ON, { round });
          expect(result.unitPrice.lessThanOrEqual(list)).toBe(true);
          expect(result.belowCost).toBe(result.unitPrice.lessThan(item.cost));
        },
      ),
    );
  });
});
