/** 我的: who is logged in, and logout. */
import { Button, List } from 'antd-mobile';
import { logout } from '../../../shared/auth';
import { navigate } from '../../../shared/router';
import type { useMobileSession } from '../../session';

export default function MePage({ session }: { session: ReturnType<typeof useMobileSession> }) {
  const me = session.me;
  const onLogout = async () => {
    try {
      await logout();
    } catch {
      // An already-expired session is logged out anyway.
    }
    session.setMe(null);
    session.setNotice('您已安全退出');
    navigate('/m/login', { replace: true });
  };
  return (
    <div>
      <div className="m-page-head">
        <h2>我的</h2>
      </div>
      <List className="m-card">
        <List.Item extra={me?.displayName}>姓名</List.Item>
        <List.Item extra={me?.username}>账号</List.Item>
        <List.Item extra={me?.org.name}>所属组织</List.Item>
        <List.Item extra={me?.roles.map((r) => r.name).join('、') || '—'}>角色</List.Item>
      </List>
      <List className="m-card">
        <List.Item clickable onClick={() => navigate('/m/password')}>
          修改密码
        </List.Item>
      </List>
      <div style={{ padding: '24px 12px' }}>
        <Button block color="danger" fill="outline" onClick={onLogout}>
          退出登录
        </Button>
      </div>
    </div>
  );
}
