/** 公共设施 (G-4): natural key 设施编码 (unique). */
import { registerForm } from '../index';
import { choice, date, gridId, location, requiredText, text } from './fields';

export const FACILITY_TYPES = [
  '消防栓',
  '路灯',
  '公厕',
  '垃圾收集点',
  '健身设施',
  '监控探头',
  '井盖',
  '充电桩',
  '电动车充电棚',
  '应急避难场所',
  '其他',
] as const;
export const FACILITY_STATUSES = ['正常', '损坏', '维修中', '停用'] as const;

export const facilityForm = registerForm({
  key: 'element.facility',
  title: '公共设施信息',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['gridId', 'code', 'name', 'type', 'status'],
    properties: {
      gridId,
      code: { type: 'string', title: '设施编码', minLength: 1, maxLength: 40, pattern: '^[0-9A-Za-z_-]+$' },
      name: requiredText('设施名称', 100),
      type: choice('设施类型', FACILITY_TYPES),
      status: choice('设施状态', FACILITY_STATUSES),
      address: text('地址', 200),
      managerUnit: text('管理单位', 100),
      installedOn: date('安装日期'),
      lastInspectedOn: date('最近巡检日期'),
      location,
    },
  },
});
