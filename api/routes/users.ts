/** 用户管理 (sys_admin: user.manage) and 账号解锁 (sec_admin: security.manage). */
import { allRolesWithPermissions, listUsers, USER_SORT_FIELDS, userProfile, userRef } from '../../db/queries/accounts';
import { assertInScope } from '../../db/scope';
import { createUserForm, updateUserForm } from '../../forms/auth';
import { createUserAccount, type UserInput, unlockUserAccount, updateUserAccount } from '../auth/accounts';
import { errors } from '../errors';
import { defineRoutes } from '../http';
import { idFilter, idParam, listQuery, listResponse, parsePaging, textFilter } from './paging';

export const userRoutes = defineRoutes([
  {
    method: 'get',
    path: '/users',
    permission: 'user.read',
    personal: true,
    query: listQuery({ q: textFilter('关键字'), orgId: idFilter('机构') }),
    summary: '用户列表（本级及下级机构的账号）',
    async handler({ services, actor, query }) {
      const p = parsePaging(query, USER_SORT_FIELDS);
      const r = await listUsers(services.db, actor, { ...p, q: query.q, orgId: query.orgId ? Number(query.orgId) : undefined });
      return listResponse(r.items, r.total, p);
    },
  },
  {
    method: 'get',
    path: '/users/:id',
    permission: 'user.read',
    personal: true,
    summary: '用户详情',
    async handler({ services, actor, params }) {
      const id = idParam(params);
      const ref = await userRef(services.db, id);
      if (!ref) throw errors.notFound('用户');
      assertInScope(actor, ref.org_path, 'read');
      return userProfile(services.db, id);
    },
  },
  {
    method: 'post',
    path: '/users',
    permission: 'user.manage',
    body: createUserForm.schema,
    summary: '新建用户：初始密码，首次登录须修改；三员角色互斥',
    async handler({ req, res, services, actor, body }) {
      const id = await createUserAccount(services.db, actor, body, req.ip);
      res.status(201);
      return userProfile(services.db, id);
    },
  },
  {
    method: 'patch',
    path: '/users/:id',
    permission: 'user.manage',
    body: updateUserForm.schema,
    summary: '修改用户：姓名、机构、角色、授权、启停用、重置密码',
    async handler({ req, services, actor, params, body }) {
      const id = idParam(params);
      await updateUserAccount(services.db, actor, id, body as UserInput, req.ip);
      return userProfile(services.db, id);
    },
  },
  {
    method: 'post',
    path: '/users/:id/unlock',
    permission: 'security.manage',
    summary: '解锁因登录失败被锁定的账号',
    async handler({ req, services, actor, params }) {
      const id = idParam(params);
      await unlockUserAccount(services.db, actor, id, req.ip);
      return userProfile(services.db, id);
    },
  },
  {
    method: 'get',
    path: '/roles',
    permission: 'user.read',
    summary: '角色目录及其权限',
    async handler({ services }) {
      return allRolesWithPermissions(services.db);
    },
  },
]);
