import {
  Alert,
  Badge,
  Button,
  FileInput,
  Group,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { isApiError } from '../../api/client';
import { Empty, InlineLoader, LoadMore } from '../../components/States';
import { useFormat } from '../../hooks/useFormat';
import { monthOf, monthOptions } from './api';
import { billingErrorMessage } from './errors';
import { Fact } from './InvoiceDetail';
import {
  type CostSide,
  type CsvProblem,
  countByOutcome,
  csvErrorLine,
  csvProblem,
  filterItems,
  importCounts,
  importReconciliation,
  isReconciliationFilter,
  isReconciliationReason,
  RECONCILIATION_FILTERS,
  type ReconciliationFilter,
  type ReconciliationItem,
  type ReconciliationReport,
  reconciliationQuery,
  signOf,
} from './reconciliation';

const PAGE = 50;
const NOWRAP = { whiteSpace: 'nowrap' } as const;

interface Imported {
  fileName: string;
  report: ReconciliationReport;
}

/**
 * Provider only: Microsoft's invoices of a month against the cost recorded here — from Partner
 * Center, or from Microsoft's reconciliation file uploaded as CSV.
 */
export default function ReconciliationTab() {
  const { t } = useTranslation();
  const f = useFormat();
  const [params, setParams] = useSearchParams();
  const raw = params.get('period') ?? '';
  const period = /^\d{4}-(0[1-9]|1[0-2])$/.test(raw) ? raw : monthOf(new Date(), -1);
  const rawFilter = params.get('show');
  const filter: ReconciliationFilter = isReconciliationFilter(rawFilter) ? rawFilter : 'different';
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    next.set(key, value);
    setParams(next, { replace: true });
  };
  // An imported report belongs to its month; choosing another month goes back to Partner Center.
  const [imported, setImported] = useState<Imported | null>(null);
  const current = imported?.report.period === period ? imported : null;
  const query = useQuery(reconciliationQuery(period));
  const notConnected = isApiError(query.error) && query.error.code === 'partner_center_not_connected';
  const report = current?.report ?? (query.isError ? null : query.data);
  return (
    <Stack gap="md">
      <Group align="flex-end" wrap="wrap">
        <Select
          label={t('billing.period')}
          data={monthOptions(f.locale)}
          value={period}
          onChange={(value) => value && set('period', value)}
          allowDeselect={false}
          searchable
          w={220}
          data-testid="reconciliation-period"
        />
        <Select
          label={t('billing.reconciliation.show')}
          data={RECONCILIATION_FILTERS.map((value) => ({
            value,
            label: t(`billing.reconciliation.filters.${value}`),
          }))}
          value={filter}
          onChange={(value) => value && set('show', value)}
          allowDeselect={false}
          w={260}
        />
      </Group>
      <CsvImport period={period} onImported={setImported} />
      {current ? (
        <Alert color="blue" variant="light" data-testid="reconciliation-source">
          <Group justify="space-between" gap="sm">
            <Text size="sm">{t('billing.reconciliation.fromFile', { file: current.fileName })}</Text>
            <Button size="xs" variant="default" onClick={() => setImported(null)}>
              {t('billing.reconciliation.backToPartnerCenter')}
            </Button>
          </Group>
        </Alert>
      ) : notConnected ? (
        <Alert color="yellow" variant="light" data-testid="reconciliation-not-connected">
          {t('billing.reconciliation.notConnected')}
        </Alert>
      ) : query.isError ? (
        <Alert color="red" variant="light" role="alert">
          <Group justify="space-between" gap="sm">
            <span>{billingErrorMessage(t, query.error)}</span>
            <Button size="xs" variant="default" onClick={() => void query.refetch()}>
              {t('common.retry')}
            </Button>
          </Group>
        </Alert>
      ) : report ? (
        <Text size="sm" c="dimmed" data-testid="reconciliation-source">
          {t('billing.reconciliation.fromPartnerCenter', { n: report.invoices.length })}
        </Text>
      ) : null}
      {!current && query.isPending ? (
        <InlineLoader />
      ) : report ? (
        <ReportView key={`${report.source}-${filter}`} report={report} filter={filter} />
      ) : null}
    </Stack>
  );
}

function CsvImport({ period, onImported }: { period: string; onImported: (imported: Imported) => void }) {
  const { t } = useTranslation();
  const [file, setFile] = useState<File | null>(null);
  const [problem, setProblem] = useState<CsvProblem | null>(null);
  const [done, setDone] = useState<ReconciliationReport | null>(null);
  const upload = useMutation({
    mutationFn: async (chosen: File) => {
      const text = await chosen.text();
      const found = csvProblem(text);
      if (found) {
        setProblem(found);
        return null;
      }
      return importReconciliation(period, text);
    },
    onSuccess: (report, chosen) => {
      if (!report) return;
      setDone(report);
      onImported({ fileName: chosen.name, report });
    },
  });
  const line = csvErrorLine(upload.error);
  const counts = done && done.period === period ? importCounts(done) : null;
  return (
    <Paper withBorder p="md" radius="md">
      <Stack gap="sm">
        <div>
          <Title order={3} size="h5">
            {t('billing.reconciliation.importTitle')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('billing.reconciliation.importHint')}
          </Text>
        </div>
        <Group align="flex-end" wrap="wrap">
          <FileInput
            label={t('billing.reconciliation.file')}
            placeholder={t('billing.reconciliation.filePlaceholder')}
            accept=".csv,text/csv"
            value={file}
            onChange={(chosen) => {
              setFile(chosen);
              setProblem(null);
              setDone(null);
              upload.reset();
            }}
            clearable
            w={360}
            error={problem ? t(`billing.reconciliation.problems.${problem}`) : undefined}
            data-testid="reconciliation-file"
          />
          <Button
            onClick={() => file && upload.mutate(file)}
            disabled={!file}
            loading={upload.isPending}
            data-testid="reconciliation-upload"
          >
            {t('billing.reconciliation.upload')}
          </Button>
        </Group>
        {upload.isError && (
          <Alert color="red" variant="light" role="alert" data-testid="reconciliation-import-error">
            {line !== null
              ? t('billing.reconciliation.badLine', { line })
              : billingErrorMessage(t, upload.error)}
          </Alert>
        )}
        {counts && (
          <Alert color="green" variant="light" data-testid="reconciliation-import-result">
            {t('billing.reconciliation.imported', {
              lines: counts.microsoftLines,
              invoices: counts.invoices,
              matched: counts.matched,
              differences: counts.differences,
            })}
          </Alert>
        )}
      </Stack>
    </Paper>
  );
}

function ReportView({ report, filter }: { report: ReconciliationReport; filter: ReconciliationFilter }) {
  const { t } = useTranslation();
  const f = useFormat();
  const [shown, setShown] = useState(PAGE);
  const items = filterItems(report.items, filter);
  if (report.items.length === 0) {
    return (
      <Paper withBorder radius="md">
        <Empty
          title={t('billing.reconciliation.emptyTitle')}
          description={t('billing.reconciliation.emptyDescription')}
        />
      </Paper>
    );
  }
  return (
    <Stack gap="md">
      {(report.warnings ?? []).map((warning) => (
        <Text size="sm" c="orange" key={warning} data-testid="reconciliation-warning">
          {warning}
        </Text>
      ))}
      {report.summary.map((summary) => {
        const counts = countByOutcome(report.items.filter((item) => item.currency === summary.currency));
        return (
          <Paper
            withBorder
            p="md"
            radius="md"
            key={summary.currency}
            data-testid="reconciliation-summary"
            data-currency={summary.currency}
          >
            <SimpleGrid cols={{ base: 2, sm: 4, lg: 7 }}>
              <Fact label={t('billing.reconciliation.matched')} value={f.number(summary.matched)} />
              <Fact label={t('billing.reconciliation.differences')} value={f.number(summary.differences)} />
              <Fact
                label={t('billing.reconciliation.reasons.missing_here')}
                value={f.number(counts.missing_here)}
              />
              <Fact
                label={t('billing.reconciliation.reasons.missing_at_microsoft')}
                value={f.number(counts.missing_at_microsoft + counts.invoice_unknown_at_microsoft)}
              />
              <Fact
                label={t('billing.reconciliation.ours')}
                value={f.money(summary.ours, summary.currency)}
              />
              <Fact
                label={t('billing.reconciliation.microsoft')}
                value={f.money(summary.microsoft, summary.currency)}
              />
              <Fact
                label={t('billing.reconciliation.difference')}
                value={
                  <Text
                    size="sm"
                    fw={600}
                    c={signOf(summary.difference) === 0 ? 'green' : 'red'}
                    span
                    data-testid="reconciliation-difference"
                  >
                    {f.money(summary.difference, summary.currency)}
                  </Text>
                }
              />
            </SimpleGrid>
          </Paper>
        );
      })}
      <Paper withBorder radius="md">
        {items.length === 0 ? (
          <Empty
            title={t('billing.reconciliation.noneFilteredTitle')}
            description={t('billing.reconciliation.noneFiltered')}
          />
        ) : (
          <Table.ScrollContainer minWidth={960}>
            <Table data-testid="reconciliation-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('billing.reconciliation.item')}</Table.Th>
                  <Table.Th>{t('billing.reconciliation.kind')}</Table.Th>
                  <Table.Th>{t('billing.reconciliation.outcome')}</Table.Th>
                  <Table.Th ta="right">{t('billing.reconciliation.ours')}</Table.Th>
                  <Table.Th ta="right">{t('billing.reconciliation.microsoft')}</Table.Th>
                  <Table.Th ta="right">{t('billing.reconciliation.difference')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.slice(0, shown).map((item) => (
                  <ItemRow key={`${item.kind}|${item.key}|${item.currency}`} item={item} />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {items.length > shown && <LoadMore onClick={() => setShown(shown + PAGE)} loading={false} />}
      </Paper>
    </Stack>
  );
}

function ItemRow({ item }: { item: ReconciliationItem }) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <Table.Tr data-testid="reconciliation-row" data-key={item.key}>
      <Table.Td>
        <Text size="sm">{item.description}</Text>
        <Text size="xs" c="dimmed" ff="monospace">
          {item.key}
        </Text>
      </Table.Td>
      <Table.Td style={NOWRAP}>{t(`billing.reconciliation.kinds.${item.kind}`)}</Table.Td>
      <Table.Td style={NOWRAP}>
        <Badge
          variant="light"
          color={item.status === 'matched' ? 'green' : 'orange'}
          maw="none"
          style={{ minWidth: 'max-content' }}
          title={item.note ?? undefined}
          data-testid="reconciliation-outcome"
        >
          {item.reason === null
            ? t('billing.reconciliation.matched')
            : isReconciliationReason(item.reason)
              ? t(`billing.reconciliation.reasons.${item.reason}`)
              : item.reason}
        </Badge>
      </Table.Td>
      <Table.Td ta="right">
        <Side side={item.ours} currency={item.currency} />
      </Table.Td>
      <Table.Td ta="right">
        <Side side={item.microsoft} currency={item.currency} />
      </Table.Td>
      <Table.Td ta="right" style={NOWRAP}>
        <Text size="sm" fw={600} c={signOf(item.difference) === 0 ? undefined : 'red'} span>
          {f.money(item.difference, item.currency)}
        </Text>
      </Table.Td>
    </Table.Tr>
  );
}

function Side({ side, currency }: { side: CostSide | null; currency: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  if (!side) {
    return (
      <Text size="sm" c="dimmed" span>
        {t('billing.reconciliation.none')}
      </Text>
    );
  }
  return (
    <Stack gap={0} align="flex-end">
      <Text size="sm" style={NOWRAP}>
        {f.money(side.amount, currency)}
      </Text>
      {side.quantity !== null && side.unitPrice !== null && (
        <Text size="xs" c="dimmed" style={NOWRAP}>
          {t('billing.reconciliation.qtyTimesPrice', {
            quantity: f.number(side.quantity),
            price: f.money(side.unitPrice, currency),
          })}
        </Text>
      )}
    </Stack>
  );
}
