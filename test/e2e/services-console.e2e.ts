// Browser test of the service console against a real server with the catalogue's topics seeded: on 个人信息注册服务
// send the JSON example with 试一试, read the reply and find the message in 最近消息 (and its detail page); send a
// body missing a required field and read the refusal (code, field) and the rejected message; send the V3 example;
// ask a query the clinical data repository answers; then find the registered patient in 临床数据中心 and read its
// record: the data with the catalogue's field names and the history linking to the message.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newConsolePage, signInAsAdmin, startTestServer } from './harness.js';

describe('interaction-service console: try it, recent messages, CDR browser', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;
  let page: Page;
  let registered = '';

  beforeAll(async () => {
    server = await startTestServer({ seedServiceTopics: true });
    browser = await launchBrowser();
    page = await newConsolePage(browser);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  // The console answers within seconds even on a loaded 2-core machine; expect.poll's default second is too short.
  const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 15_000 });
  const url = (path: string) => `${server.url.replace(/\/$/, '')}${path}`;
  const recentRows = () => page.getByTestId('service-recent').locator('tbody tr.ant-table-row');
  const messageIdOfLink = async () =>
    decodeURIComponent((await page.getByTestId('try-message-link').getAttribute('href'))?.split('/').pop() ?? '');

  it('signs in (changing the first-login password)', async () => {
    await signInAsAdmin(page, server, 'Hutong#Console-2025');
  });

  it('shows the try-it panel with the example, no subscribers and no messages yet', async () => {
    await page.goto(url('/interaction/catalogue/PatientInfoRegister'));
    await expect(page.getByTestId('service-name').textContent()).resolves.toBe('个人信息注册服务');
    const json = JSON.parse(await page.getByTestId('try-editor-json').inputValue()) as Record<string, unknown>;
    expect(json.patientId).toBe('P0000123');
    await poll(() => page.getByTestId('service-recent').textContent()).toContain('没有该服务的消息');
    await expect(page.getByTestId('service-subscribers').textContent()).resolves.toContain('还没有订阅方');
  });

  it('sends the JSON example and shows the reply and the message in 最近消息', async () => {
    await page.getByTestId('try-send').click();
    await page.getByTestId('try-result').waitFor();
    await expect(page.getByTestId('try-status').textContent()).resolves.toBe('202');
    await expect(page.getByTestId('try-outcome').textContent()).resolves.toBe('已入库并路由');
    registered = await messageIdOfLink();
    expect(registered).not.toBe('');
    const reply = JSON.parse((await page.getByTestId('try-reply').textContent()) ?? '') as Record<string, unknown>;
    expect(reply).toMatchObject({ messageId: registered, status: 'accepted' });

    await poll(() => recentRows().count()).toBe(1);
    const row = recentRows().first();
    await expect(row.getByTestId('recent-message-link').getAttribute('href')).resolves.toBe(
      `/engine/messages/${registered}`,
    );
    const text = (await row.textContent()) ?? '';
    expect(text).toContain('P0000123');
    expect(text).toContain('控制台试调用');
  });

  it('shows a refusal with its code and field, and the rejected message', async () => {
    const json = JSON.parse(await page.getByTestId('try-editor-json').inputValue()) as Record<string, unknown>;
    delete json.patientId;
    await page.getByTestId('try-editor-json').fill(JSON.stringify(json, null, 2));
    await page.getByText('将发送编辑后的内容').waitFor();
    await page.getByTestId('try-send').click();
    await page.getByTestId('try-error').waitFor();
    await expect(page.getByTestId('try-error-code').textContent()).resolves.toBe('HT_SERVICE_JSON_INVALID');
    await expect(page.getByTestId('try-error-fields').textContent()).resolves.toContain('patientId');
    await poll(() => recentRows().count()).toBe(2);
    await expect(recentRows().first().getByTestId('message-status').textContent()).resolves.toBe('已拒收');

    // Restoring the example brings the field back.
    await page.getByTestId('try-reset').click();
    expect(JSON.parse(await page.getByTestId('try-editor-json').inputValue())).toMatchObject({ patientId: 'P0000123' });
  });

  it('sends the V3 example and opens the stored message', async () => {
    await page.getByTestId('try-tab-v3').click();
    await expect(page.getByTestId('try-editor-v3').inputValue()).resolves.toContain('PRPA_IN201311UV02');
    await page.getByTestId('try-send').click();
    await poll(() => page.getByTestId('try-status').textContent()).toBe('202');
    const id = await messageIdOfLink();
    expect(id).not.toBe(registered);
    await poll(() => recentRows().count()).toBe(3);

    await page.getByTestId('try-message-link').click();
    await page.waitForURL(new RegExp(`/engine/messages/${id}$`));
    await poll(() => page.locator('body').textContent()).toContain(id);
  });

  it('asks a query: the clinical data repository answers, shown as JSON', async () => {
    await page.goto(url('/interaction/catalogue/PatientInfoQuery'));
    await page.getByTestId('try-editor-json').fill('{ "patientId": "P0000123" }');
    await page.getByTestId('try-send').click();
    await poll(() => page.getByTestId('try-status').textContent()).toBe('200');
    await expect(page.getByTestId('try-outcome').textContent()).resolves.toBe('服务提供方已应答');
    const reply = JSON.parse((await page.getByTestId('try-reply').textContent()) ?? '') as {
      ackCode: string;
      results: { patientId: string }[];
    };
    expect(reply.ackCode).toBe('AA');
    expect(reply.results.map((r) => r.patientId)).toContain('P0000123');
  });

  it('finds the registered patient in 临床数据中心 and reads the record and its history', async () => {
    // The 交互服务 menu is open (the page is one of its pages): its 临床数据中心 entry.
    await page.getByRole('menuitem', { name: '临床数据中心（CDR）浏览' }).click();
    await page.waitForURL(/\/interaction\/cdr/);
    // The first entity that holds records is chosen: the patient registered above.
    await poll(() => page.getByTestId('cdr-entity').textContent()).toMatch(/（\d+）/);
    await page.getByTestId('cdr-patient-id').fill('P0000123');
    await page.getByTestId('cdr-search').click();
    await page.waitForURL(/patientId=P0000123/);
    const rows = page.getByTestId('cdr-records').locator('tbody tr.ant-table-row');
    await poll(() => rows.count()).toBeGreaterThan(0);
    await expect(rows.first().textContent()).resolves.toContain('P0000123');

    // A number that matches nothing empties the list.
    await page.getByTestId('cdr-number').fill('NO-SUCH-NUMBER');
    await page.getByTestId('cdr-search').click();
    await poll(() => page.getByTestId('cdr-records').textContent()).toContain('没有符合条件的记录');
    await page.goBack();
    await poll(() => rows.count()).toBeGreaterThan(0);

    await rows.first().getByTestId('cdr-record-link').click();
    await page.waitForURL(/\/interaction\/cdr\/records\//);
    await expect(page.getByTestId('cdr-record-header').textContent()).resolves.toContain('P0000123');
    // Field names come from the catalogue (the entity's registration service).
    const definition = await page.request.get(url('/api/services/PatientInfoRegister'));
    const fields = ((await definition.json()) as { fields: { key: string; label: string }[] }).fields;
    const nameLabel = fields.find((f) => f.key === 'patientPersonName')?.label ?? '';
    expect(nameLabel).not.toBe('');
    await poll(() => page.getByTestId('cdr-record-data').textContent()).toContain(nameLabel);

    const history = page.getByTestId('cdr-history-item');
    await poll(() => history.count()).toBeGreaterThan(0);
    const texts = (await history.allTextContents()).join('\n');
    expect(texts).toContain('个人信息注册服务');
    const links = await page
      .getByTestId('cdr-history')
      .getByTestId('cdr-message-link')
      .evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(links).toContain(`/engine/messages/${registered}`);
  });
});
