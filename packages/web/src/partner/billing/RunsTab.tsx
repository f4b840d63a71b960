import {
  Alert,
  Badge,
  Button,
  Checkbox,
  Group,
  List,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Empty, ErrorState, InlineLoader, LoadMore } from '../../components/States';
import { useFormat } from '../../hooks/useFormat';
import {
  type BillingRunResult,
  billingRunsQuery,
  invoicePreviewQuery,
  monthOf,
  monthOptions,
  startBillingRun,
} from './api';
import { CounterpartyPicker } from './BillingPage';
import { billingErrorMessage } from './errors';
import { Fact, LinesTable, TaxTable } from './InvoiceDetail';

const PERIOD = /^\d{4}-(0[1-9]|1[0-2])$/;
const RUN_STATUSES = ['running', 'completed', 'failed'] as const;
const RUN_COLORS: Record<string, string> = { running: 'blue', completed: 'green', failed: 'red' };

/** Billing runs: start one for a month, the list of runs, and a customer's invoice preview. */
export default function RunsTab() {
  return (
    <Stack gap="lg">
      <StartRun />
      <RunList />
      <Preview />
    </Stack>
  );
}

function StartRun() {
  const { t } = useTranslation();
  const f = useFormat();
  const client = useQueryClient();
  const [period, setPeriod] = useState(() => monthOf(new Date(), -1));
  const [issue, setIssue] = useState(false);
  const [result, setResult] = useState<BillingRunResult | null>(null);
  const run = useMutation({
    mutationFn: () => startBillingRun({ period, issue }),
    onSuccess: async (answer) => {
      setResult(answer);
      await Promise.all([
        client.invalidateQueries({ queryKey: ['billing-runs'] }),
        client.invalidateQueries({ queryKey: ['invoices'] }),
      ]);
    },
  });
  const valid = PERIOD.test(period);
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="run-start-title">
      <Title order={2} size="h4" id="run-start-title" mb="xs">
        {t('billing.runs.startTitle')}
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        {t('billing.runs.startHint')}
      </Text>
      <Group align="flex-end" wrap="wrap">
        <Select
          label={t('billing.period')}
          data={monthOptions(f.locale)}
          value={period}
          onChange={(value) => value && setPeriod(value)}
          allowDeselect={false}
          searchable
          required
          w={220}
        />
        <Checkbox
          label={t('billing.runs.issueNow')}
          checked={issue}
          onChange={(event) => setIssue(event.currentTarget.checked)}
          mb={8}
        />
        <Button disabled={!valid} loading={run.isPending} onClick={() => run.mutate()}>
          {t('billing.runs.start')}
        </Button>
      </Group>
      {run.isError && (
        <Alert color="red" role="alert" mt="sm">
          {billingErrorMessage(t, run.error)}
        </Alert>
      )}
      {result && !run.isPending && (
        <Alert
          color={result.errors.length > 0 ? 'orange' : 'green'}
          mt="sm"
          role="status"
          data-testid="run-result"
        >
          <Text size="sm" fw={600}>
            {result.resumed ? t('billing.runs.resumed') : t('billing.runs.done')}
          </Text>
          <Text size="sm">
            {t('billing.runs.resultLine', {
              recipients: result.recipients,
              created: result.invoicesCreated,
              updated: result.invoicesUpdated,
              unchanged: result.invoicesUnchanged,
              removed: result.invoicesRemoved,
              issued: result.invoicesIssued,
            })}
          </Text>
          {result.errors.length > 0 && (
            <List size="sm">
              {result.errors.map((error) => (
                <List.Item key={`${error.recipientId}-${error.code}`}>{error.message}</List.Item>
              ))}
            </List>
          )}
        </Alert>
      )}
    </Paper>
  );
}

function RunList() {
  const { t } = useTranslation();
  const f = useFormat();
  const query = useInfiniteQuery(billingRunsQuery());
  const items = query.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <Paper withBorder radius="md" component="section" aria-labelledby="run-list-title">
      <Title order={2} size="h4" id="run-list-title" p="md" pb={0}>
        {t('billing.runs.listTitle')}
      </Title>
      {query.isPending ? (
        <InlineLoader />
      ) : query.isError ? (
        <Stack p="md">
          <ErrorState error={query.error} onRetry={() => void query.refetch()} />
        </Stack>
      ) : items.length === 0 ? (
        <Empty title={t('billing.runs.emptyTitle')} description={t('billing.runs.emptyDescription')} />
      ) : (
        <Table.ScrollContainer minWidth={820}>
          <Table highlightOnHover data-testid="run-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('billing.period')}</Table.Th>
                <Table.Th>{t('billing.statusLabel')}</Table.Th>
                <Table.Th ta="right">{t('billing.runs.recipients')}</Table.Th>
                <Table.Th ta="right">{t('billing.runs.created')}</Table.Th>
                <Table.Th ta="right">{t('billing.runs.updated')}</Table.Th>
                <Table.Th ta="right">{t('billing.runs.issued')}</Table.Th>
                <Table.Th ta="right">{t('billing.runs.attempts')}</Table.Th>
                <Table.Th>{t('billing.runs.startedAt')}</Table.Th>
                <Table.Th>{t('billing.runs.startedBy')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((run) => (
                <Table.Tr key={run.id}>
                  <Table.Td>{run.period}</Table.Td>
                  <Table.Td>
                    <Badge color={RUN_COLORS[run.status] ?? 'gray'} variant="light">
                      {(RUN_STATUSES as readonly string[]).includes(run.status)
                        ? t(`billing.runs.status.${run.status as (typeof RUN_STATUSES)[number]}`)
                        : run.status}
                    </Badge>
                    {run.error && (
                      <Text size="xs" c="red">
                        {run.error}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td ta="right">
                    {f.number(run.recipientsDone)} / {f.number(run.recipientsTotal)}
                  </Table.Td>
                  <Table.Td ta="right">{f.number(run.invoicesCreated)}</Table.Td>
                  <Table.Td ta="right">{f.number(run.invoicesUpdated)}</Table.Td>
                  <Table.Td ta="right">{f.number(run.invoicesIssued)}</Table.Td>
                  <Table.Td ta="right">{f.number(run.attempts)}</Table.Td>
                  <Table.Td>{f.dateTime(run.startedAt)}</Table.Td>
                  <Table.Td>{run.startedBy}</Table.Td>
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
  );
}

function Preview() {
  const { t } = useTranslation();
  const f = useFormat();
  const [customerId, setCustomerId] = useState('');
  const [period, setPeriod] = useState(() => monthOf(new Date()));
  const ready = customerId !== '' && PERIOD.test(period);
  const query = useQuery({ ...invoicePreviewQuery(customerId, period), enabled: ready });
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="preview-title">
      <Title order={2} size="h4" id="preview-title" mb="xs">
        {t('billing.preview.title')}
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        {t('billing.preview.hint')}
      </Text>
      <Group align="flex-end" wrap="wrap" mb="md">
        <CounterpartyPicker
          label={t('billing.recipient')}
          value={customerId}
          onChange={(value) => setCustomerId(value ?? '')}
          required
          testId="preview-recipient"
        />
        <Select
          label={t('billing.period')}
          data={monthOptions(f.locale)}
          value={period}
          onChange={(value) => value && setPeriod(value)}
          allowDeselect={false}
          searchable
          required
          w={220}
        />
      </Group>
      {!ready ? (
        <Text size="sm" c="dimmed">
          {t('billing.preview.pick')}
        </Text>
      ) : query.isPending ? (
        <InlineLoader />
      ) : query.isError ? (
        <Alert color="red" role="alert">
          {billingErrorMessage(t, query.error)}
        </Alert>
      ) : query.data.invoices.length === 0 ? (
        <Empty title={t('billing.preview.emptyTitle')} description={t('billing.preview.emptyDescription')} />
      ) : (
        <Stack gap="md" data-testid="invoice-preview">
          {query.data.invoices.map((invoice) => (
            <Stack key={invoice.currency} gap="sm">
              <SimpleGrid cols={{ base: 2, md: 4 }}>
                <Fact label={t('billing.issuer')} value={query.data.issuer.name} />
                <Fact label={t('billing.recipient')} value={query.data.recipient.name} />
                <Fact label={t('billing.net')} value={f.money(invoice.net, invoice.currency)} />
                <Fact label={t('billing.gross')} value={f.money(invoice.gross, invoice.currency)} />
              </SimpleGrid>
              <LinesTable
                currency={invoice.currency}
                lines={invoice.lines.map((line, index) => ({
                  ...line,
                  key: `${line.sourceKey}-${line.position}`,
                  explanation: invoice.explanations[index] ?? {},
                }))}
                testId="preview-lines"
              />
              <TaxTable currency={invoice.currency} rates={invoice.taxByRate} gross={invoice.gross} />
            </Stack>
          ))}
        </Stack>
      )}
    </Paper>
  );
}
