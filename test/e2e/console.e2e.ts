// Browser test of the console (web/) against a real server: sign in as the built-in administrator, change the
// first-login password, create a user with a role, find that in the audit log, and switch to English.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, startTestServer } from './harness.js';

describe('console', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
    const context = await browser.newContext({
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
      viewport: { width: 1440, height: 900 },
    });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const newAdminPassword = 'Hutong#E2e-2025';
  const username = `e2e_${Date.now().toString(36)}`;

  it('signs in and changes the first-login password', async () => {
    await page.goto(server.url.replace(/\/?$/, '/'));
    await page.waitForURL(/\/login/);
    await page.getByTestId('login-form').waitFor();

    // A wrong password shows the server's message and stays on the sign-in page.
    await page.getByTestId('login-username').fill(server.adminUsername);
    await page.getByTestId('login-password').fill(`${server.adminPassword}-wrong`);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('login-error').waitFor();

    await page.getByTestId('login-password').fill(server.adminPassword);
    await page.getByTestId('login-submit').click();
    await page.waitForURL(/\/(change-password|overview)/);

    if (page.url().includes('/change-password')) {
      await page.getByTestId('password-policy').waitFor();
      await page.getByTestId('current-password').fill(server.adminPassword);
      await page.getByTestId('new-password').fill(newAdminPassword);
      await page.getByTestId('confirm-password').fill(newAdminPassword);
      await page.getByTestId('change-password-submit').click();
      await page.waitForURL(/\/overview/);
    }

    // The overview shows the real product version and the signed-in user.
    await page.getByTestId('meta-version').waitFor();
    expect((await page.getByTestId('meta-version').textContent())?.trim()).not.toBe('');
    await expect(page.getByTestId('overview-user').textContent()).resolves.toContain(server.adminUsername);
  });

  it('creates a user with a role', async () => {
    await page.getByRole('menuitem', { name: '系统管理' }).click();
    await page.getByRole('menuitem', { name: '用户管理' }).click();
    await page.waitForURL(/\/system\/users/);

    await page.getByTestId('user-create').click();
    const form = page.getByTestId('user-form');
    await form.waitFor();
    await page.getByTestId('user-username').fill(username);
    await page.getByTestId('user-display-name').fill('端到端测试用户');
    await page.getByTestId('user-email').fill(`${username}@example.org`);
    await page.getByTestId('user-password').fill('Init#Pass-2025');
    await page.getByTestId('user-roles').click();
    await page.locator('.ant-select-item-option').first().waitFor();
    const roleOption = page.locator('.ant-select-item-option', { hasText: '运维人员' });
    await ((await roleOption.count()) > 0 ? roleOption : page.locator('.ant-select-item-option').last()).click();
    await page.keyboard.press('Escape');
    await page.getByTestId('user-save').click();

    const row = page.getByTestId('users-table').locator('tr', { hasText: username });
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain('端到端测试用户');
  });

  it('finds the user creation in the audit log', async () => {
    await page.getByRole('menuitem', { name: '审计日志' }).click();
    await page.waitForURL(/\/system\/audit/);
    await page.getByTestId('audit-action').locator('input').fill('system.user.create');
    await page.keyboard.press('Escape');
    const filtered = page.waitForResponse(
      (r) => r.url().includes('/api/system/audit') && r.url().includes('action=system.user.create'),
    );
    await page.getByTestId('audit-search').click();
    expect((await filtered).status()).toBe(200);

    // Only system.user.create entries are listed, and one of them is about the user just created.
    const rows = page.getByTestId('audit-table').locator('tbody tr.ant-table-row');
    const row = rows.filter({ hasText: username });
    await row.waitFor();
    await expect
      .poll(async () => (await rows.allTextContents()).every((t) => t.includes('system.user.create')))
      .toBe(true);

    // Its expandable row shows the recorded changes.
    await row.locator('.ant-table-row-expand-icon').click();
    await expect(page.getByTestId('audit-changes').first().textContent()).resolves.toContain(username);
  });

  it('switches to English and remembers it', async () => {
    await page.getByTestId('language-switch').getByText('English', { exact: true }).click();
    await page.getByRole('menuitem', { name: 'Overview' }).waitFor();
    await page.getByRole('menuitem', { name: 'Audit log' }).waitFor();
    await expect(page.evaluate("localStorage.getItem('hutong.lang')")).resolves.toBe('en');

    await page.reload();
    await page.getByRole('menuitem', { name: 'System' }).waitFor();
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('en');
  });
});
