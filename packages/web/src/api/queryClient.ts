import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { isApiError } from './client';
import { meQuery } from './queries';

/**
 * Any 401 means the session is gone (expired, revoked, signed out in another tab). Marking "me" as
 * signed out is enough: the route guard sees it and sends the user to the login page.
 */
export function createQueryClient(): QueryClient {
  const onError = (error: unknown) => {
    if (isApiError(error) && error.status === 401) signedOut(client);
  };
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({ onError }),
    mutationCache: new MutationCache({ onError }),
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        // Client errors will not go away by asking again; only transient failures are retried.
        retry: (failureCount, error) =>
          failureCount < 2 && !(isApiError(error) && error.status >= 400 && error.status < 500),
      },
    },
  });
  return client;
}

export function signedOut(client: QueryClient): void {
  client.setQueryData(meQuery.queryKey, null);
  // Data of the previous session must not leak into the next one (another user may sign in).
  client.removeQueries({ predicate: (query) => query.queryKey[0] !== meQuery.queryKey[0] });
}
