import type { Deps } from '../../deps.ts';
import type { JobDefinition } from '../../jobs/job-runner.ts';
import { DEMO_USERS, seedDemo } from '../../seed/demo.ts';
import { seedDemoCreditControl } from '../credit-control/demo-credit.ts';
import { sendRenewalNotices } from '../notifications/renewal-notices.ts';
import { expireQuotes } from '../quotes/expire-quotes.ts';
import { reconcileAll } from '../subscriptions/reconcile-subscriptions.ts';
import { checkRelationship } from './check-relationship.ts';
import { seedDemoOrders } from './demo-orders.ts';
import { executeOrder } from './execute-order.ts';
import { ORDER_JOBS, type OrderServices, orderServices } from './order-services.ts';
import { purgeIdempotencyKeys } from './purge-idempotency-keys.ts';
import { sweepOrders } from './sweep-orders.ts';

/**
 * The jobs of the order flow (registered in jobs/registry.ts):
 * - `orders.execute {orderId}`: provisions an order (see execute-order.ts); sent when an order is
 *   submitted, scheduled for its effective instant, or swept; retried with backoff.
 * - `orders.check-relationship {orderId}`: polls whether an existing tenant accepted the link.
 * - `orders.sweep` (every minute): re-sends lost or stalled order jobs.
 * - `subscriptions.reconcile` (daily): compares every provider's subscriptions with Partner Center.
 * - `orders.housekeeping` (hourly): expired Idempotency-Keys and quotes.
 * - `orders.demo-seed` (every minute until done): on a demo installation running the built-in
 *   emulator, places the demo orders once the demo catalog is there (cspc start presets the catalog
 *   before the workers start, so this runs right after the first start); a no-op ever after.
 *
 * `signal` aborts in-flight provisioning: a worker shutting down, or a test simulating a crash.
 */
export function orderJobDefinitions(
  deps: Deps,
  options: { signal?: AbortSignal; services?: OrderServices } = {},
): JobDefinition[] {
  const services = (): OrderServices => {
    const base = options.services ?? orderServices(deps);
    return options.signal ? { ...base, signal: options.signal } : base;
  };
  const timings = services().timings;
  const execute: JobDefinition<{ orderId: string }> = {
    name: ORDER_JOBS.execute,
    policy: 'short',
    retryLimit: timings.retryLimit,
    retryDelaySeconds: timings.retryDelaySeconds,
    async run(data, job) {
      await executeOrder(services(), data.orderId, job);
    },
  };
  const relationship: JobDefinition<{ orderId: string }> = {
    name: ORDER_JOBS.checkRelationship,
    policy: 'short',
    retryLimit: 3,
    retryDelaySeconds: 30,
    async run(data) {
      await checkRelationship(services(), data.orderId);
    },
  };
  return [
    execute as JobDefinition,
    relationship as JobDefinition,
    {
      name: ORDER_JOBS.sweep,
      retryLimit: 1,
      schedule: { cron: '* * * * *', timeZone: 'UTC' },
      async run() {
        await sweepOrders(services());
      },
    },
    {
      name: ORDER_JOBS.reconcile,
      retryLimit: 2,
      retryDelaySeconds: 300,
      schedule: { cron: '40 3 * * *', timeZone: 'UTC' },
      async run() {
        await reconcileAll(services());
      },
    },
    {
      name: 'orders.demo-seed',
      retryLimit: 0,
      schedule: { cron: '* * * * *', timeZone: 'UTC' },
      async run() {
        const s = services();
        if (!deps.partnerCenter.emulatorUrl) return;
        if (await s.db.selectFrom('orders').select('id').limit(1).executeTakeFirst()) return;
        const demo = await s.db
          .selectFrom('users')
          .select('id')
          .where('email', '=', DEMO_USERS[0]!.email)
          .executeTakeFirst();
        const catalog = await s.db.selectFrom('catalog_offers').select('id').limit(1).executeTakeFirst();
        if (!demo || !catalog) return;
        const { organizations } = await seedDemo(s.db);
        const result = await seedDemoOrders(deps, organizations);
        // Credit control (#8): an order waiting for approval and one refused.
        const credit = await seedDemoCreditControl(deps, organizations);
        if (credit.problems.length > 0) console.log(`Demo credit control: ${credit.problems.join('; ')}`);
        // Renewal notices (#9) are daily; the demo's monthly licences are due one at once.
        await sendRenewalNotices(s.db, s.clock.now());
        console.log(
          `Demo orders placed: ${result.orders} orders, ${result.subscriptions} subscriptions${
            result.problems.length > 0 ? ` (problems: ${result.problems.join('; ')})` : ''
          }.`,
        );
      },
    },
    {
      name: ORDER_JOBS.housekeeping,
      retryLimit: 1,
      schedule: { cron: '7 * * * *', timeZone: 'UTC' },
      async run() {
        const s = services();
        await purgeIdempotencyKeys(s.db, s.clock.now());
        await expireQuotes(s.db, s.clock.now());
      },
    },
  ];
}
