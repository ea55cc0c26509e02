import type { ReusableVMWorkflowCreator } from '@temporalio/worker/lib/workflow/reusable-vm';

/** engine/scoped-vm.cjs: the SDK's reusable V8 context with a cheaper switch of global scope. */
export declare const ScopedReusableVMWorkflowCreator: typeof ReusableVMWorkflowCreator;
