import { Alert, Badge, Button, Card, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, apiGet, withQuery } from '../api/client';
import type { Page } from '../api/types';
import { useSession } from '../auth/session';
import { ErrorState, InlineLoader } from '../components/States';
import { useFormat } from '../hooks/useFormat';
import { panelErrorMessage } from './errors';

/**
 * The customer's planned monthly Azure amount (a budget for its whole Azure usage) and the alerts
 * raised on it (#8: /api/v1/budgets, /api/v1/alerts). Budgets for single Azure subscriptions are
 * the partner's tool; the panel keeps the company-wide one.
 */

export interface Budget {
  id: string;
  customerId: string;
  entitlementId: string | null;
  currency: string;
  plannedAmount: string;
  thresholds: string[];
  effectiveFrom: string;
  version: number;
  status?: {
    period: string;
    monthToDate: string;
    forecast: string | null;
    thresholds: { threshold: string; amount: string; reached: boolean }[];
  };
}

export interface UsageAlert {
  id: string;
  type: string;
  period: string | null;
  date: string | null;
  explanation: { summary: string };
  acknowledgedAt: string | null;
  createdAt: string;
}

/** The company-wide budget with its status this month, or null when none is set. */
export const budgetQuery = (customerId: string) =>
  queryOptions({
    queryKey: ['budgets', 'panel', customerId],
    queryFn: async ({ signal }) => {
      const page = await apiGet<Page<Budget>>(
        withQuery('/api/v1/budgets', { customerId, limit: 50 }),
        signal,
      );
      const whole = page.items.find((b) => !b.entitlementId);
      return whole ? apiGet<Budget>(`/api/v1/budgets/${encodeURIComponent(whole.id)}`, signal) : null;
    },
  });

export const openAlertsQuery = queryOptions({
  queryKey: ['alerts', 'panel', 'open'],
  queryFn: ({ signal }) => apiGet<Page<UsageAlert>>('/api/v1/alerts?acknowledged=false&limit=20', signal),
});

export function useBudget() {
  const me = useSession();
  return useQuery({ ...budgetQuery(me.organization.id), enabled: me.permissions.includes('budgets:read') });
}

const alertText = (t: TFunction, alert: UsageAlert) =>
  (t(`panel.alerts.type.${alert.type}` as never, { defaultValue: '' }) as string) || alert.type;

/** Open alerts of the company, with "acknowledge" for those who may. */
export function AlertsCard({ compact = false }: { compact?: boolean }) {
  const { t } = useTranslation();
  const f = useFormat();
  const me = useSession();
  const queryClient = useQueryClient();
  const alerts = useQuery({ ...openAlertsQuery, enabled: me.permissions.includes('alerts:read') });
  const acknowledge = useMutation({
    mutationFn: (id: string) => api('POST', `/api/v1/alerts/${encodeURIComponent(id)}/acknowledge`),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['alerts'] }),
  });
  if (!me.permissions.includes('alerts:read')) return null;
  const items = alerts.data?.items ?? [];
  return (
    <Card withBorder radius="md" data-testid="alerts-card">
      <Title order={2} size="h5" mb="xs">
        {t('panel.alerts.title')}
      </Title>
      {alerts.error ? (
        <ErrorState error={alerts.error} />
      ) : alerts.isPending ? (
        <InlineLoader />
      ) : items.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('panel.alerts.none')}
        </Text>
      ) : (
        <Stack gap="xs">
          {items.slice(0, compact ? 3 : 20).map((a) => (
            <Alert key={a.id} color={a.type === 'usage_spike' ? 'orange' : 'yellow'} variant="light" p="xs">
              <Group justify="space-between" wrap="nowrap" align="flex-start">
                <Stack gap={2}>
                  <Text size="sm" fw={600}>
                    {alertText(t, a)}
                    {a.date ? ` · ${f.date(`${a.date}T12:00:00Z`)}` : a.period ? ` · ${a.period}` : ''}
                  </Text>
                  {!compact && (
                    <Text size="xs" c="dimmed">
                      {f.dateTime(a.createdAt)}
                    </Text>
                  )}
                </Stack>
                {me.permissions.includes('alerts:acknowledge') && (
                  <Button
                    size="compact-xs"
                    variant="subtle"
                    onClick={() => acknowledge.mutate(a.id)}
                    loading={acknowledge.isPending && acknowledge.variables === a.id}
                  >
                    {t('panel.alerts.acknowledge')}
                  </Button>
                )}
              </Group>
            </Alert>
          ))}
        </Stack>
      )}
    </Card>
  );
}

const PERCENT = /^\d+(\.\d+)?$/;
const AMOUNT = /^\d+(\.\d+)?$/;

/** The planned monthly amount and its alert thresholds; customer admins can set them. */
export function BudgetCard() {
  const { t } = useTranslation();
  const f = useFormat();
  const me = useSession();
  const queryClient = useQueryClient();
  const budget = useBudget();
  const canWrite = me.permissions.includes('budgets:write');
  const [planned, setPlanned] = useState<string | null>(null);
  const [thresholds, setThresholds] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const current = budget.data ?? null;
  const plannedValue = planned ?? current?.plannedAmount ?? '';
  const thresholdsValue = thresholds ?? (current?.thresholds ?? ['50', '80', '100']).join(', ');

  const save = useMutation({
    mutationFn: () => {
      const list = thresholdsValue
        .split(/[,\s、]+/)
        .map((s) => s.replace(/%$/, '').trim())
        .filter(Boolean);
      const body = { plannedAmount: plannedValue.replace(/[,\s]/g, ''), thresholds: list };
      return current
        ? api<Budget>('PUT', `/api/v1/budgets/${encodeURIComponent(current.id)}`, body)
        : api<Budget>('POST', '/api/v1/budgets', { customerId: me.organization.id, ...body });
    },
    onSuccess: () => {
      setSaved(true);
      setPlanned(null);
      setThresholds(null);
      void queryClient.invalidateQueries({ queryKey: ['budgets'] });
      void queryClient.invalidateQueries({ queryKey: ['alerts'] });
    },
  });

  if (!me.permissions.includes('budgets:read')) return null;
  const amountOk = AMOUNT.test(plannedValue.replace(/[,\s]/g, ''));
  const thresholdsOk = thresholdsValue
    .split(/[,\s、]+/)
    .filter(Boolean)
    .every((s) => PERCENT.test(s.replace(/%$/, '')));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    if (amountOk && thresholdsOk) save.mutate();
  };

  return (
    <Card withBorder radius="md" data-testid="budget-card" component="form" onSubmit={submit}>
      <Title order={2} size="h5" mb="xs">
        {t('panel.budget.title')}
      </Title>
      {budget.isPending ? (
        <InlineLoader />
      ) : (
        <Stack gap="sm">
          {current?.status && (
            <Table>
              <Table.Tbody>
                {current.status.thresholds.map((th) => (
                  <Table.Tr key={th.threshold}>
                    <Table.Td>{th.threshold}%</Table.Td>
                    <Table.Td ta="right">{f.money(th.amount, current.currency)}</Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={th.reached ? 'orange' : 'gray'}>
                        {th.reached ? t('panel.budget.reached') : t('panel.budget.notReached')}
                      </Badge>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
          {!current && (
            <Text size="sm" c="dimmed">
              {t('panel.budget.none')}
            </Text>
          )}
          {canWrite ? (
            <>
              <Group grow align="flex-start">
                <TextInput
                  label={t('panel.budget.planned', { currency: me.organization.currency })}
                  value={plannedValue}
                  inputMode="decimal"
                  onChange={(event) => setPlanned(event.currentTarget.value)}
                  error={plannedValue && !amountOk ? t('panel.budget.invalidAmount') : undefined}
                />
                <TextInput
                  label={t('panel.budget.thresholds')}
                  description={t('panel.budget.thresholdsHint')}
                  value={thresholdsValue}
                  onChange={(event) => setThresholds(event.currentTarget.value)}
                  error={!thresholdsOk ? t('panel.budget.invalidThresholds') : undefined}
                />
              </Group>
              {save.error && (
                <Alert color="red" variant="light">
                  {panelErrorMessage(t, save.error)}
                </Alert>
              )}
              {saved && (
                <Text size="sm" c="green" data-testid="budget-saved">
                  {t('panel.budget.saved')}
                </Text>
              )}
              <Group justify="flex-end">
                <Button
                  type="submit"
                  loading={save.isPending}
                  disabled={!plannedValue || !amountOk || !thresholdsOk}
                >
                  {t('panel.budget.save')}
                </Button>
              </Group>
            </>
          ) : (
            current && (
              <Text size="sm">
                {t('panel.budget.planned', { currency: current.currency })}:{' '}
                {f.money(current.plannedAmount, current.currency)}
              </Text>
            )
          )}
        </Stack>
      )}
    </Card>
  );
}
