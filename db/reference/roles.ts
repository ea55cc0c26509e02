/**
 * Role and permission catalogue (角色与权限目录): reference data, inserted by the data migration
 * 20261124040100_roles_permissions_data. Least privilege: each role gets only what its work needs.
 * Separation of duties (三员分立, 等保三级): sys_admin, sec_admin and auditor each form a duty group;
 * no account holds two (api/auth/accounts.ts and the DB trigger `user_roles_duty_check`).
 * To change a grant, add a new data migration that calls `syncRoleCatalogue` — never edit rows by hand.
 */

export interface PermissionDef {
  code: string;
  name: string;
}

export interface RoleDef {
  code: string;
  /** Chinese name shown to users. */
  name: string;
  description: string;
  dutyGroup: 'sys_admin' | 'sec_admin' | 'auditor' | null;
  permissions: readonly string[];
}

export const PERMISSIONS: readonly PermissionDef[] = [
  { code: 'org.read', name: '查看组织机构' },
  { code: 'org.manage', name: '维护组织机构与网格划分' },
  { code: 'element.read', name: '查看网格要素（人、房、户、物、单位）' },
  { code: 'element.write', name: '采集和更新网格要素' },
  { code: 'element.import', name: '批量导入导出网格要素' },
  { code: 'pii.unmask', name: '查看完整身份证号和手机号（留痕）' },
  { code: 'force.manage', name: '配置网格力量与包户关系' },
  { code: 'task.read', name: '查看待办任务' },
  { code: 'task.handle', name: '办理待办任务' },
  { code: 'issue.report', name: '上报事件' },
  { code: 'issue.read', name: '查看事件' },
  { code: 'issue.handle', name: '办理事件' },
  { code: 'issue.dispatch', name: '分拨与派遣事件' },
  { code: 'issue.supervise', name: '督办与监督事件' },
  { code: 'visit.record', name: '登记走访' },
  { code: 'stats.read', name: '查看统计与驾驶舱' },
  { code: 'form.design', name: '设计表单与流程' },
  { code: 'workflow.manage', name: '管理流程实例' },
  { code: 'workflow.read', name: '流程监控：查看流程实例、时限与历史' },
  { code: 'workflow.admin', name: '流程管理操作：取消、终止、发送信号、重试失败活动（留痕）' },
  { code: 'system.config', name: '系统参数配置' },
  { code: 'user.read', name: '查看用户账号' },
  { code: 'user.manage', name: '管理用户账号与角色' },
  { code: 'security.manage', name: '安全策略与账号解锁' },
  { code: 'audit.read', name: '查看与校验审计日志' },
  { code: 'resident.self', name: '居民自助服务' },
];

const FIELD_WORK = ['org.read', 'element.read', 'task.read', 'task.handle', 'issue.report', 'issue.read', 'visit.record'];

export const ROLES: readonly RoleDef[] = [
  {
    code: 'grid_leader',
    name: '网格长',
    description: '专职网格员中的网格负责人，管理本网格的要素与力量',
    dutyGroup: null,
    permissions: [...FIELD_WORK, 'element.write', 'pii.unmask', 'issue.handle', 'stats.read'],
  },
  {
    code: 'grid_worker',
    name: '专职网格员',
    description: '本网格的采集、走访、上报',
    dutyGroup: null,
    permissions: [...FIELD_WORK, 'element.write', 'pii.unmask', 'issue.handle'],
  },
  {
    code: 'parttime_worker',
    name: '兼职网格员',
    description: '体制内下沉干部或体制外社会力量，协助走访与上报，只能看到脱敏信息',
    dutyGroup: null,
    permissions: [...FIELD_WORK],
  },
  {
    code: 'exclusive_worker',
    name: '专属网格员',
    description: '专属网格（商务楼宇、企业、园区、学校、医院等）的网格员',
    dutyGroup: null,
    permissions: [...FIELD_WORK, 'element.write', 'issue.handle'],
  },
  {
    code: 'community_staff',
    name: '社区工作人员',
    description: '社区（村）的要素维护、事件办理与力量配置',
    dutyGroup: null,
    permissions: [
      ...FIELD_WORK,
      'element.write',
      'element.import',
      'pii.unmask',
      'issue.handle',
      'issue.dispatch',
      'force.manage',
      'stats.read',
      'workflow.read',
    ],
  },
  {
    code: 'street_staff',
    name: '街道工作人员',
    description: '街道（乡镇）的事件分拨、办理与统计',
    dutyGroup: null,
    permissions: [
      ...FIELD_WORK,
      'element.write',
      'element.import',
      'issue.handle',
      'issue.dispatch',
      'force.manage',
      'stats.read',
      'workflow.read',
    ],
  },
  {
    code: 'dept_handler',
    name: '部门办理人员',
    description: '职能部门办理派遣来的事件；数据范围来自显式授权',
    dutyGroup: null,
    permissions: ['org.read', 'element.read', 'pii.unmask', 'task.read', 'task.handle', 'issue.read', 'issue.handle'],
  },
  {
    code: 'district_manager',
    name: '区级管理员',
    description: '区级指挥中心：分拨、督办、网格划分与统计',
    dutyGroup: null,
    permissions: [
      'org.read',
      'org.manage',
      'element.read',
      'element.write',
      'element.import',
      'force.manage',
      'task.read',
      'task.handle',
      'issue.read',
      'issue.handle',
      'issue.dispatch',
      'issue.supervise',
      'stats.read',
      'workflow.read',
    ],
  },
  {
    code: 'city_manager',
    name: '市级管理员',
    description: '市级指挥中心：全市分拨、督办、表单流程设计与统计',
    dutyGroup: null,
    permissions: [
      'org.read',
      'org.manage',
      'element.read',
      'element.write',
      'element.import',
      'force.manage',
      'task.read',
      'task.handle',
      'issue.read',
      'issue.handle',
      'issue.dispatch',
      'issue.supervise',
      'stats.read',
      'form.design',
      'workflow.manage',
      'workflow.read',
    ],
  },
  {
    code: 'leader',
    name: '分管领导',
    description: '查看统计、批示与督办，不直接改数据',
    dutyGroup: null,
    permissions: ['org.read', 'element.read', 'task.read', 'task.handle', 'issue.read', 'issue.supervise', 'stats.read', 'workflow.read'],
  },
  {
    code: 'supervisor',
    name: '纪委监委',
    description: '对事件办理过程进行监督，只读',
    dutyGroup: null,
    permissions: ['org.read', 'element.read', 'issue.read', 'issue.supervise', 'stats.read', 'workflow.read'],
  },
  {
    code: 'sys_admin',
    name: '系统管理员',
    description: '账号、组织、系统参数与流程配置；看不到居民数据和审计日志',
    dutyGroup: 'sys_admin',
    permissions: [
      'org.read',
      'org.manage',
      'user.read',
      'user.manage',
      'system.config',
      'form.design',
      'workflow.manage',
      'workflow.read',
      'workflow.admin',
    ],
  },
  {
    code: 'sec_admin',
    name: '安全管理员',
    description: '安全策略、账号解锁；不能创建账号或分配角色',
    dutyGroup: 'sec_admin',
    permissions: ['org.read', 'user.read', 'security.manage'],
  },
  {
    code: 'auditor',
    name: '审计员',
    description: '查看与校验审计日志；不能修改任何数据',
    dutyGroup: 'auditor',
    permissions: ['org.read', 'audit.read'],
  },
  {
    code: 'resident',
    name: '居民',
    description: '公众 H5 入口（智慧党建小程序）：上报诉求、查看本人办件',
    dutyGroup: null,
    permissions: ['resident.self', 'issue.report'],
  },
];

export function roleByCode(code: string): RoleDef | undefined {
  return ROLES.find((r) => r.code === code);
}

/** True when the set holds roles of two different duty groups (三员分立 violated). */
export function dutyConflict(roleCodes: readonly string[]): string[] | null {
  const groups = new Set<string>();
  const holders: string[] = [];
  for (const code of roleCodes) {
    const g = roleByCode(code)?.dutyGroup;
    if (g) {
      groups.add(g);
      holders.push(code);
    }
  }
  return groups.size > 1 ? holders : null;
}
