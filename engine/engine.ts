/**
 * The engine: Temporal's server and core for one database. Every state change happens in one
 * PostgreSQL transaction together with the history events that record it. Workflow tasks are
 * claimed with `FOR UPDATE SKIP LOCKED` on the execution row, and applied only when the cached
 * sandbox is at the row's `next_event_id` (otherwise it is rebuilt by replay), so a task is never
 * applied twice, by one process or by several.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import os from 'node:os';
import type { LoadedDataConverter } from '@temporalio/common';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';
import { decodeSearchAttributes, encodeUnifiedSearchAttributes } from '@temporalio/common/lib/converter/payload-search-attributes';
import {
  decodeArrayFromPayloads,
  decodeMapFromPayloads,
  encodeMapToPayloads,
  encodeToPayloads,
  loadDataConverter,
} from '@temporalio/common/lib/internal-non-workflow';
import { msToTs } from '@temporalio/common/lib/time';
import type { temporal } from '@temporalio/proto';
import type { WorkflowCreator } from '@temporalio/worker/lib/workflow/interface';
import type { Knex } from 'knex';
import Long from 'long';
import type { Db } from '../db/connection';
import { isEmbedded } from '../db/connection';
import { leaseMs } from './activities';
import { type EngineClock, realClock } from './clock';
import { CLOSE_EVENTS, decodeEvent, EventType, encodeEvent, type HistoryEvent, type Payload } from './history';
import { proto } from './proto';
import { type Effect, WorkflowRun } from './run';
import { sandboxCreator } from './sandbox';
import type { EngineOptions, SearchAttributeValues, WorkflowIdReusePolicyName } from './types';

export interface ExecutionRow {
  run_id: string;
  workflow_id: string;
  workflow_type: string;
  task_queue: string;
  status: string;
  start_time: Date;
  close_time: Date | null;
  memo: Record<string, unknown>;
  search_attributes: SearchAttributeValues;
  parent_workflow_id: string | null;
  parent_run_id: string | null;
  parent_initiated_event_id: number | null;
  parent_close_policy: number | null;
  first_execution_run_id: string;
  continued_run_id: string | null;
  next_event_id: number;
  wft_pending: boolean;
  cancel_requested: boolean;
  result: Buffer | null;
}

export interface StartRequest {
  workflowType: string;
  workflowId: string;
  taskQueue: string;
  args: unknown[];
  memo?: Record<string, unknown>;
  searchAttributes?: SearchAttributeValues;
  workflowIdReusePolicy?: WorkflowIdReusePolicyName;
  signal?: { name: string; args: unknown[] };
  /** Already-encoded input (a schedule stores its action's arguments encoded). */
  input?: Payload[];
}

/** What a committed workflow task did (for test hooks and targeted wake-ups). */
export interface AppliedTask {
  runId: string;
  firstEventId: number;
  lastEventId: number;
  closed: boolean;
  /** Its own inbox got events (a child started, a signal to itself…): another task is due. */
  moreWork: boolean;
  activities: boolean;
}

interface NewRun {
  runId: string;
  workflowId: string;
  workflowType: string;
  taskQueue: string;
  input: Payload[];
  memo?: Record<string, Payload>;
  searchAttributes?: Record<string, Payload>;
  firstExecutionRunId: string;
  continuedFrom?: string;
  parent?: { workflowId: string; runId: string; initiatedEventId: number; closePolicy: number };
  header?: temporal.api.common.v1.IHeader;
}

const ts = (ms: number) => msToTs(ms);
const L = (n: number) => Long.fromNumber(n);

export class Engine {
  readonly db: Db;
  readonly clock: EngineClock;
  readonly identity: string;
  readonly dataConverter: LoadedDataConverter;
  readonly embedded: boolean;
  /** In-process wake-ups: starts, signals and results reach local workers without polling. */
  readonly events = new EventEmitter();
  readonly stats = { workflowTasks: 0, replays: 0, evictions: 0 };
  private readonly creator: Promise<WorkflowCreator>;
  private readonly cache = new Map<string, WorkflowRun>();
  private readonly maxCached: number;
  private readonly runLocks = new Map<string, Promise<unknown>>();

  constructor(readonly options: EngineOptions) {
    this.db = options.db;
    this.clock = options.clock ?? realClock;
    this.identity = options.identity ?? `${process.pid}@${os.hostname()}`;
    this.dataConverter = loadDataConverter({ payloadCodecs: options.payloadCodecs ?? [] });
    this.creator = sandboxCreator({ workflowsPath: options.workflowsPath });
    this.maxCached = options.maxCachedWorkflows ?? 1000;
    this.embedded = isEmbedded(options.db);
    this.events.setMaxListeners(1000);
  }

  /** Resolves when the workflow bundle is built (seconds, once per process). */
  async ready(): Promise<void> {
    await this.creator;
  }

  now(): Date {
    return new Date(this.clock.now());
  }

  // ------------------------------------------------------------------ client side

  async start(req: StartRequest): Promise<{ runId: string }> {
    const policy = req.workflowIdReusePolicy ?? 'ALLOW_DUPLICATE';
    // The default policy needs no look at earlier runs: the unique index on open executions is
    // the whole check, so a start is one statement (execution row + its first inbox event).
    const runId =
      policy === 'ALLOW_DUPLICATE' && !req.signal && !this.embedded
        ? await this.createRun(this.db, await this.runFromRequest(req))
        : await this.db.transaction((trx) => this.startInTrx(trx, req));
    this.events.emit('wft');
    return { runId };
  }

  private async runFromRequest(req: StartRequest): Promise<NewRun> {
    const id = randomUUID();
    return {
      runId: id,
      workflowId: req.workflowId,
      workflowType: req.workflowType,
      taskQueue: req.taskQueue,
      input: req.input ?? (await encodeToPayloads(this.dataConverter, ...req.args)) ?? [],
      memo: req.memo ? await encodeMapToPayloads(this.dataConverter, req.memo) : undefined,
      searchAttributes: req.searchAttributes ? encodeUnifiedSearchAttributes(req.searchAttributes as never, undefined) : undefined,
      firstExecutionRunId: id,
    };
  }

  /** Starts an execution inside the caller's transaction (schedules start theirs this way). */
  async startInTrx(trx: Knex.Transaction, req: StartRequest): Promise<string> {
    const prev = await trx('wf_executions').where({ workflow_id: req.workflowId }).orderBy('start_time', 'desc').first().forUpdate();
    if (prev) {
      const policy = req.workflowIdReusePolicy ?? 'ALLOW_DUPLICATE';
      if (prev.status === 'running') {
        if (policy !== 'TERMINATE_IF_RUNNING') throw alreadyStarted(req);
        await this.terminateInTrx(trx, prev, '启动同 ID 新执行时终止');
      } else if (policy === 'REJECT_DUPLICATE' || (policy === 'ALLOW_DUPLICATE_FAILED_ONLY' && prev.status === 'completed')) {
        throw alreadyStarted(req);
      }
    }
    const id = await this.createRun(trx, await this.runFromRequest(req));
    if (req.signal) {
      const signalInput = (await encodeToPayloads(this.dataConverter, ...req.signal.args)) ?? [];
      await this.toInbox(trx, id, {
        eventType: EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
        workflowExecutionSignaledEventAttributes: {
          signalName: req.signal.name,
          input: { payloads: signalInput },
          identity: this.identity,
        },
      });
    }
    return id;
  }

  /** Sends a signal; refuses one to a closed execution, like Temporal. */
  async signal(workflowId: string, runId: string | undefined, name: string, args: unknown[]): Promise<void> {
    const input = (await encodeToPayloads(this.dataConverter, ...args)) ?? [];
    await this.db.transaction(async (trx) => {
      const row = await this.findRun(trx, workflowId, runId);
      const ok = await this.toInbox(trx, row.run_id, {
        eventType: EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
        workflowExecutionSignaledEventAttributes: { signalName: name, input: { payloads: input }, identity: this.identity },
      });
      if (!ok) throw new WorkflowNotFoundError(`工作流 ${workflowId} 已结束, 无法接收信号`, workflowId, row.run_id);
    });
    this.events.emit('wft');
  }

  async requestCancel(workflowId: string, runId?: string): Promise<void> {
    await this.db.transaction(async (trx) => {
      const row = await this.findRun(trx, workflowId, runId);
      if (row.cancel_requested) return;
      const ok = await this.toInbox(trx, row.run_id, {
        eventType: EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED,
        workflowExecutionCancelRequestedEventAttributes: { identity: this.identity },
      });
      if (!ok) throw new WorkflowNotFoundError(`工作流 ${workflowId} 已结束, 无需取消`, workflowId, row.run_id);
      await trx('wf_executions').where({ run_id: row.run_id }).update({ cancel_requested: true });
    });
    this.events.emit('wft');
  }

  async terminate(workflowId: string, runId: string | undefined, reason?: string): Promise<void> {
    await this.db.transaction(async (trx) => {
      const found = await this.findRun(trx, workflowId, runId);
      const row = (await trx('wf_executions').where({ run_id: found.run_id }).first().forUpdate()) as ExecutionRow;
      if (row.status !== 'running') throw new WorkflowNotFoundError(`工作流 ${workflowId} 已结束, 无法终止`, workflowId, row.run_id);
      await this.terminateInTrx(trx, row, reason ?? '');
    });
    this.evict(runId ?? '');
    this.events.emit('closed');
  }

  /** Runs a query on the workflow's current state (the live sandbox, or one rebuilt by replay). */
  async query(workflowId: string, runId: string | undefined, name: string, args: unknown[]): Promise<unknown> {
    const row = await this.findRun(this.db, workflowId, runId);
    const input = (await encodeToPayloads(this.dataConverter, ...args)) ?? [];
    const payload = await this.withRunLock(row.run_id, async () => {
      const run = await this.syncedRun(this.db, row, true);
      return run.query(name, input);
    });
    if (!payload) return undefined;
    const [value] = await decodeArrayFromPayloads(this.dataConverter, [payload]);
    return value;
  }

  async findRun(q: Knex | Knex.Transaction, workflowId: string, runId?: string): Promise<ExecutionRow> {
    const qb = q('wf_executions').where({ workflow_id: workflowId });
    if (runId) qb.andWhere({ run_id: runId });
    const row = (await qb.orderBy('start_time', 'desc').orderBy('next_event_id', 'asc').first()) as ExecutionRow | undefined;
    if (!row) throw new WorkflowNotFoundError(`未找到工作流 ${workflowId}, 请核对编号`, workflowId, runId);
    return row;
  }

  async history(runId: string, q: Knex | Knex.Transaction = this.db): Promise<HistoryEvent[]> {
    const rows = (await q('wf_history').where({ run_id: runId }).orderBy('event_id').select('data')) as { data: Buffer }[];
    return rows.map((r) => decodeEvent(r.data));
  }

  async decodeMemo(fields: Record<string, Payload> | null | undefined): Promise<Record<string, unknown>> {
    return (await decodeMapFromPayloads(this.dataConverter, fields ?? {})) ?? {};
  }

  // ------------------------------------------------------------------ workflow tasks

  /** Claims and applies one pending workflow task of `taskQueue`; false when there is none. */
  async processWorkflowTask(taskQueue: string, probeFirst = true): Promise<boolean> {
    // A plain read first: idle polls cost one round trip instead of a transaction.
    if (probeFirst) {
      const probe = await this.db('wf_executions')
        .where({ task_queue: taskQueue, wft_pending: true, status: 'running' })
        .andWhere('wft_ready_at', '<=', this.now())
        .first('run_id');
      if (!probe) return false;
    }
    let claimedRun: string | undefined;
    let applied: AppliedTask | undefined;
    try {
      return await this.db
        .transaction(async (trx) => {
          const row = (await trx('wf_executions')
            .where({ task_queue: taskQueue, wft_pending: true, status: 'running' })
            .andWhere('wft_ready_at', '<=', this.now())
            .orderBy('wft_ready_at')
            .first()
            .forUpdate()
            .skipLocked()) as ExecutionRow | undefined;
          if (!row) return false;
          claimedRun = row.run_id;
          applied = await this.withRunLock(row.run_id, () => this.applyWorkflowTask(trx, row));
          return true;
        })
        .then((did) => {
          if (applied) {
            this.options.hooks?.afterCommit?.(applied);
            // Wake local loops and result() waiters only once the task's rows are visible.
            if (applied.moreWork) this.events.emit('wft');
            if (applied.activities) this.events.emit('activity');
            if (applied.closed) this.events.emit('closed', applied.runId);
          }
          return did;
        });
    } catch (err) {
      if (claimedRun) {
        this.evict(claimedRun);
        await this.recordTaskFailure(claimedRun, err);
        return true;
      }
      throw err;
    }
  }

  private async applyWorkflowTask(trx: Knex.Transaction, row: ExecutionRow): Promise<AppliedTask> {
    // Producers lock the execution row before queuing, so nothing can join the inbox while this
    // task holds the row: take it all at once (a rollback puts it back).
    const taken = await trx.raw('DELETE FROM wf_inbox WHERE run_id = ? RETURNING id, event', [row.run_id]);
    const inbox = (taken.rows as { id: number; event: Buffer }[]).sort((a, b) => Number(a.id) - Number(b.id));
    const run = await this.syncedRun(trx, row, false);
    const inputs = inbox.map((r) => decodeEvent(r.event));
    const now = this.clock.now();
    const outcome = await run.liveTask(inputs, now);
    this.stats.workflowTasks++;
    let selfInbox = false;
    for (const effect of outcome.effects) {
      if (await this.applyEffect(trx, row, effect, now)) selfInbox = true;
    }
    // History and the execution's position in one statement.
    await trx.raw(
      `WITH h AS (INSERT INTO wf_history (run_id, event_id, event_type, data)
                  SELECT :runId, * FROM unnest(:ids::int[], :types::text[], :data::bytea[]))
       UPDATE wf_executions SET next_event_id = :next, wft_pending = :pending, wft_failures = 0, last_wft_error = NULL
        WHERE run_id = :runId`,
      {
        runId: row.run_id,
        ids: outcome.events.map((e) => Number(e.eventId)),
        types: outcome.events.map((e) => EventType[e.eventType ?? 0]),
        data: outcome.events.map((e) => encodeEvent(e)),
        next: run.nextEventId,
        pending: selfInbox && !run.closed,
      },
    );
    const applied = {
      runId: row.run_id,
      firstEventId: row.next_event_id,
      lastEventId: run.nextEventId - 1,
      closed: run.closed,
      moreWork: selfInbox && !run.closed,
      activities: outcome.effects.some((e) => e.kind === 'activity'),
    };
    await this.options.hooks?.beforeCommit?.(applied);
    if (run.closed) this.evict(row.run_id);
    return applied;
  }

  /** A failed task is retried later with backoff, like Temporal retries a failed workflow task. */
  private async recordTaskFailure(runId: string, err: unknown): Promise<void> {
    const row = await this.db('wf_executions').where({ run_id: runId }).first('wft_failures');
    const failures = (row?.wft_failures ?? 0) + 1;
    const delay = Math.min(60_000, 1000 * 2 ** Math.min(failures - 1, 6));
    await this.db('wf_executions')
      .where({ run_id: runId })
      .update({
        wft_failures: failures,
        wft_ready_at: new Date(this.clock.now() + delay),
        last_wft_error: String(err instanceof Error ? err.stack : err),
      });
  }

  /** The cached sandbox if it is exactly at the row's history position, else a rebuilt one. */
  private async syncedRun(q: Knex | Knex.Transaction, row: ExecutionRow, forQuery: boolean): Promise<WorkflowRun> {
    let run = this.cache.get(row.run_id);
    if (run && run.nextEventId === row.next_event_id) {
      this.cache.delete(row.run_id); // re-insert: most recently used last
      this.cache.set(row.run_id, run);
      return run;
    }
    if (run) this.evict(row.run_id);
    run = new WorkflowRun(row.run_id, row.workflow_id, row.task_queue, await this.creator, this.identity, this.options.payloadCodecs ?? []);
    // A run that has not had its first task has no history yet: nothing to read.
    const history = row.next_event_id > 1 ? await this.history(row.run_id, q) : [];
    if (history.length > 0) {
      await run.replay(history);
      this.stats.replays++;
    }
    if (forQuery && history.length === 0) throw new Error('工作流尚未开始执行, 请稍后再查询');
    this.cache.set(row.run_id, run);
    while (this.cache.size > this.maxCached) {
      const oldest = this.cache.keys().next().value as string;
      this.evict(oldest);
      this.stats.evictions++;
    }
    return run;
  }

  evict(runId: string): void {
    const run = this.cache.get(runId);
    if (!run) return;
    this.cache.delete(runId);
    // A task or query may still be using it: dispose once the run's lock is free.
    void this.withRunLock(runId, () => run.dispose()).catch(() => {});
  }

  get cachedRuns(): number {
    return this.cache.size;
  }

  private async withRunLock<T>(runId: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.runLocks.get(runId) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const settled = next.catch(() => {});
    this.runLocks.set(runId, settled);
    try {
      return await next;
    } finally {
      if (this.runLocks.get(runId) === settled) this.runLocks.delete(runId);
    }
  }

  // ------------------------------------------------------------------ effects of commands

  /** Persists one command's effect; true when it put an event into this run's own inbox. */
  private async applyEffect(trx: Knex.Transaction, row: ExecutionRow, effect: Effect, now: number): Promise<boolean> {
    switch (effect.kind) {
      case 'timer':
        await trx('wf_timers').insert({
          run_id: row.run_id,
          timer_id: effect.timerId,
          started_event_id: effect.startedEventId,
          fire_at: new Date(now + effect.durationMs),
        });
        return false;
      case 'cancelTimer':
        await trx('wf_timers').where({ run_id: row.run_id, started_event_id: effect.startedEventId }).delete();
        return false;
      case 'activity': {
        const a = effect.attrs;
        const ms = (d: typeof a.startToCloseTimeout) => (d ? Number(d.seconds ?? 0) * 1000 + Math.floor((d.nanos ?? 0) / 1e6) : undefined);
        const rp = a.retryPolicy;
        const timeouts = {
          startToCloseMs: ms(a.startToCloseTimeout),
          scheduleToCloseMs: ms(a.scheduleToCloseTimeout),
          heartbeatMs: ms(a.heartbeatTimeout),
        };
        const options = {
          leaseMs: leaseMs(timeouts),
          startToCloseMs: ms(a.startToCloseTimeout),
          scheduleToCloseMs: ms(a.scheduleToCloseTimeout),
          heartbeatMs: ms(a.heartbeatTimeout),
          retry: {
            initialIntervalMs: ms(rp?.initialInterval) ?? 1000,
            backoffCoefficient: rp?.backoffCoefficient || 2,
            maximumIntervalMs: ms(rp?.maximumInterval),
            maximumAttempts: rp?.maximumAttempts ?? 0,
            nonRetryableErrorTypes: rp?.nonRetryableErrorTypes ?? [],
          },
        };
        await trx('wf_activities').insert({
          run_id: row.run_id,
          workflow_id: row.workflow_id,
          workflow_type: row.workflow_type,
          scheduled_event_id: effect.scheduledEventId,
          activity_id: a.activityId,
          activity_type: a.activityType?.name,
          task_queue: a.taskQueue?.name ?? row.task_queue,
          input: Buffer.from(proto.temporal.api.common.v1.Payloads.encode(a.input ?? {}).finish()),
          options,
          attempt: 1,
          scheduled_at: new Date(now),
          next_run_at: new Date(now),
          schedule_to_close_at: options.scheduleToCloseMs ? new Date(now + options.scheduleToCloseMs) : null,
        });
        return false;
      }
      case 'cancelActivity': {
        const act = await trx('wf_activities')
          .where({ run_id: row.run_id, scheduled_event_id: effect.scheduledEventId })
          .first()
          .forUpdate();
        if (!act) return false;
        if (act.claimed_by) {
          await trx('wf_activities').where({ id: act.id }).update({ cancel_requested: true });
          return false;
        }
        await trx('wf_activities').where({ id: act.id }).delete();
        await trx('wf_inbox').insert({
          run_id: row.run_id,
          event: encodeEvent({
            eventType: EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED,
            eventTime: ts(now),
            activityTaskCanceledEventAttributes: {
              scheduledEventId: L(effect.scheduledEventId),
              latestCancelRequestedEventId: L(0),
              identity: this.identity,
            },
          }),
        });
        return true;
      }
      case 'cancelExternal': {
        const target = (await trx('wf_executions')
          .where({ workflow_id: effect.workflowId, status: 'running' })
          .modify((qb) => {
            if (effect.childOnly) qb.andWhere({ parent_run_id: row.run_id });
            if (effect.runId) qb.andWhere({ run_id: effect.runId });
          })
          .first()) as ExecutionRow | undefined;
        const delivered =
          !!target &&
          (await this.toInbox(trx, target.run_id, {
            eventType: EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED,
            workflowExecutionCancelRequestedEventAttributes: {
              cause: effect.reason,
              externalInitiatedEventId: L(effect.initiatedEventId),
              externalWorkflowExecution: { workflowId: row.workflow_id, runId: row.run_id },
              identity: this.identity,
            },
          }));
        if (delivered && target) await trx('wf_executions').where({ run_id: target.run_id }).update({ cancel_requested: true });
        const execution = { workflowId: effect.workflowId, runId: target?.run_id ?? effect.runId };
        const e: HistoryEvent = delivered
          ? {
              eventType: EventType.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED,
              externalWorkflowExecutionCancelRequestedEventAttributes: {
                initiatedEventId: L(effect.initiatedEventId),
                namespace: 'default',
                workflowExecution: execution,
              },
            }
          : {
              eventType: EventType.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED,
              requestCancelExternalWorkflowExecutionFailedEventAttributes: {
                initiatedEventId: L(effect.initiatedEventId),
                namespace: 'default',
                workflowExecution: execution,
                cause: 1,
              },
            };
        e.eventTime = ts(now);
        await trx('wf_inbox').insert({ run_id: row.run_id, event: encodeEvent(e) });
        return true;
      }
      case 'startChild':
        return this.startChild(trx, row, effect.initiatedEventId, effect.attrs, now);
      case 'signalExternal': {
        const a = effect.attrs;
        const target = (await trx('wf_executions')
          .where({ workflow_id: a.workflowExecution?.workflowId ?? '', status: 'running' })
          .modify((qb) => {
            if (a.workflowExecution?.runId) qb.andWhere({ run_id: a.workflowExecution.runId });
          })
          .first()) as ExecutionRow | undefined;
        let delivered = false;
        if (target) {
          delivered = await this.toInbox(trx, target.run_id, {
            eventType: EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
            workflowExecutionSignaledEventAttributes: {
              signalName: a.signalName,
              input: a.input,
              identity: this.identity,
              header: a.header,
              externalWorkflowExecution: { workflowId: row.workflow_id, runId: row.run_id },
            },
          });
        }
        const e: HistoryEvent = delivered
          ? {
              eventType: EventType.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED,
              externalWorkflowExecutionSignaledEventAttributes: {
                initiatedEventId: L(effect.initiatedEventId),
                namespace: 'default',
                workflowExecution: { workflowId: target?.workflow_id, runId: target?.run_id },
              },
            }
          : {
              eventType: EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED,
              signalExternalWorkflowExecutionFailedEventAttributes: {
                initiatedEventId: L(effect.initiatedEventId),
                namespace: 'default',
                workflowExecution: a.workflowExecution,
                cause: 1,
              },
            };
        e.eventTime = ts(now);
        await trx('wf_inbox').insert({ run_id: row.run_id, event: encodeEvent(e) });
        return true;
      }
      case 'searchAttributes': {
        const values = decodeSearchAttributes(effect.fields) as SearchAttributeValues;
        await trx.raw(`UPDATE wf_executions SET search_attributes = search_attributes || ?::jsonb WHERE run_id = ?`, [
          JSON.stringify(values),
          row.run_id,
        ]);
        return false;
      }
      case 'memo': {
        const values = await this.decodeMemo(effect.fields);
        await trx.raw(`UPDATE wf_executions SET memo = memo || ?::jsonb WHERE run_id = ?`, [JSON.stringify(values), row.run_id]);
        return false;
      }
      case 'close':
        await this.closeRun(trx, row, effect.event, now);
        return false;
    }
  }

  private async startChild(
    trx: Knex.Transaction,
    row: ExecutionRow,
    initiatedEventId: number,
    a: temporal.api.history.v1.IStartChildWorkflowExecutionInitiatedEventAttributes,
    now: number,
  ): Promise<boolean> {
    const workflowId = a.workflowId ?? '';
    const running = await trx('wf_executions').where({ workflow_id: workflowId, status: 'running' }).first('run_id');
    let event: HistoryEvent;
    if (running) {
      event = {
        eventType: EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED,
        startChildWorkflowExecutionFailedEventAttributes: {
          namespace: 'default',
          workflowId,
          workflowType: a.workflowType,
          cause: 1,
          initiatedEventId: L(initiatedEventId),
        },
      };
    } else {
      const childRunId = randomUUID();
      await this.createRun(trx, {
        runId: childRunId,
        workflowId,
        workflowType: a.workflowType?.name ?? '',
        taskQueue: a.taskQueue?.name ?? row.task_queue,
        input: a.input?.payloads ?? [],
        memo: a.memo?.fields ?? undefined,
        searchAttributes: a.searchAttributes?.indexedFields ?? undefined,
        firstExecutionRunId: childRunId,
        parent: { workflowId: row.workflow_id, runId: row.run_id, initiatedEventId, closePolicy: a.parentClosePolicy ?? 0 },
        header: a.header ?? undefined,
      });
      event = {
        eventType: EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED,
        childWorkflowExecutionStartedEventAttributes: {
          namespace: 'default',
          initiatedEventId: L(initiatedEventId),
          workflowExecution: { workflowId, runId: childRunId },
          workflowType: a.workflowType,
          header: a.header,
        },
      };
    }
    event.eventTime = ts(now);
    await trx('wf_inbox').insert({ run_id: row.run_id, event: encodeEvent(event) });
    return true;
  }

  private async closeRun(trx: Knex.Transaction, row: ExecutionRow, event: HistoryEvent, now: number): Promise<void> {
    const status = CLOSE_EVENTS.get(event.eventType ?? 0) ?? 'completed';
    const update: Record<string, unknown> = { status, close_time: new Date(now), wft_pending: false, result: encodeEvent(event) };
    // Whatever was pending dies with the run (one statement).
    await trx.raw(
      `WITH t AS (DELETE FROM wf_timers WHERE run_id = :r), a AS (DELETE FROM wf_activities WHERE run_id = :r)
       DELETE FROM wf_inbox WHERE run_id = :r`,
      { r: row.run_id },
    );
    if (status === 'continued_as_new') {
      const a = event.workflowExecutionContinuedAsNewEventAttributes ?? {};
      const newRunId = randomUUID();
      a.newExecutionRunId = newRunId;
      update.continued_run_id = newRunId;
      update.result = encodeEvent(event);
      await trx('wf_executions').where({ run_id: row.run_id }).update(update);
      const memo = a.memo?.fields ?? (await encodeMapToPayloads(this.dataConverter, row.memo ?? {}));
      await this.createRun(trx, {
        runId: newRunId,
        workflowId: row.workflow_id,
        workflowType: a.workflowType?.name ?? row.workflow_type,
        taskQueue: a.taskQueue?.name ?? row.task_queue,
        input: a.input?.payloads ?? [],
        memo,
        searchAttributes: a.searchAttributes?.indexedFields ?? encodeUnifiedSearchAttributes(row.search_attributes as never, undefined),
        firstExecutionRunId: row.first_execution_run_id,
        continuedFrom: row.run_id,
        parent: row.parent_run_id
          ? {
              workflowId: row.parent_workflow_id ?? '',
              runId: row.parent_run_id,
              initiatedEventId: row.parent_initiated_event_id ?? 0,
              closePolicy: row.parent_close_policy ?? 0,
            }
          : undefined,
        header: a.header ?? undefined,
      });
      return;
    }
    await trx('wf_executions').where({ run_id: row.run_id }).update(update);
    await this.notifyParent(trx, row, event, now);
    if (this.cache.get(row.run_id)?.hasChildren ?? true) await this.closeChildren(trx, row);
  }

  /** The parent learns of its child's end through a Child* event in its inbox. */
  private async notifyParent(trx: Knex.Transaction, row: ExecutionRow, event: HistoryEvent, now: number): Promise<void> {
    if (!row.parent_run_id) return;
    const common = {
      namespace: 'default',
      workflowExecution: { workflowId: row.workflow_id, runId: row.run_id },
      workflowType: { name: row.workflow_type },
      initiatedEventId: L(row.parent_initiated_event_id ?? 0),
    };
    let e: HistoryEvent;
    switch (event.eventType) {
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
        e = {
          eventType: EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED,
          childWorkflowExecutionCompletedEventAttributes: { ...common, result: event.workflowExecutionCompletedEventAttributes?.result },
        };
        break;
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED:
        e = {
          eventType: EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED,
          childWorkflowExecutionFailedEventAttributes: {
            ...common,
            failure: event.workflowExecutionFailedEventAttributes?.failure,
            retryState: event.workflowExecutionFailedEventAttributes?.retryState,
          },
        };
        break;
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED:
        e = {
          eventType: EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_CANCELED,
          childWorkflowExecutionCanceledEventAttributes: { ...common, details: event.workflowExecutionCanceledEventAttributes?.details },
        };
        break;
      default:
        e = {
          eventType: EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TERMINATED,
          childWorkflowExecutionTerminatedEventAttributes: common,
        };
    }
    e.eventTime = ts(now);
    await this.toInbox(trx, row.parent_run_id, e);
  }

  /** Parent close policy: TERMINATE (the default) ends running children, REQUEST_CANCEL cancels them. */
  private async closeChildren(trx: Knex.Transaction, row: ExecutionRow): Promise<void> {
    const children = (await trx('wf_executions').where({ parent_run_id: row.run_id, status: 'running' }).forUpdate()) as ExecutionRow[];
    for (const child of children) {
      const policy = child.parent_close_policy ?? 0;
      if (policy === 2) continue; // ABANDON
      if (policy === 3) {
        await this.toInbox(trx, child.run_id, {
          eventType: EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED,
          workflowExecutionCancelRequestedEventAttributes: { identity: this.identity, cause: '父工作流已结束' },
        });
      } else {
        await this.terminateInTrx(trx, child, '父工作流已结束');
      }
    }
  }

  private async terminateInTrx(trx: Knex.Transaction, row: ExecutionRow, reason: string): Promise<void> {
    const now = this.clock.now();
    // Pending inbox events go to history first: history always holds a complete story.
    const inbox = (await trx('wf_inbox').where({ run_id: row.run_id }).orderBy('id').select('event')) as { event: Buffer }[];
    let next = row.next_event_id;
    const events: HistoryEvent[] = inbox.map((r) => decodeEvent(r.event));
    const term: HistoryEvent = {
      eventType: EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED,
      eventTime: ts(now),
      workflowExecutionTerminatedEventAttributes: { reason, identity: this.identity },
    };
    events.push(term);
    const rows = events.map((e) => {
      e.eventId = L(next++);
      if (!e.eventTime) e.eventTime = ts(now);
      return { run_id: row.run_id, event_id: next - 1, event_type: EventType[e.eventType ?? 0], data: encodeEvent(e) };
    });
    await trx('wf_history').insert(rows);
    await trx('wf_executions').where({ run_id: row.run_id }).update({ next_event_id: next });
    await this.closeRun(trx, { ...row, next_event_id: next }, term, now);
    this.evict(row.run_id);
  }

  // ------------------------------------------------------------------ inbox and runs

  /** Puts an event in a running execution's inbox and marks a workflow task pending. */
  async toInbox(trx: Knex.Transaction, runId: string, ...events: HistoryEvent[]): Promise<boolean> {
    // Lock the execution first: a task in progress finishes before this event is queued behind it.
    const updated = await trx('wf_executions')
      .where({ run_id: runId, status: 'running' })
      .update({ wft_pending: true, wft_ready_at: this.now() })
      .returning('run_id');
    if (updated.length === 0) return false;
    const now = ts(this.clock.now());
    await trx('wf_inbox').insert(
      events.map((event) => {
        if (!event.eventTime) event.eventTime = now;
        return { run_id: runId, event: encodeEvent(event) };
      }),
    );
    return true;
  }

  private async createRun(q: Knex | Knex.Transaction, r: NewRun): Promise<string> {
    const now = this.clock.now();
    const execution = {
      run_id: r.runId,
      workflow_id: r.workflowId,
      workflow_type: r.workflowType,
      task_queue: r.taskQueue,
      status: 'running',
      start_time: new Date(now),
      memo: JSON.stringify(await this.decodeMemo(r.memo)),
      search_attributes: JSON.stringify(decodeSearchAttributes(r.searchAttributes ?? {})),
      parent_workflow_id: r.parent?.workflowId ?? null,
      parent_run_id: r.parent?.runId ?? null,
      parent_initiated_event_id: r.parent?.initiatedEventId ?? null,
      parent_close_policy: r.parent?.closePolicy ?? null,
      first_execution_run_id: r.firstExecutionRunId,
      next_event_id: 1,
      wft_pending: true,
      wft_ready_at: new Date(now),
    };
    const started: HistoryEvent = {
      eventType: EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
      eventTime: ts(now),
      workflowExecutionStartedEventAttributes: {
        workflowType: { name: r.workflowType },
        taskQueue: { name: r.taskQueue, kind: 1 },
        input: { payloads: r.input },
        workflowTaskTimeout: ts(10_000),
        originalExecutionRunId: r.runId,
        firstExecutionRunId: r.firstExecutionRunId,
        continuedExecutionRunId: r.continuedFrom ?? '',
        initiator: r.continuedFrom ? proto.temporal.api.enums.v1.ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_WORKFLOW : 0,
        attempt: 1,
        identity: this.identity,
        memo: r.memo ? { fields: r.memo } : undefined,
        searchAttributes: r.searchAttributes ? { indexedFields: r.searchAttributes } : undefined,
        workflowId: r.workflowId,
        header: r.header ?? { fields: {} },
        parentWorkflowNamespace: r.parent ? 'default' : '',
        parentWorkflowExecution: r.parent ? { workflowId: r.parent.workflowId, runId: r.parent.runId } : undefined,
        parentInitiatedEventId: r.parent ? L(r.parent.initiatedEventId) : undefined,
      },
    };
    // One statement for the execution row and its first event (atomic without a transaction).
    const insertRun = q('wf_executions').insert(execution).toSQL();
    try {
      await q.raw(`WITH e AS (${insertRun.sql} RETURNING run_id) INSERT INTO wf_inbox (run_id, event) SELECT run_id, ? FROM e`, [
        ...insertRun.bindings,
        encodeEvent(started),
      ]);
    } catch (err) {
      if ((err as { code?: string }).code === '23505') {
        throw new WorkflowExecutionAlreadyStartedError(`工作流 ${r.workflowId} 已在运行, 请勿重复启动`, r.workflowId, r.workflowType);
      }
      throw err;
    }
    return r.runId;
  }
}

function alreadyStarted(req: StartRequest): WorkflowExecutionAlreadyStartedError {
  return new WorkflowExecutionAlreadyStartedError(
    `工作流 ${req.workflowId} 已存在, 请更换业务编号或调整重用策略`,
    req.workflowId,
    req.workflowType,
  );
}
