/**
 * Small representative workflows, used by the engine's tests and by the replay-fidelity suite.
 * Together they exercise every feature the platform's processes rely on: activities, timers,
 * condition with timeout, signals, queries, child workflows, continue-as-new, patches, search
 * attributes, cancellation.
 */
import {
  ActivityCancellationType,
  CancellationScope,
  ChildWorkflowCancellationType,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  executeChild,
  getExternalWorkflowHandle,
  isCancellation,
  patched,
  proxyActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { DemoActivities } from '../../activities/demo';

const { greet, shout } = proxyActivities<DemoActivities>({ startToCloseTimeout: '1 minute' });
const { flaky } = proxyActivities<DemoActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumAttempts: 5 },
});
const { rejectIt } = proxyActivities<DemoActivities>({ startToCloseTimeout: '10 seconds' });
const { longRunning } = proxyActivities<DemoActivities>({
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: '10 seconds',
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
});

export const approveSignal = defineSignal<[string]>('approve');
export const statusQuery = defineQuery<string>('status');

/** Two activities in a row: the benchmark's unit of work. */
export async function twoActivities(name: string): Promise<string> {
  const a = await greet(name);
  return await shout(a);
}

/** Sleeps, then works: timers under time skipping. */
export async function sleeper(duration: string): Promise<string> {
  await sleep(duration);
  return await greet('醒来');
}

/** Waits for an approval signal, at most `deadline`: a signal racing a deadline. */
export async function approval(deadline: string): Promise<string> {
  let approvedBy: string | undefined;
  let status = '待审批';
  setHandler(approveSignal, (who) => {
    approvedBy = who;
  });
  setHandler(statusQuery, () => status);
  const inTime = await condition(() => approvedBy !== undefined, deadline);
  status = inTime ? `已审批:${approvedBy}` : '已超时';
  upsertSearchAttributes({ CustomKeywordField: [inTime ? 'approved' : 'expired'] });
  return status;
}

/** Activity that fails twice before succeeding (retry policy with backoff). */
export async function retrying(label: string): Promise<string> {
  return await flaky(label);
}

/** A non-retryable business failure fails the workflow. */
export async function rejecting(reason: string): Promise<string> {
  return await rejectIt(reason);
}

export async function child(n: number): Promise<number> {
  await sleep('1 minute');
  return n * 2;
}

/** Runs a child workflow and uses its result. */
export async function parent(n: number): Promise<number> {
  const r = await executeChild(child, { args: [n], workflowId: `${workflowInfo().workflowId}-child` });
  return r + 1;
}

/** Counts up through continue-as-new runs. */
export async function counter(n: number, until: number): Promise<number> {
  await sleep('1 hour');
  if (n < until) return await continueAsNew<typeof counter>(n + 1, until);
  return n;
}

/** Versioned code path: new executions take the patched branch, old histories keep theirs. */
export async function versioned(): Promise<string> {
  if (patched('add-greeting')) {
    return await greet('v2');
  }
  return 'v1';
}

/** Long activity that the workflow cancels after a timer: activity cancellation + heartbeats. */
export async function cancelsActivity(): Promise<string> {
  const scope = new CancellationScope();
  const p = scope.run(() => longRunning(1_000_000));
  await sleep('1 second');
  scope.cancel();
  try {
    await p;
    return 'not cancelled';
  } catch (err) {
    return isCancellation(err) ? 'activity cancelled' : `other: ${String(err)}`;
  }
}

/** Waits forever until cancelled from the client; cleans up in a non-cancellable scope. */
export async function waitsForCancel(): Promise<string> {
  try {
    await condition(() => false);
    return 'impossible';
  } catch (err) {
    if (!isCancellation(err)) throw err;
    await CancellationScope.nonCancellable(() => greet('cleanup'));
    throw err;
  }
}

const { slow } = proxyActivities<DemoActivities>({
  startToCloseTimeout: '3 seconds',
  retry: { initialInterval: '100 milliseconds', maximumInterval: '1 second' },
});

/** Two slow steps: the crash-recovery tests kill a worker process in the middle. */
export async function slowSteps(label: string): Promise<string> {
  const a = await slow(`${label}-1`);
  const b = await slow(`${label}-2`);
  return `${a}+${b}`;
}

const { hang } = proxyActivities<DemoActivities>({
  startToCloseTimeout: '2 seconds',
  retry: { maximumAttempts: 2, initialInterval: '1 second' },
});

/** An activity that never answers: two attempts time out, the workflow sees the timeout. */
export async function timesOut(): Promise<string> {
  try {
    return await hang();
  } catch (err) {
    return `失败: ${(err as Error).message} / ${((err as Error).cause as Error | undefined)?.name}`;
  }
}

/** Signals another running workflow (signalExternalWorkflowExecution). */
export async function signalsOther(targetWorkflowId: string, who: string): Promise<string> {
  await getExternalWorkflowHandle(targetWorkflowId).signal(approveSignal, who);
  return 'sent';
}

/** Cancels its running child (default WAIT_CANCELLATION_COMPLETED, or TRY_CANCEL). */
export async function cancelsChild(tryCancel: boolean): Promise<string> {
  const scope = new CancellationScope();
  const p = scope.run(() =>
    executeChild(child, {
      args: [1],
      workflowId: `${workflowInfo().workflowId}-child`,
      cancellationType: tryCancel ? ChildWorkflowCancellationType.TRY_CANCEL : ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED,
    }),
  );
  await sleep('1 second');
  scope.cancel();
  try {
    await p;
    return 'not cancelled';
  } catch (err) {
    return isCancellation(err) ? 'child cancelled' : `other: ${String(err)}`;
  }
}

/** Requests cancellation of another workflow (requestCancelExternalWorkflowExecution). */
export async function cancelsOther(targetWorkflowId: string): Promise<string> {
  try {
    await getExternalWorkflowHandle(targetWorkflowId).cancel();
    return 'cancel requested';
  } catch (err) {
    return `failed: ${(err as Error).message}`;
  }
}

/**
 * Engine test of the shared sandbox context: a run that adds, replaces and deletes globals keeps
 * those changes to itself, across other runs' tasks in between. Returns what it saw on start and
 * after its sleep: its own global, parseInt('7'), typeof escape.
 */
export async function globalsOwn(tag: string): Promise<string> {
  const g = globalThis as unknown as Record<string, unknown>;
  const seen = () => [typeof g.ownGlobal === 'string' ? g.ownGlobal : '-', String(parseInt('7', 10)), typeof g.escape].join(' ');
  const before = seen();
  g.ownGlobal = tag;
  g.parseInt = () => tag;
  delete g.escape;
  await sleep('1 hour');
  return `${before} | ${seen()}`;
}
