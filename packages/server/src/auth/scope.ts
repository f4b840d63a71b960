import type { Locale, OrganizationKind, Role } from '../db/schema.ts';
import { forbidden } from '../http/errors.ts';
import type { Permission } from './permissions.ts';

export interface Actor {
  readonly type: 'user' | 'api_key' | 'system';
  readonly id: string | null;
  readonly label: string;
}

/**
 * Who is asking, and for which organisation. Every tenant-scoped repository function takes a Scope
 * and can only reach the subtree under `organizationId`.
 */
export interface Scope {
  readonly organizationId: string;
  readonly organizationKind: OrganizationKind;
  readonly role: Role;
  readonly permissions: ReadonlySet<Permission>;
  readonly actor: Actor;
  readonly userId: string | null;
  readonly locale: Locale;
}

export function requirePermission(scope: Scope, permission: Permission): void {
  if (!scope.permissions.has(permission)) throw forbidden();
}

export const SYSTEM_ACTOR: Actor = { type: 'system', id: null, label: 'system' };
