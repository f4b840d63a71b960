import {
  ActionIcon,
  Autocomplete,
  ColorSwatch,
  Group,
  Paper,
  Stack,
  Table,
  Text,
  Tooltip,
  VisuallyHidden,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Fragment, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { auditListQuery } from '../api/queries';
import type { AuditEntry } from '../api/types';
import { AuditChanges } from '../audit/AuditChanges';
import {
  actionColor,
  actionLabel,
  actorTypeLabel,
  entityTypeLabel,
  KNOWN_ENTITY_TYPES,
} from '../audit/labels';
import { IconChevronRight } from '../components/icons';
import { PageHeader } from '../components/PageHeader';
import { Empty, ErrorState, InlineLoader, LoadMore } from '../components/States';
import { useFormat } from '../hooks/useFormat';
import classes from './AuditPage.module.css';

const COLUMNS = 5;

export default function AuditPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const [searchParams, setSearchParams] = useSearchParams();
  const [entityType, setEntityType] = useState(searchParams.get('entityType') ?? '');
  const [filter] = useDebouncedValue(entityType.trim(), 300);
  const query = useInfiniteQuery(auditListQuery(filter ? { entityType: filter } : {}));
  const items = query.data?.pages.flatMap((page) => page.items) ?? [];
  const seenTypes = new Set([...KNOWN_ENTITY_TYPES, ...items.map((entry) => entry.entityType)]);

  const onFilter = (value: string) => {
    setEntityType(value);
    const next = new URLSearchParams(searchParams);
    if (value.trim()) next.set('entityType', value.trim());
    else next.delete('entityType');
    setSearchParams(next, { replace: true });
  };

  return (
    <>
      <PageHeader title={t('audit.title')} description={t('audit.description')} />
      <Stack gap="md">
        <Group align="flex-end">
          <Autocomplete
            label={t('audit.entityTypeFilter')}
            placeholder={t('audit.allEntityTypes')}
            data={[...seenTypes].sort().map((code) => ({ value: code, label: entityTypeLabel(t, code) }))}
            value={entityType}
            onChange={onFilter}
            clearable
            w={280}
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
              title={t('audit.emptyTitle')}
              description={filter ? t('audit.emptyFiltered') : t('audit.emptyDescription')}
            />
          ) : (
            <>
              <Table.ScrollContainer minWidth={760}>
                <Table
                  highlightOnHover
                  verticalSpacing="xs"
                  aria-label={t('audit.title')}
                  data-testid="audit-table"
                >
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th w={44}>
                        <VisuallyHidden>{t('audit.columns.changes')}</VisuallyHidden>
                      </Table.Th>
                      <Table.Th>
                        {f.organizationTimeZone
                          ? t('audit.columns.timeIn', { zone: f.organizationTimeZone })
                          : t('audit.columns.time')}
                      </Table.Th>
                      <Table.Th>{t('audit.columns.actor')}</Table.Th>
                      <Table.Th>{t('audit.columns.action')}</Table.Th>
                      <Table.Th>{t('audit.columns.entity')}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {items.map((entry) => (
                      <AuditRow key={entry.id} entry={entry} />
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
              {query.hasNextPage && (
                <LoadMore onClick={() => void query.fetchNextPage()} loading={query.isFetchingNextPage} />
              )}
            </>
          )}
        </Paper>
      </Stack>
    </>
  );
}

function AuditRow({ entry }: { entry: AuditEntry }) {
  const { t } = useTranslation();
  const f = useFormat();
  const [open, setOpen] = useState(false);
  const detailId = `audit-${entry.id}`;
  const label = open ? t('audit.hideChanges') : t('audit.showChanges');

  return (
    <Fragment>
      <Table.Tr data-open={open || undefined}>
        <Table.Td>
          <Tooltip label={label} withArrow openDelay={400}>
            <ActionIcon
              variant="subtle"
              color="gray"
              onClick={() => setOpen((v) => !v)}
              aria-expanded={open}
              aria-controls={open ? detailId : undefined}
              aria-label={label}
            >
              <IconChevronRight size={16} className={classes.chevron} data-open={open || undefined} />
            </ActionIcon>
          </Tooltip>
        </Table.Td>
        <Table.Td>
          <Text size="sm" title={entry.at} className={classes.nowrap}>
            {f.dateTime(entry.at)}
          </Text>
        </Table.Td>
        <Table.Td>
          <Text size="sm">{entry.actor.label}</Text>
          <Text size="xs" c="dimmed">
            {actorTypeLabel(t, entry.actor.type)}
          </Text>
        </Table.Td>
        <Table.Td>
          <Group gap={8} wrap="nowrap">
            <ColorSwatch
              color={`var(--mantine-color-${actionColor(entry.action)}-6)`}
              size={8}
              withShadow={false}
            />
            <Text size="sm">{actionLabel(t, entry.action)}</Text>
          </Group>
        </Table.Td>
        <Table.Td>
          <Text size="sm">{entityTypeLabel(t, entry.entityType)}</Text>
          <Text size="xs" c="dimmed" ff="monospace" className={classes.id} title={entry.entityId}>
            {entry.entityId}
          </Text>
        </Table.Td>
      </Table.Tr>
      {open && (
        <Table.Tr id={detailId} className={classes.detail}>
          <Table.Td colSpan={COLUMNS}>
            <AuditChanges entry={entry} />
          </Table.Td>
        </Table.Tr>
      )}
    </Fragment>
  );
}
