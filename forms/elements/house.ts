/** 房屋 (G-1): one room/flat of a building. */
import { registerForm } from '../index';
import { amount, choice, gridId, optionalChoice, requiredText, text } from './fields';

export const HOUSE_TYPES = ['住宅', '商业用房', '商混', '别墅', '车库', '宿舍', '办公'] as const;
export const HOUSE_USES = ['居住', '经营', '办公', '仓储', '闲置'] as const;
export const HOUSE_STATUSES = ['自住', '出租', '空置', '借住', '经营'] as const;
export const PROPERTY_RIGHTS = ['商品房', '房改房', '公租房', '廉租房', '自建房', '单位产权'] as const;

export const houseForm = registerForm({
  key: 'element.house',
  title: '房屋信息',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['gridId', 'buildingId', 'unitNo', 'floor', 'roomNo', 'type', 'use', 'status'],
    properties: {
      gridId,
      buildingId: { type: 'integer', title: '所在楼栋', minimum: 1 },
      unitNo: { type: 'integer', title: '单元', minimum: 1, maximum: 99 },
      floor: { type: 'integer', title: '楼层', minimum: -10, maximum: 200 },
      roomNo: requiredText('室号', 20),
      type: choice('房屋类型', HOUSE_TYPES),
      area: amount('建筑面积（㎡）'),
      use: choice('房屋用途', HOUSE_USES),
      status: choice('使用状态', HOUSE_STATUSES),
      propertyRight: optionalChoice('产权性质', PROPERTY_RIGHTS),
      ownerName: text('产权人'),
    },
  },
  uiSchema: { 'ui:order': ['gridId', 'buildingId', 'unitNo', 'floor', 'roomNo', '*'] },
});
