import {
  Alert,
  Badge,
  Button,
  Group,
  Modal,
  NumberInput,
  Paper,
  Select,
  Stack,
  Table,
  Tabs,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { useSession } from '../../auth/session';
import { IconSearch } from '../../components/icons';
import { PageHeader } from '../../components/PageHeader';
import { Empty, ErrorState, InlineLoader, LoadMore } from '../../components/States';
import { useFormat } from '../../hooks/useFormat';
import {
  type CatalogItem,
  catalogChangesQuery,
  catalogListQuery,
  catalogSearchQuery,
  createOwnProduct,
  customerOptionsQuery,
  type OwnProduct,
  type OwnProductInput,
  ownProductsQuery,
  type PriceRule,
  priceBooksQuery,
  priceRulesQuery,
  retireOwnProduct,
  testPriceQuote,
  updateOwnProduct,
} from '../api';
import { partnerErrorMessage } from '../errors';
import { offerChoices } from '../orders/wizard';
import { CustomerPicker } from '../usage/UsagePage';

const TABS = ['microsoft', 'changes', 'own', 'priceBooks'] as const;
type Tab = (typeof TABS)[number];
const TERMS = ['P1M', 'P1Y', 'P3Y'] as const;

export default function CatalogPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const tab = (TABS as readonly string[]).includes(params.get('tab') ?? '')
    ? (params.get('tab') as Tab)
    : 'microsoft';
  return (
    <>
      <PageHeader title={t('catalog.title')} description={t('catalog.description')} />
      <Tabs
        value={tab}
        onChange={(value) =>
          setParams(value && value !== 'microsoft' ? { tab: value } : {}, { replace: true })
        }
        keepMounted={false}
      >
        <Tabs.List mb="md">
          {TABS.map((value) => (
            <Tabs.Tab key={value} value={value}>
              {t(`catalog.tab.${value}`)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        <Tabs.Panel value="microsoft">
          <MicrosoftCatalog />
        </Tabs.Panel>
        <Tabs.Panel value="changes">
          <Changes />
        </Tabs.Panel>
        <Tabs.Panel value="own">
          <OwnProducts />
        </Tabs.Panel>
        <Tabs.Panel value="priceBooks">
          <PriceBooks />
        </Tabs.Panel>
      </Tabs>
    </>
  );
}

function MicrosoftCatalog() {
  const { t } = useTranslation();
  const f = useFormat();
  const me = useSession();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 300);
  const [term, setTerm] = useState<string | null>(null);
  const [open, setOpen] = useState<CatalogItem | null>(null);
  const query = useInfiniteQuery(
    catalogListQuery({ source: 'microsoft', ...(q ? { q } : {}), ...(term ? { term } : {}) }),
  );
  const items = query.data?.pages.flatMap((page) => page.items) ?? [];
  const market = me.organization.country;
  return (
    <Stack gap="md">
      <Group align="flex-end">
        <TextInput
          type="search"
          label={t('catalog.search')}
          placeholder={t('catalog.searchPlaceholder')}
          leftSection={<IconSearch size={16} />}
          value={search}
          onChange={(event) => setSearch(event.currentTarget.value)}
          w={340}
        />
        <Select
          label={t('catalog.term')}
          placeholder={t('catalog.anyTerm')}
          data={TERMS.map((value) => ({ value, label: t(`catalog.terms.${value}`) }))}
          value={term}
          onChange={setTerm}
          clearable
          w={180}
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
          <Empty title={t('catalog.emptyTitle')} description={t('catalog.emptyDescription')} />
        ) : (
          <Table.ScrollContainer minWidth={720}>
            <Table highlightOnHover data-testid="catalog-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('catalog.product')}</Table.Th>
                  <Table.Th>{t('catalog.family')}</Table.Th>
                  <Table.Th>{t('catalog.sku')}</Table.Th>
                  <Table.Th ta="right">{t('catalog.fromPrice', { market })}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((item) => {
                  const price = item.offers
                    .flatMap((offer) => offer.prices)
                    .filter((p) => p.market === market)
                    .sort((a, b) => Number(a.listPrice) - Number(b.listPrice))[0];
                  return (
                    <Table.Tr key={item.id} onClick={() => setOpen(item)} style={{ cursor: 'pointer' }}>
                      <Table.Td>
                        <Button variant="subtle" size="compact-sm" onClick={() => setOpen(item)}>
                          {item.title}
                        </Button>
                        {item.retiredAt && <Badge color="gray">{t('catalog.retired')}</Badge>}
                      </Table.Td>
                      <Table.Td>{item.productFamily ?? '–'}</Table.Td>
                      <Table.Td>
                        <Text size="xs" ff="monospace">
                          {item.productId}:{item.skuId}
                        </Text>
                      </Table.Td>
                      <Table.Td ta="right">{price ? f.money(price.listPrice, price.currency) : '–'}</Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {query.hasNextPage && (
          <LoadMore onClick={() => void query.fetchNextPage()} loading={query.isFetchingNextPage} />
        )}
      </Paper>
      <Modal opened={open !== null} onClose={() => setOpen(null)} title={open?.title ?? ''} size="xl">
        {open && (
          <Stack gap="sm">
            {open.description && <Text size="sm">{open.description}</Text>}
            <Table data-testid="catalog-offers">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('catalog.term')}</Table.Th>
                  <Table.Th>{t('catalog.market')}</Table.Th>
                  <Table.Th ta="right">{t('catalog.listPrice')}</Table.Th>
                  <Table.Th ta="right">{t('catalog.cost')}</Table.Th>
                  <Table.Th>{t('catalog.effectiveFrom')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {open.offers.flatMap((offer) =>
                  offer.prices.map((price) => (
                    <Table.Tr key={`${offer.id}-${price.market}-${price.effectiveFrom}`}>
                      <Table.Td>
                        {offer.term} / {offer.billingCycle}
                      </Table.Td>
                      <Table.Td>{price.market}</Table.Td>
                      <Table.Td ta="right">{f.money(price.listPrice, price.currency)}</Table.Td>
                      <Table.Td ta="right">{f.money(price.cost, price.currency)}</Table.Td>
                      <Table.Td>{f.date(price.effectiveFrom)}</Table.Td>
                    </Table.Tr>
                  )),
                )}
              </Table.Tbody>
            </Table>
          </Stack>
        )}
      </Modal>
    </Stack>
  );
}

function Changes() {
  const { t } = useTranslation();
  const f = useFormat();
  const query = useInfiniteQuery(catalogChangesQuery());
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
        <Empty title={t('catalog.changesEmpty')} />
      ) : (
        <Table.ScrollContainer minWidth={820}>
          <Table data-testid="catalog-changes">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('catalog.recorded')}</Table.Th>
                <Table.Th>{t('catalog.change')}</Table.Th>
                <Table.Th>{t('catalog.product')}</Table.Th>
                <Table.Th>{t('catalog.term')}</Table.Th>
                <Table.Th ta="right">{t('catalog.cost')}</Table.Th>
                <Table.Th ta="right">{t('catalog.listPrice')}</Table.Th>
                <Table.Th>{t('catalog.effectiveFrom')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((change) => {
                const money = (value: string | null) =>
                  value !== null && change.currency ? f.money(value, change.currency) : '–';
                return (
                  <Table.Tr key={change.id}>
                    <Table.Td>{f.dateTime(change.recordedAt)}</Table.Td>
                    <Table.Td>
                      <Badge variant="light">{change.kind}</Badge>
                    </Table.Td>
                    <Table.Td>{change.title}</Table.Td>
                    <Table.Td>{change.term ? `${change.term} / ${change.billingCycle ?? ''}` : '–'}</Table.Td>
                    <Table.Td ta="right">
                      {money(change.oldCost)} → {money(change.newCost)}
                    </Table.Td>
                    <Table.Td ta="right">
                      {money(change.oldListPrice)} → {money(change.newListPrice)}
                    </Table.Td>
                    <Table.Td>{change.effectiveDate ? f.date(change.effectiveDate) : '–'}</Table.Td>
                  </Table.Tr>
                );
              })}
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

interface OwnForm {
  name: string;
  vendor: string;
  description: string;
  billingModel: OwnProductInput['billingModel'];
  unit: string;
  term: string;
  unitPrice: string;
  cost: string;
}

function formOf(product: OwnProduct | null): OwnForm {
  const offer = product?.offers[0];
  return {
    name: product?.name ?? '',
    vendor: product?.vendor ?? '',
    description: product?.description ?? '',
    billingModel: (product?.billingModel as OwnForm['billingModel']) ?? 'recurring',
    unit: product?.unit ?? '',
    term: offer?.term && offer.term !== 'none' ? offer.term : 'P1M',
    unitPrice: offer?.unitPrice ?? '',
    cost: offer?.cost ?? '',
  };
}

function inputOf(form: OwnForm, currency: string): OwnProductInput {
  const offer =
    form.billingModel === 'recurring'
      ? { term: form.term, billingCycle: form.term === 'P1Y' ? 'annual' : 'monthly' }
      : form.billingModel === 'one_time'
        ? { term: 'none', billingCycle: 'one_time' }
        : { term: 'none', billingCycle: 'usage' };
  return {
    name: form.name.trim(),
    vendor: form.vendor.trim(),
    description: form.description.trim(),
    billingModel: form.billingModel,
    unit: form.unit.trim() || 'unit',
    currency,
    offers: [{ ...offer, unitPrice: form.unitPrice.trim(), cost: form.cost.trim() }],
  };
}

function OwnProducts() {
  const { t } = useTranslation();
  const f = useFormat();
  const me = useSession();
  const client = useQueryClient();
  const query = useInfiniteQuery(ownProductsQuery());
  const items = query.data?.pages.flatMap((page) => page.items) ?? [];
  const [editing, setEditing] = useState<OwnProduct | 'new' | null>(null);
  const canManage = me.permissions.includes('catalog:manage');
  const retire = useMutation({
    mutationFn: (id: string) => retireOwnProduct(id),
    onSuccess: () => client.invalidateQueries({ queryKey: ['catalog', 'own-products'] }),
  });
  return (
    <Stack gap="md">
      {canManage && (
        <Group>
          <Button onClick={() => setEditing('new')}>{t('catalog.addOwn')}</Button>
        </Group>
      )}
      {retire.isError && <Alert color="red">{partnerErrorMessage(t, retire.error)}</Alert>}
      <Paper withBorder radius="md">
        {query.isPending ? (
          <InlineLoader />
        ) : query.isError ? (
          <Stack p="md">
            <ErrorState error={query.error} onRetry={() => void query.refetch()} />
          </Stack>
        ) : items.length === 0 ? (
          <Empty title={t('catalog.ownEmpty')} />
        ) : (
          <Table.ScrollContainer minWidth={760}>
            <Table data-testid="own-products">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('catalog.product')}</Table.Th>
                  <Table.Th>{t('catalog.vendor')}</Table.Th>
                  <Table.Th>{t('catalog.seller')}</Table.Th>
                  <Table.Th>{t('catalog.billingModel')}</Table.Th>
                  <Table.Th ta="right">{t('catalog.unitPrice')}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((product) => {
                  const offer = product.offers[0];
                  return (
                    <Table.Tr key={product.id}>
                      <Table.Td>{product.name}</Table.Td>
                      <Table.Td>{product.vendor}</Table.Td>
                      <Table.Td>{product.sellerName}</Table.Td>
                      <Table.Td>
                        {t(`catalog.model.${product.billingModel as OwnForm['billingModel']}`)}
                      </Table.Td>
                      <Table.Td ta="right">
                        {offer ? `${f.money(offer.unitPrice, product.currency)} / ${product.unit}` : '–'}
                      </Table.Td>
                      <Table.Td>
                        {product.editable && canManage && (
                          <Group gap="xs" justify="flex-end" wrap="nowrap">
                            <Button size="compact-sm" variant="light" onClick={() => setEditing(product)}>
                              {t('catalog.edit')}
                            </Button>
                            <Button
                              size="compact-sm"
                              variant="subtle"
                              color="red"
                              onClick={() => retire.mutate(product.id)}
                              aria-label={t('catalog.retireNamed', { name: product.name })}
                            >
                              {t('catalog.retire')}
                            </Button>
                          </Group>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {query.hasNextPage && (
          <LoadMore onClick={() => void query.fetchNextPage()} loading={query.isFetchingNextPage} />
        )}
      </Paper>
      {editing !== null && (
        <OwnProductModal product={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />
      )}
    </Stack>
  );
}

function OwnProductModal({ product, onClose }: { product: OwnProduct | null; onClose: () => void }) {
  const { t } = useTranslation();
  const me = useSession();
  const client = useQueryClient();
  const currency = product?.currency ?? me.organization.currency;
  const [form, setForm] = useState<OwnForm>(() => formOf(product));
  const save = useMutation({
    mutationFn: () =>
      product
        ? updateOwnProduct(product.id, inputOf(form, currency))
        : createOwnProduct(inputOf(form, currency)),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ['catalog'] });
      onClose();
    },
  });
  const set = (field: keyof OwnForm) => (event: React.ChangeEvent<HTMLInputElement>) =>
    setForm({ ...form, [field]: event.currentTarget.value });
  const decimal = /^\d{1,15}(\.\d{1,10})?$/;
  const valid =
    form.name.trim() !== '' &&
    form.vendor.trim() !== '' &&
    decimal.test(form.unitPrice) &&
    decimal.test(form.cost);
  return (
    <Modal opened onClose={onClose} title={product ? t('catalog.editOwn') : t('catalog.addOwn')} size="lg">
      <Stack gap="sm">
        <TextInput label={t('catalog.name')} value={form.name} onChange={set('name')} required />
        <TextInput label={t('catalog.vendor')} value={form.vendor} onChange={set('vendor')} required />
        <TextInput
          label={t('catalog.descriptionLabel')}
          value={form.description}
          onChange={set('description')}
        />
        <Group grow>
          <Select
            label={t('catalog.billingModel')}
            data={(['recurring', 'one_time', 'usage'] as const).map((value) => ({
              value,
              label: t(`catalog.model.${value}`),
            }))}
            value={form.billingModel}
            onChange={(value) =>
              value && setForm({ ...form, billingModel: value as OwnForm['billingModel'] })
            }
            allowDeselect={false}
          />
          {form.billingModel === 'recurring' && (
            <Select
              label={t('catalog.term')}
              data={(['P1M', 'P1Y'] as const).map((value) => ({ value, label: t(`catalog.terms.${value}`) }))}
              value={form.term}
              onChange={(value) => value && setForm({ ...form, term: value })}
              allowDeselect={false}
            />
          )}
          <TextInput label={t('catalog.unit')} value={form.unit} onChange={set('unit')} />
        </Group>
        <Group grow>
          <TextInput
            label={t('catalog.unitPriceIn', { currency })}
            value={form.unitPrice}
            onChange={set('unitPrice')}
            inputMode="decimal"
            error={form.unitPrice && !decimal.test(form.unitPrice) ? t('catalog.decimalHint') : undefined}
            required
          />
          <TextInput
            label={t('catalog.costIn', { currency })}
            value={form.cost}
            onChange={set('cost')}
            inputMode="decimal"
            error={form.cost && !decimal.test(form.cost) ? t('catalog.decimalHint') : undefined}
            required
          />
        </Group>
        {save.isError && <Alert color="red">{partnerErrorMessage(t, save.error)}</Alert>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('catalog.close')}
          </Button>
          <Button onClick={() => save.mutate()} disabled={!valid} loading={save.isPending}>
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function PriceBooks() {
  const { t } = useTranslation();
  const books = useQuery(priceBooksQuery());
  const [sellerId, setSellerId] = useState<string | null>(null);
  if (books.isPending) return <InlineLoader />;
  if (books.isError) return <ErrorState error={books.error} onRetry={() => void books.refetch()} />;
  const selected = sellerId ?? books.data.items[0]?.sellerId ?? null;
  if (!selected) return <Empty title={t('catalog.noPriceBooks')} />;
  return (
    <Stack gap="md">
      <Select
        label={t('catalog.priceBook')}
        data={books.data.items.map((book) => ({
          value: book.sellerId,
          label: t('catalog.priceBookOf', {
            seller: book.sellerName,
            n: book.ruleCount,
            currency: book.currency,
          }),
        }))}
        value={selected}
        onChange={setSellerId}
        allowDeselect={false}
        w={420}
      />
      <Rules sellerId={selected} />
    </Stack>
  );
}

const RULE_TARGETS = [
  'all',
  'vendor',
  'product_family',
  'product',
  'sku',
  'meter_category',
  'meter',
  'own_product',
] as const;
const RULE_BUYERS = ['all', 'reseller_subtree', 'customer'] as const;

function describeRule(t: TFunction, rule: PriceRule): string {
  const percent = typeof rule.percent === 'string' ? rule.percent : '';
  switch (String(rule.kind ?? '')) {
    case 'markup':
      return t('catalog.ruleMarkup', { percent });
    case 'margin':
      return t('catalog.ruleMargin', { percent });
    case 'list_discount':
      return t('catalog.ruleDiscount', { percent });
    case 'usage_markup':
      return t('catalog.ruleUsageMarkup', { percent });
    case 'usage_payg_discount':
      return t('catalog.ruleUsageDiscount', { percent });
    case 'fixed_price':
      return t('catalog.ruleFixed', {
        price: `${String(rule.unitPrice ?? '')} ${String(rule.currency ?? '')}`.trim(),
      });
    default:
      return String(rule.kind ?? '');
  }
}

function describeTarget(t: TFunction, rule: PriceRule): string {
  const target = (rule.target ?? {}) as Record<string, string>;
  const kind = target.kind ?? '';
  if (!(RULE_TARGETS as readonly string[]).includes(kind)) return kind;
  const label = t(`catalog.target.${kind as (typeof RULE_TARGETS)[number]}`);
  const value =
    target.vendor ??
    target.productFamily ??
    target.meterCategory ??
    (target.skuId ? `${target.productId}:${target.skuId}` : undefined) ??
    target.productId ??
    target.meterId;
  return value ? `${label}: ${value}` : label;
}

function describeBuyers(t: TFunction, rule: PriceRule): string {
  const kind = String((rule.buyerScope as { kind?: string } | undefined)?.kind ?? '');
  return (RULE_BUYERS as readonly string[]).includes(kind)
    ? t(`catalog.buyers.${kind as (typeof RULE_BUYERS)[number]}`)
    : kind;
}

function Rules({ sellerId }: { sellerId: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const query = useQuery(priceRulesQuery(sellerId));
  const [testing, setTesting] = useState<PriceRule | null>(null);
  if (query.isPending) return <InlineLoader />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  const rules = query.data.items;
  return (
    <Paper withBorder radius="md">
      {rules.length === 0 ? (
        <Empty title={t('catalog.noRules')} />
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table data-testid="price-rules">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('catalog.ruleName')}</Table.Th>
                <Table.Th>{t('catalog.ruleKind')}</Table.Th>
                <Table.Th>{t('catalog.ruleTarget')}</Table.Th>
                <Table.Th>{t('catalog.ruleBuyers')}</Table.Th>
                <Table.Th>{t('catalog.effectiveFrom')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rules.map((rule) => {
                return (
                  <Table.Tr key={rule.id}>
                    <Table.Td>{String(rule.name ?? '')}</Table.Td>
                    <Table.Td>{describeRule(t, rule)}</Table.Td>
                    <Table.Td>{describeTarget(t, rule)}</Table.Td>
                    <Table.Td>{describeBuyers(t, rule)}</Table.Td>
                    <Table.Td>
                      {typeof rule.effectiveFrom === 'string' ? f.date(rule.effectiveFrom) : '–'}
                    </Table.Td>
                    <Table.Td>
                      <Button
                        size="compact-sm"
                        variant="light"
                        onClick={() => setTesting(rule)}
                        aria-label={t('catalog.testRuleNamed', { name: String(rule.name ?? '') })}
                      >
                        {t('catalog.testRule')}
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {testing && <RuleTest rule={testing} onClose={() => setTesting(null)} />}
    </Paper>
  );
}

function RuleTest({ rule, onClose }: { rule: PriceRule; onClose: () => void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const [customer, setCustomer] = useState('');
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 300);
  const [item, setItem] = useState<CatalogItem | null>(null);
  const [choice, setChoice] = useState<string | null>(null);
  const [quantity, setQuantity] = useState<number | string>(1);
  const catalog = useQuery(catalogSearchQuery(q));
  const customers = useQuery(customerOptionsQuery(''));
  const country = customers.data?.items.find((org) => org.id === customer)?.country ?? '';
  const choices = item ? offerChoices(item, country || 'JP') : [];
  const picked = choices.find((c) => c.value === choice) ?? choices[0];
  const preview = useMutation({
    mutationFn: () =>
      testPriceQuote({
        customer,
        sku: `${item!.productId}:${item!.skuId}`,
        quantity: Number(quantity) || 1,
        ...(picked ? { term: picked.term, billingCycle: picked.billingCycle } : {}),
      }),
  });
  const applied = preview.data?.tiers.some((tier) => tier.ruleId === rule.id);
  return (
    <Modal
      opened
      onClose={onClose}
      title={t('catalog.testRuleTitle', { name: String(rule.name ?? '') })}
      size="lg"
    >
      <Stack gap="sm">
        <CustomerPicker
          value={customer}
          onChange={(value) => setCustomer(value ?? '')}
          label={t('catalog.testBuyer')}
        />
        <Select
          label={t('catalog.testSku')}
          data={(catalog.data?.items ?? []).map((entry) => ({ value: entry.id, label: entry.title }))}
          value={item?.id ?? null}
          onChange={(id) => setItem(catalog.data?.items.find((entry) => entry.id === id) ?? item)}
          searchable
          searchValue={search}
          onSearchChange={setSearch}
          filter={({ options }) => options}
          nothingFoundMessage={t('wizard.noSku')}
        />
        <Group grow>
          <Select
            label={t('catalog.term')}
            data={choices.map((c) => ({ value: c.value, label: `${c.term} / ${c.billingCycle}` }))}
            value={picked?.value ?? null}
            onChange={setChoice}
            allowDeselect={false}
          />
          <NumberInput label={t('orders.quantity')} min={1} value={quantity} onChange={setQuantity} />
        </Group>
        <Group justify="flex-end">
          <Button onClick={() => preview.mutate()} disabled={!customer || !item} loading={preview.isPending}>
            {t('catalog.preview')}
          </Button>
        </Group>
        {preview.isError && <Alert color="red">{partnerErrorMessage(t, preview.error)}</Alert>}
        {preview.data && (
          <Paper withBorder p="sm" radius="md" data-testid="rule-preview">
            <Title order={3} size="h5">
              {t('catalog.previewResult', {
                unit: f.money(preview.data.unitPrice, preview.data.currency),
                total: f.money(preview.data.totalPerBillingCycle, preview.data.currency),
              })}
            </Title>
            <Badge color={applied ? 'green' : 'gray'} variant="light" my="xs">
              {applied ? t('catalog.ruleApplied') : t('catalog.ruleNotApplied')}
            </Badge>
            <Stack gap={2}>
              {preview.data.explanation.steps.map((step) => (
                <Text key={`${step.label}-${step.formula}`} size="xs" ff="monospace">
                  {step.label}: {step.formula}
                </Text>
              ))}
            </Stack>
          </Paper>
        )}
      </Stack>
    </Modal>
  );
}
