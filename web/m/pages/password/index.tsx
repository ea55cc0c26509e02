/** 修改密码 (M-6): forced after the first login, or chosen under 我的. Same rules as the back office. */
import { Button, Form, Input, NavBar } from 'antd-mobile';
import { useState } from 'react';
import { changePassword, checkPassword, passwordRules } from '../../../shared/auth';
import { ApiRequestError, fieldErrors } from '../../../shared/http';
import { navigate } from '../../../shared/router';
import type { useMobileSession } from '../../session';

interface Values {
  oldPassword: string;
  newPassword: string;
  confirm: string;
}

export default function PasswordPage({ session }: { session: ReturnType<typeof useMobileSession> }) {
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const forced = !!session.me?.mustChangePassword;
  const username = session.me?.username ?? '';

  const onFinish = async (v: Values) => {
    setBusy(true);
    setError(null);
    try {
      await changePassword(v.oldPassword, v.newPassword);
      await session.reload();
      navigate('/m/', { replace: true });
    } catch (e) {
      const fe = fieldErrors(e);
      const names = Object.keys(fe) as (keyof Values)[];
      if (names.length) form.setFields(names.map((name) => ({ name, errors: [fe[name]] })));
      if (!names.length || !(e instanceof ApiRequestError) || e.code !== 'VALIDATION_FAILED') setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div data-testid="m-password">
      <NavBar back={forced ? null : '返回'} onBack={() => navigate('/m/me')}>
        修改密码
      </NavBar>
      <div style={{ padding: '8px 12px' }}>
        {forced ? <div className="m-notice">首次登录或密码已过期，请先修改密码</div> : null}
        {error ? (
          <div className="m-error" role="alert">
            {error}
          </div>
        ) : null}
      </div>
      <Form
        form={form}
        onFinish={onFinish}
        requiredMarkStyle="none"
        footer={
          <Button block type="submit" color="primary" size="large" loading={busy}>
            确认修改
          </Button>
        }
      >
        <Form.Item name="oldPassword" label="原密码" rules={[{ required: true, message: '请输入原密码' }]}>
          <Input type="password" autoComplete="current-password" placeholder="请输入原密码" />
        </Form.Item>
        <Form.Item
          name="newPassword"
          label="新密码"
          description={passwordRules.join('，')}
          rules={[
            { required: true, message: '请输入新密码' },
            {
              validator: async (_r, value: string) => {
                const err = value ? checkPassword(value, username, form.getFieldValue('oldPassword')) : null;
                if (err) throw new Error(err);
              },
            },
          ]}
        >
          <Input type="password" autoComplete="new-password" placeholder="请输入新密码" />
        </Form.Item>
        <Form.Item
          name="confirm"
          label="确认新密码"
          dependencies={['newPassword']}
          rules={[
            { required: true, message: '请再次输入新密码' },
            {
              validator: async (_r, value: string) => {
                if (value && value !== form.getFieldValue('newPassword')) throw new Error('两次输入的新密码不一致');
              },
            },
          ]}
        >
          <Input type="password" autoComplete="new-password" placeholder="请再次输入新密码" />
        </Form.Item>
      </Form>
    </div>
  );
}
