import { Anchor, Card, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { useSession } from '../auth/session';
import { PageHeader } from '../components/PageHeader';
import { Empty, ErrorState, InlineLoader } from '../components/States';
import { useBrandName } from '../hooks/useBrandName';
import { useFormat } from '../hooks/useFormat';
import { ordersQuery, renewalsQuery, subscriptionsQuery, usageSummaryQuery } from './api';
import { AlertsCard, useBudget } from './budget';
import { Chart, type ChartOption } from './Chart';
import { todayIn } from './dates';
import { currencyDigits, percentOf, roundTo } from './decimal';
import { invoicesQuery } from './invoices';
import { cycleLabel, OrderStateBadge, StatusBadge } from './labels';
import { MessagesCard } from './MessagesCard';

/** The customer's start page: contracts at a glance, this month's Azure charges, what renews next. */
export default function HomePage() {
  const { t } = useTranslation();
  const f = useFormat();
  const me = useSession();
  const brand = useBrandName();
  const period = todayIn(me.organization.timeZone).slice(0, 7);
  const subscriptions = useQuery(subscriptionsQuery);
  const renewals = useQuery(renewalsQuery);
  const usage = useQuery({ ...usageSummaryQuery(period), enabled: me.permissions.includes('usage:read') });
  const orders = useQuery({ ...ordersQuery, enabled: me.permissions.includes('orders:read') });
  const budget = useBudget();
  const invoices = useQuery({ ...invoicesQuery, enabled: me.permissions.includes('billing:read') });
  const latestInvoice = invoices.data?.items[0];

  const active = (subscriptions.data?.items ?? []).filter((s) => s.status === 'active');
  const licences = active.filter((s) => s.kind === 'license').reduce((sum, s) => sum + s.quantity, 0);
  const forecast = usage.data?.forecast[0];
  const currency = forecast?.currency ?? usage.data?.totals[0]?.currency ?? me.organization.currency;
  const monthToDate = forecast?.monthToDate ?? usage.data?.totals[0]?.sale ?? '0';
  const projected = forecast?.projected ?? monthToDate;
  const planned = budget.data && budget.data.currency === currency ? budget.data.plannedAmount : null;
  const round = (value: string) => f.money(roundTo(value, currencyDigits(currency)), currency);
  const mtdLabel = round(monthToDate);

  const gauge = useMemo<ChartOption>(() => {
    // With a planned amount the dial runs to a quarter above it and the part beyond the plan is red.
    const max = planned
      ? Math.max(Number(planned) * 1.25, Number(monthToDate), Number(projected))
      : Math.max(Number(projected), Number(monthToDate), 1) * 1.2;
    const planShare = planned ? Math.min(Number(planned) / max, 1) : 1;
    return {
      series: [
        {
          type: 'gauge',
          min: 0,
          max: Math.ceil(max),
          progress: { show: true, width: 14 },
          axisLine: {
            lineStyle: {
              width: 14,
              color: [
                [planShare, '#e9ecef'],
                [1, '#ffc9c9'],
              ],
            },
          },
          axisLabel: { show: false },
          splitLine: { length: 8 },
          pointer: { show: false },
          detail: {
            valueAnimation: false,
            fontSize: 20,
            offsetCenter: [0, '10%'],
            formatter: () => mtdLabel,
          },
          title: { offsetCenter: [0, '45%'], fontSize: 12 },
          data: [{ value: Number(monthToDate), name: t('panel.home.monthToDate') }],
        },
      ],
    };
  }, [monthToDate, projected, planned, t, mtdLabel]);

  const trend = useMemo<ChartOption>(() => {
    const days = usage.data?.byDay ?? [];
    let running = 0;
    const cumulative = days.map((d) => {
      running += Number(d.sale);
      return Math.round(running);
    });
    return {
      tooltip: { trigger: 'axis' },
      legend: { bottom: 0 },
      grid: { left: 60, right: 60, top: 20, bottom: 50 },
      xAxis: { type: 'category', data: days.map((d) => d.date.slice(8)) },
      yAxis: [{ type: 'value' }, { type: 'value' }],
      series: [
        { type: 'bar', name: t('panel.home.daily'), data: days.map((d) => Math.round(Number(d.sale))) },
        { type: 'line', name: t('panel.home.cumulative'), yAxisIndex: 1, data: cumulative, smooth: true },
      ],
    };
  }, [usage.data, t]);

  return (
    <>
      <PageHeader
        title={t('panel.home.title', { name: me.organization.name })}
        description={t('panel.home.description', { brand })}
      />
      <Stack gap="lg">
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }}>
          <Stat
            label={t('panel.home.activeSubscriptions')}
            value={subscriptions.data ? f.number(active.length) : '…'}
            testId="stat-subscriptions"
          />
          <Stat label={t('panel.home.licences')} value={subscriptions.data ? f.number(licences) : '…'} />
          <Stat
            label={t('panel.home.azureMonthToDate')}
            value={usage.data ? round(monthToDate) : '…'}
            testId="stat-mtd"
          />
          <Stat label={t('panel.home.forecast')} value={usage.data ? round(projected) : '…'} />
        </SimpleGrid>

        <SimpleGrid cols={{ base: 1, lg: 3 }}>
          <Card withBorder radius="md">
            <Title order={2} size="h5" mb="xs">
              {t('panel.home.chargesTitle')}
            </Title>
            {usage.isPending ? (
              <InlineLoader />
            ) : (
              <Chart option={gauge} height={220} label={t('panel.home.chargesTitle')} testId="mtd-gauge" />
            )}
            <Text size="xs" c="dimmed" data-testid="plan-text">
              {planned
                ? t('panel.home.ofPlan', {
                    percent: f.number(percentOf(monthToDate, planned)),
                    planned: round(planned),
                    forecast: round(projected),
                  })
                : t('panel.home.noPlan', { forecast: round(projected) })}
            </Text>
          </Card>
          <Card withBorder radius="md" style={{ gridColumn: 'span 2' }}>
            <Title order={2} size="h5" mb="xs">
              {t('panel.home.trendTitle')}
            </Title>
            {usage.error ? (
              <ErrorState error={usage.error} />
            ) : usage.isPending ? (
              <InlineLoader />
            ) : (
              <Chart option={trend} height={240} label={t('panel.home.trendTitle')} testId="usage-trend" />
            )}
          </Card>
        </SimpleGrid>

        <AlertsCard compact />
        <MessagesCard />

        <SimpleGrid cols={{ base: 1, lg: 2 }}>
          <Card withBorder radius="md">
            <Group justify="space-between" mb="xs">
              <Title order={2} size="h5">
                {t('panel.home.subscriptionsTitle')}
              </Title>
              <Anchor component={Link} to="/contracts" size="sm">
                {t('panel.home.allContracts')}
              </Anchor>
            </Group>
            {subscriptions.error ? (
              <ErrorState error={subscriptions.error} />
            ) : subscriptions.isPending ? (
              <InlineLoader />
            ) : active.length === 0 ? (
              <Empty title={t('panel.contracts.empty')} />
            ) : (
              <Table data-testid="home-subscriptions">
                <Table.Tbody>
                  {active.slice(0, 8).map((s) => (
                    <Table.Tr key={s.id}>
                      <Table.Td>
                        <Anchor component={Link} to={`/contracts/${s.id}`} size="sm">
                          {s.title}
                        </Anchor>
                      </Table.Td>
                      <Table.Td ta="right">{s.kind === 'license' ? f.number(s.quantity) : ''}</Table.Td>
                      <Table.Td>{cycleLabel(t, s.billingCycle)}</Table.Td>
                      <Table.Td>
                        <StatusBadge status={s.status} />
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
          </Card>
          <Card withBorder radius="md">
            <Title order={2} size="h5" mb="xs">
              {t('panel.home.renewalsTitle')}
            </Title>
            {renewals.isPending ? (
              <InlineLoader />
            ) : (renewals.data?.items.length ?? 0) === 0 ? (
              <Text size="sm" c="dimmed">
                {t('panel.home.noRenewals')}
              </Text>
            ) : (
              <Table data-testid="home-renewals">
                <Table.Tbody>
                  {renewals.data?.items.map((s) => (
                    <Table.Tr key={s.id}>
                      <Table.Td>{s.title}</Table.Td>
                      <Table.Td>{s.termEnd ? f.date(`${s.termEnd}T00:00:00`) : '–'}</Table.Td>
                      <Table.Td>
                        {s.autoRenew ? t('panel.contracts.autoRenewOn') : t('panel.contracts.autoRenewOff')}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
            {latestInvoice && (
              <>
                <Title order={3} size="h6" mt="md" mb="xs">
                  {t('panel.home.latestInvoice')}
                </Title>
                <Group justify="space-between" data-testid="home-latest-invoice">
                  <Anchor component={Link} to={`/my/invoices/${latestInvoice.id}`} size="sm">
                    {latestInvoice.number ?? latestInvoice.period}
                  </Anchor>
                  <Text size="sm">{latestInvoice.period}</Text>
                  <Text size="sm" fw={600}>
                    {f.money(latestInvoice.gross, latestInvoice.currency)}
                  </Text>
                  <Text size="sm" c={latestInvoice.overdue ? 'red' : 'dimmed'}>
                    {latestInvoice.dueDate
                      ? t('panel.home.dueOn', { date: f.date(`${latestInvoice.dueDate}T12:00:00Z`) })
                      : ''}
                  </Text>
                </Group>
              </>
            )}
            {orders.data && orders.data.items.length > 0 && (
              <>
                <Title order={3} size="h6" mt="md" mb="xs">
                  {t('panel.home.latestOrders')}
                </Title>
                <Table>
                  <Table.Tbody>
                    {orders.data.items.slice(0, 4).map((o) => (
                      <Table.Tr key={o.id}>
                        <Table.Td>
                          <Anchor component={Link} to={`/my/orders/${o.id}`} size="sm">
                            {o.number}
                          </Anchor>
                        </Table.Td>
                        <Table.Td>{f.date(o.createdAt)}</Table.Td>
                        <Table.Td>
                          <OrderStateBadge state={o.state} />
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </>
            )}
          </Card>
        </SimpleGrid>
      </Stack>
    </>
  );
}

function Stat({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <Card withBorder radius="md" padding="md">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="xl" fw={700} mt={4} data-testid={testId}>
        {value}
      </Text>
    </Card>
  );
}
