import { infiniteQueryOptions, keepPreviousData, queryOptions } from '@tanstack/react-query';
import { ApiError, api, apiGet, withQuery } from '../api/client';
import type { Organization, Page } from '../api/types';

// Shapes and calls of the partner console (usage, subscriptions, orders, quotes, catalog, price
// books). Kept beside the screens that use them; query keys start with the resource name so a whole
// resource can be invalidated at once.

export const PARTNER_PAGE_SIZE = 25;

/* ---------------------------------------------------------------- usage */

export interface Amounts {
  currency: string;
  sale: string;
  cost?: string;
  margin?: string;
}

export interface UsageForecast {
  currency: string;
  monthToDate: string;
  projected: string;
  dailyAverage: string;
  basisDays: number;
  remainingDays: number;
  explanation: string;
}

export interface UsageSummary {
  period: string;
  view: 'seller' | 'customer';
  asOf: string | null;
  totals: (Amounts & { lines: number })[];
  byDay: (Amounts & { date: string })[];
  byMeterCategory: (Amounts & { meterCategory: string })[];
  bySubscription: (Amounts & {
    subscriptionId: string;
    subscriptionName: string;
    customerId: string;
    customerName: string;
  })[];
  forecast: UsageForecast[];
}

export type BreakdownDimension = 'day' | 'meter_category' | 'subscription' | 'customer' | 'resource_group';

export interface UsageBreakdown {
  period: string;
  by: string;
  items: (Amounts & { key: string; label: string; quantity?: string })[];
}

export interface UsageFilter {
  period?: string;
  customerId?: string;
}

export interface UsageImportCounts {
  rowsRead: number;
  linesLoaded: number;
  linesReplaced: number;
  linesUnchanged: number;
  linesSkippedBilled: number;
  linesQuarantined: number;
  linesRemoved: number;
  daysLoaded: number;
  daysReplaced: number;
  daysUnchanged: number;
  daysSuperseded: number;
}

export interface UsageImport {
  id: string;
  channel: string;
  fileName: string | null;
  columnVariant: string | null;
  status: string;
  counts: UsageImportCounts;
  firstUsageDate: string | null;
  lastUsageDate: string | null;
  error: string | null;
  startedBy: string;
  startedAt: string;
  finishedAt: string | null;
}

export interface QuarantinedRow {
  line: number;
  reason: string;
  message: string;
  record: string;
}

export const usageExportUrl = (filter: UsageFilter) => withQuery('/api/v1/usage/export.csv', { ...filter });

export const usageSummaryQuery = (filter: UsageFilter) =>
  queryOptions({
    queryKey: ['usage', 'summary', filter],
    queryFn: ({ signal }) => apiGet<UsageSummary>(withQuery('/api/v1/usage/summary', { ...filter }), signal),
    placeholderData: keepPreviousData,
  });

export const usageBreakdownQuery = (filter: UsageFilter, by: BreakdownDimension) =>
  queryOptions({
    queryKey: ['usage', 'breakdown', filter, by],
    queryFn: ({ signal }) =>
      apiGet<UsageBreakdown>(withQuery('/api/v1/usage/breakdown', { ...filter, by, limit: 50 }), signal),
    placeholderData: keepPreviousData,
  });

export const usageImportsQuery = () =>
  infiniteQueryOptions({
    queryKey: ['usage', 'imports'],
    queryFn: ({ pageParam, signal }) =>
      apiGet<Page<UsageImport>>(
        withQuery('/api/v1/usage/imports', { limit: PARTNER_PAGE_SIZE, cursor: pageParam }),
        signal,
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });

export const usageQuarantineQuery = (importId: string) =>
  infiniteQueryOptions({
    queryKey: ['usage', 'quarantine', importId],
    queryFn: ({ pageParam, signal }) =>
      apiGet<Page<QuarantinedRow>>(
        withQuery(`/api/v1/usage/imports/${encodeURIComponent(importId)}/quarantine`, {
          limit: PARTNER_PAGE_SIZE,
          cursor: pageParam,
        }),
        signal,
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });

/* ---------------------------------------------------------------- organisations (pickers) */

export const customerOptionsQuery = (q: string) =>
  queryOptions({
    queryKey: ['organizations', 'customers', q],
    queryFn: ({ signal }) =>
      apiGet<Page<Organization>>(
        withQuery('/api/v1/organizations', { kind: 'customer', q, limit: 50 }),
        signal,
      ),
    placeholderData: keepPreviousData,
  });

export interface NewOrganization {
  parentId: string;
  kind: 'customer';
  name: string;
  country: string;
  currency: string;
  timeZone: string;
  locale: string;
}

export const createOrganization = (input: NewOrganization) =>
  api<Organization>('POST', '/api/v1/organizations', input);

/* ---------------------------------------------------------------- subscriptions */

export interface PriceTier {
  sellerId: string;
  buyerId: string;
  unitCost: string;
  costCurrency: string;
  unitPrice: string;
  currency: string;
}

export interface Subscription {
  id: string;
  sellerId: string;
  sellerName: string;
  customerId: string;
  customerName: string;
  kind: string;
  title: string;
  productId: string | null;
  skuId: string | null;
  status: string;
  quantity: number;
  term: string;
  billingCycle: string;
  termStart: string | null;
  termEnd: string | null;
  lastDay: string | null;
  autoRenew: boolean;
  cancellationAllowedUntil: string | null;
  scheduledChange: unknown;
  isTrial: boolean;
  unitPrice: string | null;
  currency: string | null;
  priceTiers: PriceTier[];
  orderId: string | null;
  locked: boolean;
  lockedReason: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface NceAction {
  action: string;
  until?: string;
  minimumQuantity?: number;
  date?: string;
}

export interface SubscriptionDetail extends Subscription {
  nce: {
    cancellation?: { until: string; hoursLeft: number } | null;
    renewal?: { date: string; autoRenew: boolean; outcome: string; scheduledChange: unknown } | null;
    possibleNow?: NceAction[];
    atRenewalOnly?: NceAction[];
    unavailable?: (NceAction & { reason?: string })[];
  } | null;
  pendingChanges: unknown[];
}

export interface SubscriptionEvent {
  id: string;
  kind: string;
  effectiveAt: string;
  quantityBefore: number | null;
  quantityAfter: number;
  statusBefore: string | null;
  statusAfter: string;
  skuBefore: string | null;
  skuAfter: string | null;
  autoRenew: boolean | null;
  orderId: string | null;
  source: string;
  recordedAt: string;
}

export interface SubscriptionFilter {
  customerId?: string;
  status?: string;
  kind?: string;
  renewingWithinDays?: number;
}

export const subscriptionListQuery = (filter: SubscriptionFilter) =>
  infiniteQueryOptions({
    queryKey: ['subscriptions', 'list', filter],
    queryFn: ({ pageParam, signal }) =>
      apiGet<Page<Subscription>>(
        withQuery('/api/v1/subscriptions', { limit: PARTNER_PAGE_SIZE, cursor: pageParam, ...filter }),
        signal,
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: keepPreviousData,
  });

export const subscriptionQuery = (id: string) =>
  queryOptions({
    queryKey: ['subscriptions', 'detail', id],
    queryFn: ({ signal }) =>
      apiGet<SubscriptionDetail>(`/api/v1/subscriptions/${encodeURIComponent(id)}`, signal),
  });

export const subscriptionEventsQuery = (id: string) =>
  queryOptions({
    queryKey: ['subscriptions', 'events', id],
    queryFn: ({ signal }) =>
      apiGet<{ items: SubscriptionEvent[] }>(
        `/api/v1/subscriptions/${encodeURIComponent(id)}/events`,
        signal,
      ),
  });

export type SubscriptionActionPath =
  | 'quantity'
  | 'suspend'
  | 'reactivate'
  | 'cancel'
  | 'auto-renew'
  | 'schedule';

export const subscriptionAction = (
  id: string,
  action: SubscriptionActionPath,
  body: Record<string, unknown>,
  method: 'POST' | 'DELETE' = 'POST',
) =>
  api<Order>(
    method,
    `/api/v1/subscriptions/${encodeURIComponent(id)}/${action}`,
    method === 'DELETE' ? undefined : body,
  );

/* ---------------------------------------------------------------- orders */

export const ORDER_STATES = [
  'draft',
  'submitted',
  'awaiting_approval',
  'awaiting_relationship',
  'scheduled',
  'provisioning',
  'completed',
  'partially_failed',
  'failed',
  'cancelled',
] as const;
export type OrderState = (typeof ORDER_STATES)[number];

export interface OrderLine {
  id: string;
  position: number;
  kind: string;
  title: string;
  term: string | null;
  billingCycle: string | null;
  quantity: number | null;
  unitPrice: string | null;
  currency: string | null;
  status: string;
  failureReason: string | null;
  createdSubscriptionId: string | null;
}

export interface OrderTransition {
  from: string;
  to: string;
  event: string;
  reason: string | null;
  actor: string;
  at: string;
}

export interface Order {
  id: string;
  number: string;
  sellerName: string;
  customerId: string;
  customerName: string;
  state: OrderState;
  tenant: { mode: string; domain: string } | null;
  relationshipUrl: string | null;
  effectiveAt: string | null;
  effectiveDate: string | null;
  reference: string;
  currency: string;
  monthlyAmount: string;
  failureReason: string | null;
  createdBy: string;
  createdAt: string;
  completedAt: string | null;
  lines: OrderLine[];
  history: OrderTransition[];
}

export interface OrderFilter {
  state?: string;
  customerId?: string;
}

export const orderListQuery = (filter: OrderFilter) =>
  infiniteQueryOptions({
    queryKey: ['orders', 'list', filter],
    queryFn: ({ pageParam, signal }) =>
      apiGet<Page<Order>>(
        withQuery('/api/v1/orders', { limit: PARTNER_PAGE_SIZE, cursor: pageParam, ...filter }),
        signal,
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: keepPreviousData,
  });

export const orderQuery = (id: string) =>
  queryOptions({
    queryKey: ['orders', 'detail', id],
    queryFn: ({ signal }) => apiGet<Order>(`/api/v1/orders/${encodeURIComponent(id)}`, signal),
  });

export const decideOrder = (id: string, decision: 'approve' | 'reject' | 'cancel', reason?: string) =>
  api<Order>('POST', `/api/v1/orders/${encodeURIComponent(id)}/${decision}`, reason ? { reason } : {});

export interface OrderLineInput {
  type: 'purchase' | 'azure_plan';
  sku?: string;
  quantity?: number;
  term?: string;
  billingCycle?: string;
}

export interface OrderInput {
  customerId: string;
  tenant?: {
    mode: 'new';
    domainPrefix: string;
    companyName: string;
    email: string;
    contact: { firstName: string; lastName: string };
    address: { addressLine1: string; city: string; postalCode: string; country: string };
  };
  effective?: 'now';
  effectiveDate?: string;
  reference?: string;
  lines: OrderLineInput[];
}

/**
 * POST /orders with an Idempotency-Key: a retried submit (double click, lost answer) returns the
 * first order instead of placing a second one. The shared client sends no custom headers, so this
 * call carries the CSRF token of the session itself.
 */
export async function placeOrder(input: OrderInput, idempotencyKey: string, csrfToken: string | null) {
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'Content-Type': 'application/json',
    'Idempotency-Key': idempotencyKey,
  };
  if (csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch('/api/v1/orders', {
      method: 'POST',
      headers,
      body: JSON.stringify(input),
      credentials: 'same-origin',
    });
  } catch (cause) {
    throw new ApiError(0, 'network_error', cause instanceof Error ? cause.message : String(cause));
  }
  const body = (await response.json().catch(() => undefined)) as
    | Order
    | { error?: { code: string; message: string; details?: unknown } }
    | undefined;
  if (!response.ok) {
    const error = body && 'error' in body ? body.error : undefined;
    throw new ApiError(
      response.status,
      error?.code ?? `http_${response.status}`,
      error?.message ?? response.statusText,
      error?.details,
    );
  }
  return body as Order;
}

export const domainAvailability = (domainPrefix: string, signal?: AbortSignal) =>
  apiGet<{ domain: string; available: boolean }>(
    withQuery('/api/v1/orders/domain-availability', { domainPrefix }),
    signal,
  );

/* ---------------------------------------------------------------- quotes */

export interface QuoteTaxed {
  net: string;
  tax: string;
  gross: string;
  currency: string;
}

export interface Quote {
  id: string;
  number: string;
  sellerName: string;
  customerId: string | null;
  customerName: string;
  status: string;
  currency: string;
  validUntil: string;
  title: string;
  orderId: string | null;
  lines: {
    id: string;
    title: string;
    quantity: number;
    term: string;
    billingCycle: string;
    unitPrice: string;
    currency: string;
    totalPerCycle: string;
  }[];
  totals: { currency: string; term: QuoteTaxed };
  createdAt: string;
  sentAt: string | null;
  acceptedAt: string | null;
}

export const quoteAction = (id: string, action: 'send' | 'accept') =>
  api<unknown>('POST', `/api/v1/quotes/${encodeURIComponent(id)}/${action}`, {});

export interface QuoteInput {
  customerId: string;
  title?: string;
  lines: { sku: string; quantity: number; term?: string; billingCycle?: string }[];
}

export const createQuote = (input: QuoteInput) => api<Quote>('POST', '/api/v1/quotes', input);

export const quotePdfUrl = (id: string, locale: string) =>
  withQuery(`/api/v1/quotes/${encodeURIComponent(id)}/pdf`, { locale });

export const quoteQuery = (id: string) =>
  queryOptions({
    queryKey: ['quotes', 'detail', id],
    queryFn: ({ signal }) => apiGet<Quote>(`/api/v1/quotes/${encodeURIComponent(id)}`, signal),
  });

export const quoteListQuery = (filter: { status?: string }) =>
  infiniteQueryOptions({
    queryKey: ['quotes', 'list', filter],
    queryFn: ({ pageParam, signal }) =>
      apiGet<Page<Quote>>(
        withQuery('/api/v1/quotes', { limit: PARTNER_PAGE_SIZE, cursor: pageParam, ...filter }),
        signal,
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });

/* ---------------------------------------------------------------- catalog and prices */

export interface CatalogPrice {
  market: string;
  currency: string;
  listPrice: string;
  cost: string;
  effectiveFrom: string;
  effectiveTo: string | null;
}

export interface CatalogOffer {
  id: string;
  catalogItemId: string;
  term: string;
  billingCycle: string;
  segment: string;
  countries: string[];
  retiredAt: string | null;
  prices: CatalogPrice[];
}

export interface CatalogItem {
  id: string;
  source: 'microsoft' | 'own';
  vendor: string;
  productFamily: string | null;
  productId: string | null;
  skuId: string | null;
  title: string;
  description: string | null;
  unit: string;
  isAddon: boolean;
  retiredAt: string | null;
  offers: CatalogOffer[];
}

export interface CatalogFilter {
  q?: string;
  source?: string;
  productFamily?: string;
  term?: string;
}

export const catalogListQuery = (filter: CatalogFilter) =>
  infiniteQueryOptions({
    queryKey: ['catalog', 'list', filter],
    queryFn: ({ pageParam, signal }) =>
      apiGet<Page<CatalogItem>>(
        withQuery('/api/v1/catalog/products', { limit: PARTNER_PAGE_SIZE, cursor: pageParam, ...filter }),
        signal,
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: keepPreviousData,
  });

/** Microsoft SKUs matching a search, for the order wizard's picker. */
export const catalogSearchQuery = (q: string) =>
  queryOptions({
    queryKey: ['catalog', 'search', q],
    queryFn: ({ signal }) =>
      apiGet<Page<CatalogItem>>(
        withQuery('/api/v1/catalog/products', { source: 'microsoft', limit: 20, q }),
        signal,
      ),
    placeholderData: keepPreviousData,
  });

export interface CatalogChange {
  id: string;
  kind: string;
  title: string;
  term: string | null;
  billingCycle: string | null;
  market: string | null;
  currency: string | null;
  oldCost: string | null;
  newCost: string | null;
  oldListPrice: string | null;
  newListPrice: string | null;
  effectiveDate: string | null;
  recordedAt: string;
}

export const catalogChangesQuery = () =>
  infiniteQueryOptions({
    queryKey: ['catalog', 'changes'],
    queryFn: ({ pageParam, signal }) =>
      apiGet<Page<CatalogChange>>(
        withQuery('/api/v1/catalog/changes', { limit: PARTNER_PAGE_SIZE, cursor: pageParam }),
        signal,
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });

export interface OwnProduct {
  id: string;
  sellerName: string;
  vendor: string;
  name: string;
  description: string | null;
  productFamily: string | null;
  billingModel: string;
  unit: string;
  currency: string;
  offers: { id: string; term: string; billingCycle: string; unitPrice: string; cost: string }[];
  editable: boolean;
  version: number;
  retiredAt: string | null;
}

export const ownProductsQuery = () =>
  infiniteQueryOptions({
    queryKey: ['catalog', 'own-products'],
    queryFn: ({ pageParam, signal }) =>
      apiGet<Page<OwnProduct>>(
        withQuery('/api/v1/catalog/own-products', { limit: PARTNER_PAGE_SIZE, cursor: pageParam }),
        signal,
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });

export interface PriceBookSummary {
  sellerId: string;
  sellerName: string;
  sellerKind: string;
  currency: string;
  ruleCount: number;
}

export const priceBooksQuery = () =>
  queryOptions({
    queryKey: ['price-books', 'list'],
    queryFn: ({ signal }) => apiGet<{ items: PriceBookSummary[] }>('/api/v1/price-books', signal),
  });

export interface PriceRule {
  id: string;
  [field: string]: unknown;
}

export const priceRulesQuery = (sellerId: string) =>
  queryOptions({
    queryKey: ['price-books', 'rules', sellerId],
    queryFn: ({ signal }) =>
      apiGet<{ items: PriceRule[] } | Page<PriceRule>>(
        `/api/v1/price-books/${encodeURIComponent(sellerId)}/rules`,
        signal,
      ),
  });

export interface PriceQuote {
  currency: string;
  unitPrice: string;
  totalPerBillingCycle: string;
  totalPerTerm: string;
  billingPeriodsPerTerm: number;
  item: { title: string; term: string | null; billingCycle: string | null };
  explanation: { summary: string; steps: { label: string; formula: string; result: string }[] };
}

export interface PriceQuoteInput {
  customer: string;
  sku: string;
  quantity: number;
  term?: string;
  billingCycle?: string;
}

export const priceQuoteQuery = (input: PriceQuoteInput | null) =>
  queryOptions({
    queryKey: ['price-quotes', input],
    queryFn: ({ signal }) =>
      apiGet<PriceQuote>(withQuery('/api/v1/price-quotes', { ...(input as PriceQuoteInput) }), signal),
    enabled: input !== null,
    retry: false,
  });

export interface OwnProductInput {
  vendor: string;
  name: string;
  description: string;
  billingModel: 'recurring' | 'one_time' | 'usage';
  unit: string;
  currency: string;
  offers: { term: string; billingCycle: string; unitPrice: string; cost: string }[];
}

export const createOwnProduct = (input: OwnProductInput) =>
  api<OwnProduct>('POST', '/api/v1/catalog/own-products', input);

export const updateOwnProduct = (id: string, input: Partial<OwnProductInput>) =>
  api<OwnProduct>('PATCH', `/api/v1/catalog/own-products/${encodeURIComponent(id)}`, input);

export const retireOwnProduct = (id: string) =>
  api<void>('DELETE', `/api/v1/catalog/own-products/${encodeURIComponent(id)}`);

export interface PriceQuoteResult extends PriceQuote {
  tiers: {
    sellerId: string;
    sellerName: string;
    ruleId: string | null;
    basis: string;
    sale: string;
    cost: string;
    currency: string;
  }[];
}

export const testPriceQuote = (input: PriceQuoteInput) =>
  apiGet<PriceQuoteResult>(withQuery('/api/v1/price-quotes', { ...input }));

/* ---------------------------------------------------------------- alerts and credit control */

export const ALERT_TYPES = [
  'budget_threshold',
  'usage_spike',
  'forecast_over_budget',
  'provisional_credit_exceeded',
  'credit_level',
] as const;
export type AlertType = (typeof ALERT_TYPES)[number];

export interface Explanation {
  summary: string;
  steps: { label: string; formula?: string; result?: string }[];
}

export interface Alert {
  id: string;
  type: string;
  organizationId: string;
  organizationName: string;
  subject: { type: string; id: string };
  period: string | null;
  date: string | null;
  level: string | null;
  explanation: Explanation | null;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  createdAt: string;
}

export interface AlertFilter {
  type?: string;
  acknowledged?: string;
}

export const alertListQuery = (filter: AlertFilter) =>
  infiniteQueryOptions({
    queryKey: ['alerts', 'list', filter],
    queryFn: ({ pageParam, signal }) =>
      apiGet<Page<Alert>>(
        withQuery('/api/v1/alerts', { limit: PARTNER_PAGE_SIZE, cursor: pageParam, ...filter }),
        signal,
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: keepPreviousData,
  });

export const acknowledgeAlert = (id: string) =>
  api<Alert>('POST', `/api/v1/alerts/${encodeURIComponent(id)}/acknowledge`, {});

export interface CreditLimit {
  id: string;
  organizationId: string;
  organizationName: string;
  organizationKind: string;
  currency: string;
  warning: string | null;
  approvalRequired: string | null;
  purchaseBlocked: string | null;
  monthToDate: string;
  provisionalCredit: {
    month: string;
    amount: string;
    basis: string;
    explanation: Explanation;
  } | null;
  version: number;
}

export const creditLimitListQuery = () =>
  infiniteQueryOptions({
    queryKey: ['credit-limits', 'list'],
    queryFn: ({ pageParam, signal }) =>
      apiGet<Page<CreditLimit>>(
        withQuery('/api/v1/credit-limits', { limit: PARTNER_PAGE_SIZE, cursor: pageParam }),
        signal,
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });

export interface CreditLevels {
  warning: string | null;
  approvalRequired: string | null;
  purchaseBlocked: string | null;
}

export const saveCreditLimit = (id: string | null, organizationId: string, levels: CreditLevels) =>
  id
    ? api<CreditLimit>('PUT', `/api/v1/credit-limits/${encodeURIComponent(id)}`, levels)
    : api<CreditLimit>('POST', '/api/v1/credit-limits', { organizationId, ...levels });
