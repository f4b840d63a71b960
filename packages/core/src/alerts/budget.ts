/**
 * Budget threshold alerts (PRODUCT.md §6): "alert when month-to-date usage reaches 50% of the planned
 * amount (thresholds configurable)".
 *
 * Decisions:
 * - "Reaches" is inclusive: a threshold is reached when month-to-date ≥ planned × threshold%, so
 *   5,000 JPY of a 10,000 JPY plan reaches 50%. (The Japanese original says 50%に達した時, "when it
 *   arrives at 50%".) Across csp-commerce the requirement's verb sets the boundary: "reaches" and
 *   "at least" are ≥, "exceeds"/"passes"/"over" are > (see the credit module).
 * - The threshold amount is kept exact (planned × percent, never rounded): rounding 33.3% of a plan
 *   to the cent could alert a fraction of a cent before the threshold is truly reached.
 * - Thresholds are percents as decimal strings ("50", "80", "12.5"), > 0; above 100 is allowed (an
 *   over-spend alert at 120%). "50" and "50.0" are the same threshold: both are normalised ("50")
 *   before comparing with `alreadyRaised` and before going into the dedupe key.
 * - Omitted thresholds mean the default, 50%; an explicit empty list means the customer switched
 *   the alerts off, and nothing is alerted.
 * - No planned amount (null) or a planned amount of 0 means no budget: no alert, status
 *   `no_planned_amount` (a percentage of nothing is not a budget). A negative plan is an input error.
 * - Once per threshold per month: thresholds in `alreadyRaised` (those alerted this month) are
 *   reported as reached but produce no alert, and the dedupe key
 *   `budget_threshold:<subject>:<YYYY-MM>:<percent>` is the same however often it is re-evaluated.
 *   A plan lowered mid-month can newly reach a threshold (it then alerts); one raised mid-month does
 *   not take back an alert already sent.
 */
import Big from 'big.js';
import type { Money } from '../money/money.ts';
import type { Temporal } from '../time/calendar.ts';
import { AlertError } from './errors.ts';
import { type AlertExplanation, type AlertStep, showMoney } from './explanation.ts';
import { type BudgetSubject, budgetSubjectKey, checkBudgetSubject } from './subject.ts';

/** The default of PRODUCT.md §6: one alert at 50% of the planned amount. */
export const DEFAULT_BUDGET_THRESHOLDS: readonly string[] = Object.freeze(['50']);

export interface BudgetThresholdInput {
  subject: BudgetSubject;
  /** The budget month that month-to-date covers; part of the dedupe key ("once per month"). */
  month: Temporal.PlainYearMonth;
  /** The planned monthly amount; null when the customer has not set one. */
  planned: Money | null;
  /** Percents as decimal strings; default DEFAULT_BUDGET_THRESHOLDS. */
  thresholds?: readonly string[];
  monthToDate: Money;
  /** Thresholds already alerted this month (any spelling: "50" and "50.0" are one threshold). */
  alreadyRaised?: readonly string[];
}

export interface BudgetThresholdAlert {
  type: 'budget_threshold';
  subject: BudgetSubject;
  period: Temporal.PlainYearMonth;
  /** Normalised percent, e.g. "50". */
  threshold: string;
  values: { planned: Money; thresholdAmount: Money; monthToDate: Money };
  explanation: AlertExplanation;
  dedupeKey: string;
}

export interface BudgetThresholdStatus {
  threshold: string;
  /** planned × threshold%, exact. */
  amount: Money;
  reached: boolean;
  alreadyRaised: boolean;
}

export type BudgetThresholdOutcome = 'evaluated' | 'no_planned_amount' | 'no_thresholds';

export interface BudgetThresholdResult {
  status: BudgetThresholdOutcome;
  /** The thresholds newly reached, lowest first: the alerts to send. */
  alerts: BudgetThresholdAlert[];
  /** Every configured threshold, lowest first (empty unless status is `evaluated`). */
  thresholds: BudgetThresholdStatus[];
  explanation: AlertExplanation;
}

const PERCENT = /^\d+(?:\.\d+)?$/;

/** "050.50" → "50.5"; refuses anything but a positive plain decimal. */
export function normalizeThreshold(percent: string): string {
  if (typeof percent !== 'string' || !PERCENT.test(percent) || new Big(percent).eq(0)) {
    throw new AlertError(
      'invalid_threshold',
      `A budget threshold must be a positive percent such as "50" or "12.5", got ${JSON.stringify(percent)}`,
      { threshold: String(percent) },
    );
  }
  return new Big(percent).toFixed();
}

function normalizedThresholds(list: readonly string[]): string[] {
  const unique = [...new Set(list.map(normalizeThreshold))];
  return unique.sort((a, b) => new Big(a).cmp(new Big(b)));
}

/**
 * The thresholds that month-to-date usage has newly reached this month, each as an alert with the
 * values that triggered it and a deterministic dedupe key.
 */
export function budgetThresholdAlerts(input: BudgetThresholdInput): BudgetThresholdResult {
  checkBudgetSubject(input.subject);
  const { planned, monthToDate, month, subject } = input;
  const thresholds = normalizedThresholds(input.thresholds ?? DEFAULT_BUDGET_THRESHOLDS);
  const raised = new Set((input.alreadyRaised ?? []).map(normalizeThreshold));

  if (planned?.isNegative()) {
    throw new AlertError(
      'invalid_planned_amount',
      `A planned amount cannot be negative, got ${planned.toString()}`,
      {
        planned: planned.toString(),
      },
    );
  }
  if (planned === null || planned.isZero()) {
    return {
      status: 'no_planned_amount',
      alerts: [],
      thresholds: [],
      explanation: {
        summary: `No planned amount for ${month}: budget alerts need a planned amount above zero`,
        steps: [
          {
            label: 'planned amount',
            formula: planned === null ? 'not set' : showMoney(planned),
            result: 'no budget, no alert',
          },
        ],
      },
    };
  }
  if (thresholds.length === 0) {
    return {
      status: 'no_thresholds',
      alerts: [],
      thresholds: [],
      explanation: {
        summary: `No alert thresholds are set for ${month}`,
        steps: [{ label: 'thresholds', formula: 'none', result: 'no alert' }],
      },
    };
  }

  const statuses: BudgetThresholdStatus[] = [];
  const alerts: BudgetThresholdAlert[] = [];
  const steps: AlertStep[] = [];
  for (const threshold of thresholds) {
    const amount = planned.percent(threshold);
    const reached = monthToDate.greaterThanOrEqual(amount);
    const alreadyRaised = raised.has(threshold);
    statuses.push({ threshold, amount, reached, alreadyRaised });
    const amountStep: AlertStep = {
      label: `threshold ${threshold}%`,
      formula: `${showMoney(planned)} × ${threshold}%`,
      result: showMoney(amount),
    };
    const compareStep: AlertStep = {
      label: `month-to-date vs ${threshold}%`,
      formula: `${showMoney(monthToDate)} ${reached ? '≥' : '<'} ${showMoney(amount)}`,
      result: !reached ? 'not reached' : alreadyRaised ? 'reached, already alerted this month' : 'reached',
    };
    steps.push(amountStep, compareStep);
    if (!reached || alreadyRaised) continue;
    alerts.push({
      type: 'budget_threshold',
      subject,
      period: month,
      threshold,
      values: { planned, thresholdAmount: amount, monthToDate },
      explanation: {
        summary:
          `Month-to-date usage ${showMoney(monthToDate)} reached ${threshold}% of the planned ` +
          `${showMoney(planned)} (${showMoney(amount)}) in ${month}`,
        steps: [amountStep, compareStep],
      },
      dedupeKey: `budget_threshold:${budgetSubjectKey(subject)}:${month}:${threshold}`,
    });
  }
  const reachedCount = statuses.filter((s) => s.reached).length;
  return {
    status: 'evaluated',
    alerts,
    thresholds: statuses,
    explanation: {
      summary:
        `Month-to-date usage ${showMoney(monthToDate)} of the planned ${showMoney(planned)} in ${month}: ` +
        `${reachedCount} of ${thresholds.length} thresholds reached, ${alerts.length} new`,
      steps,
    },
  };
}
