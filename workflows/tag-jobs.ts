/**
 * 计算标签定时任务 (T-4): a long-running schedule. Every `drainEvery` it re-evaluates the elements
 * changed since the last pass (the trigger-fed queue); once a day (every `fullEvery`) it
 * recomputes every computed tag for the whole city. Deterministic: time comes only from the
 * workflow's timers; after `passesPerRun` passes it continues as new to keep history short.
 * Workflow id: `tag-jobs` (one per deployment; a second start is refused by id).
 */
import { continueAsNew, proxyActivities, sleep } from '@temporalio/workflow';
import type { TagActivities } from '../activities/tags';

const { recomputeAllComputedTags, recomputeChangedElements } = proxyActivities<TagActivities>({
  startToCloseTimeout: '30 minutes',
  retry: { maximumInterval: '5 minutes' },
});

export interface TagJobsInput {
  /** Milliseconds between change-queue passes (default 5 minutes). */
  drainEveryMs?: number;
  /** Milliseconds between whole-city recomputations (default 1 day). */
  fullEveryMs?: number;
  /** Run a full recomputation on the first pass (default true). */
  fullFirst?: boolean;
  passesPerRun?: number;
}

export interface TagJobsState {
  passes: number;
  fullRuns: number;
}

export { TAG_JOBS_WORKFLOW_ID } from './tag-jobs-messages';

export async function tagJobs(input: TagJobsInput = {}): Promise<TagJobsState> {
  const drainEvery = input.drainEveryMs ?? 5 * 60_000;
  const fullEvery = input.fullEveryMs ?? 24 * 3600_000;
  const passes = input.passesPerRun ?? 288;
  const state: TagJobsState = { passes: 0, fullRuns: 0 };
  let sinceFull = input.fullFirst === false ? 0 : fullEvery;
  while (state.passes < passes) {
    if (sinceFull >= fullEvery) {
      await recomputeAllComputedTags();
      state.fullRuns++;
      sinceFull = 0;
    } else {
      await recomputeChangedElements();
    }
    state.passes++;
    await sleep(drainEvery);
    sinceFull += drainEvery;
  }
  return continueAsNew<typeof tagJobs>({ ...input, fullFirst: sinceFull >= fullEvery });
}
