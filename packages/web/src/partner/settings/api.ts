import { queryOptions } from '@tanstack/react-query';
import { api, apiGet, withQuery } from '../../api/client';
import type { Page } from '../../api/types';
import type { Channel, EventType } from '../notifications/api';

// Shapes and calls of the Settings screen (docs/partner-console.md#settings): the provider's Partner
// Center connection and the organisation's notification recipients. The billing profile has its
// own calls in billing/api.ts.

/* ------------------------------------------------------- Partner Center */

export const CONNECTION_MODES = ['emulator', 'app_only', 'app_user'] as const;
export type ConnectionMode = (typeof CONNECTION_MODES)[number];

export interface Connection {
  mode: ConnectionMode;
  baseUrl: string | null;
  tenantId: string | null;
  appId: string | null;
  /** Secrets are never returned: only whether some are stored. */
  hasCredentials: boolean;
  lastTest: { at: string; ok: boolean; message: string } | null;
  version: number;
}

export interface ConnectionInput {
  mode: ConnectionMode;
  baseUrl?: string;
  tenantId?: string;
  appId?: string;
  appSecret?: string;
  refreshToken?: string;
}

export const connectionQuery = () =>
  queryOptions({
    queryKey: ['settings', 'partner-center'],
    queryFn: ({ signal }) => apiGet<Connection>('/api/v1/partner-center/connection', signal),
  });

export const saveConnection = (input: ConnectionInput) =>
  api<Connection>('PUT', '/api/v1/partner-center/connection', input);

export const testConnection = () =>
  api<{ ok: boolean; message: string }>('POST', '/api/v1/partner-center/connection/test');

export interface ConnectionForm {
  mode: ConnectionMode;
  baseUrl: string;
  tenantId: string;
  appId: string;
  appSecret: string;
  refreshToken: string;
}

export type ConnectionField = 'baseUrl' | 'tenantId' | 'appId' | 'appSecret' | 'refreshToken';
export type ConnectionProblem = 'required' | 'invalidUrl';

/**
 * What is wrong with the form before it goes to the server (the server checks the same): live modes
 * need the tenant, the application and its secret (secrets are never shown, so they are typed again
 * on every save), App+User also the refresh token; a base URL must be http(s).
 */
export function connectionProblems(
  form: ConnectionForm,
): Partial<Record<ConnectionField, ConnectionProblem>> {
  const problems: Partial<Record<ConnectionField, ConnectionProblem>> = {};
  const baseUrl = form.baseUrl.trim();
  if (baseUrl && !/^https?:\/\/\S+$/.test(baseUrl)) problems.baseUrl = 'invalidUrl';
  if (form.mode !== 'emulator') {
    for (const field of ['tenantId', 'appId', 'appSecret'] as const) {
      if (!form[field].trim()) problems[field] = 'required';
    }
    if (form.mode === 'app_user' && !form.refreshToken.trim()) problems.refreshToken = 'required';
  }
  return problems;
}

/** The request body: empty fields are left out, the emulator carries no credentials. */
export function connectionInput(form: ConnectionForm): ConnectionInput {
  const input: ConnectionInput = { mode: form.mode };
  const baseUrl = form.baseUrl.trim();
  if (baseUrl) input.baseUrl = baseUrl;
  if (form.mode === 'emulator') return input;
  input.tenantId = form.tenantId.trim();
  input.appId = form.appId.trim();
  input.appSecret = form.appSecret;
  if (form.mode === 'app_user') input.refreshToken = form.refreshToken.trim();
  return input;
}

/* -------------------------------------------------------- notifications */

export interface RecipientRule {
  roles: string[];
  userIds: string[];
  channels: Channel[];
}

export interface EventSetting extends RecipientRule {
  type: EventType | (string & {});
  essential: boolean;
  audience: { own: boolean; seller: boolean };
  isDefault: boolean;
}

export interface NotificationSettings {
  organizationId: string;
  renewalNoticeMonths: number[] | null;
  events: EventSetting[];
  version: number;
}

export const notificationSettingsQuery = () =>
  queryOptions({
    queryKey: ['settings', 'notifications'],
    queryFn: ({ signal }) => apiGet<NotificationSettings>('/api/v1/notification-settings', signal),
  });

export interface NotificationSettingsInput {
  /** Per event type: the new rule, or null to go back to the default. */
  rules?: Record<string, RecipientRule | null>;
  renewalNoticeMonths?: number[];
}

/** Conditional on the version the screen shows: a concurrent change answers 412 `version_conflict`. */
export const saveNotificationSettings = (input: NotificationSettingsInput, version: number) =>
  api<NotificationSettings>('PUT', '/api/v1/notification-settings', input, undefined, {
    'If-Match': `"${version}"`,
  });

export interface Member {
  id: string;
  email: string;
  name: string;
  disabled: boolean;
}

/** The people of the caller's own organisation, who can be named as recipients. */
export const membersQuery = (organizationId: string) =>
  queryOptions({
    queryKey: ['settings', 'members', organizationId],
    queryFn: ({ signal }) =>
      apiGet<Page<Member>>(withQuery('/api/v1/users', { organizationId, limit: 200 }), signal),
  });

/** Months (before a term ends) offered for renewal notices; the server takes 1–36, at most six. */
export const RENEWAL_MONTH_CHOICES = [1, 2, 3, 4, 5, 6, 9, 12, 18, 24, 36] as const;
export const MAX_RENEWAL_NOTICES = 6;

export const PARTNER_RECIPIENT_ROLES = ['admin', 'sales', 'billing', 'readonly'] as const;
