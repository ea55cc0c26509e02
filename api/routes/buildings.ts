/** 楼栋 (G-1) over HTTP: scoped list, detail and the building grid (楼盘表). */
import {
  BUILDING_SORTS,
  type BuildingListParams,
  getBuilding,
  getBuildingFloorPlan,
  listBuildings,
} from '../../db/queries/elements/buildings';
import { errors } from '../errors';
import { defineRoutes } from '../http';
import { narrowPath, pageParams } from './elements-common';
import { idFilter, idParam, listQuery, listResponse, parsePaging, textFilter } from './paging';

export const buildingRoutes = defineRoutes([
  {
    method: 'get',
    path: '/buildings',
    permission: 'element.read',
    personal: true, // 楼栋长 names
    query: listQuery({
      q: textFilter('名称或地址'),
      orgId: idFilter('机构'),
      type: textFilter('楼栋类型', 16),
      tagIds: { type: 'string', title: '标签', pattern: '^[1-9][0-9]{0,8}(,[1-9][0-9]{0,8}){0,19}$' },
      tagMode: { type: 'string', title: '标签匹配方式', enum: ['all', 'any'] },
    }),
    summary: '楼栋列表（本人管辖范围）',
    async handler({ services, actor, query }) {
      const p = parsePaging(query, Object.keys(BUILDING_SORTS));
      const r = await listBuildings(services.db, actor, {
        ...pageParams(p),
        sort: p.sort?.field as BuildingListParams['sort'],
        orgPath: await narrowPath(services.db, query.orgId),
        q: query.q || undefined,
        type: query.type || undefined,
        tagIds: query.tagIds ? [...new Set(String(query.tagIds).split(',').map(Number))] : undefined,
        tagMode: query.tagMode === 'any' ? 'any' : 'all',
      });
      return listResponse(r.rows, r.total, p);
    },
  },
  {
    method: 'get',
    path: '/buildings/:id',
    permission: 'element.read',
    personal: true,
    summary: '楼栋详情',
    async handler({ services, actor, params }) {
      const b = await getBuilding(services.db, actor, idParam(params));
      if (!b) throw errors.notFound('楼栋');
      return b;
    },
  },
  {
    method: 'get',
    path: '/buildings/:id/floor-plan',
    permission: 'element.read',
    personal: true,
    summary: '楼盘表：单元 → 楼层 → 房间 → 户（户主、人数）及户、居民所带标签',
    async handler({ services, actor, params }) {
      const plan = await getBuildingFloorPlan(services.db, actor, idParam(params));
      if (!plan) throw errors.notFound('楼栋');
      return {
        building: plan.building,
        tags: plan.tags,
        units: plan.units.map((u) => ({
          unit: u.unitNo,
          floors: u.floors.map((f) => ({
            floor: f.floor,
            rooms: f.houses.map((h) => ({
              houseId: h.id,
              room: h.roomNo,
              status: h.status,
              type: h.type,
              area: h.area,
              use: h.use,
              residentCount: h.residentCount,
              tagIds: h.tagIds,
              households: h.households.map((hh) => ({
                id: hh.id,
                householdNo: hh.householdNo,
                headName: hh.headName,
                memberCount: hh.memberCount,
                tagIds: hh.tagIds,
              })),
            })),
          })),
        })),
      };
    },
  },
]);
