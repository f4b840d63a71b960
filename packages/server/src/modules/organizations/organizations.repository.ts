import { type Kysely, sql } from 'kysely';
import type { Scope } from '../../auth/scope.ts';
import type { Branding, Database, NewOrganization, Organization, OrganizationKind } from '../../db/schema.ts';
import { visibleOrganizationIds } from '../../db/tenancy.ts';
import { decodeCursorParts, encodeCursor, type Page } from '../../http/pagination.ts';

export interface OrganizationView {
  id: string;
  parentId: string | null;
  kind: OrganizationKind;
  name: string;
  country: string;
  currency: string;
  timeZone: string;
  locale: string;
  tenantId: string | null;
  domains: string[];
  branding: Branding;
  childCount: number;
  version: number;
  createdAt: string;
  updatedAt: string;
}

function baseQuery(db: Kysely<Database>, scope: Scope) {
  return db
    .selectFrom('organizations as o')
    .selectAll('o')
    .select((eb) =>
      eb
        .selectFrom('organizations as c')
        .select(eb.fn.countAll<string>().as('n'))
        .whereRef('c.parent_id', '=', 'o.id')
        .as('child_count'),
    )
    .where('o.id', 'in', visibleOrganizationIds(db, scope));
}

function toView(row: Organization & { child_count: string | number | null }): OrganizationView {
  return {
    id: row.id,
    parentId: row.parent_id,
    kind: row.kind,
    name: row.name,
    country: row.country,
    currency: row.currency,
    timeZone: row.time_zone,
    locale: row.locale,
    tenantId: row.tenant_id,
    domains: row.domains,
    branding: row.branding,
    childCount: Number(row.child_count ?? 0),
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export interface OrganizationFilter {
  limit: number;
  cursor?: string | undefined;
  parentId?: string | undefined;
  kind?: OrganizationKind | undefined;
  q?: string | undefined;
}

export async function listOrganizations(
  db: Kysely<Database>,
  scope: Scope,
  filter: OrganizationFilter,
): Promise<Page<OrganizationView>> {
  let query = baseQuery(db, scope)
    .orderBy('o.name')
    .orderBy('o.id')
    .limit(filter.limit + 1);
  if (filter.parentId) query = query.where('o.parent_id', '=', filter.parentId);
  if (filter.kind) query = query.where('o.kind', '=', filter.kind);
  if (filter.q) {
    const pattern = `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) =>
      eb.or([
        eb('o.name', 'ilike', pattern),
        eb.exists(sql`(SELECT 1 FROM unnest(o.domains) AS d WHERE d ILIKE ${pattern})`),
      ]),
    );
  }
  const after = decodeCursorParts(filter.cursor, 2);
  if (after) query = query.where(sql<boolean>`(o.name, o.id) > (${after[0]}, ${after[1]}::uuid)`);
  const rows = await query.execute();
  const items = rows.slice(0, filter.limit).map(toView);
  const last = items.at(-1);
  return {
    items,
    nextCursor: rows.length > filter.limit && last ? encodeCursor(last.name, last.id) : null,
  };
}

export async function findOrganization(
  db: Kysely<Database>,
  scope: Scope,
  id: string,
): Promise<OrganizationView | undefined> {
  const row = await baseQuery(db, scope).where('o.id', '=', id).executeTakeFirst();
  return row ? toView(row) : undefined;
}

/** Inserts the organisation and its closure rows (every ancestor of the parent, plus itself). */
export async function insertOrganization(db: Kysely<Database>, values: NewOrganization): Promise<string> {
  const { id } = await db
    .insertInto('organizations')
    .values(values)
    .returning('id')
    .executeTakeFirstOrThrow();
  await db.insertInto('organization_tree').values({ ancestor_id: id, descendant_id: id, depth: 0 }).execute();
  if (values.parent_id) {
    await db
      .insertInto('organization_tree')
      .columns(['ancestor_id', 'descendant_id', 'depth'])
      .expression(
        db
          .selectFrom('organization_tree')
          .select([
            'ancestor_id',
            sql<string>`${id}::uuid`.as('descendant_id'),
            sql<number>`depth + 1`.as('depth'),
          ])
          .where('descendant_id', '=', values.parent_id),
      )
      .execute();
  }
  return id;
}

/** The branding a user of this organisation sees: its own, or its nearest seller's. */
export async function effectiveBranding(db: Kysely<Database>, organizationId: string): Promise<Branding> {
  const row = await db
    .selectFrom('organization_tree as t')
    .innerJoin('organizations as o', 'o.id', 't.ancestor_id')
    .select(['o.branding', 'o.name'])
    .where('t.descendant_id', '=', organizationId)
    .where('o.kind', '!=', 'customer')
    .orderBy('t.depth')
    .limit(1)
    .executeTakeFirst();
  if (!row) return {};
  return { displayName: row.name, ...row.branding };
}
