import { Flex, Spin } from 'antd';
import type { ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import AppLayout from './AppLayout';
import { useAuth } from './auth';
import ChangePasswordPage from './ChangePasswordPage';
import LoginPage from './LoginPage';
import { NAVIGATION, type NavArea, type NavPage } from './navigation';
import NotAvailable from './NotAvailable';
import { Forbidden, NotFound } from './StatusPages';

function FullPageSpin() {
  return (
    <Flex align="center" justify="center" style={{ minHeight: '100vh' }}>
      <Spin size="large" />
    </Flex>
  );
}

/** The console proper: only for a usable session; otherwise to sign-in or the forced password change. */
function RequireSession({ children }: { children: ReactNode }) {
  const { state } = useAuth();
  const location = useLocation();
  if (state.status === 'loading') return <FullPageSpin />;
  const next = location.pathname + location.search;
  const withNext = (path: string) => (next === '/' ? path : `${path}?next=${encodeURIComponent(next)}`);
  if (state.status === 'anonymous') return <Navigate to={withNext('/login')} replace />;
  if (state.status === 'password-change') return <Navigate to={withNext('/change-password')} replace />;
  return children;
}

function Guarded({ area, page }: { area: NavArea; page: NavPage }) {
  const { can } = useAuth();
  if (page.permission && !can(page.permission)) return <Forbidden permission={page.permission} />;
  const Component = page.component;
  return Component ? <Component /> : <NotAvailable area={area.key} page={page.key} />;
}

/** `/engine` and the like open the area's first page the user may see. */
function AreaIndex({ area }: { area: NavArea }) {
  const { can } = useAuth();
  const first = area.pages?.find((p) => can(p.permission));
  return first ? <Navigate to={first.path} replace /> : <NotFound />;
}

export default function AppRoutes() {
  const { state } = useAuth();
  if (state.status === 'loading') return <FullPageSpin />;
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route path="/change-password" element={<ChangePasswordPage />} />
      <Route
        element={
          <RequireSession>
            <AppLayout />
          </RequireSession>
        }
      >
        <Route index element={<Navigate to="/overview" replace />} />
        {NAVIGATION.flatMap((area) => {
          if (!area.pages) {
            const Component = area.component;
            return [
              <Route
                key={area.path}
                path={`${area.path}/*`}
                element={Component ? <Component /> : <NotAvailable area={area.key} />}
              />,
            ];
          }
          return [
            <Route key={area.path} path={area.path} element={<AreaIndex area={area} />} />,
            ...area.pages.map((page) => (
              <Route
                key={page.path}
                path={page.nested ? `${page.path}/*` : page.path}
                element={<Guarded area={area} page={page} />}
              />
            )),
          ];
        })}
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}
