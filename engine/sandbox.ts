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

import type { Workflow, WorkflowCreator } from '@temporalio/worker/lib/workflow/interface';
import { ReusableVMWorkflowCreator } from '@temporalio/worker/lib/workflow/reusable-vm';
import { VMWorkflowCreator } from '@temporalio/worker/lib/workflow/vm';
import { globalHandlers } from '@temporalio/worker/lib/workflow/vm-shared';
import type { WorkflowInfo } from '@temporalio/workflow';
import { createUnsafeRandomSource } from '@temporalio/workflow/lib/random-helpers';
import { loadBundle, workflowBundle } from './bundle';

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
}

const creators = new Map<string, Promise<WorkflowCreator>>();

/** One creator per workflows path and mode, shared by every engine in the process. */
export function sandboxCreator(opts: SandboxOptions): Promise<WorkflowCreator> {
  const mode = opts.mode ?? 'reusable';
  const timeout = opts.deadlockTimeoutMs;
  const key = `${mode}:${timeout ?? 0}:${opts.workflowsPath}`;
  let p = creators.get(key);
  if (!p) {
    p = (async () => {
      const bundle = loadBundle(await workflowBundle(opts.workflowsPath), `workflow-bundle-${creators.size}.js`);
      const names = new Set(opts.activityNames ?? []);
      const creator =
        mode === 'vm'
          ? await VMWorkflowCreator.create(bundle, timeout as number, names)
          : await ReusableVMWorkflowCreator.create(bundle, timeout as number, names);
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
