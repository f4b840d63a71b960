import { infiniteQueryOptions, keepPreviousData, queryOptions } from '@tanstack/react-query';
import { api, apiGet, withQuery } from '../api/client';
import type { Branding, Locale, Organization, Page, Role } from '../api/types';

// Calls of the organisation screen beyond the tree (docs/partner-console.md, "Organisations"):
// the full record with branding and version, create and edit, and the users of one organisation.
// Query keys start with `organizations` or `users`, so a whole resource is invalidated at once.

export const USERS_PAGE_SIZE = 25;

/** GET /organizations/{id} in full: the tree's shape plus branding and the version for If-Match. */
export interface OrganizationRecord extends Organization {
  branding: Branding;
  version: number;
  updatedAt: string;
}

export interface CreateOrganizationBody {
  parentId: string;
  kind: 'reseller' | 'customer';
  name: string;
  country: string;
  currency: string;
  timeZone: string;
  locale: Locale;
  tenantId?: string | null;
  domains?: string[];
  branding?: Branding;
}

export type UpdateOrganizationBody = Partial<Omit<CreateOrganizationBody, 'parentId' | 'kind'>>;

export const organizationRecordQuery = (id: string) =>
  queryOptions({
    queryKey: ['organizations', 'record', id],
    queryFn: ({ signal }) =>
      apiGet<OrganizationRecord>(`/api/v1/organizations/${encodeURIComponent(id)}`, signal),
  });

export const createOrganization = (body: CreateOrganizationBody) =>
  api<OrganizationRecord>('POST', '/api/v1/organizations', body);

/** Conditional on the version the form was opened with: a concurrent edit answers 412. */
export const updateOrganization = (id: string, version: number, body: UpdateOrganizationBody) =>
  api<OrganizationRecord>('PATCH', `/api/v1/organizations/${encodeURIComponent(id)}`, body, undefined, {
    'If-Match': `"${version}"`,
  });

export interface Membership {
  organizationId: string;
  organizationName: string;
  role: Role;
}

export interface OrgUser {
  id: string;
  email: string;
  name: string;
  locale: Locale;
  disabled: boolean;
  createdAt: string;
  memberships: Membership[];
}

export interface CreateUserBody {
  email: string;
  name: string;
  organizationId: string;
  role: Role;
  locale?: Locale;
}

export const organizationUsersQuery = (organizationId: string, q = '') =>
  infiniteQueryOptions({
    queryKey: ['users', 'list', { organizationId, q }],
    queryFn: ({ pageParam, signal }) =>
      apiGet<Page<OrgUser>>(
        withQuery('/api/v1/users', { limit: USERS_PAGE_SIZE, cursor: pageParam, organizationId, q }),
        signal,
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: keepPreviousData,
  });

export const createUser = (body: CreateUserBody) =>
  api<{ user: OrgUser; temporaryPassword: string | null }>('POST', '/api/v1/users', body);

const membershipPath = (userId: string, organizationId: string) =>
  `/api/v1/users/${encodeURIComponent(userId)}/memberships/${encodeURIComponent(organizationId)}`;

export const setUserRole = (userId: string, organizationId: string, role: Role) =>
  api<OrgUser>('PUT', membershipPath(userId, organizationId), { role });

export const removeMembership = (userId: string, organizationId: string) =>
  api<void>('DELETE', membershipPath(userId, organizationId));
