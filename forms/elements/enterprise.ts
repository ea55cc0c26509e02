/** 企业 (G-4): natural key 统一社会信用代码 (unique). */
import { registerForm } from '../index';
import { amount, CREDIT_CODE_PATTERN, choice, count, date, gridId, location, phone, ref, requiredText } from './fields';

export const ENTERPRISE_TYPES = ['国有企业', '民营企业', '外资企业', '集体企业', '个人独资企业'] as const;
export const ENTERPRISE_INDUSTRIES = [
  '石油开采',
  '石油化工',
  '油田技术服务',
  '建筑施工',
  '交通运输',
  '信息技术',
  '批发零售',
  '餐饮住宿',
  '物业管理',
  '新能源',
  '农业',
  '金融',
  '其他',
] as const;
export const ENTERPRISE_STATUSES = ['存续', '在业', '迁出', '注销'] as const;

export const enterpriseForm = registerForm({
  key: 'element.enterprise',
  title: '企业信息',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['gridId', 'name', 'creditCode', 'enterpriseType', 'industry', 'legalRepresentative', 'address', 'status'],
    properties: {
      gridId,
      name: requiredText('企业名称', 100),
      creditCode: { type: 'string', title: '统一社会信用代码', pattern: CREDIT_CODE_PATTERN },
      enterpriseType: choice('企业类型', ENTERPRISE_TYPES),
      industry: choice('所属行业', ENTERPRISE_INDUSTRIES),
      legalRepresentative: requiredText('法定代表人'),
      contactPhone: phone('联系电话'),
      registeredCapital: amount('注册资本（万元）', 999_999_999),
      employees: count('从业人数'),
      establishedOn: date('成立日期'),
      address: requiredText('地址', 200),
      buildingId: ref('所在楼栋'),
      status: choice('经营状态', ENTERPRISE_STATUSES),
      aboveScale: { type: 'boolean', title: '规上企业', default: false },
      location,
    },
  },
});
