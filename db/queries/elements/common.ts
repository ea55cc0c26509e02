/**
 * Shared pieces of the element query modules: paging, sorting, scope narrowing, the errors they
 * throw and the reveal/mask rule for sensitive fields.
 *
 * Paging convention: `{ page (1-based), pageSize (1..200, default 20), sort, order }` in,
 * `{ rows, total, page, pageSize }` out. Unknown sort keys fall back to the default sort.
 */
import type { Knex } from 'knex';
import type { Actor } from '../../scope';
import { scoped, scopePaths } from '../../scope';
import { decrypt, maskIdNumber, maskPhone } from '../../sensitive';

export interface PageParams {
  page?: number;
  pageSize?: number;
  /** A sort key the module lists in its `*_SORTS`; default: path order (grid, then id). */
  sort?: string;
  order?: 'asc' | 'desc';
}

export interface Page<T> {
  rows: T[];
  /** Exact up to COUNT_CAP; beyond it COUNT_CAP with `totalCapped` (show "10000+"). */
  total: number;
  page: number;
  pageSize: number;
  /** true when more than COUNT_CAP rows match (lists that cap their count). */
  totalCapped?: boolean;
}

/**
 * Counting 50k rows of a street costs more than the page itself; big lists count up to this cap
 * and say so, and the user narrows the list with the org tree or filters.
 */
export const COUNT_CAP = 10_000;

export async function cappedCount(db: Knex, filtered: Knex.QueryBuilder): Promise<{ total: number; totalCapped: boolean }> {
  const sub = filtered.select(db.raw('1')).limit(COUNT_CAP + 1);
  const row = (await db.from(sub.as('c')).count<{ n: number }[]>({ n: '*' }))[0];
  const n = Number(row?.n ?? 0);
  return n > COUNT_CAP ? { total: COUNT_CAP, totalCapped: true } : { total: n, totalCapped: false };
}

export const MAX_PAGE_SIZE = 200;

export function pageWindow(p: PageParams): { page: number; pageSize: number; offset: number } {
  const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, Math.trunc(p.pageSize ?? 20) || 20));
  const page = Math.max(1, Math.trunc(p.page ?? 1) || 1);
  return { page, pageSize, offset: (page - 1) * pageSize };
}

/** A field-level problem with an update; `field` uses the camelCase input name. */
export interface ElementFieldError {
  field: string;
  message: string;
}

/** Bad input to a write (the API answers 400 with the fields). */
export class ElementValidationError extends Error {
  constructor(readonly fields: ElementFieldError[]) {
    super(fields.map((f) => `${f.field}: ${f.message}`).join('; '));
  }
}

/** The row changed since the caller read it (the API answers 409). */
export class VersionConflictError extends Error {
  constructor(readonly currentVersion: number) {
    super('该记录已被他人修改，请刷新后重试');
  }
}

/** Sensitive values: full text only when the caller holds the unmask right (and audits it). */
export interface RevealOptions {
  reveal?: boolean;
}

export function showIdNumber(enc: Buffer | null, reveal: boolean | undefined): string | null {
  if (!enc) return null;
  const plain = decrypt(enc);
  return reveal ? plain : maskIdNumber(plain);
}

export function showPhone(enc: Buffer | null, reveal: boolean | undefined): string | null {
  if (!enc) return null;
  const plain = decrypt(enc);
  return reveal ? plain : maskPhone(plain);
}

/**
 * Smallest ltree that sorts after every descendant of `path` (ltree compares label by label;
 * `a.b.c0` follows every `a.b.c.*`). Labels here never contain '-', the only character that could
 * sort below '0' (PG ≥ 16); should one appear, the extra range only hides rows — it never widens
 * the scope, which `scoped()` alone decides.
 */
export function pathUpperBound(path: string): string {
  return `${path}0`;
}

function isUnder(path: string, ancestor: string): boolean {
  return path === ancestor || path.startsWith(`${ancestor}.`);
}

/**
 * Applies the actor's scope (db/scope.ts) and, optionally, a narrower org path the user picked in
 * the org tree. When the effective area is one subtree, adds the equivalent btree range on the
 * path column so `(org_path, id)` indexes serve scoped pages in path order.
 */
export function scopeAndNarrow(
  qb: Knex.QueryBuilder,
  actor: Actor,
  column: string,
  mode: 'read' | 'write' = 'read',
  narrowTo?: string,
  /** false: leave the btree range out (a query that should walk another index in order). */
  withRange = true,
): Knex.QueryBuilder {
  scoped(qb, actor, column, mode);
  const paths = scopePaths(actor, mode);
  let area: string | undefined;
  if (narrowTo) {
    qb.whereRaw('?? <@ ?::ltree', [column, narrowTo]);
    if (paths.some((p) => isUnder(narrowTo, p))) area = narrowTo;
    else if (paths.length === 1 && isUnder(paths[0], narrowTo)) area = paths[0];
  } else if (paths.length === 1) {
    area = paths[0];
  }
  if (area && withRange) qb.whereRaw('?? >= ?::ltree AND ?? < ?::ltree', [column, area, column, pathUpperBound(area)]);
  return qb;
}

export function orderOf(p: PageParams): 'asc' | 'desc' {
  return p.order === 'desc' ? 'desc' : 'asc';
}

/** Postgres `date` as YYYY-MM-DD text, never a JS Date shifted by the time zone. */
export function dateText(column: string, alias: string): string {
  return `to_char(${column}, 'YYYY-MM-DD') AS ${alias}`;
}

export type ElementType = 'household' | 'merchant' | 'enterprise' | 'institution' | 'facility';
export const ELEMENT_TYPES: readonly ElementType[] = ['household', 'merchant', 'enterprise', 'institution', 'facility'];
export const ELEMENT_TABLES: Record<ElementType, string> = {
  household: 'households',
  merchant: 'merchants',
  enterprise: 'enterprises',
  institution: 'institutions',
  facility: 'public_facilities',
};

export interface GridRef {
  id: number;
  code: string;
  name: string;
  path: string;
  gridType: string | null;
}
