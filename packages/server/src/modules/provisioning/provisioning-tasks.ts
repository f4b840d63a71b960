import { parsePlainDate } from '@cspc/core';
import { type Kysely, sql } from 'kysely';
import { requirePermission, type Scope } from '../../auth/scope.ts';
import type { Database } from '../../db/schema.ts';
import { visibleOrganizationIds } from '../../db/tenancy.ts';
import { conflict, notFound } from '../../http/errors.ts';
import { decodeCursorParts, encodeCursor, type Page } from '../../http/pagination.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import { todayIn } from '../catalog/lineage.ts';
import { finishOrder } from '../orders/execute-order.ts';
import type { OrderServices } from '../orders/order-services.ts';
import { applyOrderEvent, orderForUpdate } from '../orders/order-state.ts';
import { chargePeriodOf } from '../subscriptions/subscription-model.ts';
import { recordSubscriptionEvent } from '../subscriptions/subscriptions.repository.ts';
import type { TaskStatus } from './provisioning.tables.ts';

/**
 * Own products are provisioned by people: an order line for one becomes a task for the staff of
 * the product's seller, with a due date. Completing the task starts the subscription (with the
 * price chain of the order line), settles the line, and finishes the order when nothing else is
 * pending.
 */

export interface TaskView {
  id: string;
  orderId: string;
  orderNumber: string;
  orderLineId: string;
  assigneeOrgId: string;
  customerId: string;
  customerName: string;
  title: string;
  description: string;
  dueDate: string;
  overdue: boolean;
  status: TaskStatus;
  completedAt: string | null;
  completedBy: string | null;
  completionNote: string | null;
  subscriptionId: string | null;
  createdAt: string;
}

function baseQuery(db: Kysely<Database>, scope: Scope) {
  return db
    .selectFrom('provisioning_tasks as t')
    .innerJoin('orders as o', 'o.id', 't.order_id')
    .innerJoin('organizations as c', 'c.id', 't.customer_id')
    .selectAll('t')
    .select(['o.number as order_number', 'c.name as customer_name'])
    .where('t.assignee_org_id', 'in', visibleOrganizationIds(db, scope));
}

type Row = Awaited<ReturnType<ReturnType<typeof baseQuery>['executeTakeFirstOrThrow']>>;

function toView(row: Row, today: string): TaskView {
  return {
    id: row.id,
    orderId: row.order_id,
    orderNumber: row.order_number,
    orderLineId: row.order_line_id,
    assigneeOrgId: row.assignee_org_id,
    customerId: row.customer_id,
    customerName: row.customer_name,
    title: row.title,
    description: row.description,
    dueDate: row.due_date,
    overdue: row.status === 'open' && row.due_date < today,
    status: row.status,
    completedAt: row.completed_at?.toISOString() ?? null,
    completedBy: row.completed_by,
    completionNote: row.completion_note,
    subscriptionId: row.subscription_id,
    createdAt: row.created_at.toISOString(),
  };
}

export async function listTasks(
  db: Kysely<Database>,
  scope: Scope,
  filter: { limit: number; cursor?: string | undefined; status?: TaskStatus | undefined },
  now: Date,
): Promise<Page<TaskView>> {
  requirePermission(scope, 'provisioning:tasks');
  let query = baseQuery(db, scope)
    .orderBy('t.due_date')
    .orderBy('t.id')
    .limit(filter.limit + 1);
  if (filter.status) query = query.where('t.status', '=', filter.status);
  const after = decodeCursorParts(filter.cursor, 2);
  if (after) query = query.where(sql<boolean>`(t.due_date, t.id) > (${after[0]}::date, ${after[1]}::uuid)`);
  const rows = await query.execute();
  const today = now.toISOString().slice(0, 10);
  const items = rows.slice(0, filter.limit).map((r) => toView(r, today));
  const last = rows[filter.limit - 1];
  return {
    items,
    nextCursor: rows.length > filter.limit && last ? encodeCursor(last.due_date, last.id) : null,
  };
}

export async function findTask(
  db: Kysely<Database>,
  scope: Scope,
  id: string,
  now: Date,
): Promise<TaskView | undefined> {
  const row = await baseQuery(db, scope).where('t.id', '=', id).executeTakeFirst();
  return row ? toView(row, now.toISOString().slice(0, 10)) : undefined;
}

function termEndOf(start: string, term: string): string | null {
  const date = parsePlainDate(start);
  switch (term) {
    case 'P1M':
      return date.add({ months: 1 }).toString();
    case 'P1Y':
      return date.add({ years: 1 }).toString();
    case 'P3Y':
      return date.add({ years: 3 }).toString();
    default:
      return null;
  }
}

export async function completeTask(
  services: OrderServices,
  scope: Scope,
  id: string,
  note: string | undefined,
): Promise<TaskView> {
  requirePermission(scope, 'provisioning:tasks');
  const { db, clock } = services;
  const now = clock.now();
  const visible = await findTask(db, scope, id, now);
  if (!visible) throw notFound('task');
  const orderId = await db.transaction().execute(async (trx) => {
    const task = await trx
      .selectFrom('provisioning_tasks')
      .selectAll()
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (task.status !== 'open') throw conflict('task_not_open', `The task is already ${task.status}.`);
    const order = await orderForUpdate(trx, task.order_id);
    if (!order) throw notFound('order');
    const line = await trx
      .selectFrom('order_lines')
      .selectAll()
      .where('id', '=', task.order_line_id)
      .executeTakeFirstOrThrow();
    const customer = await trx
      .selectFrom('organizations')
      .select('time_zone')
      .where('id', '=', task.customer_id)
      .executeTakeFirstOrThrow();
    const start = todayIn(now, customer.time_zone).toString();
    const term = line.term ?? 'none';
    const cycle = line.billing_cycle ?? 'one_time';
    const sub = await trx
      .insertInto('subscriptions')
      .values({
        provider_id: order.provider_id,
        seller_id: order.seller_id,
        customer_id: order.customer_id,
        kind: 'own_product',
        own_product_id: line.own_product_id,
        title: line.title,
        status: 'active',
        quantity: line.quantity ?? 1,
        term,
        billing_cycle: cycle,
        term_start: start,
        term_end: termEndOf(start, term),
        auto_renew: cycle !== 'one_time' && cycle !== 'usage',
        unit_price: line.unit_price,
        currency: line.currency,
        price_tiers: JSON.stringify(line.price_tiers),
        order_id: order.id,
        attributes: JSON.stringify({ ...order.attributes, orderNumber: order.number }),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordSubscriptionEvent(trx, {
      subscriptionId: sub.id,
      kind: 'provisioned',
      effectiveAt: now,
      quantityBefore: 0,
      quantityAfter: sub.quantity,
      statusBefore: null,
      statusAfter: 'active',
      term,
      billingCycle: cycle,
      termStart: sub.term_start,
      termEnd: sub.term_end,
      chargePeriod: chargePeriodOf(sub, start),
      autoRenew: sub.auto_renew,
      orderId: order.id,
      orderLineId: line.id,
      source: 'order',
      details: { taskId: task.id, note: note ?? null },
      prices: line.price_tiers,
    });
    await trx
      .updateTable('provisioning_tasks')
      .set({
        status: 'completed',
        completed_at: now,
        completed_by: scope.actor.label,
        completion_note: note ?? null,
        subscription_id: sub.id,
      })
      .where('id', '=', id)
      .execute();
    await applyOrderEvent(
      trx,
      order,
      { type: 'line_succeeded', lineId: line.id, reason: `Task completed by ${scope.actor.label}` },
      now,
      {
        actor: scope.actor.label,
        line: { result: { taskId: task.id }, createdSubscriptionId: sub.id },
      },
    );
    await recordAudit(trx, scope, {
      organizationId: task.customer_id,
      action: 'complete',
      entityType: 'provisioning_task',
      entityId: id,
      after: { subscriptionId: sub.id, note: note ?? null },
    });
    return order.id;
  });
  await finishOrder(services, orderId);
  return (await findTask(db, scope, id, now))!;
}
