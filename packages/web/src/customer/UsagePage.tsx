import { Alert, Button, Card, Group, Select, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../auth/session';
import { PageHeader } from '../components/PageHeader';
import { Empty, ErrorState, InlineLoader } from '../components/States';
import { useFormat } from '../hooks/useFormat';
import { type BreakdownBy, usageBreakdownQuery, usageExportUrl, usageSummaryQuery } from './api';
import { AlertsCard, BudgetCard } from './budget';
import { Chart, type ChartOption } from './Chart';
import { recentPeriods, todayIn } from './dates';
import { currencyDigits, roundTo } from './decimal';
import { IconDownload } from './icons';

/** Azure usage of the company, at its own prices: by day, service, resource group and subscription. */
export default function UsagePage() {
  const { t } = useTranslation();
  const f = useFormat();
  const me = useSession();
  const today = todayIn(me.organization.timeZone);
  const periods = recentPeriods(today, 12);
  const [period, setPeriod] = useState(periods[0] ?? today.slice(0, 7));
  const summary = useQuery(usageSummaryQuery(period));
  const current = period === today.slice(0, 7);
  const total = summary.data?.totals[0];
  const forecast = summary.data?.forecast[0];
  const currency = total?.currency ?? me.organization.currency;
  const money = (value: string) => f.money(roundTo(value, currencyDigits(currency)), currency);

  const daily = useMemo<ChartOption>(() => {
    const days = summary.data?.byDay ?? [];
    return {
      tooltip: { trigger: 'axis' },
      grid: { left: 60, right: 20, top: 20, bottom: 30 },
      xAxis: { type: 'category', data: days.map((d) => d.date.slice(5)) },
      yAxis: { type: 'value' },
      series: [
        { type: 'bar', name: t('panel.usage.byDay'), data: days.map((d) => Math.round(Number(d.sale))) },
      ],
    };
  }, [summary.data, t]);

  const categories = useMemo<ChartOption>(
    () => ({
      tooltip: { trigger: 'item' },
      legend: { bottom: 0, type: 'scroll', orient: 'vertical', height: 70 },
      series: [
        {
          type: 'pie',
          radius: ['35%', '60%'],
          center: ['50%', '38%'],
          label: { show: false },
          data: (summary.data?.byMeterCategory ?? []).map((c) => ({
            name: c.meterCategory,
            value: Math.round(Number(c.sale)),
          })),
        },
      ],
    }),
    [summary.data],
  );

  return (
    <>
      <PageHeader
        title={t('panel.usage.title')}
        description={t('panel.usage.description')}
        actions={
          <Group align="flex-end">
            <Select
              label={t('panel.usage.period')}
              data={periods}
              value={period}
              onChange={(value) => value && setPeriod(value)}
              allowDeselect={false}
              w={140}
            />
            <Button
              component="a"
              href={usageExportUrl(period)}
              download={`usage-${period}.csv`}
              leftSection={<IconDownload />}
              variant="light"
              data-testid="usage-csv"
            >
              {t('panel.usage.downloadCsv')}
            </Button>
          </Group>
        }
      />
      {summary.error ? (
        <ErrorState error={summary.error} onRetry={() => void summary.refetch()} />
      ) : summary.isPending ? (
        <InlineLoader />
      ) : !total ? (
        <Empty title={t('panel.usage.empty')} />
      ) : (
        <Stack gap="lg">
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <Card withBorder radius="md">
              <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
                {current ? t('panel.usage.monthToDate') : t('panel.usage.monthTotal')}
              </Text>
              <Text size="xl" fw={700} data-testid="usage-total">
                {money(total.sale)}
              </Text>
              <Text size="xs" c="dimmed">
                {summary.data.asOf
                  ? t('panel.usage.asOf', { date: f.date(`${summary.data.asOf}T12:00:00Z`) })
                  : ''}
              </Text>
            </Card>
            {current && forecast && (
              <Card withBorder radius="md" style={{ gridColumn: 'span 2' }}>
                <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
                  {t('panel.usage.forecast')}
                </Text>
                <Text size="xl" fw={700} data-testid="usage-forecast">
                  {money(forecast.projected)}
                </Text>
                <Text size="xs" c="dimmed">
                  {t('panel.usage.forecastExplained', {
                    perDay: money(forecast.dailyAverage),
                    days: forecast.remainingDays,
                  })}
                </Text>
              </Card>
            )}
          </SimpleGrid>
          <Card withBorder radius="md">
            <Title order={2} size="h5" mb="xs">
              {t('panel.usage.byDay')}
            </Title>
            <Chart option={daily} height={260} label={t('panel.usage.byDay')} testId="usage-by-day" />
          </Card>
          <SimpleGrid cols={{ base: 1, lg: 3 }}>
            <Card withBorder radius="md">
              <Title order={2} size="h5" mb="xs">
                {t('panel.usage.byMeterCategory')}
              </Title>
              <Chart option={categories} height={260} label={t('panel.usage.byMeterCategory')} />
            </Card>
            <Breakdown period={period} by="resource_group" title={t('panel.usage.byResourceGroup')} />
            <Breakdown period={period} by="subscription" title={t('panel.usage.bySubscription')} />
          </SimpleGrid>
          <Alert variant="light" color="gray">
            {t('panel.usage.csvNote')}
          </Alert>
        </Stack>
      )}
      {/* The plan and its alerts apply to every month, also one without usage yet. */}
      <SimpleGrid cols={{ base: 1, lg: 2 }} mt="lg">
        <BudgetCard />
        <AlertsCard />
      </SimpleGrid>
    </>
  );
}

function Breakdown({ period, by, title }: { period: string; by: BreakdownBy; title: string }) {
  const f = useFormat();
  const query = useQuery(usageBreakdownQuery(period, by));
  const option = useMemo<ChartOption>(() => {
    const items = [...(query.data?.items ?? [])].reverse();
    return {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      grid: { left: 110, right: 60, top: 10, bottom: 10 },
      xAxis: { type: 'value', axisLabel: { show: false }, splitLine: { show: false } },
      yAxis: {
        type: 'category',
        data: items.map((i) => i.label),
        axisLabel: { width: 100, overflow: 'truncate' },
      },
      series: [
        {
          type: 'bar',
          name: title,
          data: items.map((i) => Math.round(Number(i.sale))),
          label: {
            show: true,
            position: 'right',
            formatter: ({ value }: { value: number }) => f.number(value),
          },
        },
      ],
    };
  }, [query.data, title, f]);
  return (
    <Card withBorder radius="md">
      <Title order={2} size="h5" mb="xs">
        {title}
      </Title>
      {query.error ? (
        <ErrorState error={query.error} />
      ) : query.isPending ? (
        <InlineLoader />
      ) : (
        <Chart option={option} height={260} label={title} testId={`usage-by-${by}`} />
      )}
    </Card>
  );
}
