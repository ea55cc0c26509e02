/**
 * Workflow sandboxes: the SDK's own VM (`@temporalio/worker/lib/workflow/*`), created the way the
 * SDK's Worker creates them (worker.js `createWorkflow`), so determinism rules, cancellation
 * scopes, conditions, patches and queries are Temporal's own. These are SDK internals; the
 * `@temporalio/*` packages are pinned at 1.24.0 for that reason.
 */
import { decompileRetryPolicy, TypedSearchAttributes } from '@temporalio/common';
import { optionalTsToMs, tsToDate, tsToMs } from '@temporalio/common/lib/time';
import type { coresdk, google } from '@temporalio/proto';

type Timestamp = google.protobuf.ITimestamp;

import { Worker } from 'node:worker_threads';
import type { Workflow, WorkflowCreateOptions, WorkflowCreator } from '@temporalio/worker/lib/workflow/interface';
import { VMWorkflowCreator } from '@temporalio/worker/lib/workflow/vm';
import { globalHandlers } from '@temporalio/worker/lib/workflow/vm-shared';
import type { WorkflowInfo } from '@temporalio/workflow';
import { createUnsafeRandomSource } from '@temporalio/workflow/lib/random-helpers';
import { loadBundle, workflowBundle } from './bundle';
import { proto as P } from './proto';
import { ScopedReusableVMWorkflowCreator } from './scoped-vm.cjs';

export type { Workflow };
export type InitJob = coresdk.workflow_activation.IInitializeWorkflow;

export interface SandboxOptions {
  workflowsPath: string;
  /**
   * 'reusable' shares one V8 context between workflows (the SDK Worker's default, far cheaper per
   * execution); 'vm' gives each execution its own context.
   */
  mode?: 'reusable' | 'vm';
  /** Names of registered activities (the SDK warns on calls to unknown ones). */
  activityNames?: string[];
  /**
   * Deadlock detection: a call into the sandbox running longer than this fails the workflow task.
   * Off by default: node:vm arms a watchdog thread for every call (≈ 80 µs each, several calls per
   * activation — the largest single cost of a workflow task here), and our workflows are our own
   * reviewed code. Turn it on (e.g. 2000) when running workflow code that is not.
   */
  deadlockTimeoutMs?: number;
  /**
   * true (the default): the sandboxes live in a worker thread of their own (engine/sandbox-thread.mjs),
   * as in the SDK Worker, so workflow code runs beside the database work of the main thread instead
   * of taking turns with it. false: in the main thread.
   */
  thread?: boolean;
}

const creators = new Map<string, Promise<WorkflowCreator>>();

/** One creator per workflows path, mode and thread choice, shared by every engine in the process. */
export function sandboxCreator(opts: SandboxOptions): Promise<WorkflowCreator> {
  const mode = opts.mode ?? 'reusable';
  const timeout = opts.deadlockTimeoutMs;
  const thread = opts.thread ?? true;
  const key = `${mode}:${timeout ?? 0}:${thread}:${opts.workflowsPath}`;
  let p = creators.get(key);
  if (!p) {
    p = (async () => {
      const bundle = loadBundle(await workflowBundle(opts.workflowsPath), `workflow-bundle-${creators.size}.js`);
      if (thread) {
        return ThreadedCreator.start({ bundle, mode, deadlockTimeoutMs: timeout, activityNames: opts.activityNames ?? [] });
      }
      const names = new Set(opts.activityNames ?? []);
      const creator =
        mode === 'vm'
          ? await VMWorkflowCreator.create(bundle, timeout as number, names)
          : await ScopedReusableVMWorkflowCreator.create(bundle, timeout as number, names);
      // The SDK installs a V8 promise hook to collect workflow stack traces. Its worker runs
      // workflows in worker threads; here they share the main thread, where the hook would tax
      // every promise of the process (database driver included). Only the `__stack_trace`
      // query needs it.
      (globalHandlers as unknown as { stopPromiseHook(): void }).stopPromiseHook();
      globalHandlers.promiseHookInstalled = false;
      return creator;
    })();
    creators.set(key, p);
  }
  return p;
}

/** A new sandbox for a run, from its initializeWorkflow job (mirrors worker.js createWorkflow). */
export async function createSandbox(
  creator: WorkflowCreator,
  runId: string,
  init: InitJob,
  taskQueue: string,
  timestamp: coresdk.workflow_activation.IWorkflowActivation['timestamp'],
): Promise<Workflow> {
  const info: WorkflowInfo = {
    workflowId: init.workflowId ?? '',
    runId,
    workflowType: init.workflowType ?? '',
    searchAttributes: {},
    typedSearchAttributes: new TypedSearchAttributes(),
    parent: init.parentWorkflowInfo
      ? {
          workflowId: init.parentWorkflowInfo.workflowId ?? '',
          runId: init.parentWorkflowInfo.runId ?? '',
          namespace: init.parentWorkflowInfo.namespace ?? 'default',
        }
      : undefined,
    root: undefined,
    taskQueue,
    namespace: 'default',
    firstExecutionRunId: init.firstExecutionRunId ?? runId,
    originalExecutionRunId: init.originalExecutionRunId || runId,
    continuedFromExecutionRunId: init.continuedFromExecutionRunId || undefined,
    startTime: tsToDate((init.startTime ?? timestamp ?? { seconds: 0 }) as Timestamp),
    runStartTime: tsToDate((timestamp ?? { seconds: 0 }) as Timestamp),
    executionTimeoutMs: optionalTsToMs(init.workflowExecutionTimeout),
    executionExpirationTime: undefined,
    runTimeoutMs: optionalTsToMs(init.workflowRunTimeout),
    taskTimeoutMs: optionalTsToMs(init.workflowTaskTimeout) ?? 10_000,
    retryPolicy: init.retryPolicy ? decompileRetryPolicy(init.retryPolicy) : undefined,
    attempt: init.attempt ?? 1,
    cronSchedule: init.cronSchedule || undefined,
    cronScheduleToScheduleInterval: undefined,
    historyLength: 0,
    historySize: 0,
    continueAsNewSuggested: false,
    targetWorkerDeploymentVersionChanged: false,
    suggestedContinueAsNewReasons: undefined,
    currentBuildId: '',
    currentDeploymentVersion: undefined,
    unsafe: {
      now: () => Date.now(), // replaced by the SDK's initRuntime with the activation clock
      isReplaying: false,
      isReplayingHistoryEvents: false,
      random: createUnsafeRandomSource(Math.random),
    },
    priority: undefined,
  } as unknown as WorkflowInfo;
  const seed = init.randomnessSeed as { toBytes(): number[] } | null | undefined;
  return creator.createWorkflow({
    info,
    randomnessSeed: seed ? seed.toBytes() : [0, 0, 0, 0, 0, 0, 0, 0],
    now: tsToMs(timestamp),
    showStackTraceSources: false,
  });
}

// ------------------------------------------------------------------ the sandbox thread

type ThreadReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: { name?: string; message: string; stack?: string } };
type ThreadInit = { bundle: ReturnType<typeof loadBundle>; mode: 'reusable' | 'vm'; deadlockTimeoutMs?: number; activityNames: string[] };

/**
 * Sandboxes in a worker thread (engine/sandbox-thread.mjs). Activations and completions cross as
 * protobuf bytes, and the calls made in one turn of the event loop cross as one message (a batch of
 * workflow tasks is one message each way, not one per task). If the thread dies, its pending calls
 * fail (the engine records a failed workflow task and evicts the run) and the next sandbox is made
 * in a new thread, rebuilt there by replay.
 */
const threaded = new Set<ThreadedCreator>();

/**
 * protobufjs writes small messages into a slice of Node's shared 8 KB buffer pool; posting such a
 * view would copy the whole pool (and transferring it would detach it). A copy of its own can be
 * transferred.
 */
function ownBuffer(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : new Uint8Array(bytes);
}

function transferables(batch: Record<string, unknown>[]): ArrayBuffer[] {
  return batch.flatMap((m) => (m.activation instanceof Uint8Array ? [m.activation.buffer as ArrayBuffer] : []));
}

/** Tests: ends every sandbox thread of this process abruptly, as a crash would. */
export async function killSandboxThreadsForTest(): Promise<void> {
  await Promise.all([...threaded].map((c) => c.kill()));
}

class ThreadedCreator implements WorkflowCreator {
  private worker!: Worker;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  /** Calls not yet posted; flushed once the current turn's microtasks are done. */
  private outbox: Record<string, unknown>[] = [];
  /** Set when the thread died; the next createWorkflow starts a new one. */
  private respawn?: Promise<void>;
  private dead = false;

  private constructor(private readonly init: ThreadInit) {}

  static async start(init: ThreadInit): Promise<ThreadedCreator> {
    const c = new ThreadedCreator(init);
    await c.spawn();
    threaded.add(c);
    return c;
  }

  private async spawn(): Promise<void> {
    const worker = new Worker(new URL('./sandbox-thread.mjs', import.meta.url));
    this.worker = worker;
    this.dead = false;
    this.outbox = [];
    worker.unref(); // ref'd only while a call is pending (see call)
    worker.on('message', (replies: ThreadReply[]) => {
      for (const m of replies) {
        const p = this.pending.get(m.id);
        if (!p) continue;
        this.pending.delete(m.id);
        if (m.ok) p.resolve(m.value);
        else p.reject(Object.assign(new Error(m.error.message), { name: m.error.name ?? 'Error', stack: m.error.stack }));
      }
      if (this.pending.size === 0) worker.unref();
    });
    worker.on('error', (err) => this.failAll(worker, err));
    worker.on('exit', (code) => this.failAll(worker, new Error(`工作流沙箱线程已退出 (退出码 ${code})`)));
    await this.call(worker, { type: 'init', ...this.init });
  }

  private failAll(worker: Worker, err: Error): void {
    if (this.worker !== worker) return;
    const pending = [...this.pending.values()];
    this.pending.clear();
    this.outbox = [];
    this.dead = true;
    this.respawn = undefined;
    for (const p of pending) p.reject(err);
  }

  private call(worker: Worker, msg: Record<string, unknown>): Promise<unknown> {
    if (worker !== this.worker || this.dead) return Promise.reject(new Error('工作流沙箱线程已重启, 该运行需重放'));
    const id = this.nextId++;
    if (this.pending.size === 0) worker.ref();
    if (this.outbox.length === 0) setImmediate(() => this.flush(worker));
    this.outbox.push({ id, ...msg });
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
    });
  }

  private flush(worker: Worker): void {
    if (worker !== this.worker || this.outbox.length === 0) return;
    const batch = this.outbox;
    this.outbox = [];
    worker.postMessage(batch, transferables(batch));
  }

  async createWorkflow(options: WorkflowCreateOptions): Promise<Workflow> {
    if (this.dead) {
      this.respawn ??= this.spawn();
      await this.respawn;
    }
    const worker = this.worker;
    // Functions do not cross threads; the SDK's initRuntime puts its own now/random back.
    const { now: _now, random: _random, ...unsafe } = options.info.unsafe;
    // Not awaited: the thread handles calls in order, so the first activation can travel with it.
    const created = this.call(worker, { type: 'create', options: { ...options, info: { ...options.info, unsafe } } });
    created.catch(() => {}); // reported by the first activation
    const runId = options.info.runId;
    let disposed = false;
    return {
      activate: async (activation) => {
        const reply = this.call(worker, {
          type: 'activate',
          runId,
          activation: ownBuffer(P.coresdk.workflow_activation.WorkflowActivation.encode(activation).finish()),
        });
        await created;
        const r = (await reply) as { completion: Uint8Array; disposed: boolean };
        disposed ||= r.disposed; // a live run that closed: the thread disposed of it already
        return P.coresdk.workflow_completion.WorkflowActivationCompletion.decode(r.completion);
      },
      getAndResetSinkCalls: async () => [], // the thread drops them after each activation
      dispose: async () => {
        if (disposed || worker !== this.worker || this.dead) return;
        disposed = true;
        await this.call(worker, { type: 'dispose', runId }).catch(() => {});
      },
    };
  }

  async kill(): Promise<void> {
    await this.worker.terminate();
  }

  async destroy(): Promise<void> {
    threaded.delete(this);
    this.dead = true;
    await this.worker.terminate();
  }
}
