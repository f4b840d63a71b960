import type { Deps } from '../../deps.ts';
import type { JobDefinition } from '../../jobs/job-runner.ts';
import { syncCatalog, systemScopeFor } from './sync-catalog.ts';
import { providersDueForSync } from './sync-settings.ts';

export const CATALOG_SYNC_JOB = 'catalog.sync';

export interface CatalogSyncJobData {
  /** Sync this provider now; without it, every provider whose daily hour has come. */
  providerId?: string;
}

/**
 * The daily catalog sync. The queue ticks hourly; each provider syncs once a day, in the local hour
 * set in its catalog sync settings (03:00 by default). A send with a providerId syncs that provider
 * at once (first start, or after a Partner Center connection is added). A failed provider is
 * retried by the queue; the others are not held up by it.
 */
export function catalogSyncJob(deps: Deps): JobDefinition<CatalogSyncJobData> {
  const syncDeps = { db: deps.database.db, partnerCenter: deps.partnerCenter, clock: deps.clock };
  return {
    name: CATALOG_SYNC_JOB,
    retryLimit: 3,
    retryDelaySeconds: 300,
    schedule: { cron: '5 * * * *', timeZone: 'UTC' },
    async run(data) {
      const providers = data?.providerId
        ? [data.providerId]
        : await providersDueForSync(syncDeps.db, deps.clock.now());
      const failures: string[] = [];
      for (const providerId of providers) {
        try {
          await syncCatalog(syncDeps, systemScopeFor(providerId), providerId);
        } catch (error) {
          failures.push(`${providerId}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      if (failures.length > 0) throw new Error(`Catalog sync failed for ${failures.join('; ')}`);
    },
  };
}

/** At start: providers that have never been synced get a sync now rather than at their next hour. */
export async function enqueueFirstCatalogSyncs(
  deps: Deps,
  jobs: { send(name: string, data: CatalogSyncJobData): Promise<string | null> },
): Promise<void> {
  let query = deps.database.db
    .selectFrom('organizations as o')
    .select('o.id')
    .where('o.kind', '=', 'provider')
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('catalog_products as p').select('p.id').whereRef('p.provider_id', '=', 'o.id'))),
    );
  // Without the built-in emulator, only providers with a Partner Center connection can sync.
  if (!deps.partnerCenter.emulatorUrl) {
    query = query.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('partner_center_connections as c')
          .select('c.organization_id')
          .whereRef('c.organization_id', '=', 'o.id'),
      ),
    );
  }
  const providers = await query.execute();
  for (const { id } of providers) await jobs.send(CATALOG_SYNC_JOB, { providerId: id });
}
