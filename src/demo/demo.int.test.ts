// The demo as a living integration test: a few seconds of the simulated hospital at a high rate, in a temp data
// directory on free ports, then checks that traffic came in over each protocol (WebService, MLLP, REST), reached the
// simulated receivers (and the query answers came back), and that the deliberate failures were recorded by Hutong.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type RunningDemo } from './index.js';
import { adminApi, type AdminApi } from './wire.js';

describe('hutong demo', () => {
  let dir: string;
  let demo: RunningDemo | undefined;
  let api: AdminApi;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'hutong-demo-test-'));
    demo = await startDemo({
      env: {
        HUTONG_HOST: '127.0.0.1',
        HUTONG_PORT: '0',
        HUTONG_MLLP_PORT: '0',
        HUTONG_DATA_DIR: dir,
        HUTONG_CONFIG: '/dev/null',
        HUTONG_LOG_LEVEL: 'silent',
      },
      rate: 80,
      failRate: 0.1,
      dailyPattern: false,
      seed: 42,
    });
    api = await adminApi(demo.url, demo.admin.username, demo.admin.password);
    await new Promise((resolve) => setTimeout(resolve, 6000));
  }, 25_000);

  afterAll(async () => {
    await demo?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const total = async (query: string) =>
    (await api.call<{ total: number }>('GET', `/api/engine/messages?pageSize=1&${query}`)).total;
  const topicId = async (code: string) =>
    (
      await api.call<{ items: { id: string; code: string }[] }>('GET', `/api/engine/topics?q=${code}&pageSize=200`)
    ).items.find((t) => t.code === code)!.id;

  it('sends over the WebService, MLLP and REST, and Hutong acknowledges', () => {
    const { sent } = demo!.stats;
    expect(sent.soap.accepted).toBeGreaterThan(20);
    expect(sent.mllp.accepted).toBeGreaterThan(3);
    expect(sent.rest.accepted).toBeGreaterThan(0);
    // Nothing went unanswered: every call got AA or the protocol's own refusal.
    expect(sent.soap.error + sent.mllp.error + sent.rest.error).toBe(0);
  });

  it('stores what each protocol brought, under the sending system', async () => {
    const his = (
      await api.call<{ items: { id: string; code: string }[] }>('GET', '/api/engine/systems?q=HIS')
    ).items.find((s) => s.code === 'HIS')!;
    expect(await total(`topicId=${await topicId('OutPatientInfoAdd')}&systemId=${his.id}`)).toBeGreaterThan(0);
    expect(await total(`topicId=${await topicId('LabReportV2')}`)).toBeGreaterThan(0);
    expect(
      (await total(`topicId=${await topicId('KioskPayment')}`)) +
        (await total(`topicId=${await topicId('KioskAppointment')}`)),
    ).toBeGreaterThan(0);
  });

  it('delivers to the simulated systems and answers their queries', () => {
    const { received } = demo!.stats;
    for (const code of ['HIS', 'LIS', 'PACS', 'EMR', 'NURSING']) expect(received[code]!.ok, code).toBeGreaterThan(0);
    // PatientInfoQuery / OutPatientInfoQuery (HIS), ExamStatusInfoQuery (LIS), CheckStatusInfoQuery (PACS).
    const queries = Object.values(received).reduce((n, r) => n + r.queries, 0);
    expect(queries).toBeGreaterThan(0);
  });

  it('records the deliberate failures: refused messages and failed deliveries', async () => {
    const { stats } = demo!;
    expect(stats.malformed).toBeGreaterThan(0);
    const refused = stats.sent.soap.refused + stats.sent.mllp.refused + stats.sent.rest.refused;
    expect(refused).toBeGreaterThan(0);
    expect(await total('status=rejected')).toBeGreaterThan(0);
    const failedDeliveries = Object.values(stats.received).reduce((n, r) => n + r.failed, 0);
    expect(failedDeliveries).toBeGreaterThan(0);
    // A refused delivery is retried: Hutong's metrics count the failed attempts.
    const metrics = await (await fetch(`${demo!.url}metrics`)).text();
    const failedAttempts = [
      ...metrics.matchAll(/^hutong_engine_delivery_attempts_failed_total\{[^}]*\} (\d+)/gm),
    ].reduce((n, m) => n + Number(m[1]), 0);
    expect(failedAttempts).toBeGreaterThan(0);
  });
});
