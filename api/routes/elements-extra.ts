/** Element reads the tag, coverage and map screens need beyond the element module's routes: grid workers for pickers. */
import { listGridWorkers, type WorkerKind } from '../../db/queries/elements/gridWorkers';
import { defineRoutes } from '../http';
import { narrowPath } from './elements-common';
import { idFilter, textFilter } from './paging';

export const elementExtraRoutes = defineRoutes([
  {
    method: 'get',
    path: '/grid-workers',
    permission: 'element.read',
    query: {
      type: 'object',
      additionalProperties: false,
      properties: {
        gridId: idFilter('网格'),
        orgId: idFilter('机构'),
        kind: { type: 'string', enum: ['full_time', 'part_time', 'exclusive'] },
        name: textFilter('姓名'),
        page: { type: 'string', pattern: '^[1-9][0-9]{0,6}$' },
        pageSize: { type: 'string', pattern: '^[1-9][0-9]{0,2}$' },
      },
    },
    summary: '网格员列表（专职、兼职、专属；包户/包联人数）',
    async handler({ services, actor, query }) {
      const r = await listGridWorkers(services.db, actor, {
        gridId: query.gridId ? Number(query.gridId) : undefined,
        orgPath: await narrowPath(services.db, query.orgId),
        kind: query.kind as WorkerKind | undefined,
        name: query.name || undefined,
        status: undefined,
        page: query.page ? Number(query.page) : 1,
        pageSize: query.pageSize ? Math.min(100, Number(query.pageSize)) : 50,
      });
      return { items: r.rows, total: r.total, page: r.page, pageSize: r.pageSize };
    },
  },
]);
