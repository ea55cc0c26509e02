/** 登录: password login; shows lockout (423) and session-timeout messages from the server. */
import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { login } from '../../../shared/auth';
import { ApiRequestError } from '../../../shared/http';
import { useSession } from '../../session';
import './login.css';

interface Values {
  username: string;
  password: string;
}

export default function LoginPage() {
  const { reload, notice } = useSession();
  const [error, setError] = useState<{ text: string; locked: boolean } | null>(null);
  const [busy, setBusy] = useState(false);

  const onFinish = async (v: Values) => {
    setBusy(true);
    setError(null);
    try {
      await login(v.username.trim(), v.password);
      // The session now knows the user; App then routes to `next` or to the password change.
      await reload();
    } catch (e) {
      const locked = e instanceof ApiRequestError && e.code === 'ACCOUNT_LOCKED';
      setError({ text: (e as Error).message, locked });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="login-page">
      <div className="login-card">
        <div className="login-brand">
          <div className="login-logo" aria-hidden>
            表
          </div>
          <div>
            <Typography.Title level={3} style={{ margin: 0 }}>
              一张表数字化治理平台
            </Typography.Title>
            <Typography.Text type="secondary">克拉玛依市基层治理 · 网格化管理后台</Typography.Text>
          </div>
        </div>
        {error ? (
          <Alert
            type={error.locked ? 'warning' : 'error'}
            showIcon
            title={error.locked ? '账号已锁定' : '登录失败'}
            description={error.text}
            style={{ marginBottom: 20 }}
            data-testid="login-error"
          />
        ) : notice ? (
          <Alert type="info" showIcon title={notice} style={{ marginBottom: 20 }} data-testid="login-notice" />
        ) : null}
        <Form<Values> layout="vertical" size="large" onFinish={onFinish} requiredMark={false} autoComplete="on">
          <Form.Item name="username" label="用户名" rules={[{ required: true, whitespace: true, message: '请输入用户名' }]}>
            <Input prefix={<UserOutlined />} placeholder="请输入用户名" autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item name="password" label="密码" rules={[{ required: true, message: '请输入密码' }]}>
            <Input.Password prefix={<LockOutlined />} placeholder="请输入密码" autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy}>
            登录
          </Button>
        </Form>
        <Typography.Paragraph type="secondary" className="login-foot">
          连续输错密码 5 次账号将锁定 15 分钟；30 分钟无操作将自动退出登录。
        </Typography.Paragraph>
      </div>
    </div>
  );
}
