import { Badge, Button, Code, Group, SimpleGrid, Stack, Switch, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditEntry } from '../api/types';
import classes from './AuditChanges.module.css';
import { type DiffKind, diffSnapshots, formatValue } from './diff';

const KIND_COLOR: Record<DiffKind, string> = {
  added: 'green',
  removed: 'red',
  changed: 'yellow',
  unchanged: 'gray',
};

/** Field-level before/after of one audit record, with the raw snapshots one click away. */
export function AuditChanges({ entry }: { entry: AuditEntry }) {
  const { t } = useTranslation();
  const [showUnchanged, setShowUnchanged] = useState(false);
  const [showRaw, setShowRaw] = useState(false);
  const diff = diffSnapshots(entry.before, entry.after);
  const visible = showUnchanged ? diff : diff.filter((row) => row.kind !== 'unchanged');
  const hiddenCount = diff.length - visible.length;

  return (
    <Stack gap="sm" py="xs">
      <Group justify="space-between">
        <Switch
          size="xs"
          label={t('audit.diff.showUnchanged', { n: diff.filter((d) => d.kind === 'unchanged').length })}
          checked={showUnchanged}
          onChange={(event) => setShowUnchanged(event.currentTarget.checked)}
        />
        <Button
          size="compact-xs"
          variant="subtle"
          onClick={() => setShowRaw((v) => !v)}
          aria-expanded={showRaw}
        >
          {showRaw ? t('audit.diff.hideRaw') : t('audit.diff.showRaw')}
        </Button>
      </Group>

      {visible.length === 0 ? (
        <Text size="sm" c="dimmed">
          {hiddenCount > 0 ? t('audit.diff.onlyUnchanged') : t('audit.diff.noData')}
        </Text>
      ) : (
        <Table withTableBorder className={classes.diff} fz="xs" verticalSpacing={4}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th w="30%">{t('audit.diff.field')}</Table.Th>
              <Table.Th>{t('audit.diff.before')}</Table.Th>
              <Table.Th>{t('audit.diff.after')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {visible.map((row) => (
              <Table.Tr key={row.path} data-kind={row.kind}>
                <Table.Td>
                  <Group gap={6} wrap="nowrap">
                    <Badge size="xs" variant="light" color={KIND_COLOR[row.kind]} radius="sm">
                      {t(`audit.diff.kind.${row.kind}`)}
                    </Badge>
                    <Code className={classes.path}>{row.path}</Code>
                  </Group>
                </Table.Td>
                <Table.Td className={classes.before}>
                  <span className={classes.value}>{formatValue(row.before)}</span>
                </Table.Td>
                <Table.Td className={classes.after}>
                  <span className={classes.value}>{formatValue(row.after)}</span>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}

      {showRaw && (
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <Stack gap={4}>
            <Text size="xs" fw={600}>
              {t('audit.diff.before')}
            </Text>
            <Code block className={classes.raw}>
              {entry.before ? JSON.stringify(entry.before, null, 2) : 'null'}
            </Code>
          </Stack>
          <Stack gap={4}>
            <Text size="xs" fw={600}>
              {t('audit.diff.after')}
            </Text>
            <Code block className={classes.raw}>
              {entry.after ? JSON.stringify(entry.after, null, 2) : 'null'}
            </Code>
          </Stack>
        </SimpleGrid>
      )}
    </Stack>
  );
}
