import { describe, expect, it } from 'vitest';
import { Money } from '../money/money.ts';
import { parsePlainDate } from '../time/calendar.ts';
import type { ExchangeRate } from './exchange.ts';
import {
  type Buyer,
  type CatalogItem,
  type PercentRuleKind,
  PriceBook,
  type PriceRule,
} from './price-rule.ts';
import { InvalidPriceChainError, type PriceChainInput, priceThroughChain } from './tier-chain.ts';

const d = parsePlainDate;
const usd = (amount: string) => Money.of(amount, 'USD');

function pct(
  id: string,
  kind: PercentRuleKind,
  percent: string,
  buyerScope: PriceRule['buyerScope'] = { kind: 'all' },
): PriceRule {
  return {
    id,
    kind,
    percent,
    target: { kind: 'all' },
    buyerScope,
    effectiveFrom: d('2026-01-01'),
    effectiveTo: null,
  };
}

const rates: ExchangeRate[] = [{ from: 'USD', to: 'JPY', rate: '150.25', date: d('2026-03-01') }];

/** Microsoft 365 E3: the provider pays Microsoft 30.40 USD; Microsoft's list is 36.00 USD. */
const e3: CatalogItem = {
  kind: 'license',
  vendor: 'Microsoft',
  productFamily: 'Microsoft 365',
  productId: 'CFQ7TTC0LFLZ',
  skuId: '0002',
  cost: usd('30.40'),
  list: usd('36.00'),
};

const customer: Buyer = {
  customerId: 'c1',
  organizationId: 'org-c1',
  ancestorResellerIds: ['s1', 'r1'],
  currency: 'JPY',
};

const providerBook = PriceBook.of([pct('p-all', 'markup', '5')]);
const r1Book = PriceBook.of([
  pct('r1-all', 'markup', '10'),
  pct('r1-s1', 'margin', '12.5', { kind: 'reseller_subtree', resellerId: 's1' }),
]);
const s1Book = PriceBook.of([
  pct('s1-all', 'list_discount', '5'),
  pct('s1-c1', 'markup', '10', { kind: 'customer', customerId: 'c1' }),
]);

function chain(overrides: Partial<PriceChainInput> = {}): PriceChainInput {
  return {
    item: e3,
    provider: { organizationId: 'p', book: providerBook },
    resellers: [
      { organizationId: 'r1', book: r1Book, currency: 'JPY' },
      { organizationId: 's1', book: s1Book, currency: 'JPY' },
    ],
    buyer: customer,
    date: d('2026-03-15'),
    options: { exchangeRates: rates },
    ...overrides,
  };
}

const summary = (result: ReturnType<typeof priceThroughChain>) =>
  result.tiers.map(
    (t) =>
      `${t.sellerId}→${t.buyerId}: ${t.cost.toString()} ${t.cost.currency} → ${t.sale.toString()} ${t.sale.currency} (${t.rule?.id ?? t.basis})`,
  );

describe('priceThroughChain', () => {
  it('prices provider → reseller → sub-reseller → customer, each sale the next cost', () => {
    const result = priceThroughChain(chain());
    expect(summary(result)).toEqual([
      // 30.40 USD × 150.25 = 4,567.6 JPY; × 1.05 = 4,795.98 → 4,796
      'p→r1: 30.4 USD → 4796 JPY (p-all)',
      // 4,796 ÷ 0.875 = 5,481.142857… → 5,481
      'r1→s1: 4796 JPY → 5481 JPY (r1-s1)',
      // 5,481 × 1.10 = 6,029.1 → 6,029
      's1→org-c1: 5481 JPY → 6029 JPY (s1-c1)',
    ]);
    expect(result.unitPrice.toJSON()).toEqual({ amount: '6029', currency: 'JPY' });
    expect(result.tiers.map((t) => t.belowCost)).toEqual([false, false, false]);
  });

  it('explains each tier from that tier’s own cost', () => {
    const [p, r1, s1] = priceThroughChain(chain()).tiers;
    expect(p?.explanation.steps.map((s) => s.formula)).toEqual([
      '30.40 USD × 150.25 = 4,567.6 JPY',
      '4,567.6 JPY × 1.05 = 4,795.98 JPY',
      '4,795.98 JPY → 4,796 JPY',
    ]);
    expect(r1?.explanation.steps.map((s) => s.formula)).toEqual([
      '4,796 JPY ÷ 0.875 = 5,481.1428571428571428571428571428571428571429 JPY',
      '5,481.1428571428571428571428571428571428571429 JPY → 5,481 JPY',
    ]);
    expect(r1?.explanation.notes).toEqual([
      {
        ruleId: 'r1-all',
        code: 'outranked',
        reason: 'outranked by rule "r1-s1": reseller subtree of s1 beats all buyers',
      },
    ]);
    expect(s1?.explanation).toEqual({
      summary: '6,029 JPY by rule "s1-c1": markup 10% on cost (customer c1; all products)',
      steps: [
        { label: 'markup 10% on cost', formula: '5,481 JPY × 1.10 = 6,029.1 JPY', result: '6,029.1 JPY' },
        {
          label: 'round half-up to the JPY minor unit (0 decimals)',
          formula: '6,029.1 JPY → 6,029 JPY',
          result: '6,029 JPY',
        },
      ],
      ruleId: 's1-c1',
      // 36.00 USD × 150.25 × 0.95 = 5,138.55 would have been below cost; it lost to the customer rule.
      notes: [
        {
          ruleId: 's1-all',
          code: 'outranked',
          reason: 'outranked by rule "s1-c1": customer c1 beats all buyers',
        },
      ],
    });
  });

  it('never shows a reseller what the tiers above it paid', () => {
    const tiers = priceThroughChain(chain()).tiers;
    const belowProvider = JSON.stringify(tiers.slice(1));
    for (const secret of ['30.4', '4,567.6', '4567.6', '4,795.98', 'p-all']) {
      expect(belowProvider).not.toContain(secret);
    }
    expect(JSON.stringify(tiers.slice(2))).not.toContain('4,796');
    expect(Object.keys(tiers[1] ?? {}).sort()).toEqual([
      'basis',
      'belowCost',
      'belowCostAllowed',
      'buyerId',
      'cost',
      'explanation',
      'rule',
      'sale',
      'sellerId',
    ]);
  });

  it('bills each tier in its own currency, converting at the tier that changes currency', () => {
    const result = priceThroughChain(
      chain({
        resellers: [
          { organizationId: 'r1', book: r1Book, currency: 'USD' },
          { organizationId: 's1', book: s1Book, currency: 'JPY' },
        ],
      }),
    );
    expect(summary(result)).toEqual([
      // 30.40 × 1.05 = 31.92 USD
      'p→r1: 30.4 USD → 31.92 USD (p-all)',
      // 31.92 USD × 150.25 = 4,795.98 JPY; ÷ 0.875 = 5,481.12 → 5,481
      'r1→s1: 31.92 USD → 5481 JPY (r1-s1)',
      's1→org-c1: 5481 JPY → 6029 JPY (s1-c1)',
    ]);
    expect(result.tiers[1]?.explanation.steps[0]?.formula).toBe('31.92 USD × 150.25 = 4,795.98 JPY');
  });

  it('lets the provider price for an end customer or a sub-reseller subtree', () => {
    const special = PriceBook.of([
      pct('p-all', 'markup', '5'),
      pct('p-s1', 'markup', '3', { kind: 'reseller_subtree', resellerId: 's1' }),
      pct('p-c1', 'markup', '2', { kind: 'customer', customerId: 'c1' }),
    ]);
    const forC1 = priceThroughChain(chain({ provider: { organizationId: 'p', book: special } }));
    // 4,567.6 × 1.02 = 4,658.952 → 4,659
    expect([forC1.tiers[0]?.rule?.id, forC1.tiers[0]?.sale.toString()]).toEqual(['p-c1', '4659']);
    const forC2 = priceThroughChain(
      chain({ provider: { organizationId: 'p', book: special }, buyer: { ...customer, customerId: 'c2' } }),
    );
    // 4,567.6 × 1.03 = 4,704.628 → 4,705
    expect([forC2.tiers[0]?.rule?.id, forC2.tiers[0]?.sale.toString()]).toEqual(['p-s1', '4705']);
  });

  it('keeps Azure rates exact through every tier', () => {
    const vm: CatalogItem = {
      kind: 'azure_usage',
      vendor: 'Microsoft',
      meterCategory: 'Virtual Machines',
      meterId: 'meter-d2sv5',
      cost: usd('0.123456'),
      list: usd('0.16'),
    };
    const result = priceThroughChain(
      chain({
        item: vm,
        provider: { organizationId: 'p', book: PriceBook.of([pct('p-u', 'usage_markup', '10')]) },
        resellers: [
          { organizationId: 'r1', book: PriceBook.of([pct('r1-u', 'usage_markup', '2.5')]), currency: 'USD' },
          {
            organizationId: 's1',
            book: PriceBook.of([
              pct('s1-u', 'usage_payg_discount', '5', { kind: 'customer', customerId: 'c1' }),
            ]),
            currency: 'USD',
          },
        ],
        buyer: { ...customer, currency: 'USD' },
      }),
    );
    expect(summary(result)).toEqual([
      'p→r1: 0.123456 USD → 0.1358016 USD (p-u)', // × 1.10
      'r1→s1: 0.1358016 USD → 0.13919664 USD (r1-u)', // × 1.025
      's1→org-c1: 0.13919664 USD → 0.152 USD (s1-u)', // 0.16 × 0.95
    ]);
  });

  it('rounds every tier with the given mode', () => {
    const result = priceThroughChain(chain({ options: { exchangeRates: rates, round: 'down' } }));
    // 4,795.98 → 4,795; 4,795 ÷ 0.875 = 5,480 exactly; 5,480 × 1.1 = 6,028
    expect(result.tiers.map((t) => t.sale.toString())).toEqual(['4795', '5480', '6028']);
  });

  it('sells at list at every tier when no book has a rule, flagging nothing', () => {
    const empty = PriceBook.empty();
    const result = priceThroughChain(
      chain({
        provider: { organizationId: 'p', book: empty },
        resellers: [
          { organizationId: 'r1', book: empty, currency: 'JPY' },
          { organizationId: 's1', book: empty, currency: 'JPY' },
        ],
      }),
    );
    // 36.00 USD × 150.25 = 5,409 JPY
    expect(summary(result)).toEqual([
      'p→r1: 30.4 USD → 5409 JPY (list_price)',
      'r1→s1: 5409 JPY → 5409 JPY (list_price)',
      's1→org-c1: 5409 JPY → 5409 JPY (list_price)',
    ]);
  });

  it('flags the tier that sells below its cost', () => {
    const loss = PriceBook.of([pct('s1-all', 'list_discount', '5')]);
    const result = priceThroughChain(
      chain({
        resellers: [
          { organizationId: 'r1', book: r1Book, currency: 'JPY' },
          { organizationId: 's1', book: loss, currency: 'JPY' },
        ],
      }),
    );
    // 5,409 × 0.95 = 5,138.55 → 5,139 < 5,481
    expect(result.tiers.map((t) => [t.sale.toString(), t.belowCost])).toEqual([
      ['4796', false],
      ['5481', false],
      ['5139', true],
    ]);
  });

  it('prices a direct sale from the provider as one tier', () => {
    const direct: Buyer = {
      customerId: 'c9',
      organizationId: 'org-c9',
      ancestorResellerIds: [],
      currency: 'JPY',
    };
    const result = priceThroughChain(chain({ resellers: [], buyer: direct }));
    expect(summary(result)).toEqual(['p→org-c9: 30.4 USD → 4796 JPY (p-all)']);
  });

  it('accepts the provider at the top of the buyer’s ancestors', () => {
    const withProvider = { ...customer, ancestorResellerIds: ['s1', 'r1', 'p'] };
    expect(priceThroughChain(chain({ buyer: withProvider })).unitPrice.toString()).toBe('6029');
  });

  it.each<[string, readonly string[]]>([
    ['a skipped reseller', ['s1']],
    ['resellers in the wrong order', ['r1', 's1']],
    ['an extra reseller', ['x', 's1', 'r1']],
    ['another route', ['s2', 'r1']],
  ])('refuses a buyer reached through %s', (_name, ancestorResellerIds) => {
    try {
      priceThroughChain(chain({ buyer: { ...customer, ancestorResellerIds } }));
      expect.fail('expected an error');
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidPriceChainError);
      expect((error as InvalidPriceChainError).code).toBe('invalid_price_chain');
    }
  });
});
