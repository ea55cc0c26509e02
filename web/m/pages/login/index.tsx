/** 移动端登录: same accounts and rules as the back office (lockout, timeout). */
import { Button, Form, Input } from 'antd-mobile';
import { useState } from 'react';
import { login } from '../../../shared/auth';
import type { useMobileSession } from '../../session';

interface Values {
  username: string;
  password: string;
}

export default function LoginPage({ session }: { session: ReturnType<typeof useMobileSession> }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const onFinish = async (v: Values) => {
    setBusy(true);
    setError(null);
    try {
      await login(v.username.trim(), v.password);
      // The shell routes on: to the work list, or to the forced password change.
      await session.reload();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="m-login">
      <div className="m-login-brand">
        <div className="m-login-logo">表</div>
        <h1>一张表 · 网格员工作台</h1>
        <p>克拉玛依市基层治理数字化平台</p>
      </div>
      {error ? (
        <div className="m-error" role="alert" data-testid="m-login-error">
          {error}
        </div>
      ) : session.notice ? (
        <div className="m-notice">{session.notice}</div>
      ) : null}
      <Form
        layout="horizontal"
        requiredMarkStyle="none"
        onFinish={onFinish}
        footer={
          <Button block type="submit" color="primary" size="large" loading={busy}>
            登录
          </Button>
        }
      >
        <Form.Item name="username" label="用户名" rules={[{ required: true, message: '请输入用户名' }]}>
          <Input placeholder="请输入用户名" autoComplete="username" clearable />
        </Form.Item>
        <Form.Item name="password" label="密码" rules={[{ required: true, message: '请输入密码' }]}>
          <Input placeholder="请输入密码" type="password" autoComplete="current-password" clearable />
        </Form.Item>
      </Form>
      <p className="m-hint">连续输错 5 次将锁定 15 分钟；30 分钟无操作自动退出</p>
    </div>
  );
}
