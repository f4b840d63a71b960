import { describe, expect, it } from 'vitest';
import {
  formatCountry,
  formatDateTime,
  formatMoney,
  formatNumber,
  formatTimeZone,
  formattingLocale,
  isDecimalString,
} from './format';

// ICU separates amount and symbol with (narrow) no-break spaces; compare on plain spaces.
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

describe('formatMoney', () => {
  it('shows JPY without decimals and EUR with two, per locale', () => {
    expect(formatMoney('1234567', 'JPY', 'ja-JP')).toBe('￥1,234,567');
    expect(formatMoney('1234.5', 'EUR', 'de-DE')).toBe('1.234,50 €'.replace(' ', '\u00a0'));
    expect(formatMoney('1234.5', 'USD', 'en-US')).toBe('$1,234.50');
  });

  it('formats the exact decimal string, beyond what a double can hold', () => {
    expect(plain(formatMoney('12345678901234567.89', 'EUR', 'de-DE'))).toBe('12.345.678.901.234.567,89 €');
    expect(formatMoney('0.30', 'USD', 'en-US')).toBe('$0.30');
  });

  it('handles negative amounts and leaves garbage untouched', () => {
    expect(formatMoney('-5', 'USD', 'en-US')).toBe('-$5.00');
    expect(formatMoney('12,5', 'EUR', 'de-DE')).toBe('12,5');
  });

  it('falls back to number and code for unknown currencies', () => {
    expect(formatMoney('10', 'NOT-A-CODE', 'en-US')).toBe('10 NOT-A-CODE');
  });
});

describe('formatNumber', () => {
  it('groups per locale', () => {
    expect(formatNumber(1234567, 'de-DE')).toBe('1.234.567');
    expect(formatNumber('1234567.25', 'en-US')).toBe('1,234,567.25');
  });

  it('only accepts plain decimal strings', () => {
    expect(isDecimalString('1.5')).toBe(true);
    expect(isDecimalString('1e5')).toBe(false);
    expect(isDecimalString('')).toBe(false);
  });
});

describe('formatDateTime', () => {
  const at = '2025-03-01T12:34:56Z';

  it('renders in the given time zone and locale', () => {
    expect(formatDateTime(at, 'ja-JP', 'Asia/Tokyo')).toBe('2025/03/01 21:34:56');
    expect(formatDateTime(at, 'de-DE', 'Europe/Berlin')).toBe('01.03.2025, 13:34:56');
  });

  it('survives an unknown time zone and an invalid date', () => {
    expect(formatDateTime(at, 'en-US', 'Mars/Olympus')).toMatch(/2025/);
    expect(formatDateTime('not a date', 'en-US')).toBe('not a date');
  });
});

describe('formattingLocale', () => {
  it('prefers the browser region for the same language', () => {
    expect(formattingLocale('en', ['en-GB', 'de-DE'])).toBe('en-GB');
    expect(formattingLocale('de', ['en-GB'])).toBe('de-DE');
    expect(formattingLocale('ja')).toBe('ja-JP');
  });
});

describe('formatCountry', () => {
  it('names the country in the UI language and keeps the code', () => {
    expect(formatCountry('DE', 'en')).toBe('Germany (DE)');
    expect(formatCountry('jp', 'de')).toBe('Japan (JP)');
  });
});

describe('formatTimeZone', () => {
  it('adds the offset at the given instant', () => {
    expect(formatTimeZone('Asia/Tokyo', 'en-US', new Date('2025-01-01T00:00:00Z'))).toBe(
      'Asia/Tokyo (GMT+9)',
    );
    expect(formatTimeZone('Europe/Berlin', 'de-DE', new Date('2025-07-01T00:00:00Z'))).toBe(
      'Europe/Berlin (GMT+2)',
    );
    expect(formatTimeZone('Nowhere/Special', 'en-US')).toBe('Nowhere/Special');
  });
});
