/** Forms that start an issue: a grid worker's report (M-4) and a resident's submission (I-6), and the resident's rating. */
import { registerForm } from '../index';

const location = {
  type: 'object',
  title: '位置',
  required: ['lng', 'lat'],
  properties: {
    lng: { type: 'number', title: '经度', minimum: 73, maximum: 136 },
    lat: { type: 'number', title: '纬度', minimum: 3, maximum: 54 },
  },
};
const attachments = {
  type: 'array',
  title: '照片',
  maxItems: 9,
  items: {
    type: 'object',
    required: ['name', 'fileId'],
    properties: { name: { type: 'string', maxLength: 200 }, fileId: { type: 'string', maxLength: 100 } },
  },
};

export const issueReportForm = registerForm({
  key: 'issue.report',
  title: '问题上报',
  schema: {
    type: 'object',
    required: ['title', 'description', 'gridId'],
    additionalProperties: false,
    properties: {
      title: { type: 'string', title: '问题标题', minLength: 2, maxLength: 100 },
      description: { type: 'string', title: '问题描述', minLength: 2, maxLength: 2000 },
      categoryCode: { type: 'string', title: '问题类别', maxLength: 32 },
      complexity: { type: 'string', title: '问题类型', enum: ['general', 'complex'], default: 'general' },
      source: { type: 'string', title: '来源', enum: ['grid', 'lead'], default: 'grid' },
      gridId: { type: 'integer', title: '所属网格', minimum: 1 },
      address: { type: 'string', title: '地址', maxLength: 200 },
      location,
      attachments,
      selfHandled: { type: 'boolean', title: '已当场自行处置', default: false },
      selfHandledResult: { type: 'string', title: '处置结果', maxLength: 2000 },
    },
    if: { properties: { selfHandled: { const: true } }, required: ['selfHandled'] },
    then: { required: ['selfHandledResult'] },
  },
  uiSchema: {
    description: { 'ui:widget': 'textarea' },
    complexity: { 'ui:enumNames': ['一般问题（3个工作日）', '复杂问题（5个工作日）'] },
    source: { 'ui:enumNames': ['网格员发现', '巡查/隐患排查微线索'] },
    selfHandledResult: { 'ui:widget': 'textarea' },
  },
});

export const residentSubmitForm = registerForm({
  key: 'issue.resident_submit',
  title: '我要反映',
  schema: {
    type: 'object',
    required: ['title', 'description', 'gridId'],
    additionalProperties: false,
    properties: {
      title: { type: 'string', title: '诉求标题', minLength: 2, maxLength: 100 },
      description: { type: 'string', title: '诉求内容', minLength: 2, maxLength: 2000 },
      gridId: { type: 'integer', title: '所在网格', minimum: 1 },
      address: { type: 'string', title: '地址', maxLength: 200 },
      location,
      attachments,
    },
  },
  uiSchema: { description: { 'ui:widget': 'textarea' } },
});

export const residentRatingForm = registerForm({
  key: 'issue.resident_rating',
  title: '居民评价',
  schema: {
    type: 'object',
    required: ['stars'],
    additionalProperties: false,
    properties: {
      stars: { type: 'integer', title: '满意度（星级）', minimum: 1, maximum: 5 },
      comment: { type: 'string', title: '评价意见', maxLength: 500 },
    },
  },
  uiSchema: { comment: { 'ui:widget': 'textarea' } },
});
