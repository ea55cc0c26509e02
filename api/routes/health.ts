import { defineRoutes } from '../http';

export const healthRoutes = defineRoutes([
  {
    method: 'get',
    path: '/health',
    permission: 'public',
    summary: '健康检查：数据库可用时返回 200',
    async handler({ services }) {
      await services.db.raw('select 1');
      return { status: 'ok', time: new Date().toISOString() };
    },
  },
]);
