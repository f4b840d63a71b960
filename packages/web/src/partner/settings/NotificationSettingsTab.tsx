import {
  Alert,
  Badge,
  Button,
  Checkbox,
  Group,
  Modal,
  MultiSelect,
  Paper,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../../auth/session';
import { ErrorState, InlineLoader } from '../../components/States';
import { CHANNELS, type Channel, isEventType } from '../notifications/api';
import {
  type EventSetting,
  MAX_RENEWAL_NOTICES,
  type Member,
  membersQuery,
  type NotificationSettings,
  type NotificationSettingsInput,
  notificationSettingsQuery,
  PARTNER_RECIPIENT_ROLES,
  RENEWAL_MONTH_CHOICES,
  type RecipientRule,
  saveNotificationSettings,
} from './api';
import { isVersionConflict, settingsErrorMessage } from './errors';

const isRole = (role: string): role is (typeof PARTNER_RECIPIENT_ROLES)[number] =>
  (PARTNER_RECIPIENT_ROLES as readonly string[]).includes(role);

/** Who in the organisation hears about which event, by which channel, and when renewal notices go. */
export default function NotificationSettingsTab() {
  const { t } = useTranslation();
  const me = useSession();
  const query = useQuery(notificationSettingsQuery());
  const members = useQuery({
    ...membersQuery(me.organization.id),
    enabled: me.permissions.includes('users:read'),
  });
  if (query.isPending) return <InlineLoader />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  const people = members.data?.items ?? [];
  return (
    <Stack gap="md" maw={1100}>
      {query.data.renewalNoticeMonths !== null && (
        <RenewalMonths settings={query.data} reload={() => query.refetch()} />
      )}
      <Recipients settings={query.data} members={people} reload={() => query.refetch()} />
      {members.isError && (
        <Text size="sm" c="dimmed">
          {t('settings.notifications.membersUnavailable')}
        </Text>
      )}
    </Stack>
  );
}

type Reload = () => Promise<unknown>;

/** A 412 explained, with a way to load what the other person saved. */
function ConflictAlert({ onReload }: { onReload: () => void }) {
  const { t } = useTranslation();
  return (
    <Alert
      color="orange"
      variant="light"
      role="alert"
      title={t('settings.conflictTitle')}
      data-testid="conflict"
    >
      <Group justify="space-between" gap="sm">
        <Text size="sm">{t('settings.errors.version_conflict')}</Text>
        <Button size="xs" variant="white" color="orange" onClick={onReload}>
          {t('settings.loadLatest')}
        </Button>
      </Group>
    </Alert>
  );
}

function useSaveSettings(version: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: NotificationSettingsInput) => saveNotificationSettings(input, version),
    onSuccess: (next) => client.setQueryData(notificationSettingsQuery().queryKey, next),
  });
}

/* ----------------------------------------------------- renewal notices */

function RenewalMonths({ settings, reload }: { settings: NotificationSettings; reload: Reload }) {
  const { t } = useTranslation();
  const current = settings.renewalNoticeMonths ?? [];
  const [months, setMonths] = useState<string[]>(() => current.map(String));
  const [saved, setSaved] = useState(false);
  const save = useSaveSettings(settings.version);
  const choices = [...new Set<number>([...RENEWAL_MONTH_CHOICES, ...current])].sort((a, b) => a - b);
  const chosen = months.map(Number).sort((a, b) => b - a);
  const dirty = chosen.join(',') !== [...current].sort((a, b) => b - a).join(',');
  return (
    <Paper withBorder p="md" radius="md">
      <form
        aria-labelledby="renewal-title"
        onSubmit={(event) => {
          event.preventDefault();
          setSaved(false);
          save.mutate({ renewalNoticeMonths: chosen }, { onSuccess: () => setSaved(true) });
        }}
      >
        <Stack gap="sm">
          <Title order={2} size="h4" id="renewal-title">
            {t('settings.notifications.renewalTitle')}
          </Title>
          <MultiSelect
            label={t('settings.notifications.renewalMonths')}
            description={t('settings.notifications.renewalHint', { max: MAX_RENEWAL_NOTICES })}
            data={choices.map((month) => ({
              value: String(month),
              label:
                month === 1
                  ? t('settings.notifications.monthBefore', { count: month })
                  : t('settings.notifications.monthsBefore', { count: month }),
            }))}
            value={months}
            onChange={(value) => {
              setSaved(false);
              setMonths(value);
            }}
            maxValues={MAX_RENEWAL_NOTICES}
            clearable
            maw={560}
          />
          {months.length === 0 && (
            <Alert color="yellow" variant="light">
              {t('settings.notifications.noRenewalNotices')}
            </Alert>
          )}
          {save.isError &&
            (isVersionConflict(save.error) ? (
              <ConflictAlert
                onReload={() =>
                  void reload().then((result) => {
                    const fresh = (result as { data?: NotificationSettings }).data;
                    if (fresh?.renewalNoticeMonths) setMonths(fresh.renewalNoticeMonths.map(String));
                    save.reset();
                  })
                }
              />
            ) : (
              <Alert color="red" role="alert">
                {settingsErrorMessage(t, save.error)}
              </Alert>
            ))}
          {saved && !dirty && (
            <Alert color="green" role="status">
              {t('settings.notifications.renewalSaved')}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button type="submit" loading={save.isPending} disabled={!dirty}>
              {t('common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

/* ---------------------------------------------------------- recipients */

function eventLabel(t: TFunction, type: string): string {
  return isEventType(type) ? t(`notificationsUi.event.${type}`) : type;
}

function Recipients({
  settings,
  members,
  reload,
}: {
  settings: NotificationSettings;
  members: Member[];
  reload: Reload;
}) {
  const { t, i18n } = useTranslation();
  const channelList = new Intl.ListFormat(i18n.language, { type: 'conjunction' });
  const [editing, setEditing] = useState<string | null>(null);
  // Bumped after a reload so the open editor starts again from what is stored now.
  const [generation, setGeneration] = useState(0);
  const [savedType, setSavedType] = useState<string | null>(null);
  const nameOf = new Map(members.map((member) => [member.id, member.name || member.email]));
  const setting = settings.events.find((event) => event.type === editing) ?? null;
  return (
    <Paper withBorder radius="md">
      <Stack gap="xs" p="md" pb={0}>
        <Title order={2} size="h4">
          {t('settings.notifications.recipientsTitle')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('settings.notifications.recipientsHint')}
        </Text>
        {savedType && (
          <Alert color="green" role="status" withCloseButton onClose={() => setSavedType(null)}>
            {t('settings.notifications.recipientsSaved', { event: eventLabel(t, savedType) })}
          </Alert>
        )}
      </Stack>
      <Table.ScrollContainer minWidth={820}>
        <Table data-testid="recipient-table" verticalSpacing="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('settings.notifications.event')}</Table.Th>
              <Table.Th>{t('settings.notifications.recipients')}</Table.Th>
              <Table.Th>{t('settings.notifications.channels')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {settings.events.map((event) => {
              const label = eventLabel(t, event.type);
              const nobody =
                event.channels.length === 0 || (event.roles.length === 0 && event.userIds.length === 0);
              return (
                <Table.Tr key={event.type} data-testid="recipient-row" data-type={event.type}>
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {label}
                    </Text>
                    <Group gap={4} mt={2}>
                      <Badge size="xs" variant="light" color={event.isDefault ? 'gray' : 'blue'}>
                        {event.isDefault
                          ? t('settings.notifications.default')
                          : t('settings.notifications.custom')}
                      </Badge>
                      {event.essential && (
                        <Badge size="xs" variant="light" color="orange">
                          {t('settings.notifications.essential')}
                        </Badge>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    {nobody ? (
                      <Text size="sm" c="red">
                        {t('settings.notifications.nobody')}
                      </Text>
                    ) : (
                      <Group gap={4}>
                        {event.roles.map((role) => (
                          <Badge key={role} variant="outline" size="sm">
                            {isRole(role) ? t(`role.${role}`) : role}
                          </Badge>
                        ))}
                        {event.userIds.map((id) => (
                          <Badge key={id} variant="light" color="grape" size="sm" tt="none">
                            {nameOf.get(id) ?? t('settings.notifications.unknownUser')}
                          </Badge>
                        ))}
                      </Group>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">
                      {event.channels.length > 0
                        ? channelList.format(
                            event.channels.map((channel) => t(`notificationsUi.channel.${channel}`)),
                          )
                        : t('common.none')}
                    </Text>
                  </Table.Td>
                  <Table.Td ta="right">
                    <Button
                      size="xs"
                      variant="light"
                      onClick={() => {
                        setSavedType(null);
                        setEditing(event.type);
                      }}
                      aria-label={t('settings.notifications.editFor', { event: label })}
                    >
                      {t('settings.notifications.edit')}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <Modal
        opened={setting !== null}
        onClose={() => setEditing(null)}
        title={setting ? eventLabel(t, setting.type) : ''}
        size="lg"
      >
        {setting && (
          <RuleEditor
            key={`${setting.type}:${generation}`}
            setting={setting}
            version={settings.version}
            members={members}
            onSaved={() => {
              setSavedType(setting.type);
              setEditing(null);
            }}
            onCancel={() => setEditing(null)}
            onReload={() => void reload().then(() => setGeneration((n) => n + 1))}
          />
        )}
      </Modal>
    </Paper>
  );
}

function RuleEditor({
  setting,
  version,
  members,
  onSaved,
  onCancel,
  onReload,
}: {
  setting: EventSetting;
  version: number;
  members: Member[];
  onSaved: () => void;
  onCancel: () => void;
  onReload: () => void;
}) {
  const { t } = useTranslation();
  const [rule, setRule] = useState<RecipientRule>(() => ({
    roles: setting.roles,
    userIds: setting.userIds,
    channels: setting.channels,
  }));
  const save = useSaveSettings(version);
  const nobody = rule.channels.length === 0 || (rule.roles.length === 0 && rule.userIds.length === 0);
  const known = new Set(members.map((member) => member.id));
  const people = [
    ...members
      .filter((member) => !member.disabled || rule.userIds.includes(member.id))
      .map((member) => ({
        value: member.id,
        label: member.name ? `${member.name} <${member.email}>` : member.email,
      })),
    ...rule.userIds
      .filter((id) => !known.has(id))
      .map((id) => ({ value: id, label: t('settings.notifications.unknownUser') })),
  ];
  const submit = (input: NotificationSettingsInput) => save.mutate(input, { onSuccess: onSaved });
  const audience = [
    setting.audience.own ? t('settings.notifications.audienceOwn') : null,
    setting.audience.seller ? t('settings.notifications.audienceSeller') : null,
  ].filter(Boolean);

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        submit({ rules: { [setting.type]: rule } });
      }}
    >
      <Stack gap="md">
        {audience.length > 0 && (
          <Text size="sm" c="dimmed">
            {t('settings.notifications.audience', { audience: audience.join(' · ') })}
          </Text>
        )}
        {setting.essential && (
          <Text size="sm" c="dimmed">
            {t('settings.notifications.essentialHint')}
          </Text>
        )}
        <MultiSelect
          label={t('settings.notifications.roles')}
          description={t('settings.notifications.rolesHint')}
          data={PARTNER_RECIPIENT_ROLES.map((role) => ({ value: role, label: t(`role.${role}`) }))}
          value={rule.roles}
          onChange={(roles) => setRule((current) => ({ ...current, roles }))}
          clearable
          comboboxProps={{ withinPortal: true }}
        />
        <MultiSelect
          label={t('settings.notifications.people')}
          description={t('settings.notifications.peopleHint')}
          placeholder={people.length === 0 ? t('settings.notifications.noPeople') : undefined}
          data={people}
          value={rule.userIds}
          onChange={(userIds) => setRule((current) => ({ ...current, userIds }))}
          searchable
          clearable
          maxValues={100}
          nothingFoundMessage={t('settings.notifications.noPeople')}
          comboboxProps={{ withinPortal: true }}
        />
        <Checkbox.Group
          label={t('settings.notifications.channels')}
          value={rule.channels}
          onChange={(channels) => setRule((current) => ({ ...current, channels: channels as Channel[] }))}
        >
          <Group gap="lg" mt={6}>
            {CHANNELS.map((channel) => (
              <Checkbox key={channel} value={channel} label={t(`notificationsUi.channel.${channel}`)} />
            ))}
          </Group>
        </Checkbox.Group>
        {nobody && (
          <Alert color="yellow" variant="light">
            {setting.essential
              ? t('settings.notifications.nobodyEssentialWarning')
              : t('settings.notifications.nobodyWarning')}
          </Alert>
        )}
        {save.isError &&
          (isVersionConflict(save.error) ? (
            <ConflictAlert onReload={onReload} />
          ) : (
            <Alert color="red" role="alert">
              {settingsErrorMessage(t, save.error)}
            </Alert>
          ))}
        <Group justify="space-between">
          <Button
            variant="subtle"
            disabled={setting.isDefault}
            loading={save.isPending && save.variables?.rules?.[setting.type] === null}
            onClick={() => submit({ rules: { [setting.type]: null } })}
          >
            {t('settings.notifications.useDefault')}
          </Button>
          <Group gap="xs">
            <Button variant="default" onClick={onCancel}>
              {t('settings.cancel')}
            </Button>
            <Button type="submit" loading={save.isPending && save.variables?.rules?.[setting.type] !== null}>
              {t('common.save')}
            </Button>
          </Group>
        </Group>
      </Stack>
    </form>
  );
}
