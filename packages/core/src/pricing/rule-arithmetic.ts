import Big from 'big.js';
import { currencyDigits } from '../money/currency.ts';
import type { Money, RoundingMode } from '../money/money.ts';
import { type ExplanationStep, formatFactor, formatMoney, formatPercent } from './explanation.ts';
import type { CatalogItem, ItemKind, PriceRule } from './price-rule.ts';

const ONE = new Big(1);
const ONE_HUNDREDTH = new Big('0.01');

/**
 * Licences and own products are sold at a unit price that appears as such on an order, so it is
 * rounded to the currency's minor unit at every tier. Azure usage rates multiply quantities with
 * many decimals; rounding the rate would compound, so they stay exact and the invoice line rounds.
 */
export function defaultRounding(kind: ItemKind): RoundingMode | 'none' {
  return kind === 'azure_usage' ? 'none' : 'half-up';
}

/** What a rule computes from, already in the currency of the sale. */
export interface RuleInputs {
  readonly cost: Money;
  /** Required by list-based kinds (see isListBased); ignored by the others. */
  readonly list: Money | null;
}

export function ruleLabel(rule: PriceRule): string {
  if (rule.kind === 'fixed_price') return 'fixed price';
  const p = formatPercent(new Big(rule.percent));
  switch (rule.kind) {
    case 'markup':
      return `markup ${p}% on cost`;
    case 'margin':
      return `margin ${p}% on sale`;
    case 'list_discount':
      return `discount ${p}% off list price`;
    case 'usage_markup':
      return `Azure usage markup ${p}% on cost`;
    case 'usage_payg_discount':
      return `Azure usage discount ${p}% off pay-as-you-go list`;
  }
}

/** The unrounded price the rule sets, with the step that shows the arithmetic. */
export function applyRule(rule: PriceRule, inputs: RuleInputs): { price: Money; step: ExplanationStep } {
  const label = ruleLabel(rule);
  if (rule.kind === 'fixed_price') {
    const price = rule.unitPrice;
    return { price, step: { label, formula: formatMoney(price), result: formatMoney(price) } };
  }
  const fraction = new Big(rule.percent).times(ONE_HUNDREDTH);
  let base: Money;
  let operator: '×' | '÷';
  let factor: Big;
  switch (rule.kind) {
    case 'markup':
    case 'usage_markup':
      base = inputs.cost;
      operator = '×';
      factor = ONE.plus(fraction);
      break;
    case 'margin':
      // Validation keeps the margin below 100%, so the divisor is positive.
      base = inputs.cost;
      operator = '÷';
      factor = ONE.minus(fraction);
      break;
    case 'list_discount':
    case 'usage_payg_discount':
      // Callers skip list-based rules for items without a list price; reaching here is a bug.
      if (inputs.list === null) throw new Error(`Rule ${rule.id} needs a list price`);
      base = inputs.list;
      operator = '×';
      factor = ONE.minus(fraction);
      break;
  }
  const price = operator === '×' ? base.times(factor) : base.dividedBy(factor);
  return {
    price,
    step: {
      label,
      formula: `${formatMoney(base)} ${operator} ${formatFactor(factor)} = ${formatMoney(price)}`,
      result: formatMoney(price),
    },
  };
}

export function roundPrice(
  price: Money,
  round: RoundingMode | 'none',
): { price: Money; step: ExplanationStep | null } {
  if (round === 'none') return { price, step: null };
  const rounded = price.round(round);
  const digits = currencyDigits(price.currency);
  return {
    price: rounded,
    step: {
      label: `round ${round} to the ${price.currency} minor unit (${digits} decimal${digits === 1 ? '' : 's'})`,
      formula: `${formatMoney(price)} → ${formatMoney(rounded)}`,
      result: formatMoney(rounded),
    },
  };
}

/** The most specific identifier an item has, for messages. */
export function describeItem(item: CatalogItem): string {
  if (item.skuId !== undefined && item.productId !== undefined) return `SKU ${item.productId}:${item.skuId}`;
  if (item.meterId !== undefined) return `meter ${item.meterId}`;
  if (item.ownProductId !== undefined) return `own product ${item.ownProductId}`;
  if (item.productId !== undefined) return `product ${item.productId}`;
  return `${item.vendor} item`;
}
