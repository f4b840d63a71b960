import {
  ActionIcon,
  Alert,
  Anchor,
  Badge,
  Button,
  CopyButton,
  Group,
  Modal,
  NumberInput,
  Paper,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { isApiError } from '../../api/client';
import { useSession } from '../../auth/session';
import { PageHeader } from '../../components/PageHeader';
import { Empty, ErrorState, InlineLoader, LoadMore } from '../../components/States';
import { formatCountry, formatCurrencyName } from '../../format';
import { useFormat } from '../../hooks/useFormat';
import {
  type CatalogItem,
  catalogSearchQuery,
  customerOptionsQuery,
  priceQuoteQuery,
  quoteListQuery,
  quotePdfUrl,
} from '../api';
import { partnerErrorMessage } from '../errors';
import { LinesTableHead } from './LinesTableHead';
import {
  acceptQuote,
  emptyTenantForm,
  MAX_QUOTE_LINES,
  PROSPECT_COUNTRIES,
  PROSPECT_CURRENCIES,
  type QuoteDetailView,
  type QuoteForm,
  type QuoteFormLine,
  quoteDetailQuery,
  quotePayload,
  quoteProblems,
  type SentQuote,
  saveQuote,
  sendQuote,
  type TenantForm,
  type TenantProblem,
  tenantPayload,
  tenantProblems,
  wholeQuantity,
  withOwn,
} from './quoteLines';
import { offerChoices } from './wizard';

const STATUSES = ['draft', 'sent', 'accepted', 'expired', 'cancelled'] as const;
const NOWRAP = { whiteSpace: 'nowrap' } as const;

function QuoteStatus({ status }: { status: string }) {
  const { t } = useTranslation();
  const known = (STATUSES as readonly string[]).includes(status);
  const color = status === 'accepted' ? 'green' : status === 'sent' ? 'blue' : 'gray';
  return (
    <Badge
      color={color}
      variant="light"
      maw="none"
      style={{ flexShrink: 0, minWidth: 'max-content' }}
      data-testid="quote-status"
    >
      {known ? t(`quotes.status.${status as (typeof STATUSES)[number]}`) : status}
    </Badge>
  );
}

function ProspectBadge() {
  const { t } = useTranslation();
  return (
    <Badge color="grape" variant="light" size="sm" style={{ flexShrink: 0 }}>
      {t('quotes.prospect')}
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
  const [open, setOpen] = useState<string | null>(null);
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
                    <Table.Th>{t('quotes.recipient')}</Table.Th>
                    <Table.Th>{t('orders.stateLabel')}</Table.Th>
                    <Table.Th>{t('quotes.validUntil')}</Table.Th>
                    <Table.Th ta="right">{t('quotes.lineCount')}</Table.Th>
                    <Table.Th ta="right">{t('quotes.termTotal')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {items.map((quote) => (
                    <Table.Tr key={quote.id} data-quote-id={quote.id}>
                      <Table.Td style={NOWRAP}>
                        <Anchor component="button" type="button" onClick={() => setOpen(quote.id)}>
                          {quote.number}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>
                        <Group gap="xs" wrap="nowrap">
                          <span>{quote.customerName}</span>
                          {quote.customerId === null && <ProspectBadge />}
                        </Group>
                      </Table.Td>
                      <Table.Td>
                        <QuoteStatus status={quote.status} />
                      </Table.Td>
                      <Table.Td style={NOWRAP}>{f.date(quote.validUntil)}</Table.Td>
                      <Table.Td ta="right">{f.number(quote.lines.length)}</Table.Td>
                      <Table.Td ta="right" style={NOWRAP}>
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
      {open && <QuoteDetail id={open} onClose={() => setOpen(null)} />}
      {creating && <NewQuote onClose={() => setCreating(false)} onCreated={(quote) => setOpen(quote.id)} />}
    </>
  );
}

function QuoteDetail({ id, onClose }: { id: string; onClose: () => void }) {
  const { t } = useTranslation();
  const query = useQuery(quoteDetailQuery(id));
  return (
    <Modal
      opened
      onClose={onClose}
      title={query.data ? `${query.data.number} · ${query.data.customerName}` : t('quotes.title')}
      size="xl"
    >
      {query.isPending ? (
        <InlineLoader />
      ) : query.isError ? (
        <Alert color="red" role="alert">
          {partnerErrorMessage(t, query.error)}
        </Alert>
      ) : (
        <QuoteView quote={query.data} />
      )}
    </Modal>
  );
}

function QuoteView({ quote }: { quote: QuoteDetailView }) {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  const me = useSession();
  const client = useQueryClient();
  const [sent, setSent] = useState<SentQuote | null>(null);
  const [orderId, setOrderId] = useState<string | null>(quote.orderId);
  const refresh = async () => {
    await client.invalidateQueries({ queryKey: ['quotes'] });
  };
  const send = useMutation({
    mutationFn: () => sendQuote(quote.id),
    onSuccess: async (result) => {
      setSent(result);
      await refresh();
    },
  });
  const [tenant, setTenant] = useState<TenantForm>(() => emptyTenantForm(quote.prospect?.email ?? ''));
  const [tenantTouched, setTenantTouched] = useState(false);
  // A prospect (or a customer without a Microsoft tenant) needs one to order: asked for on accepting.
  const [tenantAsked, setTenantAsked] = useState(false);
  const needsTenant = quote.customerId === null || tenantAsked;
  const accept = useMutation({
    mutationFn: () =>
      acceptQuote(
        quote.id,
        needsTenant ? { tenant: tenantPayload(tenant, quote.customerName, quote.prospect?.country) } : {},
      ),
    onSuccess: async (result) => {
      setOrderId(result.order.id);
      await refresh();
      await client.invalidateQueries({ queryKey: ['orders'] });
    },
    onError: async (failure) => {
      if (isApiError(failure) && failure.code === 'tenant_required') setTenantAsked(true);
      await refresh();
    },
  });
  const canWrite = me.permissions.includes('quotes:write');
  const canOrder = me.permissions.includes('orders:write');
  const error = send.error ?? accept.error;
  const acceptable = (quote.status === 'sent' || sent !== null) && !orderId && canWrite && canOrder;
  const tenantIssues = tenantProblems(tenant);
  const onAccept = () => {
    setTenantTouched(true);
    if (!needsTenant || tenantIssues.size === 0) accept.mutate();
  };
  return (
    <Stack gap="sm" data-testid="quote-detail">
      <Group justify="space-between" wrap="wrap">
        <Group gap="xs">
          <QuoteStatus status={quote.status} />
          {quote.prospect && <ProspectBadge />}
          {quote.title && <Text fw={600}>{quote.title}</Text>}
        </Group>
        <Anchor
          href={quotePdfUrl(quote.id, i18n.resolvedLanguage ?? 'en')}
          target="_blank"
          rel="noreferrer"
          data-testid="quote-pdf"
        >
          {t('quotes.pdf')}
        </Anchor>
      </Group>
      <SimpleGrid cols={{ base: 1, sm: 3 }} data-testid="quote-facts">
        <Fact label={t('quotes.recipient')} value={quote.customerName} />
        {quote.prospect?.email && <Fact label={t('quotes.email')} value={quote.prospect.email} />}
        <Fact label={t('quotes.validUntil')} value={f.date(quote.validUntil)} />
      </SimpleGrid>
      <Table.ScrollContainer minWidth={680}>
        <Table data-testid="quote-lines">
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
                <Table.Td>
                  <Text size="sm">{line.title}</Text>
                  {line.explanation.summary && (
                    <Text size="xs" c="dimmed" data-testid="quote-line-explanation">
                      {line.explanation.summary}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td style={NOWRAP}>
                  {line.term} / {line.billingCycle}
                </Table.Td>
                <Table.Td ta="right">{f.number(line.quantity)}</Table.Td>
                <Table.Td ta="right" style={NOWRAP}>
                  {f.money(line.unitPrice, line.currency)}
                </Table.Td>
                <Table.Td ta="right" style={NOWRAP}>
                  {f.money(line.totalPerCycle, line.currency)}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <Paper withBorder p="sm" radius="md" data-testid="quote-totals">
        <Stack gap={4}>
          {quote.totals.byBillingCycle.map((total) => (
            <Group key={total.billingCycle} justify="space-between">
              <Text size="sm">{t('quotes.perBillingCycle', { cycle: total.billingCycle })}</Text>
              <Text size="sm">
                {t('quotes.netTaxGross', {
                  net: f.money(total.net, total.currency),
                  tax: f.money(total.tax, total.currency),
                  gross: f.money(total.gross, total.currency),
                })}
              </Text>
            </Group>
          ))}
          <Group justify="space-between">
            <Text fw={600}>{t('quotes.termTotal')}</Text>
            <Text fw={600} data-testid="quote-term-total">
              {f.money(quote.totals.term.gross, quote.totals.currency)}
            </Text>
          </Group>
        </Stack>
      </Paper>
      {sent && (
        <Alert color="blue" variant="light" data-testid="quote-share">
          <Stack gap={4}>
            <Text size="sm">{t('quotes.sentHint')}</Text>
            <Group gap="xs" wrap="nowrap">
              <TextInput
                aria-label={t('quotes.shareLink')}
                value={sent.shareUrl}
                readOnly
                style={{ flex: 1 }}
                data-testid="quote-share-url"
              />
              <CopyButton value={sent.shareUrl}>
                {({ copied, copy }) => (
                  <Button size="xs" variant="default" onClick={copy}>
                    {copied ? t('quotes.copied') : t('quotes.copy')}
                  </Button>
                )}
              </CopyButton>
            </Group>
          </Stack>
        </Alert>
      )}
      {orderId && (
        <Alert color="green" variant="light" data-testid="quote-order">
          <Anchor component={Link} to={`/orders/${encodeURIComponent(orderId)}`}>
            {t('quotes.openOrder')}
          </Anchor>
        </Alert>
      )}
      {acceptable && needsTenant && (
        <TenantFields
          form={tenant}
          onChange={setTenant}
          problems={tenantTouched ? tenantIssues : new Set()}
        />
      )}
      {error && (
        <Alert color="red" role="alert">
          {partnerErrorMessage(t, error)}
        </Alert>
      )}
      {canWrite && (
        <Group justify="flex-end">
          {quote.status === 'draft' && !sent && (
            <Button onClick={() => send.mutate()} loading={send.isPending}>
              {t('quotes.send')}
            </Button>
          )}
          {acceptable && (
            <Button color="green" onClick={onAccept} loading={accept.isPending}>
              {t('quotes.accept')}
            </Button>
          )}
        </Group>
      )}
    </Stack>
  );
}

function TenantFields({
  form,
  onChange,
  problems,
}: {
  form: TenantForm;
  onChange: (form: TenantForm) => void;
  problems: ReadonlySet<TenantProblem>;
}) {
  const { t } = useTranslation();
  const field = (key: Exclude<keyof TenantForm, 'mode'>, label: string, message: string) => (
    <TextInput
      label={label}
      value={form[key]}
      onChange={(event) => onChange({ ...form, [key]: event.currentTarget.value })}
      required
      error={problems.has(key) ? message : undefined}
    />
  );
  return (
    <Paper withBorder p="sm" radius="md" data-testid="quote-tenant">
      <Stack gap="xs">
        <Text size="sm" fw={600}>
          {t('quotes.tenantTitle')}
        </Text>
        <SegmentedControl
          value={form.mode}
          onChange={(mode) => onChange({ ...form, mode: mode as TenantForm['mode'] })}
          data={[
            { value: 'new', label: t('quotes.tenantNew') },
            { value: 'existing', label: t('quotes.tenantExisting') },
          ]}
          aria-label={t('quotes.tenantTitle')}
        />
        {form.mode === 'existing' ? (
          field('domain', t('quotes.tenantDomain'), t('quotes.problems.domain'))
        ) : (
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            {field('domainPrefix', t('wizard.domainPrefix'), t('wizard.domainInvalid'))}
            {field('email', t('wizard.email'), t('quotes.problems.email'))}
            {field('firstName', t('wizard.firstName'), t('quotes.problems.required'))}
            {field('lastName', t('wizard.lastName'), t('quotes.problems.required'))}
            {field('addressLine1', t('wizard.address'), t('quotes.problems.required'))}
            {field('city', t('wizard.city'), t('quotes.problems.required'))}
            {field('postalCode', t('wizard.postalCode'), t('quotes.problems.required'))}
          </SimpleGrid>
        )}
      </Stack>
    </Paper>
  );
}

function Fact({ label, value }: { label: string; value: React.ReactNode }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="sm" component="div">
        {value}
      </Text>
    </Stack>
  );
}

function emptyForm(country: string, currency: string): QuoteForm {
  return {
    mode: 'customer',
    customerId: null,
    prospect: { companyName: '', email: '', contactName: '', country, currency },
    title: '',
    lines: [],
  };
}

function NewQuote({
  onClose,
  onCreated,
}: {
  onClose: () => void;
  onCreated: (quote: QuoteDetailView) => void;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const me = useSession();
  const client = useQueryClient();
  const [form, setForm] = useState<QuoteForm>(() =>
    emptyForm(me.organization.country, me.organization.currency),
  );
  const [touched, setTouched] = useState(false);
  const customers = useQuery(customerOptionsQuery(''));
  // Only the customer's own seller quotes for it: customers of the caller, not of its resellers.
  const ownCustomers = (customers.data?.items ?? []).filter((org) => org.parentId === me.organization.id);
  const customer = ownCustomers.find((org) => org.id === form.customerId) ?? null;
  const country = form.mode === 'customer' ? (customer?.country ?? null) : form.prospect.country;
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 300);
  const catalog = useQuery(catalogSearchQuery(q));
  const problems = quoteProblems(form);
  const show = (problem: Parameters<typeof problems.has>[0]) =>
    touched && problems.has(problem) ? t(`quotes.problems.${problem}`) : undefined;
  const setProspect = (patch: Partial<QuoteForm['prospect']>) =>
    setForm((prev) => ({ ...prev, prospect: { ...prev.prospect, ...patch } }));
  const setLines = (update: (lines: QuoteFormLine[]) => QuoteFormLine[]) =>
    setForm((prev) => ({ ...prev, lines: update(prev.lines) }));
  const add = (item: CatalogItem) => {
    const choice = country ? offerChoices(item, country)[0] : undefined;
    if (!choice) return;
    setLines((lines) => [
      ...lines,
      {
        key: crypto.randomUUID(),
        sku: `${item.productId}:${item.skuId}`,
        title: item.title,
        term: choice.term,
        billingCycle: choice.billingCycle,
        quantity: 1,
        item,
      },
    ]);
    setSearch('');
  };
  const save = useMutation({
    mutationFn: () => saveQuote(quotePayload(form)),
    onSuccess: async (quote) => {
      await client.invalidateQueries({ queryKey: ['quotes'] });
      onClose();
      onCreated(quote);
    },
  });
  const submit = () => {
    setTouched(true);
    if (problems.size === 0) save.mutate();
  };
  const catalogOptions = (catalog.data?.items ?? [])
    .filter((item) => item.productId && item.skuId && country && offerChoices(item, country).length > 0)
    .map((item) => ({ value: item.id, label: item.title }));
  return (
    <Modal opened onClose={onClose} title={t('quotes.newQuote')} size="xl">
      <Stack gap="sm">
        <SegmentedControl
          value={form.mode}
          onChange={(value) => setForm((prev) => ({ ...prev, mode: value as QuoteForm['mode'], lines: [] }))}
          data={[
            { value: 'customer', label: t('quotes.forCustomer') },
            { value: 'prospect', label: t('quotes.forProspect') },
          ]}
          aria-label={t('quotes.recipient')}
          data-testid="quote-mode"
        />
        {form.mode === 'customer' ? (
          <Select
            label={t('wizard.customer')}
            placeholder={t('wizard.customerPlaceholder')}
            data={ownCustomers.map((org) => ({ value: org.id, label: org.name }))}
            value={form.customerId}
            onChange={(customerId) => setForm((prev) => ({ ...prev, customerId }))}
            searchable
            required
            error={show('customer')}
            nothingFoundMessage={t('quotes.noCustomer')}
          />
        ) : (
          <Stack gap="sm" data-testid="quote-prospect">
            <Text size="sm" c="dimmed">
              {t('quotes.prospectHint')}
            </Text>
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <TextInput
                label={t('quotes.companyName')}
                value={form.prospect.companyName}
                onChange={(event) => setProspect({ companyName: event.currentTarget.value })}
                required
                maxLength={200}
                error={show('companyName')}
              />
              <TextInput
                label={t('quotes.email')}
                type="email"
                value={form.prospect.email}
                onChange={(event) => setProspect({ email: event.currentTarget.value })}
                required
                maxLength={254}
                error={show('email')}
              />
              <TextInput
                label={t('quotes.contactName')}
                value={form.prospect.contactName}
                onChange={(event) => setProspect({ contactName: event.currentTarget.value })}
                maxLength={200}
              />
              <Group grow>
                <Select
                  label={t('quotes.country')}
                  data={withOwn(PROSPECT_COUNTRIES, me.organization.country).map((code) => ({
                    value: code,
                    label: formatCountry(code, f.locale),
                  }))}
                  value={form.prospect.country}
                  onChange={(value) => {
                    if (value)
                      setForm((prev) => ({
                        ...prev,
                        prospect: { ...prev.prospect, country: value },
                        lines: [],
                      }));
                  }}
                  allowDeselect={false}
                  searchable
                  error={show('country')}
                />
                <Select
                  label={t('quotes.currency')}
                  data={withOwn(PROSPECT_CURRENCIES, me.organization.currency).map((code) => ({
                    value: code,
                    label: formatCurrencyName(code, f.locale),
                  }))}
                  value={form.prospect.currency}
                  onChange={(value) => value && setProspect({ currency: value })}
                  allowDeselect={false}
                  error={show('currency')}
                />
              </Group>
            </SimpleGrid>
          </Stack>
        )}
        <TextInput
          label={t('quotes.quoteTitle')}
          value={form.title}
          onChange={(event) => {
            const title = event.currentTarget.value;
            setForm((prev) => ({ ...prev, title }));
          }}
          maxLength={200}
        />
        <Title order={3} size="h5" mt="xs">
          {t('quotes.lines')}
        </Title>
        <Select
          label={t('wizard.skuSearch')}
          placeholder={country ? t('wizard.skuPlaceholder') : t('quotes.chooseRecipientFirst')}
          data={catalogOptions}
          value={null}
          onChange={(id) => {
            const item = catalog.data?.items.find((entry) => entry.id === id);
            if (item) add(item);
          }}
          searchable
          searchValue={search}
          onSearchChange={setSearch}
          filter={({ options }) => options}
          nothingFoundMessage={t('wizard.noSku')}
          disabled={!country || form.lines.length >= MAX_QUOTE_LINES}
          error={show('lines') ?? show('tooManyLines')}
          w={480}
          data-testid="quote-sku-search"
        />
        {form.lines.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('wizard.noLines')}
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={760}>
            <Table data-testid="quote-form-lines">
              <LinesTableHead />
              <Table.Tbody>
                {form.lines.map((line) => (
                  <QuoteLineRow
                    key={line.key}
                    line={line}
                    country={country ?? ''}
                    customerId={form.mode === 'customer' ? form.customerId : null}
                    showProblems={touched}
                    onChange={(next) =>
                      setLines((lines) => lines.map((l) => (l.key === line.key ? next : l)))
                    }
                    onRemove={() => setLines((lines) => lines.filter((l) => l.key !== line.key))}
                  />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {form.mode === 'prospect' && form.lines.length > 0 && (
          <Text size="xs" c="dimmed">
            {t('quotes.prospectPricing')}
          </Text>
        )}
        {save.isError && (
          <Alert color="red" role="alert">
            {partnerErrorMessage(t, save.error)}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('quotes.cancel')}
          </Button>
          <Button onClick={submit} loading={save.isPending} data-testid="quote-create">
            {t('quotes.create')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function QuoteLineRow({
  line,
  country,
  customerId,
  showProblems,
  onChange,
  onRemove,
}: {
  line: QuoteFormLine;
  country: string;
  customerId: string | null;
  showProblems: boolean;
  onChange: (line: QuoteFormLine) => void;
  onRemove: () => void;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const choices = offerChoices(line.item, country);
  const [debounced] = useDebouncedValue(line.quantity, 250);
  const quantity = wholeQuantity(debounced);
  // A customer's price comes from its price book as the line is typed; a prospect is priced when
  // the quote is saved (as a new direct customer), since it has no price book position yet.
  const price = useQuery(
    priceQuoteQuery(
      customerId && quantity !== null
        ? { customer: customerId, sku: line.sku, quantity, term: line.term, billingCycle: line.billingCycle }
        : null,
    ),
  );
  const badQuantity = showProblems && wholeQuantity(line.quantity) === null;
  return (
    <Table.Tr data-testid="quote-form-line">
      <Table.Td>
        <Text size="sm">{line.title}</Text>
      </Table.Td>
      <Table.Td>
        <Select
          aria-label={t('wizard.termFor', { title: line.title })}
          data={choices.map((c) => ({ value: c.value, label: `${c.term} / ${c.billingCycle}` }))}
          value={`${line.term}|${line.billingCycle}`}
          onChange={(value) => {
            const choice = choices.find((c) => c.value === value);
            if (choice) onChange({ ...line, term: choice.term, billingCycle: choice.billingCycle });
          }}
          allowDeselect={false}
          w={180}
        />
      </Table.Td>
      <Table.Td>
        <NumberInput
          aria-label={t('wizard.quantityFor', { title: line.title })}
          min={1}
          max={1_000_000}
          allowDecimal={false}
          allowNegative={false}
          clampBehavior="none"
          value={line.quantity}
          onChange={(value) => onChange({ ...line, quantity: value })}
          error={badQuantity ? t('quotes.problems.quantity') : undefined}
          w={120}
        />
      </Table.Td>
      <Table.Td ta="right" data-testid="quote-line-price">
        {!customerId ? (
          <Text size="sm" c="dimmed">
            {t('quotes.pricedOnSave')}
          </Text>
        ) : price.isFetching && !price.data ? (
          <Text size="sm" c="dimmed">
            {t('common.loading')}
          </Text>
        ) : price.isError ? (
          <Text size="sm" c="red">
            {partnerErrorMessage(t, price.error)}
          </Text>
        ) : price.data ? (
          <Stack gap={0} align="flex-end">
            <Text size="sm" fw={600}>
              {t('wizard.perCycle', {
                amount: f.money(price.data.totalPerBillingCycle, price.data.currency),
              })}
            </Text>
            <Text size="xs" c="dimmed">
              {t('wizard.unitAndTerm', {
                unit: f.money(price.data.unitPrice, price.data.currency),
                term: f.money(price.data.totalPerTerm, price.data.currency),
              })}
            </Text>
            <Text size="xs" c="dimmed" maw={320} ta="right" data-testid="quote-line-why">
              {price.data.explanation.summary}
            </Text>
          </Stack>
        ) : null}
      </Table.Td>
      <Table.Td>
        <ActionIcon
          variant="subtle"
          color="red"
          onClick={onRemove}
          aria-label={t('wizard.removeLine', { title: line.title })}
        >
          ×
        </ActionIcon>
      </Table.Td>
    </Table.Tr>
  );
}
