import { type Kysely, sql } from 'kysely';
import type { Scope } from '../../auth/scope.ts';
import type { Database, Locale, Role } from '../../db/schema.ts';
import { visibleOrganizationIds } from '../../db/tenancy.ts';
import { decodeCursorParts, encodeCursor, type Page } from '../../http/pagination.ts';

export interface UserView {
  id: string;
  email: string;
  name: string;
  locale: Locale;
  disabled: boolean;
  createdAt: string;
  /** Only the memberships inside the caller's subtree: other tenants' roles stay invisible. */
  memberships: { organizationId: string; organizationName: string; role: Role }[];
}

export interface UserFilter {
  limit: number;
  cursor?: string | undefined;
  organizationId?: string | undefined;
  q?: string | undefined;
}

async function membershipsOf(db: Kysely<Database>, scope: Scope, userIds: string[]) {
  if (userIds.length === 0) return [];
  return db
    .selectFrom('memberships as m')
    .innerJoin('organizations as o', 'o.id', 'm.organization_id')
    .select(['m.user_id', 'm.organization_id', 'o.name', 'm.role'])
    .where('m.user_id', 'in', userIds)
    .where('m.organization_id', 'in', visibleOrganizationIds(db, scope))
    .orderBy('o.name')
    .execute();
}

export async function listUsers(
  db: Kysely<Database>,
  scope: Scope,
  filter: UserFilter,
): Promise<Page<UserView>> {
  let query = db
    .selectFrom('users as u')
    .select(['u.id', 'u.email', 'u.name', 'u.locale', 'u.disabled_at', 'u.created_at'])
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('memberships as m')
          .select('m.id')
          .whereRef('m.user_id', '=', 'u.id')
          .where('m.organization_id', 'in', visibleOrganizationIds(db, scope))
          .$if(Boolean(filter.organizationId), (q) =>
            q.where('m.organization_id', '=', filter.organizationId!),
          ),
      ),
    )
    .orderBy('u.email')
    .limit(filter.limit + 1);
  if (filter.q) {
    const pattern = `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) => eb.or([eb('u.email', 'ilike', pattern), eb('u.name', 'ilike', pattern)]));
  }
  const after = decodeCursorParts(filter.cursor, 1);
  if (after) query = query.where('u.email', '>', after[0]!);
  const rows = await query.execute();
  const page = rows.slice(0, filter.limit);
  const memberships = await membershipsOf(
    db,
    scope,
    page.map((r) => r.id),
  );
  const items = page.map((row) => ({
    id: row.id,
    email: row.email,
    name: row.name,
    locale: row.locale,
    disabled: row.disabled_at !== null,
    createdAt: row.created_at.toISOString(),
    memberships: memberships
      .filter((m) => m.user_id === row.id)
      .map((m) => ({ organizationId: m.organization_id, organizationName: m.name, role: m.role })),
  }));
  const last = items.at(-1);
  return { items, nextCursor: rows.length > filter.limit && last ? encodeCursor(last.email) : null };
}

export async function findUser(
  db: Kysely<Database>,
  scope: Scope,
  id: string,
): Promise<UserView | undefined> {
  const row = await db
    .selectFrom('users as u')
    .select(['u.id', 'u.email', 'u.name', 'u.locale', 'u.disabled_at', 'u.created_at'])
    .where('u.id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  const memberships = await membershipsOf(db, scope, [row.id]);
  if (memberships.length === 0) return undefined;
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    locale: row.locale,
    disabled: row.disabled_at !== null,
    createdAt: row.created_at.toISOString(),
    memberships: memberships.map((m) => ({
      organizationId: m.organization_id,
      organizationName: m.name,
      role: m.role,
    })),
  };
}

export const emailTaken = async (db: Kysely<Database>, email: string) =>
  Boolean(await db.selectFrom('users').select(sql`1`.as('x')).where('email', '=', email).executeTakeFirst());
