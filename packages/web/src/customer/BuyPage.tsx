import {
  Alert,
  Button,
  Card,
  Group,
  NumberInput,
  Radio,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { apiGet, withQuery } from '../api/client';
import { useSession } from '../auth/session';
import { PageHeader } from '../components/PageHeader';
import { ErrorState, InlineLoader } from '../components/States';
import { useBrandName } from '../hooks/useBrandName';
import { useFormat } from '../hooks/useFormat';
import { catalogQuery, newIdempotencyKey, type OrderAnswer, postIdempotent, priceQuoteQuery } from './api';
import { firstOfNextMonth, todayIn } from './dates';
import { currencyDigits, mulDiv } from './decimal';
import { panelErrorMessage } from './errors';
import { cycleLabel, termLabel } from './labels';

type Start = 'now' | 'next_month' | 'date';
type CreditOutcome = 'allowed' | 'warning' | 'approval_required' | 'blocked';

const TERM_MONTHS: Record<string, number> = { P1M: 1, P1Y: 12, P3Y: 36 };
const CREDIT_COLOR: Record<string, string> = {
  allowed: 'green',
  warning: 'yellow',
  approval_required: 'orange',
  blocked: 'red',
};

/**
 * Buying licences: a product from the seller's catalog, its term and billing cycle, a quantity and a
 * start. The price comes from the customer's price book before anything is bought; the order then
 * runs through the same rules as a partner's (NCE, credit control, provisioning).
 */
export default function BuyPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const me = useSession();
  const brand = useBrandName();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 250);
  const [productId, setProductId] = useState<string | null>(null);
  const [offerKey, setOfferKey] = useState<string | null>(null);
  const [quantity, setQuantity] = useState(1);
  const [start, setStart] = useState<Start>('now');
  const today = todayIn(me.organization.timeZone);
  const nextMonth = firstOfNextMonth(today);
  const [date, setDate] = useState(nextMonth);
  const [idempotencyKey, setIdempotencyKey] = useState(newIdempotencyKey);

  const catalog = useQuery({ ...catalogQuery(q), placeholderData: keepPreviousData });
  const products = useMemo(
    () =>
      (catalog.data?.items ?? []).filter(
        (p) => p.source === 'microsoft' && !p.isAddon && !p.retiredAt && p.offers.some((o) => !o.retiredAt),
      ),
    [catalog.data],
  );
  const product = products.find((p) => p.id === productId) ?? null;
  const offers = (product?.offers ?? []).filter((o) => !o.retiredAt);
  const offer = offers.find((o) => `${o.term}/${o.billingCycle}` === offerKey) ?? null;
  const startDate = start === 'now' ? today : start === 'next_month' ? nextMonth : date;
  const sku = product?.productId && product.skuId ? `${product.productId}:${product.skuId}` : null;

  const quoteInput =
    sku && offer && quantity > 0
      ? { sku, quantity, term: offer.term, billingCycle: offer.billingCycle, date: startDate }
      : null;
  const quote = useQuery({ ...priceQuoteQuery(quoteInput), placeholderData: keepPreviousData });

  // What credit control will say, asked before submitting (#8: the same decision POST /orders takes).
  const months = offer ? (TERM_MONTHS[offer.term] ?? 1) : 1;
  const monthly =
    quote.data && quoteInput
      ? mulDiv(quote.data.totalPerTerm, 1, months, currencyDigits(quote.data.currency))
      : null;
  const credit = useQuery({
    queryKey: ['credit-check', me.organization.id, monthly, quote.data?.currency],
    enabled: monthly !== null,
    retry: false,
    queryFn: ({ signal }) =>
      apiGet<{ outcome: CreditOutcome }>(
        withQuery('/api/v1/credit-limits/check', {
          customerId: me.organization.id,
          amount: monthly,
          currency: quote.data?.currency,
        }),
        signal,
      ),
  });
  const blocked = credit.data?.outcome === 'blocked';

  const order = useMutation({
    mutationFn: () => {
      if (!sku || !offer) throw new Error('nothing chosen');
      const body: Record<string, unknown> = {
        customerId: me.organization.id,
        lines: [{ type: 'purchase', sku, quantity, term: offer.term, billingCycle: offer.billingCycle }],
      };
      if (start === 'next_month') body.effective = 'next_month';
      if (start === 'date' && date > today) body.effectiveDate = date;
      return postIdempotent<OrderAnswer>('/api/v1/orders', body, idempotencyKey, me.csrfToken);
    },
    onSuccess: (answer) => {
      setIdempotencyKey(newIdempotencyKey());
      void queryClient.invalidateQueries({ queryKey: ['orders'] });
      void queryClient.invalidateQueries({ queryKey: ['subscriptions'] });
      navigate(`/my/orders/${answer.id}`);
    },
    // A refused order created nothing: the next attempt is a new request.
    onError: () => setIdempotencyKey(newIdempotencyKey()),
  });

  const chooseProduct = (id: string | null) => {
    setProductId(id);
    const first = products.find((p) => p.id === id)?.offers.find((o) => !o.retiredAt);
    setOfferKey(first ? `${first.term}/${first.billingCycle}` : null);
    const min = products.find((p) => p.id === id)?.minQuantity ?? 1;
    setQuantity((current) => Math.max(current, min));
  };

  const data = quote.data;
  return (
    <>
      <PageHeader title={t('panel.buy.title')} description={t('panel.buy.description', { brand })} />
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
        <Card withBorder radius="md">
          <Stack gap="md">
            <TextInput
              label={t('panel.buy.search')}
              placeholder={t('panel.buy.searchPlaceholder')}
              value={search}
              onChange={(event) => setSearch(event.currentTarget.value)}
            />
            {catalog.error && <ErrorState error={catalog.error} />}
            <Select
              label={t('panel.buy.product')}
              placeholder={t('panel.buy.productPlaceholder')}
              data={products.map((p) => ({ value: p.id, label: p.title }))}
              value={productId}
              onChange={chooseProduct}
              searchable
              nothingFoundMessage={t('panel.buy.noProducts')}
              data-testid="buy-product"
            />
            {product?.description && (
              <Text size="sm" c="dimmed">
                {product.description}
              </Text>
            )}
            <Select
              label={t('panel.buy.offer')}
              data={offers.map((o) => ({
                value: `${o.term}/${o.billingCycle}`,
                label: `${termLabel(t, o.term)} · ${t('panel.buy.billed', { cycle: cycleLabel(t, o.billingCycle) })}`,
              }))}
              value={offerKey}
              onChange={setOfferKey}
              disabled={!product}
              allowDeselect={false}
              data-testid="buy-offer"
            />
            <NumberInput
              label={t('panel.buy.quantity')}
              value={quantity}
              min={product?.minQuantity ?? 1}
              max={product?.maxQuantity ?? 1_000_000}
              allowDecimal={false}
              onChange={(value) => setQuantity(typeof value === 'number' ? value : Number(value) || 0)}
              disabled={!product}
            />
            <Radio.Group
              label={t('panel.buy.start')}
              value={start}
              onChange={(value) => setStart(value as Start)}
            >
              <Stack gap={6} mt={6}>
                <Radio value="now" label={t('panel.order.now')} />
                <Radio
                  value="next_month"
                  label={t('panel.order.nextMonth', { date: f.date(`${nextMonth}T12:00:00Z`) })}
                />
                <Radio value="date" label={t('panel.buy.onDate')} />
              </Stack>
            </Radio.Group>
            {start === 'date' && (
              <TextInput
                type="date"
                label={t('panel.buy.date')}
                value={date}
                min={today}
                onChange={(event) => setDate(event.currentTarget.value)}
              />
            )}
          </Stack>
        </Card>

        <Card withBorder radius="md" data-testid="price-preview">
          <Title order={2} size="h5" mb="sm">
            {t('panel.buy.previewTitle')}
          </Title>
          {!quoteInput ? (
            <Text size="sm" c="dimmed">
              {t('panel.buy.previewEmpty')}
            </Text>
          ) : quote.error ? (
            <Alert color="red" variant="light">
              {panelErrorMessage(t, quote.error)}
            </Alert>
          ) : !data ? (
            <InlineLoader />
          ) : (
            <Stack gap="sm">
              <Table>
                <Table.Tbody>
                  <Table.Tr>
                    <Table.Th>{t('panel.buy.unitPrice')}</Table.Th>
                    <Table.Td ta="right" data-testid="preview-unit">
                      {f.money(data.unitPrice, data.currency)}
                    </Table.Td>
                  </Table.Tr>
                  <Table.Tr>
                    <Table.Th>
                      {t('panel.buy.perCycle', { cycle: cycleLabel(t, offer?.billingCycle) })}
                    </Table.Th>
                    <Table.Td ta="right" data-testid="preview-per-cycle">
                      {f.money(data.totalPerBillingCycle, data.currency)}
                    </Table.Td>
                  </Table.Tr>
                  <Table.Tr>
                    <Table.Th>{t('panel.buy.perTerm', { term: termLabel(t, offer?.term) })}</Table.Th>
                    <Table.Td ta="right">{f.money(data.totalPerTerm, data.currency)}</Table.Td>
                  </Table.Tr>
                  <Table.Tr>
                    <Table.Th>{t('panel.buy.chargedAtStart')}</Table.Th>
                    <Table.Td ta="right" data-testid="preview-now">
                      {f.money(data.totalPerBillingCycle, data.currency)}
                    </Table.Td>
                  </Table.Tr>
                </Table.Tbody>
              </Table>
              <Text size="xs" c="dimmed">
                {start === 'now'
                  ? t('panel.buy.noProrationNow')
                  : t('panel.buy.startsOn', { date: f.date(`${startDate}T12:00:00Z`) })}
              </Text>
              <Text size="xs" c="dimmed">
                {t('panel.buy.nceNote')}
              </Text>
              {credit.data ? (
                <Alert
                  color={CREDIT_COLOR[credit.data.outcome] ?? 'gray'}
                  variant="light"
                  title={t('panel.orders.credit')}
                  data-testid="credit-outcome"
                  data-outcome={credit.data.outcome}
                >
                  {
                    t(`panel.orders.creditOutcome.${credit.data.outcome}` as never, {
                      defaultValue: credit.data.outcome,
                    }) as string
                  }
                </Alert>
              ) : (
                <Text size="xs" c="dimmed">
                  {t('panel.buy.creditNote')}
                </Text>
              )}
            </Stack>
          )}
          {order.error && (
            <Alert mt="sm" color="red" variant="light" title={t('errors.title')} data-testid="order-error">
              {panelErrorMessage(t, order.error)}
            </Alert>
          )}
          <Group justify="flex-end" mt="md">
            <Button
              onClick={() => order.mutate()}
              loading={order.isPending}
              disabled={!data || !quoteInput || quote.isFetching || blocked}
            >
              {t('panel.buy.submit')}
            </Button>
          </Group>
        </Card>
      </SimpleGrid>
    </>
  );
}
