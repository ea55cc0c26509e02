/** Mobile shell: login, then the work list and "我的" behind a bottom tab bar. */
import { SpinLoading, TabBar } from 'antd-mobile';
import { AppOutline, ExclamationTriangleOutline, MessageOutline, UnorderedListOutline, UserOutline } from 'antd-mobile-icons';
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
// 问题中心 (M-4) and the resident pages (I-6).
const IssueCentrePage = lazy(() => import('./pages/issues'));
const IssueReportPage = lazy(() => import('./pages/issues/report'));
const IssueDetailMobile = lazy(() => import('./pages/issues/detail'));
const ResidentHomePage = lazy(() => import('./pages/resident'));
const ResidentSubmitPage = lazy(() => import('./pages/resident/submit'));
const ResidentIssuePage = lazy(() => import('./pages/resident/detail'));

const tabs = [
  { key: '/m/', title: '工作清单', icon: <AppOutline /> },
  { key: '/m/tasks', title: '待办', icon: <UnorderedListOutline /> },
  { key: '/m/issues', title: '问题', icon: <ExclamationTriangleOutline /> },
  { key: '/m/me', title: '我的', icon: <UserOutline /> },
];
/** A resident (I-6) sees only their own requests. */
const residentTabs = [
  { key: '/m/r', title: '我的诉求', icon: <MessageOutline /> },
  { key: '/m/me', title: '我的', icon: <UserOutline /> },
];
const isResident = (permissions: string[]) => permissions.includes('resident.self') && !permissions.includes('task.read');

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
    else if (me && onLogin) navigate(isResident(me.permissions) ? '/m/r' : '/m/', { replace: true });
    else if (me && pathname === '/m/' && isResident(me.permissions)) navigate('/m/r', { replace: true });
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
  const issueNo = pathname.match(/^\/m\/(?:issues|r)\/([A-Z0-9]+)$/)?.[1];
  const resident = isResident(me.permissions);
  const shownTabs = resident ? residentTabs : tabs.filter((t) => t.key !== '/m/issues' || me.permissions.includes('issue.read'));
  const active = pathname.startsWith('/m/me')
    ? '/m/me'
    : pathname.startsWith('/m/tasks')
      ? '/m/tasks'
      : pathname.startsWith('/m/issues')
        ? '/m/issues'
        : pathname.startsWith('/m/r')
          ? '/m/r'
          : '/m/';
  const body = resident ? (
    active === '/m/me' ? (
      <MePage session={session} />
    ) : pathname === '/m/r/new' ? (
      <ResidentSubmitPage me={me} />
    ) : issueNo ? (
      <ResidentIssuePage key={issueNo} issueNo={issueNo} />
    ) : (
      <ResidentHomePage />
    )
  ) : active === '/m/issues' ? (
    pathname === '/m/issues/new' ? (
      <IssueReportPage me={me} />
    ) : issueNo ? (
      <IssueDetailMobile key={issueNo} issueNo={issueNo} />
    ) : (
      <IssueCentrePage canReport={me.permissions.includes('issue.report')} />
    )
  ) : taskId ? (
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
        {shownTabs.map((t) => (
          <TabBar.Item key={t.key} icon={t.icon} title={t.title} />
        ))}
      </TabBar>
    </div>
  );
}
