import type { Kysely } from 'kysely';
import type { Database, Locale, OrganizationKind } from '../../db/schema.ts';
import { EVENT_DEFINITIONS, type EventType } from './event-types.ts';
import type { NotificationChannel, RecipientRule } from './notifications.tables.ts';

export const DEFAULT_CHANNELS: readonly NotificationChannel[] = ['email', 'in_app'];

/** An organisation's rule for an event type, or the product's default for its kind. */
export function ruleFor(
  rules: Readonly<Record<string, RecipientRule>>,
  type: EventType,
  kind: OrganizationKind,
): { rule: RecipientRule; isDefault: boolean } {
  const own = rules[type];
  if (own) return { rule: own, isDefault: false };
  const roles = EVENT_DEFINITIONS[type].defaultRoles[kind === 'customer' ? 'customer' : 'partner'];
  return { rule: { roles: [...roles], userIds: [], channels: [...DEFAULT_CHANNELS] }, isDefault: true };
}

export interface Recipient {
  userId: string;
  email: string;
  name: string;
  locale: Locale;
  organizationId: string;
  channels: NotificationChannel[];
}

interface AudienceOrg {
  id: string;
  kind: OrganizationKind;
}

/**
 * The people who hear about an event of `organizationId`: the organisation itself and/or its
 * seller (the event type's audience), each by its own rule. Disabled users and people who opted
 * out of a non-essential e-mail lose that channel; a person reached twice is listed once.
 */
export async function resolveRecipients(
  db: Kysely<Database>,
  type: EventType,
  organizationId: string,
): Promise<Recipient[]> {
  const definition = EVENT_DEFINITIONS[type];
  const org = await db
    .selectFrom('organizations as o')
    .leftJoin('organizations as p', 'p.id', 'o.parent_id')
    .select(['o.id', 'o.kind', 'p.id as parent_id', 'p.kind as parent_kind'])
    .where('o.id', '=', organizationId)
    .executeTakeFirst();
  if (!org) return [];
  const audience: AudienceOrg[] = [];
  if (definition.audience.own) audience.push({ id: org.id, kind: org.kind });
  if (definition.audience.seller && org.parent_id && org.parent_kind) {
    audience.push({ id: org.parent_id, kind: org.parent_kind });
  }
  if (audience.length === 0) return [];

  const settings = await db
    .selectFrom('notification_settings')
    .select(['organization_id', 'rules'])
    .where(
      'organization_id',
      'in',
      audience.map((a) => a.id),
    )
    .execute();
  const rulesOf = new Map(settings.map((s) => [s.organization_id, s.rules]));

  const byUser = new Map<string, Recipient>();
  for (const target of audience) {
    const { rule } = ruleFor(rulesOf.get(target.id) ?? {}, type, target.kind);
    if (rule.channels.length === 0 || (rule.roles.length === 0 && rule.userIds.length === 0)) continue;
    const members = await db
      .selectFrom('memberships as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .leftJoin('notification_preferences as np', 'np.user_id', 'u.id')
      .select(['u.id', 'u.email', 'u.name', 'u.locale', 'np.email_opt_out'])
      .where('m.organization_id', '=', target.id)
      .where('u.disabled_at', 'is', null)
      .where((eb) => {
        const picks = [];
        if (rule.roles.length > 0) picks.push(eb('m.role', 'in', rule.roles));
        if (rule.userIds.length > 0) picks.push(eb('u.id', 'in', rule.userIds));
        return eb.or(picks);
      })
      .orderBy('u.email')
      .execute();
    for (const member of members) {
      if (byUser.has(member.id)) continue;
      const optedOut = !definition.essential && (member.email_opt_out ?? []).includes(type);
      const channels = rule.channels.filter((c) => !(c === 'email' && optedOut));
      if (channels.length === 0) continue;
      byUser.set(member.id, {
        userId: member.id,
        email: member.email,
        name: member.name,
        locale: member.locale,
        organizationId: target.id,
        channels,
      });
    }
  }
  return [...byUser.values()];
}
