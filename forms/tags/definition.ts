/** 标签定义 (T-1): every field of the tag standard; the rule of a computed tag is a JSON rule (db/queries/tags/rules.ts). */
import { registerForm } from '../index';

const nullableText = (title: string, maxLength: number) => ({ type: ['string', 'null'], title, maxLength });
const nullableDate = (title: string) => ({ type: ['string', 'null'], title, format: 'date' });

export const tagDefinitionForm = registerForm({
  key: 'tag.definition',
  title: '标签定义',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['code', 'name', 'target', 'kind', 'definingOrgId'],
    properties: {
      code: { type: 'string', title: '标签编码', pattern: '^[A-Za-z0-9_]{2,40}$' },
      name: { type: 'string', title: '标签名称', minLength: 1, maxLength: 50 },
      description: nullableText('标签说明', 500),
      definition: nullableText('标签定义', 500),
      categoryId: { type: ['integer', 'null'], title: '所属目录', minimum: 1 },
      target: {
        type: 'string',
        title: '标签对象',
        enum: ['resident', 'household', 'visit', 'building', 'merchant', 'enterprise', 'institution', 'facility'],
      },
      kind: { type: 'string', title: '标签类型', enum: ['manual', 'computed', 'line'] },
      tagType: nullableText('标签分类', 32),
      reminderDays: { type: ['integer', 'null'], title: '提醒周期（天）', minimum: 1, maximum: 3650 },
      definingOrgId: { type: 'integer', title: '定义单位', minimum: 1 },
      departmentId: { type: ['integer', 'null'], title: '所属部门', minimum: 1 },
      rule: { type: ['object', 'null'], title: '计算规则' },
      feedUrl: { type: ['string', 'null'], title: '部门数据接口地址', maxLength: 500, pattern: '^(https?://.*)?$' },
      color: { type: ['string', 'null'], title: '颜色', pattern: '^(#[0-9a-fA-F]{6})?$' },
      active: { type: 'boolean', title: '启用' },
      effectiveFrom: nullableDate('生效日期'),
      effectiveTo: nullableDate('失效日期'),
    },
  },
  uiSchema: {
    'ui:order': ['code', 'name', 'target', 'kind', 'categoryId', 'definingOrgId', 'departmentId', '*'],
    description: { 'ui:widget': 'textarea' },
    definition: { 'ui:widget': 'textarea' },
  },
});
