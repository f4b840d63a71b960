import { Temporal } from '@cspc/core';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { wallClockInstant } from './order-queue.ts';
import { ORDER_JOBS, type OrderServices } from './order-services.ts';
import { applyOrderEvent, type OrderRow } from './order-state.ts';

/**
 * What a submitted order does next, once every gate before it is passed: wait for the customer to
 * accept the reseller relationship (an existing tenant), wait for its effective instant
 * (`scheduled`), or stay `submitted` for a worker to provision it now.
 */
export async function advanceOrder(
  trx: Kysely<Database>,
  row: OrderRow,
  now: Date,
  actor: string,
): Promise<OrderRow> {
  if (row.state !== 'submitted') return row;
  if (row.tenant_action?.mode === 'existing' && row.relationship_accepted_at === null) {
    const linked = await trx
      .selectFrom('customer_tenants')
      .select('organization_id')
      .where('organization_id', '=', row.customer_id)
      .executeTakeFirst();
    if (!linked) {
      return applyOrderEvent(
        trx,
        row,
        {
          type: 'relationship_required',
          reason: `Waiting for ${row.tenant_action.domain} to accept the reseller relationship`,
        },
        now,
        { actor },
      );
    }
  }
  if (row.effective_at && row.effective_at.getTime() > now.getTime()) {
    return applyOrderEvent(
      trx,
      row,
      {
        type: 'schedule',
        effectiveAt: Temporal.Instant.fromEpochMilliseconds(row.effective_at.getTime()),
        reason: `Takes effect at ${row.effective_at.toISOString()} (${row.effective_date ?? 'exact instant'}, ${row.time_zone})`,
      },
      now,
      { actor },
    );
  }
  return row;
}

/** Sends the job an order needs in its state; call after the transaction that moved it committed. */
export async function dispatchOrder(
  services: OrderServices,
  row: Pick<OrderRow, 'id' | 'state' | 'effective_at'>,
) {
  const { queue, timings, clock } = services;
  const retry = { retryLimit: timings.retryLimit, retryDelaySeconds: timings.retryDelaySeconds };
  switch (row.state) {
    case 'submitted':
    case 'provisioning':
      await queue.send(
        ORDER_JOBS.execute,
        { orderId: row.id },
        { singletonKey: `order:${row.id}`, ...retry },
      );
      return;
    case 'scheduled':
      await queue.send(
        ORDER_JOBS.execute,
        { orderId: row.id },
        {
          singletonKey: `order:${row.id}`,
          startAfter: wallClockInstant(clock, row.effective_at ?? clock.now()),
          ...retry,
        },
      );
      return;
    case 'awaiting_relationship':
      await queue.send(
        ORDER_JOBS.checkRelationship,
        { orderId: row.id },
        {
          singletonKey: `relationship:${row.id}`,
          startAfter: new Date(Date.now() + timings.relationshipPollSeconds * 1000),
        },
      );
      return;
    default:
      return;
  }
}
