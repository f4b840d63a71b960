import { Anchor, Badge, Group, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { useSession } from '../../auth/session';
import { PageHeader } from '../../components/PageHeader';
import { Empty, ErrorState, InlineLoader } from '../../components/States';
import { useFormat } from '../../hooks/useFormat';
import { orderListQuery, subscriptionListQuery, usageSummaryQuery } from '../api';
import { currenciesOf, hasCost, seriesOf } from '../chartData';
import { type ChartOption, EChart } from '../EChart';
import { OrderStateBadge } from '../orders/OrdersPage';

export default function DashboardPage() {
  const { t } = useTranslation();
  const me = useSession();
  const can = (permission: string) => me.permissions.includes(permission);
  return (
    <>
      <PageHeader title={t('dashboard.title')} description={t('dashboard.description')} />
      <Stack gap="lg">
        {can('usage:read') && <MonthToDate />}
        <SimpleGrid cols={{ base: 1, lg: 2 }}>
          {can('orders:read') && (
            <OrdersWaiting state="awaiting_approval" title={t('dashboard.awaitingApproval')} />
          )}
          {can('orders:read') && <OrdersWaiting state="failed" title={t('dashboard.failedOrders')} />}
        </SimpleGrid>
        {can('subscriptions:read') && <Renewals />}
      </Stack>
    </>
  );
}

function MonthToDate() {
  const { t } = useTranslation();
  const me = useSession();
  const f = useFormat();
  const query = useQuery(usageSummaryQuery({}));
  const currency = currenciesOf(query.data?.byDay ?? [], me.organization.currency)[0] ?? '';
  const withCost = hasCost(query.data?.byDay ?? []);
  const option = useMemo<ChartOption>(() => {
    const series = seriesOf(query.data?.byDay ?? [], currency, (row) => f.date(row.date));
    const measures = withCost ? (['sale', 'cost'] as const) : (['sale'] as const);
    return {
      tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => f.money(String(v), currency) },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: series.labels, axisLabel: { hideOverlap: true } },
      yAxis: { type: 'value', axisLabel: { formatter: (v: number) => f.number(v) } },
      series: measures.map((measure) => ({
        name: t(`usage.measure.${measure}`),
        type: 'line',
        smooth: true,
        areaStyle: measure === 'sale' ? { opacity: 0.15 } : undefined,
        data: series.values[measure],
      })),
    };
  }, [query.data, currency, withCost, f, t]);

  if (query.isPending) return <InlineLoader />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  const summary = query.data;
  return (
    <Stack gap="md">
      <SimpleGrid cols={{ base: 1, sm: 3 }} data-testid="dashboard-mtd">
        {summary.totals.length === 0 ? (
          <Paper withBorder p="md" radius="md">
            <Text c="dimmed">{t('usage.emptyDescription')}</Text>
          </Paper>
        ) : (
          summary.totals.flatMap((total) => [
            <Kpi
              key={`${total.currency}-sale`}
              label={t('dashboard.revenue', { currency: total.currency })}
              value={f.money(total.sale, total.currency)}
            />,
            ...(total.cost !== undefined
              ? [
                  <Kpi
                    key={`${total.currency}-cost`}
                    label={t('dashboard.cost', { currency: total.currency })}
                    value={f.money(total.cost, total.currency)}
                  />,
                  <Kpi
                    key={`${total.currency}-margin`}
                    label={t('dashboard.margin', { currency: total.currency })}
                    value={f.money(total.margin ?? '0', total.currency)}
                  />,
                ]
              : []),
          ])
        )}
      </SimpleGrid>
      <Paper withBorder p="md" radius="md" component="section" aria-labelledby="dash-trend-title">
        <Group justify="space-between" mb="sm">
          <Title order={2} size="h4" id="dash-trend-title">
            {t('dashboard.usageTrend', { currency })}
          </Title>
          <Anchor component={Link} to="/usage" size="sm">
            {t('dashboard.openUsage')}
          </Anchor>
        </Group>
        {summary.byDay.length === 0 ? (
          <Empty title={t('usage.emptyTitle')} description={t('usage.emptyChart')} />
        ) : (
          <EChart
            option={option}
            label={t('dashboard.usageTrend', { currency })}
            height={260}
            testId="dashboard-chart"
          />
        )}
      </Paper>
    </Stack>
  );
}

function Kpi({ label, value }: { label: string; value: string }) {
  return (
    <Paper withBorder p="md" radius="md">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="xl" fw={700}>
        {value}
      </Text>
    </Paper>
  );
}

function OrdersWaiting({ state, title }: { state: 'awaiting_approval' | 'failed'; title: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const query = useInfiniteQuery(orderListQuery({ state }));
  const items = query.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-label={title}>
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4">
          {title}
        </Title>
        <Anchor component={Link} to={`/orders?state=${state}`} size="sm">
          {t('dashboard.showAll')}
        </Anchor>
      </Group>
      {query.isPending ? (
        <InlineLoader />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : items.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('dashboard.nothing')}
        </Text>
      ) : (
        <Table>
          <Table.Tbody>
            {items.slice(0, 5).map((order) => (
              <Table.Tr key={order.id}>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  <Anchor component={Link} to={`/orders/${encodeURIComponent(order.id)}`}>
                    {order.number}
                  </Anchor>
                </Table.Td>
                <Table.Td>{order.customerName}</Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  {f.money(order.monthlyAmount, order.currency)}
                </Table.Td>
                <Table.Td>
                  <OrderStateBadge state={order.state} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Paper>
  );
}

function Renewals() {
  const { t } = useTranslation();
  const f = useFormat();
  const in30 = useInfiniteQuery(subscriptionListQuery({ renewingWithinDays: 30, status: 'active' }));
  const in60 = useInfiniteQuery(subscriptionListQuery({ renewingWithinDays: 60, status: 'active' }));
  const in90 = useInfiniteQuery(subscriptionListQuery({ renewingWithinDays: 90, status: 'active' }));
  const count = (q: typeof in30) => {
    const page = q.data?.pages[0];
    if (!page) return '…';
    return page.nextCursor ? `${f.number(page.items.length)}+` : f.number(page.items.length);
  };
  const next = in90.data?.pages[0]?.items ?? [];
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="dash-renewals-title">
      <Title order={2} size="h4" id="dash-renewals-title" mb="sm">
        {t('dashboard.renewals')}
      </Title>
      <Group gap="md" mb="sm" data-testid="dashboard-renewals">
        {(
          [
            [30, in30],
            [60, in60],
            [90, in90],
          ] as const
        ).map(([days, q]) => (
          <Anchor key={days} component={Link} to={`/subscriptions?renewing=${days}&status=active`}>
            <Badge size="lg" variant="light">
              {t('dashboard.renewingIn', { days, n: count(q) })}
            </Badge>
          </Anchor>
        ))}
      </Group>
      {in90.isError ? (
        <ErrorState error={in90.error} onRetry={() => void in90.refetch()} />
      ) : next.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('dashboard.noRenewals')}
        </Text>
      ) : (
        <Table>
          <Table.Tbody>
            {next.slice(0, 8).map((sub) => (
              <Table.Tr key={sub.id}>
                <Table.Td>
                  <Anchor component={Link} to={`/subscriptions/${encodeURIComponent(sub.id)}`}>
                    {sub.title}
                  </Anchor>
                </Table.Td>
                <Table.Td>{sub.customerName}</Table.Td>
                <Table.Td>{sub.termEnd ? f.date(sub.termEnd) : '–'}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Paper>
  );
}
