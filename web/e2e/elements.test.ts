/**
 * Browser tests of the element pages (G-1, G-4, T-6, G-3 for elements) on the real API and a
 * cloned test database, in the system Chromium: a merchant with a bad field is refused in Chinese
 * and nothing is written, fixed it is saved and listed; the list filters by a tag; an edit shows
 * its diff in 变更记录; house → household → resident click-through; 新增居民 from a household.
 * Screenshots: /tmp/elements-*.png.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureStandardTags } from '../../db/queries/tags/catalogue';
import { recomputeAllTags } from '../../db/queries/tags/compute';
import { idNumberCheckDigit } from '../../db/sensitive';
import type { TestDb } from '../../db/testing/server';
import { type BrowserHarness, startBrowserHarness } from './harness';
import { clickAtRest, clickOption, mapPixels } from './waits';

let h: BrowserHarness;
let t: TestDb;
let base: string;
/** The community user's org and its first grid (with a polygon). */
let community: { id: number; path: string };
let grid: { id: number; name: string; x0: number; y0: number; x1: number; y1: number };

beforeAll(async () => {
  h = await startBrowserHarness();
  ({ t, base } = h);
  await ensureStandardTags(t.db);
  await recomputeAllTags(t.db, { asOf: '2026-11-24' });
  community = (await t
    .db('users as u')
    .join('org_units as o', 'o.id', 'u.org_id')
    .where('u.username', 'community')
    .select('o.id', t.db.raw('o.path::text AS path'))
    .first()) as { id: number; path: string };
  grid = (
    await t.db.raw(
      `SELECT id, name, ST_XMin(geom) x0, ST_YMin(geom) y0, ST_XMax(geom) x1, ST_YMax(geom) y1
         FROM org_units WHERE type = 'grid' AND parent_id = ? AND geom IS NOT NULL ORDER BY path LIMIT 1`,
      [community.id],
    )
  ).rows[0];
}, 180_000);

afterAll(() => h?.close());

const login = (username: string): Promise<Page> => h.login(username);

/** Opens an antd select by its label and picks the option with this text. */
async function choose(page: Page, label: string, option: string): Promise<void> {
  await page.getByLabel(label, { exact: true }).click();
  await clickOption(page, option);
}

/**
 * Clicks the element map at a coordinate (EPSG:4326), through the map's own conversion, once the
 * grid's outline has arrived (the map fits to it then) and the map has rendered that view.
 */
async function clickMapAt(page: Page, lon: number, lat: number): Promise<void> {
  const map = page.getByTestId('element-map');
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForFunction(() => {
    type Layer = { getZIndex: () => number | undefined; getSource: () => { getFeatures: () => unknown[] } };
    const m = (window as unknown as { elementMap?: { getLayers: () => { getArray: () => Layer[] } } }).elementMap;
    // the grid layer is the one without a z-index (the point layer has 5)
    return (
      !!m &&
      m
        .getLayers()
        .getArray()
        .some((l) => l.getZIndex() === undefined && l.getSource().getFeatures().length > 0)
    );
  });
  const [[x, y]] = await mapPixels(page, 'elementMap', [[lon, lat]]);
  const box = await map.boundingBox();
  if (!box) throw new Error('map not laid out');
  await page.mouse.click(box.x + x, box.y + y);
}

const merchantName = '浏览器测试烧烤店';
const merchantCount = async () => Number((await t.db('merchants').where({ name: merchantName }).count({ n: '*' }).first())?.n);

describe('element pages in Chromium', { timeout: 120_000 }, () => {
  it('G-4 a merchant with bad fields is refused in Chinese and nothing is written; fixed, it is saved and listed', async () => {
    const page = await login('community');
    await page.goto(`${base}/elements/merchant`);
    await page.getByRole('button', { name: /新增商户/ }).click();
    await page.getByTestId('element-edit').waitFor();
    // The community's grids show at once in the picker (its one community opens by itself).
    await page.getByTestId('grid-picker').click();
    await clickAtRest(page.locator('.ant-select-tree-title', { hasText: new RegExp(`^${grid.name}$`) }));
    await page.getByLabel('商户名称').fill(merchantName);
    await choose(page, '所属行业', '餐饮');
    await page.getByLabel('经营者', { exact: true }).fill('王测试');
    await page.getByLabel('经营者电话').fill('12345');
    await page.getByLabel('地址', { exact: true }).fill('克拉玛依区昆仑路1号');
    await choose(page, '经营状态', '营业');
    // A point well outside the grid: only the server knows the grid's polygon.
    await page.getByLabel('经度').fill(String(grid.x1 + 0.05));
    await page.getByLabel('纬度').fill(String(grid.y1 + 0.05));
    await page.getByTestId('element-save').click();
    const phoneError = page.getByText('经营者电话应为 11 位手机号或带区号的固定电话');
    await phoneError.waitFor();
    expect(await merchantCount()).toBe(0);

    await page.getByLabel('经营者电话').fill('13912345678');
    await page.getByTestId('element-save').click();
    const refused = page.getByTestId('element-save-error');
    await refused.waitFor();
    expect(await refused.textContent()).toContain('地图位置不在所属网格范围内');
    await page.screenshot({ path: '/tmp/elements-merchant-refused.png', fullPage: true });
    expect(await merchantCount()).toBe(0);
    // Nothing entered was lost.
    expect(await page.getByLabel('商户名称').inputValue()).toBe(merchantName);
    expect(await page.getByLabel('经营者电话').inputValue()).toBe('13912345678');

    const [cx, cy] = [(grid.x0 + grid.x1) / 2, (grid.y0 + grid.y1) / 2];
    await clickMapAt(page, cx, cy);
    await expect
      .poll(async () => Math.abs(Number(await page.getByLabel('经度').inputValue()) - cx), { timeout: 10_000 })
      .toBeLessThan(0.001);
    await page.getByTestId('element-save').click();
    await page.getByTestId('element-detail').waitFor();
    expect(await page.getByRole('heading', { level: 4 }).textContent()).toContain(merchantName);
    const row = await t.db('merchants').where({ name: merchantName }).select('id', 'grid_id', t.db.raw('ST_X(geom) AS lon')).first();
    expect(row.grid_id).toBe(grid.id);
    expect(Math.abs(Number(row.lon) - cx)).toBeLessThan(0.001);

    await page
      .getByRole('menuitem')
      .filter({ hasText: /^商户$/ })
      .click();
    await page.getByPlaceholder('商户名称 / 营业执照号 / 手机号').fill('浏览器测试');
    await page.getByRole('button', { name: /查\s*询/ }).click();
    await expect
      .poll(async () => page.locator('.ant-table-row').allTextContents(), { timeout: 10_000 })
      .toEqual([expect.stringContaining(merchantName)]);
    await page.close();
  });

  it('T-6 the merchant list filters by a tag', async () => {
    const merchant = await t.db('merchants').where({ name: merchantName }).first('id');
    const page = await login('community');
    const tag = await page.request.post(`${base}/api/tags`, {
      data: { code: 'E2E_BBQ', name: '夜市烧烤', target: 'merchant', kind: 'manual', definingOrgId: community.id },
    });
    expect(tag.status()).toBe(201);
    const tagId = (await tag.json()).id as number;
    const on = await page.request.post(`${base}/api/tags/${tagId}/elements`, {
      data: { elementType: 'merchant', elementIds: [merchant.id], on: true },
    });
    expect(on.ok()).toBe(true);
    await page.goto(`${base}/elements/merchant`);
    const rows = page.locator('.ant-table-row');
    await expect.poll(async () => rows.count(), { timeout: 10_000 }).toBeGreaterThan(1);
    await page.getByTestId('tag-filter').locator('.ant-select').click();
    await page.keyboard.type('夜市');
    await clickOption(page, '夜市烧烤');
    await page.keyboard.press('Escape');
    await expect.poll(async () => rows.allTextContents(), { timeout: 10_000 }).toEqual([expect.stringContaining(merchantName)]);
    expect(await rows.first().textContent()).toContain('夜市烧烤');
    await page.screenshot({ path: '/tmp/elements-tag-filter.png' });
    await page.close();
  });

  it('G-4 an edit of the merchant shows its diff in 变更记录', async () => {
    const merchant = await t.db('merchants').where({ name: merchantName }).first('id');
    const page = await login('community');
    await page.goto(`${base}/elements/merchant/${merchant.id}`);
    await page.getByRole('button', { name: /编\s*辑/ }).click();
    await page.getByTestId('element-edit').waitFor();
    await page.getByLabel('招牌名称').fill('王记烧烤');
    await choose(page, '经营状态', '停业');
    await page.getByLabel('变更原因').fill('走访核实：暂停营业');
    await page.getByTestId('element-save').click();
    await page.getByTestId('element-detail').waitFor();
    await page.getByRole('tab', { name: '变更记录' }).click();
    const history = page.getByTestId('version-history');
    await history.waitFor();
    expect(await history.textContent()).toContain('第 2 版');
    expect(await history.textContent()).toContain('走访核实：暂停营业');
    const status = history.locator('.ant-table-row', { hasText: '经营状态' });
    expect(await status.textContent()).toContain('营业');
    expect(await status.locator('.diff-new').textContent()).toBe('停业');
    expect(await history.locator('.ant-table-row', { hasText: '招牌名称' }).locator('.diff-new').textContent()).toBe('王记烧烤');
    await page.screenshot({ path: '/tmp/elements-diff.png', fullPage: true });
    const v = await t.db('merchants').where({ id: merchant.id }).first('version', 'status', 'sign_name');
    expect(v).toMatchObject({ version: 2, status: '停业', sign_name: '王记烧烤' });
    await page.close();
  });

  it('G-4 a stale edit (saved by someone else meanwhile) is refused; 载入最新版本 keeps both changes', async () => {
    const merchant = await t.db('merchants').where({ name: merchantName }).first('id', 'version');
    const page = await login('community');
    await page.goto(`${base}/elements/merchant/${merchant.id}/edit`);
    await expect.poll(async () => page.getByLabel('招牌名称').inputValue(), { timeout: 10_000 }).toBe('王记烧烤');
    const other = await page.request.patch(`${base}/api/elements/merchant/${merchant.id}`, {
      data: { address: '克拉玛依区昆仑路2号', expectedVersion: merchant.version, reason: '他人同时修改' },
    });
    expect(other.ok()).toBe(true);
    await page.getByLabel('从业人数').fill('12');
    await page.getByTestId('element-save').click();
    const refused = page.getByTestId('element-save-error');
    await refused.waitFor();
    expect(await refused.textContent()).toContain('已被他人修改');
    expect(await t.db('merchants').where({ id: merchant.id }).first('version', 'employees')).toEqual({
      version: merchant.version + 1,
      employees: null,
    });
    await refused.getByRole('button', { name: '载入最新版本' }).click();
    await expect.poll(async () => page.getByLabel('地址', { exact: true }).inputValue(), { timeout: 10_000 }).toBe('克拉玛依区昆仑路2号');
    expect(await page.getByLabel('从业人数').inputValue()).toBe('12');
    await page.getByTestId('element-save').click();
    await page.getByTestId('element-detail').waitFor();
    expect(await t.db('merchants').where({ id: merchant.id }).first('version', 'employees', 'address')).toEqual({
      version: merchant.version + 2,
      employees: 12,
      address: '克拉玛依区昆仑路2号',
    });
    await page.close();
  });

  it('T-6 the 实有人口 and 居民户 lists filter by tags, all or any', async () => {
    // The whole city: the test city's tags fall on residents of several communities.
    const city = (await t
      .db('users as u')
      .join('org_units as o', 'o.id', 'u.org_id')
      .where('u.username', 'city')
      .first(t.db.raw('o.path::text AS path'))) as { path: string };
    const tagged = async (type: string, ids: number[], mode: 'all' | 'any') => {
      const rows = await t
        .db('element_tags')
        .where({ element_type: type })
        .whereIn('tag_id', ids)
        .whereRaw('org_path <@ ?::ltree', [city.path])
        .groupBy('element_id')
        .havingRaw('count(*) >= ?', [mode === 'all' ? ids.length : 1])
        .select('element_id');
      return rows.length;
    };
    /** The two resident tags most often found together. */
    const pair = (
      await t.db.raw(
        `SELECT a.tag_id AS a, b.tag_id AS b, ta.name AS an, tb.name AS bn
           FROM element_tags a JOIN element_tags b ON b.element_type = a.element_type AND b.element_id = a.element_id AND b.tag_id > a.tag_id
           JOIN tag_definitions ta ON ta.id = a.tag_id JOIN tag_definitions tb ON tb.id = b.tag_id
          WHERE a.element_type = 'resident' AND a.org_path <@ ?::ltree
          GROUP BY 1, 2, 3, 4 ORDER BY count(*) DESC LIMIT 1`,
        [city.path],
      )
    ).rows[0] as { a: number; b: number; an: string; bn: string };
    const household = (
      await t.db.raw(
        `SELECT e.tag_id AS id, d.name FROM element_tags e JOIN tag_definitions d ON d.id = e.tag_id
          WHERE e.element_type = 'household' AND e.org_path <@ ?::ltree GROUP BY 1, 2 ORDER BY count(*) DESC LIMIT 1`,
        [city.path],
      )
    ).rows[0] as { id: number; name: string };
    const pick = async (page: Page, name: string) => {
      await page.getByTestId('tag-filter').locator('.ant-select').click();
      await page.keyboard.type(name);
      await clickOption(page, name);
      await page.keyboard.press('Escape');
    };
    const total = (page: Page) => page.locator('.ant-pagination-total-text').textContent();
    const both = await tagged('resident', [pair.a, pair.b], 'all');
    const either = await tagged('resident', [pair.a, pair.b], 'any');
    expect(both).toBeGreaterThan(0);
    expect(either).toBeGreaterThan(both);

    const page = await login('city');
    await page.goto(`${base}/residents`);
    await page.locator('.ant-table-row').first().waitFor();
    await pick(page, pair.an);
    await pick(page, pair.bn);
    await expect.poll(async () => total(page), { timeout: 10_000 }).toBe(`共 ${both} 条`);
    await page.getByTestId('tag-filter').getByText('任一').click();
    await expect.poll(async () => total(page), { timeout: 10_000 }).toBe(`共 ${either} 条`);
    await page.screenshot({ path: '/tmp/elements-residents-tags.png' });

    const big = await tagged('household', [household.id], 'any');
    expect(big).toBeGreaterThan(0);
    await page.goto(`${base}/households`);
    await page.locator('.ant-table-row').first().waitFor();
    await pick(page, household.name);
    await expect.poll(async () => total(page), { timeout: 10_000 }).toBe(`共 ${big} 条`);
    await page.close();
  });

  it('G-5 a part-time grid worker is offered 体制内 / 体制外 only, and saved in the chosen grid', async () => {
    const page = await login('community');
    await page.goto(`${base}/elements/grid_worker/new`);
    await page.getByTestId('element-edit').waitFor();
    await page.getByTestId('grid-picker').click();
    await clickAtRest(page.locator('.ant-select-tree-title', { hasText: new RegExp(`^${grid.name}$`) }));
    await page.getByLabel('姓名', { exact: true }).fill('浏览器兼职员');
    await choose(page, '网格员类型', '兼职网格员');
    await page.getByLabel('岗位/身份').click();
    const options = page.locator('.ant-select-dropdown:visible .ant-select-item-option');
    await expect.poll(async () => (await options.allTextContents()).filter(Boolean), { timeout: 10_000 }).toEqual(['体制内', '体制外']);
    await clickAtRest(options.filter({ hasText: '体制外' }));
    await choose(page, '兼职类型', '志愿者');
    await page.getByTestId('element-save').click();
    await page.getByTestId('element-detail').waitFor();
    const w = await t.db('grid_workers').where({ name: '浏览器兼职员' }).first('kind', 'sub_kind', 'part_time_type', 'grid_id');
    expect(w).toEqual({ kind: 'part_time', sub_kind: 'out_system', part_time_type: '志愿者', grid_id: grid.id });
    await page.close();
  });

  it('G-1 a house opens its households, a household its residents (click-through)', async () => {
    const row = (
      await t.db.raw(
        `SELECT h.id AS house_id, hh.id AS hh_id, hh.household_no, r.id AS r_id, r.name AS r_name
           FROM houses h JOIN households hh ON hh.house_id = h.id JOIN residents r ON r.household_id = hh.id
          WHERE h.org_path <@ ?::ltree ORDER BY h.id, hh.id, r.id LIMIT 1`,
        [community.path],
      )
    ).rows[0] as { house_id: number; hh_id: number; household_no: string; r_id: number; r_name: string };
    const page = await login('community');
    await page
      .getByRole('menuitem')
      .filter({ hasText: /^房屋$/ })
      .click();
    await page.getByTestId('element-list-house').locator('.ant-table-row').first().waitFor();
    await page.goto(`${base}/elements/house/${row.house_id}`);
    await page.getByTestId('element-detail').waitFor();
    await page.getByRole('tab', { name: /关联要素/ }).click();
    await page.getByTestId('element-links').getByRole('link', { name: row.household_no }).click();
    await page.getByTestId('household-detail').waitFor();
    expect(new URL(page.url()).pathname).toBe(`/households/${row.hh_id}`);
    await page.getByRole('link', { name: row.r_name }).first().click();
    await page.getByTestId('resident-detail').waitFor();
    expect(new URL(page.url()).pathname).toBe(`/residents/${row.r_id}`);
    await page.close();
  });

  it('G-3 新增居民 from a household: a wrong ID check digit is refused at the field, nothing written; fixed → saved', async () => {
    const hh = (await t.db('households').whereRaw('org_path <@ ?::ltree', [community.path]).orderBy('id').first('id', 'household_no')) as {
      id: number;
      household_no: string;
    };
    const first17 = '65020319900506003';
    const good = first17 + idNumberCheckDigit(first17);
    const bad = first17 + (good.endsWith('1') ? '2' : '1');
    const members = async () => Number((await t.db('residents').where({ household_id: hh.id }).count({ n: '*' }).first())?.n);
    const before = await members();
    const page = await login('community');
    await page.goto(`${base}/households/${hh.id}`);
    await page.getByRole('button', { name: /登记新成员/ }).click();
    await page.getByTestId('resident-create').waitFor();
    await expect.poll(async () => page.getByTestId('element-form').textContent(), { timeout: 10_000 }).toContain(hh.household_no);
    await page.getByLabel('姓名', { exact: true }).fill('浏览器新居民');
    await choose(page, '性别', '女');
    await page.getByLabel('出生日期').click();
    await page.getByLabel('出生日期').fill('1990-05-06');
    await page.keyboard.press('Enter');
    await page.getByLabel('民族').fill('汉族');
    await page.getByLabel('身份证号码').fill(bad);
    await choose(page, '人口类型', '户籍人口');
    await choose(page, '人户状态', '人户一致');
    await page.getByRole('button', { name: /保\s*存/ }).click();
    await page.getByText('身份证号码格式或校验位不正确').first().waitFor();
    await page.screenshot({ path: '/tmp/elements-resident-refused.png', fullPage: true });
    expect(await members()).toBe(before);
    expect(await page.getByLabel('姓名', { exact: true }).inputValue()).toBe('浏览器新居民');

    await page.getByLabel('身份证号码').fill(good);
    await page.getByRole('button', { name: /保\s*存/ }).click();
    await page.getByTestId('resident-detail').waitFor();
    expect(await page.getByRole('heading', { level: 4 }).textContent()).toContain('浏览器新居民');
    expect(await members()).toBe(before + 1);
    const r = await t.db('residents').where({ name: '浏览器新居民' }).first('household_id', 'birth_date', 'gender');
    expect(r.household_id).toBe(hh.id);
    expect(r.gender).toBe('女');
    await page.close();
  });
});
