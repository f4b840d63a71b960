import { Command, Option } from 'commander';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import { createDeps } from '../deps.ts';
import { registerAlertCommands } from '../modules/alerts/alerts.cli.ts';
import { registerBillingCommands } from '../modules/billing/billing.cli.ts';
import { catalogSyncCommand } from '../modules/catalog/catalog.cli.ts';
import { registerNotificationCommands } from '../modules/notifications/notifications.cli.ts';
import { reconcileCommand } from '../modules/subscriptions/subscriptions.cli.ts';
import { registerUsageCommands } from '../modules/usage/usage.cli.ts';
import { demoLogins, seedDemo } from '../seed/demo.ts';
import { runProcess } from './processes.ts';

const program = new Command('cspc')
  .description('csp-commerce: commerce and billing for Microsoft CSP partners')
  .showHelpAfterError();

program
  .command('start')
  .description(
    'Run everything in one process: API, web console, workers and (without PARTNER_CENTER_URL) the Partner Center emulator',
  )
  .action(() => runProcess({ api: true, worker: true, seedDemo: true }));

program
  .command('api')
  .description('Run the API and web console only (scale out: several api processes share one PostgreSQL)')
  .action(() => runProcess({ api: true, worker: false, seedDemo: false }));

program
  .command('worker')
  .description('Run background jobs only: scheduled orders, imports, billing runs, notifications')
  .action(() => runProcess({ api: false, worker: true, seedDemo: false }));

program
  .command('migrate')
  .description('Apply pending database migrations and exit')
  .action(async () => {
    const config = loadConfig();
    const database = await openDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: config.databaseUrl ? null : `${config.dataDir}/pglite`,
    });
    try {
      const result = await migrate(database);
      console.log(
        result.applied.length > 0
          ? `Applied ${result.applied.length} migration(s): ${result.applied.join(', ')}`
          : `The database is up to date (${result.alreadyApplied} migration(s) applied earlier).`,
      );
    } finally {
      await database.close();
    }
  });

const seed = program.command('seed').description('Load data into the database');
seed
  .command('demo')
  .description('Seed the demo distributor, resellers, customers and users (password "demo")')
  .action(async () => {
    const deps = await createDeps(loadConfig());
    try {
      const result = await seedDemo(deps.database.db);
      console.log(result.created ? 'Demo data seeded.' : 'Demo data was already there; nothing changed.');
      console.log(demoLogins());
    } finally {
      await deps.database.close();
    }
  });

program
  .command('catalog')
  .description('The Microsoft catalog')
  .command('sync')
  .description('Sync the Microsoft catalog from Partner Center now (all providers, or one)')
  .addOption(new Option('--provider <id>', 'only this provider'))
  .action((options: { provider?: string }) => catalogSyncCommand(options));

program
  .command('subscriptions')
  .description('Subscriptions')
  .command('reconcile')
  .description('Compare subscriptions with Partner Center now and report drift (all providers, or one)')
  .addOption(new Option('--provider <id>', 'only this provider'))
  .action((options: { provider?: string }) => reconcileCommand(options));

program
  .command('emulator')
  .description('Run the local Partner Center emulator')
  .addOption(new Option('--port <port>', 'port to listen on').default('4010'))
  .addOption(new Option('--seed <n>', 'seed of the generated catalog and usage').default('1'))
  .action(async (options: { port: string; seed: string }) => {
    const { startEmulator } = await import('../partner-center/emulator/server.ts');
    const config = loadConfig();
    const emulator = await startEmulator({
      port: Number(options.port),
      seed: Number(options.seed),
      dataDir: `${config.dataDir}/emulator`,
    });
    console.log(`Partner Center emulator listening on ${emulator.url}/v1`);
    const stop = async () => {
      await emulator.close();
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

registerUsageCommands(program);
registerNotificationCommands(program);
registerAlertCommands(program);
registerBillingCommands(program);

await program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
