/**
 * Tag search (标签查询, T-6): single and combined AND / OR / NOT over tags, across element types,
 * within the caller's scope (and optionally a narrower org the user picked), with counts per type,
 * paging and export rows.
 *
 *   Expr := { tag: id } | { and: Expr[] } | { or: Expr[] } | { not: Expr }
 *
 * Every tag operand is `SELECT element_id FROM element_tags WHERE tag_id AND element_type AND scope`
 * — an index range on (tag_id, element_type, org_path, element_id) — combined with INTERSECT /
 * UNION / EXCEPT. Only a NOT without a positive partner needs the universe (all elements of the
 * type in scope). An expression is evaluated once per element type its tags target; a tag of
 * another type is the empty set for that type.
 */
import type { Knex } from 'knex';
import type { Db } from '../../connection';
import type { Actor } from '../../scope';
import { ElementValidationError, scopeAndNarrow } from '../elements/common';
import { visibleTags } from './definitions';
import { elementTypeOfTarget, isTaggable, TARGET_LABELS, TARGET_NAME_SQL, TARGET_TABLES, type TaggableType } from './targets';

export type TagExpr = { tag: number } | { and: TagExpr[] } | { or: TagExpr[] } | { not: TagExpr };

type Node = { kind: 'empty' } | { kind: 'all' } | { kind: 'sql'; sql: string; bindings: Knex.RawBinding[] };

const EMPTY: Node = { kind: 'empty' };
const ALL: Node = { kind: 'all' };

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Tag ids used in an expression; validates the shape (Chinese message on error). */
export function exprTags(expr: unknown, depth = 0, out = new Set<number>()): Set<number> {
  if (depth > 6) throw new ElementValidationError([{ field: 'expr', message: '组合条件嵌套过深，请简化查询' }]);
  if (!isObj(expr)) throw new ElementValidationError([{ field: 'expr', message: '查询条件格式不正确' }]);
  if ('tag' in expr) {
    if (!Number.isInteger(expr.tag)) throw new ElementValidationError([{ field: 'expr', message: '请选择标签' }]);
    out.add(expr.tag as number);
  } else if ('and' in expr || 'or' in expr) {
    const list = expr.and ?? expr.or;
    if (!Array.isArray(list) || list.length === 0)
      throw new ElementValidationError([{ field: 'expr', message: '“且/或”条件至少需要一个标签' }]);
    for (const e of list) exprTags(e, depth + 1, out);
  } else if ('not' in expr) exprTags(expr.not, depth + 1, out);
  else throw new ElementValidationError([{ field: 'expr', message: '查询条件只能是标签、且、或、非' }]);
  if (out.size > 20) throw new ElementValidationError([{ field: 'expr', message: '一次最多组合 20 个标签' }]);
  return out;
}

interface Ctx {
  db: Db;
  actor: Actor;
  type: TaggableType;
  narrowTo?: string;
  targets: Map<number, string>;
  expr: TagExpr;
}

/**
 * One tag's elements of the type. `scope` false only where the row is joined to an already scoped
 * driving row on element_id (all tag rows of an element share its path), saving the path test on
 * every probe.
 */
function operand(ctx: Ctx, tagId: number, scope = true): Node {
  if (ctx.targets.get(tagId) !== ctx.type) return EMPTY;
  const q = ctx.db('element_tags').select('element_id').where({ tag_id: tagId, element_type: ctx.type });
  if (scope) scopeAndNarrow(q, ctx.actor, 'org_path', 'read', ctx.narrowTo);
  const { sql, bindings } = q.toSQL();
  return { kind: 'sql', sql, bindings: bindings as Knex.RawBinding[] };
}

function universe(ctx: Ctx): Node {
  const q = ctx.db(`${TARGET_TABLES[ctx.type]} as e`).select('e.id as element_id');
  scopeAndNarrow(q, ctx.actor, 'e.org_path', 'read', ctx.narrowTo);
  const { sql, bindings } = q.toSQL();
  return { kind: 'sql', sql, bindings: bindings as Knex.RawBinding[] };
}

function combine(op: 'INTERSECT' | 'UNION' | 'EXCEPT', parts: Node[]): Node {
  const sqls = parts as { kind: 'sql'; sql: string; bindings: Knex.RawBinding[] }[];
  return { kind: 'sql', sql: sqls.map((p) => `(${p.sql})`).join(` ${op} `), bindings: sqls.flatMap((p) => p.bindings) };
}

function materialise(ctx: Ctx, n: Node): Node {
  return n.kind === 'all' ? universe(ctx) : n;
}

function compile(ctx: Ctx, e: TagExpr): Node {
  if ('tag' in e) return operand(ctx, e.tag);
  if ('not' in e) {
    const inner = compile(ctx, e.not);
    if (inner.kind === 'empty') return ALL;
    if (inner.kind === 'all') return EMPTY;
    const u = universe(ctx) as { kind: 'sql'; sql: string; bindings: Knex.RawBinding[] };
    return {
      kind: 'sql',
      sql: `SELECT d.element_id FROM (${u.sql}) d WHERE NOT EXISTS (SELECT 1 FROM (${inner.sql}) n WHERE n.element_id = d.element_id)`,
      bindings: [...u.bindings, ...inner.bindings],
    };
  }
  if ('or' in e) {
    const parts = e.or.map((x) => compile(ctx, x)).filter((p) => p.kind !== 'empty');
    if (parts.length === 0) return EMPTY;
    if (parts.some((p) => p.kind === 'all')) return ALL;
    return parts.length === 1 ? parts[0] : combine('UNION', parts);
  }
  // AND: the first positive operand drives; the other positives are semi-joins (EXISTS) and the
  // negated ones anti-joins (NOT EXISTS) on element_id. Every positive carries the scope, so each
  // reads only the scope's rows of its tag (scope index); a negated operand needs no scope of its
  // own: the driving row is already in scope.
  const pos: Node[] = [];
  const neg: Node[] = [];
  for (const x of e.and) {
    if ('not' in x) {
      const inner = 'tag' in x.not ? operand(ctx, x.not.tag, false) : compile(ctx, x.not);
      if (inner.kind === 'all') return EMPTY;
      if (inner.kind === 'sql') neg.push(inner);
    } else {
      const p = compile(ctx, x);
      if (p.kind === 'empty') return EMPTY;
      if (p.kind === 'sql') pos.push(p);
    }
  }
  if (pos.length === 0 && neg.length === 0) return ALL;
  // The first positive drives; the others are scoped too, so that a hash join reads only the
  // scope's rows of each tag (scope index) instead of the tag's rows in the whole city.
  const [drive, ...rest] = pos.length ? pos : [universe(ctx)];
  const d = drive as { kind: 'sql'; sql: string; bindings: Knex.RawBinding[] };
  const conds: string[] = [];
  const bindings: Knex.RawBinding[] = [...d.bindings];
  for (const p of rest as { sql: string; bindings: Knex.RawBinding[] }[]) {
    conds.push(`EXISTS (SELECT 1 FROM (${p.sql}) p WHERE p.element_id = d.element_id)`);
    bindings.push(...p.bindings);
  }
  for (const n of neg as { sql: string; bindings: Knex.RawBinding[] }[]) {
    conds.push(`NOT EXISTS (SELECT 1 FROM (${n.sql}) n WHERE n.element_id = d.element_id)`);
    bindings.push(...n.bindings);
  }
  if (!conds.length) return d;
  return { kind: 'sql', sql: `SELECT d.element_id FROM (${d.sql}) d WHERE ${conds.join(' AND ')}`, bindings };
}

export interface TagSearchParams {
  expr: TagExpr;
  /** Which type's page to return; default: the first type with results. */
  elementType?: TaggableType;
  orgPath?: string;
  page?: number;
  pageSize?: number;
}

export interface TagSearchRow {
  elementType: TaggableType;
  elementId: number;
  name: string;
  gridName: string;
  orgPath: string;
  tags: string[];
}

export interface TagSearchResult {
  counts: { elementType: TaggableType; label: string; count: number }[];
  elementType: TaggableType | null;
  total: number;
  page: number;
  pageSize: number;
  rows: TagSearchRow[];
}

/** Resolves the expression's tags (visible ones only) and their target types. */
async function resolveTargets(db: Db, actor: Actor, expr: TagExpr): Promise<Map<number, string>> {
  const ids = [...exprTags(expr)];
  const rows = (await visibleTags(db('tag_definitions as t').whereIn('t.id', ids).select('t.id', 't.target'), actor)) as {
    id: number;
    target: string;
  }[];
  // Tags resolve to the element type they are set on (a 走访标签 to 居民户).
  const found = new Map(rows.map((r) => [r.id, elementTypeOfTarget(r.target) ?? r.target]));
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length) throw new ElementValidationError([{ field: 'expr', message: '所选标签不存在或不在您的可见范围内，请重新选择' }]);
  return found;
}

function setSql(ctx: Ctx): { sql: string; bindings: Knex.RawBinding[] } | undefined {
  const n = materialise(ctx, compile(ctx, ctx.expr));
  return n.kind === 'sql' ? { sql: n.sql, bindings: n.bindings } : undefined;
}

/** Counts per element type for the expression within scope. */
export async function searchCounts(db: Db, actor: Actor, expr: TagExpr, orgPath?: string): Promise<TagSearchResult['counts']> {
  const targets = await resolveTargets(db, actor, expr);
  return countsFor(db, actor, expr, targets, orgPath);
}

async function countsFor(db: Db, actor: Actor, expr: TagExpr, targets: Map<number, string>, orgPath?: string) {
  const types = [...new Set(targets.values())].filter(isTaggable);
  return Promise.all(
    types.map(async (type) => {
      const s = setSql({ db, actor, type, narrowTo: orgPath, targets, expr });
      const count = s ? Number((await db.raw(`SELECT count(*)::int AS n FROM (${s.sql}) s`, s.bindings)).rows[0].n) : 0;
      return { elementType: type, label: TARGET_LABELS[type], count };
    }),
  );
}

/**
 * Rows of one type's result set, ordered by element id; `limit` null = all (export). The set is
 * evaluated once and its total comes with every answer, also for a page past the end (then one row
 * without an element, dropped by stripTotal) — never a second evaluation just to count.
 */
async function rowsFor(db: Db, ctx: Ctx, limit: number | null, offset: number): Promise<SearchRow[]> {
  const s = setSql(ctx);
  if (!s) return [];
  const sql = `
    WITH m AS MATERIALIZED (SELECT element_id FROM (${s.sql}) s),
         c AS (SELECT count(*)::int AS total FROM m)
    SELECT ? AS "elementType", e.id AS "elementId", ${TARGET_NAME_SQL[ctx.type]} AS name, g.name AS "gridName", c.total AS "__total",
           e.org_path::text AS "orgPath",
           coalesce((SELECT array_agg(t.name ORDER BY t.id) FROM element_tags et JOIN tag_definitions t ON t.id = et.tag_id
                     WHERE et.element_type = ? AND et.element_id = e.id), '{}') AS tags
    FROM c
    LEFT JOIN LATERAL (SELECT element_id FROM m ORDER BY element_id ${limit === null ? '' : 'LIMIT ? OFFSET ?'}) p ON true
    LEFT JOIN ${TARGET_TABLES[ctx.type]} e ON e.id = p.element_id
    LEFT JOIN org_units g ON g.id = e.grid_id
    ORDER BY e.id`;
  const bindings: Knex.RawBinding[] = [...s.bindings, ctx.type, ctx.type, ...(limit === null ? [] : [limit, offset])];
  return (await db.raw(sql, bindings)).rows as SearchRow[];
}

type SearchRow = TagSearchRow & { __total: number };

/** The page's rows without the total (and without the element-less row of a page past the end). */
function stripTotal(rows: SearchRow[]): TagSearchRow[] {
  return rows.filter((r) => r.elementId !== null).map(({ __total, ...r }) => r);
}

/** Combined tag search: counts per type and one page of the chosen type. */
export async function searchByTags(db: Db, actor: Actor, p: TagSearchParams): Promise<TagSearchResult> {
  const targets = await resolveTargets(db, actor, p.expr);
  const pageSize = Math.min(200, Math.max(1, p.pageSize ?? 20));
  const page = Math.max(1, p.page ?? 1);
  const types = [...new Set(targets.values())].filter(isTaggable);
  const pageOf = (type: TaggableType) =>
    rowsFor(db, { db, actor, type, narrowTo: p.orgPath, targets, expr: p.expr }, pageSize, (page - 1) * pageSize);
  // With the type known up front (asked for, or the only one), its page carries its total; only the
  // other types need a count, in parallel.
  const known = p.elementType ?? (types.length === 1 ? types[0] : undefined);
  if (known) {
    const [rows, others] = await Promise.all([
      pageOf(known),
      countsFor(db, actor, p.expr, new Map([...targets].filter(([, t]) => t !== known)), p.orgPath),
    ]);
    const total = Number(rows[0]?.__total ?? 0);
    const counts = types.map((t) =>
      t === known
        ? { elementType: t, label: TARGET_LABELS[t], count: total }
        : (others.find((c) => c.elementType === t) ?? { elementType: t, label: TARGET_LABELS[t], count: 0 }),
    );
    return { counts, elementType: known, total, page, pageSize, rows: stripTotal(rows) };
  }
  const counts = await countsFor(db, actor, p.expr, targets, p.orgPath);
  const type = counts.find((c) => c.count > 0)?.elementType ?? counts[0]?.elementType ?? null;
  if (!type) return { counts, elementType: null, total: 0, page, pageSize, rows: [] };
  const total = counts.find((c) => c.elementType === type)?.count ?? 0;
  return { counts, elementType: type, total, page, pageSize, rows: stripTotal(await pageOf(type)) };
}

export const EXPORT_LIMIT = 100_000;

/** Every matching row of every type (for the xlsx export), capped at EXPORT_LIMIT per type. */
export async function searchAllRows(db: Db, actor: Actor, expr: TagExpr, orgPath?: string): Promise<TagSearchRow[]> {
  const targets = await resolveTargets(db, actor, expr);
  const types = [...new Set(targets.values())].filter(isTaggable);
  const out: TagSearchRow[] = [];
  for (const type of types)
    out.push(...stripTotal(await rowsFor(db, { db, actor, type, narrowTo: orgPath, targets, expr }, EXPORT_LIMIT, 0)));
  return out;
}
