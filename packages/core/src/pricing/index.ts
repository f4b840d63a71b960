export {
  type BelowCostOptions,
  type BelowCostWarning,
  belowCostWarnings,
} from './below-cost.ts';
export {
  type Conversion,
  convertMoney,
  type ExchangeRate,
  findExchangeRate,
  InvalidExchangeRateError,
  MissingExchangeRateError,
  validateExchangeRate,
} from './exchange.ts';
export type { Explanation, ExplanationStep, RuleNote, RuleNoteCode } from './explanation.ts';
export {
  type Buyer,
  type BuyerScope,
  type CatalogItem,
  type FixedPriceRule,
  InvalidPriceRuleError,
  type ItemKind,
  type PercentPriceRule,
  type PercentRuleKind,
  PriceBook,
  type PriceRule,
  type PriceRuleKind,
  type PriceTarget,
  validatePriceRule,
} from './price-rule.ts';
export {
  type PriceBasis,
  type PriceResolution,
  type ResolveOptions,
  resolvePrice,
} from './resolve-price.ts';
export { defaultRounding } from './rule-arithmetic.ts';
export {
  type ChainProvider,
  type ChainReseller,
  type ChainTierResult,
  InvalidPriceChainError,
  type PriceChainInput,
  type PriceChainResult,
  priceThroughChain,
} from './tier-chain.ts';
