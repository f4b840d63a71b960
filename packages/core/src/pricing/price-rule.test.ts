import { describe, expect, it } from 'vitest';
import { Money } from '../money/money.ts';
import { parsePlainDate } from '../time/calendar.ts';
import { InvalidPriceRuleError, PriceBook, type PriceRule, validatePriceRule } from './price-rule.ts';

const d = parsePlainDate;

const markup: PriceRule = {
  id: 'r1',
  kind: 'markup',
  percent: '20',
  target: { kind: 'all' },
  buyerScope: { kind: 'all' },
  effectiveFrom: d('2026-01-01'),
  effectiveTo: null,
};

const fixed: PriceRule = {
  id: 'f1',
  kind: 'fixed_price',
  unitPrice: Money.of('999', 'JPY'),
  target: { kind: 'sku', productId: 'CFQ7TTC0LFLZ', skuId: '0002' },
  buyerScope: { kind: 'customer', customerId: 'c1' },
  effectiveFrom: d('2026-01-01'),
  effectiveTo: d('2026-04-01'),
};

function invalidField(rule: unknown): string {
  try {
    validatePriceRule(rule as PriceRule);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidPriceRuleError);
    expect((error as InvalidPriceRuleError).code).toBe('invalid_price_rule');
    return (error as InvalidPriceRuleError).field;
  }
  return 'valid';
}

describe('validatePriceRule', () => {
  it.each<[string, unknown, string]>([
    ['a plain markup', markup, 'valid'],
    ['a fixed price for one customer and SKU', fixed, 'valid'],
    ['an unbounded markup', { ...markup, percent: '1000' }, 'valid'],
    ['a zero markup', { ...markup, percent: '0' }, 'valid'],
    ['a decimal percentage', { ...markup, percent: '12.5' }, 'valid'],
    ['a margin just below 100%', { ...markup, kind: 'margin', percent: '99.99' }, 'valid'],
    ['a 100% discount (free)', { ...markup, kind: 'list_discount', percent: '100' }, 'valid'],
    [
      'a usage markup on a meter',
      { ...markup, kind: 'usage_markup', target: { kind: 'meter', meterId: 'm' } },
      'valid',
    ],
    [
      'a usage discount on a meter category',
      { ...markup, kind: 'usage_payg_discount', target: { kind: 'meter_category', meterCategory: 'VM' } },
      'valid',
    ],
    ['a free fixed price', { ...fixed, unitPrice: Money.zero('JPY') }, 'valid'],
    ['explicit allowBelowCost', { ...markup, allowBelowCost: true }, 'valid'],
    ['an empty id', { ...markup, id: '' }, 'id'],
    ['a missing id', { ...markup, id: undefined }, 'id'],
    ['an unknown kind', { ...markup, kind: 'surcharge' }, 'kind'],
    ['an unknown target', { ...markup, target: { kind: 'tenant' } }, 'target'],
    ['a missing target', { ...markup, target: null }, 'target'],
    ['a SKU without its product', { ...markup, target: { kind: 'sku', skuId: '0002' } }, 'target.productId'],
    ['a SKU without its id', { ...markup, target: { kind: 'sku', productId: 'P' } }, 'target.skuId'],
    ['an empty vendor', { ...markup, target: { kind: 'vendor', vendor: '' } }, 'target.vendor'],
    ['a markup on a meter', { ...markup, target: { kind: 'meter', meterId: 'm' } }, 'target'],
    [
      'a margin on a meter category',
      { ...markup, kind: 'margin', target: { kind: 'meter_category', meterCategory: 'VM' } },
      'target',
    ],
    ['a usage markup on a SKU', { ...markup, kind: 'usage_markup', target: fixed.target }, 'target'],
    [
      'a usage discount on own products',
      { ...markup, kind: 'usage_payg_discount', target: { kind: 'own_product', ownProductId: 'o' } },
      'target',
    ],
    ['an unknown buyer scope', { ...markup, buyerScope: { kind: 'tenant' } }, 'buyerScope'],
    [
      'a subtree without a reseller',
      { ...markup, buyerScope: { kind: 'reseller_subtree' } },
      'buyerScope.resellerId',
    ],
    [
      'a customer scope without an id',
      { ...markup, buyerScope: { kind: 'customer', customerId: '' } },
      'buyerScope.customerId',
    ],
    ['a string start date', { ...markup, effectiveFrom: '2026-01-01' }, 'effectiveFrom'],
    ['an undefined end date', { ...markup, effectiveTo: undefined }, 'effectiveTo'],
    ['an empty effective range', { ...markup, effectiveTo: d('2026-01-01') }, 'effectiveTo'],
    ['a reversed effective range', { ...markup, effectiveTo: d('2025-12-31') }, 'effectiveTo'],
    ['an exponent percentage', { ...markup, percent: '1e2' }, 'percent'],
    ['a number percentage', { ...markup, percent: 20 }, 'percent'],
    ['a trailing point', { ...markup, percent: '12.' }, 'percent'],
    ['a percent sign', { ...markup, percent: '12%' }, 'percent'],
    ['a negative markup', { ...markup, percent: '-1' }, 'percent'],
    ['a negative usage markup', { ...markup, kind: 'usage_markup', percent: '-0.5' }, 'percent'],
    ['a 100% margin', { ...markup, kind: 'margin', percent: '100' }, 'percent'],
    ['a negative margin', { ...markup, kind: 'margin', percent: '-5' }, 'percent'],
    ['a discount above 100%', { ...markup, kind: 'list_discount', percent: '100.01' }, 'percent'],
    ['a negative discount', { ...markup, kind: 'list_discount', percent: '-10' }, 'percent'],
    ['a PAYG discount above 100%', { ...markup, kind: 'usage_payg_discount', percent: '101' }, 'percent'],
    ['a negative fixed price', { ...fixed, unitPrice: Money.of('-1', 'JPY') }, 'unitPrice'],
    [
      'a fixed price that is not Money',
      { ...fixed, unitPrice: { amount: '999', currency: 'JPY' } },
      'unitPrice',
    ],
    ['a non-boolean allowBelowCost', { ...markup, allowBelowCost: 'yes' }, 'allowBelowCost'],
  ])('%s → %s', (_name, rule, field) => {
    expect(invalidField(rule)).toBe(field);
  });

  it('names the rule and the field in the error', () => {
    try {
      validatePriceRule({ ...markup, kind: 'margin', percent: '100' });
      expect.fail('expected an error');
    } catch (error) {
      const e = error as InvalidPriceRuleError;
      expect([e.name, e.code, e.field, e.ruleId]).toEqual([
        'InvalidPriceRuleError',
        'invalid_price_rule',
        'percent',
        'r1',
      ]);
      expect(e.message).toBe('Invalid price rule "r1": percent of a margin must be below 100, got 100');
    }
  });
});

describe('PriceBook', () => {
  it('validates every rule', () => {
    expect(invalidFieldOfBook([markup, { ...fixed, effectiveTo: d('2025-01-01') }])).toBe('effectiveTo');
  });

  it('refuses duplicate ids, which would make the final tie-breaker ambiguous', () => {
    expect(invalidFieldOfBook([markup, { ...markup, percent: '10' }])).toBe('id');
  });

  it('freezes copies of the rules', () => {
    const mutable = { ...markup, target: { kind: 'vendor' as const, vendor: 'Microsoft' } };
    const book = PriceBook.of([mutable]);
    mutable.percent = '99';
    mutable.target.vendor = 'Adobe';
    expect(book.rules[0]).toMatchObject({ percent: '20', target: { vendor: 'Microsoft' } });
    expect(Object.isFrozen(book)).toBe(true);
    expect(Object.isFrozen(book.rules)).toBe(true);
    expect(Object.isFrozen(book.rules[0])).toBe(true);
    expect(Object.isFrozen(book.rules[0]?.target)).toBe(true);
    expect(PriceBook.empty().rules).toEqual([]);
  });
});

function invalidFieldOfBook(rules: readonly PriceRule[]): string {
  try {
    PriceBook.of(rules);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidPriceRuleError);
    return (error as InvalidPriceRuleError).field;
  }
  return 'valid';
}
