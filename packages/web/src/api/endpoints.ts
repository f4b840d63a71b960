import { ApiError, api, apiGet, setCsrfToken, withQuery } from './client';
import type { AuditEntry, Locale, Me, Organization, Page, User } from './types';

export const PAGE_SIZE = 50;

/** `null` when nobody is signed in: that is a normal state for the app, not an error. */
export async function fetchMe(signal?: AbortSignal): Promise<Me | null> {
  try {
    const me = await apiGet<Me>('/api/v1/me', signal);
    setCsrfToken(me.csrfToken);
    return me;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      setCsrfToken(null);
      return null;
    }
    throw error;
  }
}

export async function login(email: string, password: string): Promise<{ user: User; csrfToken: string }> {
  const result = await api<{ user: User; csrfToken: string }>('POST', '/api/v1/auth/login', {
    email,
    password,
  });
  setCsrfToken(result.csrfToken);
  return result;
}

export async function logout(): Promise<void> {
  try {
    await api<void>('POST', '/api/v1/auth/logout');
  } finally {
    setCsrfToken(null);
  }
}

export async function updateMe(patch: { locale?: Locale; name?: string }): Promise<Me> {
  const me = await api<Me>('PATCH', '/api/v1/me', patch);
  setCsrfToken(me.csrfToken);
  return me;
}

export const changePassword = (currentPassword: string, newPassword: string) =>
  api<void>('POST', '/api/v1/me/password', { currentPassword, newPassword });

export interface OrganizationFilter {
  parentId?: string;
  kind?: string;
  q?: string;
}

export const listOrganizations = (filter: OrganizationFilter, cursor: string | null, signal?: AbortSignal) =>
  apiGet<Page<Organization>>(
    withQuery('/api/v1/organizations', { limit: PAGE_SIZE, cursor, ...filter }),
    signal,
  );

export const getOrganization = (id: string, signal?: AbortSignal) =>
  apiGet<Organization>(`/api/v1/organizations/${encodeURIComponent(id)}`, signal);

export interface AuditFilter {
  entityType?: string;
  entityId?: string;
}

export const listAudit = (filter: AuditFilter, cursor: string | null, signal?: AbortSignal) =>
  apiGet<Page<AuditEntry>>(withQuery('/api/v1/audit', { limit: PAGE_SIZE, cursor, ...filter }), signal);
