/**
 * Browser test of the Fengqiao issue flow (Q-1, Q-5, M-4, I-6, Q-3, Q-6) on PostgreSQL: the real
 * API with the IssueWorkflow on the embedded engine (virtual clock), the built web app and the
 * system Chromium. Every action goes through the UI: phone pages for the grid worker and the
 * resident, PC pages for community, street and department. Screenshots: /tmp/issue-*.png.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app';
import { setClock } from '../../api/auth/clock';
import { hashPassword } from '../../api/auth/passwords';
import { createActorResolver } from '../../api/auth/session';
import { createLogger } from '../../api/logger';
import { seedDemoAccounts } from '../../db/seed/accounts';
import { createTestDb, type TestDb } from '../../db/testing/server';
import { createRuntime, type Runtime } from '../../temporal-config';
import { createPlatformActivities } from '../../temporal-config/activities';
import { atRest, clickAtRest, clickOption, settledOverflow } from './waits';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PASSWORD = 'Demo@2026';
// A 2×2 PNG: the phone's camera photo.
const PHOTO = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGNgYGD4z8DAwMDAwMDAAAANAAH/0vYbAAAAAElFTkSuQmCC',
  'base64',
);

let t: TestDb;
let rt: Runtime;
let server: Server;
let base: string;
let browser: Browser;
let restoreClock: () => void;
/** The worker's own report (M-4): left at the community to go overdue in the Q-4 test. */
let reportedNo = '';

beforeAll(async () => {
  t = await createTestDb();
  await seedDemoAccounts(t.db);
  const worker = await t.db('users').where({ username: 'gridworker' }).first();
  // A resident of the worker's grid (I-6): the public H5 account.
  const [r] = await t
    .db('users')
    .insert({
      username: 'resident1',
      display_name: '王阿姨',
      password_hash: await hashPassword(PASSWORD),
      must_change_password: false,
      password_changed_at: t.db.fn.now(),
      org_id: worker.org_id,
      org_path: worker.org_path,
    })
    .returning('id');
  await t.db('user_roles').insert({ user_id: r.id, role_code: 'resident' });
  let now = () => new Date();
  rt = await createRuntime({
    db: t.db,
    address: null,
    timeSkipping: true,
    startAt: Date.now(),
    workflowsPath: path.join(repoRoot, 'workflows/index.ts'),
    activities: createPlatformActivities({ db: t.db, now: () => now() }),
  });
  now = rt.now;
  restoreClock = setClock(rt.now);
  const app = createApp({ db: t.db, log: createLogger('silent'), workflows: rt.client }, { resolveActor: createActorResolver() });
  server = app.listen(0, '127.0.0.1');
  await new Promise((res) => server.once('listening', res));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((res) => server?.close(res));
  restoreClock?.();
  await rt?.shutdown();
  await t?.drop();
});

async function phone(username: string): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  const page = await ctx.newPage();
  page.setDefaultTimeout(45_000);
  await page.goto(`${base}/m/login`);
  await page.getByPlaceholder('请输入用户名').fill(username);
  await page.getByPlaceholder('请输入密码').fill(PASSWORD);
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await page.waitForURL((u) => !u.pathname.endsWith('/login'));
  return { ctx, page };
}

async function pc(username: string, next: string): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await ctx.newPage();
  page.setDefaultTimeout(45_000);
  page.on('response', (r) => {
    if (r.status() >= 500) console.log(`[${username}] ${r.status()} ${r.url()}`);
  });
  await page.goto(`${base}/login?next=${encodeURIComponent(next)}`);
  await page
    .getByLabel('用户名')
    .waitFor()
    .catch(async (e) => {
      await page.screenshot({ path: `/tmp/issue-debug-login-${username}.png` });
      console.log(await page.content());
      throw e;
    });
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(PASSWORD);
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await page.waitForURL((u) => u.pathname === next);
  return { ctx, page };
}

/**
 * Waits for a page's root element; reloads once when it does not come. Other test runs on the
 * shared tree may rebuild web/dist while this one runs, and a lazy chunk that vanished meanwhile
 * leaves a blank page (the machine is also heavily shared: generous timeouts).
 */
async function ready(page: Page, testId: string) {
  try {
    await page.getByTestId(testId).first().waitFor({ timeout: 45_000 });
  } catch {
    await page.screenshot({ path: `/tmp/issue-debug-${testId}.png`, fullPage: true });
    await page.reload();
    await page.getByTestId(testId).first().waitFor({ timeout: 45_000 });
  }
}

/** Waits until the workflow has opened the next task of the issue (the UI's previous submit is processed). */
async function openTask(issueNo: string, formKey: string): Promise<number> {
  let id = 0;
  await expect
    .poll(
      async () => {
        await rt.idle?.();
        const row = await t.db('tasks').where({ biz_id: issueNo, form_key: formKey }).whereIn('status', ['open', 'claimed']).first();
        id = row ? Number(row.id) : 0;
        return id;
      },
      { timeout: 30_000 },
    )
    .toBeGreaterThan(0);
  return id;
}

const step = async (issueNo: string) => (await t.db('issues').where({ issue_no: issueNo }).first()).step as string;

/** PC: open the issue, 办理, choose the action, fill, submit and confirm. */
async function pcAct(page: Page, issueNo: string, action: string, fill: (p: Page) => Promise<void>, shot?: string) {
  await page.goto(`${base}/issues/${issueNo}`);
  await ready(page, 'issue-handle');
  await page.getByTestId('issue-handle').first().click();
  await atRest(page.getByTestId('task-form')); // the drawer has opened
  await page.getByLabel(action, { exact: true }).check();
  await fill(page);
  if (shot) await page.screenshot({ path: shot });
  await page.getByTestId('task-submit').click();
  // One click on the confirm once its opening animation has ended: a click during it lands beside
  // the button, and a second click after a slow submit would wait for a confirm that is gone.
  const confirm = page.locator('.ant-modal-confirm .ant-btn-primary');
  await clickAtRest(confirm);
  await confirm.waitFor({ state: 'detached', timeout: 60_000 });
  await page
    .getByTestId('task-form')
    .waitFor({ state: 'detached', timeout: 60_000 })
    .catch(async (e) => {
      await page.screenshot({ path: '/tmp/issue-debug-submit.png' });
      throw e;
    });
}

/** Phone: open the issue from 问题中心, 去办理, choose the action, fill, submit and confirm. */
async function phoneAct(page: Page, issueNo: string, action: string, fill: (p: Page) => Promise<void>, shot?: string) {
  await page.goto(`${base}/m/issues/${issueNo}`);
  await ready(page, 'm-issue-handle');
  await page.getByTestId('m-issue-handle').click();
  await page.getByTestId('task-form').waitFor();
  await page.getByLabel(action, { exact: true }).check();
  await fill(page);
  if (shot) await page.screenshot({ path: shot, fullPage: true });
  await page.getByTestId('task-submit').click();
  await clickAtRest(page.locator('.adm-dialog').getByRole('button', { name: '提交' }));
  await page.waitForURL((u) => u.pathname === '/m/tasks');
}

describe('Fengqiao issue flow in Chromium', { timeout: 480_000 }, () => {
  it('M-4 a grid worker reports on the phone with a photo and a typed position; the community sees it with its map (Q-1)', async () => {
    const w = await phone('gridworker');
    await w.page.goto(`${base}/m/issues`);
    await ready(w.page, 'm-issues');
    await w.page.getByTestId('m-issue-new').click();
    await ready(w.page, 'm-issue-report');
    // Required fields are checked in Chinese before anything is sent.
    await w.page.getByTestId('issue-report-submit').click();
    await w.page.getByText('请填写问题标题').waitFor();
    await w.page.getByPlaceholder('一句话说明问题').fill('3号楼前路灯不亮');
    await w.page.getByPlaceholder('发现时间、具体情况').fill('3号楼前两盏路灯连续三晚不亮，居民夜间出行不便');
    await w.page.getByTestId('issue-photo-input').setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: PHOTO });
    await w.page.locator('.mi-photo img').first().waitFor();
    // No GPS in the test browser: the manual fallback.
    await w.page.getByRole('button', { name: '手动填写' }).click();
    await w.page.getByRole('textbox', { name: '经度' }).fill('84.8731');
    await w.page.getByRole('textbox', { name: '纬度' }).fill('45.5952');
    await w.page.getByTestId('issue-location-value').waitFor();
    await w.page.getByPlaceholder('小区、楼栋、门牌等').fill('友谊路街道 3 号楼');
    await w.page.screenshot({ path: '/tmp/issue-m-report.png', fullPage: true });
    await w.page.getByTestId('issue-report-submit').click();
    await w.page.getByTestId('m-issue-detail').waitFor();
    const issueNo = w.page.url().split('/').pop()!;
    expect(issueNo).toMatch(/^Q\d{14}$/);
    reportedNo = issueNo;
    await expect.poll(async () => w.page.getByTestId('m-issue-timeline').textContent(), { timeout: 20_000 }).toContain('专职网格员');
    await w.page.screenshot({ path: '/tmp/issue-m-detail.png', fullPage: true });
    const row = await t.db('issues').where({ issue_no: issueNo }).first();
    expect(row.attachments).toHaveLength(1);
    expect(row.address).toBe('友谊路街道 3 号楼');
    await openTask(issueNo, 'issue.community');
    await w.ctx.close();

    // The community's list: 待办 tab with a count, the issue in it; the detail with map and photo.
    const c = await pc('community', '/issues');
    await ready(c.page, 'issue-list');
    await expect.poll(async () => c.page.getByTestId('tab-todo').textContent(), { timeout: 20_000 }).toMatch(/待办\s*[1-9]/);
    await c.page.getByText('3号楼前路灯不亮').waitFor();
    await c.page.screenshot({ path: '/tmp/issue-pc-list.png' });
    await c.page.getByText('3号楼前路灯不亮').click();
    await c.page.getByTestId('issue-detail').waitFor();
    await c.page.getByTestId('issue-map').locator('canvas').first().waitFor();
    expect(await c.page.getByTestId('issue-detail').textContent()).toContain('经度 84.873100，纬度 45.595200');
    expect(await c.page.getByTestId('issue-timeline').textContent()).toContain('专职网格员');
    await c.page.waitForTimeout(500);
    await c.page.screenshot({ path: '/tmp/issue-pc-detail-map.png', fullPage: true });
    await c.ctx.close();
  });

  it('Q-1 I-6 resident submits → worker verifies on the phone → community escalates → street dispatches → department accepts and feeds back → worker verifies with stars → resident rates → street archives', async () => {
    // 1. The resident (I-6) submits on the phone.
    const r = await phone('resident1');
    await ready(r.page, 'm-resident');
    await r.page.getByTestId('m-resident-new').click();
    await ready(r.page, 'm-resident-submit');
    await r.page.getByPlaceholder('如：楼道灯不亮').fill('二单元楼道灯坏了');
    await r.page.getByPlaceholder('什么时间、在哪里、什么情况').fill('二单元三楼楼道灯坏了一周，老人上下楼不安全');
    await r.page.getByPlaceholder('小区、楼栋、单元').fill('幸福小区 2 栋 2 单元');
    await r.page.screenshot({ path: '/tmp/issue-resident-submit.png', fullPage: true });
    await r.page.getByTestId('m-resident-submit-btn').click();
    await r.page.getByTestId('m-resident-detail').waitFor();
    const issueNo = r.page.url().split('/').pop()!;
    expect(issueNo).toMatch(/^Q\d{14}$/);
    expect(await r.page.getByTestId('m-resident-step').textContent()).toBe('网格员核实中');

    // 2. The grid worker verifies and reports it (核实上报) on the phone.
    await openTask(issueNo, 'issue.grid_verify');
    const w = await phone('gridworker');
    await w.page.goto(`${base}/m/issues`);
    await w.page.getByText('二单元楼道灯坏了').waitFor();
    await w.page.screenshot({ path: '/tmp/issue-m-centre.png', fullPage: true });
    await phoneAct(w.page, issueNo, '核实上报', async (p) => {
      await p.getByLabel('核实情况').fill('现场核实属实，需社区协调物业维修');
    });
    await openTask(issueNo, 'issue.community');

    // 3. The community escalates to the street (PC).
    const c = await pc('community', '/issues');
    await pcAct(
      c.page,
      issueNo,
      '上报街道',
      async (p) => {
        await p.getByLabel('原因说明').fill('物业已撤场，需街道协调职能部门');
      },
      '/tmp/issue-pc-community-drawer.png',
    );
    await openTask(issueNo, 'issue.street');
    expect(await step(issueNo)).toBe('street');

    // 4. The street dispatches to the department, picked by name (PC).
    const s = await pc('street', '/issues');
    await pcAct(
      s.page,
      issueNo,
      '派单',
      async (p) => {
        await p.getByTestId('picker-deptIds').locator('.ant-select').click();
        await clickOption(p, '克拉玛依市公安局');
        await p.getByTestId('picker-deptIds').locator('.ant-select-selection-item', { hasText: '克拉玛依市公安局' }).waitFor();
        await p.keyboard.press('Escape');
        await p.getByLabel('派单意见').fill('请于时限内修复并反馈');
      },
      '/tmp/issue-pc-street-dispatch.png',
    );
    await openTask(issueNo, 'issue.department');

    // 5. The department accepts, then feeds back (PC).
    const d = await pc('dept', '/issues');
    await pcAct(d.page, issueNo, '受理', async () => undefined);
    await openTask(issueNo, 'issue.department');
    await pcAct(
      d.page,
      issueNo,
      '办理反馈',
      async (p) => {
        await p.getByLabel('办理结果').fill('已更换楼道声控灯 3 盏，经试用正常');
      },
      '/tmp/issue-pc-dept-feedback.png',
    );
    await openTask(issueNo, 'issue.verify');

    // 6. The worker verifies and rates with stars (phone).
    await phoneAct(
      w.page,
      issueNo,
      '核查通过',
      async (p) => {
        await p.getByTestId('stars').locator('.ant-rate-star').nth(4).click();
        await p.getByLabel('评价意见').fill('处置及时，效果良好');
      },
      '/tmp/issue-m-verify.png',
    );
    await openTask(issueNo, 'issue.archive');

    // 7. The resident sees the result and rates it (phone).
    await r.page.reload();
    await r.page.getByTestId('m-resident-rating').waitFor();
    // antd-mobile's Rate listens to touch gestures: tap the fourth star.
    await r.page.getByTestId('m-resident-rating').getByRole('radio', { name: '4' }).tap();
    await r.page.getByPlaceholder('说说您的意见（可选）').fill('灯修好了，谢谢');
    await r.page.screenshot({ path: '/tmp/issue-resident-rate.png', fullPage: true });
    await r.page.getByTestId('m-resident-rate').click();
    await r.page.getByText('您已评价').waitFor();
    await expect
      .poll(
        async () => {
          await rt.idle?.();
          return (await t.db('issues').where({ issue_no: issueNo }).first()).external_rating;
        },
        { timeout: 20_000 },
      )
      .toBe(4);

    // 8. The street archives (PC); the detail shows the whole history.
    await pcAct(s.page, issueNo, '结案归档', async () => undefined);
    await expect
      .poll(
        async () => {
          await rt.idle?.();
          return step(issueNo);
        },
        { timeout: 20_000 },
      )
      .toBe('archived');
    await s.page.goto(`${base}/issues/${issueNo}`);
    await s.page.getByTestId('issue-detail').waitFor();
    const tl = s.page.getByTestId('issue-timeline');
    await expect.poll(async () => tl.textContent(), { timeout: 20_000 }).toContain('已归档');
    const text = (await tl.textContent()) ?? '';
    for (const label of ['上报', '核实上报', '上报街道', '派单', '部门接单', '办理反馈', '核查通过', '居民评价', '结案归档', '已归档'])
      expect(text, label).toContain(label);
    expect(text).toContain('社区工作人员');
    expect(text).toContain('街道工作人员');
    expect(text).toContain('部门：克拉玛依市公安局');
    expect(await s.page.getByTestId('step-tag').first().textContent()).toBe('已归档');
    const issue = await t.db('issues').where({ issue_no: issueNo }).first();
    expect(issue).toMatchObject({ internal_rating: 5, external_rating: 4, step: 'archived' });
    await s.page.screenshot({ path: '/tmp/issue-pc-archived.png', fullPage: true });

    // The resident's progress page: 已办结, with the steps (no staff notes).
    await r.page.reload();
    await r.page.getByTestId('m-resident-detail').waitFor();
    expect(await r.page.getByTestId('m-resident-step').textContent()).toBe('已办结');
    const progress = (await r.page.getByTestId('m-issue-timeline').textContent()) ?? '';
    expect(progress).not.toContain('已更换楼道声控灯');
    for (const label of ['诉求已提交', '网格员已核实', '已派职能部门办理', '职能部门已办理', '您已评价', '已归档'])
      expect(progress, label).toContain(label);
    await r.page.screenshot({ path: '/tmp/issue-resident-done.png', fullPage: true });
    for (const x of [r, w, c, s, d]) await x.ctx.close();
  });

  it('Q-4 Q-3 the reported issue left at the community goes overdue: 纪委监委 督办单 downloadable on its page, listed for the joint meeting', async () => {
    expect(reportedNo).toMatch(/^Q/);
    await rt.skipTime?.('8 days');
    await expect
      .poll(async () => (await t.db('issues').where({ issue_no: reportedNo }).first()).supervision_level, { timeout: 20_000 })
      .toBe(3);
    const a = await pc('district', `/issues/${reportedNo}`);
    await a.page.getByTestId('issue-detail').waitFor();
    const link = a.page.getByTestId('document-download').first();
    await link.waitFor();
    expect(await a.page.getByTestId('issue-documents').textContent()).toContain(`督办单-${reportedNo}.pdf`);
    expect(await a.page.getByTestId('issue-detail').textContent()).toContain('纪委监委督办');
    expect(await a.page.getByTestId('issue-timeline').textContent()).toContain('督办');
    const [download] = await Promise.all([a.page.waitForEvent('download'), link.click()]);
    const file = await download.path();
    const fs = await import('node:fs');
    expect(fs.readFileSync(file).subarray(0, 5).toString()).toBe('%PDF-');
    await a.page.screenshot({ path: '/tmp/issue-pc-supervised.png', fullPage: true });
    await a.page.goto(`${base}/issues/joint-meeting`);
    await a.page.getByTestId('joint-meeting').getByText('3号楼前路灯不亮').waitFor();
    await a.page.screenshot({ path: '/tmp/issue-pc-joint.png' });
    await a.page.goto(`${base}/issues?tab=supervised`);
    await a.page.getByTestId('issue-list').getByText('3号楼前路灯不亮').waitFor();
    // (已超期 compares with the server's wall clock, which the engine's skipped days do not move.)
    await expect.poll(async () => a.page.getByTestId('tab-supervised').textContent(), { timeout: 20_000 }).toMatch(/督办中\s*[1-9]/);
    await a.page.screenshot({ path: '/tmp/issue-pc-list-supervised.png' });
    await a.ctx.close();
    // 纪委监委 reads the issue (no inbox of its own): no handle button, no permission error.
    const sv = await pc('supervisor', `/issues/${reportedNo}`);
    await ready(sv.page, 'issue-detail');
    await sv.page.getByTestId('document-download').first().waitFor();
    expect(await sv.page.getByTestId('issue-handle').count()).toBe(0);
    expect(await sv.page.locator('.ant-message-error').count()).toBe(0);
    await sv.ctx.close();
  });

  it('Q-6 Q-3 analysis charts and map, the joint-meeting list and the responsibility list for the district', async () => {
    const a = await pc('district', '/issues/analysis');
    await ready(a.page, 'issue-analysis');
    await a.page.getByTestId('chart-category').locator('canvas').waitFor();
    await a.page.getByTestId('chart-period').locator('canvas').waitFor();
    await a.page.getByTestId('hotspot-map').locator('canvas').first().waitFor();
    await a.page.waitForTimeout(800);
    await a.page.screenshot({ path: '/tmp/issue-pc-analysis.png', fullPage: true });
    await a.page.getByText('联席会议清单').click();
    await a.page.getByTestId('joint-meeting').waitFor();
    await a.page.getByText('五方责任清单').click();
    await a.page.getByTestId('category-tree').getByText('路灯故障').click();
    await a.page.getByTestId('party-editor').getByText('五方责任').waitFor();
    // The form takes the category's values in an effect after it renders: wait for them.
    await expect
      .poll(async () => a.page.getByTestId('party-editor').locator('input').nth(1).inputValue(), { timeout: 20_000 })
      .toBe('路灯故障');
    // add a 配合部门 and save; the list (and so the dispatch suggestion) holds it.
    await a.page.getByRole('button', { name: '添加责任方' }).click();
    await a.page.getByPlaceholder('部门（主责/配合部门必填）').last().fill('城管');
    await a.page.screenshot({ path: '/tmp/issue-pc-responsibility.png' });
    await a.page.getByRole('button', { name: /保\s*存/ }).click();
    await a.page.getByText('已保存').waitFor();
    const cat = await t.db('issue_categories').where({ code: 'SZ02' }).first();
    expect(cat.parties).toContainEqual({ party: '配合部门', dept: '城管' });
    expect(await t.db('audit_log').where({ object_type: 'issue_category', object_id: 'SZ02' })).toHaveLength(1);
    // N-2: no sideways page scroll on the issue pages at a narrow desktop width.
    await a.page.setViewportSize({ width: 1024, height: 768 });
    // Each page measured with its data shown (a page still loading is narrow) and its layout settled.
    const loaded: Record<string, (p: Page) => Promise<void>> = {
      // the list and its tab counts arrive together; the district's 督办中 tab holds the overdue report
      '/issues': (p) =>
        expect.poll(async () => p.getByTestId('tab-supervised').textContent(), { timeout: 20_000 }).toMatch(/督办中\s*[1-9]/),
      '/issues/analysis': (p) => p.getByTestId('chart-category').locator('canvas').waitFor(),
      '/issues/responsibility': (p) => p.getByTestId('category-tree').getByText('路灯故障').waitFor(),
      '/issues/joint-meeting': (p) => p.getByTestId('joint-meeting').getByText('3号楼前路灯不亮').waitFor(),
    };
    for (const [url, shown] of Object.entries(loaded)) {
      await a.page.goto(`${base}${url}`);
      await ready(a.page, 'issues-nav');
      await shown(a.page);
      expect(await settledOverflow(a.page), url).toBeLessThanOrEqual(0);
    }
    await a.ctx.close();
    // A grid worker has no supervision right: no such pages in the navigation.
    const g = await pc('gridworker', '/issues');
    await g.page.getByTestId('issues-nav').waitFor();
    expect(await g.page.getByTestId('issues-nav').textContent()).not.toContain('联席会议');
    await g.ctx.close();
  });
});
