import type { Kysely } from 'kysely';
import { requirePermission, type Scope } from '../../auth/scope.ts';
import type { Branding, Database, Locale } from '../../db/schema.ts';
import { badRequest, conflict, notFound } from '../../http/errors.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import { checkOrganizationFields } from './organization-input.ts';
import { findOrganization, insertOrganization, type OrganizationView } from './organizations.repository.ts';

export interface CreateOrganizationInput {
  parentId: string;
  kind: 'reseller' | 'customer';
  name: string;
  country: string;
  currency: string;
  timeZone: string;
  locale: Locale;
  tenantId?: string | null | undefined;
  domains?: string[] | undefined;
  branding?: Branding | undefined;
}

/** A partner creates a reseller or a customer somewhere in its own subtree. */
export async function createOrganization(
  db: Kysely<Database>,
  scope: Scope,
  input: CreateOrganizationInput,
): Promise<OrganizationView> {
  requirePermission(scope, 'organizations:write');
  checkOrganizationFields(input);
  return db.transaction().execute(async (trx) => {
    const parent = await findOrganization(trx, scope, input.parentId);
    if (!parent) throw notFound('parent organization');
    if (parent.kind === 'customer') {
      throw badRequest('invalid_parent', 'A customer cannot have organisations below it.');
    }
    if (input.tenantId) {
      const taken = await trx
        .selectFrom('organizations')
        .select('id')
        .where('tenant_id', '=', input.tenantId)
        .executeTakeFirst();
      if (taken)
        throw conflict('tenant_taken', 'This Microsoft tenant is already linked to another customer.');
    }
    const id = await insertOrganization(trx, {
      parent_id: parent.id,
      kind: input.kind,
      name: input.name.trim(),
      country: input.country,
      currency: input.currency,
      time_zone: input.timeZone,
      locale: input.locale,
      tenant_id: input.tenantId ?? null,
      domains: (input.domains ?? []).map((d) => d.toLowerCase()),
      branding: JSON.stringify(input.kind === 'reseller' ? (input.branding ?? {}) : {}),
    });
    const created = (await findOrganization(trx, scope, id))!;
    await recordAudit(trx, scope, {
      organizationId: id,
      action: 'create',
      entityType: 'organization',
      entityId: id,
      after: created,
    });
    return created;
  });
}
