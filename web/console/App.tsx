/**
 * The console frame: who is logged in (the back office's session), a header, and two pages —
 * the process list (/console/) and one process (/console/workflows/:id).
 */
import { App as AntApp, Button, Layout, Result, Space, Spin, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { fetchMe, logout, type Me } from '../shared/auth';
import { installHttpHandlers } from '../shared/http';
import { useLocation } from '../shared/router';
import DetailPage from './pages/Detail';
import ListPage from './pages/List';

export default function App() {
  const { message } = AntApp.useApp();
  const [me, setMe] = useState<Me | null>(null);
  const [loading, setLoading] = useState(true);
  const { pathname } = useLocation();

  useEffect(() => {
    installHttpHandlers({
      onSession: () => window.location.assign(`/login?next=${encodeURIComponent(window.location.pathname)}`),
      onError: (e) => message.error(e.message),
    });
    fetchMe()
      .then(setMe)
      .catch(() => window.location.assign(`/login?next=${encodeURIComponent(window.location.pathname)}`))
      .finally(() => setLoading(false));
  }, [message]);

  if (loading || !me) return <Spin size="large" fullscreen description="正在加载…" />;
  const canRead = me.permissions.includes('workflow.read');
  const id = pathname.match(/^\/console\/workflows\/(.+)$/)?.[1];

  return (
    <Layout className="wc-shell">
      <Layout.Header className="wc-header">
        <a className="wc-brand" href="/console/">
          <span className="wc-logo">流</span>
          <span>流程监控</span>
        </a>
        <Space size={16}>
          <Typography.Text type="secondary">
            {me.displayName} · {me.org.name}
          </Typography.Text>
          <a href="/">返回管理后台</a>
          <Button size="small" onClick={() => void logout().finally(() => window.location.assign('/login'))}>
            退出
          </Button>
        </Space>
      </Layout.Header>
      <Layout.Content className="wc-content">
        {!canRead ? (
          <Result status="403" title="没有流程监控权限" subTitle="您的角色不包含“流程监控”权限；如工作需要，请联系系统管理员开通。" />
        ) : id ? (
          <DetailPage id={decodeURIComponent(id)} me={me} />
        ) : (
          <ListPage />
        )}
      </Layout.Content>
    </Layout>
  );
}
