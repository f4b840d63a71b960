import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  List,
  NumberInput,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Switch,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { useSession } from '../auth/session';
import { PageHeader } from '../components/PageHeader';
import { Empty, ErrorState, InlineLoader } from '../components/States';
import { useFormat } from '../hooks/useFormat';
import {
  newIdempotencyKey,
  type OrderAnswer,
  orderOf,
  postIdempotent,
  type SubscriptionDetail,
  subscriptionEventsQuery,
  subscriptionQuery,
} from './api';
import { currentBillingPeriod, daysBetween, firstOfNextMonth, todayIn } from './dates';
import { currencyDigits, mulDiv } from './decimal';
import { panelErrorMessage, renewalAlternative } from './errors';
import { cycleLabel, eventLabel, nceActionLabel, StatusBadge, statusLabel, termLabel } from './labels';

type When = 'now' | 'next_month' | 'renewal';

// Customers change quantities, auto-renew, schedules and upgrades themselves; suspending,
// reactivating and cancelling are their seller's (the server refuses them from a customer).
const PARTNER_ONLY = new Set(['suspend', 'reactivate', 'cancel']);

export function ContractDetail({ id }: { id: string }) {
  const { t } = useTranslation();
  const query = useQuery(subscriptionQuery(id));
  const events = useQuery(subscriptionEventsQuery(id));

  if (query.isPending) return <InlineLoader />;
  if (query.error) {
    return (
      <>
        <PageHeader title={t('panel.contracts.title')} />
        <Stack gap="md" data-testid="contract-error">
          <ErrorState error={query.error} />
          <Anchor component={Link} to="/contracts">
            {t('panel.contracts.back')}
          </Anchor>
        </Stack>
      </>
    );
  }
  const s = query.data;
  return (
    <>
      <PageHeader
        title={s.title}
        description={t('panel.contracts.soldBy', { seller: s.sellerName })}
        actions={
          <Anchor component={Link} to="/contracts" size="sm">
            {t('panel.contracts.back')}
          </Anchor>
        }
      />
      <Stack gap="lg">
        <SimpleGrid cols={{ base: 1, lg: 2 }}>
          <Facts s={s} />
          <NceRules s={s} />
        </SimpleGrid>
        <ChangeForm s={s} />
        <Card withBorder radius="md">
          <Title order={2} size="h5" mb="xs">
            {t('panel.contracts.history')}
          </Title>
          {events.error ? (
            <ErrorState error={events.error} />
          ) : events.isPending ? (
            <InlineLoader />
          ) : (
            <History events={events.data.items} />
          )}
        </Card>
      </Stack>
    </>
  );
}

function Facts({ s }: { s: SubscriptionDetail }) {
  const { t } = useTranslation();
  const f = useFormat();
  const day = (date: string | null | undefined) => (date ? f.date(`${date}T12:00:00Z`) : '–');
  const rows: [string, React.ReactNode][] = [
    [t('panel.contracts.status'), <StatusBadge key="s" status={s.status} />],
    [t('panel.contracts.quantity'), s.kind === 'azure_plan' ? '–' : f.number(s.quantity)],
    [t('panel.contracts.term'), termLabel(t, s.term)],
    [t('panel.contracts.billingCycle'), cycleLabel(t, s.billingCycle)],
    [t('panel.contracts.start'), day(s.termStart)],
    [t('panel.contracts.end'), day(s.lastDay)],
    [
      t('panel.contracts.autoRenew'),
      s.autoRenew ? t('panel.contracts.autoRenewOn') : t('panel.contracts.autoRenewOff'),
    ],
    [
      t('panel.contracts.myPrice'),
      s.unitPrice && s.currency
        ? `${f.money(s.unitPrice, s.currency)} ${t('panel.contracts.perUnitPer', { cycle: cycleLabel(t, s.billingCycle) })}`
        : '–',
    ],
  ];
  return (
    <Card withBorder radius="md">
      <Table data-testid="contract-facts">
        <Table.Tbody>
          {rows.map(([label, value]) => (
            <Table.Tr key={label}>
              <Table.Th w="40%">{label}</Table.Th>
              <Table.Td>{value}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Card>
  );
}

function NceRules({ s }: { s: SubscriptionDetail }) {
  const { t } = useTranslation();
  const f = useFormat();
  const nce = s.nce;
  const pending = s.pendingChanges ?? [];
  return (
    <Card withBorder radius="md" data-testid="nce-rules">
      <Title order={2} size="h5" mb="xs">
        {t('panel.contracts.whatCanChange')}
      </Title>
      {nce ? (
        <Stack gap="xs">
          <Text size="sm" fw={600}>
            {t('panel.contracts.possibleNow')}
          </Text>
          <List size="sm" spacing={2}>
            {nce.possibleNow.map((a) => (
              <List.Item key={a.action}>
                {nceActionLabel(t, a.action)}
                {a.until ? ` — ${t('panel.contracts.until', { date: f.dateTime(a.until) })}` : ''}
                {PARTNER_ONLY.has(a.action) ? ` (${t('panel.contracts.viaPartner')})` : ''}
              </List.Item>
            ))}
          </List>
          {nce.atRenewalOnly.length > 0 && (
            <>
              <Text size="sm" fw={600}>
                {t('panel.contracts.atRenewalOnly')}
              </Text>
              <List size="sm" spacing={2}>
                {nce.atRenewalOnly.map((a) => (
                  <List.Item key={a.action}>
                    {nceActionLabel(t, a.action)}
                    {a.date ? ` — ${f.date(`${a.date}T12:00:00Z`)}` : ''}
                  </List.Item>
                ))}
              </List>
            </>
          )}
        </Stack>
      ) : (
        <Text size="sm" c="dimmed">
          {t('panel.contracts.noRules')}
        </Text>
      )}
      {s.scheduledChange && (
        <Alert mt="sm" color="violet" variant="light" title={t('panel.contracts.changeAtRenewal')}>
          {s.scheduledChange.quantity !== undefined &&
            t('panel.contracts.scheduledQuantity', { quantity: s.scheduledChange.quantity })}
        </Alert>
      )}
      {pending.length > 0 && (
        <Stack gap={4} mt="sm" data-testid="pending-changes">
          <Text size="sm" fw={600}>
            {t('panel.contracts.pendingChanges')}
          </Text>
          {pending.map((p) => (
            <Group key={`${p.orderId}-${p.kind}`} gap="xs">
              <Badge color="violet" variant="light">
                {p.effectiveAt ? f.dateTime(p.effectiveAt) : t('panel.order.now')}
              </Badge>
              <Text size="sm">
                {p.quantity !== null && p.quantity !== undefined
                  ? t('panel.contracts.scheduledQuantity', { quantity: p.quantity })
                  : String(p.kind ?? '')}
              </Text>
              <Anchor component={Link} to={`/my/orders/${p.orderId}`} size="sm">
                {p.orderNumber ?? t('panel.orders.open')}
              </Anchor>
            </Group>
          ))}
        </Stack>
      )}
    </Card>
  );
}

function ChangeForm({ s }: { s: SubscriptionDetail }) {
  const { t } = useTranslation();
  const f = useFormat();
  const me = useSession();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [quantity, setQuantity] = useState<number>(s.quantity);
  const [when, setWhen] = useState<When>('now');
  const [key, setKey] = useState(newIdempotencyKey);
  const canChange = me.permissions.includes('subscriptions:write') && !s.locked;
  const today = todayIn(me.organization.timeZone);
  const nextMonth = firstOfNextMonth(today);

  const change = useMutation({
    mutationFn: async (input: { quantity: number; when: When }) => {
      const path = `/api/v1/subscriptions/${encodeURIComponent(s.id)}/${input.when === 'renewal' ? 'schedule' : 'quantity'}`;
      const body: Record<string, unknown> = { quantity: input.quantity };
      if (input.when === 'next_month') body.effective = 'next_month';
      return orderOf(await postIdempotent<OrderAnswer>(path, body, key, me.csrfToken));
    },
    onSuccess: (order) => {
      setKey(newIdempotencyKey());
      void queryClient.invalidateQueries({ queryKey: ['subscriptions'] });
      void queryClient.invalidateQueries({ queryKey: ['orders'] });
      navigate(`/my/orders/${order.id}`);
    },
    onError: () => setKey(newIdempotencyKey()),
  });

  const autoRenew = useMutation({
    mutationFn: async (enabled: boolean) =>
      orderOf(
        await postIdempotent<OrderAnswer>(
          `/api/v1/subscriptions/${encodeURIComponent(s.id)}/auto-renew`,
          { enabled },
          newIdempotencyKey(),
          me.csrfToken,
        ),
      ),
    onSuccess: (order) => {
      void queryClient.invalidateQueries({ queryKey: ['subscriptions'] });
      navigate(`/my/orders/${order.id}`);
    },
  });

  if (s.kind !== 'license' || !canChange || s.status !== 'active') {
    return s.locked || !canChange ? (
      <Text size="sm" c="dimmed" data-testid="change-not-allowed">
        {t('panel.contracts.changeNotAllowed')}
      </Text>
    ) : null;
  }

  // What an increase costs now: the added seats for the rest of the current billing period.
  const added = quantity - s.quantity;
  const period =
    s.termStart && s.billingCycle ? currentBillingPeriod(s.termStart, s.billingCycle, today) : null;
  let prorated: string | null = null;
  if (added > 0 && when === 'now' && period && s.unitPrice && s.currency) {
    const remaining = daysBetween(today, period.end);
    const length = daysBetween(period.start, period.end);
    prorated = mulDiv(s.unitPrice, added * remaining, length, currencyDigits(s.currency));
  }
  const perCycle =
    s.unitPrice && s.currency ? mulDiv(s.unitPrice, quantity, 1, currencyDigits(s.currency)) : null;
  const alternative = renewalAlternative(change.error);

  return (
    <Card withBorder radius="md" data-testid="change-form">
      <Title order={2} size="h5" mb="sm">
        {t('panel.contracts.changeTitle')}
      </Title>
      <Stack gap="sm">
        <Group align="flex-end" wrap="wrap">
          <NumberInput
            label={t('panel.contracts.newQuantity')}
            value={quantity}
            min={1}
            max={1_000_000}
            allowDecimal={false}
            onChange={(value) => setQuantity(typeof value === 'number' ? value : Number(value) || 1)}
            w={160}
          />
          <Stack gap={4}>
            <Text size="sm" fw={500}>
              {t('panel.contracts.when')}
            </Text>
            <SegmentedControl
              value={when}
              onChange={(value) => setWhen(value as When)}
              data={[
                { value: 'now', label: t('panel.order.now') },
                {
                  value: 'next_month',
                  label: t('panel.order.nextMonth', { date: f.date(`${nextMonth}T12:00:00Z`) }),
                },
                { value: 'renewal', label: t('panel.contracts.atRenewal') },
              ]}
              aria-label={t('panel.contracts.when')}
            />
          </Stack>
        </Group>
        {s.currency && perCycle && (
          <Text size="sm" data-testid="change-preview">
            {t('panel.contracts.newTotal', {
              amount: f.money(perCycle, s.currency),
              cycle: cycleLabel(t, s.billingCycle),
            })}
            {prorated
              ? ` ${t('panel.contracts.proratedNow', { amount: f.money(prorated, s.currency) })}`
              : ''}
          </Text>
        )}
        {added < 0 && when === 'now' && (
          <Text size="sm" c="orange">
            {t('panel.contracts.decreaseHint')}
          </Text>
        )}
        {change.error && (
          <Alert color="red" variant="light" data-testid="change-error" title={t('errors.title')}>
            <Stack gap="xs">
              <span>{panelErrorMessage(t, change.error)}</span>
              {alternative && (
                <Group>
                  <Button
                    size="xs"
                    variant="white"
                    color="red"
                    onClick={() => {
                      setWhen('renewal');
                      change.mutate({ quantity: alternative.quantity ?? quantity, when: 'renewal' });
                    }}
                  >
                    {t('panel.contracts.scheduleInstead', { date: f.date(`${alternative.date}T12:00:00Z`) })}
                  </Button>
                </Group>
              )}
            </Stack>
          </Alert>
        )}
        <Group justify="space-between">
          <Switch
            checked={s.autoRenew}
            disabled={autoRenew.isPending}
            onChange={(event) => autoRenew.mutate(event.currentTarget.checked)}
            label={t('panel.contracts.autoRenew')}
          />
          <Button
            onClick={() => change.mutate({ quantity, when })}
            loading={change.isPending}
            disabled={quantity === s.quantity && when !== 'renewal'}
          >
            {t('panel.contracts.submitChange')}
          </Button>
        </Group>
        {autoRenew.error && <ErrorState error={autoRenew.error} />}
      </Stack>
    </Card>
  );
}

function History({ events }: { events: SubscriptionDetailEvents }) {
  const { t } = useTranslation();
  const f = useFormat();
  if (events.length === 0) return <Empty title={t('panel.contracts.noHistory')} />;
  return (
    <Table data-testid="contract-history">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('panel.contracts.effective')}</Table.Th>
          <Table.Th>{t('panel.contracts.change')}</Table.Th>
          <Table.Th ta="right">{t('panel.contracts.quantity')}</Table.Th>
          <Table.Th>{t('panel.contracts.status')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {[...events].reverse().map((e) => (
          <Table.Tr key={e.id}>
            <Table.Td>{f.dateTime(e.effectiveAt)}</Table.Td>
            <Table.Td>{eventLabel(t, e.kind)}</Table.Td>
            <Table.Td ta="right">
              {e.quantityBefore !== e.quantityAfter && e.quantityBefore !== null
                ? `${f.number(e.quantityBefore)} → ${f.number(e.quantityAfter ?? 0)}`
                : e.quantityAfter !== null
                  ? f.number(e.quantityAfter)
                  : '–'}
            </Table.Td>
            <Table.Td>{statusLabel(t, e.statusAfter)}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

type SubscriptionDetailEvents = import('./api').SubscriptionEvent[];
