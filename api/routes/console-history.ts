/**
 * The console's reading of a Temporal history (temporal.api.history.v1.History): every event the
 * people watching a process care about, in Chinese, plus what is still pending (timers with their
 * fire time and time remaining, activities not yet finished). Works on a history from either
 * runtime: only event types, names, times and timeouts are read — never payload contents, which
 * may be encrypted by the SM4 codec.
 */
import type { temporal } from '@temporalio/proto';
import { proto } from '../../engine/proto';

// @temporalio/proto is CommonJS: its namespace comes through createRequire (engine/proto.ts) under native ESM.
const ET = proto.temporal.api.enums.v1.EventType;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

export type TimelineKind = 'workflow' | 'activity' | 'timer' | 'signal' | 'state' | 'task' | 'child' | 'admin';

export interface TimelineEntry {
  /** ISO time of the event. */
  at: string;
  kind: TimelineKind;
  /** Chinese title, e.g. "设置定时器（办理时限）". */
  title: string;
  detail?: string;
  /** success | error | warning | pending | default — the colour of the dot. */
  tone: 'success' | 'error' | 'warning' | 'pending' | 'default';
  eventId?: number;
  /** Timers: when it fires (ISO) and, while pending, milliseconds left. */
  fireAt?: string;
  remainingMs?: number;
}

export interface PendingTimer {
  timerId: string;
  startedAt: string;
  fireAt: string;
  remainingMs: number;
}

export interface PendingActivity {
  activityId: string;
  activityType: string;
  label: string;
  scheduledAt: string;
  attempt: number;
  state: '已排队' | '执行中';
}

export interface FailedActivity {
  activityId: string;
  activityType: string;
  label: string;
  at: string;
  message: string;
}

export interface HistoryReading {
  timeline: TimelineEntry[];
  pendingTimers: PendingTimer[];
  pendingActivities: PendingActivity[];
  failedActivities: FailedActivity[];
}

/** Activity names → what they do, in the words of the people using the console. */
const ACTIVITY_LABELS: Record<string, string> = {
  createTask: '创建待办任务',
  closeTask: '关闭待办任务',
  computeDeadline: '计算办理时限（工作日）',
  workingDeadline: '计算办理时限（工作日）',
  sendMail: '发送邮件提醒',
  notify: '发送提醒',
  recordStep: '记录办理环节',
  supervisionOrder: '生成督办单',
};

export function activityLabel(name: string): string {
  if (ACTIVITY_LABELS[name]) return ACTIVITY_LABELS[name];
  if (/^(create|open).*Task$/i.test(name)) return '创建待办任务';
  if (/^close.*Tasks?$/i.test(name)) return '关闭待办任务';
  if (/deadline/i.test(name)) return '计算办理时限';
  if (/mail|notify|notice/i.test(name)) return '发送通知';
  return name;
}

/** Signal names → Chinese. Task submissions end in "submit" / "taskSubmitted" by convention. */
export function signalLabel(name: string): string {
  if (/submit/i.test(name)) return '收到表单提交';
  if (/acknowledg/i.test(name)) return '收到已阅确认';
  if (/rated|rating/i.test(name)) return '收到居民评价';
  if (/approve/i.test(name)) return '收到审批';
  return `收到信号 ${name}`;
}

const SA_LABELS: Record<string, string> = {
  BizType: '业务类型',
  BizId: '业务编号',
  OrgPath: '所属区域',
  Stage: '当前环节',
  AssigneeOrg: '承办单位',
  DeadlineAt: '办理时限',
  Overdue: '是否超期',
  EscalationLevel: '督办层级',
};

type LongLike = number | { toString(): string } | null | undefined;
const num = (v: LongLike): number => (v === null || v === undefined ? 0 : Number(v.toString()));

function tsMs(t: { seconds?: LongLike; nanos?: number | null } | null | undefined): number {
  if (!t) return 0;
  return num(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6);
}

const durMs = tsMs;

function decodeSaPayload(p: temporal.api.common.v1.IPayload | null | undefined): unknown {
  if (!p?.data) return undefined;
  try {
    return JSON.parse(Buffer.from(p.data).toString('utf8'));
  } catch {
    return undefined;
  }
}

export function formatDuration(ms: number): string {
  const neg = ms < 0;
  let s = Math.round(Math.abs(ms) / 1000);
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const parts = d ? [`${d}天`, h ? `${h}小时` : ''] : h ? [`${h}小时`, m ? `${m}分` : ''] : m ? [`${m}分`, s ? `${s}秒` : ''] : [`${s}秒`];
  return (neg ? '已超过 ' : '') + parts.join('');
}

function saText(name: string, v: unknown): string {
  const val = Array.isArray(v) ? v[0] : v;
  if (name === 'Overdue') return val ? '是' : '否';
  if (name === 'DeadlineAt' && typeof val === 'string')
    return new Date(val).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });
  if (name === 'Stage' && typeof val === 'string') return stageLabel(val);
  return String(val ?? '');
}

/** Step codes of the platform's processes → Chinese. */
const STAGE_LABELS: Record<string, string> = {
  creating_task: '创建任务',
  waiting: '待办理',
  approved: '已同意',
  rejected: '未同意',
  expired: '超期关闭',
  grid_verify: '网格核实',
  community: '社区办理',
  street: '街道吹哨',
  department: '部门办理',
  verify: '核查评价',
  archive: '待归档',
  archived: '已归档',
  invalid: '无效件',
};

export function stageLabel(code: string): string {
  return STAGE_LABELS[code] ?? code;
}

/** Reads a history into the console's timeline and pending lists, at the app's `now`. */
export function readHistory(history: { events?: HistoryEvent[] | null }, now: number): HistoryReading {
  const timeline: TimelineEntry[] = [];
  const scheduled = new Map<number, { activityId: string; type: string; at: number; attempt: number; started: boolean }>();
  const timers = new Map<number, { timerId: string; at: number; fireAt: number }>();
  const failedActivities: FailedActivity[] = [];
  const push = (e: HistoryEvent, at: number, entry: Omit<TimelineEntry, 'at' | 'eventId'>) =>
    timeline.push({ at: new Date(at).toISOString(), eventId: num(e.eventId), ...entry });

  for (const e of history.events ?? []) {
    const at = tsMs(e.eventTime);
    switch (e.eventType) {
      case ET.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED: {
        const a = e.workflowExecutionStartedEventAttributes;
        push(e, at, { kind: 'workflow', title: '流程启动', detail: a?.workflowType?.name ?? undefined, tone: 'success' });
        break;
      }
      case ET.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED: {
        const a = e.activityTaskScheduledEventAttributes;
        const type = a?.activityType?.name ?? '';
        scheduled.set(num(e.eventId), { activityId: a?.activityId ?? '', type, at, attempt: 1, started: false });
        push(e, at, { kind: 'activity', title: `安排活动：${activityLabel(type)}`, tone: 'default' });
        break;
      }
      case ET.EVENT_TYPE_ACTIVITY_TASK_STARTED: {
        const a = e.activityTaskStartedEventAttributes;
        const s = scheduled.get(num(a?.scheduledEventId));
        if (s) {
          s.started = true;
          s.attempt = a?.attempt ?? 1;
        }
        break;
      }
      case ET.EVENT_TYPE_ACTIVITY_TASK_COMPLETED: {
        const id = num(e.activityTaskCompletedEventAttributes?.scheduledEventId);
        const s = scheduled.get(id);
        scheduled.delete(id);
        push(e, at, {
          kind: 'activity',
          title: `活动完成：${activityLabel(s?.type ?? '')}`,
          detail: s && s.attempt > 1 ? `第 ${s.attempt} 次尝试成功` : undefined,
          tone: 'success',
        });
        break;
      }
      case ET.EVENT_TYPE_ACTIVITY_TASK_FAILED:
      case ET.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT: {
        const failed = e.eventType === ET.EVENT_TYPE_ACTIVITY_TASK_FAILED;
        const a = failed ? e.activityTaskFailedEventAttributes : e.activityTaskTimedOutEventAttributes;
        const id = num(a?.scheduledEventId);
        const s = scheduled.get(id);
        scheduled.delete(id);
        const message = a?.failure?.message || (failed ? '活动执行失败' : '活动执行超时');
        const label = activityLabel(s?.type ?? '');
        failedActivities.push({
          activityId: s?.activityId ?? '',
          activityType: s?.type ?? '',
          label,
          at: new Date(at).toISOString(),
          message,
        });
        push(e, at, { kind: 'activity', title: `${failed ? '活动失败' : '活动超时'}：${label}`, detail: message, tone: 'error' });
        break;
      }
      case ET.EVENT_TYPE_ACTIVITY_TASK_CANCELED: {
        const id = num(e.activityTaskCanceledEventAttributes?.scheduledEventId);
        const s = scheduled.get(id);
        scheduled.delete(id);
        push(e, at, { kind: 'activity', title: `活动已取消：${activityLabel(s?.type ?? '')}`, tone: 'warning' });
        break;
      }
      case ET.EVENT_TYPE_TIMER_STARTED: {
        const a = e.timerStartedEventAttributes;
        const fireAt = at + durMs(a?.startToFireTimeout);
        timers.set(num(e.eventId), { timerId: a?.timerId ?? '', at, fireAt });
        push(e, at, {
          kind: 'timer',
          title: '设置定时器',
          detail: `时长 ${formatDuration(fireAt - at)}，到期时间 ${fmt(fireAt)}`,
          tone: 'pending',
          fireAt: new Date(fireAt).toISOString(),
        });
        break;
      }
      case ET.EVENT_TYPE_TIMER_FIRED: {
        const id = num(e.timerFiredEventAttributes?.startedEventId);
        const t = timers.get(id);
        timers.delete(id);
        push(e, at, {
          kind: 'timer',
          title: '定时器到期',
          detail: t ? `设定于 ${fmt(t.at)}` : undefined,
          tone: 'warning',
          fireAt: t ? new Date(t.fireAt).toISOString() : undefined,
        });
        break;
      }
      case ET.EVENT_TYPE_TIMER_CANCELED: {
        const id = num(e.timerCanceledEventAttributes?.startedEventId);
        const t = timers.get(id);
        timers.delete(id);
        push(e, at, {
          kind: 'timer',
          title: '定时器取消（条件已满足）',
          detail: t ? `原定 ${fmt(t.fireAt)} 到期` : undefined,
          tone: 'default',
        });
        break;
      }
      case ET.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED: {
        const a = e.workflowExecutionSignaledEventAttributes;
        push(e, at, { kind: 'signal', title: signalLabel(a?.signalName ?? ''), detail: a?.signalName ?? undefined, tone: 'success' });
        break;
      }
      case ET.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES: {
        const fields = e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {};
        const parts = Object.entries(fields)
          .filter(([k]) => SA_LABELS[k] && k !== 'OrgScope')
          .map(([k, p]) => `${SA_LABELS[k]}：${saText(k, decodeSaPayload(p))}`);
        if (parts.length) push(e, at, { kind: 'state', title: '流程状态更新', detail: parts.join('；'), tone: 'default' });
        break;
      }
      case ET.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED:
        push(e, at, {
          kind: 'admin',
          title: '收到取消请求',
          detail: e.workflowExecutionCancelRequestedEventAttributes?.cause || undefined,
          tone: 'warning',
        });
        break;
      case ET.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED: {
        const a = e.startChildWorkflowExecutionInitiatedEventAttributes;
        push(e, at, {
          kind: 'child',
          title: `启动子流程：${a?.workflowType?.name ?? ''}`,
          detail: a?.workflowId ?? undefined,
          tone: 'default',
        });
        break;
      }
      case ET.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED:
        push(e, at, { kind: 'child', title: '子流程完成', tone: 'success' });
        break;
      case ET.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED:
        push(e, at, { kind: 'child', title: '子流程失败', tone: 'error' });
        break;
      case ET.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
        push(e, at, { kind: 'workflow', title: '流程完成', tone: 'success' });
        break;
      case ET.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED:
        push(e, at, {
          kind: 'workflow',
          title: '流程失败',
          detail: e.workflowExecutionFailedEventAttributes?.failure?.message ?? undefined,
          tone: 'error',
        });
        break;
      case ET.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED:
        push(e, at, { kind: 'workflow', title: '流程已取消', tone: 'warning' });
        break;
      case ET.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED:
        push(e, at, {
          kind: 'admin',
          title: '流程被强制终止',
          detail: e.workflowExecutionTerminatedEventAttributes?.reason || undefined,
          tone: 'error',
        });
        break;
      case ET.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
        push(e, at, { kind: 'workflow', title: '流程续作新实例（continue-as-new）', tone: 'default' });
        break;
      case ET.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT:
        push(e, at, { kind: 'workflow', title: '流程执行超时', tone: 'error' });
        break;
      default:
        break; // workflow tasks, markers: bookkeeping of the engine, not of the process
    }
  }

  const pendingTimers: PendingTimer[] = [...timers.values()].map((t) => ({
    timerId: t.timerId,
    startedAt: new Date(t.at).toISOString(),
    fireAt: new Date(t.fireAt).toISOString(),
    remainingMs: t.fireAt - now,
  }));
  for (const entry of timeline) {
    if (entry.kind === 'timer' && entry.title === '设置定时器' && entry.fireAt) {
      const stillPending = pendingTimers.some((p) => p.fireAt === entry.fireAt && p.startedAt === entry.at);
      if (stillPending) entry.remainingMs = new Date(entry.fireAt).getTime() - now;
      else entry.tone = 'default';
    }
  }
  const pendingActivities: PendingActivity[] = [...scheduled.values()].map((s) => ({
    activityId: s.activityId,
    activityType: s.type,
    label: activityLabel(s.type),
    scheduledAt: new Date(s.at).toISOString(),
    attempt: s.attempt,
    state: s.started ? '执行中' : '已排队',
  }));
  return { timeline, pendingTimers, pendingActivities, failedActivities };
}

function fmt(ms: number): string {
  return new Date(ms).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });
}

export { SA_LABELS, saText };
