import { Group, Paper, Stack, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { organizationQuery } from '../api/queries';
import { useSession } from '../auth/session';
import { PageHeader } from '../components/PageHeader';
import { KindBadge } from '../organizations/KindBadge';
import { OrgDetails } from '../organizations/OrgDetails';

/**
 * A customer's own company. The start of the self-service panel: later issues add subscriptions,
 * invoices and users here.
 */
export default function MyCompanyPage() {
  const { t } = useTranslation();
  const me = useSession();
  // The full record adds tenant and domains; if the role may not read it, the session's copy suffices.
  const full = useQuery({ ...organizationQuery(me.organization.id), retry: false });
  const org = full.data ?? me.organization;

  return (
    <>
      <PageHeader title={t('myCompany.title')} description={t('myCompany.description')} />
      <Paper withBorder radius="md" p="lg" maw={820} component="section" aria-labelledby="company-name">
        <Stack gap="md">
          <Group gap="sm">
            <Title order={2} size="h3" id="company-name">
              {org.name}
            </Title>
            <KindBadge kind={org.kind} />
          </Group>
          <OrgDetails org={org} />
        </Stack>
      </Paper>
    </>
  );
}
