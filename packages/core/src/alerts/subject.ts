import { AlertError } from './errors.ts';
import { keyPart } from './explanation.ts';

/**
 * Whose budget: a customer's whole Azure usage, or one of its Azure subscriptions (PRODUCT.md §6:
 * "per customer, optionally per subscription"). Ids are opaque; they only go into dedupe keys.
 */
export interface BudgetSubject {
  customerId: string;
  /** null or absent: the customer's budget for all its Azure usage. */
  subscriptionId?: string | null;
}

export function checkBudgetSubject(subject: BudgetSubject): void {
  const ok =
    typeof subject?.customerId === 'string' &&
    subject.customerId !== '' &&
    (subject.subscriptionId == null ||
      (typeof subject.subscriptionId === 'string' && subject.subscriptionId !== ''));
  if (!ok) {
    throw new AlertError('invalid_subject', 'A budget subject needs a non-empty customerId', {
      subject: JSON.stringify(subject ?? null),
    });
  }
}

/** `customer/c-1` or `customer/c-1/subscription/s-9`: the subject's part of a dedupe key. */
export function budgetSubjectKey(subject: BudgetSubject): string {
  const customer = `customer/${keyPart(subject.customerId)}`;
  return subject.subscriptionId == null
    ? customer
    : `${customer}/subscription/${keyPart(subject.subscriptionId)}`;
}
