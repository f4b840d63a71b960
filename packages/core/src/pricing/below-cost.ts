import type { Money, RoundingMode } from '../money/money.ts';
import type { Temporal } from '../time/calendar.ts';
import { convertMoney, type ExchangeRate } from './exchange.ts';
import { type Explanation, type ExplanationStep, formatMoney } from './explanation.ts';
import {
  type CatalogItem,
  isListBased,
  type PriceBook,
  type PriceRule,
  ruleItemKinds,
} from './price-rule.ts';
import { applyRule, defaultRounding, describeItem, roundPrice, ruleLabel } from './rule-arithmetic.ts';
import { effectivenessOn, targetMatches } from './rule-matching.ts';

export interface BelowCostOptions {
  /** Day of the items' costs and of the exchange rates; rules already expired on it are ignored. */
  readonly date: Temporal.PlainDate;
  readonly exchangeRates?: readonly ExchangeRate[];
  /** Defaults per item kind, as in resolvePrice. */
  readonly round?: RoundingMode | 'none';
}

export interface BelowCostWarning {
  readonly rule: PriceRule;
  readonly itemIndex: number;
  readonly item: CatalogItem;
  /** The item's cost in the currency the rule prices in. */
  readonly cost: Money;
  readonly price: Money;
  readonly explanation: Explanation;
}

/**
 * The rules of `book` that would sell one of `items` below cost and do not carry allowBelowCost,
 * sorted by rule id then item index.
 *
 * Buyer scopes are ignored: whoever the buyer, the rule would lose money. Rules not yet in effect
 * are checked too, so a loss is caught when the rule is written rather than when it starts.
 * Percentage rules are evaluated in the currency of the item's cost; a fixed price in its own
 * currency, the cost converted at Microsoft's rate in force on `date`.
 */
export function belowCostWarnings(
  book: PriceBook,
  items: readonly CatalogItem[],
  options: BelowCostOptions,
): BelowCostWarning[] {
  const rates = options.exchangeRates ?? [];
  const rules = book.rules
    .filter((rule) => rule.allowBelowCost !== true && effectivenessOn(rule, options.date) !== 'expired')
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const warnings: BelowCostWarning[] = [];
  for (const rule of rules) {
    items.forEach((item, itemIndex) => {
      if (!targetMatches(rule.target, item) || !ruleItemKinds(rule.kind).includes(item.kind)) return;
      if (isListBased(rule.kind) && item.list === null) return;
      const currency = rule.kind === 'fixed_price' ? rule.unitPrice.currency : item.cost.currency;
      const steps: ExplanationStep[] = [];
      const cost = convertMoney(item.cost, currency, options.date, rates, 'cost');
      if (cost.step !== null) steps.push(cost.step);
      let list: Money | null = null;
      if (isListBased(rule.kind) && item.list !== null) {
        const converted = convertMoney(item.list, currency, options.date, rates, 'list price');
        if (converted.step !== null) steps.push(converted.step);
        list = converted.amount;
      }
      const applied = applyRule(rule, { cost: cost.amount, list });
      steps.push(applied.step);
      const rounded = roundPrice(applied.price, options.round ?? defaultRounding(item.kind));
      if (rounded.step !== null) steps.push(rounded.step);
      if (!rounded.price.lessThan(cost.amount)) return;
      steps.push({
        label: 'below cost',
        formula: `${formatMoney(rounded.price)} < ${formatMoney(cost.amount)}`,
        result: 'flagged',
      });
      warnings.push({
        rule,
        itemIndex,
        item,
        cost: cost.amount,
        price: rounded.price,
        explanation: {
          summary: `rule ${JSON.stringify(rule.id)} (${ruleLabel(rule)}) would sell ${describeItem(item)} at ${formatMoney(rounded.price)}, below its cost of ${formatMoney(cost.amount)}`,
          steps,
          ruleId: rule.id,
          notes: [],
        },
      });
    });
  }
  return warnings;
}
