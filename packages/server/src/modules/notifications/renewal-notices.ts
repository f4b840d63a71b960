import { addMonths, dateInZone, parsePlainDate, Temporal } from '@cspc/core';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { DEFAULT_RENEWAL_NOTICE_MONTHS } from './notification-settings.ts';
import { publishEvent } from './publish.ts';

/**
 * Which notice is due for a term ending (exclusively) on `termEnd`, seen on `today`: the nearest
 * of the seller's "N months before" dates that has been reached. A subscription bought six weeks
 * before its renewal under the default [2, 1] gets the 2-month notice at once and the 1-month
 * notice later; a job that missed days sends only the nearest, not a burst of stale ones.
 */
export function dueNotice(
  termEnd: Temporal.PlainDate,
  today: Temporal.PlainDate,
  months: readonly number[],
): number | null {
  if (Temporal.PlainDate.compare(termEnd, today) <= 0) return null;
  const nearestFirst = [...months].sort((a, b) => a - b);
  return nearestFirst.find((n) => Temporal.PlainDate.compare(addMonths(termEnd, -n), today) <= 0) ?? null;
}

/**
 * The daily renewal notice run: every active or suspended subscription with a term end (Microsoft
 * licences and own services alike) gets the notices its seller asked for, each exactly once per
 * subscription, term end and N (the dedupe key), to the customer and its seller. "Today" is the
 * seller's local date. Returns the number of notices published.
 */
export async function sendRenewalNotices(db: Kysely<Database>, now: Date): Promise<number> {
  const { rows } = await sql<{ months: number | null }>`
    SELECT max(m) AS months FROM notification_settings, unnest(renewal_notice_months) AS m`.execute(db);
  const horizonMonths = Math.max(Number(rows[0]?.months ?? 0), ...DEFAULT_RENEWAL_NOTICE_MONTHS);
  const instant = Temporal.Instant.fromEpochMilliseconds(now.getTime());
  // Generous bounds in UTC; the exact check below uses each seller's own date.
  const utcToday = dateInZone(instant, 'UTC');
  const from = utcToday.subtract({ days: 1 }).toString();
  const until = addMonths(utcToday, horizonMonths).add({ days: 2 }).toString();

  const subscriptions = await db
    .selectFrom('subscriptions as s')
    .innerJoin('organizations as c', 'c.id', 's.customer_id')
    .innerJoin('organizations as seller', 'seller.id', 's.seller_id')
    .leftJoin('notification_settings as ns', 'ns.organization_id', 's.seller_id')
    .select([
      's.id',
      's.customer_id',
      's.title',
      's.quantity',
      's.auto_renew',
      's.term_end',
      'c.name as customer_name',
      'seller.time_zone',
      'ns.renewal_notice_months',
    ])
    .where('s.status', 'in', ['active', 'suspended'])
    .where('s.term_end', '>', from)
    .where('s.term_end', '<=', until)
    .orderBy('s.term_end')
    .execute();

  let published = 0;
  for (const s of subscriptions) {
    const termEnd = parsePlainDate(s.term_end!);
    const months = s.renewal_notice_months ?? DEFAULT_RENEWAL_NOTICE_MONTHS;
    const due = dueNotice(termEnd, dateInZone(instant, s.time_zone), months);
    if (due === null) continue;
    const { created } = await publishEvent(db, {
      type: 'renewal_notice',
      organizationId: s.customer_id,
      subject: { type: 'subscription', id: s.id },
      data: {
        customerName: s.customer_name,
        subscriptionId: s.id,
        subscriptionTitle: s.title,
        termEnd: s.term_end!,
        autoRenew: s.auto_renew,
        quantity: s.quantity,
        monthsBefore: due,
      },
      dedupeKey: `renewal_notice:subscription/${s.id}:${s.term_end}:${due}`,
    });
    if (created) published += 1;
  }
  return published;
}
