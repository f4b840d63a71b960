import { sql } from 'kysely';
import { dispatchOrder } from './advance-order.ts';
import type { OrderServices } from './order-services.ts';

/**
 * The safety net of the order flow, run every minute: sends again the job of every order that
 * should have one — a submitted order whose send was lost to a crash, a scheduled order that is
 * due (or whose job got lost), a provisioning order whose worker died (its claim expired), an order
 * waiting for the customer's relationship. Repeated sends are harmless: singleton keys keep one
 * queued job per order, and the order's claim lets one worker proceed.
 */
export async function sweepOrders(services: OrderServices, options: { minAgeSeconds?: number } = {}) {
  const { db, clock } = services;
  const minAge = options.minAgeSeconds ?? 30;
  const now = clock.now();
  const stale = sql<boolean>`updated_at < now() - make_interval(secs => ${minAge})`;
  const rows = await db
    .selectFrom('orders')
    .select(['id', 'state', 'effective_at'])
    .where((eb) =>
      eb.or([
        eb.and([eb('state', '=', 'submitted'), stale]),
        eb.and([eb('state', '=', 'scheduled'), eb.or([eb('effective_at', '<=', now), stale])]),
        eb.and([eb('state', '=', 'awaiting_relationship'), stale]),
        eb.and([
          eb('state', '=', 'provisioning'),
          eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', sql<Date>`now()`)]),
          eb.or([
            eb.exists(
              eb
                .selectFrom('order_lines as l')
                .select('l.id')
                .whereRef('l.order_id', '=', 'orders.id')
                .where('l.status', '=', 'pending')
                .where('l.waiting_on', 'is', null),
            ),
            // Every line settled but the order not finished (a crash in between).
            eb.not(
              eb.exists(
                eb
                  .selectFrom('order_lines as l')
                  .select('l.id')
                  .whereRef('l.order_id', '=', 'orders.id')
                  .where('l.status', '=', 'pending'),
              ),
            ),
          ]),
        ]),
      ]),
    )
    .limit(1000)
    .execute();
  for (const row of rows) await dispatchOrder(services, row);
  return { resent: rows.length };
}
