import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { meQuery } from '../api/queries';
import {
  formatCountry,
  formatCurrencyName,
  formatDate,
  formatDateTime,
  formatLanguage,
  formatMoney,
  formatNumber,
  formatTimeZone,
  formattingLocale,
} from '../format';

/**
 * Formatters bound to the UI language and to the time zone of the caller's organisation, so that
 * everyone in a partner organisation reads the same times whatever their laptop says.
 */
export function useFormat() {
  const { i18n } = useTranslation();
  const { data: me } = useQuery(meQuery);
  const language = i18n.resolvedLanguage ?? 'en';
  const timeZone = me?.organization.timeZone;
  return useMemo(() => {
    const locale = formattingLocale(language, navigator.languages ?? []);
    return {
      locale,
      organizationTimeZone: timeZone,
      dateTime: (value: string | Date) => formatDateTime(value, locale, timeZone),
      date: (value: string | Date) => formatDate(value, locale, timeZone),
      number: (value: number | string) => formatNumber(value, locale),
      money: (amount: string, currency: string) => formatMoney(amount, currency, locale),
      country: (code: string) => formatCountry(code, language),
      currency: (code: string) => formatCurrencyName(code, language),
      language: (code: string) => formatLanguage(code, language),
      timeZone: (zone: string) => formatTimeZone(zone, locale),
    };
  }, [language, timeZone]);
}
