/**
 * Demo login accounts (演示账号), one per role and level, created at the end of the demo-city
 * generator by `seedDemoAccounts(db)`. They share the documented password `Demo@2026` and, unlike
 * every other account, do NOT have to change it at first login (must_change_password = false), so a
 * fresh `npm start` can be tried at once. Never run this against a production database.
 * Accounts are placed on the first org unit of each level in path order (the first district, its
 * first street, …), so the grid leader and grid worker share one grid. Idempotent: existing
 * usernames are left alone.
 */
import { hashPassword } from '../../api/auth/passwords';
import type { Db } from '../connection';

export const DEMO_PASSWORD = 'Demo@2026';

type Level = 'city' | 'district' | 'street' | 'community' | 'grid' | 'exclusive_grid' | 'department';

export interface DemoAccount {
  username: string;
  displayName: string;
  role: string;
  /** Chinese description for the start banner. */
  label: string;
  level: Level;
  /** grid_workers link: full-time leader/member. */
  worker?: { kind: 'full_time' | 'part_time' | 'exclusive'; subKind: 'leader' | 'member' | 'in_system' };
}

export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  {
    username: 'admin',
    displayName: '系统管理员',
    role: 'sys_admin',
    label: '系统管理员（账号、机构、配置；不可看居民数据）',
    level: 'city',
  },
  { username: 'secadmin', displayName: '安全管理员', role: 'sec_admin', label: '安全管理员（账号解锁）', level: 'city' },
  { username: 'auditor', displayName: '审计员', role: 'auditor', label: '审计员（审计日志）', level: 'city' },
  { username: 'city', displayName: '市指挥中心', role: 'city_manager', label: '市级管理员（全市）', level: 'city' },
  { username: 'leader', displayName: '分管领导', role: 'leader', label: '分管领导（全市，只读）', level: 'city' },
  { username: 'supervisor', displayName: '纪委监委', role: 'supervisor', label: '纪委监委（全市，只读）', level: 'city' },
  { username: 'district', displayName: '区指挥中心', role: 'district_manager', label: '区级管理员（第一个区）', level: 'district' },
  { username: 'street', displayName: '街道工作人员', role: 'street_staff', label: '街道工作人员（第一个街道）', level: 'street' },
  { username: 'community', displayName: '社区工作人员', role: 'community_staff', label: '社区工作人员（第一个社区）', level: 'community' },
  {
    username: 'gridleader',
    displayName: '网格长',
    role: 'grid_leader',
    label: '网格长（第一个网格）',
    level: 'grid',
    worker: { kind: 'full_time', subKind: 'leader' },
  },
  {
    username: 'gridworker',
    displayName: '专职网格员',
    role: 'grid_worker',
    label: '专职网格员（同一网格）',
    level: 'grid',
    worker: { kind: 'full_time', subKind: 'member' },
  },
  {
    username: 'parttime',
    displayName: '兼职网格员',
    role: 'parttime_worker',
    label: '兼职网格员（同一网格，只见脱敏信息）',
    level: 'grid',
    worker: { kind: 'part_time', subKind: 'in_system' },
  },
  {
    username: 'exclusive',
    displayName: '专属网格员',
    role: 'exclusive_worker',
    label: '专属网格员（第一个专属网格）',
    level: 'exclusive_grid',
    worker: { kind: 'exclusive', subKind: 'member' },
  },
  { username: 'dept', displayName: '部门办理人员', role: 'dept_handler', label: '部门办理人员（授权第一个区，只读）', level: 'department' },
];

interface OrgRow {
  id: number;
  path: string;
  type: string;
  grid_type: string | null;
}

async function pick(db: Db, where: (qb: ReturnType<Db>) => void): Promise<OrgRow | undefined> {
  const qb = db('org_units').select('id', db.raw('path::text AS path'), 'type', 'grid_type').where('active', true);
  where(qb);
  return (await qb.orderBy('path').first()) as OrgRow | undefined;
}

/** The org unit of each level the demo accounts sit on. */
async function demoOrgs(db: Db): Promise<Partial<Record<Level, OrgRow>>> {
  const city = await pick(db, (q) => q.where('type', 'city'));
  const district = await pick(db, (q) => q.where('type', 'district'));
  const street = district && (await pick(db, (q) => q.where('type', 'street').whereRaw('path <@ ?::ltree', [district.path])));
  const community = street && (await pick(db, (q) => q.where('type', 'community').whereRaw('path <@ ?::ltree', [street.path])));
  const grid =
    community &&
    (await pick(db, (q) =>
      q
        .where('type', 'grid')
        .whereRaw('path <@ ?::ltree', [community.path])
        .where((w) => w.whereNull('grid_type').orWhere('grid_type', 'basic')),
    ));
  const exclusiveGrid = await pick(db, (q) => q.where({ type: 'grid', grid_type: 'exclusive' }));
  const department = await pick(db, (q) => q.where('type', 'department'));
  return { city, district, street, community, grid, exclusive_grid: exclusiveGrid, department };
}

async function tableExists(db: Db, table: string): Promise<boolean> {
  const r = await db.raw('SELECT to_regclass(?) AS t', [table]);
  return Boolean(r.rows[0]?.t);
}

export interface SeededAccount {
  username: string;
  userId: number;
  orgPath: string;
  role: string;
}

/**
 * Creates the demo accounts that fit the current org tree (an account whose level is missing —
 * e.g. no exclusive grid yet — is skipped) and links field workers to grid_workers rows.
 */
export async function seedDemoAccounts(db: Db): Promise<SeededAccount[]> {
  const orgs = await demoOrgs(db);
  const hasWorkers = await tableExists(db, 'grid_workers');
  const out: SeededAccount[] = [];
  // scrypt runs on libuv's thread pool: hashing all passwords at once (each with its own salt) is
  // about 4× faster than one after another.
  const hashes = await Promise.all(DEMO_ACCOUNTS.map(() => hashPassword(DEMO_PASSWORD)));
  for (const [i, acc] of DEMO_ACCOUNTS.entries()) {
    const org = orgs[acc.level];
    if (!org) continue;
    const existing = (await db('users').select('id', db.raw('org_path::text AS org_path')).where({ username: acc.username }).first()) as
      | { id: number; org_path: string }
      | undefined;
    if (existing) {
      out.push({ username: acc.username, userId: existing.id, orgPath: existing.org_path, role: acc.role });
      continue;
    }
    const passwordHash = hashes[i];
    const userId = await db.transaction(async (trx) => {
      const [u] = (await trx('users')
        .insert({
          username: acc.username,
          display_name: acc.displayName,
          password_hash: passwordHash,
          must_change_password: false, // demo accounts only: see the file comment
          password_changed_at: trx.fn.now(),
          org_id: org.id,
          org_path: org.path,
        })
        .returning('id')) as { id: number }[];
      await trx('user_roles').insert({ user_id: u.id, role_code: acc.role });
      if (acc.role === 'dept_handler' && orgs.district) {
        await trx('user_scope_grants').insert({ user_id: u.id, org_path: orgs.district.path, can_write: false });
      }
      if (acc.worker && hasWorkers) await linkWorker(trx, u.id, acc, org);
      return u.id;
    });
    out.push({ username: acc.username, userId, orgPath: org.path, role: acc.role });
  }
  return out;
}

/** Links the account to an unlinked worker of its grid with the same kind, or adds one. */
async function linkWorker(trx: Db, userId: number, acc: DemoAccount, grid: OrgRow): Promise<void> {
  const w = acc.worker!;
  const free = (await trx('grid_workers')
    .select('id')
    .where({ grid_id: grid.id, kind: w.kind, sub_kind: w.subKind })
    .whereNull('user_id')
    .orderBy('id')
    .first()) as { id: number } | undefined;
  if (free) {
    await trx('grid_workers').where({ id: free.id }).update({ user_id: userId });
    return;
  }
  await trx('grid_workers').insert({
    user_id: userId,
    name: acc.displayName,
    kind: w.kind,
    sub_kind: w.subKind,
    part_time_type: w.kind === 'part_time' ? '下沉干部' : null,
    status: 'active',
    grid_id: grid.id,
    org_path: grid.path,
  });
}

/** True when the demo accounts exist (the start banner lists them only then). */
export async function demoAccountsPresent(db: Db): Promise<boolean> {
  const r = await db('users').whereIn('username', ['admin', 'gridleader']).count({ n: '*' });
  return Number(r[0].n) > 0;
}

/** Lines for the start banner of `npm start`. */
export function demoAccountLines(): string[] {
  return [`演示账号（密码均为 ${DEMO_PASSWORD}，仅限演示环境）：`, ...DEMO_ACCOUNTS.map((a) => `  ${a.username.padEnd(12)} ${a.label}`)];
}
