'use strict';
/**
 * The SDK's reusable V8 context (`ReusableVMWorkflowCreator`, what its Worker uses by default) with
 * a cheaper switch of global scope between runs. Plain CommonJS: the sandbox thread has no
 * TypeScript loader, and the SDK parts it builds on are CommonJS internals (pinned at 1.24.0).
 *
 * All runs share one context; each run sees the globals as they were when the bundle had loaded
 * ("pristine"), plus whatever the run itself added, replaced or deleted. The SDK keeps this by
 * copying the descriptors of every global into the outgoing run's bag and comparing every global
 * against the incoming run's bag: about 75 globals, each read through node:vm's interceptors,
 * several times, and a bag of 75 descriptors kept per cached run. Measured in the engine benchmark:
 * about 200 µs a switch, three switches per two-activity workflow, the largest cost of the sandbox
 * thread.
 *
 * Here a run keeps only its difference from pristine. Leaving a run reads each global once and
 * records what differs (a plain run: its `__TEMPORAL_ACTIVATOR__`); the globals it changed go back
 * to pristine, and the incoming run's differences are applied. What a run sees is the same as with
 * the SDK's switch: values compared the same way (by identity), additions, replacements and
 * deletions of globals all kept per run (engine/engine.test.ts, "globals stay per run").
 */
const vm = require('node:vm');
const { ReusableVMWorkflowCreator, ReusableVMWorkflow } = require('@temporalio/worker/lib/workflow/reusable-vm');
const { globalHandlers } = require('@temporalio/worker/lib/workflow/vm-shared');
const { native } = require('@temporalio/core-bridge');

const SELF = '__GOV_CALL_INTO_SCOPE';
const callIntoScope = new vm.Script(`${SELF}()`);

/** Evaluated inside the context: returns the function that switches scope and calls the SDK's API. */
const SCOPE_SOURCE = `(function (pristine, mailbox) {
  const global = globalThis;
  const hasOwn = Object.prototype.hasOwnProperty;
  const ownKeys = Reflect.ownKeys;
  const descriptor = Reflect.getOwnPropertyDescriptor;
  const define = Reflect.defineProperty;
  const remove = Reflect.deleteProperty;
  const pristineKeys = ownKeys(pristine);
  const base = new Map(pristineKeys.map((k) => [k, pristine[k]]));
  const DELETED = Symbol('deleted');
  let current; // the holder whose globals are in place; undefined: pristine

  const same = (a, b) => a === b || (a !== a && b !== b); // NaN is itself
  /** Whether global k still holds its pristine value (p: its pristine descriptor). */
  function unchanged(k, p) {
    if ('value' in p) return same(global[k], p.value);
    const d = descriptor(global, k);
    return d !== undefined && d.get === p.get && d.set === p.set;
  }

  /** What the globals now differ in from pristine: [key, descriptor or DELETED, ...]. */
  function capture() {
    const diff = [];
    let kept = 0;
    for (const k of ownKeys(global)) {
      if (k === '${SELF}') continue;
      const p = base.get(k);
      if (p !== undefined) {
        kept++;
        if (unchanged(k, p)) continue;
      }
      diff.push(k, descriptor(global, k));
    }
    if (kept < pristineKeys.length) for (const k of pristineKeys) if (!hasOwn.call(global, k)) diff.push(k, DELETED);
    return diff;
  }

  function enter(holder) {
    if (current === holder) return;
    if (current !== undefined) {
      const diff = capture();
      current.diff = diff;
      for (let i = 0; i < diff.length; i += 2) {
        const p = base.get(diff[i]);
        if (p !== undefined) define(global, diff[i], p);
        else remove(global, diff[i]);
      }
    }
    const next = holder.diff;
    if (next !== undefined) {
      for (let i = 0; i < next.length; i += 2) {
        if (next[i + 1] === DELETED) remove(global, next[i]);
        else define(global, next[i], next[i + 1]);
      }
    }
    current = holder;
  }

  return function () {
    const { holder, fn, args } = mailbox;
    mailbox.holder = mailbox.fn = mailbox.args = undefined;
    enter(holder);
    return global.__TEMPORAL__.api[fn](...args);
  };
})`;

class ScopedReusableVMWorkflowCreator extends ReusableVMWorkflowCreator {
  constructor(...args) {
    super(...args);
    /** Host object through which a call passes its run, function and arguments into the context. */
    this.mailbox = {};
    const fn = vm.runInContext(SCOPE_SOURCE, this.context)(this.pristineObj, this.mailbox);
    vm.runInContext(
      `(f) => Object.defineProperty(globalThis, '${SELF}', { value: f, writable: false, enumerable: false, configurable: false })`,
      this.context,
    )(fn);
  }

  /** As `ReusableVMWorkflowCreator.createWorkflow`, calling through the switch above. */
  async createWorkflow(options) {
    const { context, mailbox } = this;
    const holder = { diff: undefined };
    const timeout = this.isolateExecutionTimeoutMs;
    const workflowModule = new Proxy(
      {},
      {
        get(_, fn) {
          return (...args) => {
            mailbox.holder = holder;
            mailbox.fn = fn;
            mailbox.args = args;
            // microtaskMode 'afterEvaluate': the run's microtasks have all run when this returns.
            return callIntoScope.runInContext(context, { timeout, displayErrors: true });
          };
        },
      },
    );
    workflowModule.initRuntime({
      ...options,
      sourceMap: this.workflowBundle.sourceMap,
      getTimeOfDay: native.getTimeOfDay,
      registeredActivityNames: this.registeredActivityNames,
      stackTracesEnabled: globalHandlers.promiseHookInstalled,
      patchActivationCallback: this.patchActivationCallback,
    });
    const workflow = new ReusableVMWorkflow(options.info.runId, context, context.__TEMPORAL_ACTIVATOR__, workflowModule);
    ReusableVMWorkflowCreator.workflowByRunId.set(options.info.runId, workflow);
    return workflow;
  }
}

module.exports = { ScopedReusableVMWorkflowCreator };
