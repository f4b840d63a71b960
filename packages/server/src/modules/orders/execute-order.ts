import { sql } from 'kysely';
import { recordAudit } from '../audit/audit.repository.ts';
import { systemScopeFor } from '../catalog/sync-catalog.ts';
import {
  azureAdminLine,
  changeLine,
  ensureTenant,
  ownProductLine,
  purchaseLine,
  type StepContext,
  type StepOutcome,
} from '../provisioning/partner-center-steps.ts';
import { classifyFailure, StepFailed } from '../provisioning/provisioning-errors.ts';
import { dispatchOrder } from './advance-order.ts';
import { publishOrderOutcome } from './order-events.ts';
import { wallClockInstant } from './order-queue.ts';
import { ORDER_JOBS, type OrderServices } from './order-services.ts';
import { applyOrderEvent, linesOf, type OrderLineRow, type OrderRow, orderForUpdate } from './order-state.ts';

/**
 * Provisions one order: the job `orders.execute` runs this. It is safe to run any number of times,
 * by any number of workers, at any moment:
 *
 * 1. Claim. In one transaction the order moves `scheduled` → `provisioning` (only once its
 *    effective instant has come) or `submitted` → `provisioning`, or — already provisioning — its
 *    claim is taken over when it expired or belongs to this very job (a retry). The update is
 *    conditional (order version, claim holder), so of several workers exactly one proceeds; the
 *    others return. A scheduled order that is not due yet is sent again for its instant.
 * 2. Each pending line is provisioned (see provisioning/partner-center-steps.ts) and settled in a
 *    transaction that also writes its local effects (subscription, events, task); the claim is
 *    renewed after each line. Lines already settled by an earlier attempt are skipped, and every
 *    Partner Center call repeats its first MS-RequestId, so a crash anywhere buys nothing twice.
 * 3. A transient failure (Microsoft unavailable) throws: pg-boss retries with backoff. On the last
 *    attempt the pending lines fail with the reason instead, the order ends failed (or partially
 *    failed) and staff are alerted: `alerted_at` and `failure_reason` are set and the order appears
 *    in GET /api/v1/orders?state=failed.
 */

export interface ExecuteJob {
  id: string;
  attempt: number;
}

export type ExecuteResult = 'done' | 'not_due' | 'busy' | 'waiting' | 'finished' | 'pending_manual';

const SYSTEM = 'provisioning worker';

function leaseUntil(seconds: number) {
  return sql<Date>`now() + make_interval(secs => ${seconds})`;
}

async function claim(
  services: OrderServices,
  orderId: string,
  job: ExecuteJob,
): Promise<{ result: ExecuteResult; row?: OrderRow }> {
  const { db, clock, timings } = services;
  return db.transaction().execute(async (trx) => {
    const row = await orderForUpdate(trx, orderId);
    if (!row) return { result: 'done' };
    const now = clock.now();
    const claimSet = {
      claimed_by: job.id,
      claimed_until: leaseUntil(timings.leaseSeconds),
      attempts: sql<number>`attempts + 1`,
    };
    switch (row.state) {
      case 'scheduled': {
        if (row.effective_at && row.effective_at.getTime() > now.getTime()) return { result: 'not_due', row };
        const next = await applyOrderEvent(trx, row, { type: 'due' }, now, { actor: SYSTEM, set: claimSet });
        return { result: 'finished', row: next };
      }
      case 'submitted': {
        const next = await applyOrderEvent(trx, row, { type: 'start_provisioning' }, now, {
          actor: SYSTEM,
          set: claimSet,
        });
        return { result: 'finished', row: next };
      }
      case 'provisioning': {
        const taken = await trx
          .updateTable('orders')
          .set({ ...claimSet, version: sql`version + 1`, updated_at: sql`now()` })
          .where('id', '=', orderId)
          .where('state', '=', 'provisioning')
          .where((eb) =>
            eb.or([
              eb('claimed_by', '=', job.id),
              eb('claimed_until', 'is', null),
              eb('claimed_until', '<', sql<Date>`now()`),
            ]),
          )
          .returningAll()
          .executeTakeFirst();
        return taken ? { result: 'finished', row: taken } : { result: 'busy' };
      }
      case 'completed':
      case 'partially_failed':
      case 'failed':
      case 'cancelled':
        return { result: 'done' };
      default:
        return { result: 'waiting' };
    }
  });
}

async function settle(
  services: OrderServices,
  orderId: string,
  line: OrderLineRow,
  outcome: StepOutcome | { kind: 'failed'; reason: string; code: string | null },
  job: ExecuteJob,
): Promise<void> {
  const { db, clock, timings } = services;
  await db.transaction().execute(async (trx) => {
    const row = await orderForUpdate(trx, orderId);
    if (row?.state !== 'provisioning') return;
    const current = await trx
      .selectFrom('order_lines')
      .select('status')
      .where('id', '=', line.id)
      .executeTakeFirst();
    if (current?.status !== 'pending') return;
    const claimSet = { claimed_by: job.id, claimed_until: leaseUntil(timings.leaseSeconds) };
    if (outcome.kind === 'waiting') {
      await outcome.persist(trx);
      await trx.updateTable('orders').set(claimSet).where('id', '=', orderId).execute();
      return;
    }
    if (outcome.kind === 'failed') {
      await applyOrderEvent(
        trx,
        row,
        { type: 'line_failed', lineId: line.id, reason: outcome.reason },
        clock.now(),
        {
          actor: SYSTEM,
          set: claimSet,
          line: { failureCode: outcome.code },
        },
      );
      return;
    }
    const createdSubscriptionId = await outcome.persist(trx);
    await applyOrderEvent(trx, row, { type: 'line_succeeded', lineId: line.id }, clock.now(), {
      actor: SYSTEM,
      set: claimSet,
      line: { result: { ...line.result, ...outcome.result }, createdSubscriptionId },
    });
  });
}

/** Ends provisioning when no line is pending; alerts staff about failures. */
export async function finishOrder(services: OrderServices, orderId: string): Promise<ExecuteResult> {
  const { db, clock } = services;
  return db.transaction().execute(async (trx) => {
    const row = await orderForUpdate(trx, orderId);
    if (row?.state !== 'provisioning') return 'done';
    const lines = await linesOf(trx, orderId);
    if (lines.some((l) => l.status === 'pending')) {
      // Only manual tasks are left: release the claim, the task's completion finishes the order.
      await trx
        .updateTable('orders')
        .set({ claimed_by: null, claimed_until: null })
        .where('id', '=', orderId)
        .execute();
      return 'pending_manual';
    }
    const failed = lines.filter((l) => l.status === 'failed');
    const reason =
      failed.length === 0
        ? null
        : failed.map((l) => `Line ${l.position + 1} (${l.title}): ${l.failure_reason ?? 'failed'}`).join(' ');
    const now = clock.now();
    const next = await applyOrderEvent(
      trx,
      row,
      { type: 'all_lines_done', ...(reason ? { reason } : {}) },
      now,
      {
        actor: SYSTEM,
        set: failed.length > 0 ? { failure_reason: reason, alerted_at: now } : { last_error: null },
      },
    );
    await publishOrderOutcome(trx, next, await linesOf(trx, orderId));
    await recordAudit(trx, systemScopeFor(row.provider_id), {
      organizationId: row.customer_id,
      action: next.state === 'completed' ? 'provisioned' : 'provisioning_failed',
      entityType: 'order',
      entityId: row.id,
      after: { state: next.state, failureReason: reason },
    });
    return 'finished';
  });
}

async function failPending(
  services: OrderServices,
  orderId: string,
  reason: string,
  code: string | null,
  job: ExecuteJob,
) {
  const lines = await linesOf(services.db, orderId);
  for (const line of lines) {
    if (line.status === 'pending' && line.waiting_on === null) {
      await settle(services, orderId, line, { kind: 'failed', reason, code }, job);
    }
  }
}

export async function executeOrder(
  services: OrderServices,
  orderId: string,
  job: ExecuteJob,
): Promise<ExecuteResult> {
  const { clock, timings, signal } = services;
  signal?.throwIfAborted();
  const claimed = await claim(services, orderId, job);
  if (claimed.result === 'not_due' && claimed.row) {
    // Early (a rescheduled order, or a clock that runs differently from pg-boss's): send again.
    await services.queue.send(
      ORDER_JOBS.execute,
      { orderId },
      {
        singletonKey: `order:${orderId}:${claimed.row.effective_at?.toISOString()}`,
        startAfter: wallClockInstant(clock, claimed.row.effective_at ?? clock.now()),
        retryLimit: timings.retryLimit,
        retryDelaySeconds: timings.retryDelaySeconds,
      },
    );
    return 'not_due';
  }
  if (claimed.result !== 'finished' || !claimed.row) return claimed.result;
  const order = claimed.row;
  const finalAttempt = job.attempt >= timings.retryLimit;
  const lines = (await linesOf(services.db, orderId)).filter(
    (l) => l.status === 'pending' && l.waiting_on === null,
  );
  try {
    const client = lines.some((l) => l.kind !== 'own_product')
      ? await services.partnerCenter.clientFor(order.provider_id)
      : null;
    let pcCustomerId: string | null = null;
    // New licences, Azure plans and admin rights need the customer's tenant at Partner Center.
    if (client && lines.some((l) => ['purchase', 'add_on', 'azure_plan', 'azure_admin'].includes(l.kind))) {
      const ctx: StepContext = { services, order, client, signal, now: clock.now() };
      try {
        pcCustomerId = await ensureTenant(ctx);
      } catch (error) {
        const failure = classifyFailure(error);
        if (signal?.aborted || (failure.transient && !finalAttempt)) throw error;
        // Without a Partner Center customer no Microsoft line can be provisioned.
        for (const line of lines.filter((l) => l.kind !== 'own_product')) {
          await settle(services, orderId, line, { kind: 'failed', ...failure }, job);
        }
      }
    }
    for (const line of lines) {
      signal?.throwIfAborted();
      const ctx: StepContext = { services, order, client: client!, signal, now: clock.now() };
      let outcome: StepOutcome | { kind: 'failed'; reason: string; code: string | null };
      try {
        switch (line.kind) {
          case 'own_product':
            outcome = ownProductLine(ctx, line);
            break;
          case 'purchase':
          case 'add_on':
          case 'azure_plan':
            if (!pcCustomerId) continue;
            outcome = await purchaseLine(ctx, line, pcCustomerId);
            break;
          case 'azure_admin':
            if (!pcCustomerId) continue;
            outcome = await azureAdminLine(ctx, line, pcCustomerId);
            break;
          default:
            if (!client) throw new StepFailed('No Partner Center connection.', 'not_connected');
            outcome = await changeLine(ctx, line);
        }
      } catch (error) {
        const failure = classifyFailure(error);
        if (signal?.aborted || (failure.transient && !finalAttempt)) throw error;
        outcome = {
          kind: 'failed',
          reason: failure.transient
            ? `${failure.reason} (gave up after ${job.attempt + 1} attempts)`
            : failure.reason,
          code: failure.code,
        };
      }
      signal?.throwIfAborted();
      await settle(services, orderId, line, outcome, job);
    }
  } catch (error) {
    if (signal?.aborted) throw error;
    const failure = classifyFailure(error);
    await services.db
      .updateTable('orders')
      .set({ last_error: failure.reason.slice(0, 2000) })
      .where('id', '=', orderId)
      .execute();
    if (!finalAttempt) throw error;
    await failPending(
      services,
      orderId,
      `${failure.reason} (gave up after ${job.attempt + 1} attempts)`,
      failure.code,
      job,
    );
  }
  return finishOrder(services, orderId);
}

/** Called by the job after the last failed attempt of anything unexpected: fail what is left. */
export async function giveUpOrder(services: OrderServices, orderId: string, reason: string, job: ExecuteJob) {
  await failPending(services, orderId, reason, 'gave_up', job);
  await finishOrder(services, orderId);
}

export { dispatchOrder };
