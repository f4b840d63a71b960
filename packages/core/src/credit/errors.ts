import type { CreditLevelIssue } from './levels.ts';

export type CreditErrorCode =
  | 'invalid_credit_levels'
  | 'invalid_subject'
  | 'invalid_planned_amount'
  | 'duplicate_month'
  | 'before_customer_since';

/**
 * Input credit control cannot decide on (inconsistent levels, a month before the customer existed).
 * A refused order is not an error: it is the `blocked` outcome of creditDecision. `code` is stable
 * for API responses and translations; `detail` carries the offending values, `issues` the problems
 * found in a set of credit levels.
 */
export class CreditError extends Error {
  readonly code: CreditErrorCode;
  readonly detail: Readonly<Record<string, string>>;
  readonly issues: readonly CreditLevelIssue[];

  constructor(
    code: CreditErrorCode,
    message: string,
    detail: Record<string, string> = {},
    issues: readonly CreditLevelIssue[] = [],
  ) {
    super(message);
    this.name = 'CreditError';
    this.code = code;
    this.detail = Object.freeze({ ...detail });
    this.issues = Object.freeze([...issues]);
  }
}
