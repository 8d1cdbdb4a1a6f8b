// Two nodes on one PostgreSQL database and schema (docs/architecture.md, "Cluster"): a configuration change made on
// node A reaches node B's cache through LISTEN/NOTIFY — domains, systems, topics, subscriptions, and also lookup
// tables, named transforms, message models and inbound endpoints (B's listeners follow) — and a message ingested on A
// wakes B's dispatcher. The poll interval is 30 s on both nodes and B never reloads on its own, so only a notification
// can explain anything B does within the test's deadlines.
// PostgreSQL only (SQLite is one process): skipped without HUTONG_TEST_PG_URL.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSecondTestApp, startTestApp, type Json, type TestApp } from '../../test/support/app.js';
import { dialectsUnderTest } from '../../test/support/databases.js';
import { Receiver, waitFor } from '../../test/support/engine.js';
import { decodeHl7Buffer } from '../formats/hl7v2/index.js';
import { MllpClient } from './adapters/inbound/mllp/peers.testutil.js';

const postgres = dialectsUnderTest().find((d) => d.name === 'postgres');
// No default MLLP endpoint on 2575: test files run side by side.
const SLOW_POLL = { engine: { pollIntervalMs: 30_000 }, mllp: { port: 0 } };

describe.skipIf(!postgres)('cluster of two nodes on PostgreSQL', () => {
  let a: TestApp;
  let b: TestApp;
  let cookieA: string;
  let receiver: Receiver;

  beforeEach(async () => {
    a = await startTestApp(postgres!, SLOW_POLL);
    b = await startSecondTestApp(a, SLOW_POLL);
    cookieA = await a.adminCookie();
    receiver = await new Receiver().start();
  });
  afterEach(async () => {
    await b.close();
    await a.close();
    await receiver.close();
  });

  const onA = async (method: 'POST' | 'PATCH' | 'PUT', url: string, body?: unknown): Promise<Json> => {
    const res = await a.call(method, url, { cookie: cookieA, ...(body === undefined ? {} : { body }) });
    expect(res.status, res.raw).toBeLessThan(300);
    return res.body;
  };
  const publish = (node: TestApp, topic: string, secret: string, body: unknown) =>
    node.call('POST', `/api/hip/default/${topic}`, {
      body: JSON.stringify(body),
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
    });

  /** Sender, topic and a subscription pushing to the receiver — all made through node A's configuration API. */
  async function configureOnA(code: string) {
    const domainId = a.hutong.engine.cache.domainByCode('default')!.id;
    const sender = await onA('POST', '/api/engine/systems', { domainId, code: 'HIS', name: 'HIS 系统' });
    const target = await onA('POST', '/api/engine/systems', { domainId, code: 'LIS', name: 'LIS 系统' });
    const topic = await onA('POST', '/api/engine/topics', { domainId, code, name: `${code} 主题` });
    const sub = await onA('POST', '/api/engine/subscriptions', {
      topicId: topic.id,
      systemId: target.system.id,
      name: 'push',
      adapter: 'http',
      adapterConfig: { url: receiver.url },
    });
    return { secret: sender.secret as string, topicId: topic.id as string, subId: sub.id as string };
  }

  it('accepts on node B a topic created on node A within a second', async () => {
    const { secret } = await configureOnA('ClusterTopic');
    // B never reloaded on its own: its cache learns of the topic only through the notification.
    await waitFor(
      async () => (await publish(b, 'ClusterTopic', secret, { n: 1 })).status === 202,
      1000,
      'node B accepts the new topic',
    );
  });

  it('delivers from node B, promptly, a message ingested on node A while A dispatches nothing', async () => {
    const { secret, subId } = await configureOnA('ClusterWork');
    await waitFor(() => b.hutong.engine.cache.subscription(subId) !== undefined, 1000, 'B knows the subscription');
    await a.hutong.engine.dispatcher.stop();
    // Both nodes have polled at start; the next poll is 30 s away.
    const res = await publish(a, 'ClusterWork', secret, { n: 2 });
    expect(res.status, res.raw).toBe(202);
    await waitFor(() => receiver.received.length === 1, 3000, 'B delivers the message');
    expect(receiver.received[0]!.headers['x-hutong-message-id']).toBe(res.body.messageId);
  });

  it('does not deliver from node B to a subscription paused on node A, and delivers once it is resumed there', async () => {
    const { secret, subId } = await configureOnA('ClusterPause');
    await onA('POST', `/api/engine/subscriptions/${subId}/pause`);
    await waitFor(() => b.hutong.engine.cache.subscription(subId)?.paused === true, 1000, 'B sees the pause');
    await a.hutong.engine.dispatcher.stop();
    const res = await publish(a, 'ClusterPause', secret, { n: 3 });
    expect(res.status, res.raw).toBe(202);
    // B is woken for the subscription but must not deliver it; give it the time a delivery takes above.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(receiver.received).toHaveLength(0);
    await onA('POST', `/api/engine/subscriptions/${subId}/resume`);
    await waitFor(() => receiver.received.length === 1, 3000, 'B delivers after the resume on A');
  });

  it('uses on node B, without a restart, a lookup row, a named transform and a model schema changed on node A', async () => {
    const domainId = a.hutong.engine.cache.domainByCode('default')!.id;
    const sender = await onA('POST', '/api/engine/systems', { domainId, code: 'HIS', name: 'HIS 系统' });
    const target = await onA('POST', '/api/engine/systems', { domainId, code: 'LIS', name: 'LIS 系统' });
    await onA('POST', '/api/engine/models', { code: 'AdmissionJson', name: '入院 JSON', kind: 'JSON' });
    const dept = await onA('POST', '/api/engine/lookups', { domainId, code: 'dept', name: '科室对照' });
    const entry = await onA('POST', `/api/engine/lookups/${dept.id}/entries`, { key: '0101', value: '心内科' });
    const transform = await onA('POST', '/api/engine/transforms', {
      domainId,
      code: 'to-lis',
      name: '入院转 LIS',
      expression: '{ "dept": $lookup("dept", dept) }',
    });
    const topic = await onA('POST', '/api/engine/topics', {
      domainId,
      code: 'Admission',
      name: '入院',
      model: 'AdmissionJson',
      validate: true,
    });
    const sub = await onA('POST', '/api/engine/subscriptions', {
      topicId: topic.id,
      systemId: target.system.id,
      name: 'push',
      adapter: 'http',
      adapterConfig: { url: receiver.url },
      transformRef: 'to-lis',
    });
    const onB = b.hutong.engine.transformServices;
    await waitFor(
      () =>
        b.hutong.engine.cache.subscription(sub.id as string) !== undefined &&
        onB.resolveTransform(domainId, 'to-lis') !== undefined &&
        onB.lookups.get(domainId, 'dept')?.byKey.get('0101')?.[0] === '心内科',
      1000,
      'B knows the subscription, the transform and the lookup table',
    );
    // Only B delivers: what arrives was transformed with B's memory.
    await a.hutong.engine.dispatcher.stop();
    const first = await publish(b, 'Admission', sender.secret as string, { patientId: 'P1', dept: '0101' });
    expect(first.status, first.raw).toBe(202);
    await waitFor(() => receiver.received.length === 1, 3000, 'B delivers the first message');
    expect(receiver.bodies()[0]).toEqual({ dept: '心内科' });

    // Changed on A: one entry, the transform's expression, the model's schema.
    await onA('PATCH', `/api/engine/lookups/${dept.id}/entries/${entry.id}`, { value: '心血管内科' });
    await onA('PATCH', `/api/engine/transforms/${transform.id}`, {
      expression: '{ "deptName": $lookup("dept", dept), "patient": patientId }',
    });
    await onA('PUT', '/api/engine/models/AdmissionJson/schema', {
      schemaType: 'json-schema',
      schema: JSON.stringify({ type: 'object', required: ['patientId'] }),
    });
    await waitFor(
      () =>
        onB.lookups.get(domainId, 'dept')?.byKey.get('0101')?.[0] === '心血管内科' &&
        onB.resolveTransform(domainId, 'to-lis')?.includes('deptName') === true &&
        onB.models.hasValidation('AdmissionJson'),
      1000,
      'B reloads the lookup table, the transform and the model',
    );
    const invalid = await publish(b, 'Admission', sender.secret as string, { dept: '0101' });
    expect(invalid.status, invalid.raw).toBe(422);
    expect(invalid.body.code).toBe('HT_ENGINE_VALIDATION_FAILED');
    const second = await publish(b, 'Admission', sender.secret as string, { patientId: 'P2', dept: '0101' });
    expect(second.status, second.raw).toBe(202);
    await waitFor(() => receiver.received.length === 2, 3000, 'B delivers the second message');
    expect(receiver.bodies()[1]).toEqual({ deptName: '心血管内科', patient: 'P2' });

    // A rollback on A (the entry's change) reaches B too.
    const revisions = await a.call('GET', `/api/engine/revisions?entityId=${dept.id}`, { cookie: cookieA });
    const [entryChange] = revisions.body.items as Json[];
    await onA('POST', `/api/engine/revisions/${entryChange.id}/rollback`);
    await waitFor(
      () => onB.lookups.get(domainId, 'dept')?.byKey.get('0101')?.[0] === '心内科',
      1000,
      'B follows the rollback',
    );
  });

  it('starts, serves and stops on node B the endpoints configured on node A', async () => {
    const domainId = a.hutong.engine.cache.domainByCode('default')!.id;
    await b.hutong.engine.endpoints.start();
    const cookieB = await b.adminCookie();
    const statusOnB = async (id: string) =>
      (await b.call('GET', `/api/engine/endpoints/${id}/status`, { cookie: cookieB })).body as Json;
    await onA('POST', '/api/engine/systems', { domainId, code: 'HIS', name: 'HIS 系统' });
    await onA('POST', '/api/engine/topics', { domainId, code: 'Adt', name: '入出转', model: 'HL7V2' });
    const mllp = await onA('POST', '/api/engine/endpoints', {
      domainId,
      code: 'HIS-ADT',
      name: 'HIS 入出转',
      protocol: 'mllp',
      settings: { host: '127.0.0.1', port: 0, defaultTopic: 'Adt' },
    });
    const listening = await waitFor(
      async () => {
        const s = await statusOnB(mllp.id as string);
        return s.state === 'listening' ? s : undefined;
      },
      1000,
      'B listens for the endpoint created on A',
    );
    const client = await MllpClient.connect(Number(String(listening.address).split(':').pop()));
    try {
      const reply = await client.send(
        'MSH|^~\\&|HIS|HOSP|HUTONG|HOSP|20260101120000||ADT^A01|CLUSTER-1|P|2.5\rPID|1||P001||张^三\r',
      );
      expect(decodeHl7Buffer(reply).get('MSA-1')).toBe('AA');
    } finally {
      client.close();
    }

    await onA('PATCH', `/api/engine/endpoints/${mllp.id}`, { enabled: false });
    await waitFor(async () => (await statusOnB(mllp.id as string)).state === 'stopped', 1000, 'B stops the listener');

    await onA('POST', '/api/engine/endpoints', {
      domainId,
      code: 'HIP-CLUSTER',
      name: 'WebService',
      protocol: 'soap',
      settings: { path: '/services/ClusterHip' },
    });
    await waitFor(
      () => b.hutong.engine.endpoints.runtime.soapEndpointByPath('/services/ClusterHip') !== undefined,
      1000,
      'B serves the WebService endpoint created on A',
    );
  });
});
