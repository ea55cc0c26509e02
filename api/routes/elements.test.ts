/**
 * The generic element API (G-1 房屋, G-4 商户/企业/驻区单位/公共设施, G-5 网格员, T-6 tag filter)
 * over HTTP against the fixture corner of the city (api/auth/test-fixture.ts): a community user
 * (f_community, km.zt1.s1.c1) works inside its community and never sees another one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blindIndex, decrypt, encrypt } from '../../db/sensitive';
import { createTestDb, type TestDb } from '../../db/testing/server';
import { type Client, type FixtureElements, GRIDS, seedFixture, startServer, type TestServer } from '../auth/test-fixture';

let t: TestDb;
let srv: TestServer;
let fx: FixtureElements;
let community: Client;
let city: Client;
let resident: Client;

interface ListBody {
  items: Record<string, unknown>[];
  total: number;
  page: number;
  pageSize: number;
}

/** Inserts a merchant straight into the table (the list/detail tests do not depend on POST). */
async function insertMerchant(target: keyof typeof GRIDS, name: string, phone = '13912345678'): Promise<number> {
  const [row] = (await t
    .db('merchants')
    .insert({
      name,
      industry: '餐饮',
      license_no: `92650203MA${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`,
      operator_name: '张三',
      operator_phone_enc: encrypt(phone),
      operator_phone_idx: blindIndex(phone),
      address: '测试路1号',
      building_id: fx.building[target],
      status: '营业',
      grid_id: fx.orgs[GRIDS[target]],
      org_path: GRIDS[target],
    })
    .returning('id')) as { id: number }[];
  return row.id;
}

async function insertTag(name: string, target = 'merchant'): Promise<number> {
  const [row] = (await t
    .db('tag_definitions')
    .insert({
      code: `T_${name}`,
      name,
      target,
      level: 'city',
      kind: 'manual',
      defining_org_id: fx.orgs.km,
      org_path: 'km',
      color: '#f50',
    })
    .returning('id')) as { id: number }[];
  return row.id;
}

async function tag(tagId: number, type: string, id: number, path: string): Promise<void> {
  await t.db('element_tags').insert({ tag_id: tagId, element_type: type, element_id: id, org_path: path, source: 'manual' });
}

beforeAll(async () => {
  t = await createTestDb();
  fx = await seedFixture(t.db);
  srv = await startServer(t.db);
  community = await srv.login('f_community');
  city = await srv.login('f_city');
  resident = await srv.login('f_resident');
});
afterAll(async () => {
  await srv?.close();
  await t?.drop();
});

describe('G-4 element lists and details', () => {
  let own: number;
  let other: number;
  beforeAll(async () => {
    own = await insertMerchant('own', '测试牛肉面馆');
    other = await insertMerchant('otherCommunity', '测试烤肉店');
  });

  it('G-4 merchants: the list holds only the caller’s scope, phones masked, grid named; detail links the building', async () => {
    const r = await community.request('GET', '/elements/merchant?pageSize=100');
    expect(r.status).toBe(200);
    const body = r.json as ListBody;
    const ids = body.items.map((i) => i.id);
    expect(ids).toContain(own);
    expect(ids).not.toContain(other);
    for (const i of body.items) expect(String(i.orgPath).startsWith('km.zt1.s1.c1')).toBe(true);
    const mine = body.items.find((i) => i.id === own)!;
    expect(mine).toMatchObject({
      name: '测试牛肉面馆',
      operatorPhone: '139****5678',
      gridName: '甲一一第1网格',
      industry: '餐饮',
      tags: [],
    });
    expect(r.text).not.toContain('13912345678');

    const d = await community.request('GET', `/elements/merchant/${own}`);
    expect(d.status).toBe(200);
    expect(d.json).toMatchObject({
      id: own,
      type: 'merchant',
      version: 1,
      grid: { id: fx.orgs[GRIDS.own], name: '甲一一第1网格' },
      orgPath: GRIDS.own,
      location: null,
      coverage: null,
      links: [{ type: 'building', id: fx.building.own, relation: '所在楼宇' }],
    });
    expect((d.json as { fields: Record<string, unknown> }).fields.operatorPhone).toBe('139****5678');
  });

  it('G-4 another community’s merchant is absent for a community user (404, Chinese), present for the city', async () => {
    const r = await community.request('GET', `/elements/merchant/${other}`);
    expect(r.status).toBe(404);
    expect((r.json as { error: { message: string } }).error.message).toBe('商户不存在或已被删除');
    expect((await city.request('GET', `/elements/merchant/${other}`)).status).toBe(200);
  });

  it('G-4 unknown type → 404 in Chinese; a role without element.read → 403', async () => {
    const r = await community.request('GET', '/elements/spaceship');
    expect(r.status).toBe(404);
    expect((r.json as { error: { message: string } }).error.message).toMatch(/要素类型/);
    expect((await resident.request('GET', '/elements/merchant')).status).toBe(403);
  });

  it('G-4 q finds by name prefix, by full phone (blind index) and by licence number', async () => {
    const byName = (await community.request('GET', `/elements/merchant?q=${encodeURIComponent('测试牛肉')}`)).json as ListBody;
    expect(byName.items.map((i) => i.id)).toEqual([own]);
    const byPhone = (await city.request('GET', '/elements/merchant?q=13912345678')).json as ListBody;
    expect(byPhone.items.map((i) => i.id).sort()).toEqual([own, other].sort());
    const licence = (await t.db('merchants').where({ id: other }).first()).license_no as string;
    const byKey = (await city.request('GET', `/elements/merchant?q=${licence}`)).json as ListBody;
    expect(byKey.items.map((i) => i.id)).toEqual([other]);
    const none = (await community.request('GET', `/elements/merchant?q=${licence}`)).json as ListBody;
    expect(none.total).toBe(0);
  });

  it('G-1 houses: list by building name with the display name, detail links building, households and residents', async () => {
    const house = (await t.db('houses').where({ building_id: fx.building.own }).first()) as { id: number };
    const r = (await community.request('GET', `/elements/house?q=${encodeURIComponent('测试楼1')}`)).json as ListBody;
    expect(r.items.map((i) => i.id)).toContain(house.id);
    expect(r.items.find((i) => i.id === house.id)).toMatchObject({ name: '测试楼1 1单元101室', roomNo: '101', status: '自住' });
    const d = (await community.request('GET', `/elements/house/${house.id}`)).json as { links: { type: string; id: number }[] };
    expect(d.links).toEqual([
      expect.objectContaining({ type: 'building', id: fx.building.own }),
      expect.objectContaining({ type: 'household', id: fx.household.own }),
      expect.objectContaining({ type: 'resident', id: fx.resident.own, relation: 'ZTH1 户主' }),
    ]);
  });

  it('G-5 grid workers: list and detail with the grid link and 包户/包联 counts; phone stays masked', async () => {
    const w = (await t.db('grid_workers').where({ org_path: GRIDS.own }).first()) as { id: number };
    const r = (await community.request('GET', '/elements/grid_worker?pageSize=100')).json as ListBody;
    expect(r.items.map((i) => i.id)).toContain(w.id);
    const d = (await community.request('GET', `/elements/grid_worker/${w.id}`)).json as {
      fields: Record<string, unknown>;
      links: { type: string }[];
    };
    expect(d.fields).toMatchObject({ kind: 'full_time', subKind: 'member', coverageCount: 0, careCount: 0 });
    expect(d.links[0]).toMatchObject({ type: 'grid', id: fx.orgs[GRIDS.own] });
  });

  it('T-6 tag filter on merchants, residents and households: all = AND, any = OR; untaggable types refuse tagIds (400)', async () => {
    const a = await insertTag('甲标签');
    const b = await insertTag('乙标签');
    const third = await insertMerchant('own', '测试第三商户');
    await tag(a, 'merchant', own, GRIDS.own);
    await tag(b, 'merchant', own, GRIDS.own);
    await tag(a, 'merchant', third, GRIDS.own);
    const all = (await community.request('GET', `/elements/merchant?tagIds=${a},${b}`)).json as ListBody;
    expect(all.items.map((i) => i.id)).toEqual([own]);
    expect(all.items[0].tags).toEqual([
      { id: a, name: '甲标签', color: '#f50' },
      { id: b, name: '乙标签', color: '#f50' },
    ]);
    const any = (await community.request('GET', `/elements/merchant?tagIds=${a},${b}&tagMode=any`)).json as ListBody;
    expect(any.items.map((i) => i.id).sort()).toEqual([own, third].sort());
    const onlyB = (await community.request('GET', `/elements/merchant?tagIds=${b}&tagMode=any`)).json as ListBody;
    expect(onlyB.items.map((i) => i.id)).toEqual([own]);

    const bad = await community.request('GET', `/elements/house?tagIds=${a}`);
    expect(bad.status).toBe(400);
    expect((bad.json as { error: { fields: { field: string }[] } }).error.fields[0].field).toBe('tagIds');

    const rt = await insertTag('丙人口标签', 'resident');
    const ht = await insertTag('丁户标签', 'household');
    await tag(rt, 'resident', fx.resident.own, GRIDS.own);
    await tag(rt, 'resident', fx.resident.otherGrid, GRIDS.otherGrid);
    await tag(ht, 'household', fx.household.otherGrid, GRIDS.otherGrid);
    const res = (await community.request('GET', `/residents?tagIds=${rt}`)).json as ListBody;
    expect(res.items.map((i) => i.id).sort()).toEqual([fx.resident.own, fx.resident.otherGrid].sort());
    const resAll = (await community.request('GET', `/residents?tagIds=${rt},${ht}`)).json as ListBody;
    expect(resAll.total).toBe(0);
    const hh = (await community.request('GET', `/households?tagIds=${ht},${rt}&tagMode=any`)).json as ListBody;
    expect(hh.items.map((i) => i.id)).toEqual([fx.household.otherGrid]);
  });

  it('G-4 phones are SM4 ciphertext at rest', async () => {
    const row = await t.db('merchants').where({ id: own }).first();
    expect(Buffer.isBuffer(row.operator_phone_enc)).toBe(true);
    expect(row.operator_phone_enc.toString('utf8')).not.toContain('13912345678');
    expect(decrypt(row.operator_phone_enc)).toBe('13912345678');
  });
});

interface ErrBody {
  error: { code: string; message: string; fields?: { field: string; message: string }[] };
}
const fieldsOf = (r: { json: unknown }) => ((r.json as ErrBody).error.fields ?? []).map((f) => f.field);

describe('G-1 G-4 G-5 element writes: create, update with versions, history', () => {
  const ownGrid = () => fx.orgs[GRIDS.own];
  const bodies = (): Record<string, Record<string, unknown>> => ({
    house: {
      gridId: ownGrid(),
      buildingId: fx.building.own,
      unitNo: 1,
      floor: 2,
      roomNo: '201',
      type: '住宅',
      use: '居住',
      status: '出租',
      area: 89.5,
    },
    merchant: {
      gridId: ownGrid(),
      name: '新开超市',
      industry: '零售',
      operatorName: '李四',
      operatorPhone: '13700001234',
      address: '测试路9号',
      status: '营业',
      location: null,
    },
    enterprise: {
      gridId: ownGrid(),
      name: '克拉玛依测试科技有限公司',
      creditCode: '91650203MA7812345X',
      enterpriseType: '民营企业',
      industry: '信息技术',
      legalRepresentative: '王五',
      contactPhone: '13600004321',
      address: '测试路10号',
      status: '存续',
    },
    institution: { gridId: ownGrid(), name: '测试小学', category: '学校', address: '测试路11号', coBuilding: true },
    facility: { gridId: ownGrid(), code: 'ZTF001', name: '测试消防栓1', type: '消防栓', status: '正常' },
    grid_worker: {
      gridId: ownGrid(),
      name: '赵六',
      gender: '男',
      phone: '13500005678',
      kind: 'part_time',
      subKind: 'in_system',
      partTimeType: '下沉干部',
    },
  });
  const created: Record<string, number> = {};

  it('G-4 every type is created in the caller’s grid (201), with version 1, an audit row, and shows up in list and detail', async () => {
    for (const [type, body] of Object.entries(bodies())) {
      const r = await community.request('POST', `/elements/${type}`, body);
      expect(r.status, `${type} ${r.text}`).toBe(201);
      const id = (r.json as { id: number }).id;
      created[type] = id;
      const d = await community.request('GET', `/elements/${type}/${id}`);
      expect(d.status, type).toBe(200);
      expect(d.json, type).toMatchObject({ id, type, version: 1, orgPath: GRIDS.own, grid: { id: ownGrid() } });
      const list = (await community.request('GET', `/elements/${type}?pageSize=100&gridId=${ownGrid()}`)).json as ListBody;
      expect(
        list.items.map((i) => i.id),
        type,
      ).toContain(id);
      const v = await t.db('element_versions').where({ element_type: type, element_id: id });
      expect(v.map((x) => x.version)).toEqual([1]);
      const audit = await t.db('audit_log').where({ action: 'create', object_type: type, object_id: String(id) });
      expect(audit.length, type).toBe(1);
    }
    const merchant = (await community.request('GET', `/elements/merchant/${created.merchant}`)).json as { fields: Record<string, unknown> };
    expect(merchant.fields).toMatchObject({ name: '新开超市', operatorPhone: '137****1234', status: '营业' });
    const worker = (await community.request('GET', `/elements/grid_worker/${created.grid_worker}`)).json as {
      fields: Record<string, unknown>;
    };
    expect(worker.fields).toMatchObject({
      kind: 'part_time',
      subKind: 'in_system',
      partTimeType: '下沉干部',
      status: 'active',
      phone: '135****5678',
    });
    const house = (await community.request('GET', `/elements/house/${created.house}`)).json as {
      fields: Record<string, unknown>;
      name: string;
    };
    expect(house).toMatchObject({ name: '测试楼1 1单元201室', fields: { area: 89.5, status: '出租' } });
  });

  it('G-4 phones are encrypted at rest with a blind index; the version row holds ciphertext, never the plain number', async () => {
    const row = await t.db('merchants').where({ id: created.merchant }).first();
    expect(decrypt(row.operator_phone_enc)).toBe('13700001234');
    expect(row.operator_phone_idx).toBe(blindIndex('13700001234'));
    const v = await t.db('element_versions').where({ element_type: 'merchant', element_id: created.merchant }).first();
    expect(JSON.stringify(v.after)).not.toContain('13700001234');
    expect(v.after.operatorPhone.idx).toBe(blindIndex('13700001234'));
  });

  it('G-4 a grid of another community is refused (403, Chinese) and nothing is written', async () => {
    const before = Number((await t.db('merchants').count({ n: '*' }))[0].n);
    const r = await community.request('POST', '/elements/merchant', { ...bodies().merchant, gridId: fx.orgs[GRIDS.otherCommunity] });
    expect(r.status).toBe(403);
    expect((r.json as ErrBody).error.message).toMatch(/管辖范围/);
    expect(Number((await t.db('merchants').count({ n: '*' }))[0].n)).toBe(before);
  });

  it('G-4 bad input → 400 naming the field, in Chinese', async () => {
    const noName = await community.request('POST', '/elements/merchant', { ...bodies().merchant, name: undefined });
    expect(noName.status).toBe(400);
    expect(fieldsOf(noName)).toContain('name');
    const badCode = await community.request('POST', '/elements/enterprise', { ...bodies().enterprise, creditCode: '123' });
    expect(badCode.status).toBe(400);
    expect(fieldsOf(badCode)).toEqual(['creditCode']);
    expect((badCode.json as ErrBody).error.fields![0].message).toMatch(/^统一社会信用代码：/);
    const badPhone = await community.request('POST', '/elements/merchant', { ...bodies().merchant, operatorPhone: '12345' });
    expect(fieldsOf(badPhone)).toEqual(['operatorPhone']);
    const badStatus = await community.request('PATCH', `/elements/facility/${created.facility}`, { status: '坏了' });
    expect(badStatus.status).toBe(400);
    expect(fieldsOf(badStatus)).toEqual(['status']);
    const empty = await community.request('PATCH', `/elements/facility/${created.facility}`, {});
    expect(empty.status).toBe(400);
  });

  it('G-5 grid worker kind and sub kind must agree (400 naming subKind); part-time type only for part-time workers', async () => {
    const wrong = await community.request('POST', '/elements/grid_worker', {
      ...bodies().grid_worker,
      kind: 'full_time',
      partTimeType: null,
    });
    expect(wrong.status).toBe(400);
    expect(fieldsOf(wrong)).toEqual(['subKind']);
    expect((wrong.json as ErrBody).error.fields![0].message).toMatch(/网格长/);
    const partTimeType = await community.request('POST', '/elements/grid_worker', {
      ...bodies().grid_worker,
      kind: 'full_time',
      subKind: 'member',
    });
    expect(fieldsOf(partTimeType)).toEqual(['partTimeType']);
    const patch = await community.request('PATCH', `/elements/grid_worker/${created.grid_worker}`, { subKind: 'leader' });
    expect(patch.status).toBe(400);
    expect(fieldsOf(patch)).toEqual(['subKind']);
    const ok = await community.request('PATCH', `/elements/grid_worker/${created.grid_worker}`, {
      kind: 'full_time',
      subKind: 'leader',
      partTimeType: null,
    });
    expect(ok.status, ok.text).toBe(200);
    expect((ok.json as { fields: Record<string, unknown> }).fields).toMatchObject({
      kind: 'full_time',
      subKind: 'leader',
      partTimeType: null,
    });
  });

  it('F-1 one 网格长 per grid (409 naming subKind) and 专属网格员 only in exclusive grids (400 naming gridId), as in 力量配置', async () => {
    // The G-5 test above made created.grid_worker the 网格长 of the own grid.
    const grid = ownGrid();
    const count = async () => Number((await t.db('grid_workers').count({ n: '*' }))[0].n);
    const before = await count();
    const second = await community.request('POST', '/elements/grid_worker', {
      ...bodies().grid_worker,
      phone: '13500009999',
      kind: 'full_time',
      subKind: 'leader',
      partTimeType: null,
    });
    expect(second.status, second.text).toBe(409);
    expect(fieldsOf(second)).toEqual(['subKind']);
    expect((second.json as ErrBody).error.message).toMatch(/已有网格长赵六.*只能有一名网格长/);
    expect(await count()).toBe(before);
    // A member promoted by PATCH: refused too, nothing changes (no version row).
    const member = (await t.db('grid_workers').where({ grid_id: grid, kind: 'full_time', sub_kind: 'member' }).first('id', 'version')) as {
      id: number;
      version: number;
    };
    const promote = await community.request('PATCH', `/elements/grid_worker/${member.id}`, { subKind: 'leader' });
    expect(promote.status, promote.text).toBe(409);
    expect(fieldsOf(promote)).toEqual(['subKind']);
    expect(await t.db('grid_workers').where({ id: member.id }).first('sub_kind', 'version')).toEqual({
      sub_kind: 'member',
      version: member.version,
    });
    // A 网格长 who left does not hold the post: once the leader has left, the member can be promoted.
    expect((await community.request('PATCH', `/elements/grid_worker/${created.grid_worker}`, { status: 'left' })).status).toBe(200);
    const promoted = await community.request('PATCH', `/elements/grid_worker/${member.id}`, { subKind: 'leader' });
    expect(promoted.status, promoted.text).toBe(200);
    // Back to work: the returning 网格长 would be a second one.
    const back = await community.request('PATCH', `/elements/grid_worker/${created.grid_worker}`, { status: 'active' });
    expect(back.status, back.text).toBe(409);
    expect(fieldsOf(back)).toEqual(['subKind']);
    // 专属网格员 into a basic grid: 400 naming gridId, on create and on update.
    const exclusive = { ...bodies().grid_worker, phone: '13500008888', kind: 'exclusive', subKind: 'member', partTimeType: null };
    const ex = await community.request('POST', '/elements/grid_worker', exclusive);
    expect(ex.status, ex.text).toBe(400);
    expect(fieldsOf(ex)).toEqual(['gridId']);
    expect((ex.json as ErrBody).error.fields![0].message).toContain('只能配置在专属网格');
    const toExclusive = await community.request('PATCH', `/elements/grid_worker/${member.id}`, { kind: 'exclusive' });
    expect(toExclusive.status).toBe(400);
    expect(fieldsOf(toExclusive)).toEqual(['gridId']);
    expect(await count()).toBe(before);
    // In an exclusive grid the same 专属网格员 is accepted.
    await t.db('org_units').where({ id: grid }).update({ grid_type: 'exclusive' });
    try {
      expect((await community.request('POST', '/elements/grid_worker', exclusive)).status).toBe(201);
    } finally {
      await t.db('org_units').where({ id: grid }).update({ grid_type: 'basic' });
    }
  });

  it('G-4 a taken natural key → 409 naming the field (credit code, facility code, room)', async () => {
    const ent = await community.request('POST', '/elements/enterprise', { ...bodies().enterprise, name: '另一家' });
    expect(ent.status).toBe(409);
    expect(fieldsOf(ent)).toEqual(['creditCode']);
    expect((ent.json as ErrBody).error.message).toMatch(/统一社会信用代码已登记/);
    const fac = await community.request('POST', '/elements/facility', bodies().facility);
    expect(fac.status).toBe(409);
    expect(fieldsOf(fac)).toEqual(['code']);
    const house = await community.request('POST', '/elements/house', bodies().house);
    expect(house.status).toBe(409);
    expect(fieldsOf(house)).toEqual(['roomNo']);
  });

  it('G-4 update writes a version (before/after of the changed fields, phones masked), an audit row, and the history lists it newest first', async () => {
    const r = await community.request('PATCH', `/elements/merchant/${created.merchant}`, {
      status: '停业',
      operatorPhone: '13700009999',
      reason: '电话变更并停业装修',
      expectedVersion: 1,
    });
    expect(r.status, r.text).toBe(200);
    expect(r.json).toMatchObject({ version: 2, fields: { status: '停业', operatorPhone: '137****9999' } });
    const h = await community.request('GET', `/elements/merchant/${created.merchant}/versions`);
    expect(h.status).toBe(200);
    const items = (h.json as { items: { version: number; changedByName: string; reason: string; before: Row; after: Row }[] }).items;
    expect(items.map((i) => i.version)).toEqual([2, 1]);
    expect(items[0]).toMatchObject({
      changedByName: 'f_community',
      reason: '电话变更并停业装修',
      before: { status: '营业', operatorPhone: '137****1234' },
      after: { status: '停业', operatorPhone: '137****9999' },
    });
    expect(h.text).not.toContain('13700009999');
    const stored = await t.db('element_versions').where({ element_type: 'merchant', element_id: created.merchant, version: 2 }).first();
    expect(JSON.stringify(stored)).not.toContain('13700009999');
    const audit = await t.db('audit_log').where({ action: 'update', object_type: 'merchant', object_id: String(created.merchant) });
    expect(audit).toHaveLength(1);
    expect(audit[0].detail).toMatchObject({ version: 2, reason: '电话变更并停业装修' });
  });

  it('G-4 a stale expectedVersion → 409 and nothing changes', async () => {
    const r = await community.request('PATCH', `/elements/merchant/${created.merchant}`, { status: '营业', expectedVersion: 1 });
    expect(r.status).toBe(409);
    expect((r.json as ErrBody).error.message).toMatch(/已被他人修改/);
    const row = await t.db('merchants').where({ id: created.merchant }).first();
    expect(row).toMatchObject({ status: '停业', version: 2 });
  });

  it('G-4 a community user cannot change or read the history of another community’s merchant (404) — nothing changes', async () => {
    const otherId = await insertMerchant('otherCommunity', '别处商户');
    const r = await community.request('PATCH', `/elements/merchant/${otherId}`, { status: '注销' });
    expect(r.status).toBe(404);
    expect((await t.db('merchants').where({ id: otherId }).first()).status).toBe('营业');
    expect((await community.request('GET', `/elements/merchant/${otherId}/versions`)).status).toBe(404);
    expect((await city.request('GET', `/elements/merchant/${otherId}/versions`)).json).toEqual({ items: [] });
  });

  it('G-4 a map position outside the grid polygon → 422 naming location; inside is stored', async () => {
    await t.db.raw(`UPDATE org_units SET geom = ST_Multi(ST_MakeEnvelope(84.80, 45.50, 84.90, 45.60, 4326)) WHERE id = ?`, [ownGrid()]);
    const out = await community.request('POST', '/elements/facility', {
      ...bodies().facility,
      code: 'ZTF002',
      location: { lon: 85.5, lat: 45.55 },
    });
    expect(out.status).toBe(422);
    expect(fieldsOf(out)).toEqual(['location']);
    expect(await t.db('public_facilities').where({ code: 'ZTF002' }).first()).toBeUndefined();
    const inside = await community.request('POST', '/elements/facility', {
      ...bodies().facility,
      code: 'ZTF003',
      location: { lon: 84.85, lat: 45.55 },
    });
    expect(inside.status).toBe(201);
    const d = (await community.request('GET', `/elements/facility/${(inside.json as { id: number }).id}`)).json as { location: unknown };
    expect(d.location).toEqual({ lon: 84.85, lat: 45.55 });
    const move = await community.request('PATCH', `/elements/facility/${(inside.json as { id: number }).id}`, {
      location: { lon: 86, lat: 45 },
    });
    expect(move.status).toBe(422);
  });
});

type Row = Record<string, unknown>;

describe('G-3 resident registration (POST /residents)', () => {
  const valid = '650202199203040011';
  const idn = (first17: string) => {
    const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const sum = [...first17].reduce((s, c, i) => s + Number(c) * w[i], 0);
    return first17 + '10X98765432'[sum % 11];
  };
  const body = (idNumber: string) => ({
    householdId: fx.household.own,
    name: '新居民',
    gender: '女',
    birthDate: '1992-03-04',
    ethnicity: '汉族',
    idNumber,
    phone: '13300001111',
    relationToHead: '配偶',
    residenceType: '户籍人口',
    registrationStatus: '人户一致',
  });

  it('G-3 a resident is registered into a household in scope: 201, version 1 without plain values, member counted, audited', async () => {
    const number = idn(valid.slice(0, 17));
    const before = (await t.db('households').where({ id: fx.household.own }).first()).member_count as number;
    const r = await community.request('POST', '/residents', body(number));
    expect(r.status, r.text).toBe(201);
    const id = (r.json as { id: number }).id;
    const d = (await community.request('GET', `/residents/${id}`)).json as Row;
    expect(d).toMatchObject({ name: '新居民', householdId: fx.household.own, orgPath: GRIDS.own, version: 1, phone: '133****1111' });
    expect((await t.db('households').where({ id: fx.household.own }).first()).member_count).toBe(before + 1);
    const v = await t.db('resident_versions').where({ resident_id: id });
    expect(v.map((x) => x.version)).toEqual([1]);
    expect(JSON.stringify(v[0].after)).not.toContain(number);
    expect(await t.db('audit_log').where({ action: 'create', object_type: 'resident', object_id: String(id) })).toHaveLength(1);
    // The same ID number again → 409 naming idNumber.
    const dup = await community.request('POST', '/residents', { ...body(number), name: '重复' });
    expect(dup.status).toBe(409);
    expect(fieldsOf(dup)).toEqual(['idNumber']);
  });

  it('G-3 a wrong check digit → 400 naming idNumber; a household of another community → 400 naming householdId; nothing written', async () => {
    const count = Number((await t.db('residents').count({ n: '*' }))[0].n);
    const first17 = '65020219850101002';
    const right = idn(first17);
    const wrong = first17 + (right.endsWith('1') ? '2' : '1');
    const bad = await community.request('POST', '/residents', body(wrong));
    expect(bad.status).toBe(400);
    expect(fieldsOf(bad)).toEqual(['idNumber']);
    const elsewhere = await community.request('POST', '/residents', { ...body(right), householdId: fx.household.otherCommunity });
    expect(elsewhere.status).toBe(400);
    expect(fieldsOf(elsewhere)).toEqual(['householdId']);
    expect(Number((await t.db('residents').count({ n: '*' }))[0].n)).toBe(count);
  });
});
