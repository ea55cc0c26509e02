/**
 * Human-task activities (待办任务): a workflow that needs a person calls `createTask`, then waits for
 * the submission signal (`TaskSubmission`) under a deadline, and calls `closeTask` when the
 * deadline passes or the process is cancelled.
 *
 * Idempotency: the task's key is workflowId/runId/activityId from the activity context (a unique
 * constraint), so a retried attempt of the same activity never creates a second task. The run id is
 * part of the key because activity ids restart at "1" in every run of a reused workflow id.
 */
import { Context } from '@temporalio/activity';
import type { Db } from '../db/connection';
import { type CloseReason, closeTaskRow, insertTask, type TaskStatus } from '../db/queries/tasks';

export interface CreateTaskInput {
  /** The signal that receives the submission; its payload is `TaskSubmission`. */
  signalName: string;
  formKey: string;
  /** Snapshot of a user-designed form; built-in forms come from the forms/ registry by key. */
  formSchema?: Record<string, unknown>;
  uiSchema?: Record<string, unknown>;
  title: string;
  bizType: string;
  bizId?: string;
  data?: Record<string, unknown>;
  /** Either a user, or a role within an org subtree (候选人 = 角色 + 组织范围). */
  assigneeUserId?: number;
  candidateRole?: string;
  candidateOrgPath?: string;
  /** Org path of the business object (its grid), for scoped supervision views. */
  orgPath: string;
  /** ISO time; the workflow computes it (working-day deadlines come from their own activity). */
  dueAt?: string;
  /** Only for callers outside an activity context (tests, scripts). */
  idempotencyKey?: string;
}

/** What the API sends to the workflow when a person submits the task's form. */
export interface TaskSubmission {
  taskId: number;
  data: Record<string, unknown>;
  completedBy: number;
}

export interface CloseTaskResult {
  taskId: number | null;
  /** The status the task ends in; 'completed' means a submission won the race and its signal is on the way. */
  status: TaskStatus | 'missing';
  changed: boolean;
}

function activityKey(): { key: string; workflowId: string; runId: string } | undefined {
  let ctx: Context;
  try {
    ctx = Context.current();
  } catch {
    return undefined;
  }
  const wf = ctx.info.workflowExecution;
  if (!wf) return undefined;
  return { key: `${wf.workflowId}/${wf.runId}/${ctx.info.activityId}`, workflowId: wf.workflowId, runId: wf.runId };
}

export function createTasksActivities(db: Db) {
  return {
    /** Creates the task once per activity (retries return the same id). */
    async createTask(input: CreateTaskInput): Promise<{ taskId: number; created: boolean }> {
      const ak = activityKey();
      const idempotencyKey = input.idempotencyKey ?? ak?.key;
      if (!idempotencyKey) throw new Error('createTask needs an activity context or an explicit idempotencyKey');
      if (!input.assigneeUserId && !(input.candidateRole && input.candidateOrgPath))
        throw new Error('createTask needs assigneeUserId or candidateRole + candidateOrgPath');
      const r = await insertTask(db, {
        workflowId: ak?.workflowId ?? idempotencyKey,
        runId: ak?.runId ?? null,
        signalName: input.signalName,
        formKey: input.formKey,
        formSchema: input.formSchema ?? null,
        uiSchema: input.uiSchema ?? null,
        title: input.title,
        bizType: input.bizType,
        bizId: input.bizId ?? null,
        data: input.data ?? {},
        assigneeUserId: input.assigneeUserId ?? null,
        candidateRole: input.candidateRole ?? null,
        candidateOrgPath: input.candidateOrgPath ?? null,
        orgPath: input.orgPath,
        dueAt: input.dueAt ?? null,
        idempotencyKey,
      });
      return { taskId: r.id, created: r.created };
    },

    /** Closes a live task as expired or cancelled; a task already closed is left unchanged. */
    async closeTask(ref: number | string, reason: CloseReason, note?: string): Promise<CloseTaskResult> {
      const r = await closeTaskRow(db, typeof ref === 'number' ? { id: ref } : { idempotencyKey: ref }, reason, note);
      return r ? { taskId: r.id, status: r.status, changed: r.changed } : { taskId: null, status: 'missing', changed: false };
    },
  };
}

export type TasksActivities = ReturnType<typeof createTasksActivities>;
