import { type ComponentType, type LazyExoticComponent, lazy } from 'react';
import {
  IconAlert,
  IconBell,
  IconBuilding,
  IconCart,
  IconChart,
  IconDashboard,
  IconFile,
  IconHierarchy,
  IconHistory,
  IconPackage,
  IconReceipt,
  IconRepeat,
  IconSettings,
  IconUser,
} from './components/icons';
import { customerScreens } from './customer/screens';
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
  // The customer panel (customer/screens.ts) comes first: a customer's "/" opens its home.
  ...customerScreens,
  {
    path: '/company',
    labelKey: 'nav.myCompany',
    icon: IconBuilding,
    kinds: ['customer'],
    component: lazy(() => import('./pages/MyCompanyPage')),
  },
  // A partner's "/" opens the dashboard (#10).
  {
    path: '/dashboard',
    labelKey: 'nav.dashboard',
    icon: IconDashboard,
    kinds: ['provider', 'reseller'],
    component: lazy(() => import('./partner/dashboard/DashboardPage')),
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
  // Partner console (#10): usage, subscriptions, orders, quotes, catalog.
  {
    path: '/usage',
    labelKey: 'nav.usage',
    icon: IconChart,
    permission: 'usage:read',
    kinds: ['provider', 'reseller'],
    component: lazy(() => import('./partner/usage/UsagePage')),
  },
  {
    path: '/subscriptions',
    route: '/subscriptions/:id?',
    labelKey: 'nav.subscriptions',
    icon: IconRepeat,
    permission: 'subscriptions:read',
    kinds: ['provider', 'reseller'],
    component: lazy(() => import('./partner/subscriptions/SubscriptionsPage')),
  },
  {
    path: '/orders',
    route: '/orders/:id?',
    labelKey: 'nav.orders',
    icon: IconCart,
    permission: 'orders:read',
    kinds: ['provider', 'reseller'],
    component: lazy(() => import('./partner/orders/OrdersPage')),
  },
  {
    path: '/quotes',
    labelKey: 'nav.quotes',
    icon: IconFile,
    permission: 'quotes:read',
    kinds: ['provider', 'reseller'],
    component: lazy(() => import('./partner/orders/QuotesPage')),
  },
  {
    path: '/catalog',
    labelKey: 'nav.catalog',
    icon: IconPackage,
    permission: 'catalog:read',
    kinds: ['provider', 'reseller'],
    component: lazy(() => import('./partner/catalog/CatalogPage')),
  },
  {
    path: '/alerts',
    labelKey: 'nav.alerts',
    icon: IconAlert,
    permission: 'alerts:read',
    kinds: ['provider', 'reseller'],
    component: lazy(() => import('./partner/alerts/AlertsPage')),
  },
  {
    path: '/billing',
    route: '/billing/:id?',
    labelKey: 'nav.billing',
    icon: IconReceipt,
    permission: 'billing:read',
    kinds: ['provider', 'reseller'],
    component: lazy(() => import('./partner/billing/BillingPage')),
  },
  {
    path: '/notifications',
    labelKey: 'nav.notifications',
    icon: IconBell,
    permission: 'notifications:manage',
    kinds: ['provider', 'reseller'],
    component: lazy(() => import('./partner/notifications/NotificationsPage')),
  },
  // Settings (#10): Partner Center connection (provider), billing profile, notification recipients.
  {
    path: '/settings',
    labelKey: 'nav.settings',
    icon: IconSettings,
    permission: 'notifications:manage',
    kinds: ['provider', 'reseller'],
    component: lazy(() => import('./partner/settings/SettingsPage')),
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
