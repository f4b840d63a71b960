import { AppError, badRequest, conflict, forbidden, notFound } from '../../http/errors.ts';

/** Stable error codes of billing. */
export const billingErrors = {
  invalidPeriod: (period: string) =>
    badRequest('invalid_period', `The period must be a month as YYYY-MM, got ${JSON.stringify(period)}.`),
  futurePeriod: (period: string) =>
    badRequest(
      'billing_period_not_started',
      `The period ${period} has not started yet; nothing can be billed for it.`,
    ),
  sellersOnly: () => forbidden('Only providers and resellers issue invoices.'),
  invalidRegistrationNumber: (value: string) =>
    badRequest(
      'invalid_registration_number',
      `A Japanese invoice registration number is T followed by 13 digits (e.g. T1234567890123), got ${JSON.stringify(value)}.`,
    ),
  invalidDiscount: (message: string) => badRequest('invalid_discount', message),
  invoiceNotFound: () => notFound('invoice'),
  creditNoteNotFound: () => notFound('credit note'),
  notDraft: (status: string) =>
    conflict('invoice_not_draft', `Only a draft invoice can be issued; this one is ${status}.`),
  notIssued: (status: string) =>
    conflict('invoice_not_issued', `Only an issued invoice can take this action; this one is ${status}.`),
  emptyInvoice: () => conflict('invoice_empty', 'This invoice has no lines; there is nothing to issue.'),
  overpayment: (open: string, currency: string) =>
    conflict(
      'payment_exceeds_balance',
      `The payment is larger than the open balance of ${open} ${currency}.`,
    ),
  currencyMismatch: (expected: string) =>
    badRequest('currency_mismatch', `The invoice is in ${expected}; record the payment in ${expected}.`),
  invalidAmount: () =>
    badRequest(
      'invalid_amount',
      'The amount must be a positive decimal with at most the currency’s decimals.',
    ),
  notIssuer: () => forbidden('Only the issuer of an invoice can do this.'),
  creditExceedsInvoice: (available: string, currency: string) =>
    conflict(
      'credit_exceeds_invoice',
      `The credit is larger than what is left to credit on this invoice (${available} ${currency}).`,
    ),
  runBusy: () =>
    conflict('billing_run_running', 'A billing run for this seller and period is already running.'),
  invariant: (message: string) => new AppError('billing_invariant_violated', 500, message),
  customerNotFound: () => notFound('customer'),
};
