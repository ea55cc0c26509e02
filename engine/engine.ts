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
import { type ActivityRow, leaseMs } from './activities';
import { type EngineClock, realClock } from './clock';
import { GroupCommit } from './group-commit';
import { CLOSE_EVENTS, decodeEvent, EventType, encodeEvent, type HistoryEvent, type Payload, packBytes, UNPACK } from './history';
import { proto } from './proto';
import { type Effect, type TaskOutcome, WorkflowRun } from './run';

/** Effects applied one by one; timers, activities and timer cancellations are applied per batch. */
type RareEffect = Exclude<Effect, { kind: 'timer' | 'activity' | 'cancelTimer' }>;

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
  /** How it closed (the execution row's new status, result and successor), for result() waiters. */
  closedAs?: ClosedRun;
  /** Its own inbox got events (a child started, a signal to itself…): another task is due. */
  moreWork: boolean;
}

export interface EagerActivityWorker {
  workerId: string;
  freeSlots(): number;
  run(task: ActivityRow): void;
}

/** What a batch's one statement writes besides history and positions (see Engine.writeBatch). */
interface BatchWrites {
  timers: Record<string, unknown>[];
  activities: Record<string, unknown>[];
  cancelledTimers: { runId: string; startedEventId: number }[];
  closes: { runId: string; state: ClosedRun }[];
}

/** A claimed execution row with its inbox (ids and encoded events, in order). */
interface ClaimedRow extends ExecutionRow {
  /** The run's inbox in id order, packed by the claim (see `unpackInbox`). */
  inbox: Uint8Array | null;
}

/** The columns of a closed execution that `result()` needs. */
export type ClosedRun = Pick<ExecutionRow, 'status' | 'result' | 'continued_run_id'>;

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
  /** Counters (the benchmark prints them): tasks applied, batches that claimed any, replays, evictions. */
  readonly stats = { workflowTasks: 0, batches: 0, replays: 0, evictions: 0 };
  /** How runs closed here lately ended, newest last (a result() asked for just after the close). */
  readonly recentlyClosed = new Map<string, ClosedRun>();
  /**
   * Activity workers of this process by task queue. A workflow task hands them the activities it
   * schedules, already claimed, when they have free slots (eager dispatch, like Temporal's eager
   * activity execution): no claim query, no wait for a poll. A crash before they run loses
   * nothing — the lease expires and the attempt is retried.
   */
  readonly eagerWorkers = new Map<string, EagerActivityWorker>();
  /** Task queues a worker of this process is polling (result() waits for their close events). */
  readonly localTaskQueues = new Map<string, number>();
  private readonly creator: Promise<WorkflowCreator>;
  private readonly cache = new Map<string, WorkflowRun>();
  private readonly maxCached: number;
  private readonly runLocks = new Map<string, Promise<unknown>>();
  /** Plain starts, written a group per statement (see group-commit.ts). */
  private readonly starts = new GroupCommit<NewRun, string>((runs) => this.createRuns(runs));

  constructor(readonly options: EngineOptions) {
    this.db = options.db;
    this.clock = options.clock ?? realClock;
    this.identity = options.identity ?? `${process.pid}@${os.hostname()}`;
    this.dataConverter = loadDataConverter({ payloadCodecs: options.payloadCodecs ?? [] });
    this.creator = sandboxCreator({
      workflowsPath: options.workflowsPath,
      deadlockTimeoutMs: options.deadlockTimeoutMs,
      thread: options.sandboxThread,
    });
    // A cached sandbox costs about 34 KB of heap (measured with 900 sleepers): 5000 stay under 200 MB.
    this.maxCached = options.maxCachedWorkflows ?? 5000;
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
        ? await this.starts.add(await this.runFromRequest(req))
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
    // The run lock is never held while waiting for a pooled connection: a workflow task holds its
    // connection (and the execution row) while it waits for the run lock, so a query waiting for
    // the pool under the lock could close a cycle once the pool is exhausted. The history a replay
    // needs is read first, outside the lock.
    let history: HistoryEvent[] | undefined;
    const ask = () =>
      this.withRunLock(row.run_id, async () => {
        const cached = this.cache.get(row.run_id);
        const inStep = cached !== undefined && cached.nextEventId === row.next_event_id;
        if (!inStep && history === undefined && row.next_event_id > 1) return 'need history' as const;
        const run = await this.syncedRun(this.db, row, true, history);
        return run.query(name, input);
      });
    let payload = await ask();
    if (payload === 'need history') {
      history = await this.history(row.run_id);
      payload = await ask();
      if (payload === 'need history') throw new Error('查询时无法读取工作流历史'); // cannot happen: the history is in hand
    }
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

  /**
   * Claims up to `workflowTaskBatch` pending workflow tasks of `taskQueue` and applies them in one
   * transaction (a handful of statements for the whole batch); returns how many it claimed.
   */
  async processWorkflowTask(taskQueue: string, probeFirst = true): Promise<number> {
    // A plain read first: idle polls cost one round trip instead of a transaction.
    if (probeFirst) {
      const probe = await this.db('wf_executions')
        .where({ task_queue: taskQueue, wft_pending: true, status: 'running' })
        .andWhere('wft_ready_at', '<=', this.now())
        .first('run_id');
      if (!probe) return 0;
    }
    return this.runTaskBatch((trx) =>
      trx('wf_executions')
        .where({ task_queue: taskQueue, wft_pending: true, status: 'running' })
        .andWhere('wft_ready_at', '<=', this.now())
        .orderBy('wft_ready_at')
        .limit(this.workflowTaskBatch)
        .forUpdate()
        .skipLocked(),
    );
  }

  /** Whether the sandboxes live in a worker thread of their own (engine/sandbox.ts). */
  get sandboxThreaded(): boolean {
    return this.options.sandboxThread ?? true;
  }

  /** Workflow tasks claimed and applied per transaction. */
  get workflowTaskBatch(): number {
    return this.options.workflowTaskBatch ?? 50;
  }

  /**
   * One transaction: claim the rows `select` locks, apply their tasks, commit. A database error
   * rolls the whole batch back; its runs are then applied one at a time, so that only the task at
   * fault is recorded as failed. Returns how many tasks were claimed.
   */
  private async runTaskBatch(select: (trx: Knex.Transaction) => Knex.QueryBuilder): Promise<number> {
    let claimed: string[] = [];
    let applied: AppliedTask[] = [];
    let eager: ActivityRow[] = [];
    let unclaimed = false;
    try {
      ({ applied, eager, unclaimed } = await this.db.transaction(async (trx) => {
        // The claim reads the runs' inboxes in the same statement. An event committed just before
        // the lock may be missing from them; it stays in the inbox and keeps the task pending.
        // Each inbox comes packed in one bytea (id, length, event, …): the driver decodes a bytea
        // natively, while arrays go through its JavaScript array parser.
        const claim = select(trx).toSQL();
        const rows = (
          await trx.raw(
            `SELECT c.*, (SELECT string_agg(int8send(i.id) || int4send(length(i.event)) || i.event, ''::bytea ORDER BY i.id)
                            FROM wf_inbox i WHERE i.run_id = c.run_id) AS inbox
               FROM (${claim.sql}) c`,
            claim.bindings,
          )
        ).rows as ClaimedRow[];
        claimed = rows.map((r) => r.run_id);
        if (rows.length > 0) this.stats.batches++;
        return rows.length > 0 ? this.applyWorkflowTasks(trx, rows) : { applied: [], eager: [], unclaimed: false };
      }));
    } catch (err) {
      for (const id of claimed) this.evict(id);
      if (claimed.length === 0) throw err;
      if (claimed.length === 1) {
        await this.recordTaskFailure(claimed[0], err);
        return 1;
      }
      for (const runId of claimed) {
        await this.runTaskBatch((trx) =>
          trx('wf_executions').where({ run_id: runId, wft_pending: true, status: 'running' }).forUpdate().skipLocked(),
        );
      }
      return claimed.length;
    }
    // Wake local loops and result() waiters only once the tasks' rows are visible.
    let moreWork = false;
    for (const a of applied) {
      this.options.hooks?.afterCommit?.(a);
      moreWork ||= a.moreWork;
    }
    if (moreWork) this.events.emit('wft');
    for (const task of eager) this.eagerWorkers.get(task.task_queue)?.run(task);
    // Activities handed over eagerly need no poll; the others wait for one.
    if (unclaimed) this.events.emit('activity');
    for (const a of applied) {
      if (!a.closed) continue;
      if (a.closedAs) {
        this.recentlyClosed.set(a.runId, a.closedAs);
        if (this.recentlyClosed.size > 10_000) this.recentlyClosed.delete(this.recentlyClosed.keys().next().value as string);
      }
      this.events.emit('closed', a.runId, a.closedAs);
    }
    return claimed.length;
  }

  /**
   * Applies the tasks of the locked `rows`. Producers lock the execution row before queuing, so
   * nothing joins these runs' inboxes meanwhile except what this batch itself sends. A task whose
   * sandbox fails is recorded as failed (retried with backoff) without holding up the others.
   */
  private async applyWorkflowTasks(
    trx: Knex.Transaction,
    rows: ClaimedRow[],
  ): Promise<{ applied: AppliedTask[]; eager: ActivityRow[]; unclaimed: boolean }> {
    // Runs without a sandbox in step with the row are rebuilt from history: read all in one query.
    const stale = rows.filter((r) => r.next_event_id > 1 && this.cache.get(r.run_id)?.nextEventId !== r.next_event_id).map((r) => r.run_id);
    const histories = new Map<string, HistoryEvent[]>();
    if (stale.length > 0) {
      const h = (await trx.raw('SELECT run_id, data FROM wf_history WHERE run_id = ANY(?) ORDER BY run_id, event_id', [stale])).rows as {
        run_id: string;
        data: Buffer;
      }[];
      for (const r of h) {
        const list = histories.get(r.run_id);
        if (list) list.push(decodeEvent(r.data));
        else histories.set(r.run_id, [decodeEvent(r.data)]);
      }
    }

    const now = this.clock.now();
    // The runs' activations all go at once: with the sandboxes in their own thread, workflow code
    // runs there while this thread turns the completions that are back into events.
    const inboxes = rows.map((row) => unpackInbox(row.inbox));
    const outcomes = await Promise.all(
      rows.map(async (row, i) => {
        try {
          return await this.withRunLock(row.run_id, async () => {
            const run = await this.syncedRun(trx, row, false, histories.get(row.run_id));
            return { run, outcome: await run.liveTask(inboxes[i].events.map(decodeEvent), now) };
          });
        } catch (err) {
          return { err };
        }
      }),
    );
    const done: { row: ExecutionRow; run: WorkflowRun; outcome: TaskOutcome; consumed: string[] }[] = [];
    for (const [i, row] of rows.entries()) {
      const r = outcomes[i];
      if ('err' in r) {
        this.evict(row.run_id);
        await this.markTaskFailed(trx, row.run_id, r.err);
        continue;
      }
      this.stats.workflowTasks++;
      done.push({ row, ...r, consumed: inboxes[i].ids });
    }

    // Effects: the common ones as one statement each for the whole batch, the rest one by one
    // (after the inserts, so that a cancel or a close sees what its own task created).
    const timers: Record<string, unknown>[] = [];
    const activities: Record<string, unknown>[] = [];
    const cancelledTimers: { runId: string; startedEventId: number }[] = [];
    const reserved = new Map<EagerActivityWorker, number>();
    const others: { row: ExecutionRow; effect: RareEffect }[] = [];
    for (const { row, outcome } of done) {
      for (const effect of outcome.effects) {
        if (effect.kind === 'timer') {
          timers.push({
            run_id: row.run_id,
            timer_id: effect.timerId,
            started_event_id: effect.startedEventId,
            fire_at: new Date(now + effect.durationMs),
          });
        } else if (effect.kind === 'activity')
          activities.push(this.eagerClaim(activityRow(row, effect.scheduledEventId, effect.attrs, now), now, reserved));
        else if (effect.kind === 'cancelTimer') cancelledTimers.push({ runId: row.run_id, startedEventId: effect.startedEventId });
        else others.push({ row, effect });
      }
    }
    // The common batch — timers, activities, timer cancellations and plain closes only — is written
    // in one statement. Anything else (children, signals, cancels, continue-as-new, a parent to
    // notify) goes step by step first, in order, and the statement then writes the rest.
    const closedAs = new Map<string, ClosedRun>();
    const plainClose = (row: ExecutionRow, effect: RareEffect) =>
      effect.kind === 'close' &&
      !row.parent_run_id &&
      !effect.event.workflowExecutionContinuedAsNewEventAttributes &&
      !(this.cache.get(row.run_id)?.hasChildren ?? true);
    const inOneStatement = others.every(({ row, effect }) => plainClose(row, effect));
    let extra: BatchWrites = { timers, activities, cancelledTimers, closes: [] };
    let stepEager: ActivityRow[] = [];
    if (inOneStatement) {
      for (const { row, effect } of others) {
        if (effect.kind !== 'close') continue;
        const state: ClosedRun = {
          status: CLOSE_EVENTS.get(effect.event.eventType ?? 0) ?? 'completed',
          result: encodeEvent(effect.event),
          continued_run_id: null,
        };
        closedAs.set(row.run_id, state);
      }
      // What a closing run scheduled in its last task dies with it (as its older timers and activities do).
      const open = (r: { run_id?: unknown; runId?: unknown }) => !closedAs.has((r.run_id ?? r.runId) as string);
      extra = {
        timers: timers.filter(open),
        activities: activities.filter(open),
        cancelledTimers: cancelledTimers.filter(open),
        closes: [...closedAs].map(([runId, state]) => ({ runId, state })),
      };
    } else {
      if (timers.length > 0) await trx('wf_timers').insert(timers);
      if (activities.length > 0) {
        const ids = (await trx('wf_activities').insert(activities).returning(['id', 'run_id', 'scheduled_event_id'])) as {
          id: string;
          run_id: string;
          scheduled_event_id: number;
        }[];
        stepEager = claimedActivities(activities, new Map(ids.map((r) => [`${r.run_id}/${r.scheduled_event_id}`, r.id])));
      }
      if (cancelledTimers.length > 0) {
        await trx.raw(
          `DELETE FROM wf_timers t USING unnest(?::text[], ?::int[]) AS c(run_id, started_event_id)
            WHERE t.run_id = c.run_id AND t.started_event_id = c.started_event_id`,
          [cancelledTimers.map((c) => c.runId), cancelledTimers.map((c) => c.startedEventId)],
        );
      }
      // A close is always a task's last effect: closes go last, in one batch.
      const closes: { row: ExecutionRow; event: HistoryEvent }[] = [];
      for (const { row, effect } of others) {
        if (effect.kind === 'close') closes.push({ row, event: effect.event });
        else await this.applyEffect(trx, row, effect, now);
      }
      if (closes.length > 0) {
        const states = await this.closeRuns(trx, closes, now);
        closes.forEach((c, i) => {
          closedAs.set(c.row.run_id, states[i]);
        });
      }
      extra = { timers: [], activities: [], cancelledTimers: [], closes: [] };
    }
    // Activities no local worker took at once (no free slot, or another task queue): polled for.
    const unclaimed = activities.some((a) => !a.claimed_by);
    if (done.length === 0) return { applied: [], eager: stepEager, unclaimed };
    const written = await this.writeBatch(trx, done, now, extra);
    const { pending } = written;
    const eager = [...stepEager, ...written.eager];

    const applied: AppliedTask[] = [];
    for (const { row, run } of done) {
      const a: AppliedTask = {
        runId: row.run_id,
        firstEventId: row.next_event_id,
        lastEventId: run.nextEventId - 1,
        closed: run.closed,
        closedAs: closedAs.get(row.run_id),
        moreWork: pending.get(row.run_id) ?? false,
      };
      await this.options.hooks?.beforeCommit?.(a);
      if (run.closed) this.evict(row.run_id);
      applied.push(a);
    }
    return { applied, eager, unclaimed };
  }

  /** Claims a new activity for a local worker with a free slot (see eagerWorkers). */
  private eagerClaim(activity: Record<string, unknown>, now: number, reserved: Map<EagerActivityWorker, number>): Record<string, unknown> {
    const worker = this.eagerWorkers.get(activity.task_queue as string);
    if (!worker) return activity;
    const claimed = reserved.get(worker) ?? 0;
    if (claimed >= worker.freeSlots()) return activity;
    reserved.set(worker, claimed + 1);
    const lease = (activity.options as { leaseMs: number }).leaseMs;
    return { ...activity, claimed_by: worker.workerId, attempt_started_at: new Date(now), lease_until: new Date(now + lease) };
  }

  /**
   * One statement for a batch: `extra` timers, activities (those claimed eagerly come back with
   * their ids), timer cancellations and plain closes; the history; the consumed inbox rows; every
   * run's position. A run has more work when its inbox still holds events (sent by this batch: to
   * itself, or by another run of it).
   */
  private async writeBatch(
    trx: Knex.Transaction,
    done: { row: ExecutionRow; run: WorkflowRun; outcome: TaskOutcome; consumed: string[] }[],
    now: number,
    extra: BatchWrites,
  ): Promise<{ pending: Map<string, boolean>; eager: ActivityRow[] }> {
    const history = done.flatMap(({ row, outcome }) => outcome.events.map((e) => ({ runId: row.run_id, e })));
    const closed = new Map(extra.closes.map((c) => [c.runId, c.state]));
    const data = packBytes(history.map((h) => encodeEvent(h.e)));
    const results = packBytes(done.map((d) => closed.get(d.row.run_id)?.result ?? null));
    const rows = (
      await trx.raw(
        `WITH ti AS (INSERT INTO wf_timers (run_id, timer_id, started_event_id, fire_at)
                     SELECT * FROM unnest(:tRun::text[], :tId::text[], :tStarted::int[], :tAt::timestamptz[])),
              tc AS (DELETE FROM wf_timers t USING unnest(:cRun::text[], :cStarted::int[]) AS c(run_id, started_event_id)
                      WHERE t.run_id = c.run_id AND t.started_event_id = c.started_event_id),
              ai AS (INSERT INTO wf_activities (run_id, workflow_id, workflow_type, scheduled_event_id, activity_id, activity_type,
                                                task_queue, input, options, attempt, scheduled_at, next_run_at, schedule_to_close_at,
                                                claimed_by, attempt_started_at, lease_until)
                     SELECT x.run_id, x.workflow_id, x.workflow_type, x.scheduled_event_id, x.activity_id, x.activity_type,
                            x.task_queue, decode(x.input, 'base64'), x.options, 1, :now, :now, x.schedule_to_close_at,
                            x.claimed_by, x.attempt_started_at, x.lease_until
                       FROM jsonb_to_recordset(:acts::jsonb) AS x(run_id text, workflow_id text, workflow_type text, scheduled_event_id int,
                            activity_id text, activity_type text, task_queue text, input text, options jsonb,
                            schedule_to_close_at timestamptz, claimed_by text, attempt_started_at timestamptz, lease_until timestamptz)
                     RETURNING id, run_id, scheduled_event_id, claimed_by),
              h AS (INSERT INTO wf_history (run_id, event_id, event_type, data)
                    SELECT h.run_id, h.event_id, h.event_type, ${UNPACK(':hBlob', 'h.o', 'h.l')}
                      FROM unnest(:hRun::text[], :hId::int[], :hType::text[], :hOff::int[], :hLen::int[]) AS h(run_id, event_id, event_type, o, l)),
              d AS (DELETE FROM wf_inbox WHERE id = ANY(:consumed::bigint[]) OR run_id = ANY(:closedRuns::text[])),
              ct AS (DELETE FROM wf_timers WHERE run_id = ANY(:closedRuns::text[])),
              ca AS (DELETE FROM wf_activities WHERE run_id = ANY(:closedRuns::text[])),
              up AS (UPDATE wf_executions e
                        SET next_event_id = u.next, wft_failures = 0, last_wft_error = NULL,
                            wft_pending = NOT u.closed AND EXISTS (SELECT 1 FROM wf_inbox i WHERE i.run_id = e.run_id AND i.id <> ALL(:consumed::bigint[])),
                            status = coalesce(u.status, e.status),
                            close_time = CASE WHEN u.status IS NULL THEN e.close_time ELSE :now END,
                            result = coalesce(u.result, e.result)
                       FROM (SELECT u.run_id, u.next, u.closed, u.status, ${UNPACK(':uBlob', 'u.o', 'u.l')} AS result
                               FROM unnest(:uRun::text[], :uNext::int[], :uClosed::bool[], :uStatus::text[], :uOff::int[], :uLen::int[])
                                    AS u(run_id, next, closed, status, o, l)) u
                      WHERE e.run_id = u.run_id
                     RETURNING e.run_id, e.wft_pending)
         SELECT run_id, wft_pending, NULL::bigint AS activity_id, NULL::int AS scheduled_event_id FROM up
         UNION ALL
         SELECT run_id, NULL, id, scheduled_event_id FROM ai WHERE claimed_by IS NOT NULL`,
        {
          now: new Date(now),
          tRun: extra.timers.map((t) => t.run_id),
          tId: extra.timers.map((t) => t.timer_id),
          tStarted: extra.timers.map((t) => t.started_event_id),
          tAt: extra.timers.map((t) => t.fire_at),
          cRun: extra.cancelledTimers.map((c) => c.runId),
          cStarted: extra.cancelledTimers.map((c) => c.startedEventId),
          acts: JSON.stringify(extra.activities.map((a) => ({ ...a, input: (a.input as Buffer).toString('base64') }))),
          hRun: history.map((h) => h.runId),
          hId: history.map((h) => Number(h.e.eventId)),
          hType: history.map((h) => EventType[h.e.eventType ?? 0]),
          hBlob: data.blob,
          hOff: data.offsets,
          hLen: data.lengths,
          consumed: done.flatMap((d) => d.consumed),
          closedRuns: extra.closes.map((c) => c.runId),
          uRun: done.map((d) => d.row.run_id),
          uNext: done.map((d) => d.run.nextEventId),
          uClosed: done.map((d) => d.run.closed),
          uStatus: done.map((d) => closed.get(d.row.run_id)?.status ?? null),
          uBlob: results.blob,
          uOff: results.offsets,
          uLen: results.lengths,
        },
      )
    ).rows as { run_id: string; wft_pending: boolean | null; activity_id: string | null; scheduled_event_id: number | null }[];
    const pending = new Map<string, boolean>();
    const ids = new Map<string, string>();
    for (const r of rows) {
      if (r.activity_id) ids.set(`${r.run_id}/${r.scheduled_event_id}`, r.activity_id);
      else pending.set(r.run_id, r.wft_pending ?? false);
    }
    return { pending, eager: claimedActivities(extra.activities, ids) };
  }

  /** A failed task is retried later with backoff (inside the batch's transaction). */
  private async markTaskFailed(trx: Knex.Transaction, runId: string, err: unknown): Promise<void> {
    await trx.raw(
      `UPDATE wf_executions SET wft_failures = wft_failures + 1,
              wft_ready_at = ?::timestamptz + least(60000, 1000 * power(2, least(wft_failures, 6))) * interval '1 millisecond',
              last_wft_error = ?
        WHERE run_id = ?`,
      [new Date(this.clock.now()), String(err instanceof Error ? err.stack : err), runId],
    );
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
  private async syncedRun(
    q: Knex | Knex.Transaction,
    row: ExecutionRow,
    forQuery: boolean,
    prefetched?: HistoryEvent[],
  ): Promise<WorkflowRun> {
    let run = this.cache.get(row.run_id);
    if (run && run.nextEventId === row.next_event_id) {
      this.cache.delete(row.run_id); // re-insert: most recently used last
      this.cache.set(row.run_id, run);
      return run;
    }
    if (run) this.evict(row.run_id);
    run = new WorkflowRun(row.run_id, row.workflow_id, row.task_queue, await this.creator, this.identity, this.options.payloadCodecs ?? []);
    // A run that has not had its first task has no history yet: nothing to read.
    const history = row.next_event_id > 1 ? (prefetched ?? (await this.history(row.run_id, q))) : [];
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

  /** Persists one of the less common effects; true when it put an event into this run's own inbox. */
  private async applyEffect(
    trx: Knex.Transaction,
    row: ExecutionRow,
    effect: Exclude<RareEffect, { kind: 'close' }>,
    now: number,
  ): Promise<boolean> {
    switch (effect.kind) {
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

  private async closeRun(trx: Knex.Transaction, row: ExecutionRow, event: HistoryEvent, now: number): Promise<ClosedRun> {
    const [closed] = await this.closeRuns(trx, [{ row, event }], now);
    return closed;
  }

  /**
   * Closes runs: their rows' new state, and whatever was pending dying with them, in one statement
   * for all; then a continued run's successor, the parent's Child* event, the children's fate.
   */
  private async closeRuns(trx: Knex.Transaction, closes: { row: ExecutionRow; event: HistoryEvent }[], now: number): Promise<ClosedRun[]> {
    const states = closes.map(({ event }): ClosedRun => {
      const continuedAs = event.workflowExecutionContinuedAsNewEventAttributes;
      if (continuedAs) continuedAs.newExecutionRunId = randomUUID();
      return {
        status: CLOSE_EVENTS.get(event.eventType ?? 0) ?? 'completed',
        result: encodeEvent(event),
        continued_run_id: continuedAs?.newExecutionRunId ?? null,
      };
    });
    await trx.raw(
      `WITH t AS (DELETE FROM wf_timers WHERE run_id = ANY(:runs)), a AS (DELETE FROM wf_activities WHERE run_id = ANY(:runs)),
            i AS (DELETE FROM wf_inbox WHERE run_id = ANY(:runs))
       UPDATE wf_executions e
          SET status = u.status, close_time = :closeTime, wft_pending = false, result = u.result, continued_run_id = u.continued
         FROM unnest(:runs::text[], :statuses::text[], :results::bytea[], :continued::text[]) AS u(run_id, status, result, continued)
        WHERE e.run_id = u.run_id`,
      {
        runs: closes.map((c) => c.row.run_id),
        closeTime: new Date(now),
        statuses: states.map((c) => c.status),
        results: states.map((c) => c.result),
        continued: states.map((c) => c.continued_run_id),
      },
    );
    for (const { row, event } of closes) {
      const a = event.workflowExecutionContinuedAsNewEventAttributes;
      if (a) {
        const memo = a.memo?.fields ?? (await encodeMapToPayloads(this.dataConverter, row.memo ?? {}));
        await this.createRun(trx, {
          runId: a.newExecutionRunId ?? '',
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
        continue;
      }
      await this.notifyParent(trx, row, event, now);
      if (this.cache.get(row.run_id)?.hasChildren ?? true) await this.closeChildren(trx, row);
    }
    return states;
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

  /** The execution row of a new run and its first history event (WorkflowExecutionStarted). */
  private async newRunRows(r: NewRun): Promise<{ execution: Record<string, unknown>; started: HistoryEvent }> {
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
    return { execution, started };
  }

  private async createRun(q: Knex | Knex.Transaction, r: NewRun): Promise<string> {
    const { execution, started } = await this.newRunRows(r);
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

  /**
   * Several starts in one statement; a workflow id that already has a running execution gets
   * WorkflowExecutionAlreadyStartedError (ON CONFLICT on the open-executions index), the others start.
   */
  private async createRuns(runs: NewRun[]): Promise<(string | Error)[]> {
    const rows = await Promise.all(runs.map((r) => this.newRunRows(r)));
    const insertRuns = this.db('wf_executions')
      .insert(rows.map((r) => r.execution))
      .toSQL();
    const events = packBytes(rows.map((r) => encodeEvent(r.started)));
    const res = await this.db.raw(
      `WITH e AS (${insertRuns.sql} ON CONFLICT (workflow_id) WHERE status = 'running' DO NOTHING RETURNING run_id)
       INSERT INTO wf_inbox (run_id, event)
       SELECT e.run_id, ${UNPACK('?', 'u.o', 'u.l')} FROM e JOIN unnest(?::text[], ?::int[], ?::int[]) AS u(run_id, o, l) USING (run_id)
       RETURNING run_id`,
      [...insertRuns.bindings, events.blob, runs.map((r) => r.runId), events.offsets, events.lengths],
    );
    const started = new Set((res.rows as { run_id: string }[]).map((r) => r.run_id));
    return runs.map((r) =>
      started.has(r.runId)
        ? r.runId
        : new WorkflowExecutionAlreadyStartedError(`工作流 ${r.workflowId} 已在运行, 请勿重复启动`, r.workflowId, r.workflowType),
    );
  }
}

function alreadyStarted(req: StartRequest): WorkflowExecutionAlreadyStartedError {
  return new WorkflowExecutionAlreadyStartedError(
    `工作流 ${req.workflowId} 已存在, 请更换业务编号或调整重用策略`,
    req.workflowId,
    req.workflowType,
  );
}

/** The wf_activities row of a ScheduleActivityTask command. */
function activityRow(
  row: ExecutionRow,
  scheduledEventId: number,
  a: temporal.api.history.v1.IActivityTaskScheduledEventAttributes,
  now: number,
): Record<string, unknown> {
  const ms = (d: typeof a.startToCloseTimeout) => (d ? Number(d.seconds ?? 0) * 1000 + Math.floor((d.nanos ?? 0) / 1e6) : undefined);
  const rp = a.retryPolicy;
  const timeouts = {
    startToCloseMs: ms(a.startToCloseTimeout),
    scheduleToCloseMs: ms(a.scheduleToCloseTimeout),
    heartbeatMs: ms(a.heartbeatTimeout),
  };
  const options = {
    leaseMs: leaseMs(timeouts),
    ...timeouts,
    retry: {
      initialIntervalMs: ms(rp?.initialInterval) ?? 1000,
      backoffCoefficient: rp?.backoffCoefficient || 2,
      maximumIntervalMs: ms(rp?.maximumInterval),
      maximumAttempts: rp?.maximumAttempts ?? 0,
      nonRetryableErrorTypes: rp?.nonRetryableErrorTypes ?? [],
    },
  };
  return {
    run_id: row.run_id,
    workflow_id: row.workflow_id,
    workflow_type: row.workflow_type,
    scheduled_event_id: scheduledEventId,
    activity_id: a.activityId,
    activity_type: a.activityType?.name,
    task_queue: a.taskQueue?.name ?? row.task_queue,
    input: Buffer.from(proto.temporal.api.common.v1.Payloads.encode(a.input ?? {}).finish()),
    options,
    attempt: 1,
    scheduled_at: new Date(now),
    next_run_at: new Date(now),
    schedule_to_close_at: options.scheduleToCloseMs ? new Date(now + options.scheduleToCloseMs) : null,
  };
}

/** The activities claimed for a local worker (eager dispatch), as rows with the ids they got. */
/**
 * A run's inbox as the claim packs it: per event its id (int8), length (int4) and bytes. A bytea
 * arrives as a Buffer from node-postgres and as a plain Uint8Array from PGlite.
 */
function unpackInbox(packed: Uint8Array | null): { ids: string[]; events: Uint8Array[] } {
  const ids: string[] = [];
  const events: Uint8Array[] = [];
  if (!packed) return { ids, events };
  const view = new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
  for (let at = 0; at < packed.length; ) {
    ids.push(view.getBigInt64(at).toString());
    const length = view.getInt32(at + 8);
    events.push(packed.subarray(at + 12, at + 12 + length));
    at += 12 + length;
  }
  return { ids, events };
}

function claimedActivities(activities: Record<string, unknown>[], ids: Map<string, string>): ActivityRow[] {
  return activities
    .filter((a) => a.claimed_by && ids.has(`${a.run_id}/${a.scheduled_event_id}`))
    .map(
      (a) =>
        ({
          ...a,
          id: ids.get(`${a.run_id}/${a.scheduled_event_id}`),
          heartbeat_details: null,
          last_failure: null,
          cancel_requested: false,
        }) as unknown as ActivityRow,
    );
}
