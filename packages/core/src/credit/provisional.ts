/**
 * The provisional credit amount (PRODUCT.md §6; 仮与信金額): "at first the customer's planned
 * amount; from the next month on, the highest monthly usage of the past six months".
 *
 * Decisions (worked examples in provisional.test.ts):
 * - "Past six months" are the six calendar months before `month` (the current month is incomplete
 *   and never counts), limited to months since the customer started: a customer since 2026-01-28
 *   has, in April, the window January to March. A month of the window without usage counts as 0
 *   (no usage billed is zero usage: monthly totals come from billing, not from a feed that can lag).
 * - The customer's first month counts in the window even if it began mid-month: its usage is real
 *   usage, and with a maximum a short month can only matter if its usage was high.
 * - "At first" lasts until the customer has one complete calendar month behind it: the month it
 *   starts, and the next one too if it started after the 1st. From 2026-01-28, February still uses
 *   the planned amount (three days of January say nothing about a month), March uses
 *   max(January, February). From 2026-01-01, February already uses January.
 * - At first with no planned amount set: no provisional credit (amount null), and so no
 *   provisional-credit alert; the credit levels still apply.
 * - Ties go to the most recent month (named in the result); a maximum below zero (net credits
 *   every month) is raised to zero, since a credit allowance is never negative.
 * - `month` before the customer's start is an input error; usage of months outside the window is
 *   ignored; two rows for one month are an input error. All amounts are in `currency`.
 */
import { showMoney } from '../alerts/explanation.ts';
import { currencyDigits } from '../money/currency.ts';
import { CurrencyMismatchError, Money } from '../money/money.ts';
import { Temporal } from '../time/calendar.ts';
import { CreditError } from './errors.ts';
import type { CreditExplanation, CreditStep } from './explanation.ts';

/** How many past months the usage maximum looks at. */
export const PROVISIONAL_CREDIT_MONTHS = 6;

export interface MonthlyUsage {
  month: Temporal.PlainYearMonth;
  amount: Money;
}

export interface ProvisionalCreditInput {
  customerSince: Temporal.PlainDate;
  /** The month the provisional credit applies to (the current month). */
  month: Temporal.PlainYearMonth;
  /** The customer's planned monthly amount; null when not set. */
  planned: Money | null;
  /** Usage totals per past month, any order; months not listed had no usage. */
  monthlyUsage: readonly MonthlyUsage[];
  /** The customer's billing currency: needed when every month of the window had no usage. */
  currency: string;
}

export interface ProvisionalWindowMonth {
  month: Temporal.PlainYearMonth;
  /** The recorded usage, or 0 when the month has none. */
  amount: Money;
  recorded: boolean;
  /** The customer existed for the whole month. */
  fullMonth: boolean;
}

export type ProvisionalCreditBasis = 'planned_amount' | 'usage_history';

export interface ProvisionalCredit {
  month: Temporal.PlainYearMonth;
  /** Null only at first, when no planned amount is set. */
  amount: Money | null;
  basis: ProvisionalCreditBasis;
  /** The past months considered, oldest first (may be empty in the first month). */
  window: ProvisionalWindowMonth[];
  /** The window's highest month (latest on ties); null for an empty window. */
  highest: { month: Temporal.PlainYearMonth; amount: Money } | null;
  explanation: CreditExplanation;
}

export function provisionalCredit(input: ProvisionalCreditInput): ProvisionalCredit {
  const { customerSince, month, planned, currency } = input;
  currencyDigits(currency);
  const startMonth = customerSince.toPlainYearMonth();
  if (Temporal.PlainYearMonth.compare(month, startMonth) < 0) {
    throw new CreditError(
      'before_customer_since',
      `No provisional credit for ${month}: the customer starts on ${customerSince}`,
      { month: month.toString(), customerSince: customerSince.toString() },
    );
  }
  if (planned !== null) {
    if (planned.currency !== currency) throw new CurrencyMismatchError(currency, planned.currency);
    if (planned.isNegative()) {
      throw new CreditError('invalid_planned_amount', `A planned amount cannot be negative, got ${planned}`, {
        planned: planned.toString(),
      });
    }
  }
  const usage = new Map<string, Money>();
  for (const row of input.monthlyUsage) {
    const key = row.month.toString();
    if (usage.has(key)) {
      throw new CreditError('duplicate_month', `Two usage totals for ${key}`, { month: key });
    }
    if (row.amount.currency !== currency) throw new CurrencyMismatchError(currency, row.amount.currency);
    usage.set(key, row.amount);
  }

  const window: ProvisionalWindowMonth[] = [];
  for (let back = PROVISIONAL_CREDIT_MONTHS; back >= 1; back--) {
    const m = month.subtract({ months: back });
    const vsStart = Temporal.PlainYearMonth.compare(m, startMonth);
    if (vsStart < 0) continue;
    const recorded = usage.get(m.toString());
    window.push({
      month: m,
      amount: recorded ?? Money.zero(currency),
      recorded: recorded !== undefined,
      fullMonth: vsStart > 0 || customerSince.day === 1,
    });
  }
  // Oldest first, so `>=` hands ties to the more recent month.
  const highest = window.reduce<ProvisionalWindowMonth | null>(
    (max, m) => (max === null || m.amount.greaterThanOrEqual(max.amount) ? m : max),
    null,
  );

  const steps: CreditStep[] = [
    {
      label: 'customer since',
      formula: customerSince.toString(),
      result: `first month ${startMonth}`,
    },
    ...window.map((m) => ({
      label: `usage ${m.month}`,
      formula: m.recorded ? 'recorded' : 'no usage recorded, counts as 0',
      result: showMoney(m.amount) + (m.fullMonth ? '' : ` (partial month from ${customerSince})`),
    })),
  ];
  const highestOut = highest === null ? null : { month: highest.month, amount: highest.amount };

  if (!window.some((m) => m.fullMonth)) {
    steps.push({
      label: 'basis',
      formula: 'no complete month as a customer yet',
      result: 'planned amount',
    });
    steps.push({
      label: 'planned amount',
      formula: planned === null ? 'not set' : showMoney(planned),
      result: planned === null ? 'no provisional credit' : showMoney(planned),
    });
    return {
      month,
      amount: planned,
      basis: 'planned_amount',
      window,
      highest: highestOut,
      explanation: {
        summary:
          planned === null
            ? `No provisional credit for ${month}: the customer is new and has no planned amount`
            : `Provisional credit for ${month}: ${showMoney(planned)}, the planned amount (the customer is new)`,
        steps,
      },
    };
  }

  const top = highest!;
  const amount = top.amount.isNegative() ? Money.zero(currency) : top.amount;
  const first = window[0]!.month;
  const last = window[window.length - 1]!.month;
  steps.push({
    label: `highest of ${window.length} months`,
    formula: `max(${window.map((m) => showMoney(m.amount)).join(', ')})`,
    result: `${showMoney(top.amount)} (${top.month})`,
  });
  if (top.amount.isNegative()) {
    steps.push({
      label: 'never below zero',
      formula: `max(${showMoney(top.amount)}, 0)`,
      result: showMoney(amount),
    });
  }
  return {
    month,
    amount,
    basis: 'usage_history',
    window,
    highest: highestOut,
    explanation: {
      summary:
        `Provisional credit for ${month}: ${showMoney(amount)}, the highest monthly usage of ` +
        `${first === last ? first : `${first} to ${last}`} (${top.month})`,
      steps,
    },
  };
}
