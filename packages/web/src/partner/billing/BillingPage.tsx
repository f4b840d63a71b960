import { Anchor, Badge, Group, Paper, Select, Stack, Table, Tabs, Text } from '@mantine/core';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { useSession } from '../../auth/session';
import { PageHeader } from '../../components/PageHeader';
import { Empty, ErrorState, InlineLoader, LoadMore } from '../../components/States';
import { useFormat } from '../../hooks/useFormat';
import {
  calendarDay,
  counterpartyOptionsQuery,
  creditNoteListQuery,
  INVOICE_STATUSES,
  type InvoiceSummary,
  invoiceListQuery,
  monthOptions,
} from './api';

const InvoiceDetail = lazy(() => import('./InvoiceDetail'));
const RunsTab = lazy(() => import('./RunsTab'));
const ProfileTab = lazy(() => import('./ProfileTab'));
const MarginTab = lazy(() => import('./MarginTab'));
const ReconciliationTab = lazy(() => import('./ReconciliationTab'));

const TABS = ['invoices', 'creditNotes', 'runs', 'margin', 'reconciliation', 'profile'] as const;
type Tab = (typeof TABS)[number];
const isTab = (value: string | null): value is Tab => (TABS as readonly (string | null)[]).includes(value);

/** `/billing` (tabs: invoices, credit notes, runs, margin, reconciliation, profile) and `/billing/:id` (an invoice). */
export default function BillingPage() {
  const { id } = useParams();
  if (id) {
    return (
      <Suspense fallback={<InlineLoader />}>
        <InvoiceDetail id={id} />
      </Suspense>
    );
  }
  return <BillingTabs />;
}

function BillingTabs() {
  const { t } = useTranslation();
  const me = useSession();
  const [params, setParams] = useSearchParams();
  const canWrite = me.permissions.includes('billing:write');
  // Only the provider buys from Microsoft, so only the provider reconciles Microsoft's invoices.
  const isProvider = me.organization.kind === 'provider';
  const tabs = TABS.filter(
    (tab) =>
      (canWrite || (tab !== 'runs' && tab !== 'profile' && tab !== 'margin')) &&
      (tab !== 'reconciliation' || isProvider),
  );
  const raw = params.get('tab');
  const tab: Tab = isTab(raw) && tabs.includes(raw) ? raw : 'invoices';
  return (
    <>
      <PageHeader title={t('billing.title')} description={t('billing.description')} />
      <Tabs
        value={tab}
        onChange={(value) =>
          setParams(value && value !== 'invoices' ? { tab: value } : {}, { replace: true })
        }
        keepMounted={false}
      >
        <Tabs.List mb="md">
          {tabs.map((value) => (
            <Tabs.Tab key={value} value={value}>
              {t(`billing.tabs.${value}`)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        <Tabs.Panel value="invoices">
          <InvoiceList />
        </Tabs.Panel>
        <Tabs.Panel value="creditNotes">
          <CreditNoteList />
        </Tabs.Panel>
        <Suspense fallback={<InlineLoader />}>
          <Tabs.Panel value="runs">
            <RunsTab />
          </Tabs.Panel>
          <Tabs.Panel value="margin">
            <MarginTab />
          </Tabs.Panel>
          <Tabs.Panel value="reconciliation">
            <ReconciliationTab />
          </Tabs.Panel>
          <Tabs.Panel value="profile">
            <ProfileTab />
          </Tabs.Panel>
        </Suspense>
      </Tabs>
    </>
  );
}

const NOWRAP = { whiteSpace: 'nowrap' } as const;

const STATUS_COLORS: Record<string, string> = { draft: 'gray', issued: 'blue', paid: 'green', void: 'dark' };

export function InvoiceStatusBadge({ invoice }: { invoice: Pick<InvoiceSummary, 'status' | 'overdue'> }) {
  const { t } = useTranslation();
  const known = (INVOICE_STATUSES as readonly string[]).includes(invoice.status);
  return (
    <Group gap={4} wrap="nowrap">
      <Badge color={STATUS_COLORS[invoice.status] ?? 'gray'} variant="light" data-testid="invoice-status">
        {known ? t(`billing.status.${invoice.status as (typeof INVOICE_STATUSES)[number]}`) : invoice.status}
      </Badge>
      {invoice.overdue && (
        <Badge color="red" variant="filled">
          {t('billing.overdue')}
        </Badge>
      )}
    </Group>
  );
}

/** Customers and resellers below the caller, searchable. */
export function CounterpartyPicker({
  value,
  onChange,
  label,
  required,
  testId,
}: {
  value: string;
  onChange: (value: string | null) => void;
  label: string;
  required?: boolean;
  testId?: string;
}) {
  const { t } = useTranslation();
  const me = useSession();
  const query = useQuery(counterpartyOptionsQuery());
  const options = (query.data?.items ?? [])
    .filter((org) => org.id !== me.organization.id && org.kind !== 'provider')
    .map((org) => ({ value: org.id, label: org.name }));
  return (
    <Select
      label={label}
      placeholder={t('billing.anyCounterparty')}
      data={options}
      value={value || null}
      onChange={onChange}
      searchable
      clearable={!required}
      required={required}
      nothingFoundMessage={t('billing.noCounterpartyFound')}
      w={300}
      data-testid={testId}
    />
  );
}

function InvoiceList() {
  const { t } = useTranslation();
  const f = useFormat();
  const [params, setParams] = useSearchParams();
  const status = params.get('status') ?? '';
  const direction = params.get('direction') ?? '';
  const period = params.get('period') ?? '';
  const counterpartyId = params.get('counterparty') ?? '';
  const filter = {
    ...(status ? { status } : {}),
    ...(direction ? { direction } : {}),
    ...(/^\d{4}-\d{2}$/.test(period) ? { period } : {}),
    ...(counterpartyId ? { counterpartyId } : {}),
  };
  const query = useInfiniteQuery(invoiceListQuery(filter));
  const items = query.data?.pages.flatMap((page) => page.items) ?? [];
  const setParam = (key: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  const filtered = Object.keys(filter).length > 0;
  return (
    <Stack gap="md">
      <Group align="flex-end" wrap="wrap">
        <Select
          label={t('billing.statusFilter')}
          placeholder={t('billing.anyStatus')}
          data={INVOICE_STATUSES.map((value) => ({ value, label: t(`billing.status.${value}`) }))}
          value={status || null}
          onChange={(value) => setParam('status', value)}
          clearable
          w={180}
        />
        <Select
          label={t('billing.directionFilter')}
          placeholder={t('billing.anyDirection')}
          data={(['issued', 'received'] as const).map((value) => ({
            value,
            label: t(`billing.direction.${value}`),
          }))}
          value={direction || null}
          onChange={(value) => setParam('direction', value)}
          clearable
          w={200}
        />
        <Select
          label={t('billing.period')}
          placeholder={t('billing.anyPeriod')}
          data={monthOptions(f.locale)}
          value={period || null}
          onChange={(value) => setParam('period', value)}
          clearable
          searchable
          w={200}
        />
        <CounterpartyPicker
          label={t('billing.counterparty')}
          value={counterpartyId}
          onChange={(value) => setParam('counterparty', value)}
        />
      </Group>
      <Paper withBorder radius="md">
        {query.isPending ? (
          <InlineLoader />
        ) : query.isError ? (
          <Stack p="md">
            <ErrorState error={query.error} onRetry={() => void query.refetch()} />
          </Stack>
        ) : items.length === 0 ? (
          <Empty
            title={t('billing.emptyTitle')}
            description={filtered ? t('billing.emptyFiltered') : t('billing.emptyDescription')}
          />
        ) : (
          <Table.ScrollContainer minWidth={960}>
            <Table highlightOnHover data-testid="invoice-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('billing.number')}</Table.Th>
                  <Table.Th>{t('billing.period')}</Table.Th>
                  <Table.Th>{t('billing.issuer')}</Table.Th>
                  <Table.Th>{t('billing.recipient')}</Table.Th>
                  <Table.Th>{t('billing.statusLabel')}</Table.Th>
                  <Table.Th ta="right">{t('billing.net')}</Table.Th>
                  <Table.Th ta="right">{t('billing.gross')}</Table.Th>
                  <Table.Th ta="right">{t('billing.balance')}</Table.Th>
                  <Table.Th>{t('billing.dueDate')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((invoice) => (
                  <Table.Tr key={invoice.id} data-invoice-id={invoice.id}>
                    <Table.Td style={NOWRAP}>
                      <Anchor component={Link} to={`/billing/${encodeURIComponent(invoice.id)}`}>
                        {invoice.number ?? t('billing.draftNumber')}
                      </Anchor>
                    </Table.Td>
                    <Table.Td style={NOWRAP}>{invoice.period}</Table.Td>
                    <Table.Td>{invoice.issuer.name}</Table.Td>
                    <Table.Td>{invoice.recipient.name}</Table.Td>
                    <Table.Td style={NOWRAP}>
                      <InvoiceStatusBadge invoice={invoice} />
                    </Table.Td>
                    <Table.Td ta="right" style={NOWRAP}>
                      {f.money(invoice.net, invoice.currency)}
                    </Table.Td>
                    <Table.Td ta="right" style={NOWRAP}>
                      {f.money(invoice.gross, invoice.currency)}
                    </Table.Td>
                    <Table.Td ta="right" style={NOWRAP}>
                      {f.money(invoice.balance, invoice.currency)}
                    </Table.Td>
                    <Table.Td style={NOWRAP}>
                      {invoice.dueDate ? calendarDay(invoice.dueDate, f.locale) : '–'}
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

function CreditNoteList() {
  const { t } = useTranslation();
  const f = useFormat();
  const query = useInfiniteQuery(creditNoteListQuery());
  const items = query.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <Paper withBorder radius="md">
      {query.isPending ? (
        <InlineLoader />
      ) : query.isError ? (
        <Stack p="md">
          <ErrorState error={query.error} onRetry={() => void query.refetch()} />
        </Stack>
      ) : items.length === 0 ? (
        <Empty
          title={t('billing.creditNotes.emptyTitle')}
          description={t('billing.creditNotes.emptyDescription')}
        />
      ) : (
        <Table.ScrollContainer minWidth={860}>
          <Table highlightOnHover data-testid="credit-note-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('billing.number')}</Table.Th>
                <Table.Th>{t('billing.creditNotes.invoice')}</Table.Th>
                <Table.Th>{t('billing.issuer')}</Table.Th>
                <Table.Th>{t('billing.recipient')}</Table.Th>
                <Table.Th>{t('billing.creditNotes.reason')}</Table.Th>
                <Table.Th ta="right">{t('billing.gross')}</Table.Th>
                <Table.Th>{t('billing.issueDate')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((note) => (
                <Table.Tr key={note.id}>
                  <Table.Td>{note.number}</Table.Td>
                  <Table.Td>
                    <Anchor component={Link} to={`/billing/${encodeURIComponent(note.invoiceId)}`}>
                      {note.invoiceNumber ?? t('billing.draftNumber')}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{note.issuer.name}</Table.Td>
                  <Table.Td>{note.recipient.name}</Table.Td>
                  <Table.Td>
                    <Text size="sm" lineClamp={2}>
                      {note.reason}
                    </Text>
                  </Table.Td>
                  <Table.Td ta="right">{f.money(note.gross, note.currency)}</Table.Td>
                  <Table.Td>{calendarDay(note.issueDate, f.locale)}</Table.Td>
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
