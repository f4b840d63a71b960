import type { OrganizationKind, Role } from '../db/schema.ts';

/**
 * What each role may do. Roles are per membership (user × organisation); partner roles belong to
 * providers and resellers, customer roles to customers. Permissions are strings so the web app can
 * build its navigation from `me.permissions`.
 */
export const PERMISSIONS = [
  'organizations:read',
  'organizations:write',
  'users:read',
  'users:manage',
  'api_keys:manage',
  'audit:read',
  'partner_center:manage',
  // Catalog and price books (#4): reading the catalog, syncing it and keeping own products and
  // exchange rates; reading and writing price books; asking for a price.
  'catalog:read',
  'catalog:manage',
  'price_books:read',
  'price_books:write',
  'price_quotes:read',
  // Quotes, orders, subscriptions, provisioning tasks and account records (#5).
  'quotes:read',
  'quotes:write',
  'orders:read',
  'orders:write',
  'orders:approve',
  'subscriptions:read',
  'subscriptions:write',
  'subscriptions:reconcile',
  'provisioning:tasks',
  'account_records:read',
  'account_records:write',
  // Notifications, webhooks and exports (#9): an organisation's recipient settings and e-mail
  // outbox, its webhook endpoints, and accounting exports.
  'notifications:manage',
  'webhooks:manage',
  'exports:read',
  // Azure usage (#6): reading the caller's usage, importing Microsoft's files, re-rating a period.
  'usage:read',
  'usage:import',
  'usage:rerate',
  // Budgets, credit control and alerts (#8): budgets (customers plan their own), partners' credit
  // limits, and the alerts both raise.
  'budgets:read',
  'budgets:write',
  'credit:read',
  'credit:manage',
  'alerts:read',
  'alerts:acknowledge',
  // Billing (#7): reading invoices (issued and received), and billing: profile, runs, issuing,
  // voiding, payments, credit notes.
  'billing:read',
  'billing:write',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

// #5: sales sells and changes subscriptions; billing and read-only look; customers buy for themselves.
const ORDER_PERMISSIONS = {
  sales: [
    'quotes:read',
    'quotes:write',
    'orders:read',
    'orders:write',
    'subscriptions:read',
    'subscriptions:write',
    'provisioning:tasks',
    'account_records:read',
    'account_records:write',
  ],
  read: ['quotes:read', 'orders:read', 'subscriptions:read', 'account_records:read'],
  customerAdmin: ['quotes:read', 'orders:read', 'orders:write', 'subscriptions:read', 'subscriptions:write'],
  customerUser: ['orders:read', 'subscriptions:read'],
} satisfies Record<string, Permission[]>;

// #6: everyone reads its own usage; billing imports and re-rates.
const USAGE_PERMISSIONS = {
  read: ['usage:read'],
  billing: ['usage:read', 'usage:import', 'usage:rerate'],
} satisfies Record<string, Permission[]>;

// #8: customers keep their own budgets; partners also see and manage credit (billing sets levels).
const BUDGET_PERMISSIONS = {
  partnerRead: ['budgets:read', 'credit:read', 'alerts:read'],
  partnerWork: ['budgets:read', 'budgets:write', 'credit:read', 'alerts:read', 'alerts:acknowledge'],
  billing: [
    'budgets:read',
    'budgets:write',
    'credit:read',
    'credit:manage',
    'alerts:read',
    'alerts:acknowledge',
  ],
  customerAdmin: ['budgets:read', 'budgets:write', 'alerts:read', 'alerts:acknowledge'],
  customerUser: ['budgets:read', 'alerts:read'],
} satisfies Record<string, Permission[]>;

const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  admin: PERMISSIONS,
  sales: [
    'organizations:read',
    'organizations:write',
    'users:read',
    'catalog:read',
    'price_books:read',
    'price_books:write',
    'price_quotes:read',
    ...ORDER_PERMISSIONS.sales,
    ...USAGE_PERMISSIONS.read,
    ...BUDGET_PERMISSIONS.partnerWork,
  ],
  billing: [
    'billing:read',
    'billing:write',
    ...USAGE_PERMISSIONS.billing,
    'exports:read',
    'organizations:read',
    'users:read',
    'catalog:read',
    'price_books:read',
    'price_quotes:read',
    ...ORDER_PERMISSIONS.read,
    ...BUDGET_PERMISSIONS.billing,
  ],
  readonly: [
    'billing:read',
    ...USAGE_PERMISSIONS.read,
    'organizations:read',
    'users:read',
    'catalog:read',
    'price_books:read',
    'price_quotes:read',
    ...ORDER_PERMISSIONS.read,
    ...BUDGET_PERMISSIONS.partnerRead,
  ],
  customer_admin: [
    'billing:read',
    'notifications:manage',
    'webhooks:manage',
    'organizations:read',
    'users:read',
    'users:manage',
    'api_keys:manage',
    'catalog:read',
    'price_quotes:read',
    ...ORDER_PERMISSIONS.customerAdmin,
    ...USAGE_PERMISSIONS.read,
    ...BUDGET_PERMISSIONS.customerAdmin,
  ],
  customer_user: [
    'organizations:read',
    'catalog:read',
    'price_quotes:read',
    ...ORDER_PERMISSIONS.customerUser,
    ...USAGE_PERMISSIONS.read,
    ...BUDGET_PERMISSIONS.customerUser,
  ],
};

export const PARTNER_ROLES: readonly Role[] = ['admin', 'sales', 'billing', 'readonly'];
export const CUSTOMER_ROLES: readonly Role[] = ['customer_admin', 'customer_user'];

export function permissionsOf(role: Role): ReadonlySet<Permission> {
  return new Set(ROLE_PERMISSIONS[role]);
}

/** Customer organisations take customer roles; providers and resellers take partner roles. */
export function roleFitsOrganization(role: Role, kind: OrganizationKind): boolean {
  return kind === 'customer' ? CUSTOMER_ROLES.includes(role) : PARTNER_ROLES.includes(role);
}

/** A role may only hand out roles it holds itself or weaker ones of the same family. */
export function canGrantRole(granter: Role, granted: Role): boolean {
  if (granter === 'admin') return true;
  if (granter === 'customer_admin') return CUSTOMER_ROLES.includes(granted);
  return false;
}
