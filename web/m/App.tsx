/** Mobile shell: login, then the work list and "我的" behind a bottom tab bar. */
import { SpinLoading, TabBar } from 'antd-mobile';
import { AppOutline, UserOutline } from 'antd-mobile-icons';
import { useEffect } from 'react';
import { navigate, useLocation } from '../shared/router';
import LoginPage from './pages/login';
import MePage from './pages/me';
import WorkPage from './pages/work';
import { useMobileSession } from './session';

const tabs = [
  { key: '/m/', title: '工作清单', icon: <AppOutline /> },
  { key: '/m/me', title: '我的', icon: <UserOutline /> },
];

export default function App() {
  const session = useMobileSession();
  const { me, loading } = session;
  const { pathname } = useLocation();
  const onLogin = pathname === '/m/login';

  useEffect(() => {
    if (loading) return;
    if (!me && !onLogin) navigate('/m/login', { replace: true });
    if (me && onLogin) navigate('/m/', { replace: true });
  }, [loading, me, onLogin]);

  if (loading)
    return (
      <div style={{ display: 'flex', justifyContent: 'center', paddingTop: '40vh' }}>
        <SpinLoading color="primary" />
      </div>
    );
  if (!me) return onLogin ? <LoginPage session={session} /> : null;

  const active = pathname.startsWith('/m/me') ? '/m/me' : '/m/';
  return (
    <div className="m-app">
      <div className="m-body">{active === '/m/me' ? <MePage session={session} /> : <WorkPage me={me} />}</div>
      <TabBar className="m-tabbar" activeKey={active} onChange={(k) => navigate(k)}>
        {tabs.map((t) => (
          <TabBar.Item key={t.key} icon={t.icon} title={t.title} />
        ))}
      </TabBar>
    </div>
  );
}
