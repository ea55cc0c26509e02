/** 网格划分 (D-1, D-2): polygon saves, split, merge, grid info. Geometry is GeoJSON in EPSG:4326. */
import { registerForm } from '../index';

const polygon = {
  type: 'object',
  title: '网格范围',
  required: ['type', 'coordinates'],
  properties: { type: { type: 'string', enum: ['Polygon', 'MultiPolygon'] }, coordinates: { type: 'array' } },
};

export const gridGeometryForm = registerForm({
  key: 'grid.geometry',
  title: '保存网格范围',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['communityId', 'grids'],
    properties: {
      communityId: { type: 'integer', title: '社区', minimum: 1 },
      grids: {
        type: 'array',
        title: '网格',
        minItems: 1,
        maxItems: 50,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['geometry'],
          properties: { id: { type: ['integer', 'null'], minimum: 1 }, name: { type: 'string', maxLength: 100 }, geometry: polygon },
        },
      },
    },
  },
});

export const gridSplitForm = registerForm({
  key: 'grid.split',
  title: '拆分网格',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['line'],
    properties: {
      line: {
        type: 'object',
        title: '分割线',
        required: ['type', 'coordinates'],
        properties: { type: { type: 'string', const: 'LineString' }, coordinates: { type: 'array', minItems: 2 } },
      },
      names: { type: 'array', title: '拆分后名称', maxItems: 10, items: { type: 'string', minLength: 1, maxLength: 100 } },
    },
  },
});

export const gridMergeForm = registerForm({
  key: 'grid.merge',
  title: '合并网格',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['gridIds'],
    properties: { gridIds: { type: 'array', title: '网格', minItems: 2, maxItems: 20, items: { type: 'integer', minimum: 1 } } },
  },
});

export const gridInfoForm = registerForm({
  key: 'grid.info',
  title: '网格信息',
  schema: {
    type: 'object',
    additionalProperties: false,
    minProperties: 1,
    properties: {
      name: { type: 'string', title: '网格名称', minLength: 1, maxLength: 100 },
      gridType: { type: 'string', title: '网格类型', enum: ['basic', 'exclusive'] },
    },
  },
});
