import type { Kysely } from 'kysely';
import { requirePermission, type Scope } from '../../auth/scope.ts';
import type { Database } from '../../db/schema.ts';
import { visibleOrganizationIds } from '../../db/tenancy.ts';
import { badRequest, notFound } from '../../http/errors.ts';
import { decodeCursorParts, encodeCursor, type Page } from '../../http/pagination.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import type { AlertSubjectType, AlertType, StoredExplanation } from './alerts.tables.ts';

/**
 * Stored alerts. An alert is visible to the subtree of its `audience_id`: the customer for budget
 * alerts (so the customer and its partners see them), the seller that set the credit limit for
 * credit alerts (so the customer or reseller they are about never does).
 */

export interface NewAlert {
  type: AlertType;
  organizationId: string;
  audienceId: string;
  subject: { type: AlertSubjectType; id: string };
  /** YYYY-MM. */
  period: string;
  date?: string | null;
  level?: string | null;
  trigger?: string | null;
  values: Record<string, unknown>;
  explanation: StoredExplanation;
  dedupeKey: string;
}

/** Inserts the alert unless its dedupe key exists; true when it was new. */
export async function insertAlert(trx: Kysely<Database>, alert: NewAlert, now: Date): Promise<boolean> {
  const inserted = await trx
    .insertInto('alerts')
    .values({
      type: alert.type,
      organization_id: alert.organizationId,
      audience_id: alert.audienceId,
      subject_type: alert.subject.type,
      subject_id: alert.subject.id,
      period: `${alert.period}-01`,
      usage_date: alert.date ?? null,
      level: alert.level ?? null,
      trigger: alert.trigger ?? null,
      values: JSON.stringify(alert.values),
      explanation: JSON.stringify(alert.explanation),
      dedupe_key: alert.dedupeKey,
      created_at: now,
    })
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

export interface AlertView {
  id: string;
  type: AlertType;
  organizationId: string;
  organizationName: string;
  subject: { type: AlertSubjectType; id: string };
  period: string;
  date: string | null;
  level: string | null;
  trigger: string | null;
  values: Record<string, unknown>;
  explanation: StoredExplanation;
  dedupeKey: string;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  createdAt: string;
}

function baseQuery(db: Kysely<Database>, scope: Scope) {
  return db
    .selectFrom('alerts as a')
    .innerJoin('organizations as o', 'o.id', 'a.organization_id')
    .selectAll('a')
    .select('o.name as organization_name')
    .where('a.audience_id', 'in', visibleOrganizationIds(db, scope));
}

type AlertRow = Awaited<ReturnType<ReturnType<typeof baseQuery>['executeTakeFirstOrThrow']>>;

function toView(row: AlertRow): AlertView {
  return {
    id: row.id,
    type: row.type,
    organizationId: row.organization_id,
    organizationName: row.organization_name,
    subject: { type: row.subject_type, id: row.subject_id },
    period: row.period.slice(0, 7),
    date: row.usage_date,
    level: row.level,
    trigger: row.trigger,
    values: row.values,
    explanation: row.explanation,
    dedupeKey: row.dedupe_key,
    acknowledgedAt: row.acknowledged_at?.toISOString() ?? null,
    acknowledgedBy: row.acknowledged_by,
    createdAt: row.created_at.toISOString(),
  };
}

export interface AlertFilter {
  limit: number;
  cursor?: string | undefined;
  type?: AlertType | undefined;
  organizationId?: string | undefined;
  /** YYYY-MM. */
  period?: string | undefined;
  acknowledged?: boolean | undefined;
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

export async function listAlerts(
  db: Kysely<Database>,
  scope: Scope,
  filter: AlertFilter,
): Promise<Page<AlertView>> {
  requirePermission(scope, 'alerts:read');
  let query = baseQuery(db, scope);
  if (filter.type) query = query.where('a.type', '=', filter.type);
  if (filter.organizationId) query = query.where('a.organization_id', '=', filter.organizationId);
  if (filter.period !== undefined) {
    if (!MONTH.test(filter.period)) {
      throw badRequest('invalid_period', 'period is a month, YYYY-MM (e.g. 2026-03).');
    }
    query = query.where('a.period', '=', `${filter.period}-01`);
  }
  if (filter.acknowledged !== undefined) {
    query = query.where('a.acknowledged_at', filter.acknowledged ? 'is not' : 'is', null);
  }
  const position = decodeCursorParts(filter.cursor, 2);
  if (position) {
    const [at, id] = position as [string, string];
    query = query.where((eb) =>
      eb.or([
        eb('a.created_at', '<', new Date(at)),
        eb.and([eb('a.created_at', '=', new Date(at)), eb('a.id', '<', id)]),
      ]),
    );
  }
  const rows = await query
    .orderBy('a.created_at', 'desc')
    .orderBy('a.id', 'desc')
    .limit(filter.limit + 1)
    .execute();
  const items = rows.slice(0, filter.limit).map(toView);
  const last = rows.length > filter.limit ? items[items.length - 1] : undefined;
  return { items, nextCursor: last ? encodeCursor(last.createdAt, last.id) : null };
}

export async function findAlert(db: Kysely<Database>, scope: Scope, id: string): Promise<AlertView | null> {
  const row = await baseQuery(db, scope).where('a.id', '=', id).executeTakeFirst();
  return row ? toView(row) : null;
}

/** Marks the alert acknowledged; a second acknowledgement keeps the first (who and when). */
export async function acknowledgeAlert(
  db: Kysely<Database>,
  scope: Scope,
  id: string,
  now: Date,
): Promise<AlertView> {
  requirePermission(scope, 'alerts:acknowledge');
  const visible = await findAlert(db, scope, id);
  if (!visible) throw notFound('alert');
  if (visible.acknowledgedAt !== null) return visible;
  await db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('alerts')
      .set({ acknowledged_at: now, acknowledged_by: scope.actor.label })
      .where('id', '=', id)
      .where('acknowledged_at', 'is', null)
      .returning('id')
      .executeTakeFirst();
    if (!updated) return;
    // Logged with the audience (a credit alert's seller), never where the subject could read it.
    const { audience_id } = await trx
      .selectFrom('alerts')
      .select('audience_id')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    await recordAudit(trx, scope, {
      organizationId: audience_id,
      action: 'acknowledge',
      entityType: 'alert',
      entityId: id,
      after: { type: visible.type, dedupeKey: visible.dedupeKey },
    });
  });
  return (await findAlert(db, scope, id))!;
}
