import { type Kysely, sql } from 'kysely';
import { roleFitsOrganization } from '../../auth/permissions.ts';
import { requirePermission, type Scope } from '../../auth/scope.ts';
import type { Database, OrganizationKind, Role } from '../../db/schema.ts';
import { AppError, badRequest, notFound } from '../../http/errors.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import { EVENT_DEFINITIONS, EVENT_TYPES, type EventType, isEventType } from './event-types.ts';
import type { NotificationChannel, RecipientRule } from './notifications.tables.ts';
import { ruleFor } from './recipients.ts';

/** Renewal notices go this many months before a term ends unless the seller chooses otherwise. */
export const DEFAULT_RENEWAL_NOTICE_MONTHS: readonly number[] = [2, 1];

export interface EventSettingView extends RecipientRule {
  type: EventType;
  essential: boolean;
  audience: { own: boolean; seller: boolean };
  isDefault: boolean;
}

export interface NotificationSettingsView {
  organizationId: string;
  /** Sellers only; null for customers (they sell nothing). */
  renewalNoticeMonths: number[] | null;
  events: EventSettingView[];
  version: number;
}

async function loadOrganization(db: Kysely<Database>, id: string) {
  const org = await db
    .selectFrom('organizations as o')
    .leftJoin('notification_settings as s', 's.organization_id', 'o.id')
    .select(['o.id', 'o.kind', 's.rules', 's.renewal_notice_months', 's.version'])
    .where('o.id', '=', id)
    .executeTakeFirst();
  if (!org) throw notFound('organization');
  return org;
}

function toView(org: Awaited<ReturnType<typeof loadOrganization>>): NotificationSettingsView {
  const rules = org.rules ?? {};
  return {
    organizationId: org.id,
    renewalNoticeMonths:
      org.kind === 'customer' ? null : (org.renewal_notice_months ?? [...DEFAULT_RENEWAL_NOTICE_MONTHS]),
    events: EVENT_TYPES.map((type) => {
      const { rule, isDefault } = ruleFor(rules, type, org.kind);
      const definition = EVENT_DEFINITIONS[type];
      return { type, essential: definition.essential, audience: definition.audience, isDefault, ...rule };
    }),
    version: org.version ?? 0,
  };
}

/** The caller's organisation's recipient settings: every event type, defaults filled in. */
export async function getNotificationSettings(
  db: Kysely<Database>,
  scope: Scope,
): Promise<NotificationSettingsView> {
  requirePermission(scope, 'notifications:manage');
  return toView(await loadOrganization(db, scope.organizationId));
}

export interface NotificationSettingsInput {
  /** Per event type: the new rule, or null to return to the default. Types not named stay. */
  rules?: Record<string, RecipientRule | null> | undefined;
  renewalNoticeMonths?: number[] | undefined;
}

async function checkRule(
  db: Kysely<Database>,
  organizationId: string,
  kind: OrganizationKind,
  type: string,
  rule: RecipientRule,
): Promise<void> {
  const wrongRoles = rule.roles.filter((r) => !roleFitsOrganization(r as Role, kind));
  if (wrongRoles.length > 0) {
    throw badRequest('role_not_allowed', `A ${kind} organisation has no ${wrongRoles.join(', ')} role.`, {
      eventType: type,
    });
  }
  if (rule.userIds.length > 0) {
    const members = await db
      .selectFrom('memberships')
      .select('user_id')
      .where('organization_id', '=', organizationId)
      .where('user_id', 'in', rule.userIds)
      .execute();
    const known = new Set(members.map((m) => m.user_id));
    const strangers = rule.userIds.filter((id) => !known.has(id));
    if (strangers.length > 0) {
      throw badRequest('not_a_member', 'Recipients must be users of this organisation.', {
        eventType: type,
        userIds: strangers,
      });
    }
  }
}

/** Changes who gets which event types (and, for sellers, when renewal notices go). */
export async function updateNotificationSettings(
  db: Kysely<Database>,
  scope: Scope,
  input: NotificationSettingsInput,
  expectedVersion?: number,
): Promise<NotificationSettingsView> {
  requirePermission(scope, 'notifications:manage');
  return db.transaction().execute(async (trx) => {
    const org = await loadOrganization(trx, scope.organizationId);
    const before = toView(org);
    if (expectedVersion !== undefined && expectedVersion !== before.version) {
      throw new AppError(
        'version_conflict',
        412,
        'Someone else changed these settings. Reload and try again.',
      );
    }
    const rules: Record<string, RecipientRule> = { ...(org.rules ?? {}) };
    for (const [type, rule] of Object.entries(input.rules ?? {})) {
      if (!isEventType(type)) throw badRequest('unknown_event_type', `Unknown event type: ${type}.`);
      if (rule === null) {
        delete rules[type];
        continue;
      }
      await checkRule(trx, org.id, org.kind, type, rule);
      rules[type] = {
        roles: [...new Set(rule.roles)],
        userIds: [...new Set(rule.userIds)],
        channels: [...new Set<NotificationChannel>(rule.channels)],
      };
    }
    let months = org.renewal_notice_months ?? [...DEFAULT_RENEWAL_NOTICE_MONTHS];
    if (input.renewalNoticeMonths !== undefined) {
      if (org.kind === 'customer') {
        throw badRequest('not_a_seller', 'Renewal notice timing is set by the seller, not the customer.');
      }
      months = [...new Set(input.renewalNoticeMonths)].sort((a, b) => b - a);
    }
    await trx
      .insertInto('notification_settings')
      .values({ organization_id: org.id, rules: JSON.stringify(rules), renewal_notice_months: months })
      .onConflict((oc) =>
        oc.column('organization_id').doUpdateSet({
          rules: JSON.stringify(rules),
          renewal_notice_months: months,
          version: sql`notification_settings.version + 1`,
          updated_at: sql`now()`,
        }),
      )
      .execute();
    const after = toView(await loadOrganization(trx, org.id));
    await recordAudit(trx, scope, {
      organizationId: org.id,
      action: 'update',
      entityType: 'notification_settings',
      entityId: org.id,
      before,
      after,
    });
    return after;
  });
}

export interface NotificationPreferencesView {
  emailOptOut: EventType[];
  /** The event types whose e-mails a person may switch off (the others are essential). */
  optional: EventType[];
}

const OPTIONAL_TYPES = EVENT_TYPES.filter((t) => !EVENT_DEFINITIONS[t].essential);

function requireUser(scope: Scope): string {
  if (!scope.userId) {
    throw badRequest('user_required', 'Only a signed-in person has notification preferences.');
  }
  return scope.userId;
}

export async function getNotificationPreferences(
  db: Kysely<Database>,
  scope: Scope,
): Promise<NotificationPreferencesView> {
  const userId = requireUser(scope);
  const row = await db
    .selectFrom('notification_preferences')
    .select('email_opt_out')
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return { emailOptOut: (row?.email_opt_out ?? []).filter(isEventType), optional: OPTIONAL_TYPES };
}

/** A person turns off e-mails of some event types; essential ones cannot be turned off. */
export async function updateNotificationPreferences(
  db: Kysely<Database>,
  scope: Scope,
  input: { emailOptOut: string[] },
): Promise<NotificationPreferencesView> {
  const userId = requireUser(scope);
  const unknown = input.emailOptOut.filter((t) => !isEventType(t));
  if (unknown.length > 0)
    throw badRequest('unknown_event_type', `Unknown event types: ${unknown.join(', ')}.`);
  const essential = input.emailOptOut.filter((t) => isEventType(t) && EVENT_DEFINITIONS[t].essential);
  if (essential.length > 0) {
    throw badRequest(
      'essential_notification',
      `These notices are always sent by e-mail: ${essential.join(', ')}.`,
      { essential },
    );
  }
  const optOut = [...new Set(input.emailOptOut)];
  return db.transaction().execute(async (trx) => {
    const before = await getNotificationPreferences(trx, scope);
    await trx
      .insertInto('notification_preferences')
      .values({ user_id: userId, email_opt_out: optOut })
      .onConflict((oc) => oc.column('user_id').doUpdateSet({ email_opt_out: optOut, updated_at: sql`now()` }))
      .execute();
    const after = await getNotificationPreferences(trx, scope);
    await recordAudit(trx, scope, {
      organizationId: scope.organizationId,
      action: 'update',
      entityType: 'notification_preferences',
      entityId: userId,
      before: before.emailOptOut,
      after: after.emailOptOut,
    });
    return after;
  });
}
