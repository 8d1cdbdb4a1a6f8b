// HL7 v2 over MLLP end to end, on SQLite and (when configured) PostgreSQL: an endpoint created through the API
// listens on a free port, real messages from the shared corpus and a GB18030 message with Chinese names arrive over
// TCP and are acknowledged only once committed; every refusal gets its AR/AE with the reason; a subscriber receives
// messages over outbound MLLP with AE answers retried; listeners restart, stop, fail and recover as configured.
import { execFileSync } from 'node:child_process';
import { isUtf8 } from 'node:buffer';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type Json, type TestApp } from '../../../test/support/app.js';
import { dialectsUnderTest } from '../../../test/support/databases.js';
import {
  Receiver,
  addSubscription,
  addSystem,
  addTopic,
  defaultDomainId,
  waitFor,
} from '../../../test/support/engine.js';
import { decodeHl7Buffer, parseHl7, type Hl7Message } from '../../formats/hl7v2/index.js';
import { frame } from '../adapters/inbound/mllp/framing.js';
import { MllpClient, MllpPeer } from '../adapters/inbound/mllp/peers.testutil.js';
import type { EngineTables } from '../tables.js';

const CORPUS = fileURLToPath(new URL('../../../../shared/corpus/hl7v2/fhir-converter/', import.meta.url));
const corpus = (name: string) => readFileSync(path.join(CORPUS, name));
/** ADT^A01, v2.3, MSH-3 AccMgr, MSH-10 599102; UTF-8 with a BOM and LF line ends, as found. */
const ADT_A01 = 'ADT01-23.hl7';

/** The corpus ADT^A01 turned into a GB18030 message about 张三丰 (MSH-18 declared unless told otherwise). */
function gb18030Admission(controlId: string, declare = true): { bytes: Buffer; message: Hl7Message } {
  const message = parseHl7(corpus(ADT_A01).toString('utf8'));
  message.set('MSH-10', controlId);
  message.set('PID-5.1', '张');
  message.set('PID-5.2', '三丰');
  message.set('PID-11.1', '北京市东城区王府井大街 1 号');
  message.set('NK1-2.1', '张');
  message.set('NK1-2.2', '翠山');
  if (declare) message.set('MSH-18', 'GB18030');
  return { bytes: iconv.encode(message.toString({ canonical: true }), 'gb18030'), message };
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** CA, server and client certificates for the TLS test (openssl, EC keys: fast). */
function makeCertificates(dir: string) {
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  run('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=Hutong Test CA');
  for (const name of ['server', 'client']) {
    run('req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
    run(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.crt`,
      '-days',
      '2',
    );
  }
  const file = (f: string) => path.join(dir, f);
  return {
    ca: file('ca.crt'),
    serverCert: file('server.crt'),
    serverKey: file('server.key'),
    clientCert: file('client.crt'),
    clientKey: file('client.key'),
  };
}

for (const dialect of dialectsUnderTest()) {
  describe(`MLLP inbound and outbound on ${dialect.name}`, () => {
    let t: TestApp;
    let admin: string;
    let domainId: string;
    let receiver: Receiver;
    let clients: MllpClient[];

    beforeEach(async () => {
      // No default endpoint on 2575: test files run in parallel.
      t = await startTestApp(dialect, { mllp: { port: 0 } });
      admin = await t.adminCookie();
      domainId = await defaultDomainId(t.hutong);
      receiver = await new Receiver().start();
      clients = [];
      await t.hutong.engine.endpoints.runtime.start();
    });
    afterEach(async () => {
      for (const c of clients) c.close();
      await t.close();
      await receiver.close();
    });

    const k = () => t.hutong.db.kysely.withTables<EngineTables>();
    const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown) =>
      t.call(method, url, { cookie: admin, ...(body === undefined ? {} : { body }) });

    async function endpoint(settings: Record<string, unknown>, extra: Record<string, unknown> = {}) {
      const res = await api('POST', '/api/engine/endpoints', {
        domainId,
        code: `MLLP-${Math.random().toString(36).slice(2, 8)}`,
        name: 'HIS 住院 ADT',
        protocol: 'mllp',
        settings: { host: '127.0.0.1', port: 0, ...settings },
        ...extra,
      });
      expect(res.status, res.raw).toBe(201);
      return res.body as Json;
    }
    const status = async (id: string) => {
      const res = await api('GET', `/api/engine/endpoints/${id}/status`);
      expect(res.status, res.raw).toBe(200);
      return res.body as Json;
    };
    const portOf = async (id: string) => {
      const s = await status(id);
      expect(s.state, JSON.stringify(s)).toBe('listening');
      return Number(String(s.address).split(':').pop());
    };
    const connect = async (port: number) => {
      const c = await MllpClient.connect(port);
      clients.push(c);
      return c;
    };
    /** The ACK decoded with its own MSH-18 (or the given fallback). */
    const ack = (bytes: Buffer, fallback?: string) => decodeHl7Buffer(bytes, fallback);
    const messageBySourceId = (id: string) =>
      k().selectFrom('messages').selectAll().where('source_message_id', '=', id).execute();

    /** The usual set-up: system AccMgr (MSH-3 of the corpus ADT), an HL7V2 topic for ADT^A01, an HTTP subscriber. */
    async function admissions(settings: Record<string, unknown> = {}) {
      const sender = await addSystem(t.hutong, { code: 'AccMgr' });
      const target = await addSystem(t.hutong, { code: 'EMR' });
      const topic = await addTopic(t.hutong, { code: 'PatientAdmit', model: 'HL7V2' });
      await addSubscription(t.hutong, topic.id, target.id, { url: receiver.url });
      const ep = await endpoint({ topicByEvent: { 'ADT^A01': topic.code }, ...settings });
      const client = await connect(await portOf(ep.id));
      return { sender, target, topic, ep, client };
    }

    it('acknowledges a corpus ADT^A01 only after it is committed, and delivers it to the subscriber', async () => {
      const { client, sender, ep } = await admissions();
      const reply = ack(await client.send(corpus(ADT_A01)));
      expect(reply.get('MSA-1')).toBe('AA');
      expect(reply.get('MSA-2')).toBe('599102');
      // v2.3 receivers expect ACK^<trigger> and their own version back.
      expect(reply.getRaw('MSH-9')).toBe('ACK^A01');
      expect(reply.get('MSH-12')).toBe('2.3');
      expect(reply.get('MSH-5')).toBe('AccMgr');

      // The ACK came after the commit: the message is there the moment we look.
      const [row] = await messageBySourceId('599102');
      expect(row).toBeDefined();
      expect(row!.inbound).toBe('mllp');
      expect(row!.system_id).toBe(sender.id);
      expect(row!.patient_id).toBe('10006579');
      expect(row!.patient_name).toBe('DUCK DONALD');
      expect(row!.content_type).toBe('x-application/hl7-v2+er7');
      expect(row!.body).toBe(corpus(ADT_A01).toString('utf8'));
      const headers = JSON.parse(row!.headers ?? '{}');
      expect(headers.endpoint).toBe(ep.code);
      expect(headers.remote).toMatch(/^(::ffff:)?127\.0\.0\.1:\d+$/);

      await waitFor(() => receiver.received.length === 1, 10_000, 'delivery to the HTTP subscriber');
      expect(receiver.received[0]!.body).toBe(row!.body);
    });

    it('takes the whole corpus over one connection, in order, even sent in one burst', async () => {
      const topic = await addTopic(t.hutong, { code: 'AnyV2', model: 'HL7V2' });
      const ep = await endpoint({ defaultTopic: topic.code, allowUnknownSender: true });
      const client = await connect(await portOf(ep.id));
      const files = readdirSync(CORPUS)
        .filter((f) => f.endsWith('.hl7'))
        .sort();
      const expected = files.map((f) => decodeHl7Buffer(corpus(f)).get('MSH-10'));
      // Every frame in one write: the listener must split them and answer each in turn.
      client.write(Buffer.concat(files.map((f) => frame(corpus(f)))));
      const acks: Hl7Message[] = [];
      for (let i = 0; i < files.length; i++) acks.push(ack(await client.next()));
      expect(acks.map((a) => a.get('MSA-1'))).toEqual(files.map(() => 'AA'));
      expect(acks.map((a) => a.get('MSA-2'))).toEqual(expected);
      const stored = await k().selectFrom('messages').select(['source_message_id', 'status']).execute();
      expect(stored).toHaveLength(files.length);
      expect(new Set(stored.map((s) => s.source_message_id))).toEqual(new Set(expected));
      const s = await status(ep.id);
      expect(s).toMatchObject({ received: files.length, accepted: files.length, rejected: 0, connections: 1 });
    });

    it('decodes a GB18030 message before storing it and answers in GB18030', async () => {
      const { client } = await admissions();
      const { bytes } = gb18030Admission('GB-0001');
      expect(isUtf8(bytes)).toBe(false);
      const raw = await client.send(bytes);
      const reply = ack(raw);
      expect(reply.get('MSA-1')).toBe('AA');
      expect(reply.get('MSA-2')).toBe('GB-0001');
      expect(reply.get('MSH-18')).toBe('GB18030');

      const [row] = await messageBySourceId('GB-0001');
      expect(row!.patient_name).toBe('张三丰');
      expect(row!.body).toContain('PID|1||10006579^^^1^MR^1||张^三丰^D');
      expect(row!.body).toContain('北京市东城区王府井大街 1 号');
      expect(row!.body).toContain('NK1|1|张^翠山|SO');
      // The API shows the same text.
      const detail = await api('GET', `/api/engine/messages/${row!.id}`);
      expect(detail.status, detail.raw).toBe(200);
      expect(JSON.stringify(detail.body)).toContain('张^三丰');

      // A reason in Chinese is encoded in GB18030 too (an unmapped event is refused).
      const refusedMessage = gb18030Admission('GB-0002').message;
      refusedMessage.set('MSH-9.2', 'A03');
      const refused = await client.send(iconv.encode(refusedMessage.toString({ canonical: true }), 'gb18030'));
      expect(isUtf8(refused)).toBe(false);
      expect(iconv.decode(refused, 'gb18030')).toContain('没有为消息类型 ADT\\S\\A03 配置主题');
      expect(ack(refused).get('MSA-1')).toBe('AR');
      expect(ack(refused).get('MSA-3')).toContain('没有为消息类型 ADT^A03 配置主题');
    });

    it('decodes an undeclared charset with the endpoint’s fallback and answers in it', async () => {
      const { client } = await admissions({ charset: 'GB18030' });
      const { bytes } = gb18030Admission('GB-0003', false);
      const raw = await client.send(bytes);
      const reply = ack(raw, 'GB18030');
      expect(reply.get('MSA-1')).toBe('AA');
      expect(reply.get('MSH-18')).toBe('');
      const [row] = await messageBySourceId('GB-0003');
      expect(row!.patient_name).toBe('张三丰');
      const unmapped = gb18030Admission('GB-0004', false).message;
      unmapped.set('MSH-9.2', 'A03');
      const refused = await client.send(iconv.encode(unmapped.toString({ canonical: true }), 'gb18030'));
      expect(isUtf8(refused)).toBe(false);
      expect(ack(refused, 'GB18030').get('MSA-3')).toContain('没有为消息类型 ADT^A03 配置主题');
    });

    it('answers AR to what is not HL7, records it as rejected, and keeps the connection', async () => {
      const { client, topic, ep } = await admissions();
      await api('PATCH', `/api/engine/endpoints/${ep.id}`, { settings: { defaultTopic: topic.code } });
      const reply = ack(await client.send('THIS IS NOT AN HL7 MESSAGE'));
      expect(reply.get('MSA-1')).toBe('AR');
      expect(reply.get('ERR-3.1')).toBe('100');
      expect(reply.get('MSA-3')).toContain('HL7V2_NO_MSH');
      const rejected = await k().selectFrom('messages').selectAll().where('status', '=', 'rejected').execute();
      expect(rejected).toHaveLength(1);
      expect(rejected[0]!.body).toBe('THIS IS NOT AN HL7 MESSAGE');
      expect(rejected[0]!.inbound).toBe('mllp');
      expect(rejected[0]!.error).toContain('HL7V2_NO_MSH');
      // Still talking.
      expect(ack(await client.send(corpus(ADT_A01))).get('MSA-1')).toBe('AA');
      const s = await status(ep.id);
      expect(s).toMatchObject({ received: 2, accepted: 1, rejected: 1 });
      expect(s.lastError).toContain('HL7V2_NO_MSH');
    });

    it('answers AR with the reason for an unknown event, an unknown, forbidden or disabled sender, a disabled topic', async () => {
      const { client, topic, ep } = await admissions();
      const v2 = (mutate: (m: Hl7Message) => void) => {
        const m = parseHl7(corpus(ADT_A01).toString('utf8'));
        mutate(m);
        return m.toString({ canonical: true });
      };
      const expectAr = async (message: string, text: string, errorCode = '207') => {
        const reply = ack(await client.send(message));
        expect(reply.get('MSA-1'), reply.toString()).toBe('AR');
        expect(reply.get('MSA-3')).toContain(text);
        expect(reply.get('ERR-1.4.1')).toBe(errorCode); // v2.3: ERR-1 carries the code
        return reply;
      };

      const unknownEvent = await expectAr(
        v2((m) => m.set('MSH-9.2', 'A08')),
        'ADT^A08',
        '201',
      );
      expect(unknownEvent.get('MSA-3')).toContain('maps no topic to message type ADT^A08');
      await expectAr(
        v2((m) => m.set('MSH-9', 'ORU^R01')),
        'ORU^R01',
        '201',
      );
      await expectAr(
        v2((m) => m.set('MSH-3', 'NoSuchSystem')),
        '发送方 NoSuchSystem（MSH-3）不是域 default 的接入系统',
      );

      const other = await addSystem(t.hutong, { code: 'OTHER' });
      await k().insertInto('topic_publishers').values({ topic_id: topic.id, system_id: other.id }).execute();
      await t.hutong.engine.cache.reload();
      await expectAr(
        v2(() => undefined),
        '接入系统 AccMgr 无权发布主题 PatientAdmit',
      );
      await k().deleteFrom('topic_publishers').execute();

      await k().updateTable('systems').set({ enabled: 0 }).where('code', '=', 'AccMgr').execute();
      await t.hutong.engine.cache.reload();
      await expectAr(
        v2(() => undefined),
        '接入系统已停用：AccMgr',
      );
      await k().updateTable('systems').set({ enabled: 1 }).execute();

      await k().updateTable('topics').set({ enabled: 0 }).where('id', '=', topic.id).execute();
      await t.hutong.engine.cache.reload();
      await expectAr(
        v2(() => undefined),
        '主题已停用：PatientAdmit',
      );

      expect(await k().selectFrom('messages').select('id').execute()).toHaveLength(0);
      const s = await status(ep.id);
      expect(s).toMatchObject({ received: 6, accepted: 0, rejected: 6 });

      // With allowUnknownSender an unknown MSH-3 is taken anonymously.
      await k().updateTable('topics').set({ enabled: 1 }).execute();
      await t.hutong.engine.cache.reload();
      await api('PATCH', `/api/engine/endpoints/${ep.id}`, { settings: { allowUnknownSender: true } });
      const anonymous = ack(await client.send(v2((m) => m.set('MSH-3', 'NoSuchSystem'))));
      expect(anonymous.get('MSA-1')).toBe('AA');
      const [row] = await messageBySourceId('599102');
      expect(row!.system_id).toBeNull();
    });

    it('identifies the sender by the endpoint’s system when it has one', async () => {
      const { client, ep } = await admissions();
      const lis = await addSystem(t.hutong, { code: 'LIS' });
      const patched = await api('PATCH', `/api/engine/endpoints/${ep.id}`, { settings: { systemCode: 'LIS' } });
      expect(patched.status, patched.raw).toBe(200);
      const m = parseHl7(corpus(ADT_A01).toString('utf8'));
      m.set('MSH-3', 'WhoeverSays');
      expect(ack(await client.send(m.toString({ canonical: true }))).get('MSA-1')).toBe('AA');
      const [row] = await messageBySourceId('599102');
      expect(row!.system_id).toBe(lis.id);
    });

    it('answers a duplicate with AA and stores it once', async () => {
      const { client } = await admissions();
      expect(ack(await client.send(corpus(ADT_A01))).get('MSA-1')).toBe('AA');
      expect(ack(await client.send(corpus(ADT_A01))).get('MSA-1')).toBe('AA');
      expect(await messageBySourceId('599102')).toHaveLength(1);
    });

    it('answers AR to an oversized message, then hangs up', async () => {
      const { client, ep } = await admissions({ maxMessageBytes: 1024 });
      const big = parseHl7(corpus(ADT_A01).toString('utf8'));
      big.set('MSH-10', 'BIG-1');
      big.set('NTE-3', 'x'.repeat(3000));
      const reply = ack(await client.send(big.toString({ canonical: true })));
      expect(reply.get('MSA-1')).toBe('AR');
      expect(reply.get('MSA-2')).toBe('BIG-1');
      expect(reply.get('MSA-3')).toContain('消息超过接入端点的上限（1024 字节）');
      await client.closed;
      expect(await k().selectFrom('messages').select('id').execute()).toHaveLength(0);
      expect((await status(ep.id)).rejected).toBe(1);
    });

    it('answers AE when a synchronous provider fails, and passes an HL7 reply through when it answers', async () => {
      await addSystem(t.hutong, { code: 'AccMgr' });
      const provider = await addSystem(t.hutong, { code: 'PIX' });
      const topic = await addTopic(t.hutong, { code: 'PatientQuery', model: 'HL7V2', mode: 'sync' });
      await addSubscription(t.hutong, topic.id, provider.id, { url: receiver.url });
      const ep = await endpoint({ topicByEvent: { ADT: topic.code } });
      const client = await connect(await portOf(ep.id));
      receiver.respond({ status: 500, body: 'provider down' });
      const failed = ack(await client.send(corpus(ADT_A01)));
      expect(failed.get('MSA-1')).toBe('AE');
      expect(failed.get('MSA-3')).toContain('服务提供方调用失败');

      const answer = 'MSH|^~\\&|PIX|H|AccMgr|1|20260101||ACK^A01|R-1|P|2.3\rMSA|AA|599103|found\r';
      receiver.respond({ status: 200, body: answer });
      const m = parseHl7(corpus(ADT_A01).toString('utf8'));
      m.set('MSH-10', '599103');
      const passed = ack(await client.send(m.toString({ canonical: true })));
      expect(passed.get('MSH-10')).toBe('R-1');
      expect(passed.get('MSA-3')).toBe('found');
    });

    it('delivers to a subscriber over outbound MLLP, retrying an AE until AA, in GB18030', async () => {
      await addSystem(t.hutong, { code: 'AccMgr' });
      const lis = await addSystem(t.hutong, { code: 'LIS' });
      const topic = await addTopic(t.hutong, { code: 'PatientAdmit', model: 'HL7V2' });
      const peer = await new MllpPeer().start();
      try {
        peer.respond('AE');
        const sub = await api('POST', '/api/engine/subscriptions', {
          topicId: topic.id,
          systemId: lis.id,
          name: 'to LIS over MLLP',
          adapter: 'mllp',
          adapterConfig: { host: '127.0.0.1', port: peer.port, timeoutMs: 5000 },
          backoffInitialMs: 10,
          backoffMaxMs: 20,
        });
        expect(sub.status, sub.raw).toBe(201);
        const ep = await endpoint({ topicByEvent: { 'ADT^A01': topic.code } });
        const client = await connect(await portOf(ep.id));
        const { bytes } = gb18030Admission('GB-OUT-1');
        expect(ack(await client.send(bytes)).get('MSA-1')).toBe('AA');

        const [row] = await messageBySourceId('GB-OUT-1');
        const delivery = await waitFor(
          async () => {
            const d = await k()
              .selectFrom('deliveries')
              .selectAll()
              .where('message_id', '=', row!.id)
              .executeTakeFirst();
            return d?.status === 'delivered' ? d : null;
          },
          15_000,
          'delivered over MLLP',
        );
        const attempts = await k()
          .selectFrom('attempts')
          .selectAll()
          .where('delivery_id', '=', delivery.id)
          .orderBy('n')
          .execute();
        expect(attempts.map((a) => [a.outcome, a.status_code])).toEqual([
          ['error', 'AE'],
          ['ok', 'AA'],
        ]);
        expect(attempts[0]!.error).toContain('测试拒收 rejected by test (AE)');
        expect(attempts[0]!.response_excerpt).toContain('MSA|AE|GB-OUT-1');
        expect(peer.received).toHaveLength(2);
        // Sent as it was received: GB18030 bytes, CR-terminated.
        expect(peer.received[1]!.bytes.equals(bytes)).toBe(true);
        expect(peer.received[1]!.text).toContain('张^三丰');
      } finally {
        await peer.close();
      }
    });

    it('restarts its listener when the address changes, applies other settings live, stops when disabled', async () => {
      const { client, ep, topic } = await admissions();
      const before = await portOf(ep.id);
      const newPort = await freePort();
      const moved = await api('PATCH', `/api/engine/endpoints/${ep.id}`, { settings: { port: newPort } });
      expect(moved.status, moved.raw).toBe(200);
      expect(await portOf(ep.id)).toBe(newPort);
      await client.closed; // the old listener let its connection go
      await expect(MllpClient.connect(before)).rejects.toThrow(/ECONNREFUSED/);
      const second = await connect(newPort);
      expect(ack(await second.send(corpus(ADT_A01))).get('MSA-1')).toBe('AA');

      // A new mapping applies to the next message on the same connection.
      const m = parseHl7(corpus(ADT_A01).toString('utf8'));
      m.set('MSH-9.2', 'A08');
      m.set('MSH-10', 'A08-1');
      expect(ack(await second.send(m.toString({ canonical: true }))).get('MSA-1')).toBe('AR');
      await api('PATCH', `/api/engine/endpoints/${ep.id}`, { settings: { topicByEvent: { ADT: topic.code } } });
      expect(ack(await second.send(m.toString({ canonical: true }))).get('MSA-1')).toBe('AA');
      expect((await status(ep.id)).connections).toBe(1);

      const disabled = await api('PATCH', `/api/engine/endpoints/${ep.id}`, { enabled: false });
      expect(disabled.status).toBe(200);
      expect((await status(ep.id)).state).toBe('stopped');
      await second.closed;
      await expect(MllpClient.connect(newPort)).rejects.toThrow(/ECONNREFUSED/);
      await api('PATCH', `/api/engine/endpoints/${ep.id}`, { enabled: true });
      expect(await portOf(ep.id)).toBe(newPort);
    });

    it('reports a port already in use as failed, keeps serving, and listens once the port is free', async () => {
      const blocker = net.createServer();
      const port = await new Promise<number>((resolve) =>
        blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as net.AddressInfo).port)),
      );
      const ep = await endpoint({ port });
      let s = await status(ep.id);
      expect(s.state).toBe('failed');
      expect(s.error).toContain('EADDRINUSE');
      expect(s.lastError).toContain('EADDRINUSE');
      expect((await api('GET', '/api/engine/endpoints')).status).toBe(200);
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
      await api('PATCH', `/api/engine/endpoints/${ep.id}`, { name: '端口已释放' });
      s = await status(ep.id);
      expect(s.state).toBe('listening');
      expect(s.error).toBeNull();
    });

    it('refuses connections from addresses off its allowlist, and follows allowlist changes', async () => {
      await addSystem(t.hutong, { code: 'AccMgr' });
      const topic = await addTopic(t.hutong, { code: 'PatientAdmit', model: 'HL7V2' });
      const ep = await endpoint({ topicByEvent: { ADT: topic.code }, ipAllowlist: ['10.9.9.9', '192.168.0.0/16'] });
      const port = await portOf(ep.id);
      const refused = await connect(port);
      await refused.closed;
      expect((await status(ep.id)).lastError).toContain('not on the allowlist');
      await api('PATCH', `/api/engine/endpoints/${ep.id}`, { settings: { ipAllowlist: ['127.0.0.1'] } });
      const allowed = await connect(port);
      expect(ack(await allowed.send(corpus(ADT_A01))).get('MSA-1')).toBe('AA');
      // Taking loopback off the list lets the open connection go.
      await api('PATCH', `/api/engine/endpoints/${ep.id}`, { settings: { ipAllowlist: ['10.9.9.9'] } });
      await allowed.closed;
    });

    it('finishes a message already received, ACK included, when stopped', async () => {
      await addSystem(t.hutong, { code: 'AccMgr' });
      const provider = await addSystem(t.hutong, { code: 'PIX' });
      const topic = await addTopic(t.hutong, { code: 'SlowQuery', model: 'HL7V2', mode: 'sync' });
      await addSubscription(t.hutong, topic.id, provider.id, { url: receiver.url });
      const ep = await endpoint({ topicByEvent: { ADT: topic.code } });
      const client = await connect(await portOf(ep.id));
      receiver.respond({ status: 200, body: '{"ok":true}', delayMs: 300 });
      const pending = client.send(corpus(ADT_A01));
      await waitFor(() => receiver.received.length === 1, 5000, 'the message to reach the provider');
      await t.hutong.engine.endpoints.runtime.stop();
      expect(ack(await pending).get('MSA-1')).toBe('AA');
      await client.closed;
      expect(await messageBySourceId('599102')).toHaveLength(1);
      expect((await status(ep.id)).state).toBe('stopped');
    });

    it('speaks MLLP over TLS and checks client certificates', async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'hutong-mllp-tls-'));
      try {
        const certs = makeCertificates(dir);
        await addSystem(t.hutong, { code: 'AccMgr' });
        const topic = await addTopic(t.hutong, { code: 'PatientAdmit', model: 'HL7V2' });
        const ep = await endpoint({
          topicByEvent: { ADT: topic.code },
          tls: { certFile: certs.serverCert, keyFile: certs.serverKey, caFile: certs.ca, requestClientCert: true },
        });
        const port = await portOf(ep.id);
        const trusted = await MllpClient.connect(port, {
          tls: {
            ca: readFileSync(certs.ca),
            cert: readFileSync(certs.clientCert),
            key: readFileSync(certs.clientKey),
            servername: 'server',
            checkServerIdentity: () => undefined,
          },
        });
        clients.push(trusted);
        expect(ack(await trusted.send(corpus(ADT_A01))).get('MSA-1')).toBe('AA');
        // Without a client certificate the handshake fails or the server hangs up before any message.
        const anonymous = await MllpClient.connect(port, {
          tls: { ca: readFileSync(certs.ca), checkServerIdentity: () => undefined },
        }).catch((error: Error) => error);
        if (anonymous instanceof MllpClient) {
          clients.push(anonymous);
          await expect(anonymous.send(corpus(ADT_A01), 3000)).rejects.toThrow();
        } else {
          expect(anonymous.message).toMatch(/certificate|handshake|alert|socket/i);
        }
        expect(await messageBySourceId('599102')).toHaveLength(1);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

describe('the default MLLP endpoint of a fresh install', () => {
  const dialect = dialectsUnderTest()[0]!;
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    port = await freePort();
    t = await startTestApp(dialect, { mllp: { port } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('is created for the default domain on the configured port, loopback only, and not again once deleted', async () => {
    const admin = await t.adminCookie();
    const list = await t.call('GET', '/api/engine/endpoints', { cookie: admin });
    // With the WebService endpoint /services/HIPMessageServer beside it.
    expect(list.body.items.map((e: { code: string }) => e.code).sort()).toEqual(['HIP', 'MLLP']);
    const ep = list.body.items.find((e: { code: string }) => e.code === 'MLLP');
    expect(ep).toMatchObject({
      code: 'MLLP',
      protocol: 'mllp',
      enabled: true,
      domainId: await defaultDomainId(t.hutong),
    });
    expect(ep.settings).toMatchObject({ host: '0.0.0.0', port, ipAllowlist: [], charset: 'UTF-8' });

    // Not listening until the server starts its listeners.
    expect((await t.call('GET', `/api/engine/endpoints/${ep.id}/status`, { cookie: admin })).body.state).toBe(
      'stopped',
    );
    await t.hutong.engine.endpoints.runtime.start();
    const client = await MllpClient.connect(port);
    try {
      const reply = decodeHl7Buffer(await client.send(corpus(ADT_A01)));
      // Nothing is mapped yet: refused with the reason, not silently dropped.
      expect(reply.get('MSA-1')).toBe('AR');
      expect(reply.get('MSA-3')).toContain('ADT^A01');
    } finally {
      client.close();
    }

    expect((await t.call('DELETE', `/api/engine/endpoints/${ep.id}`, { cookie: admin })).status).toBe(204);
    await t.hutong.engine.endpoints.load();
    const left = (await t.call('GET', '/api/engine/endpoints', { cookie: admin })).body.items;
    expect(left.map((e: { code: string }) => e.code)).toEqual(['HIP']);
    await expect(MllpClient.connect(port)).rejects.toThrow(/ECONNREFUSED/);
  });
});
