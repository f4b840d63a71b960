import {
  type Order as CoreOrder,
  type OrderLine as CoreOrderLine,
  type OrderEvent,
  Temporal,
  transition,
} from '@cspc/core';
import { type Kysely, type Selectable, sql, type UpdateObject } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { AppError, conflict } from '../../http/errors.ts';
import type { OrderLinesTable, OrdersTable } from './orders.tables.ts';

/**
 * The order's state lives in the `orders` row; the core state machine (`transition`) decides every
 * change. Each accepted event updates the row conditionally on its version, so two workers or two
 * requests racing on one order cannot both move it, and appends to `order_transitions`.
 */

export type OrderRow = Selectable<OrdersTable>;
export type OrderLineRow = Selectable<OrderLinesTable>;

const toInstant = (date: Date) => Temporal.Instant.fromEpochMilliseconds(date.getTime());

export async function orderForUpdate(db: Kysely<Database>, id: string): Promise<OrderRow | undefined> {
  return db.selectFrom('orders').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function linesOf(db: Kysely<Database>, orderId: string): Promise<OrderLineRow[]> {
  return db
    .selectFrom('order_lines')
    .selectAll()
    .where('order_id', '=', orderId)
    .orderBy('position')
    .execute();
}

async function lastTransitionAt(db: Kysely<Database>, orderId: string): Promise<Date | null> {
  const row = await db
    .selectFrom('order_transitions')
    .select('at')
    .where('order_id', '=', orderId)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.at ?? null;
}

export function coreOrderOf(row: OrderRow, lines: readonly OrderLineRow[], lastAt: Date | null): CoreOrder {
  const coreLines: CoreOrderLine[] = lines.map((l) => ({
    id: l.id,
    status: l.status,
    ...(l.failure_reason ? { failureReason: l.failure_reason } : {}),
  }));
  return {
    id: row.id,
    state: row.state,
    lines: coreLines,
    effectiveAt: row.effective_at ? toInstant(row.effective_at) : null,
    approvedAt: row.approved_at ? toInstant(row.approved_at) : null,
    relationshipAcceptedAt: row.relationship_accepted_at ? toInstant(row.relationship_accepted_at) : null,
    history: lastAt ? [{ from: row.state, to: row.state, event: 'submit', at: toInstant(lastAt) }] : [],
  };
}

export interface ApplyOptions {
  actor: string;
  /** Further columns to set with the transition (claim, failure reason, …). */
  set?: UpdateObject<Database, 'orders'>;
  /** For line events: what to record on the line. */
  line?: {
    failureCode?: string | null;
    result?: Record<string, unknown>;
    createdSubscriptionId?: string | null;
  };
}

/**
 * Applies one event to the order (read with `orderForUpdate` in the same transaction) and returns
 * the updated row. Refused events throw a 409 with the core's reason.
 */
export async function applyOrderEvent(
  trx: Kysely<Database>,
  row: OrderRow,
  event: OrderEvent,
  now: Date,
  options: ApplyOptions,
): Promise<OrderRow> {
  const lines = await linesOf(trx, row.id);
  const lastAt = await lastTransitionAt(trx, row.id);
  // Transitions stay in time order even if the clock moved back (emulated clocks do).
  const at = lastAt && lastAt.getTime() > now.getTime() ? lastAt : now;
  const result = transition(coreOrderOf(row, lines, lastAt), event, toInstant(at));
  if (!result.ok) {
    throw new AppError(result.error.code, 409, result.error.message, {
      from: result.error.from,
      event: result.error.event,
      allowedEvents: result.error.allowedEvents,
    });
  }
  const next = result.order;
  const final = ['completed', 'partially_failed', 'failed', 'cancelled'].includes(next.state);
  const updated = await trx
    .updateTable('orders')
    .set({
      ...options.set,
      state: next.state,
      effective_at: next.effectiveAt ? new Date(next.effectiveAt.epochMilliseconds) : row.effective_at,
      approved_at: next.approvedAt ? new Date(next.approvedAt.epochMilliseconds) : null,
      relationship_accepted_at: next.relationshipAcceptedAt
        ? new Date(next.relationshipAcceptedAt.epochMilliseconds)
        : null,
      ...(final ? { completed_at: at, claimed_by: null, claimed_until: null } : {}),
      version: row.version + 1,
      updated_at: sql`now()`,
    })
    .where('id', '=', row.id)
    .where('version', '=', row.version)
    .returningAll()
    .executeTakeFirst();
  if (!updated)
    throw conflict('order_changed', 'The order changed at the same time. Reload it and try again.');
  if (event.type === 'line_succeeded' || event.type === 'line_failed') {
    await trx
      .updateTable('order_lines')
      .set({
        status: event.type === 'line_succeeded' ? 'succeeded' : 'failed',
        failure_reason: event.type === 'line_failed' ? event.reason : null,
        failure_code: options.line?.failureCode ?? null,
        waiting_on: null,
        completed_at: at,
        ...(options.line?.result ? { result: JSON.stringify(options.line.result) } : {}),
        ...(options.line?.createdSubscriptionId !== undefined
          ? { created_subscription_id: options.line.createdSubscriptionId }
          : {}),
      })
      .where('id', '=', event.lineId)
      .where('status', '=', 'pending')
      .execute();
  }
  await trx
    .insertInto('order_transitions')
    .values({
      order_id: row.id,
      from_state: result.entry.from,
      to_state: result.entry.to,
      event: result.entry.event,
      reason: result.entry.reason ?? null,
      line_id: result.entry.lineId ?? null,
      actor: options.actor,
      at,
    })
    .execute();
  return updated;
}
