import {
  Anchor,
  Button,
  Grid,
  Group,
  NavLink,
  Paper,
  Skeleton,
  Stack,
  Tabs,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { isApiError } from '../api/client';
import { organizationListQuery, organizationQuery } from '../api/queries';
import { useSession } from '../auth/session';
import { IconSearch } from '../components/icons';
import { PageHeader } from '../components/PageHeader';
import { Empty, ErrorState, InlineLoader, LoadMore } from '../components/States';
import { useFormat } from '../hooks/useFormat';
import { type OrganizationRecord, organizationRecordQuery } from '../organizations/api';
import { BrandingEditor } from '../organizations/BrandingEditor';
import { KindBadge } from '../organizations/KindBadge';
import { OrgDetails } from '../organizations/OrgDetails';
import { OrgFormModal, type OrgFormMode } from '../organizations/OrgForm';
import { OrgTree } from '../organizations/OrgTree';
import { OrgUsers } from '../organizations/OrgUsers';

export default function OrganizationsPage() {
  const { t } = useTranslation();
  const me = useSession();
  const navigate = useNavigate();
  const { orgId } = useParams();
  const [searchParams, setSearchParams] = useSearchParams();
  const [search, setSearch] = useState(searchParams.get('q') ?? '');
  const [q] = useDebouncedValue(search.trim(), 300);
  const rootId = me.organization.id;
  const selectedId = orgId ?? rootId;
  const [reveal, setReveal] = useState<string | null>(null);

  const select = useCallback(
    (id: string, fresh = false) => {
      // The search stays in the URL so "back" returns to the same result list; a new organisation
      // opens on its details with no search.
      const search = fresh ? '' : searchParams.toString();
      navigate({ pathname: `/organizations/${encodeURIComponent(id)}`, search });
    },
    [navigate, searchParams],
  );

  const onSearch = (value: string) => {
    setSearch(value);
    const next = new URLSearchParams(searchParams);
    if (value.trim()) next.set('q', value.trim());
    else next.delete('q');
    setSearchParams(next, { replace: true });
  };

  return (
    <>
      <PageHeader title={t('organizations.title')} description={t('organizations.description')} />
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Paper withBorder p="md" radius="md">
            <Stack gap="sm">
              <TextInput
                type="search"
                label={t('organizations.searchLabel')}
                placeholder={t('organizations.searchPlaceholder')}
                leftSection={<IconSearch size={16} />}
                value={search}
                onChange={(event) => onSearch(event.currentTarget.value)}
              />
              {q ? (
                <SearchResults q={q} selectedId={selectedId} onSelect={select} />
              ) : (
                <Tree rootId={rootId} selectedId={selectedId} onSelect={select} reveal={reveal} />
              )}
            </Stack>
          </Paper>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Paper withBorder p="lg" radius="md" component="section" aria-labelledby="org-detail-title">
            <Detail
              id={selectedId}
              isRoot={selectedId === rootId}
              onCreated={(org) => {
                setReveal(org.parentId);
                // A new organisation is found in the tree, not in an old search result.
                if (search) onSearch('');
                select(org.id, true);
              }}
            />
          </Paper>
        </Grid.Col>
      </Grid>
    </>
  );
}

function Tree({
  rootId,
  selectedId,
  onSelect,
  reveal,
}: {
  rootId: string;
  selectedId: string;
  onSelect: (id: string) => void;
  reveal: string | null;
}) {
  const root = useQuery(organizationQuery(rootId));
  if (root.isPending) return <InlineLoader />;
  if (root.isError) return <ErrorState error={root.error} onRetry={() => void root.refetch()} />;
  return <OrgTree root={root.data} selectedId={selectedId} onSelect={onSelect} reveal={reveal} />;
}

function SearchResults({
  q,
  selectedId,
  onSelect,
}: {
  q: string;
  selectedId: string;
  onSelect: (id: string) => void;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const query = useInfiniteQuery(organizationListQuery({ q }));
  if (query.isPending) return <InlineLoader />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  const items = query.data.pages.flatMap((page) => page.items);
  if (items.length === 0) {
    return (
      <Empty title={t('organizations.noResultsTitle')} description={t('organizations.noResults', { q })} />
    );
  }
  return (
    <Stack
      gap={2}
      component="ul"
      aria-label={t('organizations.searchResults')}
      m={0}
      p={0}
      style={{ listStyle: 'none' }}
    >
      {items.map((org) => (
        <li key={org.id}>
          <NavLink
            component="button"
            type="button"
            label={org.name}
            description={org.country ? f.country(org.country) : undefined}
            rightSection={<KindBadge kind={org.kind} />}
            active={org.id === selectedId}
            aria-current={org.id === selectedId ? 'true' : undefined}
            onClick={() => onSelect(org.id)}
            variant="light"
          />
        </li>
      ))}
      {query.hasNextPage && (
        <li>
          <LoadMore onClick={() => void query.fetchNextPage()} loading={query.isFetchingNextPage} />
        </li>
      )}
    </Stack>
  );
}

function Detail({
  id,
  isRoot,
  onCreated,
}: {
  id: string;
  isRoot: boolean;
  onCreated: (org: OrganizationRecord) => void;
}) {
  const { t } = useTranslation();
  const me = useSession();
  const [searchParams, setSearchParams] = useSearchParams();
  const [form, setForm] = useState<OrgFormMode | null>(null);
  const query = useQuery(organizationRecordQuery(id));
  // The caller's own parent lies outside what it may see, so only ask for parents below the root.
  const parentId = !isRoot ? (query.data?.parentId ?? null) : null;
  const parent = useQuery({ ...organizationQuery(parentId ?? ''), enabled: parentId !== null });

  if (query.isPending) {
    return (
      <Stack gap="sm" aria-busy="true">
        <Skeleton h={28} w="60%" />
        <Skeleton h={16} />
        <Skeleton h={16} />
        <Skeleton h={16} w="80%" />
      </Stack>
    );
  }
  if (query.isError) {
    if (isApiError(query.error) && query.error.status === 404) {
      return (
        <Stack gap="md" align="flex-start" data-testid="org-not-found">
          <Title order={2} size="h3" id="org-detail-title">
            {t('organizations.notFoundTitle')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('errors.not_found')}
          </Text>
          <Button component={Link} to="/organizations" variant="light">
            {t('organizations.backToOwn')}
          </Button>
        </Stack>
      );
    }
    return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  }

  const org = query.data;
  const canWrite = me.permissions.includes('organizations:write');
  const canUsers = me.permissions.includes('users:read') || me.permissions.includes('users:manage');
  const hasBrand = org.kind !== 'customer';
  const requested = searchParams.get('tab');
  const tab =
    requested === 'users' && canUsers
      ? 'users'
      : requested === 'branding' && hasBrand
        ? 'branding'
        : 'details';
  const setTab = (value: string | null) => {
    const next = new URLSearchParams(searchParams);
    if (value && value !== 'details') next.set('tab', value);
    else next.delete('tab');
    setSearchParams(next, { replace: true });
  };

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-start" gap="sm">
        <Group gap="sm" wrap="nowrap">
          <Title order={2} size="h3" id="org-detail-title">
            {org.name}
          </Title>
          <KindBadge kind={org.kind} />
        </Group>
        {canWrite && (
          <Group gap="xs">
            <Button size="xs" variant="default" onClick={() => setForm({ type: 'edit', org })}>
              {t('organizations.edit')}
            </Button>
            {org.kind !== 'customer' && (
              <>
                <Button size="xs" onClick={() => setForm({ type: 'create', parent: org, kind: 'customer' })}>
                  {t('organizations.newCustomer')}
                </Button>
                <Button
                  size="xs"
                  variant="light"
                  onClick={() => setForm({ type: 'create', parent: org, kind: 'reseller' })}
                >
                  {t('organizations.newReseller')}
                </Button>
              </>
            )}
          </Group>
        )}
      </Group>
      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="details">{t('organizations.tabs.details')}</Tabs.Tab>
          {canUsers && <Tabs.Tab value="users">{t('organizations.tabs.users')}</Tabs.Tab>}
          {hasBrand && <Tabs.Tab value="branding">{t('organizations.tabs.branding')}</Tabs.Tab>}
        </Tabs.List>
        <Tabs.Panel value="details" pt="md">
          <Stack gap="md">
            <OrgDetails
              org={org}
              parent={
                parent.data ? (
                  <Anchor
                    component={Link}
                    to={`/organizations/${encodeURIComponent(parent.data.id)}`}
                    size="sm"
                  >
                    {parent.data.name}
                  </Anchor>
                ) : parent.isLoading ? (
                  <Skeleton h={14} w={140} />
                ) : undefined
              }
            />
            {me.permissions.includes('api_keys:manage') && org.id === me.organization.id && (
              <Text size="sm" c="dimmed">
                {t('organizations.apiKeysHint')}{' '}
                <Anchor component={Link} to="/notifications?tab=apiKeys" size="sm">
                  {t('organizations.apiKeysLink')}
                </Anchor>
              </Text>
            )}
          </Stack>
        </Tabs.Panel>
        {canUsers && (
          <Tabs.Panel value="users" pt="md">
            <OrgUsers key={org.id} org={org} />
          </Tabs.Panel>
        )}
        {hasBrand && (
          <Tabs.Panel value="branding" pt="md">
            <BrandingEditor key={org.id} org={org} canEdit={canWrite} />
          </Tabs.Panel>
        )}
      </Tabs>
      <OrgFormModal
        mode={form}
        onClose={() => setForm(null)}
        onSaved={(saved) => {
          const created = form?.type === 'create';
          setForm(null);
          if (created) onCreated(saved);
        }}
      />
    </Stack>
  );
}
