import type { Command } from 'commander';
import { loadConfig } from '../../config.ts';
import { createDeps } from '../../deps.ts';
import { type EvaluationCounts, evaluateAlerts, evaluateAllProviders } from './evaluate-alerts.ts';

function describe(result: EvaluationCounts): string {
  const created = Object.entries(result.created)
    .map(([type, n]) => `${type} ${n}`)
    .join(', ');
  const total = Object.values(result.created).reduce((a, b) => a + b, 0);
  return (
    `${result.period}: ${result.budgets} budgets, ${result.creditLimits} credit limits, ` +
    `${result.evaluated} alerts due, ${total} new${created ? ` (${created})` : ''}`
  );
}

/** `cspc alerts evaluate [--provider <id>] [--period YYYY-MM]`. */
export function registerAlertCommands(program: Command): void {
  program
    .command('alerts')
    .description('Budget and credit alerts')
    .command('evaluate')
    .description('Evaluate budget, spike, forecast and credit rules now and store new alerts (idempotent)')
    .option('--provider <id>', 'only this provider')
    .option('--period <YYYY-MM>', 'the month to evaluate (default: the current month)')
    .action(async (options: { provider?: string; period?: string }) => {
      if (options.period !== undefined && !/^\d{4}-(0[1-9]|1[0-2])$/.test(options.period)) {
        throw new Error('--period is a month, YYYY-MM (e.g. 2026-03).');
      }
      const deps = await createDeps(loadConfig());
      try {
        const db = deps.database.db;
        const base = { now: deps.clock.now(), ...(options.period ? { period: options.period } : {}) };
        const results = options.provider
          ? [await evaluateAlerts(db, { ...base, rootId: options.provider })]
          : await evaluateAllProviders(db, base);
        for (const result of results) console.log(describe(result));
      } finally {
        await deps.database.close();
      }
    });
}
