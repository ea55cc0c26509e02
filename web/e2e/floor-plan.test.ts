/**
 * Browser tests, in the system Chromium on the real API and a cloned test database: the 楼盘表
 * coloured by a household tag with its legend count and the click-through to the household (G-1),
 * and the computed-tag rule editor — build a rule, 试算 its count, save it (T-4).
 * Screenshots: /tmp/floor-plan-*.png.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setManualTag } from '../../db/queries/tags/assign';
import { ensureStandardTags } from '../../db/queries/tags/catalogue';
import { createTag } from '../../db/queries/tags/definitions';
import type { Actor } from '../../db/scope';
import type { TestDb } from '../../db/testing/server';
import { type BrowserHarness, pickOption, startBrowserHarness } from './harness';
import { atRest, clickOption } from './waits';

let h: BrowserHarness;
let t: TestDb;
let base: string;
let community: Actor;

beforeAll(async () => {
  h = await startBrowserHarness();
  ({ t, base } = h);
  await ensureStandardTags(t.db);
  const u = (await t.db('users').where({ username: 'community' }).select('id', 'org_id', t.db.raw('org_path::text AS path')).first()) as {
    id: number;
    org_id: number;
    path: string;
  };
  community = { userId: u.id, username: 'community', orgId: u.org_id, orgPath: u.path, roles: [], permissions: new Set(), grants: [] };
}, 180_000);

afterAll(() => h?.close());

const login = (username: string): Promise<Page> => h.login(username);

describe('楼盘表 and rule editor in Chromium', { timeout: 120_000 }, () => {
  it('G-1 floor plan by tag: 按标签, pick a household tag, the tagged rooms are coloured with the legend count; a room opens its household', async () => {
    const b = (await t
      .db('buildings as b')
      .whereRaw('b.org_path <@ ?::ltree', [community.orgPath])
      .whereRaw('(SELECT count(*) FROM households hh JOIN houses h ON h.id = hh.house_id WHERE h.building_id = b.id) >= 2')
      .orderBy('b.id')
      .first('b.id', 'b.name')) as { id: number; name: string };
    const hhs = (await t
      .db('households as hh')
      .join('houses as h', 'h.id', 'hh.house_id')
      .leftJoin('residents as r', 'r.id', 'hh.head_resident_id')
      .where('h.building_id', b.id)
      .orderBy('hh.id')
      .select('hh.id', 'hh.house_id', 'r.name as head')) as { id: number; house_id: number; head: string }[];
    const tagged = hhs
      .filter((h) => h.house_id !== hhs[0].house_id)
      .slice(0, 1)
      .concat(hhs[0]);
    const tagId = await createTag(t.db, community, {
      code: 'E2E_FP_KEY',
      name: '楼盘测试户',
      target: 'household',
      kind: 'manual',
      definingOrgId: community.orgId,
    });
    await setManualTag(t.db, community, { tagId, elementType: 'household', elementIds: tagged.map((h) => h.id), on: true });
    const rooms = new Set(tagged.map((h) => h.house_id)).size;

    const page = await login('community');
    await page.goto(`${base}/buildings/${b.id}`);
    await page.getByTestId('floor-plan').waitFor();
    await page.getByTestId('floor-plan-mode').getByText('按标签').click();
    await pickOption(page, 'floor-plan-tag', '楼盘测试户');
    const legend = page.getByTestId('floor-plan-legend-tag');
    await legend.waitFor();
    expect((await legend.textContent())?.replace(/\s+/g, '')).toBe(`楼盘测试户${rooms}间`);
    const coloured = page.locator('[data-testid="floor-plan-room"][data-tagged="true"]');
    expect(await coloured.count()).toBe(rooms);
    expect(await page.locator('[data-testid="floor-plan-room"][data-tagged="false"]').count()).toBeGreaterThan(0);
    await page.screenshot({ path: '/tmp/floor-plan-by-tag.png' });

    // the first tagged room (in drawing order) opens its household and residents
    await coloured.first().click();
    const drawer = page.getByTestId('household-drawer-members');
    await drawer.waitFor();
    expect(await page.getByTestId('household-drawer-tag').textContent()).toBe('楼盘测试户');
    const text = (await drawer.textContent()) ?? '';
    expect(tagged.some((h) => h.head && text.includes(h.head))).toBe(true);
    await page.screenshot({ path: '/tmp/floor-plan-drawer.png' });
    await page.close();
  });

  it('T-4 rule editor: build 年龄 ≥ 60 且（动态状态 = 在册）, 试算 shows the count, save stores the rule', async () => {
    const expected = Number(
      (
        await t.db.raw(
          `SELECT count(*) n FROM residents WHERE org_path <@ ?::ltree AND dynamic_status = '在册'
             AND date_part('year', age((now() AT TIME ZONE 'Asia/Shanghai')::date, birth_date)) >= 60`,
          [community.orgPath],
        )
      ).rows[0].n,
    );
    expect(expected).toBeGreaterThan(0);
    const page = await login('community');
    await page.goto(`${base}/tags`);
    await page.getByRole('button', { name: /新建标签/ }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('标签编码').fill('E2E_RULE_OLD');
    await dialog.getByLabel('标签名称').fill('试算老人');
    // The dialog and then the dropdown have finished opening before anything in them is clicked
    // (a click computed while they move lands beside its target).
    await atRest(dialog);
    await dialog.getByLabel('标签类型').click();
    await clickOption(page, '计算标签');
    await page.getByTestId('rule-editor').waitFor();

    // the default condition is on 年龄; an invalid value is flagged by the shared validator
    const age = page.getByTestId('rule-value-rule.all[0]');
    await age.fill('');
    await page.getByTestId('rule-problems').waitFor();
    expect(await page.getByTestId('rule-problems').textContent()).toContain('计算规则 rule.all[0].value：字段“年龄”须与数字比较');
    await age.fill('60');
    await page.getByTestId('rule-add-group-rule').click();
    await pickOption(page, 'rule-field-rule.all[1].any[0]', '动态状态');
    await expect.poll(async () => page.getByTestId('rule-problems').count(), { timeout: 20_000 }).toBe(0);
    const json = JSON.parse((await page.getByTestId('rule-json').textContent()) ?? '');
    expect(json).toEqual({ all: [{ field: 'age', op: '>=', value: 60 }, { any: [{ field: 'dynamic_status', op: '=', value: '在册' }] }] });

    await page.getByTestId('rule-preview').click();
    const count = page.getByTestId('rule-preview-count');
    await count.waitFor();
    expect(await count.textContent()).toBe(String(expected));
    expect(await page.getByTestId('rule-preview-sample').locator('li').count()).toBeGreaterThan(0);
    await page.screenshot({ path: '/tmp/floor-plan-rule-editor.png' });

    await dialog.getByRole('button', { name: /保\s*存/ }).click();
    await page.getByText('标签已保存').waitFor();
    const saved = (await t.db('tag_definitions').where({ code: 'E2E_RULE_OLD' }).first()) as { kind: string; rule: unknown };
    expect(saved).toMatchObject({ kind: 'computed', rule: json });
    // nothing was tagged by the preview or the save
    expect(
      await t.db('element_tags as et').join('tag_definitions as d', 'd.id', 'et.tag_id').where('d.code', 'E2E_RULE_OLD').first(),
    ).toBeUndefined();
    await page.close();
  });
});
