import {
  ActionIcon,
  Alert,
  Anchor,
  Badge,
  Button,
  Code,
  CopyButton,
  Group,
  Modal,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  Timeline,
  Title,
  Tooltip,
} from '@mantine/core';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { useSession } from '../../auth/session';
import { IconCheck, IconCopy } from '../../components/icons';
import { PageHeader } from '../../components/PageHeader';
import { Empty, ErrorState, InlineLoader, LoadMore } from '../../components/States';
import { useFormat } from '../../hooks/useFormat';
import { decideOrder, ORDER_STATES, type Order, orderListQuery, orderQuery } from '../api';
import { partnerErrorMessage } from '../errors';
import { CustomerPicker } from '../usage/UsagePage';
import { adminResultOf, checkRelationship, type OrderLineDetail } from './orderApi';

const LINE_STATUSES = ['pending', 'succeeded', 'failed'] as const;
const isLineStatus = (status: string): status is (typeof LINE_STATUSES)[number] =>
  (LINE_STATUSES as readonly string[]).includes(status);

const OrderWizard = lazy(() => import('./OrderWizard'));

export default function OrdersPage() {
  const { id } = useParams();
  if (id === 'new') {
    return (
      <Suspense fallback={<InlineLoader />}>
        <OrderWizard />
      </Suspense>
    );
  }
  return id ? <OrderDetail id={id} /> : <OrderList />;
}

const STATE_COLORS: Record<string, string> = {
  completed: 'green',
  awaiting_approval: 'orange',
  awaiting_relationship: 'orange',
  scheduled: 'blue',
  provisioning: 'blue',
  submitted: 'blue',
  failed: 'red',
  partially_failed: 'red',
  cancelled: 'gray',
  draft: 'gray',
};

export function OrderStateBadge({ state }: { state: string }) {
  const { t } = useTranslation();
  const known = (ORDER_STATES as readonly string[]).includes(state);
  return (
    <Badge
      color={STATE_COLORS[state] ?? 'gray'}
      variant="light"
      data-testid="order-state"
      maw="none"
      style={{ flexShrink: 0, minWidth: 'max-content' }}
    >
      {known ? t(`orders.state.${state as (typeof ORDER_STATES)[number]}`) : state}
    </Badge>
  );
}

function OrderList() {
  const { t } = useTranslation();
  const f = useFormat();
  const me = useSession();
  const [params, setParams] = useSearchParams();
  const state = params.get('state') ?? '';
  const customerId = params.get('customer') ?? '';
  const filter = { ...(state ? { state } : {}), ...(customerId ? { customerId } : {}) };
  const query = useInfiniteQuery(orderListQuery(filter));
  const items = query.data?.pages.flatMap((page) => page.items) ?? [];
  const setParam = (key: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  return (
    <>
      <PageHeader
        title={t('orders.title')}
        description={t('orders.description')}
        actions={
          me.permissions.includes('orders:write') && (
            <Button component={Link} to="/orders/new">
              {t('orders.newOrder')}
            </Button>
          )
        }
      />
      <Stack gap="md">
        <Group align="flex-end" wrap="wrap">
          <Select
            label={t('orders.stateFilter')}
            placeholder={t('orders.anyState')}
            data={ORDER_STATES.map((value) => ({ value, label: t(`orders.state.${value}`) }))}
            value={state || null}
            onChange={(value) => setParam('state', value)}
            clearable
            w={220}
          />
          <CustomerPicker value={customerId} onChange={(value) => setParam('customer', value)} />
        </Group>
        <Paper withBorder radius="md">
          {query.isPending ? (
            <InlineLoader />
          ) : query.isError ? (
            <Stack p="md">
              <ErrorState error={query.error} onRetry={() => void query.refetch()} />
            </Stack>
          ) : items.length === 0 ? (
            <Empty title={t('orders.emptyTitle')} description={t('orders.emptyDescription')} />
          ) : (
            <Table.ScrollContainer minWidth={860}>
              <Table highlightOnHover data-testid="order-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('orders.number')}</Table.Th>
                    <Table.Th>{t('orders.customer')}</Table.Th>
                    <Table.Th>{t('orders.stateLabel')}</Table.Th>
                    <Table.Th>{t('orders.effective')}</Table.Th>
                    <Table.Th ta="right">{t('orders.monthly')}</Table.Th>
                    <Table.Th>{t('orders.created')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {items.map((order) => (
                    <Table.Tr key={order.id}>
                      <Table.Td>
                        <Anchor component={Link} to={`/orders/${encodeURIComponent(order.id)}`}>
                          {order.number}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>{order.customerName}</Table.Td>
                      <Table.Td>
                        <OrderStateBadge state={order.state} />
                      </Table.Td>
                      <Table.Td>
                        {order.effectiveDate ? f.date(order.effectiveDate) : t('orders.immediately')}
                      </Table.Td>
                      <Table.Td ta="right">{f.money(order.monthlyAmount, order.currency)}</Table.Td>
                      <Table.Td>{f.dateTime(order.createdAt)}</Table.Td>
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
    </>
  );
}

function OrderDetail({ id }: { id: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const me = useSession();
  const client = useQueryClient();
  const query = useQuery({
    ...orderQuery(id),
    // Provisioning runs in the background: follow it until the order settles.
    refetchInterval: (q) =>
      ['submitted', 'provisioning'].includes(q.state.data?.state ?? '')
        ? 2000
        : q.state.data?.state === 'awaiting_relationship'
          ? 15_000
          : false,
  });
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState('');
  const decide = useMutation({
    mutationFn: (input: { decision: 'approve' | 'reject' | 'cancel'; reason?: string }) =>
      decideOrder(id, input.decision, input.reason),
    onSuccess: async (order) => {
      client.setQueryData(orderQuery(id).queryKey, order);
      setRejecting(false);
      await client.invalidateQueries({ queryKey: ['orders', 'list'] });
    },
  });

  const check = useMutation({
    mutationFn: () => checkRelationship(id),
    onSuccess: async (order) => {
      client.setQueryData(orderQuery(id).queryKey, order);
      await client.invalidateQueries({ queryKey: ['orders', 'list'] });
    },
  });

  if (query.isPending) return <InlineLoader />;
  if (query.isError) {
    return (
      <>
        <PageHeader title={t('orders.title')} />
        <Anchor component={Link} to="/orders" mb="md" display="block">
          {t('orders.back')}
        </Anchor>
        <ErrorState error={query.error} />
      </>
    );
  }
  const order: Order = query.data;
  const canApprove = order.state === 'awaiting_approval' && me.permissions.includes('orders:approve');
  const canCancel =
    ['scheduled', 'awaiting_approval', 'awaiting_relationship', 'draft'].includes(order.state) &&
    me.permissions.includes('orders:write');

  return (
    <>
      <PageHeader
        title={t('orders.orderTitle', { number: order.number })}
        description={order.customerName}
        actions={
          <Group>
            {canApprove && (
              <>
                <Button
                  color="green"
                  onClick={() => decide.mutate({ decision: 'approve' })}
                  loading={decide.isPending}
                >
                  {t('orders.approve')}
                </Button>
                <Button color="red" variant="light" onClick={() => setRejecting(true)}>
                  {t('orders.reject')}
                </Button>
              </>
            )}
            {canCancel && (
              <Button
                variant="default"
                onClick={() => decide.mutate({ decision: 'cancel' })}
                loading={decide.isPending}
              >
                {t('orders.cancelOrder')}
              </Button>
            )}
          </Group>
        }
      />
      <Stack gap="lg">
        <Group>
          <Anchor component={Link} to="/orders">
            {t('orders.back')}
          </Anchor>
          <OrderStateBadge state={order.state} />
        </Group>
        {decide.isError && (
          <Alert color="red" role="alert">
            {partnerErrorMessage(t, decide.error)}
          </Alert>
        )}
        {order.relationshipUrl && order.state === 'awaiting_relationship' && (
          <Alert color="orange" title={t('orders.relationshipTitle')} data-testid="relationship">
            <Stack gap="xs">
              <Text size="sm">{t('orders.relationshipHint')}</Text>
              <Group gap="xs" wrap="nowrap" align="center">
                <Code
                  data-testid="relationship-url"
                  style={{ overflowWrap: 'anywhere', whiteSpace: 'normal', flex: 1 }}
                >
                  {order.relationshipUrl}
                </Code>
                <CopyButton value={order.relationshipUrl}>
                  {({ copied, copy }) => (
                    <Button
                      size="xs"
                      variant="light"
                      onClick={copy}
                      color={copied ? 'teal' : undefined}
                      style={{ flexShrink: 0 }}
                    >
                      {copied ? t('orders.copied') : t('orders.copyLink')}
                    </Button>
                  )}
                </CopyButton>
              </Group>
              <Text size="xs" c="dimmed">
                {t('orders.relationshipPolling')}
              </Text>
              {me.permissions.includes('orders:write') && (
                <Group gap="sm">
                  <Button
                    size="xs"
                    onClick={() => check.mutate()}
                    loading={check.isPending}
                    data-testid="check-relationship"
                  >
                    {t('orders.checkRelationship')}
                  </Button>
                  {check.isSuccess && check.data.state === 'awaiting_relationship' && (
                    <Text size="sm" role="status">
                      {t('orders.relationshipNotYet')}
                    </Text>
                  )}
                </Group>
              )}
              {check.isError && (
                <Text size="sm" c="red" role="alert">
                  {partnerErrorMessage(t, check.error)}
                </Text>
              )}
            </Stack>
          </Alert>
        )}
        {check.isSuccess && check.data.history.some((h) => h.event === 'relationship_accepted') && (
          <Alert color="green" role="status" data-testid="relationship-accepted">
            {t('orders.relationshipAccepted')}
          </Alert>
        )}
        {order.failureReason && (
          <Alert color="red" title={t('orders.failureTitle')}>
            {order.failureReason}
          </Alert>
        )}
        <Paper withBorder p="md" radius="md">
          <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }}>
            <Fact label={t('orders.customer')} value={order.customerName} />
            <Fact label={t('orders.seller')} value={order.sellerName} />
            <Fact
              label={t('orders.effective')}
              value={order.effectiveDate ? f.date(order.effectiveDate) : t('orders.immediately')}
            />
            <Fact label={t('orders.monthly')} value={f.money(order.monthlyAmount, order.currency)} />
            <Fact label={t('orders.tenant')} value={order.tenant?.domain ?? '–'} />
            <Fact label={t('orders.reference')} value={order.reference || '–'} />
          </SimpleGrid>
        </Paper>
        <Paper withBorder p="md" radius="md" component="section" aria-labelledby="order-lines-title">
          <Title order={2} size="h4" id="order-lines-title" mb="sm">
            {t('orders.lines')}
          </Title>
          <Table.ScrollContainer minWidth={640}>
            <Table data-testid="order-lines">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('orders.product')}</Table.Th>
                  <Table.Th>{t('orders.term')}</Table.Th>
                  <Table.Th ta="right">{t('orders.quantity')}</Table.Th>
                  <Table.Th ta="right">{t('orders.unitPrice')}</Table.Th>
                  <Table.Th>{t('orders.lineStatus')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {(order.lines as OrderLineDetail[]).map((line) => (
                  <Table.Tr key={line.id}>
                    <Table.Td>
                      {line.createdSubscriptionId ? (
                        <Anchor
                          component={Link}
                          to={`/subscriptions/${encodeURIComponent(line.createdSubscriptionId)}`}
                        >
                          {line.title}
                        </Anchor>
                      ) : (
                        line.title
                      )}
                      {isLineKind(line.kind) && (
                        <Text size="xs" c="dimmed">
                          {t(`orders.lineKind.${line.kind}`)}
                        </Text>
                      )}
                      <AdminResult line={line} />
                    </Table.Td>
                    <Table.Td>{line.term ? `${line.term} / ${line.billingCycle ?? ''}` : '–'}</Table.Td>
                    <Table.Td ta="right">{line.quantity !== null ? f.number(line.quantity) : '–'}</Table.Td>
                    <Table.Td ta="right">
                      {line.unitPrice && line.currency ? f.money(line.unitPrice, line.currency) : '–'}
                    </Table.Td>
                    <Table.Td>
                      {isLineStatus(line.status) ? t(`orders.lineState.${line.status}`) : line.status}
                      {line.failureReason && (
                        <Text size="xs" c="red">
                          {line.failureReason}
                        </Text>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
        <Paper withBorder p="md" radius="md" component="section" aria-labelledby="order-timeline-title">
          <Title order={2} size="h4" id="order-timeline-title" mb="sm">
            {t('orders.timeline')}
          </Title>
          <Timeline bulletSize={14} lineWidth={2} data-testid="order-timeline">
            <Timeline.Item title={t('orders.placed')}>
              <Text size="xs" c="dimmed">
                {f.dateTime(order.createdAt)} · {order.createdBy}
              </Text>
            </Timeline.Item>
            {order.history.map((step) => (
              <Timeline.Item
                key={`${step.at}-${step.to}-${step.event}`}
                title={
                  (ORDER_STATES as readonly string[]).includes(step.to)
                    ? t(`orders.state.${step.to as (typeof ORDER_STATES)[number]}`)
                    : step.to
                }
              >
                <Text size="xs" c="dimmed">
                  {f.dateTime(step.at)} · {step.actor}
                </Text>
                {step.reason && <Text size="sm">{step.reason}</Text>}
              </Timeline.Item>
            ))}
          </Timeline>
        </Paper>
      </Stack>
      <Modal opened={rejecting} onClose={() => setRejecting(false)} title={t('orders.rejectTitle')}>
        <Stack>
          <Textarea
            label={t('orders.rejectReason')}
            value={reason}
            onChange={(event) => setReason(event.currentTarget.value)}
            required
          />
          <Group justify="flex-end">
            <Button
              color="red"
              disabled={!reason.trim()}
              onClick={() => decide.mutate({ decision: 'reject', reason: reason.trim() })}
              loading={decide.isPending}
            >
              {t('orders.reject')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

const LINE_KINDS = ['add_on', 'azure_admin', 'upgrade', 'change_quantity', 'schedule_change'] as const;
const isLineKind = (kind: string): kind is (typeof LINE_KINDS)[number] =>
  (LINE_KINDS as readonly string[]).includes(kind);

/** A new administrator's account and temporary password, for the ordering side to hand over. */
function AdminResult({ line }: { line: OrderLineDetail }) {
  const { t } = useTranslation();
  const result = adminResultOf(line);
  if (!result) return null;
  return (
    <Paper withBorder p="xs" mt={4} radius="sm" data-testid="admin-result">
      {result.userPrincipalName && (
        <Text size="sm">
          {t('orders.adminAccount')}: <Code>{result.userPrincipalName}</Code>
        </Text>
      )}
      {result.temporaryPassword && (
        <Stack gap={2} mt={4}>
          <Group gap="xs" wrap="nowrap">
            <Text size="sm">{t('orders.temporaryPassword')}:</Text>
            <Code data-testid="temporary-password">{result.temporaryPassword}</Code>
            <CopyButton value={result.temporaryPassword}>
              {({ copied, copy }) => (
                <Tooltip label={copied ? t('orders.copied') : t('orders.copyPassword')}>
                  <ActionIcon
                    variant="subtle"
                    size="sm"
                    onClick={copy}
                    aria-label={t('orders.copyPassword')}
                    color={copied ? 'teal' : undefined}
                  >
                    {copied ? <IconCheck size={14} /> : <IconCopy size={14} />}
                  </ActionIcon>
                </Tooltip>
              )}
            </CopyButton>
          </Group>
          <Text size="xs" c="dimmed">
            {t('orders.temporaryPasswordHint')}
          </Text>
        </Stack>
      )}
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
