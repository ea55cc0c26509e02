/**
 * 网格员 (G-5, F-1): kind and sub_kind must agree (the table's CHECK): 专职/专属 → 网格长 or
 * 网格员; 兼职 → 体制内 or 体制外 (+ a part-time type).
 */
import { registerForm } from '../index';
import { date, gridId, optionalChoice, phone, requiredText, text } from './fields';

export const WORKER_KINDS = ['full_time', 'part_time', 'exclusive'] as const;
export const WORKER_KIND_NAMES = ['专职网格员', '兼职网格员', '专属网格员'];
export const WORKER_SUB_KINDS = ['leader', 'member', 'in_system', 'out_system'] as const;
export const WORKER_SUB_KIND_NAMES = ['网格长', '网格员', '体制内', '体制外'];
export const PART_TIME_TYPES = ['下沉干部', '社会组织', '居民代表', '物业负责人', '业主代表', '联户长', '志愿者'] as const;
export const WORKER_STATUSES = ['active', 'leave', 'left'] as const;
export const WORKER_STATUS_NAMES = ['在岗', '请假', '离岗'];

/** Which sub kinds each kind allows (mirrors grid_workers_kind_chk). */
export const SUB_KINDS_OF: Record<(typeof WORKER_KINDS)[number], readonly string[]> = {
  full_time: ['leader', 'member'],
  exclusive: ['leader', 'member'],
  part_time: ['in_system', 'out_system'],
};

export const gridWorkerForm = registerForm({
  key: 'element.grid_worker',
  title: '网格员信息',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['gridId', 'name', 'kind', 'subKind'],
    properties: {
      gridId,
      name: requiredText('姓名'),
      gender: optionalChoice('性别', ['男', '女']),
      phone: phone('手机号码'),
      kind: { type: 'string', title: '网格员类型', enum: [...WORKER_KINDS] },
      subKind: { type: 'string', title: '岗位/身份', enum: [...WORKER_SUB_KINDS] },
      partTimeType: optionalChoice('兼职类型', PART_TIME_TYPES),
      workUnit: text('所在单位', 100),
      status: { type: 'string', title: '在岗状态', enum: [...WORKER_STATUSES], default: 'active' },
      joinedOn: date('入职日期'),
    },
  },
  uiSchema: {
    kind: { 'ui:enumNames': WORKER_KIND_NAMES },
    subKind: { 'ui:enumNames': WORKER_SUB_KIND_NAMES },
    status: { 'ui:enumNames': WORKER_STATUS_NAMES },
  },
});
