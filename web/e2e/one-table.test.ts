/**
 * Browser tests of the "one table" screens on the real API and a cloned test database, in the
 * system Chromium: Excel import with a bad row and its fix (G-7), a refused overlapping grid drawn
 * on the map (D-1), a combined tag search and its xlsx export (T-6). Screenshots: /tmp/one-table-*.png.
 */
import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import ExcelJS from 'exceljs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app';
import { createActorResolver } from '../../api/auth/session';
import { createLogger } from '../../api/logger';
import { importTemplate } from '../../db/queries/imports';
import { ensureStandardTags } from '../../db/queries/tags/catalogue';
import { recomputeAllTags } from '../../db/queries/tags/compute';
import { DEMO_PASSWORD, seedDemoAccounts } from '../../db/seed/accounts';
import { idNumberCheckDigit } from '../../db/sensitive';
import { createTestDb, type TestDb } from '../../db/testing/server';

let t: TestDb;
let server: Server;
let base: string;
let browser: Browser;

beforeAll(async () => {
  t = await createTestDb();
  await seedDemoAccounts(t.db);
  await ensureStandardTags(t.db);
  await recomputeAllTags(t.db, { asOf: '2026-11-24' });
  const app = createApp({ db: t.db, log: createLogger('silent') }, { resolveActor: createActorResolver() });
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  if (server) await new Promise((r) => server.close(r));
  await t?.drop();
});

async function login(username: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 }, acceptDownloads: true });
  page.setDefaultTimeout(20_000);
  await page.goto(`${base}/login`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await page.getByTestId('user-menu').waitFor();
  return page;
}

async function pick(page: Page, testId: string, text: string): Promise<void> {
  await page.getByTestId(testId).click();
  await page.keyboard.type(text);
  // The filtered list's first option is active: Enter picks it (no click on a popup that may be animating).
  await page.locator('.ant-select-item-option-active:visible', { hasText: text }).first().waitFor();
  await page.keyboard.press('Enter');
}

function id(first17: string): string {
  return first17 + idNumberCheckDigit(first17);
}

describe('one table in Chromium', { timeout: 90_000 }, () => {
  it('G-7 a residents sheet with one bad row: clear per-row error, nothing imported; fixed → rows present', async () => {
    const user = (await t.db('users').where({ username: 'community' }).select(t.db.raw('org_path::text AS path')).first()) as {
      path: string;
    };
    const householdNo = (await t.db('households').whereRaw('org_path <@ ?::ltree', [user.path]).orderBy('id').first())
      .household_no as string;
    const people = [
      { 姓名: '浏览器甲', 身份证号: id('65020319750505001'), 性别: '男', 出生日期: '1975-05-05' },
      { 姓名: '浏览器乙', 身份证号: id('65020319850606002'), 性别: '女', 出生日期: '1985-06-06' },
    ];
    const sheet = async (rows: Record<string, string>[]) => {
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load((await importTemplate('resident')) as unknown as ArrayBuffer);
      const ws = wb.worksheets[0];
      const headers = (ws.getRow(1).values as string[]).slice(1);
      for (const r of rows)
        ws.addRow(headers.map((h) => ({ ...r, 民族: '汉族', 户编号: householdNo, 人口类型: '户籍人口', 人户状态: '人户一致' })[h] ?? ''));
      return Buffer.from(await wb.xlsx.writeBuffer());
    };
    const before = Number((await t.db('residents').count({ n: '*' }).first())?.n);
    const page = await login('community');
    await page.goto(`${base}/imports`);
    await page.getByTestId('import-upload').waitFor();
    const bad = await sheet([people[0], { ...people[1], 身份证号: '650203198506060021' }]);
    await page
      .locator('input[type=file]')
      .setInputFiles({ name: '居民.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: bad });
    const rejected = page.getByTestId('import-rejected');
    await rejected.waitFor();
    expect(await rejected.textContent()).toContain('未导入任何数据');
    expect(await rejected.textContent()).toContain('第 3 行：“身份证号”格式或校验位不正确');
    await page.screenshot({ path: '/tmp/one-table-import-rejected.png' });
    expect(Number((await t.db('residents').count({ n: '*' }).first())?.n)).toBe(before);

    await page.locator('input[type=file]').setInputFiles({
      name: '居民-已修改.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: await sheet(people),
    });
    const ok = page.getByTestId('import-ok');
    await ok.waitFor();
    expect(await ok.textContent()).toContain('新增 2');
    expect(await t.db('residents').whereIn('name', ['浏览器甲', '浏览器乙']).pluck('name')).toHaveLength(2);
    await expect.poll(async () => page.locator('.ant-table-row', { hasText: '居民-已修改.xlsx' }).count()).toBe(1);
    await page.close();
  });

  it('D-1 drawing a grid over its neighbour is refused and the overlap is shown', async () => {
    const pair = (
      await t.db.raw(
        `SELECT a.id, a.name, c.name AS community, ST_XMin(a.geom) ax0, ST_YMin(a.geom) ay0, ST_XMax(a.geom) ax1, ST_YMax(a.geom) ay1, ST_XMax(b.geom) bx1
       FROM org_units a JOIN org_units b ON b.parent_id = a.parent_id AND ST_XMin(b.geom) = ST_XMax(a.geom) AND ST_YMin(b.geom) = ST_YMin(a.geom)
       JOIN org_units c ON c.id = a.parent_id
       WHERE a.type = 'grid' AND b.type = 'grid' ORDER BY a.path LIMIT 1`,
      )
    ).rows[0] as { id: number; name: string; community: string; ax0: number; ay0: number; ax1: number; ay1: number; bx1: number };
    const before = (await t.db('org_units').where({ id: pair.id }).select(t.db.raw('ST_AsText(geom) AS g')).first()).g;
    const page = await login('city');
    await page.goto(`${base}/map`);
    await page.getByTestId('grid-map').locator('canvas').first().waitFor();
    await pick(page, 'map-community', pair.community);
    await pick(page, 'map-grid', pair.name);
    await page.waitForTimeout(600); // the view's fit animation
    await page.getByRole('button', { name: '重新绘制' }).click();
    const dy = (pair.ay1 - pair.ay0) * 0.1;
    const xEnd = pair.ax1 + (pair.bx1 - pair.ax1) / 2; // halfway into the neighbour
    const corners = [
      [pair.ax0 + 0.0005, pair.ay0 + dy],
      [xEnd, pair.ay0 + dy],
      [xEnd, pair.ay1 - dy],
      [pair.ax0 + 0.0005, pair.ay1 - dy],
    ];
    const pixels = (await page.evaluate((cs) => {
      const map = (window as unknown as { gridMap: { getPixelFromCoordinate: (c: number[]) => number[] } }).gridMap;
      return cs.map((c) => map.getPixelFromCoordinate(c));
    }, corners)) as number[][];
    const box = await page.getByTestId('grid-map').boundingBox();
    if (!box) throw new Error('map not laid out');
    for (const [x, y] of pixels) {
      await page.mouse.click(box.x + x, box.y + y);
      await page.waitForTimeout(150);
    }
    await page.mouse.click(box.x + pixels[0][0], box.y + pixels[0][1]); // back on the first point closes the polygon
    await page.getByRole('button', { name: /保\s*存/ }).click();
    const problem = page.getByTestId('grid-problem');
    await problem.waitFor();
    const text = (await problem.textContent()) ?? '';
    expect(text).toContain('保存被拒绝');
    expect(text).toContain('重叠');
    const drawn = await page.evaluate(() => {
      const map = (
        window as unknown as {
          gridMap: {
            getLayers: () => { getArray: () => { getSource?: () => { getFeatures?: () => { get: (k: string) => unknown }[] } | null }[] };
          };
        }
      ).gridMap;
      return map
        .getLayers()
        .getArray()
        .flatMap((l) => l.getSource?.()?.getFeatures?.() ?? [])
        .filter((f) => f.get('kind') === 'overlap').length;
    });
    expect(drawn).toBeGreaterThan(0);
    await page.screenshot({ path: '/tmp/one-table-grid-overlap.png' });
    expect((await t.db('org_units').where({ id: pair.id }).select(t.db.raw('ST_AsText(geom) AS g')).first()).g).toBe(before);
    await page.close();
  });

  it('T-6 a combined tag search (且 + 非) shows the count and exports it to xlsx', async () => {
    const ids = Object.fromEntries(
      ((await t.db('tag_definitions').select('code', 'id')) as { code: string; id: number }[]).map((r) => [r.code, r.id]),
    );
    const truth = Number(
      (
        await t.db.raw(
          `SELECT count(*) AS n FROM element_tags a WHERE a.tag_id = ? AND NOT EXISTS
             (SELECT 1 FROM element_tags b WHERE b.tag_id = ? AND b.element_type = a.element_type AND b.element_id = a.element_id)`,
          [ids.STD_ELDERLY, ids.STD_ALONE_ELDERLY],
        )
      ).rows[0].n,
    );
    expect(truth).toBeGreaterThan(0);
    const page = await login('city');
    await page.goto(`${base}/tags/search`);
    await pick(page, 'tags-all', '老年人');
    await page.keyboard.press('Escape');
    await pick(page, 'tags-none', '独居老人');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: /查\s*询/ }).click();
    const count = page.getByTestId('count-resident');
    await count.waitFor();
    expect(await count.textContent()).toBe(`人口（${truth}）`);
    expect(await page.locator('.ant-table-row').count()).toBe(Math.min(20, truth));
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /导出/ }).click()]);
    const file = `/tmp/one-table-export-${process.pid}.xlsx`;
    await download.saveAs(file);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    const ws = wb.worksheets[0];
    expect(ws.getRow(1).getCell(3).value).toBe('名称');
    expect(ws.rowCount - 1).toBe(truth);
    const tagsCol = String(ws.getRow(2).getCell(5).value);
    expect(tagsCol).toContain('老年人');
    expect(tagsCol).not.toContain('独居老人');
    fs.rmSync(file, { force: true });
    await page.screenshot({ path: '/tmp/one-table-tag-search.png' });
    await page.close();
  });
});
