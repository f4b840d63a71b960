import { infiniteQueryOptions, keepPreviousData, queryOptions } from '@tanstack/react-query';
import { api, apiGet, withQuery } from '../../api/client';
import type { Page } from '../../api/types';
import { PARTNER_PAGE_SIZE } from '../api';

// Shapes and calls of the notification screens (docs/notifications.md). Query keys start with
// `notifications`, `notification-templates` or `webhooks`, so a whole resource is invalidated at once.

export const EVENT_TYPES = [
  'provisioning_completed',
  'change_completed',
  'order_failed',
  'order_awaiting_approval',
  'scheduled_change_executed',
  'renewal_notice',
  'budget_threshold',
  'usage_spike',
  'forecast_over_budget',
  'provisional_credit_exceeded',
  'credit_level',
  'invoice_issued',
  'payment_overdue',
  'webhook_endpoint_disabled',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];
export const isEventType = (value: string): value is EventType =>
  (EVENT_TYPES as readonly string[]).includes(value);

export const CHANNELS = ['email', 'in_app'] as const;
export type Channel = (typeof CHANNELS)[number];
export const NOTIFICATION_STATUSES = ['pending', 'sent', 'failed'] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];
export const LOCALES = ['ja', 'en', 'de'] as const;
export type Locale = (typeof LOCALES)[number];

export interface Notification {
  id: string;
  eventId: string;
  eventType: string;
  channel: Channel;
  organizationId: string;
  userId: string;
  locale: string;
  title: string;
  body: string;
  linkUrl: string | null;
  status: NotificationStatus;
  recipient: string | null;
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  sentAt: string | null;
  fileName: string | null;
  readAt: string | null;
  createdAt: string;
}

export interface NotificationDetail extends Notification {
  html: string | null;
}

export interface OutboxFilter {
  channel?: string;
  event?: string;
  status?: string;
}

export const outboxQuery = (filter: OutboxFilter) =>
  infiniteQueryOptions({
    queryKey: ['notifications', 'outbox', filter],
    queryFn: ({ pageParam, signal }) =>
      apiGet<Page<Notification>>(
        withQuery('/api/v1/notifications', {
          recipient: 'all',
          limit: PARTNER_PAGE_SIZE,
          cursor: pageParam,
          ...filter,
        }),
        signal,
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: keepPreviousData,
  });

export const notificationQuery = (id: string) =>
  queryOptions({
    queryKey: ['notifications', 'detail', id],
    queryFn: ({ signal }) =>
      apiGet<NotificationDetail>(`/api/v1/notifications/${encodeURIComponent(id)}`, signal),
  });

export interface TemplatePreview {
  event: string;
  locale: Locale;
  essential: boolean;
  subject: string;
  text: string;
  html: string;
}

export const templatePreviewQuery = (event: EventType, locale: Locale) =>
  queryOptions({
    queryKey: ['notification-templates', event, locale],
    queryFn: ({ signal }) =>
      apiGet<TemplatePreview>(
        withQuery(`/api/v1/notifications/templates/${event}/preview`, { locale }),
        signal,
      ),
  });

/* ------------------------------------------------------------- webhooks */

export interface WebhookEndpoint {
  id: string;
  organizationId: string;
  url: string;
  description: string;
  eventTypes: string[];
  enabled: boolean;
  consecutiveFailures: number;
  disabledAt: string | null;
  disabledReason: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface WebhookDelivery {
  id: string;
  endpointId: string;
  eventId: string | null;
  eventType: string;
  status: 'pending' | 'succeeded' | 'failed';
  attempts: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: string | null;
  redeliveryOf: string | null;
  createdAt: string;
}

export const webhookListQuery = () =>
  infiniteQueryOptions({
    queryKey: ['webhooks', 'list'],
    queryFn: ({ pageParam, signal }) =>
      apiGet<Page<WebhookEndpoint>>(
        withQuery('/api/v1/webhooks', { limit: PARTNER_PAGE_SIZE, cursor: pageParam }),
        signal,
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });

export const webhookDeliveriesQuery = (id: string) =>
  infiniteQueryOptions({
    queryKey: ['webhooks', 'deliveries', id],
    queryFn: ({ pageParam, signal }) =>
      apiGet<Page<WebhookDelivery>>(
        withQuery(`/api/v1/webhooks/${encodeURIComponent(id)}/deliveries`, {
          limit: PARTNER_PAGE_SIZE,
          cursor: pageParam,
        }),
        signal,
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });

export const createWebhook = (input: { url: string; description: string; eventTypes: string[] }) =>
  api<WebhookEndpoint & { secret: string }>('POST', '/api/v1/webhooks', input);

export const setWebhookEnabled = (id: string, enabled: boolean) =>
  api<WebhookEndpoint>('PATCH', `/api/v1/webhooks/${encodeURIComponent(id)}`, { enabled });

export const redeliver = (id: string, deliveryId: string) =>
  api<WebhookDelivery>(
    'POST',
    `/api/v1/webhooks/${encodeURIComponent(id)}/deliveries/${encodeURIComponent(deliveryId)}/redeliver`,
  );

export const pingWebhook = (id: string) =>
  api<WebhookDelivery>('POST', `/api/v1/webhooks/${encodeURIComponent(id)}/ping`);

/* ------------------------------------------------------------- API keys */

export const API_KEY_SCOPES = ['read', 'orders', 'billing', 'manage'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];
export const API_KEY_ROLES = ['admin', 'sales', 'billing', 'readonly'] as const;

export interface ApiKey {
  id: string;
  organizationId: string;
  name: string;
  role: string;
  prefix: string;
  scopes: ApiKeyScope[];
  rateLimitPerMinute: number | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export const apiKeyListQuery = () =>
  queryOptions({
    queryKey: ['api-keys', 'list'],
    queryFn: ({ signal }) => apiGet<{ items: ApiKey[] }>('/api/v1/api-keys', signal),
  });

export const createApiKey = (input: { name: string; role: string; scopes: string[] }) =>
  api<ApiKey & { key: string }>('POST', '/api/v1/api-keys', input);

export const revokeApiKey = (id: string) => api<null>('DELETE', `/api/v1/api-keys/${encodeURIComponent(id)}`);
