import { Accordion, Anchor, Card, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { useSession } from '../auth/session';
import { PageHeader } from '../components/PageHeader';
import { useBrandName } from '../hooks/useBrandName';
import { subscriptionsQuery } from './api';

const TOPICS = ['buy', 'change', 'nextMonth', 'usage', 'budget', 'invoices', 'users', 'nce'] as const;
const LINKS: Record<(typeof TOPICS)[number], string> = {
  buy: '/buy',
  change: '/contracts',
  nextMonth: '/contracts',
  usage: '/my/usage',
  budget: '/my/usage',
  invoices: '/my/invoices',
  users: '/my/users',
  nce: '/contracts',
};

/** Short how-tos for the common tasks, and who to ask: the partner that sells to the company. */
export default function HelpPage() {
  const { t } = useTranslation();
  const me = useSession();
  const brand = useBrandName();
  const subscriptions = useQuery({
    ...subscriptionsQuery,
    enabled: me.permissions.includes('subscriptions:read'),
  });
  const seller = subscriptions.data?.items[0]?.sellerName ?? brand;

  return (
    <>
      <PageHeader title={t('panel.help.title')} description={t('panel.help.description')} />
      <Stack gap="lg" maw={860}>
        <Accordion variant="separated" data-testid="help-topics">
          {TOPICS.map((topic) => (
            <Accordion.Item key={topic} value={topic}>
              <Accordion.Control>{t(`panel.help.topics.${topic}.title`)}</Accordion.Control>
              <Accordion.Panel>
                <Stack gap="xs">
                  <Text size="sm">{t(`panel.help.topics.${topic}.body`)}</Text>
                  <Anchor component={Link} to={LINKS[topic]} size="sm">
                    {t('panel.help.open')}
                  </Anchor>
                </Stack>
              </Accordion.Panel>
            </Accordion.Item>
          ))}
        </Accordion>
        <Card withBorder radius="md" data-testid="help-contact">
          <Title order={2} size="h5" mb="xs">
            {t('panel.help.contactTitle')}
          </Title>
          <Text size="sm">{t('panel.help.contactBody', { seller, brand })}</Text>
        </Card>
      </Stack>
    </>
  );
}
