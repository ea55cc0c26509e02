/**
 * Browser tests of the "one table" screens on the real API and a cloned test database, in the
 * system Chromium: Excel import with a bad row and its fix (G-7), a refused overlapping grid drawn
 * on the map (D-1), a combined tag search and its xlsx export (T-6). Screenshots: /tmp/one-table-*.png.
 */
import fs from 'node:fs';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importTemplate } from '../../db/queries/imports';
import { ensureStandardTags } from '../../db/queries/tags/catalogue';
import { recomputeAllTags } from '../../db/queries/tags/compute';
import { idNumberCheckDigit } from '../../db/sensitive';
import type { TestDb } from '../../db/testing/server';
import { type BrowserHarness, pickOption, startBrowserHarness } from './harness';
import { clickAtRest, clickOption, mapPixels } from './waits';

let h: BrowserHarness;
let t: TestDb;
let base: string;

beforeAll(async () => {
  h = await startBrowserHarness();
  ({ t, base } = h);
  await ensureStandardTags(t.db);
  await recomputeAllTags(t.db, { asOf: '2026-11-24' });
}, 180_000);

afterAll(() => h?.close());

const login = (username: string): Promise<Page> => h.login(username);

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
    await expect.poll(async () => page.locator('.ant-table-row', { hasText: '居民-已修改.xlsx' }).count(), { timeout: 20_000 }).toBe(1);
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
    await pickOption(page, 'map-community', pair.community);
    await pickOption(page, 'map-grid', pair.name);
    await page.getByRole('button', { name: '重新绘制' }).click();
    const dy = (pair.ay1 - pair.ay0) * 0.1;
    const xEnd = pair.ax1 + (pair.bx1 - pair.ax1) / 2; // halfway into the neighbour
    const corners = [
      [pair.ax0 + 0.0005, pair.ay0 + dy],
      [xEnd, pair.ay0 + dy],
      [xEnd, pair.ay1 - dy],
      [pair.ax0 + 0.0005, pair.ay1 - dy],
    ];
    // After the view's fit to the community (an animation) and drawn as it now is.
    const pixels = await mapPixels(page, 'gridMap', corners);
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
    await pickOption(page, 'tags-all', '老年人');
    await page.keyboard.press('Escape');
    await pickOption(page, 'tags-none', '独居老人');
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
  it('F-2 a 孤寡老人 gets a 包联小组 (专职 + 兼职) from the coverage page; the list shows the team', async () => {
    const user = (await t.db('users').where({ username: 'community' }).select(t.db.raw('org_path::text AS path')).first()) as {
      path: string;
    };
    const person = (
      await t.db.raw(
        `SELECT r.id, r.name, r.grid_id FROM residents r WHERE r.org_path <@ ?::ltree
         AND (SELECT count(*) FROM residents x WHERE x.name = r.name) = 1
         AND EXISTS (SELECT 1 FROM grid_workers w WHERE w.grid_id = r.grid_id AND w.kind = 'full_time' AND w.status <> 'left')
         AND EXISTS (SELECT 1 FROM grid_workers w WHERE w.grid_id = r.grid_id AND w.kind = 'part_time' AND w.part_time_type <> '志愿者' AND w.status <> 'left')
       ORDER BY r.id LIMIT 1`,
        [user.path],
      )
    ).rows[0] as { id: number; name: string; grid_id: number };
    const full = (await t
      .db('grid_workers')
      .where({ grid_id: person.grid_id, kind: 'full_time' })
      .whereNot('status', 'left')
      .orderBy('id')
      .first('id', 'name')) as {
      id: number;
      name: string;
    };
    const part = (await t
      .db('grid_workers')
      .where({ grid_id: person.grid_id, kind: 'part_time' })
      .whereNot('part_time_type', '志愿者')
      .whereNot('status', 'left')
      .orderBy('id')
      .first('id', 'name')) as { id: number; name: string };
    const page = await login('community');
    await page.goto(`${base}/coverage`);
    await page.getByRole('tab', { name: '特殊人群包联' }).click();
    await page.getByText('孤寡老人', { exact: true }).click();
    await page.getByTestId('care-add-person').click();
    await page.keyboard.type(person.name);
    await clickOption(page, person.name);
    const dialog = page.getByRole('dialog');
    await dialog.getByText('包联小组').first().waitFor();
    // Saving without a full-time member is refused in Chinese.
    await clickAtRest(dialog.getByRole('button', { name: /保\s*存/ })); // the dialog has opened
    await page.getByText('包联成员：不应少于 1 个项').or(page.getByText('至少需要一名专职网格员')).first().waitFor();
    for (const w of [full, part]) {
      await dialog.getByTestId('care-add-member').click();
      await clickOption(page, w.name);
      await dialog.getByTestId('care-members').locator('.ant-table-row', { hasText: w.name }).waitFor();
    }
    await dialog.getByRole('button', { name: /保\s*存/ }).click();
    await expect
      .poll(
        async () =>
          (
            await t
              .db('care_relations')
              .where({ resident_id: person.id, care_type: 'solitary_elderly' })
              .orderBy('role')
              .select('worker_id', 'role')
          ).map((r) => `${r.worker_id}:${r.role}`),
        { timeout: 20_000 },
      )
      .toEqual([`${full.id}:full_time`, `${part.id}:part_time`]);
    // The list is read again after the save: wait for the person's refreshed row, not one still showing the old state.
    const row = page.locator('.ant-table-row', { hasText: person.name });
    await expect
      .poll(async () => (await row.count()) === 1 && (await row.locator('td').allTextContents()).includes('已包联'), { timeout: 20_000 })
      .toBe(true);
    expect(await row.locator('td').allTextContents()).toEqual(expect.arrayContaining(['1', '已包联']));
    await page.screenshot({ path: '/tmp/one-table-care-team.png' });
    expect(await t.db('audit_log').where({ action: 'care.team', object_id: String(person.id) })).toHaveLength(1);
    await page.close();
  });
  it('F-2 包户配置: a merchant that is already covered is handed to another worker of its grid', async () => {
    const user = (await t.db('users').where({ username: 'community' }).select(t.db.raw('org_path::text AS path')).first()) as {
      path: string;
    };
    const m = (await t
      .db('merchants')
      .whereRaw('org_path <@ ?::ltree', [user.path])
      .orderByRaw('org_path, id')
      .first('id', 'name', 'grid_id')) as { id: number; name: string; grid_id: number };
    const current = (await t.db('coverage_relations').where({ element_type: 'merchant', element_id: m.id }).first('worker_id'))?.worker_id;
    const other = (await t
      .db('grid_workers')
      .where({ grid_id: m.grid_id })
      .whereNot('id', current ?? 0)
      .whereNot('status', 'left')
      .orderBy('id')
      .first('id', 'name')) as { id: number; name: string };
    const page = await login('community');
    await page.goto(`${base}/coverage`);
    await page.getByRole('tab', { name: '包户配置' }).click();
    // Each filter's list has arrived before the next filter is chosen (the tab shows whichever answer comes last).
    const problems = (has: string) =>
      page.waitForResponse((r) => r.url().includes('/api/coverage/problems') && r.url().includes(has) && r.ok());
    await page.getByTestId('coverage-problem').click();
    await Promise.all([problems('problem=all'), clickOption(page, '全部要素')]);
    await page.getByTestId('coverage-element-type').click();
    await Promise.all([problems('elementType=merchant'), clickOption(page, '商户')]);
    const row = page.locator('.ant-table-row', { hasText: m.name }).first();
    await row.waitFor();
    await row.locator('.ant-checkbox-input').check();
    await page.getByTestId('assign-worker').click();
    await clickOption(page, other.name);
    await page.getByRole('button', { name: '批量包户' }).click();
    await expect
      .poll(
        async () => (await t.db('coverage_relations').where({ element_type: 'merchant', element_id: m.id }).first('worker_id'))?.worker_id,
        { timeout: 20_000 },
      )
      .toBe(other.id);
    await page.locator('.ant-table-row', { hasText: m.name }).first().getByText(other.name).waitFor();
    await page.close();
  });

  it('G-2 a household gets a 走访标签 and a 户标签 on its 标签档案, grouped, and the history lists every change', async () => {
    const user = (await t.db('users').where({ username: 'community' }).select(t.db.raw('org_path::text AS path')).first()) as {
      path: string;
    };
    const hh = (await t
      .db('households')
      .whereRaw('org_path <@ ?::ltree', [user.path])
      .orderBy('id', 'desc')
      .first('id', 'household_no')) as {
      id: number;
      household_no: string;
    };
    const page = await login('community');
    await page.goto(`${base}/tags/element/household/${hh.id}`);
    const panel = page.getByTestId('element-tag-panel');
    await panel.waitFor();
    await page.locator('.page-head', { hasText: hh.household_no }).waitFor();
    for (const name of ['重点走访户', '困难户']) {
      await panel.getByTestId('element-tag-select').click();
      await clickOption(page, name);
      await panel.getByRole('button', { name: /打标签/ }).click();
      await panel.locator('.ant-tag', { hasText: name }).waitFor();
    }
    expect(await panel.getByTestId('tag-group-走访标签').textContent()).toContain('重点走访户');
    expect(await panel.getByTestId('tag-group-户标签').textContent()).toContain('困难户');
    // Remove the visit tag again: three changes in the history, newest first.
    await panel.locator('.ant-tag', { hasText: '重点走访户' }).locator('.ant-tag-close-icon').click();
    await expect.poll(async () => panel.getByTestId('element-tag-log').locator('.ant-table-row').count(), { timeout: 20_000 }).toBe(3);
    const first = await panel.getByTestId('element-tag-log').locator('.ant-table-row').first().locator('td').allTextContents();
    expect(first).toEqual(expect.arrayContaining(['重点走访户', '手动', '取消']));
    const log = await t.db('tag_log').where({ element_type: 'household', element_id: hh.id }).orderBy('id').select('tag_name', 'action');
    expect(log.map((r) => `${r.tag_name}:${r.action}`)).toEqual(['重点走访户:add', '困难户:add', '重点走访户:remove']);
    await page.screenshot({ path: '/tmp/one-table-household-tags.png' });
    await page.close();
  });
  it('D-2 a grid is split along a line drawn across it, then merged back; elements follow', async () => {
    const g = (
      await t.db.raw(
        `SELECT a.id, a.name, a.parent_id, c.name AS community, ST_XMin(a.geom) x0, ST_YMin(a.geom) y0, ST_XMax(a.geom) x1, ST_YMax(a.geom) y1
         FROM org_units a JOIN org_units c ON c.id = a.parent_id
         WHERE a.type = 'grid' AND a.active AND a.geom IS NOT NULL ORDER BY a.path DESC LIMIT 1`,
      )
    ).rows[0] as { id: number; name: string; parent_id: number; community: string; x0: number; y0: number; x1: number; y1: number };
    const grids = async () =>
      Number((await t.db('org_units').where({ parent_id: g.parent_id, type: 'grid', active: true }).count({ n: '*' }).first())?.n);
    const before = await grids();
    const page = await login('city');
    await page.goto(`${base}/map`);
    await page.getByTestId('grid-map').locator('canvas').first().waitFor();
    await pickOption(page, 'map-community', g.community);
    await pickOption(page, 'map-grid', g.name);
    await page.getByRole('button', { name: '拆分网格' }).click();
    const mid = (g.x0 + g.x1) / 2;
    const dy = (g.y1 - g.y0) * 0.05;
    // After the view's fit to the community (an animation) and drawn as it now is.
    const pixels = await mapPixels(page, 'gridMap', [
      [mid, g.y0 - dy],
      [mid, g.y1 + dy],
    ]);
    const box = await page.getByTestId('grid-map').boundingBox();
    if (!box) throw new Error('map not laid out');
    await page.mouse.click(box.x + pixels[0][0], box.y + pixels[0][1]);
    await page.waitForTimeout(150);
    await page.mouse.dblclick(box.x + pixels[1][0], box.y + pixels[1][1]);
    await page.getByText('已拆分为 2 个网格').waitFor();
    expect(await grids()).toBe(before + 1);
    const added = (await t
      .db('org_units')
      .where({ parent_id: g.parent_id, type: 'grid', active: true })
      .orderBy('id', 'desc')
      .first('id', 'name')) as {
      id: number;
      name: string;
    };
    expect(added.name).toBe(`${g.name}-2`);
    await page.screenshot({ path: '/tmp/one-table-grid-split.png' });
    expect(await t.db('audit_log').where({ action: 'grid.split', object_id: String(g.id) })).toHaveLength(1);

    // Merge the new part back into the grid: one grid again, the part deactivated, its elements back.
    await pickOption(page, 'map-grid', g.name);
    await pickOption(page, 'map-merge', added.name);
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: '合并网格' }).click();
    await page.getByText('已合并为 1 个网格').waitFor();
    expect(await grids()).toBe(before);
    expect((await t.db('org_units').where({ id: added.id }).first('active')).active).toBe(false);
    expect(Number((await t.db('buildings').where({ grid_id: added.id }).count({ n: '*' }).first())?.n)).toBe(0);
    await page.close();
  });
  it('T-7 the tag log shows today’s changes by update type as a table and a chart, and names the elements', async () => {
    const today = (await t.db.raw(`SELECT to_char((now() AT TIME ZONE 'Asia/Shanghai')::date, 'YYYY-MM-DD') AS d`)).rows[0].d as string;
    const counts = async () =>
      (
        await t.db.raw(
          `SELECT count(*) FILTER (WHERE update_type = 'manual')::int AS manual, count(*) FILTER (WHERE update_type = 'auto')::int AS auto,
                  count(*) FILTER (WHERE update_type = 'line')::int AS line
           FROM tag_log WHERE (at AT TIME ZONE 'Asia/Shanghai')::date = ?::date`,
          [today],
        )
      ).rows[0] as { manual: number; auto: number; line: number };
    const c = await counts();
    expect(c.auto).toBeGreaterThan(0);
    const page = await login('city');
    await page.goto(`${base}/tags`);
    await page.getByRole('tab', { name: '标签日志与统计' }).click();
    await page.getByTestId('tag-daily-chart').locator('canvas').first().waitFor();
    const row = page.locator('.ant-table-row', { hasText: today }).first();
    await row.waitFor();
    const cells = await row.locator('td').allTextContents();
    expect(cells.slice(0, 4)).toEqual([today, String(c.manual), String(c.auto), String(c.line)]);
    // The newest log row names its element (要素名称), linked to the element's 标签档案.
    const last = (await t.db('tag_log').orderBy('id', 'desc').first('element_type', 'element_id')) as {
      element_type: string;
      element_id: number;
    };
    const link = page.locator(`a[href="/tags/element/${last.element_type}/${last.element_id}"]`).first();
    await link.waitFor();
    expect((await link.textContent())?.trim()).not.toMatch(/#\d+$/);
    await page.screenshot({ path: '/tmp/one-table-tag-log.png' });
    await page.close();
  });
  it('T-6 the catalogue tree (目录 → 标签, with counts) builds the same 且 + 非 search', async () => {
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
    const page = await login('city');
    await page.goto(`${base}/tags/search`);
    const tree = page.getByTestId('tag-catalogue');
    await tree.getByText('人口标签').first().waitFor();
    await tree.getByTestId(`tree-tag-${ids.STD_ELDERLY}`).click();
    await tree.getByText('加入“非”').click();
    await tree.getByTestId(`tree-tag-${ids.STD_ALONE_ELDERLY}`).click();
    expect(await page.getByTestId('tags-all').textContent()).toContain('老年人');
    expect(await page.getByTestId('tags-none').textContent()).toContain('独居老人');
    await page.getByRole('button', { name: /查\s*询/ }).click();
    const count = page.getByTestId('count-resident');
    await count.waitFor();
    expect(await count.textContent()).toBe(`人口（${truth}）`);
    await page.screenshot({ path: '/tmp/one-table-tag-tree.png' });
    await page.close();
  });
  it('T-5 a line tag is updated from an xlsx table in the browser (增量); a sheet with a blank key changes nothing', async () => {
    const city = (await t.db('org_units').where({ type: 'city' }).first('id')) as { id: number };
    const dept = (await t.db('org_units').where({ type: 'department' }).orderBy('id').first('id')) as { id: number };
    const [{ id: tagId }] = (await t
      .db('tag_definitions')
      .insert({
        code: 'E2E_LINE_SAFETY',
        name: '安全生产重点企业',
        target: 'enterprise',
        level: 'city',
        kind: 'line',
        defining_org_id: city.id,
        org_path: 'km',
        department_id: dept.id,
      })
      .returning('id')) as { id: number }[];
    const codes = (await t.db('enterprises').orderBy('id').limit(2).pluck('credit_code')) as string[];
    const sheet = async (rows: string[][]) => {
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('条线数据');
      ws.addRow(['统一社会信用代码', '操作']);
      for (const r of rows) ws.addRow(r);
      return Buffer.from(await wb.xlsx.writeBuffer());
    };
    const tagged = async () => Number((await t.db('element_tags').where({ tag_id: tagId }).count({ n: '*' }).first())?.n);
    const page = await login('city');
    await page.goto(`${base}/tags`);
    await page.getByTestId('feed-E2E_LINE_SAFETY').click();
    const xlsx = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    await page.locator('.ant-modal input[type=file]').setInputFiles({
      name: '坏.xlsx',
      mimeType: xlsx,
      buffer: await sheet([
        [codes[0], '新增'],
        ['', '新增'],
      ]),
    });
    const err = page.getByTestId('feed-error');
    await err.waitFor();
    expect(await err.textContent()).toContain('第 3 行缺少统一社会信用代码'); // as Excel numbers it (row 1: header)
    expect(await tagged()).toBe(0);
    await page
      .locator('.ant-modal input[type=file]')
      .setInputFiles({ name: '好.xlsx', mimeType: xlsx, buffer: await sheet(codes.map((c) => [c, '新增'])) });
    const res = page.getByTestId('feed-result');
    await res.waitFor();
    expect((await res.textContent())?.replace(/\s/g, '')).toContain('新增2');
    expect(await tagged()).toBe(2);
    expect(await t.db('tag_log').where({ tag_id: tagId, update_type: 'line' })).toHaveLength(2);
    await page.screenshot({ path: '/tmp/one-table-line-feed.png' });
    await page.close();
  });
});
