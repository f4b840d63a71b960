/** One line of working: what was compared or computed, the arithmetic with its numbers, the outcome. */
export interface CreditStep {
  label: string;
  formula: string;
  result: string;
}

/**
 * Why a credit decision or alert came out as it did. Data, not a paragraph: the UI translates the
 * labels or lays the steps out as a table; the partner's staff can check every comparison.
 */
export interface CreditExplanation {
  summary: string;
  steps: CreditStep[];
}
