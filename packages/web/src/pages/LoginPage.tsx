import {
  Alert,
  Box,
  Button,
  Center,
  Group,
  Paper,
  PasswordInput,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { login, updateMe } from '../api/endpoints';
import { meQuery } from '../api/queries';
import type { Locale } from '../api/types';
import type { LoginRedirectState } from '../auth/session';
import { errorMessage } from '../components/errors';
import { FullPageLoader } from '../components/FullPage';
import { IconAlert } from '../components/icons';
import { LanguageSelect } from '../components/LanguageSelect';
import { setLocale } from '../i18n';
import classes from './LoginPage.module.css';

const EMAIL = /^[^\s@]+@[^\s@]+$/;

export default function LoginPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const location = useLocation();
  const queryClient = useQueryClient();
  const { data: me, isPending: checkingSession } = useQuery(meQuery);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [fieldErrors, setFieldErrors] = useState<{ email?: string; password?: string }>({});
  // A language picked here is an explicit wish; it is saved to the profile right after sign-in.
  const pickedLocale = useRef<Locale | null>(null);
  const from = (location.state as LoginRedirectState | null)?.from;

  useEffect(() => {
    document.title = `${t('auth.title')} · ${t('app.productName')}`;
  }, [t]);

  const signIn = useMutation({
    mutationFn: async () => {
      await login(email.trim(), password);
      if (pickedLocale.current) await updateMe({ locale: pickedLocale.current }).catch(() => undefined);
      return queryClient.fetchQuery({ ...meQuery, staleTime: 0 });
    },
    onSuccess: () => navigate(from && from !== '/login' ? from : '/', { replace: true }),
  });

  if (checkingSession) return <FullPageLoader />;
  if (me && signIn.isIdle) return <Navigate to="/" replace />;

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const errors: typeof fieldErrors = {};
    if (!email.trim()) errors.email = t('auth.emailRequired');
    else if (!EMAIL.test(email.trim())) errors.email = t('auth.emailInvalid');
    if (!password) errors.password = t('auth.passwordRequired');
    setFieldErrors(errors);
    if (errors.email || errors.password) return;
    signIn.mutate();
  };

  const onLocale = (locale: Locale) => {
    pickedLocale.current = locale;
    void setLocale(locale);
  };

  return (
    <Box className={classes.page}>
      <Group justify="flex-end" p="md">
        <LanguageSelect onChange={onLocale} />
      </Group>
      <Center className={classes.center} px="md">
        <Stack w="100%" maw={400} gap="lg">
          <Stack gap={4} align="center">
            <Box className={classes.mark} aria-hidden />
            <Text fw={700} size="xl" data-testid="product-name">
              {t('app.productName')}
            </Text>
            <Text c="dimmed" size="sm" ta="center" className={classes.tagline}>
              {t('app.tagline')}
            </Text>
          </Stack>
          <Paper withBorder shadow="sm" p="xl" radius="md">
            <form onSubmit={onSubmit} noValidate aria-labelledby="login-title">
              <Stack gap="md">
                <Title order={1} size="h3" id="login-title">
                  {t('auth.title')}
                </Title>
                {signIn.error && (
                  <Alert
                    color="red"
                    variant="light"
                    icon={<IconAlert />}
                    role="alert"
                    data-testid="login-error"
                  >
                    {errorMessage(t, signIn.error)}
                  </Alert>
                )}
                <TextInput
                  label={t('auth.email')}
                  type="email"
                  name="email"
                  autoComplete="username"
                  value={email}
                  onChange={(e) => setEmail(e.currentTarget.value)}
                  error={fieldErrors.email}
                  required
                  autoFocus
                />
                <PasswordInput
                  label={t('auth.password')}
                  name="password"
                  autoComplete="current-password"
                  value={password}
                  onChange={(e) => setPassword(e.currentTarget.value)}
                  error={fieldErrors.password}
                  required
                  visibilityToggleButtonProps={{
                    'aria-label': t('auth.togglePasswordVisibility'),
                  }}
                />
                <Button type="submit" fullWidth loading={signIn.isPending}>
                  {t('auth.submit')}
                </Button>
              </Stack>
            </form>
          </Paper>
          <Text c="dimmed" size="xs" ta="center">
            {t('auth.footer')}
          </Text>
        </Stack>
      </Center>
    </Box>
  );
}
