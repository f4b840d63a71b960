import type { Deps } from '../deps.ts';
import { alertsEvaluateJob } from '../modules/alerts/alerts.job.ts';
import { billingJobs } from '../modules/billing/billing.job.ts';
import { catalogSyncJob } from '../modules/catalog/catalog-sync.job.ts';
import { outboxJob, renewalNoticesJob } from '../modules/notifications/notifications.job.ts';
import { orderJobDefinitions } from '../modules/orders/order-jobs.ts';
import { usageDailyImportJob, usageDemoSeedJob } from '../modules/usage/usage.job.ts';
import type { JobDefinition } from './job-runner.ts';

/** Every background job the product runs. Capabilities add theirs here. */
export function jobDefinitions(deps: Deps): JobDefinition[] {
  const db = deps.database.db;
  return [
    {
      name: 'maintenance.purge-expired-sessions',
      retryLimit: 2,
      schedule: { cron: '17 * * * *', timeZone: 'UTC' },
      async run() {
        await db.deleteFrom('sessions').where('expires_at', '<', deps.clock.now()).execute();
      },
    },
    catalogSyncJob(deps) as JobDefinition,
    // Notifications: the outbox worker (fan-out, e-mail, webhooks) and daily renewal notices (#9).
    outboxJob(deps),
    renewalNoticesJob(deps),
    // Orders: provisioning, future-dated orders, relationship checks, sweeps, reconciliation (#5).
    ...orderJobDefinitions(deps),
    // Azure usage: daily import of unbilled and newly billed usage from Partner Center (#6).
    usageDailyImportJob(deps) as JobDefinition,
    usageDemoSeedJob(deps) as JobDefinition,
    // Budgets and credit control: alerts at the start of each month (and after imports) (#8).
    alertsEvaluateJob(deps) as JobDefinition,
    // Billing: each seller's run on its billing day, and overdue marking (#7).
    ...billingJobs(deps),
  ];
}
