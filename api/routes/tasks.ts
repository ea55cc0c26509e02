/**
 * 待办任务 (the task inbox API): list, counts, detail with the form, claim / unclaim / delegate, and
 * submit. Submission order: refuse a closed task → validate against the task's form schema → in one
 * transaction lock the row, mark it completed, signal the workflow → commit. If the signal fails the
 * transaction rolls back, so a task is never completed without the workflow receiving its data.
 */
import type { TaskSubmission } from '../../activities/tasks';
import {
  canHandle,
  claimTask,
  closeTaskRow,
  countInbox,
  delegateTask,
  explain,
  findTask,
  getTaskForActor,
  LIVE_STATUSES,
  listInbox,
  lockForCompletion,
  markCompleted,
  type Outcome,
  type Refusal,
  type TaskRow,
  unclaimTask,
} from '../../db/queries/tasks';
import { getForm } from '../../forms/catalog';
import { ApiError, errors } from '../errors';
import { defineRoutes, type RouteContext, type Services } from '../http';
import { validate } from '../validation';

const ORG_PATH = '^[A-Za-z0-9_]+(\\.[A-Za-z0-9_]+)*$';

const listQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    type: { type: 'string', title: '任务类型', maxLength: 50 },
    due: { type: 'string', title: '到期', enum: ['today', 'week'] },
    overdue: { type: 'string', title: '是否超期', enum: ['true', 'false'] },
    org: { type: 'string', title: '所属区域', pattern: ORG_PATH, maxLength: 255 },
    page: { type: 'string', title: '页码', pattern: '^[1-9][0-9]{0,5}$' },
    pageSize: { type: 'string', title: '每页条数', pattern: '^[1-9][0-9]?$|^100$' },
  },
};

function taskId(params: Record<string, string>): number {
  const id = Number(params.id);
  if (!Number.isSafeInteger(id) || id <= 0) throw errors.notFound('任务');
  return id;
}

function refuse(o: Refusal): ApiError {
  switch (o.reason) {
    case 'not_found':
      return errors.notFound('任务');
    case 'closed':
    case 'taken':
      return errors.conflict(o.message);
    case 'not_allowed':
      return errors.forbidden(o.message);
    case 'bad_target':
      return errors.badRequest(o.message, 'userId');
  }
}

function unwrap<T>(o: Outcome<T>): T {
  if (o.ok) return o.task;
  throw refuse(o);
}

/** The form a task is filled with: its stored snapshot (user-designed forms) or the built-in form. */
function formOf(
  t: TaskRow,
): { key: string; title: string; schema: Record<string, unknown>; uiSchema: Record<string, unknown> } | undefined {
  if (t.form_schema) return { key: t.form_key, title: t.title, schema: t.form_schema, uiSchema: t.ui_schema ?? {} };
  const f = getForm(t.form_key);
  return f ? { key: f.key, title: f.title, schema: f.schema, uiSchema: f.uiSchema ?? {} } : undefined;
}

/**
 * A task that lists `data.allowedActions` (e.g. the issue workflow's steps) accepts only those
 * actions; anything else is refused before anything changes, naming the field `action`.
 */
function refuseActionNotAllowed(
  t: TaskRow,
  data: Record<string, unknown>,
  form: { schema: Record<string, unknown>; uiSchema: Record<string, unknown> },
): void {
  const allowed = t.data?.allowedActions;
  if (!Array.isArray(allowed) || allowed.length === 0) return;
  const action = data?.action;
  if (typeof action === 'string' && allowed.includes(action)) return;
  // The action radio's Chinese labels (ui:enumNames beside the schema's enum), codes otherwise.
  const codes = ((form.schema.properties as Record<string, { enum?: unknown[] }> | undefined)?.action?.enum ?? []) as string[];
  const names = ((form.uiSchema.action as Record<string, unknown> | undefined)?.['ui:enumNames'] ?? []) as string[];
  const label = (c: string) => names[codes.indexOf(c)] ?? c;
  const shown = typeof action === 'string' && action ? `“${label(action)}”` : '（未选择）';
  const choices = allowed.map((a) => `“${label(String(a))}”`).join('、');
  throw errors.badRequest(`办理操作${shown}不是该任务当前允许的操作，请从${choices}中选择后再提交`, 'action');
}

function isWorkflowGone(err: unknown): boolean {
  const e = err as { name?: string; message?: string };
  return e?.name === 'WorkflowNotFoundError' || /not found|already completed|closed/i.test(e?.message ?? '');
}

/**
 * A submission holds one pooled connection (its transaction, with the task row locked) while the
 * signal needs another from the same pool (the embedded engine shares the database). At most half
 * the pool may be inside submissions, so a burst of submissions can never hold every connection
 * while each waits for one more.
 */
class Gate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly max: number) {}
  async run<T>(fn: () => Promise<T>): Promise<T> {
    while (this.active >= this.max) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}
const gates = new WeakMap<object, Gate>();
function submitGate(db: Services['db']): Gate {
  let g = gates.get(db);
  if (!g) {
    const poolMax = (db.client.config as { pool?: { max?: number } }).pool?.max ?? 10;
    g = new Gate(Math.max(1, Math.floor(poolMax / 2)));
    gates.set(db, g);
  }
  return g;
}

export const taskRoutes = defineRoutes([
  {
    method: 'get',
    path: '/tasks',
    permission: 'task.read',
    personal: true,
    query: listQuery,
    summary: '我的待办：指派给我、我已认领、以及我可认领的任务（按数据范围），支持类型/到期/超期/区域筛选与分页',
    async handler({ services, actor, query }: RouteContext<unknown, Record<string, string | undefined>>) {
      return listInbox(services.db, actor, {
        type: query.type,
        due: query.due as 'today' | 'week' | undefined,
        overdue: query.overdue === undefined ? undefined : query.overdue === 'true',
        org: query.org,
        page: query.page ? Number(query.page) : undefined,
        pageSize: query.pageSize ? Number(query.pageSize) : undefined,
      });
    },
  },
  {
    method: 'get',
    path: '/tasks/counts',
    permission: 'task.read',
    summary: '待办数量：按任务类型统计待办数与超期数',
    async handler({ services, actor }) {
      const byType = await countInbox(services.db, actor);
      return {
        total: byType.reduce((s, x) => s + x.count, 0),
        overdue: byType.reduce((s, x) => s + x.overdue, 0),
        byType,
      };
    },
  },
  {
    method: 'get',
    path: '/tasks/:id',
    permission: 'task.read',
    personal: true,
    summary: '任务详情：任务信息、表单（JSON Schema 与 UI Schema）以及我能否办理',
    async handler({ services, actor, params }) {
      const id = taskId(params);
      const task = await getTaskForActor(services.db, actor, id);
      if (!task) throw errors.notFound('任务');
      const row = (await findTask(services.db, id)) as TaskRow;
      return { task, form: formOf(row) ?? null, canHandle: canHandle(actor, row) };
    },
  },
  {
    method: 'post',
    path: '/tasks/:id/claim',
    permission: 'task.handle',
    summary: '认领任务：多人同时认领时只有一人成功',
    async handler({ services, actor, params }) {
      return { task: unwrap(await claimTask(services.db, actor, taskId(params))) };
    },
  },
  {
    method: 'post',
    path: '/tasks/:id/unclaim',
    permission: 'task.handle',
    summary: '取消认领：任务退回候选池',
    async handler({ services, actor, params }) {
      return { task: unwrap(await unclaimTask(services.db, actor, taskId(params))) };
    },
  },
  {
    method: 'post',
    path: '/tasks/:id/delegate',
    permission: 'task.handle',
    body: {
      type: 'object',
      required: ['userId'],
      additionalProperties: false,
      properties: { userId: { type: 'integer', title: '转办对象', minimum: 1 } },
    },
    summary: '转办：当前办理人把任务交给管辖范围内的其他人员',
    async handler({ services, actor, params, body }: RouteContext<{ userId: number }>) {
      return { task: unwrap(await delegateTask(services.db, actor, taskId(params), body.userId)) };
    },
  },
  {
    method: 'post',
    path: '/tasks/:id/submit',
    permission: 'task.handle',
    personal: true,
    body: {
      type: 'object',
      required: ['data'],
      additionalProperties: false,
      properties: { data: { type: 'object', title: '表单内容' } },
    },
    summary: '提交任务表单：按任务表单校验，办结任务并把数据送达流程',
    async handler({ services, actor, params, body }: RouteContext<{ data: Record<string, unknown> }>) {
      const id = taskId(params);
      const db = services.db;
      const row = await findTask(db, id);
      if (!row) throw errors.notFound('任务');
      // A closed task is refused before anything else: nothing changes, the message says why.
      if (!LIVE_STATUSES.includes(row.status) || !canHandle(actor, row)) {
        throw refuse(await explain(db, actor, id));
      }
      const form = formOf(row);
      if (!form) throw errors.conflict('该任务的表单已不存在，无法提交；请联系系统管理员恢复表单');
      refuseActionNotAllowed(row, body.data, form);
      const data = validate<Record<string, unknown>>(form.schema, body.data);
      const client = services.workflows;
      if (!client) throw errors.unavailable('流程服务暂不可用，请稍后再试');

      let signalError: unknown;
      try {
        const task = await submitGate(db).run(() =>
          db.transaction(async (trx) => {
            const locked = await lockForCompletion(trx, db, actor, id);
            if (!locked.ok) throw refuse(locked);
            await markCompleted(trx, id, actor, data);
            const submission: TaskSubmission = { taskId: id, data, completedBy: actor.userId };
            try {
              await client.getHandle(locked.task.workflow_id).signal(locked.task.signal_name, submission);
            } catch (err) {
              signalError = err;
              throw err;
            }
            return locked.task;
          }),
        );
        services.log.info({ taskId: id, workflowId: task.workflow_id, by: actor.userId }, 'task submitted');
        return { task: await getTaskForActor(db, actor, id) };
      } catch (err) {
        if (err instanceof ApiError || signalError === undefined) throw err;
        if (isWorkflowGone(signalError)) {
          // The process ended without this task: take it out of every inbox.
          await closeTaskRow(db, { id }, 'cancelled', '流程已结束');
          throw errors.conflict('该任务所属流程已结束，任务已撤销，无需再提交；请刷新待办列表');
        }
        services.log.error({ err: signalError, taskId: id }, 'task signal failed');
        throw errors.unavailable('提交未能送达流程，任务保持未办结；请稍后重新提交');
      }
    },
  },
]);
