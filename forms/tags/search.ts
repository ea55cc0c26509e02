/** 标签查询 (T-6): a combined expression over tags, optionally narrowed to an org unit, with paging. */
import { registerForm } from '../index';

export const tagSearchForm = registerForm({
  key: 'tag.search',
  title: '标签组合查询',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['expr'],
    properties: {
      expr: { type: 'object', title: '查询条件' },
      elementType: {
        type: 'string',
        title: '对象类型',
        enum: ['resident', 'household', 'building', 'merchant', 'enterprise', 'institution', 'facility'],
      },
      orgId: { type: 'integer', title: '机构', minimum: 1 },
      page: { type: 'integer', title: '页码', minimum: 1, maximum: 1_000_000 },
      pageSize: { type: 'integer', title: '每页条数', minimum: 1, maximum: 100 },
    },
  },
});

/** 手动打标签 / 取消标签 (T-3). */
export const tagAssignForm = registerForm({
  key: 'tag.assign',
  title: '打标签',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['elementType', 'elementIds', 'on'],
    properties: {
      elementType: {
        type: 'string',
        title: '对象类型',
        enum: ['resident', 'household', 'building', 'merchant', 'enterprise', 'institution', 'facility'],
      },
      elementIds: { type: 'array', title: '对象', minItems: 1, maxItems: 1000, items: { type: 'integer', minimum: 1 } },
      on: { type: 'boolean', title: '打上（是）或取消（否）' },
      note: { type: 'string', title: '备注', maxLength: 200 },
    },
  },
});

/** 条线标签推送 (T-5): rows by natural key, or an xlsx table (base64) whose first column is the key. */
export const tagFeedForm = registerForm({
  key: 'tag.feed',
  title: '条线标签数据推送',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['mode'],
    properties: {
      mode: { type: 'string', title: '更新方式', enum: ['overwrite', 'incremental'] },
      rows: {
        type: 'array',
        title: '数据行',
        maxItems: 200_000,
        items: {
          type: 'object',
          required: ['key'],
          additionalProperties: false,
          properties: { key: { type: 'string', title: '标识', maxLength: 64 }, op: { type: 'string', enum: ['add', 'remove'] } },
        },
      },
      fileBase64: { type: 'string', title: '表格文件', maxLength: 5_000_000 },
    },
  },
});
