import { Badge } from '@mantine/core';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';

// Server enums → words. Values the panel does not know yet are shown as they come rather than as a
// raw translation key.

const known = (t: TFunction, group: string, value: string | null | undefined): string => {
  if (!value) return '–';
  const key = `panel.${group}.${value}`;
  const text = t(key as never, { defaultValue: '' }) as string;
  return text || value;
};

export const termLabel = (t: TFunction, term: string | null | undefined) => known(t, 'term', term);
export const cycleLabel = (t: TFunction, cycle: string | null | undefined) => known(t, 'cycle', cycle);
export const statusLabel = (t: TFunction, status: string | null | undefined) => known(t, 'status', status);
export const orderStateLabel = (t: TFunction, state: string | null | undefined) =>
  known(t, 'orderState', state);
export const eventLabel = (t: TFunction, kind: string | null | undefined) => known(t, 'event', kind);
export const lineKindLabel = (t: TFunction, kind: string | null | undefined) => known(t, 'lineKind', kind);
export const nceActionLabel = (t: TFunction, action: string | null | undefined) =>
  known(t, 'nceAction', action);

// Mantine truncates a badge's label in narrow table cells; statuses are short, show them whole.
const BADGE_STYLES = {
  root: { flexShrink: 0, overflow: 'visible' },
  label: { overflow: 'visible' },
} as const;

const STATUS_COLOR: Record<string, string> = {
  active: 'green',
  suspended: 'orange',
  cancelled: 'gray',
  expired: 'gray',
  pending: 'blue',
};

const ORDER_COLOR: Record<string, string> = {
  completed: 'green',
  failed: 'red',
  partially_failed: 'orange',
  cancelled: 'gray',
  scheduled: 'violet',
  awaiting_approval: 'yellow',
  awaiting_relationship: 'yellow',
};

export function StatusBadge({ status }: { status: string }) {
  const { t } = useTranslation();
  return (
    <Badge variant="light" color={STATUS_COLOR[status] ?? 'blue'} styles={BADGE_STYLES}>
      {statusLabel(t, status)}
    </Badge>
  );
}

export function OrderStateBadge({ state }: { state: string }) {
  const { t } = useTranslation();
  return (
    <Badge
      variant="light"
      color={ORDER_COLOR[state] ?? 'blue'}
      data-testid="order-state"
      data-state={state}
      styles={BADGE_STYLES}
    >
      {orderStateLabel(t, state)}
    </Badge>
  );
}
