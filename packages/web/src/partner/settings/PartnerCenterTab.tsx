import {
  Alert,
  Badge,
  Button,
  Code,
  Group,
  Paper,
  PasswordInput,
  Radio,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorState, InlineLoader } from '../../components/States';
import { useFormat } from '../../hooks/useFormat';
import {
  CONNECTION_MODES,
  type Connection,
  type ConnectionForm,
  type ConnectionMode,
  connectionInput,
  connectionProblems,
  connectionQuery,
  saveConnection,
  testConnection,
} from './api';
import { settingsErrorMessage } from './errors';

/** The provider's Partner Center connection: mode, credentials (write-only) and a connection test. */
export default function PartnerCenterTab() {
  const query = useQuery(connectionQuery());
  if (query.isPending) return <InlineLoader />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  return <ConnectionEditor connection={query.data} />;
}

const formOf = (connection: Connection): ConnectionForm => ({
  mode: connection.mode,
  baseUrl: connection.baseUrl ?? '',
  tenantId: connection.tenantId ?? '',
  appId: connection.appId ?? '',
  appSecret: '',
  refreshToken: '',
});

function ConnectionEditor({ connection }: { connection: Connection }) {
  const { t } = useTranslation();
  const f = useFormat();
  const client = useQueryClient();
  const [form, setForm] = useState<ConnectionForm>(() => formOf(connection));
  const [submitted, setSubmitted] = useState(false);
  const [saved, setSaved] = useState(false);
  const set = <K extends keyof ConnectionForm>(key: K, value: ConnectionForm[K]) => {
    setSaved(false);
    setForm((current) => ({ ...current, [key]: value }));
  };
  const problems = connectionProblems(form);
  const problem = (field: keyof typeof problems) =>
    submitted && problems[field] ? t(`settings.pc.problems.${problems[field]}`) : undefined;

  const save = useMutation({
    mutationFn: () => saveConnection(connectionInput(form)),
    onSuccess: (next) => {
      test.reset();
      client.setQueryData(connectionQuery().queryKey, next);
      // Secrets are stored now and never come back: the form shows the stored state again.
      setForm(formOf(next));
      setSubmitted(false);
      setSaved(true);
    },
  });
  const test = useMutation({
    mutationFn: testConnection,
    onSettled: () => client.invalidateQueries({ queryKey: connectionQuery().queryKey }),
  });

  const stored = formOf(connection);
  const dirty =
    form.mode !== stored.mode ||
    form.baseUrl.trim() !== stored.baseUrl ||
    (form.mode !== 'emulator' &&
      (form.tenantId.trim() !== stored.tenantId ||
        form.appId.trim() !== stored.appId ||
        form.appSecret !== '' ||
        form.refreshToken !== ''));
  const live = form.mode !== 'emulator';
  const last = connection.lastTest;

  return (
    <Stack gap="md" maw={900}>
      <Paper withBorder p="md" radius="md" data-testid="connection-status">
        <Group justify="space-between" align="flex-start" wrap="wrap">
          <Stack gap={6}>
            <Title order={2} size="h4">
              {t('settings.pc.statusTitle')}
            </Title>
            <Group gap="xs">
              <Badge variant="light">{t(`settings.pc.modes.${connection.mode}`)}</Badge>
              {connection.mode !== 'emulator' && (
                <Badge variant="light" color={connection.hasCredentials ? 'green' : 'orange'}>
                  {connection.hasCredentials
                    ? t('settings.pc.credentialsStored')
                    : t('settings.pc.noCredentials')}
                </Badge>
              )}
            </Group>
            <Text size="sm" c="dimmed">
              {last
                ? t(last.ok ? 'settings.pc.lastTestOk' : 'settings.pc.lastTestFailed', {
                    at: f.dateTime(last.at),
                  })
                : t('settings.pc.neverTested')}
            </Text>
          </Stack>
          <Stack gap={4} align="flex-end">
            <Button variant="light" onClick={() => test.mutate()} loading={test.isPending} disabled={dirty}>
              {t('settings.pc.test')}
            </Button>
            {dirty && (
              <Text size="xs" c="dimmed">
                {t('settings.pc.saveBeforeTest')}
              </Text>
            )}
          </Stack>
        </Group>
        {test.isSuccess && (
          <Alert
            mt="md"
            color={test.data.ok ? 'green' : 'red'}
            variant="light"
            role="status"
            title={test.data.ok ? t('settings.pc.testOk') : t('settings.pc.testFailed')}
            data-testid="connection-test-result"
          >
            <Text size="sm">{t('settings.pc.testDetail')}</Text>
            <Code block mt={4}>
              {test.data.message}
            </Code>
          </Alert>
        )}
        {test.isError && (
          <Alert mt="md" color="red" variant="light" role="alert" data-testid="connection-test-result">
            {settingsErrorMessage(t, test.error)}
          </Alert>
        )}
      </Paper>

      <form
        aria-labelledby="pc-form-title"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          setSubmitted(true);
          if (Object.keys(problems).length === 0) save.mutate();
        }}
      >
        <Paper withBorder p="md" radius="md">
          <Stack gap="md">
            <Title order={2} size="h4" id="pc-form-title">
              {t('settings.pc.formTitle')}
            </Title>
            <Radio.Group
              label={t('settings.pc.mode')}
              value={form.mode}
              onChange={(value) => set('mode', value as ConnectionMode)}
            >
              <Stack gap="xs" mt="xs">
                {CONNECTION_MODES.map((mode) => (
                  <Radio
                    key={mode}
                    value={mode}
                    label={t(`settings.pc.modes.${mode}`)}
                    description={t(`settings.pc.modeHints.${mode}`)}
                  />
                ))}
              </Stack>
            </Radio.Group>
            <TextInput
              label={t('settings.pc.baseUrl')}
              description={live ? t('settings.pc.baseUrlHintLive') : t('settings.pc.baseUrlHintEmulator')}
              placeholder={live ? 'https://api.partnercenter.microsoft.com' : 'http://127.0.0.1:4010'}
              value={form.baseUrl}
              onChange={(event) => set('baseUrl', event.currentTarget.value)}
              error={problem('baseUrl')}
              maxLength={500}
            />
            {live && (
              <>
                <SimpleGrid cols={{ base: 1, sm: 2 }}>
                  <TextInput
                    label={t('settings.pc.tenantId')}
                    value={form.tenantId}
                    onChange={(event) => set('tenantId', event.currentTarget.value)}
                    error={problem('tenantId')}
                    required
                    maxLength={100}
                    autoComplete="off"
                  />
                  <TextInput
                    label={t('settings.pc.appId')}
                    value={form.appId}
                    onChange={(event) => set('appId', event.currentTarget.value)}
                    error={problem('appId')}
                    required
                    maxLength={100}
                    autoComplete="off"
                  />
                </SimpleGrid>
                <PasswordInput
                  label={t('settings.pc.appSecret')}
                  description={
                    connection.hasCredentials ? t('settings.pc.secretStored') : t('settings.pc.secretHint')
                  }
                  value={form.appSecret}
                  onChange={(event) => set('appSecret', event.currentTarget.value)}
                  error={problem('appSecret')}
                  required
                  maxLength={1000}
                  autoComplete="new-password"
                />
                {form.mode === 'app_user' && (
                  <PasswordInput
                    label={t('settings.pc.refreshToken')}
                    description={t('settings.pc.refreshTokenHint')}
                    value={form.refreshToken}
                    onChange={(event) => set('refreshToken', event.currentTarget.value)}
                    error={problem('refreshToken')}
                    required
                    maxLength={10_000}
                    autoComplete="off"
                  />
                )}
              </>
            )}
            {save.isError && (
              <Alert color="red" role="alert">
                {settingsErrorMessage(t, save.error)}
              </Alert>
            )}
            {saved && (
              <Alert color="green" role="status">
                {t('settings.pc.saved')}
              </Alert>
            )}
            <Group justify="flex-end">
              <Button type="submit" loading={save.isPending}>
                {t('common.save')}
              </Button>
            </Group>
          </Stack>
        </Paper>
      </form>
    </Stack>
  );
}
