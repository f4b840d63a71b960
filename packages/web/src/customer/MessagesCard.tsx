import { Anchor, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, apiGet } from '../api/client';
import type { Page } from '../api/types';
import { useFormat } from '../hooks/useFormat';

/**
 * The caller's in-app notifications (the notification centre of #9): an order provisioned, a change
 * done, a renewal coming. Titles are written by the server in the recipient's language.
 */

interface Notification {
  id: string;
  title: string;
  body: string;
  linkUrl: string | null;
  readAt: string | null;
  createdAt: string;
}

const messagesQuery = queryOptions({
  queryKey: ['notifications', 'panel'],
  queryFn: ({ signal }) =>
    apiGet<Page<Notification>>('/api/v1/notifications?recipient=me&channel=in_app&limit=5', signal),
  refetchInterval: 60_000,
});

/** A same-origin link stays in the app; anything else is not shown as a link. */
const internalPath = (url: string | null) => {
  if (!url) return null;
  try {
    const parsed = new URL(url, window.location.origin);
    return parsed.origin === window.location.origin ? parsed.pathname + parsed.search : null;
  } catch {
    return null;
  }
};

export function MessagesCard() {
  const { t } = useTranslation();
  const f = useFormat();
  const queryClient = useQueryClient();
  const messages = useQuery({ ...messagesQuery, retry: false });
  const readAll = useMutation({
    mutationFn: () => api('POST', '/api/v1/notifications/read-all'),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['notifications'] }),
  });
  // Notifications are a convenience here: without them (or without access) the card stays away.
  const items = messages.data?.items ?? [];
  if (items.length === 0) return null;
  return (
    <Card withBorder radius="md" data-testid="messages-card">
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h5">
          {t('panel.messages.title')}
        </Title>
        {items.some((n) => !n.readAt) && (
          <Button
            size="compact-xs"
            variant="subtle"
            onClick={() => readAll.mutate()}
            loading={readAll.isPending}
          >
            {t('panel.messages.markAllRead')}
          </Button>
        )}
      </Group>
      <Stack gap={6}>
        {items.map((n) => {
          const path = internalPath(n.linkUrl);
          return (
            <Group key={n.id} justify="space-between" wrap="nowrap" gap="sm">
              {path ? (
                <Anchor href={path} size="sm" fw={n.readAt ? 400 : 700}>
                  {n.title}
                </Anchor>
              ) : (
                <Text size="sm" fw={n.readAt ? 400 : 700}>
                  {n.title}
                </Text>
              )}
              <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                {f.dateTime(n.createdAt)}
              </Text>
            </Group>
          );
        })}
      </Stack>
    </Card>
  );
}
