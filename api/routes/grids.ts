/**
 * 网格划分 over HTTP (D-1..D-3, I-3): map layers and base-map configuration, live validation,
 * save / split / merge with re-assignment, grid info and statistics. A refused save answers
 * 409 (overlap, gap) or 422 (invalid, outside) with the offending areas:
 * `{ error: { code, message, problems: FeatureCollection } }`.
 */
import type { Response } from 'express';
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
import { narrowPath } from './elements-common';
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
    query: { type: 'object', additionalProperties: false, properties: { under: idFilter('上级机构') } },
    summary: '区/街道/社区/网格边界图层（GeoJSON）',
    async handler({ services, actor, params, query }) {
      const type = params.type;
      if (!['district', 'street', 'community', 'grid'].includes(type)) throw errors.badRequest('图层只能是区、街道、社区或网格', 'type');
      return orgLayer(services.db, actor, { type: type as 'grid', under: await narrowPath(services.db, query.under) });
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
        bbox: { type: 'string', title: '范围', pattern: '^-?[0-9.]+,-?[0-9.]+,-?[0-9.]+,-?[0-9.]+$' },
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
    async handler({ services, actor, body, res }) {
      const grids = body.grids as { id?: number | null; geometry: unknown }[];
      if (grids.some((g) => !g.id)) throw errors.badRequest('新增网格请使用“拆分网格”；保存时每个网格都须有编号');
      return gridCall(res, () =>
        saveGridGeometries(services.db, actor, { communityId: body.communityId, grids: grids as { id: number; geometry: unknown }[] }),
      );
    },
  },
  {
    method: 'post',
    path: '/grids/:id/split',
    permission: 'org.manage',
    body: gridSplitForm.schema,
    summary: '沿分割线拆分网格',
    async handler({ services, actor, body, params, res }) {
      return gridCall(res, () => splitGrid(services.db, actor, { gridId: idParam(params), line: body.line, names: body.names }));
    },
  },
  {
    method: 'post',
    path: '/grids/merge',
    permission: 'org.manage',
    body: gridMergeForm.schema,
    summary: '合并相邻网格（保留第一个）',
    async handler({ services, actor, body, res }) {
      return gridCall(res, () => mergeGrids(services.db, actor, { gridIds: body.gridIds }));
    },
  },
  {
    method: 'patch',
    path: '/grids/:id',
    permission: 'org.manage',
    body: gridInfoForm.schema,
    summary: '修改网格名称、类型（基础网格/专属网格）',
    async handler({ services, actor, body, params }) {
      if (!(await updateGridInfo(services.db, actor, idParam(params), body))) throw errors.notFound('网格');
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
]);
