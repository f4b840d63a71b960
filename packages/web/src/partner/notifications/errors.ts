import type { TFunction } from 'i18next';
import { isApiError } from '../../api/client';
import { partnerErrorMessage } from '../errors';

// Error codes of the webhook API (docs/notifications.md) with words in every language; anything
// else goes through the partner console's general messages.
const CODES = ['invalid_url', 'unknown_event_type', 'webhook_disabled', 'delivery_pending'] as const;

export function notificationsErrorMessage(t: TFunction, error: unknown): string {
  if (isApiError(error) && (CODES as readonly string[]).includes(error.code)) {
    return t(`notificationsUi.errors.${error.code as (typeof CODES)[number]}`);
  }
  return partnerErrorMessage(t, error);
}
