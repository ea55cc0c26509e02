/**
 * Capability flags, derived in one place from the user's permissions (db/reference/roles.ts):
 * components ask `access.canUnmask`, never "is this user a 网格长".
 */
import type { Me } from '../shared/auth';

export interface Access {
  /** 查看完整身份证号和手机号（留痕） */
  canUnmask: boolean;
  /** 人、房、户 lists and details */
  canViewElements: boolean;
  /** 采集和更新网格要素: create and edit forms */
  canEditElements: boolean;
  /** the scope tree beside the lists */
  canViewOrgTree: boolean;
  /** 我的待办 */
  canViewTasks: boolean;
  /** 流程监控 (the console at /console/) */
  canViewConsole: boolean;
  /** 问题处置: lists, detail, analysis (Q) */
  canViewIssues: boolean;
  /** 问题上报 */
  canReportIssue: boolean;
  /** 联席会议清单 and editing the 五方责任清单 */
  canSuperviseIssues: boolean;
  /** 标签管理与标签查询 (T) */
  canViewTags: boolean;
  /** 包户覆盖率、网格地图 (G-6, D) */
  canViewCoverage: boolean;
  /** 网格地图 (D-1) */
  canViewMap: boolean;
  /** 批量导入导出 (G-7) */
  canImport: boolean;
  /** 邮件查看: mail caught when no SMTP server is configured (system administrator) */
  canReadMail: boolean;
}

export function accessFor(me: Me | null): Access {
  const p = new Set(me?.permissions ?? []);
  return {
    canUnmask: p.has('pii.unmask'),
    canViewElements: p.has('element.read'),
    canEditElements: p.has('element.write'),
    canViewOrgTree: p.has('org.read'),
    canViewTasks: p.has('task.read'),
    canViewConsole: p.has('workflow.read'),
    canViewIssues: p.has('issue.read'),
    canReportIssue: p.has('issue.report'),
    canSuperviseIssues: p.has('issue.supervise'),
    canViewTags: p.has('tag.read'),
    canViewCoverage: p.has('element.read'),
    canViewMap: p.has('org.read'),
    canImport: p.has('element.import'),
    canReadMail: p.has('user.manage'),
  };
}
