import { Alert, Anchor, Card, Group, Stack, Stepper, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { PageHeader } from '../components/PageHeader';
import { Empty, ErrorState, InlineLoader } from '../components/States';
import { useFormat } from '../hooks/useFormat';
import { type Order, orderQuery, ordersQuery } from './api';
import { cycleLabel, lineKindLabel, OrderStateBadge, orderStateLabel, termLabel } from './labels';

/** The company's orders; `/my/orders/:id` follows one to the end (it polls while it runs). */
export default function OrdersPage() {
  const { orderId } = useParams();
  return orderId ? <OrderDetail id={orderId} /> : <OrderList />;
}

function OrderList() {
  const { t } = useTranslation();
  const f = useFormat();
  const query = useQuery(ordersQuery);
  const items = query.data?.items ?? [];
  return (
    <>
      <PageHeader title={t('panel.orders.title')} description={t('panel.orders.description')} />
      <Card withBorder radius="md" p={0}>
        {query.error ? (
          <ErrorState error={query.error} onRetry={() => void query.refetch()} />
        ) : query.isPending ? (
          <InlineLoader />
        ) : items.length === 0 ? (
          <Empty title={t('panel.orders.empty')} />
        ) : (
          <Table striped data-testid="orders-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('panel.orders.number')}</Table.Th>
                <Table.Th>{t('panel.orders.placed')}</Table.Th>
                <Table.Th>{t('panel.orders.what')}</Table.Th>
                <Table.Th>{t('panel.orders.effective')}</Table.Th>
                <Table.Th>{t('panel.orders.state')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((o) => (
                <Table.Tr key={o.id}>
                  <Table.Td style={NOWRAP}>
                    <Anchor component={Link} to={`/my/orders/${o.id}`} size="sm">
                      {o.number}
                    </Anchor>
                  </Table.Td>
                  <Table.Td style={NOWRAP}>{f.dateTime(o.createdAt)}</Table.Td>
                  <Table.Td>{summary(o, t)}</Table.Td>
                  <Table.Td style={NOWRAP}>
                    {o.effectiveAt ? f.dateTime(o.effectiveAt) : t('panel.order.now')}
                  </Table.Td>
                  <Table.Td style={NOWRAP}>
                    <OrderStateBadge state={o.state} />
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

const summary = (o: Order, t: Parameters<typeof lineKindLabel>[0]) =>
  o.lines.map((l) => `${lineKindLabel(t, l.kind)}${l.title ? `: ${l.title}` : ''}`).join(', ');

const NOWRAP = { whiteSpace: 'nowrap' } as const;

const DONE = new Set(['completed', 'failed', 'partially_failed', 'cancelled']);

function progressStep(state: string): number {
  if (state === 'completed') return 4;
  if (DONE.has(state)) return 3;
  if (state === 'provisioning') return 2;
  if (state === 'draft') return 0;
  return 1;
}

function OrderDetail({ id }: { id: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const query = useQuery(orderQuery(id));
  if (query.isPending) return <InlineLoader />;
  if (query.error) {
    return (
      <>
        <PageHeader title={t('panel.orders.title')} />
        <Stack gap="md" data-testid="order-not-found">
          <ErrorState error={query.error} />
          <Anchor component={Link} to="/my/orders">
            {t('panel.orders.back')}
          </Anchor>
        </Stack>
      </>
    );
  }
  const o = query.data;
  const failed = o.state === 'failed' || o.state === 'partially_failed' || o.state === 'cancelled';
  return (
    <>
      <PageHeader
        title={t('panel.orders.orderTitle', { number: o.number })}
        actions={
          <Anchor component={Link} to="/my/orders" size="sm">
            {t('panel.orders.back')}
          </Anchor>
        }
      />
      <Stack gap="lg">
        <Card withBorder radius="md" data-testid="order-progress">
          <Group justify="space-between" mb="md">
            <OrderStateBadge state={o.state} />
            {o.effectiveAt && (
              <Text size="sm">{t('panel.orders.effectiveFrom', { date: f.dateTime(o.effectiveAt) })}</Text>
            )}
          </Group>
          <Stepper active={progressStep(o.state)} color={failed ? 'red' : undefined} size="sm">
            <Stepper.Step label={t('panel.orders.stepPlaced')} description={f.dateTime(o.createdAt)} />
            <Stepper.Step
              label={
                o.state === 'scheduled' || o.state.startsWith('awaiting')
                  ? orderStateLabel(t, o.state)
                  : t('panel.orders.stepChecked')
              }
            />
            <Stepper.Step label={t('panel.orders.stepProvisioning')} />
            <Stepper.Step
              label={failed ? orderStateLabel(t, o.state) : t('panel.orders.stepDone')}
              description={o.completedAt ? f.dateTime(o.completedAt) : undefined}
            />
          </Stepper>
          {o.credit && o.credit.outcome !== 'allowed' && (
            <Alert mt="md" color="yellow" variant="light" title={t('panel.orders.credit')}>
              {
                t(`panel.orders.creditOutcome.${o.credit.outcome}` as never, {
                  defaultValue: o.credit.outcome,
                }) as string
              }
            </Alert>
          )}
          {o.failureReason && (
            <Alert mt="md" color="red" variant="light" title={t('panel.orders.failed')}>
              {o.failureReason}
            </Alert>
          )}
        </Card>
        <Card withBorder radius="md">
          <Title order={2} size="h5" mb="xs">
            {t('panel.orders.lines')}
          </Title>
          <Table data-testid="order-lines">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('panel.orders.what')}</Table.Th>
                <Table.Th ta="right">{t('panel.contracts.quantity')}</Table.Th>
                <Table.Th>{t('panel.contracts.term')}</Table.Th>
                <Table.Th ta="right">{t('panel.contracts.myPrice')}</Table.Th>
                <Table.Th>{t('panel.orders.state')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {o.lines.map((l) => (
                <Table.Tr key={l.id}>
                  <Table.Td>
                    {lineKindLabel(t, l.kind)}
                    {l.title ? `: ${l.title}` : ''}
                    {(l.createdSubscriptionId ?? l.subscriptionId) && (
                      <>
                        {' '}
                        <Anchor
                          component={Link}
                          to={`/contracts/${l.createdSubscriptionId ?? l.subscriptionId}`}
                          size="xs"
                        >
                          {t('panel.orders.toContract')}
                        </Anchor>
                      </>
                    )}
                  </Table.Td>
                  <Table.Td ta="right">{l.quantity ?? '–'}</Table.Td>
                  <Table.Td>
                    {l.term ? `${termLabel(t, l.term)} · ${cycleLabel(t, l.billingCycle)}` : '–'}
                  </Table.Td>
                  <Table.Td ta="right">
                    {l.unitPrice && l.currency ? f.money(l.unitPrice, l.currency) : '–'}
                  </Table.Td>
                  <Table.Td>
                    {t(`panel.lineStatus.${l.status}` as never, { defaultValue: l.status }) as string}
                    {l.failureReason && (
                      <Text size="xs" c="red">
                        {l.failureReason}
                      </Text>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Card>
        {o.history.some((h) => h.from !== h.to) && (
          <Card withBorder radius="md">
            <Title order={2} size="h5" mb="xs">
              {t('panel.orders.history')}
            </Title>
            <Table>
              <Table.Tbody>
                {o.history
                  .filter((h) => h.from !== h.to)
                  .map((h) => (
                    <Table.Tr key={`${h.at ?? ''}-${h.from}-${h.to}-${h.event}`}>
                      <Table.Td>{h.at ? f.dateTime(h.at) : ''}</Table.Td>
                      <Table.Td>
                        {orderStateLabel(t, h.from)} → {orderStateLabel(t, h.to)}
                      </Table.Td>
                    </Table.Tr>
                  ))}
              </Table.Tbody>
            </Table>
          </Card>
        )}
      </Stack>
    </>
  );
}
