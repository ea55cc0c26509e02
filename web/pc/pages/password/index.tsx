/** 修改密码: forced after first login (PASSWORD_CHANGE_REQUIRED) or chosen from the user menu. */
import { CheckCircleOutlined, CloseCircleOutlined } from '@ant-design/icons';
import { Alert, App, Button, Form, Input, Space, Typography } from 'antd';
import { useState } from 'react';
import { changePassword, checkPassword, passwordRules } from '../../../shared/auth';
import { ApiRequestError, fieldErrors } from '../../../shared/http';
import { navigate } from '../../../shared/router';
import { useSession } from '../../session';
import '../login/login.css';

interface Values {
  oldPassword: string;
  newPassword: string;
  confirm: string;
}

function RuleList({ pw, username, old }: { pw: string; username: string; old: string }) {
  const checks = [
    pw.length >= 8 && pw.length <= 128,
    [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) => r.test(pw)).length >= 3,
    pw.length > 0 && !(username && pw.toLowerCase().includes(username.toLowerCase())),
    pw.length > 0 && pw !== old,
  ];
  return (
    <ul className="pw-rules" aria-label="密码规则">
      {passwordRules.map((r, i) => {
        const ok = checks[i];
        return (
          <li key={r}>
            {ok ? <CheckCircleOutlined style={{ color: '#5e9c76' }} /> : <CloseCircleOutlined style={{ color: '#8c96a3' }} />} {r}
          </li>
        );
      })}
    </ul>
  );
}

export default function PasswordPage() {
  const { me, reload, logout, notice } = useSession();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const pw = Form.useWatch('newPassword', form) ?? '';
  const old = Form.useWatch('oldPassword', form) ?? '';
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const forced = me?.mustChangePassword ?? true;
  const username = me?.username ?? '';

  const onFinish = async (v: Values) => {
    setBusy(true);
    setError(null);
    try {
      await changePassword(v.oldPassword, v.newPassword);
      message.success('密码已修改');
      await reload();
      navigate('/residents', { replace: true });
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
    <div className="login-page">
      <div className="login-card" style={{ maxWidth: 460 }}>
        <Typography.Title level={3} style={{ marginTop: 0 }}>
          修改密码
        </Typography.Title>
        {forced ? (
          <Alert type="warning" showIcon title={notice ?? '首次登录或密码已过期，请先修改密码后再使用系统'} style={{ marginBottom: 16 }} />
        ) : null}
        {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} /> : null}
        <Form<Values> form={form} layout="vertical" onFinish={onFinish} requiredMark={false}>
          <Form.Item name="oldPassword" label="原密码" rules={[{ required: true, message: '请输入原密码' }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Form.Item
            name="newPassword"
            label="新密码"
            extra={<RuleList pw={pw} username={username} old={old} />}
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
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Form.Item
            name="confirm"
            label="确认新密码"
            dependencies={['newPassword']}
            rules={[
              { required: true, message: '请再次输入新密码' },
              ({ getFieldValue }) => ({
                validator: async (_r, value: string) => {
                  if (value && value !== getFieldValue('newPassword')) throw new Error('两次输入的新密码不一致');
                },
              }),
            ]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Space style={{ width: '100%', justifyContent: 'flex-end' }}>
            {forced ? <Button onClick={() => void logout()}>退出登录</Button> : <Button onClick={() => window.history.back()}>返回</Button>}
            <Button type="primary" htmlType="submit" loading={busy}>
              确认修改
            </Button>
          </Space>
        </Form>
      </div>
    </div>
  );
}
