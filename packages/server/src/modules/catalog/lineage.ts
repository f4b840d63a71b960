import { dateInZone, Temporal } from '@cspc/core';
import type { Kysely } from 'kysely';
import type { Scope } from '../../auth/scope.ts';
import type { Database, OrganizationKind } from '../../db/schema.ts';

/** An organisation as the catalog and the price books need it. */
export interface LineageOrg {
  readonly id: string;
  readonly kind: OrganizationKind;
  readonly name: string;
  readonly currency: string;
  readonly country: string;
  readonly timeZone: string;
  readonly parentId: string | null;
}

/** The organisation and every ancestor, the provider first and the organisation itself last. */
export async function lineageOf(db: Kysely<Database>, organizationId: string): Promise<LineageOrg[]> {
  const rows = await db
    .selectFrom('organization_tree as t')
    .innerJoin('organizations as o', 'o.id', 't.ancestor_id')
    .select(['o.id', 'o.kind', 'o.name', 'o.currency', 'o.country', 'o.time_zone', 'o.parent_id', 't.depth'])
    .where('t.descendant_id', '=', organizationId)
    .orderBy('t.depth', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    name: r.name,
    currency: r.currency.trim(),
    country: r.country.trim(),
    timeZone: r.time_zone,
    parentId: r.parent_id,
  }));
}

/** The provider (root) above an organisation; the organisation itself for a provider. */
export async function providerOf(db: Kysely<Database>, organizationId: string): Promise<LineageOrg | null> {
  return (await lineageOf(db, organizationId))[0] ?? null;
}

/** The provider whose catalog a caller sees. */
export async function providerOfScope(db: Kysely<Database>, scope: Scope): Promise<LineageOrg> {
  const provider = await providerOf(db, scope.organizationId);
  if (!provider) throw new Error(`Organisation ${scope.organizationId} has no provider above it`);
  return provider;
}

/** True when `organizationId` is the caller's organisation or below it. */
export async function isInSubtree(
  db: Kysely<Database>,
  scope: Scope,
  organizationId: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('organization_tree')
    .select('descendant_id')
    .where('ancestor_id', '=', scope.organizationId)
    .where('descendant_id', '=', organizationId)
    .executeTakeFirst();
  return row !== undefined;
}

/** Today as lived in a time zone, as 'YYYY-MM-DD'. */
export function todayIn(now: Date, timeZone: string): Temporal.PlainDate {
  return dateInZone(Temporal.Instant.fromEpochMilliseconds(now.getTime()), timeZone);
}
