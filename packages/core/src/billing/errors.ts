export type BillingErrorCode =
  | 'invalid_line'
  | 'currency_mismatch'
  | 'unrounded_line'
  | 'invariant_violated'
  | 'invalid_discount'
  | 'invalid_registration_number';

/** Billing failures carry a stable `code`; the message is for logs and developers. */
export class BillingError extends Error {
  readonly code: BillingErrorCode;

  constructor(code: BillingErrorCode, message: string) {
    super(message);
    this.name = 'BillingError';
    this.code = code;
  }
}
