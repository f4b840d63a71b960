/**
 * Credit alerts to the partner (PRODUCT.md §6):
 * (a) usage exceeds the provisional credit amount            → provisionalCreditAlerts
 * (b) at the start of each month, the highest usage of the past six months exceeds the
 *     purchase-blocked level                                  → monthStartCreditAlerts
 * (c) the customer's usage or planned amount passes the warning, approval-required or
 *     purchase-blocked level                                  → usageLevelAlerts, plannedLevelAlerts
 *
 * Decisions:
 * - Every comparison is "strictly above" (isAbove in levels.ts): exceeding or passing an amount means
 *   going beyond it; equal is still within.
 * - "Usage" is the subject's month-to-date usage charges (利用料金); for a reseller, the sum over
 *   its customers, added up by the caller.
 * - Usage crossings are judged by state, not by a (previous, current) pair: month-to-date usage
 *   starts every month at zero, so being above a level in a month means it was crossed upward in
 *   that month. A missed or repeated evaluation then neither loses nor repeats an alert: the dedupe
 *   key (one per subject, month, level and trigger) makes it once per level per month. Passing two
 *   levels at once raises one alert per level (the UI can group them by subject and month).
 * - The planned amount does not restart each month, so its alerts are edges: a change from
 *   `previous` to `current` alerts for each level with previous ≤ level < current (an unset previous
 *   counts as none). A planned amount that stays above a level does not alert again every month;
 *   going down, up again in the same month alerts once (same key). A partner lowering a level below
 *   the planned amount is not a change of the planned amount and raises nothing here.
 * - (b) uses the window of provisionalCredit (six complete calendar months, missing months as 0),
 *   including while the provisional credit is still the planned amount, if a past month exists.
 * - (a) without a provisional credit amount (a new customer without a planned amount) raises
 *   nothing.
 * - Dedupe keys: `provisional_credit_exceeded:<subject>:<YYYY-MM>`,
 *   `credit_level:<subject>:<YYYY-MM>:<level>:<trigger>` with trigger usage | planned_amount |
 *   highest_usage. `alreadyRaised` takes keys already raised and suppresses them.
 */
import { showMoney } from '../alerts/explanation.ts';
import type { Money } from '../money/money.ts';
import type { Temporal } from '../time/calendar.ts';
import { CreditError } from './errors.ts';
import type { CreditExplanation, CreditStep } from './explanation.ts';
import {
  assertCreditLevels,
  CREDIT_LEVEL_LABELS,
  CREDIT_LEVELS,
  type CreditLevel,
  type CreditLevels,
  isAbove,
  levelAmount,
} from './levels.ts';
import type { ProvisionalCredit } from './provisional.ts';
import { type CreditSubject, checkCreditSubject, creditSubjectKey } from './subject.ts';

export type CreditAlertTrigger = 'usage' | 'planned_amount' | 'highest_usage';

interface CreditAlertBase {
  subject: CreditSubject;
  period: Temporal.PlainYearMonth;
  explanation: CreditExplanation;
  dedupeKey: string;
}

export interface ProvisionalCreditExceededAlert extends CreditAlertBase {
  type: 'provisional_credit_exceeded';
  level?: undefined;
  trigger: 'usage';
  values: { usage: Money; provisionalCredit: Money };
}

export interface UsageLevelAlert extends CreditAlertBase {
  type: 'credit_level';
  level: CreditLevel;
  trigger: 'usage';
  values: { usage: Money; levelAmount: Money };
}

export interface PlannedLevelAlert extends CreditAlertBase {
  type: 'credit_level';
  level: CreditLevel;
  trigger: 'planned_amount';
  values: { previousPlanned: Money | null; planned: Money; levelAmount: Money };
}

export interface HighestUsageLevelAlert extends CreditAlertBase {
  type: 'credit_level';
  level: 'purchase_blocked';
  trigger: 'highest_usage';
  values: { highestUsage: Money; highestMonth: Temporal.PlainYearMonth; levelAmount: Money };
}

export type CreditAlert =
  | ProvisionalCreditExceededAlert
  | UsageLevelAlert
  | PlannedLevelAlert
  | HighestUsageLevelAlert;

export interface CreditAlertResult<A extends CreditAlert = CreditAlert> {
  /** New alerts (not in alreadyRaised), in ascending level severity. */
  alerts: A[];
  /** Every alert the state calls for, including those already raised. */
  due: A[];
  explanation: CreditExplanation;
}

function levelKey(subject: CreditSubject, month: Temporal.PlainYearMonth, level: string, trigger: string) {
  return `credit_level:${creditSubjectKey(subject)}:${month}:${level}:${trigger}`;
}

function result<A extends CreditAlert>(
  due: A[],
  alreadyRaised: readonly string[] | undefined,
  explanation: CreditExplanation,
): CreditAlertResult<A> {
  const raised = new Set(alreadyRaised ?? []);
  return { alerts: due.filter((a) => !raised.has(a.dedupeKey)), due, explanation };
}

function checkCurrency(amount: Money, other: Money | null): void {
  // compare() throws CurrencyMismatchError, which is what a mixed-currency call deserves.
  if (other !== null) amount.compare(other);
}

export interface ProvisionalCreditAlertInput {
  subject: CreditSubject;
  provisional: ProvisionalCredit;
  /** Month-to-date usage of provisional.month. */
  usage: Money;
  alreadyRaised?: readonly string[];
}

/** (a) Usage above the provisional credit amount: once per month. */
export function provisionalCreditAlerts(
  input: ProvisionalCreditAlertInput,
): CreditAlertResult<ProvisionalCreditExceededAlert> {
  checkCreditSubject(input.subject);
  const { subject, provisional, usage } = input;
  const month = provisional.month;
  const credit = provisional.amount;
  if (credit === null) {
    return result([], input.alreadyRaised, {
      summary: `No provisional credit amount for ${month}: no provisional-credit alert`,
      steps: [{ label: 'provisional credit', formula: 'not set', result: 'no alert' }],
    });
  }
  checkCurrency(usage, credit);
  const above = isAbove(usage, credit);
  const steps: CreditStep[] = [
    { label: 'provisional credit', formula: provisional.explanation.summary, result: showMoney(credit) },
    {
      label: 'usage vs provisional credit',
      formula: `${showMoney(usage)} ${above ? '>' : '≤'} ${showMoney(credit)}`,
      result: above ? 'exceeded' : 'within',
    },
  ];
  const summary = above
    ? `Usage ${showMoney(usage)} in ${month} exceeds the provisional credit amount ${showMoney(credit)}`
    : `Usage ${showMoney(usage)} in ${month} is within the provisional credit amount ${showMoney(credit)}`;
  const explanation = { summary, steps };
  const due: ProvisionalCreditExceededAlert[] = above
    ? [
        {
          type: 'provisional_credit_exceeded',
          trigger: 'usage',
          subject,
          period: month,
          values: { usage, provisionalCredit: credit },
          explanation,
          dedupeKey: `provisional_credit_exceeded:${creditSubjectKey(subject)}:${month}`,
        },
      ]
    : [];
  return result(due, input.alreadyRaised, explanation);
}

export interface MonthStartCreditAlertInput {
  subject: CreditSubject;
  levels: CreditLevels;
  /** The provisional credit of the month starting; its window holds the past six months. */
  provisional: ProvisionalCredit;
  alreadyRaised?: readonly string[];
}

/** (b) At the start of a month: the highest usage of the past six months above the purchase-blocked level. */
export function monthStartCreditAlerts(
  input: MonthStartCreditAlertInput,
): CreditAlertResult<HighestUsageLevelAlert> {
  checkCreditSubject(input.subject);
  assertCreditLevels(input.levels);
  const { subject, provisional } = input;
  const month = provisional.month;
  const blocked = levelAmount(input.levels, 'purchase_blocked');
  const highest = provisional.highest;
  if (blocked === null || highest === null) {
    return result([], input.alreadyRaised, {
      summary:
        blocked === null
          ? `No purchase-blocked level: no month-start alert for ${month}`
          : `No past month of usage: no month-start alert for ${month}`,
      steps: [
        {
          label: blocked === null ? 'purchase-blocked level' : 'past six months',
          formula: blocked === null ? 'not set' : 'none',
          result: 'no alert',
        },
      ],
    });
  }
  checkCurrency(highest.amount, blocked);
  const above = isAbove(highest.amount, blocked);
  const steps: CreditStep[] = [
    {
      label: `highest monthly usage of the past ${provisional.window.length} months`,
      formula: `max(${provisional.window.map((m) => `${m.month}: ${showMoney(m.amount)}`).join(', ')})`,
      result: `${showMoney(highest.amount)} (${highest.month})`,
    },
    {
      label: 'highest usage vs purchase-blocked level',
      formula: `${showMoney(highest.amount)} ${above ? '>' : '≤'} ${showMoney(blocked)}`,
      result: above ? 'exceeded' : 'within',
    },
  ];
  const summary = above
    ? `At the start of ${month}: the highest monthly usage of the past six months, ${showMoney(highest.amount)} ` +
      `(${highest.month}), exceeds the purchase-blocked level ${showMoney(blocked)}`
    : `At the start of ${month}: the highest monthly usage of the past six months, ${showMoney(highest.amount)}, ` +
      `is within the purchase-blocked level ${showMoney(blocked)}`;
  const explanation = { summary, steps };
  const due: HighestUsageLevelAlert[] = above
    ? [
        {
          type: 'credit_level',
          level: 'purchase_blocked',
          trigger: 'highest_usage',
          subject,
          period: month,
          values: { highestUsage: highest.amount, highestMonth: highest.month, levelAmount: blocked },
          explanation,
          dedupeKey: levelKey(subject, month, 'purchase_blocked', 'highest_usage'),
        },
      ]
    : [];
  return result(due, input.alreadyRaised, explanation);
}

export interface UsageLevelAlertInput {
  subject: CreditSubject;
  month: Temporal.PlainYearMonth;
  levels: CreditLevels;
  /** Month-to-date usage of `month`. */
  usage: Money;
  alreadyRaised?: readonly string[];
}

/** (c) Month-to-date usage above each set level: once per level per month. */
export function usageLevelAlerts(input: UsageLevelAlertInput): CreditAlertResult<UsageLevelAlert> {
  checkCreditSubject(input.subject);
  assertCreditLevels(input.levels);
  const { subject, month, usage, levels } = input;
  const steps: CreditStep[] = [];
  const due: UsageLevelAlert[] = [];
  for (const level of CREDIT_LEVELS) {
    const amount = levelAmount(levels, level);
    if (amount === null) {
      steps.push({ label: CREDIT_LEVEL_LABELS[level], formula: 'not set', result: 'not checked' });
      continue;
    }
    checkCurrency(usage, amount);
    const above = isAbove(usage, amount);
    const step = {
      label: `usage vs ${CREDIT_LEVEL_LABELS[level]}`,
      formula: `${showMoney(usage)} ${above ? '>' : '≤'} ${showMoney(amount)}`,
      result: above ? 'passed' : 'within',
    };
    steps.push(step);
    if (!above) continue;
    due.push({
      type: 'credit_level',
      level,
      trigger: 'usage',
      subject,
      period: month,
      values: { usage, levelAmount: amount },
      explanation: {
        summary: `Usage ${showMoney(usage)} in ${month} passed the ${CREDIT_LEVEL_LABELS[level]} ${showMoney(amount)}`,
        steps: [step],
      },
      dedupeKey: levelKey(subject, month, level, 'usage'),
    });
  }
  return result(due, input.alreadyRaised, {
    summary:
      due.length === 0
        ? `Usage ${showMoney(usage)} in ${month} is within every credit level`
        : `Usage ${showMoney(usage)} in ${month} passed ${due.map((a) => CREDIT_LEVEL_LABELS[a.level]).join(', ')}`,
    steps,
  });
}

export interface PlannedLevelAlertInput {
  subject: CreditSubject;
  /** The month of the change: part of the key, so that a level alerts once per month. */
  month: Temporal.PlainYearMonth;
  levels: CreditLevels;
  /** The planned amount before the change; null when none was set. */
  previous: Money | null;
  /** The planned amount after the change; null when it was removed. */
  current: Money | null;
  alreadyRaised?: readonly string[];
}

/** (c) A change of the planned amount that passes a level upward: previous ≤ level < current. */
export function plannedLevelAlerts(input: PlannedLevelAlertInput): CreditAlertResult<PlannedLevelAlert> {
  checkCreditSubject(input.subject);
  assertCreditLevels(input.levels);
  const { subject, month, previous, current, levels } = input;
  for (const planned of [previous, current]) {
    if (planned?.isNegative()) {
      throw new CreditError('invalid_planned_amount', `A planned amount cannot be negative, got ${planned}`, {
        planned: planned.toString(),
      });
    }
  }
  const shownPrevious = previous === null ? 'not set' : showMoney(previous);
  const shownCurrent = current === null ? 'not set' : showMoney(current);
  const steps: CreditStep[] = [
    { label: 'planned amount change', formula: `${shownPrevious} → ${shownCurrent}`, result: shownCurrent },
  ];
  const due: PlannedLevelAlert[] = [];
  for (const level of CREDIT_LEVELS) {
    const amount = levelAmount(levels, level);
    if (amount === null) {
      steps.push({ label: CREDIT_LEVEL_LABELS[level], formula: 'not set', result: 'not checked' });
      continue;
    }
    if (previous !== null) checkCurrency(previous, amount);
    if (current !== null) checkCurrency(current, amount);
    const wasAbove = previous !== null && isAbove(previous, amount);
    const isNowAbove = current !== null && isAbove(current, amount);
    const passed = !wasAbove && isNowAbove;
    const step = {
      label: `planned amount vs ${CREDIT_LEVEL_LABELS[level]} (${showMoney(amount)})`,
      formula: `before ${wasAbove ? 'above' : 'not above'}, after ${isNowAbove ? 'above' : 'not above'}`,
      result: passed ? 'passed upward' : wasAbove && isNowAbove ? 'already above' : 'not passed',
    };
    steps.push(step);
    if (!passed || current === null) continue;
    due.push({
      type: 'credit_level',
      level,
      trigger: 'planned_amount',
      subject,
      period: month,
      values: { previousPlanned: previous, planned: current, levelAmount: amount },
      explanation: {
        summary: `The planned amount changed from ${shownPrevious} to ${shownCurrent}, passing the ${CREDIT_LEVEL_LABELS[level]} ${showMoney(amount)}`,
        steps: [steps[0]!, step],
      },
      dedupeKey: levelKey(subject, month, level, 'planned_amount'),
    });
  }
  return result(due, input.alreadyRaised, {
    summary:
      due.length === 0
        ? `The planned amount change (${shownPrevious} → ${shownCurrent}) passed no credit level`
        : `The planned amount change (${shownPrevious} → ${shownCurrent}) passed ${due.map((a) => CREDIT_LEVEL_LABELS[a.level]).join(', ')}`,
    steps,
  });
}
