/**
 * One workflow run held in memory: its SDK sandbox plus the bookkeeping Temporal's core keeps
 * (which history event belongs to which command sequence number). It plays core's part:
 * events → activation jobs, commands → events. The same code path serves live workflow tasks and
 * replay (rebuilding an evicted sandbox), so both see identical activations; during replay every
 * command must match the recorded event, which is our own nondeterminism check.
 */

import type { PayloadCodec } from '@temporalio/common';
import { msToTs, optionalTsToMs } from '@temporalio/common/lib/time';
import type { coresdk, temporal } from '@temporalio/proto';
import type { WorkflowCreator } from '@temporalio/worker/lib/workflow/interface';
import { WorkflowCodecRunner } from '@temporalio/worker/lib/workflow-codec-runner';
import Long from 'long';
import { EventType, eventIdOf, type Failure, type HistoryEvent, isCommandEvent, type Payload } from './history';
import { proto } from './proto';
import { createSandbox, type Workflow } from './sandbox';
import { randomnessSeed } from './seed';

type Job = coresdk.workflow_activation.IWorkflowActivationJob;
type Command = coresdk.workflow_commands.IWorkflowCommand;
const ActCancel = proto.coresdk.workflow_commands.ActivityCancellationType;
const RetryState = proto.temporal.api.enums.v1.RetryState;

export class NondeterminismError extends Error {
  override name = 'NondeterminismError';
}

/** The workflow code threw outside the workflow function (a bug, or a nondeterminism error). */
export class WorkflowTaskFailedError extends Error {
  override name = 'WorkflowTaskFailedError';
  constructor(readonly failure: Failure | null | undefined) {
    super(failure?.message ?? '工作流任务失败');
  }
}

/** State changes the engine must persist beside the events of a workflow task. */
export type Effect =
  | { kind: 'timer'; startedEventId: number; timerId: string; durationMs: number }
  | { kind: 'cancelTimer'; startedEventId: number }
  | { kind: 'activity'; scheduledEventId: number; attrs: temporal.api.history.v1.IActivityTaskScheduledEventAttributes }
  | { kind: 'cancelActivity'; scheduledEventId: number }
  | { kind: 'startChild'; initiatedEventId: number; attrs: temporal.api.history.v1.IStartChildWorkflowExecutionInitiatedEventAttributes }
  | { kind: 'cancelExternal'; initiatedEventId: number; workflowId: string; runId: string; reason: string; childOnly: boolean }
  | {
      kind: 'signalExternal';
      initiatedEventId: number;
      attrs: temporal.api.history.v1.ISignalExternalWorkflowExecutionInitiatedEventAttributes;
    }
  | { kind: 'searchAttributes'; fields: Record<string, Payload> }
  | { kind: 'memo'; fields: Record<string, Payload> }
  | { kind: 'close'; event: HistoryEvent };

export interface TaskOutcome {
  /** New events in id order: inputs, WorkflowTask{Scheduled,Started,Completed}, command events. */
  events: HistoryEvent[];
  effects: Effect[];
}

interface ActivityRef {
  seq: number;
  activityId: string;
  activityType: string;
  cancellationType: number;
  startedEventId?: number;
  /** Already resolved to the workflow (e.g. cancelled with TRY_CANCEL): later events add no job. */
  resolved?: boolean;
}

interface ChildRef {
  seq: number;
  workflowId: string;
  workflowType: string;
  runId?: string;
  startedEventId?: number;
  /** coresdk ChildWorkflowCancellationType: 0 abandon, 1 try cancel, 2 wait completed, 3 wait requested. */
  cancellationType: number;
  /** Already resolved to the workflow (cancelled): later events add no job. */
  resolved?: boolean;
}

/** A command event waiting for its id (emitted at the end of the task, like core does). */
interface Pending {
  event: HistoryEvent;
  onId?: (id: number) => void;
  /** Cancelled in the same task before being sent: dropped (core never sends it). */
  dropped?: boolean;
  timerSeq?: number;
  activitySeq?: number;
  childSeq?: number;
}

/** Where command events go: appended live, or matched against recorded history on replay. */
interface CommandSink {
  emit(e: HistoryEvent): number;
  replaying: boolean;
}

const WFT_TIMEOUT = msToTs(10_000);

export class WorkflowRun {
  nextEventId = 1;
  closed = false;
  /** It started child workflows (their parent close policy then applies). */
  hasChildren = false;
  /** SDK internal flags seen so far (written to WorkflowTaskCompleted.sdkMetadata). */
  private flags = new Set<number>();
  private vm?: Workflow;
  private activities = new Map<number, ActivityRef>();
  private activityBySeq = new Map<number, number>();
  private timers = new Map<number, number>();
  private timerBySeq = new Map<number, number>();
  private children = new Map<number, ChildRef>();
  private childBySeq = new Map<number, number>();
  private signalsExternal = new Map<number, number>();
  /** RequestCancelExternal initiated event id → the child's initiated event id. */
  private childCancels = new Map<number, number>();
  /** RequestCancelExternal initiated event id → the workflow's command seq (external cancels). */
  private externalCancels = new Map<number, number>();
  private pending: Pending[] = [];
  private terminal = false;

  constructor(
    readonly runId: string,
    readonly workflowId: string,
    readonly taskQueue: string,
    private readonly creator: WorkflowCreator,
    private readonly identity: string,
    codecs: PayloadCodec[] = [],
  ) {
    // The same codec path as the SDK worker: payloads are decoded into the sandbox and encoded
    // out of it, so history only ever holds encoded payloads (e.g. SM4-encrypted personal data).
    this.codec = codecs.length > 0 ? new WorkflowCodecRunner(codecs, { type: 'workflow', namespace: 'default', workflowId }) : undefined;
  }

  private readonly codec?: WorkflowCodecRunner;

  private async activate(activation: coresdk.workflow_activation.IWorkflowActivation) {
    if (!this.vm) throw new Error('sandbox missing');
    if (!this.codec) return this.vm.activate(activation);
    const decoded = await this.codec.decodeActivation(activation);
    return (await this.codec.encodeCompletion(
      await this.vm.activate(decoded),
    )) as coresdk.workflow_completion.IWorkflowActivationCompletion;
  }

  /**
   * Processes one live workflow task: `inputs` (events without ids, from the inbox) are appended,
   * the sandbox is activated, and its commands become events and effects.
   */
  async liveTask(inputs: HistoryEvent[], nowMs: number): Promise<TaskOutcome> {
    const events: HistoryEvent[] = [];
    const effects: Effect[] = [];
    const push = (e: HistoryEvent): number => {
      const id = this.nextEventId++;
      e.eventId = Long.fromNumber(id);
      if (!e.eventTime) e.eventTime = msToTs(nowMs);
      events.push(e);
      return id;
    };
    for (const e of inputs) {
      push(e);
      this.fillStartedRef(e, events);
    }
    const scheduledId = push({
      eventType: EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
      workflowTaskScheduledEventAttributes: { taskQueue: { name: this.taskQueue, kind: 1 }, startToCloseTimeout: WFT_TIMEOUT, attempt: 1 },
    });
    const started: HistoryEvent = {
      eventType: EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
      workflowTaskStartedEventAttributes: { scheduledEventId: Long.fromNumber(scheduledId), identity: this.identity },
    };
    const startedId = push(started);
    const completedAttrs: temporal.api.history.v1.IWorkflowTaskCompletedEventAttributes = {
      scheduledEventId: Long.fromNumber(scheduledId),
      startedEventId: Long.fromNumber(startedId),
      identity: this.identity,
    };
    const completedId = push({
      eventType: EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
      workflowTaskCompletedEventAttributes: completedAttrs,
    });
    const before = new Set(this.flags);
    const sink: CommandSink = { emit: push, replaying: false };
    await this.runTask(events.slice(0, inputs.length), started, [], sink, completedId, effects);
    const newFlags = [...this.flags].filter((f) => !before.has(f));
    completedAttrs.sdkMetadata = { langUsedFlags: newFlags };
    return { events, effects };
  }

  /** Result events name the event that started the work; the producer could not know its id. */
  private fillStartedRef(e: HistoryEvent, batch: HistoryEvent[]): void {
    const startedFor = (scheduled: unknown) =>
      batch.find(
        (b) =>
          b.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED &&
          Number(b.activityTaskStartedEventAttributes?.scheduledEventId) === Number(scheduled),
      );
    const act =
      e.activityTaskCompletedEventAttributes ??
      e.activityTaskFailedEventAttributes ??
      e.activityTaskTimedOutEventAttributes ??
      e.activityTaskCanceledEventAttributes;
    if (act) {
      const s = startedFor(act.scheduledEventId);
      if (s) act.startedEventId = s.eventId;
      return;
    }
    const child =
      e.childWorkflowExecutionCompletedEventAttributes ??
      e.childWorkflowExecutionFailedEventAttributes ??
      e.childWorkflowExecutionCanceledEventAttributes ??
      e.childWorkflowExecutionTerminatedEventAttributes;
    if (child) {
      const ref = this.children.get(Number(child.initiatedEventId));
      if (ref?.startedEventId) child.startedEventId = Long.fromNumber(ref.startedEventId);
      return;
    }
    // A child's Started event in the same batch is noted before its result arrives.
    if (e.childWorkflowExecutionStartedEventAttributes) {
      const ref = this.children.get(Number(e.childWorkflowExecutionStartedEventAttributes.initiatedEventId));
      if (ref) ref.startedEventId = eventIdOf(e);
    }
  }

  /** Replays recorded history into a fresh sandbox (cache miss, eviction, other process). */
  async replay(history: HistoryEvent[]): Promise<void> {
    let inputs: HistoryEvent[] = [];
    let i = 0;
    while (i < history.length) {
      const e = history[i];
      const type = e.eventType ?? 0;
      if (type === EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED) {
        i++;
        continue;
      }
      if (type === EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED) {
        const completed = history[i + 1];
        if (!completed || completed.eventType !== EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) break; // unfinished task
        let j = i + 2;
        const recorded: HistoryEvent[] = [];
        while (j < history.length && isCommandEvent(history[j])) recorded.push(history[j++]);
        for (const f of completed.workflowTaskCompletedEventAttributes?.sdkMetadata?.langUsedFlags ?? []) this.flags.add(f);
        let k = 0;
        const sink: CommandSink = {
          replaying: true,
          emit: (ev) => {
            const rec = recorded[k++];
            if (!rec || rec.eventType !== ev.eventType) {
              throw new NondeterminismError(
                `重放不一致: 代码产生 ${EventType[ev.eventType ?? 0]}, 历史记录为 ${rec ? EventType[rec.eventType ?? 0] : '无'} (事件 ${rec ? eventIdOf(rec) : '-'})`,
              );
            }
            return eventIdOf(rec);
          },
        };
        await this.runTask(inputs, e, recorded, sink, eventIdOf(completed), []);
        if (k !== recorded.length) throw new NondeterminismError(`重放不一致: 历史中多出 ${recorded.length - k} 个命令事件`);
        inputs = [];
        this.nextEventId = eventIdOf(history[j - 1]) + 1;
        i = j;
        continue;
      }
      inputs.push(e);
      this.nextEventId = eventIdOf(e) + 1;
      i++;
    }
    for (const e of inputs) this.noteInput(e);
  }

  /** Runs a query against the current state (no history is written). */
  async query(queryType: string, args: Payload[]): Promise<Payload | undefined> {
    if (!this.vm) throw new Error('工作流尚未开始执行, 请稍后再查询');
    const completion = await this.activate(
      proto.coresdk.workflow_activation.WorkflowActivation.fromObject({
        runId: this.runId,
        jobs: [{ queryWorkflow: { queryId: 'q', queryType, arguments: args } }],
      }),
    );
    const res = completion.successful?.commands?.find((c) => c.respondToQuery)?.respondToQuery;
    if (!res) throw new WorkflowTaskFailedError(completion.failed?.failure);
    if (res.failed) throw new WorkflowTaskFailedError(res.failed);
    return res.succeeded?.response ?? undefined;
  }

  async dispose(): Promise<void> {
    const vm = this.vm;
    this.vm = undefined;
    await vm?.dispose();
  }

  // ---- one workflow task: activations until no immediate job is left ----

  private async runTask(
    inputs: HistoryEvent[],
    started: HistoryEvent,
    upcoming: HistoryEvent[],
    sink: CommandSink,
    completedId: number,
    effects: Effect[],
  ): Promise<void> {
    let jobs = this.jobsFor(inputs, upcoming);
    this.pending = [];
    for (let round = 0; jobs.length > 0; round++) {
      if (round > 100) throw new Error('工作流任务内的激活次数过多');
      if (!this.vm) {
        const init = jobs.find((j) => j.initializeWorkflow)?.initializeWorkflow;
        if (!init) throw new Error(`运行 ${this.runId} 缺少 WorkflowExecutionStarted 事件`);
        this.vm = await createSandbox(this.creator, this.runId, init, this.taskQueue, started.eventTime);
      }
      const activation = proto.coresdk.workflow_activation.WorkflowActivation.fromObject({
        runId: this.runId,
        timestamp: started.eventTime,
        isReplaying: sink.replaying,
        historyLength: eventIdOf(started),
        jobs,
        availableInternalFlags: [...this.flags],
        historySizeBytes: 0,
      });
      const completion = await this.activate(activation);
      await this.vm.getAndResetSinkCalls(); // workflow logs: not needed by the engine
      if (!completion.successful) throw new WorkflowTaskFailedError(completion.failed?.failure);
      for (const f of completion.successful.usedInternalFlags ?? []) this.flags.add(f);
      jobs = this.applyCommands(completion.successful.commands ?? [], completedId, effects, started);
    }
    for (const p of this.pending) {
      if (p.dropped) continue;
      const id = sink.emit(p.event);
      p.onId?.(id);
    }
    this.pending = [];
  }

  // ---- events → jobs ----

  private jobsFor(inputs: HistoryEvent[], upcoming: HistoryEvent[]): Job[] {
    const init: Job[] = [];
    const patches: Job[] = [];
    const signals: Job[] = [];
    const others: Job[] = [];
    for (const m of upcoming) {
      const a = m.markerRecordedEventAttributes;
      if (a?.markerName === 'core_patch') {
        const data = a.details?.['patch-data']?.payloads?.[0]?.data;
        if (data) patches.push({ notifyHasPatch: { patchId: (JSON.parse(Buffer.from(data).toString('utf8')) as { id: string }).id } });
      }
    }
    for (const e of inputs) {
      const job = this.noteInput(e);
      if (!job) continue;
      if (job.initializeWorkflow) init.push(job);
      else if (job.signalWorkflow) signals.push(job);
      else others.push(job);
    }
    return [...init, ...patches, ...signals, ...others];
  }

  /** Updates bookkeeping for a non-command event and returns the job it produces, if any. */
  private noteInput(e: HistoryEvent): Job | undefined {
    const id = eventIdOf(e);
    switch (e.eventType) {
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED: {
        const a = e.workflowExecutionStartedEventAttributes ?? {};
        const original = a.originalExecutionRunId || this.runId;
        return {
          initializeWorkflow: {
            workflowType: a.workflowType?.name,
            workflowId: a.workflowId || this.workflowId,
            arguments: a.input?.payloads ?? [],
            randomnessSeed: Long.fromString(randomnessSeed(original).toString(), true),
            headers: a.header?.fields ?? {},
            identity: a.identity,
            parentWorkflowInfo: a.parentWorkflowExecution
              ? {
                  namespace: a.parentWorkflowNamespace || 'default',
                  workflowId: a.parentWorkflowExecution.workflowId,
                  runId: a.parentWorkflowExecution.runId,
                }
              : undefined,
            workflowExecutionTimeout: a.workflowExecutionTimeout,
            workflowRunTimeout: a.workflowRunTimeout,
            workflowTaskTimeout: a.workflowTaskTimeout,
            continuedFromExecutionRunId: a.continuedExecutionRunId,
            continuedInitiator: a.initiator,
            continuedFailure: a.continuedFailure,
            lastCompletionResult: a.lastCompletionResult,
            firstExecutionRunId: a.firstExecutionRunId || this.runId,
            retryPolicy: a.retryPolicy,
            attempt: a.attempt || 1,
            cronSchedule: a.cronSchedule,
            memo: a.memo,
            searchAttributes: a.searchAttributes,
            startTime: e.eventTime,
            originalExecutionRunId: original,
          },
        };
      }
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED: {
        const a = e.workflowExecutionSignaledEventAttributes ?? {};
        return {
          signalWorkflow: {
            signalName: a.signalName,
            input: a.input?.payloads ?? [],
            identity: a.identity,
            headers: a.header?.fields ?? {},
          },
        };
      }
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED:
        return { cancelWorkflow: { reason: e.workflowExecutionCancelRequestedEventAttributes?.cause ?? '' } };
      case EventType.EVENT_TYPE_TIMER_FIRED: {
        const startedId = Number(e.timerFiredEventAttributes?.startedEventId ?? 0);
        const seq = this.timers.get(startedId);
        if (seq === undefined) return undefined;
        this.timers.delete(startedId);
        this.timerBySeq.delete(seq);
        return { fireTimer: { seq } };
      }
      case EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED: {
        const ref = this.activities.get(Number(e.activityTaskStartedEventAttributes?.scheduledEventId ?? 0));
        if (ref) ref.startedEventId = id;
        return undefined;
      }
      case EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED: {
        const a = e.activityTaskCompletedEventAttributes ?? {};
        return this.resolveActivity(Number(a.scheduledEventId), { completed: { result: a.result?.payloads?.[0] } });
      }
      case EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED: {
        const a = e.activityTaskFailedEventAttributes ?? {};
        const ref = this.activities.get(Number(a.scheduledEventId));
        return this.resolveActivity(Number(a.scheduledEventId), {
          failed: {
            failure: activityFailure(
              'Activity task failed',
              ref,
              a.failure,
              a.retryState ?? 0,
              a.scheduledEventId,
              a.startedEventId,
              a.identity,
            ),
          },
        });
      }
      case EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT: {
        const a = e.activityTaskTimedOutEventAttributes ?? {};
        const ref = this.activities.get(Number(a.scheduledEventId));
        return this.resolveActivity(Number(a.scheduledEventId), {
          failed: {
            failure: activityFailure(
              'Activity task timed out',
              ref,
              a.failure,
              a.retryState ?? 0,
              a.scheduledEventId,
              a.startedEventId,
              '',
            ),
          },
        });
      }
      case EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED: {
        const a = e.activityTaskCanceledEventAttributes ?? {};
        const ref = this.activities.get(Number(a.scheduledEventId));
        const cause: Failure = { canceledFailureInfo: { details: a.details } };
        return this.resolveActivity(Number(a.scheduledEventId), {
          cancelled: {
            failure: activityFailure(
              'Activity cancelled',
              ref,
              cause,
              RetryState.RETRY_STATE_CANCEL_REQUESTED,
              a.scheduledEventId,
              a.startedEventId,
              a.identity,
            ),
          },
        });
      }
      case EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED: {
        const a = e.childWorkflowExecutionStartedEventAttributes ?? {};
        const ref = this.children.get(Number(a.initiatedEventId));
        if (!ref) return undefined;
        ref.startedEventId = id;
        ref.runId = a.workflowExecution?.runId ?? undefined;
        if (ref.resolved) return undefined;
        return { resolveChildWorkflowExecutionStart: { seq: ref.seq, succeeded: { runId: a.workflowExecution?.runId } } };
      }
      case EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED: {
        const a = e.startChildWorkflowExecutionFailedEventAttributes ?? {};
        const ref = this.takeChild(Number(a.initiatedEventId));
        if (!ref || ref.resolved) return undefined;
        return {
          resolveChildWorkflowExecutionStart: {
            seq: ref.seq,
            failed: { workflowId: a.workflowId, workflowType: a.workflowType?.name, cause: 1 },
          },
        };
      }
      case EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED: {
        const a = e.childWorkflowExecutionCompletedEventAttributes ?? {};
        const ref = this.takeChild(Number(a.initiatedEventId));
        if (!ref || ref.resolved) return undefined;
        return { resolveChildWorkflowExecution: { seq: ref.seq, result: { completed: { result: a.result?.payloads?.[0] } } } };
      }
      case EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED: {
        const a = e.childWorkflowExecutionFailedEventAttributes ?? {};
        const ref = this.takeChild(Number(a.initiatedEventId));
        if (!ref || ref.resolved) return undefined;
        const failure = childFailure('Child Workflow execution failed', ref, a, a.failure ?? undefined, a.retryState ?? 0);
        return { resolveChildWorkflowExecution: { seq: ref.seq, result: { failed: { failure } } } };
      }
      case EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_CANCELED: {
        const a = e.childWorkflowExecutionCanceledEventAttributes ?? {};
        const ref = this.takeChild(Number(a.initiatedEventId));
        if (!ref || ref.resolved) return undefined;
        const failure = childFailure(
          'Child Workflow execution cancelled',
          ref,
          a,
          { canceledFailureInfo: { details: a.details } },
          RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE,
        );
        return { resolveChildWorkflowExecution: { seq: ref.seq, result: { cancelled: { failure } } } };
      }
      case EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TERMINATED: {
        const a = e.childWorkflowExecutionTerminatedEventAttributes ?? {};
        const ref = this.takeChild(Number(a.initiatedEventId));
        if (!ref || ref.resolved) return undefined;
        const failure = childFailure(
          'Child Workflow execution terminated',
          ref,
          a,
          { terminatedFailureInfo: {} },
          RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE,
        );
        return { resolveChildWorkflowExecution: { seq: ref.seq, result: { failed: { failure } } } };
      }
      case EventType.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED: {
        // Core issues this cancel itself for a child; only WAIT_CANCELLATION_REQUESTED waits on it.
        const initiated = Number(e.externalWorkflowExecutionCancelRequestedEventAttributes?.initiatedEventId ?? 0);
        const extSeq = this.externalCancels.get(initiated);
        if (extSeq !== undefined) {
          this.externalCancels.delete(initiated);
          return { resolveRequestCancelExternalWorkflow: { seq: extSeq } };
        }
        const childInit = this.childCancels.get(initiated);
        this.childCancels.delete(initiated);
        const ref = childInit === undefined ? undefined : this.children.get(childInit);
        if (!ref || ref.resolved || ref.cancellationType !== 3) return undefined;
        ref.resolved = true;
        return this.childCancelledJob(ref);
      }
      case EventType.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED: {
        const initiated = Number(e.requestCancelExternalWorkflowExecutionFailedEventAttributes?.initiatedEventId ?? 0);
        const extSeq = this.externalCancels.get(initiated);
        this.childCancels.delete(initiated);
        if (extSeq === undefined) return undefined;
        this.externalCancels.delete(initiated);
        return {
          resolveRequestCancelExternalWorkflow: {
            seq: extSeq,
            failure: {
              message: 'Unable to cancel external workflow because not found',
              applicationFailureInfo: { type: 'ExternalWorkflowExecutionNotFound' },
            },
          },
        };
      }
      case EventType.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED: {
        const initiated = Number(e.externalWorkflowExecutionSignaledEventAttributes?.initiatedEventId ?? 0);
        const seq = this.signalsExternal.get(initiated);
        if (seq === undefined) return undefined;
        this.signalsExternal.delete(initiated);
        return { resolveSignalExternalWorkflow: { seq } };
      }
      case EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED: {
        const initiated = Number(e.signalExternalWorkflowExecutionFailedEventAttributes?.initiatedEventId ?? 0);
        const seq = this.signalsExternal.get(initiated);
        if (seq === undefined) return undefined;
        this.signalsExternal.delete(initiated);
        return {
          resolveSignalExternalWorkflow: {
            seq,
            failure: {
              message: 'Unable to signal external workflow because it was not found',
              applicationFailureInfo: { type: 'ExternalWorkflowExecutionNotFound' },
            },
          },
        };
      }
      default:
        return undefined;
    }
  }

  private resolveActivity(scheduledId: number, result: coresdk.activity_result.IActivityResolution): Job | undefined {
    const ref = this.activities.get(scheduledId);
    if (!ref) return undefined;
    this.activities.delete(scheduledId);
    this.activityBySeq.delete(ref.seq);
    if (ref.resolved) return undefined;
    return { resolveActivity: { seq: ref.seq, result } };
  }

  private childCancelledJob(ref: ChildRef): Job {
    const failure = childFailure(
      'Child Workflow execution cancelled',
      ref,
      {},
      { canceledFailureInfo: {} },
      RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE,
    );
    return { resolveChildWorkflowExecution: { seq: ref.seq, result: { cancelled: { failure } } } };
  }

  private takeChild(initiatedId: number): ChildRef | undefined {
    const ref = this.children.get(initiatedId);
    if (ref) {
      this.children.delete(initiatedId);
      this.childBySeq.delete(ref.seq);
    }
    return ref;
  }

  // ---- commands → events ----

  /** Queues the events of `commands`; returns jobs that core would resolve at once (same task). */
  private applyCommands(commands: Command[], completedId: number, effects: Effect[], started: HistoryEvent): Job[] {
    const immediate: Job[] = [];
    const wftId = Long.fromNumber(completedId);
    const queue = (p: Pending) => this.pending.push(p);
    for (const c of commands) {
      if (this.terminal) break; // core drops commands after a terminal one
      if (c.startTimer) {
        const seq = c.startTimer.seq ?? 0;
        const durationMs = optionalTsToMs(c.startTimer.startToFireTimeout) ?? 0;
        const timerId = String(seq);
        queue({
          timerSeq: seq,
          event: {
            eventType: EventType.EVENT_TYPE_TIMER_STARTED,
            timerStartedEventAttributes: {
              timerId,
              startToFireTimeout: c.startTimer.startToFireTimeout,
              workflowTaskCompletedEventId: wftId,
            },
          },
          onId: (id) => {
            this.timers.set(id, seq);
            this.timerBySeq.set(seq, id);
            effects.push({ kind: 'timer', startedEventId: id, timerId, durationMs });
          },
        });
      } else if (c.cancelTimer) {
        const seq = c.cancelTimer.seq ?? 0;
        const same = this.pending.find((p) => p.timerSeq === seq && !p.dropped);
        if (same) {
          same.dropped = true; // started and cancelled within one task: nothing reaches history
          continue;
        }
        const startedId = this.timerBySeq.get(seq);
        if (startedId === undefined) continue;
        this.timerBySeq.delete(seq);
        this.timers.delete(startedId);
        queue({
          event: {
            eventType: EventType.EVENT_TYPE_TIMER_CANCELED,
            timerCanceledEventAttributes: {
              timerId: String(seq),
              startedEventId: Long.fromNumber(startedId),
              workflowTaskCompletedEventId: wftId,
              identity: this.identity,
            },
          },
          onId: () => effects.push({ kind: 'cancelTimer', startedEventId: startedId }),
        });
      } else if (c.scheduleActivity) {
        const s = c.scheduleActivity;
        const seq = s.seq ?? 0;
        const attrs: temporal.api.history.v1.IActivityTaskScheduledEventAttributes = {
          activityId: s.activityId || String(seq),
          activityType: { name: s.activityType },
          taskQueue: { name: s.taskQueue || this.taskQueue, kind: 1 },
          header: { fields: s.headers ?? {} },
          input: { payloads: s.arguments ?? [] },
          scheduleToCloseTimeout: s.scheduleToCloseTimeout,
          scheduleToStartTimeout: s.scheduleToStartTimeout,
          startToCloseTimeout: s.startToCloseTimeout,
          heartbeatTimeout: s.heartbeatTimeout,
          workflowTaskCompletedEventId: wftId,
          retryPolicy: s.retryPolicy,
        };
        queue({
          activitySeq: seq,
          event: { eventType: EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED, activityTaskScheduledEventAttributes: attrs },
          onId: (id) => {
            this.activities.set(id, {
              seq,
              activityId: attrs.activityId ?? '',
              activityType: s.activityType ?? '',
              cancellationType: s.cancellationType ?? ActCancel.TRY_CANCEL,
            });
            this.activityBySeq.set(seq, id);
            effects.push({ kind: 'activity', scheduledEventId: id, attrs });
          },
        });
      } else if (c.requestCancelActivity) {
        const seq = c.requestCancelActivity.seq ?? 0;
        const same = this.pending.find((p) => p.activitySeq === seq && !p.dropped);
        if (same) {
          same.dropped = true;
          const a = same.event.activityTaskScheduledEventAttributes ?? {};
          immediate.push({
            resolveActivity: {
              seq,
              result: {
                cancelled: {
                  failure: activityFailure(
                    'Activity cancelled',
                    { activityId: a.activityId ?? '', activityType: a.activityType?.name ?? '' },
                    { canceledFailureInfo: {} },
                    RetryState.RETRY_STATE_CANCEL_REQUESTED,
                    0,
                    0,
                    '',
                  ),
                },
              },
            },
          });
          continue;
        }
        const scheduledId = this.activityBySeq.get(seq);
        const ref = scheduledId === undefined ? undefined : this.activities.get(scheduledId);
        if (scheduledId === undefined || !ref) continue;
        if (ref.cancellationType !== ActCancel.ABANDON) {
          queue({
            event: {
              eventType: EventType.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED,
              activityTaskCancelRequestedEventAttributes: {
                scheduledEventId: Long.fromNumber(scheduledId),
                workflowTaskCompletedEventId: wftId,
              },
            },
            onId: () => effects.push({ kind: 'cancelActivity', scheduledEventId: scheduledId }),
          });
        }
        if (ref.cancellationType !== ActCancel.WAIT_CANCELLATION_COMPLETED) {
          ref.resolved = true;
          immediate.push({
            resolveActivity: {
              seq,
              result: {
                cancelled: {
                  failure: activityFailure(
                    'Activity cancelled',
                    ref,
                    { canceledFailureInfo: {} },
                    RetryState.RETRY_STATE_CANCEL_REQUESTED,
                    scheduledId,
                    ref.startedEventId ?? 0,
                    '',
                  ),
                },
              },
            },
          });
        }
      } else if (c.setPatchMarker) {
        const data = Buffer.from(JSON.stringify({ id: c.setPatchMarker.patchId, deprecated: c.setPatchMarker.deprecated ?? false }));
        queue({
          event: {
            eventType: EventType.EVENT_TYPE_MARKER_RECORDED,
            markerRecordedEventAttributes: {
              markerName: 'core_patch',
              details: { 'patch-data': { payloads: [{ metadata: { encoding: Buffer.from('json/plain') }, data }] } },
              workflowTaskCompletedEventId: wftId,
            },
          },
        });
      } else if (c.startChildWorkflowExecution) {
        this.hasChildren = true;
        const s = c.startChildWorkflowExecution;
        const seq = s.seq ?? 0;
        const attrs: temporal.api.history.v1.IStartChildWorkflowExecutionInitiatedEventAttributes = {
          namespace: s.namespace || 'default',
          workflowId: s.workflowId,
          workflowType: { name: s.workflowType },
          taskQueue: { name: s.taskQueue || this.taskQueue, kind: 1 },
          input: { payloads: s.input ?? [] },
          workflowExecutionTimeout: s.workflowExecutionTimeout,
          workflowRunTimeout: s.workflowRunTimeout,
          workflowTaskTimeout: s.workflowTaskTimeout,
          parentClosePolicy: s.parentClosePolicy ?? 0,
          workflowTaskCompletedEventId: wftId,
          workflowIdReusePolicy: s.workflowIdReusePolicy ?? 0,
          retryPolicy: s.retryPolicy,
          cronSchedule: s.cronSchedule ?? '',
          header: { fields: s.headers ?? {} },
          memo: { fields: s.memo ?? {} },
          searchAttributes: s.searchAttributes,
        };
        queue({
          childSeq: seq,
          event: {
            eventType: EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED,
            startChildWorkflowExecutionInitiatedEventAttributes: attrs,
          },
          onId: (id) => {
            this.children.set(id, {
              seq,
              workflowId: s.workflowId ?? '',
              workflowType: s.workflowType ?? '',
              cancellationType: s.cancellationType ?? 2,
            });
            this.childBySeq.set(seq, id);
            effects.push({ kind: 'startChild', initiatedEventId: id, attrs });
          },
        });
      } else if (c.cancelChildWorkflowExecution) {
        const seq = c.cancelChildWorkflowExecution.childWorkflowSeq ?? 0;
        const reason = c.cancelChildWorkflowExecution.reason ?? '';
        const same = this.pending.find((p) => p.childSeq === seq && !p.dropped);
        if (same) {
          // Cancelled before the start was sent: nothing reaches history, resolved at once.
          same.dropped = true;
          const a = same.event.startChildWorkflowExecutionInitiatedEventAttributes ?? {};
          immediate.push(
            this.childCancelledJob({ seq, workflowId: a.workflowId ?? '', workflowType: a.workflowType?.name ?? '', cancellationType: 0 }),
          );
          continue;
        }
        const initiatedId = this.childBySeq.get(seq);
        const ref = initiatedId === undefined ? undefined : this.children.get(initiatedId);
        if (initiatedId === undefined || !ref || ref.resolved) continue;
        if (ref.cancellationType !== 0) {
          queue({
            event: {
              eventType: EventType.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED,
              requestCancelExternalWorkflowExecutionInitiatedEventAttributes: {
                workflowTaskCompletedEventId: wftId,
                namespace: 'default',
                workflowExecution: { workflowId: ref.workflowId, runId: ref.runId ?? '' },
                childWorkflowOnly: true,
                reason,
              },
            },
            onId: (id) => {
              this.childCancels.set(id, initiatedId);
              effects.push({
                kind: 'cancelExternal',
                initiatedEventId: id,
                workflowId: ref.workflowId,
                runId: ref.runId ?? '',
                reason,
                childOnly: true,
              });
            },
          });
        }
        if (ref.cancellationType === 0 || ref.cancellationType === 1) {
          ref.resolved = true;
          immediate.push(this.childCancelledJob(ref));
        }
      } else if (c.requestCancelExternalWorkflowExecution) {
        const s = c.requestCancelExternalWorkflowExecution;
        const seq = s.seq ?? 0;
        const target = { workflowId: s.workflowExecution?.workflowId ?? '', runId: s.workflowExecution?.runId ?? '' };
        queue({
          event: {
            eventType: EventType.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED,
            requestCancelExternalWorkflowExecutionInitiatedEventAttributes: {
              workflowTaskCompletedEventId: wftId,
              namespace: 'default',
              workflowExecution: target,
              childWorkflowOnly: false,
              reason: s.reason ?? '',
            },
          },
          onId: (id) => {
            this.externalCancels.set(id, seq);
            effects.push({
              kind: 'cancelExternal',
              initiatedEventId: id,
              workflowId: target.workflowId,
              runId: target.runId,
              reason: s.reason ?? '',
              childOnly: false,
            });
          },
        });
      } else if (c.signalExternalWorkflowExecution) {
        const s = c.signalExternalWorkflowExecution;
        const seq = s.seq ?? 0;
        const target = s.childWorkflowId
          ? { workflowId: s.childWorkflowId, runId: '' }
          : { workflowId: s.workflowExecution?.workflowId ?? '', runId: s.workflowExecution?.runId ?? '' };
        const attrs: temporal.api.history.v1.ISignalExternalWorkflowExecutionInitiatedEventAttributes = {
          workflowTaskCompletedEventId: wftId,
          namespace: 'default',
          workflowExecution: target,
          signalName: s.signalName,
          input: { payloads: s.args ?? [] },
          childWorkflowOnly: !!s.childWorkflowId,
          header: { fields: s.headers ?? {} },
        };
        queue({
          event: {
            eventType: EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED,
            signalExternalWorkflowExecutionInitiatedEventAttributes: attrs,
          },
          onId: (id) => {
            this.signalsExternal.set(id, seq);
            effects.push({ kind: 'signalExternal', initiatedEventId: id, attrs });
          },
        });
      } else if (c.upsertWorkflowSearchAttributes) {
        const fields = c.upsertWorkflowSearchAttributes.searchAttributes?.indexedFields ?? {};
        queue({
          event: {
            eventType: EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,
            upsertWorkflowSearchAttributesEventAttributes: {
              workflowTaskCompletedEventId: wftId,
              searchAttributes: { indexedFields: fields },
            },
          },
          onId: () => effects.push({ kind: 'searchAttributes', fields }),
        });
      } else if (c.modifyWorkflowProperties) {
        const fields = c.modifyWorkflowProperties.upsertedMemo?.fields ?? {};
        queue({
          event: {
            eventType: EventType.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED,
            workflowPropertiesModifiedEventAttributes: { workflowTaskCompletedEventId: wftId, upsertedMemo: { fields } },
          },
          onId: () => effects.push({ kind: 'memo', fields }),
        });
      } else if (c.completeWorkflowExecution) {
        this.close(
          {
            eventType: EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
            workflowExecutionCompletedEventAttributes: {
              result: { payloads: c.completeWorkflowExecution.result ? [c.completeWorkflowExecution.result] : [] },
              workflowTaskCompletedEventId: wftId,
            },
          },
          effects,
        );
      } else if (c.failWorkflowExecution) {
        this.close(
          {
            eventType: EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
            workflowExecutionFailedEventAttributes: {
              failure: c.failWorkflowExecution.failure,
              retryState: RetryState.RETRY_STATE_RETRY_POLICY_NOT_SET,
              workflowTaskCompletedEventId: wftId,
            },
          },
          effects,
        );
      } else if (c.cancelWorkflowExecution) {
        this.close(
          {
            eventType: EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED,
            workflowExecutionCanceledEventAttributes: { workflowTaskCompletedEventId: wftId, details: c.cancelWorkflowExecution.details },
          },
          effects,
        );
      } else if (c.continueAsNewWorkflowExecution) {
        const s = c.continueAsNewWorkflowExecution;
        this.close(
          {
            eventType: EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW,
            workflowExecutionContinuedAsNewEventAttributes: {
              newExecutionRunId: '', // filled in by the store, which creates the new run
              workflowType: { name: s.workflowType },
              taskQueue: { name: s.taskQueue || this.taskQueue, kind: 1 },
              input: { payloads: s.arguments ?? [] },
              workflowRunTimeout: s.workflowRunTimeout,
              workflowTaskTimeout: s.workflowTaskTimeout ?? WFT_TIMEOUT,
              workflowTaskCompletedEventId: wftId,
              initiator: proto.temporal.api.enums.v1.ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_WORKFLOW,
              header: { fields: s.headers ?? {} },
              memo: s.memo ? { fields: s.memo } : undefined,
              searchAttributes: s.searchAttributes,
            },
          },
          effects,
        );
      } else if (c.respondToQuery) {
        // Queries are answered through query(); nothing to record.
      } else {
        const kind = Object.keys(c).find((k) => k !== 'userMetadata' && k !== 'eventGroupMarkers');
        throw new WorkflowTaskFailedError({ message: `嵌入式引擎不支持该工作流命令: ${kind}` });
      }
    }
    void started;
    return immediate;
  }

  private close(event: HistoryEvent, effects: Effect[]): void {
    this.terminal = true;
    this.pending.push({
      event,
      onId: () => {
        this.closed = true;
        effects.push({ kind: 'close', event });
      },
    });
  }
}

function activityFailure(
  message: string,
  ref: Pick<ActivityRef, 'activityId' | 'activityType'> | undefined,
  cause: Failure | null | undefined,
  retryState: number,
  scheduledEventId: Long | number | null | undefined,
  startedEventId: Long | number | null | undefined,
  identity: string | null | undefined,
): Failure {
  return {
    message,
    cause: cause ?? undefined,
    activityFailureInfo: {
      identity: identity ?? '',
      activityType: { name: ref?.activityType ?? '' },
      activityId: ref?.activityId ?? '',
      retryState,
      scheduledEventId: Long.fromValue(scheduledEventId ?? 0),
      startedEventId: Long.fromValue(startedEventId ?? 0),
    },
  };
}

function childFailure(
  message: string,
  ref: ChildRef,
  a: {
    initiatedEventId?: Long | number | null;
    startedEventId?: Long | number | null;
    workflowExecution?: temporal.api.common.v1.IWorkflowExecution | null;
  },
  cause: Failure | undefined,
  retryState: number,
): Failure {
  return {
    message,
    cause,
    childWorkflowExecutionFailureInfo: {
      namespace: 'default',
      workflowType: { name: ref.workflowType },
      workflowExecution: a.workflowExecution ?? { workflowId: ref.workflowId },
      initiatedEventId: Long.fromValue(a.initiatedEventId ?? 0),
      startedEventId: Long.fromValue(a.startedEventId ?? ref.startedEventId ?? 0),
      retryState,
    },
  };
}
