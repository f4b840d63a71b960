import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import { api, apiGet, isApiError, withQuery } from '../../api/client';

// Cost reconciliation with Microsoft (provider only; docs/billing.md "Cost reconciliation"): the
// report from Partner Center (GET) or from Microsoft's reconciliation CSV (POST …/import). Nothing is
// stored on the server; the screen keeps an imported report until another month is chosen.

export const RECONCILIATION_REASONS = [
  'missing_here',
  'missing_at_microsoft',
  'price_differs',
  'quantity_differs',
  'amount_differs',
  // Our usage cites a Microsoft invoice that the source does not list (imported billed usage).
  'invoice_unknown_at_microsoft',
] as const;
export type ReconciliationReason = (typeof RECONCILIATION_REASONS)[number];

/** The table's filter: everything, the differences only, the matched items, or one reason. */
export const RECONCILIATION_FILTERS = ['different', 'all', 'matched', ...RECONCILIATION_REASONS] as const;
export type ReconciliationFilter = (typeof RECONCILIATION_FILTERS)[number];

export interface CostSide {
  amount: string;
  quantity: string | null;
  unitPrice: string | null;
}

export interface ReconciliationItem {
  kind: 'license' | 'usage';
  key: string;
  description: string;
  currency: string;
  status: 'matched' | 'different';
  /** A code of RECONCILIATION_REASONS; a newer server may send others. */
  reason: string | null;
  ours: CostSide | null;
  microsoft: CostSide | null;
  difference: string;
  /** The server's words when the reason needs more than its code (English). */
  note?: string | null;
}

export interface ReconciliationSummary {
  currency: string;
  matched: number;
  differences: number;
  ours: string;
  microsoft: string;
  difference: string;
}

export interface ReconciliationReport {
  providerId: string;
  period: string;
  source: 'partner_center' | 'csv';
  invoices: { id: string; currency: string | null; totalCharges: string | null }[];
  items: ReconciliationItem[];
  /** What keeps the report from being conclusive (the server's English words). */
  warnings?: string[];
  summary: ReconciliationSummary[];
}

export const reconciliationQuery = (period: string) =>
  queryOptions({
    queryKey: ['reconciliation', period],
    queryFn: ({ signal }) =>
      apiGet<ReconciliationReport>(withQuery('/api/v1/reconciliation', { period }), signal),
    placeholderData: keepPreviousData,
    retry: false,
  });

export const importReconciliation = (period: string, csv: string) =>
  api<ReconciliationReport>('POST', '/api/v1/reconciliation/import', { period, csv });

export const isReconciliationReason = (value: string | null): value is ReconciliationReason =>
  (RECONCILIATION_REASONS as readonly (string | null)[]).includes(value);

export const isReconciliationFilter = (value: string | null): value is ReconciliationFilter =>
  (RECONCILIATION_FILTERS as readonly (string | null)[]).includes(value);

export function filterItems(
  items: readonly ReconciliationItem[],
  filter: ReconciliationFilter,
): ReconciliationItem[] {
  if (filter === 'all') return [...items];
  if (filter === 'matched') return items.filter((item) => item.status === 'matched');
  if (filter === 'different') return items.filter((item) => item.status === 'different');
  return items.filter((item) => item.reason === filter);
}

/** How many items have each outcome: matched, and each reason of a difference. */
export function countByOutcome(
  items: readonly ReconciliationItem[],
): Record<'matched' | ReconciliationReason, number> {
  const counts = {
    matched: 0,
    missing_here: 0,
    missing_at_microsoft: 0,
    price_differs: 0,
    quantity_differs: 0,
    amount_differs: 0,
    invoice_unknown_at_microsoft: 0,
  };
  for (const item of items) {
    if (item.status === 'matched') counts.matched += 1;
    else if (isReconciliationReason(item.reason)) counts[item.reason] += 1;
  }
  return counts;
}

/** Microsoft's lines (after merging per subscription) that an import read, and how many matched ours. */
export function importCounts(report: ReconciliationReport): {
  microsoftLines: number;
  invoices: number;
  matched: number;
  differences: number;
} {
  let microsoftLines = 0;
  let matched = 0;
  for (const item of report.items) {
    if (item.microsoft) microsoftLines += 1;
    if (item.status === 'matched') matched += 1;
  }
  return {
    microsoftLines,
    invoices: report.invoices.length,
    matched,
    differences: report.items.length - matched,
  };
}

/** The server's body limit is about 1 MB; a file over this is refused before it is sent. */
export const MAX_CSV_CHARS = 1_000_000;

export type CsvProblem = 'empty' | 'tooLarge' | 'noColumns';

/**
 * What is wrong with a file before it is uploaded: empty, too large, or a header without the columns
 * that identify a licence line (`SubscriptionId` + `Subtotal`) or a usage line (`EntitlementId` +
 * `BillingPreTaxTotal`). Column names are compared without case, as the server does.
 */
export function csvProblem(text: string): CsvProblem | null {
  const body = text.replace(/^\uFEFF/, '');
  if (body.trim() === '') return 'empty';
  if (body.length > MAX_CSV_CHARS) return 'tooLarge';
  const firstLine = body.split(/\r?\n/, 1)[0] ?? '';
  const columns = new Set(
    firstLine.split(',').map((name) =>
      name
        .trim()
        .replace(/^"(.*)"$/, '$1')
        .toLowerCase(),
    ),
  );
  const licence = columns.has('subscriptionid') && columns.has('subtotal');
  const usage = columns.has('entitlementid') && columns.has('billingpretaxtotal');
  return licence || usage ? null : 'noColumns';
}

/** The line number the server names in `invalid_reconciliation_csv` ("Line 3: …"), if any. */
export function csvErrorLine(error: unknown): number | null {
  if (!isApiError(error) || error.code !== 'invalid_reconciliation_csv') return null;
  const match = /^Line (\d+):/.exec(error.message);
  return match ? Number(match[1]) : null;
}

/** A decimal's sign without turning it into a number: -1, 0 or 1. */
export function signOf(value: string): -1 | 0 | 1 {
  const v = value.trim();
  if (!/^[-+]?\d*\.?\d*$/.test(v) || !/\d/.test(v)) return 0;
  if (/^[-+]?0*\.?0*$/.test(v)) return 0;
  return v.startsWith('-') ? -1 : 1;
}
