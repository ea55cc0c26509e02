/**
 * Tag log (标签日志, T-7): every change with element, update type (manual 手动 / auto 自动计算 /
 * line 条线), before, after, operator and time; daily counts by update type. Scoped by the
 * element's path.
 */
import type { Db } from '../../connection';
import type { Actor } from '../../scope';
import { type Page, pageWindow, scopeAndNarrow } from '../elements/common';
import { isTaggable, TARGET_NAME_SQL, TARGET_TABLES } from './targets';

export type UpdateType = 'manual' | 'auto' | 'line';
export const UPDATE_TYPE_LABELS: Record<UpdateType, string> = { manual: '手动', auto: '自动计算', line: '条线推送' };

export interface TagLogParams {
  page?: number;
  pageSize?: number;
  tagId?: number;
  elementType?: string;
  elementId?: number;
  updateType?: UpdateType;
  /** YYYY-MM-DD, Asia/Shanghai days, inclusive. */
  from?: string;
  to?: string;
  orgPath?: string;
}

export interface TagLogRow {
  id: number;
  at: string;
  tagId: number;
  tagName: string;
  elementType: string;
  elementId: number;
  /** 要素名称 (T-7) as it is now; null when the element no longer exists. */
  elementName: string | null;
  orgPath: string;
  updateType: UpdateType;
  action: 'add' | 'remove';
  before: boolean;
  after: boolean;
  operatorName: string | null;
  note: string | null;
}

function filtered(db: Db, actor: Actor, p: TagLogParams) {
  const q = db('tag_log as l');
  scopeAndNarrow(q, actor, 'l.org_path', 'read', p.orgPath);
  if (p.tagId) q.where('l.tag_id', p.tagId);
  if (p.elementType) q.where('l.element_type', p.elementType);
  if (p.elementId) q.where('l.element_id', p.elementId);
  if (p.updateType) q.where('l.update_type', p.updateType);
  if (p.from) q.whereRaw(`l.at >= (?::date)::timestamp AT TIME ZONE 'Asia/Shanghai'`, [p.from]);
  if (p.to) q.whereRaw(`l.at < (?::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'`, [p.to]);
  return q;
}

export async function listTagLog(db: Db, actor: Actor, p: TagLogParams = {}): Promise<Page<TagLogRow>> {
  const { page, pageSize, offset } = pageWindow(p);
  const rows = (await filtered(db, actor, p)
    .select(
      'l.id',
      db.raw(`to_char(l.at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS') AS at`),
      'l.tag_id as tagId',
      'l.tag_name as tagName',
      'l.element_type as elementType',
      'l.element_id as elementId',
      db.raw('l.org_path::text AS "orgPath"'),
      'l.update_type as updateType',
      'l.action',
      'l.before',
      'l.after',
      'l.operator_name as operatorName',
      'l.note',
    )
    .orderBy('l.id', 'desc')
    .limit(pageSize)
    .offset(offset)) as TagLogRow[];
  const [{ n }] = (await filtered(db, actor, p).count({ n: '*' })) as { n: number }[];
  await nameElements(db, rows);
  return { rows, total: Number(n), page, pageSize };
}

/** Fills `elementName` of a page of log rows: one lookup per element type on the page. */
async function nameElements(db: Db, rows: TagLogRow[]): Promise<void> {
  const byType = new Map<string, number[]>();
  for (const r of rows) byType.set(r.elementType, [...(byType.get(r.elementType) ?? []), r.elementId]);
  const names = new Map<string, string>();
  for (const [type, ids] of byType) {
    if (!isTaggable(type)) continue;
    const found = (await db(`${TARGET_TABLES[type]} as e`)
      .whereIn('e.id', [...new Set(ids)])
      .select('e.id', db.raw(`${TARGET_NAME_SQL[type]} AS name`))) as { id: number; name: string }[];
    for (const f of found) names.set(`${type}:${f.id}`, f.name);
  }
  for (const r of rows) r.elementName = names.get(`${r.elementType}:${r.elementId}`) ?? null;
}

export interface DailyStat {
  day: string;
  manual: number;
  auto: number;
  line: number;
  added: number;
  removed: number;
}

/** Changes per day (Asia/Shanghai) by update type, oldest first. */
export async function dailyTagStats(
  db: Db,
  actor: Actor,
  p: { from: string; to: string; orgPath?: string; tagId?: number },
): Promise<DailyStat[]> {
  const rows = (await filtered(db, actor, p)
    .select(
      db.raw(`to_char((l.at AT TIME ZONE 'Asia/Shanghai')::date, 'YYYY-MM-DD') AS day`),
      db.raw(`count(*) FILTER (WHERE l.update_type = 'manual')::int AS manual`),
      db.raw(`count(*) FILTER (WHERE l.update_type = 'auto')::int AS auto`),
      db.raw(`count(*) FILTER (WHERE l.update_type = 'line')::int AS line`),
      db.raw(`count(*) FILTER (WHERE l.action = 'add')::int AS added`),
      db.raw(`count(*) FILTER (WHERE l.action = 'remove')::int AS removed`),
    )
    .groupByRaw('1')
    .orderBy('day')) as DailyStat[];
  return rows;
}
