import { describe, expect, it } from 'vitest';
import { Money } from '../money/money.ts';
import { parsePlainDate } from '../time/calendar.ts';
import { belowCostWarnings } from './below-cost.ts';
import { MissingExchangeRateError } from './exchange.ts';
import { type CatalogItem, type PercentRuleKind, PriceBook, type PriceRule } from './price-rule.ts';

const d = parsePlainDate;
const jpy = (amount: string) => Money.of(amount, 'JPY');
const usd = (amount: string) => Money.of(amount, 'USD');

type Extras = Partial<Pick<PriceRule, 'target' | 'effectiveFrom' | 'effectiveTo' | 'allowBelowCost'>>;

const base = {
  target: { kind: 'all' },
  buyerScope: { kind: 'all' },
  effectiveFrom: d('2026-01-01'),
  effectiveTo: null,
} as const;
const pct = (id: string, kind: PercentRuleKind, percent: string, extras: Extras = {}): PriceRule => ({
  ...base,
  id,
  kind,
  percent,
  ...extras,
});
const fixed = (id: string, unitPrice: Money, extras: Extras = {}): PriceRule => ({
  ...base,
  id,
  kind: 'fixed_price',
  unitPrice,
  ...extras,
});

const items: CatalogItem[] = [
  {
    kind: 'license',
    vendor: 'Microsoft',
    productId: 'E3',
    skuId: '0002',
    cost: jpy('1000'),
    list: jpy('1300'),
  },
  {
    kind: 'license',
    vendor: 'Microsoft',
    productId: 'E5',
    skuId: '0001',
    cost: jpy('500'),
    list: jpy('1000'),
  },
  {
    kind: 'azure_usage',
    vendor: 'Microsoft',
    meterCategory: 'Virtual Machines',
    meterId: 'd2sv5',
    cost: usd('0.123456'),
    list: usd('0.11'),
  },
  {
    kind: 'license',
    vendor: 'Microsoft',
    productId: 'COPILOT',
    skuId: '0001',
    cost: usd('10.00'),
    list: null,
  },
];

const rates = [{ from: 'USD', to: 'JPY', rate: '150.25', date: d('2026-03-01') }];
const ON = { date: d('2026-03-15'), exchangeRates: rates };
const list = (rules: PriceRule[]) =>
  belowCostWarnings(PriceBook.of(rules), items, ON).map(
    (w) => `${w.rule.id} #${w.itemIndex}: ${w.price.toString()} < ${w.cost.toString()} ${w.cost.currency}`,
  );

describe('belowCostWarnings', () => {
  it('lists each rule and item that would sell below cost, by rule id then item', () => {
    expect(
      list([
        pct('m0', 'markup', '0'),
        pct('d30', 'list_discount', '30'),
        fixed('fix-e3', jpy('999'), { target: { kind: 'product', productId: 'E3' } }),
        pct('u5', 'usage_payg_discount', '5'),
        fixed('fix-copilot', jpy('1500'), { target: { kind: 'product', productId: 'COPILOT' } }),
      ]),
    ).toEqual([
      // 1,300 × 0.7 = 910; E5 (1,000 × 0.7 = 700 ≥ 500) is fine; COPILOT has no list.
      'd30 #0: 910 < 1000 JPY',
      // 10.00 USD × 150.25 = 1,502.5 JPY
      'fix-copilot #3: 1500 < 1502.5 JPY',
      'fix-e3 #0: 999 < 1000 JPY',
      // 0.11 × 0.95, kept exact
      'u5 #2: 0.1045 < 0.123456 USD',
    ]);
  });

  it('leaves out rules that allow it and rules already expired, but not future ones', () => {
    expect(
      list([
        pct('allowed', 'list_discount', '30', { allowBelowCost: true }),
        pct('expired', 'list_discount', '30', { effectiveTo: d('2026-03-15') }),
        pct('future', 'list_discount', '30', { effectiveFrom: d('2027-01-01') }),
      ]),
    ).toEqual(['future #0: 910 < 1000 JPY']);
  });

  it('explains a warning', () => {
    const [warning] = belowCostWarnings(
      PriceBook.of([
        fixed('fix-copilot', jpy('1500'), { target: { kind: 'product', productId: 'COPILOT' } }),
      ]),
      items,
      ON,
    );
    expect(warning?.explanation).toEqual({
      summary:
        'rule "fix-copilot" (fixed price) would sell SKU COPILOT:0001 at 1,500 JPY, below its cost of 1,502.5 JPY',
      steps: [
        {
          label: "convert cost to JPY at Microsoft's rate of 2026-03-01",
          formula: '10.00 USD × 150.25 = 1,502.5 JPY',
          result: '1,502.5 JPY',
        },
        { label: 'fixed price', formula: '1,500 JPY', result: '1,500 JPY' },
        {
          label: 'round half-up to the JPY minor unit (0 decimals)',
          formula: '1,500 JPY → 1,500 JPY',
          result: '1,500 JPY',
        },
        { label: 'below cost', formula: '1,500 JPY < 1,502.5 JPY', result: 'flagged' },
      ],
      ruleId: 'fix-copilot',
      notes: [],
    });
  });

  it('counts a loss made by rounding', () => {
    const oddCost: CatalogItem = { ...items[1]!, cost: jpy('500.4') };
    const warnings = belowCostWarnings(PriceBook.of([pct('m0', 'markup', '0')]), [oddCost], ON);
    expect(warnings.map((w) => w.price.toString())).toEqual(['500']);
    expect(
      belowCostWarnings(PriceBook.of([pct('m0', 'markup', '0')]), [oddCost], { ...ON, round: 'up' }),
    ).toEqual([]);
  });

  it('needs a rate to check a fixed price in another currency', () => {
    const rule = fixed('fix-copilot', jpy('1500'), { target: { kind: 'product', productId: 'COPILOT' } });
    expect(() => belowCostWarnings(PriceBook.of([rule]), items, { date: d('2026-03-15') })).toThrow(
      MissingExchangeRateError,
    );
  });

  it('is empty for an empty book or no items', () => {
    expect(belowCostWarnings(PriceBook.empty(), items, ON)).toEqual([]);
    expect(belowCostWarnings(PriceBook.of([pct('d', 'list_discount', '100')]), [], ON)).toEqual([]);
  });
});
