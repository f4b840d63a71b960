import {
  Anchor,
  Badge,
  Button,
  Group,
  Paper,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Tabs,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { useSession } from '../../auth/session';
import { IconSearch } from '../../components/icons';
import { PageHeader } from '../../components/PageHeader';
import { Empty, ErrorState, InlineLoader, LoadMore } from '../../components/States';
import { useFormat } from '../../hooks/useFormat';
import {
  type BreakdownDimension,
  customerOptionsQuery,
  type UsageFilter,
  type UsageImport,
  usageBreakdownQuery,
  usageExportUrl,
  usageImportsQuery,
  usageQuarantineQuery,
  usageSummaryQuery,
} from '../api';
import { currenciesOf, hasCost, recentPeriods, seriesOf, topWithOther } from '../chartData';
import { type ChartOption, EChart } from '../EChart';

const IMPORT_STATUSES = ['running', 'completed', 'failed'] as const;
type ImportStatus = (typeof IMPORT_STATUSES)[number];
const isImportStatus = (value: string): value is ImportStatus =>
  (IMPORT_STATUSES as readonly string[]).includes(value);

const DIMENSIONS: BreakdownDimension[] = [
  'day',
  'meter_category',
  'resource_group',
  'subscription',
  'customer',
];

export default function UsagePage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const periods = useMemo(() => recentPeriods(new Date(), 12), []);
  const period = params.get('period') ?? periods[0]!;
  const customerId = params.get('customer') ?? '';
  const filter: UsageFilter = customerId ? { period, customerId } : { period };

  const setParam = (key: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };

  return (
    <>
      <PageHeader
        title={t('usage.title')}
        description={t('usage.description')}
        actions={
          <Button
            component="a"
            href={usageExportUrl(filter)}
            download
            variant="default"
            data-testid="usage-csv"
          >
            {t('usage.downloadCsv')}
          </Button>
        }
      />
      <Stack gap="lg">
        <Group align="flex-end" wrap="wrap">
          <Select
            label={t('usage.period')}
            data={periods}
            value={period}
            onChange={(value) => setParam('period', value)}
            allowDeselect={false}
            w={160}
          />
          <CustomerPicker value={customerId} onChange={(value) => setParam('customer', value)} />
        </Group>
        <Summary filter={filter} />
        <Charts filter={filter} />
        <ByCustomer filter={{ period }} onSelect={(id) => setParam('customer', id)} />
        <Imports />
      </Stack>
    </>
  );
}

export function CustomerPicker({
  value,
  onChange,
  label,
}: {
  value: string;
  onChange: (value: string | null) => void;
  label?: string;
}) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const query = useQuery(customerOptionsQuery(''));
  const options = (query.data?.items ?? []).map((org) => ({ value: org.id, label: org.name }));
  return (
    <Select
      label={label ?? t('usage.customer')}
      placeholder={t('usage.allCustomers')}
      data={options}
      value={value || null}
      onChange={onChange}
      searchable
      clearable
      searchValue={search}
      onSearchChange={setSearch}
      nothingFoundMessage={t('usage.noCustomerFound')}
      w={300}
      data-testid="customer-picker"
    />
  );
}

function Summary({ filter }: { filter: UsageFilter }) {
  const { t } = useTranslation();
  const f = useFormat();
  const query = useQuery(usageSummaryQuery(filter));
  if (query.isPending) return <InlineLoader />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  const summary = query.data;
  if (summary.totals.length === 0) {
    return <Empty title={t('usage.emptyTitle')} description={t('usage.emptyDescription')} />;
  }
  return (
    <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} data-testid="usage-totals">
      {summary.totals.map((total) => {
        const forecast = summary.forecast.find((item) => item.currency === total.currency);
        return (
          <Paper key={total.currency} withBorder p="md" radius="md">
            <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
              {t('usage.monthToDate', { currency: total.currency })}
            </Text>
            <Text size="xl" fw={700}>
              {f.money(total.sale, total.currency)}
            </Text>
            {total.cost !== undefined && (
              <Text size="sm">
                {t('usage.cost')}: {f.money(total.cost, total.currency)} · {t('usage.margin')}:{' '}
                {f.money(total.margin ?? '0', total.currency)}
              </Text>
            )}
            {forecast && (
              <Text size="sm" c="dimmed" title={forecast.explanation}>
                {t('usage.forecast')}: {f.money(forecast.projected, forecast.currency)} (
                {t('usage.forecastBasis', { days: forecast.basisDays, remaining: forecast.remainingDays })})
              </Text>
            )}
            <Text size="xs" c="dimmed">
              {t('usage.lines', { n: f.number(total.lines) })}
              {summary.asOf ? ` · ${t('usage.asOf', { date: f.date(summary.asOf) })}` : ''}
            </Text>
          </Paper>
        );
      })}
    </SimpleGrid>
  );
}

function Charts({ filter }: { filter: UsageFilter }) {
  const { t } = useTranslation();
  const [by, setBy] = useState<BreakdownDimension>('day');
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="usage-chart-title">
      <Title order={2} size="h4" id="usage-chart-title" mb="sm">
        {t('usage.chartTitle')}
      </Title>
      <Tabs value={by} onChange={(value) => setBy((value as BreakdownDimension | null) ?? 'day')}>
        <Tabs.List>
          {DIMENSIONS.map((dimension) => (
            <Tabs.Tab key={dimension} value={dimension}>
              {t(`usage.by.${dimension}`)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
      </Tabs>
      <BreakdownChart filter={filter} by={by} />
    </Paper>
  );
}

function BreakdownChart({ filter, by }: { filter: UsageFilter; by: BreakdownDimension }) {
  const { t } = useTranslation();
  const me = useSession();
  const f = useFormat();
  const query = useQuery(usageBreakdownQuery(filter, by));
  const [picked, setPicked] = useState<string | null>(null);
  const items = query.data?.items ?? [];
  const currencies = currenciesOf(items, me.organization.currency);
  const currency = picked && currencies.includes(picked) ? picked : (currencies[0] ?? '');
  const withCost = hasCost(items);

  const option = useMemo<ChartOption>(() => {
    const raw = seriesOf(items, currency, (item) => (by === 'day' ? f.date(item.key) : item.label));
    const series = by === 'day' ? raw : topWithOther(raw, 12, t('usage.other'));
    const money = (value: unknown) => f.money(String(value), currency);
    const measures = withCost ? (['sale', 'cost', 'margin'] as const) : (['sale'] as const);
    return {
      tooltip: { trigger: 'axis', valueFormatter: money },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      xAxis: {
        type: 'category',
        data: series.labels,
        axisLabel: { hideOverlap: true, width: 120, overflow: 'truncate' },
      },
      yAxis: { type: 'value', axisLabel: { formatter: (v: number) => f.number(v) } },
      series: measures.map((measure) => ({
        name: t(`usage.measure.${measure}`),
        type: by === 'day' ? 'line' : 'bar',
        smooth: by === 'day',
        data: series.values[measure],
      })),
    };
  }, [items, currency, by, withCost, f, t]);

  if (query.isPending) return <InlineLoader />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  if (items.length === 0) return <Empty title={t('usage.emptyTitle')} description={t('usage.emptyChart')} />;
  return (
    <Stack gap="xs" mt="sm">
      {currencies.length > 1 && (
        <SegmentedControl
          aria-label={t('usage.currency')}
          data={currencies}
          value={currency}
          onChange={setPicked}
          w="fit-content"
        />
      )}
      <EChart
        option={option}
        label={t('usage.chartLabel', { by: t(`usage.by.${by}`), period: filter.period ?? '' })}
        testId="usage-chart"
      />
    </Stack>
  );
}

function ByCustomer({ filter, onSelect }: { filter: UsageFilter; onSelect: (id: string) => void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const [search, setSearch] = useState('');
  const query = useQuery(usageBreakdownQuery(filter, 'customer'));
  const items = (query.data?.items ?? []).filter((item) =>
    item.label.toLowerCase().includes(search.trim().toLowerCase()),
  );
  const withCost = hasCost(query.data?.items ?? []);
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="usage-customers-title">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4" id="usage-customers-title">
          {t('usage.byCustomerTitle')}
        </Title>
        <TextInput
          type="search"
          aria-label={t('usage.searchCustomers')}
          placeholder={t('usage.searchCustomers')}
          leftSection={<IconSearch size={16} />}
          value={search}
          onChange={(event) => setSearch(event.currentTarget.value)}
        />
      </Group>
      {query.isPending ? (
        <InlineLoader />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : items.length === 0 ? (
        <Empty title={t('usage.emptyTitle')} description={t('usage.emptyCustomers')} />
      ) : (
        <Table.ScrollContainer minWidth={560}>
          <Table striped highlightOnHover data-testid="usage-by-customer">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('usage.customer')}</Table.Th>
                <Table.Th ta="right">{t('usage.measure.sale')}</Table.Th>
                {withCost && <Table.Th ta="right">{t('usage.measure.cost')}</Table.Th>}
                {withCost && <Table.Th ta="right">{t('usage.measure.margin')}</Table.Th>}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((item) => (
                <Table.Tr key={`${item.key}-${item.currency}`}>
                  <Table.Td>
                    <Anchor component="button" type="button" onClick={() => onSelect(item.key)}>
                      {item.label}
                    </Anchor>
                  </Table.Td>
                  <Table.Td ta="right">{f.money(item.sale, item.currency)}</Table.Td>
                  {withCost && <Table.Td ta="right">{f.money(item.cost ?? '0', item.currency)}</Table.Td>}
                  {withCost && <Table.Td ta="right">{f.money(item.margin ?? '0', item.currency)}</Table.Td>}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Paper>
  );
}

function Imports() {
  const { t } = useTranslation();
  const me = useSession();
  const f = useFormat();
  const query = useInfiniteQuery(usageImportsQuery());
  const [open, setOpen] = useState<string | null>(null);
  // Microsoft's files are imported by the provider; resellers have no import history of their own.
  if (me.organization.kind !== 'provider') return null;
  const items = query.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="usage-imports-title">
      <Title order={2} size="h4" id="usage-imports-title" mb="sm">
        {t('usage.importsTitle')}
      </Title>
      {query.isPending ? (
        <InlineLoader />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : items.length === 0 ? (
        <Empty title={t('usage.importsEmpty')} />
      ) : (
        <Table.ScrollContainer minWidth={720}>
          <Table data-testid="usage-imports">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('usage.importStarted')}</Table.Th>
                <Table.Th>{t('usage.importSource')}</Table.Th>
                <Table.Th>{t('usage.importStatus')}</Table.Th>
                <Table.Th>{t('usage.importRange')}</Table.Th>
                <Table.Th ta="right">{t('usage.importRows')}</Table.Th>
                <Table.Th ta="right">{t('usage.importLoaded')}</Table.Th>
                <Table.Th ta="right">{t('usage.importQuarantined')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((item) => (
                <ImportRow
                  key={item.id}
                  item={item}
                  open={open === item.id}
                  onToggle={() => setOpen(open === item.id ? null : item.id)}
                  f={f}
                />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {query.hasNextPage && (
        <LoadMore onClick={() => void query.fetchNextPage()} loading={query.isFetchingNextPage} />
      )}
    </Paper>
  );
}

function ImportRow({
  item,
  open,
  onToggle,
  f,
}: {
  item: UsageImport;
  open: boolean;
  onToggle: () => void;
  f: ReturnType<typeof useFormat>;
}) {
  const { t } = useTranslation();
  const quarantined = item.counts.linesQuarantined;
  return (
    <>
      <Table.Tr>
        <Table.Td>{f.dateTime(item.startedAt)}</Table.Td>
        <Table.Td>{item.fileName ?? item.channel}</Table.Td>
        <Table.Td>
          <Badge
            color={item.status === 'completed' ? 'green' : item.status === 'failed' ? 'red' : 'gray'}
            variant="light"
          >
            {isImportStatus(item.status) ? t(`usage.importState.${item.status}`) : item.status}
          </Badge>
        </Table.Td>
        <Table.Td>
          {item.firstUsageDate && item.lastUsageDate
            ? `${f.date(item.firstUsageDate)} – ${f.date(item.lastUsageDate)}`
            : '–'}
        </Table.Td>
        <Table.Td ta="right">{f.number(item.counts.rowsRead)}</Table.Td>
        <Table.Td ta="right">{f.number(item.counts.linesLoaded)}</Table.Td>
        <Table.Td ta="right">
          {quarantined > 0 ? (
            <Anchor component="button" type="button" onClick={onToggle} aria-expanded={open}>
              {f.number(quarantined)}
            </Anchor>
          ) : (
            f.number(0)
          )}
        </Table.Td>
      </Table.Tr>
      {open && (
        <Table.Tr>
          <Table.Td colSpan={7}>
            <Quarantine importId={item.id} />
          </Table.Td>
        </Table.Tr>
      )}
    </>
  );
}

function Quarantine({ importId }: { importId: string }) {
  const { t } = useTranslation();
  const query = useInfiniteQuery(usageQuarantineQuery(importId));
  if (query.isPending) return <InlineLoader />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  const rows = query.data.pages.flatMap((page) => page.items);
  if (rows.length === 0) return <Empty title={t('usage.quarantineEmpty')} />;
  return (
    <Stack gap="xs">
      <Table>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('usage.quarantineLine')}</Table.Th>
            <Table.Th>{t('usage.quarantineReason')}</Table.Th>
            <Table.Th>{t('usage.quarantineRecord')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row) => (
            <Table.Tr key={row.line}>
              <Table.Td>{row.line}</Table.Td>
              <Table.Td>{row.reason}</Table.Td>
              <Table.Td>
                <Text size="xs" ff="monospace" lineClamp={2}>
                  {row.record}
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {query.hasNextPage && (
        <LoadMore onClick={() => void query.fetchNextPage()} loading={query.isFetchingNextPage} />
      )}
    </Stack>
  );
}
