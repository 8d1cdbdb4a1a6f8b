// Browser test of 交互服务 → 服务目录 (/interaction/catalogue) against a real server with the catalogue's topics seeded: search the catalogue,
// filter it by category (kept in the address), open 门诊挂号信息新增服务 and read its fields and example messages,
// follow 查看消息 to the topic's messages, and switch the console to English.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newConsolePage, signInAsAdmin, startTestServer } from './harness.js';

describe('interaction-service catalogue console', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    server = await startTestServer({ seedServiceTopics: true });
    browser = await launchBrowser();
    page = await newConsolePage(browser);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const url = (path: string) => `${server.url.replace(/\/$/, '')}${path}`;
  const rows = () => page.getByTestId('services-table').locator('tbody tr.ant-table-row');
  const count = async () => Number(/\d+/.exec((await page.getByTestId('services-count').textContent()) ?? '')?.[0]);

  it('signs in (changing the first-login password)', async () => {
    await signInAsAdmin(page, server, 'Hutong#Services-2025');
  });

  it('opens 服务目录 from the menu and lists the whole catalogue', async () => {
    await page.getByRole('menuitem', { name: '交互服务' }).click();
    await page.getByRole('menuitem', { name: '服务目录' }).click();
    await page.waitForURL(/\/interaction\/catalogue$/);
    await rows().first().waitFor();
    // The catalogue holds 131 services (docs/services.md); the count is the server's answer, not the page's.
    await expect.poll(count).toBeGreaterThan(100);
  });

  it('searches by name and keeps the search in the address', async () => {
    const all = await count();
    await page.getByTestId('services-search').locator('input').fill('门诊挂号');
    await page.getByTestId('services-search').locator('input').press('Enter');
    await page.waitForURL(/[?&]q=/);
    await expect.poll(count).toBeLessThan(all);
    const texts = await rows().allTextContents();
    expect(texts.length).toBeGreaterThan(0);
    for (const text of texts) expect(text).toContain('门诊挂号');
    expect(texts.join('\n')).toContain('OutPatientInfoAdd');
    expect(texts.join('\n')).toContain('S0023');
  });

  it('filters by category; a shared link reproduces the filtered list', async () => {
    // 门诊挂号 spans 就诊 (registration) and 支付 (its payment): the category narrows it to the registration services.
    const before = await count();
    await page.getByTestId('services-category').click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '就诊' }).first().click();
    await page.waitForURL(/[?&]category=/);
    await expect.poll(count).toBeLessThan(before);
    const texts = await rows().allTextContents();
    for (const text of texts) expect(text).toContain('就诊');
    expect(texts.join('\n')).not.toContain('RegistrationPayment');

    const shared = page.url();
    await page.goto(url('/overview'));
    await page.goto(shared);
    await rows().first().waitFor();
    await expect.poll(async () => (await rows().allTextContents()).join('\n')).toContain('OutPatientInfoAdd');
    expect(await rows().count()).toBe(texts.length);
    await expect(page.getByTestId('services-search').locator('input').inputValue()).resolves.toBe('门诊挂号');
  });

  it('opens 门诊挂号信息新增服务 and shows its header, fields with Chinese labels and examples', async () => {
    await rows().filter({ hasText: 'OutPatientInfoAdd' }).getByTestId('service-link').click();
    await page.waitForURL(/\/interaction\/catalogue\/OutPatientInfoAdd$/);
    await expect(page.getByTestId('service-name').textContent()).resolves.toBe('门诊挂号信息新增服务');
    const header = (await page.getByTestId('service-header').textContent()) ?? '';
    expect(header).toContain('S0023');
    expect(header).toContain('PRPA_IN400001UV');
    expect(header).toContain('MCCI_IN000002UV01');
    expect(header).toContain('就诊');

    const labels = await page.getByTestId('service-fields').getByTestId('field-label').allTextContents();
    expect(labels).toContain('就诊流水号');
    expect(labels).toContain('就诊类别代码');
    expect(await page.getByTestId('service-fields').textContent()).toContain('encounterEvent');

    const request = (await page.getByTestId('example-v3-request').textContent()) ?? '';
    expect(request).toContain('PRPA_IN400001UV');
    expect(request).toContain('controlActProcess');
    // Pretty-printed: one element per line, indented.
    expect(request.split('\n').length).toBeGreaterThan(20);

    await page.getByTestId('example-tab-json').click();
    const json = JSON.parse((await page.getByTestId('example-json').textContent()) ?? '') as Record<string, unknown>;
    expect(Object.keys(json)).toContain('visitNo');

    await page.getByTestId('example-tab-v3Response').click();
    await expect(page.getByTestId('example-v3-response').textContent()).resolves.toContain('MCCI_IN000002UV01');
  });

  it('opens the same service by its S code', async () => {
    await page.goto(url('/interaction/catalogue/S0023'));
    await expect(page.getByTestId('service-name').textContent()).resolves.toBe('门诊挂号信息新增服务');
  });

  it('shows a not-found page for an unknown service', async () => {
    await page.goto(url('/interaction/catalogue/NoSuchService'));
    await page.getByText('交互服务不存在', { exact: true }).waitFor();
    // The server's own problem message names what was asked for.
    await expect(page.locator('.ant-result-subtitle').textContent()).resolves.toContain('NoSuchService');
  });

  it('follows 查看消息 to the messages of the service topic', async () => {
    await page.goto(url('/interaction/catalogue/OutPatientInfoAdd'));
    const link = page.getByTestId('service-messages-link');
    await expect.poll(() => link.isEnabled()).toBe(true);
    await link.click();
    await page.waitForURL(/\/engine\/messages\?.*topicId=/);
    const topicId = new URL(page.url()).searchParams.get('topicId');
    const response = await page.request.get(url(`/api/engine/topics/${topicId}`));
    expect(response.status()).toBe(200);
    expect(((await response.json()) as { code: string }).code).toBe('OutPatientInfoAdd');
  });

  it('switches to English and shows English labels', async () => {
    await page.goto(url('/interaction/catalogue/OutPatientInfoAdd'));
    await page.getByTestId('service-fields').waitFor();
    await page.getByTestId('language-switch').getByText('English', { exact: true }).click();
    await expect.poll(() => page.getByTestId('service-name').textContent()).toBe('Outpatient registration add');
    const fields = (await page.getByTestId('service-fields').locator('thead').textContent()) ?? '';
    expect(fields).toContain('V3 path');
    expect(fields).toContain('Required');
    await expect(page.getByTestId('service-examples').textContent()).resolves.toContain('V3 request');
    await page.goto(url('/interaction/catalogue?category=%E5%B0%B1%E8%AF%8A'));
    await expect.poll(() => page.getByTestId('services-count').textContent()).toMatch(/^\d+ services$/);
    const head = (await page.getByTestId('services-table').locator('thead').textContent()) ?? '';
    expect(head).toContain('Operation');
    expect(head).toContain('S code');
    expect(await rows().first().textContent()).toContain('Encounters');
  });
});
