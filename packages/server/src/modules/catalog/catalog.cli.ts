import { loadConfig } from '../../config.ts';
import { createDeps } from '../../deps.ts';
import { syncCatalog, systemScopeFor } from './sync-catalog.ts';

/**
 * `cspc catalog sync [--provider <id>]`: syncs now, against Microsoft (a stored connection) or the
 * emulator that `cspc start` / `cspc emulator` runs on EMULATOR_PORT.
 */
export async function catalogSyncCommand(options: { provider?: string }): Promise<void> {
  const config = loadConfig();
  const emulatorUrl = config.partnerCenterUrl ? null : `http://127.0.0.1:${config.emulatorPort}`;
  const deps = await createDeps(config, { emulatorUrl });
  try {
    const db = deps.database.db;
    const providers = options.provider
      ? [options.provider]
      : (await db.selectFrom('organizations').select('id').where('kind', '=', 'provider').execute()).map(
          (p) => p.id,
        );
    if (providers.length === 0) console.log('No provider yet: seed the demo or create one first.');
    for (const providerId of providers) {
      const result = await syncCatalog(
        { db, partnerCenter: deps.partnerCenter, clock: deps.clock },
        systemScopeFor(providerId),
        providerId,
      );
      const changes = Object.entries(result.changes)
        .map(([kind, n]) => `${n} ${kind}`)
        .join(', ');
      console.log(
        `${providerId}: ${result.read.products} products, ${result.read.skus} SKUs, ${result.read.offers} offers, ${result.read.priceSeries} price series, ${result.read.meters} meters (${result.markets.join(', ')}) read in ${result.readMs} ms; ${result.written === 0 ? 'no change' : `${result.written} rows written (${changes})`} in ${result.writeMs} ms.`,
      );
      for (const warning of result.warnings) console.log(`  warning: ${warning}`);
    }
  } finally {
    await deps.database.close();
  }
}
