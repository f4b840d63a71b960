import { type Kysely, sql } from 'kysely';
import { requirePermission, type Scope } from '../../auth/scope.ts';
import type { Database } from '../../db/schema.ts';
import { visibleOrganizationIds } from '../../db/tenancy.ts';
import { badRequest, forbidden, notFound } from '../../http/errors.ts';
import { decodeCursorParts, encodeCursor, type Page } from '../../http/pagination.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import { isInSubtree } from '../catalog/lineage.ts';
import type { AccountRecordKind, AccountRecordStatus } from './accounts.tables.ts';

/**
 * Contacts, notes, tasks, documents and cases a partner keeps on the accounts in its subtree: a
 * provider on its resellers (whose subscriptions it sees but cannot change) and their customers, a
 * reseller on its customers. A record belongs to the organisation that wrote it: that organisation
 * and those above it see it; the account itself does not (these are the partner's own notes).
 */

export const MAX_DOCUMENT_BYTES = 2 * 1024 * 1024;

export interface AccountRecordView {
  id: string;
  organizationId: string;
  authorOrgId: string;
  kind: AccountRecordKind;
  title: string;
  body: string;
  status: AccountRecordStatus;
  dueDate: string | null;
  data: Record<string, string>;
  document: { fileName: string; contentType: string; sizeBytes: number } | null;
  createdBy: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface AccountRecordInput {
  kind: AccountRecordKind;
  title: string;
  body?: string | undefined;
  status?: AccountRecordStatus | undefined;
  dueDate?: string | null | undefined;
  /** Contact details (email, phone, role), case priority, …: short strings. */
  data?: Record<string, string> | undefined;
  /** For documents: the file, base64-encoded. */
  document?: { fileName: string; contentType: string; contentBase64: string } | undefined;
}

function baseQuery(db: Kysely<Database>, scope: Scope, organizationId: string) {
  return db
    .selectFrom('account_records')
    .select([
      'id',
      'organization_id',
      'author_org_id',
      'kind',
      'title',
      'body',
      'status',
      'due_date',
      'data',
      'file_name',
      'content_type',
      'size_bytes',
      'created_by',
      'version',
      'created_at',
      'updated_at',
    ])
    .where('organization_id', '=', organizationId)
    .where('author_org_id', 'in', visibleOrganizationIds(db, scope));
}

type Row = Awaited<ReturnType<ReturnType<typeof baseQuery>['executeTakeFirstOrThrow']>>;

function toView(row: Row): AccountRecordView {
  return {
    id: row.id,
    organizationId: row.organization_id,
    authorOrgId: row.author_org_id,
    kind: row.kind,
    title: row.title,
    body: row.body,
    status: row.status,
    dueDate: row.due_date,
    data: row.data,
    document:
      row.file_name && row.content_type
        ? { fileName: row.file_name, contentType: row.content_type, sizeBytes: row.size_bytes ?? 0 }
        : null,
    createdBy: row.created_by,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** The account must be in the caller's subtree, and not the caller itself for writes by customers. */
async function account(db: Kysely<Database>, scope: Scope, organizationId: string): Promise<void> {
  if (!(await isInSubtree(db, scope, organizationId))) throw notFound('organization');
  if (scope.organizationKind === 'customer') throw forbidden('Customers do not keep account records.');
}

function checkInput(input: Partial<AccountRecordInput>): void {
  if (input.data) {
    const entries = Object.entries(input.data);
    if (
      entries.length > 20 ||
      entries.some(([k, v]) => k.length > 50 || typeof v !== 'string' || v.length > 500)
    ) {
      throw badRequest('validation_failed', 'data: at most 20 short text fields.');
    }
  }
  if (input.dueDate && !/^\d{4}-\d{2}-\d{2}$/.test(input.dueDate)) {
    throw badRequest('invalid_date', 'dueDate: use YYYY-MM-DD.');
  }
}

function decodeDocument(document: NonNullable<AccountRecordInput['document']>): Buffer {
  const bytes = Buffer.from(document.contentBase64, 'base64');
  if (bytes.length === 0) throw badRequest('validation_failed', 'document.contentBase64: the file is empty.');
  if (bytes.length > MAX_DOCUMENT_BYTES) {
    throw badRequest(
      'document_too_large',
      `Documents are limited to ${MAX_DOCUMENT_BYTES / 1024 / 1024} MB.`,
    );
  }
  return bytes;
}

export async function listAccountRecords(
  db: Kysely<Database>,
  scope: Scope,
  organizationId: string,
  filter: { limit: number; cursor?: string | undefined; kind?: AccountRecordKind | undefined },
): Promise<Page<AccountRecordView>> {
  requirePermission(scope, 'account_records:read');
  await account(db, scope, organizationId);
  let query = baseQuery(db, scope, organizationId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.limit + 1);
  if (filter.kind) query = query.where('kind', '=', filter.kind);
  const after = decodeCursorParts(filter.cursor, 2);
  if (after)
    query = query.where(sql<boolean>`(created_at, id) < (${after[0]}::timestamptz, ${after[1]}::uuid)`);
  const rows = await query.execute();
  const items = rows.slice(0, filter.limit).map(toView);
  const last = rows[filter.limit - 1];
  return {
    items,
    nextCursor:
      rows.length > filter.limit && last ? encodeCursor(last.created_at.toISOString(), last.id) : null,
  };
}

export async function findAccountRecord(
  db: Kysely<Database>,
  scope: Scope,
  organizationId: string,
  id: string,
): Promise<AccountRecordView> {
  requirePermission(scope, 'account_records:read');
  await account(db, scope, organizationId);
  const row = await baseQuery(db, scope, organizationId).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('record');
  return toView(row);
}

export async function accountRecordContent(
  db: Kysely<Database>,
  scope: Scope,
  organizationId: string,
  id: string,
): Promise<{ fileName: string; contentType: string; content: Buffer }> {
  const record = await findAccountRecord(db, scope, organizationId, id);
  if (!record.document) throw notFound('document');
  const row = await db
    .selectFrom('account_records')
    .select('content')
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return {
    fileName: record.document.fileName,
    contentType: record.document.contentType,
    content: Buffer.from(row.content ?? new Uint8Array()),
  };
}

export async function createAccountRecord(
  db: Kysely<Database>,
  scope: Scope,
  organizationId: string,
  input: AccountRecordInput,
): Promise<AccountRecordView> {
  requirePermission(scope, 'account_records:write');
  await account(db, scope, organizationId);
  checkInput(input);
  if (input.kind === 'document' && !input.document) {
    throw badRequest(
      'validation_failed',
      'A document record needs document {fileName, contentType, contentBase64}.',
    );
  }
  const bytes = input.document ? decodeDocument(input.document) : null;
  return db.transaction().execute(async (trx) => {
    const { id } = await trx
      .insertInto('account_records')
      .values({
        organization_id: organizationId,
        author_org_id: scope.organizationId,
        kind: input.kind,
        title: input.title.trim(),
        body: input.body ?? '',
        status: input.status ?? 'open',
        due_date: input.dueDate ?? null,
        data: JSON.stringify(input.data ?? {}),
        file_name: input.document?.fileName ?? null,
        content_type: input.document?.contentType ?? null,
        content: bytes,
        size_bytes: bytes?.length ?? null,
        created_by: scope.actor.label,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const view = toView(
      await baseQuery(trx, scope, organizationId).where('id', '=', id).executeTakeFirstOrThrow(),
    );
    await recordAudit(trx, scope, {
      organizationId,
      action: 'create',
      entityType: 'account_record',
      entityId: id,
      after: { kind: view.kind, title: view.title },
    });
    return view;
  });
}

export async function updateAccountRecord(
  db: Kysely<Database>,
  scope: Scope,
  organizationId: string,
  id: string,
  input: Partial<Omit<AccountRecordInput, 'kind'>>,
): Promise<AccountRecordView> {
  requirePermission(scope, 'account_records:write');
  const before = await findAccountRecord(db, scope, organizationId, id);
  checkInput(input);
  const bytes = input.document ? decodeDocument(input.document) : null;
  return db.transaction().execute(async (trx) => {
    await trx
      .updateTable('account_records')
      .set({
        ...(input.title !== undefined ? { title: input.title.trim() } : {}),
        ...(input.body !== undefined ? { body: input.body } : {}),
        ...(input.status !== undefined ? { status: input.status } : {}),
        ...(input.dueDate !== undefined ? { due_date: input.dueDate } : {}),
        ...(input.data !== undefined ? { data: JSON.stringify(input.data) } : {}),
        ...(input.document
          ? {
              file_name: input.document.fileName,
              content_type: input.document.contentType,
              content: bytes,
              size_bytes: bytes?.length ?? null,
            }
          : {}),
        version: sql`version + 1`,
        updated_at: sql`now()`,
      })
      .where('id', '=', id)
      .execute();
    const after = toView(
      await baseQuery(trx, scope, organizationId).where('id', '=', id).executeTakeFirstOrThrow(),
    );
    await recordAudit(trx, scope, {
      organizationId,
      action: 'update',
      entityType: 'account_record',
      entityId: id,
      before: { title: before.title, status: before.status },
      after: { title: after.title, status: after.status },
    });
    return after;
  });
}

export async function deleteAccountRecord(
  db: Kysely<Database>,
  scope: Scope,
  organizationId: string,
  id: string,
): Promise<void> {
  requirePermission(scope, 'account_records:write');
  const before = await findAccountRecord(db, scope, organizationId, id);
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('account_records').where('id', '=', id).execute();
    await recordAudit(trx, scope, {
      organizationId,
      action: 'delete',
      entityType: 'account_record',
      entityId: id,
      before: { kind: before.kind, title: before.title },
    });
  });
}
