import type { TFunction } from 'i18next';
import { isApiError } from '../api/client';
import { errorMessage } from '../components/errors';

// Error codes the partner screens can meet, with words in every language. Anything else falls back
// to the console's general messages (server messages are English and meant for logs).
const PARTNER_CODES = [
  'domain_taken',
  'invalid_domain',
  'tenant_required',
  'tenant_already_linked',
  'subscription_locked',
  'customer_locked',
  'order_not_changeable',
  'order_changed',
  'no_price',
  'item_retired',
  'invalid_buyer',
  'invalid_quantity',
  'invalid_date',
  'invalid_effective',
  'azure_plan_exists',
  'reason_required',
  'credit_blocked',
  'invalid_credit_levels',
  'credit_limit_exists',
  'currency_mismatch',
] as const;

// NCE refusals arrive as `nce.<rule>`; the common ones get their own sentence.
const NCE_CODES = [
  'decrease_outside_window',
  'cancel_outside_window',
  'quantity_unchanged',
  'subscription_suspended',
  'subscription_cancelled',
] as const;

export function partnerErrorMessage(t: TFunction, error: unknown): string {
  if (!isApiError(error)) return errorMessage(t, error);
  const code = error.code;
  if ((PARTNER_CODES as readonly string[]).includes(code)) {
    return t(`partnerErrors.${code as (typeof PARTNER_CODES)[number]}`);
  }
  if (code.startsWith('nce.')) {
    const rule = code.slice(4);
    return (NCE_CODES as readonly string[]).includes(rule)
      ? t(`partnerErrors.nce_${rule as (typeof NCE_CODES)[number]}`)
      : t('partnerErrors.nce');
  }
  if (error.status === 409) return t('partnerErrors.conflict');
  if (error.status === 422) return t('partnerErrors.unprocessable');
  return errorMessage(t, error);
}
