import type { Actor } from '../../auth/scope.ts';
import type { Deps } from '../../deps.ts';
import type { JobDefinition } from '../../jobs/job-runner.ts';
import { evaluateAfterImport } from '../alerts/alerts.job.ts';
import { seedDemoAzureUsage } from './demo-usage-plans.ts';
import { providerIds, pullUsage } from './pull-usage.ts';

const JOB_ACTOR: Actor = { type: 'system', id: null, label: 'usage daily import' };

/**
 * The daily usage import: for every provider, the unbilled usage of the open periods and the billed
 * usage of newly closed ones (pull-usage.ts). Idempotent — unchanged customer-days stay as they
 * are — so pg-boss retries and the cron's immediate first run are harmless. A provider without a
 * Partner Center connection is skipped; one provider's failure does not stop the others, but fails
 * the job (to be retried) once all have been tried.
 */
export function usageDailyImportJob(deps: Deps): JobDefinition<{ providerId?: string }> {
  return {
    name: 'usage.daily-import',
    retryLimit: 3,
    retryDelaySeconds: 600,
    policy: 'singleton',
    schedule: { cron: '40 6 * * *', timeZone: 'UTC' },
    async run(data) {
      const providers = data.providerId ? [data.providerId] : await providerIds(deps);
      const failures: string[] = [];
      for (const providerId of providers) {
        try {
          await pullUsage(deps, {
            providerId,
            today: deps.clock.now().toISOString().slice(0, 10),
            actor: JOB_ACTOR,
          });
          // Budget and credit alerts on the new data (#8); never fails the import.
          await evaluateAfterImport(deps, providerId);
        } catch (error) {
          const code = (error as { code?: string }).code;
          if (code === 'partner_center_not_connected') continue;
          failures.push(`${providerId}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      if (failures.length > 0) throw new Error(`Usage import failed for ${failures.join('; ')}`);
    },
  };
}

/**
 * The demo's Azure usage on the customers' real Azure plans, once the demo orders have created the
 * tenants (demo-usage-plans.ts). Only with the emulator; after its one run it costs one query a minute.
 */
export function usageDemoSeedJob(deps: Deps): JobDefinition<Record<string, never>> {
  return {
    name: 'usage.demo-seed',
    retryLimit: 0,
    policy: 'singleton',
    schedule: { cron: '* * * * *', timeZone: 'UTC' },
    async run() {
      if (!deps.partnerCenter.emulatorUrl) return;
      const result = await seedDemoAzureUsage(deps);
      if (result.state !== 'seeded') return;
      // Budget and credit alerts on the re-seeded usage (#8), as after every import.
      if (result.providerId) await evaluateAfterImport(deps, result.providerId);
      console.log(
        `Demo Azure usage: ${result.lines} lines for ${result.customers.join(', ')}${
          result.plansOrdered > 0 ? ` (${result.plansOrdered} Azure plan(s) ordered)` : ''
        }${result.problems.length > 0 ? `; problems: ${result.problems.join('; ')}` : ''}.`,
      );
    },
  };
}
