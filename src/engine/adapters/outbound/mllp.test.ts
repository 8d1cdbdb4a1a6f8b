// The outbound MLLP adapter against a real MLLP peer on loopback: ACK codes, timeouts, wrong or garbled replies,
// connection reuse and limits, character sets on the wire, and the console's connection test.
import net from 'node:net';
import iconv from 'iconv-lite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MllpPeer } from '../inbound/mllp/peers.testutil.js';
import { MllpOutboundAdapter } from './mllp.js';
import type { OutboundRequest } from '../types.js';

const ADT =
  'MSH|^~\\&|HIS|H1|LIS|H2|20260101120000||ADT^A01^ADT_A01|CTRL-1|P|2.5\r' +
  'EVN|A01|20260101120000\r' +
  'PID|1||P0001^^^H1^MR||ZHANG^SAN||19800517|M\r';

function request(body: string): OutboundRequest {
  return {
    body,
    contentType: 'x-application/hl7-v2+er7',
    messageId: 'm1',
    deliveryId: 'd1',
    attempt: 1,
    topic: 't',
    domain: 'd',
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

describe('outbound MLLP adapter', () => {
  let peer: MllpPeer;
  let adapter: MllpOutboundAdapter;
  const signal = () => new AbortController().signal;
  const config = (extra: Record<string, unknown> = {}) => ({
    host: '127.0.0.1',
    port: peer.port,
    timeoutMs: 5000,
    ...extra,
  });

  beforeEach(async () => {
    peer = await new MllpPeer().start();
    adapter = new MllpOutboundAdapter();
  });
  afterEach(async () => {
    await adapter.close();
    await peer.close();
  });

  it('delivers on AA, with the ACK as the response, and keeps the connection for the next message', async () => {
    const first = await adapter.send(config(), request(ADT), signal());
    expect(first.ok, first.error).toBe(true);
    expect(first.statusCode).toBe('AA');
    expect(first.response).toMatch(/^MSH\|.*\rMSA\|AA\|CTRL-1/s);
    const second = await adapter.send(config(), request(ADT.replace('CTRL-1', 'CTRL-2')), signal());
    expect(second.ok).toBe(true);
    expect(peer.received).toHaveLength(2);
    expect(peer.connections).toBe(1);
  });

  it('counts AE, AR and CE as failed attempts with the peer’s reason', async () => {
    peer.respond('AE', 'AR', 'CE');
    for (const code of ['AE', 'AR', 'CE']) {
      const result = await adapter.send(config(), request(ADT), signal());
      expect(result.ok).toBe(false);
      expect(result.statusCode).toBe(code);
      expect(result.error).toContain(`${code} [207]: 测试拒收 rejected by test (${code})`);
      expect(result.response).toContain(`MSA|${code}|CTRL-1`);
      expect(result.timedOut).toBeFalsy();
    }
  });

  it('accepts the codes it is told to', async () => {
    peer.respond('AE');
    const result = await adapter.send(config({ acceptCodes: ['AA', 'AE'] }), request(ADT), signal());
    expect(result.ok).toBe(true);
    expect(result.statusCode).toBe('AE');
  });

  it('times out without an ACK, drops that connection, and the next message uses a fresh one', async () => {
    peer.respond('silent');
    const result = await adapter.send(config({ timeoutMs: 200 }), request(ADT), signal());
    expect(result.ok).toBe(false);
    expect(result.timedOut).toBe(true);
    expect(result.error).toContain('timeout after 200 ms');
    const next = await adapter.send(config({ timeoutMs: 200 }), request(ADT), signal());
    expect(next.ok, next.error).toBe(true);
    expect(peer.connections).toBe(2);
  });

  it('refuses an ACK for another message and a reply that is no ACK', async () => {
    peer.respond('stale', 'garbage');
    const stale = await adapter.send(config(), request(ADT), signal());
    expect(stale.ok).toBe(false);
    expect(stale.error).toContain('the ACK is for another message');
    const garbage = await adapter.send(config(), request(ADT), signal());
    expect(garbage.ok).toBe(false);
    expect(garbage.error).toContain('not an HL7 acknowledgement');
  });

  it('fails on a refused connection and on a body that is not HL7 v2, without throwing', async () => {
    const closed = await freePort();
    const refused = await adapter.send({ host: '127.0.0.1', port: closed, timeoutMs: 2000 }, request(ADT), signal());
    expect(refused.ok).toBe(false);
    expect(refused.error).toContain('ECONNREFUSED');
    const notHl7 = await adapter.send(config(), request('{"patientId":"P1"}'), signal());
    expect(notHl7.ok).toBe(false);
    expect(notHl7.error).toContain('cannot send as HL7 v2');
    expect(peer.received).toHaveLength(0);
  });

  it('stops when the dispatcher aborts the attempt', async () => {
    peer.respond('silent');
    const controller = new AbortController();
    const pending = adapter.send(config(), request(ADT), controller.signal);
    setTimeout(() => controller.abort(), 50);
    const result = await pending;
    expect(result.ok).toBe(false);
    expect(result.error).toContain('aborted');
  });

  it('sends CR-terminated segments without a BOM, in the charset of MSH-18 or the configured one', async () => {
    const gb =
      '\uFEFF' + ADT.replace('|2.5\r', '|2.5||||||GB18030\r').replace('ZHANG^SAN', '张^三丰').replaceAll('\r', '\n');
    const result = await adapter.send(config(), request(gb), signal());
    expect(result.ok, result.error).toBe(true);
    const sent = peer.received[0]!;
    expect(sent.bytes.includes(0x0a)).toBe(false);
    expect(sent.bytes[0]).toBe(0x4d); // 'M', no BOM
    expect(sent.bytes.equals(iconv.encode(gb.slice(1).replaceAll('\n', '\r'), 'gb18030'))).toBe(true);
    expect(sent.text).toContain('PID|1||P0001^^^H1^MR||张^三丰');

    const plain = ADT.replace('ZHANG^SAN', '李^四');
    const gbk = await adapter.send(config({ charset: 'GBK' }), request(plain), signal());
    expect(gbk.ok, gbk.error).toBe(true);
    expect(peer.received[1]!.bytes.equals(iconv.encode(plain, 'gbk'))).toBe(true);
  });

  it('drops blank lines around the message but keeps a trailing space of the last field', async () => {
    const result = await adapter.send(config(), request(`\n\n${ADT}NTE|1||kept \n\n`), signal());
    expect(result.ok, result.error).toBe(true);
    expect(peer.received[0]!.bytes.toString()).toBe(`${ADT}NTE|1||kept \r`);
  });

  it('waits for a free connection when all are busy', async () => {
    const results = await Promise.all(
      [1, 2, 3, 4].map((i) =>
        adapter.send(config({ maxConnections: 1 }), request(ADT.replace('CTRL-1', `CTRL-${i}`)), signal()),
      ),
    );
    expect(results.map((r) => r.ok)).toEqual([true, true, true, true]);
    expect(peer.connections).toBe(1);
    expect(peer.received.map((r) => r.text.split('|')[9]).sort()).toEqual(['CTRL-1', 'CTRL-2', 'CTRL-3', 'CTRL-4']);
  });

  it('tests a connection without sending anything', async () => {
    expect(await adapter.test(config())).toEqual({ ok: true, message: `connected to 127.0.0.1:${peer.port}` });
    expect(peer.received).toHaveLength(0);
    const closed = await freePort();
    const failed = await adapter.test({ host: '127.0.0.1', port: closed });
    expect(failed.ok).toBe(false);
    expect(failed.message).toContain('ECONNREFUSED');
  });
});
