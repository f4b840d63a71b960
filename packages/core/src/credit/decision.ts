/**
 * What the credit levels do to a new order (PRODUCT.md §6: "the levels act on new orders: warn,
 * hold for approval, or refuse").
 *
 * Decisions:
 * - Compared: the exposure *after* the order, current exposure (month-to-date usage + committed
 *   monthly charges, computed by the caller) + the order's monthly amount, against each set level.
 *   Judging the exposure before the order would let one large order jump past every level.
 * - Boundary: strictly above (isAbove, as everywhere in credit control). With purchase blocked at
 *   1,000, an order bringing exposure to exactly 1,000 is allowed.
 * - The strictest level passed decides: purchase blocked → `blocked` (refused), approval required →
 *   `approval_required` (held until approved), warning → `warning` (placed, with a notice), none →
 *   `allowed`. Unset levels are skipped; with no level set every order is allowed.
 * - An order that does not add exposure (amount ≤ 0: a reduction, a free item) is always allowed,
 *   even above a level: a customer over its limit must still be able to cut back.
 * - A customer already above a level stays there: any order that adds exposure gets that level's
 *   outcome.
 * - The message is a stable code plus values (amounts as { amount, currency }) for the UI to
 *   translate; `availableBeforeBlock` (purchase-blocked level − current exposure, not below 0) is the
 *   largest order that would not be refused, for a message such as "you can still order up to …".
 */
import { showMoney } from '../alerts/explanation.ts';
import { Money, type MoneyJSON } from '../money/money.ts';
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

export interface CreditDecisionInput {
  levels: CreditLevels;
  /** Month-to-date usage + committed monthly charges, before the order. */
  currentExposure: Money;
  /** The new order's monthly amount. */
  orderAmount: Money;
}

export type CreditOutcome = 'allowed' | 'warning' | 'approval_required' | 'blocked';

/** What the order flow does with the outcome. */
export type CreditAction = 'proceed' | 'proceed_with_notice' | 'hold_for_approval' | 'refuse';

export type CreditMessageCode =
  | 'credit_allowed'
  | 'credit_warning'
  | 'credit_approval_required'
  | 'credit_blocked';

export interface CreditMessage {
  code: CreditMessageCode;
  values: Readonly<Record<string, MoneyJSON>>;
}

export interface CreditDecision {
  outcome: CreditOutcome;
  action: CreditAction;
  /** The level that decided; null when allowed. */
  level: CreditLevel | null;
  values: {
    currentExposure: Money;
    orderAmount: Money;
    exposureAfter: Money;
    /** The deciding level's amount; null when allowed. */
    levelAmount: Money | null;
    /** purchase blocked − current exposure (≥ 0); null without a purchase-blocked level. */
    availableBeforeBlock: Money | null;
  };
  message: CreditMessage;
  explanation: CreditExplanation;
}

const OUTCOME_OF: Readonly<Record<CreditLevel, CreditOutcome>> = {
  warning: 'warning',
  approval_required: 'approval_required',
  purchase_blocked: 'blocked',
};

const ACTION_OF: Readonly<Record<CreditOutcome, CreditAction>> = {
  allowed: 'proceed',
  warning: 'proceed_with_notice',
  approval_required: 'hold_for_approval',
  blocked: 'refuse',
};

const SUMMARY_OF: Readonly<Record<CreditOutcome, string>> = {
  allowed: 'Order allowed',
  warning: 'Order allowed with a credit warning',
  approval_required: 'Order held until approved',
  blocked: 'Order refused: purchase blocked',
};

export function creditDecision(input: CreditDecisionInput): CreditDecision {
  assertCreditLevels(input.levels);
  const { levels, currentExposure, orderAmount } = input;
  const exposureAfter = currentExposure.plus(orderAmount);
  const blocked = levelAmount(levels, 'purchase_blocked');
  const availableBeforeBlock =
    blocked === null ? null : Money.max(blocked.minus(currentExposure), Money.zero(blocked.currency));

  const steps: CreditStep[] = [
    {
      label: 'exposure after the order',
      formula: `${showMoney(currentExposure)} + ${showMoney(orderAmount)}`,
      result: showMoney(exposureAfter),
    },
  ];
  let decisive: CreditLevel | null = null;
  for (const level of CREDIT_LEVELS) {
    const amount = levelAmount(levels, level);
    if (amount === null) {
      steps.push({ label: CREDIT_LEVEL_LABELS[level], formula: 'not set', result: 'not checked' });
      continue;
    }
    const above = isAbove(exposureAfter, amount);
    steps.push({
      label: `vs ${CREDIT_LEVEL_LABELS[level]}`,
      formula: `${showMoney(exposureAfter)} ${above ? '>' : '≤'} ${showMoney(amount)}`,
      result: above ? 'above' : 'within',
    });
    // Levels are checked mildest first, so the last one passed is the strictest.
    if (above) decisive = level;
  }
  const addsExposure = orderAmount.isPositive();
  if (!addsExposure) {
    steps.push({
      label: 'order amount',
      formula: `${showMoney(orderAmount)} ≤ 0`,
      result: 'adds no exposure: always allowed',
    });
    decisive = null;
  }
  const outcome: CreditOutcome = decisive === null ? 'allowed' : OUTCOME_OF[decisive];
  const decidingAmount = decisive === null ? null : levelAmount(levels, decisive);
  steps.push({
    label: 'outcome',
    formula:
      decisive === null ? 'no level passed' : `strictest level passed: ${CREDIT_LEVEL_LABELS[decisive]}`,
    result: outcome,
  });

  const messageValues: Record<string, MoneyJSON> = {
    orderAmount: orderAmount.toJSON(),
    currentExposure: currentExposure.toJSON(),
    exposureAfter: exposureAfter.toJSON(),
  };
  if (decidingAmount !== null) messageValues.levelAmount = decidingAmount.toJSON();
  if (availableBeforeBlock !== null) messageValues.availableBeforeBlock = availableBeforeBlock.toJSON();

  const detail =
    decisive === null
      ? addsExposure
        ? `exposure after the order ${showMoney(exposureAfter)} is within every credit level`
        : `the order adds no exposure (${showMoney(orderAmount)})`
      : `exposure after the order ${showMoney(exposureAfter)} is above the ${CREDIT_LEVEL_LABELS[decisive]} ${showMoney(decidingAmount!)}`;
  return {
    outcome,
    action: ACTION_OF[outcome],
    level: decisive,
    values: {
      currentExposure,
      orderAmount,
      exposureAfter,
      levelAmount: decidingAmount,
      availableBeforeBlock,
    },
    message: { code: `credit_${outcome}`, values: messageValues },
    explanation: { summary: `${SUMMARY_OF[outcome]}: ${detail}`, steps },
  };
}
