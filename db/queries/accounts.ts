/**
 * Accounts (账号): users, their roles and scope grants, sessions and lockout state.
 * The only module that reads or writes users, user_roles, user_scope_grants and sessions.
 * Reads of other users go through `scoped()` on users.org_path (a district sys_admin manages only
 * that district's accounts).
 */
import type { Knex } from 'knex';
import type { Db } from '../connection';
import { type Actor, ltreeArray, scoped } from '../scope';

type Q = Db | Knex.Transaction;

export interface LoginUser {
  id: number;
  username: string;
  display_name: string;
  password_hash: string;
  must_change_password: boolean;
  failed_logins: number;
  locked_until: Date | null;
  active: boolean;
  org_id: number;
  org_path: string;
}

export async function findUserForLogin(db: Q, username: string): Promise<LoginUser | undefined> {
  return (await db('users')
    .select('id', 'username', 'display_name', 'password_hash', 'must_change_password', 'failed_logins', 'locked_until', 'active', 'org_id')
    .select(db.raw('org_path::text AS org_path'))
    .whereRaw('lower(username) = lower(?)', [username])
    .first()) as LoginUser | undefined;
}

/**
 * Counts one failed login atomically; the `maxFailures`-th consecutive failure locks the account
 * until `lockUntil` and resets the counter. Returns the lock end when this failure locked it.
 */
export async function recordLoginFailure(db: Q, userId: number, maxFailures: number, lockUntil: Date): Promise<Date | null> {
  const rows = (await db('users')
    .where({ id: userId })
    .update({
      failed_logins: db.raw('CASE WHEN failed_logins + 1 >= ? THEN 0 ELSE failed_logins + 1 END', [maxFailures]),
      locked_until: db.raw('CASE WHEN failed_logins + 1 >= ? THEN ?::timestamptz ELSE locked_until END', [maxFailures, lockUntil]),
    })
    .returning(['failed_logins', 'locked_until'])) as { failed_logins: number; locked_until: Date | null }[];
  const r = rows[0];
  return r?.locked_until && new Date(r.locked_until).getTime() === lockUntil.getTime() ? new Date(r.locked_until) : null;
}

export async function recordLoginSuccess(db: Q, userId: number, now: Date): Promise<void> {
  await db('users').where({ id: userId }).update({ failed_logins: 0, locked_until: null, last_login_at: now });
}

export async function unlockUser(db: Q, userId: number): Promise<void> {
  await db('users').where({ id: userId }).update({ failed_logins: 0, locked_until: null });
}

export async function setPassword(db: Q, userId: number, hash: string, mustChange: boolean, now: Date): Promise<void> {
  await db('users')
    .where({ id: userId })
    .update({ password_hash: hash, must_change_password: mustChange, password_changed_at: now, updated_at: now });
}

export async function passwordHashOf(db: Q, userId: number): Promise<string | undefined> {
  const r = await db('users').select('password_hash').where({ id: userId }).first();
  return r?.password_hash as string | undefined;
}

// ── sessions ──────────────────────────────────────────────────────────────────────────────────

export async function createSession(
  db: Q,
  s: { idHash: string; userId: number; now: Date; ip?: string | null; userAgent?: string | null },
): Promise<void> {
  await db('sessions').insert({
    id: s.idHash,
    user_id: s.userId,
    created_at: s.now,
    last_seen_at: s.now,
    ip: s.ip?.slice(0, 64) ?? null,
    user_agent: s.userAgent?.slice(0, 300) ?? null,
  });
}

export interface SessionActorRow {
  session_id: string;
  last_seen_at: Date;
  user_id: number;
  username: string;
  active: boolean;
  must_change_password: boolean;
  org_id: number;
  org_path: string;
  roles: string[] | null;
  permissions: string[] | null;
  grants: { path: string; canWrite: boolean }[] | null;
}

/** One round trip: the session, its user, roles, permissions and scope grants. */
export async function loadSessionActor(db: Q, idHash: string): Promise<SessionActorRow | undefined> {
  const r = await db.raw(
    `SELECT s.id AS session_id, s.last_seen_at, u.id AS user_id, u.username, u.active, u.must_change_password,
            u.org_id, u.org_path::text AS org_path,
            (SELECT array_agg(ur.role_code ORDER BY ur.role_code) FROM user_roles ur WHERE ur.user_id = u.id) AS roles,
            (SELECT array_agg(DISTINCT rp.permission_code) FROM user_roles ur
               JOIN role_permissions rp ON rp.role_code = ur.role_code WHERE ur.user_id = u.id) AS permissions,
            (SELECT json_agg(json_build_object('path', g.org_path::text, 'canWrite', g.can_write) ORDER BY g.org_path)
               FROM user_scope_grants g WHERE g.user_id = u.id) AS grants
       FROM sessions s JOIN users u ON u.id = s.user_id
      WHERE s.id = ?`,
    [idHash],
  );
  return r.rows[0] as SessionActorRow | undefined;
}

export async function touchSession(db: Q, idHash: string, now: Date): Promise<void> {
  await db('sessions').where({ id: idHash }).update({ last_seen_at: now });
}

export async function deleteSession(db: Q, idHash: string): Promise<void> {
  await db('sessions').where({ id: idHash }).delete();
}

export async function deleteUserSessions(db: Q, userId: number, exceptIdHash?: string): Promise<void> {
  const qb = db('sessions').where({ user_id: userId });
  if (exceptIdHash) qb.whereNot({ id: exceptIdHash });
  await qb.delete();
}

/** Housekeeping: sessions idle longer than the timeout can never be used again. */
export async function purgeIdleSessions(db: Q, idleSince: Date): Promise<number> {
  return db('sessions').where('last_seen_at', '<', idleSince).delete();
}

// ── user views ────────────────────────────────────────────────────────────────────────────────

export interface OrgRef {
  id: number;
  name: string;
  path: string;
  type: string;
}

export interface UserView {
  id: number;
  username: string;
  displayName: string;
  org: OrgRef;
  roles: { code: string; name: string }[];
  permissions: string[];
  grants: { orgId: number; name: string; path: string; canWrite: boolean }[];
  active: boolean;
  mustChangePassword: boolean;
  lockedUntil: string | null;
  lastLoginAt: string | null;
  email: string | null;
}

const USER_VIEW_SQL = `
  SELECT u.id, u.username, u.display_name, u.active, u.must_change_password, u.locked_until, u.last_login_at, u.email,
         json_build_object('id', o.id, 'name', o.name, 'path', o.path::text, 'type', o.type) AS org,
         COALESCE((SELECT json_agg(json_build_object('code', r.code, 'name', r.name) ORDER BY r.code)
                     FROM user_roles ur JOIN roles r ON r.code = ur.role_code WHERE ur.user_id = u.id), '[]') AS roles,
         COALESCE((SELECT array_agg(DISTINCT rp.permission_code) FROM user_roles ur
                     JOIN role_permissions rp ON rp.role_code = ur.role_code WHERE ur.user_id = u.id), '{}') AS permissions,
         COALESCE((SELECT json_agg(json_build_object('orgId', go.id, 'name', go.name, 'path', g.org_path::text, 'canWrite', g.can_write)
                                   ORDER BY g.org_path)
                     FROM user_scope_grants g LEFT JOIN org_units go ON go.path = g.org_path WHERE g.user_id = u.id), '[]') AS grants
    FROM users u JOIN org_units o ON o.id = u.org_id`;

interface UserViewRow {
  id: number;
  username: string;
  display_name: string;
  active: boolean;
  must_change_password: boolean;
  locked_until: Date | null;
  last_login_at: Date | null;
  email: string | null;
  org: OrgRef;
  roles: { code: string; name: string }[];
  permissions: string[];
  grants: UserView['grants'];
}

function toUserView(r: UserViewRow): UserView {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    org: r.org,
    roles: r.roles,
    permissions: [...r.permissions].sort(),
    grants: r.grants,
    active: r.active,
    mustChangePassword: r.must_change_password,
    lockedUntil: r.locked_until ? new Date(r.locked_until).toISOString() : null,
    lastLoginAt: r.last_login_at ? new Date(r.last_login_at).toISOString() : null,
    email: r.email,
  };
}

/** The acting user's own profile (no scope check: it is the actor). */
export async function userProfile(db: Q, userId: number): Promise<UserView | undefined> {
  const r = await db.raw(`${USER_VIEW_SQL} WHERE u.id = ?`, [userId]);
  const row = r.rows[0] as UserViewRow | undefined;
  return row ? toUserView(row) : undefined;
}

const USER_SORT: Record<string, string> = {
  id: 'u.id',
  username: 'u.username',
  displayName: 'u.display_name',
  lastLoginAt: 'u.last_login_at',
};
export const USER_SORT_FIELDS = Object.keys(USER_SORT);

export interface ListArgs {
  q?: string;
  orgId?: number;
  page: number;
  pageSize: number;
  sort?: { field: string; desc: boolean };
}

/** Users under the actor's scope (users.org_path), optionally under one org unit. */
export async function listUsers(db: Db, actor: Actor, a: ListArgs): Promise<{ items: UserView[]; total: number }> {
  const base = scoped(db('users as u'), actor, 'u.org_path', 'read');
  if (a.q) base.where((w) => w.whereILike('u.username', `%${a.q}%`).orWhereILike('u.display_name', `%${a.q}%`));
  if (a.orgId) base.whereRaw('u.org_path <@ (SELECT path FROM org_units WHERE id = ?)', [a.orgId]);
  const [{ total }] = await base.clone().count({ total: '*' });
  const ids = (await base
    .clone()
    .select('u.id')
    .orderBy(a.sort ? USER_SORT[a.sort.field] : 'u.id', a.sort?.desc ? 'desc' : 'asc')
    .orderBy('u.id')
    .limit(a.pageSize)
    .offset((a.page - 1) * a.pageSize)) as { id: number }[];
  if (ids.length === 0) return { items: [], total: Number(total) };
  const r = await db.raw(`${USER_VIEW_SQL} WHERE u.id = ANY(?::int[])`, [ids.map((x) => x.id)]);
  const byId = new Map((r.rows as UserViewRow[]).map((row) => [row.id, toUserView(row)]));
  return { items: ids.map((x) => byId.get(x.id)!), total: Number(total) };
}

/** A user's username and org path (for scope checks with assertInScope). */
export async function userRef(db: Q, userId: number): Promise<{ username: string; org_path: string } | undefined> {
  return (await db('users').select('username', db.raw('org_path::text AS org_path')).where({ id: userId }).first()) as
    | { username: string; org_path: string }
    | undefined;
}

export async function userExists(db: Q, userId: number): Promise<boolean> {
  return Boolean(await db('users').select('id').where({ id: userId }).first());
}

export async function usernameTaken(db: Q, username: string): Promise<boolean> {
  return Boolean(await db('users').select('id').whereRaw('lower(username) = lower(?)', [username]).first());
}

export async function rolesOf(db: Q, userId: number): Promise<string[]> {
  return (await db('user_roles').select('role_code').where({ user_id: userId }).orderBy('role_code')).map(
    (r: { role_code: string }) => r.role_code,
  );
}

export async function knownRoles(db: Q): Promise<Map<string, string>> {
  const rows = (await db('roles').select('code', 'name')) as { code: string; name: string }[];
  return new Map(rows.map((r) => [r.code, r.name]));
}

export async function allRolesWithPermissions(
  db: Q,
): Promise<{ code: string; name: string; description: string | null; dutyGroup: string | null; permissions: string[] }[]> {
  const r = await db.raw(
    `SELECT r.code, r.name, r.description, r.duty_group,
            COALESCE(array_agg(rp.permission_code ORDER BY rp.permission_code) FILTER (WHERE rp.permission_code IS NOT NULL), '{}') AS permissions
       FROM roles r LEFT JOIN role_permissions rp ON rp.role_code = r.code GROUP BY r.code ORDER BY r.code`,
  );
  return (r.rows as { code: string; name: string; description: string | null; duty_group: string | null; permissions: string[] }[]).map(
    (x) => ({
      code: x.code,
      name: x.name,
      description: x.description,
      dutyGroup: x.duty_group,
      permissions: x.permissions,
    }),
  );
}

export interface NewUser {
  username: string;
  displayName: string;
  passwordHash: string;
  orgId: number;
  orgPath: string;
  mustChangePassword: boolean;
  email?: string | null;
  roles: string[];
  grants: { path: string; canWrite: boolean }[];
  now: Date;
}

export async function insertUser(trx: Knex.Transaction, u: NewUser): Promise<number> {
  const [row] = (await trx('users')
    .insert({
      username: u.username,
      display_name: u.displayName,
      password_hash: u.passwordHash,
      must_change_password: u.mustChangePassword,
      password_changed_at: u.now,
      org_id: u.orgId,
      org_path: u.orgPath,
      email: u.email ?? null,
      created_at: u.now,
      updated_at: u.now,
    })
    .returning('id')) as { id: number }[];
  await replaceRoles(trx, row.id, u.roles);
  await replaceGrants(trx, row.id, u.grants);
  return row.id;
}

export interface UserChanges {
  displayName?: string;
  orgId?: number;
  orgPath?: string;
  active?: boolean;
  email?: string | null;
  now: Date;
}

export async function updateUserRow(trx: Knex.Transaction, userId: number, c: UserChanges): Promise<void> {
  const patch: Record<string, unknown> = { updated_at: c.now };
  if (c.displayName !== undefined) patch.display_name = c.displayName;
  if (c.orgId !== undefined) {
    patch.org_id = c.orgId;
    patch.org_path = c.orgPath;
  }
  if (c.active !== undefined) patch.active = c.active;
  if (c.email !== undefined) patch.email = c.email;
  await trx('users').where({ id: userId }).update(patch);
}

export async function replaceRoles(trx: Knex.Transaction, userId: number, roles: string[]): Promise<void> {
  await trx('user_roles').where({ user_id: userId }).delete();
  if (roles.length) await trx('user_roles').insert(roles.map((role_code) => ({ user_id: userId, role_code })));
}

export async function replaceGrants(trx: Knex.Transaction, userId: number, grants: { path: string; canWrite: boolean }[]): Promise<void> {
  await trx('user_scope_grants').where({ user_id: userId }).delete();
  if (grants.length) {
    await trx('user_scope_grants').insert(grants.map((g) => ({ user_id: userId, org_path: g.path, can_write: g.canWrite })));
  }
}

/** Org units by id with their path and type (for user org and grant targets). */
export async function orgsByIds(db: Q, ids: number[]): Promise<Map<number, OrgRef>> {
  if (ids.length === 0) return new Map();
  const rows = (await db('org_units').select('id', 'name', 'type', db.raw('path::text AS path')).whereIn('id', ids)) as OrgRef[];
  return new Map(rows.map((r) => [r.id, r]));
}

// ── the org tree as one account sees it ───────────────────────────────────────────────────────

export interface OrgNode {
  id: number;
  code: string;
  name: string;
  type: string;
  path: string;
  parentId: number | null;
  childCount: number;
}

const ORG_NODE_COLUMNS = `o.id, o.code, o.name, o.type, o.path::text AS path, o.parent_id AS "parentId",
  (SELECT count(*) FROM org_units c WHERE c.parent_id = o.id AND c.active)::int AS "childCount"`;

/** The roots of the actor's scope: the own org unit and explicitly granted units. */
export async function orgScopeRoots(db: Q, actor: Actor): Promise<OrgNode[]> {
  const qb = db('org_units as o')
    .select(db.raw(ORG_NODE_COLUMNS))
    .whereRaw('o.path = ANY(?::ltree[])', [ltreeArray([actor.orgPath, ...actor.grants.map((g) => g.path)])]);
  const rows = (await qb.orderBy('o.path')) as OrgNode[];
  // A grant inside the own subtree is already reachable from the own root.
  return rows.filter((r) => !rows.some((o) => o !== r && r.path.startsWith(`${o.path}.`)));
}

export async function orgPathOf(db: Q, orgId: number): Promise<string | undefined> {
  const r = await db('org_units').select(db.raw('path::text AS path')).where({ id: orgId }).first();
  return r?.path as string | undefined;
}

/** Children of one node, limited to the actor's scope. */
export async function orgChildren(db: Q, actor: Actor, parentId: number): Promise<OrgNode[]> {
  const qb = db('org_units as o').select(db.raw(ORG_NODE_COLUMNS)).where('o.parent_id', parentId).where('o.active', true);
  return (await scoped(qb, actor, 'o.path', 'read').orderBy(['o.sort', 'o.code'])) as OrgNode[];
}
