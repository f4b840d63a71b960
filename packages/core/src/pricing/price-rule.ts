import Big from 'big.js';
import { Money } from '../money/money.ts';
import { Temporal } from '../time/calendar.ts';

export type ItemKind = 'license' | 'azure_usage' | 'own_product';

/** One unit of something a seller sells, as seen by that seller. */
export interface CatalogItem {
  readonly kind: ItemKind;
  readonly vendor: string;
  readonly productFamily?: string;
  readonly productId?: string;
  readonly skuId?: string;
  readonly meterCategory?: string;
  readonly meterId?: string;
  readonly ownProductId?: string;
  /** What the seller pays for one unit (for the provider: Microsoft's cost / ERP price). */
  readonly cost: Money;
  /** Microsoft's list price (pay-as-you-go rate for Azure usage), when known. */
  readonly list: Money | null;
}

/**
 * Who a sale is for. For a direct sale this is the buyer itself; through resellers it is the end of
 * the purchase path (see the header of resolve-price.ts), with `currency` the currency in which the
 * seller at hand bills its direct buyer.
 */
export interface Buyer {
  readonly customerId?: string;
  readonly organizationId: string;
  /** Resellers above `organizationId`, nearest first. */
  readonly ancestorResellerIds: readonly string[];
  readonly currency: string;
}

export type PriceTarget =
  | { readonly kind: 'all' }
  | { readonly kind: 'vendor'; readonly vendor: string }
  | { readonly kind: 'product_family'; readonly productFamily: string }
  | { readonly kind: 'product'; readonly productId: string }
  // A SKU id ("0002") is only unique within its product, hence both.
  | { readonly kind: 'sku'; readonly productId: string; readonly skuId: string }
  | { readonly kind: 'meter_category'; readonly meterCategory: string }
  | { readonly kind: 'meter'; readonly meterId: string }
  | { readonly kind: 'own_product'; readonly ownProductId: string };

export type BuyerScope =
  | { readonly kind: 'all' }
  /** The reseller itself when it buys, and every customer or sub-reseller below it. */
  | { readonly kind: 'reseller_subtree'; readonly resellerId: string }
  | { readonly kind: 'customer'; readonly customerId: string };

/**
 * - `markup`: cost × (1 + p%).
 * - `margin`: cost ÷ (1 − p%), so that p% of the sale price is margin.
 * - `list_discount`: list × (1 − p%).
 * - `usage_markup`, `usage_payg_discount`: the same two formulas for Azure usage, on the partner's
 *   usage cost and the pay-as-you-go list rate. They are separate kinds so that one book can hold an
 *   "all products" default for licences and another for usage without the two competing.
 */
export type PercentRuleKind = 'markup' | 'margin' | 'list_discount' | 'usage_markup' | 'usage_payg_discount';
export type PriceRuleKind = PercentRuleKind | 'fixed_price';

interface PriceRuleBase {
  /** Unique within a book; the last tie-breaker of precedence, so it must be stable. */
  readonly id: string;
  readonly target: PriceTarget;
  readonly buyerScope: BuyerScope;
  /** Inclusive. */
  readonly effectiveFrom: Temporal.PlainDate;
  /** Exclusive; null for open-ended. */
  readonly effectiveTo: Temporal.PlainDate | null;
  /** A deliberate loss leader: the price is still flagged below cost, but no warning is raised. */
  readonly allowBelowCost?: boolean;
}

export interface PercentPriceRule extends PriceRuleBase {
  readonly kind: PercentRuleKind;
  /** A plain decimal string, e.g. "12.5". */
  readonly percent: string;
}

export interface FixedPriceRule extends PriceRuleBase {
  readonly kind: 'fixed_price';
  /** Applies only to buyers billed in this currency. */
  readonly unitPrice: Money;
}

export type PriceRule = PercentPriceRule | FixedPriceRule;

export class InvalidPriceRuleError extends Error {
  readonly code = 'invalid_price_rule';
  /** The offending field, e.g. "percent", "effectiveTo", "target.skuId". */
  readonly field: string;
  readonly ruleId: string | null;

  constructor(ruleId: string | null, field: string, message: string) {
    super(`Invalid price rule${ruleId === null ? '' : ` ${JSON.stringify(ruleId)}`}: ${field} ${message}`);
    this.name = 'InvalidPriceRuleError';
    this.field = field;
    this.ruleId = ruleId;
  }
}

const LICENSE_ITEMS: readonly ItemKind[] = ['license', 'own_product'];
const USAGE_ITEMS: readonly ItemKind[] = ['azure_usage'];

const ITEM_KINDS: Readonly<Record<PriceRuleKind, readonly ItemKind[]>> = {
  markup: LICENSE_ITEMS,
  margin: LICENSE_ITEMS,
  list_discount: LICENSE_ITEMS,
  fixed_price: LICENSE_ITEMS,
  usage_markup: USAGE_ITEMS,
  usage_payg_discount: USAGE_ITEMS,
};

const LICENSE_TARGETS: readonly PriceTarget['kind'][] = [
  'all',
  'vendor',
  'product_family',
  'product',
  'sku',
  'own_product',
];
const USAGE_TARGETS: readonly PriceTarget['kind'][] = ['all', 'vendor', 'meter_category', 'meter'];

const TARGET_FIELDS: Readonly<Record<PriceTarget['kind'], readonly string[]>> = {
  all: [],
  vendor: ['vendor'],
  product_family: ['productFamily'],
  product: ['productId'],
  sku: ['productId', 'skuId'],
  meter_category: ['meterCategory'],
  meter: ['meterId'],
  own_product: ['ownProductId'],
};

const SCOPE_FIELDS: Readonly<Record<BuyerScope['kind'], readonly string[]>> = {
  all: [],
  reseller_subtree: ['resellerId'],
  customer: ['customerId'],
};

/** The item kinds a rule kind can price; any other item skips the rule. */
export function ruleItemKinds(kind: PriceRuleKind): readonly ItemKind[] {
  return ITEM_KINDS[kind];
}

/** True for the kinds computed from the list price, which cannot apply when the list is unknown. */
export function isListBased(kind: PriceRuleKind): boolean {
  return kind === 'list_discount' || kind === 'usage_payg_discount';
}

const PERCENT = /^-?\d+(?:\.\d+)?$/;
const HUNDRED = new Big(100);

function has<K extends string>(table: Readonly<Record<K, unknown>>, key: unknown): key is K {
  return typeof key === 'string' && Object.hasOwn(table, key);
}

function checkIds(
  ruleId: string,
  prefix: string,
  value: Record<string, unknown>,
  fields: readonly string[],
): void {
  for (const field of fields) {
    const v = value[field];
    if (typeof v !== 'string' || v === '') {
      throw new InvalidPriceRuleError(ruleId, `${prefix}.${field}`, 'must be a non-empty string');
    }
  }
}

function checkPercent(ruleId: string, kind: PercentRuleKind, percent: unknown): void {
  if (typeof percent !== 'string' || !PERCENT.test(percent)) {
    throw new InvalidPriceRuleError(ruleId, 'percent', `must be a plain decimal string such as "12.5"`);
  }
  const p = new Big(percent);
  if (p.lt(0)) throw new InvalidPriceRuleError(ruleId, 'percent', `must not be negative, got ${percent}`);
  // A 100% margin would divide by zero, and above it the price turns negative.
  if (kind === 'margin' && p.gte(HUNDRED)) {
    throw new InvalidPriceRuleError(ruleId, 'percent', `of a margin must be below 100, got ${percent}`);
  }
  if ((kind === 'list_discount' || kind === 'usage_payg_discount') && p.gt(HUNDRED)) {
    throw new InvalidPriceRuleError(ruleId, 'percent', `of a discount must be at most 100, got ${percent}`);
  }
}

/**
 * Throws InvalidPriceRuleError (code `invalid_price_rule`, with the field) on the first problem.
 * Checks types at run time too, since rules arrive from APIs and storage.
 */
export function validatePriceRule(rule: PriceRule): void {
  const r = rule as unknown as Record<string, unknown>;
  if (typeof r !== 'object' || r === null) throw new InvalidPriceRuleError(null, 'rule', 'must be an object');
  if (typeof r.id !== 'string' || r.id === '') {
    throw new InvalidPriceRuleError(null, 'id', 'must be a non-empty string');
  }
  const id = r.id;
  if (!has(ITEM_KINDS, r.kind)) {
    throw new InvalidPriceRuleError(id, 'kind', `is unknown: ${JSON.stringify(r.kind)}`);
  }
  const kind = r.kind;

  const target = r.target as Record<string, unknown> | null | undefined;
  if (typeof target !== 'object' || target === null || !has(TARGET_FIELDS, target.kind)) {
    throw new InvalidPriceRuleError(id, 'target', 'must be one of the known targets');
  }
  checkIds(id, 'target', target, TARGET_FIELDS[target.kind]);
  const allowedTargets = ITEM_KINDS[kind] === USAGE_ITEMS ? USAGE_TARGETS : LICENSE_TARGETS;
  // Such a rule could never match and would silently do nothing; refuse it when it is written.
  if (!allowedTargets.includes(target.kind)) {
    throw new InvalidPriceRuleError(id, 'target', `${target.kind} is not something a ${kind} rule can price`);
  }

  const scope = r.buyerScope as Record<string, unknown> | null | undefined;
  if (typeof scope !== 'object' || scope === null || !has(SCOPE_FIELDS, scope.kind)) {
    throw new InvalidPriceRuleError(id, 'buyerScope', 'must be all, reseller_subtree or customer');
  }
  checkIds(id, 'buyerScope', scope, SCOPE_FIELDS[scope.kind]);

  if (!(r.effectiveFrom instanceof Temporal.PlainDate)) {
    throw new InvalidPriceRuleError(id, 'effectiveFrom', 'must be a Temporal.PlainDate');
  }
  if (r.effectiveTo !== null) {
    if (!(r.effectiveTo instanceof Temporal.PlainDate)) {
      throw new InvalidPriceRuleError(id, 'effectiveTo', 'must be a Temporal.PlainDate or null');
    }
    if (Temporal.PlainDate.compare(r.effectiveFrom, r.effectiveTo) >= 0) {
      throw new InvalidPriceRuleError(
        id,
        'effectiveTo',
        `must be after effectiveFrom (${r.effectiveFrom}..${r.effectiveTo} is empty)`,
      );
    }
  }

  if (r.allowBelowCost !== undefined && typeof r.allowBelowCost !== 'boolean') {
    throw new InvalidPriceRuleError(id, 'allowBelowCost', 'must be a boolean when present');
  }

  if (kind === 'fixed_price') {
    if (!(r.unitPrice instanceof Money)) throw new InvalidPriceRuleError(id, 'unitPrice', 'must be a Money');
    if (r.unitPrice.isNegative()) {
      throw new InvalidPriceRuleError(id, 'unitPrice', `must not be negative, got ${r.unitPrice.toString()}`);
    }
  } else {
    checkPercent(id, kind, r.percent);
  }
}

function freezeRule(rule: PriceRule): PriceRule {
  return Object.freeze({
    ...rule,
    target: Object.freeze({ ...rule.target }),
    buyerScope: Object.freeze({ ...rule.buyerScope }),
  });
}

/**
 * The validated, frozen rules a seller applies to its buyers. Building one through `of` is the only
 * way to get one, so the resolver never meets an invalid rule or a duplicate id (which would make
 * the final tie-breaker ambiguous).
 */
export class PriceBook {
  readonly rules: readonly PriceRule[];

  private constructor(rules: readonly PriceRule[]) {
    this.rules = rules;
    Object.freeze(this);
  }

  static of(rules: readonly PriceRule[]): PriceBook {
    const seen = new Set<string>();
    const frozen = rules.map((rule) => {
      validatePriceRule(rule);
      if (seen.has(rule.id)) throw new InvalidPriceRuleError(rule.id, 'id', 'is used by another rule');
      seen.add(rule.id);
      return freezeRule(rule);
    });
    return new PriceBook(Object.freeze(frozen));
  }

  static empty(): PriceBook {
    return new PriceBook(Object.freeze([]));
  }
}
