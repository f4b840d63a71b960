import type { Kysely } from 'kysely';
import type { Scope } from '../auth/scope.ts';
import type { Database } from './schema.ts';

/**
 * The ids of the organisations a scope may see: its own and every descendant. Tenant-scoped
 * queries filter their owning-organisation column with this subquery, so a caller can never name
 * a row outside its subtree — such rows simply do not exist for it (404, not 403).
 */
export function visibleOrganizationIds(db: Kysely<Database>, scope: Scope) {
  return db
    .selectFrom('organization_tree')
    .select('organization_tree.descendant_id')
    .where('organization_tree.ancestor_id', '=', scope.organizationId);
}
