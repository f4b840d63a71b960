import type { TFunction } from 'i18next';
import { isApiError } from '../../api/client';
import { partnerErrorMessage } from '../errors';

// Error codes of the settings APIs (Partner Center connection, notification settings) with words in
// every language; anything else goes through the partner console's general messages.
export const SETTINGS_CODES = [
  'invalid_base_url',
  'credentials_required',
  'refresh_token_required',
  'partner_center_not_connected',
  'partner_center_credentials_incomplete',
  'version_conflict',
  'invalid_if_match',
  'role_not_allowed',
  'not_a_member',
  'unknown_event_type',
  'not_a_seller',
] as const;

export function settingsErrorMessage(t: TFunction, error: unknown): string {
  if (isApiError(error) && (SETTINGS_CODES as readonly string[]).includes(error.code)) {
    return t(`settings.errors.${error.code as (typeof SETTINGS_CODES)[number]}`);
  }
  return partnerErrorMessage(t, error);
}

export const isVersionConflict = (error: unknown): boolean =>
  isApiError(error) && (error.code === 'version_conflict' || error.status === 412);
