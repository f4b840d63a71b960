import type { Kysely } from 'kysely';
import { canGrantRole, roleFitsOrganization } from '../../auth/permissions.ts';
import { requirePermission, type Scope } from '../../auth/scope.ts';
import { newApiKey } from '../../auth/secrets.ts';
import type { ApiKey, ApiScope, Database, Role } from '../../db/schema.ts';
import { visibleOrganizationIds } from '../../db/tenancy.ts';
import { badRequest, forbidden, notFound } from '../../http/errors.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import { findOrganization } from '../organizations/organizations.repository.ts';

export interface ApiKeyView {
  id: string;
  organizationId: string;
  name: string;
  role: Role;
  prefix: string;
  scopes: ApiScope[];
  rateLimitPerMinute: number | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

const toView = (row: ApiKey): ApiKeyView => ({
  id: row.id,
  organizationId: row.organization_id,
  name: row.name,
  role: row.role,
  prefix: row.prefix,
  scopes: row.scopes,
  rateLimitPerMinute: row.rate_limit_per_minute,
  createdAt: row.created_at.toISOString(),
  lastUsedAt: row.last_used_at?.toISOString() ?? null,
  revokedAt: row.revoked_at?.toISOString() ?? null,
});

export async function listApiKeys(db: Kysely<Database>, scope: Scope): Promise<ApiKeyView[]> {
  requirePermission(scope, 'api_keys:manage');
  const rows = await db
    .selectFrom('api_keys')
    .selectAll()
    .where('organization_id', 'in', visibleOrganizationIds(db, scope))
    .orderBy('created_at', 'desc')
    .limit(500)
    .execute();
  return rows.map(toView);
}

/** The secret is returned here once and stored only as a digest. */
export async function createApiKey(
  db: Kysely<Database>,
  scope: Scope,
  input: {
    name: string;
    role: Role;
    organizationId?: string | undefined;
    /** What the key may do (auth/api-scopes.ts); read-only unless asked for more. */
    scopes?: ApiScope[] | undefined;
    rateLimitPerMinute?: number | null | undefined;
  },
): Promise<ApiKeyView & { key: string }> {
  requirePermission(scope, 'api_keys:manage');
  return db.transaction().execute(async (trx) => {
    const org = await findOrganization(trx, scope, input.organizationId ?? scope.organizationId);
    if (!org) throw notFound('organization');
    if (!roleFitsOrganization(input.role, org.kind)) {
      throw badRequest(
        'role_not_allowed',
        `The role ${input.role} cannot be given in a ${org.kind} organisation.`,
      );
    }
    if (!canGrantRole(scope.role, input.role))
      throw forbidden(`You cannot create a key with the role ${input.role}.`);
    const { key, prefix, secretHash } = newApiKey();
    const row = await trx
      .insertInto('api_keys')
      .values({
        organization_id: org.id,
        name: input.name.trim(),
        role: input.role,
        prefix,
        secret_hash: secretHash,
        created_by: scope.userId,
        scopes: [...new Set<ApiScope>(input.scopes ?? ['read'])],
        rate_limit_per_minute: input.rateLimitPerMinute ?? null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const view = toView(row);
    await recordAudit(trx, scope, {
      organizationId: org.id,
      action: 'create',
      entityType: 'api_key',
      entityId: row.id,
      after: view,
    });
    return { ...view, key };
  });
}

export async function revokeApiKey(db: Kysely<Database>, scope: Scope, id: string): Promise<void> {
  requirePermission(scope, 'api_keys:manage');
  await db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('api_keys')
      .selectAll()
      .where('id', '=', id)
      .where('organization_id', 'in', visibleOrganizationIds(trx, scope))
      .executeTakeFirst();
    if (!row || row.revoked_at) throw notFound('API key');
    const revoked = await trx
      .updateTable('api_keys')
      .set({ revoked_at: new Date() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, scope, {
      organizationId: row.organization_id,
      action: 'revoke',
      entityType: 'api_key',
      entityId: id,
      before: toView(row),
      after: toView(revoked),
    });
  });
}
