/**
 * Activities of the scheduled computed-tag job (workflows/tag-jobs.ts). Both are idempotent by
 * construction: a recomputation converges on the rule's result, so a retried attempt finds nothing
 * left to change.
 */
import type { Db } from '../../db/connection';
import { ensureStandardTags } from '../../db/queries/tags/catalogue';
import { recomputeAllTags, recomputeChanged } from '../../db/queries/tags/compute';

export interface RecomputeAllSummary {
  tags: number;
  added: number;
  removed: number;
  ms: number;
}

export interface DrainSummary {
  elements: number;
  added: number;
  removed: number;
}

export const createTagActivities = (db: Db) => ({
  /** Whole-city recomputation of every active computed tag (T-4, on a schedule). */
  async recomputeAllComputedTags(): Promise<RecomputeAllSummary> {
    const t0 = Date.now();
    await ensureStandardTags(db);
    const r = await recomputeAllTags(db);
    return {
      tags: r.length,
      added: r.reduce((s, x) => s + x.added, 0),
      removed: r.reduce((s, x) => s + x.removed, 0),
      ms: Date.now() - t0,
    };
  },
  /** Re-evaluates elements changed since the last run (T-4, on data change); drains the whole queue. */
  async recomputeChangedElements(): Promise<DrainSummary> {
    const sum: DrainSummary = { elements: 0, added: 0, removed: 0 };
    for (;;) {
      const r = await recomputeChanged(db);
      sum.elements += r.elements;
      sum.added += r.added;
      sum.removed += r.removed;
      if (r.elements === 0 || r.remaining === 0) return sum;
    }
  },
});

export type TagActivities = ReturnType<typeof createTagActivities>;
