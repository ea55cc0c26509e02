import ExcelJS from 'exceljs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { idNumberCheckDigit } from '../../db/sensitive';
import { createTestDb, type TestDb } from '../../db/testing/server';
import { seedFixture, startServer, type TestServer } from '../auth/test-fixture';

let t: TestDb;
let srv: TestServer;

beforeAll(async () => {
  t = await createTestDb();
  await seedFixture(t.db);
  srv = await startServer(t.db);
});
afterAll(async () => {
  await srv?.close();
  await t?.drop();
});

it('G-7 template download, a rejected upload answers 422 with per-row fields, a clean one 200; the log lists both', async () => {
  const c = await srv.login('f_community');
  const tpl = await fetch(`${srv.base}/imports/resident/template`, { headers: { cookie: c.cookie ?? '' } });
  expect(tpl.status).toBe(200);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(await tpl.arrayBuffer());
  const ws = wb.worksheets[0];
  const headers = (ws.getRow(1).values as string[]).slice(1);
  const hh = (await t.db('households').whereRaw(`org_path <@ 'km.zt1.s1.c1'::ltree`).first()).household_no as string;
  const good = `65020319700707002`;
  const row = (id: string) => {
    const v: Record<string, string> = {
      姓名: '接口测试',
      身份证号: id,
      性别: '女',
      出生日期: '1970-07-07',
      民族: '汉族',
      户编号: hh,
      人口类型: '户籍人口',
      人户状态: '人户一致',
    };
    return headers.map((h) => v[h] ?? '');
  };
  ws.addRow(row(`${good}${idNumberCheckDigit(good)}`));
  ws.addRow(row('12345'));
  const bad = await c.request('POST', '/imports/resident', {
    fileBase64: Buffer.from(await wb.xlsx.writeBuffer()).toString('base64'),
    fileName: 'a.xlsx',
  });
  expect(bad.status).toBe(422);
  const err = (bad.json as { error: { code: string; fields: { field: string; message: string }[] } }).error;
  expect(err.code).toBe('IMPORT_REJECTED');
  expect(err.fields).toEqual([{ field: '第3行·身份证号', message: expect.stringContaining('第 3 行') }]);
  ws.spliceRows(3, 1);
  const ok = await c.request('POST', '/imports/resident', {
    fileBase64: Buffer.from(await wb.xlsx.writeBuffer()).toString('base64'),
    fileName: 'b.xlsx',
  });
  expect(ok.status).toBe(200);
  expect(ok.json).toMatchObject({ status: 'committed', inserted: 1 });
  const logs = (await c.request('GET', '/imports/logs')).json as { status: string }[];
  expect(logs.map((l) => l.status).slice(0, 2)).toEqual(['committed', 'rejected']);
  const part = await srv.login('f_parttime');
  expect((await part.request('POST', '/imports/resident', { fileBase64: 'AA==' })).status).toBe(403);
});

it('G-7 every element type has a template (楼栋, 房屋, 居民户, 网格员 included); an unknown type is a Chinese 400', async () => {
  const c = await srv.login('f_community');
  for (const [type, first] of [
    ['building', '楼栋编码'],
    ['house', '楼栋编码'],
    ['household', '户编号'],
    ['grid_worker', '姓名'],
  ] as const) {
    const res = await fetch(`${srv.base}/imports/${type}/template`, { headers: { cookie: c.cookie ?? '' } });
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    expect(wb.worksheets[0].getRow(1).getCell(1).value).toBe(first);
  }
  const bad = await c.request('GET', '/imports/ship/template');
  expect(bad.status).toBe(400);
  expect(JSON.stringify(bad.json)).toContain('网格员');
  const logs = await c.request('GET', '/imports/logs?type=grid_worker');
  expect(logs.status).toBe(200);
});
