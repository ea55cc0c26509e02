/**
 * The embedded worker: polls the database for workflow tasks, activity tasks, due timers and
 * expired leases of one task queue. Several workers (in one process or many) share the database;
 * row locks decide who does what.
 */
import type { Db } from '../db/connection';
import { type ActivityFn, type ActivityRow, claimActivities, expireActivities, fireDueTimers, runActivity } from './activities';
import { Engine } from './engine';
import { fireDueSchedules } from './schedules';
import type { EngineOptions, WorkerOptions } from './types';

export class EmbeddedWorker {
  private running = false;
  private stopped?: Promise<void>;
  private inflight = new Set<Promise<void>>();
  private readonly workerId: string;
  private readonly waiters = new Set<() => void>();
  private readonly wftWaiters = new Set<() => void>();
  private readonly activityWaiters = new Set<() => void>();
  private readonly timeWaiters = new Set<() => void>();
  /** 'work': wake every loop (tests, shutdown). */
  private readonly wakeUp = () => {
    for (const set of [this.waiters, this.wftWaiters, this.activityWaiters]) for (const w of [...set]) w();
  };
  /** A workflow task became due while no task loop was idle (the busy loop goes round again). */
  private wftSignalled = false;
  /** One workflow task is due: wake one idle task loop, not all of them (no thundering herd). */
  private readonly wakeWft = () => {
    const first = this.wftWaiters.values().next().value;
    if (first) first();
    else this.wftSignalled = true;
  };
  private readonly wakeActivity = () => {
    for (const w of [...this.activityWaiters]) w();
  };
  /**
   * Whether unclaimed activities may be waiting for a free slot of this worker: its last poll
   * filled every slot, or found none free. Only then does a finished activity trigger a poll;
   * otherwise new work announces itself ('activity') and the idle poll runs every pollIntervalMs.
   */
  private activityBacklog = true;
  private readonly wakeTime = () => {
    for (const w of [...this.timeWaiters]) w();
  };

  constructor(
    readonly engine: Engine,
    readonly options: WorkerOptions,
  ) {
    this.workerId = `${engine.identity}/${Math.random().toString(36).slice(2, 8)}`;
  }

  /** Runs until shutdown(); resolves when every loop and in-flight activity has stopped. */
  run(): Promise<void> {
    if (this.stopped) return this.stopped;
    this.running = true;
    // New activities of this queue come straight from this process's workflow tasks when a slot is free.
    const eager = {
      workerId: this.workerId,
      freeSlots: () => (this.running ? (this.options.maxConcurrentActivities ?? 20) - this.inflight.size : 0),
      run: (task: ActivityRow) => this.startActivity(task),
    };
    if (!this.engine.eagerWorkers.has(this.options.taskQueue)) this.engine.eagerWorkers.set(this.options.taskQueue, eager);
    const queues = this.engine.localTaskQueues;
    queues.set(this.options.taskQueue, (queues.get(this.options.taskQueue) ?? 0) + 1);
    const onWork = () => this.wakeUp();
    this.engine.events.on('work', onWork);
    this.engine.events.on('time', this.wakeTime);
    this.engine.events.on('wft', this.wakeWft);
    this.engine.events.on('activity', this.wakeActivity);
    // Each round is a batch (up to 50 tasks in one transaction). With the sandboxes in their own
    // thread, two loops by default: one loop's workflow code runs there while the other waits on the
    // database. Measured, 2000 two-activity workflows on 2 cores (same-run DBOS peer in brackets):
    // 1 loop 273-276 wf/s (295-331), 2 loops 319-368 (295-306). With the sandboxes in this thread one
    // loop was best (1 loop 280-295, 2 loops 160-167, 4 loops 150-220): the thread was the limit.
    const loopsDefault = this.engine.sandboxThreaded ? 2 : 1;
    const wftLoops = this.engine.embedded ? 1 : (this.options.maxConcurrentWorkflowTasks ?? loopsDefault);
    const loops = [
      ...Array.from({ length: wftLoops }, () => {
        let probe = true; // after a busy round there is probably more: skip the cheap probe
        return this.loop(async () => {
          this.wftSignalled = false;
          const claimed = await this.engine.processWorkflowTask(this.options.taskQueue, probe);
          probe = claimed === 0;
          // Go round again at once after a full batch, or when a task became due meanwhile;
          // otherwise wait for the next wake-up instead of querying for nothing.
          return claimed >= this.engine.workflowTaskBatch || this.wftSignalled;
        }, 'wft');
      }),
      this.loop(() => this.pollActivities(), 'activity'),
      // Timers and leases are due by the clock, not by events: polled (or woken by a clock jump).
      this.loop(
        async () => (await fireDueTimers(this.engine)) + (await expireActivities(this.engine)) + (await fireDueSchedules(this.engine)) > 0,
        'time',
      ),
    ];
    this.stopped = Promise.all(loops).then(async () => {
      // Activities get a grace period to finish; abandoned ones are retried elsewhere after their lease.
      const grace = new Promise((r) => setTimeout(r, this.options.shutdownGraceMs ?? 10_000).unref());
      await Promise.race([Promise.allSettled([...this.inflight]), grace]);
      this.engine.events.off('work', onWork);
      this.engine.events.off('time', this.wakeTime);
      this.engine.events.off('wft', this.wakeWft);
      this.engine.events.off('activity', this.wakeActivity);
      if (this.engine.eagerWorkers.get(this.options.taskQueue) === eager) this.engine.eagerWorkers.delete(this.options.taskQueue);
      const left = (queues.get(this.options.taskQueue) ?? 1) - 1;
      if (left > 0) queues.set(this.options.taskQueue, left);
      else queues.delete(this.options.taskQueue);
    });
    return this.stopped;
  }

  async shutdown(): Promise<void> {
    this.running = false;
    this.wakeUp();
    this.wakeTime();
    await this.stopped;
  }

  get activitiesInFlight(): number {
    return this.inflight.size;
  }

  private async loop(step: () => Promise<boolean>, wakeOn: 'wft' | 'activity' | 'time'): Promise<void> {
    while (this.running) {
      let busy = false;
      try {
        busy = await step();
      } catch (err) {
        if (!this.running) break;
        console.error('嵌入式工作流引擎轮询出错', err);
      }
      if (!busy) await this.idle(wakeOn === 'wft' ? this.wftWaiters : wakeOn === 'activity' ? this.activityWaiters : this.timeWaiters);
    }
  }

  private idle(waiters: Set<() => void>): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        waiters.delete(done);
        resolve();
      };
      const t = setTimeout(done, this.options.pollIntervalMs ?? 100);
      waiters.add(done);
    });
  }

  private async pollActivities(): Promise<boolean> {
    const max = this.options.maxConcurrentActivities ?? 20;
    const limit = max - this.inflight.size;
    const tasks: ActivityRow[] = await claimActivities(this.engine, this.options.taskQueue, limit, this.workerId);
    this.activityBacklog = tasks.length >= limit;
    for (const task of tasks) this.startActivity(task);
    return tasks.length > 0;
  }

  /** Runs a claimed attempt (polled, or handed over eagerly by a workflow task). */
  private startActivity(task: ActivityRow): void {
    const fn = this.options.activities?.[task.activity_type] as ActivityFn | undefined;
    const p: Promise<void> = runActivity(this.engine, task, fn, this.workerId)
      .catch((err) => console.error('记录活动结果失败', err))
      .finally(() => {
        this.inflight.delete(p);
        if (this.activityBacklog) this.wakeActivity(); // capacity freed for waiting work
      });
    this.inflight.add(p);
  }
}

export interface CreateWorkerOptions extends Omit<EngineOptions, 'db'>, WorkerOptions {
  db: Db;
  /** Share one engine (sandbox cache, clock) between a worker and a client in one process. */
  engine?: Engine;
}

/** Builds an engine (unless given) and a worker on it; call `run()` to start polling. */
export function createEmbeddedWorker(opts: CreateWorkerOptions): EmbeddedWorker {
  const engine = opts.engine ?? new Engine(opts);
  return new EmbeddedWorker(engine, opts);
}
