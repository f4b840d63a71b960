import { createBrowserRouter, Navigate, type RouteObject } from 'react-router-dom';
import { RequireSession, useSession } from './auth/session';
import { AppLayout } from './components/AppLayout';
import { canAccess } from './navigation';
import LoginPage from './pages/LoginPage';
import { CrashPage, ForbiddenPage, NotFoundPage } from './pages/StatusPages';
import { type Screen, screens } from './screens';

/** Where "/" leads: the first screen this user may open, in navigation order. */
function Home() {
  const me = useSession();
  const first = screens.find((screen) => canAccess(screen, me));
  return <Navigate to={first?.path ?? '/profile'} replace />;
}

function Guarded({ screen }: { screen: Screen }) {
  const me = useSession();
  const Page = screen.component;
  return canAccess(screen, me) ? <Page /> : <ForbiddenPage />;
}

export const routes: RouteObject[] = [
  { path: '/login', element: <LoginPage />, errorElement: <CrashPage /> },
  {
    path: '/',
    element: (
      <RequireSession>
        <AppLayout />
      </RequireSession>
    ),
    errorElement: <CrashPage />,
    children: [
      { index: true, element: <Home /> },
      ...screens.map((screen) => ({
        path: screen.route ?? screen.path,
        element: <Guarded screen={screen} />,
      })),
      { path: '*', element: <NotFoundPage /> },
    ],
  },
];

export const createRouter = () => createBrowserRouter(routes);
