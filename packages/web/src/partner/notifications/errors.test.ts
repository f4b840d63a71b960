import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/client';
import en from '../../i18n/en.json';
import { EVENT_TYPES } from './api';
import { notificationsErrorMessage } from './errors';

const t = ((key: string) => key) as unknown as TFunction;

describe('notification screens', () => {
  it('words the webhook API errors and leaves the rest to the partner console', () => {
    expect(notificationsErrorMessage(t, new ApiError(409, 'webhook_disabled', 'x'))).toBe(
      'notificationsUi.errors.webhook_disabled',
    );
    expect(notificationsErrorMessage(t, new ApiError(400, 'invalid_url', 'x'))).toBe(
      'notificationsUi.errors.invalid_url',
    );
    expect(notificationsErrorMessage(t, new ApiError(409, 'something_else', 'x'))).toBe(
      'partnerErrors.conflict',
    );
  });

  it('has a name for every event type', () => {
    for (const type of EVENT_TYPES) expect(en.notificationsUi.event[type], type).toBeTruthy();
  });
});
