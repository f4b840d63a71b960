import {
  Alert,
  Badge,
  Button,
  Card,
  Group,
  Select,
  SimpleGrid,
  Stack,
  Table,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import type { Role } from '../api/types';
import { useSession } from '../auth/session';
import { PageHeader } from '../components/PageHeader';
import { ErrorState, InlineLoader } from '../components/States';
import { usersQuery } from './api';
import { panelErrorMessage } from './errors';

/** A customer administrator invites colleagues of the same company to the panel. */
export default function UsersPage() {
  const { t } = useTranslation();
  const me = useSession();
  const queryClient = useQueryClient();
  const users = useQuery(usersQuery(me.organization.id));
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('customer_user');
  const [invited, setInvited] = useState<string | null>(null);

  const invite = useMutation({
    mutationFn: () =>
      api<{ id: string }>('POST', '/api/v1/users', {
        email: email.trim(),
        name: name.trim(),
        organizationId: me.organization.id,
        role,
        locale: me.user.locale,
      }),
    onSuccess: () => {
      setInvited(email.trim());
      setEmail('');
      setName('');
      void queryClient.invalidateQueries({ queryKey: ['users'] });
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setInvited(null);
    invite.mutate();
  };

  return (
    <>
      <PageHeader title={t('panel.users.title')} description={t('panel.users.description')} />
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
        <Card withBorder radius="md" p={0}>
          {users.error ? (
            <ErrorState error={users.error} />
          ) : users.isPending ? (
            <InlineLoader />
          ) : (
            <Table data-testid="users-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('panel.users.name')}</Table.Th>
                  <Table.Th>{t('panel.users.email')}</Table.Th>
                  <Table.Th>{t('panel.users.role')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {users.data.items.map((u) => {
                  const membership = u.memberships.find((m) => m.organizationId === me.organization.id);
                  return (
                    <Table.Tr key={u.id}>
                      <Table.Td>{u.name}</Table.Td>
                      <Table.Td>{u.email}</Table.Td>
                      <Table.Td>
                        {membership && (
                          <Badge
                            variant="light"
                            color={membership.role === 'customer_admin' ? 'grape' : 'blue'}
                          >
                            {t(`role.${membership.role}`)}
                          </Badge>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          )}
        </Card>
        <Card withBorder radius="md" component="form" onSubmit={submit}>
          <Title order={2} size="h5" mb="sm">
            {t('panel.users.inviteTitle')}
          </Title>
          <Stack gap="sm">
            <TextInput
              label={t('panel.users.email')}
              type="email"
              required
              value={email}
              onChange={(event) => setEmail(event.currentTarget.value)}
            />
            <TextInput
              label={t('panel.users.name')}
              required
              value={name}
              onChange={(event) => setName(event.currentTarget.value)}
            />
            <Select
              label={t('panel.users.role')}
              data={[
                { value: 'customer_user', label: t('role.customer_user') },
                { value: 'customer_admin', label: t('role.customer_admin') },
              ]}
              value={role}
              onChange={(value) => value && setRole(value as Role)}
              allowDeselect={false}
            />
            {invite.error && (
              <Alert color="red" variant="light">
                {panelErrorMessage(t, invite.error)}
              </Alert>
            )}
            {invited && (
              <Alert color="green" variant="light" data-testid="invite-done">
                {t('panel.users.invited', { email: invited })}
              </Alert>
            )}
            <Group justify="flex-end">
              <Button type="submit" loading={invite.isPending}>
                {t('panel.users.invite')}
              </Button>
            </Group>
          </Stack>
        </Card>
      </SimpleGrid>
    </>
  );
}
