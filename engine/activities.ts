/**
 * Activity tasks: claimed with `FOR UPDATE SKIP LOCKED` and a lease (start-to-close or heartbeat
 * timeout), run at least once, retried with the workflow's retry policy. Only the final outcome
 * reaches history (ActivityTaskStarted + Completed/Failed/TimedOut/Canceled), as on a Temporal
 * server. A result from a stale attempt (lease lost, cancelled) is dropped.
 */
import { asyncLocalStorage, CancelledFailure, Context } from '@temporalio/activity';
import { ApplicationFailure, type MetricMeter, noopMetricMeter } from '@temporalio/common';
import { ActivityCancellationDetails } from '@temporalio/common/lib/activity-cancellation-details';
import { decodeArrayFromPayloads, encodeErrorToFailure, encodeToPayloads } from '@temporalio/common/lib/internal-non-workflow';
import { msToTs } from '@temporalio/common/lib/time';
import type { Knex } from 'knex';
import Long from 'long';
import type { Engine } from './engine';
import { GroupCommit } from './group-commit';
import { EventType, encodeEvent, type Failure, type HistoryEvent, type Payload, packBytes, UNPACK } from './history';
import { proto } from './proto';
import type { ActivityFunction as ActivityFn } from './types';

const RetryState = proto.temporal.api.enums.v1.RetryState;
const TimeoutType = proto.temporal.api.enums.v1.TimeoutType;

interface ActivityOptions {
  leaseMs: number;
  startToCloseMs?: number;
  scheduleToCloseMs?: number;
  heartbeatMs?: number;
  retry: {
    initialIntervalMs: number;
    backoffCoefficient: number;
    maximumIntervalMs?: number;
    maximumAttempts: number;
    nonRetryableErrorTypes: string[];
  };
}

export interface ActivityRow {
  id: number;
  run_id: string;
  workflow_id: string;
  workflow_type: string;
  scheduled_event_id: number;
  activity_id: string;
  activity_type: string;
  task_queue: string;
  input: Buffer | null;
  options: ActivityOptions;
  attempt: number;
  scheduled_at: Date;
  next_run_at: Date;
  schedule_to_close_at: Date | null;
  claimed_by: string | null;
  lease_until: Date | null;
  heartbeat_details: Buffer | null;
  last_failure: Buffer | null;
  cancel_requested: boolean;
}

/**
 * Exactly-once side effects on top of at-least-once activities: call inside the transaction that
 * performs the effect; true the first time for this key, false when a retry (after a crash or a
 * lost lease) must not repeat it. Enforced by the primary key of wf_activity_effects.
 */
export async function claimEffectOnce(q: Knex | Knex.Transaction, key: string): Promise<boolean> {
  const res = await q.raw('INSERT INTO wf_activity_effects (idempotency_key) VALUES (?) ON CONFLICT DO NOTHING RETURNING idempotency_key', [
    key,
  ]);
  return (res.rows as unknown[]).length > 0;
}

/** What an activity receives besides Temporal's Context: the key for exactly-once side effects. */
export function idempotencyKey(info: { workflowExecution?: { workflowId: string }; activityId: string }): string {
  return `${info.workflowExecution?.workflowId ?? ''}/${info.activityId}`;
}

export function leaseMs(o: Omit<ActivityOptions, 'retry' | 'leaseMs'>): number {
  const s2c = o.startToCloseMs ?? o.scheduleToCloseMs ?? 10 * 60_000;
  return o.heartbeatMs ? Math.min(o.heartbeatMs, s2c) : s2c;
}

/** Claims up to `limit` runnable activity tasks of a task queue for `workerId`. */
export async function claimActivities(engine: Engine, taskQueue: string, limit: number, workerId: string): Promise<ActivityRow[]> {
  if (limit <= 0) return [];
  const now = engine.now();
  // One statement: pick, lock and lease; the lease length was computed when the task was scheduled.
  const res = await engine.db.raw(
    `UPDATE wf_activities SET claimed_by = :workerId, attempt_started_at = :now,
            lease_until = :now::timestamptz + (coalesce((options->>'leaseMs')::bigint, 600000) * interval '1 millisecond')
      WHERE id IN (SELECT id FROM wf_activities
                    WHERE task_queue = :taskQueue AND claimed_by IS NULL AND NOT cancel_requested AND next_run_at <= :now
                    ORDER BY next_run_at LIMIT :limit FOR UPDATE SKIP LOCKED)
      RETURNING *`,
    { workerId, now, taskQueue, limit },
  );
  return res.rows as ActivityRow[];
}

export type { ActivityFunction as ActivityFn } from './types';

/** Runs one claimed activity task and records its outcome. */
export async function runActivity(engine: Engine, task: ActivityRow, fn: ActivityFn | undefined, workerId: string): Promise<void> {
  const dc = engine.dataConverter;
  const payloads = task.input ? (proto.temporal.api.common.v1.Payloads.decode(task.input).payloads ?? []) : [];
  let outcome: Outcome;
  if (!fn) {
    outcome = {
      kind: 'failed',
      error: ApplicationFailure.create({
        message: `活动 ${task.activity_type} 未在任务队列 ${task.task_queue} 上注册`,
        type: 'NotFoundError',
        nonRetryable: false,
      }),
    };
  } else {
    const args = await decodeArrayFromPayloads(dc, payloads);
    const heartbeatDetails = task.heartbeat_details
      ? (await decodeArrayFromPayloads(dc, proto.temporal.api.common.v1.Payloads.decode(task.heartbeat_details).payloads ?? []))[0]
      : undefined;
    const abort = new AbortController();
    let rejectCancelled: (e: unknown) => void = () => {};
    const cancelled = new Promise<never>((_, reject) => {
      rejectCancelled = reject;
    });
    cancelled.catch(() => {});
    let lastBeat = 0;
    let beating = false;
    const heartbeatFn = (details?: unknown) => {
      // Throttled: a beat renews the lease and learns about cancellation.
      const nowReal = Date.now();
      if (beating || nowReal - lastBeat < Math.min(1000, (task.options.heartbeatMs ?? 1000) / 2)) return;
      lastBeat = nowReal;
      beating = true;
      void heartbeat(engine, task, workerId, details)
        .then((cancel) => {
          if (cancel && !abort.signal.aborted) {
            abort.abort();
            rejectCancelled(new CancelledFailure('CANCELLED'));
          }
        })
        .catch(() => {})
        .finally(() => {
          beating = false;
        });
    };
    const o = task.options;
    const info = {
      taskToken: Buffer.from(String(task.id)),
      base64TaskToken: Buffer.from(String(task.id)).toString('base64'),
      activityId: task.activity_id,
      activityType: task.activity_type,
      activityNamespace: 'default',
      attempt: task.attempt,
      isLocal: false,
      workflowExecution: { workflowId: task.workflow_id, runId: task.run_id },
      workflowNamespace: 'default',
      workflowType: task.workflow_type,
      scheduledTimestampMs: new Date(task.scheduled_at).getTime(),
      scheduleToCloseTimeoutMs: o.scheduleToCloseMs ?? 0,
      startToCloseTimeoutMs: o.startToCloseMs ?? 0,
      currentAttemptScheduledTimestampMs: new Date(task.next_run_at).getTime(),
      heartbeatTimeoutMs: o.heartbeatMs,
      heartbeatDetails,
      taskQueue: task.task_queue,
      namespace: 'default',
      inWorkflow: true,
      /** Workflow id + activity id: unique per activity, stable across retries and crashes. */
      idempotencyKey: `${task.workflow_id}/${task.activity_id}`,
    };
    const ctx = new Context(
      info as unknown as Context['info'],
      cancelled,
      abort.signal,
      heartbeatFn,
      undefined,
      activityLogger,
      noopMetricMeter as MetricMeter,
      { details: new ActivityCancellationDetails({ cancelRequested: true }) } as never,
    );
    try {
      const result = await asyncLocalStorage.run(ctx, () => fn(...args));
      outcome = { kind: 'completed', result };
    } catch (err) {
      outcome =
        abort.signal.aborted || err instanceof CancelledFailure ? { kind: 'cancelled', error: err } : { kind: 'failed', error: err };
    }
  }
  await recordOutcome(engine, task, workerId, outcome);
}

type Outcome = { kind: 'completed'; result: unknown } | { kind: 'failed'; error: unknown } | { kind: 'cancelled'; error: unknown };

async function heartbeat(engine: Engine, task: ActivityRow, workerId: string, details: unknown): Promise<boolean> {
  const payloads = details === undefined ? undefined : await encodeToPayloads(engine.dataConverter, details);
  const update: Record<string, unknown> = { lease_until: new Date(engine.clock.now() + leaseMs(task.options)) };
  if (payloads) update.heartbeat_details = Buffer.from(proto.temporal.api.common.v1.Payloads.encode({ payloads }).finish());
  const rows = await engine
    .db('wf_activities')
    .where({ id: task.id, claimed_by: workerId, attempt: task.attempt })
    .update(update)
    .returning('cancel_requested');
  // Gone (resolved elsewhere, workflow closed) counts as cancelled: stop working.
  return rows.length === 0 || (rows[0] as { cancel_requested: boolean }).cancel_requested;
}

async function recordOutcome(engine: Engine, task: ActivityRow, workerId: string, outcome: Outcome): Promise<void> {
  const dc = engine.dataConverter;
  const failure = outcome.kind === 'completed' ? undefined : await encodeErrorToFailure(dc, outcome.error);
  if (outcome.kind === 'completed') {
    await completions(engine).add(completionOf(engine, task, workerId, (await encodeToPayloads(dc, outcome.result)) ?? []));
    engine.events.emit('wft');
    return;
  }
  await engine.db.transaction(async (trx) => {
    const row = (await trx('wf_activities').where({ id: task.id, claimed_by: workerId, attempt: task.attempt }).first().forUpdate()) as
      | ActivityRow
      | undefined;
    if (!row) return; // stale attempt: its lease expired or the activity was resolved meanwhile
    const now = engine.clock.now();
    if (outcome.kind === 'cancelled' && row.cancel_requested) {
      await finish(engine, trx, row, {
        eventType: EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED,
        activityTaskCanceledEventAttributes: { scheduledEventId: Long.fromNumber(row.scheduled_event_id), identity: workerId },
      });
      return;
    }
    await failAttempt(engine, trx, row, failure ?? { message: 'activity failed' }, now, false);
  });
  engine.events.emit('wft');
}

interface Completion {
  task: ActivityRow;
  workerId: string;
  started: Buffer;
  completed: Buffer;
}

/** A successful attempt's two history events, built once (the group's statement only ships them). */
function completionOf(engine: Engine, task: ActivityRow, workerId: string, result: Payload[]): Completion {
  const now = engine.clock.now();
  const started = encodeEvent({
    eventType: EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED,
    eventTime: msToTs(now),
    activityTaskStartedEventAttributes: {
      scheduledEventId: Long.fromNumber(task.scheduled_event_id),
      identity: workerId,
      attempt: task.attempt,
      lastFailure: task.last_failure ? proto.temporal.api.failure.v1.Failure.decode(task.last_failure) : undefined,
    },
  });
  const completed = encodeEvent({
    eventType: EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED,
    eventTime: msToTs(now),
    activityTaskCompletedEventAttributes: {
      scheduledEventId: Long.fromNumber(task.scheduled_event_id),
      result: { payloads: result },
      identity: workerId,
    },
  });
  return { task, workerId, started, completed };
}

/**
 * Successful attempts, a group per statement (group commit): delete the tasks (only where this
 * attempt still holds them), mark their workflow tasks pending and queue Started + Completed. The
 * executions are locked first, in run order — a workflow task's lock order (execution, then its
 * activities), so the two cannot deadlock.
 */
async function completeGroup(engine: Engine, group: Completion[]): Promise<undefined[]> {
  const started = packBytes(group.map((c) => c.started));
  const completed = packBytes(group.map((c) => c.completed));
  await engine.db.raw(
    `WITH x AS (SELECT x.id, x.worker, x.attempt, ${UNPACK(':started', 'x.so', 'x.sl')} AS started, ${UNPACK(':completed', 'x.co', 'x.cl')} AS completed, x.n
                  FROM unnest(:ids::bigint[], :workers::text[], :attempts::int[], :so::int[], :sl::int[], :co::int[], :cl::int[])
                       WITH ORDINALITY AS x(id, worker, attempt, so, sl, co, cl, n)),
          lk AS (SELECT run_id FROM wf_executions
                  WHERE run_id IN (SELECT a.run_id FROM wf_activities a JOIN x ON a.id = x.id) ORDER BY run_id FOR UPDATE),
          act AS (DELETE FROM wf_activities a USING x
                   WHERE a.id = x.id AND a.claimed_by = x.worker AND a.attempt = x.attempt AND a.run_id IN (SELECT run_id FROM lk)
                   RETURNING a.id, a.run_id),
          ex AS (UPDATE wf_executions SET wft_pending = true, wft_ready_at = :now
                  WHERE run_id IN (SELECT run_id FROM act) AND status = 'running' RETURNING run_id)
     INSERT INTO wf_inbox (run_id, event)
     SELECT act.run_id, e.event FROM x JOIN act ON act.id = x.id JOIN ex ON ex.run_id = act.run_id
      CROSS JOIN LATERAL unnest(ARRAY[x.started, x.completed]) WITH ORDINALITY AS e(event, k)
      ORDER BY x.n, e.k`,
    {
      ids: group.map((c) => c.task.id),
      workers: group.map((c) => c.workerId),
      attempts: group.map((c) => c.task.attempt),
      started: started.blob,
      so: started.offsets,
      sl: started.lengths,
      completed: completed.blob,
      co: completed.offsets,
      cl: completed.lengths,
      now: new Date(engine.clock.now()),
    },
  );
  return group.map(() => undefined);
}

const completionsOf = new WeakMap<Engine, GroupCommit<Completion, undefined>>();
function completions(engine: Engine): GroupCommit<Completion, undefined> {
  let c = completionsOf.get(engine);
  if (!c) {
    c = new GroupCommit((group) => completeGroup(engine, group));
    completionsOf.set(engine, c);
  }
  return c;
}

/** Final outcome: the row goes, Started + the result event go to the workflow's inbox. */
async function finish(engine: Engine, trx: Knex.Transaction, row: ActivityRow, result: HistoryEvent, started = true): Promise<void> {
  await trx('wf_activities').where({ id: row.id }).delete();
  const events: HistoryEvent[] = [];
  if (started) {
    events.push({
      eventType: EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED,
      activityTaskStartedEventAttributes: {
        scheduledEventId: Long.fromNumber(row.scheduled_event_id),
        identity: row.claimed_by ?? '',
        attempt: row.attempt,
        lastFailure: row.last_failure ? proto.temporal.api.failure.v1.Failure.decode(row.last_failure) : undefined,
      },
    });
  }
  events.push(result);
  await engine.toInbox(trx, row.run_id, ...events);
}

/** One attempt failed: retry per policy, or record the final failure / timeout. */
async function failAttempt(
  engine: Engine,
  trx: Knex.Transaction,
  row: ActivityRow,
  failure: Failure,
  now: number,
  timedOut: boolean,
): Promise<void> {
  if (row.cancel_requested) {
    // The workflow asked for cancellation: no retry; the attempt's end confirms the cancel.
    await finish(engine, trx, row, {
      eventType: EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED,
      activityTaskCanceledEventAttributes: { scheduledEventId: Long.fromNumber(row.scheduled_event_id), identity: row.claimed_by ?? '' },
    });
    return;
  }
  const r = row.options.retry;
  const type = failure.applicationFailureInfo?.type ?? '';
  const nonRetryable = !!failure.applicationFailureInfo?.nonRetryable || r.nonRetryableErrorTypes.includes(type);
  const exhausted = r.maximumAttempts > 0 && row.attempt >= r.maximumAttempts;
  const maxInterval = r.maximumIntervalMs ?? r.initialIntervalMs * 100;
  const backoff = Math.min(maxInterval, r.initialIntervalMs * r.backoffCoefficient ** (row.attempt - 1));
  const deadline = row.schedule_to_close_at ? new Date(row.schedule_to_close_at).getTime() : Number.POSITIVE_INFINITY;
  const pastDeadline = now + backoff >= deadline;
  if (!nonRetryable && !exhausted && !pastDeadline) {
    await trx('wf_activities')
      .where({ id: row.id })
      .update({
        attempt: row.attempt + 1,
        claimed_by: null,
        lease_until: null,
        next_run_at: new Date(now + backoff),
        last_failure: Buffer.from(proto.temporal.api.failure.v1.Failure.encode(failure).finish()),
      });
    return;
  }
  const retryState = nonRetryable
    ? RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE
    : exhausted
      ? RetryState.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED
      : RetryState.RETRY_STATE_TIMEOUT;
  if (timedOut) {
    await finish(engine, trx, row, {
      eventType: EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT,
      activityTaskTimedOutEventAttributes: { scheduledEventId: Long.fromNumber(row.scheduled_event_id), failure, retryState },
    });
    return;
  }
  await finish(engine, trx, row, {
    eventType: EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED,
    activityTaskFailedEventAttributes: {
      scheduledEventId: Long.fromNumber(row.scheduled_event_id),
      failure,
      retryState,
      identity: row.claimed_by ?? '',
    },
  });
}

/**
 * Timeouts: an attempt whose lease ran out (start-to-close, heartbeat, or a crashed worker) is
 * retried; an activity past its schedule-to-close deadline is timed out for good.
 */
export async function expireActivities(engine: Engine, limit = 100): Promise<number> {
  const now = engine.now();
  const n = await engine.db.transaction(async (trx) => {
    const rows = (await trx('wf_activities')
      .where((qb) => qb.where('lease_until', '<=', now).orWhere('schedule_to_close_at', '<=', now))
      .limit(limit)
      .forUpdate()
      .skipLocked()) as ActivityRow[];
    for (const row of rows) {
      const s2c = row.schedule_to_close_at && new Date(row.schedule_to_close_at).getTime() <= now.getTime();
      const timeoutType = s2c
        ? TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE
        : row.options.heartbeatMs && row.options.heartbeatMs < (row.options.startToCloseMs ?? Number.POSITIVE_INFINITY)
          ? TimeoutType.TIMEOUT_TYPE_HEARTBEAT
          : TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE;
      const failure: Failure = { message: 'activity timeout', timeoutFailureInfo: { timeoutType } };
      if (s2c) {
        await finish(
          engine,
          trx,
          row,
          {
            eventType: EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT,
            activityTaskTimedOutEventAttributes: {
              scheduledEventId: Long.fromNumber(row.scheduled_event_id),
              failure,
              retryState: RetryState.RETRY_STATE_TIMEOUT,
            },
          },
          !!row.claimed_by,
        );
      } else {
        await failAttempt(engine, trx, row, failure, now.getTime(), true);
      }
    }
    return rows.length;
  });
  if (n > 0) engine.events.emit('work');
  return n;
}

/**
 * Moves due timers into their workflows' inboxes, earliest first, a batch per transaction. The
 * executions are locked first (SKIP LOCKED: a run in the middle of a workflow task is left for
 * the next round), then their due timers go: the same lock order as a workflow task, which locks
 * its execution and then deletes timers, so the two cannot deadlock.
 */
export async function fireDueTimers(engine: Engine, limit = 500): Promise<number> {
  const now = engine.now();
  const n = await engine.db.transaction(async (trx) => {
    const locked = (
      await trx.raw(
        `SELECT e.run_id FROM wf_executions e
           JOIN (SELECT run_id, min(fire_at) AS due FROM wf_timers WHERE fire_at <= ? GROUP BY run_id ORDER BY due LIMIT ?) t USING (run_id)
          WHERE e.status = 'running'
          ORDER BY t.due
          FOR UPDATE OF e SKIP LOCKED`,
        [now, limit],
      )
    ).rows as { run_id: string }[];
    if (locked.length === 0) return 0;
    const runIds = locked.map((r) => r.run_id);
    const due = (
      await trx.raw(
        'DELETE FROM wf_timers WHERE run_id = ANY(?) AND fire_at <= ? RETURNING id, run_id, timer_id, started_event_id, fire_at',
        [runIds, now],
      )
    ).rows as { id: string; run_id: string; timer_id: string; started_event_id: number; fire_at: Date }[];
    due.sort((a, b) => new Date(a.fire_at).getTime() - new Date(b.fire_at).getTime() || Number(a.id) - Number(b.id));
    const eventTime = msToTs(now.getTime());
    await trx.raw(
      `WITH ex AS (UPDATE wf_executions SET wft_pending = true, wft_ready_at = :now WHERE run_id = ANY(:runIds))
       INSERT INTO wf_inbox (run_id, event) SELECT run_id, event FROM unnest(:runs::text[], :events::bytea[]) WITH ORDINALITY AS u(run_id, event, n) ORDER BY n`,
      {
        now,
        runIds,
        runs: due.map((t) => t.run_id),
        events: due.map((t) =>
          encodeEvent({
            eventType: EventType.EVENT_TYPE_TIMER_FIRED,
            eventTime,
            timerFiredEventAttributes: { timerId: t.timer_id, startedEventId: Long.fromNumber(t.started_event_id) },
          }),
        ),
      },
    );
    return due.length;
  });
  if (n > 0) engine.events.emit('wft');
  return n;
}

const activityLogger = {
  log: () => {},
  trace: () => {},
  debug: () => {},
  info: () => {},
  warn: (m: string, a?: unknown) => console.warn(m, a ?? ''),
  error: (m: string, a?: unknown) => console.error(m, a ?? ''),
};
