/**
 * The sandbox thread (a Node worker thread): holds the workflow sandboxes of one engine process,
 * as the SDK Worker does with its workflow threads (`@temporalio/worker/lib/workflow/
 * workflow-worker-thread`). The main thread keeps the database, the codec and the history; this
 * thread runs the workflow code. Plain JavaScript because a worker thread gets no TypeScript loader.
 *
 * Messages from the main thread (engine/sandbox.ts `ThreadedCreator`) are arrays of calls, handled in
 * order; each call is answered with `{ id, ok: true, value }` or `{ id, ok: false, error: { name,
 * message, stack } }`, the answers also sent in arrays:
 *   { id, type: 'init', bundle, mode, deadlockTimeoutMs, activityNames }
 *   { id, type: 'create', options }          options of WorkflowCreator.createWorkflow, minus functions
 *   { id, type: 'activate', runId, activation } activation encoded as coresdk WorkflowActivation bytes;
 *                                             value: { completion: WorkflowActivationCompletion bytes,
 *                                             disposed: true when a live run closed and was disposed }
 *   { id, type: 'dispose', runId }
 */
import { createRequire } from 'node:module';
import { parentPort } from 'node:worker_threads';

const require = createRequire(import.meta.url);
const { ScopedReusableVMWorkflowCreator } = require('./scoped-vm.cjs');
const { VMWorkflowCreator } = require('@temporalio/worker/lib/workflow/vm');
const { globalHandlers } = require('@temporalio/worker/lib/workflow/vm-shared');
const { coresdk } = require('@temporalio/proto');

const Activation = coresdk.workflow_activation.WorkflowActivation;
const Completion = coresdk.workflow_completion.WorkflowActivationCompletion;

/** @type {import('@temporalio/worker/lib/workflow/interface').WorkflowCreator | undefined} */
let creator;
/** @type {Map<string, import('@temporalio/worker/lib/workflow/interface').Workflow>} */
const workflows = new Map();

function isTerminal(c) {
  return Boolean(c.completeWorkflowExecution || c.failWorkflowExecution || c.cancelWorkflowExecution || c.continueAsNewWorkflowExecution);
}

async function handle(msg) {
  switch (msg.type) {
    case 'init': {
      const names = new Set(msg.activityNames);
      creator =
        msg.mode === 'vm'
          ? await VMWorkflowCreator.create(msg.bundle, msg.deadlockTimeoutMs, names)
          : await ScopedReusableVMWorkflowCreator.create(msg.bundle, msg.deadlockTimeoutMs, names);
      // The SDK's V8 promise hook serves only the `__stack_trace` query; it taxes every promise.
      globalHandlers.stopPromiseHook();
      globalHandlers.promiseHookInstalled = false;
      return undefined;
    }
    case 'create': {
      if (!creator) throw new Error('沙箱线程尚未初始化');
      workflows.set(msg.options.info.runId, await creator.createWorkflow(msg.options));
      return undefined;
    }
    case 'activate': {
      const wf = workflows.get(msg.runId);
      if (!wf) throw new Error(`沙箱线程中没有运行 ${msg.runId}`);
      const activation = Activation.decode(msg.activation);
      const completion = await wf.activate(activation);
      await wf.getAndResetSinkCalls(); // workflow logs: not needed by the engine
      // A live run that closes is evicted by the engine right after its task: dispose of it now,
      // while its globals are still in place (a later dispose would switch scope once more).
      const disposed = !activation.isReplaying && (completion.successful?.commands ?? []).some(isTerminal);
      if (disposed) {
        workflows.delete(msg.runId);
        await wf.dispose();
      }
      // A copy of its own: protobufjs writes small messages into a slice of Node's shared buffer
      // pool, and posting the slice would copy (transferring it would detach) the whole pool.
      return { completion: new Uint8Array(Completion.encode(completion).finish()), disposed };
    }
    case 'dispose': {
      const wf = workflows.get(msg.runId);
      workflows.delete(msg.runId);
      await wf?.dispose();
      return undefined;
    }
    default:
      throw new Error(`未知的沙箱线程消息 ${msg.type}`);
  }
}

/** Replies go back in groups of this many, so the main thread can start on the first ones. */
const REPLY_GROUP = 16;

// A message is a batch of calls. Batches and their calls are handled strictly in order (a run's
// create before its first activation), even where a call awaits.
let queue = Promise.resolve();
parentPort.on('message', (batch) => {
  queue = queue.then(() => handleBatch(batch));
});

async function handleBatch(batch) {
  let replies = [];
  for (const msg of batch) {
    try {
      replies.push({ id: msg.id, ok: true, value: await handle(msg) });
    } catch (err) {
      replies.push({ id: msg.id, ok: false, error: { name: err?.name, message: String(err?.message ?? err), stack: err?.stack } });
    }
    if (replies.length >= REPLY_GROUP) {
      post(replies);
      replies = [];
    }
  }
  if (replies.length > 0) post(replies);
}

function post(replies) {
  parentPort.postMessage(
    replies,
    replies.flatMap((r) => (r.value?.completion instanceof Uint8Array ? [r.value.completion.buffer] : [])),
  );
}
