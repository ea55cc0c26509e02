/**
 * Browser test of the 标签 card on element detail pages (T-3, T-7, G-2, G-3) on the real API and a
 * cloned test database, in the system Chromium: every taggable type's detail page carries the card;
 * a community worker adds a manual tag to a merchant, sees it in the card and in the tag log of
 * 标签管理, and removes it; a grid worker who does not cover the merchant is refused with the
 * Chinese reason and nothing is written. The 实有人口 and 居民户 lists show a 标签 column.
 * Screenshots: /tmp/element-tags-*.png.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureStandardTags } from '../../db/queries/tags/catalogue';
import type { TestDb } from '../../db/testing/server';
import { type BrowserHarness, startBrowserHarness } from './harness';
import { clickOption } from './waits';

let h: BrowserHarness;
let t: TestDb;
let base: string;
/** A merchant in the grid worker's grid that the grid worker does not cover (包户). */
let merchant: { id: number; name: string };
const TAG = '浏览器测试重点商户';
let tagId: number;

beforeAll(async () => {
  h = await startBrowserHarness();
  ({ t, base } = h);
  await ensureStandardTags(t.db);
  const city = (await t.db('org_units').where({ type: 'city' }).orderBy('id').first('id', t.db.raw('path::text AS path'))) as {
    id: number;
    path: string;
  };
  [{ id: tagId }] = (await t
    .db('tag_definitions')
    .insert({
      code: 'E2E_MERCHANT_TAG',
      name: TAG,
      target: 'merchant',
      level: 'city',
      kind: 'manual',
      defining_org_id: city.id,
      org_path: city.path,
      color: '#fa541c',
    })
    .returning('id')) as { id: number }[];
  const worker = (await t
    .db('grid_workers as w')
    .join('users as u', 'u.id', 'w.user_id')
    .where('u.username', 'gridworker')
    .first('w.id', 'w.grid_id')) as { id: number; grid_id: number };
  merchant = (await t
    .db('merchants as m')
    .where('m.grid_id', worker.grid_id)
    .whereNotExists(
      t.db('coverage_relations as c').whereRaw(`c.element_type = 'merchant' AND c.element_id = m.id AND c.worker_id = ?`, [worker.id]),
    )
    .orderBy('m.id')
    .first('m.id', 'm.name')) as { id: number; name: string };
}, 180_000);

afterAll(() => h?.close());

const login = (username: string): Promise<Page> => h.login(username);

/** Picks the tag in the card's select and presses 打标签. */
async function addTag(page: Page, name: string): Promise<void> {
  const panel = page.getByTestId('element-tag-panel');
  await panel.getByTestId('element-tag-select').click();
  await clickOption(page, name);
  await panel.getByRole('button', { name: /打标签/ }).click();
}

const tagged = async () =>
  Number((await t.db('element_tags').where({ tag_id: tagId, element_id: merchant.id }).count({ n: '*' }).first())?.n);

describe('标签 card on element detail pages in Chromium', { timeout: 120_000 }, () => {
  it('T-3 every taggable element type has the 标签 card on its detail page', async () => {
    const user = (await t.db('users').where({ username: 'community' }).first(t.db.raw('org_path::text AS path'))) as { path: string };
    const inScope = (table: string) =>
      t.db(table).whereRaw('org_path <@ ?::ltree', [user.path]).orderBy('id').first('id') as Promise<{ id: number } | undefined>;
    const pages: [string, string][] = [
      ['residents', '/residents'],
      ['households', '/households'],
      ['buildings', '/buildings'],
      ['merchants', '/elements/merchant'],
      ['enterprises', '/elements/enterprise'],
      ['institutions', '/elements/institution'],
      ['public_facilities', '/elements/facility'],
    ];
    const page = await login('community');
    const seen: string[] = [];
    for (const [table, path] of pages) {
      const row = await inScope(table);
      if (!row) continue; // the demo city may have none of a type in this community
      await page.goto(`${base}${path}/${row.id}`);
      await page.getByTestId('element-tag-panel').waitFor();
      await page.getByTestId('element-tag-select').waitFor();
      seen.push(table);
    }
    expect(seen.length).toBeGreaterThanOrEqual(6);
    await page.close();
  });

  it('T-3 T-7 a manual tag is added on a merchant’s page, shows in the card and in the tag log, and is removed again', async () => {
    const page = await login('community');
    await page.goto(`${base}/elements/merchant/${merchant.id}`);
    const panel = page.getByTestId('element-tag-panel');
    await panel.waitFor();
    await addTag(page, TAG);
    await panel.locator('.ant-tag', { hasText: TAG }).waitFor();
    expect(await tagged()).toBe(1);
    // The card's own history and the tag log of 标签管理 both list the change.
    await panel.getByTestId('element-tag-log').locator('.ant-table-row', { hasText: TAG }).waitFor();
    await page.screenshot({ path: '/tmp/element-tags-merchant.png', fullPage: true });
    await page.goto(`${base}/tags`);
    await page.getByRole('tab', { name: '标签日志与统计' }).click();
    const logRow = page.locator('.ant-table-row', { hasText: TAG }).filter({ hasText: merchant.name }).first();
    await logRow.waitFor();
    expect((await logRow.locator('td').allTextContents()).join('|')).toContain('手动');
    // Back on the merchant: remove it with the tag's close icon.
    await page.goto(`${base}/elements/merchant/${merchant.id}`);
    await panel.locator('.ant-tag', { hasText: TAG }).locator('.ant-tag-close-icon').click();
    await expect.poll(async () => panel.locator('.ant-tag', { hasText: TAG }).count(), { timeout: 20_000 }).toBe(0);
    expect(await tagged()).toBe(0);
    const log = await t
      .db('tag_log')
      .where({ element_type: 'merchant', element_id: merchant.id })
      .orderBy('id')
      .select('tag_name', 'action');
    expect(log.map((r) => `${r.tag_name}:${r.action}`)).toEqual([`${TAG}:add`, `${TAG}:remove`]);
    await page.close();
  });

  it('T-3 a grid worker who does not cover the merchant is refused with the Chinese reason; nothing is written', async () => {
    const before = await t.db('tag_log').where({ element_type: 'merchant', element_id: merchant.id }).count({ n: '*' }).first();
    const page = await login('gridworker');
    await page.goto(`${base}/elements/merchant/${merchant.id}`);
    await page.getByTestId('element-tag-panel').waitFor();
    await addTag(page, TAG);
    const refused = page.getByTestId('element-tag-refused');
    await refused.waitFor();
    expect(await refused.textContent()).toContain('只能给本人包户/包联的对象打标签');
    expect(await tagged()).toBe(0);
    const after = await t.db('tag_log').where({ element_type: 'merchant', element_id: merchant.id }).count({ n: '*' }).first();
    expect(after?.n).toBe(before?.n);
    await page.screenshot({ path: '/tmp/element-tags-refused.png', fullPage: true });
    await page.close();
  });

  it('G-2 G-3 the 实有人口 and 居民户 lists show each row’s tags in a 标签 column; a partial 户编号 finds the household', async () => {
    const user = (await t.db('users').where({ username: 'community' }).first(t.db.raw('org_path::text AS path'))) as { path: string };
    const city = (await t.db('tag_definitions').where({ id: tagId }).first('defining_org_id', t.db.raw('org_path::text AS path'))) as {
      defining_org_id: number;
      path: string;
    };
    const hh = (await t
      .db('households')
      .whereRaw('org_path <@ ?::ltree', [user.path])
      .orderBy('id')
      .first('id', 'household_no', t.db.raw('org_path::text AS path'))) as { id: number; household_no: string; path: string };
    const person = (await t
      .db('residents')
      .where({ household_id: hh.id })
      .orderBy('id')
      .first('id', 'name', t.db.raw('org_path::text AS path'))) as { id: number; name: string; path: string };
    for (const [target, name, id, path] of [
      ['household', '浏览器测试户标签', hh.id, hh.path],
      ['resident', '浏览器测试人标签', person.id, person.path],
    ] as const) {
      const [d] = (await t
        .db('tag_definitions')
        .insert({
          code: `E2E_${target}`,
          name,
          target,
          level: 'city',
          kind: 'manual',
          defining_org_id: city.defining_org_id,
          org_path: city.path,
        })
        .returning('id')) as { id: number }[];
      await t.db('element_tags').insert({ tag_id: d.id, element_type: target, element_id: id, org_path: path, source: 'manual' });
    }
    const page = await login('community');
    await page.goto(`${base}/households`);
    await page.getByRole('columnheader', { name: '标签' }).waitFor();
    const search = page.getByPlaceholder(/户编号/);
    await search.fill(hh.household_no.slice(0, -1));
    await search.press('Enter');
    await page.locator('.ant-table-row', { hasText: hh.household_no }).locator('.ant-tag', { hasText: '浏览器测试户标签' }).waitFor();
    await page.goto(`${base}/residents`);
    await page.getByRole('columnheader', { name: '标签' }).waitFor();
    await page.getByPlaceholder(/姓名/).fill(person.name);
    await page.getByPlaceholder(/姓名/).press('Enter');
    await page.locator('.ant-table-row', { hasText: person.name }).locator('.ant-tag', { hasText: '浏览器测试人标签' }).first().waitFor();
    await page.screenshot({ path: '/tmp/element-tags-residents.png' });
    await page.close();
  });
});
