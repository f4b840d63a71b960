import type { Deps } from '../../deps.ts';
import type { JobDefinition } from '../../jobs/job-runner.ts';
import { processOutbox } from './process-outbox.ts';
import { sendRenewalNotices } from './renewal-notices.ts';

export const OUTBOX_JOB = 'notifications.outbox';
export const RENEWAL_NOTICES_JOB = 'notifications.renewal-notices';

export interface OutboxJobTimings {
  /** How long one run keeps polling (a little under the cron interval of a minute). */
  runSeconds: number;
  /** How long it waits after a pass that found nothing to do. */
  idlePollMs: number;
}

const DEFAULT_TIMINGS: OutboxJobTimings = { runSeconds: 50, idlePollMs: 2_000 };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The outbox worker. Cron starts it every minute (pg-boss's finest schedule); each run then keeps
 * polling every two seconds for most of the minute, so a notification or webhook leaves seconds
 * after its event commits rather than up to a minute later. `singleton` keeps one run active at a
 * time across all worker processes.
 */
export function outboxJob(deps: Deps, timings: OutboxJobTimings = DEFAULT_TIMINGS): JobDefinition {
  return {
    name: OUTBOX_JOB,
    retryLimit: 0,
    policy: 'singleton',
    schedule: { cron: '* * * * *', timeZone: 'UTC' },
    async run() {
      const until = Date.now() + timings.runSeconds * 1000;
      while (Date.now() < until) {
        const done = await processOutbox(deps);
        if (done.events + done.emails + done.webhooks === 0) await sleep(timings.idlePollMs);
      }
    },
  };
}

/** Daily renewal notices (00:30 UTC: morning in Japan, night in Europe — before office hours). */
export function renewalNoticesJob(deps: Deps): JobDefinition {
  return {
    name: RENEWAL_NOTICES_JOB,
    retryLimit: 3,
    retryDelaySeconds: 600,
    schedule: { cron: '30 0 * * *', timeZone: 'UTC' },
    async run() {
      await sendRenewalNotices(deps.database.db, deps.clock.now());
    },
  };
}
