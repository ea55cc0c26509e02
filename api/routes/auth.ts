/** 登录与会话: login, logout, the current user, password change (N-5). */
import { appendAudit } from '../../db/audit';
import { deleteSession, loadSessionActor, userProfile } from '../../db/queries/accounts';
import { changePasswordForm, loginForm } from '../../forms/auth';
import { changePassword, login } from '../auth/accounts';
import { now } from '../auth/clock';
import { clearSessionCookie, hashToken, sessionTokenOf, setSessionCookie } from '../auth/session';
import { errors } from '../errors';
import { defineRoutes } from '../http';

function meView(p: NonNullable<Awaited<ReturnType<typeof userProfile>>>) {
  return {
    id: p.id,
    username: p.username,
    displayName: p.displayName,
    org: p.org,
    roles: p.roles,
    permissions: p.permissions,
    mustChangePassword: p.mustChangePassword,
  };
}

export const authRoutes = defineRoutes([
  {
    method: 'post',
    path: '/auth/login',
    permission: 'public',
    personal: true,
    body: loginForm.schema,
    summary: '用户名密码登录，成功后设置会话 Cookie（sid）',
    async handler({ req, res, services, body }) {
      const { username, password } = body as { username: string; password: string };
      const r = await login(services.db, username, password, { ip: req.ip, userAgent: req.get('user-agent') });
      setSessionCookie(req, res, r.token);
      const profile = await userProfile(services.db, r.userId);
      if (!profile) throw errors.unauthenticated();
      return { user: meView(profile), mustChangePassword: r.mustChangePassword };
    },
  },
  {
    // Public so a user whose session already expired can still clear the cookie.
    method: 'post',
    path: '/auth/logout',
    permission: 'public',
    summary: '退出登录：删除会话',
    async handler({ req, res, services }) {
      const token = sessionTokenOf(req);
      if (token) {
        const idHash = hashToken(token);
        const s = await loadSessionActor(services.db, idHash);
        if (s) {
          await deleteSession(services.db, idHash);
          await appendAudit(
            services.db,
            {
              userId: s.user_id,
              username: s.username,
              orgPath: s.org_path,
              ip: req.ip,
              action: 'logout',
              objectType: 'user',
              objectId: s.user_id,
            },
            now(),
          );
        }
      }
      clearSessionCookie(req, res);
      return undefined;
    },
  },
  {
    method: 'get',
    path: '/auth/me',
    permission: 'authenticated',
    personal: true,
    summary: '当前用户：机构、角色、权限、是否须修改密码',
    async handler({ services, actor }) {
      const p = await userProfile(services.db, actor.userId);
      if (!p) throw errors.unauthenticated();
      return meView(p);
    },
  },
  {
    method: 'post',
    path: '/auth/password',
    permission: 'authenticated',
    body: changePasswordForm.schema,
    summary: '修改本人密码（复杂度：至少 8 位，含大写、小写、数字、符号中的 3 类，不含用户名）',
    async handler({ req, services, actor, body }) {
      const { oldPassword, newPassword } = body as { oldPassword: string; newPassword: string };
      const token = sessionTokenOf(req);
      await changePassword(services.db, actor, oldPassword, newPassword, token ? hashToken(token) : undefined, req.ip);
      return { ok: true };
    },
  },
]);
