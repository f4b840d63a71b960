import { sql } from 'kysely';
import type { Actor } from '../../auth/scope.ts';
import type { Deps } from '../../deps.ts';
import type { Invoice } from '../../partner-center/schemas/billing.ts';
import { type ImportProgress, type ImportUsageResult, importUsageCsv } from './import-usage.ts';
import { recordsToCsv } from './records-to-csv.ts';

/**
 * The daily pull of a provider's Azure usage from Partner Center (issue #6), per billing currency:
 *
 * - billed: every OneTime invoice of the last three months that carries usage and has not been
 *   imported yet — Microsoft closes a period around the 8th of the next month — is imported with
 *   its billed daily rated usage, which supersedes the unbilled data of that period and currency;
 * - unbilled "previous": the last month, for as long as it is not invoiced (it still changes);
 * - unbilled "current": the open month.
 *
 * Unbilled data comes through the line-item API (seek paging), billed data through the Graph
 * async export (Microsoft's path for new-commerce periods); both can be switched. Every pull is an
 * ordinary import: idempotent (unchanged customer-days are left alone), so running it twice, or
 * after a failure, is harmless.
 */

export type UsageSource = 'line_items' | 'graph_export';

export interface PullOptions {
  providerId: string;
  /** Today (UTC, YYYY-MM-DD): decides which periods are open. */
  today: string;
  unbilledSource?: UsageSource;
  billedSource?: UsageSource;
  /** Billed invoices this far back (months) are imported when missing. */
  billedMonths?: number;
  actor: Actor;
  signal?: AbortSignal;
  /** Poll interval of Graph exports (tests shorten it). */
  exportPollMs?: number;
  onProgress?: (label: string, progress: ImportProgress) => void;
}

export interface PulledImport {
  kind: 'billed' | 'unbilled';
  period: string;
  currency: string;
  invoiceId: string | null;
  result: ImportUsageResult;
}

const addMonths = (month: string, n: number) => {
  const d = new Date(`${month}-01T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + n);
  return d.toISOString().slice(0, 7);
};

function carriesUsage(invoice: Invoice): boolean {
  if (!invoice.invoiceDetails || invoice.invoiceDetails.length === 0) return true;
  return invoice.invoiceDetails.some((d) => String(d.invoiceLineItemType ?? '').startsWith('usage'));
}

export async function pullUsage(deps: Deps, options: PullOptions): Promise<PulledImport[]> {
  const db = deps.database.db;
  const client = await deps.partnerCenter.clientFor(options.providerId);
  const billedSource = options.billedSource ?? 'graph_export';
  const unbilledSource = options.unbilledSource ?? 'line_items';
  const current = options.today.slice(0, 7);
  const previous = addMonths(current, -1);
  const oldest = addMonths(current, -(options.billedMonths ?? 3));
  const poll = {
    pollIntervalMs: options.exportPollMs ?? 10_000,
    signal: options.signal,
    emptyWhenNoData: true,
  };

  const currencies = (
    await sql<{ currency: string }>`
      SELECT DISTINCT trim(o.currency) AS currency FROM organizations o
      JOIN organization_tree t ON t.descendant_id = o.id AND t.ancestor_id = ${options.providerId}
      ORDER BY 1`.execute(db)
  ).rows.map((r) => r.currency);

  const imported = new Set(
    (
      await db
        .selectFrom('usage_imports')
        .select(sql<string>`request->>'invoiceId'`.as('invoice'))
        .where('provider_id', '=', options.providerId)
        .where('status', '=', 'completed')
        .where(sql<boolean>`request->>'kind' = 'billed'`)
        .execute()
    ).map((r) => r.invoice),
  );

  const results: PulledImport[] = [];
  const run = async (
    label: string,
    kind: 'billed' | 'unbilled',
    period: string,
    currency: string,
    invoiceId: string | null,
    channel: UsageSource,
    rows: AsyncIterable<Record<string, unknown>>,
  ) => {
    const result = await importUsageCsv(deps.database, recordsToCsv(rows), {
      providerId: options.providerId,
      channel,
      fileName: null,
      request: { kind, period, currency, ...(invoiceId ? { invoiceId } : {}), source: channel },
      supersedeUnbilled: kind === 'billed' ? { period, currency } : null,
      actor: options.actor,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onProgress: (p: ImportProgress) => options.onProgress?.(label, p) } : {}),
    });
    results.push({ kind, period, currency, invoiceId, result });
  };

  // Billed periods first: they supersede unbilled data and decide whether "previous" is still open.
  const billedMonths = new Set<string>();
  for await (const invoice of client.billing.listInvoices({ signal: options.signal })) {
    const period = invoice.billingPeriodStartDate?.slice(0, 7);
    const currency = invoice.currencyCode?.toUpperCase();
    if (!period || !currency || period < oldest || period >= current) continue;
    if (invoice.documentType && invoice.documentType !== 'invoice') continue;
    if (invoice.invoiceType && invoice.invoiceType !== 'one_time') continue;
    if (!currencies.includes(currency)) continue;
    billedMonths.add(`${period}|${currency}`);
    if (imported.has(invoice.id) || !carriesUsage(invoice)) continue;
    const rows =
      billedSource === 'graph_export'
        ? client.billing.billedUsageRows({ invoiceId: invoice.id }, poll)
        : client.billing.dailyRatedUsageLineItems(
            invoice.id,
            { currencyCode: currency, period: 'previous' },
            { signal: options.signal },
          );
    await run(`billed ${invoice.id}`, 'billed', period, currency, invoice.id, billedSource, rows);
  }

  for (const currency of currencies) {
    for (const [period, which] of [
      [previous, 'previous'],
      [current, 'current'],
    ] as const) {
      if (billedMonths.has(`${period}|${currency}`)) continue;
      const rows =
        unbilledSource === 'graph_export'
          ? client.billing.unbilledUsageRows(
              { currencyCode: currency, billingPeriod: which === 'current' ? 'current' : 'last' },
              poll,
            )
          : client.billing.unbilledDailyRatedUsageLineItems(
              { currencyCode: currency, period: which },
              { signal: options.signal },
            );
      await run(`unbilled ${period} ${currency}`, 'unbilled', period, currency, null, unbilledSource, rows);
    }
  }
  return results;
}

/** Providers whose usage the daily job pulls: every provider (each has its own connection). */
export async function providerIds(deps: Deps): Promise<string[]> {
  const rows = await deps.database.db
    .selectFrom('organizations')
    .select('id')
    .where('kind', '=', 'provider')
    .execute();
  return rows.map((r) => r.id);
}
