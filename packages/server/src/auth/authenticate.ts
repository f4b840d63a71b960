import type { Kysely } from 'kysely';
import type { ApiScope, Database } from '../db/schema.ts';
import { permissionsOf } from './permissions.ts';
import type { Scope } from './scope.ts';
import { parseApiKey, sameSecret, sha256 } from './secrets.ts';

export const SESSION_COOKIE = 'cspc_session';

export interface SessionContext {
  scope: Scope;
  csrfToken: string;
  tokenHash: string;
}

/** A session cookie's token → the caller's scope, or null when unknown, expired or disabled. */
export async function resolveSession(
  db: Kysely<Database>,
  token: string,
  now: Date,
): Promise<SessionContext | null> {
  const tokenHash = sha256(token);
  const row = await db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .innerJoin('memberships as m', 'm.id', 's.membership_id')
    .innerJoin('organizations as o', 'o.id', 'm.organization_id')
    .select([
      's.csrf_token',
      's.expires_at',
      'u.id as user_id',
      'u.email',
      'u.name',
      'u.locale',
      'u.disabled_at',
      'm.role',
      'o.id as organization_id',
      'o.kind',
    ])
    .where('s.token_hash', '=', tokenHash)
    .executeTakeFirst();
  if (!row || row.disabled_at || row.expires_at.getTime() <= now.getTime()) return null;
  return {
    tokenHash,
    csrfToken: row.csrf_token,
    scope: {
      organizationId: row.organization_id,
      organizationKind: row.kind,
      role: row.role,
      permissions: permissionsOf(row.role),
      actor: { type: 'user', id: row.user_id, label: row.email },
      userId: row.user_id,
      locale: row.locale,
    },
  };
}

/** An API key caller: its scope plus what the key itself allows (scopes, request rate). */
export interface ApiKeyCaller {
  scope: Scope;
  keyId: string;
  scopes: readonly ApiScope[];
  rateLimitPerMinute: number | null;
}

/** `Authorization: Bearer cspc_…` → the key's caller, or null for unknown or revoked keys. */
export async function resolveApiKey(
  db: Kysely<Database>,
  key: string,
  now: Date,
): Promise<ApiKeyCaller | null> {
  const parsed = parseApiKey(key);
  if (!parsed) return null;
  const row = await db
    .selectFrom('api_keys as k')
    .innerJoin('organizations as o', 'o.id', 'k.organization_id')
    .select([
      'k.id',
      'k.name',
      'k.role',
      'k.secret_hash',
      'k.revoked_at',
      'k.last_used_at',
      'k.scopes',
      'k.rate_limit_per_minute',
      'o.id as org_id',
      'o.kind',
      'o.locale',
    ])
    .where('k.prefix', '=', parsed.prefix)
    .executeTakeFirst();
  if (!row || row.revoked_at || !sameSecret(row.secret_hash, sha256(parsed.secret))) return null;
  // Touch at most once a minute: a busy integration must not turn every read into a write.
  if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() > 60_000) {
    await db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', row.id).execute();
  }
  return {
    scope: {
      organizationId: row.org_id,
      organizationKind: row.kind,
      role: row.role,
      permissions: permissionsOf(row.role),
      actor: { type: 'api_key', id: row.id, label: `API key ${row.name}` },
      userId: null,
      locale: row.locale,
    },
    keyId: row.id,
    scopes: row.scopes,
    rateLimitPerMinute: row.rate_limit_per_minute,
  };
}
