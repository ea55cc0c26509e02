/**
 * The console's reading of a Temporal history (M-3), on a hand-built history with what the demo
 * processes in the browser test do not produce: an activity that failed and one still retrying,
 * a pending timer, search-attribute updates, a terminated end. Payload-free, as in production.
 */
import { describe, expect, it } from 'vitest';
import { proto } from '../../engine/proto';
import { formatDuration, readHistory } from './console-history';

const ET = proto.temporal.api.enums.v1.EventType;
const T0 = Date.UTC(2026, 10, 24, 1, 0, 0);
const at = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 });
const sa = (v: unknown) => ({ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from(JSON.stringify(v)) });

function history() {
  let id = 0;
  const ev = (t: number, o: Record<string, unknown>) =>
    proto.temporal.api.history.v1.HistoryEvent.fromObject({ eventId: ++id, eventTime: at(T0 + t), ...o });
  return {
    events: [
      ev(0, {
        eventType: ET.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
        workflowExecutionStartedEventAttributes: { workflowType: { name: 'issueWorkflow' } },
      }),
      ev(10, { eventType: ET.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED }),
      ev(20, {
        eventType: ET.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
        activityTaskScheduledEventAttributes: { activityId: '1', activityType: { name: 'sendMail' } },
      }),
      ev(30, { eventType: ET.EVENT_TYPE_ACTIVITY_TASK_STARTED, activityTaskStartedEventAttributes: { scheduledEventId: 3, attempt: 5 } }),
      ev(40, {
        eventType: ET.EVENT_TYPE_ACTIVITY_TASK_FAILED,
        activityTaskFailedEventAttributes: { scheduledEventId: 3, failure: { message: 'SMTP 连接被拒绝' } },
      }),
      ev(50, {
        eventType: ET.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
        activityTaskScheduledEventAttributes: { activityId: '2', activityType: { name: 'openIssueTask' } },
      }),
      ev(60, { eventType: ET.EVENT_TYPE_ACTIVITY_TASK_STARTED, activityTaskStartedEventAttributes: { scheduledEventId: 6, attempt: 2 } }),
      ev(70, {
        eventType: ET.EVENT_TYPE_TIMER_STARTED,
        timerStartedEventAttributes: { timerId: '1', startToFireTimeout: { seconds: 3 * 86400 } },
      }),
      ev(80, {
        eventType: ET.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,
        upsertWorkflowSearchAttributesEventAttributes: {
          searchAttributes: { indexedFields: { Stage: sa('community'), Overdue: sa(true), OrgScope: sa(['km']) } },
        },
      }),
      ev(90, {
        eventType: ET.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
        workflowExecutionSignaledEventAttributes: { signalName: 'issue.taskSubmitted' },
      }),
      ev(100, {
        eventType: ET.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED,
        workflowExecutionTerminatedEventAttributes: { reason: '重复上报' },
      }),
    ],
  };
}

describe('console history reading (M-3)', () => {
  it('M-3 Chinese timeline, failed and pending activities, pending timer with fire time and time left, state updates', () => {
    const now = T0 + 86_400_000; // one day after the start
    const r = readHistory(history(), now);
    expect(r.timeline.map((e) => e.title)).toEqual([
      '流程启动',
      '安排活动：发送邮件提醒',
      '活动失败：发送邮件提醒',
      '安排活动：创建待办任务',
      '设置定时器',
      '流程状态更新',
      '收到表单提交',
      '流程被强制终止',
    ]);
    expect(r.failedActivities).toEqual([
      expect.objectContaining({ activityType: 'sendMail', label: '发送邮件提醒', message: 'SMTP 连接被拒绝' }),
    ]);
    expect(r.pendingActivities).toEqual([expect.objectContaining({ activityType: 'openIssueTask', attempt: 2, state: '执行中' })]);
    expect(r.pendingTimers).toHaveLength(1);
    const fire = T0 + 70 + 3 * 86_400_000;
    expect(r.pendingTimers[0]).toMatchObject({ fireAt: new Date(fire).toISOString(), remainingMs: fire - now });
    const timer = r.timeline.find((e) => e.title === '设置定时器');
    expect(timer?.remainingMs).toBe(fire - now);
    expect(timer?.detail).toContain('时长 3天');
    expect(r.timeline.find((e) => e.title === '流程状态更新')?.detail).toBe('当前环节：社区办理；是否超期：是');
    expect(r.timeline.at(-1)?.detail).toBe('重复上报');
  });

  it('M-3 durations read as Chinese, overdue ones say so', () => {
    expect(formatDuration(2 * 86_400_000 + 3 * 3_600_000)).toBe('2天3小时');
    expect(formatDuration(90_000)).toBe('1分30秒');
    expect(formatDuration(-3_600_000)).toBe('已超过 1小时');
  });
});
