import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { meQuery } from '../api/queries';

/** The white-label name: the seller's display name once signed in, the product's name before. */
export function useBrandName(): string {
  const { t } = useTranslation();
  const { data: me } = useQuery(meQuery);
  if (!me) return t('app.productName');
  return me.organization.branding.displayName?.trim() || me.organization.name;
}
