/**
 * Account operations with their security rules: login with lockout, password change, user
 * administration with separation of duties. Every outcome is audited (db/audit.ts).
 */

import { appendAudit } from '../../db/audit';
import type { Db } from '../../db/connection';
import {
  createSession,
  deleteUserSessions,
  findUserForLogin,
  insertUser,
  knownRoles,
  orgsByIds,
  passwordHashOf,
  purgeIdleSessions,
  recordLoginFailure,
  recordLoginSuccess,
  replaceGrants,
  replaceRoles,
  rolesOf,
  setPassword,
  unlockUser,
  updateUserRow,
  usernameTaken,
  userRef,
} from '../../db/queries/accounts';
import { dutyConflict } from '../../db/reference/roles';
import { type Actor, assertInScope, inScope } from '../../db/scope';
import { ApiError, errors, type FieldError } from '../errors';
import { now } from './clock';
import { dummyPasswordHash, hashPassword, passwordProblems, verifyPassword } from './passwords';
import { SECURITY_POLICY } from './policy';
import { newSessionToken } from './session';

const badCredentials = () => new ApiError(401, 'LOGIN_FAILED', '用户名或密码错误，请重新输入');

export interface LoginResult {
  token: string;
  userId: number;
  mustChangePassword: boolean;
}

export async function login(db: Db, username: string, password: string, client: { ip?: string; userAgent?: string }): Promise<LoginResult> {
  const t = now();
  const user = await findUserForLogin(db, username);
  if (!user?.active) {
    await verifyPassword(password, await dummyPasswordHash()); // same cost as a real account
    await appendAudit(
      db,
      { username: username.slice(0, 50), action: 'login_failed', ip: client.ip, detail: { reason: user ? 'inactive' : 'unknown_user' } },
      t,
    );
    throw badCredentials();
  }
  const audit = { userId: user.id, username: user.username, orgPath: user.org_path, ip: client.ip, objectType: 'user', objectId: user.id };
  if (user.locked_until && new Date(user.locked_until) > t) {
    await appendAudit(db, { ...audit, action: 'login_locked', detail: { lockedUntil: new Date(user.locked_until).toISOString() } }, t);
    throw errors.locked(new Date(user.locked_until));
  }
  if (!(await verifyPassword(password, user.password_hash))) {
    const lockedUntil = await recordLoginFailure(
      db,
      user.id,
      SECURITY_POLICY.maxFailedLogins,
      new Date(t.getTime() + SECURITY_POLICY.lockMs),
    );
    await appendAudit(db, { ...audit, action: 'login_failed', detail: { reason: 'bad_password', locked: Boolean(lockedUntil) } }, t);
    if (lockedUntil) throw errors.locked(lockedUntil);
    throw badCredentials();
  }
  const { token, idHash } = newSessionToken();
  // Housekeeping on the way: sessions idle past the timeout can never be used again.
  await purgeIdleSessions(db, new Date(t.getTime() - SECURITY_POLICY.idleTimeoutMs));
  await db.transaction(async (trx) => {
    await recordLoginSuccess(trx, user.id, t);
    await createSession(trx, { idHash, userId: user.id, now: t, ip: client.ip, userAgent: client.userAgent });
    await appendAudit(trx, { ...audit, action: 'login' }, t);
  });
  return { token, userId: user.id, mustChangePassword: user.must_change_password };
}

export async function changePassword(
  db: Db,
  actor: Actor,
  oldPassword: string,
  newPassword: string,
  keepSessionHash: string | undefined,
  ip?: string,
): Promise<void> {
  const t = now();
  const stored = await passwordHashOf(db, actor.userId);
  if (!stored || !(await verifyPassword(oldPassword, stored))) {
    await appendAudit(
      db,
      {
        userId: actor.userId,
        username: actor.username,
        orgPath: actor.orgPath,
        ip,
        action: 'password_change_failed',
        objectType: 'user',
        objectId: actor.userId,
      },
      t,
    );
    throw errors.validation([{ field: 'oldPassword', message: '原密码不正确，请重新输入' }]);
  }
  const problems = passwordProblems(newPassword, actor.username);
  if (oldPassword === newPassword) problems.push({ field: 'newPassword', message: '新密码不能与原密码相同' });
  if (problems.length) throw errors.validation(problems, '新密码不符合安全要求，请按提示修改');
  const hash = await hashPassword(newPassword);
  await db.transaction(async (trx) => {
    await setPassword(trx, actor.userId, hash, false, t);
    // Other sessions of this account end: whoever knew the old password is logged out.
    await deleteUserSessions(trx, actor.userId, keepSessionHash);
    await appendAudit(
      trx,
      {
        userId: actor.userId,
        username: actor.username,
        orgPath: actor.orgPath,
        ip,
        action: 'password_change',
        objectType: 'user',
        objectId: actor.userId,
      },
      t,
    );
  });
}

// ── user administration ───────────────────────────────────────────────────────────────────────

export interface UserInput {
  username?: string;
  displayName?: string;
  orgId?: number;
  roles?: string[];
  password?: string;
  email?: string | null;
  active?: boolean;
  grants?: { orgId: number; canWrite?: boolean }[];
}

async function checkRoles(db: Db, roles: string[]): Promise<FieldError[]> {
  const known = await knownRoles(db);
  const unknown = roles.filter((r) => !known.has(r));
  if (unknown.length) return [{ field: 'roles', message: `角色不存在：${unknown.join('、')}，请从角色列表中选择` }];
  const conflict = dutyConflict(roles);
  if (conflict) {
    return [
      {
        field: 'roles',
        message: `系统管理员、安全管理员、审计员三类角色不能由同一账号兼任（${conflict.map((c) => known.get(c)).join('、')}），请只保留一个`,
      },
    ];
  }
  return [];
}

async function resolveOrgs(db: Db, actor: Actor, orgId: number | undefined, grants: UserInput['grants']) {
  const ids = [...(orgId ? [orgId] : []), ...(grants ?? []).map((g) => g.orgId)];
  const orgs = await orgsByIds(db, ids);
  const fields: FieldError[] = [];
  if (orgId) {
    const o = orgs.get(orgId);
    if (!o) fields.push({ field: 'orgId', message: '所属机构不存在，请重新选择' });
    else if (!inScope(actor, o.path, 'write')) fields.push({ field: 'orgId', message: '所属机构不在您的管理范围内，请重新选择' });
  }
  (grants ?? []).forEach((g, i) => {
    const o = orgs.get(g.orgId);
    if (!o) fields.push({ field: `grants.${i}.orgId`, message: '授权机构不存在，请重新选择' });
    else if (!inScope(actor, o.path, 'write'))
      fields.push({ field: `grants.${i}.orgId`, message: '授权机构不在您的管理范围内，请重新选择' });
  });
  return { orgs, fields };
}

export async function createUserAccount(
  db: Db,
  actor: Actor,
  input: Required<Pick<UserInput, 'username' | 'displayName' | 'orgId' | 'roles' | 'password'>> & UserInput,
  ip?: string,
): Promise<number> {
  const t = now();
  const fields: FieldError[] = [];
  if (await usernameTaken(db, input.username)) fields.push({ field: 'username', message: '用户名已被使用，请换一个' });
  fields.push(...(await checkRoles(db, input.roles)));
  fields.push(...passwordProblems(input.password, input.username, 'password'));
  const { orgs, fields: orgFields } = await resolveOrgs(db, actor, input.orgId, input.grants);
  fields.push(...orgFields);
  if (fields.length) throw errors.validation(fields);
  const org = orgs.get(input.orgId)!;
  const passwordHash = await hashPassword(input.password);
  try {
    return await insertAudited(db, actor, input, org, orgs, passwordHash, t, ip);
  } catch (err) {
    // Two administrators creating the same user name at once: the unique index decides.
    if ((err as { code?: string }).code === '23505') throw errors.conflict('用户名已被使用，请换一个', 'username');
    throw err;
  }
}

async function insertAudited(
  db: Db,
  actor: Actor,
  input: Required<Pick<UserInput, 'username' | 'displayName' | 'orgId' | 'roles' | 'password'>> & UserInput,
  org: { id: number; path: string },
  orgs: Map<number, { path: string }>,
  passwordHash: string,
  t: Date,
  ip?: string,
): Promise<number> {
  return db.transaction(async (trx) => {
    const id = await insertUser(trx, {
      username: input.username,
      displayName: input.displayName,
      passwordHash,
      orgId: org.id,
      orgPath: org.path,
      // An administrator-chosen password is an initial password: the user must replace it.
      mustChangePassword: true,
      email: input.email ?? null,
      roles: input.roles,
      grants: (input.grants ?? []).map((g) => ({ path: orgs.get(g.orgId)!.path, canWrite: g.canWrite ?? false })),
      now: t,
    });
    await appendAudit(
      trx,
      {
        userId: actor.userId,
        username: actor.username,
        ip,
        action: 'create',
        objectType: 'user',
        objectId: id,
        orgPath: org.path,
        detail: { username: input.username, roles: input.roles, grants: input.grants ?? [] },
      },
      t,
    );
    return id;
  });
}

export async function updateUserAccount(db: Db, actor: Actor, userId: number, input: UserInput, ip?: string): Promise<void> {
  const t = now();
  const ref = await userRef(db, userId);
  if (!ref) throw errors.notFound('用户');
  assertInScope(actor, ref.org_path, 'write');
  const path = ref.org_path;
  if (userId === actor.userId && (input.roles || input.active === false || input.orgId || input.grants)) {
    throw errors.forbidden('不能修改自己的角色、机构、授权或停用自己，请由其他管理员操作');
  }
  const fields: FieldError[] = [];
  if (input.roles) fields.push(...(await checkRoles(db, input.roles)));
  if (input.password) fields.push(...passwordProblems(input.password, ref.username, 'password'));
  const { orgs, fields: orgFields } = await resolveOrgs(db, actor, input.orgId, input.grants);
  fields.push(...orgFields);
  if (fields.length) throw errors.validation(fields);
  const passwordHash = input.password ? await hashPassword(input.password) : undefined;
  const before = { roles: await rolesOf(db, userId) };
  await db.transaction(async (trx) => {
    const org = input.orgId ? orgs.get(input.orgId) : undefined;
    await updateUserRow(trx, userId, {
      displayName: input.displayName,
      orgId: org?.id,
      orgPath: org?.path,
      active: input.active,
      email: input.email,
      now: t,
    });
    if (input.roles) await replaceRoles(trx, userId, input.roles);
    if (input.grants)
      await replaceGrants(
        trx,
        userId,
        input.grants.map((g) => ({ path: orgs.get(g.orgId)!.path, canWrite: g.canWrite ?? false })),
      );
    if (passwordHash) await setPassword(trx, userId, passwordHash, true, t);
    // A changed role set, org, password or a deactivation takes effect now, not at the next login.
    if (input.roles || input.orgId || input.grants || passwordHash || input.active === false) await deleteUserSessions(trx, userId);
    const { password: _pw, ...changed } = input;
    await appendAudit(
      trx,
      {
        userId: actor.userId,
        username: actor.username,
        ip,
        action: 'update',
        objectType: 'user',
        objectId: userId,
        orgPath: org?.path ?? path,
        detail: { changed: Object.keys(input), before, after: changed, passwordReset: Boolean(passwordHash) },
      },
      t,
    );
  });
}

export async function unlockUserAccount(db: Db, actor: Actor, userId: number, ip?: string): Promise<void> {
  const t = now();
  const ref = await userRef(db, userId);
  if (!ref) throw errors.notFound('用户');
  assertInScope(actor, ref.org_path, 'write');
  const path = ref.org_path;
  await db.transaction(async (trx) => {
    await unlockUser(trx, userId);
    await appendAudit(
      trx,
      { userId: actor.userId, username: actor.username, ip, action: 'unlock', objectType: 'user', objectId: userId, orgPath: path },
      t,
    );
  });
}
