/**
 * 演示审批 (demo approval): the smallest human-task process. It creates a task through the task
 * activity, waits for the submission signal under a deadline, and on timeout marks the task
 * expired. If a submission wins the race against the deadline (the task is already completed when
 * the workflow tries to expire it), the workflow waits for that submission's signal instead.
 */
import { condition, proxyActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { TaskSubmission, TasksActivities } from '../activities/tasks';
import { orgScopeValues, SA } from '../temporal-config/search-attributes';
import {
  DEMO_APPROVAL_FORM,
  type DemoApprovalInput,
  type DemoApprovalResult,
  type DemoApprovalStage,
  demoApprovalState,
  demoApprovalSubmit,
} from './demo-approval-messages';

const { createTask, closeTask } = proxyActivities<TasksActivities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumInterval: '1 minute' },
});

export async function demoApproval(input: DemoApprovalInput): Promise<DemoApprovalResult> {
  let stage: DemoApprovalStage = 'creating_task';
  let taskId: number | null = null;
  let submission: TaskSubmission | undefined;
  setHandler(demoApprovalSubmit, (s) => {
    // Only the submission of this run's task counts (a stale task of an earlier run is ignored).
    if (taskId === null || s.taskId === taskId) submission = s;
  });
  setHandler(demoApprovalState, () => ({ stage, taskId }));

  const dueAt = new Date(workflowInfo().runStartTime.getTime() + input.deadlineMs).toISOString();
  // What the workflow console filters on (temporal-config/search-attributes.ts).
  const publish = (overdue: boolean) =>
    upsertSearchAttributes([
      { key: SA.BizType, value: 'demo_approval' },
      { key: SA.OrgPath, value: input.orgPath },
      { key: SA.OrgScope, value: orgScopeValues(input.orgPath) },
      { key: SA.DeadlineAt, value: new Date(dueAt) },
      { key: SA.Overdue, value: overdue },
    ]);
  publish(false);
  const created = await createTask({
    signalName: demoApprovalSubmit.name,
    formKey: DEMO_APPROVAL_FORM,
    title: input.title,
    bizType: 'demo_approval',
    bizId: workflowInfo().workflowId,
    data: { applicant: input.applicant },
    assigneeUserId: input.assigneeUserId,
    candidateRole: input.assigneeUserId ? undefined : input.candidateRole,
    candidateOrgPath: input.assigneeUserId ? undefined : input.orgPath,
    orgPath: input.orgPath,
    dueAt,
  });
  taskId = created.taskId;
  stage = 'waiting';
  publish(false);

  const inTime = await condition(() => submission !== undefined, input.deadlineMs);
  if (!inTime) {
    const closed = await closeTask(taskId, 'expired', '超过办理时限未提交');
    if (closed.status !== 'completed') {
      stage = 'expired';
      publish(true);
      return { outcome: 'expired', taskId };
    }
    // A submission completed the task just before the deadline: its signal is on its way.
    await condition(() => submission !== undefined);
  }
  const s = submission as TaskSubmission;
  const decision = s.data.decision === 'approve' ? 'approved' : 'rejected';
  stage = decision;
  publish(false);
  return { outcome: decision, taskId, comment: typeof s.data.comment === 'string' ? s.data.comment : undefined, decidedBy: s.completedBy };
}
