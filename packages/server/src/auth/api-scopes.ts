import type { ApiScope } from '../db/schema.ts';
import { AppError } from '../http/errors.ts';

/**
 * API key scopes: what an integration may do, on top of (never beyond) its role's permissions.
 * The role says which data a key reaches; the scopes say which kinds of request it may make, so an
 * ERP that only pulls invoices cannot place orders even if it was given an admin key.
 *
 * - `read`    every GET
 * - `orders`  writes to selling: customers (organisations, with their account records), quotes,
 *             orders, subscriptions, provisioning tasks
 * - `billing` writes to money: invoices, credit notes, payments, budgets and credit control, usage
 * - `manage`  every other write: users, API keys, webhooks, notification settings, catalog,
 *             price books, the Partner Center connection
 *
 * Writes are mapped by URL prefix, here and nowhere else; a write the table does not name needs
 * `manage`, so a new route is closed to narrow keys until someone decides otherwise.
 */
const WRITE_SCOPES: readonly (readonly [prefix: string, scope: ApiScope])[] = [
  ['/api/v1/organizations', 'orders'],
  ['/api/v1/quotes', 'orders'],
  ['/api/v1/orders', 'orders'],
  ['/api/v1/subscriptions', 'orders'],
  ['/api/v1/provisioning', 'orders'],
  ['/api/v1/invoices', 'billing'],
  ['/api/v1/credit-notes', 'billing'],
  ['/api/v1/payments', 'billing'],
  ['/api/v1/billing', 'billing'],
  ['/api/v1/billing-runs', 'billing'],
  ['/api/v1/billing-profile', 'billing'],
  ['/api/v1/budgets', 'billing'],
  ['/api/v1/credit', 'billing'],
  ['/api/v1/credit-limits', 'billing'],
  ['/api/v1/alerts', 'billing'],
  ['/api/v1/usage', 'billing'],
  ['/api/v1/reconciliation', 'billing'],
];

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The scope a request needs. `path` is the URL path without the query string. */
export function requiredScope(method: string, path: string): ApiScope {
  if (READ_METHODS.has(method.toUpperCase())) return 'read';
  const match = WRITE_SCOPES.find(([prefix]) => path === prefix || path.startsWith(`${prefix}/`));
  return match ? match[1] : 'manage';
}

export function requireApiScope(granted: readonly ApiScope[], method: string, url: string): void {
  const needed = requiredScope(method, url.split('?')[0] ?? url);
  if (!granted.includes(needed)) {
    throw new AppError(
      'insufficient_scope',
      403,
      `This API key lacks the "${needed}" scope that this request needs.`,
      { requiredScope: needed, grantedScopes: [...granted] },
    );
  }
}
