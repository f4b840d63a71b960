import {
  Alert,
  Anchor,
  Badge,
  Button,
  Code,
  Group,
  Modal,
  MultiSelect,
  Paper,
  Select,
  Stack,
  Switch,
  Table,
  Tabs,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { useSession } from '../../auth/session';
import { PageHeader } from '../../components/PageHeader';
import { Empty, ErrorState, InlineLoader, LoadMore } from '../../components/States';
import { useFormat } from '../../hooks/useFormat';
import { ApiKeysTab } from './ApiKeysTab';
import {
  CHANNELS,
  createWebhook,
  EVENT_TYPES,
  type EventType,
  isEventType,
  LOCALES,
  type Locale,
  NOTIFICATION_STATUSES,
  notificationQuery,
  outboxQuery,
  pingWebhook,
  redeliver,
  setWebhookEnabled,
  templatePreviewQuery,
  type WebhookEndpoint,
  webhookDeliveriesQuery,
  webhookListQuery,
} from './api';
import { notificationsErrorMessage } from './errors';

const TABS = ['outbox', 'templates', 'webhooks', 'apiKeys'] as const;
type Tab = (typeof TABS)[number];

/** The event type's translated name; unknown types (a newer server) show as they are. */
function useEventName() {
  const { t } = useTranslation();
  return (type: string) => (isEventType(type) ? t(`notificationsUi.event.${type}`) : type);
}

export default function NotificationsPage() {
  const { t } = useTranslation();
  const me = useSession();
  const [params, setParams] = useSearchParams();
  const canWebhooks = me.permissions.includes('webhooks:manage');
  const canKeys = me.permissions.includes('api_keys:manage');
  const requested = params.get('tab');
  const tab: Tab =
    requested === 'templates' ||
    (requested === 'webhooks' && canWebhooks) ||
    (requested === 'apiKeys' && canKeys)
      ? requested
      : 'outbox';
  return (
    <>
      <PageHeader title={t('notificationsUi.title')} description={t('notificationsUi.description')} />
      <Tabs
        value={tab}
        onChange={(value) => setParams(value && value !== 'outbox' ? { tab: value } : {}, { replace: true })}
      >
        <Tabs.List mb="md">
          <Tabs.Tab value="outbox">{t('notificationsUi.tabOutbox')}</Tabs.Tab>
          <Tabs.Tab value="templates">{t('notificationsUi.tabTemplates')}</Tabs.Tab>
          {canWebhooks && <Tabs.Tab value="webhooks">{t('notificationsUi.tabWebhooks')}</Tabs.Tab>}
          {canKeys && <Tabs.Tab value="apiKeys">{t('notificationsUi.tabApiKeys')}</Tabs.Tab>}
        </Tabs.List>
        <Tabs.Panel value="outbox">{tab === 'outbox' && <Outbox />}</Tabs.Panel>
        <Tabs.Panel value="templates">{tab === 'templates' && <TemplatePreview />}</Tabs.Panel>
        {canWebhooks && <Tabs.Panel value="webhooks">{tab === 'webhooks' && <Webhooks />}</Tabs.Panel>}
        {canKeys && <Tabs.Panel value="apiKeys">{tab === 'apiKeys' && <ApiKeysTab />}</Tabs.Panel>}
      </Tabs>
    </>
  );
}

const STATUS_COLOR: Record<string, string> = {
  pending: 'yellow',
  sent: 'green',
  succeeded: 'green',
  failed: 'red',
};

function Outbox() {
  const { t } = useTranslation();
  const f = useFormat();
  const eventName = useEventName();
  // Filters live in the address bar, so a filtered outbox can be linked to.
  const [params, setParams] = useSearchParams();
  const channel = params.get('channel');
  const event = params.get('event');
  const status = params.get('status');
  const setFilter = (name: 'channel' | 'event' | 'status') => (value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  };
  const [open, setOpen] = useState<string | null>(null);
  const query = useInfiniteQuery(
    outboxQuery({
      ...(channel ? { channel } : {}),
      ...(event ? { event } : {}),
      ...(status ? { status } : {}),
    }),
  );
  const items = query.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <Stack gap="md">
      <Group align="flex-end">
        <Select
          label={t('notificationsUi.channelFilter')}
          placeholder={t('notificationsUi.anyChannel')}
          data={CHANNELS.map((value) => ({ value, label: t(`notificationsUi.channel.${value}`) }))}
          value={channel}
          onChange={setFilter('channel')}
          clearable
          w={200}
        />
        <Select
          label={t('notificationsUi.eventFilter')}
          placeholder={t('notificationsUi.anyEvent')}
          data={EVENT_TYPES.map((value) => ({ value, label: eventName(value) }))}
          value={event}
          onChange={setFilter('event')}
          clearable
          searchable
          w={280}
        />
        <Select
          label={t('notificationsUi.statusFilter')}
          placeholder={t('notificationsUi.anyStatus')}
          data={NOTIFICATION_STATUSES.map((value) => ({
            value,
            label: t(`notificationsUi.status.${value}`),
          }))}
          value={status}
          onChange={setFilter('status')}
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
          <Empty
            title={t('notificationsUi.emptyTitle')}
            description={t('notificationsUi.emptyDescription')}
          />
        ) : (
          <Table.ScrollContainer minWidth={900}>
            <Table data-testid="outbox-table" highlightOnHover>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('notificationsUi.created')}</Table.Th>
                  <Table.Th>{t('notificationsUi.eventLabel')}</Table.Th>
                  <Table.Th>{t('notificationsUi.channelLabel')}</Table.Th>
                  <Table.Th>{t('notificationsUi.subject')}</Table.Th>
                  <Table.Th>{t('notificationsUi.recipient')}</Table.Th>
                  <Table.Th>{t('notificationsUi.statusLabel')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((item) => (
                  <Table.Tr key={item.id} data-id={item.id} data-event={item.eventType}>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{f.dateTime(item.createdAt)}</Table.Td>
                    <Table.Td data-testid="outbox-event">{eventName(item.eventType)}</Table.Td>
                    <Table.Td>{t(`notificationsUi.channel.${item.channel}`)}</Table.Td>
                    <Table.Td>
                      <Anchor component="button" type="button" size="sm" onClick={() => setOpen(item.id)}>
                        {item.title}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{item.recipient ?? '–'}</Table.Td>
                    <Table.Td>
                      <Badge color={STATUS_COLOR[item.status] ?? 'gray'} variant="light">
                        {t(`notificationsUi.status.${item.status}`)}
                      </Badge>
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
      {open && <NotificationDetail id={open} onClose={() => setOpen(null)} />}
    </Stack>
  );
}

function NotificationDetail({ id, onClose }: { id: string; onClose: () => void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const eventName = useEventName();
  const query = useQuery(notificationQuery(id));
  const item = query.data;
  const fact = (label: string, value: string) => (
    <Group gap="xs" wrap="nowrap" align="flex-start">
      <Text size="sm" c="dimmed" w={160}>
        {label}
      </Text>
      <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
        {value}
      </Text>
    </Group>
  );
  return (
    <Modal opened onClose={onClose} size="xl" title={item?.title ?? t('notificationsUi.detailTitle')}>
      {query.isPending ? (
        <InlineLoader />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : (
        <Stack gap="sm" data-testid="notification-detail">
          {fact(t('notificationsUi.subject'), query.data.title)}
          {fact(t('notificationsUi.eventLabel'), eventName(query.data.eventType))}
          {fact(t('notificationsUi.channelLabel'), t(`notificationsUi.channel.${query.data.channel}`))}
          {fact(t('notificationsUi.recipient'), query.data.recipient ?? '–')}
          {fact(t('notificationsUi.statusLabel'), t(`notificationsUi.status.${query.data.status}`))}
          {fact(t('notificationsUi.attempts'), String(query.data.attempts))}
          {fact(t('notificationsUi.sentAt'), query.data.sentAt ? f.dateTime(query.data.sentAt) : '–')}
          {query.data.nextAttemptAt &&
            fact(t('notificationsUi.nextAttempt'), f.dateTime(query.data.nextAttemptAt))}
          {query.data.lastError && fact(t('notificationsUi.lastError'), query.data.lastError)}
          {query.data.fileName && fact(t('notificationsUi.fileName'), query.data.fileName)}
          <Title order={4} mt="sm">
            {t('notificationsUi.renderedText')}
          </Title>
          <Code block data-testid="notification-text" style={{ whiteSpace: 'pre-wrap' }}>
            {query.data.body}
          </Code>
        </Stack>
      )}
    </Modal>
  );
}

function TemplatePreview() {
  const { t, i18n } = useTranslation();
  const eventName = useEventName();
  const [event, setEvent] = useState<EventType>('renewal_notice');
  const [locale, setLocale] = useState<Locale>(
    (LOCALES as readonly string[]).includes(i18n.language) ? (i18n.language as Locale) : 'en',
  );
  const query = useQuery(templatePreviewQuery(event, locale));
  return (
    <Stack gap="md">
      <Group align="flex-end">
        <Select
          label={t('notificationsUi.eventLabel')}
          data={EVENT_TYPES.map((value) => ({ value, label: eventName(value) }))}
          value={event}
          onChange={(value) => value && isEventType(value) && setEvent(value)}
          allowDeselect={false}
          searchable
          w={300}
          data-testid="preview-event"
        />
        <Select
          label={t('notificationsUi.language')}
          data={LOCALES.map((value) => ({ value, label: t(`language.${value}`) }))}
          value={locale}
          onChange={(value) =>
            value && (LOCALES as readonly string[]).includes(value) && setLocale(value as Locale)
          }
          allowDeselect={false}
          w={180}
          data-testid="preview-locale"
        />
      </Group>
      <Paper withBorder radius="md" p="md">
        {query.isPending ? (
          <InlineLoader />
        ) : query.isError ? (
          <ErrorState error={query.error} onRetry={() => void query.refetch()} />
        ) : (
          <Stack gap="sm" data-testid="template-preview">
            <Group gap="xs">
              <Text size="sm" c="dimmed">
                {t('notificationsUi.subject')}
              </Text>
              {query.data.essential && (
                <Badge variant="light" color="blue">
                  {t('notificationsUi.essential')}
                </Badge>
              )}
            </Group>
            <Text fw={600} data-testid="preview-subject">
              {query.data.subject}
            </Text>
            <Code block style={{ whiteSpace: 'pre-wrap' }} data-testid="preview-text">
              {query.data.text}
            </Code>
            <Text size="sm" c="dimmed">
              {t('notificationsUi.htmlPreview')}
            </Text>
            <iframe
              title={t('notificationsUi.htmlPreview')}
              sandbox=""
              srcDoc={query.data.html}
              style={{ width: '100%', height: 480, border: '1px solid var(--mantine-color-default-border)' }}
            />
          </Stack>
        )}
      </Paper>
    </Stack>
  );
}

function Webhooks() {
  const { t } = useTranslation();
  const f = useFormat();
  const client = useQueryClient();
  const query = useInfiniteQuery(webhookListQuery());
  const items = query.data?.pages.flatMap((page) => page.items) ?? [];
  const [creating, setCreating] = useState(false);
  // The endpoint whose delivery log is open lives in the address bar (survives a reload).
  const [params, setParams] = useSearchParams();
  const selected = params.get('endpoint');
  const setSelected = (id: string | null) =>
    setParams(id ? { tab: 'webhooks', endpoint: id } : { tab: 'webhooks' }, { replace: true });
  const toggle = useMutation({
    mutationFn: (endpoint: WebhookEndpoint) => setWebhookEnabled(endpoint.id, !endpoint.enabled),
    onSuccess: () => client.invalidateQueries({ queryKey: ['webhooks'] }),
  });
  const current = items.find((item) => item.id === selected) ?? null;
  return (
    <Stack gap="md">
      <Group>
        <Button onClick={() => setCreating(true)}>{t('notificationsUi.newWebhook')}</Button>
      </Group>
      {toggle.isError && <Alert color="red">{notificationsErrorMessage(t, toggle.error)}</Alert>}
      <Paper withBorder radius="md">
        {query.isPending ? (
          <InlineLoader />
        ) : query.isError ? (
          <Stack p="md">
            <ErrorState error={query.error} onRetry={() => void query.refetch()} />
          </Stack>
        ) : items.length === 0 ? (
          <Empty title={t('notificationsUi.noWebhooks')} description={t('notificationsUi.noWebhooksHint')} />
        ) : (
          <Table.ScrollContainer minWidth={820}>
            <Table data-testid="webhook-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('notificationsUi.url')}</Table.Th>
                  <Table.Th>{t('notificationsUi.eventTypes')}</Table.Th>
                  <Table.Th>{t('notificationsUi.enabled')}</Table.Th>
                  <Table.Th>{t('notificationsUi.created')}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((endpoint) => (
                  <Table.Tr key={endpoint.id}>
                    <Table.Td style={{ overflowWrap: 'anywhere' }}>
                      <Text size="sm">{endpoint.url}</Text>
                      {endpoint.description && (
                        <Text size="xs" c="dimmed">
                          {endpoint.description}
                        </Text>
                      )}
                      {endpoint.disabledReason && (
                        <Text size="xs" c="red">
                          {endpoint.disabledReason}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">
                        {endpoint.eventTypes.length === 0
                          ? t('notificationsUi.allEvents')
                          : t('notificationsUi.eventCount', { n: endpoint.eventTypes.length })}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Switch
                        checked={endpoint.enabled}
                        onChange={() => toggle.mutate(endpoint)}
                        aria-label={t('notificationsUi.enabled')}
                        disabled={toggle.isPending}
                      />
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{f.dateTime(endpoint.createdAt)}</Table.Td>
                    <Table.Td>
                      <Button
                        size="compact-sm"
                        variant={selected === endpoint.id ? 'filled' : 'light'}
                        onClick={() => setSelected(selected === endpoint.id ? null : endpoint.id)}
                      >
                        {t('notificationsUi.deliveries')}
                      </Button>
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
      {current && <DeliveryLog endpoint={current} />}
      {creating && <CreateWebhook onClose={() => setCreating(false)} onCreated={setSelected} />}
    </Stack>
  );
}

function DeliveryLog({ endpoint }: { endpoint: WebhookEndpoint }) {
  const { t } = useTranslation();
  const f = useFormat();
  const eventName = useEventName();
  const client = useQueryClient();
  const query = useInfiniteQuery(webhookDeliveriesQuery(endpoint.id));
  const items = query.data?.pages.flatMap((page) => page.items) ?? [];
  const again = useMutation({
    mutationFn: (deliveryId: string) => redeliver(endpoint.id, deliveryId),
    onSuccess: () => client.invalidateQueries({ queryKey: ['webhooks', 'deliveries', endpoint.id] }),
  });
  const ping = useMutation({
    mutationFn: () => pingWebhook(endpoint.id),
    onSuccess: () => client.invalidateQueries({ queryKey: ['webhooks', 'deliveries', endpoint.id] }),
  });
  return (
    <Paper withBorder radius="md" data-testid="delivery-log">
      <Group p="md" pb={0} justify="space-between" wrap="nowrap">
        <Title order={4} style={{ overflowWrap: 'anywhere' }}>
          {t('notificationsUi.deliveryLog', { url: endpoint.url })}
        </Title>
        <Group gap="xs" wrap="nowrap">
          <Button size="compact-sm" variant="default" onClick={() => void query.refetch()}>
            {t('notificationsUi.refresh')}
          </Button>
          <Button
            size="compact-sm"
            variant="light"
            onClick={() => ping.mutate()}
            loading={ping.isPending}
            disabled={!endpoint.enabled}
          >
            {t('notificationsUi.ping')}
          </Button>
        </Group>
      </Group>
      {ping.isError && (
        <Alert color="red" m="md">
          {notificationsErrorMessage(t, ping.error)}
        </Alert>
      )}
      {again.isError && (
        <Alert color="red" m="md">
          {notificationsErrorMessage(t, again.error)}
        </Alert>
      )}
      {again.isSuccess && (
        <Alert color="green" m="md">
          {t('notificationsUi.redelivered')}
        </Alert>
      )}
      {query.isPending ? (
        <InlineLoader />
      ) : query.isError ? (
        <Stack p="md">
          <ErrorState error={query.error} onRetry={() => void query.refetch()} />
        </Stack>
      ) : items.length === 0 ? (
        <Empty title={t('notificationsUi.noDeliveries')} />
      ) : (
        <Table.ScrollContainer minWidth={820}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('notificationsUi.created')}</Table.Th>
                <Table.Th>{t('notificationsUi.eventLabel')}</Table.Th>
                <Table.Th>{t('notificationsUi.statusLabel')}</Table.Th>
                <Table.Th>{t('notificationsUi.responseCode')}</Table.Th>
                <Table.Th>{t('notificationsUi.attempts')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((delivery) => (
                <Table.Tr key={delivery.id} data-testid="delivery-row">
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{f.dateTime(delivery.createdAt)}</Table.Td>
                  <Table.Td>
                    {delivery.eventType === 'ping'
                      ? t('notificationsUi.pingEvent')
                      : eventName(delivery.eventType)}
                  </Table.Td>
                  <Table.Td>
                    <Badge color={STATUS_COLOR[delivery.status] ?? 'gray'} variant="light">
                      {t(`notificationsUi.deliveryStatus.${delivery.status}`)}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{delivery.lastStatusCode ?? '–'}</Text>
                    {delivery.lastError && (
                      <Text size="xs" c="dimmed">
                        {delivery.lastError}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{delivery.attempts}</Table.Td>
                  <Table.Td>
                    {delivery.status !== 'pending' && (
                      <Button
                        size="compact-sm"
                        variant="light"
                        onClick={() => again.mutate(delivery.id)}
                        loading={again.isPending && again.variables === delivery.id}
                      >
                        {t('notificationsUi.redeliver')}
                      </Button>
                    )}
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
  );
}

function CreateWebhook({ onClose, onCreated }: { onClose: () => void; onCreated: (id: string) => void }) {
  const { t } = useTranslation();
  const eventName = useEventName();
  const client = useQueryClient();
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [eventTypes, setEventTypes] = useState<string[]>([]);
  const create = useMutation({
    mutationFn: () => createWebhook({ url: url.trim(), description: description.trim(), eventTypes }),
    onSuccess: async (created) => {
      await client.invalidateQueries({ queryKey: ['webhooks'] });
      onCreated(created.id);
    },
  });
  const validUrl = /^https?:\/\/\S{3,}$/.test(url.trim());
  return (
    <Modal opened onClose={onClose} title={t('notificationsUi.newWebhook')} size="lg">
      {create.data ? (
        <Stack gap="sm" data-testid="webhook-secret">
          <Alert color="yellow">{t('notificationsUi.secretOnce')}</Alert>
          <Code block>{create.data.secret}</Code>
          <Group justify="flex-end">
            <Button onClick={onClose}>{t('notificationsUi.done')}</Button>
          </Group>
        </Stack>
      ) : (
        <Stack gap="sm">
          <TextInput
            label={t('notificationsUi.url')}
            description={t('notificationsUi.urlHint')}
            value={url}
            onChange={(e) => setUrl(e.currentTarget.value)}
            error={url.trim() && !validUrl ? t('notificationsUi.urlInvalid') : undefined}
            required
          />
          <TextInput
            label={t('notificationsUi.webhookDescription')}
            value={description}
            onChange={(e) => setDescription(e.currentTarget.value)}
            maxLength={500}
          />
          <MultiSelect
            label={t('notificationsUi.eventTypes')}
            description={t('notificationsUi.eventTypesHint')}
            data={EVENT_TYPES.map((value) => ({ value, label: eventName(value) }))}
            value={eventTypes}
            onChange={setEventTypes}
            searchable
            clearable
          />
          {create.isError && <Alert color="red">{notificationsErrorMessage(t, create.error)}</Alert>}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('notificationsUi.cancel')}
            </Button>
            <Button onClick={() => create.mutate()} disabled={!validUrl} loading={create.isPending}>
              {t('notificationsUi.create')}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
