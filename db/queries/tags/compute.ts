/**
 * Computed tags (计算标签, T-4): one set-based statement per tag. The rule (rules.ts) selects the
 * matching elements under the tag's defining path; data-modifying CTEs then insert the new
 * matches, delete the rows that no longer match, refresh moved org paths and write one tag-log
 * row per added/removed element (T-7) — all in one statement, so a tag is never half-updated.
 *
 * "On element change": statement triggers queue changed element ids in tag_recompute_queue
 * (migration 20261124060000); `recomputeChanged` drains the queue with the same statement limited
 * to those ids. A changed household also re-evaluates its residents (household size, lives alone).
 */
import type { Knex } from 'knex';
import type { Db } from '../../connection';
import { compileRule, type Rule } from './rules';
import { isTaggable, TARGET_TABLES, type TaggableType } from './targets';

export interface RecomputeResult {
  tagId: number;
  added: number;
  removed: number;
}

interface ComputedTagRow {
  id: number;
  name: string;
  target: string;
  rule: Rule;
  org_path: string;
}

export interface RecomputeOptions {
  /** Evaluation date (YYYY-MM-DD) for ages; default: today in Asia/Shanghai. */
  asOf?: string;
  /** Only these element ids (per the tag's target type). */
  onlyIds?: number[];
  operatorId?: number | null;
  operatorName?: string;
}

export function todayInChina(now = new Date()): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

/** Active computed tags in effect on `asOf`. */
async function computedTags(db: Db | Knex.Transaction, asOf: string, ids?: number[]): Promise<ComputedTagRow[]> {
  const q = db('tag_definitions')
    .select('id', 'name', 'target', 'rule', db.raw('org_path::text AS org_path'))
    .where({ kind: 'computed', active: true })
    .where((w) => w.whereNull('effective_from').orWhere('effective_from', '<=', asOf))
    .where((w) => w.whereNull('effective_to').orWhere('effective_to', '>=', asOf))
    .orderBy('id');
  if (ids) q.whereIn('id', ids);
  return (await q) as ComputedTagRow[];
}

/** Re-evaluates one computed tag (whole defining area, or `onlyIds`). */
export async function recomputeTagRow(db: Db | Knex.Transaction, tag: ComputedTagRow, opts: RecomputeOptions): Promise<RecomputeResult> {
  if (!isTaggable(tag.target)) return { tagId: tag.id, added: 0, removed: 0 };
  const type: TaggableType = tag.target;
  const asOf = opts.asOf ?? todayInChina();
  const rule = compileRule(type, tag.rule, asOf);
  const only = opts.onlyIds;
  const join = rule.needsHousehold ? 'LEFT JOIN households h ON h.id = e.household_id' : '';
  const onlyM = only ? 'AND e.id = ANY(?::int[])' : '';
  const onlyD = only ? 'AND et.element_id = ANY(?::int[])' : '';
  const op = opts.operatorId ?? null;
  const opName = opts.operatorName ?? '自动计算';
  const sql = `
    WITH m AS (
      SELECT e.id, e.org_path FROM ${TARGET_TABLES[type]} e ${join}
      WHERE e.org_path <@ ?::ltree ${onlyM} AND ${rule.sql}
    ),
    ins AS (
      INSERT INTO element_tags (tag_id, element_type, element_id, org_path, source, tagged_by)
      SELECT ?, ?, m.id, m.org_path, 'auto', ? FROM m
      ON CONFLICT (tag_id, element_type, element_id) DO NOTHING
      RETURNING element_id, org_path
    ),
    del AS (
      DELETE FROM element_tags et
      WHERE et.tag_id = ? AND et.element_type = ? ${onlyD}
        AND NOT EXISTS (SELECT 1 FROM m WHERE m.id = et.element_id)
      RETURNING element_id, org_path
    ),
    mv AS (
      UPDATE element_tags et SET org_path = m.org_path FROM m
      WHERE et.tag_id = ? AND et.element_type = ? AND et.element_id = m.id AND et.org_path <> m.org_path
      RETURNING 1
    ),
    log_ins AS (
      INSERT INTO tag_log (tag_id, tag_name, element_type, element_id, org_path, update_type, action, before, after, operator_id, operator_name)
      SELECT ?, ?, ?, element_id, org_path, 'auto', 'add', false, true, ?, ? FROM ins
      RETURNING 1
    ),
    log_del AS (
      INSERT INTO tag_log (tag_id, tag_name, element_type, element_id, org_path, update_type, action, before, after, operator_id, operator_name)
      SELECT ?, ?, ?, element_id, org_path, 'auto', 'remove', true, false, ?, ? FROM del
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM log_ins)::int AS added, (SELECT count(*) FROM log_del)::int AS removed,
           (SELECT count(*) FROM mv)::int AS moved`;
  const bindings: Knex.RawBinding[] = [
    tag.org_path,
    ...(only ? [only] : []),
    ...(rule.bindings as Knex.RawBinding[]),
    tag.id,
    type,
    op,
    tag.id,
    type,
    ...(only ? [only] : []),
    tag.id,
    type,
    tag.id,
    tag.name,
    type,
    op,
    opName,
    tag.id,
    tag.name,
    type,
    op,
    opName,
  ];
  const r = await db.raw(sql, bindings);
  const row = r.rows[0] as { added: number; removed: number };
  return { tagId: tag.id, added: row.added, removed: row.removed };
}

/** Re-evaluates one computed tag for its whole area. */
export async function recomputeTag(db: Db, tagId: number, opts: RecomputeOptions = {}): Promise<RecomputeResult | undefined> {
  const asOf = opts.asOf ?? todayInChina();
  const [tag] = await computedTags(db, asOf, [tagId]);
  if (!tag) return undefined;
  return db.transaction((trx) => recomputeTagRow(trx, tag, { ...opts, asOf }));
}

/**
 * The scheduled job: every active computed tag for the whole city, one transaction per tag (a
 * failure of one rule never rolls back the others). Clears the change queue entries it covered.
 */
export async function recomputeAllTags(db: Db, opts: RecomputeOptions = {}): Promise<RecomputeResult[]> {
  const asOf = opts.asOf ?? todayInChina();
  const startedAt = (await db.raw('SELECT clock_timestamp() AS t')).rows[0].t as Date;
  const tags = await computedTags(db, asOf);
  const out: RecomputeResult[] = [];
  for (const tag of tags) out.push(await db.transaction((trx) => recomputeTagRow(trx, tag, { ...opts, asOf })));
  await db('tag_recompute_queue').where('queued_at', '<', startedAt).delete();
  return out;
}

/**
 * Drains the change queue (up to `limit` entries): re-evaluates every computed tag on the changed
 * elements only. Returns the totals; call again while `remaining` > 0.
 */
export async function recomputeChanged(
  db: Db,
  opts: RecomputeOptions & { limit?: number } = {},
): Promise<{ elements: number; added: number; removed: number; remaining: number }> {
  const asOf = opts.asOf ?? todayInChina();
  const limit = opts.limit ?? 5000;
  return db.transaction(async (trx) => {
    const batch = (await trx.raw(
      `DELETE FROM tag_recompute_queue q USING (
         SELECT element_type, element_id FROM tag_recompute_queue ORDER BY queued_at LIMIT ? FOR UPDATE SKIP LOCKED
       ) b WHERE q.element_type = b.element_type AND q.element_id = b.element_id
       RETURNING q.element_type, q.element_id`,
      [limit],
    )) as { rows: { element_type: string; element_id: number }[] };
    const ids = new Map<string, Set<number>>();
    for (const r of batch.rows) {
      let s = ids.get(r.element_type);
      if (!s) {
        s = new Set();
        ids.set(r.element_type, s);
      }
      s.add(r.element_id);
    }
    const hh = [...(ids.get('household') ?? [])];
    if (hh.length) {
      const members = (await trx('residents').whereIn('household_id', hh).pluck('id')) as number[];
      let s = ids.get('resident');
      if (!s) {
        s = new Set();
        ids.set('resident', s);
      }
      for (const m of members) s.add(m);
    }
    let added = 0;
    let removed = 0;
    if (batch.rows.length) {
      for (const tag of await computedTags(trx, asOf)) {
        const only = ids.get(tag.target);
        if (!only?.size) continue;
        const r = await recomputeTagRow(trx, tag, { ...opts, asOf, onlyIds: [...only] });
        added += r.added;
        removed += r.removed;
      }
    }
    const left = (await trx('tag_recompute_queue').count({ n: '*' }).first()) as { n: number };
    return { elements: batch.rows.length, added, removed, remaining: Number(left.n) };
  });
}
