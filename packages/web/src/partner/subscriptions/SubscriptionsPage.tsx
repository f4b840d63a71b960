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
  SimpleGrid,
  Stack,
  Switch,
  Table,
  Tabs,
  Text,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { useSession } from '../../auth/session';
import { IconLock } from '../../components/icons';
import { PageHeader } from '../../components/PageHeader';
import { Empty, ErrorState, InlineLoader, LoadMore } from '../../components/States';
import { useFormat } from '../../hooks/useFormat';
import {
  type CatalogItem,
  catalogSearchQuery,
  type Order,
  priceQuoteQuery,
  type Subscription,
  type SubscriptionActionPath,
  type SubscriptionDetail,
  subscriptionAction,
  subscriptionEventsQuery,
  subscriptionListQuery,
  subscriptionQuery,
} from '../api';
import { countdown } from '../chartData';
import { partnerErrorMessage } from '../errors';
import { CustomerPicker } from '../usage/UsagePage';
import { upgradeSubscription } from './api';
import { DriftTab } from './DriftTab';
import { upgradeBody, upgradePlan, upgradeTargets } from './upgrade';

const STATUSES = ['pending', 'active', 'suspended', 'cancelled', 'expired'] as const;
const KINDS = ['license', 'azure_plan', 'own_product'] as const;
const RENEWING = ['30', '60', '90'] as const;
const EVENT_KINDS = [
  'purchased',
  'provisioned',
  'quantity_changed',
  'suspended',
  'reactivated',
  'cancelled',
  'auto_renew_changed',
  'change_scheduled',
  'schedule_cleared',
  'upgraded',
  'renewed',
  'expired',
  'adopted',
  'corrected',
] as const;
const isEventKind = (kind: string): kind is (typeof EVENT_KINDS)[number] =>
  (EVENT_KINDS as readonly string[]).includes(kind);

export default function SubscriptionsPage() {
  const { id } = useParams();
  return id ? <SubscriptionDetailView id={id} /> : <SubscriptionList />;
}

export function StatusBadge({ status }: { status: string }) {
  const { t } = useTranslation();
  const color =
    status === 'active'
      ? 'green'
      : status === 'suspended'
        ? 'orange'
        : status === 'pending'
          ? 'blue'
          : 'gray';
  const known = (STATUSES as readonly string[]).includes(status);
  return (
    <Badge color={color} variant="light" maw="none" style={{ flexShrink: 0, minWidth: 'max-content' }}>
      {known ? t(`subscriptions.status.${status as (typeof STATUSES)[number]}`) : status}
    </Badge>
  );
}

export function LockBadge({ reason }: { reason?: string | null }) {
  const { t } = useTranslation();
  return (
    <Badge
      color="gray"
      variant="outline"
      maw="none"
      style={{ flexShrink: 0, minWidth: 'max-content' }}
      leftSection={<IconLock size={12} />}
      title={reason ?? t('subscriptions.lockedHint')}
      data-testid="lock-badge"
    >
      {t('subscriptions.locked')}
    </Badge>
  );
}

function CancellationCountdown({ until }: { until: string | null }) {
  const { t } = useTranslation();
  const left = countdown(until, new Date());
  if (!left)
    return (
      <Text size="sm" c="dimmed">
        {t('subscriptions.windowClosed')}
      </Text>
    );
  return (
    <Text size="sm" c={left.days < 2 ? 'red' : undefined}>
      {t('subscriptions.windowLeft', { days: left.days, hours: left.hours })}
    </Text>
  );
}

function SubscriptionList() {
  const { t } = useTranslation();
  const f = useFormat();
  const [params, setParams] = useSearchParams();
  const customerId = params.get('customer') ?? '';
  const status = params.get('status') ?? '';
  const kind = params.get('kind') ?? '';
  const renewing = params.get('renewing') ?? '';
  const filter = {
    ...(customerId ? { customerId } : {}),
    ...(status ? { status } : {}),
    ...(kind ? { kind } : {}),
    ...(renewing ? { renewingWithinDays: Number(renewing) } : {}),
  };
  const query = useInfiniteQuery(subscriptionListQuery(filter));
  const items = query.data?.pages.flatMap((page) => page.items) ?? [];
  const setParam = (key: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };

  const tab = params.get('tab') === 'drift' ? 'drift' : 'list';

  return (
    <>
      <PageHeader title={t('subscriptions.title')} description={t('subscriptions.description')} />
      <Tabs value={tab} onChange={(value) => setParam('tab', value === 'drift' ? 'drift' : null)} mb="md">
        <Tabs.List>
          <Tabs.Tab value="list">{t('subscriptions.tabList')}</Tabs.Tab>
          <Tabs.Tab value="drift">{t('subscriptions.tabDrift')}</Tabs.Tab>
        </Tabs.List>
      </Tabs>
      {tab === 'drift' ? (
        <DriftTab />
      ) : (
        <Stack gap="md">
          <Group align="flex-end" wrap="wrap">
            <CustomerPicker value={customerId} onChange={(value) => setParam('customer', value)} />
            <Select
              label={t('subscriptions.statusFilter')}
              placeholder={t('subscriptions.any')}
              data={STATUSES.map((value) => ({ value, label: t(`subscriptions.status.${value}`) }))}
              value={status || null}
              onChange={(value) => setParam('status', value)}
              clearable
              w={180}
            />
            <Select
              label={t('subscriptions.kindFilter')}
              placeholder={t('subscriptions.any')}
              data={KINDS.map((value) => ({ value, label: t(`subscriptions.kind.${value}`) }))}
              value={kind || null}
              onChange={(value) => setParam('kind', value)}
              clearable
              w={180}
            />
            <Select
              label={t('subscriptions.renewingFilter')}
              placeholder={t('subscriptions.any')}
              data={RENEWING.map((value) => ({
                value,
                label: t('subscriptions.renewingWithin', { days: value }),
              }))}
              value={renewing || null}
              onChange={(value) => setParam('renewing', value)}
              clearable
              w={200}
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
                title={t('subscriptions.emptyTitle')}
                description={t('subscriptions.emptyDescription')}
              />
            ) : (
              <Table.ScrollContainer minWidth={900}>
                <Table highlightOnHover data-testid="subscription-table">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t('subscriptions.product')}</Table.Th>
                      <Table.Th>{t('subscriptions.customer')}</Table.Th>
                      <Table.Th ta="right">{t('subscriptions.quantity')}</Table.Th>
                      <Table.Th>{t('subscriptions.statusLabel')}</Table.Th>
                      <Table.Th>{t('subscriptions.renewal')}</Table.Th>
                      <Table.Th>{t('subscriptions.autoRenew')}</Table.Th>
                      <Table.Th>{t('subscriptions.cancellationWindow')}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {items.map((item) => (
                      <Row key={item.id} item={item} f={f} />
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
      )}
    </>
  );
}

function Row({ item, f }: { item: Subscription; f: ReturnType<typeof useFormat> }) {
  const { t } = useTranslation();
  return (
    <Table.Tr>
      <Table.Td>
        <Group gap="xs" wrap="nowrap">
          <Anchor component={Link} to={`/subscriptions/${encodeURIComponent(item.id)}`}>
            {item.title}
          </Anchor>
          {item.locked && <LockBadge reason={item.lockedReason} />}
        </Group>
      </Table.Td>
      <Table.Td>{item.customerName}</Table.Td>
      <Table.Td ta="right">{f.number(item.quantity)}</Table.Td>
      <Table.Td>
        <StatusBadge status={item.status} />
      </Table.Td>
      <Table.Td>{item.termEnd ? f.date(item.termEnd) : '–'}</Table.Td>
      <Table.Td>
        {item.termEnd ? (item.autoRenew ? t('subscriptions.yes') : t('subscriptions.no')) : '–'}
      </Table.Td>
      <Table.Td>
        {item.cancellationAllowedUntil ? (
          <CancellationCountdown until={item.cancellationAllowedUntil} />
        ) : (
          '–'
        )}
      </Table.Td>
    </Table.Tr>
  );
}

function SubscriptionDetailView({ id }: { id: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const me = useSession();
  const query = useQuery(subscriptionQuery(id));
  const [done, setDone] = useState<Order | null>(null);

  if (query.isPending) return <InlineLoader />;
  if (query.isError) {
    return (
      <>
        <PageHeader title={t('subscriptions.title')} />
        <Anchor component={Link} to="/subscriptions" mb="md" display="block">
          {t('subscriptions.back')}
        </Anchor>
        <ErrorState error={query.error} />
      </>
    );
  }
  const sub = query.data;
  const canWrite = me.permissions.includes('subscriptions:write') && !sub.locked;
  const scheduled = sub.scheduledChange as { quantity?: number } | null;

  return (
    <>
      <PageHeader title={sub.title} description={sub.customerName} />
      <Stack gap="lg">
        <Group>
          <Anchor component={Link} to="/subscriptions">
            {t('subscriptions.back')}
          </Anchor>
          <StatusBadge status={sub.status} />
          {sub.locked && <LockBadge reason={sub.lockedReason} />}
        </Group>
        {sub.locked && (
          <Alert color="gray" icon={<IconLock />} title={t('subscriptions.lockedTitle')}>
            {t('subscriptions.lockedHint')}
          </Alert>
        )}
        {done && (
          <Alert
            color="green"
            title={t('subscriptions.actionDone')}
            data-testid="action-done"
            withCloseButton
            onClose={() => setDone(null)}
          >
            <Anchor component={Link} to={`/orders/${encodeURIComponent(done.id)}`}>
              {t('subscriptions.actionOrder', { number: done.number })}
            </Anchor>
          </Alert>
        )}
        <Paper withBorder p="md" radius="md">
          <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }} data-testid="subscription-facts">
            <Fact label={t('subscriptions.customer')} value={sub.customerName} />
            <Fact label={t('subscriptions.seller')} value={sub.sellerName} />
            <Fact label={t('subscriptions.quantity')} value={f.number(sub.quantity)} />
            <Fact label={t('subscriptions.term')} value={`${sub.term} / ${sub.billingCycle}`} />
            <Fact label={t('subscriptions.termStart')} value={sub.termStart ? f.date(sub.termStart) : '–'} />
            <Fact label={t('subscriptions.renewal')} value={sub.termEnd ? f.date(sub.termEnd) : '–'} />
            <Fact
              label={t('subscriptions.autoRenew')}
              value={sub.autoRenew ? t('subscriptions.yes') : t('subscriptions.no')}
            />
            <Fact
              label={t('subscriptions.unitPrice')}
              value={sub.unitPrice && sub.currency ? f.money(sub.unitPrice, sub.currency) : '–'}
            />
            <Fact
              label={t('subscriptions.cancellationWindow')}
              value={
                sub.cancellationAllowedUntil ? (
                  <CancellationCountdown until={sub.cancellationAllowedUntil} />
                ) : (
                  '–'
                )
              }
            />
            <Fact
              label={t('subscriptions.scheduledChange')}
              value={
                scheduled?.quantity !== undefined
                  ? t('subscriptions.scheduledQuantity', { quantity: scheduled.quantity })
                  : t('subscriptions.none')
              }
              testId="scheduled-change"
            />
          </SimpleGrid>
        </Paper>
        {canWrite && (
          <Actions sub={sub} onDone={setDone} canOrder={me.permissions.includes('orders:write')} />
        )}
        <History id={sub.id} />
      </Stack>
    </>
  );
}

function Fact({ label, value, testId }: { label: string; value: React.ReactNode; testId?: string }) {
  return (
    <Stack gap={0} data-testid={testId}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="sm" component="div">
        {value}
      </Text>
    </Stack>
  );
}

function Actions({
  sub,
  onDone,
  canOrder,
}: {
  sub: SubscriptionDetail;
  onDone: (order: Order) => void;
  canOrder: boolean;
}) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [upgrading, setUpgrading] = useState(false);
  const [quantity, setQuantity] = useState<number | string>(sub.quantity);
  const scheduled = sub.scheduledChange as { quantity?: number } | null;
  const [renewalQuantity, setRenewalQuantity] = useState<number | string>(
    scheduled?.quantity ?? sub.quantity,
  );
  const [confirmCancel, setConfirmCancel] = useState(false);
  const mutation = useMutation({
    mutationFn: (input: {
      action: SubscriptionActionPath;
      body?: Record<string, unknown>;
      method?: 'DELETE';
    }) => subscriptionAction(sub.id, input.action, input.body ?? {}, input.method),
    onSuccess: async (order) => {
      onDone(order);
      setConfirmCancel(false);
      await client.invalidateQueries({ queryKey: ['subscriptions'] });
      await client.invalidateQueries({ queryKey: ['orders'] });
    },
  });
  const run = (action: SubscriptionActionPath, body?: Record<string, unknown>, method?: 'DELETE') =>
    mutation.mutate({ action, ...(body ? { body } : {}), ...(method ? { method } : {}) });
  const active = sub.status === 'active';
  const hasTerm = sub.termEnd !== null;

  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="sub-actions-title">
      <Title order={2} size="h4" id="sub-actions-title" mb="sm">
        {t('subscriptions.actions')}
      </Title>
      {mutation.isError && (
        <Alert color="red" mb="sm" role="alert" data-testid="action-error">
          {partnerErrorMessage(t, mutation.error)}
        </Alert>
      )}
      <Stack gap="md">
        <Group align="flex-end">
          <NumberInput
            label={t('subscriptions.newQuantity')}
            min={1}
            value={quantity}
            onChange={setQuantity}
            w={160}
            disabled={!active}
          />
          <Button
            onClick={() => run('quantity', { quantity: Number(quantity) })}
            disabled={!active || Number(quantity) === sub.quantity}
            loading={mutation.isPending && mutation.variables?.action === 'quantity'}
          >
            {t('subscriptions.changeQuantity')}
          </Button>
        </Group>
        {hasTerm && (
          <Group align="flex-end">
            <NumberInput
              label={t('subscriptions.renewalQuantity')}
              min={1}
              value={renewalQuantity}
              onChange={setRenewalQuantity}
              w={160}
            />
            <Button
              variant="light"
              onClick={() => run('schedule', { quantity: Number(renewalQuantity) })}
              loading={mutation.isPending && mutation.variables?.action === 'schedule'}
            >
              {t('subscriptions.scheduleChange')}
            </Button>
            {scheduled && (
              <Button variant="subtle" onClick={() => run('schedule', {}, 'DELETE')}>
                {t('subscriptions.clearSchedule')}
              </Button>
            )}
          </Group>
        )}
        <Group>
          {hasTerm && (
            <Switch
              label={t('subscriptions.autoRenew')}
              checked={sub.autoRenew}
              onChange={(event) => run('auto-renew', { enabled: event.currentTarget.checked })}
              disabled={mutation.isPending}
            />
          )}
          {sub.status === 'suspended' ? (
            <Button variant="default" onClick={() => run('reactivate')}>
              {t('subscriptions.reactivate')}
            </Button>
          ) : (
            <Button variant="default" onClick={() => run('suspend')} disabled={!active}>
              {t('subscriptions.suspend')}
            </Button>
          )}
          <Button color="red" variant="light" onClick={() => setConfirmCancel(true)} disabled={!active}>
            {t('subscriptions.cancel')}
          </Button>
        </Group>
        {sub.kind === 'license' && (
          <Group>
            <Button variant="light" onClick={() => setUpgrading(true)} disabled={!active}>
              {t('subscriptions.upgrade')}
            </Button>
            {canOrder && active && !(sub as SubscriptionDetail & { isAddOn?: boolean }).isAddOn && (
              <Button
                variant="default"
                component={Link}
                to={`/orders/new?customer=${encodeURIComponent(sub.customerId)}&base=${encodeURIComponent(sub.id)}`}
              >
                {t('subscriptions.addAddOn')}
              </Button>
            )}
          </Group>
        )}
      </Stack>
      {upgrading && (
        <UpgradeModal
          sub={sub}
          onClose={() => setUpgrading(false)}
          onDone={async (order) => {
            setUpgrading(false);
            onDone(order);
            await client.invalidateQueries({ queryKey: ['subscriptions'] });
            await client.invalidateQueries({ queryKey: ['orders'] });
          }}
        />
      )}
      <Modal
        opened={confirmCancel}
        onClose={() => setConfirmCancel(false)}
        title={t('subscriptions.cancelTitle')}
      >
        <Stack>
          <Text size="sm">
            {t('subscriptions.cancelConfirm', { title: sub.title, customer: sub.customerName })}
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirmCancel(false)}>
              {t('subscriptions.keep')}
            </Button>
            <Button color="red" onClick={() => run('cancel')} loading={mutation.isPending}>
              {t('subscriptions.cancel')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Paper>
  );
}

function UpgradeModal({
  sub,
  onClose,
  onDone,
}: {
  sub: SubscriptionDetail;
  onClose: () => void;
  onDone: (order: Order) => void;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 300);
  const catalog = useQuery(catalogSearchQuery(q));
  const [target, setTarget] = useState<CatalogItem | null>(null);
  const [quantity, setQuantity] = useState<number | string>('');
  const [tried, setTried] = useState(false);
  const targets = upgradeTargets(catalog.data?.items ?? [], sub);
  const byId = new Map(targets.map((item) => [item.id, item]));
  if (target) byId.set(target.id, target);
  const plan = upgradePlan(sub, target, quantity);
  const problems = new Set(!plan.ok && tried ? plan.problems : []);
  const price = useQuery(
    priceQuoteQuery(
      plan.ok
        ? {
            customer: sub.customerId,
            sku: plan.sku,
            quantity: plan.quantity,
            term: sub.term,
            billingCycle: sub.billingCycle,
          }
        : null,
    ),
  );
  const blocked = sub.nce?.unavailable?.find((a) => a.action === 'upgrade');
  const mutation = useMutation({
    mutationFn: () => {
      if (!plan.ok) throw new Error('invalid upgrade');
      return upgradeSubscription(sub.id, upgradeBody(plan));
    },
    onSuccess: onDone,
  });
  const submit = () => {
    setTried(true);
    if (plan.ok) mutation.mutate();
  };
  return (
    <Modal opened onClose={onClose} title={t('subscriptions.upgradeTitle', { title: sub.title })} size="lg">
      <Stack gap="md" data-testid="upgrade-form">
        <Text size="sm">{t('subscriptions.upgradeIntro')}</Text>
        {blocked && (
          <Alert color="orange" p="xs">
            {blocked.reason ?? t('subscriptions.upgradeUnavailable')}
          </Alert>
        )}
        <Select
          label={t('subscriptions.upgradeTarget')}
          placeholder={t('subscriptions.upgradeTargetPlaceholder')}
          description={t('subscriptions.upgradeTargetHint', { term: `${sub.term} / ${sub.billingCycle}` })}
          data={[...byId.values()].map((item) => ({ value: item.id, label: item.title }))}
          value={target?.id ?? null}
          onChange={(id) => setTarget(id ? (byId.get(id) ?? null) : null)}
          searchable
          searchValue={search}
          onSearchChange={setSearch}
          filter={({ options }) => options}
          nothingFoundMessage={t('subscriptions.upgradeNoTarget')}
          error={
            problems.has('target')
              ? t('subscriptions.upgradeProblem.target')
              : problems.has('sameSku')
                ? t('subscriptions.upgradeProblem.sameSku')
                : undefined
          }
        />
        <NumberInput
          label={t('subscriptions.upgradeQuantity')}
          description={t('subscriptions.upgradeQuantityHint', { quantity: sub.quantity })}
          placeholder={t('subscriptions.upgradeAllSeats', { quantity: sub.quantity })}
          min={1}
          max={sub.quantity}
          clampBehavior="none"
          allowDecimal={false}
          value={quantity}
          onChange={setQuantity}
          error={
            problems.has('quantity')
              ? t('subscriptions.upgradeProblem.quantity', { quantity: sub.quantity })
              : undefined
          }
          w={260}
        />
        <Alert
          color="blue"
          p="sm"
          title={t('subscriptions.upgradeWhatHappens')}
          data-testid="upgrade-explanation"
        >
          <Stack gap={4}>
            {plan.ok && plan.kind === 'partial' ? (
              <Text size="sm">
                {t('subscriptions.upgradePartial', {
                  quantity: plan.quantity,
                  remaining: plan.remaining,
                  target: target?.title ?? '',
                  end: sub.termEnd ? f.date(sub.termEnd) : '–',
                })}
              </Text>
            ) : (
              <Text size="sm">
                {t('subscriptions.upgradeFull', {
                  quantity: sub.quantity,
                  target: target?.title ?? t('subscriptions.upgradeTheTarget'),
                  end: sub.termEnd ? f.date(sub.termEnd) : '–',
                })}
              </Text>
            )}
            <Text size="sm">{t('subscriptions.upgradeRules')}</Text>
            {sub.scheduledChange != null && <Text size="sm">{t('subscriptions.upgradeWipesSchedule')}</Text>}
            {price.data && (
              <Text size="sm" fw={600} data-testid="upgrade-price">
                {t('subscriptions.upgradePrice', {
                  unit: f.money(price.data.unitPrice, price.data.currency),
                  cycle: f.money(price.data.totalPerBillingCycle, price.data.currency),
                })}
              </Text>
            )}
          </Stack>
        </Alert>
        {problems.has('notActive') && (
          <Alert color="red" p="xs">
            {t('subscriptions.upgradeProblem.notActive')}
          </Alert>
        )}
        {mutation.isError && (
          <Alert color="red" role="alert" data-testid="upgrade-error">
            {partnerErrorMessage(t, mutation.error)}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('subscriptions.dismiss')}
          </Button>
          <Button onClick={submit} loading={mutation.isPending}>
            {t('subscriptions.upgradeSubmit')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function History({ id }: { id: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const query = useQuery(subscriptionEventsQuery(id));
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="sub-history-title">
      <Title order={2} size="h4" id="sub-history-title" mb="sm">
        {t('subscriptions.history')}
      </Title>
      {query.isPending ? (
        <InlineLoader />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : query.data.items.length === 0 ? (
        <Empty title={t('subscriptions.historyEmpty')} />
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table data-testid="subscription-history">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('subscriptions.effective')}</Table.Th>
                <Table.Th>{t('subscriptions.change')}</Table.Th>
                <Table.Th ta="right">{t('subscriptions.quantity')}</Table.Th>
                <Table.Th>{t('subscriptions.statusLabel')}</Table.Th>
                <Table.Th>{t('subscriptions.order')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {query.data.items.map((event) => (
                <Table.Tr key={event.id}>
                  <Table.Td>{f.dateTime(event.effectiveAt)}</Table.Td>
                  <Table.Td>
                    {isEventKind(event.kind) ? t(`subscriptions.event.${event.kind}`) : event.kind}
                  </Table.Td>
                  <Table.Td ta="right">
                    {event.quantityBefore !== null && event.quantityBefore !== event.quantityAfter
                      ? `${f.number(event.quantityBefore)} → ${f.number(event.quantityAfter)}`
                      : f.number(event.quantityAfter)}
                  </Table.Td>
                  <Table.Td>
                    <StatusBadge status={event.statusAfter} />
                  </Table.Td>
                  <Table.Td>
                    {event.orderId ? (
                      <Anchor component={Link} to={`/orders/${encodeURIComponent(event.orderId)}`}>
                        {t('subscriptions.openOrder')}
                      </Anchor>
                    ) : (
                      '–'
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Paper>
  );
}
