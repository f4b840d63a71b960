import type { Kysely } from 'kysely';
import type { Scope } from '../../auth/scope.ts';
import type { Database } from '../../db/schema.ts';
import { visibleOrganizationIds } from '../../db/tenancy.ts';
import { decodeCursor, encodeCursor, type Page } from '../../http/pagination.ts';

export interface AuditEntry {
  organizationId: string;
  action: string;
  entityType: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
}

/** Secrets never reach the audit log, whatever entity is being recorded. */
const SECRET_FIELDS = new Set(['password_hash', 'secret_hash', 'passwordHash', 'secretHash', 'token_hash']);

function redact(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map(redact);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([key]) => !SECRET_FIELDS.has(key))
        .map(([key, v]) => [key, redact(v)]),
    );
  }
  return value;
}

/** Written in the caller's transaction, so the change and its audit record commit together. */
export async function recordAudit(db: Kysely<Database>, scope: Scope, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      organization_id: entry.organizationId,
      actor_type: scope.actor.type,
      actor_id: scope.actor.id,
      actor_label: scope.actor.label,
      action: entry.action,
      entity_type: entry.entityType,
      entity_id: entry.entityId,
      before: entry.before === undefined ? null : JSON.stringify(redact(entry.before)),
      after: entry.after === undefined ? null : JSON.stringify(redact(entry.after)),
    })
    .execute();
}

export interface AuditFilter {
  limit: number;
  cursor?: string | undefined;
  entityType?: string | undefined;
  entityId?: string | undefined;
}

export interface AuditRecord {
  id: string;
  at: string;
  actor: { type: string; id: string | null; label: string };
  action: string;
  entityType: string;
  entityId: string;
  organizationId: string;
  before: unknown;
  after: unknown;
}

export async function listAudit(
  db: Kysely<Database>,
  scope: Scope,
  filter: AuditFilter,
): Promise<Page<AuditRecord>> {
  let query = db
    .selectFrom('audit_log')
    .selectAll()
    .where('organization_id', 'in', visibleOrganizationIds(db, scope))
    .orderBy('id', 'desc')
    .limit(filter.limit + 1);
  if (filter.entityType) query = query.where('entity_type', '=', filter.entityType);
  if (filter.entityId) query = query.where('entity_id', '=', filter.entityId);
  const after = decodeCursor(filter.cursor);
  if (after) query = query.where('id', '<', after);
  const rows = await query.execute();
  const items = rows.slice(0, filter.limit).map((row) => ({
    id: String(row.id),
    at: row.at.toISOString(),
    actor: { type: row.actor_type, id: row.actor_id, label: row.actor_label },
    action: row.action,
    entityType: row.entity_type,
    entityId: row.entity_id,
    organizationId: row.organization_id,
    before: row.before,
    after: row.after,
  }));
  const last = items.at(-1);
  return { items, nextCursor: rows.length > filter.limit && last ? encodeCursor(last.id) : null };
}
