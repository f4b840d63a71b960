import {
  Alert,
  Badge,
  Button,
  Group,
  Modal,
  Paper,
  Select,
  Stack,
  Table,
  Tabs,
  Text,
  TextInput,
} from '@mantine/core';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { Fragment, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { useSession } from '../../auth/session';
import { PageHeader } from '../../components/PageHeader';
import { Empty, ErrorState, InlineLoader, LoadMore } from '../../components/States';
import { useFormat } from '../../hooks/useFormat';
import {
  ALERT_TYPES,
  type AlertType,
  acknowledgeAlert,
  alertListQuery,
  type CreditLevels,
  type CreditLimit,
  creditLimitListQuery,
  saveCreditLimit,
} from '../api';
import { partnerErrorMessage } from '../errors';
import { CustomerPicker } from '../usage/UsagePage';

const isAlertType = (type: string): type is AlertType => (ALERT_TYPES as readonly string[]).includes(type);

export default function AlertsPage() {
  const { t } = useTranslation();
  const me = useSession();
  const [params, setParams] = useSearchParams();
  const canCredit = me.permissions.includes('credit:read');
  const tab = params.get('tab') === 'credit' && canCredit ? 'credit' : 'alerts';
  return (
    <>
      <PageHeader title={t('alerts.title')} description={t('alerts.description')} />
      <Tabs
        value={tab}
        onChange={(value) => setParams(value === 'credit' ? { tab: 'credit' } : {}, { replace: true })}
      >
        <Tabs.List mb="md">
          <Tabs.Tab value="alerts">{t('alerts.tabAlerts')}</Tabs.Tab>
          {canCredit && <Tabs.Tab value="credit">{t('alerts.tabCredit')}</Tabs.Tab>}
        </Tabs.List>
        <Tabs.Panel value="alerts">{tab === 'alerts' && <AlertList />}</Tabs.Panel>
        {canCredit && <Tabs.Panel value="credit">{tab === 'credit' && <CreditLimits />}</Tabs.Panel>}
      </Tabs>
    </>
  );
}

function AlertList() {
  const { t } = useTranslation();
  const f = useFormat();
  const me = useSession();
  const client = useQueryClient();
  const [type, setType] = useState<string | null>(null);
  const [state, setState] = useState<string | null>('false');
  const query = useInfiniteQuery(
    alertListQuery({ ...(type ? { type } : {}), ...(state ? { acknowledged: state } : {}) }),
  );
  const items = query.data?.pages.flatMap((page) => page.items) ?? [];
  const ack = useMutation({
    mutationFn: (id: string) => acknowledgeAlert(id),
    onSuccess: () => client.invalidateQueries({ queryKey: ['alerts'] }),
  });
  const canAck = me.permissions.includes('alerts:acknowledge');
  return (
    <Stack gap="md">
      <Group align="flex-end">
        <Select
          label={t('alerts.typeFilter')}
          placeholder={t('alerts.anyType')}
          data={ALERT_TYPES.map((value) => ({ value, label: t(`alerts.type.${value}`) }))}
          value={type}
          onChange={setType}
          clearable
          w={260}
        />
        <Select
          label={t('alerts.stateFilter')}
          placeholder={t('alerts.anyState')}
          data={[
            { value: 'false', label: t('alerts.open') },
            { value: 'true', label: t('alerts.acknowledged') },
          ]}
          value={state}
          onChange={setState}
          clearable
          w={200}
        />
      </Group>
      {ack.isError && <Alert color="red">{partnerErrorMessage(t, ack.error)}</Alert>}
      <Paper withBorder radius="md">
        {query.isPending ? (
          <InlineLoader />
        ) : query.isError ? (
          <Stack p="md">
            <ErrorState error={query.error} onRetry={() => void query.refetch()} />
          </Stack>
        ) : items.length === 0 ? (
          <Empty title={t('alerts.emptyTitle')} description={t('alerts.emptyDescription')} />
        ) : (
          <Table.ScrollContainer minWidth={820}>
            <Table data-testid="alert-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('alerts.raised')}</Table.Th>
                  <Table.Th>{t('alerts.typeLabel')}</Table.Th>
                  <Table.Th>{t('alerts.organization')}</Table.Th>
                  <Table.Th>{t('alerts.details')}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((alert) => (
                  <Table.Tr key={alert.id}>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{f.dateTime(alert.createdAt)}</Table.Td>
                    <Table.Td>
                      <Badge
                        color={
                          alert.type === 'credit_level' || alert.type === 'usage_spike' ? 'red' : 'orange'
                        }
                        variant="light"
                        maw="none"
                        style={{ flexShrink: 0, minWidth: 'max-content' }}
                      >
                        {isAlertType(alert.type) ? t(`alerts.type.${alert.type}`) : alert.type}
                      </Badge>
                    </Table.Td>
                    <Table.Td>{alert.organizationName}</Table.Td>
                    <Table.Td>
                      <Text size="sm">{alert.date ? f.date(alert.date) : (alert.period ?? '')}</Text>
                      {alert.explanation?.summary && (
                        <Text size="xs" c="dimmed">
                          {alert.explanation.summary}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      {alert.acknowledgedAt ? (
                        <Text size="xs" c="dimmed">
                          {t('alerts.acknowledgedAt', { date: f.dateTime(alert.acknowledgedAt) })}
                        </Text>
                      ) : (
                        canAck && (
                          <Button
                            size="compact-sm"
                            variant="light"
                            onClick={() => ack.mutate(alert.id)}
                            loading={ack.isPending && ack.variables === alert.id}
                          >
                            {t('alerts.acknowledge')}
                          </Button>
                        )
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
    </Stack>
  );
}

function CreditLimits() {
  const { t } = useTranslation();
  const f = useFormat();
  const me = useSession();
  const query = useInfiniteQuery(creditLimitListQuery());
  const items = query.data?.pages.flatMap((page) => page.items) ?? [];
  const [editing, setEditing] = useState<CreditLimit | 'new' | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const canManage = me.permissions.includes('credit:manage');
  const money = (value: string | null, currency: string) => (value === null ? '–' : f.money(value, currency));
  return (
    <Stack gap="md">
      {canManage && (
        <Group>
          <Button onClick={() => setEditing('new')}>{t('alerts.newLimit')}</Button>
        </Group>
      )}
      <Paper withBorder radius="md">
        {query.isPending ? (
          <InlineLoader />
        ) : query.isError ? (
          <Stack p="md">
            <ErrorState error={query.error} onRetry={() => void query.refetch()} />
          </Stack>
        ) : items.length === 0 ? (
          <Empty title={t('alerts.noLimits')} />
        ) : (
          <Table.ScrollContainer minWidth={900}>
            <Table data-testid="credit-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('alerts.organization')}</Table.Th>
                  <Table.Th ta="right">{t('alerts.warning')}</Table.Th>
                  <Table.Th ta="right">{t('alerts.approvalRequired')}</Table.Th>
                  <Table.Th ta="right">{t('alerts.purchaseBlocked')}</Table.Th>
                  <Table.Th ta="right">{t('alerts.monthToDate')}</Table.Th>
                  <Table.Th ta="right">{t('alerts.provisional')}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((limit) => (
                  <Fragment key={limit.id}>
                    <Table.Tr>
                      <Table.Td>{limit.organizationName}</Table.Td>
                      <Table.Td ta="right">{money(limit.warning, limit.currency)}</Table.Td>
                      <Table.Td ta="right">{money(limit.approvalRequired, limit.currency)}</Table.Td>
                      <Table.Td ta="right">{money(limit.purchaseBlocked, limit.currency)}</Table.Td>
                      <Table.Td ta="right">{money(limit.monthToDate, limit.currency)}</Table.Td>
                      <Table.Td ta="right">
                        {limit.provisionalCredit ? (
                          <Button
                            variant="subtle"
                            size="compact-sm"
                            onClick={() => setOpen(open === limit.id ? null : limit.id)}
                            aria-expanded={open === limit.id}
                          >
                            {money(limit.provisionalCredit.amount, limit.currency)}
                          </Button>
                        ) : (
                          '–'
                        )}
                      </Table.Td>
                      <Table.Td>
                        {canManage && (
                          <Button size="compact-sm" variant="light" onClick={() => setEditing(limit)}>
                            {t('alerts.edit')}
                          </Button>
                        )}
                      </Table.Td>
                    </Table.Tr>
                    {open === limit.id && limit.provisionalCredit && (
                      <Table.Tr>
                        <Table.Td colSpan={7}>
                          <Text size="sm" fw={600}>
                            {t('alerts.derivation')}
                          </Text>
                          {limit.provisionalCredit.explanation.steps.map((step) => (
                            <Text key={`${step.label}-${step.formula ?? ''}`} size="xs" ff="monospace">
                              {step.label}
                              {step.formula ? `: ${step.formula}` : ''}
                              {step.result ? ` = ${step.result}` : ''}
                            </Text>
                          ))}
                        </Table.Td>
                      </Table.Tr>
                    )}
                  </Fragment>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {query.hasNextPage && (
          <LoadMore onClick={() => void query.fetchNextPage()} loading={query.isFetchingNextPage} />
        )}
      </Paper>
      {editing !== null && (
        <LimitModal limit={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />
      )}
    </Stack>
  );
}

const DECIMAL = /^\d{1,15}(\.\d{1,4})?$/;

function LimitModal({ limit, onClose }: { limit: CreditLimit | null; onClose: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [organizationId, setOrganizationId] = useState(limit?.organizationId ?? '');
  const [levels, setLevels] = useState<Record<keyof CreditLevels, string>>({
    warning: limit?.warning ?? '',
    approvalRequired: limit?.approvalRequired ?? '',
    purchaseBlocked: limit?.purchaseBlocked ?? '',
  });
  const save = useMutation({
    mutationFn: () =>
      saveCreditLimit(limit?.id ?? null, organizationId, {
        warning: levels.warning.trim() || null,
        approvalRequired: levels.approvalRequired.trim() || null,
        purchaseBlocked: levels.purchaseBlocked.trim() || null,
      }),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ['credit-limits'] });
      onClose();
    },
  });
  const valid =
    organizationId !== '' &&
    Object.values(levels).every((value) => value.trim() === '' || DECIMAL.test(value.trim()));
  return (
    <Modal opened onClose={onClose} title={limit ? limit.organizationName : t('alerts.newLimit')}>
      <Stack gap="sm">
        {!limit && (
          <CustomerPicker value={organizationId} onChange={(value) => setOrganizationId(value ?? '')} />
        )}
        {(['warning', 'approvalRequired', 'purchaseBlocked'] as const).map((field) => (
          <TextInput
            key={field}
            label={t(`alerts.${field}`)}
            description={t('alerts.levelHint')}
            inputMode="decimal"
            value={levels[field]}
            onChange={(event) => setLevels({ ...levels, [field]: event.currentTarget.value })}
            error={
              levels[field].trim() && !DECIMAL.test(levels[field].trim())
                ? t('catalog.decimalHint')
                : undefined
            }
          />
        ))}
        {save.isError && <Alert color="red">{partnerErrorMessage(t, save.error)}</Alert>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('catalog.close')}
          </Button>
          <Button onClick={() => save.mutate()} disabled={!valid} loading={save.isPending}>
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
