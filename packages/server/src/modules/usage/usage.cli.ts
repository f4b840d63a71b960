import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import type { Actor } from '../../auth/scope.ts';
import { loadConfig } from '../../config.ts';
import { createDeps, type Deps } from '../../deps.ts';
import { evaluateAfterImport } from '../alerts/alerts.job.ts';
import { type ImportProgress, type ImportUsageResult, importUsageCsv, systemScope } from './import-usage.ts';
import { pullUsage } from './pull-usage.ts';
import { rerateUsage } from './rerate-usage.ts';
import { usageErrors } from './usage.errors.ts';

/** `cspc usage import [FILE.csv]` and `cspc usage rerate --period YYYY-MM`. */
export function registerUsageCommands(program: Command): void {
  const usage = program
    .command('usage')
    .description('Azure usage: import from Partner Center or a file, re-rate');

  usage
    .command('import')
    .argument(
      '[file]',
      "Microsoft's daily rated usage reconciliation CSV; without it, pull from Partner Center",
    )
    .description(
      'Import and rate daily rated usage: a reconciliation CSV (any of Microsoft’s column sets), or — without a file — the unbilled and newly billed usage of every provider from Partner Center',
    )
    .option('--provider <id>', 'the provider whose usage this is (needed when there are several)')
    .option(
      '--complete-period <YYYY-MM>',
      'the file is a whole billed invoice of this month: unbilled days of the month it lacks are removed',
    )
    .option('--currency <code>', 'billing currency of --complete-period')
    .action(
      async (
        file: string | undefined,
        options: { provider?: string; completePeriod?: string; currency?: string },
      ) => {
        await withDeps(async (deps) => {
          const actor: Actor = {
            type: 'system',
            id: null,
            label: `cspc usage import${file ? ` ${basename(file)}` : ''}`,
          };
          if (!file) {
            const providers = options.provider ? [options.provider] : await allProviders(deps);
            for (const providerId of providers) {
              const imports = await pullUsage(deps, {
                providerId,
                today: deps.clock.now().toISOString().slice(0, 10),
                actor,
                onProgress: progressPrinter,
              });
              for (const i of imports) {
                printResult(
                  `${i.kind} ${i.period} ${i.currency}${i.invoiceId ? ` (${i.invoiceId})` : ''}`,
                  i.result,
                );
                await printQuarantine(deps, i.result);
              }
              if (imports.length === 0) console.log('Nothing to import.');
              await evaluateAfterImport(deps, providerId); // budget and credit alerts (#8)
            }
            return;
          }
          const providerId = options.provider ?? (await onlyProvider(deps));
          const size = statSync(file).size;
          const bar = progressBar(size);
          const result = await importUsageCsv(
            deps.database,
            createReadStream(file, { highWaterMark: 1024 * 1024 }),
            {
              providerId,
              channel: 'file',
              fileName: basename(file),
              request: options.completePeriod ? { kind: 'billed', period: options.completePeriod } : {},
              supersedeUnbilled:
                options.completePeriod && options.currency
                  ? { period: options.completePeriod, currency: options.currency }
                  : null,
              actor,
              onProgress: bar,
            },
          );
          printResult(basename(file), result);
          await printQuarantine(deps, result, basename(file));
          await evaluateAfterImport(deps, providerId); // budget and credit alerts (#8)
        });
      },
    );

  usage
    .command('rerate')
    .description(
      'Re-rate a period with the price books as they are now, and show the totals before and after',
    )
    .requiredOption('--period <YYYY-MM>', 'the month to re-rate')
    .option('--provider <id>', 'the provider (needed when there are several)')
    .option('--customer <id>', 'only this customer')
    .option('--dry-run', 'compute and show, change nothing')
    .action(async (options: { period: string; provider?: string; customer?: string; dryRun?: boolean }) => {
      await withDeps(async (deps) => {
        const providerId = options.provider ?? (await onlyProvider(deps));
        const scope = systemScope(providerId, { type: 'system', id: null, label: 'cspc usage rerate' });
        const result = await rerateUsage(deps.database, scope, {
          period: options.period,
          customerId: options.customer,
          dryRun: options.dryRun,
        });
        console.log(
          `${result.dryRun ? 'Dry run: ' : ''}${result.period}: ${result.customers} customer(s), ${result.lines} line(s), ${result.linesChanged} re-rated, ${result.daysRebuilt} customer-day(s) rebuilt.`,
        );
        const currencies = [...new Set([...result.before, ...result.after].map((t) => t.currency))];
        console.log('currency  sale before → after                    margin before → after');
        for (const c of currencies) {
          const b = result.before.find((t) => t.currency === c);
          const a = result.after.find((t) => t.currency === c);
          console.log(
            `${c.padEnd(8)}  ${(b?.sale ?? '0').padStart(16)} → ${(a?.sale ?? '0').padEnd(16)}  ${(b?.margin ?? '-').padStart(16)} → ${a?.margin ?? '-'}`,
          );
        }
        for (const rate of result.rates)
          console.log(`  ${rate.lines} line(s): ${rate.explanation.summary}; ${rate.explanation.formula}`);
      });
    });
}

async function withDeps(work: (deps: Deps) => Promise<void>): Promise<void> {
  const deps = await createDeps(loadConfig());
  try {
    await work(deps);
  } finally {
    await deps.database.close();
  }
}

async function allProviders(deps: Deps): Promise<string[]> {
  const rows = await deps.database.db
    .selectFrom('organizations')
    .select('id')
    .where('kind', '=', 'provider')
    .execute();
  return rows.map((r) => r.id);
}

async function onlyProvider(deps: Deps): Promise<string> {
  const providers = await allProviders(deps);
  if (providers.length !== 1) throw usageErrors.noProvider();
  return providers[0]!;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** A progress bar on stderr: rows, rows/s and ETA while loading, then the phase. */
export function progressBar(totalBytes: number): (progress: ImportProgress) => void {
  const started = Date.now();
  const tty = process.stderr.isTTY === true;
  let last = 0;
  let lastPhase = '';
  return (p) => {
    const now = Date.now();
    const phaseChanged = p.phase !== lastPhase;
    if (!phaseChanged && now - last < (tty ? 200 : 5000)) return;
    last = now;
    lastPhase = p.phase;
    const elapsed = (now - started) / 1000;
    const fraction = totalBytes > 0 ? Math.min(1, p.bytes / totalBytes) : 0;
    const rate = elapsed > 0 ? p.rows / elapsed : 0;
    let line: string;
    if (p.phase === 'loading') {
      const width = 30;
      const filled = Math.round(fraction * width);
      const eta = fraction > 0 ? elapsed / fraction - elapsed : Number.NaN;
      line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.round(fraction * 100)}%  ${fmt(p.rows)} rows  ${fmt(rate)} rows/s  ETA ${duration(eta)}`;
    } else if (p.phase === 'done') {
      line = `done: ${fmt(p.rows)} rows in ${duration(elapsed)}`;
    } else {
      line = `writing ${fmt(p.rows)} rows…  ${duration(elapsed)}`;
    }
    if (tty) process.stderr.write(`\r\x1b[2K${line}${p.phase === 'done' ? '\n' : ''}`);
    else process.stderr.write(`${line}\n`);
  };
}

function progressPrinter(label: string, progress: ImportProgress): void {
  if (progress.phase === 'done') process.stderr.write(`${label}: ${fmt(progress.rows)} rows\n`);
}

function printResult(label: string, r: ImportUsageResult): void {
  console.log(
    `${label}: ${fmt(r.rowsRead)} rows read — ${fmt(r.linesLoaded)} loaded, ${fmt(r.linesReplaced)} replaced, ${fmt(r.linesUnchanged)} unchanged, ${fmt(r.linesSkippedBilled)} skipped (already billed), ${fmt(r.linesQuarantined)} quarantined; ${r.daysSuperseded} unbilled day(s) superseded. Import ${r.importId}.`,
  );
}

/** The first quarantined rows, by file and line, with the reason; the rest via the API. */
async function printQuarantine(deps: Deps, r: ImportUsageResult, file = 'Partner Center', shown = 20) {
  if (r.linesQuarantined === 0) return;
  const rows = await deps.database.db
    .selectFrom('usage_quarantine')
    .select(['line_no', 'reason', 'message'])
    .where('import_id', '=', r.importId)
    .orderBy('line_no')
    .orderBy('id')
    .limit(shown)
    .execute();
  console.log(`Quarantined (not loaded):`);
  for (const q of rows) console.log(`  ${file}:${q.line_no}  ${q.reason}  ${q.message}`);
  if (r.linesQuarantined > rows.length) console.log(`  … and ${fmt(r.linesQuarantined - rows.length)} more.`);
  console.log(`  All of them: GET /api/v1/usage/imports/${r.importId}/quarantine`);
}
