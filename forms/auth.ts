/** Bodies of the account endpoints (login, password change, user administration). */
import { registerForm } from './index';

export const loginForm = registerForm({
  key: 'auth.login',
  title: '登录',
  schema: {
    type: 'object',
    required: ['username', 'password'],
    additionalProperties: false,
    properties: {
      username: { type: 'string', title: '用户名', minLength: 1, maxLength: 50 },
      password: { type: 'string', title: '密码', minLength: 1, maxLength: 128 },
    },
  },
  uiSchema: { password: { 'ui:widget': 'password' } },
});

export const changePasswordForm = registerForm({
  key: 'auth.password',
  title: '修改密码',
  schema: {
    type: 'object',
    required: ['oldPassword', 'newPassword'],
    additionalProperties: false,
    properties: {
      oldPassword: { type: 'string', title: '原密码', minLength: 1, maxLength: 128 },
      newPassword: { type: 'string', title: '新密码', minLength: 8, maxLength: 128 },
    },
  },
  uiSchema: { oldPassword: { 'ui:widget': 'password' }, newPassword: { 'ui:widget': 'password' } },
});

const grantsSchema = {
  type: 'array',
  title: '数据授权',
  maxItems: 50,
  items: {
    type: 'object',
    required: ['orgId'],
    additionalProperties: false,
    properties: {
      orgId: { type: 'integer', title: '授权机构', minimum: 1 },
      canWrite: { type: 'boolean', title: '可修改', default: false },
    },
  },
};

export const createUserForm = registerForm({
  key: 'user.create',
  title: '新建用户',
  schema: {
    type: 'object',
    required: ['username', 'displayName', 'orgId', 'roles', 'password'],
    additionalProperties: false,
    properties: {
      username: { type: 'string', title: '用户名', pattern: '^[A-Za-z][A-Za-z0-9_.-]{2,49}$' },
      displayName: { type: 'string', title: '姓名', minLength: 1, maxLength: 50 },
      orgId: { type: 'integer', title: '所属机构', minimum: 1 },
      roles: { type: 'array', title: '角色', minItems: 1, maxItems: 10, uniqueItems: true, items: { type: 'string', maxLength: 32 } },
      password: { type: 'string', title: '初始密码', minLength: 8, maxLength: 128 },
      email: { type: 'string', title: '邮箱', format: 'email', maxLength: 100 },
      grants: grantsSchema,
    },
  },
  uiSchema: { password: { 'ui:widget': 'password' } },
});

export const updateUserForm = registerForm({
  key: 'user.update',
  title: '修改用户',
  schema: {
    type: 'object',
    additionalProperties: false,
    minProperties: 1,
    properties: {
      displayName: { type: 'string', title: '姓名', minLength: 1, maxLength: 50 },
      orgId: { type: 'integer', title: '所属机构', minimum: 1 },
      roles: { type: 'array', title: '角色', minItems: 1, maxItems: 10, uniqueItems: true, items: { type: 'string', maxLength: 32 } },
      active: { type: 'boolean', title: '启用' },
      email: { type: ['string', 'null'], title: '邮箱', format: 'email', maxLength: 100 },
      password: { type: 'string', title: '重置密码', minLength: 8, maxLength: 128 },
      grants: grantsSchema,
    },
  },
  uiSchema: { password: { 'ui:widget': 'password' } },
});
