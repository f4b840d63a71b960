import type { Command } from 'commander';
import { loadConfig } from '../../config.ts';
import { createDeps } from '../../deps.ts';
import { markOverdue } from './invoices.repository.ts';
import { runBilling } from './run-billing.ts';

/** `cspc billing run --period YYYY-MM [--seller ORG] [--issue]` and `cspc billing overdue`. */
export function registerBillingCommands(program: Command): void {
  const billing = program.command('billing').description('Billing: runs, overdue marking');

  billing
    .command('run')
    .description(
      'Bill a month: every seller (or --seller) invoices its direct buyers; idempotent, resumes an unfinished run',
    )
    .requiredOption('--period <YYYY-MM>', 'the month to bill')
    .option('--seller <id>', 'only this provider or reseller')
    .option('--issue', 'issue the invoices (gapless numbers) instead of leaving drafts')
    .action(async (options: { period: string; seller?: string; issue?: boolean }) => {
      const deps = await createDeps(loadConfig());
      try {
        const db = deps.database.db;
        const sellers = options.seller
          ? [options.seller]
          : (await db.selectFrom('organizations').select('id').where('kind', '<>', 'customer').execute()).map(
              (r) => r.id,
            );
        for (const sellerId of sellers) {
          const result = await runBilling(db, null, {
            sellerId,
            period: options.period,
            issue: options.issue ?? false,
            now: deps.clock.now(),
          });
          console.log(
            `${sellerId} ${result.period}: ${result.status}${result.resumed ? ' (resumed)' : ''}, ` +
              `${result.recipients} recipients, ${result.invoicesCreated} created, ${result.invoicesUpdated} updated, ` +
              `${result.invoicesUnchanged} unchanged, ${result.invoicesIssued} issued, ${result.linesWritten} lines in ${result.durationMs} ms`,
          );
          for (const s of result.skipped) console.log(`  skipped ${s.subscriptionId}: ${s.reason}`);
          for (const e of result.errors) console.log(`  error ${e.recipientId} ${e.code}: ${e.message}`);
          if (result.errors.length > 0) process.exitCode = 1;
        }
      } finally {
        await deps.database.close();
      }
    });

  billing
    .command('overdue')
    .description('Mark issued invoices past their due date as overdue and notify')
    .action(async () => {
      const deps = await createDeps(loadConfig());
      try {
        console.log(`${await markOverdue(deps.database.db, deps.clock.now())} invoices marked overdue`);
      } finally {
        await deps.database.close();
      }
    });
}
