import { loadConfig } from '../../config.ts';
import { createDeps } from '../../deps.ts';
import { stopJobSender } from '../orders/order-queue.ts';
import { orderServices } from '../orders/order-services.ts';
import { reconcileProvider } from './reconcile-subscriptions.ts';

/**
 * `cspc subscriptions reconcile [--provider <id>]`: compares our subscriptions with Partner Center
 * now (Microsoft, or the emulator on EMULATOR_PORT) and prints the drift found.
 */
export async function reconcileCommand(options: { provider?: string }): Promise<void> {
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
    for (const providerId of providers) {
      const report = await reconcileProvider(orderServices(deps), providerId);
      console.log(
        `${providerId}: ${report.customers} customers, ${report.subscriptions} subscriptions at Microsoft; ${report.renewed} renewals and ${report.expired} expiries recorded; drift: ${report.driftDetected} new, ${report.driftCleared} cleared, ${report.driftOpen} open.`,
      );
      for (const error of report.errors) console.log(`  error: ${error}`);
      if (report.driftOpen > 0)
        console.log('  Review it with GET /api/v1/subscriptions/drift (adopt or fix).');
    }
  } finally {
    await stopJobSender(deps.database);
    await deps.database.close();
  }
}
