import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Modal,
  Paper,
  SegmentedControl,
  Stack,
  Table,
  Text,
} from '@mantine/core';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { isApiError } from '../../api/client';
import { useSession } from '../../auth/session';
import { Empty, ErrorState, InlineLoader, LoadMore } from '../../components/States';
import { useFormat } from '../../hooks/useFormat';
import { partnerErrorMessage } from '../errors';
import { CustomerPicker } from '../usage/UsagePage';
import {
  DRIFT_KINDS,
  DRIFT_STATUSES,
  type Drift,
  type DriftKind,
  type DriftStatus,
  driftListQuery,
  type ReconcileReport,
  reconcileNow,
  resolveDrift,
} from './api';

const isDriftKind = (kind: string): kind is DriftKind => (DRIFT_KINDS as readonly string[]).includes(kind);
const RESOLUTIONS = ['adopted', 'fixed', 'cleared'] as const;
const isResolution = (value: string): value is (typeof RESOLUTIONS)[number] =>
  (RESOLUTIONS as readonly string[]).includes(value);
// Codes of the drift actions with their own words; the rest are the partner console's.
const DRIFT_CODES = ['drift_resolved', 'not_fixable', 'subscription_locked'] as const;

export function driftErrorMessage(t: TFunction, error: unknown): string {
  if (isApiError(error) && (DRIFT_CODES as readonly string[]).includes(error.code)) {
    return t(`subscriptions.driftError.${error.code as (typeof DRIFT_CODES)[number]}`);
  }
  return partnerErrorMessage(t, error);
}

/** A drift value as people read it: a status or on/off in their language, a number as a number. */
function DriftValue({ kind, value }: { kind: string; value: string | null }) {
  const { t } = useTranslation();
  const f = useFormat();
  if (value === null || value === '') return <Text c="dimmed">–</Text>;
  if (kind === 'auto_renew' && (value === 'true' || value === 'false'))
    return <>{value === 'true' ? t('subscriptions.yes') : t('subscriptions.no')}</>;
  if (kind === 'quantity' && /^\d+$/.test(value)) return <>{f.number(Number(value))}</>;
  if (['status', 'unknown_subscription', 'missing_at_microsoft'].includes(kind)) {
    const known = ['pending', 'active', 'suspended', 'cancelled', 'expired'].includes(value);
    return <>{known ? t(`subscriptions.status.${value as 'active'}`) : value}</>;
  }
  return <>{value}</>;
}

export function DriftTab() {
  const { t } = useTranslation();
  const f = useFormat();
  const me = useSession();
  const client = useQueryClient();
  const [status, setStatus] = useState<DriftStatus>('open');
  const [customerId, setCustomerId] = useState('');
  const [confirm, setConfirm] = useState<{ drift: Drift; how: 'adopt' | 'fix' } | null>(null);
  const [report, setReport] = useState<ReconcileReport | null>(null);
  const [resolved, setResolved] = useState<Drift | null>(null);
  const query = useInfiniteQuery(driftListQuery({ status, ...(customerId ? { customerId } : {}) }));
  const items = query.data?.pages.flatMap((page) => page.items) ?? [];
  const canResolve = me.permissions.includes('subscriptions:reconcile');
  const canReconcile = canResolve && me.organization.kind === 'provider';

  const resolve = useMutation({
    mutationFn: (input: { drift: Drift; how: 'adopt' | 'fix' }) => resolveDrift(input.drift.id, input.how),
    onSuccess: async (drift) => {
      setConfirm(null);
      setResolved(drift);
      await client.invalidateQueries({ queryKey: ['subscriptions'] });
    },
  });
  const reconcile = useMutation({
    mutationFn: reconcileNow,
    onSuccess: async (result) => {
      setReport(result);
      await client.invalidateQueries({ queryKey: ['subscriptions'] });
    },
  });

  return (
    <Stack gap="md">
      <Text size="sm" c="dimmed">
        {t('subscriptions.driftDescription')}
      </Text>
      <Group align="flex-end" wrap="wrap" justify="space-between">
        <Group align="flex-end" wrap="wrap">
          <Stack gap={4}>
            <Text size="sm" fw={500} id="drift-status-label">
              {t('subscriptions.driftStatusLabel')}
            </Text>
            <SegmentedControl
              aria-labelledby="drift-status-label"
              value={status}
              onChange={(value) => setStatus(value as DriftStatus)}
              data={DRIFT_STATUSES.map((value) => ({
                value,
                label: t(`subscriptions.driftStatus.${value}`),
              }))}
            />
          </Stack>
          <CustomerPicker value={customerId} onChange={(value) => setCustomerId(value ?? '')} />
        </Group>
        {canReconcile && (
          <Button
            variant="default"
            onClick={() => reconcile.mutate()}
            loading={reconcile.isPending}
            data-testid="reconcile-now"
          >
            {t('subscriptions.reconcileNow')}
          </Button>
        )}
      </Group>
      {report && (
        <Alert
          color="blue"
          withCloseButton
          onClose={() => setReport(null)}
          role="status"
          data-testid="reconcile-report"
        >
          {t('subscriptions.reconcileReport', {
            detected: report.driftDetected ?? 0,
            cleared: report.driftCleared ?? 0,
            open: report.driftOpen ?? 0,
          })}
        </Alert>
      )}
      {reconcile.isError && (
        <Alert color="red" role="alert">
          {driftErrorMessage(t, reconcile.error)}
        </Alert>
      )}
      {resolved && (
        <Alert
          color="green"
          withCloseButton
          onClose={() => setResolved(null)}
          role="status"
          data-testid="drift-resolved"
        >
          {t(resolved.resolution === 'fixed' ? 'subscriptions.driftFixed' : 'subscriptions.driftAdopted', {
            customer: resolved.customerName,
          })}
        </Alert>
      )}
      <Paper withBorder radius="md">
        {query.isPending ? (
          <InlineLoader />
        ) : query.isError ? (
          <Stack p="md">
            <ErrorState error={query.error} onRetry={() => void query.refetch()} />
          </Stack>
        ) : items.length === 0 ? (
          <Empty
            title={status === 'open' ? t('subscriptions.driftEmptyTitle') : t('subscriptions.driftNoneTitle')}
            description={status === 'open' ? t('subscriptions.driftEmptyDescription') : undefined}
          />
        ) : (
          <Table.ScrollContainer minWidth={980}>
            <Table highlightOnHover data-testid="drift-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('subscriptions.customer')}</Table.Th>
                  <Table.Th>{t('subscriptions.driftSubscription')}</Table.Th>
                  <Table.Th>{t('subscriptions.driftKindLabel')}</Table.Th>
                  <Table.Th>{t('subscriptions.driftOurs')}</Table.Th>
                  <Table.Th>{t('subscriptions.driftMicrosoft')}</Table.Th>
                  <Table.Th>{t('subscriptions.driftDetected')}</Table.Th>
                  <Table.Th>{t('subscriptions.driftState')}</Table.Th>
                  <Table.Th>
                    <span className="visually-hidden">{t('subscriptions.actions')}</span>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((drift) => (
                  <Table.Tr key={drift.id} data-testid="drift-row">
                    <Table.Td>{drift.customerName}</Table.Td>
                    <Table.Td>
                      {drift.subscriptionId ? (
                        <Anchor
                          component={Link}
                          to={`/subscriptions/${encodeURIComponent(drift.subscriptionId)}`}
                        >
                          {t('subscriptions.openSubscription')}
                        </Anchor>
                      ) : (
                        <Text size="xs" c="dimmed" title={drift.partnerCenter.subscriptionId}>
                          {t('subscriptions.driftOnlyAtMicrosoft')}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Badge variant="light" color="orange" maw="none" style={{ minWidth: 'max-content' }}>
                        {isDriftKind(drift.kind) ? t(`subscriptions.driftKind.${drift.kind}`) : drift.kind}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <DriftValue kind={drift.kind} value={drift.localValue} />
                    </Table.Td>
                    <Table.Td>
                      <DriftValue kind={drift.kind} value={drift.microsoftValue} />
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{f.dateTime(drift.detectedAt)}</Text>
                      {drift.lastSeenAt !== drift.detectedAt && (
                        <Text size="xs" c="dimmed">
                          {t('subscriptions.driftLastSeen', { at: f.dateTime(drift.lastSeenAt) })}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      {drift.resolution ? (
                        <Stack gap={0}>
                          <Text size="sm">
                            {isResolution(drift.resolution)
                              ? t(`subscriptions.driftResolution.${drift.resolution}`)
                              : drift.resolution}
                          </Text>
                          {drift.resolvedAt && (
                            <Text size="xs" c="dimmed">
                              {f.dateTime(drift.resolvedAt)}
                              {drift.resolvedBy ? ` · ${drift.resolvedBy}` : ''}
                            </Text>
                          )}
                        </Stack>
                      ) : (
                        t('subscriptions.driftStatus.open')
                      )}
                    </Table.Td>
                    <Table.Td>
                      {canResolve && drift.actions.length > 0 && (
                        <Group gap="xs" wrap="nowrap">
                          {drift.actions.includes('adopt') && (
                            <Button
                              size="xs"
                              variant="light"
                              onClick={() => setConfirm({ drift, how: 'adopt' })}
                            >
                              {t('subscriptions.driftAdopt')}
                            </Button>
                          )}
                          {drift.actions.includes('fix') && (
                            <Button
                              size="xs"
                              variant="default"
                              onClick={() => setConfirm({ drift, how: 'fix' })}
                            >
                              {t('subscriptions.driftFix')}
                            </Button>
                          )}
                        </Group>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {query.hasNextPage && (
          <LoadMore onClick={() => void query.fetchNextPage()} loading={query.isFetchingNextPage} />
        )}
      </Paper>
      <Modal
        opened={confirm !== null}
        onClose={() => {
          setConfirm(null);
          resolve.reset();
        }}
        title={confirm?.how === 'fix' ? t('subscriptions.driftFixTitle') : t('subscriptions.driftAdoptTitle')}
      >
        {confirm && (
          <Stack>
            <Text size="sm">
              {confirm.how === 'fix'
                ? t('subscriptions.driftFixConfirm', { customer: confirm.drift.customerName })
                : confirm.drift.kind === 'unknown_subscription'
                  ? t('subscriptions.driftAdoptUnknownConfirm', { customer: confirm.drift.customerName })
                  : t('subscriptions.driftAdoptConfirm', { customer: confirm.drift.customerName })}
            </Text>
            <Group gap="xl">
              <Stack gap={0}>
                <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
                  {t('subscriptions.driftOurs')}
                </Text>
                <Text size="sm">
                  <DriftValue kind={confirm.drift.kind} value={confirm.drift.localValue} />
                </Text>
              </Stack>
              <Stack gap={0}>
                <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
                  {t('subscriptions.driftMicrosoft')}
                </Text>
                <Text size="sm">
                  <DriftValue kind={confirm.drift.kind} value={confirm.drift.microsoftValue} />
                </Text>
              </Stack>
            </Group>
            {resolve.isError && (
              <Alert color="red" role="alert" data-testid="drift-error">
                {driftErrorMessage(t, resolve.error)}
              </Alert>
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setConfirm(null)}>
                {t('subscriptions.dismiss')}
              </Button>
              <Button onClick={() => resolve.mutate(confirm)} loading={resolve.isPending}>
                {confirm.how === 'fix' ? t('subscriptions.driftFix') : t('subscriptions.driftAdopt')}
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </Stack>
  );
}
