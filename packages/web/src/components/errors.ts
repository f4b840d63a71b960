import type { TFunction } from 'i18next';
import { isApiError } from '../api/client';

// Codes the UI has words for. Anything else is shown as the generic message: server messages are
// English-only and meant for logs, not for users.
const KNOWN = {
  invalid_credentials: 'errors.invalid_credentials',
  rate_limited: 'errors.rate_limited',
  unauthenticated: 'errors.unauthenticated',
  forbidden: 'errors.forbidden',
  not_found: 'errors.not_found',
  network_error: 'errors.network_error',
  internal_error: 'errors.internal_error',
  invalid_password: 'errors.invalid_password',
  password_too_weak: 'errors.password_too_weak',
  validation_failed: 'errors.validation_failed',
  no_membership: 'errors.no_membership',
  csrf_failed: 'errors.csrf_failed',
} as const;

export function errorMessage(t: TFunction, error: unknown): string {
  if (isApiError(error)) {
    if (Object.hasOwn(KNOWN, error.code)) return t(KNOWN[error.code as keyof typeof KNOWN]);
    if (error.status === 403) return t('errors.forbidden');
    if (error.status === 404) return t('errors.not_found');
    if (error.status >= 500) return t('errors.internal_error');
  }
  return t('errors.unknown');
}
