import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../scope';
import { idNumberCheckDigit } from '../../sensitive';
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
