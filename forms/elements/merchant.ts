/** 商户 (G-4). */
import { registerForm } from '../index';
import { amount, choice, count, date, gridId, location, phone, ref, requiredText, text } from './fields';

export const MERCHANT_INDUSTRIES = [
  '餐饮',
  '零售',
  '美容美发',
  '维修',
  '医药',
  '服装',
  '五金建材',
  '教育培训',
  '住宿',
  '快递物流',
  '其他',
] as const;
export const MERCHANT_STATUSES = ['营业', '停业', '歇业', '注销'] as const;

export const merchantForm = registerForm({
  key: 'element.merchant',
  title: '商户信息',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['gridId', 'name', 'industry', 'operatorName', 'address', 'status'],
    properties: {
      gridId,
      name: requiredText('商户名称', 100),
      signName: text('招牌名称', 100),
      industry: choice('所属行业', MERCHANT_INDUSTRIES),
      licenseNo: { type: ['string', 'null'], title: '营业执照号', pattern: '^[0-9A-Za-z]{15,18}$' },
      operatorName: requiredText('经营者'),
      operatorPhone: phone('经营者电话'),
      address: requiredText('地址', 200),
      buildingId: ref('所在楼栋'),
      area: amount('经营面积（㎡）'),
      employees: count('从业人数'),
      openedOn: date('开业日期'),
      status: choice('经营状态', MERCHANT_STATUSES),
      location,
    },
  },
});
