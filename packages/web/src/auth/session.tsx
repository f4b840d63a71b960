import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext, useEffect } from 'react';
import { Navigate, useLocation } from 'react-router-dom';
import { logout, updateMe } from '../api/endpoints';
import { meQuery } from '../api/queries';
import { signedOut } from '../api/queryClient';
import type { Locale, Me } from '../api/types';
import { FullPageError, FullPageLoader } from '../components/FullPage';
import { currentLocale, setLocale } from '../i18n';

const SessionContext = createContext<Me | null>(null);

/** The signed-in session. Only usable below <RequireSession>, where it is never null. */
export function useSession(): Me {
  const me = useContext(SessionContext);
  if (!me) throw new Error('useSession() used outside <RequireSession>');
  return me;
}

export interface LoginRedirectState {
  from?: string;
}

export function RequireSession({ children }: { children: ReactNode }) {
  const location = useLocation();
  const { data: me, error, isPending, refetch } = useQuery(meQuery);

  useAdoptUserLocale(me ?? null);

  if (isPending) return <FullPageLoader />;
  if (error) return <FullPageError error={error} onRetry={() => void refetch()} />;
  if (!me) {
    const state: LoginRedirectState = { from: location.pathname + location.search };
    return <Navigate to="/login" replace state={state} />;
  }
  return <SessionContext.Provider value={me}>{children}</SessionContext.Provider>;
}

/**
 * The language saved on the user's profile follows them across browsers, so it wins when a session
 * starts (the login page already saved any choice made there to the profile).
 */
function useAdoptUserLocale(me: Me | null) {
  const userId = me?.user.id;
  const locale = me?.user.locale;
  useEffect(() => {
    if (userId && locale && locale !== currentLocale()) void setLocale(locale);
  }, [userId, locale]);
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: logout,
    // Even if the server call fails, the user asked to leave: forget the session locally.
    onSettled: () => signedOut(queryClient),
  });
}

export function useChangeLocale() {
  const queryClient = useQueryClient();
  const mutation = useMutation({
    mutationFn: (locale: Locale) => updateMe({ locale }),
    onSuccess: (me) => queryClient.setQueryData(meQuery.queryKey, me),
  });
  return {
    ...mutation,
    change: (locale: Locale) => {
      // The UI switches at once; saving to the profile happens in the background.
      void setLocale(locale);
      queryClient.setQueryData(meQuery.queryKey, (me) => (me ? { ...me, user: { ...me.user, locale } } : me));
      mutation.mutate(locale);
    },
  };
}
