// The AMQP adapter without a broker: routing keys, URLs in messages without their credentials, a bad placeholder
// failing the attempt before any connection, and a broker that is not there failing at once, not hanging.
import { createServer, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { AmqpOutboundAdapter, describeUrl, renderRoutingKey } from './amqp.js';

const request = {
  body: '{"a":1}',
  contentType: 'application/json',
  messageId: 'm-1',
  deliveryId: 'd-1',
  attempt: 1,
  topic: 'ADT_A01',
  domain: 'default',
};

/** A port nothing listens on: bound, noted and released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('AMQP adapter', () => {
  it('fills {topic} and {domain} into the routing key and refuses other placeholders', () => {
    expect(renderRoutingKey('{domain}.{topic}', request)).toBe('default.ADT_A01');
    expect(renderRoutingKey('his.adt', request)).toBe('his.adt');
    expect(() => renderRoutingKey('{topic}.{patient}', request)).toThrow('{patient}');
  });

  it('never shows the credentials of a URL', () => {
    expect(describeUrl('amqp://guest:s3cret@mq.example:5672/hospital')).toBe('amqp://mq.example:5672/hospital');
    expect(describeUrl('amqp://guest:s3cret@mq.example')).toBe('amqp://mq.example/');
  });

  it('fails an attempt with a bad routing key placeholder without connecting', async () => {
    const adapter = new AmqpOutboundAdapter();
    const result = await adapter.send(
      { url: 'amqp://127.0.0.1:1', exchange: 'x', routingKey: '{nope}' },
      request,
      new AbortController().signal,
    );
    expect(result.ok).toBe(false);
    expect(result.error).toContain('{nope}');
    await adapter.close();
  });

  it('fails at once, with the socket error, when no broker listens — and says so in "test connection"', async () => {
    const port = await closedPort();
    const adapter = new AmqpOutboundAdapter();
    const config = { url: `amqp://guest:s3cret@127.0.0.1:${port}`, exchange: 'hutong' };
    const result = await adapter.send(config, request, new AbortController().signal);
    expect(result).toMatchObject({ ok: false, statusCode: 'ECONNREFUSED' });
    expect(result.error).toContain('ECONNREFUSED');
    expect(result.timedOut).toBeUndefined();
    const tested = await adapter.test(config);
    expect(tested.ok).toBe(false);
    expect(tested.message).toContain('ECONNREFUSED');
    expect(tested.message).not.toContain('s3cret');
    await adapter.close();
  });
});
