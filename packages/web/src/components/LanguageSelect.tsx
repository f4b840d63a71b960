import { NativeSelect } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { LOCALES, type Locale } from '../api/types';
import { currentLocale, isLocale } from '../i18n';
import { IconLanguage } from './icons';

export function LanguageSelect({
  onChange,
  size = 'sm',
  withLabel = false,
}: {
  onChange: (locale: Locale) => void;
  size?: 'xs' | 'sm';
  withLabel?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <NativeSelect
      size={size}
      label={withLabel ? t('common.language') : undefined}
      aria-label={withLabel ? undefined : t('common.language')}
      leftSection={<IconLanguage size={16} />}
      value={currentLocale()}
      onChange={(event) => {
        const value = event.currentTarget.value;
        if (isLocale(value)) onChange(value);
      }}
      data={LOCALES.map((locale) => ({ value: locale, label: t(`language.${locale}`) }))}
      w={withLabel ? undefined : 130}
    />
  );
}
