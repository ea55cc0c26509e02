/**
 * Browser test of the form inbox and the workflow console (M-3, N-2) on PostgreSQL: the real API
 * with the embedded engine on a virtual clock (the test skips time; nothing waits on the wall
 * clock), the demo approval process, the built web app and the system Chromium.
 *
 * Story: two demo approvals are started for the grid workers of gridworker's grid. The console
 * shows the first at its step with the deadline timer and its fire time; the worker opens it on
 * the phone, enters an invalid value (Chinese error), corrects it and submits; the process
 * advances to its end. The second is left alone; after three days are skipped its deadline has
 * passed and a supervisor finds it with the console's 超期 filter. Screenshots: /tmp/inbox-*.png.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTasksActivities } from '../../activities/tasks';
import { createApp } from '../../api/app';
import { setClock } from '../../api/auth/clock';
import { createActorResolver } from '../../api/auth/session';
import { createLogger } from '../../api/logger';
import { insertTask } from '../../db/queries/tasks';
import { seedDemoAccounts } from '../../db/seed/accounts';
import { createTestDb, type TestDb } from '../../db/testing/server';
import { createRuntime, type Runtime } from '../../temporal-config';
import type { DemoApprovalInput } from '../../workflows/demo-approval-messages';
import { atRest, clickAtRest, clickOption } from './waits';

const webRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = path.resolve(webRoot, '..');
const distIndex = path.join(webRoot, 'dist', 'index.html');
const workflowsPath = path.join(repoRoot, 'workflows/index.ts');
const PASSWORD = 'Demo@2026';
const DAY = 86_400_000;

function newestSource(dir: string): number {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'dist' || e.name === 'e2e' || e.name === 'node_modules') continue;
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestSource(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

function ensureBuilt(): void {
  if (fs.existsSync(path.join(webRoot, 'dist/console/index.html')) && fs.statSync(distIndex).mtimeMs >= newestSource(webRoot)) return;
  execFileSync(
    process.execPath,
    [path.join(repoRoot, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'],
    { cwd: repoRoot, stdio: 'inherit' },
  );
}

let t: TestDb;
let rt: Runtime;
let server: Server;
let base: string;
let browser: Browser;
let restoreClock: () => void;
let grid: { path: string; name: string };

async function startDemo(id: string, title: string, applicant: string, deadlineMs: number) {
  const input: DemoApprovalInput = { title, applicant, orgPath: grid.path, candidateRole: 'grid_worker', deadlineMs };
  await rt.client.start('demoApproval', { workflowId: id, taskQueue: rt.taskQueue, args: [input] });
  await rt.idle?.();
}

beforeAll(async () => {
  ensureBuilt();
  t = await createTestDb();
  await seedDemoAccounts(t.db);
  const worker = await t.db('users').where({ username: 'gridworker' }).first();
  const org = await t.db('org_units').where({ id: worker.org_id }).first();
  grid = { path: String(org.path), name: String(org.name) };
  // The engine's virtual clock starts now; the app (sessions, console "now") reads the same clock.
  rt = await createRuntime({
    db: t.db,
    address: null,
    timeSkipping: true,
    workflowsPath,
    startAt: Date.now(),
    activities: createTasksActivities(t.db),
  });
  restoreClock = setClock(rt.now);
  const app = createApp({ db: t.db, log: createLogger('silent'), workflows: rt.client }, { resolveActor: createActorResolver() });
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => server?.close(r));
  restoreClock?.();
  await rt?.shutdown();
  await t?.drop();
});

async function phone(): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  const page = await ctx.newPage();
  page.setDefaultTimeout(20_000);
  return { ctx, page };
}

async function mobileLogin(page: Page, username: string) {
  await page.goto(`${base}/m/login`);
  await page.getByPlaceholder('请输入用户名').fill(username);
  await page.getByPlaceholder('请输入密码').fill(PASSWORD);
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await page.waitForURL((u) => !u.pathname.endsWith('/login'));
}

async function pcLogin(page: Page, username: string, next: string) {
  await page.goto(`${base}/login?next=${encodeURIComponent(next)}`);
  await page
    .getByLabel('用户名')
    .waitFor()
    .catch(async (e) => {
      await page.screenshot({ path: '/tmp/inbox-debug-login.png' });
      throw e;
    });
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(PASSWORD);
  await page.getByRole('button', { name: /登\s*录/ }).click();
}

async function consolePage(username: string, url: string): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 860 } });
  const page = await ctx.newPage();
  page.setDefaultTimeout(45_000);
  await pcLogin(page, username, url);
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  await page.goto(`${base}${url}`);
  return { ctx, page };
}

const fmtCn = (ms: number) =>
  new Date(ms).toLocaleString('zh-CN', {
    hour12: false,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: 'Asia/Shanghai',
  });

describe('form inbox and workflow console in Chromium', { timeout: 180_000 }, () => {
  it('M-3 phone inbox → invalid value (Chinese error) → corrected submit → process advances; console shows step, timer and fire time; overdue found after skipping time', async () => {
    const started = rt.now().getTime();
    await startDemo('demo-e2e-a', '居民临时救助申请审批', '张三', 2 * DAY);
    await startDemo('demo-e2e-b', '门前绿地占用申请审批', '李四', 1 * DAY);

    // 1. Console (supervisor): process A waits at its step with the deadline timer.
    const sup = await consolePage('supervisor', '/console/workflows/demo-e2e-a');
    await sup.page.getByTestId('console-detail').waitFor();
    expect(await sup.page.getByTestId('current-stage').textContent()).toContain('居民临时救助申请审批');
    await expect.poll(async () => sup.page.getByTestId('workflow-state').textContent(), { timeout: 20_000 }).toContain('待办理');
    const timer = sup.page.getByTestId('pending-timer').first();
    await timer.waitFor();
    const fire = fmtCn(started + 2 * DAY);
    expect(await timer.textContent()).toContain(fire);
    expect(await timer.textContent()).toMatch(/剩余 (1天23小时|2天)/);
    expect(await sup.page.locator('.wc-timeline').textContent()).toContain(`到期时间`);
    await sup.page.screenshot({ path: '/tmp/inbox-console-detail-waiting.png', fullPage: true });

    // 2. The worker's phone: both tasks in the inbox, open A.
    const w = await phone();
    await mobileLogin(w.page, 'gridworker');
    await w.page.goto(`${base}/m/tasks`);
    const items = w.page.getByTestId('m-task-item');
    await items.first().waitFor();
    expect(await w.page.getByTestId('m-tasks').textContent()).toContain('居民临时救助申请审批');
    await w.page.screenshot({ path: '/tmp/inbox-phone-list.png' });
    await w.page.getByText('居民临时救助申请审批').click();
    await w.page.getByTestId('m-task-detail').waitFor();
    await w.page.getByTestId('task-form').waitFor();

    // 3. Invalid: 不同意 with a one-character reason → the Chinese rule message, nothing sent.
    await w.page.getByLabel('不同意').check();
    await w.page.locator('textarea').fill('差');
    await w.page.getByTestId('task-submit').click();
    const err = w.page.locator('.ant-form-item-explain-error').first();
    await err.waitFor();
    expect(await err.textContent()).toMatch(/不应少于 2 个字符|[\u4e00-\u9fa5]/);
    expect(await err.textContent()).not.toMatch(/must|should/i);
    await w.page.screenshot({ path: '/tmp/inbox-phone-error.png', fullPage: true });
    expect((await t.db('tasks').where({ workflow_id: 'demo-e2e-a' }).first()).status).toBe('open');

    // The draft survives a reload (a dropped connection loses nothing).
    await w.page.reload();
    await w.page.getByTestId('task-form').waitFor();
    expect(await w.page.locator('textarea').inputValue()).toBe('差');

    // 4. Corrected and submitted: the list updates without a page reload.
    await w.page.locator('textarea').fill('材料不全，请补充低保证明后重新申请');
    await w.page.getByTestId('task-submit').click();
    await clickAtRest(w.page.locator('.adm-dialog').getByRole('button', { name: '提交' })); // the confirm dialog, once it has opened
    await w.page.getByTestId('m-tasks').waitFor();
    // The list refetches after the submit; while it loads it is empty, so wait for the refreshed list
    // itself: B still there, A gone.
    await expect
      .poll(
        async () => {
          const text = (await w.page.getByTestId('m-tasks').textContent()) ?? '';
          return text.includes('门前绿地占用申请审批') && !text.includes('居民临时救助申请审批');
        },
        { timeout: 20_000 },
      )
      .toBe(true);
    await w.page.screenshot({ path: '/tmp/inbox-phone-after-submit.png' });
    await rt.idle?.();
    const result = await rt.client.getHandle('demo-e2e-a').result();
    expect(result).toMatchObject({ outcome: 'rejected', comment: '材料不全，请补充低保证明后重新申请' });

    // 5. Console: A advanced to its end; the timeline shows the submission and the cancelled timer.
    await sup.page.reload();
    await sup.page.getByTestId('console-detail').waitFor();
    await expect.poll(async () => sup.page.getByTestId('workflow-state').textContent(), { timeout: 20_000 }).toContain('未同意');
    const timeline = (await sup.page.locator('.wc-timeline').textContent()) ?? '';
    expect(timeline).toContain('收到表单提交');
    expect(timeline).toContain('流程完成');
    expect(timeline).toContain('定时器取消');
    await sup.page.screenshot({ path: '/tmp/inbox-console-detail-done.png', fullPage: true });

    // 6. Three days pass (virtual time): B's deadline fires, its task is closed as overdue.
    await rt.skipTime?.('3 days');
    expect((await t.db('tasks').where({ workflow_id: 'demo-e2e-b' }).first()).status).toBe('expired');

    // The worker's phone shows why B can no longer be submitted.
    const bId = (await t.db('tasks').where({ workflow_id: 'demo-e2e-b' }).first()).id;
    await mobileLogin(w.page, 'gridworker'); // the session idled out during the three days
    await w.page.goto(`${base}/m/tasks/${bId}`);
    const closed = w.page.getByTestId('task-closed');
    await closed.waitFor();
    expect(await closed.textContent()).toContain('超过办理时限');
    expect(await w.page.getByTestId('task-submit').count()).toBe(0);
    await w.page.screenshot({ path: '/tmp/inbox-phone-closed.png', fullPage: true });

    // 7. The supervisor filters overdue processes and finds B (not A).
    await sup.ctx.close();
    const sup2 = await consolePage('supervisor', '/console/');
    await sup2.page.getByTestId('console-list').waitFor();
    const table = sup2.page.locator('.ant-table-tbody');
    await sup2.page.getByText('全部', { exact: false }).locator('xpath=ancestor::label').first().click();
    // The unfiltered 全部 list (A, completed, is only in it) has arrived before the overdue filter is applied.
    await expect.poll(async () => table.textContent(), { timeout: 20_000 }).toContain('demo-e2e-a');
    await sup2.page.getByTestId('filter-overdue').click();
    await clickOption(sup2.page, /^超期$/);
    await sup2.page.getByTestId('filter-submit').click();
    // The 全部 list already holds B: wait for the filtered list itself, B there and A gone.
    await expect
      .poll(
        async () => {
          const text = (await table.textContent()) ?? '';
          return text.includes('demo-e2e-b') && !text.includes('demo-e2e-a');
        },
        { timeout: 20_000 },
      )
      .toBe(true);
    expect(await table.textContent()).toContain('超期');
    await sup2.page.screenshot({ path: '/tmp/inbox-console-overdue.png', fullPage: true });

    // B's detail: the timer fired at its fire time and the task closed as overdue.
    await sup2.page.getByRole('link', { name: 'demo-e2e-b' }).click();
    await sup2.page.getByTestId('console-detail').waitFor();
    const tl = (await sup2.page.locator('.wc-timeline').textContent()) ?? '';
    expect(tl).toContain('定时器到期');
    expect(tl).toContain('超期关闭');
    expect(tl).toContain(fmtCn(started + DAY));
    await sup2.page.screenshot({ path: '/tmp/inbox-console-detail-expired.png', fullPage: true });
    await sup2.ctx.close();
    await w.ctx.close();
  });

  it('M-3 PC inbox: tabs with counts and the task drawer with its form', async () => {
    await startDemo('demo-e2e-c', '社区活动场地借用审批', '王五', 5 * DAY);
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 800 } });
    const page = await ctx.newPage();
    page.setDefaultTimeout(20_000);
    await pcLogin(page, 'gridworker', '/inbox');
    await page.waitForURL((u) => !u.pathname.startsWith('/login'));
    await page.goto(`${base}/inbox`);
    await page.locator('.ant-table-tbody tr.ant-table-row').first().waitFor();
    expect(await page.locator('.ant-tabs').textContent()).toContain('审批');
    await page.getByText('社区活动场地借用审批').click();
    await page.getByTestId('pc-task-detail').waitFor();
    await atRest(page.getByTestId('task-form')); // the drawer has opened
    await page.screenshot({ path: '/tmp/inbox-pc.png' });
    await page.getByLabel('同意').first().check();
    await page.getByTestId('task-submit').click();
    // One click on the confirm once its opening animation has ended (a click during it lands beside the button).
    const confirm = page.locator('.ant-modal-confirm .ant-btn-primary');
    await clickAtRest(confirm);
    await confirm.waitFor({ state: 'detached' });
    await expect
      .poll(async () => page.locator('.ant-table-tbody').textContent(), { timeout: 20_000 })
      .not.toContain('社区活动场地借用审批');
    await rt.idle?.();
    expect(await rt.client.getHandle('demo-e2e-c').result()).toMatchObject({ outcome: 'approved' });
    await ctx.close();
  });

  it('M-3 phone form: the action radio offers only the task allowedActions; a camera photo is downscaled, uploaded and shown', async () => {
    const { id } = await insertTask(t.db, {
      workflowId: 'issue-e2e-photo',
      signalName: 'issue.taskSubmitted',
      formKey: 'issue.grid_verify',
      title: '核实：小区路灯损坏',
      bizType: 'issue',
      bizId: 'E2E-0001',
      data: { allowedActions: ['report', 'invalid'] },
      candidateRole: 'grid_worker',
      candidateOrgPath: grid.path,
      orgPath: grid.path,
      dueAt: new Date(rt.now().getTime() + 2 * DAY),
      idempotencyKey: 'e2e-photo-task',
    });
    const w = await phone();
    await mobileLogin(w.page, 'gridworker');
    await w.page.goto(`${base}/m/tasks/${id}`);
    await w.page.getByTestId('task-form').waitFor();
    const radios = w.page.locator('.ant-radio-wrapper');
    expect(await radios.allTextContents()).toEqual(['核实上报', '无效件']);
    // A 2400×1800 PNG drawn in the page: the upload is downscaled to 1600 px JPEG first.
    const png = await w.page.evaluate(async () => {
      const c = document.createElement('canvas');
      c.width = 2400;
      c.height = 1800;
      const g = c.getContext('2d') as CanvasRenderingContext2D;
      g.fillStyle = '#3b5f86';
      g.fillRect(0, 0, 2400, 1800);
      g.fillStyle = '#e0c060';
      g.fillRect(600, 400, 1200, 900);
      const blob = await new Promise<Blob | null>((r) => c.toBlob(r, 'image/png'));
      const buf = new Uint8Array(await (blob as Blob).arrayBuffer());
      let bin = '';
      for (const b of buf) bin += String.fromCharCode(b);
      return btoa(bin);
    });
    await w.page
      .getByTestId('photo-input')
      .setInputFiles({ name: 'IMG_0001.png', mimeType: 'image/png', buffer: Buffer.from(png, 'base64') });
    const thumb = w.page.locator('.tf-thumb img');
    await thumb.waitFor();
    await expect.poll(async () => thumb.evaluate((img: HTMLImageElement) => img.naturalWidth), { timeout: 20_000 }).toBe(1600);
    const file = await t.db('files').where({ task_id: id }).first();
    expect(file).toMatchObject({ mime: 'image/jpeg', name: 'IMG_0001.jpg' });
    expect(String(file.org_path)).toBe(grid.path);
    // The draft keeps the uploaded photo's id.
    const draft = await w.page.evaluate(
      (k) => localStorage.getItem(k),
      `task-draft:${(await t.db('users').where({ username: 'gridworker' }).first()).id}:${id}`,
    );
    expect(draft).toContain(file.id);
    // 无效件 needs 无效原因 (a conditional rule of the form): the Chinese message, nothing sent.
    await w.page.getByLabel('无效件').check();
    await w.page.getByTestId('task-submit').click();
    const reasonError = w.page.locator('.rjsf-field', { has: w.page.locator('#task_reason') }).locator('.ant-form-item-explain-error');
    await reasonError.waitFor();
    expect(await reasonError.textContent()).toBe('此项为必填项，请填写');
    expect((await t.db('tasks').where({ id }).first()).status).toBe('open');
    await w.page.getByTestId('attachments').scrollIntoViewIfNeeded();
    await w.page.screenshot({ path: '/tmp/inbox-phone-photo.png' });
    await w.ctx.close();
  });

  it('N-5 console admin action: only the system administrator sees it; confirmed with a reason; the process ends and the audit log has it', async () => {
    await startDemo('demo-e2e-admin', '临时占道施工审批', '赵六', 5 * DAY);
    const sup = await consolePage('supervisor', '/console/workflows/demo-e2e-admin');
    await sup.page.getByTestId('console-detail').waitFor();
    expect(await sup.page.getByRole('button', { name: /强制终止/ }).count()).toBe(0);
    expect(await sup.page.getByTestId('console-detail').textContent()).toContain('管理操作仅限系统管理员');
    await sup.ctx.close();

    const adm = await consolePage('admin', '/console/workflows/demo-e2e-admin');
    await adm.page.getByTestId('console-detail').waitFor();
    await adm.page.getByRole('button', { name: /强制终止/ }).click();
    const dialog = adm.page.locator('.ant-modal');
    await dialog.waitFor();
    const ok = dialog.getByRole('button', { name: /确认执行/ });
    expect(await ok.isDisabled()).toBe(true); // no reason yet
    await dialog.locator('textarea').fill('申请人已撤回，终止流程');
    await expect.poll(async () => ok.isEnabled(), { timeout: 20_000 }).toBe(true);
    await atRest(ok); // the dialog has opened
    await adm.page.screenshot({ path: '/tmp/inbox-console-admin-confirm.png' });
    await ok.click();
    await expect.poll(async () => adm.page.getByTestId('console-detail').textContent(), { timeout: 20_000 }).toContain('已终止');
    expect(await adm.page.locator('.wc-timeline').textContent()).toContain('流程被强制终止');
    expect((await t.db('tasks').where({ workflow_id: 'demo-e2e-admin' }).first()).status).toBe('cancelled');
    const audit = await t.db('audit_log').where({ action: 'workflow_terminate', object_id: 'demo-e2e-admin' }).first();
    expect(audit?.username).toBe('admin');
    await adm.ctx.close();
  });
});
