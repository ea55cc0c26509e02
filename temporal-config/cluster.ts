/**
 * Cluster mode (TEMPORAL_ADDRESS set): @temporalio/client and @temporalio/worker as usual, adapted to
 * the client shape the API uses (temporal-config/types.ts), so the API never knows which runtime
 * runs underneath. The list filter becomes a visibility query over the search attributes declared
 * in search-attributes.ts (registered by `npm run temporal:setup`).
 */
import { Client, Connection, type WorkflowHandle as SdkHandle, type WorkflowExecutionInfo } from '@temporalio/client';
import type { PayloadCodec, SearchAttributes, WorkflowIdReusePolicy } from '@temporalio/common';
import { proto } from '../engine/proto';
import type { WorkflowStatusName } from '../engine/types';
import type {
  ListFilter,
  SignalWithStartOptions,
  WorkflowClientLike,
  WorkflowExecutionDescription,
  WorkflowHandle,
  WorkflowStartOptions,
} from './types';

const VISIBILITY_STATUS: Record<WorkflowStatusName, string> = {
  RUNNING: 'Running',
  COMPLETED: 'Completed',
  FAILED: 'Failed',
  CANCELLED: 'Canceled',
  TERMINATED: 'Terminated',
  CONTINUED_AS_NEW: 'ContinuedAsNew',
  TIMED_OUT: 'TimedOut',
};

function quote(v: unknown): string {
  if (v instanceof Date) return `'${v.toISOString()}'`;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return `'${String(v).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** The list filter as a Temporal visibility query (List Filter syntax). */
export function toVisibilityQuery(f: ListFilter = {}): string {
  const parts: string[] = [];
  if (f.type) parts.push(`WorkflowType = ${quote(f.type)}`);
  if (f.status) {
    const s = (Array.isArray(f.status) ? f.status : [f.status]).map((x) => quote(VISIBILITY_STATUS[x]));
    parts.push(s.length === 1 ? `ExecutionStatus = ${s[0]}` : `ExecutionStatus IN (${s.join(', ')})`);
  }
  if (f.workflowIdPrefix) parts.push(`WorkflowId STARTS_WITH ${quote(f.workflowIdPrefix)}`);
  for (const [name, value] of Object.entries(f.searchAttributes ?? {})) {
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) throw new Error(`invalid search attribute name ${name}`);
    const vals = Array.isArray(value) ? value : [value];
    parts.push(vals.length === 1 ? `${name} = ${quote(vals[0])}` : `${name} IN (${vals.map(quote).join(', ')})`);
  }
  if (f.startedAfter) parts.push(`StartTime >= ${quote(f.startedAfter)}`);
  if (f.startedBefore) parts.push(`StartTime < ${quote(f.startedBefore)}`);
  if (f.closedAfter) parts.push(`CloseTime >= ${quote(f.closedAfter)}`);
  if (f.closedBefore) parts.push(`CloseTime < ${quote(f.closedBefore)}`);
  return parts.join(' AND ');
}

function describeOf(i: WorkflowExecutionInfo): WorkflowExecutionDescription {
  return {
    workflowId: i.workflowId,
    runId: i.runId,
    type: i.type,
    taskQueue: i.taskQueue,
    status: { name: i.status.name as WorkflowStatusName },
    startTime: i.startTime,
    closeTime: i.closeTime,
    historyLength: i.historyLength,
    memo: i.memo ?? {},
    searchAttributes: (i.searchAttributes ?? {}) as Record<string, unknown[]>,
    parentExecution: i.parentExecution
      ? { workflowId: i.parentExecution.workflowId ?? '', runId: i.parentExecution.runId ?? '' }
      : undefined,
  };
}

function adaptHandle<R>(h: SdkHandle): WorkflowHandle<R> {
  return {
    workflowId: h.workflowId,
    runId: (h as { runId?: string }).runId,
    firstExecutionRunId: (h as { firstExecutionRunId?: string }).firstExecutionRunId,
    signal: (def, ...args) => h.signal(def, ...args),
    query: (def, ...args) => h.query(def, ...args),
    result: () => h.result() as Promise<R>,
    cancel: async () => {
      await h.cancel();
    },
    terminate: async (reason) => {
      await h.terminate(reason);
    },
    describe: async () => describeOf((await h.describe()) as unknown as WorkflowExecutionInfo),
    fetchHistory: async () => proto.temporal.api.history.v1.History.create(await h.fetchHistory()),
  };
}

function startOptions(o: WorkflowStartOptions) {
  return {
    workflowId: o.workflowId,
    taskQueue: o.taskQueue,
    args: o.args ?? [],
    memo: o.memo,
    searchAttributes: o.searchAttributes as SearchAttributes | undefined,
    workflowIdReusePolicy: o.workflowIdReusePolicy as WorkflowIdReusePolicy | undefined,
  };
}

/** The API's client over a real Temporal cluster. */
export function clusterClient(client: Client): WorkflowClientLike {
  return {
    async start<R>(type: string, o: WorkflowStartOptions) {
      return adaptHandle<R>(await client.workflow.start(type, startOptions(o)));
    },
    async signalWithStart<R>(type: string, o: SignalWithStartOptions) {
      const h = await client.workflow.signalWithStart(type, { ...startOptions(o), signal: o.signal, signalArgs: o.signalArgs ?? [] });
      return adaptHandle<R>(h);
    },
    getHandle<R>(workflowId: string, runId?: string) {
      return adaptHandle<R>(client.workflow.getHandle(workflowId, runId));
    },
    async *list(filter?: ListFilter) {
      const query = toVisibilityQuery(filter);
      for await (const info of client.workflow.list({ query: query || undefined, pageSize: filter?.pageSize })) {
        yield describeOf(info);
      }
    },
  };
}

export interface ClusterConnectOptions {
  address: string;
  namespace: string;
  payloadCodecs: PayloadCodec[];
}

export async function connectClusterClient(o: ClusterConnectOptions): Promise<{ client: Client; connection: Connection }> {
  const connection = await Connection.connect({ address: o.address });
  const client = new Client({ connection, namespace: o.namespace, dataConverter: { payloadCodecs: o.payloadCodecs } });
  return { client, connection };
}
