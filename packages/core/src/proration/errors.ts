export type ProrationErrorCode =
  | 'invalid_term'
  | 'invalid_billing_cycle'
  | 'invalid_quantity'
  | 'invalid_period'
  | 'used_outside_charge_period'
  | 'overlapping_periods'
  | 'invalid_quantity_change'
  | 'unrounded_total';

/**
 * Every proration failure carries a stable `code` so that the API can map it to a response and a
 * UI can translate it; the message is for logs and developers only.
 */
export class ProrationError extends Error {
  readonly code: ProrationErrorCode;

  constructor(code: ProrationErrorCode, message: string) {
    super(message);
    this.name = 'ProrationError';
    this.code = code;
  }
}
