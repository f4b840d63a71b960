import { type Kysely, type Selectable, sql } from 'kysely';
import { requirePermission, type Scope } from '../../auth/scope.ts';
import type { Database } from '../../db/schema.ts';
import { visibleOrganizationIds } from '../../db/tenancy.ts';
import { badRequest, notFound } from '../../http/errors.ts';
import { decodeCursorParts, encodeCursor, type Page } from '../../http/pagination.ts';
import type { NotificationChannel, NotificationStatus, NotificationsTable } from './notifications.tables.ts';

export interface NotificationView {
  id: string;
  eventId: string;
  eventType: string;
  channel: NotificationChannel;
  organizationId: string;
  userId: string;
  locale: string;
  title: string;
  body: string;
  linkUrl: string | null;
  /** In-app: always `sent`. E-mail: the outbox state. */
  status: NotificationStatus;
  recipient: string | null;
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  sentAt: string | null;
  /** The `.eml` in DATA_DIR/outbox, when e-mail is written to files instead of sent. */
  fileName: string | null;
  readAt: string | null;
  createdAt: string;
}

type Row = Selectable<NotificationsTable>;

const toView = (row: Row): NotificationView => ({
  id: row.id,
  eventId: row.event_id,
  eventType: row.event_type,
  channel: row.channel,
  organizationId: row.organization_id,
  userId: row.user_id,
  locale: row.locale,
  title: row.title,
  body: row.body_text,
  linkUrl: row.link_url,
  status: row.status,
  recipient: row.recipient,
  attempts: row.attempts,
  nextAttemptAt: row.next_attempt_at?.toISOString() ?? null,
  lastError: row.last_error,
  sentAt: row.sent_at?.toISOString() ?? null,
  fileName: row.file_name,
  readAt: row.read_at?.toISOString() ?? null,
  createdAt: row.created_at.toISOString(),
});

export interface NotificationFilter {
  limit: number;
  cursor?: string | undefined;
  /** `me`: the caller's own; `all`: everything sent in the caller's subtree (the outbox view). */
  recipient: 'me' | 'all';
  channel?: NotificationChannel | undefined;
  eventType?: string | undefined;
  status?: NotificationStatus | undefined;
  unread?: boolean | undefined;
}

export async function listNotifications(
  db: Kysely<Database>,
  scope: Scope,
  filter: NotificationFilter,
): Promise<Page<NotificationView>> {
  if (filter.recipient === 'all') requirePermission(scope, 'notifications:manage');
  else if (!scope.userId) {
    throw badRequest(
      'recipient_required',
      'An API key has no notifications of its own; ask for recipient=all.',
    );
  }
  let query = db
    .selectFrom('notifications')
    .selectAll()
    // Keyset on the timestamp as PostgreSQL prints it (microseconds; a JS Date would cut them).
    .select(sql<string>`created_at::text`.as('cursor_at'))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.limit + 1);
  query =
    filter.recipient === 'all'
      ? query.where('organization_id', 'in', visibleOrganizationIds(db, scope))
      : query.where('user_id', '=', scope.userId!);
  if (filter.channel) query = query.where('channel', '=', filter.channel);
  if (filter.eventType) query = query.where('event_type', '=', filter.eventType);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.unread) query = query.where('read_at', 'is', null);
  const after = decodeCursorParts(filter.cursor, 2);
  if (after) {
    query = query.where(sql<boolean>`(created_at, id) < (${after[0]}::timestamptz, ${after[1]}::uuid)`);
  }
  const rows = await query.execute();
  const page = rows.slice(0, filter.limit);
  const last = page.at(-1);
  return {
    items: page.map(toView),
    nextCursor: rows.length > filter.limit && last ? encodeCursor(last.cursor_at, last.id) : null,
  };
}

/**
 * One notification: the caller's own, or (with notifications:manage) any in the caller's
 * subtree. E-mails come with their HTML.
 */
export async function findNotification(
  db: Kysely<Database>,
  scope: Scope,
  id: string,
): Promise<(NotificationView & { html: string | null }) | undefined> {
  const { userId } = scope;
  const manages = scope.permissions.has('notifications:manage');
  if (!userId && !manages) return undefined;
  const query = db
    .selectFrom('notifications')
    .selectAll()
    .where('id', '=', id)
    .where((eb) =>
      eb.or([
        ...(userId ? [eb('user_id', '=', userId)] : []),
        ...(manages ? [eb('organization_id', 'in', visibleOrganizationIds(db, scope))] : []),
      ]),
    );
  const row = await query.executeTakeFirst();
  return row ? { ...toView(row), html: row.body_html } : undefined;
}

/** Marks one of the caller's own notifications read (idempotent: the first read time stays). */
export async function markRead(
  db: Kysely<Database>,
  scope: Scope,
  id: string,
  now: Date,
): Promise<NotificationView> {
  if (!scope.userId) throw notFound('notification');
  const row = await db
    .updateTable('notifications')
    .set({ read_at: sql`coalesce(read_at, ${now})` })
    .where('id', '=', id)
    .where('user_id', '=', scope.userId)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw notFound('notification');
  return toView(row);
}

export async function markAllRead(db: Kysely<Database>, scope: Scope, now: Date): Promise<number> {
  if (!scope.userId) return 0;
  const result = await db
    .updateTable('notifications')
    .set({ read_at: now })
    .where('user_id', '=', scope.userId)
    .where('read_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
