import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../scope';
import { decrypt, idNumberCheckDigit } from '../../sensitive';
import { createTestDb, type TestDb } from '../../testing/server';
import { exportSheet, importSheet, importTemplate, listImportLogs } from './index';
import { isValidCreditCode } from './specs';

let t: TestDb;
let community: Actor;
let householdNo: string;
let gridCode: string;
let gridBox: { x0: number; y0: number; x1: number; y1: number };

function id(first17: string): string {
  return first17 + idNumberCheckDigit(first17);
}
const USCC = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
function credit(first17: string): string {
  let s = 0;
  for (let i = 0; i < 17; i++) s += USCC.indexOf(first17[i]) * W[i];
  return first17 + USCC[(31 - (s % 31)) % 31];
}

async function sheetFrom(template: Buffer, rows: Record<string, string>[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(template as unknown as ArrayBuffer);
  const ws = wb.worksheets[0];
  const headers = (ws.getRow(1).values as (string | undefined)[]).slice(1) as string[];
  for (const r of rows) ws.addRow(headers.map((h) => r[h] ?? ''));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const PEOPLE = [
  {
    姓名: '测试甲',
    身份证号: id('65020319800101001'),
    性别: '',
    出生日期: '1980-01-01',
    民族: '汉族',
    人口类型: '户籍人口',
    人户状态: '人户一致',
  },
  {
    姓名: '测试乙',
    身份证号: id('65020319900202002'),
    性别: '',
    出生日期: '1990-02-02',
    民族: '维吾尔族',
    人口类型: '流动人口',
    人户状态: '人在户不在',
  },
];
function people(extra: Partial<Record<string, string>>[] = []) {
  return PEOPLE.map((p, i) => ({
    ...p,
    性别: Number(p.身份证号[16]) % 2 ? '男' : '女',
    户编号: householdNo,
    ...(extra[i] ?? {}),
  })) as Record<string, string>[];
}

beforeAll(async () => {
  t = await createTestDb();
  const c = (await t.db('org_units').where({ type: 'community' }).orderBy('path').select('id', t.db.raw('path::text AS path')).first()) as {
    id: number;
    path: string;
  };
  community = { userId: 5, username: 'importer', orgId: c.id, orgPath: c.path, roles: [], permissions: new Set(), grants: [] };
  householdNo = (await t.db('households').whereRaw('org_path <@ ?::ltree', [c.path]).orderBy('id').first()).household_no;
  const g = (await t
    .db('org_units')
    .where({ type: 'grid' })
    .whereRaw('path <@ ?::ltree', [c.path])
    .orderBy('path')
    .select('code', t.db.raw('ST_XMin(geom) x0, ST_YMin(geom) y0, ST_XMax(geom) x1, ST_YMax(geom) y1'))
    .first()) as {
    code: string;
    x0: number;
    y0: number;
    x1: number;
    y1: number;
  };
  gridCode = g.code;
  gridBox = g;
});
afterAll(async () => t?.drop());

describe('G-7 resident import', () => {
  it('G-7 one bad row rejects the whole file with a per-row Chinese error; nothing is written; the attempt is logged', async () => {
    const tpl = await importTemplate('resident');
    const before = Number((await t.db('residents').count({ n: '*' }).first())?.n);
    const file = await sheetFrom(tpl, people([{}, { 身份证号: '650203199002020021' }]));
    const r = await importSheet(t.db, community, { type: 'resident', data: file, fileName: '居民.xlsx' });
    expect(r.status).toBe('rejected');
    expect(r.errors).toEqual([{ row: 3, column: '身份证号', message: expect.stringMatching(/^第 3 行：“身份证号”格式或校验位不正确/) }]);
    expect(Number((await t.db('residents').count({ n: '*' }).first())?.n)).toBe(before);
    const logs = await listImportLogs(t.db, community);
    expect(logs[0]).toMatchObject({ status: 'rejected', total: 2, inserted: 0, fileName: '居民.xlsx' });
    const mismatch = await importSheet(t.db, community, {
      type: 'resident',
      data: await sheetFrom(tpl, people([{ 出生日期: '1980-01-02' }, { 户编号: 'NO-SUCH' }])),
    });
    expect(mismatch.errors.map((e) => e.message)).toEqual([
      expect.stringContaining('出生日期与身份证号不一致'),
      expect.stringContaining('户编号“NO-SUCH”不存在'),
    ]);
  });

  it('G-7 a clean file imports all rows; importing it again changes nothing; an edited row updates with a version', async () => {
    const tpl = await importTemplate('resident');
    const file = await sheetFrom(tpl, people());
    const r = await importSheet(t.db, community, { type: 'resident', data: file });
    expect(r).toMatchObject({ status: 'committed', inserted: 2, updated: 0, unchanged: 0 });
    const hh = (await t.db('households').where({ household_no: householdNo }).first()) as { id: number; member_count: number };
    const members = Number((await t.db('residents').where({ household_id: hh.id, dynamic_status: '在册' }).count({ n: '*' }).first())?.n);
    expect(hh.member_count).toBe(members);
    const again = await importSheet(t.db, community, { type: 'resident', data: file });
    expect(again).toMatchObject({ status: 'committed', inserted: 0, updated: 0, unchanged: 2 });
    const edited = await importSheet(t.db, community, { type: 'resident', data: await sheetFrom(tpl, people([{ 民族: '回族' }])) });
    expect(edited).toMatchObject({ inserted: 0, updated: 1, unchanged: 1 });
    const row = (await t.db('residents').where({ name: '测试甲' }).first()) as { id: number; ethnicity: string };
    expect(row.ethnicity).toBe('回族');
    const v = await t.db('resident_versions').where({ resident_id: row.id }).orderBy('version', 'desc').first();
    expect(v.reason).toBe('Excel 批量导入');
    expect(v.after).toMatchObject({ ethnicity: '回族' });
  });

  it('G-7 an actor outside the area cannot import into it', async () => {
    const other = (await t
      .db('org_units')
      .where({ type: 'community' })
      .orderBy('path')
      .offset(1)
      .select('id', t.db.raw('path::text AS path'))
      .first()) as { id: number; path: string };
    const r = await importSheet(
      t.db,
      { ...community, orgId: other.id, orgPath: other.path },
      { type: 'resident', data: await sheetFrom(await importTemplate('resident'), people()) },
    );
    expect(r.status).toBe('rejected');
    expect(r.errors[0].message).toMatch(/不在您的管辖范围内|其他辖区/);
  });
});

describe('G-7 enterprise import and export', () => {
  it('G-7 credit codes and coordinates are checked; export → import round-trips unchanged', async () => {
    const code = credit('91650203MA0000001');
    expect(isValidCreditCode(code)).toBe(true);
    const tpl = await importTemplate('enterprise');
    const base = {
      企业名称: '测试能源有限公司',
      企业类型: '民营企业',
      所属行业: '能源',
      法定代表人: '张三',
      地址: '测试路 1 号',
      经营状态: '在业',
      网格编码: gridCode,
      经度: String((gridBox.x0 + gridBox.x1) / 2),
      纬度: String((gridBox.y0 + gridBox.y1) / 2),
    };
    const bad = await importSheet(t.db, community, {
      type: 'enterprise',
      data: await sheetFrom(tpl, [
        { ...base, 统一社会信用代码: `${code.slice(0, 17)}${code[17] === '0' ? '1' : '0'}` },
        { ...base, 统一社会信用代码: credit('91650203MA0000002'), 经度: String(gridBox.x1 + 1) },
      ]),
    });
    expect(bad.errors.map((e) => [e.row, e.column])).toEqual([
      [2, '统一社会信用代码'],
      [3, '经度'],
    ]);
    const ok = await importSheet(t.db, community, {
      type: 'enterprise',
      data: await sheetFrom(tpl, [{ ...base, 统一社会信用代码: code, 规上企业: '是' }]),
    });
    expect(ok).toMatchObject({ status: 'committed', inserted: 1 });
    const e = (await t.db('enterprises').where({ credit_code: code }).select('above_scale', t.db.raw('ST_X(geom) AS x')).first()) as {
      above_scale: boolean;
      x: number;
    };
    expect(e.above_scale).toBe(true);
    expect(e.x).toBeCloseTo((gridBox.x0 + gridBox.x1) / 2, 6);
    const exported = await exportSheet(t.db, community, 'enterprise');
    expect(exported.rows).toBeGreaterThan(1);
    const back = await importSheet(t.db, community, { type: 'enterprise', data: exported.data });
    expect(back).toMatchObject({ status: 'committed', inserted: 0, updated: 0, unchanged: exported.rows });
  });

  it('G-7 resident export masks ID numbers unless revealed', async () => {
    const masked = await exportSheet(t.db, community, 'resident');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(masked.data as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    expect(ws.getRow(1).getCell(2).value).toBe('身份证号');
    expect(String(ws.getRow(2).getCell(2).value)).toMatch(/^\d{6}\*{8}[\dX]{4}$/);
  });
});

async function headersOf(file: Buffer): Promise<string[]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(file as unknown as ArrayBuffer);
  return (wb.worksheets[0].getRow(1).values as string[]).slice(1);
}
const count = async (table: string) => Number((await t.db(table).count({ n: '*' }).first())?.n);

describe('G-7 buildings, houses, households and grid workers', () => {
  const building = (extra: Record<string, string> = {}) => ({
    楼栋编码: 'IMP-B-001',
    楼栋名称: '导入测试1号楼',
    楼号: '1',
    地址: '导入路 1 号',
    楼栋类型: '住宅',
    结构: '框架',
    地上层数: '6',
    地下层数: '1',
    单元数: '2',
    每层户数: '2',
    网格编码: gridCode,
    经度: String((gridBox.x0 + gridBox.x1) / 2),
    纬度: String((gridBox.y0 + gridBox.y1) / 2),
    ...extra,
  });

  it('G-7 building import: template, a bad row rejects the file, a clean file imports, re-import and export round-trip change nothing', async () => {
    const tpl = await importTemplate('building');
    expect(await headersOf(tpl)).toEqual([
      '楼栋编码',
      '楼栋名称',
      '楼号',
      '地址',
      '楼栋类型',
      '结构',
      '地上层数',
      '地下层数',
      '单元数',
      '每层户数',
      '建成年份',
      '物业公司',
      '楼栋长',
      '网格编码',
      '经度',
      '纬度',
    ]);
    const before = await count('buildings');
    const bad = await importSheet(t.db, community, {
      type: 'building',
      data: await sheetFrom(tpl, [building(), building({ 楼栋编码: 'IMP-B-002', 楼栋类型: '城堡' }), building({ 楼栋名称: '重复' })]),
    });
    expect(bad.status).toBe('rejected');
    expect(bad.errors).toEqual([
      { row: 3, column: '楼栋类型', message: expect.stringMatching(/^第 3 行：“楼栋类型”只能填：住宅/) },
      { row: 4, column: '楼栋编码', message: '第 4 行：楼栋编码与第 2 行重复，同一对象只能出现一次' },
    ]);
    expect(await count('buildings')).toBe(before);

    const file = await sheetFrom(tpl, [building(), building({ 楼栋编码: 'IMP-B-002', 楼栋名称: '导入测试2号楼', 地下层数: '' })]);
    expect(await importSheet(t.db, community, { type: 'building', data: file })).toMatchObject({ status: 'committed', inserted: 2 });
    const b2 = (await t.db('buildings').where({ code: 'IMP-B-002' }).first()) as { underground_floors: number; org_path: string };
    expect(b2.underground_floors).toBe(0);
    expect(await importSheet(t.db, community, { type: 'building', data: file })).toMatchObject({ inserted: 0, updated: 0, unchanged: 2 });
    const audit = await t.db('audit_log').where({ action: 'import', object_type: 'buildings' }).first();
    expect(audit?.detail).toMatchObject({ type: 'building', inserted: 2 });
    const exported = await exportSheet(t.db, community, 'building');
    expect(exported.rows).toBeGreaterThan(2);
    expect(await importSheet(t.db, community, { type: 'building', data: exported.data })).toMatchObject({
      status: 'committed',
      inserted: 0,
      updated: 0,
      unchanged: exported.rows,
    });
    // a registered building is not moved to another grid by an import
    const otherGrid = (await t
      .db('org_units')
      .where({ type: 'grid' })
      .whereRaw('path <@ ?::ltree', [community.orgPath])
      .whereNot('code', gridCode)
      .first('code')) as { code: string };
    const moved = await importSheet(t.db, community, {
      type: 'building',
      data: await sheetFrom(tpl, [building({ 网格编码: otherGrid.code, 经度: '', 纬度: '' })]),
    });
    expect(moved.errors[0]).toMatchObject({ row: 2, column: '网格编码', message: expect.stringContaining('不能把它迁到其他网格') });
  });

  it('G-7 house import: natural key building + unit + room; unit and floor checked against the building; idempotent', async () => {
    const tpl = await importTemplate('house');
    expect(await headersOf(tpl)).toEqual([
      '楼栋编码',
      '单元',
      '楼层',
      '室号',
      '房屋类型',
      '建筑面积（㎡）',
      '用途',
      '房屋状态',
      '产权性质',
      '产权人',
    ]);
    const house = (room: string, extra: Record<string, string> = {}) => ({
      楼栋编码: 'IMP-B-001',
      单元: '1',
      楼层: room.startsWith('B') ? '-1' : room[0],
      室号: room,
      房屋类型: '住宅',
      建筑面积: '',
      '建筑面积（㎡）': '89.5',
      用途: '居住',
      房屋状态: '自住',
      ...extra,
    });
    const before = await count('houses');
    const bad = await importSheet(t.db, community, {
      type: 'house',
      data: await sheetFrom(tpl, [
        house('101'),
        house('301', { 单元: '3' }),
        house('701', { 楼层: '7' }),
        house('B01', { 楼栋编码: 'NO-SUCH' }),
      ]),
    });
    expect(bad.errors.map((e) => [e.row, e.column])).toEqual([
      [3, '单元'],
      [4, '楼层'],
      [5, '楼栋编码'],
    ]);
    expect(bad.errors[0].message).toBe('第 3 行：该楼栋共 2 个单元，“单元”须在 1～2 之间');
    expect(await count('houses')).toBe(before);
    const file = await sheetFrom(tpl, [house('101'), house('102', { 房屋状态: '出租' }), house('B01', { 用途: '仓储', 房屋类型: '车库' })]);
    expect(await importSheet(t.db, community, { type: 'house', data: file })).toMatchObject({ status: 'committed', inserted: 3 });
    const b = (await t.db('buildings').where({ code: 'IMP-B-001' }).first()) as { id: number; org_path: string };
    const rows = (await t.db('houses').where({ building_id: b.id }).orderBy('room_no').select('room_no', 'floor', 'status', 'area')) as {
      room_no: string;
      floor: number;
    }[];
    expect(rows.map((r) => [r.room_no, r.floor])).toEqual([
      ['101', 1],
      ['102', 1],
      ['B01', -1],
    ]);
    expect(await importSheet(t.db, community, { type: 'house', data: file })).toMatchObject({ inserted: 0, updated: 0, unchanged: 3 });
    const edited = await importSheet(t.db, community, {
      type: 'house',
      data: await sheetFrom(tpl, [house('101', { 房屋状态: '空置' }), house('102', { 房屋状态: '出租' })]),
    });
    expect(edited).toMatchObject({ inserted: 0, updated: 1, unchanged: 1 });
    const exported = await exportSheet(t.db, community, 'house');
    expect(await importSheet(t.db, community, { type: 'house', data: exported.data })).toMatchObject({
      inserted: 0,
      updated: 0,
      unchanged: exported.rows,
    });
  });

  it('G-7 household import: placed through its house (building + unit + room); unknown house rejects the file; idempotent', async () => {
    const tpl = await importTemplate('household');
    expect(await headersOf(tpl)).toEqual(['户编号', '楼栋编码', '单元', '室号', '户类型', '户类别']);
    const hh = (no: string, room: string, extra: Record<string, string> = {}) => ({
      户编号: no,
      楼栋编码: 'IMP-B-001',
      单元: '1',
      室号: room,
      户类型: '家庭户',
      户类别: '户籍户',
      ...extra,
    });
    const before = await count('households');
    const bad = await importSheet(t.db, community, {
      type: 'household',
      data: await sheetFrom(tpl, [hh('IMP-H-001', '101'), hh('IMP-H-002', '999')]),
    });
    expect(bad.errors).toEqual([
      { row: 3, column: '室号', message: '第 3 行：房屋“IMP-B-001 1单元 999室”不存在或不在您的管辖范围内，请先登记（导入）该房屋' },
    ]);
    expect(await count('households')).toBe(before);
    const file = await sheetFrom(tpl, [hh('IMP-H-001', '101'), hh('IMP-H-002', '102', { 户类别: '' })]);
    expect(await importSheet(t.db, community, { type: 'household', data: file })).toMatchObject({ status: 'committed', inserted: 2 });
    const h1 = (await t
      .db('households as hh')
      .join('houses as h', 'h.id', 'hh.house_id')
      .where('hh.household_no', 'IMP-H-001')
      .first('h.room_no', 'hh.member_count', t.db.raw('hh.org_path::text AS path'))) as {
      room_no: string;
      member_count: number;
      path: string;
    };
    expect(h1).toMatchObject({ room_no: '101', member_count: 0 });
    expect(await importSheet(t.db, community, { type: 'household', data: file })).toMatchObject({ inserted: 0, updated: 0, unchanged: 2 });
    // moving a household to another house of the same grid is an update
    const movedFile = await sheetFrom(tpl, [hh('IMP-H-001', 'B01'), hh('IMP-H-002', '102', { 户类别: '' })]);
    expect(await importSheet(t.db, community, { type: 'household', data: movedFile })).toMatchObject({ updated: 1, unchanged: 1 });
    const exported = await exportSheet(t.db, community, 'household');
    expect(await importSheet(t.db, community, { type: 'household', data: exported.data })).toMatchObject({
      inserted: 0,
      updated: 0,
      unchanged: exported.rows,
    });
  });

  it('G-7 grid worker import: keyed by phone (blind index); type and post must agree; exported with revealed phones it round-trips', async () => {
    const tpl = await importTemplate('grid_worker');
    expect(await headersOf(tpl)).toEqual([
      '姓名',
      '手机号',
      '性别',
      '网格员类型',
      '岗位/身份',
      '兼职类别',
      '所在单位',
      '在岗状态',
      '入职日期',
      '网格编码',
    ]);
    const w = (name: string, phone: string, extra: Record<string, string> = {}) => ({
      姓名: name,
      手机号: phone,
      性别: '女',
      网格员类型: '兼职',
      '岗位/身份': '体制外',
      兼职类别: '志愿者',
      网格编码: gridCode,
      ...extra,
    });
    const before = await count('grid_workers');
    const bad = await importSheet(t.db, community, {
      type: 'grid_worker',
      data: await sheetFrom(tpl, [
        w('导入甲', '13900000001'),
        w('导入乙', '13900000002', { 网格员类型: '专职', '岗位/身份': '体制内', 兼职类别: '' }),
        w('导入丙', '13900000003', { 网格员类型: '专属', '岗位/身份': '网格员', 兼职类别: '' }),
        w('导入丁', '13900000001'),
      ]),
    });
    expect(bad.errors.map((e) => [e.row, e.column])).toEqual([
      [3, '岗位/身份'],
      [4, '网格编码'],
      [5, '手机号'],
    ]);
    expect(bad.errors[1].message).toContain('导入丙是专属网格员，只能配置在专属网格');
    expect(await count('grid_workers')).toBe(before);

    const file = await sheetFrom(tpl, [
      w('导入甲', '13900000001'),
      w('导入乙', '13900000002', { 网格员类型: '专职', '岗位/身份': '网格员', 兼职类别: '', 入职日期: '2025-03-01' }),
    ]);
    expect(await importSheet(t.db, community, { type: 'grid_worker', data: file })).toMatchObject({ status: 'committed', inserted: 2 });
    const row = (await t.db('grid_workers').where({ name: '导入乙' }).first()) as {
      kind: string;
      sub_kind: string;
      status: string;
      phone_enc: Buffer;
      phone_idx: string;
    };
    expect(row).toMatchObject({ kind: 'full_time', sub_kind: 'member', status: 'active' });
    expect(row.phone_idx).toHaveLength(64);
    expect(row.phone_enc.toString('utf8')).not.toContain('13900000002');
    expect(await importSheet(t.db, community, { type: 'grid_worker', data: file })).toMatchObject({
      inserted: 0,
      updated: 0,
      unchanged: 2,
    });
    const renamed = await importSheet(t.db, community, {
      type: 'grid_worker',
      data: await sheetFrom(tpl, [w('导入甲（改名）', '13900000001', { 在岗状态: '请假' })]),
    });
    expect(renamed).toMatchObject({ inserted: 0, updated: 1 });
    expect(await t.db('grid_workers').where({ name: '导入甲（改名）', status: 'leave' }).first()).toBeTruthy();

    const masked = await exportSheet(t.db, community, 'grid_worker');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(masked.data as unknown as ArrayBuffer);
    expect(String(wb.worksheets[0].getRow(2).getCell(2).value)).toMatch(/^1\d{2}\*{4}\d{4}$/);
    expect(['专职', '兼职', '专属']).toContain(String(wb.worksheets[0].getRow(2).getCell(4).value));
    const revealed = await exportSheet(t.db, community, 'grid_worker', { reveal: true });
    expect(await importSheet(t.db, community, { type: 'grid_worker', data: revealed.data })).toMatchObject({
      status: 'committed',
      inserted: 0,
      updated: 0,
      unchanged: revealed.rows,
    });
  });

  it('F-1 grid worker import: a second 网格长 of a grid → per-row Chinese error, nothing imported; handing the post over in one sheet is accepted', async () => {
    const tpl = await importTemplate('grid_worker');
    const gridId = (await t.db('org_units').where({ code: gridCode }).first('id')).id as number;
    const leaders = async () =>
      (await t
        .db('grid_workers')
        .where({ grid_id: gridId, sub_kind: 'leader' })
        .whereNot('status', 'left')
        .orderBy('id')
        .pluck('name')) as string[];
    const leader = (await t
      .db('grid_workers')
      .where({ grid_id: gridId, sub_kind: 'leader' })
      .whereNot('status', 'left')
      .first('name', 'phone_enc', 'kind')) as { name: string; phone_enc: Buffer; kind: string } | undefined;
    expect(leader, 'the demo grid has a 网格长').toBeTruthy();
    const { name, phone_enc, kind } = leader as { name: string; phone_enc: Buffer; kind: string };
    const w = (n: string, phone: string, post: string) => ({
      姓名: n,
      手机号: phone,
      网格员类型: kind === 'exclusive' ? '专属' : '专职',
      '岗位/身份': post,
      网格编码: gridCode,
    });
    const before = await count('grid_workers');
    const bad = await importSheet(t.db, community, {
      type: 'grid_worker',
      data: await sheetFrom(tpl, [w('导入网格员', '13900000011', '网格员'), w('导入网格长', '13900000012', '网格长')]),
    });
    expect(bad.status).toBe('rejected');
    expect(bad.errors).toEqual([
      {
        row: 3,
        column: '岗位/身份',
        message: expect.stringMatching(new RegExp(`^第 3 行：.*已有网格长${name}，一个网格只能有一名网格长`)),
      },
    ]);
    expect(await count('grid_workers')).toBe(before);
    expect(await leaders()).toEqual([name]);
    // Two new 网格长 rows for the same grid: the second is refused even when the old one steps down in the sheet.
    const phone = decrypt(phone_enc);
    const two = await importSheet(t.db, community, {
      type: 'grid_worker',
      data: await sheetFrom(tpl, [
        w(name, phone, '网格员'),
        w('导入网格长', '13900000012', '网格长'),
        w('导入网格长二', '13900000013', '网格长'),
      ]),
    });
    expect(two.errors.map((e) => [e.row, e.column])).toEqual([[4, '岗位/身份']]);
    expect(await count('grid_workers')).toBe(before);
    // The old 网格长 becomes 网格员 and a new one takes the post, in one sheet.
    const handOver = await importSheet(t.db, community, {
      type: 'grid_worker',
      data: await sheetFrom(tpl, [w(name, phone, '网格员'), w('导入网格长', '13900000012', '网格长')]),
    });
    expect(handOver, JSON.stringify(handOver.errors)).toMatchObject({ status: 'committed', inserted: 1, updated: 1 });
    expect(await leaders()).toEqual(['导入网格长']);
  });
});
