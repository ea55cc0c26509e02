/**
 * Test fixture for the account, scope and masking tests: a controlled corner of the city beside
 * whatever the template holds (paths under km.zt*), one resident/household/building per grid,
 * one account per role and level, and an HTTP client that logs in with cookies.
 *
 *   km.zt1 (district A) ─ s1 ─ c1 ─ g1   ← own grid of the field roles
 *                       │      │    └ g2   ← another grid, same community
 *                       │      └ c2 ─ g1   ← another community, same street
 *                       └ s2 ─ c1 ─ g1     ← another street, same district
 *   km.zt2 (district B) ─ s1 ─ c1 ─ g1     ← another district
 *   km.ztdept (department 公安, beside the tree; its user holds a read grant on km.zt1.s1)
 */
import type { AddressInfo } from 'node:net';
import type { Db } from '../../db/connection';
import { blindIndex, encrypt, idNumberCheckDigit } from '../../db/sensitive';
import { createApp } from '../app';
import type { RouteDef } from '../http';
import { createLogger } from '../logger';
import { hashPassword } from './passwords';
import { createActorResolver } from './session';

export const FIXTURE_PASSWORD = 'Fixture#2026';

export const GRIDS = {
  own: 'km.zt1.s1.c1.g1',
  otherGrid: 'km.zt1.s1.c1.g2',
  otherCommunity: 'km.zt1.s1.c2.g1',
  otherStreet: 'km.zt1.s2.c1.g1',
  otherDistrict: 'km.zt2.s1.c1.g1',
} as const;
export type Target = keyof typeof GRIDS;

export interface FixtureUser {
  username: string;
  role: string;
  orgPath: string;
  grants?: { path: string; canWrite: boolean }[];
}

/** One account per role at the level that role works on. */
export const FIXTURE_USERS: FixtureUser[] = [
  { username: 'f_city', role: 'city_manager', orgPath: 'km' },
  { username: 'f_leader', role: 'leader', orgPath: 'km' },
  { username: 'f_supervisor', role: 'supervisor', orgPath: 'km' },
  { username: 'f_sysadmin', role: 'sys_admin', orgPath: 'km' },
  { username: 'f_secadmin', role: 'sec_admin', orgPath: 'km' },
  { username: 'f_auditor', role: 'auditor', orgPath: 'km' },
  { username: 'f_district', role: 'district_manager', orgPath: 'km.zt1' },
  { username: 'f_street', role: 'street_staff', orgPath: 'km.zt1.s1' },
  { username: 'f_community', role: 'community_staff', orgPath: 'km.zt1.s1.c1' },
  { username: 'f_gridleader', role: 'grid_leader', orgPath: GRIDS.own },
  { username: 'f_gridworker', role: 'grid_worker', orgPath: GRIDS.own },
  { username: 'f_parttime', role: 'parttime_worker', orgPath: GRIDS.own },
  { username: 'f_exclusive', role: 'exclusive_worker', orgPath: GRIDS.own },
  { username: 'f_dept', role: 'dept_handler', orgPath: 'km.ztdept', grants: [{ path: 'km.zt1.s1', canWrite: false }] },
  // Explicit grants both ways: writes only where the grant says so.
  {
    username: 'f_deptstaff',
    role: 'street_staff',
    orgPath: 'km.ztdept',
    grants: [
      { path: 'km.zt2.s1', canWrite: true },
      { path: 'km.zt1.s2', canWrite: false },
    ],
  },
  { username: 'f_resident', role: 'resident', orgPath: 'km.zt1.s1.c1' },
];

export interface FixtureElements {
  resident: Record<Target, number>;
  household: Record<Target, number>;
  building: Record<Target, number>;
  /** Plain ID numbers of the fixture residents (to prove they never leak). */
  idNumbers: string[];
  orgs: Record<string, number>;
  users: Record<string, number>;
}

function idNumber(seq: number): string {
  const first17 = `650202198${String(seq % 10)}0101${String(100 + seq).padStart(3, '0')}`;
  return first17 + idNumberCheckDigit(first17);
}

const ORGS: { path: string; type: string; name: string; level: number; gridType?: string }[] = [
  { path: 'km.zt1', type: 'district', name: '测试甲区', level: 2 },
  { path: 'km.zt1.s1', type: 'street', name: '测试甲一街道', level: 3 },
  { path: 'km.zt1.s1.c1', type: 'community', name: '测试甲一一社区', level: 4 },
  { path: 'km.zt1.s1.c1.g1', type: 'grid', name: '甲一一第1网格', level: 5, gridType: 'basic' },
  { path: 'km.zt1.s1.c1.g2', type: 'grid', name: '甲一一第2网格', level: 5, gridType: 'basic' },
  { path: 'km.zt1.s1.c2', type: 'community', name: '测试甲一二社区', level: 4 },
  { path: 'km.zt1.s1.c2.g1', type: 'grid', name: '甲一二第1网格', level: 5, gridType: 'basic' },
  { path: 'km.zt1.s2', type: 'street', name: '测试甲二街道', level: 3 },
  { path: 'km.zt1.s2.c1', type: 'community', name: '测试甲二一社区', level: 4 },
  { path: 'km.zt1.s2.c1.g1', type: 'grid', name: '甲二一第1网格', level: 5, gridType: 'basic' },
  { path: 'km.zt2', type: 'district', name: '测试乙区', level: 2 },
  { path: 'km.zt2.s1', type: 'street', name: '测试乙一街道', level: 3 },
  { path: 'km.zt2.s1.c1', type: 'community', name: '测试乙一一社区', level: 4 },
  { path: 'km.zt2.s1.c1.g1', type: 'grid', name: '乙一一第1网格', level: 5, gridType: 'basic' },
  { path: 'km.ztdept', type: 'department', name: '测试公安局', level: 2 },
];

export async function seedFixture(db: Db): Promise<FixtureElements> {
  const orgs: Record<string, number> = {};
  const city = (await db('org_units').select('id').where('path', 'km').first()) as { id: number };
  orgs.km = city.id;
  for (const o of ORGS) {
    const parentPath = o.path.split('.').slice(0, -1).join('.');
    const [row] = (await db('org_units')
      .insert({
        code: o.path.replace(/\./g, '_').toUpperCase(),
        name: o.name,
        type: o.type,
        grid_type: o.gridType ?? null,
        parent_id: orgs[parentPath],
        path: o.path,
        level: o.level,
      })
      .returning('id')) as { id: number }[];
    orgs[o.path] = row.id;
  }
  const out = { resident: {}, household: {}, building: {}, idNumbers: [], orgs, users: {} } as unknown as FixtureElements;
  let seq = 0;
  for (const [target, path] of Object.entries(GRIDS) as [Target, string][]) {
    seq++;
    const grid = { grid_id: orgs[path], org_path: path };
    const [b] = (await db('buildings')
      .insert({
        code: `ZT${seq}001`,
        name: `测试楼${seq}`,
        number: '1',
        address: `测试路${seq}号`,
        type: '住宅',
        floors: 2,
        units: 1,
        rooms_per_floor: 2,
        ...grid,
      })
      .returning('id')) as { id: number }[];
    const [h] = (await db('houses')
      .insert({ building_id: b.id, unit_no: 1, floor: 1, room_no: '101', type: '住宅', use: '居住', status: '自住', ...grid })
      .returning('id')) as { id: number }[];
    const [hh] = (await db('households')
      .insert({ house_id: h.id, household_no: `ZTH${seq}`, type: '家庭户', member_count: 1, ...grid })
      .returning('id')) as { id: number }[];
    const idn = idNumber(seq);
    const phone = `1390000000${seq}`;
    const [r] = (await db('residents')
      .insert({
        household_id: hh.id,
        name: `测试居民${seq}`,
        gender: '男',
        birth_date: '1980-01-01',
        ethnicity: '汉族',
        id_number_enc: encrypt(idn),
        id_number_idx: blindIndex(idn),
        phone_enc: encrypt(phone),
        phone_idx: blindIndex(phone),
        relation_to_head: '户主',
        residence_type: '户籍人口',
        registration_status: '人户一致',
        ...grid,
      })
      .returning('id')) as { id: number }[];
    await db('households').where({ id: hh.id }).update({ head_resident_id: r.id });
    await db('grid_workers').insert({ name: `测试网格员${seq}`, kind: 'full_time', sub_kind: 'member', status: 'active', ...grid });
    out.resident[target] = r.id;
    out.household[target] = hh.id;
    out.building[target] = b.id;
    out.idNumbers.push(idn);
  }
  const passwordHash = await hashPassword(FIXTURE_PASSWORD);
  for (const u of FIXTURE_USERS) {
    const [row] = (await db('users')
      .insert({
        username: u.username,
        display_name: u.username,
        password_hash: passwordHash,
        must_change_password: false,
        org_id: orgs[u.orgPath],
        org_path: u.orgPath,
      })
      .returning('id')) as { id: number }[];
    await db('user_roles').insert({ user_id: row.id, role_code: u.role });
    for (const g of u.grants ?? []) await db('user_scope_grants').insert({ user_id: row.id, org_path: g.path, can_write: g.canWrite });
    out.users[u.username] = row.id;
  }
  return out;
}

export interface Client {
  request(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown; text: string; headers: Headers }>;
  cookie?: string;
}

export interface TestServer {
  base: string;
  close(): Promise<void>;
  client(): Client;
  login(username: string, password?: string): Promise<Client>;
}

export async function startServer(db: Db, routes?: RouteDef[]): Promise<TestServer> {
  const app = createApp({ db, log: createLogger('silent') }, { resolveActor: createActorResolver(), routes });
  const server = app.listen(0);
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  const client = (): Client => {
    const c: Client = {
      async request(method, path, body) {
        const headers: Record<string, string> = {};
        if (body !== undefined) headers['content-type'] = 'application/json';
        if (c.cookie) headers.cookie = c.cookie;
        const r = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
        const set = r.headers.get('set-cookie');
        if (set?.startsWith('sid=')) {
          const v = set.split(';')[0];
          c.cookie = v === 'sid=' ? undefined : v;
        }
        const text = await r.text();
        let json: unknown = null;
        try {
          json = text ? JSON.parse(text) : null;
        } catch {
          json = null;
        }
        return { status: r.status, json, text, headers: r.headers };
      },
    };
    return c;
  };
  return {
    base,
    client,
    async login(username, password = FIXTURE_PASSWORD) {
      const c = client();
      const r = await c.request('POST', '/auth/login', { username, password });
      if (r.status !== 200) throw new Error(`login ${username} failed: ${r.status} ${r.text}`);
      return c;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
