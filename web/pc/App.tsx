/** Chooses the page: login and password change stand alone; everything else needs a session. */
import { Result, Spin } from 'antd';
import { Suspense, useEffect } from 'react';
import { Link, matchPath, navigate, useLocation } from '../shared/router';
import BasicLayout from './layout/BasicLayout';
import { OrgFilterProvider } from './layout/org-filter';
import LoginPage from './pages/login';
import PasswordPage from './pages/password';
import { routes } from './routes';
import { useSession } from './session';

export default function App() {
  const { me, loading } = useSession();
  const { pathname, search } = useLocation();

  const next = search.get('next');
  // Only same-site paths: `next` comes from the address bar.
  const homeTarget = next?.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : '/residents';
  const isLogin = pathname === '/login';
  const target =
    !loading && !me && !isLogin
      ? `/login${pathname === '/' ? '' : `?next=${encodeURIComponent(pathname + window.location.search)}`}`
      : null;
  const forcePassword = !!me?.mustChangePassword && pathname !== '/password';
  const home = !!me && (pathname === '/' || isLogin) && !me.mustChangePassword;

  useEffect(() => {
    if (target) navigate(target, { replace: true });
    else if (forcePassword) navigate('/password', { replace: true });
    else if (home) navigate(homeTarget, { replace: true });
  }, [target, forcePassword, home, homeTarget]);

  if (loading) return <Spin size="large" fullscreen description="正在加载…" />;
  // Once logged in, the effect above leaves the login page (to `next`, or the password change).
  if (isLogin) return me ? null : <LoginPage />;
  if (!me) return null;
  if (pathname === '/password') return <PasswordPage />;

  for (const r of routes) {
    const params = matchPath(r.path, pathname);
    if (params)
      return (
        <BasicLayout withOrgTree={r.withOrgTree}>
          <Suspense fallback={<Spin style={{ display: 'block', margin: '80px auto' }} />}>{r.render(params)}</Suspense>
        </BasicLayout>
      );
  }
  return (
    <BasicLayout withOrgTree={false}>
      <Result
        status="404"
        title="页面不存在"
        subTitle="您访问的页面不存在，请从左侧菜单进入。"
        extra={<Link to="/residents">返回首页</Link>}
      />
    </BasicLayout>
  );
}

export function Root() {
  return (
    <OrgFilterProvider>
      <App />
    </OrgFilterProvider>
  );
}
