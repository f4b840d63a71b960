import { CurrencyMismatchError, type Money } from '../money/money.ts';
import { Temporal } from '../time/calendar.ts';
import { AlertError } from './errors.ts';

/**
 * One day of a subject's rated Azure usage. `amount: null` means no data for the day (the import has
 * not delivered it, or failed), which is not the same as a day of zero usage. `complete: false` marks
 * a day whose data is still arriving (typically today): its amount is a lower bound.
 */
export interface DailyUsage {
  date: Temporal.PlainDate;
  amount: Money | null;
  complete: boolean;
}

export interface DailySeries {
  /** Sorted by date. */
  days: DailyUsage[];
  byDate: ReadonlyMap<string, DailyUsage>;
  /** The currency of the amounts, or null when no day has an amount. */
  currency: string | null;
}

/** Indexes a series by date: one row per date, one currency; order of the input does not matter. */
export function dailySeries(days: readonly DailyUsage[]): DailySeries {
  const byDate = new Map<string, DailyUsage>();
  let currency: string | null = null;
  for (const day of days) {
    const key = day.date.toString();
    if (byDate.has(key)) {
      throw new AlertError('duplicate_day', `Two usage rows for ${key}; a series has one row per day`, {
        date: key,
      });
    }
    byDate.set(key, day);
    if (day.amount === null) continue;
    if (currency === null) currency = day.amount.currency;
    else if (day.amount.currency !== currency) throw new CurrencyMismatchError(currency, day.amount.currency);
  }
  const sorted = [...byDate.values()].sort((a, b) => Temporal.PlainDate.compare(a.date, b.date));
  return { days: sorted, byDate, currency };
}
