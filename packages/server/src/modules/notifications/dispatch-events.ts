import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Config } from '../../config.ts';
import type { Branding, Database } from '../../db/schema.ts';
import type { Clock } from '../../deps.ts';
import { effectiveBranding } from '../organizations/organizations.repository.ts';
import { webhookPayload } from '../webhooks/payload.ts';
import { after, retryDelaySeconds } from './backoff.ts';
import {
  consolePath,
  EVENT_DEFINITIONS,
  type EventDataMap,
  type EventType,
  isEventType,
} from './event-types.ts';
import type { NotificationEventsTable } from './notifications.tables.ts';
import { resolveRecipients } from './recipients.ts';
import { renderNotification } from './templates/render-notification.ts';

export interface OutboxDeps {
  db: Kysely<Database>;
  config: Pick<Config, 'publicUrl' | 'mailFrom' | 'secretKey' | 'env'>;
  clock: Clock;
}

type EventRow = Selectable<NotificationEventsTable>;

/** An event that cannot be fanned out (bad data, unknown type) is tried this often, then parked. */
const MAX_DISPATCH_ATTEMPTS = 5;
/** How long a worker owns a claimed event; another worker may take it over afterwards. */
const CLAIM_SECONDS = 300;

export const errorMessage = (error: unknown) =>
  (error instanceof Error ? error.message : String(error)).slice(0, 1000);

/** Takes the oldest undispatched event nobody else is working on, and marks it as ours for a while. */
async function claimNextEvent(db: Kysely<Database>, now: Date): Promise<EventRow | undefined> {
  return db.transaction().execute(async (trx) => {
    const event = await trx
      .selectFrom('notification_events')
      .selectAll()
      .where('dispatched_at', 'is', null)
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', now)]))
      .orderBy('occurred_at')
      .orderBy('id')
      .limit(1)
      .forUpdate()
      .skipLocked()
      .executeTakeFirst();
    if (!event) return undefined;
    const attempts = event.dispatch_attempts + 1;
    await trx
      .updateTable('notification_events')
      .set({ claimed_until: after(now, CLAIM_SECONDS), dispatch_attempts: attempts })
      .where('id', '=', event.id)
      .execute();
    return { ...event, dispatch_attempts: attempts };
  });
}

/**
 * Fans out pending events: for each, the notifications of every recipient (in-app ones are
 * delivered by being written; e-mails wait for deliverEmails) and one delivery per matching
 * webhook endpoint — all in one transaction with marking the event dispatched, so a crash either
 * leaves the event pending or completes it. Returns the number of events handled.
 */
export async function dispatchEvents(deps: OutboxDeps, { limit = 100 } = {}): Promise<number> {
  let handled = 0;
  while (handled < limit) {
    const now = deps.clock.now();
    const event = await claimNextEvent(deps.db, now);
    if (!event) break;
    handled += 1;
    try {
      await deps.db.transaction().execute(async (trx) => {
        await fanOut(trx, deps, event, now);
        await trx
          .updateTable('notification_events')
          .set({ dispatched_at: now, claimed_until: null, dispatch_error: null })
          .where('id', '=', event.id)
          .execute();
      });
    } catch (error) {
      const giveUp = event.dispatch_attempts >= MAX_DISPATCH_ATTEMPTS;
      await deps.db
        .updateTable('notification_events')
        .set({
          dispatch_error: errorMessage(error),
          claimed_until: giveUp ? null : after(now, retryDelaySeconds(event.dispatch_attempts)),
          ...(giveUp ? { dispatched_at: now } : {}),
        })
        .where('id', '=', event.id)
        .execute();
    }
  }
  return handled;
}

async function fanOut(trx: Kysely<Database>, deps: OutboxDeps, event: EventRow, now: Date): Promise<void> {
  if (!isEventType(event.type)) throw new Error(`Unknown event type "${event.type}".`);
  const type: EventType = event.type;
  const data = event.data as unknown as EventDataMap[EventType];
  const subject = { type: event.subject_type, id: event.subject_id };
  const settingsUrl = `${deps.config.publicUrl}/profile`;

  const recipients = await resolveRecipients(trx, type, event.organization_id);
  // Customers read in their own panel, partners in the partner console: links differ.
  const customerOrgs = new Set(
    recipients.length === 0
      ? []
      : (
          await trx
            .selectFrom('organizations')
            .select('id')
            .where('id', 'in', [...new Set(recipients.map((r) => r.organizationId))])
            .where('kind', '=', 'customer')
            .execute()
        ).map((o) => o.id),
  );
  const brandings = new Map<string, Branding>();
  const rows = [];
  for (const recipient of recipients) {
    let branding = brandings.get(recipient.organizationId);
    if (!branding) {
      branding = await effectiveBranding(trx, recipient.organizationId);
      brandings.set(recipient.organizationId, branding);
    }
    const reader = customerOrgs.has(recipient.organizationId) ? 'customer' : 'partner';
    const linkUrl = `${deps.config.publicUrl}${consolePath(subject, reader)}`;
    const message = renderNotification(type, data, {
      locale: recipient.locale,
      branding,
      recipientName: recipient.name,
      linkUrl,
      settingsUrl,
    });
    for (const channel of recipient.channels) {
      const email = channel === 'email';
      rows.push({
        event_id: event.id,
        organization_id: recipient.organizationId,
        user_id: recipient.userId,
        channel,
        event_type: type,
        locale: recipient.locale,
        title: message.subject,
        body_text: email ? message.text : message.inAppText,
        body_html: email ? message.html : null,
        link_url: linkUrl,
        recipient: email ? recipient.email : null,
        status: email ? ('pending' as const) : ('sent' as const),
        next_attempt_at: email ? now : null,
        sent_at: email ? null : now,
      });
    }
  }
  if (rows.length > 0) {
    await trx
      .insertInto('notifications')
      .values(rows)
      .onConflict((oc) => oc.columns(['event_id', 'user_id', 'channel']).doNothing())
      .execute();
  }

  // Webhooks of the event's organisation and of every organisation above it.
  const definition = EVENT_DEFINITIONS[type];
  const endpoints = await trx
    .selectFrom('webhook_endpoints as e')
    .innerJoin('organization_tree as t', 't.ancestor_id', 'e.organization_id')
    .select(['e.id', 'e.organization_id', 'e.event_types'])
    .where('t.descendant_id', '=', event.organization_id)
    .where('e.enabled', '=', true)
    .execute();
  const payload = webhookPayload(event);
  const deliveries = endpoints
    .filter((e) => e.event_types.length === 0 || e.event_types.includes(type))
    .filter((e) => e.organization_id !== event.organization_id || definition.audience.own)
    .map((e) => ({
      id: randomUUID(),
      endpoint_id: e.id,
      organization_id: e.organization_id,
      event_id: event.id,
      event_type: type,
      payload,
      status: 'pending' as const,
      next_attempt_at: now,
    }));
  if (deliveries.length > 0) {
    await trx
      .insertInto('webhook_deliveries')
      .values(deliveries)
      .onConflict((oc) =>
        oc.columns(['endpoint_id', 'event_id']).where('redelivery_of', 'is', null).doNothing(),
      )
      .execute();
  }
}
