import type { Deps } from '../../deps.ts';
import type { JobDefinition } from '../../jobs/job-runner.ts';
import { type EvaluationCounts, evaluateAlerts, evaluateAllProviders } from './evaluate-alerts.ts';

/**
 * `alerts.evaluate`: every budget and credit rule for one provider (or all), stored idempotently.
 * Scheduled at the start of each month (00:15 UTC on the 1st: month-start credit alerts, and the
 * new month's thresholds and forecast start from zero); also run after every usage import
 * (evaluateAfterImport). Idempotent by the alerts' dedupe keys, so retries are harmless.
 */
export function alertsEvaluateJob(deps: Deps): JobDefinition<{ providerId?: string; period?: string }> {
  return {
    name: 'alerts.evaluate',
    retryLimit: 3,
    retryDelaySeconds: 300,
    policy: 'singleton',
    schedule: { cron: '15 0 1 * *', timeZone: 'UTC' },
    async run(data) {
      const db = deps.database.db;
      const options = { now: deps.clock.now(), ...(data.period ? { period: data.period } : {}) };
      if (data.providerId) await evaluateAlerts(db, { ...options, rootId: data.providerId });
      else await evaluateAllProviders(db, options);
    },
  };
}

/**
 * The usage import's hook: evaluate the provider's alerts on the new data. An evaluation failure
 * is logged and never fails the import (the next import or the monthly job evaluates again).
 */
export async function evaluateAfterImport(deps: Deps, providerId: string): Promise<EvaluationCounts | null> {
  try {
    return await evaluateAlerts(deps.database.db, { rootId: providerId, now: deps.clock.now() });
  } catch (error) {
    console.error(
      `Alert evaluation after the usage import failed for ${providerId}: ${error instanceof Error ? error.message : String(error)}`,
    );
    return null;
  }
}
