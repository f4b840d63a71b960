import { buildApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { createDeps } from '../deps.ts';
import { JobRunner } from '../jobs/job-runner.ts';
import { jobDefinitions } from '../jobs/registry.ts';
import { createLogger } from '../logger.ts';
import { enqueueFirstCatalogSyncs } from '../modules/catalog/catalog-sync.job.ts';
import { presetDemoCatalogOnFirstStart } from '../modules/price-books/demo-price-books.ts';
import { demoLogins, seedDemo } from '../seed/demo.ts';

export interface ProcessRoles {
  api: boolean;
  worker: boolean;
  seedDemo: boolean;
}

/** Starts the requested roles in this process and stops them cleanly on SIGINT/SIGTERM. */
export async function runProcess(roles: ProcessRoles): Promise<void> {
  const started = Date.now();
  const config = loadConfig();
  const closers: (() => Promise<void>)[] = [];
  // Without PARTNER_CENTER_URL the product talks to its own emulator, started here with state in
  // the data dir, so the demo can order, provision and import usage with no Microsoft account.
  let emulatorUrl: string | null = null;
  if (!config.partnerCenterUrl && roles.worker) {
    const { startEmulator } = await import('../partner-center/emulator/server.ts');
    const emulator = await startEmulator({
      port: config.emulatorPort,
      dataDir: `${config.dataDir}/emulator`,
    });
    emulatorUrl = emulator.url;
    closers.push(() => emulator.close());
    console.log(`Partner Center emulator at ${emulator.url}/v1`);
  } else if (!config.partnerCenterUrl) {
    emulatorUrl = `http://127.0.0.1:${config.emulatorPort}`;
  }
  const deps = await createDeps(config, { emulatorUrl });

  if (roles.seedDemo) {
    const anyOrg = await deps.database.db
      .selectFrom('organizations')
      .select('id')
      .limit(1)
      .executeTakeFirst();
    if (!anyOrg) {
      const demo = await seedDemo(deps.database.db);
      console.log('First start: demo data seeded.');
      // The demo's catalog from the emulator, a second sync after emulated Microsoft changes, price books.
      if (roles.worker) await presetDemoCatalogOnFirstStart(deps, demo.organizations, emulatorUrl);
    }
  }

  const jobs = new JobRunner(deps.database, jobDefinitions(deps), createLogger(config));
  await jobs.start({ work: roles.worker });
  if (roles.worker) await enqueueFirstCatalogSyncs(deps, jobs);
  closers.unshift(() => jobs.stop());

  if (roles.api) {
    const app = await buildApp(deps);
    await app.listen({ host: config.host, port: config.port });
    closers.unshift(() => app.close());
    console.log(
      `csp-commerce is running at ${config.publicUrl} (started in ${((Date.now() - started) / 1000).toFixed(1)} s)`,
    );
    console.log(`API docs: ${config.publicUrl}/api/docs`);
    if (roles.seedDemo) console.log(demoLogins());
  } else {
    console.log('Worker running.');
  }

  const shutdown = async (signal: string) => {
    console.log(`${signal}: shutting down`);
    for (const close of closers) await close().catch((error) => console.error(error));
    await deps.database.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}
