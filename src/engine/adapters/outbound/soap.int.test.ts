// The outbound SOAP adapter against a real HIPMessageServer: a second Hutong listening on a port, whose WebService
// endpoint receives what the first one's dispatcher sends. AA → delivered and stored there; AE/AR → failed attempts,
// retried; a Fault → failed; raw envelopes; timeouts; "test connection"; and a synchronous query answered through
// the chain SOAP caller → Hutong A → SOAP adapter → Hutong B.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../../test/support/app.js';
import { dialectsUnderTest } from '../../../../test/support/databases.js';
import { Receiver, addSystem, addTopic, defaultDomainId, waitFor } from '../../../../test/support/engine.js';
import { parseV3 } from '../../../formats/hl7v3/index.js';
import { buildSoapRequest, parseSoapResponse } from '../../../formats/soap/index.js';
import type { Hutong } from '../../../app.js';
import { now, toJson } from '../../../platform/db/index.js';
import { newId } from '../../../platform/ids/index.js';
import type { EngineTables } from '../../tables.js';
import { sampleV3, soapRequest } from '../inbound/soap/clients.testutil.js';
import { SoapOutboundAdapter } from './soap.js';

async function addSoapSubscription(
  hutong: Hutong,
  topicId: string,
  systemId: string,
  adapterConfig: Record<string, unknown>,
  options: { maxAttempts?: number } = {},
): Promise<string> {
  const id = newId();
  const at = now();
  // Through the registry's own check, so a config the console would refuse fails the test here.
  hutong.engine.adapters.checkConfig('soap', adapterConfig);
  await hutong.db.kysely
    .withTables<EngineTables>()
    .insertInto('subscriptions')
    .values({
      id,
      domain_id: await defaultDomainId(hutong),
      topic_id: topicId,
      system_id: systemId,
      name: `soap-${id.slice(-6)}`,
      adapter: 'soap',
      adapter_config: toJson(adapterConfig) ?? '{}',
      filter: null,
      transform: null,
      transform_ref: null,
      max_attempts: options.maxAttempts ?? 3,
      backoff_initial_ms: 50,
      backoff_max_ms: 100,
      ordering: 'parallel',
      workers: 4,
      paused: 0,
      enabled: 1,
      created_at: at,
      updated_at: at,
    })
    .execute();
  await hutong.engine.cache.reload();
  return id;
}

for (const dialect of dialectsUnderTest()) {
  describe(`outbound SOAP adapter on ${dialect.name}`, () => {
    let a: TestApp;
    let b: TestApp;
    let endpoint: string;
    let bSecret: string;
    let his: { id: string; secret: string };
    let peer: { id: string };
    let slow: Receiver;
    const ka = () => a.hutong.db.kysely.withTables<EngineTables>();
    const kb = () => b.hutong.db.kysely.withTables<EngineTables>();

    beforeAll(async () => {
      // The peer only routes: the test messages are query test cases sent to other services' topics, which the
      // clinical data repository would rightly refuse (HUTONG_CDR=false).
      b = await startTestApp(dialect, { services: { seedTopics: false, cdr: false } });
      const base = await b.hutong.start();
      endpoint = `${base}services/HIPMessageServer`;
      await addTopic(b.hutong, { code: 'PatientInfoRegister', model: 'HL7V3' });
      await addTopic(b.hutong, { code: 'PatientInfoUpdate', model: 'HL7V3' });
      await addTopic(b.hutong, { code: 'PatientInfoQuery', model: 'HL7V3' });
      bSecret = (await addSystem(b.hutong, { code: 'HUTONG-A' })).secret;

      a = await startTestApp(dialect, { services: { seedTopics: false, cdr: false } });
      his = await addSystem(a.hutong, { code: 'HIS' });
      peer = await addSystem(a.hutong, { code: 'PLATFORM-B' });
      slow = await new Receiver().start();
    }, 60_000);
    afterAll(async () => {
      await a.close();
      await b.close();
      await slow.close();
    });

    /** Publishes to A and waits until the delivery settles; returns it with its attempts. */
    async function publishAndSettle(topic: string, body: string) {
      const res = await a.call('POST', `/api/hip/default/${topic}`, {
        body,
        headers: { authorization: `Bearer ${his.secret}`, 'content-type': 'application/xml' },
      });
      expect(res.status, res.raw).toBe(202);
      const messageId = res.body.messageId as string;
      const delivery = await waitFor(
        async () => {
          const d = await ka()
            .selectFrom('deliveries')
            .selectAll()
            .where('message_id', '=', messageId)
            .executeTakeFirst();
          return d && (d.status === 'delivered' || d.status === 'dead') ? d : undefined;
        },
        15_000,
        `delivery of ${topic} settled`,
      );
      const attempts = await ka()
        .selectFrom('attempts')
        .selectAll()
        .where('delivery_id', '=', delivery.id)
        .orderBy('n')
        .execute();
      return { messageId, delivery, attempts };
    }

    const auth = () => ({ authorization: `Bearer ${bSecret}` });

    it('AA → delivered, and the peer stored the message (SOAP 1.2, action from {sCode})', async () => {
      const topic = await addTopic(a.hutong, { code: 'PatientInfoUpdate', model: 'HL7V3' });
      await addSoapSubscription(a.hutong, topic.id, peer.id, {
        url: endpoint,
        soapVersion: '1.2',
        action: '{sCode}',
        messageForm: 'escaped',
        headers: auth(),
      });
      const id = newId();
      const message = sampleV3({ id });
      const { delivery, attempts } = await publishAndSettle(topic.code, message);
      expect(delivery.status).toBe('delivered');
      expect(attempts).toHaveLength(1);
      expect(attempts[0]).toMatchObject({ outcome: 'ok', status_code: 'AA' });
      expect(parseV3(attempts[0]!.response_excerpt!).acknowledgement?.targetMessageId).toBe(id);
      const stored = await kb()
        .selectFrom('messages')
        .selectAll()
        .where('source_message_id', '=', id)
        .executeTakeFirstOrThrow();
      expect(stored.body).toBe(message.trim().replace(/\r\n?/g, '\n'));
      expect(JSON.parse(stored.headers!)).toMatchObject({ 'soap-action': 'S0002', 'soap-version': '1.2' });
    });

    it('AE → a failed attempt with the acknowledgement text, retried until the last attempt', async () => {
      const topic = await addTopic(a.hutong, { code: 'AeOut', model: 'TEXT' });
      await addSoapSubscription(
        a.hutong,
        topic.id,
        peer.id,
        { url: endpoint, action: 'PatientInfoRegister', headers: auth() },
        { maxAttempts: 2 },
      );
      const { delivery, attempts } = await publishAndSettle(
        topic.code,
        '<PRPA_IN201311UV02 xmlns="urn:hl7-org:v3"><broken>',
      );
      expect(delivery.status).toBe('dead');
      expect(attempts).toHaveLength(2);
      for (const attempt of attempts) {
        expect(attempt.outcome).toBe('error');
        expect(attempt.status_code).toBe('AE');
        expect(attempt.error).toMatch(/^acknowledgement AE: 消息内容无法解析（HL7V3）/);
      }
    });

    it('AR (unknown action) and a SOAP Fault (wrong namespace) → failed', async () => {
      const ar = await addTopic(a.hutong, { code: 'ArOut', model: 'HL7V3' });
      await addSoapSubscription(a.hutong, ar.id, peer.id, { url: endpoint, headers: auth() }, { maxAttempts: 1 });
      const rejected = await publishAndSettle(ar.code, sampleV3({ id: newId() }));
      expect(rejected.delivery.status).toBe('dead');
      expect(rejected.attempts[0]!.error).toBe('acknowledgement AR: 未知服务（unknown action）：ArOut');

      const fault = await addTopic(a.hutong, { code: 'FaultOut', model: 'HL7V3' });
      await addSoapSubscription(
        a.hutong,
        fault.id,
        peer.id,
        { url: endpoint, action: 'S0001', namespace: 'urn:not-hl7', headers: auth() },
        { maxAttempts: 1 },
      );
      const faulted = await publishAndSettle(fault.code, sampleV3({ id: newId() }));
      expect(faulted.delivery.status).toBe('dead');
      expect(faulted.attempts[0]).toMatchObject({ outcome: 'error', status_code: 'Fault Client' });
      expect(faulted.attempts[0]!.error).toMatch(
        /^SOAP Fault Client: SOAP 请求无效：unknown operation \{urn:not-hl7\}/,
      );
    });

    it('raw mode posts the message as the envelope', async () => {
      const topic = await addTopic(a.hutong, { code: 'RawOut', model: 'XML' });
      await addSoapSubscription(a.hutong, topic.id, peer.id, {
        url: endpoint,
        mode: 'raw',
        soapVersion: '1.1',
        headers: auth(),
      });
      const id = newId();
      const envelope = buildSoapRequest({ version: '1.1', action: 'S0001', message: sampleV3({ id }) }).body;
      const { delivery, attempts } = await publishAndSettle(topic.code, envelope);
      expect(delivery.status, attempts[0]?.error ?? '').toBe('delivered');
      expect(attempts[0]!.status_code).toBe('AA');
      const stored = await kb()
        .selectFrom('messages')
        .selectAll()
        .where('source_message_id', '=', id)
        .executeTakeFirstOrThrow();
      expect(JSON.parse(stored.headers!)).toMatchObject({ 'soap-action': 'S0001', 'soap-version': '1.1' });
    });

    it('a peer that does not answer in time → timeout', async () => {
      slow.respond({ status: 200, body: '', delayMs: 3000 });
      const topic = await addTopic(a.hutong, { code: 'SlowOut', model: 'HL7V3' });
      await addSoapSubscription(a.hutong, topic.id, peer.id, { url: slow.url, timeoutMs: 200 }, { maxAttempts: 1 });
      const { delivery, attempts } = await publishAndSettle(topic.code, sampleV3({ id: newId() }));
      expect(delivery.status).toBe('dead');
      expect(attempts[0]).toMatchObject({ outcome: 'timeout', error: 'timeout after 200 ms' });
    });

    it('answers a synchronous query through the chain caller → A → SOAP adapter → B', async () => {
      const topic = await addTopic(a.hutong, { code: 'PatientInfoQuery', model: 'HL7V3', mode: 'sync' });
      await addSoapSubscription(
        a.hutong,
        topic.id,
        peer.id,
        { url: endpoint, soapVersion: '1.1', action: '{topic}', headers: auth() },
        { maxAttempts: 1 },
      );
      const id = newId();
      const res = await a.hutong.app.inject({
        method: 'POST',
        url: '/services/HIPMessageServer',
        ...(({ body, headers }) => ({ payload: body, headers: { ...headers, authorization: `Bearer ${his.secret}` } }))(
          soapRequest('dotnet12', 'S0004', sampleV3({ id }), 'cdata'),
        ),
      });
      expect(res.statusCode, res.body).toBe(200);
      const answer = parseSoapResponse(res.body);
      if (answer.kind !== 'result') throw new Error(res.body);
      // B's acknowledgement, passed through unchanged
      const ack = parseV3(answer.result);
      expect(ack.acknowledgement).toMatchObject({ typeCode: 'AA', targetMessageId: id });
      expect(ack.acknowledgement?.texts[0]).toMatch(/^成功/);
    });

    it('"test connection" reads the peer’s WSDL', async () => {
      const adapter = new SoapOutboundAdapter();
      try {
        expect(await adapter.test({ url: endpoint })).toMatchObject({ ok: true });
        const wrongNs = await adapter.test({ url: endpoint, namespace: 'http://www.dhcc.com.cn' });
        expect(wrongNs.ok).toBe(false);
        expect(wrongNs.message).toContain('urn:hl7-org:v3');
        const wrongOp = await adapter.test({ url: endpoint, operation: 'SendMessage' });
        expect(wrongOp).toMatchObject({ ok: false });
        expect(wrongOp.message).toContain('SendMessage');
        const closed = await adapter.test({ url: 'http://127.0.0.1:1/services/HIPMessageServer', timeoutMs: 1000 });
        expect(closed.ok).toBe(false);
      } finally {
        await adapter.close();
      }
    });
  });
}
