import { Anchor, Grid, Group, NavLink, Paper, Skeleton, Stack, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { organizationListQuery, organizationQuery } from '../api/queries';
import { useSession } from '../auth/session';
import { IconSearch } from '../components/icons';
import { PageHeader } from '../components/PageHeader';
import { Empty, ErrorState, InlineLoader, LoadMore } from '../components/States';
import { useFormat } from '../hooks/useFormat';
import { KindBadge } from '../organizations/KindBadge';
import { OrgDetails } from '../organizations/OrgDetails';
import { OrgTree } from '../organizations/OrgTree';

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

  const select = useCallback(
    (id: string) => {
      // The search stays in the URL so "back" returns to the same result list.
      navigate({ pathname: `/organizations/${encodeURIComponent(id)}`, search: searchParams.toString() });
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
                <Tree rootId={rootId} selectedId={selectedId} onSelect={select} />
              )}
            </Stack>
          </Paper>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Paper withBorder p="lg" radius="md" component="section" aria-labelledby="org-detail-title">
            <Detail id={selectedId} isRoot={selectedId === rootId} />
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
}: {
  rootId: string;
  selectedId: string;
  onSelect: (id: string) => void;
}) {
  const root = useQuery(organizationQuery(rootId));
  if (root.isPending) return <InlineLoader />;
  if (root.isError) return <ErrorState error={root.error} onRetry={() => void root.refetch()} />;
  return <OrgTree root={root.data} selectedId={selectedId} onSelect={onSelect} />;
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

function Detail({ id, isRoot }: { id: string; isRoot: boolean }) {
  const query = useQuery(organizationQuery(id));
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
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;

  const org = query.data;
  return (
    <Stack gap="md">
      <Group gap="sm" wrap="nowrap">
        <Title order={2} size="h3" id="org-detail-title">
          {org.name}
        </Title>
        <KindBadge kind={org.kind} />
      </Group>
      <OrgDetails
        org={org}
        parent={
          parent.data ? (
            <Anchor component={Link} to={`/organizations/${encodeURIComponent(parent.data.id)}`} size="sm">
              {parent.data.name}
            </Anchor>
          ) : parent.isLoading ? (
            <Skeleton h={14} w={140} />
          ) : undefined
        }
      />
    </Stack>
  );
}
