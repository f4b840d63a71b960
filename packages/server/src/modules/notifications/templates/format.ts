import type { Locale } from '../../../db/schema.ts';
import type { Amount } from '../event-types.ts';

/**
 * Locale-aware formatting for messages, the same conventions as the web console (web/src/format.ts).
 * Amounts are formatted from their decimal strings (Intl formats strings exactly), never via a float.
 */
export interface Formatters {
  readonly locale: Locale;
  money(amount: Amount | null | undefined): string;
  /** `YYYY-MM-DD` → a long date in the recipient's language. */
  date(value: string): string;
  /** `YYYY-MM` → month and year. */
  month(value: string): string;
  number(value: number): string;
  /** The day before a `YYYY-MM-DD` date: the last day of a term whose end is exclusive. */
  dayBefore(value: string): string;
}

const BCP47: Record<Locale, string> = { ja: 'ja-JP', en: 'en-US', de: 'de-DE' };
const DECIMAL = /^-?\d+(\.\d+)?$/;
const PLAIN_DATE = /^\d{4}-\d{2}-\d{2}$/;

const utc = (value: string) => new Date(`${value}T00:00:00Z`);

export function formatters(locale: Locale): Formatters {
  const tag = BCP47[locale];
  const dates = new Intl.DateTimeFormat(tag, { dateStyle: 'long', timeZone: 'UTC' });
  const months = new Intl.DateTimeFormat(tag, { year: 'numeric', month: 'long', timeZone: 'UTC' });
  const numbers = new Intl.NumberFormat(tag);
  return {
    locale,
    money(amount) {
      if (!amount) return '–';
      if (!DECIMAL.test(amount.amount)) return `${amount.amount} ${amount.currency}`;
      try {
        return new Intl.NumberFormat(tag, { style: 'currency', currency: amount.currency }).format(
          amount.amount as `${number}`,
        );
      } catch {
        // An unknown currency code: still show what we were given.
        return `${amount.amount} ${amount.currency}`;
      }
    },
    date: (value) => (PLAIN_DATE.test(value) ? dates.format(utc(value)) : value),
    month: (value) => (/^\d{4}-\d{2}$/.test(value) ? months.format(utc(`${value}-01`)) : value),
    number: (value) => numbers.format(value),
    dayBefore(value) {
      if (!PLAIN_DATE.test(value)) return value;
      return new Date(utc(value).getTime() - 86_400_000).toISOString().slice(0, 10);
    },
  };
}
