import { queryOptions } from '@tanstack/react-query';
import { api, apiGet } from '../../api/client';
import type { Organization } from '../../api/types';
import { type Order, type OrderInput, type OrderLine, placeOrder } from '../api';
import type { OrderPayload } from './wizard';

// Calls of the order screens beyond the shared partner API: every order pattern of the wizard, the
// relationship check of an order for an existing tenant, and the line results (a new
// administrator's temporary password).

/** An order line with what Microsoft answered (`result`) and the line's parameters. */
export interface OrderLineDetail extends OrderLine {
  params?: unknown;
  result?: unknown;
  failureCode?: string | null;
}

export interface AdminResult {
  userPrincipalName: string | null;
  userId: string | null;
  temporaryPassword: string | null;
}

/** The result of an `azure_admin` line, when it has one. */
export function adminResultOf(line: OrderLineDetail): AdminResult | null {
  if (line.kind !== 'azure_admin' || !line.result || typeof line.result !== 'object') return null;
  const r = line.result as Record<string, unknown>;
  const str = (value: unknown) => (typeof value === 'string' && value ? value : null);
  const result = {
    userPrincipalName: str(r.userPrincipalName),
    userId: str(r.userId),
    temporaryPassword: str(r.temporaryPassword),
  };
  return result.userPrincipalName || result.userId || result.temporaryPassword ? result : null;
}

/**
 * Places the wizard's order with its Idempotency-Key. The shared `placeOrder` sends the body as it
 * is; its input type only names the patterns the first wizard had, so the payload (every pattern
 * the server's OrderInputSchema takes) is passed through it.
 */
export const placeWizardOrder = (payload: OrderPayload, idempotencyKey: string, csrfToken: string | null) =>
  placeOrder(payload as unknown as OrderInput, idempotencyKey, csrfToken);

export const checkRelationship = (orderId: string) =>
  api<Order>('POST', `/api/v1/orders/${encodeURIComponent(orderId)}/check-relationship`);

export const organizationQuery = (id: string | null) =>
  queryOptions({
    queryKey: ['organizations', 'detail', id],
    queryFn: ({ signal }) => apiGet<Organization>(`/api/v1/organizations/${encodeURIComponent(id!)}`, signal),
    enabled: id !== null,
  });
