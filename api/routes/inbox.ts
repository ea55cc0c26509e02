/** 待办辅助: who a task can be delegated to (转办对象), for the inbox pages on PC and phone. */
import { colleagues } from '../../db/queries/console';
import { defineRoutes, type RouteContext } from '../http';

export const inboxRoutes = defineRoutes([
  {
    method: 'get',
    path: '/inbox/colleagues',
    permission: 'task.handle',
    query: {
      type: 'object',
      additionalProperties: false,
      properties: { q: { type: 'string', title: '姓名', maxLength: 50 } },
    },
    summary: '可转办的人员：我管辖范围内的在岗人员（按姓名搜索）',
    async handler(ctx: RouteContext<unknown, { q?: string }>) {
      return { items: await colleagues(ctx.services.db, ctx.actor, ctx.query.q?.trim() || undefined) };
    },
  },
]);
