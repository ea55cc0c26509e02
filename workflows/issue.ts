/**
 * IssueWorkflow (新时代枫桥经验 问题处置, Q-1..Q-5): one workflow per issue, id `issue-${issueNo}`.
 *
 * 网格发现 → 社区接报 → 街乡吹哨 → 部门报到 → 核查评价 → 归档. Every action is an inbox task whose
 * submission arrives as the `taskSubmitted` signal; the API has already checked the form and that
 * the action is in the task's `allowedActions`, and the workflow checks again against its own
 * state (a stale task is closed, nothing else changes). Deadlines come from activities (working
 * days on the statutory calendar); supervision runs beside the main loop. Deterministic: no clock,
 * no I/O — time only through timers, everything else through activities.
 */
import { condition, proxyActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { IssueActivities, IssueTaskKind, IssueTaskRequest } from '../activities/issue';
import type { TaskSubmission } from '../activities/tasks';
import { SA } from '../temporal-config/search-attributes';
import {
  type ActorRef,
  type IssueInput,
  type IssueState,
  type IssueStep,
  issueStateQuery,
  noticeAcknowledged,
  type OrgRef,
  residentRated,
  taskSubmitted,
} from './issue-messages';
import {
  GRID_REPORT_WORKING_DAYS,
  HANDLING_WORKING_DAYS,
  MAX_EXTENSION_WORKING_DAYS,
  RESIDENT_RATING_WINDOW,
  SUPERVISION_LAYERS,
} from './issue-policy';

const acts = proxyActivities<IssueActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

interface OpenTask {
  id: number;
  kind: IssueTaskKind;
  allowedActions: string[];
  /** For department tasks: index into state.dispatches. */
  dispatchIndex?: number;
}

const HANDLING_STEPS: readonly IssueStep[] = ['community', 'street', 'department'];
const SYSTEM: ActorRef = { userId: 0, name: '系统' };

export async function issueWorkflow(input: IssueInput): Promise<IssueState> {
  const workflowId = workflowInfo().workflowId;
  let keySeq = 0;
  /** Deterministic idempotency keys: a retried activity never creates a second task or step. */
  const nextKey = () => `${workflowId}:${++keySeq}`;

  const state: IssueState = {
    issueNo: input.issueNo,
    step: 'grid_verify',
    complexity: input.complexity,
    holder: input.grid,
    extensionWorkingDays: 0,
    supervisionLevel: 0,
    dispatches: [],
    returnCount: 0,
    marks: [],
    openTaskIds: [],
  };
  const openTasks = new Map<number, OpenTask>();
  const inbox: TaskSubmission[] = [];
  /** Bumped whenever the handling deadline moves, so supervision re-arms. */
  let deadlineVersion = 0;

  setHandler(noticeAcknowledged, () => undefined);
  setHandler(taskSubmitted, (s) => {
    inbox.push(s);
  });
  setHandler(residentRated, (r) => {
    if (input.residentUserId !== undefined && r.actor.userId === input.residentUserId && !state.externalRating) {
      state.externalRating = { stars: r.stars, comment: r.comment };
      pendingRating = r;
    }
  });
  let pendingRating: { stars: number; comment?: string; actor: ActorRef } | undefined;
  setHandler(issueStateQuery, () => ({ ...state, openTaskIds: [...openTasks.keys()] }));

  /** The console filters on these (temporal-config/search-attributes.ts); kept in step with the state. */
  const publishSearchAttributes = () =>
    upsertSearchAttributes([
      { key: SA.Stage, value: state.step },
      { key: SA.AssigneeOrg, value: state.holder.path },
      { key: SA.EscalationLevel, value: state.supervisionLevel },
      { key: SA.Overdue, value: state.supervisionLevel > 0 },
      ...(state.handlingDeadline ? [{ key: SA.DeadlineAt, value: new Date(Date.parse(state.handlingDeadline)) }] : []),
    ]);

  // ----- writes: queued during a step, applied in one activity (one transaction) ---------------

  type StepRecord = { action: string; actor: ActorRef; detail: Record<string, unknown>; step: IssueStep };
  type TaskOpen = { req: IssueTaskRequest; kind: IssueTaskKind; allowedActions: string[]; dispatchIndex?: number };
  const pendingOpens: TaskOpen[] = [];
  const pendingCloses: { taskIds: number[]; reason: string }[] = [];

  /**
   * Applies the queued task opens and closes together with the step records, in one activity: the
   * issues row, its timeline and its inbox tasks change in one transaction, and a step costs one
   * activity however many tasks it opens.
   */
  async function flush(records: StepRecord[] = []): Promise<void> {
    const opens = pendingOpens.splice(0);
    const closes = pendingCloses.splice(0);
    if (opens.length === 0 && closes.length === 0 && records.length === 0) return;
    publishSearchAttributes();
    const ids = await acts.advanceIssue({
      key: nextKey(),
      workflowId,
      issueNo: input.issueNo,
      records,
      opens: opens.map((o) => o.req),
      closes,
      snapshot: { ...state, openTaskIds: [...openTasks.keys()] },
    });
    opens.forEach((o, i) => {
      openTasks.set(ids[i], { id: ids[i], kind: o.kind, allowedActions: o.allowedActions, dispatchIndex: o.dispatchIndex });
      if (o.dispatchIndex !== undefined) state.dispatches[o.dispatchIndex].taskId = ids[i];
    });
  }

  const record = (action: string, actor: ActorRef, detail: Record<string, unknown> = {}, step: IssueStep = state.step) =>
    flush([{ action, actor, detail, step }]);

  /** Queues an inbox task for the next flush. */
  async function openTask(
    kind: IssueTaskKind,
    to: { role?: string; org?: OrgRef; userId?: number },
    allowedActions: string[],
    extra: { dueAt?: string; dispatchIndex?: number; note?: string } = {},
  ) {
    pendingOpens.push({
      kind,
      allowedActions,
      dispatchIndex: extra.dispatchIndex,
      req: {
        kind,
        title: input.title,
        allowedActions,
        candidateRole: to.userId === undefined ? to.role : undefined,
        candidateOrgPath: to.userId === undefined ? to.org?.path : undefined,
        assigneeUserId: to.userId,
        orgPath: input.grid.path,
        dueAt: extra.dueAt,
        data: {
          step: state.step,
          holder: state.holder,
          dispatch: extra.dispatchIndex === undefined ? undefined : { ...state.dispatches[extra.dispatchIndex] },
          note: extra.note,
          complexity: state.complexity,
          deadline: state.handlingDeadline,
        },
      },
    });
  }

  /** Takes tasks out of the open set now; their rows are closed at the next flush. */
  async function closeTasks(reason: string, which: (t: OpenTask) => boolean = () => true) {
    const ids = [...openTasks.values()].filter(which).map((t) => t.id);
    if (ids.length === 0) return;
    for (const id of ids) openTasks.delete(id);
    pendingCloses.push({ taskIds: ids, reason });
  }

  // ----- entering steps -----------------------------------------------------------------------

  async function enterCommunity(community: OrgRef) {
    state.step = 'community';
    state.holder = community;
    if (!state.handlingDeadline) {
      const d = await acts.deadlineAfterWorkingDays({ workingDays: HANDLING_WORKING_DAYS[state.complexity] });
      state.handlingDeadline = d.at;
      deadlineVersion++;
    }
    await openTask('community', { role: 'community_staff', org: community }, ['handle', 'escalate', 'transfer'], {
      dueAt: state.handlingDeadline,
    });
  }

  async function enterStreet(street: OrgRef, note?: string) {
    state.step = 'street';
    state.holder = street;
    const returned = state.dispatches.some((d) => d.status === 'returned');
    const actions = returned ? ['redispatch', 'close_self', 'transfer', 'mark'] : ['accept', 'dispatch', 'close_self', 'transfer', 'mark'];
    await openTask('street', { role: 'street_staff', org: street }, actions, { dueAt: state.handlingDeadline, note });
  }

  async function openDepartmentTask(i: number) {
    const d = state.dispatches[i];
    const actions = d.status === 'pending' ? ['accept', 'return'] : ['sub_dispatch', 'request_extension', 'feedback', 'return'];
    await openTask('department', { role: 'dept_handler', org: d.handler ?? d.dept }, actions, {
      dueAt: state.handlingDeadline,
      dispatchIndex: i,
    });
  }

  async function enterDepartments(deptIds: number[]) {
    state.step = 'department';
    // Only reached when no dispatch is active (first dispatch, or all returned), so indexes are free to move.
    state.dispatches = state.dispatches.filter((d) => d.status !== 'returned');
    const first = state.dispatches.length;
    for (const id of deptIds) {
      if (state.dispatches.some((d) => d.dept.id === id)) continue;
      const dept = await acts.resolveOrg({ orgId: id, expectType: 'department' });
      if (!dept) continue;
      state.dispatches.push({ dept, status: 'pending' });
    }
    for (let i = first; i < state.dispatches.length; i++) await openDepartmentTask(i);
  }

  async function enterVerify() {
    state.step = 'verify';
    state.pendingExtension = undefined;
    await closeTasks('已进入核查环节');
    const to = input.reporterUserId !== undefined ? { userId: input.reporterUserId } : { role: 'grid_worker', org: input.grid };
    await openTask('verify', to, ['pass', 'fail']);
  }

  async function enterArchive() {
    state.step = 'archive';
    const archiver =
      state.closedBy === 'community' ? { role: 'community_staff', org: input.community } : { role: 'street_staff', org: input.street };
    const actions = state.dispatches.length > 0 ? ['archive', 'return_feedback', 'mark'] : ['archive', 'mark'];
    await openTask('archive', archiver, actions);
  }

  /** Back to whoever produced the result (核查不通过 / 退回反馈). */
  async function backToHandlers(reason: string) {
    state.returnCount++;
    await closeTasks(reason);
    if (state.dispatches.length > 0) {
      state.step = 'department';
      for (let i = 0; i < state.dispatches.length; i++) {
        if (state.dispatches[i].status === 'returned') continue;
        state.dispatches[i].status = 'accepted';
        await openDepartmentTask(i);
      }
    } else if (state.closedBy === 'community') {
      state.step = 'community';
      await openTask('community', { role: 'community_staff', org: input.community }, ['handle', 'escalate', 'transfer'], {
        dueAt: state.handlingDeadline,
        note: reason,
      });
    } else {
      await enterStreet(input.street, reason);
    }
  }

  // ----- actions ------------------------------------------------------------------------------

  /**
   * An action is noted while it runs and recorded once it has finished, so the recorded snapshot
   * (the issues row the lists read) already shows the step the action led to.
   */
  const noted: { action: string; actor: ActorRef; detail: Record<string, unknown>; step: IssueStep }[] = [];
  const note = (action: string, actor: ActorRef, detail: Record<string, unknown> = {}) => {
    noted.push({ action, actor, detail, step: state.step });
  };

  async function act(task: OpenTask, s: TaskSubmission): Promise<void> {
    const data = s.data as { action: string; [field: string]: unknown };
    const actor: ActorRef = { userId: s.completedBy, name: '' };
    const text = (k: string) => (typeof data[k] === 'string' ? (data[k] as string) : undefined);
    switch (`${task.kind}:${data.action}`) {
      case 'grid_verify:report':
        note('report', actor, { comment: text('comment') });
        await enterCommunity(input.community);
        return;
      case 'grid_verify:self_handle':
        state.closedBy = 'grid';
        note('self_handle', actor, { result: text('result') });
        state.step = 'archived';
        return;
      case 'grid_verify:invalid':
        note('invalid', actor, { reason: text('reason') });
        state.step = 'invalid';
        return;

      case 'community:handle':
        state.closedBy = 'community';
        note('handle', actor, { result: text('result') });
        await enterVerify();
        return;
      case 'community:escalate':
        note('escalate', actor, { reason: text('reason') });
        await enterStreet(input.street);
        return;
      case 'community:transfer': {
        const target = await acts.resolveOrg({ orgId: Number(data.targetOrgId), expectType: 'community' });
        if (!target || target.id === state.holder.id) {
          await openTask('community', { role: 'community_staff', org: state.holder }, task.allowedActions, {
            dueAt: state.handlingDeadline,
            note: '转派目标不是有效的其他社区，请重新选择',
          });
          return;
        }
        note('transfer', actor, { to: target, reason: text('reason') });
        await enterCommunity(target);
        return;
      }

      case 'street:accept':
        if (data.complexity === 'general' || data.complexity === 'complex') state.complexity = data.complexity;
        note('accept', actor, { complexity: state.complexity });
        await openTask('street', { role: 'street_staff', org: state.holder }, ['dispatch', 'close_self', 'transfer', 'mark'], {
          dueAt: state.handlingDeadline,
        });
        return;
      case 'street:transfer': {
        const target = await acts.resolveOrg({ orgId: Number(data.targetOrgId), expectType: 'street' });
        if (!target || target.id === state.holder.id) {
          await openTask('street', { role: 'street_staff', org: state.holder }, task.allowedActions, {
            dueAt: state.handlingDeadline,
            note: '转办目标不是有效的其他街道（乡镇），请重新选择',
          });
          return;
        }
        note('transfer', actor, { to: target, reason: text('reason') });
        await enterStreet(target);
        return;
      }
      case 'street:close_self':
        state.closedBy = 'street';
        note('close_self', actor, { result: text('result') });
        await enterVerify();
        return;
      case 'street:dispatch':
      case 'street:redispatch': {
        const deptIds = Array.isArray(data.deptIds) ? data.deptIds.map(Number).filter((n) => Number.isInteger(n)) : [];
        note(data.action, actor, { deptIds, comment: text('comment') });
        await enterDepartments(deptIds);
        if (state.dispatches.length === 0) await enterStreet(state.holder, '所选部门无效，请重新派单');
        return;
      }
      case 'street:mark':
        state.marks.push(text('mark') ?? '');
        note('mark', actor, { mark: text('mark') });
        await openTask('street', { role: 'street_staff', org: state.holder }, task.allowedActions, { dueAt: state.handlingDeadline });
        return;

      case 'extension_review:approve':
      case 'extension_review:reject': {
        const req = state.pendingExtension;
        state.pendingExtension = undefined;
        if (!req) return;
        if (data.action === 'approve' && state.handlingDeadline) {
          const days = Math.min(MAX_EXTENSION_WORKING_DAYS, Math.max(1, Number(data.workingDays ?? req.workingDays)));
          const d = await acts.deadlineAfterWorkingDays({ from: state.handlingDeadline, workingDays: days, fromIsEndOfDay: true });
          state.handlingDeadline = d.at;
          state.extensionWorkingDays += days;
          state.supervisionLevel = 0;
          deadlineVersion++;
          note('extension_approved', actor, { workingDays: days, deadline: d.at });
        } else {
          note('extension_rejected', actor, { reason: text('reason') });
        }
        return;
      }

      case 'department:accept': {
        const i = task.dispatchIndex!;
        state.dispatches[i].status = 'accepted';
        note('dept_accept', actor, { dept: state.dispatches[i].dept });
        await openDepartmentTask(i);
        return;
      }
      case 'department:sub_dispatch': {
        const i = task.dispatchIndex!;
        const sub = await acts.resolveOrg({
          orgId: Number(data.targetOrgId),
          expectType: 'department',
          under: state.dispatches[i].dept.path,
        });
        if (!sub) {
          await openTask(
            'department',
            { role: 'dept_handler', org: state.dispatches[i].handler ?? state.dispatches[i].dept },
            task.allowedActions,
            { dueAt: state.handlingDeadline, dispatchIndex: i, note: '二次调度只能派给本部门的下属单位，请重新选择' },
          );
          return;
        }
        state.dispatches[i].handler = sub;
        note('sub_dispatch', actor, { dept: state.dispatches[i].dept, to: sub });
        await openDepartmentTask(i);
        return;
      }
      case 'department:return': {
        const i = task.dispatchIndex!;
        state.dispatches[i].status = 'returned';
        state.returnCount++;
        note('dept_return', actor, { dept: state.dispatches[i].dept, reason: text('reason') });
        const active = state.dispatches.filter((d) => d.status !== 'returned');
        if (active.length === 0) {
          await closeTasks('部门已退单');
          await enterStreet(input.street, `部门退单：${text('reason') ?? ''}`);
        } else if (active.every((d) => d.status === 'fed_back')) {
          await enterVerify();
        }
        return;
      }
      case 'department:request_extension': {
        const i = task.dispatchIndex!;
        const workingDays = Math.min(MAX_EXTENSION_WORKING_DAYS, Math.max(1, Number(data.workingDays)));
        note('extension_requested', actor, { dept: state.dispatches[i].dept, workingDays, reason: text('reason') });
        const actions = task.allowedActions.filter((a) => a !== 'request_extension');
        if (!state.pendingExtension) {
          state.pendingExtension = { deptId: state.dispatches[i].dept.id, workingDays, reason: text('reason') ?? '' };
          await openTask('extension_review', { role: 'street_staff', org: input.street }, ['approve', 'reject'], {
            note: `${state.dispatches[i].dept.name}申请延期${workingDays}个工作日：${text('reason') ?? ''}`,
          });
        }
        await openTask('department', { role: 'dept_handler', org: state.dispatches[i].handler ?? state.dispatches[i].dept }, actions, {
          dueAt: state.handlingDeadline,
          dispatchIndex: i,
        });
        return;
      }
      case 'department:feedback': {
        const i = task.dispatchIndex!;
        state.dispatches[i].status = 'fed_back';
        state.dispatches[i].feedback = text('result');
        state.closedBy = 'department';
        note('feedback', actor, { dept: state.dispatches[i].dept, result: text('result') });
        const active = state.dispatches.filter((d) => d.status !== 'returned');
        if (active.every((d) => d.status === 'fed_back')) await enterVerify();
        return;
      }

      case 'verify:pass':
        state.internalRating = { stars: Number(data.stars), comment: text('comment') };
        note('verify_pass', actor, { stars: Number(data.stars), comment: text('comment') });
        await enterArchive();
        return;
      case 'verify:fail':
        note('verify_fail', actor, { reason: text('reason') });
        await backToHandlers(`核查不通过：${text('reason') ?? ''}`);
        return;

      case 'archive:archive':
        note('archive', actor, {});
        state.step = 'archived';
        return;
      case 'archive:return_feedback':
        note('return_feedback', actor, { reason: text('reason') });
        await backToHandlers(`退回反馈：${text('reason') ?? ''}`);
        return;
      case 'archive:mark':
        state.marks.push(text('mark') ?? '');
        note('mark', actor, { mark: text('mark') });
        await openTask(
          'archive',
          {
            role: state.closedBy === 'community' ? 'community_staff' : 'street_staff',
            org: state.closedBy === 'community' ? input.community : input.street,
          },
          task.allowedActions,
        );
        return;
    }
  }

  // ----- supervision (三层督办) -----------------------------------------------------------------

  const finished = () => state.step === 'archived' || state.step === 'invalid';
  const handling = () => HANDLING_STEPS.includes(state.step);

  async function superviseHandling(): Promise<void> {
    while (!finished()) {
      if (!state.handlingDeadline || !handling()) {
        await condition(() => finished() || (state.handlingDeadline !== undefined && handling()));
        continue;
      }
      const version = deadlineVersion;
      const next = SUPERVISION_LAYERS.find((l) => l.level > state.supervisionLevel);
      if (!next) {
        await condition(() => finished() || deadlineVersion !== version);
        continue;
      }
      const due = await acts.deadlineAfterWorkingDays({
        from: state.handlingDeadline,
        workingDays: next.afterWorkingDays,
        fromIsEndOfDay: true,
        allowZero: true,
      });
      const moved = due.msUntil > 0 ? await condition(() => finished() || deadlineVersion !== version || !handling(), due.msUntil) : false;
      if (moved) continue;
      state.supervisionLevel = next.level;
      await acts.sendSupervision({
        key: nextKey(),
        workflowId,
        issueNo: input.issueNo,
        title: input.title,
        level: next.level,
        label: next.label,
        role: next.role,
        district: input.district,
        orgPath: input.grid.path,
        deadline: state.handlingDeadline,
        holder: state.holder,
        departments: state.dispatches.filter((d) => d.status !== 'returned' && d.status !== 'fed_back').map((d) => d.dept),
      });
      await record('supervision', SYSTEM, { level: next.level, label: next.label });
    }
  }

  async function superviseGridReport(): Promise<void> {
    const due = await acts.deadlineAfterWorkingDays({ workingDays: GRID_REPORT_WORKING_DAYS });
    const done = await condition(() => state.step !== 'grid_verify', due.msUntil);
    if (done) return;
    await acts.sendSupervision({
      key: nextKey(),
      workflowId,
      issueNo: input.issueNo,
      title: input.title,
      level: 0,
      label: '网格核实上报超时提醒',
      role: 'community_staff',
      district: input.community,
      orgPath: input.grid.path,
      deadline: due.at,
      holder: input.grid,
      departments: [],
    });
    await record('report_overdue', SYSTEM, {});
  }

  // ----- main loop ----------------------------------------------------------------------------

  const reporter: ActorRef = { userId: input.reporterUserId ?? input.residentUserId ?? 0, name: '' };
  if (input.selfHandled) {
    await record('created', reporter, { source: input.source }, 'grid_verify');
    state.closedBy = 'grid';
    state.step = 'archived';
    await record('self_handle', reporter, { result: input.selfHandled.result }, 'grid_verify');
  } else if (input.source === 'grid') {
    await enterCommunity(input.community);
    await record('created', reporter, { source: input.source }, 'grid_verify');
  } else {
    const due = await acts.deadlineAfterWorkingDays({ workingDays: GRID_REPORT_WORKING_DAYS });
    await openTask('grid_verify', { role: 'grid_worker', org: input.grid }, ['report', 'self_handle', 'invalid'], { dueAt: due.at });
    await record('created', reporter, { source: input.source });
  }

  const supervision = Promise.all([superviseHandling(), input.source === 'grid' ? Promise.resolve() : superviseGridReport()]);

  while (!finished()) {
    await condition(() => inbox.length > 0 || pendingRating !== undefined);
    if (pendingRating) {
      const r = pendingRating;
      pendingRating = undefined;
      await record('resident_rating', r.actor, { stars: r.stars, comment: r.comment });
    }
    const s = inbox.shift();
    if (!s) continue;
    const task = openTasks.get(s.taskId);
    const action = String(s.data.action);
    if (!task?.allowedActions.includes(action)) {
      await record('stale_submission', { userId: s.completedBy, name: '' }, { taskId: s.taskId, action });
      continue;
    }
    openTasks.delete(task.id);
    await act(task, s);
    await flush(noted.splice(0));
  }
  await closeTasks(state.step === 'invalid' ? '问题已认定为无效件' : '问题已归档');
  await record(state.step, SYSTEM, {});
  await supervision;

  // 外部评价: the resident may still rate the result for a while after archiving.
  if (state.step === 'archived' && input.residentUserId !== undefined && !state.externalRating) {
    await condition(() => pendingRating !== undefined, RESIDENT_RATING_WINDOW);
  }
  if (pendingRating) {
    const r = pendingRating;
    pendingRating = undefined;
    await record('resident_rating', r.actor, { stars: r.stars, comment: r.comment });
  }
  return { ...state, openTaskIds: [] };
}
