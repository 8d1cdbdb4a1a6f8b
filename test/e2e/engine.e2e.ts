// Browser test of 订阅发布 against a real server: configure a publishing system, a receiving system, a topic and an
// HTTP subscription in the console; publish with the system's secret; find the message by patient id, see it
// delivered with its trace; resend it from the console and see the receiver get it again, linked to the original.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newConsolePage, signInAsAdmin, startTestServer } from './harness.js';

interface Received {
  method: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A subscriber's endpoint: answers every request with 200 and records what was POSTed. */
async function startReceiver(): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      if (req.method === 'POST') received.push({ method: req.method, headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ack":"AA"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hl7/receive`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('engine console', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let browser: Browser;
  let page: Page;

  const run = Date.now().toString(36);
  const publisherCode = `his_${run}`;
  const receiverCode = `lis_${run}`;
  const topicCode = `e2e.order.${run}`;
  const subscriptionName = `推送到检验系统 ${run}`;
  const patientId = `P-E2E-${run}`;
  let secret = '';
  let messageId = '';

  beforeAll(async () => {
    server = await startTestServer();
    receiver = await startReceiver();
    browser = await launchBrowser();
    page = await newConsolePage(browser);
    await page
      .context()
      .grantPermissions(['clipboard-read', 'clipboard-write'])
      .catch(() => undefined);
  });

  afterAll(async () => {
    await browser?.close();
    await receiver?.close();
    await server?.close();
  });

  const url = (path: string) => `${server.url.replace(/\/$/, '')}${path}`;

  /** Picks an option of an antd Select by its visible text. */
  async function choose(testId: string, text: string) {
    await page.getByTestId(testId).click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: text }).first().click();
  }

  async function confirmPopover() {
    const open = page.locator('.ant-popconfirm:visible');
    await open.locator('.ant-popconfirm-buttons .ant-btn-primary').click();
    // It closes once its action has run; the next step then finds no stale popover.
    await expect.poll(() => open.count()).toBe(0);
  }

  it('signs in (changing the first-login password)', async () => {
    await signInAsAdmin(page, server, 'Hutong#Engine-2025');
  });

  it('creates the publishing system and reads its secret once', async () => {
    await page.getByRole('menuitem', { name: '订阅发布' }).click();
    await page.getByRole('menuitem', { name: '订户管理' }).click();
    await page.waitForURL(/\/engine\/systems/);
    // The default domain is selected without asking.
    await expect.poll(() => page.getByTestId('engine-domain-select').textContent()).toContain('default');

    await page.getByTestId('system-create').click();
    await page.getByTestId('system-code').fill(publisherCode);
    await page.getByTestId('system-name').fill('门诊 HIS（端到端）');
    await page.getByTestId('system-save').click();
    await page.getByTestId('system-secret').waitFor();
    secret = ((await page.getByTestId('system-secret').textContent()) ?? '').trim();
    expect(secret.length).toBeGreaterThan(16);
    await page.getByTestId('system-secret-close').click();
    await page.getByTestId('systems-table').locator('tr', { hasText: publisherCode }).waitFor();
  });

  it('creates the receiving system', async () => {
    await page.getByTestId('system-create').click();
    await page.getByTestId('system-code').fill(receiverCode);
    await page.getByTestId('system-name').fill('检验 LIS（端到端）');
    await page.getByTestId('system-save').click();
    await page.getByTestId('system-secret-close').click();
    await page.getByTestId('systems-table').locator('tr', { hasText: receiverCode }).waitFor();
  });

  it('creates a topic published by the first system', async () => {
    await page.goto(url('/engine/topics'));
    await page.getByTestId('topic-create').click();
    await page.getByTestId('topic-code').fill(topicCode);
    await page.getByTestId('topic-name').fill('门诊医嘱（端到端）');
    await choose('topic-publishers', publisherCode);
    await page.keyboard.press('Escape');
    await page.getByTestId('topic-save').click();
    await page.getByTestId('topics-table').locator('tr', { hasText: topicCode }).waitFor();
  });

  it('subscribes the second system over HTTP, testing the connection first', async () => {
    await page.goto(url('/engine/subscriptions'));
    await page.getByTestId('subscription-create').click();
    await page.getByTestId('subscription-form').waitFor();
    await choose('subscription-topic', topicCode);
    await choose('subscription-system', receiverCode);
    await page.getByTestId('subscription-name').fill(subscriptionName);
    // The http adapter's configuration is rendered from its schema.
    await page.getByTestId('adapter-config-url').fill(receiver.url);
    await page.getByTestId('subscription-test').click();
    await expect(page.getByTestId('subscription-test-result').textContent()).resolves.toContain('连接成功');
    await page.getByTestId('subscription-save').click();
    await page.getByTestId('subscriptions-table').locator('tr', { hasText: subscriptionName }).waitFor();
  });

  it('publishes with the secret and the receiver gets the message', async () => {
    const response = await fetch(url(`/api/hip/default/${encodeURIComponent(topicCode)}`), {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ patientId, patientName: '测试患者', orderNo: `O-${run}`, items: [{ code: 'CBC' }] }),
    });
    expect(response.status).toBe(202);
    const accepted = (await response.json()) as { messageId: string; status: string; routedTo: number };
    expect(accepted).toMatchObject({ status: 'accepted', routedTo: 1 });
    messageId = accepted.messageId;
    await expect.poll(() => receiver.received.length, { timeout: 15_000 }).toBe(1);
    expect(JSON.parse(receiver.received[0]!.body)).toMatchObject({ patientId });
  });

  it('finds the message by patient id and shows it delivered with its trace', async () => {
    await page.goto(url('/engine/messages'));
    await page.getByTestId('message-filter-patientId').fill(patientId);
    await page.getByTestId('message-search').click();
    const row = page.getByTestId('messages-table').locator('tbody tr.ant-table-row', { hasText: messageId });
    await row.waitFor();
    await expect(page.getByTestId('messages-table').locator('tbody tr.ant-table-row').count()).resolves.toBe(1);
    await row.getByTestId('message-link').click();
    await page.waitForURL(new RegExp(`/engine/messages/${messageId}`));

    await expect(page.getByTestId('message-body').textContent()).resolves.toContain(patientId);
    const delivery = page
      .getByTestId('deliveries-table')
      .locator('tbody tr.ant-table-row', { hasText: subscriptionName });
    await delivery.waitFor();
    // The outcome is committed right after the receiver answers; refresh until the page shows it.
    await expect
      .poll(async () => {
        const status = await delivery.getByTestId('delivery-status').textContent();
        if (status !== '已投递') await page.getByRole('button', { name: '刷新' }).click();
        return status;
      })
      .toBe('已投递');
    await expect.poll(() => page.getByTestId('trace-step').count()).toBeGreaterThanOrEqual(3);
    await expect(page.getByTestId('message-trace').textContent()).resolves.toContain('接收消息');
  });

  it('resends the message from the console; the receiver gets it again and the new message links to the original', async () => {
    // The refreshes of the previous step have finished (a loading button shifts the header's buttons).
    await expect
      .poll(() => page.getByRole('button', { name: '刷新' }).getAttribute('class'))
      .not.toContain('ant-btn-loading');
    await page.getByTestId('message-resend').click();
    await confirmPopover();
    await page.waitForURL((u) => u.pathname.startsWith('/engine/messages/') && !u.pathname.endsWith(messageId));
    const newId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop() ?? '');
    expect(newId).not.toBe(messageId);

    await expect.poll(() => receiver.received.length, { timeout: 15_000 }).toBe(2);
    expect(JSON.parse(receiver.received[1]!.body)).toMatchObject({ patientId });
    await expect(page.getByTestId('message-parent').textContent()).resolves.toBe(messageId);

    // The original now lists the resend as its child.
    await page.getByTestId('message-parent').click();
    await page.waitForURL(new RegExp(`/engine/messages/${messageId}$`));
    await expect(page.getByTestId('message-child').first().textContent()).resolves.toBe(newId);
  });
});
