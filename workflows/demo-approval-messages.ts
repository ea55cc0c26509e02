/**
 * The demo approval's contract with the API and the task inbox: signal and query definitions.
 * The task row stores `submitSignal.name`, so the API's submit path needs no import of this file.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { TaskSubmission } from '../activities/tasks';

export const DEMO_APPROVAL_FORM = 'demo-approval';

export const demoApprovalSubmit = defineSignal<[TaskSubmission]>('demoApproval.submit');

export type DemoApprovalStage = 'creating_task' | 'waiting' | 'approved' | 'rejected' | 'expired';
export const demoApprovalState = defineQuery<{ stage: DemoApprovalStage; taskId: number | null }>('demoApproval.state');

export interface DemoApprovalInput {
  /** 申请事项 */
  title: string;
  applicant: string;
  /** Grid of the business object; the task goes to `candidateRole` holders of this grid. */
  orgPath: string;
  candidateRole: string;
  /** Or one named handler instead of a role. */
  assigneeUserId?: number;
  /** 办理时限, milliseconds from the start of the run. */
  deadlineMs: number;
}

export interface DemoApprovalResult {
  outcome: 'approved' | 'rejected' | 'expired';
  taskId: number;
  comment?: string;
  decidedBy?: number;
}
