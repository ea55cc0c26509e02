import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit, verifyAuditChain } from '../../db/audit';
import { createTestDb, type TestDb } from '../../db/testing/server';
import { setClock } from './clock';
import { hashPassword, passwordProblems, verifyPassword } from './passwords';
import { FIXTURE_PASSWORD, type FixtureElements, seedFixture, startServer, type TestServer } from './test-fixture';

let t: TestDb;
let srv: TestServer;
let fx: FixtureElements;
let clock = new Date('2026-11-24T08:00:00Z');
let restoreClock: () => void;
const advance = (ms: number) => {
  clock = new Date(clock.getTime() + ms);
};

beforeAll(async () => {
  t = await createTestDb();
  fx = await seedFixture(t.db);
  restoreClock = setClock(() => clock);
  srv = await startServer(t.db);
});
afterAll(async () => {
  restoreClock?.();
  await srv?.close();
  await t?.drop();
});

describe('N-5 passwords', () => {
  it('N-5 complexity: ≥ 8 chars, 3 of 4 classes, not the username', () => {
    expect(passwordProblems('Ab1!', 'zhang')).toHaveLength(1);
    expect(passwordProblems('abcdefgh1', 'zhang')[0].message).toContain('3 类');
    expect(passwordProblems('Zhang@2026x', 'zhang')[0].message).toContain('用户名');
    expect(passwordProblems('Grid@2026x', 'zhang')).toEqual([]);
    expect(passwordProblems('abcdefg1A', 'x1')).toEqual([]);
  });
  it('N-5 scrypt hashes carry a per-user salt and verify; login latency figure', async () => {
    const a = await hashPassword('Same#Pass1');
    const b = await hashPassword('Same#Pass1');
    expect(a).not.toBe(b);
    expect(a.startsWith('scrypt$32768$8$1$')).toBe(true);
    expect(await verifyPassword('Same#Pass1', a)).toBe(true);
    expect(await verifyPassword('Same#Pass2', a)).toBe(false);
    const c = srv.client();
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const s = performance.now();
      const r = await c.request('POST', '/auth/login', { username: 'f_city', password: FIXTURE_PASSWORD });
      times.push(performance.now() - s);
      expect(r.status).toBe(200);
    }
    times.sort((x, y) => x - y);
    console.info(`[N-5 figure] login latency with scrypt N=2^15: median ${times[2].toFixed(1)} ms, max ${times[4].toFixed(1)} ms`);
    const me: number[] = [];
    for (let i = 0; i < 21; i++) {
      const s = performance.now();
      expect((await c.request('GET', '/auth/me')).status).toBe(200);
      me.push(performance.now() - s);
    }
    me.sort((x, y) => x - y);
    console.info(`[N-5 figure] authenticated request (session → actor → /auth/me): median ${me[10].toFixed(1)} ms`);
  });
});

describe('N-5 login, lockout, sessions', () => {
  it('N-5 login sets an HttpOnly SameSite=Lax cookie and /auth/me answers with no-store', async () => {
    const c = srv.client();
    const r = await c.request('POST', '/auth/login', { username: 'f_gridworker', password: FIXTURE_PASSWORD });
    expect(r.status).toBe(200);
    const cookie = r.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^sid=[\w-]{40,};/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/Secure/i); // plain HTTP here; Secure is set when req.secure
    expect((r.json as { mustChangePassword: boolean }).mustChangePassword).toBe(false);
    const me = await c.request('GET', '/auth/me');
    expect(me.status).toBe(200);
    expect(me.headers.get('cache-control')).toBe('no-store');
    expect(me.json).toMatchObject({
      username: 'f_gridworker',
      org: { path: 'km.zt1.s1.c1.g1', type: 'grid' },
      roles: [{ code: 'grid_worker', name: '专职网格员' }],
    });
    expect((me.json as { permissions: string[] }).permissions).toContain('element.read');
    // the token itself is not stored: sessions.id is its SHA-256
    const token = c.cookie!.slice(4);
    expect(await t.db('sessions').where({ id: token }).first()).toBeUndefined();
  });

  it('N-5 the cookie is Secure when the request came over TLS (X-Forwarded-Proto from the trusted local proxy)', async () => {
    const r = await fetch(`${srv.base}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https' },
      body: JSON.stringify({ username: 'f_parttime', password: FIXTURE_PASSWORD }),
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('set-cookie')).toMatch(/;\s*Secure/i);
  });

  it('N-5 wrong password is a Chinese 401; unknown user looks the same', async () => {
    const c = srv.client();
    const a = await c.request('POST', '/auth/login', { username: 'f_street', password: 'Wrong#2026' });
    const b = await c.request('POST', '/auth/login', { username: 'nobody_here', password: 'Wrong#2026' });
    expect(a.status).toBe(401);
    expect(b.status).toBe(401);
    expect((a.json as { error: { message: string } }).error.message).toBe((b.json as { error: { message: string } }).error.message);
    expect((a.json as { error: { message: string } }).error.message).toContain('用户名或密码错误');
    // a success resets the consecutive-failure counter
    await c.request('POST', '/auth/login', { username: 'f_street', password: FIXTURE_PASSWORD });
    expect((await t.db('users').where({ username: 'f_street' }).first()).failed_logins).toBe(0);
  });

  it('N-5 lockout: 5 failures lock the account; the 6th try with the right password is refused (423); after 15 min it works', async () => {
    const c = srv.client();
    for (let i = 1; i <= 4; i++)
      expect((await c.request('POST', '/auth/login', { username: 'f_leader', password: `Bad#pass${i}` })).status).toBe(401);
    const fifth = await c.request('POST', '/auth/login', { username: 'f_leader', password: 'Bad#pass5' });
    expect(fifth.status).toBe(423);
    const sixth = await c.request('POST', '/auth/login', { username: 'f_leader', password: FIXTURE_PASSWORD });
    expect(sixth.status).toBe(423);
    expect((sixth.json as { error: { code: string; message: string } }).error).toMatchObject({ code: 'ACCOUNT_LOCKED' });
    expect((sixth.json as { error: { message: string } }).error.message).toContain('锁定');
    expect(sixth.headers.get('set-cookie')).toBeNull();
    advance(14 * 60_000);
    expect((await c.request('POST', '/auth/login', { username: 'f_leader', password: FIXTURE_PASSWORD })).status).toBe(423);
    advance(61_000);
    expect((await c.request('POST', '/auth/login', { username: 'f_leader', password: FIXTURE_PASSWORD })).status).toBe(200);
    const actions = (await t.db('audit_log').where({ username: 'f_leader' }).orderBy('id').pluck('action')) as string[];
    expect(actions.filter((a) => a === 'login_failed')).toHaveLength(5);
    expect(actions.filter((a) => a === 'login_locked')).toHaveLength(2);
    expect(actions.at(-1)).toBe('login');
  });

  it('N-5 lockout holds under concurrent guessing: 12 parallel wrong passwords lock the account, none slips through', async () => {
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => srv.client().request('POST', '/auth/login', { username: 'f_city', password: `Guess#${i}xyz` })),
    );
    expect(results.every((r) => r.status === 401 || r.status === 423)).toBe(true);
    expect(results.some((r) => r.status === 423)).toBe(true);
    expect((await srv.client().request('POST', '/auth/login', { username: 'f_city', password: FIXTURE_PASSWORD })).status).toBe(423);
    advance(16 * 60_000);
    expect((await srv.client().request('POST', '/auth/login', { username: 'f_city', password: FIXTURE_PASSWORD })).status).toBe(200);
  });

  it('N-5 sec_admin unlocks a locked account; sys_admin may not', async () => {
    const c = srv.client();
    for (let i = 0; i < 5; i++) await c.request('POST', '/auth/login', { username: 'f_supervisor', password: 'Bad#pass0' });
    expect((await c.request('POST', '/auth/login', { username: 'f_supervisor', password: FIXTURE_PASSWORD })).status).toBe(423);
    const sys = await srv.login('f_sysadmin');
    expect((await sys.request('POST', `/users/${fx.users.f_supervisor}/unlock`)).status).toBe(403);
    const sec = await srv.login('f_secadmin');
    const u = await sec.request('POST', `/users/${fx.users.f_supervisor}/unlock`);
    expect(u.status).toBe(200);
    expect((u.json as { lockedUntil: string | null }).lockedUntil).toBeNull();
    expect((await c.request('POST', '/auth/login', { username: 'f_supervisor', password: FIXTURE_PASSWORD })).status).toBe(200);
  });

  it('N-5 idle timeout: 29 min idle keeps the session, 31 min idle answers 401 SESSION_EXPIRED and deletes it', async () => {
    const c = await srv.login('f_community');
    advance(29 * 60_000);
    expect((await c.request('GET', '/auth/me')).status).toBe(200);
    advance(29 * 60_000); // 58 min after login, but only 29 idle
    expect((await c.request('GET', '/auth/me')).status).toBe(200);
    const cookie = c.cookie;
    advance(31 * 60_000);
    const r = await c.request('GET', '/auth/me');
    expect(r.status).toBe(401);
    expect((r.json as { error: { code: string; message: string } }).error).toMatchObject({ code: 'SESSION_EXPIRED' });
    expect((r.json as { error: { message: string } }).error.message).toContain('重新登录');
    c.cookie = cookie; // even a client that keeps the old cookie gets nowhere: the session row is gone
    expect((await c.request('GET', '/auth/me')).status).toBe(401);
    // Idle sessions of other users are purged at the next login.
    const idle = await srv.login('f_gridleader');
    advance(31 * 60_000);
    await srv.login('f_community');
    expect(
      await t
        .db('sessions')
        .where('last_seen_at', '<', new Date(clock.getTime() - 30 * 60_000))
        .first(),
    ).toBeUndefined();
    expect((await idle.request('GET', '/auth/me')).status).toBe(401);
  });

  it('N-5 logout deletes the session', async () => {
    const c = await srv.login('f_district');
    const cookie = c.cookie;
    expect((await c.request('POST', '/auth/logout')).status).toBe(204);
    c.cookie = cookie;
    expect((await c.request('GET', '/auth/me')).status).toBe(401);
  });
});

describe('N-5 forced change of initial passwords', () => {
  it('N-5 an account created by sys_admin must change its password; every other route answers 403 PASSWORD_CHANGE_REQUIRED', async () => {
    const admin = await srv.login('f_sysadmin');
    const created = await admin.request('POST', '/users', {
      username: 'newworker',
      displayName: '新网格员',
      orgId: fx.orgs['km.zt1.s1.c1.g1'],
      roles: ['grid_worker'],
      password: 'Init#Pass2026',
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ username: 'newworker', mustChangePassword: true });
    const u = srv.client();
    const login = await u.request('POST', '/auth/login', { username: 'newworker', password: 'Init#Pass2026' });
    expect(login.status).toBe(200);
    expect((login.json as { mustChangePassword: boolean }).mustChangePassword).toBe(true);
    expect((await u.request('GET', '/auth/me')).status).toBe(200);
    for (const path of ['/residents', '/orgs/tree', `/residents/${fx.resident.own}`]) {
      const r = await u.request('GET', path);
      expect(r.status).toBe(403);
      expect((r.json as { error: { code: string } }).error.code).toBe('PASSWORD_CHANGE_REQUIRED');
    }
    const weak = await u.request('POST', '/auth/password', { oldPassword: 'Init#Pass2026', newPassword: 'newworker1A!' });
    expect(weak.status).toBe(400);
    expect((weak.json as { error: { fields: { field: string; message: string }[] } }).error.fields[0]).toMatchObject({
      field: 'newPassword',
    });
    const wrongOld = await u.request('POST', '/auth/password', { oldPassword: 'Nope#2026xx', newPassword: 'Fresh#Pass2026' });
    expect(wrongOld.status).toBe(400);
    expect((wrongOld.json as { error: { fields: { field: string }[] } }).error.fields[0].field).toBe('oldPassword');
    expect((await u.request('POST', '/auth/password', { oldPassword: 'Init#Pass2026', newPassword: 'Fresh#Pass2026' })).status).toBe(200);
    expect((await u.request('GET', '/residents')).status).toBe(200);
    const me = await u.request('GET', '/auth/me');
    expect((me.json as { mustChangePassword: boolean }).mustChangePassword).toBe(false);
  });

  it('N-5 an administrator reset makes the password initial again, ends the sessions, is audited without the password; deactivation blocks login', async () => {
    const victim = await srv.login('f_resident');
    const admin = await srv.login('f_sysadmin');
    const r = await admin.request('PATCH', `/users/${fx.users.f_resident}`, { password: 'Reset#Pass2026' });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ mustChangePassword: true });
    expect((await victim.request('GET', '/auth/me')).status).toBe(401);
    const again = srv.client();
    expect(
      (
        (await again.request('POST', '/auth/login', { username: 'f_resident', password: 'Reset#Pass2026' })).json as {
          mustChangePassword: boolean;
        }
      ).mustChangePassword,
    ).toBe(true);
    const row = (await t
      .db('audit_log')
      .where({ action: 'update', object_type: 'user', object_id: String(fx.users.f_resident) })
      .orderBy('id', 'desc')
      .first()) as {
      username: string;
      org_path: string;
      detail: unknown;
    };
    expect(row).toMatchObject({ username: 'f_sysadmin', org_path: 'km.zt1.s1.c1' });
    expect(JSON.stringify(row.detail)).not.toContain('Reset#Pass2026');
    expect((await admin.request('PATCH', `/users/${fx.users.f_resident}`, { active: false })).status).toBe(200);
    expect((await again.request('GET', '/auth/me')).status).toBe(401);
    expect((await srv.client().request('POST', '/auth/login', { username: 'f_resident', password: 'Reset#Pass2026' })).status).toBe(401);
  });

  it('N-5 a password change ends the other sessions of the account', async () => {
    const a = await srv.login('f_exclusive');
    const b = await srv.login('f_exclusive');
    expect((await a.request('POST', '/auth/password', { oldPassword: FIXTURE_PASSWORD, newPassword: 'Other#Pass2026' })).status).toBe(200);
    expect((await a.request('GET', '/auth/me')).status).toBe(200);
    expect((await b.request('GET', '/auth/me')).status).toBe(401);
  });
});

describe('N-5 separation of duties (三员分立)', () => {
  it('N-5 the API refuses an account holding two of sys_admin / sec_admin / auditor', async () => {
    const admin = await srv.login('f_sysadmin');
    const r = await admin.request('POST', '/users', {
      username: 'twohats',
      displayName: '兼任',
      orgId: fx.orgs.km,
      roles: ['sec_admin', 'auditor'],
      password: 'Two#Hats2026',
    });
    expect(r.status).toBe(400);
    expect((r.json as { error: { fields: { field: string; message: string }[] } }).error.fields[0]).toMatchObject({ field: 'roles' });
    expect((r.json as { error: { fields: { message: string }[] } }).error.fields[0].message).toContain('不能由同一账号兼任');
    expect(await t.db('users').where({ username: 'twohats' }).first()).toBeUndefined();
    const p = await admin.request('PATCH', `/users/${fx.users.f_auditor}`, { roles: ['auditor', 'sys_admin'] });
    expect(p.status).toBe(400);
    expect(await t.db('user_roles').where({ user_id: fx.users.f_auditor }).pluck('role_code')).toEqual(['auditor']);
  });
  it('N-5 the database refuses it too (trigger), whatever the code does', async () => {
    await expect(t.db('user_roles').insert({ user_id: fx.users.f_secadmin, role_code: 'auditor' })).rejects.toThrow(/separation of duties/);
    await expect(t.db('user_roles').where({ user_id: fx.users.f_sysadmin }).update({ role_code: 'sec_admin' })).resolves.toBe(1);
    await t.db('user_roles').where({ user_id: fx.users.f_sysadmin }).update({ role_code: 'sys_admin' });
    await expect(
      t.db.transaction(async (trx) => {
        await trx('user_roles').insert({ user_id: fx.users.f_city, role_code: 'sys_admin' });
        await trx('user_roles').insert({ user_id: fx.users.f_city, role_code: 'auditor' });
      }),
    ).rejects.toThrow(/separation of duties/);
    expect(await t.db('user_roles').where({ user_id: fx.users.f_city }).pluck('role_code')).toEqual(['city_manager']);
  });
  it('N-5 the auditor reads and verifies the audit log but cannot change anything; others cannot read it', async () => {
    const aud = await srv.login('f_auditor');
    const list = await aud.request('GET', '/audit?pageSize=5');
    expect(list.status).toBe(200);
    expect((list.json as { total: number }).total).toBeGreaterThan(0);
    expect((await aud.request('GET', '/audit/verify')).json).toMatchObject({ ok: true, firstBrokenId: null });
    expect((await aud.request('PATCH', `/residents/${fx.resident.own}`, { name: '改名' })).status).toBe(403);
    expect(
      (await aud.request('POST', '/users', { username: 'x1', displayName: 'x', orgId: 1, roles: ['grid_worker'], password: 'Abc#12345' }))
        .status,
    ).toBe(403);
    expect((await aud.request('GET', '/residents')).status).toBe(403);
    for (const u of ['f_sysadmin', 'f_secadmin', 'f_city']) {
      const c = await srv.login(u);
      expect((await c.request('GET', '/audit')).status).toBe(403);
    }
  });
});

describe('N-5 audit chain', () => {
  it('N-5 concurrent appends keep one chain', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => appendAudit(t.db, { action: 'test_concurrent', detail: { i } })));
    const rows = (await t.db('audit_log').orderBy('id').select('id', 'prev_hash', 'hash')) as { prev_hash: string; hash: string }[];
    for (let i = 1; i < rows.length; i++) expect(rows[i].prev_hash).toBe(rows[i - 1].hash);
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  });
  it('N-5 details never keep a plain ID number or phone', async () => {
    const row = await appendAudit(t.db, { action: 'test_scrub', detail: { note: `查询 ${fx.idNumbers[0]} 和 13912345678` } });
    expect(JSON.stringify(row.detail)).not.toMatch(/\d{17}[\dX]/);
    expect(JSON.stringify(row.detail)).not.toContain('13912345678');
  });
  it('N-5 UPDATE and DELETE are refused by the database', async () => {
    await expect(t.db('audit_log').update({ action: 'x' })).rejects.toThrow(/append-only/);
    await expect(t.db('audit_log').delete()).rejects.toThrow(/append-only/);
  });
  it('N-5 verification finds a row tampered behind the trigger (superuser session)', async () => {
    const before = await verifyAuditChain(t.db);
    expect(before.ok).toBe(true);
    const victim = (await t.db('audit_log').where({ action: 'login' }).orderBy('id').first()) as { id: number };
    await t.db.transaction(async (trx) => {
      await trx.raw('SET LOCAL session_replication_role = replica'); // disables the append-only trigger
      await trx('audit_log').where({ id: victim.id }).update({ username: 'someone_else' });
    });
    const after = await verifyAuditChain(t.db);
    expect(after).toMatchObject({ ok: false, firstBrokenId: Number(victim.id) });
    const aud = await srv.login('f_auditor');
    expect((await aud.request('GET', '/audit/verify')).json).toMatchObject({ ok: false, firstBrokenId: Number(victim.id) });
  });
});
