import 'i18next';
import type en from './en.json';

// English is the reference locale: `t('some.key')` does not compile unless the key exists there, and
// i18n.test.ts makes sure ja and de carry exactly the same keys.
declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof en };
  }
}
