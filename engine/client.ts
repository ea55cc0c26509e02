/**
 * A client with the shape of `@temporalio/client`'s WorkflowClient (the subset the platform
 * uses). Signals and queries may be given as definitions from `defineSignal`/`defineQuery`.
 */

import { WorkflowFailedError } from '@temporalio/client';
import { CancelledFailure, decodeRetryState, TerminatedFailure } from '@temporalio/common';
import { decodeArrayFromPayloads, decodeOptionalFailureToOptionalError } from '@temporalio/common/lib/internal-non-workflow';
import type { temporal } from '@temporalio/proto';
import type { Db } from '../db/connection';
import { type ClosedRun, Engine, type ExecutionRow } from './engine';
import { decodeEvent, EventType, toHistory } from './history';
import { EmbeddedScheduleClient } from './schedules';
import type {
  EngineOptions,
  ListFilter,
  SignalWithStartOptions,
  WorkflowExecutionDescription,
  WorkflowHandle,
  WorkflowStartOptions,
  WorkflowStatusName,
} from './types';

const STATUS: Record<string, WorkflowStatusName> = {
  running: 'RUNNING',
  completed: 'COMPLETED',
  failed: 'FAILED',
  canceled: 'CANCELLED',
  terminated: 'TERMINATED',
  continued_as_new: 'CONTINUED_AS_NEW',
  timed_out: 'TIMED_OUT',
};
const STATUS_DB = Object.fromEntries(Object.entries(STATUS).map(([k, v]) => [v, k])) as Record<WorkflowStatusName, string>;

// biome-ignore lint/suspicious/noExplicitAny: mirrors @temporalio/client's Workflow type
type WorkflowFn = (...args: any[]) => Promise<any>;
type Named = string | { name: string };
const nameOf = (d: Named): string => (typeof d === 'string' ? d : d.name);

export class EmbeddedWorkflowClient {
  /** Schedules (cron / interval), like `client.schedule` of @temporalio/client. */
  readonly schedule: EmbeddedScheduleClient;

  constructor(readonly engine: Engine) {
    this.schedule = new EmbeddedScheduleClient(engine);
  }

  async start<F extends WorkflowFn>(
    workflow: string | F,
    options: WorkflowStartOptions<Parameters<F>>,
  ): Promise<WorkflowHandle<Awaited<ReturnType<F>>>> {
    const { runId } = await this.engine.start({
      workflowType: nameOf(workflow),
      workflowId: options.workflowId,
      taskQueue: options.taskQueue,
      args: options.args ?? [],
      memo: options.memo,
      searchAttributes: options.searchAttributes,
      workflowIdReusePolicy: options.workflowIdReusePolicy,
    });
    return this.handle(options.workflowId, undefined, runId, options.taskQueue);
  }

  async execute<F extends WorkflowFn>(workflow: string | F, options: WorkflowStartOptions<Parameters<F>>): Promise<Awaited<ReturnType<F>>> {
    return (await this.start(workflow, options)).result();
  }

  /** Signals the running execution, or starts one and delivers the signal as its first event. */
  async signalWithStart<F extends WorkflowFn>(
    workflow: string | F,
    options: SignalWithStartOptions<Parameters<F>>,
  ): Promise<WorkflowHandle<Awaited<ReturnType<F>>>> {
    const signalName = nameOf(options.signal);
    const signalArgs = options.signalArgs ?? [];
    for (let i = 0; i < 3; i++) {
      const running = await this.engine.db('wf_executions').where({ workflow_id: options.workflowId, status: 'running' }).first('run_id');
      if (running) {
        try {
          await this.engine.signal(options.workflowId, running.run_id, signalName, signalArgs);
          return this.handle(options.workflowId, undefined, running.run_id);
        } catch {
          continue; // closed in between: start a new one
        }
      }
      try {
        const { runId } = await this.engine.start({
          workflowType: nameOf(workflow),
          workflowId: options.workflowId,
          taskQueue: options.taskQueue,
          args: options.args ?? [],
          memo: options.memo,
          searchAttributes: options.searchAttributes,
          workflowIdReusePolicy: options.workflowIdReusePolicy,
          signal: { name: signalName, args: signalArgs },
        });
        return this.handle(options.workflowId, undefined, runId);
      } catch (err) {
        if (i === 2) throw err; // started concurrently: signal that one
      }
    }
    throw new Error('signalWithStart 未能完成, 请重试');
  }

  getHandle<R = unknown>(workflowId: string, runId?: string): WorkflowHandle<R> {
    return this.handle<R>(workflowId, runId, runId);
  }

  /** Executions matching a filter, newest first, as an async iterable (like client.list()). */
  async *list(filter: ListFilter = {}): AsyncIterable<WorkflowExecutionDescription> {
    const pageSize = filter.pageSize ?? 100;
    let offset = 0;
    for (;;) {
      const rows = await this.listQuery(filter).orderBy('start_time', 'desc').orderBy('run_id').offset(offset).limit(pageSize);
      for (const r of rows as ExecutionRow[]) yield describeRow(r);
      if (rows.length < pageSize) return;
      offset += pageSize;
    }
  }

  async count(filter: ListFilter = {}): Promise<number> {
    const [{ n }] = (await this.listQuery(filter).count({ n: '*' })) as { n: number }[];
    return Number(n);
  }

  private listQuery(f: ListFilter) {
    const qb = this.engine.db('wf_executions');
    if (f.type) qb.where('workflow_type', f.type);
    if (f.status)
      qb.whereIn(
        'status',
        (Array.isArray(f.status) ? f.status : [f.status]).map((s) => STATUS_DB[s]),
      );
    if (f.workflowIdPrefix) qb.where('workflow_id', 'like', `${f.workflowIdPrefix.replace(/[\\%_]/g, '\\$&')}%`);
    if (f.startedAfter) qb.where('start_time', '>=', f.startedAfter);
    if (f.startedBefore) qb.where('start_time', '<', f.startedBefore);
    if (f.closedAfter) qb.where('close_time', '>=', f.closedAfter);
    if (f.closedBefore) qb.where('close_time', '<', f.closedBefore);
    for (const [k, v] of Object.entries(f.searchAttributes ?? {})) {
      const values = Array.isArray(v) ? v : [v];
      qb.where((w) => {
        for (const one of values) w.orWhereRaw('search_attributes @> ?::jsonb', [JSON.stringify({ [k]: [one] })]);
      });
    }
    return qb;
  }

  /** `startedOn`: the task queue of a run this client has just started (its result needs no first read). */
  private handle<R>(workflowId: string, runId: string | undefined, firstRunId: string | undefined, startedOn?: string): WorkflowHandle<R> {
    const engine = this.engine;
    return {
      workflowId,
      runId,
      firstExecutionRunId: firstRunId,
      signal: async (def, ...args) => engine.signal(workflowId, runId, nameOf(def), args),
      query: async (def, ...args) => (await engine.query(workflowId, runId, nameOf(def), args)) as never,
      cancel: async () => engine.requestCancel(workflowId, runId),
      terminate: async (reason) => engine.terminate(workflowId, runId, reason),
      describe: async () => {
        const row = await engine.findRun(engine.db, workflowId, runId);
        return describeRow(row);
      },
      fetchHistory: async () => {
        const row = await engine.findRun(engine.db, workflowId, runId);
        return toHistory(await engine.history(row.run_id)) as temporal.api.history.v1.History;
      },
      result: () => this.result<R>(workflowId, firstRunId ?? runId, startedOn),
    };
  }

  /** Waits for the end of the chain of runs that starts at `runId` (or the latest run). */
  private async result<R>(workflowId: string, runId: string | undefined, startedOn?: string): Promise<R> {
    // A run this client has just started is running unless it has closed here already.
    let row: Pick<ExecutionRow, 'run_id' | 'task_queue'> & ClosedRun =
      startedOn && runId
        ? {
            run_id: runId,
            task_queue: startedOn,
            ...(this.engine.recentlyClosed.get(runId) ?? { status: 'running', result: null, continued_run_id: null }),
          }
        : await this.engine.findRun(this.engine.db, workflowId, runId);
    let waitedFor = row.run_id;
    // With a worker of the run's queue in this process the close event is the normal way to
    // learn of the end; polling only covers a run finished by another process.
    const local = this.engine.localTaskQueues.has(row.task_queue);
    let pollMs = local ? 5000 : 250;
    for (;;) {
      if (row.status === 'continued_as_new' && row.continued_run_id) {
        waitedFor = row.continued_run_id;
        row = await this.engine.findRun(this.engine.db, workflowId, waitedFor);
        continue;
      }
      if (row.status !== 'running') return this.outcome<R>(row);
      // A run closed by this process wakes the waiter with its outcome (no read); runs closed by
      // other processes are seen by polling, backing off to every 2 s so that many waiters do not
      // flood the database.
      const closed = await new Promise<ClosedRun | undefined>((resolve) => {
        const engine = this.engine;
        const t = setTimeout(() => done(undefined), pollMs);
        function onClosed(id?: string, how?: ClosedRun) {
          if (id === undefined || id === waitedFor) done(how);
        }
        function done(how: ClosedRun | undefined) {
          clearTimeout(t);
          engine.events.off('closed', onClosed);
          resolve(how);
        }
        engine.events.on('closed', onClosed);
      });
      pollMs = local ? pollMs : Math.min(2000, pollMs * 2);
      row = closed ? { ...row, ...closed } : await this.engine.findRun(this.engine.db, workflowId, waitedFor);
    }
  }

  private async outcome<R>(row: ClosedRun): Promise<R> {
    const dc = this.engine.dataConverter;
    const e = row.result ? decodeEvent(row.result) : undefined;
    switch (e?.eventType) {
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED: {
        const [v] = await decodeArrayFromPayloads(dc, e.workflowExecutionCompletedEventAttributes?.result?.payloads ?? []);
        return v as R;
      }
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED: {
        const a = e.workflowExecutionFailedEventAttributes;
        const cause = await decodeOptionalFailureToOptionalError(dc, a?.failure);
        throw new WorkflowFailedError('工作流执行失败', cause, decodeRetryState(a?.retryState) ?? 'NON_RETRYABLE_FAILURE');
      }
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED:
        throw new WorkflowFailedError('工作流已取消', new CancelledFailure('工作流已取消'), 'NON_RETRYABLE_FAILURE');
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED:
        throw new WorkflowFailedError(
          '工作流已被终止',
          new TerminatedFailure(e.workflowExecutionTerminatedEventAttributes?.reason || '工作流已被终止'),
          'NON_RETRYABLE_FAILURE',
        );
      default:
        throw new WorkflowFailedError(`工作流以状态 ${row.status} 结束`, undefined, 'TIMEOUT');
    }
  }
}

function describeRow(r: ExecutionRow): WorkflowExecutionDescription {
  return {
    workflowId: r.workflow_id,
    runId: r.run_id,
    type: r.workflow_type,
    taskQueue: r.task_queue,
    status: { name: STATUS[r.status] ?? 'RUNNING' },
    startTime: new Date(r.start_time),
    closeTime: r.close_time ? new Date(r.close_time) : undefined,
    historyLength: r.next_event_id - 1,
    memo: r.memo ?? {},
    searchAttributes: r.search_attributes ?? {},
    parentExecution: r.parent_run_id ? { workflowId: r.parent_workflow_id ?? '', runId: r.parent_run_id } : undefined,
  };
}

/** A client on its own engine (for processes that only start and signal workflows). */
export function createEmbeddedClient(opts: EngineOptions & { db: Db; engine?: Engine }): EmbeddedWorkflowClient {
  return new EmbeddedWorkflowClient(opts.engine ?? new Engine(opts));
}
