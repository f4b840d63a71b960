import { type Kysely, type Selectable, sql } from 'kysely';
import type { Scope } from '../../auth/scope.ts';
import type { Database } from '../../db/schema.ts';
import { visibleOrganizationIds } from '../../db/tenancy.ts';
import { decodeCursorParts, encodeCursor, type Page } from '../../http/pagination.ts';
import type {
  WebhookDeliveriesTable,
  WebhookDeliveryStatus,
  WebhookEndpointsTable,
} from './webhooks.tables.ts';

export interface WebhookEndpointView {
  id: string;
  organizationId: string;
  url: string;
  description: string;
  /** Empty: every event type. */
  eventTypes: string[];
  enabled: boolean;
  consecutiveFailures: number;
  disabledAt: string | null;
  disabledReason: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface WebhookDeliveryView {
  id: string;
  endpointId: string;
  eventId: string | null;
  eventType: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: string | null;
  redeliveryOf: string | null;
  createdAt: string;
}

export interface WebhookAttemptView {
  attempt: number;
  attemptedAt: string;
  statusCode: number | null;
  error: string | null;
  responseBody: string | null;
  durationMs: number;
}

export type EndpointRow = Selectable<WebhookEndpointsTable>;

// Keyset cursors carry the timestamp as PostgreSQL prints it: microseconds, which a JS Date
// (milliseconds) would cut off and so skip rows created within the same millisecond.
const CURSOR_AT = sql<string>`created_at::text`.as('cursor_at');

export const toEndpointView = (row: EndpointRow): WebhookEndpointView => ({
  id: row.id,
  organizationId: row.organization_id,
  url: row.url,
  description: row.description,
  eventTypes: row.event_types,
  enabled: row.enabled,
  consecutiveFailures: row.consecutive_failures,
  disabledAt: row.disabled_at?.toISOString() ?? null,
  disabledReason: row.disabled_reason,
  version: row.version,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

export const toDeliveryView = (row: Selectable<WebhookDeliveriesTable>): WebhookDeliveryView => ({
  id: row.id,
  endpointId: row.endpoint_id,
  eventId: row.event_id,
  eventType: row.event_type,
  status: row.status,
  attempts: row.attempts,
  nextAttemptAt: row.next_attempt_at?.toISOString() ?? null,
  lastStatusCode: row.last_status_code,
  lastError: row.last_error,
  deliveredAt: row.delivered_at?.toISOString() ?? null,
  redeliveryOf: row.redelivery_of,
  createdAt: row.created_at.toISOString(),
});

/** An endpoint in the caller's subtree (the secret column stays in the row, never in a view). */
export async function findEndpointRow(
  db: Kysely<Database>,
  scope: Scope,
  id: string,
): Promise<EndpointRow | undefined> {
  return db
    .selectFrom('webhook_endpoints')
    .selectAll()
    .where('id', '=', id)
    .where('organization_id', 'in', visibleOrganizationIds(db, scope))
    .executeTakeFirst();
}

export async function listEndpoints(
  db: Kysely<Database>,
  scope: Scope,
  filter: { limit: number; cursor?: string | undefined; organizationId?: string | undefined },
): Promise<Page<WebhookEndpointView>> {
  let query = db
    .selectFrom('webhook_endpoints')
    .selectAll()
    .select(CURSOR_AT)
    .where('organization_id', 'in', visibleOrganizationIds(db, scope))
    .orderBy('created_at')
    .orderBy('id')
    .limit(filter.limit + 1);
  if (filter.organizationId) query = query.where('organization_id', '=', filter.organizationId);
  const after = decodeCursorParts(filter.cursor, 2);
  if (after) {
    query = query.where(sql<boolean>`(created_at, id) > (${after[0]}::timestamptz, ${after[1]}::uuid)`);
  }
  const rows = await query.execute();
  const page = rows.slice(0, filter.limit);
  const last = page.at(-1);
  return {
    items: page.map(toEndpointView),
    nextCursor: rows.length > filter.limit && last ? encodeCursor(last.cursor_at, last.id) : null,
  };
}

/** Deliveries of one endpoint, newest first. The endpoint must already be known to be visible. */
export async function listDeliveries(
  db: Kysely<Database>,
  endpointId: string,
  filter: { limit: number; cursor?: string | undefined; status?: WebhookDeliveryStatus | undefined },
): Promise<Page<WebhookDeliveryView>> {
  let query = db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .select(CURSOR_AT)
    .where('endpoint_id', '=', endpointId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.limit + 1);
  if (filter.status) query = query.where('status', '=', filter.status);
  const after = decodeCursorParts(filter.cursor, 2);
  if (after) {
    query = query.where(sql<boolean>`(created_at, id) < (${after[0]}::timestamptz, ${after[1]}::uuid)`);
  }
  const rows = await query.execute();
  const page = rows.slice(0, filter.limit);
  const last = page.at(-1);
  return {
    items: page.map(toDeliveryView),
    nextCursor: rows.length > filter.limit && last ? encodeCursor(last.cursor_at, last.id) : null,
  };
}

export async function findDelivery(
  db: Kysely<Database>,
  endpointId: string,
  deliveryId: string,
): Promise<(WebhookDeliveryView & { payload: unknown; attemptLog: WebhookAttemptView[] }) | undefined> {
  const row = await db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('id', '=', deliveryId)
    .where('endpoint_id', '=', endpointId)
    .executeTakeFirst();
  if (!row) return undefined;
  const attempts = await db
    .selectFrom('webhook_delivery_attempts')
    .selectAll()
    .where('delivery_id', '=', deliveryId)
    .orderBy('id')
    .execute();
  return {
    ...toDeliveryView(row),
    payload: JSON.parse(row.payload) as unknown,
    attemptLog: attempts.map((a) => ({
      attempt: a.attempt,
      attemptedAt: a.attempted_at.toISOString(),
      statusCode: a.status_code,
      error: a.error,
      responseBody: a.response_body,
      durationMs: a.duration_ms,
    })),
  };
}
