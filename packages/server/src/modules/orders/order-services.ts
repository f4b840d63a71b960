import type { Kysely } from 'kysely';
import type { Config } from '../../config.ts';
import type { Database } from '../../db/schema.ts';
import type { Clock, Deps } from '../../deps.ts';
import type { PartnerCenterConnector } from '../../partner-center/connector.ts';
import { creditControlCheck } from '../credit-control/credit-control-check.ts';
import type { CreditCheck } from './credit-check.ts';
import { type JobSender, jobSenderFor, type QueueSpec } from './order-queue.ts';

/**
 * What the order flow needs besides the database: Partner Center, the clock, the job sender, the
 * credit check and a few timings. One set per `Deps`, built on first use; `configureOrders` swaps
 * parts (the credit control module plugs in its credit check; tests shorten the timings).
 */

export const ORDER_JOBS = {
  execute: 'orders.execute',
  checkRelationship: 'orders.check-relationship',
  sweep: 'orders.sweep',
  reconcile: 'subscriptions.reconcile',
  housekeeping: 'orders.housekeeping',
} as const;

export interface OrderTimings {
  /** Attempts of an order job after the first before the order is failed and staff alerted. */
  retryLimit: number;
  /** First retry delay; doubles per attempt (pg-boss backoff). */
  retryDelaySeconds: number;
  /** How long a worker's claim on an order holds without progress before another may take over. */
  leaseSeconds: number;
  /** How often an order waiting for the customer's acceptance of the reseller link checks again. */
  relationshipPollSeconds: number;
  /** An order waits this long for the customer to accept the reseller link, then it is cancelled. */
  relationshipWaitDays: number;
  /** Due date of a manual provisioning task, in days after the order takes effect. */
  taskDueDays: number;
}

export const DEFAULT_TIMINGS: OrderTimings = {
  retryLimit: 6,
  retryDelaySeconds: 20,
  leaseSeconds: 300,
  relationshipPollSeconds: 300,
  relationshipWaitDays: 30,
  taskDueDays: 3,
};

export interface OrderServices {
  db: Kysely<Database>;
  config: Config;
  clock: Clock;
  partnerCenter: Pick<PartnerCenterConnector, 'clientFor'>;
  queue: JobSender;
  creditCheck: CreditCheck;
  timings: OrderTimings;
  /** Aborts in-flight provisioning (a worker shutting down, or a simulated crash in tests). */
  signal?: AbortSignal | undefined;
}

export function queueSpecs(timings: OrderTimings): QueueSpec[] {
  return [
    {
      name: ORDER_JOBS.execute,
      retryLimit: timings.retryLimit,
      retryDelaySeconds: timings.retryDelaySeconds,
      policy: 'short',
    },
    { name: ORDER_JOBS.checkRelationship, retryLimit: 3, retryDelaySeconds: 30, policy: 'short' },
    { name: ORDER_JOBS.sweep, retryLimit: 1, retryDelaySeconds: 30, policy: 'standard' },
    { name: ORDER_JOBS.reconcile, retryLimit: 2, retryDelaySeconds: 300, policy: 'standard' },
    { name: ORDER_JOBS.housekeeping, retryLimit: 1, retryDelaySeconds: 60, policy: 'standard' },
  ];
}

const services = new WeakMap<Deps, OrderServices>();

export function orderServices(deps: Deps): OrderServices {
  let found = services.get(deps);
  if (!found) {
    found = {
      db: deps.database.db,
      config: deps.config,
      clock: deps.clock,
      partnerCenter: deps.partnerCenter,
      queue: jobSenderFor(deps.database, queueSpecs(DEFAULT_TIMINGS)),
      // Credit control (#8): the stored credit limits decide; no limit set → allowed.
      creditCheck: creditControlCheck(() => deps.clock.now()),
      timings: DEFAULT_TIMINGS,
    };
    services.set(deps, found);
  }
  return found;
}

/** Replaces parts of the order services of `deps` (credit check, timings, Partner Center). */
export function configureOrders(
  deps: Deps,
  changes: Partial<Omit<OrderServices, 'db' | 'config' | 'clock'>>,
): OrderServices {
  const current = orderServices(deps);
  const timings = changes.timings ?? current.timings;
  const next: OrderServices = {
    ...current,
    ...changes,
    timings,
    queue:
      changes.queue ?? (changes.timings ? jobSenderFor(deps.database, queueSpecs(timings)) : current.queue),
  };
  services.set(deps, next);
  return next;
}
