import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { Amount, EventDataMap, EventType } from './event-types.ts';

/**
 * The notifications module's public API for other modules: publish a business event.
 *
 *   await db.transaction().execute(async (trx) => {
 *     await completeOrder(trx, …);
 *     await publishEvent(trx, {
 *       type: 'provisioning_completed',
 *       organizationId: order.customerId,
 *       subject: { type: 'order', id: order.id },
 *       data: { orderId: order.id, customerName, items },
 *     });
 *   });
 *
 * The event is written in the caller's transaction (an outbox): it exists if and only if the
 * change it reports committed. The notifications worker then decides who hears about it (in-app,
 * e-mail, webhooks) and delivers with retries. Publishing never sends anything itself and never
 * fails because a recipient is unreachable.
 */
export type { Amount, ChangeKind, CreditLevelName, EventDataMap, EventType } from './event-types.ts';
export { EVENT_TYPES } from './event-types.ts';

export interface PublishInput<T extends EventType> {
  type: T;
  /** The organisation the event is about; decides who is told (event-types.ts, audience). */
  organizationId: string;
  /** What the event is about, e.g. `{ type: 'order', id }`; links point there. */
  subject: { type: string; id: string };
  data: EventDataMap[T];
  /**
   * Publishing twice with the same key writes one event (the core's alert dedupe keys fit here,
   * e.g. `budget_threshold:customer/c-1:2026-03:50`). Without a key every call is an event.
   */
  dedupeKey?: string | undefined;
  occurredAt?: Date | undefined;
}

export interface PublishedEvent {
  id: string;
  /** false: an event with this dedupe key already existed; nothing was written. */
  created: boolean;
}

/** Writes the event to the outbox. Pass the transaction that makes the change it reports. */
export async function publishEvent<T extends EventType>(
  trx: Kysely<Database>,
  input: PublishInput<T>,
): Promise<PublishedEvent> {
  const inserted = await trx
    .insertInto('notification_events')
    .values({
      type: input.type,
      organization_id: input.organizationId,
      subject_type: input.subject.type,
      subject_id: input.subject.id,
      data: JSON.stringify(input.data),
      dedupe_key: input.dedupeKey ?? null,
      ...(input.occurredAt ? { occurred_at: input.occurredAt } : {}),
    })
    // DO NOTHING, not an error: a duplicate must not abort the caller's transaction.
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) return { id: inserted.id, created: true };
  const existing = await trx
    .selectFrom('notification_events')
    .select('id')
    .where('dedupe_key', '=', input.dedupeKey ?? '')
    .executeTakeFirstOrThrow();
  return { id: existing.id, created: false };
}

/** `Money` from @cspc/core (or anything with a decimal string and a currency) as event data. */
export const amountOf = (money: { toString(): string; currency: string }): Amount => ({
  amount: money.toString(),
  currency: money.currency,
});
