/** Mobile shell: login, then the work list and "我的" behind a bottom tab bar. */
import { SpinLoading, TabBar } from 'antd-mobile';
import { AppOutline, UnorderedListOutline, UserOutline } from 'antd-mobile-icons';
import { lazy, Suspense, useEffect, useState } from 'react';
import { navigate, useLocation } from '../shared/router';
import LoginPage from './pages/login';
import MePage from './pages/me';
import PasswordPage from './pages/password';
import WorkPage from './pages/work';
import { useMobileSession } from './session';

// Task pages render rjsf forms (with antd): loaded on demand so login and the work list stay light.
const TasksPage = lazy(() => import('./pages/tasks'));
const TaskDetailPage = lazy(() => import('./pages/tasks/detail'));

const tabs = [
  { key: '/m/', title: '工作清单', icon: <AppOutline /> },
  { key: '/m/tasks', title: '待办', icon: <UnorderedListOutline /> },
  { key: '/m/me', title: '我的', icon: <UserOutline /> },
];

export default function App() {
  const session = useMobileSession();
  const { me, loading } = session;
  const { pathname } = useLocation();
  const onLogin = pathname === '/m/login';
  /** Bumped after a task changes, so the inbox reloads without a page reload. */
  const [taskVersion, setTaskVersion] = useState(0);

  useEffect(() => {
    if (loading) return;
    if (!me && !onLogin) navigate('/m/login', { replace: true });
    if (me?.mustChangePassword && pathname !== '/m/password') navigate('/m/password', { replace: true });
    else if (me && onLogin) navigate('/m/', { replace: true });
  }, [loading, me, onLogin, pathname]);

  if (loading)
    return (
      <div style={{ display: 'flex', justifyContent: 'center', paddingTop: '40vh' }}>
        <SpinLoading color="primary" />
      </div>
    );
  if (!me) return onLogin ? <LoginPage session={session} /> : null;
  if (pathname === '/m/password') return <PasswordPage session={session} />;

  const taskId = pathname.match(/^\/m\/tasks\/(\d+)/)?.[1];
  const active = pathname.startsWith('/m/me') ? '/m/me' : pathname.startsWith('/m/tasks') ? '/m/tasks' : '/m/';
  const body = taskId ? (
    <TaskDetailPage key={taskId} id={taskId} me={me} onChanged={() => setTaskVersion((v) => v + 1)} />
  ) : active === '/m/tasks' ? (
    <TasksPage me={me} version={taskVersion} />
  ) : active === '/m/me' ? (
    <MePage session={session} />
  ) : (
    <WorkPage me={me} />
  );
  return (
    <div className="m-app">
      <div className="m-body">
        <Suspense
          fallback={
            <div style={{ display: 'flex', justifyContent: 'center', paddingTop: '30vh' }}>
              <SpinLoading color="primary" />
            </div>
          }
        >
          {body}
        </Suspense>
      </div>
      <TabBar className="m-tabbar" activeKey={active} onChange={(k) => navigate(k)}>
        {tabs.map((t) => (
          <TabBar.Item key={t.key} icon={t.icon} title={t.title} />
        ))}
      </TabBar>
    </div>
  );
}
