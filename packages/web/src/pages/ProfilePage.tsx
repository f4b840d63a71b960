import { Alert, Button, Grid, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../api/client';
import { changePassword, updateMe } from '../api/endpoints';
import { meQuery } from '../api/queries';
import { useChangeLocale, useSession } from '../auth/session';
import { errorMessage } from '../components/errors';
import { IconAlert, IconCheck } from '../components/icons';
import { LanguageSelect } from '../components/LanguageSelect';
import { PageHeader } from '../components/PageHeader';

// Mirrors the server's password policy (packages/server auth/secrets.ts) so most mistakes are caught
// before a round trip; the server stays the judge and its verdict is shown too.
const MIN_PASSWORD_LENGTH = 10;
const mixesLettersAndOthers = (password: string) => /[A-Za-z]/.test(password) && /[^A-Za-z]/.test(password);

export default function ProfilePage() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t('profile.title')} description={t('profile.description')} />
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 6 }}>
          <Stack gap="lg">
            <AccountCard />
            <LanguageCard />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <PasswordCard />
        </Grid.Col>
      </Grid>
    </>
  );
}

function Card({ title, id, children }: { title: string; id: string; children: ReactNode }) {
  return (
    <Paper withBorder radius="md" p="lg" component="section" aria-labelledby={id}>
      <Title order={2} size="h4" mb="md" id={id}>
        {title}
      </Title>
      {children}
    </Paper>
  );
}

function AccountCard() {
  const { t } = useTranslation();
  const me = useSession();
  const queryClient = useQueryClient();
  const [name, setName] = useState(me.user.name);
  const save = useMutation({
    mutationFn: () => updateMe({ name: name.trim() }),
    onSuccess: (updated) => queryClient.setQueryData(meQuery.queryKey, updated),
  });
  const invalid = name.trim() === '';

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (!invalid) save.mutate();
  };

  return (
    <Card title={t('profile.account.title')} id="profile-account">
      <form onSubmit={onSubmit} noValidate>
        <Stack gap="sm">
          <TextInput label={t('profile.account.email')} value={me.user.email} readOnly variant="filled" />
          <TextInput
            label={t('profile.account.name')}
            value={name}
            onChange={(e) => {
              setName(e.currentTarget.value);
              save.reset();
            }}
            error={invalid ? t('profile.account.nameRequired') : undefined}
            autoComplete="name"
            required
          />
          <Text size="sm" c="dimmed">
            {t('profile.account.role', { role: t(`role.${me.role}`), organization: me.organization.name })}
          </Text>
          {save.isError && <ErrorAlert error={save.error} />}
          {save.isSuccess && <SuccessAlert>{t('profile.account.saved')}</SuccessAlert>}
          <Button type="submit" loading={save.isPending} disabled={invalid || name.trim() === me.user.name}>
            {t('common.save')}
          </Button>
        </Stack>
      </form>
    </Card>
  );
}

function LanguageCard() {
  const { t } = useTranslation();
  const { change, isError, error, isSuccess } = useChangeLocale();
  return (
    <Card title={t('profile.language.title')} id="profile-language">
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          {t('profile.language.description')}
        </Text>
        <LanguageSelect withLabel onChange={change} />
        {isError && <ErrorAlert error={error} />}
        {isSuccess && <SuccessAlert>{t('profile.language.saved')}</SuccessAlert>}
      </Stack>
    </Card>
  );
}

interface PasswordErrors {
  current?: string;
  next?: string;
  confirm?: string;
}

function PasswordCard() {
  const { t } = useTranslation();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [errors, setErrors] = useState<PasswordErrors>({});

  const mutation = useMutation({
    mutationFn: () => changePassword(current, next),
    onSuccess: () => {
      setCurrent('');
      setNext('');
      setConfirm('');
    },
    onError: (error) => {
      // Put the server's verdict next to the field it is about.
      if (isApiError(error) && error.code === 'invalid_password')
        setErrors({ current: t('errors.invalid_password') });
      if (isApiError(error) && error.code === 'password_too_weak')
        setErrors({ next: t('errors.password_too_weak') });
    },
  });
  const fieldError =
    isApiError(mutation.error) && ['invalid_password', 'password_too_weak'].includes(mutation.error.code);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const found: PasswordErrors = {};
    if (!current) found.current = t('profile.password.currentRequired');
    if (!next) found.next = t('profile.password.newRequired');
    else if (next.length < MIN_PASSWORD_LENGTH)
      found.next = t('profile.password.tooShort', { min: MIN_PASSWORD_LENGTH });
    else if (!mixesLettersAndOthers(next)) found.next = t('profile.password.needsMix');
    else if (next === current) found.next = t('profile.password.sameAsCurrent');
    if (next && confirm !== next) found.confirm = t('profile.password.mismatch');
    setErrors(found);
    mutation.reset();
    if (Object.keys(found).length === 0) mutation.mutate();
  };

  return (
    <Card title={t('profile.password.title')} id="profile-password">
      <form onSubmit={onSubmit} noValidate>
        <Stack gap="sm">
          <PasswordInput
            label={t('profile.password.current')}
            autoComplete="current-password"
            value={current}
            onChange={(e) => setCurrent(e.currentTarget.value)}
            error={errors.current}
            required
          />
          <PasswordInput
            label={t('profile.password.new')}
            description={t('profile.password.hint', { min: MIN_PASSWORD_LENGTH })}
            autoComplete="new-password"
            value={next}
            onChange={(e) => setNext(e.currentTarget.value)}
            error={errors.next}
            required
          />
          <PasswordInput
            label={t('profile.password.confirm')}
            autoComplete="new-password"
            value={confirm}
            onChange={(e) => setConfirm(e.currentTarget.value)}
            error={errors.confirm}
            required
          />
          {mutation.isError && !fieldError && <ErrorAlert error={mutation.error} />}
          {mutation.isSuccess && <SuccessAlert>{t('profile.password.changed')}</SuccessAlert>}
          <Button type="submit" loading={mutation.isPending}>
            {t('profile.password.submit')}
          </Button>
        </Stack>
      </form>
    </Card>
  );
}

function ErrorAlert({ error }: { error: unknown }) {
  const { t } = useTranslation();
  return (
    <Alert color="red" variant="light" icon={<IconAlert />} role="alert">
      {errorMessage(t, error)}
    </Alert>
  );
}

function SuccessAlert({ children }: { children: ReactNode }) {
  return (
    <Alert color="green" variant="light" icon={<IconCheck />} role="status">
      {children}
    </Alert>
  );
}
