import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { OrganizationKind } from '../api/types';

// Fixed colours per level, independent of the partner's branding, so the hierarchy reads the same
// in every white-labelled console.
const COLORS: Record<OrganizationKind, string> = { provider: 'indigo', reseller: 'teal', customer: 'gray' };

export function KindBadge({ kind }: { kind: OrganizationKind }) {
  const { t } = useTranslation();
  return (
    <Badge color={COLORS[kind]} variant="light" size="sm" radius="sm">
      {t(`orgKind.${kind}`)}
    </Badge>
  );
}
