import type { Money } from '../money/money.ts';
import type { Period } from '../time/period.ts';

/** One line of working: what was computed, how, and the value, each a plain-English string. */
export interface ProrationStep {
  label: string;
  formula: string;
  result: string;
}

/**
 * Why an amount is what it is. Structured (not a paragraph) so that a UI can lay the steps out as a
 * table or translate the labels, and an auditor can follow the arithmetic without the code.
 */
export interface ProrationExplanation {
  summary: string;
  steps: ProrationStep[];
}

/** The exact amount: explanations must show what was computed, not a display rounding of it. */
export function exact(m: Money): string {
  return `${m.toString()} ${m.currency}`;
}

/** A half-open period written the way an invoice reader counts days: first to last day, inclusive. */
export function describePeriod(p: Period): string {
  return `${p.start.toString()} to ${p.end.subtract({ days: 1 }).toString()}`;
}

export function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 || n === -1 ? one : many}`;
}
