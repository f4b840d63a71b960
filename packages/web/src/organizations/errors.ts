import type { TFunction } from 'i18next';
import { isApiError } from '../api/client';
import { partnerErrorMessage } from '../partner/errors';

// Error codes of the organisation and user endpoints (packages/server/src/modules/organizations,
// …/users) with words in every language; anything else goes through the partner console's mapping.
export const ORGANIZATION_CODES = [
  'version_conflict',
  'tenant_taken',
  'invalid_parent',
  'branding_not_allowed',
  'email_taken',
  'invalid_email',
  'role_not_allowed',
  'own_role',
  'validation_failed',
] as const;

export function organizationsErrorMessage(t: TFunction, error: unknown): string {
  if (isApiError(error) && (ORGANIZATION_CODES as readonly string[]).includes(error.code)) {
    return t(`organizations.errors.${error.code as (typeof ORGANIZATION_CODES)[number]}`);
  }
  return partnerErrorMessage(t, error);
}
