import { infiniteQueryOptions, keepPreviousData, queryOptions } from '@tanstack/react-query';
import {
  type AuditFilter,
  fetchMe,
  getOrganization,
  listAudit,
  listOrganizations,
  type OrganizationFilter,
} from './endpoints';

// Every query key starts with its resource name so a whole resource can be invalidated at once
// (`queryClient.invalidateQueries({ queryKey: ['organizations'] })`).
export const meQuery = queryOptions({
  queryKey: ['me'],
  queryFn: ({ signal }) => fetchMe(signal),
  staleTime: 5 * 60_000,
});

export const organizationQuery = (id: string) =>
  queryOptions({
    queryKey: ['organizations', 'detail', id],
    queryFn: ({ signal }) => getOrganization(id, signal),
  });

export const organizationListQuery = (filter: OrganizationFilter) =>
  infiniteQueryOptions({
    queryKey: ['organizations', 'list', filter],
    queryFn: ({ pageParam, signal }) => listOrganizations(filter, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: keepPreviousData,
  });

export const auditListQuery = (filter: AuditFilter) =>
  infiniteQueryOptions({
    queryKey: ['audit', 'list', filter],
    queryFn: ({ pageParam, signal }) => listAudit(filter, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: keepPreviousData,
  });
