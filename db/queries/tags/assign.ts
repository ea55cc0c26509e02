/**
 * Manual tagging (手动打标签, T-3) and the element's own tag list.
 *
 * Who may tag what:
 * - the element must lie under the tag's defining path (T-2: a tag applies only there) and inside
 *   the actor's write scope;
 * - a grid worker (an account linked to grid_workers, other than the 网格长) may tag only elements
 *   they cover: 包户 households/merchants/enterprises/institutions/facilities, residents of their
 *   包户 households or whom they 包联, buildings holding one of their 包户 households;
 * - staff accounts (community, street, district …) may tag anything in their write scope.
 * Only manual tags can be set or removed by hand; computed and line tags come from their source.
 * A 居民户 carries one 走访标签 (its visit category): setting one replaces the others.
 */
import type { Knex } from 'knex';
import type { Db } from '../../connection';
import { type Actor, scoped } from '../../scope';
import { ElementValidationError } from '../elements/common';
import { getTag, type TagDefinition } from './definitions';
import { elementTypeOfTarget, isTaggable, TARGET_LABELS, TARGET_NAME_SQL, TARGET_TABLES, type TaggableType } from './targets';

export interface TagChangeResult {
  changed: number;
  unchanged: number;
  /** Ids refused: absent, outside the scope or the tag's area, or not covered by the worker. */
  refused: { elementId: number; reason: string }[];
}

/** The grid_workers row of an account that is a worker (not the grid leader), else undefined. */
async function coveringWorker(db: Db | Knex.Transaction, actor: Actor): Promise<number | undefined> {
  const w = (await db('grid_workers').where({ user_id: actor.userId }).whereNot('status', 'left').select('id', 'sub_kind').first()) as
    | { id: number; sub_kind: string }
    | undefined;
  if (!w || w.sub_kind === 'leader') return undefined;
  return w.id;
}

/** SQL (alias e) restricting elements of a type to those covered by worker `?`. */
function coveredSql(type: TaggableType): string | undefined {
  switch (type) {
    case 'household':
      return `EXISTS (SELECT 1 FROM coverage_relations c WHERE c.element_type = 'household' AND c.element_id = e.id AND c.worker_id = :w)`;
    case 'merchant':
    case 'enterprise':
    case 'institution':
    case 'facility':
      return `EXISTS (SELECT 1 FROM coverage_relations c WHERE c.element_type = '${type}' AND c.element_id = e.id AND c.worker_id = :w)`;
    case 'resident':
      return `(EXISTS (SELECT 1 FROM coverage_relations c WHERE c.element_type = 'household' AND c.element_id = e.household_id AND c.worker_id = :w)
              OR EXISTS (SELECT 1 FROM care_relations cr WHERE cr.resident_id = e.id AND cr.worker_id = :w))`;
    case 'building':
      return `EXISTS (SELECT 1 FROM houses ho JOIN households hh ON hh.house_id = ho.id
              JOIN coverage_relations c ON c.element_type = 'household' AND c.element_id = hh.id
              WHERE ho.building_id = e.id AND c.worker_id = :w)`;
  }
}

async function checkTargets(
  trx: Knex.Transaction,
  actor: Actor,
  tag: TagDefinition,
  type: TaggableType,
  ids: number[],
): Promise<{ ok: { id: number; org_path: string }[]; refused: TagChangeResult['refused'] }> {
  const q = trx(`${TARGET_TABLES[type]} as e`).whereIn('e.id', ids).select('e.id', trx.raw('e.org_path::text AS org_path'));
  const all = (await q.clone()) as { id: number; org_path: string }[];
  const inScope = new Set(((await scoped(q.clone(), actor, 'e.org_path', 'write')) as { id: number }[]).map((r) => r.id));
  const worker = await coveringWorker(trx, actor);
  let covered: Set<number> | undefined;
  if (worker !== undefined) {
    const cond = coveredSql(type) as string;
    const rows = (await trx(`${TARGET_TABLES[type]} as e`)
      .whereIn('e.id', ids)
      .whereRaw(cond.replaceAll(':w', '?'), Array(cond.split(':w').length - 1).fill(worker))
      .pluck('e.id')) as number[];
    covered = new Set(rows);
  }
  const ok: { id: number; org_path: string }[] = [];
  const refused: TagChangeResult['refused'] = [];
  const found = new Map(all.map((r) => [r.id, r]));
  for (const id of ids) {
    const r = found.get(id);
    if (!r || !inScope.has(id)) refused.push({ elementId: id, reason: `${TARGET_LABELS[type]}不存在或不在您的管辖范围内` });
    else if (!(r.org_path === tag.orgPath || r.org_path.startsWith(`${tag.orgPath}.`)))
      refused.push({ elementId: id, reason: `该标签由${tag.definingOrgName}定义，只适用于其辖区内的${TARGET_LABELS[type]}` });
    else if (covered && !covered.has(id))
      refused.push({ elementId: id, reason: '只能给本人包户/包联的对象打标签，请联系网格长或社区处理' });
    else ok.push(r);
  }
  return { ok, refused };
}

async function loadManualTag(db: Db, actor: Actor, tagId: number, type: string): Promise<{ tag: TagDefinition; type: TaggableType }> {
  const tag = await getTag(db, actor, tagId);
  if (!tag) throw new ElementValidationError([{ field: 'tagId', message: '标签不存在或不在您的可见范围内' }]);
  if (tag.kind !== 'manual')
    throw new ElementValidationError([
      {
        field: 'tagId',
        message: `“${tag.name}”是${tag.kind === 'computed' ? '计算' : '条线'}标签，由系统按规则或部门数据维护，不能手动修改`,
      },
    ]);
  if (!tag.active) throw new ElementValidationError([{ field: 'tagId', message: `标签“${tag.name}”已停用，请先启用` }]);
  const on = elementTypeOfTarget(tag.target);
  if (!isTaggable(type) || on !== type)
    throw new ElementValidationError([
      {
        field: 'elementType',
        message: `标签“${tag.name}”只能用于${on && on !== tag.target ? `${TARGET_LABELS[on]}（${TARGET_LABELS[tag.target]}标签）` : TARGET_LABELS[tag.target]}`,
      },
    ]);
  return { tag, type };
}

/** Adds (`on` = true) or removes a manual tag on elements; logs each change (T-7). */
export async function setManualTag(
  db: Db,
  actor: Actor,
  input: { tagId: number; elementType: string; elementIds: number[]; on: boolean; note?: string },
): Promise<TagChangeResult> {
  const { tag, type } = await loadManualTag(db, actor, input.tagId, input.elementType);
  const ids = [...new Set(input.elementIds)];
  return db.transaction(async (trx) => {
    const { ok, refused } = await checkTargets(trx, actor, tag, type, ids);
    let changed: { element_id: number; org_path: string }[] = [];
    if (ok.length && input.on) {
      changed = (await trx('element_tags')
        .insert(
          ok.map((r) => ({
            tag_id: tag.id,
            element_type: type,
            element_id: r.id,
            org_path: r.org_path,
            source: 'manual',
            tagged_by: actor.userId,
          })),
        )
        .onConflict(['tag_id', 'element_type', 'element_id'])
        .ignore()
        .returning(['element_id', trx.raw('org_path::text AS org_path')])) as { element_id: number; org_path: string }[];
    } else if (ok.length) {
      changed = (await trx('element_tags')
        .where({ tag_id: tag.id, element_type: type })
        .whereIn(
          'element_id',
          ok.map((r) => r.id),
        )
        .delete()
        .returning(['element_id', trx.raw('org_path::text AS org_path')])) as { element_id: number; org_path: string }[];
    }
    if (changed.length) {
      await trx('tag_log').insert(
        changed.map((c) => ({
          tag_id: tag.id,
          tag_name: tag.name,
          element_type: type,
          element_id: c.element_id,
          org_path: c.org_path,
          update_type: 'manual',
          action: input.on ? 'add' : 'remove',
          before: !input.on,
          after: input.on,
          operator_id: actor.userId,
          operator_name: actor.username,
          note: input.note ?? null,
        })),
      );
    }
    // A 居民户 has one visit category (G-2 走访标签变更): a new 走访标签 replaces its other manual ones, logged.
    if (input.on && tag.target === 'visit' && ok.length) {
      const replaced = (await trx('element_tags as et')
        .join('tag_definitions as t', 't.id', 'et.tag_id')
        .where({ 'et.element_type': type, 't.target': 'visit', 't.kind': 'manual' })
        .whereNot('et.tag_id', tag.id)
        .whereIn(
          'et.element_id',
          ok.map((r) => r.id),
        )
        .select('et.tag_id', 't.name', 'et.element_id', trx.raw('et.org_path::text AS org_path'))) as {
        tag_id: number;
        name: string;
        element_id: number;
        org_path: string;
      }[];
      for (const r of replaced)
        await trx('element_tags').where({ tag_id: r.tag_id, element_type: type, element_id: r.element_id }).delete();
      if (replaced.length)
        await trx('tag_log').insert(
          replaced.map((r) => ({
            tag_id: r.tag_id,
            tag_name: r.name,
            element_type: type,
            element_id: r.element_id,
            org_path: r.org_path,
            update_type: 'manual',
            action: 'remove',
            before: true,
            after: false,
            operator_id: actor.userId,
            operator_name: actor.username,
            note: `改为“${tag.name}”`,
          })),
        );
    }
    return { changed: changed.length, unchanged: ok.length - changed.length, refused };
  });
}

export interface ElementTag {
  tagId: number;
  name: string;
  kind: string;
  /** The tag's object: the element's own type, or `visit` for a 走访标签 on a 居民户. */
  target: string;
  source: string;
  color: string | null;
  taggedAt: string;
}

/** Tags of one element that the actor can see; undefined when the element is out of scope. */
export async function tagsOfElement(
  db: Db,
  actor: Actor,
  elementType: string,
  elementId: number,
): Promise<{ name: string; tags: ElementTag[] } | undefined> {
  if (!isTaggable(elementType)) return undefined;
  const el = (await scoped(db(`${TARGET_TABLES[elementType]} as e`).where('e.id', elementId), actor, 'e.org_path', 'read')
    .select(db.raw(`${TARGET_NAME_SQL[elementType]} AS name`))
    .first()) as { name: string } | undefined;
  if (!el) return undefined;
  const tags = (await db('element_tags as et')
    .join('tag_definitions as t', 't.id', 'et.tag_id')
    .where({ 'et.element_type': elementType, 'et.element_id': elementId })
    .select(
      't.id as tagId',
      't.name',
      't.kind',
      't.target',
      'et.source',
      't.color',
      db.raw(`to_char(et.tagged_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') AS "taggedAt"`),
    )
    .orderBy('t.id')) as ElementTag[];
  return { name: el.name, tags };
}
