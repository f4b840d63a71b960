// Shapes of the JSON API (packages/server). Kept by hand until the server publishes a schema.

export const LOCALES = ['ja', 'en', 'de'] as const;
export type Locale = (typeof LOCALES)[number];

export const ORGANIZATION_KINDS = ['provider', 'reseller', 'customer'] as const;
export type OrganizationKind = (typeof ORGANIZATION_KINDS)[number];

export const ROLES = ['admin', 'sales', 'billing', 'readonly', 'customer_admin', 'customer_user'] as const;
export type Role = (typeof ROLES)[number];

export type Permission =
  | 'organizations:read'
  | 'organizations:write'
  | 'users:manage'
  | 'api_keys:manage'
  | 'audit:read'
  // The server may grant permissions this build does not know about yet.
  | (string & {});

export interface Branding {
  displayName?: string;
  logoUrl?: string;
  primaryColor?: string;
  accentColor?: string;
}

export interface User {
  id: string;
  email: string;
  name: string;
  locale: Locale;
}

export interface SessionOrganization {
  id: string;
  name: string;
  kind: OrganizationKind;
  parentId: string | null;
  currency: string;
  timeZone: string;
  country: string;
  locale: string;
  branding: Branding;
}

export interface Me {
  user: User;
  organization: SessionOrganization;
  role: Role;
  permissions: Permission[];
  /** Null when the caller authenticated with an API key rather than a session. */
  csrfToken: string | null;
}

export interface Organization {
  id: string;
  parentId: string | null;
  kind: OrganizationKind;
  name: string;
  country: string;
  currency: string;
  timeZone: string;
  locale: string;
  tenantId: string | null;
  domains: string[];
  childCount: number;
  createdAt: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export type AuditActorType = 'user' | 'api_key' | 'system';

export interface AuditEntry {
  id: string;
  at: string;
  actor: { type: AuditActorType; id: string | null; label: string };
  action: string;
  entityType: string;
  entityId: string;
  organizationId: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

export interface ApiErrorBody {
  error: { code: string; message: string; details?: unknown };
}
