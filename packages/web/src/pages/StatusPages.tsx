import { Button, Center, Stack, Text, Title } from '@mantine/core';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useRouteError } from 'react-router-dom';
import { IconLock } from '../components/icons';
import { PageHeader } from '../components/PageHeader';
import { Empty } from '../components/States';

export function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t('notFound.title')} />
      <Empty title={t('notFound.title')} description={t('notFound.description')} />
      <Center>
        <Button component={Link} to="/" variant="light">
          {t('notFound.backHome')}
        </Button>
      </Center>
    </>
  );
}

export function ForbiddenPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t('forbidden.title')} />
      <Empty
        icon={<IconLock size={28} />}
        title={t('forbidden.title')}
        description={t('forbidden.description')}
      />
    </>
  );
}

/** Last line of defence for a rendering bug: say so plainly and offer a way out. */
export function CrashPage() {
  const { t } = useTranslation();
  const error = useRouteError();
  useEffect(() => {
    console.error(error);
  }, [error]);
  return (
    <Center h="100vh" p="md">
      <Stack align="center" gap="sm" role="alert">
        <Title order={1} size="h2">
          {t('errors.title')}
        </Title>
        <Text c="dimmed">{t('errors.crashed')}</Text>
        <Button onClick={() => window.location.reload()}>{t('common.reload')}</Button>
      </Stack>
    </Center>
  );
}
