import { ActionIcon, Code, CopyButton, DataList, Group, Text, Tooltip } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Organization, SessionOrganization } from '../api/types';
import { IconCheck, IconCopy } from '../components/icons';
import { useFormat } from '../hooks/useFormat';
import { KindBadge } from './KindBadge';

/**
 * The organisation's master data. Works with the full record from /organizations/{id} and with the
 * smaller one in the session (customers), leaving out what the latter does not carry.
 */
export function OrgDetails({ org, parent }: { org: SessionOrganization | Organization; parent?: ReactNode }) {
  const { t } = useTranslation();
  const f = useFormat();
  // On phones a label column would leave the values (tenant IDs, domains) too little room.
  const narrow = useMediaQuery('(max-width: 36em)');
  const full = 'domains' in org ? org : null;
  const none = (
    <Text span c="dimmed" size="sm">
      {t('common.none')}
    </Text>
  );

  const rows: [string, ReactNode][] = [[t('orgFields.kind'), <KindBadge key="kind" kind={org.kind} />]];
  if (parent) rows.push([t('orgFields.parent'), parent]);
  rows.push(
    [t('orgFields.country'), org.country ? f.country(org.country) : none],
    [t('orgFields.currency'), org.currency ? f.currency(org.currency) : none],
    [t('orgFields.timeZone'), org.timeZone ? f.timeZone(org.timeZone) : none],
    [t('orgFields.locale'), org.locale ? f.language(org.locale) : none],
  );
  if (full) {
    rows.push(
      [t('orgFields.tenantId'), full.tenantId ? <Copyable key="tenant" value={full.tenantId} /> : none],
      [
        t('orgFields.domains'),
        full.domains.length ? (
          <Group key="domains" gap={6}>
            {full.domains.map((domain) => (
              <Code key={domain}>{domain}</Code>
            ))}
          </Group>
        ) : (
          none
        ),
      ],
    );
    // Customers are leaves of the hierarchy; a count that is always zero is noise there.
    if (full.kind !== 'customer') rows.push([t('orgFields.childCount'), f.number(full.childCount)]);
    rows.push([t('orgFields.createdAt'), f.dateTime(full.createdAt)]);
  }
  rows.push([t('orgFields.id'), <Copyable key="id" value={org.id} />]);

  return (
    <DataList
      labelWidth={170}
      orientation={narrow ? 'vertical' : 'horizontal'}
      withDivider
      data-testid="org-details"
    >
      {rows.map(([label, value]) => (
        <DataList.Item key={label}>
          <DataList.ItemLabel>{label}</DataList.ItemLabel>
          <DataList.ItemValue>{value}</DataList.ItemValue>
        </DataList.Item>
      ))}
    </DataList>
  );
}

function Copyable({ value }: { value: string }) {
  const { t } = useTranslation();
  return (
    <Group gap={4} wrap="nowrap">
      <Code>{value}</Code>
      <CopyButton value={value}>
        {({ copied, copy }) => (
          <Tooltip label={copied ? t('common.copied') : t('common.copy')} withArrow>
            <ActionIcon
              variant="subtle"
              color={copied ? 'teal' : 'gray'}
              size="sm"
              onClick={copy}
              aria-label={t('common.copyValue', { value })}
            >
              {copied ? <IconCheck size={14} /> : <IconCopy size={14} />}
            </ActionIcon>
          </Tooltip>
        )}
      </CopyButton>
    </Group>
  );
}
