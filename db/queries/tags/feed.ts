/**
 * Line tags (条线标签, T-5): a department feeds the list of elements carrying its tag, by table
 * import, API push or API pull, in one of two modes:
 * - overwrite (覆盖): after the run the tag is on exactly the listed elements (others removed);
 * - incremental (增量): each row adds (default) or removes the tag on one element.
 * Rows name elements by natural key (ID number through the blind index, credit code, …). Only
 * elements under the tag's defining path are touched. Every change is logged (T-7, update_type
 * 'line'); every run is recorded in tag_feed_runs.
 */
import type { Db } from '../../connection';
import { type Actor, inScope } from '../../scope';
import { ElementValidationError } from '../elements/common';
import { getTag } from './definitions';
import { isTaggable, TARGET_NATURAL_KEY, TARGET_TABLES } from './targets';

export type FeedMode = 'overwrite' | 'incremental';
export interface FeedRow {
  key: string;
  op?: 'add' | 'remove';
}
export interface FeedResult {
  runId: number;
  received: number;
  added: number;
  removed: number;
  unmatched: number;
  errors: { row: number; message: string }[];
}

/** The department that owns the tag, or a manager whose write scope holds the tag's unit. */
export function mayFeed(actor: Actor, tag: { departmentId: number | null; orgPath: string }): boolean {
  return (tag.departmentId !== null && tag.departmentId === actor.orgId) || inScope(actor, tag.orgPath, 'write');
}

export async function feedLineTag(
  db: Db,
  actor: Actor,
  input: { tagId: number; mode: FeedMode; source: 'table' | 'api' | 'pull'; rows: FeedRow[] },
): Promise<FeedResult> {
  const tag = await getTag(db, actor, input.tagId);
  if (!tag) throw new ElementValidationError([{ field: 'tagId', message: '标签不存在或不在您的可见范围内' }]);
  if (tag.kind !== 'line')
    throw new ElementValidationError([{ field: 'tagId', message: `“${tag.name}”不是条线标签，不能通过部门数据更新` }]);
  if (!mayFeed(actor, tag))
    throw new ElementValidationError([{ field: 'tagId', message: `只有${tag.departmentName ?? '所属部门'}或定义单位可以更新该条线标签` }]);
  if (input.mode !== 'overwrite' && input.mode !== 'incremental')
    throw new ElementValidationError([{ field: 'mode', message: '更新方式请选择覆盖或增量' }]);
  if (!isTaggable(tag.target)) throw new ElementValidationError([{ field: 'tagId', message: '走访标签不能通过部门数据更新' }]);
  const type = tag.target;
  const nk = TARGET_NATURAL_KEY[type];

  const errors: FeedResult['errors'] = [];
  const addKeys: string[] = [];
  const removeKeys: string[] = [];
  // A table's rows are numbered as the spreadsheet shows them (row 1 is the header).
  const first = input.source === 'table' ? 2 : 1;
  input.rows.forEach((r, i) => {
    const key = typeof r.key === 'string' ? r.key.trim() : '';
    const n = i + first;
    if (!key) errors.push({ row: n, message: `第 ${n} 行缺少${nk.label}` });
    else if (r.op === 'remove') {
      if (input.mode === 'overwrite') errors.push({ row: n, message: `第 ${n} 行：覆盖模式下只需列出应带标签的对象，不能填“删除”` });
      else removeKeys.push(nk.toStored(key));
    } else addKeys.push(nk.toStored(key));
  });
  if (errors.length) throw new ElementValidationError(errors.map((e) => ({ field: `rows[${e.row}]`, message: e.message })));

  return db.transaction(async (trx) => {
    const find = async (stored: string[]) =>
      stored.length
        ? ((await trx(`${TARGET_TABLES[type]} as e`)
            .whereRaw('?? = ANY(?::text[])', [`e.${nk.column}`, stored])
            .whereRaw('e.org_path <@ ?::ltree', [tag.orgPath])
            .select('e.id', trx.raw('e.org_path::text AS org_path'), `e.${nk.column} as k`)) as {
            id: number;
            org_path: string;
            k: string;
          }[])
        : [];
    const adds = await find(addKeys);
    const removes = await find(removeKeys);
    const matchedKeys = new Set([...adds, ...removes].map((r) => r.k));
    const unmatched = [...new Set([...addKeys, ...removeKeys])].filter((k) => !matchedKeys.has(k)).length;

    const added = (await trx.raw(
      `INSERT INTO element_tags (tag_id, element_type, element_id, org_path, source, tagged_by)
       SELECT ?, ?, x.id, x.org_path::ltree, 'line', ? FROM json_to_recordset(?::json) AS x(id int, org_path text)
       ON CONFLICT (tag_id, element_type, element_id) DO NOTHING RETURNING element_id, org_path::text AS org_path`,
      [tag.id, type, actor.userId, JSON.stringify(adds.map((a) => ({ id: a.id, org_path: a.org_path })))],
    )) as { rows: { element_id: number; org_path: string }[] };
    let removed: { element_id: number; org_path: string }[];
    if (input.mode === 'overwrite') {
      removed = (await trx('element_tags')
        .where({ tag_id: tag.id, element_type: type })
        .whereRaw('NOT (element_id = ANY(?::int[]))', [adds.map((a) => a.id)])
        .delete()
        .returning(['element_id', trx.raw('org_path::text AS org_path')])) as { element_id: number; org_path: string }[];
    } else {
      removed = removes.length
        ? ((await trx('element_tags')
            .where({ tag_id: tag.id, element_type: type })
            .whereRaw('element_id = ANY(?::int[])', [removes.map((a) => a.id)])
            .delete()
            .returning(['element_id', trx.raw('org_path::text AS org_path')])) as { element_id: number; org_path: string }[])
        : [];
    }
    const log = (rows: { element_id: number; org_path: string }[], on: boolean) =>
      rows.map((c) => ({
        tag_id: tag.id,
        tag_name: tag.name,
        element_type: type,
        element_id: c.element_id,
        org_path: c.org_path,
        update_type: 'line',
        action: on ? 'add' : 'remove',
        before: !on,
        after: on,
        operator_id: actor.userId,
        operator_name: actor.username,
        note: input.mode === 'overwrite' ? '条线数据覆盖更新' : '条线数据增量更新',
      }));
    const logRows = [...log(added.rows, true), ...log(removed, false)];
    for (let i = 0; i < logRows.length; i += 1000) await trx('tag_log').insert(logRows.slice(i, i + 1000));
    const [run] = await trx('tag_feed_runs')
      .insert({
        tag_id: tag.id,
        mode: input.mode,
        source: input.source,
        operator_id: actor.userId,
        received: input.rows.length,
        added: added.rows.length,
        removed: removed.length,
        unmatched,
        errors: JSON.stringify([]),
      })
      .returning('id');
    return {
      runId: (run as { id: number }).id,
      received: input.rows.length,
      added: added.rows.length,
      removed: removed.length,
      unmatched,
      errors: [],
    };
  });
}

/** API pull: fetches the tag's feed_url (JSON: `{ rows: [{key, op?}] }` or an array) and feeds it. */
export async function pullLineTag(db: Db, actor: Actor, tagId: number, mode: FeedMode, fetchFn: typeof fetch = fetch): Promise<FeedResult> {
  const tag = await getTag(db, actor, tagId);
  if (!tag?.feedUrl)
    throw new ElementValidationError([{ field: 'feedUrl', message: '该标签未配置部门数据接口地址，请先在标签定义中填写' }]);
  let body: unknown;
  try {
    const res = await fetchFn(tag.feedUrl, { signal: AbortSignal.timeout(30_000) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    body = await res.json();
  } catch (err) {
    throw new ElementValidationError([
      { field: 'feedUrl', message: `拉取部门数据失败（${(err as Error).message}），请检查接口地址或稍后重试` },
    ]);
  }
  const rows = Array.isArray(body) ? body : (body as { rows?: unknown }).rows;
  if (!Array.isArray(rows))
    throw new ElementValidationError([{ field: 'feedUrl', message: '部门接口返回格式不正确，应为 { rows: [{ key, op }] }' }]);
  return feedLineTag(db, actor, { tagId, mode, source: 'pull', rows: rows as FeedRow[] });
}
