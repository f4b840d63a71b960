import {
  Button,
  Group,
  Paper,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
} from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { Empty, ErrorState, InlineLoader } from '../../components/States';
import { useFormat } from '../../hooks/useFormat';
import { type ChartOption, EChart } from '../EChart';
import {
  MARGIN_GROUPS,
  type MarginGroupBy,
  type MarginReport,
  marginCsvUrl,
  marginReportQuery,
  monthOf,
  monthOptions,
} from './api';
import { Fact } from './InvoiceDetail';

/** Revenue against cost for a month, by customer, reseller or product: chart, table and CSV. */
export default function MarginTab() {
  const { t } = useTranslation();
  const f = useFormat();
  // Month and grouping live in the address bar, so a report can be linked.
  const [params, setParams] = useSearchParams();
  const raw = params.get('period') ?? '';
  const period = /^\d{4}-(0[1-9]|1[0-2])$/.test(raw) ? raw : monthOf(new Date(), -1);
  const rawGroup = params.get('groupBy');
  const groupBy: MarginGroupBy = (MARGIN_GROUPS as readonly (string | null)[]).includes(rawGroup)
    ? (rawGroup as MarginGroupBy)
    : 'customer';
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    next.set(key, value);
    setParams(next, { replace: true });
  };
  const query = useQuery(marginReportQuery(period, groupBy));
  return (
    <Stack gap="md">
      <Group align="flex-end" justify="space-between" wrap="wrap">
        <Group align="flex-end" wrap="wrap">
          <Select
            label={t('billing.period')}
            data={monthOptions(f.locale)}
            value={period}
            onChange={(value) => value && set('period', value)}
            allowDeselect={false}
            searchable
            w={220}
          />
          <SegmentedControl
            value={groupBy}
            onChange={(value) => set('groupBy', value)}
            data={MARGIN_GROUPS.map((value) => ({ value, label: t(`billing.margin.by.${value}`) }))}
            aria-label={t('billing.margin.groupBy')}
          />
        </Group>
        <Button component="a" variant="default" href={marginCsvUrl(period, groupBy)} data-testid="margin-csv">
          {t('billing.margin.csv')}
        </Button>
      </Group>
      {query.isPending ? (
        <InlineLoader />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : query.data.rows.length === 0 ? (
        <Paper withBorder radius="md">
          <Empty title={t('billing.margin.emptyTitle')} description={t('billing.margin.emptyDescription')} />
        </Paper>
      ) : (
        <MarginView report={query.data} />
      )}
    </Stack>
  );
}

function MarginView({ report }: { report: MarginReport }) {
  const { t } = useTranslation();
  const f = useFormat();
  // One chart per currency (mixed currencies share no axis): the one with the most rows first, the
  // others a click away.
  const counts = new Map<string, number>();
  for (const row of report.rows) counts.set(row.currency, (counts.get(row.currency) ?? 0) + 1);
  const currencies = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([code]) => code);
  const [picked, setPicked] = useState<string | null>(null);
  const currency = picked && currencies.includes(picked) ? picked : (currencies[0] ?? '');
  const rows = report.rows.filter((row) => row.currency === currency).slice(0, 15);
  const option: ChartOption = {
    tooltip: { trigger: 'axis' },
    legend: {
      top: 0,
      data: [t('billing.margin.revenue'), t('billing.margin.cost'), t('billing.margin.margin')],
    },
    grid: { left: 8, right: 8, bottom: 8, top: 36, containLabel: true },
    xAxis: { type: 'category', data: rows.map((row) => row.name), axisLabel: { interval: 0, rotate: 20 } },
    yAxis: { type: 'value' },
    series: [
      { name: t('billing.margin.revenue'), type: 'bar', data: rows.map((row) => Number(row.revenue)) },
      { name: t('billing.margin.cost'), type: 'bar', data: rows.map((row) => Number(row.cost)) },
      { name: t('billing.margin.margin'), type: 'bar', data: rows.map((row) => Number(row.margin)) },
    ],
  };
  return (
    <Stack gap="md">
      {report.totals.map((total) => (
        <Paper withBorder p="md" radius="md" key={total.currency} data-testid="margin-totals">
          <SimpleGrid cols={{ base: 2, md: 4 }}>
            <Fact label={t('billing.margin.revenue')} value={f.money(total.revenue, total.currency)} />
            <Fact label={t('billing.margin.cost')} value={f.money(total.cost, total.currency)} />
            <Fact label={t('billing.margin.margin')} value={f.money(total.margin, total.currency)} />
            <Fact
              label={t('billing.margin.percent')}
              value={total.marginPercent === null ? '–' : `${f.number(total.marginPercent)}%`}
            />
          </SimpleGrid>
        </Paper>
      ))}
      {report.warnings.map((warning) => (
        <Text size="sm" c="orange" key={warning}>
          {warning}
        </Text>
      ))}
      <Paper withBorder p="md" radius="md">
        {currencies.length > 1 && (
          <Group justify="flex-end" mb="xs">
            <SegmentedControl
              size="xs"
              value={currency}
              onChange={setPicked}
              data={currencies}
              aria-label={t('billing.margin.chartCurrency')}
              data-testid="margin-chart-currency"
            />
          </Group>
        )}
        <EChart
          key={currency}
          option={option}
          label={t('billing.margin.chartLabel', { period: `${report.period} (${currency})` })}
          testId="margin-chart"
        />
      </Paper>
      <Paper withBorder radius="md">
        <Table.ScrollContainer minWidth={720}>
          <Table data-testid="margin-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t(`billing.margin.by.${report.groupBy}`)}</Table.Th>
                <Table.Th ta="right">{t('billing.margin.revenue')}</Table.Th>
                <Table.Th ta="right">{t('billing.margin.cost')}</Table.Th>
                <Table.Th ta="right">{t('billing.margin.margin')}</Table.Th>
                <Table.Th ta="right">{t('billing.margin.percent')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {report.rows.map((row) => (
                <Table.Tr key={`${row.key ?? row.name}-${row.currency}`}>
                  <Table.Td>{row.name}</Table.Td>
                  <Table.Td ta="right">{f.money(row.revenue, row.currency)}</Table.Td>
                  <Table.Td ta="right">{f.money(row.cost, row.currency)}</Table.Td>
                  <Table.Td ta="right">{f.money(row.margin, row.currency)}</Table.Td>
                  <Table.Td ta="right">
                    {row.marginPercent === null ? '–' : `${f.number(row.marginPercent)}%`}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Paper>
    </Stack>
  );
}
