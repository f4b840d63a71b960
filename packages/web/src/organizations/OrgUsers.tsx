import {
  Alert,
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
  TextInput,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LOCALES, type Locale, type Role } from '../api/types';
import { useSession } from '../auth/session';
import { IconSearch } from '../components/icons';
import { Empty, ErrorState, InlineLoader, LoadMore } from '../components/States';
import { useFormat } from '../hooks/useFormat';
import {
  createUser,
  type OrganizationRecord,
  type OrgUser,
  organizationUsersQuery,
  removeMembership,
  setUserRole,
} from './api';
import { organizationsErrorMessage } from './errors';
import { checkUserForm, grantableRoles, type UserField, type UserFormValues } from './form';

/** The users of one organisation with their role there; administrators add, re-role and remove. */
export function OrgUsers({ org }: { org: OrganizationRecord }) {
  const { t } = useTranslation();
  const me = useSession();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 300);
  const query = useInfiniteQuery(organizationUsersQuery(org.id, q));
  const [inviting, setInviting] = useState(false);
  const [removing, setRemoving] = useState<OrgUser | null>(null);
  const canManage = me.permissions.includes('users:manage');
  const roles = canManage ? grantableRoles(me.role, org.kind) : [];
  const items = query.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <Title order={3} size="h5" id="org-users-title">
          {t('organizations.users.title')}
        </Title>
        {roles.length > 0 && (
          <Button size="xs" onClick={() => setInviting(true)}>
            {t('organizations.users.add')}
          </Button>
        )}
      </Group>
      <TextInput
        type="search"
        size="xs"
        label={t('organizations.users.search')}
        leftSection={<IconSearch size={14} />}
        value={search}
        onChange={(event) => setSearch(event.currentTarget.value)}
      />
      <Paper withBorder radius="md">
        {query.isPending ? (
          <InlineLoader />
        ) : query.isError ? (
          <Stack p="md">
            <ErrorState error={query.error} onRetry={() => void query.refetch()} />
          </Stack>
        ) : items.length === 0 ? (
          <Empty
            title={q ? t('organizations.users.noMatches') : t('organizations.users.empty')}
            description={roles.length > 0 && !q ? t('organizations.users.emptyHint') : undefined}
          />
        ) : (
          <Table.ScrollContainer minWidth={480}>
            <Table data-testid="org-users" aria-labelledby="org-users-title">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('organizations.users.name')}</Table.Th>
                  <Table.Th>{t('organizations.users.role')}</Table.Th>
                  {roles.length > 0 && (
                    <Table.Th>
                      <VisuallyHidden>{t('organizations.users.actions')}</VisuallyHidden>
                    </Table.Th>
                  )}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((user) => (
                  <UserRow key={user.id} user={user} org={org} roles={roles} onRemove={setRemoving} />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {query.hasNextPage && (
          <LoadMore onClick={() => void query.fetchNextPage()} loading={query.isFetchingNextPage} />
        )}
      </Paper>
      <Modal
        opened={inviting}
        onClose={() => setInviting(false)}
        title={t('organizations.users.addTitle', { name: org.name })}
      >
        {inviting && <InviteForm org={org} roles={roles} onDone={() => setInviting(false)} />}
      </Modal>
      <RemoveModal org={org} user={removing} onClose={() => setRemoving(null)} />
    </Stack>
  );
}

function UserRow({
  user,
  org,
  roles,
  onRemove,
}: {
  user: OrgUser;
  org: OrganizationRecord;
  roles: Role[];
  onRemove: (user: OrgUser) => void;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const me = useSession();
  const client = useQueryClient();
  const membership = user.memberships.find((m) => m.organizationId === org.id);
  const role = membership?.role;
  const self = user.id === me.user.id;
  // A role the caller cannot hand out (a partner role seen by a customer admin) stays read-only.
  const editable = !self && role !== undefined && roles.includes(role);
  const change = useMutation({
    mutationFn: (next: Role) => setUserRole(user.id, org.id, next),
    onSuccess: () => client.invalidateQueries({ queryKey: ['users'] }),
  });

  return (
    <Table.Tr data-testid="org-user-row">
      <Table.Td>
        <Stack gap={0}>
          <Group gap={6} wrap="nowrap">
            <Text size="sm" fw={500}>
              {user.name}
            </Text>
            {self && (
              <Badge size="xs" variant="light">
                {t('organizations.users.you')}
              </Badge>
            )}
            {user.disabled && (
              <Badge size="xs" color="gray" variant="light">
                {t('organizations.users.disabled')}
              </Badge>
            )}
          </Group>
          <Text size="xs" c="dimmed">
            {user.email}
          </Text>
          <Text size="xs" c="dimmed">
            {t('organizations.users.since')}: {f.date(user.createdAt)}
          </Text>
        </Stack>
      </Table.Td>
      <Table.Td>
        {editable ? (
          <Stack gap={4}>
            <Select
              size="xs"
              aria-label={t('organizations.users.roleOf', { name: user.name })}
              data={roles.map((r) => ({ value: r, label: t(`role.${r}`) }))}
              value={change.isPending ? change.variables : role}
              onChange={(value) => value && value !== role && change.mutate(value as Role)}
              allowDeselect={false}
              disabled={change.isPending}
              w={160}
            />
            {change.isError && (
              <Text size="xs" c="red" role="alert">
                {organizationsErrorMessage(t, change.error)}
              </Text>
            )}
          </Stack>
        ) : (
          <Text size="sm">{role ? t(`role.${role}`) : t('common.none')}</Text>
        )}
      </Table.Td>
      {roles.length > 0 && (
        <Table.Td>
          {editable && (
            <Button
              size="xs"
              px={6}
              variant="subtle"
              color="red"
              onClick={() => onRemove(user)}
              aria-label={t('organizations.users.removeOf', { name: user.name })}
            >
              {t('organizations.users.remove')}
            </Button>
          )}
        </Table.Td>
      )}
    </Table.Tr>
  );
}

function InviteForm({ org, roles, onDone }: { org: OrganizationRecord; roles: Role[]; onDone: () => void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const client = useQueryClient();
  const [values, setValues] = useState<UserFormValues>(() => ({
    email: '',
    name: '',
    role: roles.length === 1 ? roles[0]! : null,
    locale: (LOCALES as readonly string[]).includes(org.locale) ? (org.locale as Locale) : 'en',
  }));
  const [shown, setShown] = useState<UserField[]>([]);
  const create = useMutation({
    mutationFn: () =>
      createUser({
        email: values.email.trim(),
        name: values.name.trim(),
        organizationId: org.id,
        role: values.role!,
        locale: values.locale,
      }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['users'] }),
    onError: (error) => {
      if ('code' in error && (error.code === 'invalid_email' || error.code === 'email_taken'))
        setShown(['email']);
    },
  });
  const set = <K extends keyof UserFormValues>(key: K, value: UserFormValues[K]) => {
    setValues((current) => ({ ...current, [key]: value }));
    setShown((current) => current.filter((field) => field !== key));
  };
  const error = (field: UserField) => {
    if (!shown.includes(field)) return undefined;
    if (field === 'email' && create.error && 'code' in create.error && create.error.code === 'email_taken')
      return t('organizations.errors.email_taken');
    return t(`organizations.users.invalid.${field}`);
  };

  if (create.isSuccess) {
    const password = create.data.temporaryPassword;
    return (
      <Stack gap="md">
        <Alert
          color="teal"
          variant="light"
          title={t('organizations.users.added', { email: create.data.user.email })}
        >
          {password ? t('organizations.users.temporaryPasswordHint') : null}
        </Alert>
        {password && (
          <Group gap="xs">
            <Code data-testid="temporary-password">{password}</Code>
            <CopyButton value={password}>
              {({ copied, copy }) => (
                <Button size="xs" variant="light" onClick={copy}>
                  {copied ? t('common.copied') : t('common.copy')}
                </Button>
              )}
            </CopyButton>
          </Group>
        )}
        <Group justify="flex-end">
          <Button onClick={onDone}>{t('organizations.done')}</Button>
        </Group>
      </Stack>
    );
  }

  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        const problems = checkUserForm(values);
        setShown(problems);
        if (problems.length === 0) create.mutate();
      }}
    >
      <Stack gap="md">
        <TextInput
          type="email"
          label={t('organizations.users.email')}
          value={values.email}
          onChange={(event) => set('email', event.currentTarget.value)}
          error={error('email')}
          maxLength={254}
          required
          data-autofocus
        />
        <TextInput
          label={t('organizations.users.name')}
          value={values.name}
          onChange={(event) => set('name', event.currentTarget.value)}
          error={error('name')}
          maxLength={200}
          required
        />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <Select
            label={t('organizations.users.role')}
            data={roles.map((r) => ({ value: r, label: t(`role.${r}`) }))}
            value={values.role}
            onChange={(value) => set('role', value as Role | null)}
            error={error('role')}
            allowDeselect={false}
            required
          />
          <Select
            label={t('orgFields.locale')}
            data={LOCALES.map((code) => ({ value: code, label: f.language(code) }))}
            value={values.locale}
            onChange={(value) => value && set('locale', value as Locale)}
            allowDeselect={false}
          />
        </SimpleGrid>
        {create.isError && (
          <Alert color="red" variant="light" role="alert">
            {organizationsErrorMessage(t, create.error)}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            {t('organizations.cancel')}
          </Button>
          <Button type="submit" loading={create.isPending}>
            {t('organizations.users.addSubmit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function RemoveModal({
  org,
  user,
  onClose,
}: {
  org: OrganizationRecord;
  user: OrgUser | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const remove = useMutation({
    mutationFn: (target: OrgUser) => removeMembership(target.id, org.id),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ['users'] });
      onClose();
    },
  });
  return (
    <Modal
      opened={user !== null}
      onClose={() => {
        remove.reset();
        onClose();
      }}
      title={t('organizations.users.removeTitle')}
    >
      {user && (
        <Stack gap="md">
          <Text size="sm">
            {t('organizations.users.removeConfirm', { name: user.name, email: user.email, org: org.name })}
          </Text>
          {remove.isError && (
            <Alert color="red" variant="light" role="alert">
              {organizationsErrorMessage(t, remove.error)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('organizations.cancel')}
            </Button>
            <Button color="red" loading={remove.isPending} onClick={() => remove.mutate(user)}>
              {t('organizations.users.removeSubmit')}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
