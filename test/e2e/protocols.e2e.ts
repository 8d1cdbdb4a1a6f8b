// Browser test of the wire-protocol views against a real server: an HL7 v2 message from the corpus and a national
// HL7 V3 test case are published over the REST inbound API to topics with the HL7V2 / HL7V3 models; their detail
// pages show the 结构 tab — the segment/field table with zh-CN field names, search and empty fields, and the
// collapsible XML tree. Then 接入端点: the default MLLP endpoint with its status; a new MLLP endpoint created with the
// form generated from its settings schema starts listening, takes a message over MLLP (AA), and the page's
// automatic refresh shows the counts; the link opens the messages it brought in; edit, disable, revisions, delete.
import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newConsolePage, signInAsAdmin, startTestServer } from './harness.js';

const corpus = new URL('../../../shared/corpus/', import.meta.url);
const HL7V2_BODY = readFileSync(new URL('hl7v2/fhir-converter/ADT-A01-01.hl7', corpus), 'utf8');
/** How long a poll waits for the page (vitest's own default is one second). */
const WAIT = { timeout: 10_000 };

/** Sends one MLLP frame and resolves with the acknowledgement (frame bytes removed). */
function sendMllp(port: number, message: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let answer = '';
    socket.setEncoding('utf8');
    socket.setTimeout(10_000, () => socket.destroy(new Error('no MLLP acknowledgement within 10 s')));
    socket.on('connect', () => socket.write(`\x0b${message}\x1c\r`));
    socket.on('data', (chunk: string) => {
      answer += chunk;
      if (answer.includes('\x1c')) {
        socket.end();
        resolve(answer.replaceAll('\x0b', '').replaceAll('\x1c', ''));
      }
    });
    socket.on('error', reject);
  });
}

const V3_BODY = readFileSync(
  new URL(
    `hl7v3/testcases/${readdirSync(new URL('hl7v3/testcases/', corpus)).find((f) => f.startsWith('EMR-PL-04'))!}`,
    corpus,
  ),
  'utf8',
);

describe('wire protocols in the console', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;
  let page: Page;
  const run = Date.now().toString(36);
  let secret = '';
  let domainId = '';
  const ids: Record<'v2' | 'v3', string> = { v2: '', v3: '' };

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
    page = await newConsolePage(browser);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const url = (path: string) => `${server.url.replace(/\/$/, '')}${path}`;

  /** The console's own API with the signed-in browser session. */
  async function apiCall<T>(method: 'GET' | 'POST', path: string, data?: unknown): Promise<T> {
    const response = await page.request.fetch(url(path), { method, ...(data !== undefined ? { data } : {}) });
    expect(response.status(), `${method} ${path}: ${await response.text()}`).toBeLessThan(300);
    return (await response.json()) as T;
  }

  async function publish(topic: string, body: string, contentType: string): Promise<string> {
    const response = await fetch(url(`/api/hip/default/${encodeURIComponent(topic)}`), {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': contentType },
      body,
    });
    const text = await response.text();
    expect(response.status, text).toBe(202);
    return (JSON.parse(text) as { messageId: string }).messageId;
  }

  it('signs in and sets up a sender and HL7V2 / HL7V3 topics through the API', async () => {
    await signInAsAdmin(page, server, 'Hutong#Protocols-2026');
    const domains = await apiCall<{ items: { id: string; code: string }[] }>('GET', '/api/engine/domains');
    domainId = domains.items.find((d) => d.code === 'default')!.id;
    const system = await apiCall<{ system: { id: string }; secret: string }>('POST', '/api/engine/systems', {
      domainId,
      code: `his_${run}`,
      name: '住院 HIS（协议）',
    });
    secret = system.secret;
    for (const [code, model] of [
      [`adt.${run}`, 'HL7V2'],
      [`patient.query.${run}`, 'HL7V3'],
    ] as const) {
      await apiCall('POST', '/api/engine/topics', { domainId, code, name: `${model} 主题`, model });
    }
  });

  it('publishes an HL7 v2 ADT^A01 and a V3 query over the REST inbound API', async () => {
    ids.v2 = await publish(`adt.${run}`, HL7V2_BODY, 'x-application/hl7-v2+er7; charset=utf-8');
    ids.v3 = await publish(`patient.query.${run}`, V3_BODY, 'application/xml; charset=utf-8');
  });

  it('shows the HL7 v2 message as a segment/field table with zh-CN field names', async () => {
    await page.goto(url(`/engine/messages/${ids.v2}`));
    await page.getByTestId('message-body').waitFor();
    await page.getByTestId('message-structure-tab').click();
    const table = page.getByTestId('hl7-table');
    await table.waitFor();
    await expect(page.getByTestId('hl7-message-type').textContent()).resolves.toBe('ADT^A01^ADT_A01');
    await page.getByTestId('hl7-segment-PID').waitFor();
    const pid5 = page.getByTestId('hl7-row-PID-5');
    await expect(pid5.getByTestId('hl7-field-name').textContent()).resolves.toBe('患者姓名');
    await expect(pid5.getByTestId('hl7-field-value').textContent()).resolves.toContain('ADAM');
    // The corpus file ends segments with LF: the parser's warning is shown above the table.
    await expect(page.getByTestId('structure-warnings').textContent()).resolves.toContain('LF');

    // PID-5 repeats: opening it shows each repetition, and each repetition its decoded components.
    await pid5.locator('.ant-table-row-expand-icon').click();
    await page.getByTestId('hl7-row-PID-5[1]').waitFor();
    await page.getByTestId('hl7-row-PID-5[1]').locator('.ant-table-row-expand-icon').click();
    await expect(page.getByTestId('hl7-row-PID-5[1].2').getByTestId('hl7-field-value').textContent()).resolves.toBe(
      'ADAM',
    );

    // Empty fields are hidden until asked for (MSH-14 is empty in this message; MSH-9 is not).
    await expect(page.getByTestId('hl7-row-MSH-9').count()).resolves.toBe(1);
    await expect(page.getByTestId('hl7-row-MSH-14').count()).resolves.toBe(0);
    await page.getByTestId('hl7-show-empty').click();
    await page.getByTestId('hl7-row-MSH-14').waitFor();

    // The search keeps matching rows only.
    await page.getByTestId('hl7-search').fill('患者姓名');
    await expect.poll(() => page.getByTestId('hl7-row-PID-5').count(), WAIT).toBe(1);
    await expect.poll(() => page.getByTestId('hl7-row-PID-8').count(), WAIT).toBe(0);
    await expect.poll(() => page.getByTestId('hl7-segment-MSH').count(), WAIT).toBe(0);
  });

  it('shows the V3 message as a collapsible XML tree, two levels open', async () => {
    await page.goto(url(`/engine/messages/${ids.v3}`));
    await page.getByTestId('message-structure-tab').click();
    const tree = page.getByTestId('xml-tree');
    await tree.waitFor();
    const names = () => tree.getByTestId('xml-node-name').allTextContents();
    // Root, its children and their children are visible; deeper levels are not yet.
    await expect.poll(async () => (await names())[0], WAIT).toBe('PRPA_IN201305UV02');
    expect(await names()).toEqual(expect.arrayContaining(['id', 'creationTime', 'receiver', 'device']));
    expect(await names()).not.toContain('semanticsText');
    await expect(tree.getByTestId('xml-node').first().textContent()).resolves.toContain('ITSVersion="XML_1.0"');

    await page.getByTestId('xml-expand-all').click();
    await expect.poll(async () => (await names()).includes('semanticsText'), WAIT).toBe(true);
    const semantics = tree.getByTestId('xml-node').filter({ hasText: 'semanticsText' }).first();
    await expect(semantics.textContent()).resolves.toContain('value="匹配程度"');

    await page.getByTestId('xml-collapse-all').click();
    await expect.poll(async () => (await names()).length, WAIT).toBe(1);
  });

  it('lists the default MLLP endpoint with its status on 接入端点', async () => {
    // In the 订阅发布 menu, right after 适配器管理.
    await page.goto(url('/engine/adapters'));
    const entries = page.getByRole('menuitem');
    await page.getByRole('menuitem', { name: '接入端点' }).waitFor();
    const names = (await entries.allTextContents()).map((x) => x.trim());
    expect(names.indexOf('接入端点')).toBe(names.indexOf('适配器管理') + 1);
    await page.getByRole('menuitem', { name: '接入端点' }).click();
    await page.waitForURL(/\/engine\/endpoints/);
    const row = page.getByTestId('endpoint-row-MLLP');
    await row.waitFor();
    await expect(row.getByTestId('endpoint-protocol').textContent()).resolves.toContain('MLLP');
    await expect(row.getByTestId('endpoint-address').textContent()).resolves.toContain(':2575');
    // Port 2575 may be taken on a shared machine: then the page must say so, with the reason.
    const state = await row.getByTestId('endpoint-status').getAttribute('data-state');
    expect(['listening', 'failed']).toContain(state);
    await expect(row.getByTestId('endpoint-status').textContent()).resolves.toMatch(
      state === 'listening' ? /监听中/ : /失败.*(EADDRINUSE|in use|占用)/,
    );
  });

  it('creates an MLLP endpoint from the generated form; it listens, acknowledges a message and counts it', async () => {
    const code = `mllp_${run}`;
    await page.getByTestId('endpoint-create').click();
    await page.getByTestId('endpoint-form').waitFor();
    await page.getByTestId('endpoint-code').fill(code);
    await page.getByTestId('endpoint-name').fill('检验 LIS 接入（端到端）');
    // The settings fields come from the mllp descriptor's JSON Schema.
    await page.getByTestId('adapter-config-host').fill('127.0.0.1');
    await page.getByTestId('adapter-config-port').fill('0');
    await page.getByTestId('adapter-config-systemCode').fill(`his_${run}`);
    await page.getByRole('button', { name: '添加一行' }).first().click();
    await page.getByPlaceholder('名称').first().fill('ADT^A01');
    await page.getByPlaceholder('值').first().fill(`adt.${run}`);
    await page.getByTestId('endpoint-save').click();

    const row = page.getByTestId(`endpoint-row-${code}`);
    await row.waitFor();
    await expect.poll(() => row.getByTestId('endpoint-status').getAttribute('data-state'), WAIT).toBe('listening');
    const address = (await row.getByTestId('endpoint-address').textContent()) ?? '';
    const port = Number(address.split(':').pop());
    expect(port).toBeGreaterThan(0);

    // A control id of its own (MSH-10), or it would be a duplicate of the message published over REST.
    const hl7 = HL7V2_BODY.replace(/^\uFEFF/, '')
      .replace(/\r?\n/g, '\r')
      .replace('|MSG00001|', `|MLLP-${run}|`);
    const ack = await sendMllp(port, hl7);
    expect(ack).toContain(`MSA|AA|MLLP-${run}`);
    // No click: the page refreshes itself every 5 s.
    await expect.poll(() => row.getByTestId('endpoint-accepted').textContent(), { timeout: 15_000 }).toBe('1');
    await expect(row.getByTestId('endpoint-received').textContent()).resolves.toBe('1');
    await expect(row.getByTestId('endpoint-rejected').textContent()).resolves.toContain('0');

    // The endpoint's messages: message search on the topic it routes ADT^A01 to.
    await row.getByTestId('endpoint-messages').click();
    await page.waitForURL(/\/engine\/messages\?.*topicId=/);
    // The topic now holds the message published over REST at the start and the one that came over MLLP.
    const found = page.getByTestId('messages-table').locator('tbody tr.ant-table-row');
    await expect.poll(() => found.count(), WAIT).toBe(2);
  });

  it('creates a WebService endpoint from its own settings form; it is served at its path', async () => {
    const code = `soap_${run}`;
    await page.goto(url('/engine/endpoints'));
    await page.getByTestId('endpoint-create').click();
    await page.getByTestId('endpoint-form').getByText('WebService').click();
    await page.getByTestId('adapter-config-path').waitFor();
    await expect(page.getByTestId('adapter-config-port').count()).resolves.toBe(0);
    await page.getByTestId('endpoint-code').fill(code);
    await page.getByTestId('endpoint-name').fill('互联互通 WebService（端到端）');
    await page.getByTestId('adapter-config-path').fill(`/services/E2E_${run}`);
    await page.getByTestId('endpoint-save').click();
    const row = page.getByTestId(`endpoint-row-${code}`);
    await row.waitFor();
    await expect(row.getByTestId('endpoint-address').textContent()).resolves.toContain(`/services/E2E_${run}`);
    await expect.poll(() => row.getByTestId('endpoint-status').textContent(), WAIT).toContain('服务中');
    await row.getByTestId('endpoint-delete').click();
    await page.locator('.ant-popconfirm:visible .ant-popconfirm-buttons .ant-btn-primary').click();
    await expect.poll(() => page.getByTestId(`endpoint-row-${code}`).count(), WAIT).toBe(0);
  });

  it('edits, disables, shows the revisions of and deletes the endpoint', async () => {
    const code = `mllp_${run}`;
    await page.goto(url('/engine/endpoints'));
    const row = page.getByTestId(`endpoint-row-${code}`);
    await row.waitFor();

    // The form shows the saved settings; saving sends them whole (emptied nullable settings as null).
    await row.getByTestId('endpoint-edit').click();
    await expect(page.getByTestId('adapter-config-host').inputValue()).resolves.toBe('127.0.0.1');
    await expect(page.getByTestId('adapter-config-systemCode').inputValue()).resolves.toBe(`his_${run}`);
    await expect(page.getByPlaceholder('名称').first().inputValue()).resolves.toBe('ADT^A01');
    await page.getByTestId('endpoint-name').fill('检验 LIS 接入（已修改）');
    await page.getByTestId('adapter-config-systemCode').fill('');
    await page.getByTestId('endpoint-save').click();
    await expect.poll(() => row.textContent(), WAIT).toContain('检验 LIS 接入（已修改）');
    await expect(row.getByTestId('endpoint-status').getAttribute('data-state')).resolves.toBe('listening');
    const saved = await apiCall<{ items: { code: string; settings: Record<string, unknown> }[] }>(
      'GET',
      `/api/engine/endpoints?domainId=${domainId}`,
    );
    expect(saved.items.find((e) => e.code === code)?.settings).toMatchObject({
      host: '127.0.0.1',
      port: 0,
      systemCode: null,
      topicByEvent: { 'ADT^A01': `adt.${run}` },
      tls: null,
    });
    await row.getByTestId('endpoint-enabled').click();
    await page.locator('.ant-popconfirm:visible .ant-popconfirm-buttons .ant-btn-primary').click();
    await expect.poll(() => row.getByTestId('endpoint-status').getAttribute('data-state'), WAIT).toBe('stopped');

    await row.getByRole('button', { name: '修订历史' }).click();
    await expect
      .poll(() => page.getByTestId('revisions-list').locator('.ant-tag').allTextContents(), WAIT)
      .toEqual(['修改', '修改', '新建']);
    await page.keyboard.press('Escape');

    await row.getByTestId('endpoint-delete').click();
    await page.locator('.ant-popconfirm:visible .ant-popconfirm-buttons .ant-btn-primary').click();
    await expect.poll(() => page.getByTestId(`endpoint-row-${code}`).count(), WAIT).toBe(0);
  });
});
