import type { TFunction } from 'i18next';
import { isApiError } from '../../api/client';
import { partnerErrorMessage } from '../errors';

// Error codes of billing (packages/server/src/modules/billing/billing.errors.ts) with words in every
// language; anything else goes through the partner console's general mapping.
export const BILLING_CODES = [
  'invalid_period',
  'billing_period_not_started',
  'invalid_registration_number',
  'invalid_discount',
  'invoice_not_draft',
  'invoice_not_issued',
  'invoice_empty',
  'invoice_has_payments',
  'payment_exceeds_balance',
  'currency_mismatch',
  'invalid_amount',
  'credit_exceeds_invoice',
  'billing_run_running',
  'invalid_reconciliation_csv',
  'partner_center_not_connected',
] as const;

export function billingErrorMessage(t: TFunction, error: unknown): string {
  if (isApiError(error) && (BILLING_CODES as readonly string[]).includes(error.code)) {
    return t(`billing.errors.${error.code as (typeof BILLING_CODES)[number]}`);
  }
  return partnerErrorMessage(t, error);
}
