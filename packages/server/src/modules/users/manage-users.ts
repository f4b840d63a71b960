import type { Kysely } from 'kysely';
import { canGrantRole, roleFitsOrganization } from '../../auth/permissions.ts';
import { requirePermission, type Scope } from '../../auth/scope.ts';
import { hashPassword, passwordProblem, randomToken } from '../../auth/secrets.ts';
import type { Database, Locale, Role } from '../../db/schema.ts';
import { badRequest, conflict, forbidden, notFound } from '../../http/errors.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import { findOrganization } from '../organizations/organizations.repository.ts';
import { emailTaken, findUser, type UserView } from './users.repository.ts';

export interface CreateUserInput {
  email: string;
  name: string;
  organizationId: string;
  role: Role;
  locale?: Locale | undefined;
  password?: string | undefined;
}

async function checkGrant(db: Kysely<Database>, scope: Scope, organizationId: string, role: Role) {
  requirePermission(scope, 'users:manage');
  const org = await findOrganization(db, scope, organizationId);
  if (!org) throw notFound('organization');
  if (!roleFitsOrganization(role, org.kind)) {
    throw badRequest('role_not_allowed', `The role ${role} cannot be given in a ${org.kind} organisation.`);
  }
  if (!canGrantRole(scope.role, role)) throw forbidden(`You cannot give the role ${role}.`);
  return org;
}

/**
 * Invites a user into an organisation of the caller's subtree. Without a password a temporary one
 * is generated and returned once, to be passed on to the user.
 */
export async function createUser(
  db: Kysely<Database>,
  scope: Scope,
  input: CreateUserInput,
): Promise<{ user: UserView; temporaryPassword: string | null }> {
  const email = input.email.trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
    throw badRequest('invalid_email', 'The e-mail address is not valid.');
  if (input.password !== undefined) {
    const problem = passwordProblem(input.password);
    if (problem) throw badRequest('password_too_weak', problem);
  }
  const temporaryPassword = input.password === undefined ? `${randomToken(12)}-1` : null;
  const hash = await hashPassword(input.password ?? temporaryPassword!);
  const user = await db.transaction().execute(async (trx) => {
    const org = await checkGrant(trx, scope, input.organizationId, input.role);
    if (await emailTaken(trx, email))
      throw conflict('email_taken', 'A user with this e-mail address already exists.');
    const { id } = await trx
      .insertInto('users')
      .values({
        email,
        name: input.name.trim(),
        locale: input.locale ?? (org.locale as Locale),
        password_hash: hash,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('memberships')
      .values({ user_id: id, organization_id: org.id, role: input.role })
      .execute();
    const created = (await findUser(trx, scope, id))!;
    await recordAudit(trx, scope, {
      organizationId: org.id,
      action: 'create',
      entityType: 'user',
      entityId: id,
      after: created,
    });
    return created;
  });
  return { user, temporaryPassword };
}

/** Gives (or changes) a user's role in one organisation of the caller's subtree. */
export async function setRole(
  db: Kysely<Database>,
  scope: Scope,
  userId: string,
  organizationId: string,
  role: Role,
): Promise<UserView> {
  return db.transaction().execute(async (trx) => {
    const before = await findUser(trx, scope, userId);
    if (!before) throw notFound('user');
    await checkGrant(trx, scope, organizationId, role);
    if (userId === scope.userId) throw badRequest('own_role', 'You cannot change your own role.');
    await trx
      .insertInto('memberships')
      .values({ user_id: userId, organization_id: organizationId, role })
      .onConflict((oc) => oc.columns(['user_id', 'organization_id']).doUpdateSet({ role }))
      .execute();
    const after = (await findUser(trx, scope, userId))!;
    await recordAudit(trx, scope, {
      organizationId,
      action: 'update',
      entityType: 'membership',
      entityId: userId,
      before,
      after,
    });
    return after;
  });
}

/** Removes a user's access to one organisation; its sessions there end at once. */
export async function removeMembership(
  db: Kysely<Database>,
  scope: Scope,
  userId: string,
  organizationId: string,
): Promise<void> {
  requirePermission(scope, 'users:manage');
  await db.transaction().execute(async (trx) => {
    const before = await findUser(trx, scope, userId);
    const membership = before?.memberships.find((m) => m.organizationId === organizationId);
    if (!before || !membership) throw notFound('membership');
    if (userId === scope.userId) throw badRequest('own_role', 'You cannot remove your own access.');
    if (!canGrantRole(scope.role, membership.role)) throw forbidden();
    await trx
      .deleteFrom('memberships')
      .where('user_id', '=', userId)
      .where('organization_id', '=', organizationId)
      .execute();
    await recordAudit(trx, scope, {
      organizationId,
      action: 'delete',
      entityType: 'membership',
      entityId: userId,
      before: membership,
    });
  });
}
