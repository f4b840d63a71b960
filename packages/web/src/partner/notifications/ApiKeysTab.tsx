import {
  Alert,
  Badge,
  Button,
  Checkbox,
  Code,
  Group,
  Modal,
  Paper,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Empty, ErrorState, InlineLoader } from '../../components/States';
import { useFormat } from '../../hooks/useFormat';
import {
  API_KEY_ROLES,
  API_KEY_SCOPES,
  type ApiKey,
  apiKeyListQuery,
  createApiKey,
  revokeApiKey,
} from './api';
import { notificationsErrorMessage } from './errors';

/** API keys of the caller's subtree: list, create with scopes (the key is shown once), revoke. */
export function ApiKeysTab() {
  const { t } = useTranslation();
  const f = useFormat();
  const client = useQueryClient();
  const query = useQuery(apiKeyListQuery());
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const revoke = useMutation({
    mutationFn: (id: string) => revokeApiKey(id),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ['api-keys'] });
      setRevoking(null);
    },
  });
  const items = query.data?.items ?? [];
  return (
    <Stack gap="md">
      <Group>
        <Button onClick={() => setCreating(true)}>{t('notificationsUi.newApiKey')}</Button>
      </Group>
      <Paper withBorder radius="md">
        {query.isPending ? (
          <InlineLoader />
        ) : query.isError ? (
          <Stack p="md">
            <ErrorState error={query.error} onRetry={() => void query.refetch()} />
          </Stack>
        ) : items.length === 0 ? (
          <Empty title={t('notificationsUi.noApiKeys')} />
        ) : (
          <Table.ScrollContainer minWidth={820}>
            <Table data-testid="api-key-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('notificationsUi.keyName')}</Table.Th>
                  <Table.Th>{t('notificationsUi.keyPrefix')}</Table.Th>
                  <Table.Th>{t('notificationsUi.keyRole')}</Table.Th>
                  <Table.Th>{t('notificationsUi.keyScopes')}</Table.Th>
                  <Table.Th>{t('notificationsUi.lastUsed')}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((key) => (
                  <Table.Tr key={key.id} data-testid="api-key-row">
                    <Table.Td>{key.name}</Table.Td>
                    <Table.Td>
                      <Code>{key.prefix}</Code>
                    </Table.Td>
                    <Table.Td>
                      {(API_KEY_ROLES as readonly string[]).includes(key.role)
                        ? t(`role.${key.role as (typeof API_KEY_ROLES)[number]}`)
                        : key.role}
                    </Table.Td>
                    <Table.Td>
                      {key.scopes.map((scope) => t(`notificationsUi.scope.${scope}`)).join(', ')}
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      {key.lastUsedAt ? f.dateTime(key.lastUsedAt) : '–'}
                    </Table.Td>
                    <Table.Td>
                      {key.revokedAt ? (
                        <Badge color="gray" variant="light">
                          {t('notificationsUi.revoked')}
                        </Badge>
                      ) : (
                        <Button
                          size="compact-sm"
                          color="red"
                          variant="light"
                          onClick={() => setRevoking(key)}
                        >
                          {t('notificationsUi.revoke')}
                        </Button>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Paper>
      {creating && <CreateApiKey onClose={() => setCreating(false)} />}
      {revoking && (
        <Modal opened onClose={() => setRevoking(null)} title={t('notificationsUi.revoke')}>
          <Stack gap="sm">
            <Text size="sm">{t('notificationsUi.revokeConfirm', { name: revoking.name })}</Text>
            {revoke.isError && <Alert color="red">{notificationsErrorMessage(t, revoke.error)}</Alert>}
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setRevoking(null)}>
                {t('notificationsUi.cancel')}
              </Button>
              <Button color="red" onClick={() => revoke.mutate(revoking.id)} loading={revoke.isPending}>
                {t('notificationsUi.revoke')}
              </Button>
            </Group>
          </Stack>
        </Modal>
      )}
    </Stack>
  );
}

function CreateApiKey({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [name, setName] = useState('');
  const [role, setRole] = useState<string>('readonly');
  const [scopes, setScopes] = useState<string[]>(['read']);
  const create = useMutation({
    mutationFn: () => createApiKey({ name: name.trim(), role, scopes }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['api-keys'] }),
  });
  return (
    <Modal opened onClose={onClose} title={t('notificationsUi.newApiKey')}>
      {create.data ? (
        <Stack gap="sm" data-testid="api-key-secret">
          <Alert color="yellow">{t('notificationsUi.keyOnce')}</Alert>
          <Code block>{create.data.key}</Code>
          <Group justify="flex-end">
            <Button onClick={onClose}>{t('notificationsUi.done')}</Button>
          </Group>
        </Stack>
      ) : (
        <Stack gap="sm">
          <TextInput
            label={t('notificationsUi.keyName')}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            maxLength={100}
            required
          />
          <Select
            label={t('notificationsUi.keyRole')}
            data={API_KEY_ROLES.map((value) => ({ value, label: t(`role.${value}`) }))}
            value={role}
            onChange={(value) => value && setRole(value)}
            allowDeselect={false}
          />
          <Checkbox.Group label={t('notificationsUi.keyScopes')} value={scopes} onChange={setScopes}>
            <Group mt="xs">
              {API_KEY_SCOPES.map((scope) => (
                <Checkbox key={scope} value={scope} label={t(`notificationsUi.scope.${scope}`)} />
              ))}
            </Group>
          </Checkbox.Group>
          {create.isError && <Alert color="red">{notificationsErrorMessage(t, create.error)}</Alert>}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('notificationsUi.cancel')}
            </Button>
            <Button
              onClick={() => create.mutate()}
              disabled={name.trim() === '' || scopes.length === 0}
              loading={create.isPending}
            >
              {t('notificationsUi.create')}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
