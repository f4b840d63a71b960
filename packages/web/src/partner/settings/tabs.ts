import type { Me } from '../../api/types';

export const SETTINGS_TABS = ['partnerCenter', 'billing', 'notifications'] as const;
export type SettingsTab = (typeof SETTINGS_TABS)[number];

type Caller = Pick<Me, 'permissions'> & { organization: Pick<Me['organization'], 'kind'> };

/**
 * The Settings tabs a caller may open: the Partner Center connection belongs to the provider alone,
 * the billing profile to those who may change billing, recipients to those who manage notifications.
 */
export function settingsTabs(me: Caller): SettingsTab[] {
  const can = (permission: string) => me.permissions.includes(permission);
  return SETTINGS_TABS.filter((tab) => {
    if (tab === 'partnerCenter') return me.organization.kind === 'provider' && can('partner_center:manage');
    if (tab === 'billing') return can('billing:write');
    return can('notifications:manage');
  });
}
