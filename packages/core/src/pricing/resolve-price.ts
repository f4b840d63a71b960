/**
 * Price resolution: which rule of a seller's price book prices an item for a buyer on a date, and
 * the arithmetic, explained.
 *
 * A rule is a candidate when
 * - its target designates the item,
 * - its buyer scope covers the buyer,
 * - its kind prices this kind of item (licence kinds: licences and own products; usage kinds: Azure
 *   usage),
 * - it is in effect on the date (effectiveFrom inclusive, effectiveTo exclusive),
 * - a fixed price is in the buyer's currency (never converted: a fixed price is a commercial promise
 *   in one currency, and converting it would make it float with the exchange rate),
 * - a list-based rule has a list price to work from.
 * Rules failing one of the last four conditions are reported in `explanation.notes` with the reason.
 *
 * Precedence among candidates, first difference wins (comparePrecedence):
 * 1. buyer scope: one customer > reseller subtree > all buyers; between subtrees, the reseller
 *    nearer the buyer (the buyer organisation itself, then its parent reseller, …);
 * 2. target: SKU = Azure meter = own product > product > product family = meter category > vendor
 *    > all products;
 * 3. the later effectiveFrom (so a new rule supersedes an open-ended one without editing it);
 * 4. the rule id that sorts first in code-unit order (ids are unique within a book).
 * The order is total, so the result never depends on the order of the rules in the book.
 *
 * No candidate: the item sells at its list price when known, else at cost, and the explanation
 * says so (ruleId null, basis 'list_price' or 'cost').
 *
 * Currencies: when the cost or list price is not in the buyer's currency it is converted with
 * Microsoft's exchange rate in force on the date first, exactly, and the rule applies to the
 * converted amount; only the final price is rounded.
 *
 * Buyer scopes are matched against the purchase path, not only the direct buyer: a sale for
 * customer C through sub-reseller S1 under reseller R1 carries C, S1 and R1 at every tier (see
 * tier-chain.ts). Hence a provider can give a reseller a special price for one end customer, and a
 * subtree rule covers everything sold into that subtree, however deep.
 */
import { currencyDigits } from '../money/currency.ts';
import type { Money, RoundingMode } from '../money/money.ts';
import type { Temporal } from '../time/calendar.ts';
import { convertMoney, type ExchangeRate } from './exchange.ts';
import { type Explanation, type ExplanationStep, formatMoney, type RuleNote } from './explanation.ts';
import {
  type Buyer,
  type CatalogItem,
  type ItemKind,
  isListBased,
  type PriceBook,
  type PriceRule,
  ruleItemKinds,
} from './price-rule.ts';
import { applyRule, defaultRounding, roundPrice, ruleLabel } from './rule-arithmetic.ts';
import {
  type Candidate,
  comparePrecedence,
  describeBuyerScope,
  describeTarget,
  effectivenessOn,
  matchBuyerScope,
  precedenceReason,
  targetMatches,
} from './rule-matching.ts';

export interface ResolveOptions {
  /**
   * How the final price is brought to the buyer currency's minor unit, or 'none' to keep it exact.
   * Defaults to 'half-up' for licences and own products and 'none' for Azure usage.
   */
  readonly round?: RoundingMode | 'none';
  /** Microsoft's published rates; needed only when the cost or list is in another currency. */
  readonly exchangeRates?: readonly ExchangeRate[];
}

/** What the price was computed from: a rule, or the default (list price, else cost). */
export type PriceBasis = 'rule' | 'list_price' | 'cost';

export interface PriceResolution {
  /** In the buyer's currency; rounded unless `round` was 'none'. */
  readonly unitPrice: Money;
  /** The item's cost in the buyer's currency, exact: what `belowCost` compares against. */
  readonly cost: Money;
  readonly basis: PriceBasis;
  readonly rule: PriceRule | null;
  /** unitPrice < cost. Reported even when the rule allows it. */
  readonly belowCost: boolean;
  /** belowCost and the applied rule carries allowBelowCost. */
  readonly belowCostAllowed: boolean;
  readonly explanation: Explanation;
}

const ITEM_KIND_NAMES: Readonly<Record<ItemKind, string>> = {
  license: 'licences',
  azure_usage: 'Azure usage',
  own_product: 'own products',
};

/** Why a rule aimed at this item and buyer cannot price it, or null when it is a candidate. */
function skipNote(
  rule: PriceRule,
  item: CatalogItem,
  buyer: Buyer,
  date: Temporal.PlainDate,
): RuleNote | null {
  const kinds = ruleItemKinds(rule.kind);
  if (!kinds.includes(item.kind)) {
    const priced = kinds.map((k) => ITEM_KIND_NAMES[k]).join(' and ');
    return {
      ruleId: rule.id,
      code: 'item_kind_mismatch',
      reason: `${rule.kind} rules price ${priced}, not ${ITEM_KIND_NAMES[item.kind]}`,
    };
  }
  const effectiveness = effectivenessOn(rule, date);
  if (effectiveness === 'not_yet_effective') {
    return {
      ruleId: rule.id,
      code: effectiveness,
      reason: `effective from ${rule.effectiveFrom}, after ${date}`,
    };
  }
  if (effectiveness === 'expired') {
    return {
      ruleId: rule.id,
      code: effectiveness,
      reason: `effective until ${rule.effectiveTo} (exclusive), not on ${date}`,
    };
  }
  if (rule.kind === 'fixed_price' && rule.unitPrice.currency !== buyer.currency) {
    return {
      ruleId: rule.id,
      code: 'currency_mismatch',
      reason: `fixed price ${formatMoney(rule.unitPrice)} is in ${rule.unitPrice.currency}; the buyer is billed in ${buyer.currency}`,
    };
  }
  if (isListBased(rule.kind) && item.list === null) {
    return { ruleId: rule.id, code: 'no_list_price', reason: 'no list price is known for the item' };
  }
  return null;
}

function compareRuleIds(a: RuleNote, b: RuleNote): number {
  return a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0;
}

/** The rules that could price the item for the buyer on the date, best first, and why others could not. */
function rankCandidates(
  book: PriceBook,
  item: CatalogItem,
  buyer: Buyer,
  date: Temporal.PlainDate,
): { candidates: Candidate[]; skipped: RuleNote[] } {
  const candidates: Candidate[] = [];
  const skipped: RuleNote[] = [];
  for (const rule of book.rules) {
    if (!targetMatches(rule.target, item)) continue;
    const scope = matchBuyerScope(rule.buyerScope, buyer);
    if (scope === null) continue;
    const note = skipNote(rule, item, buyer, date);
    if (note === null) candidates.push({ rule, scope });
    else skipped.push(note);
  }
  candidates.sort(comparePrecedence);
  skipped.sort(compareRuleIds);
  return { candidates, skipped };
}

export function resolvePrice(
  book: PriceBook,
  item: CatalogItem,
  buyer: Buyer,
  date: Temporal.PlainDate,
  options: ResolveOptions = {},
): PriceResolution {
  // Fail on a malformed buyer currency before it surfaces as a confusing missing exchange rate.
  currencyDigits(buyer.currency);
  const rates = options.exchangeRates ?? [];
  const round = options.round ?? defaultRounding(item.kind);
  const { candidates, skipped } = rankCandidates(book, item, buyer, date);
  const winner = candidates[0];

  const notes: RuleNote[] = [];
  if (winner !== undefined) {
    for (const loser of candidates.slice(1)) {
      notes.push({
        ruleId: loser.rule.id,
        code: 'outranked',
        reason: `outranked by rule ${JSON.stringify(winner.rule.id)}: ${precedenceReason(winner, loser)}`,
      });
    }
  }
  notes.push(...skipped);

  const steps: ExplanationStep[] = [];
  const cost = convertMoney(item.cost, buyer.currency, date, rates, 'cost');
  if (cost.step !== null) steps.push(cost.step);
  const convertList = (list: Money): Money => {
    const converted = convertMoney(list, buyer.currency, date, rates, 'list price');
    if (converted.step !== null) steps.push(converted.step);
    return converted.amount;
  };

  let raw: Money;
  let basis: PriceBasis;
  // The summary reads "<price> by rule …" or "<price>: no price rule matched …".
  let how: string;
  if (winner !== undefined) {
    const rule = winner.rule;
    const list = isListBased(rule.kind) && item.list !== null ? convertList(item.list) : null;
    const applied = applyRule(rule, { cost: cost.amount, list });
    steps.push(applied.step);
    raw = applied.price;
    basis = 'rule';
    how = ` by rule ${JSON.stringify(rule.id)}: ${ruleLabel(rule)} (${describeBuyerScope(rule.buyerScope)}; ${describeTarget(rule.target)})`;
  } else if (item.list !== null) {
    raw = convertList(item.list);
    basis = 'list_price';
    const label = 'no price rule matched, sold at list price';
    how = `: ${label}`;
    steps.push({ label, formula: `list price ${formatMoney(raw)}`, result: formatMoney(raw) });
  } else {
    raw = cost.amount;
    basis = 'cost';
    const label = 'no price rule matched and no list price is known, sold at cost';
    how = `: ${label}`;
    steps.push({ label, formula: `cost ${formatMoney(raw)}`, result: formatMoney(raw) });
  }

  const rounded = roundPrice(raw, round);
  if (rounded.step !== null) steps.push(rounded.step);
  const unitPrice = rounded.price;

  const belowCost = unitPrice.lessThan(cost.amount);
  const belowCostAllowed = belowCost && winner?.rule.allowBelowCost === true;
  let summary = `${formatMoney(unitPrice)}${how}`;
  if (belowCost) {
    const verdict = belowCostAllowed ? 'allowed by the rule' : 'flagged';
    steps.push({
      label: 'below cost',
      formula: `${formatMoney(unitPrice)} < ${formatMoney(cost.amount)}`,
      result: verdict,
    });
    summary += `; below cost ${formatMoney(cost.amount)}, ${verdict}`;
  }

  return {
    unitPrice,
    cost: cost.amount,
    basis,
    rule: winner?.rule ?? null,
    belowCost,
    belowCostAllowed,
    explanation: { summary, steps, ruleId: winner?.rule.id ?? null, notes },
  };
}
