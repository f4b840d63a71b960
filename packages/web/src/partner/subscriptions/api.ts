import { infiniteQueryOptions, keepPreviousData } from '@tanstack/react-query';
import { api, apiGet, withQuery } from '../../api/client';
import type { Page } from '../../api/types';
import { type Order, PARTNER_PAGE_SIZE } from '../api';

// Calls of the subscription screens beyond the shared partner API: the upgrade action and the
// drift report of reconciliation (GET /subscriptions/drift, adopt / fix, reconcile now).

export const DRIFT_KINDS = [
  'quantity',
  'status',
  'auto_renew',
  'unknown_subscription',
  'missing_at_microsoft',
] as const;
export type DriftKind = (typeof DRIFT_KINDS)[number];

export const DRIFT_STATUSES = ['open', 'resolved', 'all'] as const;
export type DriftStatus = (typeof DRIFT_STATUSES)[number];

export interface Drift {
  id: string;
  customerId: string;
  customerName: string;
  subscriptionId: string | null;
  partnerCenter: { customerId: string; subscriptionId: string };
  kind: string;
  localValue: string | null;
  microsoftValue: string | null;
  details: unknown;
  detectedAt: string;
  lastSeenAt: string;
  resolvedAt: string | null;
  resolution: string | null;
  resolvedBy: string | null;
  actions: ('adopt' | 'fix')[];
}

export interface DriftFilter {
  status?: DriftStatus;
  customerId?: string;
}

export const driftListQuery = (filter: DriftFilter) =>
  infiniteQueryOptions({
    queryKey: ['subscriptions', 'drift', filter],
    queryFn: ({ pageParam, signal }) =>
      apiGet<Page<Drift>>(
        withQuery('/api/v1/subscriptions/drift', { limit: PARTNER_PAGE_SIZE, cursor: pageParam, ...filter }),
        signal,
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: keepPreviousData,
  });

export const resolveDrift = (id: string, how: 'adopt' | 'fix') =>
  api<Drift>('POST', `/api/v1/subscriptions/drift/${encodeURIComponent(id)}/${how}`);

export interface ReconcileReport {
  customers?: number;
  subscriptions?: number;
  renewed?: number;
  expired?: number;
  driftDetected?: number;
  driftCleared?: number;
  driftOpen?: number;
}

export const reconcileNow = () => api<ReconcileReport>('POST', '/api/v1/subscriptions/reconcile');

export const upgradeSubscription = (id: string, body: { sku: string; quantity?: number }) =>
  api<Order>('POST', `/api/v1/subscriptions/${encodeURIComponent(id)}/upgrade`, body);
