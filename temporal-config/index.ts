/**
 * The one factory that chooses the workflow runtime. `createRuntime({ db, … })` returns the client
 * the API uses and the worker(s) that run the workflow bundle and the activities:
 * - embedded (default): engine/ in this process, history in the platform's own database;
 * - cluster (TEMPORAL_ADDRESS set): @temporalio/client + @temporalio/worker on a Temporal cluster,
 *   with the same bundle (built once by engine/bundle.ts) and the same activities.
 * Both runtimes store payloads through the same SM4 payload codec (temporal-config/codec.ts).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PayloadCodec } from '@temporalio/common';
import type { Db } from '../db/connection';
import {
  createTestEnv,
  EmbeddedWorker,
  EmbeddedWorkflowClient,
  Engine,
  type EngineClock,
  type TestEnv,
  workflowBundle,
} from '../engine/index';
import { clusterClient, connectClusterClient } from './cluster';
import { Sm4PayloadCodec } from './codec';
import { DEFAULT_TASK_QUEUE } from './search-attributes';
import type { WorkflowClientLike } from './types';

export { Sm4PayloadCodec } from './codec';
export { DEFAULT_TASK_QUEUE, orgScopeValues, SA, SEARCH_ATTRIBUTE_TYPES, TASK_QUEUES } from './search-attributes';
export type { WorkflowClientLike } from './types';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The platform's workflow bundle entry: every production workflow (workflows/index.ts). */
export const DEFAULT_WORKFLOWS_PATH = path.resolve(here, '../workflows/index.ts');

// biome-ignore lint/suspicious/noExplicitAny: activity functions have arbitrary signatures
export type ActivityMap = Record<string, (...args: any[]) => Promise<unknown>>;

export interface RuntimeOptions {
  db: Db;
  workflowsPath?: string;
  activities?: ActivityMap;
  taskQueue?: string;
  /** Cluster frontend `host:7233`; default TEMPORAL_ADDRESS. `null` forces the embedded engine. */
  address?: string | null;
  /** Cluster namespace; default TEMPORAL_NAMESPACE or `default`. */
  namespace?: string;
  /** false: client only (a process that starts and signals but runs no workflows). */
  worker?: boolean;
  /** Embedded only: a virtual clock that tests move with `skipTime` (nothing waits on the wall clock). */
  timeSkipping?: boolean;
  /** Embedded only: virtual start time (ms since epoch) when timeSkipping. */
  startAt?: number;
  /** Default: the SM4 codec with GOV_PAYLOAD_KEY or GOV_SM4_KEY. */
  payloadCodecs?: PayloadCodec[];
  maxCachedWorkflows?: number;
  maxConcurrentActivities?: number;
  maxConcurrentWorkflowTasks?: number;
  /** Embedded only: workflow sandboxes in a worker thread of their own (default true). */
  sandboxThread?: boolean;
}

export interface Runtime {
  mode: 'embedded' | 'cluster';
  client: WorkflowClientLike;
  taskQueue: string;
  /** The workers polling in this process (none with `worker: false`). */
  workers: { shutdown(): Promise<void> | void }[];
  /** Embedded only: the engine (stats, clock). */
  engine?: Engine;
  /** Embedded only: the engine's clock; activities that compute deadlines read time from it. */
  now: () => Date;
  /** With `timeSkipping`: advance virtual time, firing due timers and retries in order. */
  skipTime?: TestEnv['sleep'];
  /** With `timeSkipping`: wait until nothing is runnable at the current virtual time. */
  idle?: TestEnv['idle'];
  shutdown(): Promise<void>;
}

export async function createRuntime(opts: RuntimeOptions): Promise<Runtime> {
  const address = opts.address === undefined ? process.env.TEMPORAL_ADDRESS || null : opts.address;
  const taskQueue = opts.taskQueue ?? DEFAULT_TASK_QUEUE;
  const workflowsPath = opts.workflowsPath ?? DEFAULT_WORKFLOWS_PATH;
  const payloadCodecs = opts.payloadCodecs ?? [new Sm4PayloadCodec()];
  return address
    ? clusterRuntime({ ...opts, address, taskQueue, workflowsPath, payloadCodecs })
    : embeddedRuntime({ ...opts, taskQueue, workflowsPath, payloadCodecs });
}

type Resolved = RuntimeOptions & { taskQueue: string; workflowsPath: string; payloadCodecs: PayloadCodec[] };

async function embeddedRuntime(o: Resolved): Promise<Runtime> {
  if (o.timeSkipping) {
    const env = await createTestEnv({
      db: o.db,
      workflowsPath: o.workflowsPath,
      activities: o.activities,
      taskQueue: o.taskQueue,
      payloadCodecs: o.payloadCodecs,
      maxCachedWorkflows: o.maxCachedWorkflows,
      startAt: o.startAt,
    });
    return {
      mode: 'embedded',
      client: env.client,
      taskQueue: o.taskQueue,
      workers: [env.worker],
      engine: env.engine,
      now: () => new Date(env.clock.now()),
      skipTime: env.sleep,
      idle: env.idle,
      shutdown: env.shutdown,
    };
  }
  const engine = new Engine({
    db: o.db,
    workflowsPath: o.workflowsPath,
    payloadCodecs: o.payloadCodecs,
    maxCachedWorkflows: o.maxCachedWorkflows,
    sandboxThread: o.sandboxThread,
  });
  await engine.ready();
  const client = new EmbeddedWorkflowClient(engine);
  const workers: EmbeddedWorker[] = [];
  const running: Promise<void>[] = [];
  if (o.worker !== false) {
    const w = new EmbeddedWorker(engine, {
      taskQueue: o.taskQueue,
      activities: o.activities,
      maxConcurrentActivities: o.maxConcurrentActivities,
      maxConcurrentWorkflowTasks: o.maxConcurrentWorkflowTasks,
    });
    workers.push(w);
    running.push(w.run());
  }
  const clock: EngineClock = engine.clock;
  return {
    mode: 'embedded',
    client,
    taskQueue: o.taskQueue,
    workers,
    engine,
    now: () => new Date(clock.now()),
    async shutdown() {
      await Promise.all(workers.map((w) => w.shutdown()));
      await Promise.all(running);
    },
  };
}

async function clusterRuntime(o: Resolved & { address: string }): Promise<Runtime> {
  const namespace = o.namespace ?? (process.env.TEMPORAL_NAMESPACE || 'default');
  const { client, connection } = await connectClusterClient({ address: o.address, namespace, payloadCodecs: o.payloadCodecs });
  const workers: { shutdown(): Promise<void> | void }[] = [];
  const running: Promise<void>[] = [];
  let nativeConnection: { close(): Promise<void> } | undefined;
  if (o.worker !== false) {
    // Loaded only in cluster mode: the native core bridge is not needed by the embedded engine.
    const { NativeConnection, Worker } = await import('@temporalio/worker');
    const nc = await NativeConnection.connect({ address: o.address });
    nativeConnection = nc;
    const worker = await Worker.create({
      connection: nc,
      namespace,
      taskQueue: o.taskQueue,
      // The same bundle the embedded engine runs (built once per process by engine/bundle.ts).
      workflowBundle: { code: (await workflowBundle(o.workflowsPath)).code },
      activities: o.activities,
      dataConverter: { payloadCodecs: o.payloadCodecs },
      maxCachedWorkflows: o.maxCachedWorkflows,
      maxConcurrentActivityTaskExecutions: o.maxConcurrentActivities,
      maxConcurrentWorkflowTaskExecutions: o.maxConcurrentWorkflowTasks,
    });
    workers.push(worker);
    running.push(worker.run());
  }
  return {
    mode: 'cluster',
    client: clusterClient(client),
    taskQueue: o.taskQueue,
    workers,
    now: () => new Date(),
    async shutdown() {
      for (const w of workers) await w.shutdown();
      await Promise.all(running);
      await nativeConnection?.close();
      await connection.close();
    },
  };
}
