import type { Me, OrganizationKind, Permission, Role } from './api/types';
import type { IconComponent } from './components/icons';
import type en from './i18n/en.json';

export type NavLabelKey = `nav.${keyof (typeof en)['nav'] & string}`;

/**
 * One entry of the navigation. Every condition that is set must hold for the entry to show (and for
 * its route to open): a permission the caller has, and/or the kind of the caller's organisation,
 * and/or the caller's role.
 */
export interface NavItem {
  path: string;
  labelKey: NavLabelKey;
  icon?: IconComponent;
  permission?: Permission;
  kinds?: readonly OrganizationKind[];
  roles?: readonly Role[];
}

type Access = Pick<Me, 'permissions' | 'role'> & { organization: Pick<Me['organization'], 'kind'> };

export function canAccess(item: Omit<NavItem, 'path' | 'labelKey'>, me: Access): boolean {
  if (item.permission && !me.permissions.includes(item.permission)) return false;
  if (item.kinds && !item.kinds.includes(me.organization.kind)) return false;
  if (item.roles && !item.roles.includes(me.role)) return false;
  return true;
}

export function isActivePath(itemPath: string, pathname: string): boolean {
  return pathname === itemPath || pathname.startsWith(`${itemPath}/`);
}
