/**
 * The three credit levels a partner sets per customer (and a provider per reseller), as amounts per
 * month: warning, approval required, purchase blocked (PRODUCT.md §6; 警告/要承認/購入不可).
 *
 * The boundary of credit control, used by every function of this module through `isAbove`: an
 * amount is over a level when it is strictly greater than it. The Japanese original words every
 * credit rule with "exceeds" (超えた, 超過, 上回った), and a level reads naturally as the last
 * amount still within it: with purchase blocked at 1,000, an exposure of exactly 1,000 is allowed.
 * (Budget alerts, whose requirement says "reaches", are inclusive instead; see alerts/budget.ts.)
 */

import { showMoney } from '../alerts/explanation.ts';
import type { Money } from '../money/money.ts';
import { CreditError } from './errors.ts';

/** In ascending severity. */
export type CreditLevel = 'warning' | 'approval_required' | 'purchase_blocked';

export const CREDIT_LEVELS: readonly CreditLevel[] = Object.freeze([
  'warning',
  'approval_required',
  'purchase_blocked',
]);

/** Any level may be unset (null or absent); set ones must satisfy warning ≤ approval ≤ blocked. */
export interface CreditLevels {
  warning?: Money | null;
  approvalRequired?: Money | null;
  purchaseBlocked?: Money | null;
}

export const CREDIT_LEVEL_LABELS: Readonly<Record<CreditLevel, string>> = Object.freeze({
  warning: 'warning level',
  approval_required: 'approval-required level',
  purchase_blocked: 'purchase-blocked level',
});

export function levelAmount(levels: CreditLevels, level: CreditLevel): Money | null {
  const amount =
    level === 'warning'
      ? levels.warning
      : level === 'approval_required'
        ? levels.approvalRequired
        : levels.purchaseBlocked;
  return amount ?? null;
}

/** The one boundary rule of credit control: strictly greater. */
export function isAbove(amount: Money, level: Money): boolean {
  return amount.greaterThan(level);
}

export type CreditLevelIssueCode = 'negative_level' | 'level_order' | 'currency_mismatch';

export interface CreditLevelIssue {
  code: CreditLevelIssueCode;
  level: CreditLevel;
  /** The level it conflicts with (order, currency); null for a negative level. */
  other: CreditLevel | null;
  message: string;
}

/**
 * Every problem of a set of levels, for a settings form to show at once; empty when valid. Equal
 * levels are allowed (the stricter one then decides). A level of 0 is allowed: "purchase blocked at
 * 0" is a prepaid-only customer.
 */
export function validateCreditLevels(levels: CreditLevels): CreditLevelIssue[] {
  const issues: CreditLevelIssue[] = [];
  const set = CREDIT_LEVELS.flatMap((level) => {
    const amount = levelAmount(levels, level);
    return amount === null ? [] : [{ level, amount }];
  });
  for (const { level, amount } of set) {
    if (amount.isNegative()) {
      issues.push({
        code: 'negative_level',
        level,
        other: null,
        message: `The ${CREDIT_LEVEL_LABELS[level]} cannot be negative (${showMoney(amount)})`,
      });
    }
  }
  set.forEach((lower, i) => {
    for (const higher of set.slice(i + 1)) {
      if (lower.amount.currency !== higher.amount.currency) {
        issues.push({
          code: 'currency_mismatch',
          level: higher.level,
          other: lower.level,
          message: `The ${CREDIT_LEVEL_LABELS[higher.level]} is in ${higher.amount.currency}, the ${CREDIT_LEVEL_LABELS[lower.level]} in ${lower.amount.currency}`,
        });
      } else if (lower.amount.greaterThan(higher.amount)) {
        issues.push({
          code: 'level_order',
          level: lower.level,
          other: higher.level,
          message: `The ${CREDIT_LEVEL_LABELS[lower.level]} (${showMoney(lower.amount)}) is above the ${CREDIT_LEVEL_LABELS[higher.level]} (${showMoney(higher.amount)})`,
        });
      }
    }
  });
  return issues;
}

export function assertCreditLevels(levels: CreditLevels): void {
  const issues = validateCreditLevels(levels);
  if (issues.length > 0) {
    throw new CreditError(
      'invalid_credit_levels',
      `Invalid credit levels: ${issues.map((i) => i.message).join('; ')}`,
      {},
      issues,
    );
  }
}
