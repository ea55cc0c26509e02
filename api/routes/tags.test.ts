import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureStandardTags } from '../../db/queries/tags/catalogue';
import { recomputeAllTags } from '../../db/queries/tags/compute';
import { createTestDb, type TestDb } from '../../db/testing/server';
import { seedFixture, startServer, type TestServer } from '../auth/test-fixture';

let t: TestDb;
let srv: TestServer;

async function orgId(path: string): Promise<number> {
  return (await t.db('org_units').whereRaw('path = ?::ltree', [path]).first()).id as number;
}
async function tagId(code: string): Promise<number> {
  return (await t.db('tag_definitions').where({ code }).first()).id as number;
}

beforeAll(async () => {
  t = await createTestDb();
  await seedFixture(t.db);
  await ensureStandardTags(t.db);
  await recomputeAllTags(t.db, { asOf: '2026-11-24' });
  srv = await startServer(t.db);
});
afterAll(async () => {
  await srv?.close();
  await t?.drop();
});

describe('tags API', () => {
  it('T-2 a community defines tags for itself, not for the city (Chinese 400); a part-time worker cannot tag (403)', async () => {
    const community = await srv.login('f_community');
    const ok = await community.request('POST', '/tags', {
      code: 'ZT_CARE',
      name: '重点帮扶',
      target: 'resident',
      kind: 'manual',
      definingOrgId: await orgId('km.zt1.s1.c1'),
      reminderDays: 7,
    });
    expect(ok.status).toBe(201);
    expect(ok.json).toMatchObject({ level: 'community', orgPath: 'km.zt1.s1.c1', reminderDays: 7 });
    const bad = await community.request('POST', '/tags', {
      code: 'ZT_CITY',
      name: '全市',
      target: 'resident',
      kind: 'manual',
      definingOrgId: await orgId('km'),
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.json)).toContain('管辖范围内的单位');
    const rule = await community.request('POST', '/tags', {
      code: 'ZT_RULE',
      name: '坏规则',
      target: 'resident',
      kind: 'computed',
      definingOrgId: await orgId('km.zt1.s1.c1'),
      rule: { field: 'salary', op: '>', value: 1 },
    });
    expect(rule.status).toBe(400);
    expect(JSON.stringify(rule.json)).toContain('未知字段');
    const part = await srv.login('f_parttime');
    const r = await part.request('POST', `/tags/${(ok.json as { id: number }).id}/elements`, {
      elementType: 'resident',
      elementIds: [1],
      on: true,
    });
    expect(r.status).toBe(403);
    // the district and the city above the community see its tag
    const district = await srv.login('f_district');
    const list = (await district.request('GET', '/tags')).json as { code: string }[];
    expect(list.map((x) => x.code)).toContain('ZT_CARE');
    const cityList = (await (await srv.login('f_city')).request('GET', '/tags')).json as { code: string }[];
    expect(cityList.map((x) => x.code)).toContain('ZT_CARE');
  });

  it('T-6 combined search returns counts and a page; the xlsx export opens and holds every row', async () => {
    const city = await srv.login('f_city');
    const expr = { and: [{ tag: await tagId('STD_ELDERLY') }, { not: { tag: await tagId('STD_ALONE_ELDERLY') } }] };
    const r = await city.request('POST', '/tags/search', { expr, pageSize: 10 });
    expect(r.status).toBe(200);
    const body = r.json as { total: number; rows: { name: string; tags: string[] }[]; counts: { count: number }[] };
    expect(body.total).toBeGreaterThan(10);
    expect(body.rows).toHaveLength(10);
    expect(body.rows.every((x) => x.tags.includes('老年人') && !x.tags.includes('独居老人'))).toBe(true);
    const res = await fetch(`${srv.base}/tags/search/export`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: city.cookie ?? '' },
      body: JSON.stringify({ expr }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    const ws = wb.worksheets[0];
    expect(ws.getRow(1).getCell(3).value).toBe('名称');
    expect(ws.rowCount - 1).toBe(body.total);
    expect(String(ws.getRow(2).getCell(5).value)).toContain('老年人');
    const bad = await city.request('POST', '/tags/search', { expr: { xor: [] } });
    expect(bad.status).toBe(400);
  });

  it('T-5 a department feeds its line tag from an xlsx table; T-7 the log and daily stats show it', async () => {
    const city = await srv.login('f_city');
    const dept = await orgId('km.ztdept');
    // The definition form offers the departments from the catalogue.
    const catalogue = (await city.request('GET', '/tags/catalogue')).json as { departments: { id: number; name: string }[] };
    expect(catalogue.departments.map((d) => d.id)).toContain(dept);
    const created = await city.request('POST', '/tags', {
      code: 'ZT_LINE',
      name: '重点企业',
      target: 'enterprise',
      kind: 'line',
      definingOrgId: await orgId('km'),
      departmentId: dept,
    });
    expect(created.status).toBe(201);
    const id = (created.json as { id: number }).id;
    const codes = (await t.db('enterprises').orderBy('id').limit(3).pluck('credit_code')) as string[];
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('s');
    ws.addRow(['统一社会信用代码', '操作']);
    for (const c of codes) ws.addRow([c, '']);
    const fileBase64 = Buffer.from(await wb.xlsx.writeBuffer()).toString('base64');
    const deptUser = await srv.login('f_dept');
    const fed = await deptUser.request('POST', `/tags/${id}/feed`, { mode: 'overwrite', fileBase64 });
    expect(fed.status).toBe(200);
    expect(fed.json).toMatchObject({ added: 3, removed: 0 });
    const broken = await deptUser.request('POST', `/tags/${id}/feed`, {
      mode: 'overwrite',
      fileBase64: Buffer.from('not excel').toString('base64'),
    });
    expect(broken.status).toBe(400);
    expect(JSON.stringify(broken.json)).toContain('xlsx');
    const log = (await city.request('GET', `/tags/log?tagId=${id}`)).json as { total: number; items: { updateType: string }[] };
    expect(log.total).toBe(3);
    expect(log.items.every((x) => x.updateType === 'line')).toBe(true);
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const daily = (await city.request('GET', `/tags/log/daily?from=2026-01-01&to=${today}&tagId=${id}`)).json as { line: number }[];
    expect(daily.reduce((s, d) => s + d.line, 0)).toBe(3);
  });
  it('T-4 rule preview (试算) counts the matches inside scope and the defining unit; invalid rules are refused naming the rule path', async () => {
    const community = await srv.login('f_community');
    const rule = {
      all: [
        { field: 'age', op: '>=', value: 40 },
        { field: 'dynamic_status', op: '=', value: '在册' },
      ],
    };
    const own = await orgId('km.zt1.s1.c1');
    const r = await community.request('POST', '/tags/rules/preview', { target: 'resident', rule, definingOrgId: own });
    expect(r.status).toBe(200);
    const expected = Number(
      (
        await t.db.raw(
          `SELECT count(*) n FROM residents WHERE org_path <@ 'km.zt1.s1.c1'::ltree AND dynamic_status = '在册'
             AND date_part('year', age((now() AT TIME ZONE 'Asia/Shanghai')::date, birth_date)) >= 40`,
        )
      ).rows[0].n,
    );
    const body = r.json as { count: number; sample: { id: number; name: string; gridName: string }[] };
    expect(expected).toBeGreaterThan(0);
    expect(body.count).toBe(expected);
    expect(body.sample.length).toBe(Math.min(10, expected));
    expect(body.sample[0].name).toBeTruthy();
    // outside the caller's scope nothing is counted, even with another unit as the defining unit
    const other = await community.request('POST', '/tags/rules/preview', {
      target: 'resident',
      rule,
      definingOrgId: await orgId('km.zt2'),
    });
    expect((other.json as { count: number }).count).toBe(0);
    // nothing was tagged by a preview
    expect(await t.db('tag_log').where('operator_name', 'f_community').first()).toBeUndefined();

    const bad = { any: [{ field: 'age', op: '>=', value: 60 }, { all: [{ field: 'lives_alone', op: '=', value: '是' }] }] };
    const refused = await community.request('POST', '/tags/rules/preview', { target: 'resident', rule: bad });
    expect(refused.status).toBe(400);
    const err = (refused.json as { error: { fields: { field: string; message: string }[] } }).error;
    expect(err.fields).toEqual([{ field: 'rule.any[1].all[0].value', message: expect.stringContaining('rule.any[1].all[0].value') }]);
    expect(err.fields[0].message).toContain('“独居”须为“是/否”');
    const saved = await community.request('POST', '/tags', {
      code: 'ZT_BAD_RULE',
      name: '坏规则',
      target: 'resident',
      kind: 'computed',
      definingOrgId: own,
      rule: bad,
    });
    expect(saved.status).toBe(400);
    expect(JSON.stringify(saved.json)).toContain('计算规则 rule.any[1].all[0].value');
    expect(await t.db('tag_definitions').where({ code: 'ZT_BAD_RULE' }).first()).toBeUndefined();
    const part = await srv.login('f_parttime');
    expect((await part.request('POST', '/tags/rules/preview', { target: 'resident', rule })).status).toBe(403);
  });
  it('N-5 T-1 T-3 defining a tag and tagging elements are audited; a refused definition writes no audit row', async () => {
    const community = await srv.login('f_community');
    const before = Number((await t.db('audit_log').where({ object_type: 'tag' }).count({ n: '*' }).first())?.n);
    const bad = await community.request('POST', '/tags', {
      code: 'ZT_AUD_BAD',
      name: '越权',
      target: 'resident',
      kind: 'manual',
      definingOrgId: await orgId('km'),
    });
    expect(bad.status).toBe(400);
    expect(Number((await t.db('audit_log').where({ object_type: 'tag' }).count({ n: '*' }).first())?.n)).toBe(before);
    const created = await community.request('POST', '/tags', {
      code: 'ZT_AUD',
      name: '审计测试',
      target: 'household',
      kind: 'manual',
      definingOrgId: await orgId('km.zt1.s1.c1'),
    });
    expect(created.status).toBe(201);
    const id = (created.json as { id: number }).id;
    expect(await t.db('audit_log').where({ action: 'create', object_type: 'tag', object_id: String(id) })).toHaveLength(1);
    const hh = (await t.db('households').whereRaw("org_path <@ 'km.zt1.s1.c1'").orderBy('id').first('id')) as { id: number };
    const r = await community.request('POST', `/tags/${id}/elements`, { elementType: 'household', elementIds: [hh.id], on: true });
    expect(r.status).toBe(200);
    const [row] = await t.db('audit_log').where({ action: 'tag.add', object_id: String(id) });
    expect(row).toMatchObject({ username: 'f_community', object_type: 'tag' });
    expect(row.detail).toMatchObject({ elementType: 'household', elementIds: [hh.id], changed: 1 });
  });
});
