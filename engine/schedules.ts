/**
 * Schedules (the shape of @temporalio/client's ScheduleClient subset): start a workflow on an
 * interval or a cron expression. Due schedules are claimed with `FOR UPDATE SKIP LOCKED` and
 * their workflow is started in the same transaction that moves `next_run_at`, so one due time
 * starts one workflow even with several workers.
 */
import { encodeToPayloads } from '@temporalio/common/lib/internal-non-workflow';
import type { Knex } from 'knex';
import { toMs } from './clock';
import { nextCronTime, parseCron } from './cron';
import type { Engine } from './engine';
import type { Payload } from './history';
import { proto } from './proto';
import type { SearchAttributeValues } from './types';

export interface ScheduleSpec {
  /** Every `every` (ms-style, e.g. '1 day'), shifted by `offset` from the Unix epoch. */
  intervals?: { every: string | number; offset?: string | number }[];
  /** Five-field cron expressions, in `utcOffsetMinutes` local time (default Beijing time, 480). */
  cronExpressions?: string[];
  utcOffsetMinutes?: number;
}

export interface ScheduleOptions {
  scheduleId: string;
  spec: ScheduleSpec;
  action: {
    type?: 'startWorkflow';
    workflowType: string | { name: string };
    /** Base of each run's workflow id; the nominal time is appended, as Temporal does. */
    workflowId?: string;
    taskQueue: string;
    args?: unknown[];
    memo?: Record<string, unknown>;
    searchAttributes?: SearchAttributeValues;
  };
  policies?: { overlap?: 'SKIP' | 'ALLOW_ALL' };
  state?: { paused?: boolean; note?: string };
}

export interface ScheduleDescription {
  scheduleId: string;
  spec: ScheduleSpec;
  workflowType: string;
  paused: boolean;
  note?: string;
  nextActionTimes: Date[];
  info: { numActionsTaken: number; numActionsSkippedOverlap: number; recentActions: { workflowId: string; runId: string; at: Date }[] };
}

interface ScheduleRow {
  schedule_id: string;
  spec: ScheduleSpec;
  action: ScheduleOptions['action'] & { workflowType: string; input: string };
  overlap: string;
  paused: boolean;
  note: string | null;
  next_run_at: Date | null;
  last_run_at: Date | null;
  last_workflow_id: string | null;
  last_run_id: string | null;
  runs: number;
  skipped: number;
}

/** The first due time of `spec` strictly after `afterMs`. */
export function nextScheduleTime(spec: ScheduleSpec, afterMs: number): number | undefined {
  const candidates: number[] = [];
  for (const iv of spec.intervals ?? []) {
    const every = toMs(iv.every);
    const offset = iv.offset === undefined ? 0 : toMs(iv.offset);
    if (every <= 0) continue;
    candidates.push(Math.floor((afterMs - offset) / every + 1) * every + offset);
  }
  for (const c of spec.cronExpressions ?? []) candidates.push(nextCronTime(parseCron(c), afterMs, spec.utcOffsetMinutes ?? 480));
  return candidates.length ? Math.min(...candidates) : undefined;
}

export class EmbeddedScheduleClient {
  constructor(readonly engine: Engine) {}

  async create(o: ScheduleOptions): Promise<ScheduleHandle> {
    const next = nextScheduleTime(o.spec, this.engine.clock.now());
    if (next === undefined) throw new TypeError('计划至少需要一个间隔或 cron 表达式');
    const input = (await encodeToPayloads(this.engine.dataConverter, ...(o.action.args ?? []))) ?? [];
    const workflowType = typeof o.action.workflowType === 'string' ? o.action.workflowType : o.action.workflowType.name;
    try {
      await this.engine.db('wf_schedules').insert({
        schedule_id: o.scheduleId,
        spec: JSON.stringify(o.spec),
        action: JSON.stringify({ ...o.action, workflowType, args: undefined, input: encodePayloads(input) }),
        overlap: o.policies?.overlap ?? 'SKIP',
        paused: o.state?.paused ?? false,
        note: o.state?.note ?? null,
        next_run_at: new Date(next),
        created_at: this.engine.now(),
      });
    } catch (err) {
      if ((err as { code?: string }).code === '23505') throw new Error(`计划 ${o.scheduleId} 已存在, 请更换编号或先删除`);
      throw err;
    }
    this.engine.events.emit('time');
    return this.getHandle(o.scheduleId);
  }

  getHandle(scheduleId: string): ScheduleHandle {
    return new ScheduleHandle(this.engine, scheduleId);
  }

  async *list(): AsyncIterable<ScheduleDescription> {
    const rows = (await this.engine.db('wf_schedules').orderBy('schedule_id')) as ScheduleRow[];
    for (const r of rows) yield describe(r);
  }
}

export class ScheduleHandle {
  constructor(
    private readonly engine: Engine,
    readonly scheduleId: string,
  ) {}

  async describe(): Promise<ScheduleDescription> {
    const r = (await this.engine.db('wf_schedules').where({ schedule_id: this.scheduleId }).first()) as ScheduleRow | undefined;
    if (!r) throw new Error(`未找到计划 ${this.scheduleId}, 请核对编号`);
    return describe(r);
  }

  async pause(note?: string): Promise<void> {
    await this.update({ paused: true, note: note ?? null });
  }

  async unpause(note?: string): Promise<void> {
    // Resume from now: missed times while paused are not caught up.
    const r = await this.describe();
    const next = nextScheduleTime(r.spec, this.engine.clock.now());
    await this.update({ paused: false, note: note ?? null, next_run_at: next ? new Date(next) : null });
  }

  /** Starts the action now, outside the spec (like ScheduleHandle.trigger). */
  async trigger(): Promise<void> {
    await this.engine.db.transaction(async (trx) => {
      const row = (await trx('wf_schedules').where({ schedule_id: this.scheduleId }).first().forUpdate()) as ScheduleRow | undefined;
      if (!row) throw new Error(`未找到计划 ${this.scheduleId}, 请核对编号`);
      await runAction(this.engine, trx, row, this.engine.clock.now());
    });
    this.engine.events.emit('wft');
  }

  async delete(): Promise<void> {
    await this.engine.db('wf_schedules').where({ schedule_id: this.scheduleId }).delete();
  }

  private async update(fields: Record<string, unknown>): Promise<void> {
    const n = await this.engine.db('wf_schedules').where({ schedule_id: this.scheduleId }).update(fields);
    if (n === 0) throw new Error(`未找到计划 ${this.scheduleId}, 请核对编号`);
    this.engine.events.emit('time');
  }
}

/** Starts the workflows of due schedules; one start per due time, even with several workers. */
export async function fireDueSchedules(engine: Engine, limit = 50): Promise<number> {
  const now = engine.clock.now();
  const n = await engine.db.transaction(async (trx) => {
    const due = (await trx('wf_schedules')
      .where({ paused: false })
      .andWhere('next_run_at', '<=', new Date(now))
      .orderBy('next_run_at')
      .limit(limit)
      .forUpdate()
      .skipLocked()) as ScheduleRow[];
    for (const row of due) {
      const nominal = new Date(row.next_run_at ?? now).getTime();
      await runAction(engine, trx, row, nominal);
      // Missed times (a stopped server) are not caught up one by one: the next is after now.
      const next = nextScheduleTime(row.spec, Math.max(nominal, now));
      await trx('wf_schedules')
        .where({ schedule_id: row.schedule_id })
        .update({ next_run_at: next ? new Date(next) : null });
    }
    return due.length;
  });
  if (n > 0) engine.events.emit('wft');
  return n;
}

async function runAction(engine: Engine, trx: Knex.Transaction, row: ScheduleRow, nominal: number): Promise<void> {
  if (row.overlap === 'SKIP' && row.last_run_id) {
    const last = await trx('wf_executions').where({ run_id: row.last_run_id }).first('status', 'continued_run_id');
    if (last && (last.status === 'running' || last.status === 'continued_as_new')) {
      await trx('wf_schedules').where({ schedule_id: row.schedule_id }).increment('skipped', 1);
      return;
    }
  }
  const workflowId = `${row.action.workflowId ?? row.schedule_id}-${new Date(nominal).toISOString().replace(/\.\d{3}Z$/, 'Z')}`;
  const runId = await engine.startInTrx(trx, {
    workflowType: row.action.workflowType,
    workflowId,
    taskQueue: row.action.taskQueue,
    args: [],
    input: decodePayloads(row.action.input),
    memo: row.action.memo,
    searchAttributes: row.action.searchAttributes,
    workflowIdReusePolicy: 'ALLOW_DUPLICATE',
  });
  await trx('wf_schedules')
    .where({ schedule_id: row.schedule_id })
    .update({ last_run_at: new Date(engine.clock.now()), last_workflow_id: workflowId, last_run_id: runId, runs: trx.raw('runs + 1') });
}

function describe(r: ScheduleRow): ScheduleDescription {
  const nextActionTimes: Date[] = [];
  let t = r.next_run_at ? new Date(r.next_run_at).getTime() : undefined;
  for (let i = 0; i < 5 && t !== undefined && !r.paused; i++) {
    nextActionTimes.push(new Date(t));
    t = nextScheduleTime(r.spec, t);
  }
  return {
    scheduleId: r.schedule_id,
    spec: r.spec,
    workflowType: r.action.workflowType,
    paused: r.paused,
    note: r.note ?? undefined,
    nextActionTimes,
    info: {
      numActionsTaken: r.runs,
      numActionsSkippedOverlap: r.skipped,
      recentActions:
        r.last_workflow_id && r.last_run_id && r.last_run_at
          ? [{ workflowId: r.last_workflow_id, runId: r.last_run_id, at: new Date(r.last_run_at) }]
          : [],
    },
  };
}

function encodePayloads(p: Payload[]): string {
  return Buffer.from(proto.temporal.api.common.v1.Payloads.encode({ payloads: p }).finish()).toString('base64');
}

function decodePayloads(s: string): Payload[] {
  return proto.temporal.api.common.v1.Payloads.decode(Buffer.from(s, 'base64')).payloads ?? [];
}
