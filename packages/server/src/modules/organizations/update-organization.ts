import { type Kysely, sql } from 'kysely';
import { requirePermission, type Scope } from '../../auth/scope.ts';
import type { Branding, Database, Locale } from '../../db/schema.ts';
import { AppError, badRequest, conflict, notFound } from '../../http/errors.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import { checkOrganizationFields } from './organization-input.ts';
import { findOrganization, type OrganizationView } from './organizations.repository.ts';

export interface UpdateOrganizationInput {
  name?: string | undefined;
  country?: string | undefined;
  currency?: string | undefined;
  timeZone?: string | undefined;
  locale?: Locale | undefined;
  tenantId?: string | null | undefined;
  domains?: string[] | undefined;
  branding?: Branding | undefined;
}

/**
 * Edits an organisation in the caller's subtree. `expectedVersion` (from If-Match) makes the update
 * conditional, so two people editing at once cannot silently overwrite each other.
 */
export async function updateOrganization(
  db: Kysely<Database>,
  scope: Scope,
  id: string,
  input: UpdateOrganizationInput,
  expectedVersion?: number,
): Promise<OrganizationView> {
  requirePermission(scope, 'organizations:write');
  checkOrganizationFields(input);
  return db.transaction().execute(async (trx) => {
    const before = await findOrganization(trx, scope, id);
    if (!before) throw notFound('organization');
    if (input.branding !== undefined && before.kind === 'customer') {
      throw badRequest('branding_not_allowed', 'Only providers and resellers carry a brand.');
    }
    if (expectedVersion !== undefined && expectedVersion !== before.version) {
      throw new AppError(
        'version_conflict',
        412,
        'Someone else changed this organisation. Reload and try again.',
      );
    }
    if (input.tenantId) {
      const taken = await trx
        .selectFrom('organizations')
        .select('id')
        .where('tenant_id', '=', input.tenantId)
        .where('id', '!=', id)
        .executeTakeFirst();
      if (taken)
        throw conflict('tenant_taken', 'This Microsoft tenant is already linked to another customer.');
    }
    await trx
      .updateTable('organizations')
      .set({
        ...(input.name !== undefined ? { name: input.name.trim() } : {}),
        ...(input.country !== undefined ? { country: input.country } : {}),
        ...(input.currency !== undefined ? { currency: input.currency } : {}),
        ...(input.timeZone !== undefined ? { time_zone: input.timeZone } : {}),
        ...(input.locale !== undefined ? { locale: input.locale } : {}),
        ...(input.tenantId !== undefined ? { tenant_id: input.tenantId } : {}),
        ...(input.domains !== undefined ? { domains: input.domains.map((d) => d.toLowerCase()) } : {}),
        ...(input.branding !== undefined ? { branding: JSON.stringify(input.branding) } : {}),
        version: before.version + 1,
        updated_at: sql`now()`,
      })
      .where('id', '=', id)
      .execute();
    const after = (await findOrganization(trx, scope, id))!;
    await recordAudit(trx, scope, {
      organizationId: id,
      action: 'update',
      entityType: 'organization',
      entityId: id,
      before,
      after,
    });
    return after;
  });
}
