/**
 * Public API of the embedded Temporal-compatible engine. temporal-config/ builds on these; keep
 * them stable. Client: a WorkflowClient-shaped subset. Worker: createEmbeddedWorker().run().
 */
export { claimActivities, claimEffectOnce, expireActivities, fireDueTimers, idempotencyKey } from './activities';
export { workflowBundle } from './bundle';
export { createEmbeddedClient, EmbeddedWorkflowClient } from './client';
export { type EngineClock, realClock, toMs, VirtualClock } from './clock';
export { nextCronTime, parseCron } from './cron';
export { Engine } from './engine';
export { decodeEvent, EventType, encodeEvent, type HistoryEvent, toHistory } from './history';
export { NondeterminismError, WorkflowTaskFailedError } from './run';
export {
  EmbeddedScheduleClient,
  fireDueSchedules,
  nextScheduleTime,
  type ScheduleDescription,
  ScheduleHandle,
  type ScheduleOptions,
  type ScheduleSpec,
} from './schedules';
export { createTestEnv, type TestEnv, type TestEnvOptions } from './testing';
export type * from './types';
export { type CreateWorkerOptions, createEmbeddedWorker, EmbeddedWorker } from './worker';
