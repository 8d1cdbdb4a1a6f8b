// Two nodes on one PostgreSQL database and schema (docs/architecture.md, "Cluster"): a configuration change made on
// node A reaches node B's cache through LISTEN/NOTIFY, and a message ingested on A wakes B's dispatcher. The poll
// interval is 30 s on both nodes, so only a notification can explain anything B does within the test's deadlines.
// PostgreSQL only (SQLite is one process): skipped without HUTONG_TEST_PG_URL.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSecondTestApp, startTestApp, type Json, type TestApp } from '../../test/support/app.js';
import { dialectsUnderTest } from '../../test/support/databases.js';
import { Receiver, waitFor } from '../../test/support/engine.js';

const postgres = dialectsUnderTest().find((d) => d.name === 'postgres');
const SLOW_POLL = { engine: { pollIntervalMs: 30_000 } };

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

  const onA = async (method: 'POST' | 'PATCH', url: string, body?: unknown): Promise<Json> => {
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
});
