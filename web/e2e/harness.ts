/**
 * Shared set-up of the back-office browser tests: the real API on a cloned test database with the
 * demo accounts, the system Chromium (Debian's, headless), and pages logged in as a demo user.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium, type Page } from 'playwright-core';
import { createApp } from '../../api/app';
import { createActorResolver } from '../../api/auth/session';
import { createLogger } from '../../api/logger';
import { DEMO_PASSWORD, seedDemoAccounts } from '../../db/seed/accounts';
import { createTestDb, type TestDb } from '../../db/testing/server';

export interface BrowserHarness {
  t: TestDb;
  /** http://127.0.0.1:<port> of the app */
  base: string;
  browser: Browser;
  /** A new page (1366×900, downloads accepted) logged in with the demo password. */
  login(username: string): Promise<Page>;
  close(): Promise<void>;
}

export async function startBrowserHarness(): Promise<BrowserHarness> {
  const t = await createTestDb();
  await seedDemoAccounts(t.db);
  const app = createApp({ db: t.db, log: createLogger('silent') }, { resolveActor: createActorResolver() });
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  return {
    t,
    base,
    browser,
    async login(username) {
      const page = await browser.newPage({ viewport: { width: 1366, height: 900 }, acceptDownloads: true });
      page.setDefaultTimeout(20_000);
      await page.goto(`${base}/login`);
      await page.getByLabel('用户名').fill(username);
      await page.getByLabel('密码').fill(DEMO_PASSWORD);
      await page.getByRole('button', { name: /登\s*录/ }).click();
      await page.getByTestId('user-menu').waitFor();
      return page;
    },
    async close() {
      await browser.close();
      await new Promise((r) => server.close(r));
      await t.drop();
    },
  };
}

/** Types into an antd select (by test id) and picks the matching option with Enter. */
export async function pickOption(page: Page, testId: string, text: string): Promise<void> {
  await page.getByTestId(testId).click();
  await page.keyboard.type(text);
  // The filtered list's first option is active: Enter picks it (no click on a popup that may be animating).
  await page.locator('.ant-select-item-option-active:visible', { hasText: text }).first().waitFor();
  await page.keyboard.press('Enter');
}
