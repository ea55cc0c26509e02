/**
 * Public shapes of the embedded engine (the subset of `@temporalio/client` / `@temporalio/worker`
 * the platform uses). temporal-config/ returns these for either runtime.
 */
import type { PayloadCodec } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import type { QueryDefinition, SignalDefinition } from '@temporalio/workflow';
import type { Db } from '../db/connection';
import type { EngineClock } from './clock';

export type WorkflowStatusName = 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELLED' | 'TERMINATED' | 'CONTINUED_AS_NEW' | 'TIMED_OUT';

/** 'REJECT_DUPLICATE' etc., as in @temporalio/client's WorkflowIdReusePolicy. */
export type WorkflowIdReusePolicyName = 'ALLOW_DUPLICATE' | 'ALLOW_DUPLICATE_FAILED_ONLY' | 'REJECT_DUPLICATE' | 'TERMINATE_IF_RUNNING';

export type SearchAttributeValues = Record<string, unknown[]>;

export interface WorkflowStartOptions<A extends unknown[] = unknown[]> {
  workflowId: string;
  taskQueue: string;
  args?: A;
  memo?: Record<string, unknown>;
  searchAttributes?: SearchAttributeValues;
  workflowIdReusePolicy?: WorkflowIdReusePolicyName;
  /** Retry policy of the whole workflow is not supported by the embedded engine. */
}

export interface SignalWithStartOptions<A extends unknown[] = unknown[], S extends unknown[] = unknown[]> extends WorkflowStartOptions<A> {
  signal: string | SignalDefinition<S>;
  signalArgs?: S;
}

export interface WorkflowExecutionDescription {
  workflowId: string;
  runId: string;
  type: string;
  taskQueue: string;
  status: { name: WorkflowStatusName };
  startTime: Date;
  closeTime?: Date;
  historyLength: number;
  memo: Record<string, unknown>;
  searchAttributes: SearchAttributeValues;
  parentExecution?: { workflowId: string; runId: string };
}

export interface ListFilter {
  type?: string;
  status?: WorkflowStatusName | WorkflowStatusName[];
  workflowIdPrefix?: string;
  /** Every key must hold (a value among the listed ones). */
  searchAttributes?: Record<string, unknown>;
  startedAfter?: Date;
  startedBefore?: Date;
  closedAfter?: Date;
  closedBefore?: Date;
  pageSize?: number;
}

export interface WorkflowHandle<R = unknown> {
  readonly workflowId: string;
  /** The run this handle was created for (undefined: the latest run). */
  readonly runId?: string;
  /** The first run of a start, as in @temporalio/client. */
  readonly firstExecutionRunId?: string;
  signal<S extends unknown[]>(def: string | SignalDefinition<S>, ...args: S): Promise<void>;
  query<T, Q extends unknown[] = []>(def: string | QueryDefinition<T, Q>, ...args: Q): Promise<T>;
  /** Follows continue-as-new to the final run's result; rejects with WorkflowFailedError. */
  result(): Promise<R>;
  cancel(): Promise<void>;
  terminate(reason?: string): Promise<void>;
  describe(): Promise<WorkflowExecutionDescription>;
  fetchHistory(): Promise<temporal.api.history.v1.History>;
}

export interface EngineOptions {
  db: Db;
  /** Path of the workflows module (bundled with bundleWorkflowCode, once per process). */
  workflowsPath: string;
  clock?: EngineClock;
  /** Payload codecs (e.g. the SM4 codec), applied to every payload stored in history. */
  payloadCodecs?: PayloadCodec[];
  /** Live sandboxes kept in memory (default 5000, ~34 KB each); evicted ones are rebuilt by replaying history. */
  maxCachedWorkflows?: number;
  /** Fail a workflow task whose sandbox call runs longer than this (default: off; see sandbox.ts). */
  deadlockTimeoutMs?: number;
  /** Sandboxes in a worker thread of their own (default true), or in the calling thread (false). */
  sandboxThread?: boolean;
  /** Workflow tasks claimed and applied per transaction (default 50). */
  workflowTaskBatch?: number;
  /** Identity written into history (defaults to pid@host). */
  identity?: string;
  /** Test instrumentation: called inside a workflow task's transaction, just before commit. */
  hooks?: {
    beforeCommit?(info: { runId: string; firstEventId: number; lastEventId: number }): void | Promise<void>;
    afterCommit?(info: { runId: string; firstEventId: number; lastEventId: number }): void;
  };
}

// biome-ignore lint/suspicious/noExplicitAny: activity functions have arbitrary signatures
export type ActivityFunction = (...args: any[]) => Promise<unknown>;

export interface WorkerOptions {
  taskQueue: string;
  activities?: Record<string, ActivityFunction>;
  /** Workflow-task loops, each applying a batch of tasks per transaction (default 2 with the sandbox thread, else 1; always 1 on PGlite). */
  maxConcurrentWorkflowTasks?: number;
  maxConcurrentActivities?: number;
  /** Idle polling interval; in-process starts and signals wake the worker at once. */
  pollIntervalMs?: number;
  /** How long shutdown() waits for running activities (default 10 s). */
  shutdownGraceMs?: number;
}
