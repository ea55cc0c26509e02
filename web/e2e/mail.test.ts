/**
 * Browser test of 邮件查看: a 督办 reminder sent while no SMTP server is configured is caught
 * by the embedded catcher and read by the system administrator in the back office; other roles
 * see no such menu entry.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailer, type PlatformMailer } from '../../activities/mail/mailer';
import { createApp } from '../../api/app';
import { createActorResolver } from '../../api/auth/session';
import { createLogger } from '../../api/logger';
import { DEMO_PASSWORD, seedDemoAccounts } from '../../db/seed/accounts';
import { createTestDb, type TestDb } from '../../db/testing/server';

let t: TestDb;
let server: Server;
let base: string;
let browser: Browser;
let mailer: PlatformMailer;

beforeAll(async () => {
  t = await createTestDb();
  await seedDemoAccounts(t.db);
  mailer = await createMailer(t.db, {});
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
  await mailer?.close();
  await t?.drop();
});

async function login(page: Page, username: string): Promise<void> {
  await page.goto(`${base}/login`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await page.getByTestId('user-menu').waitFor();
}

describe('邮件查看 in Chromium', { timeout: 120_000 }, () => {
  it('Q-4 the system administrator reads a caught 督办 mail with its PDF attachment; staff have no such page', async () => {
    await mailer.send({
      to: 'jw@klmy.gov.cn',
      subject: '【纪委监委督办】下水道堵塞（Q20251103000001）',
      text: '问题「下水道堵塞」已超过办理时限，请登录一张表数字化治理平台督促办理。',
      attachments: [{ filename: '督办单-Q20251103000001.pdf', content: Buffer.from('%PDF-1.3 x') }],
    });
    const page = await browser.newPage({ viewport: { width: 1366, height: 800 } });
    page.setDefaultTimeout(30_000);
    await login(page, 'admin');
    await page.getByRole('menuitem', { name: '邮件查看' }).click();
    await page.getByText('【纪委监委督办】下水道堵塞（Q20251103000001）').click();
    const drawer = page.getByRole('dialog');
    await drawer.getByText('请登录一张表数字化治理平台督促办理').waitFor();
    expect(await drawer.textContent()).toContain('督办单-Q20251103000001.pdf');
    await page.screenshot({ path: '/tmp/mail-page.png' });
    await page.close();

    const staff = await browser.newPage({ viewport: { width: 1366, height: 800 } });
    staff.setDefaultTimeout(30_000);
    await login(staff, 'community');
    expect(await staff.getByRole('menuitem', { name: '邮件查看' }).count()).toBe(0);
    await staff.close();
  });
});
