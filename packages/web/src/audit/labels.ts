import type { TFunction } from 'i18next';
import type { AuditActorType } from '../api/types';

// Audit records name things with open-ended codes (new entity types and actions arrive with every
// feature). Known ones are translated; unknown ones are shown as the code rather than hidden.
const ENTITY_TYPES = {
  organization: 'audit.entityTypes.organization',
  user: 'audit.entityTypes.user',
  api_key: 'audit.entityTypes.api_key',
  membership: 'audit.entityTypes.membership',
  session: 'audit.entityTypes.session',
} as const;

const ACTIONS = {
  create: 'audit.actions.create',
  update: 'audit.actions.update',
  delete: 'audit.actions.delete',
  login: 'audit.actions.login',
  logout: 'audit.actions.logout',
  password_change: 'audit.actions.password_change',
  revoke: 'audit.actions.revoke',
  seed: 'audit.actions.seed',
} as const;

export const KNOWN_ENTITY_TYPES = Object.keys(ENTITY_TYPES);

const lookup = <K extends string>(table: Record<K, string>, code: string): K | null =>
  Object.hasOwn(table, code) ? (code as K) : null;

export function entityTypeLabel(t: TFunction, code: string): string {
  const known = lookup(ENTITY_TYPES, code);
  return known ? t(ENTITY_TYPES[known]) : code;
}

export function actionLabel(t: TFunction, code: string): string {
  const known = lookup(ACTIONS, code);
  return known ? t(ACTIONS[known]) : code;
}

export const actorTypeLabel = (t: TFunction, type: AuditActorType): string =>
  t(`audit.actorTypes.${type}`, { defaultValue: type });

export function actionColor(action: string): string {
  if (action === 'create') return 'green';
  if (action === 'delete' || action === 'revoke') return 'red';
  if (action === 'update') return 'blue';
  return 'gray';
}
