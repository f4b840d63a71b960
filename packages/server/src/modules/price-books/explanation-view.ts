import type { Explanation, ExplanationStep, RuleNote } from '@cspc/core';

/** An explanation as the API returns it (plain, mutable arrays for the schema types). */
export interface ExplanationView {
  summary: string;
  steps: ExplanationStep[];
  ruleId: string | null;
  notes: RuleNote[];
}

export function explanationView(e: Explanation): ExplanationView {
  return { summary: e.summary, steps: [...e.steps], ruleId: e.ruleId, notes: [...e.notes] };
}
