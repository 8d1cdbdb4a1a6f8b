// The AMQP adapter against a real RabbitMQ (HUTONG_TEST_AMQP_URL; skipped with a printed reason otherwise): publish
// with a confirm and read it back from a bound queue, mandatory returns, a missing exchange, declaring one, a
// connection cut in the middle (the next attempt reconnects), "test connection", and the engine end to end.
import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { connect, type Channel, type ChannelModel, type GetMessage } from 'amqplib';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../../test/support/app.js';
import { dialectsUnderTest } from '../../../../test/support/databases.js';
import { addSystem, addTopic, waitFor } from '../../../../test/support/engine.js';
import type { EngineTables } from '../../tables.js';
import type { OutboundRequest } from '../types.js';
import { AmqpOutboundAdapter } from './amqp.js';
import { serverUnderTest, uniqueName } from './servers.testutil.js';

const broker = serverUnderTest('AMQP adapter on RabbitMQ', 'HUTONG_TEST_AMQP_URL');
const never = new AbortController().signal;

function request(body: string, topic = 'ADT_A01'): OutboundRequest {
  return {
    body,
    contentType: 'application/json; charset=utf-8',
    messageId: uniqueName('m'),
    deliveryId: uniqueName('d'),
    attempt: 1,
    topic,
    domain: 'default',
  };
}

/** Gets the next message from a queue, waiting for it to arrive. */
async function nextMessage(channel: Channel, queue: string): Promise<GetMessage> {
  return waitFor(
    async () => {
      const got = await channel.get(queue, { noAck: true });
      return got || null;
    },
    5000,
    `a message on ${queue}`,
  );
}

/** A TCP relay in front of the broker whose connections the test can cut. */
class CuttableRelay {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  async start(target: URL): Promise<this> {
    this.server = createServer((client) => {
      const upstream = createConnection(Number(target.port) || 5672, target.hostname);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('error', () => undefined);
        s.on('close', () => this.sockets.delete(s));
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  cut(): void {
    for (const s of this.sockets) s.destroy();
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

describe.skipIf(!broker.url)(broker.name, () => {
  const url = broker.url ?? 'amqp://127.0.0.1';
  const exchange = uniqueName('hutong.it');
  const queue = uniqueName('hutong.it.q');
  let model: ChannelModel;
  let channel: Channel;
  let adapter: AmqpOutboundAdapter;

  beforeAll(async () => {
    model = await connect(url);
    channel = await model.createChannel();
    await channel.assertExchange(exchange, 'topic', { durable: false, autoDelete: false });
    await channel.assertQueue(queue, { durable: false, autoDelete: false });
    await channel.bindQueue(queue, exchange, 'default.#');
  });
  afterAll(async () => {
    if (!model) return;
    await channel.deleteQueue(queue);
    await channel.deleteExchange(exchange);
    await model.close();
  });
  beforeEach(() => {
    adapter = new AmqpOutboundAdapter();
  });
  afterEach(async () => {
    await adapter.close();
  });

  it('publishes with a confirm, and the bound queue receives the message with its ids', async () => {
    const req = request(JSON.stringify({ patientId: 'P1', name: '张三' }));
    const result = await adapter.send({ url, exchange, headers: { 'x-site': 'H1' } }, req, never);
    expect(result, result.error).toMatchObject({ ok: true, statusCode: 'ack' });
    const got = await nextMessage(channel, queue);
    expect(JSON.parse(got.content.toString('utf8'))).toEqual({ patientId: 'P1', name: '张三' });
    expect(got.fields.routingKey).toBe('default.ADT_A01');
    expect(got.properties).toMatchObject({
      messageId: req.messageId,
      contentType: 'application/json; charset=utf-8',
      deliveryMode: 2,
      type: 'ADT_A01',
      appId: 'hutong',
    });
    expect(got.properties.headers).toMatchObject({
      'x-hutong-message-id': req.messageId,
      'x-hutong-delivery-id': req.deliveryId,
      'x-hutong-topic': 'ADT_A01',
      'x-hutong-domain': 'default',
      'x-site': 'H1',
    });
  });

  it('fails a mandatory message no queue is bound for, and drops it silently when not mandatory', async () => {
    const unroutable = { url, exchange, routingKey: 'nowhere.{topic}' };
    const result = await adapter.send(unroutable, request('{}'), never);
    expect(result).toMatchObject({ ok: false, statusCode: 'returned' });
    expect(result.error).toContain('NO_ROUTE');
    const lenient = await adapter.send({ ...unroutable, mandatory: false }, request('{}'), never);
    expect(lenient.ok).toBe(true);
    // The channel is still good for the next one.
    expect((await adapter.send({ url, exchange }, request('{"n":2}'), never)).ok).toBe(true);
    expect(JSON.parse((await nextMessage(channel, queue)).content.toString())).toEqual({ n: 2 });
  });

  it('fails on a missing exchange with the broker’s reason, and the next attempt still works', async () => {
    const missing = uniqueName('hutong.missing');
    const result = await adapter.send({ url, exchange: missing }, request('{}'), never);
    expect(result).toMatchObject({ ok: false, statusCode: '404' });
    expect(result.error).toContain('NOT_FOUND');
    const ok = await adapter.send({ url, exchange }, request('{"after":"404"}'), never);
    expect(ok.ok, ok.error).toBe(true);
    expect(JSON.parse((await nextMessage(channel, queue)).content.toString())).toEqual({ after: '404' });
  });

  it('publishes through the default exchange straight to the queue named by the routing key', async () => {
    const result = await adapter.send({ url, routingKey: queue }, request('{"direct":true}'), never);
    expect(result.ok, result.error).toBe(true);
    expect(JSON.parse((await nextMessage(channel, queue)).content.toString())).toEqual({ direct: true });
  });

  it('declares the exchange when told to', async () => {
    const declared = uniqueName('hutong.declared');
    try {
      const result = await adapter.send(
        { url, exchange: declared, exchangeMode: 'declare', exchangeType: 'fanout', mandatory: false },
        request('{}'),
        never,
      );
      expect(result.ok, result.error).toBe(true);
      await channel.checkExchange(declared);
    } finally {
      await channel.deleteExchange(declared);
    }
  });

  it('reconnects after the connection is cut', async () => {
    const relay = await new CuttableRelay().start(new URL(url));
    try {
      const through = new URL(url);
      through.hostname = '127.0.0.1';
      through.port = String(relay.port);
      const config = { url: through.toString(), exchange };
      expect((await adapter.send(config, request('{"n":"before"}'), never)).ok).toBe(true);
      relay.cut();
      // Whatever the attempt in flight when the connection dies gets, the next one connects afresh and succeeds.
      const result = await waitFor(
        async () => {
          const r = await adapter.send(config, request('{"n":"after"}'), never);
          return r.ok ? r : null;
        },
        5000,
        'a publish after the cut',
      );
      expect(result.ok).toBe(true);
      const bodies = [await nextMessage(channel, queue), await nextMessage(channel, queue)].map((m) =>
        JSON.parse(m.content.toString()),
      );
      expect(bodies[0]).toEqual({ n: 'before' });
      expect(bodies).toContainEqual({ n: 'after' });
    } finally {
      await relay.close();
    }
  });

  it('tests the connection and the exchange without declaring anything', async () => {
    const ok = await adapter.test({ url, exchange });
    expect(ok.ok, ok.message).toBe(true);
    expect(ok.message).toContain(exchange);
    const missing = uniqueName('hutong.missing');
    const notFound = await adapter.test({ url, exchange: missing });
    expect(notFound.ok).toBe(false);
    expect(notFound.message).toContain('NOT_FOUND');
    const willDeclare = await adapter.test({ url, exchange: missing, exchangeMode: 'declare' });
    expect(willDeclare.ok).toBe(true);
    await expect(
      (async () => {
        const probe = await model.createChannel();
        probe.on('error', () => undefined);
        await probe.checkExchange(missing);
      })(),
    ).rejects.toThrow(/NOT_FOUND/);
    const denied = await adapter.test({ url, exchange, username: 'guest', password: 'wrong-password' });
    expect(denied.ok).toBe(false);
    expect(denied.message).toMatch(/ACCESS_REFUSED|403/);
    expect(denied.message).not.toContain('wrong-password');
  });
});

// ---- the engine end to end ---------------------------------------------------------------------------------------

for (const dialect of dialectsUnderTest()) {
  describe.skipIf(!broker.url)(`AMQP subscription end to end (engine on ${dialect.name})`, () => {
    const url = broker.url ?? 'amqp://127.0.0.1';
    const exchange = uniqueName('hutong.e2e');
    const queue = uniqueName('hutong.e2e.q');
    let t: TestApp;
    let model: ChannelModel;
    let channel: Channel;
    beforeAll(async () => {
      model = await connect(url);
      channel = await model.createChannel();
      await channel.assertExchange(exchange, 'topic', { durable: false });
      await channel.assertQueue(queue, { durable: false });
      await channel.bindQueue(queue, exchange, '#');
    });
    afterAll(async () => {
      if (!model) return;
      await channel.deleteQueue(queue);
      await channel.deleteExchange(exchange);
      await model.close();
    });
    beforeEach(async () => {
      t = await startTestApp(dialect);
    });
    afterEach(async () => {
      await t.close();
    });

    it('publishes a message routed to an AMQP subscription to the exchange, transformed', async () => {
      const cookie = await t.adminCookie();
      const sender = await addSystem(t.hutong, { code: 'HIS' });
      const receiver = await addSystem(t.hutong, { code: 'MQ' });
      const topic = await addTopic(t.hutong, { code: 'OutPatientInfoAdd' });
      const adapterConfig = { url, exchange, routingKey: 'hospital.{domain}.{topic}' };
      const tested = await t.call('POST', '/api/engine/adapters/amqp/test', {
        cookie,
        body: { config: adapterConfig },
      });
      expect(tested.body.ok, tested.body.message).toBe(true);
      const created = await t.call('POST', '/api/engine/subscriptions', {
        cookie,
        body: {
          topicId: topic.id,
          systemId: receiver.id,
          name: 'MQ',
          adapter: 'amqp',
          adapterConfig,
          transform: '{ "id": patientId, "name": patientName }',
        },
      });
      expect(created.status, created.raw).toBe(201);
      const published = await t.call('POST', `/api/hip/default/${topic.code}`, {
        body: JSON.stringify({ patientId: 'P7', patientName: '李四' }),
        headers: { authorization: `Bearer ${sender.secret}`, 'content-type': 'application/json' },
      });
      expect(published.status, published.raw).toBe(202);
      const got = await nextMessage(channel, queue);
      expect(JSON.parse(got.content.toString())).toEqual({ id: 'P7', name: '李四' });
      expect(got.fields.routingKey).toBe('hospital.default.OutPatientInfoAdd');
      expect(got.properties.messageId).toBe(published.body.messageId);

      const k = t.hutong.db.kysely.withTables<EngineTables>();
      const delivery = await waitFor(async () => {
        const d = await k
          .selectFrom('deliveries')
          .selectAll()
          .where('message_id', '=', published.body.messageId)
          .executeTakeFirst();
        return d?.status === 'delivered' ? d : null;
      });
      const attempts = await k.selectFrom('attempts').selectAll().where('delivery_id', '=', delivery.id).execute();
      expect(attempts.map((a) => [a.outcome, a.status_code])).toEqual([['ok', 'ack']]);
    });
  });
}
