import { Anchor, Card, Group, Stack, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { PageHeader } from '../components/PageHeader';
import { Empty, ErrorState, InlineLoader } from '../components/States';
import { useFormat } from '../hooks/useFormat';
import { subscriptionsQuery } from './api';
import { ContractDetail } from './ContractDetail';
import { cycleLabel, StatusBadge, termLabel } from './labels';

/** Every subscription of the company with its price; `/contracts/:id` opens one with its history. */
export default function ContractsPage() {
  const { subscriptionId } = useParams();
  if (subscriptionId) return <ContractDetail id={subscriptionId} />;
  return <ContractList />;
}

function ContractList() {
  const { t } = useTranslation();
  const f = useFormat();
  const query = useQuery(subscriptionsQuery);
  const items = query.data?.items ?? [];
  const day = (date: string | null) => (date ? f.date(`${date}T12:00:00Z`) : '–');

  return (
    <>
      <PageHeader title={t('panel.contracts.title')} description={t('panel.contracts.description')} />
      <Card withBorder radius="md" p={0}>
        {query.error ? (
          <ErrorState error={query.error} onRetry={() => void query.refetch()} />
        ) : query.isPending ? (
          <InlineLoader />
        ) : items.length === 0 ? (
          <Empty title={t('panel.contracts.empty')} />
        ) : (
          <Table.ScrollContainer minWidth={900}>
            <Table striped highlightOnHover data-testid="contracts-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('panel.contracts.product')}</Table.Th>
                  <Table.Th ta="right">{t('panel.contracts.quantity')}</Table.Th>
                  <Table.Th>{t('panel.contracts.term')}</Table.Th>
                  <Table.Th>{t('panel.contracts.billingCycle')}</Table.Th>
                  <Table.Th>{t('panel.contracts.start')}</Table.Th>
                  <Table.Th>{t('panel.contracts.end')}</Table.Th>
                  <Table.Th>{t('panel.contracts.autoRenew')}</Table.Th>
                  <Table.Th>{t('panel.contracts.status')}</Table.Th>
                  <Table.Th ta="right">{t('panel.contracts.myPrice')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((s) => (
                  <Table.Tr key={s.id}>
                    <Table.Td>
                      <Stack gap={0}>
                        <Anchor component={Link} to={`/contracts/${s.id}`} size="sm" fw={600}>
                          {s.title}
                        </Anchor>
                        {s.scheduledChange && (
                          <Text size="xs" c="violet">
                            {t('panel.contracts.changeAtRenewal')}
                          </Text>
                        )}
                      </Stack>
                    </Table.Td>
                    <Table.Td ta="right">{s.kind === 'azure_plan' ? '–' : f.number(s.quantity)}</Table.Td>
                    <Table.Td>{termLabel(t, s.term)}</Table.Td>
                    <Table.Td>{cycleLabel(t, s.billingCycle)}</Table.Td>
                    <Table.Td>{day(s.termStart)}</Table.Td>
                    <Table.Td>{day(s.lastDay)}</Table.Td>
                    <Table.Td>
                      {s.autoRenew ? t('panel.contracts.autoRenewOn') : t('panel.contracts.autoRenewOff')}
                    </Table.Td>
                    <Table.Td>
                      <StatusBadge status={s.status} />
                    </Table.Td>
                    <Table.Td ta="right">
                      {s.unitPrice && s.currency ? (
                        <Group gap={4} justify="flex-end" wrap="nowrap">
                          <Text size="sm">{f.money(s.unitPrice, s.currency)}</Text>
                          <Text size="xs" c="dimmed">
                            {t('panel.contracts.perUnitPer', { cycle: cycleLabel(t, s.billingCycle) })}
                          </Text>
                        </Group>
                      ) : s.kind === 'azure_plan' ? (
                        <Text size="xs" c="dimmed">
                          {t('panel.contracts.byUsage')}
                        </Text>
                      ) : (
                        '–'
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Card>
    </>
  );
}
