import { queryOptions } from '@tanstack/react-query';
import { ApiError, apiGet, withQuery } from '../api/client';
import type { Page, Role } from '../api/types';

/**
 * The customer panel's server calls. Customers reach the same endpoints as partners; the server scopes
 * every answer to the caller's own company, so nothing here filters by customer.
 */

export type Term = 'P1M' | 'P1Y' | 'P3Y' | (string & {});
export type BillingCycle = 'monthly' | 'annual' | 'triennial' | 'one_time' | (string & {});

export interface Subscription {
  id: string;
  sellerId: string;
  sellerName: string;
  customerId: string;
  customerName: string;
  kind: 'license' | 'azure_plan' | 'own_product';
  title: string;
  productId: string | null;
  skuId: string | null;
  catalogItemId: string | null;
  status: string;
  quantity: number;
  term: Term | null;
  billingCycle: BillingCycle | null;
  termStart: string | null;
  termEnd: string | null;
  lastDay: string | null;
  autoRenew: boolean;
  cancellationAllowedUntil: string | null;
  scheduledChange: { quantity?: number; sku?: string; term?: string; billingCycle?: string } | null;
  unitPrice: string | null;
  currency: string | null;
  locked: boolean;
  version: number;
}

export interface NceAction {
  action: string;
  minimumQuantity?: number;
  until?: string;
  date?: string;
}

export interface SubscriptionDetail extends Subscription {
  nce?: {
    possibleNow: NceAction[];
    atRenewalOnly: NceAction[];
    notPossible?: NceAction[];
    refundable?: { totalQuantity: number };
    renewal?: { date: string | null; autoRenew: boolean; outcome: string } | null;
  };
  pendingChanges?: PendingChange[];
}

export interface PendingChange {
  orderId: string;
  orderNumber?: string;
  kind?: string;
  effectiveAt?: string | null;
  quantity?: number | null;
  [key: string]: unknown;
}

export interface SubscriptionEvent {
  id: string;
  kind: string;
  effectiveAt: string;
  quantityBefore: number | null;
  quantityAfter: number | null;
  statusBefore: string | null;
  statusAfter: string | null;
  skuBefore: string | null;
  skuAfter: string | null;
  orderId: string | null;
  source: string;
}

export interface OrderLine {
  id: string;
  kind: string;
  title: string | null;
  quantity: number | null;
  term: string | null;
  billingCycle: string | null;
  unitPrice: string | null;
  currency: string | null;
  status: string;
  failureReason: string | null;
  createdSubscriptionId: string | null;
  subscriptionId: string | null;
}

export interface OrderTransition {
  from: string | null;
  to: string;
  event: string;
  at?: string;
  instant?: string;
  [key: string]: unknown;
}

export interface Order {
  id: string;
  number: string;
  state: string;
  effectiveAt: string | null;
  effectiveDate: string | null;
  currency: string | null;
  monthlyAmount: string | null;
  credit: { outcome: string; message?: string } | null;
  failureReason: string | null;
  createdAt: string;
  completedAt: string | null;
  lines: OrderLine[];
  history: OrderTransition[];
}

export interface PriceQuote {
  currency: string;
  unitPrice: string;
  totalPerBillingCycle: string;
  billingPeriodsPerTerm: number;
  totalPerTerm: string;
  date: string;
  explanation: { summary: string };
}

export interface CatalogOffer {
  id: string;
  catalogItemId: string;
  term: Term;
  billingCycle: BillingCycle;
  retiredAt: string | null;
}

export interface CatalogProduct {
  id: string;
  source: 'microsoft' | 'own';
  productFamily: string | null;
  productId: string | null;
  skuId: string | null;
  title: string;
  description: string | null;
  minQuantity: number;
  maxQuantity: number;
  isAddon: boolean;
  retiredAt: string | null;
  offers: CatalogOffer[];
}

export interface Amount {
  currency: string;
  sale: string;
}

export interface UsageSummary {
  period: string;
  asOf: string | null;
  totals: (Amount & { lines: number })[];
  byDay: (Amount & { date: string })[];
  byMeterCategory: (Amount & { meterCategory: string })[];
  bySubscription: (Amount & { subscriptionId: string; subscriptionName: string })[];
  forecast: {
    currency: string;
    monthToDate: string;
    projected: string;
    dailyAverage: string;
    remainingDays: number;
    explanation: string;
  }[];
}

export type BreakdownBy = 'day' | 'meter_category' | 'subscription' | 'resource_group' | 'meter';

export interface UsageBreakdown {
  period: string;
  by: BreakdownBy;
  items: (Amount & { key: string; label: string })[];
}

export interface PanelUser {
  id: string;
  email: string;
  name: string;
  memberships: { organizationId: string; role: Role }[];
}

export const subscriptionsQuery = queryOptions({
  queryKey: ['subscriptions', 'panel'],
  queryFn: ({ signal }) => apiGet<Page<Subscription>>('/api/v1/subscriptions?limit=200', signal),
});

export const renewalsQuery = queryOptions({
  queryKey: ['subscriptions', 'panel', 'renewals'],
  queryFn: ({ signal }) =>
    apiGet<Page<Subscription>>('/api/v1/subscriptions?limit=20&renewingWithinDays=60', signal),
});

export const subscriptionQuery = (id: string) =>
  queryOptions({
    queryKey: ['subscriptions', 'detail', id],
    queryFn: ({ signal }) =>
      apiGet<SubscriptionDetail>(`/api/v1/subscriptions/${encodeURIComponent(id)}`, signal),
    retry: false,
  });

export const subscriptionEventsQuery = (id: string) =>
  queryOptions({
    queryKey: ['subscriptions', 'events', id],
    queryFn: ({ signal }) =>
      apiGet<Page<SubscriptionEvent>>(
        `/api/v1/subscriptions/${encodeURIComponent(id)}/events?limit=100`,
        signal,
      ),
    retry: false,
  });

export const ordersQuery = queryOptions({
  queryKey: ['orders', 'panel'],
  queryFn: ({ signal }) => apiGet<Page<Order>>('/api/v1/orders?limit=50', signal),
});

const RUNNING = new Set(['draft', 'submitted', 'provisioning']);

export const orderQuery = (id: string) =>
  queryOptions({
    queryKey: ['orders', 'detail', id],
    queryFn: ({ signal }) => apiGet<Order>(`/api/v1/orders/${encodeURIComponent(id)}`, signal),
    retry: false,
    // An order that is still moving is polled so its progress shows without a reload.
    refetchInterval: (query) => (query.state.data && RUNNING.has(query.state.data.state) ? 1500 : false),
  });

export const catalogQuery = (q: string) =>
  queryOptions({
    queryKey: ['catalog', 'panel', q],
    queryFn: ({ signal }) =>
      apiGet<Page<CatalogProduct>>(withQuery('/api/v1/catalog/products', { limit: 100, q }), signal),
  });

export interface PriceQuoteInput {
  sku: string;
  quantity: number;
  term: string;
  billingCycle: string;
  date?: string;
}

export const priceQuoteQuery = (input: PriceQuoteInput | null) =>
  queryOptions({
    queryKey: ['price-quotes', input],
    enabled: input !== null,
    retry: false,
    queryFn: ({ signal }) =>
      apiGet<PriceQuote>(
        withQuery('/api/v1/price-quotes', {
          sku: input?.sku,
          quantity: input?.quantity,
          term: input?.term,
          billingCycle: input?.billingCycle,
          date: input?.date,
        }),
        signal,
      ),
  });

export const usageSummaryQuery = (period: string) =>
  queryOptions({
    queryKey: ['usage', 'summary', period],
    queryFn: ({ signal }) => apiGet<UsageSummary>(withQuery('/api/v1/usage/summary', { period }), signal),
  });

export const usageBreakdownQuery = (period: string, by: BreakdownBy) =>
  queryOptions({
    queryKey: ['usage', 'breakdown', period, by],
    queryFn: ({ signal }) =>
      apiGet<UsageBreakdown>(withQuery('/api/v1/usage/breakdown', { period, by, limit: 20 }), signal),
  });

export const usageExportUrl = (period: string) => withQuery('/api/v1/usage/export.csv', { period });

export const usersQuery = (organizationId: string) =>
  queryOptions({
    queryKey: ['users', 'panel', organizationId],
    queryFn: ({ signal }) =>
      apiGet<Page<PanelUser>>(withQuery('/api/v1/users', { organizationId, limit: 100 }), signal),
  });

/**
 * A write with an Idempotency-Key: a double click or a retry after a lost answer returns the first
 * order instead of buying twice. The shared client has no header hook, so this one is written here
 * with the same error contract (ApiError with the server's stable code).
 */
export async function postIdempotent<T>(
  path: string,
  body: unknown,
  idempotencyKey: string,
  csrfToken: string | null,
  method = 'POST',
): Promise<T> {
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'Content-Type': 'application/json',
    'Idempotency-Key': idempotencyKey,
  };
  if (csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch (cause) {
    throw new ApiError(0, 'network_error', cause instanceof Error ? cause.message : String(cause));
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    const error = (parsed as { error?: { code?: unknown; message?: unknown; details?: unknown } })?.error;
    if (error && typeof error.code === 'string') {
      throw new ApiError(response.status, error.code, String(error.message ?? ''), error.details);
    }
    throw new ApiError(response.status, `http_${response.status}`, response.statusText);
  }
  return parsed as T;
}

export const newIdempotencyKey = () => `panel-${crypto.randomUUID()}`;

export interface OrderAnswer {
  id: string;
  number: string;
  state: string;
}

/** `POST /subscriptions/{id}/…` answers 202 with `{ order }`; `POST /orders` answers the order. */
export const orderOf = (answer: OrderAnswer | { order: OrderAnswer }): OrderAnswer =>
  'order' in answer ? answer.order : answer;
