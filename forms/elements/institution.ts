/** 驻区单位 (G-4). */
import { registerForm } from '../index';
import { CREDIT_CODE_PATTERN, choice, count, gridId, location, phone, requiredText, text } from './fields';

export const INSTITUTION_CATEGORIES = ['党政机关', '事业单位', '国有企业', '学校', '医院', '部队', '社会组织'] as const;

export const institutionForm = registerForm({
  key: 'element.institution',
  title: '驻区单位信息',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['gridId', 'name', 'category', 'address'],
    properties: {
      gridId,
      name: requiredText('单位名称', 100),
      category: choice('单位类别', INSTITUTION_CATEGORIES),
      creditCode: { type: ['string', 'null'], title: '统一社会信用代码', pattern: CREDIT_CODE_PATTERN },
      contactPerson: text('联系人'),
      contactPhone: phone('联系电话'),
      address: requiredText('地址', 200),
      staffCount: count('职工人数'),
      partyMembers: count('党员人数'),
      coBuilding: { type: 'boolean', title: '共驻共建单位', default: false },
      location,
    },
  },
});
