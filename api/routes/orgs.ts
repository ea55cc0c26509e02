/** 组织机构树: one level at a time, inside the user's data scope. */
import { orgChildren, orgPathOf, orgScopeRoots } from '../../db/queries/accounts';
import { assertInScope } from '../../db/scope';
import { errors } from '../errors';
import { defineRoutes } from '../http';
import { idFilter } from './paging';

export const orgRoutes = defineRoutes([
  {
    method: 'get',
    path: '/orgs/tree',
    permission: 'org.read',
    query: { type: 'object', additionalProperties: false, properties: { parentId: idFilter('上级机构') } },
    summary: '机构树的一层：parentId 的下级；不传时为本人管辖范围的根节点',
    async handler({ services, actor, query }) {
      if (!query.parentId) return orgScopeRoots(services.db, actor);
      const parentId = Number(query.parentId);
      const path = await orgPathOf(services.db, parentId);
      if (!path) throw errors.notFound('机构');
      assertInScope(actor, path, 'read');
      return orgChildren(services.db, actor, parentId);
    },
  },
]);
