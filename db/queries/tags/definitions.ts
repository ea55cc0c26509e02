/**
 * Tag definitions (标签定义, T-1) and the five-level tag scope (T-2).
 *
 * A tag is defined by an org unit (city … grid) and carries that unit's path. It
 * - applies to every element under that path (never to elements elsewhere), and
 * - is visible to a user when the tag's unit is above the user's scope (a city tag reaches every
 *   grid) or inside it (a community sees the tags its grids defined) — never a sibling's tags.
 * A department's line tag is also visible to that department's users.
 * Defining requires the defining unit inside the user's write scope.
 */
import type { Knex } from 'knex';
import type { Db } from '../../connection';
import { type Actor, inScope, scopePaths } from '../../scope';
import { type ElementFieldError, ElementValidationError } from '../elements/common';
import { compileRule, type Rule, RuleError } from './rules';
import { isTaggable, TAG_TARGETS, type TagTarget } from './targets';

export type TagKind = 'manual' | 'computed' | 'line';
export type TagLevel = 'city' | 'district' | 'street' | 'community' | 'grid';
export const TAG_KIND_LABELS: Record<TagKind, string> = { manual: '手动标签', computed: '计算标签', line: '条线标签' };
export const TAG_LEVEL_LABELS: Record<TagLevel, string> = {
  city: '市级',
  district: '区级',
  street: '街道级',
  community: '社区级',
  grid: '网格级',
};

export interface TagDefinition {
  id: number;
  code: string;
  name: string;
  description: string | null;
  definition: string | null;
  categoryId: number | null;
  categoryName: string | null;
  target: TagTarget;
  level: TagLevel;
  kind: TagKind;
  tagType: string | null;
  reminderDays: number | null;
  definingOrgId: number;
  definingOrgName: string;
  orgPath: string;
  departmentId: number | null;
  departmentName: string | null;
  rule: Rule | null;
  feedUrl: string | null;
  color: string | null;
  active: boolean;
  effectiveFrom: string | null;
  effectiveTo: string | null;
  definedAt: string;
  /** Elements carrying the tag inside the caller's scope (list only). */
  count?: number;
}

const SELECT = (db: Knex) => [
  't.id',
  't.code',
  't.name',
  't.description',
  't.definition',
  't.category_id as categoryId',
  'c.name as categoryName',
  't.target',
  't.level',
  't.kind',
  't.tag_type as tagType',
  't.reminder_days as reminderDays',
  't.defining_org_id as definingOrgId',
  'o.name as definingOrgName',
  db.raw('t.org_path::text AS "orgPath"'),
  't.department_id as departmentId',
  'd.name as departmentName',
  't.rule',
  't.feed_url as feedUrl',
  't.color',
  't.active',
  db.raw(`to_char(t.effective_from, 'YYYY-MM-DD') AS "effectiveFrom"`),
  db.raw(`to_char(t.effective_to, 'YYYY-MM-DD') AS "effectiveTo"`),
  db.raw(`to_char(t.defined_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') AS "definedAt"`),
];

/** Restricts a tag query (alias `t`) to the tags the actor may see (T-2). */
export function visibleTags(qb: Knex.QueryBuilder, actor: Actor): Knex.QueryBuilder {
  const paths = scopePaths(actor, 'read');
  return qb.where((w) => {
    w.whereRaw('t.org_path @> ANY(?::ltree[])', [paths])
      .orWhereRaw('t.org_path <@ ANY(?::ltree[])', [paths])
      .orWhere('t.department_id', actor.orgId);
  });
}

/** True when a tag with this defining path/department is visible to the actor. */
export function tagVisibleTo(actor: Actor, tag: { orgPath: string; departmentId: number | null }): boolean {
  if (tag.departmentId !== null && tag.departmentId === actor.orgId) return true;
  return scopePaths(actor, 'read').some((p) => p === tag.orgPath || p.startsWith(`${tag.orgPath}.`) || tag.orgPath.startsWith(`${p}.`));
}

export interface TagListParams {
  target?: TagTarget;
  kind?: TagKind;
  categoryId?: number;
  q?: string;
  activeOnly?: boolean;
  withCounts?: boolean;
}

function base(db: Db) {
  return db('tag_definitions as t')
    .leftJoin('tag_categories as c', 'c.id', 't.category_id')
    .join('org_units as o', 'o.id', 't.defining_org_id')
    .leftJoin('org_units as d', 'd.id', 't.department_id');
}

/** Tags visible to the actor, in catalogue order. */
export async function listTags(db: Db, actor: Actor, p: TagListParams = {}): Promise<TagDefinition[]> {
  const q = visibleTags(base(db).select(SELECT(db)), actor).orderBy([{ column: 'c.sort' }, { column: 't.org_path' }, { column: 't.id' }]);
  // Tags usable on 居民户 include its 走访标签 (G-2: they are set on households).
  if (p.target === 'household') q.whereIn('t.target', ['household', 'visit']);
  else if (p.target) q.where('t.target', p.target);
  if (p.kind) q.where('t.kind', p.kind);
  if (p.categoryId) q.where('t.category_id', p.categoryId);
  if (p.q) q.whereILike('t.name', `%${p.q.replace(/[%_\\]/g, '\\$&')}%`);
  if (p.activeOnly) q.where('t.active', true);
  const rows = (await q) as TagDefinition[];
  if (p.withCounts && rows.length) {
    const counts = (await db('element_tags as et')
      .select('et.tag_id', db.raw('count(*)::int AS n'))
      .whereIn(
        'et.tag_id',
        rows.map((r) => r.id),
      )
      .whereRaw('et.org_path <@ ANY(?::ltree[])', [scopePaths(actor, 'read')])
      .groupBy('et.tag_id')) as { tag_id: number; n: number }[];
    const byId = new Map(counts.map((c) => [c.tag_id, c.n]));
    for (const r of rows) r.count = byId.get(r.id) ?? 0;
  }
  return rows;
}

/** One visible tag, or undefined. */
export async function getTag(db: Db | Knex.Transaction, actor: Actor | null, id: number): Promise<TagDefinition | undefined> {
  const q = base(db as Db)
    .select(SELECT(db as Db))
    .where('t.id', id);
  if (actor) visibleTags(q, actor);
  return (await q.first()) as TagDefinition | undefined;
}

export interface TagCategoryNode {
  id: number;
  name: string;
  parentId: number | null;
  children: TagCategoryNode[];
}

export async function listCategories(db: Db): Promise<TagCategoryNode[]> {
  const rows = (await db('tag_categories').select('id', 'name', 'parent_id as parentId').orderBy(['sort', 'id'])) as Omit<
    TagCategoryNode,
    'children'
  >[];
  const nodes = new Map(rows.map((r) => [r.id, { ...r, children: [] as TagCategoryNode[] }]));
  const roots: TagCategoryNode[] = [];
  for (const n of nodes.values())
    (n.parentId !== null && nodes.get(n.parentId)?.children.push(n)) || (n.parentId === null && roots.push(n));
  return roots;
}

export async function createCategory(db: Db, input: { name: string; parentId?: number | null; sort?: number }): Promise<number> {
  const [r] = await db('tag_categories')
    .insert({ name: input.name, parent_id: input.parentId ?? null, sort: input.sort ?? 0 })
    .returning('id');
  return (r as { id: number }).id;
}

export interface TagInput {
  code: string;
  name: string;
  description?: string | null;
  definition?: string | null;
  categoryId?: number | null;
  target: TagTarget;
  kind: TagKind;
  tagType?: string | null;
  reminderDays?: number | null;
  definingOrgId: number;
  departmentId?: number | null;
  rule?: Rule | null;
  feedUrl?: string | null;
  color?: string | null;
  active?: boolean;
  effectiveFrom?: string | null;
  effectiveTo?: string | null;
}

const LEVEL_OF_TYPE: Record<string, TagLevel> = {
  city: 'city',
  district: 'district',
  street: 'street',
  community: 'community',
  grid: 'grid',
};

async function checkInput(db: Db, actor: Actor, input: TagInput): Promise<{ orgPath: string; level: TagLevel }> {
  const fields: ElementFieldError[] = [];
  if (!TAG_TARGETS.includes(input.target)) fields.push({ field: 'target', message: '标签对象不正确，请从列表中选择' });
  if (!['manual', 'computed', 'line'].includes(input.kind)) fields.push({ field: 'kind', message: '标签类型请选择手动、计算或条线标签' });
  const org = (await db('org_units').where('id', input.definingOrgId).select('type', db.raw('path::text AS path')).first()) as
    | { type: string; path: string }
    | undefined;
  if (!org || !LEVEL_OF_TYPE[org.type])
    fields.push({ field: 'definingOrgId', message: '定义单位须为市、区、街道、社区或网格，请重新选择' });
  else if (!inScope(actor, org.path, 'write'))
    fields.push({ field: 'definingOrgId', message: '只能在本单位及下级单位定义标签，请选择您管辖范围内的单位' });
  if (input.kind === 'computed') {
    if (!input.rule) fields.push({ field: 'rule', message: '计算标签须填写计算规则' });
    else if (!isTaggable(input.target)) fields.push({ field: 'target', message: '走访标签不能设为计算标签' });
    else {
      try {
        compileRule(input.target, input.rule, '2026-01-01');
      } catch (e) {
        if (e instanceof RuleError) fields.push({ field: e.path, message: e.message });
        else throw e;
      }
    }
  }
  if (input.kind === 'line') {
    if (!input.departmentId) fields.push({ field: 'departmentId', message: '条线标签须指定所属职能部门' });
    else {
      const d = await db('org_units').where({ id: input.departmentId, type: 'department' }).first();
      if (!d) fields.push({ field: 'departmentId', message: '所属部门不存在，请从部门列表中选择' });
    }
  }
  if (input.effectiveFrom && input.effectiveTo && input.effectiveFrom > input.effectiveTo)
    fields.push({ field: 'effectiveTo', message: '失效日期不能早于生效日期' });
  if (fields.length) throw new ElementValidationError(fields);
  return { orgPath: (org as { path: string }).path, level: LEVEL_OF_TYPE[(org as { type: string }).type] };
}

function toRow(input: TagInput, orgPath: string, level: TagLevel) {
  return {
    code: input.code,
    name: input.name,
    description: input.description ?? null,
    definition: input.definition ?? null,
    category_id: input.categoryId ?? null,
    target: input.target,
    level,
    kind: input.kind,
    tag_type: input.tagType ?? null,
    reminder_days: input.reminderDays ?? null,
    defining_org_id: input.definingOrgId,
    org_path: orgPath,
    department_id: input.kind === 'line' ? (input.departmentId ?? null) : null,
    rule: input.kind === 'computed' && input.rule ? JSON.stringify(input.rule) : null,
    feed_url: input.kind === 'line' ? (input.feedUrl ?? null) : null,
    color: input.color ?? null,
    active: input.active ?? true,
    effective_from: input.effectiveFrom ?? null,
    effective_to: input.effectiveTo ?? null,
  };
}

/** Defines a tag (T-1) at a unit inside the actor's write scope (T-2). Returns its id. */
export async function createTag(db: Db, actor: Actor, input: TagInput): Promise<number> {
  const { orgPath, level } = await checkInput(db, actor, input);
  try {
    const [r] = await db('tag_definitions')
      .insert({ ...toRow(input, orgPath, level), defined_by: actor.userId })
      .returning('id');
    return (r as { id: number }).id;
  } catch (err) {
    if ((err as { code?: string }).code === '23505')
      throw new ElementValidationError([{ field: 'code', message: '标签编码已存在，请换一个编码' }]);
    throw err;
  }
}

/**
 * Updates a tag; the actor must be able to write at the tag's current and new defining unit.
 * Returns false when the tag is not visible. Target and kind cannot change once elements carry it.
 */
export async function updateTag(db: Db, actor: Actor, id: number, input: TagInput): Promise<boolean> {
  const cur = await getTag(db, actor, id);
  if (!cur) return false;
  if (!inScope(actor, cur.orgPath, 'write'))
    throw new ElementValidationError([{ field: 'definingOrgId', message: '该标签由上级单位定义，只能查看和使用，不能修改' }]);
  const { orgPath, level } = await checkInput(db, actor, input);
  if (cur.target !== input.target || cur.kind !== input.kind) {
    const used = await db('element_tags').where('tag_id', id).first();
    if (used)
      throw new ElementValidationError([{ field: 'target', message: '已有要素带有该标签，不能再改标签对象或标签类型；请新建标签' }]);
  }
  await db('tag_definitions')
    .where('id', id)
    .update({ ...toRow(input, orgPath, level), updated_at: db.fn.now() });
  return true;
}
