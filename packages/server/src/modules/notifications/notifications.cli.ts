import type { Command } from 'commander';
import { loadConfig } from '../../config.ts';
import { createDeps } from '../../deps.ts';
import { processOutbox } from './process-outbox.ts';
import { sendRenewalNotices } from './renewal-notices.ts';

async function withDeps(work: (deps: Awaited<ReturnType<typeof createDeps>>) => Promise<void>) {
  const deps = await createDeps(loadConfig());
  try {
    await work(deps);
  } finally {
    deps.mailer.close();
    await deps.database.close();
  }
}

/**
 * `cspc notifications send` and `cspc notifications renewal-notices`: what the worker does on its
 * schedule, once and now (operations, demos, a worker that is not running).
 */
export function registerNotificationCommands(program: Command): void {
  const notifications = program.command('notifications').description('Notifications, e-mail and webhooks');
  notifications
    .command('send')
    .description('Process the outbox once: fan out new events, send the e-mails and webhooks that are due')
    .action(() =>
      withDeps(async (deps) => {
        const run = await processOutbox(deps);
        const where =
          deps.mailer.mode === 'smtp' ? 'over SMTP' : `as .eml files in ${deps.config.dataDir}/outbox`;
        console.log(
          `${run.events} event(s) fanned out, ${run.emails} e-mail(s) attempted ${where}, ${run.webhooks} webhook request(s) attempted.`,
        );
      }),
    );
  notifications
    .command('renewal-notices')
    .description('Publish the renewal notices due today (the worker does this daily at 00:30 UTC)')
    .action(() =>
      withDeps(async (deps) => {
        const published = await sendRenewalNotices(deps.database.db, deps.clock.now());
        console.log(`${published} renewal notice(s) published; \`cspc notifications send\` delivers them.`);
      }),
    );
}
