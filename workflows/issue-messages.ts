/**
 * The IssueWorkflow's contract with the API: signal and query definitions and their payloads.
 * The API imports these constants; no signal name is spelled anywhere else.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { Complexity } from './issue-policy';

/** 问题来源: grid worker's report, resident's submission (public H5), patrol/hazard micro-lead (W-3). */
export type IssueSource = 'grid' | 'resident' | 'lead';

/**
 * 流程环节: grid_verify 网格核实上报, community 社区接报, street 街乡吹哨, department 部门报到,
 * verify 核查评价, archive 归档; archived 已归档, invalid 无效件 are final.
 */
export type IssueStep = 'grid_verify' | 'community' | 'street' | 'department' | 'verify' | 'archive' | 'archived' | 'invalid';

export interface OrgRef {
  id: number;
  path: string;
  name: string;
}

export interface IssueInput {
  issueNo: string;
  title: string;
  source: IssueSource;
  complexity: Complexity;
  categoryCode?: string;
  grid: OrgRef;
  community: OrgRef;
  street: OrgRef;
  district: OrgRef;
  /** The grid worker who reported it (source grid) — also the one who verifies the result. */
  reporterUserId?: number;
  /** The resident who submitted it (source resident) — may rate the result. */
  residentUserId?: number;
  /** A grid worker who solved it on the spot (网格员自行处置). */
  selfHandled?: { result: string };
}

/** Who acted, as the API saw them after checking their session and permission. */
export interface ActorRef {
  userId: number;
  name: string;
}

/** A submitted inbox task (activities/tasks.ts): the API validated `data` against the task's form. */
import type { TaskSubmission } from '../activities/tasks';

export type { TaskSubmission };

export interface ResidentRating {
  stars: number;
  comment?: string;
  actor: ActorRef;
}

export interface DispatchState {
  dept: OrgRef;
  /** pending 待接单, accepted 已接单, returned 已退单, fed_back 已反馈 */
  status: 'pending' | 'accepted' | 'returned' | 'fed_back';
  handler?: OrgRef;
  feedback?: string;
  taskId?: number;
}

export interface IssueState {
  issueNo: string;
  step: IssueStep;
  complexity: Complexity;
  /** The unit currently holding the issue (community, street, …). */
  holder: OrgRef;
  handlingDeadline?: string;
  extensionWorkingDays: number;
  pendingExtension?: { deptId: number; workingDays: number; reason: string };
  supervisionLevel: number;
  dispatches: DispatchState[];
  /** 退单 and 核查不通过 count; ≥ 2 makes it a difficult issue. */
  returnCount: number;
  marks: string[];
  internalRating?: { stars: number; comment?: string };
  externalRating?: { stars: number; comment?: string };
  /** Who closed it at the community or street level (自办结), when no department was involved. */
  closedBy?: 'grid' | 'community' | 'street' | 'department';
  openTaskIds: number[];
}

/** 提交待办: carries a submitted inbox task to the workflow. */
export const taskSubmitted = defineSignal<[TaskSubmission]>('issue.taskSubmitted');
/** 督办提醒已阅: acknowledging a supervision notice; the workflow only takes note. */
export const noticeAcknowledged = defineSignal<[unknown]>('issue.noticeAcknowledged');
/** 居民评价 (Q-5 external rating). */
export const residentRated = defineSignal<[ResidentRating]>('issue.residentRated');
/** The workflow's current state, for the issue page and the console. */
export const issueStateQuery = defineQuery<IssueState>('issue.state');
