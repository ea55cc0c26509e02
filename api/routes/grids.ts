/**
 * 网格划分 over HTTP (D-1..D-3, I-3): map layers and base-map configuration, live validation,
 * save / split / merge with re-assignment, grid info and statistics. A refused save answers
 * 409 (overlap, gap) or 422 (invalid, outside) with the offending areas:
 * `{ error: { code, message, problems: FeatureCollection } }`.
 */
import type { Response } from 'express';
import { assignWorkerToGrid, setGridLeader } from '../../db/queries/forces';
import {
  checkGridGeometries,
  GridGeometryError,
  GridInputError,
  gridStatistics,
  mergeGrids,
  orgLayer,
  pointLayer,
  saveGridGeometries,
  splitGrid,
  updateGridInfo,
} from '../../db/queries/grids';
import { gridGeometryForm, gridInfoForm, gridMergeForm, gridSplitForm } from '../../forms/elements/grid';
import { errors } from '../errors';
import { defineRoutes } from '../http';
import { audited } from './audited';
import { elementCall, narrowPath } from './elements-common';
import { idFilter, idParam } from './paging';

/** Runs a boundary change; geometry refusals are answered here because they carry GeoJSON. */
async function gridCall<T>(res: Response, fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof GridGeometryError) {
      res.status(e.status).json({ error: { code: e.code, message: e.message, problems: e.problems } });
      return undefined;
    }
    if (e instanceof GridInputError) throw errors.badRequest(e.message);
    throw e;
  }
}

/** Optional base map (I-3) from the environment: MAP_WMS_URL + MAP_WMS_LAYERS, or MAP_WMTS_URL (+ layer, matrix set). */
export function baseMapConfig(env: NodeJS.ProcessEnv = process.env) {
  if (env.MAP_WMTS_URL)
    return {
      kind: 'wmts',
      url: env.MAP_WMTS_URL,
      layer: env.MAP_WMTS_LAYER ?? '',
      matrixSet: env.MAP_WMTS_MATRIX_SET ?? 'EPSG:4326',
      format: env.MAP_WMTS_FORMAT ?? 'image/png',
    };
  if (env.MAP_WMS_URL) return { kind: 'wms', url: env.MAP_WMS_URL, layers: env.MAP_WMS_LAYERS ?? '' };
  return { kind: 'none' };
}

const BBOX = { type: 'string', title: '范围', pattern: '^-?[0-9.]+,-?[0-9.]+,-?[0-9.]+,-?[0-9.]+$' };

const WORKER_BODY = {
  type: 'object',
  additionalProperties: false,
  required: ['workerId'],
  properties: { workerId: { type: 'integer', title: '网格员', minimum: 1 } },
};

export const gridRoutes = defineRoutes([
  {
    method: 'get',
    path: '/map/config',
    permission: 'authenticated',
    summary: '地图底图配置（WMS/WMTS，EPSG:4326；未配置时不加载底图）',
    async handler() {
      return { projection: 'EPSG:4326', baseMap: baseMapConfig() };
    },
  },
  {
    method: 'get',
    path: '/map/layers/:type',
    permission: 'org.read',
    query: { type: 'object', additionalProperties: false, properties: { under: idFilter('上级机构'), bbox: BBOX } },
    summary: '区/街道/社区/网格边界图层（GeoJSON；可按上级机构和地图范围筛选）',
    async handler({ services, actor, params, query }) {
      const type = params.type;
      if (!['district', 'street', 'community', 'grid'].includes(type)) throw errors.badRequest('图层只能是区、街道、社区或网格', 'type');
      return orgLayer(services.db, actor, {
        type: type as 'grid',
        under: await narrowPath(services.db, query.under),
        bbox: query.bbox ? ((query.bbox as string).split(',').map(Number) as [number, number, number, number]) : undefined,
      });
    },
  },
  {
    method: 'get',
    path: '/map/points',
    permission: 'element.read',
    query: {
      type: 'object',
      additionalProperties: false,
      required: ['kind', 'bbox'],
      properties: {
        kind: { type: 'string', title: '图层', enum: ['building', 'facility'] },
        bbox: BBOX,
      },
    },
    summary: '楼栋、公共设施点位（当前地图范围内）',
    async handler({ services, actor, query }) {
      const bbox = (query.bbox as string).split(',').map(Number) as [number, number, number, number];
      return pointLayer(services.db, actor, { kind: query.kind, bbox });
    },
  },
  {
    method: 'post',
    path: '/grids/check',
    permission: 'org.manage',
    body: gridGeometryForm.schema,
    summary: '校验网格范围（不保存）：重叠、超出社区、未覆盖区域',
    async handler({ services, actor, body }) {
      try {
        return await checkGridGeometries(services.db, actor, body);
      } catch (e) {
        if (e instanceof GridInputError) throw errors.badRequest(e.message);
        throw e;
      }
    },
  },
  {
    method: 'put',
    path: '/grids/geometry',
    permission: 'org.manage',
    body: gridGeometryForm.schema,
    summary: '保存网格范围并按位置重新归属要素',
    async handler({ services, actor, body, res, req }) {
      const grids = body.grids as { id?: number | null; geometry: unknown }[];
      if (grids.some((g) => !g.id)) throw errors.badRequest('新增网格请使用“拆分网格”；保存时每个网格都须有编号');
      return gridCall(res, () =>
        audited(
          services.db,
          actor,
          req.ip,
          (trx) => saveGridGeometries(trx, actor, { communityId: body.communityId, grids: grids as { id: number; geometry: unknown }[] }),
          (r) => ({
            action: 'grid.geometry',
            objectType: 'org_unit',
            objectId: body.communityId,
            detail: { gridIds: r.gridIds, moved: r.summary.moved },
          }),
        ),
      );
    },
  },
  {
    method: 'post',
    path: '/grids/:id/split',
    permission: 'org.manage',
    body: gridSplitForm.schema,
    summary: '沿分割线拆分网格',
    async handler({ services, actor, body, params, res, req }) {
      const gridId = idParam(params);
      return gridCall(res, () =>
        audited(
          services.db,
          actor,
          req.ip,
          (trx) => splitGrid(trx, actor, { gridId, line: body.line, names: body.names }),
          (r) => ({
            action: 'grid.split',
            objectType: 'org_unit',
            objectId: gridId,
            detail: { gridIds: r.gridIds, moved: r.summary.moved },
          }),
        ),
      );
    },
  },
  {
    method: 'post',
    path: '/grids/merge',
    permission: 'org.manage',
    body: gridMergeForm.schema,
    summary: '合并相邻网格（保留第一个）',
    async handler({ services, actor, body, res, req }) {
      return gridCall(res, () =>
        audited(
          services.db,
          actor,
          req.ip,
          (trx) => mergeGrids(trx, actor, { gridIds: body.gridIds }),
          (r) => ({
            action: 'grid.merge',
            objectType: 'org_unit',
            objectId: r.gridIds[0],
            detail: { merged: body.gridIds, moved: r.summary.moved },
          }),
        ),
      );
    },
  },
  {
    method: 'patch',
    path: '/grids/:id',
    permission: 'org.manage',
    body: gridInfoForm.schema,
    summary: '修改网格名称、类型（基础网格/专属网格）',
    async handler({ services, actor, body, params, req }) {
      const gridId = idParam(params);
      await audited(
        services.db,
        actor,
        req.ip,
        async (trx) => {
          try {
            if (!(await updateGridInfo(trx, actor, gridId, body))) throw errors.notFound('网格');
          } catch (e) {
            if (e instanceof GridInputError) throw errors.badRequest(e.message, 'gridType');
            throw e;
          }
        },
        () => ({ action: 'update', objectType: 'org_unit', objectId: gridId, detail: { name: body.name, gridType: body.gridType } }),
      );
      return { ok: true };
    },
  },
  {
    method: 'get',
    path: '/grids/stats',
    permission: 'element.read',
    query: { type: 'object', additionalProperties: false, properties: { orgId: idFilter('机构') } },
    summary: '网格统计：户数、人口、面积、要素、网格员',
    async handler({ services, actor, query }) {
      return gridStatistics(services.db, actor, { orgPath: await narrowPath(services.db, query.orgId) });
    },
  },
  {
    method: 'put',
    path: '/grids/:id/leader',
    permission: 'force.manage',
    body: WORKER_BODY,
    summary: '任命网格长（每个网格一名，原网格长改为网格员）',
    async handler({ services, actor, body, params, req }) {
      const gridId = idParam(params);
      return elementCall(() =>
        audited(
          services.db,
          actor,
          req.ip,
          (trx) => setGridLeader(trx, actor, { gridId, workerId: body.workerId }),
          (r) => ({ action: 'force.leader', objectType: 'org_unit', objectId: gridId, detail: { ...r } }),
        ),
      );
    },
  },
  {
    method: 'post',
    path: '/grids/:id/workers',
    permission: 'force.manage',
    body: WORKER_BODY,
    summary: '调入网格员（专属网格员只能配置在专属网格）',
    async handler({ services, actor, body, params, req }) {
      const gridId = idParam(params);
      return elementCall(() =>
        audited(
          services.db,
          actor,
          req.ip,
          (trx) => assignWorkerToGrid(trx, actor, { gridId, workerId: body.workerId }),
          (r) => ({ action: 'force.assign', objectType: 'org_unit', objectId: gridId, detail: { ...r } }),
        ),
      );
    },
  },
]);
