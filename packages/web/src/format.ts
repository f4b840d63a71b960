/**
 * Locale-aware formatting through Intl. Everything takes the locale explicitly so it can be unit
 * tested; components use `useFormat()` (hooks/useFormat.ts), which binds the UI language and the
 * organisation's time zone.
 */

const BCP47: Record<string, string> = { ja: 'ja-JP', en: 'en-US', de: 'de-DE' };

/**
 * The UI language decides the language of dates and numbers, but a browser that asks for the same
 * language in a specific region (en-GB, de-CH) gets that region's conventions.
 */
export function formattingLocale(language: string, browserLanguages: readonly string[] = []): string {
  const regional = browserLanguages.find((tag) => tag.toLowerCase().split('-')[0] === language);
  if (regional && Intl.NumberFormat.supportedLocalesOf(regional).length > 0) return regional;
  return BCP47[language] ?? language;
}

function toDate(value: string | Date): Date | null {
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

// An organisation may carry a time zone this browser's ICU does not know; showing the time in the
// browser's zone beats showing nothing.
function withTimeZone(options: Intl.DateTimeFormatOptions, timeZone: string | undefined) {
  if (!timeZone) return options;
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return { ...options, timeZone };
  } catch {
    return options;
  }
}

export function formatDateTime(value: string | Date, locale: string, timeZone?: string): string {
  const date = toDate(value);
  if (!date) return String(value);
  return new Intl.DateTimeFormat(
    locale,
    withTimeZone({ dateStyle: 'medium', timeStyle: 'medium' }, timeZone),
  ).format(date);
}

export function formatDate(value: string | Date, locale: string, timeZone?: string): string {
  const date = toDate(value);
  if (!date) return String(value);
  return new Intl.DateTimeFormat(locale, withTimeZone({ dateStyle: 'medium' }, timeZone)).format(date);
}

type DecimalString = `${number}`;

const DECIMAL = /^[+-]?\d+(\.\d+)?$/;

export const isDecimalString = (value: string): value is DecimalString => DECIMAL.test(value);

export function formatNumber(value: number | bigint | string, locale: string): string {
  if (typeof value === 'string') {
    return isDecimalString(value) ? new Intl.NumberFormat(locale).format(value) : value;
  }
  return new Intl.NumberFormat(locale).format(value);
}

/**
 * Money arrives as a decimal string and goes to Intl as that string: Intl formats the exact decimal,
 * whereas parseFloat would round amounts beyond 2^53 and turn 0.1 + 0.2 style errors into cents.
 * The currency decides the fraction digits (JPY none, EUR two, BHD three), as ISO 4217 says.
 */
export function formatMoney(amount: string, currency: string, locale: string): string {
  if (!isDecimalString(amount)) return amount;
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(amount);
  } catch {
    // Not an ISO currency code: show the number and the code rather than failing the whole page.
    return `${formatNumber(amount, locale)} ${currency}`;
  }
}

function displayName(locale: string, type: Intl.DisplayNamesOptions['type'], code: string): string {
  if (!code) return code;
  try {
    return new Intl.DisplayNames(locale, { type, fallback: 'code' }).of(code) ?? code;
  } catch {
    return code;
  }
}

/** "Germany (DE)": the name in the UI language, and the code because that is what partners type. */
export const formatCountry = (code: string, locale: string) => {
  const name = displayName(locale, 'region', code.toUpperCase());
  return name === code.toUpperCase() ? name : `${name} (${code.toUpperCase()})`;
};

export const formatCurrencyName = (code: string, locale: string) => {
  const name = displayName(locale, 'currency', code.toUpperCase());
  return name === code.toUpperCase() ? name : `${code.toUpperCase()} – ${name}`;
};

export const formatLanguage = (code: string, locale: string) => {
  const name = displayName(locale, 'language', code);
  return name === code ? name : `${name} (${code})`;
};

/** "Asia/Tokyo (GMT+9)": the IANA name partners configure, with the offset people think in. */
export function formatTimeZone(timeZone: string, locale: string, at: Date = new Date()): string {
  try {
    const offset = new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: 'shortOffset' })
      .formatToParts(at)
      .find((part) => part.type === 'timeZoneName')?.value;
    return offset ? `${timeZone} (${offset})` : timeZone;
  } catch {
    return timeZone;
  }
}
