import type { Amounts } from './api';

/**
 * Shaping of usage series for charts. The API sends exact decimal strings; a chart needs numbers to
 * draw bars, so the conversion happens here and only here (tables and totals keep the strings).
 */

export type Measure = 'sale' | 'cost' | 'margin';

/**
 * The currencies present in a series, most used first (the first one is the chart's default); the
 * caller's own currency leads when it is present.
 */
export function currenciesOf(rows: readonly { currency: string }[], preferred?: string): string[] {
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(row.currency, (counts.get(row.currency) ?? 0) + 1);
  return [...counts.entries()]
    .sort(
      (a, b) =>
        Number(b[0] === preferred) - Number(a[0] === preferred) || b[1] - a[1] || a[0].localeCompare(b[0]),
    )
    .map(([c]) => c);
}

const toNumber = (value: string | undefined): number => {
  if (value === undefined) return 0;
  const n = Number(value);
  return Number.isFinite(n) ? n : 0;
};

export interface ChartSeries {
  labels: string[];
  values: Record<Measure, number[]>;
}

/** One series per measure for the rows of one currency, in the order given. */
export function seriesOf<T extends Amounts>(
  rows: readonly T[],
  currency: string,
  labelOf: (row: T) => string,
): ChartSeries {
  const picked = rows.filter((row) => row.currency === currency);
  return {
    labels: picked.map(labelOf),
    values: {
      sale: picked.map((row) => toNumber(row.sale)),
      cost: picked.map((row) => toNumber(row.cost)),
      margin: picked.map((row) => toNumber(row.margin)),
    },
  };
}

/** Whether the caller sees its cost and margin (partners do; a customer view has only the sale). */
export const hasCost = (rows: readonly Amounts[]) => rows.some((row) => row.cost !== undefined);

/** The largest items, and everything else summed into one "other" bucket, so a bar chart stays readable. */
export function topWithOther(series: ChartSeries, limit: number, otherLabel: string): ChartSeries {
  if (series.labels.length <= limit) return series;
  const order = series.labels
    .map((_, i) => i)
    .sort((a, b) => (series.values.sale[b] ?? 0) - (series.values.sale[a] ?? 0));
  const keep = order.slice(0, limit);
  const rest = order.slice(limit);
  const sum = (measure: Measure) => rest.reduce((total, i) => total + (series.values[measure][i] ?? 0), 0);
  return {
    labels: [...keep.map((i) => series.labels[i]!), otherLabel],
    values: {
      sale: [...keep.map((i) => series.values.sale[i]!), sum('sale')],
      cost: [...keep.map((i) => series.values.cost[i]!), sum('cost')],
      margin: [...keep.map((i) => series.values.margin[i]!), sum('margin')],
    },
  };
}

/** The last `count` months as YYYY-MM, newest first, counted from `today` (UTC). */
export function recentPeriods(today: Date, count: number): string[] {
  const periods: string[] = [];
  let year = today.getUTCFullYear();
  let month = today.getUTCMonth() + 1;
  for (let i = 0; i < count; i += 1) {
    periods.push(`${year}-${String(month).padStart(2, '0')}`);
    month -= 1;
    if (month === 0) {
      month = 12;
      year -= 1;
    }
  }
  return periods;
}

/** Whole days and hours left until `until` (null when it has passed). */
export function countdown(until: string | null, now: Date): { days: number; hours: number } | null {
  if (!until) return null;
  const ms = new Date(until).getTime() - now.getTime();
  if (!Number.isFinite(ms) || ms <= 0) return null;
  const hours = Math.floor(ms / 3_600_000);
  return { days: Math.floor(hours / 24), hours: hours % 24 };
}

/** Whole days from `today` (YYYY-MM-DD) to `date` (YYYY-MM-DD); negative when it has passed. */
export function daysUntil(date: string, today: string): number {
  return Math.round((Date.parse(`${date}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000);
}
