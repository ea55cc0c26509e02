/** 居民户 (G-2) over HTTP: scoped list and detail with members, house and building. */
import { getHousehold, HOUSEHOLD_SORTS, type HouseholdListParams, listHouseholds } from '../../db/queries/elements/households';
import { errors } from '../errors';
import { defineRoutes } from '../http';
import { tagFilterOf, tagFilterQuery } from './elements';
import { narrowPath, pageParams } from './elements-common';
import { idFilter, idParam, listQuery, listResponse, parsePaging, textFilter } from './paging';

export const householdRoutes = defineRoutes([
  {
    method: 'get',
    path: '/households',
    permission: 'element.read',
    personal: true,
    query: listQuery({
      q: textFilter('户编号', 40),
      orgId: idFilter('机构'),
      buildingId: idFilter('楼栋'),
      houseId: idFilter('房屋'),
      ...tagFilterQuery,
    }),
    summary: '居民户列表（本人管辖范围；q 为户编号前缀；tagIds 按标签筛选，tagMode all 全部/any 任一；每行带 tags [{id,name,color}]）',
    async handler({ services, actor, query }) {
      const p = parsePaging(query, Object.keys(HOUSEHOLD_SORTS));
      const r = await listHouseholds(services.db, actor, {
        ...pageParams(p),
        sort: p.sort?.field as HouseholdListParams['sort'],
        orgPath: await narrowPath(services.db, query.orgId),
        householdNo: query.q || undefined,
        buildingId: query.buildingId ? Number(query.buildingId) : undefined,
        houseId: query.houseId ? Number(query.houseId) : undefined,
        ...tagFilterOf(query),
      });
      return listResponse(r.rows, r.total, p);
    },
  },
  {
    method: 'get',
    path: '/households/:id',
    permission: 'element.read',
    personal: true,
    summary: '居民户详情（成员、房屋、楼栋、网格、包户网格员）',
    async handler({ services, actor, params }) {
      const h = await getHousehold(services.db, actor, idParam(params));
      if (!h) throw errors.notFound('居民户');
      return h;
    },
  },
]);
