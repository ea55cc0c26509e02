/**
 * The workflow client the API sees, whichever runtime runs underneath (embedded engine or a
 * Temporal cluster): the `@temporalio/client` WorkflowClient subset the platform uses, in the
 * engine's shapes (engine/types.ts). The cluster adapter in temporal-config/cluster.ts maps
 * @temporalio/client onto it.
 */
import type {
  ListFilter,
  SignalWithStartOptions,
  WorkflowExecutionDescription,
  WorkflowHandle,
  WorkflowStartOptions,
} from '../engine/types';

export type { ListFilter, SignalWithStartOptions, WorkflowExecutionDescription, WorkflowHandle, WorkflowStartOptions };

export interface WorkflowClientLike {
  start<R = unknown>(workflowType: string, opts: WorkflowStartOptions): Promise<WorkflowHandle<R>>;
  signalWithStart<R = unknown>(workflowType: string, opts: SignalWithStartOptions): Promise<WorkflowHandle<R>>;
  getHandle<R = unknown>(workflowId: string, runId?: string): WorkflowHandle<R>;
  list(filter?: ListFilter): AsyncIterable<WorkflowExecutionDescription>;
}
