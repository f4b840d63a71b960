import { Tabs } from '@mantine/core';
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { useSession } from '../../auth/session';
import { PageHeader } from '../../components/PageHeader';
import { InlineLoader } from '../../components/States';
import { settingsTabs } from './tabs';

const PartnerCenterTab = lazy(() => import('./PartnerCenterTab'));
// The billing profile is the billing screen's own form: Settings embeds it, so both stay one form.
const ProfileTab = lazy(() => import('../billing/ProfileTab'));
const NotificationSettingsTab = lazy(() => import('./NotificationSettingsTab'));

/** `/settings?tab=partnerCenter|billing|notifications` (#10). */
export default function SettingsPage() {
  const { t } = useTranslation();
  const me = useSession();
  const [params, setParams] = useSearchParams();
  const tabs = settingsTabs(me);
  const raw = params.get('tab');
  const tab = tabs.find((value) => value === raw) ?? tabs[0] ?? 'notifications';
  return (
    <>
      <PageHeader title={t('settings.title')} description={t('settings.description')} />
      <Tabs
        value={tab}
        onChange={(value) => value && setParams({ tab: value }, { replace: true })}
        keepMounted={false}
      >
        <Tabs.List mb="md">
          {tabs.map((value) => (
            <Tabs.Tab key={value} value={value}>
              {t(`settings.tabs.${value}`)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        <Suspense fallback={<InlineLoader />}>
          {tabs.includes('partnerCenter') && (
            <Tabs.Panel value="partnerCenter">
              <PartnerCenterTab />
            </Tabs.Panel>
          )}
          {tabs.includes('billing') && (
            <Tabs.Panel value="billing">
              <ProfileTab />
            </Tabs.Panel>
          )}
          {tabs.includes('notifications') && (
            <Tabs.Panel value="notifications">
              <NotificationSettingsTab />
            </Tabs.Panel>
          )}
        </Suspense>
      </Tabs>
    </>
  );
}
