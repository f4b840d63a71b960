import { Anchor, Badge, Button, Card, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Fragment, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { PageHeader } from '../components/PageHeader';
import { Empty, ErrorState, InlineLoader } from '../components/States';
import { useFormat } from '../hooks/useFormat';
import { currentLocale } from '../i18n';
import { dayBefore } from './dates';
import { IconDownload } from './icons';
import { type InvoiceSummary, invoiceQuery, invoicesQuery } from './invoices';

/**
 * The invoices the company received (#7 billing: /api/v1/invoices): list, detail with the
 * explanation of every line, PDF (in the UI language) and CSV.
 */

export default function InvoicesPage() {
  const { invoiceId } = useParams();
  return invoiceId ? <InvoiceDetail id={invoiceId} /> : <InvoiceList />;
}

function StatusBadge({ invoice }: { invoice: InvoiceSummary }) {
  const { t } = useTranslation();
  const status = invoice.overdue ? 'overdue' : invoice.status;
  const label = (t(`panel.invoices.status.${status}` as never, { defaultValue: '' }) as string) || status;
  const color =
    status === 'paid' ? 'green' : status === 'overdue' ? 'red' : status === 'void' ? 'gray' : 'blue';
  return (
    <Badge variant="light" color={color}>
      {label}
    </Badge>
  );
}

function InvoiceList() {
  const { t } = useTranslation();
  const f = useFormat();
  const query = useQuery(invoicesQuery);
  const items = query.data?.items ?? [];
  const day = (date: string | null) => (date ? f.date(`${date}T12:00:00Z`) : '–');
  return (
    <>
      <PageHeader title={t('panel.invoices.title')} description={t('panel.invoices.description')} />
      <Card withBorder radius="md" p={0}>
        {query.error ? (
          <ErrorState error={query.error} onRetry={() => void query.refetch()} />
        ) : query.isPending ? (
          <InlineLoader />
        ) : items.length === 0 ? (
          <Empty title={t('panel.invoices.empty')} />
        ) : (
          <Table striped data-testid="invoices-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('panel.invoices.number')}</Table.Th>
                <Table.Th>{t('panel.invoices.period')}</Table.Th>
                <Table.Th>{t('panel.invoices.from')}</Table.Th>
                <Table.Th>{t('panel.invoices.issued')}</Table.Th>
                <Table.Th>{t('panel.invoices.due')}</Table.Th>
                <Table.Th ta="right">{t('panel.invoices.gross')}</Table.Th>
                <Table.Th>{t('panel.invoices.state')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((i) => (
                <Table.Tr key={i.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/my/invoices/${i.id}`} size="sm">
                      {i.number ?? t('panel.invoices.draft')}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{i.period}</Table.Td>
                  <Table.Td>{i.issuer.name}</Table.Td>
                  <Table.Td>{day(i.issueDate)}</Table.Td>
                  <Table.Td>{day(i.dueDate)}</Table.Td>
                  <Table.Td ta="right">{f.money(i.gross, i.currency)}</Table.Td>
                  <Table.Td>
                    <StatusBadge invoice={i} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Card>
    </>
  );
}

function InvoiceDetail({ id }: { id: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const query = useQuery(invoiceQuery(id));
  const [open, setOpen] = useState<string | null>(null);
  if (query.isPending) return <InlineLoader />;
  if (query.error) {
    return (
      <>
        <PageHeader title={t('panel.invoices.title')} />
        <Stack gap="md" data-testid="invoice-not-found">
          <ErrorState error={query.error} />
          <Anchor component={Link} to="/my/invoices">
            {t('panel.invoices.back')}
          </Anchor>
        </Stack>
      </>
    );
  }
  const inv = query.data;
  const base = `/api/v1/invoices/${encodeURIComponent(inv.id)}`;
  const day = (date: string | null) => (date ? f.date(`${date}T12:00:00Z`) : '–');
  return (
    <>
      <PageHeader
        title={t('panel.invoices.invoiceTitle', { number: inv.number ?? t('panel.invoices.draft') })}
        description={t('panel.invoices.fromPeriod', { issuer: inv.issuer.name, period: inv.period })}
        actions={
          <Group>
            <Button
              component="a"
              href={`${base}/pdf?locale=${currentLocale()}`}
              target="_blank"
              rel="noopener"
              variant="light"
              leftSection={<IconDownload />}
              data-testid="invoice-pdf"
            >
              PDF
            </Button>
            <Button
              component="a"
              href={`${base}/export?format=csv`}
              download
              variant="light"
              leftSection={<IconDownload />}
              data-testid="invoice-csv"
            >
              CSV
            </Button>
          </Group>
        }
      />
      <Stack gap="lg">
        <SimpleGrid cols={{ base: 2, md: 4 }}>
          <Fact label={t('panel.invoices.issued')} value={day(inv.issueDate)} />
          <Fact label={t('panel.invoices.due')} value={day(inv.dueDate)} />
          <Fact
            label={t('panel.invoices.gross')}
            value={f.money(inv.gross, inv.currency)}
            testId="invoice-gross"
          />
          <Fact label={t('panel.invoices.balance')} value={f.money(inv.balance, inv.currency)} />
        </SimpleGrid>
        <Card withBorder radius="md" p={0}>
          <Table data-testid="invoice-lines">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('panel.invoices.line')}</Table.Th>
                <Table.Th>{t('panel.invoices.servicePeriod')}</Table.Th>
                <Table.Th ta="right">{t('panel.contracts.quantity')}</Table.Th>
                <Table.Th ta="right">{t('panel.buy.unitPrice')}</Table.Th>
                <Table.Th ta="right">{t('panel.invoices.amount')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {inv.lines.map((l) => (
                <Fragment key={l.id}>
                  <Table.Tr>
                    <Table.Td>{l.description}</Table.Td>
                    <Table.Td>
                      {l.periodStart && l.periodEnd
                        ? `${day(l.periodStart)} – ${day(dayBefore(l.periodEnd))}`
                        : '–'}
                    </Table.Td>
                    <Table.Td ta="right">{f.number(l.quantity)}</Table.Td>
                    <Table.Td ta="right">{l.unitPrice ? f.money(l.unitPrice, inv.currency) : '–'}</Table.Td>
                    <Table.Td ta="right">{f.money(l.amount, inv.currency)}</Table.Td>
                    <Table.Td>
                      <Button
                        size="compact-xs"
                        variant="subtle"
                        onClick={() => setOpen(open === l.id ? null : l.id)}
                      >
                        {t('panel.invoices.why')}
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                  {open === l.id && (
                    <Table.Tr>
                      <Table.Td colSpan={6} data-testid="line-explanation">
                        <Stack gap={2}>
                          {(l.explanation.steps ?? []).map((s) => (
                            <Text size="xs" key={`${s.label}-${s.formula}`}>
                              {s.label}: {s.formula} = {s.result}
                            </Text>
                          ))}
                          {l.explanation.summary && (
                            <Text size="xs" c="dimmed">
                              {l.explanation.summary}
                            </Text>
                          )}
                        </Stack>
                      </Table.Td>
                    </Table.Tr>
                  )}
                </Fragment>
              ))}
            </Table.Tbody>
          </Table>
        </Card>
        <Card withBorder radius="md" maw={520} ml="auto">
          <Title order={2} size="h6" mb="xs">
            {t('panel.invoices.totals')}
          </Title>
          <Table>
            <Table.Tbody>
              {inv.taxByRate.map((r) => (
                <Table.Tr key={r.percent}>
                  <Table.Td>{t('panel.invoices.taxAt', { percent: r.percent })}</Table.Td>
                  <Table.Td ta="right">{f.money(r.net, inv.currency)}</Table.Td>
                  <Table.Td ta="right">{f.money(r.tax, inv.currency)}</Table.Td>
                </Table.Tr>
              ))}
              <Table.Tr>
                <Table.Th>{t('panel.invoices.gross')}</Table.Th>
                <Table.Td />
                <Table.Th ta="right">{f.money(inv.gross, inv.currency)}</Table.Th>
              </Table.Tr>
            </Table.Tbody>
          </Table>
        </Card>
        <Anchor component={Link} to="/my/invoices" size="sm">
          {t('panel.invoices.back')}
        </Anchor>
      </Stack>
    </>
  );
}

function Fact({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <Card withBorder radius="md" padding="sm">
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={700} data-testid={testId}>
        {value}
      </Text>
    </Card>
  );
}
