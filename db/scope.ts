/**
 * Data scope (数据权限): the one mechanism that limits what a user reads and writes.
 * A row is visible when its org path lies under the user's org path (`org_path <@ user_path`)
 * or under one of the user's explicit grants (departments). Every query module of db/ that reads
 * or writes scoped rows goes through `scoped()` / `assertInScope()`; routes never filter by hand.
 */
import type { Knex } from 'knex';
import type { Db } from './connection';

/** Who is acting: built once per request from the session (api/auth). */
export interface Actor {
  userId: number;
  username: string;
  orgId: number;
  /** ltree path of the user's own org unit, e.g. km.d01.s03.c02 */
  orgPath: string;
  roles: readonly string[];
  permissions: ReadonlySet<string>;
  grants: readonly { path: string; canWrite: boolean }[];
}

export type ScopeMode = 'read' | 'write';

export function scopePaths(actor: Actor, mode: ScopeMode): string[] {
  const extra = actor.grants.filter((g) => mode === 'read' || g.canWrite).map((g) => g.path);
  return [actor.orgPath, ...extra];
}

/**
 * A Postgres array literal (`{"km","km.d01"}`) for a `?::ltree[]` binding. A JS array works with
 * `pg` but PGlite sends it as plain text ("malformed array literal"), so bind this string instead.
 */
export function ltreeArray(paths: readonly string[]): string {
  for (const p of paths) if (!/^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/.test(p)) throw new Error(`invalid ltree path: ${p}`);
  return `{${paths.map((p) => `"${p}"`).join(',')}}`;
}

/**
 * Adds `column <@ path` (one path, the common case) or `column <@ ANY(paths)` (with grants) to a
 * query; `column` is an ltree column such as `r.org_path`. The single-path form is about twice as
 * cheap per scanned row as the ANY over an array.
 */
export function scoped<T extends Knex.QueryBuilder>(qb: T, actor: Actor, column: string, mode: ScopeMode = 'read'): T {
  const paths = scopePaths(actor, mode);
  if (paths.length === 1) {
    ltreeArray(paths); // validates the path
    return qb.whereRaw(`?? <@ ?::ltree`, [column, paths[0]]) as T;
  }
  return qb.whereRaw(`?? <@ ANY(?::ltree[])`, [column, ltreeArray(paths)]) as T;
}

/** True when an org path lies inside the actor's scope. */
export function inScope(actor: Actor, orgPath: string, mode: ScopeMode = 'read'): boolean {
  return scopePaths(actor, mode).some((p) => orgPath === p || orgPath.startsWith(`${p}.`));
}

export class OutOfScopeError extends Error {
  constructor() {
    super('out of scope');
  }
}

/** For writes: refuse before touching anything when the target path is outside the scope. */
export function assertInScope(actor: Actor, orgPath: string, mode: ScopeMode = 'write'): void {
  if (!inScope(actor, orgPath, mode)) throw new OutOfScopeError();
}

/** Looks up an org unit's path, scoped; undefined when absent or outside the scope. */
export async function orgPathInScope(db: Db, actor: Actor, orgId: number, mode: ScopeMode = 'read'): Promise<string | undefined> {
  const row = await scoped(db('org_units').select('path').where({ id: orgId }), actor, 'path', mode).first();
  return row?.path as string | undefined;
}
