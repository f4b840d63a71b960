import type Big from 'big.js';
import { currencyDigits } from '../money/currency.ts';
import type { Money } from '../money/money.ts';

/**
 * Explanations are data, not prose assembled by the UI: every string already carries its numbers
 * (in English, with exact amounts), and the structure lets a later UI translate labels or render the
 * arithmetic as a table without re-deriving anything.
 */
export interface ExplanationStep {
  /** What this step does, e.g. "markup 20% on cost". */
  readonly label: string;
  /** The arithmetic with its numbers, e.g. "1,000 JPY × 1.20 = 1,200 JPY". */
  readonly formula: string;
  /** The outcome of the step, e.g. "1,200 JPY". */
  readonly result: string;
}

/**
 * Why a rule that targets the item and the buyer did not set the price. Stable codes so that the UI
 * can translate the reason and tests can assert it without matching prose.
 */
export type RuleNoteCode =
  | 'outranked'
  | 'not_yet_effective'
  | 'expired'
  | 'currency_mismatch'
  | 'item_kind_mismatch'
  | 'no_list_price';

export interface RuleNote {
  readonly ruleId: string;
  readonly code: RuleNoteCode;
  readonly reason: string;
}

export interface Explanation {
  readonly summary: string;
  readonly steps: readonly ExplanationStep[];
  /** The rule that set the price, or null when the documented default applied. */
  readonly ruleId: string | null;
  /**
   * Rules whose target and buyer scope both match but that did not set the price: outranked ones
   * first, in precedence order, then inapplicable ones by rule id. Rules aimed at other items or
   * other buyers are not listed: in a book of thousands of rules they would bury the answer.
   */
  readonly notes: readonly RuleNote[];
}

const PLAIN = /^(-?)(\d+)(?:\.(\d+))?$/;

/** "1502.5" → "1,502.5"; pads the fraction to `minDecimals` but never drops a digit. */
export function formatDecimal(plain: string, minDecimals = 0): string {
  const m = PLAIN.exec(plain);
  if (m === null) return plain;
  const sign = m[1] ?? '';
  const whole = (m[2] ?? '0').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const fraction = (m[3] ?? '').padEnd(minDecimals, '0');
  return `${sign}${whole}${fraction === '' ? '' : `.${fraction}`}`;
}

/**
 * The exact amount, padded to the currency's minor unit: "1,000 JPY", "10.00 USD",
 * "0.1358016 USD". Never rounded, so the arithmetic shown is the arithmetic done.
 */
export function formatMoney(m: Money): string {
  return `${formatDecimal(m.toString(), currencyDigits(m.currency))} ${m.currency}`;
}

/** Multipliers read better with two decimals ("× 1.20", "× 0.85") but keep every digit ("× 1.125"). */
export function formatFactor(factor: Big): string {
  return formatDecimal(factor.toFixed(), 2);
}

/** "20", "12.5": a percentage as the user typed it, minus redundant zeros. */
export function formatPercent(percent: Big): string {
  return formatDecimal(percent.toFixed());
}
