import { lazy } from 'react';
import type { Screen } from '../screens';
import {
  IconCart,
  IconChart,
  IconContracts,
  IconHelp,
  IconHome,
  IconInvoice,
  IconOrders,
  IconUsers,
} from './icons';

/**
 * The customer self-service panel (issue #11). Every screen is for customer organisations only;
 * paths that partners also use (/usage, /orders) live under /my/ so the two consoles never fight
 * over a route. Listed before "My company", so a customer's "/" opens the panel's home.
 */
export const customerScreens: readonly Screen[] = [
  {
    path: '/home',
    labelKey: 'nav.panelHome',
    icon: IconHome,
    kinds: ['customer'],
    component: lazy(() => import('./HomePage')),
  },
  {
    path: '/contracts',
    route: '/contracts/:subscriptionId?',
    labelKey: 'nav.panelContracts',
    icon: IconContracts,
    permission: 'subscriptions:read',
    kinds: ['customer'],
    component: lazy(() => import('./ContractsPage')),
  },
  {
    path: '/buy',
    labelKey: 'nav.panelBuy',
    icon: IconCart,
    permission: 'orders:write',
    kinds: ['customer'],
    component: lazy(() => import('./BuyPage')),
  },
  {
    path: '/my/orders',
    route: '/my/orders/:orderId?',
    labelKey: 'nav.panelOrders',
    icon: IconOrders,
    permission: 'orders:read',
    kinds: ['customer'],
    component: lazy(() => import('./OrdersPage')),
  },
  {
    path: '/my/usage',
    labelKey: 'nav.panelUsage',
    icon: IconChart,
    permission: 'usage:read',
    kinds: ['customer'],
    component: lazy(() => import('./UsagePage')),
  },
  {
    path: '/my/invoices',
    route: '/my/invoices/:invoiceId?',
    labelKey: 'nav.panelInvoices',
    icon: IconInvoice,
    permission: 'billing:read',
    kinds: ['customer'],
    component: lazy(() => import('./InvoicesPage')),
  },
  {
    path: '/my/users',
    labelKey: 'nav.panelUsers',
    icon: IconUsers,
    permission: 'users:manage',
    kinds: ['customer'],
    component: lazy(() => import('./UsersPage')),
  },
  {
    path: '/help',
    labelKey: 'nav.panelHelp',
    icon: IconHelp,
    kinds: ['customer'],
    group: 'account',
    component: lazy(() => import('./HelpPage')),
  },
];
