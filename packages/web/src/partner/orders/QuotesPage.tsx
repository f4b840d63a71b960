import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Modal,
  NumberInput,
  Paper,
  Select,
  Stack,
  Table,
  Text,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../../auth/session';
import { PageHeader } from '../../components/PageHeader';
import { Empty, ErrorState, InlineLoader, LoadMore } from '../../components/States';
import { useFormat } from '../../hooks/useFormat';
import {
  type CatalogItem,
  catalogSearchQuery,
  createQuote,
  customerOptionsQuery,
  priceQuoteQuery,
  type Quote,
  quoteAction,
  quoteListQuery,
  quotePdfUrl,
} from '../api';
import { partnerErrorMessage } from '../errors';
import { offerChoices } from './wizard';

const STATUSES = ['draft', 'sent', 'accepted', 'expired', 'cancelled'] as const;

function QuoteStatus({ status }: { status: string }) {
  const { t } = useTranslation();
  const known = (STATUSES as readonly string[]).includes(status);
  const color = status === 'accepted' ? 'green' : status === 'sent' ? 'blue' : 'gray';
  return (
    <Badge color={color} variant="light" maw="none" style={{ flexShrink: 0, minWidth: 'max-content' }}>
      {known ? t(`quotes.status.${status as (typeof STATUSES)[number]}`) : status}
    </Badge>
  );
}

export default function QuotesPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const me = useSession();
  const [status, setStatus] = useState<string | null>(null);
  const query = useInfiniteQuery(quoteListQuery(status ? { status } : {}));
  const items = query.data?.pages.flatMap((page) => page.items) ?? [];
  const [open, setOpen] = useState<Quote | null>(null);
  const [creating, setCreating] = useState(false);
  return (
    <>
      <PageHeader
        title={t('quotes.title')}
        description={t('quotes.description')}
        actions={
          me.permissions.includes('quotes:write') && (
            <Button onClick={() => setCreating(true)}>{t('quotes.newQuote')}</Button>
          )
        }
      />
      <Stack gap="md">
        <Select
          label={t('quotes.statusFilter')}
          placeholder={t('orders.anyState')}
          data={STATUSES.map((value) => ({ value, label: t(`quotes.status.${value}`) }))}
          value={status}
          onChange={setStatus}
          clearable
          w={200}
        />
        <Paper withBorder radius="md">
          {query.isPending ? (
            <InlineLoader />
          ) : query.isError ? (
            <Stack p="md">
              <ErrorState error={query.error} onRetry={() => void query.refetch()} />
            </Stack>
          ) : items.length === 0 ? (
            <Empty title={t('quotes.emptyTitle')} description={t('quotes.emptyDescription')} />
          ) : (
            <Table.ScrollContainer minWidth={760}>
              <Table highlightOnHover data-testid="quote-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('quotes.number')}</Table.Th>
                    <Table.Th>{t('orders.customer')}</Table.Th>
                    <Table.Th>{t('orders.stateLabel')}</Table.Th>
                    <Table.Th>{t('quotes.validUntil')}</Table.Th>
                    <Table.Th ta="right">{t('quotes.termTotal')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {items.map((quote) => (
                    <Table.Tr key={quote.id}>
                      <Table.Td>
                        <Anchor component="button" type="button" onClick={() => setOpen(quote)}>
                          {quote.number}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>{quote.customerName}</Table.Td>
                      <Table.Td>
                        <QuoteStatus status={quote.status} />
                      </Table.Td>
                      <Table.Td>{f.date(quote.validUntil)}</Table.Td>
                      <Table.Td ta="right">
                        {f.money(quote.totals.term.gross, quote.totals.currency)}
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
      {open && <QuoteDetail quote={open} onClose={() => setOpen(null)} />}
      {creating && <NewQuote onClose={() => setCreating(false)} onCreated={setOpen} />}
    </>
  );
}

function QuoteDetail({ quote, onClose }: { quote: Quote; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  const me = useSession();
  const client = useQueryClient();
  const act = useMutation({
    mutationFn: (action: 'send' | 'accept') => quoteAction(quote.id, action),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ['quotes'] });
      await client.invalidateQueries({ queryKey: ['orders'] });
      onClose();
    },
  });
  const canWrite = me.permissions.includes('quotes:write');
  return (
    <Modal opened onClose={onClose} title={`${quote.number} · ${quote.customerName}`} size="xl">
      <Stack gap="sm">
        <Group>
          <QuoteStatus status={quote.status} />
          <Anchor
            href={quotePdfUrl(quote.id, i18n.resolvedLanguage ?? 'en')}
            target="_blank"
            rel="noreferrer"
          >
            {t('quotes.pdf')}
          </Anchor>
        </Group>
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('orders.product')}</Table.Th>
              <Table.Th>{t('orders.term')}</Table.Th>
              <Table.Th ta="right">{t('orders.quantity')}</Table.Th>
              <Table.Th ta="right">{t('orders.unitPrice')}</Table.Th>
              <Table.Th ta="right">{t('quotes.perCycle')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {quote.lines.map((line) => (
              <Table.Tr key={line.id}>
                <Table.Td>{line.title}</Table.Td>
                <Table.Td>
                  {line.term} / {line.billingCycle}
                </Table.Td>
                <Table.Td ta="right">{f.number(line.quantity)}</Table.Td>
                <Table.Td ta="right">{f.money(line.unitPrice, line.currency)}</Table.Td>
                <Table.Td ta="right">{f.money(line.totalPerCycle, line.currency)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <Text ta="right" fw={600}>
          {t('quotes.termTotal')}: {f.money(quote.totals.term.gross, quote.totals.currency)}
        </Text>
        {act.isError && <Alert color="red">{partnerErrorMessage(t, act.error)}</Alert>}
        {canWrite && (
          <Group justify="flex-end">
            {quote.status === 'draft' && (
              <Button onClick={() => act.mutate('send')} loading={act.isPending}>
                {t('quotes.send')}
              </Button>
            )}
            {quote.status === 'sent' && (
              <Button color="green" onClick={() => act.mutate('accept')} loading={act.isPending}>
                {t('quotes.accept')}
              </Button>
            )}
          </Group>
        )}
      </Stack>
    </Modal>
  );
}

function NewQuote({ onClose, onCreated }: { onClose: () => void; onCreated: (quote: Quote) => void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const client = useQueryClient();
  const customers = useQuery(customerOptionsQuery(''));
  const [customerId, setCustomerId] = useState<string | null>(null);
  const customer = customers.data?.items.find((org) => org.id === customerId) ?? null;
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 300);
  const catalog = useQuery(catalogSearchQuery(q));
  const [item, setItem] = useState<CatalogItem | null>(null);
  const [choice, setChoice] = useState<string | null>(null);
  const [quantity, setQuantity] = useState<number | string>(1);
  const choices = item && customer ? offerChoices(item, customer.country) : [];
  const picked = choices.find((c) => c.value === choice) ?? choices[0];
  const [debouncedQuantity] = useDebouncedValue(Number(quantity) || 0, 250);
  const price = useQuery(
    priceQuoteQuery(
      customer && item && picked && debouncedQuantity > 0
        ? {
            customer: customer.id,
            sku: `${item.productId}:${item.skuId}`,
            quantity: debouncedQuantity,
            term: picked.term,
            billingCycle: picked.billingCycle,
          }
        : null,
    ),
  );
  const save = useMutation({
    mutationFn: () =>
      createQuote({
        customerId: customer!.id,
        lines: [
          {
            sku: `${item!.productId}:${item!.skuId}`,
            quantity: Number(quantity),
            term: picked!.term,
            billingCycle: picked!.billingCycle,
          },
        ],
      }),
    onSuccess: async (quote) => {
      await client.invalidateQueries({ queryKey: ['quotes'] });
      onClose();
      onCreated(quote);
    },
  });
  return (
    <Modal opened onClose={onClose} title={t('quotes.newQuote')} size="lg">
      <Stack gap="sm">
        <Select
          label={t('wizard.customer')}
          data={(customers.data?.items ?? []).map((org) => ({ value: org.id, label: org.name }))}
          value={customerId}
          onChange={setCustomerId}
          searchable
        />
        <Select
          label={t('wizard.skuSearch')}
          placeholder={t('wizard.skuPlaceholder')}
          data={(catalog.data?.items ?? []).map((entry) => ({ value: entry.id, label: entry.title }))}
          value={item?.id ?? null}
          onChange={(id) => setItem(catalog.data?.items.find((entry) => entry.id === id) ?? null)}
          searchable
          searchValue={search}
          onSearchChange={setSearch}
          filter={({ options }) => options}
          nothingFoundMessage={t('wizard.noSku')}
        />
        <Group grow>
          <Select
            label={t('orders.term')}
            data={choices.map((c) => ({ value: c.value, label: `${c.term} / ${c.billingCycle}` }))}
            value={picked?.value ?? null}
            onChange={setChoice}
            allowDeselect={false}
          />
          <NumberInput label={t('orders.quantity')} min={1} value={quantity} onChange={setQuantity} />
        </Group>
        {price.data && (
          <Paper withBorder p="sm" radius="md" data-testid="quote-price">
            <Text fw={600}>
              {t('wizard.perCycle', {
                amount: f.money(price.data.totalPerBillingCycle, price.data.currency),
              })}
            </Text>
            <Text size="xs" c="dimmed">
              {price.data.explanation.summary}
            </Text>
          </Paper>
        )}
        {price.isError && <Alert color="red">{partnerErrorMessage(t, price.error)}</Alert>}
        {save.isError && <Alert color="red">{partnerErrorMessage(t, save.error)}</Alert>}
        <Group justify="flex-end">
          <Button
            onClick={() => save.mutate()}
            disabled={!customer || !item || !picked}
            loading={save.isPending}
          >
            {t('quotes.create')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
