import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { LOCALES, type Locale } from '../api/types';
import de from './de.json';
import en from './en.json';
import ja from './ja.json';

export const resources = {
  ja: { translation: ja },
  en: { translation: en },
  de: { translation: de },
} as const;

const STORAGE_KEY = 'cspc.locale';

export const isLocale = (value: unknown): value is Locale =>
  typeof value === 'string' && (LOCALES as readonly string[]).includes(value);

function readStoredLocale(): Locale | null {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    return isLocale(stored) ? stored : null;
  } catch {
    // Storage can be disabled (privacy settings); the app still works without persistence.
    return null;
  }
}

/** A choice saved earlier wins; otherwise the first browser language we support; otherwise English. */
export function detectLocale(
  languages: readonly string[] = navigator.languages ?? [navigator.language],
): Locale {
  const stored = readStoredLocale();
  if (stored) return stored;
  for (const tag of languages) {
    const primary = tag.toLowerCase().split('-')[0];
    if (isLocale(primary)) return primary;
  }
  return 'en';
}

export function currentLocale(): Locale {
  return isLocale(i18n.resolvedLanguage) ? i18n.resolvedLanguage : 'en';
}

export async function setLocale(locale: Locale): Promise<void> {
  try {
    localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    // See readStoredLocale.
  }
  if (i18n.language !== locale) await i18n.changeLanguage(locale);
}

i18n.on('languageChanged', (lng) => {
  document.documentElement.lang = lng;
});

void i18n.use(initReactI18next).init({
  resources,
  lng: detectLocale(),
  fallbackLng: 'en',
  supportedLngs: LOCALES,
  // All locales are bundled, so there is nothing to wait for.
  initAsync: false,
  interpolation: { escapeValue: false },
  returnNull: false,
});

export default i18n;
