import type { Deps } from '../../deps.ts';
import type { JobDefinition } from '../../jobs/job-runner.ts';
import { dateIn } from './invoice-writer.ts';
import { markOverdue } from './invoices.repository.ts';
import { loadProfile } from './profiles.ts';
import { runBilling } from './run-billing.ts';

export const BILLING_SCHEDULED_RUNS_JOB = 'billing.scheduled-runs';
export const BILLING_OVERDUE_JOB = 'billing.mark-overdue';

/**
 * Every seller's run of the previous month on its billing day (in its time zone): drafts for
 * review, issued by people or the API. A run already completed for that month is not repeated;
 * an unfinished one is resumed.
 */
export async function scheduledRuns(deps: Deps): Promise<number> {
  const db = deps.database.db;
  const now = deps.clock.now();
  const sellers = await db.selectFrom('organizations').select('id').where('kind', '<>', 'customer').execute();
  let started = 0;
  for (const seller of sellers) {
    const profile = await loadProfile(db, seller.id);
    if (!profile) continue;
    const today = dateIn(now, profile.timeZone);
    if (Number(today.slice(8, 10)) !== profile.billingDay) continue;
    const first = new Date(`${today.slice(0, 7)}-01T00:00:00Z`);
    first.setUTCMonth(first.getUTCMonth() - 1);
    const period = first.toISOString().slice(0, 7);
    const done = await db
      .selectFrom('billing_runs')
      .select('id')
      .where('seller_id', '=', seller.id)
      .where('period', '=', `${period}-01`)
      .where('status', '=', 'completed')
      .executeTakeFirst();
    if (done) continue;
    await runBilling(db, null, { sellerId: seller.id, period, now });
    started++;
  }
  return started;
}

export function billingJobs(deps: Deps): JobDefinition[] {
  return [
    {
      name: BILLING_SCHEDULED_RUNS_JOB,
      retryLimit: 3,
      retryDelaySeconds: 300,
      policy: 'singleton',
      schedule: { cron: '15 * * * *', timeZone: 'UTC' },
      async run() {
        await scheduledRuns(deps);
      },
    },
    {
      name: BILLING_OVERDUE_JOB,
      retryLimit: 3,
      policy: 'singleton',
      schedule: { cron: '45 * * * *', timeZone: 'UTC' },
      async run() {
        await markOverdue(deps.database.db, deps.clock.now());
      },
    },
  ];
}
