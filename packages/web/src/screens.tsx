import { type ComponentType, type LazyExoticComponent, lazy } from 'react';
import { IconBuilding, IconHierarchy, IconHistory, IconUser } from './components/icons';
import type { NavItem } from './navigation';

/**
 * Every screen of the console, in navigation order. Adding a screen means: a page component under
 * pages/, an entry here, and its `nav.*` label plus page texts in the three locale files. The router
 * and the navbar are both built from this list, so a screen's access rule is written once.
 */
export interface Screen extends NavItem {
  /** Route pattern relative to `/`, when the screen has sub-paths (defaults to `path`). */
  route?: string;
  component: LazyExoticComponent<ComponentType>;
  /** `account` entries sit at the bottom of the navbar. */
  group?: 'main' | 'account';
}

export const screens: readonly Screen[] = [
  {
    path: '/company',
    labelKey: 'nav.myCompany',
    icon: IconBuilding,
    kinds: ['customer'],
    component: lazy(() => import('./pages/MyCompanyPage')),
  },
  {
    path: '/organizations',
    route: '/organizations/:orgId?',
    labelKey: 'nav.organizations',
    icon: IconHierarchy,
    permission: 'organizations:read',
    kinds: ['provider', 'reseller'],
    component: lazy(() => import('./pages/OrganizationsPage')),
  },
  {
    path: '/audit',
    labelKey: 'nav.audit',
    icon: IconHistory,
    permission: 'audit:read',
    component: lazy(() => import('./pages/AuditPage')),
  },
  {
    path: '/profile',
    labelKey: 'nav.profile',
    icon: IconUser,
    group: 'account',
    component: lazy(() => import('./pages/ProfilePage')),
  },
];
