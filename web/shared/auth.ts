/** The session API shared by the PC back office and the mobile H5. */
import { http, request } from './http';

export interface OrgRef {
  id: number | string;
  name: string;
  path: string;
  type: string;
}

export interface RoleRef {
  code: string;
  name: string;
}

export interface Me {
  id: number | string;
  username: string;
  displayName: string;
  org: OrgRef;
  roles: RoleRef[];
  permissions: string[];
  mustChangePassword: boolean;
}

export interface LoginResult {
  user: Partial<Me>;
  mustChangePassword: boolean;
}

/** quiet: the login form shows lockout and wrong-password messages itself. */
export const login = (username: string, password: string) => http.post<LoginResult>('/auth/login', { username, password }, { quiet: true });

export const logout = () => http.post<void>('/auth/logout', undefined, { quiet: true });

/** quiet: "not logged in" on start-up is not an expired session. */
export const fetchMe = () => request<Me>('GET', '/auth/me', { quiet: true });

export const changePassword = (oldPassword: string, newPassword: string) =>
  http.post<void>('/auth/password', { oldPassword, newPassword }, { quiet: true });

/** The complexity rules of N-5, shown beside the form and checked before sending. */
export const passwordRules = ['8 到 128 位', '包含大写字母、小写字母、数字、符号中的至少 3 类', '不能包含用户名', '不能与原密码相同'];

/** The same rules as the server (the server stays the authority); returns the first broken rule. */
export function checkPassword(pw: string, username: string, oldPassword?: string): string | null {
  if (pw.length < 8) return '密码至少 8 位';
  if (pw.length > 128) return '密码不能超过 128 位';
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) => r.test(pw)).length;
  if (classes < 3) return '密码需包含大写字母、小写字母、数字、符号中的至少 3 类';
  if (username && pw.toLowerCase().includes(username.toLowerCase())) return '密码不能包含用户名';
  if (oldPassword && pw === oldPassword) return '新密码不能与原密码相同';
  return null;
}
