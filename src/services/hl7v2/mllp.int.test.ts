// HL7 v2 into the interaction services end to end, on SQLite and (when configured) PostgreSQL: a Chinese ADT^A04 sent
// over MLLP to the default domain becomes an OutPatientInfoAdd message stored as the standard V3 request with its index
// fields, and the sender gets AA only after the commit; a retransmission is not stored twice; a message the mapping
// refuses gets AE naming the v2 field and is recorded as rejected; an unmapped event gets AR.
//
// The app is built as the MLLP tests build it (startTestApp with the catalogue's topics); the converter and the
// receiver's topic hook are wired here as app.ts is to wire them (see src/services/hl7v2/index.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type Json, type TestApp } from '../../../test/support/app.js';
import { dialectsUnderTest } from '../../../test/support/databases.js';
import { addSystem, defaultDomainId } from '../../../test/support/engine.js';
import { MllpListener, MllpReceiver, type MllpEndpointContext } from '../../engine/adapters/inbound/mllp/index.js';
import { MllpClient } from '../../engine/adapters/inbound/mllp/peers.testutil.js';
import { resolveEndpointSettings, type MllpEndpointSettings } from '../../engine/endpoints/index.js';
import type { EngineTables } from '../../engine/tables.js';
import { decodeHl7Buffer, parseHl7 } from '../../formats/hl7v2/index.js';
import { parseV3 } from '../../formats/hl7v3/index.js';
import { serviceEventTopic, serviceHl7v2Converter, v3IdForV2 } from './converter.js';
import { messages } from './messages.testutil.js';

const ack = (bytes: Buffer) => decodeHl7Buffer(bytes);

/** The sample with a fresh control id (MSH-10), so each test's message is its own. */
function fresh(
  name: keyof typeof messages,
  change?: (m: ReturnType<typeof parseHl7>) => void,
): { text: string; id: string } {
  const m = parseHl7(messages[name]);
  const id = `T${Math.random().toString(36).slice(2, 12)}`;
  m.set('MSH-10', id);
  change?.(m);
  return { text: m.toString(), id };
}

for (const dialect of dialectsUnderTest()) {
  describe(`HL7 v2 into the interaction services on ${dialect.name}`, () => {
    let t: TestApp;
    let listener: MllpListener;
    let client: MllpClient;
    let his: { id: string; code: string };
    const k = () => t.hutong.db.kysely.withTables<EngineTables>();
    /** The stored messages of a v2 message of HIS: its V3 id derives from the sender and MSH-10. */
    const rowsOf = (controlId: string) => {
      const m = parseHl7(messages['ADT^A04']);
      m.set('MSH-10', controlId);
      return k().selectFrom('messages').selectAll().where('source_message_id', '=', v3IdForV2('HIS', m)).execute();
    };

    beforeAll(async () => {
      t = await startTestApp(dialect, { mllp: { port: 0 }, services: { seedTopics: true } });
      // app.ts: engine.pipeline.addBodyConverter(serviceHl7v2Converter())
      t.hutong.engine.pipeline.addBodyConverter(serviceHl7v2Converter());
      his = await addSystem(t.hutong, { code: 'HIS' });
      const domainId = await defaultDomainId(t.hutong);
      const resolved = resolveEndpointSettings('mllp', { host: '127.0.0.1', port: 0 });
      if (!resolved.ok) throw new Error(resolved.problems.join('; '));
      const settings = resolved.settings as MllpEndpointSettings;
      // An endpoint with no MSH-9 map and no default topic: only the catalogue hook chooses topics.
      const endpoint: MllpEndpointContext = { id: 'hl7v2-services', code: 'HL7V2-SERVICES', domainId, settings };
      const receiver = new MllpReceiver({
        pipeline: t.hutong.engine.pipeline,
        cache: t.hutong.engine.cache,
        systemByCode: (_domain, code) => (code === his.code ? t.hutong.engine.cache.systemById(his.id) : undefined),
        // app.ts / EndpointRuntime: eventTopic = serviceEventTopic()
        eventTopic: serviceEventTopic(),
      });
      listener = new MllpListener({
        host: '127.0.0.1',
        port: 0,
        maxMessageBytes: settings.maxMessageBytes,
        idleTimeoutMs: 0,
        allowed: () => true,
        receive: async (bytes, remote) => (await receiver.receive(endpoint, bytes, remote)).ack,
        oversized: (head, size) => receiver.oversized(endpoint, head, size).ack,
      });
      const address = await listener.start();
      client = await MllpClient.connect(Number(address.split(':').pop()));
    });
    afterAll(async () => {
      client?.close();
      await listener?.stop(1000);
      await t?.close();
    });

    it('stores an ADT^A04 as the OutPatientInfoAdd V3 request with its index fields, then answers AA', async () => {
      const { text, id } = fresh('ADT^A04');
      const reply = ack(await client.send(Buffer.from(text)));
      expect(reply.get('MSA-1'), reply.toString()).toBe('AA');
      expect(reply.get('MSA-2')).toBe(id);

      const [row, more] = await rowsOf(id);
      expect(more).toBeUndefined();
      expect(row).toBeDefined();
      const topic = t.hutong.engine.cache.topicById(row!.topic_id);
      expect(topic?.code).toBe('OutPatientInfoAdd');
      expect(row!.inbound).toBe('mllp');
      expect(row!.system_id).toBe(his.id);
      expect(row!.status).not.toBe('rejected');
      expect(row!.content_type).toContain('application/xml');
      expect(row!.patient_id).toBe('P0000123');
      expect(row!.patient_name).toBe('张三');
      expect(row!.visit_no).toBe('V20240315001');
      // TEXT on SQLite, jsonb on PostgreSQL.
      const raw = row!.headers as unknown;
      const headers = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Record<string, string>;
      expect(headers).toMatchObject({
        'x-hutong-source-format': 'hl7v2',
        'x-hutong-hl7v2-event': 'ADT^A04',
        endpoint: 'HL7V2-SERVICES',
      });
      const v3 = parseV3(row!.body);
      expect(v3.interactionId).toBe('PRPA_IN400001UV');
      expect(row!.source_message_id).toBe(v3.messageId);
      expect(row!.body).toContain('<name>张三</name>');

      // The message search shows it like any V3 message of the service.
      const admin = await t.adminCookie();
      const detail = await t.call('GET', `/api/engine/messages/${row!.id}`, { cookie: admin });
      expect(detail.status, detail.raw).toBe(200);
      expect((detail.body as Json).patientId ?? (detail.body as Json).index?.patientId).toBe('P0000123');
    });

    it('does not store a retransmission twice', async () => {
      const { text, id } = fresh('ADT^A04');
      expect(ack(await client.send(Buffer.from(text))).get('MSA-1')).toBe('AA');
      expect(ack(await client.send(Buffer.from(text))).get('MSA-1')).toBe('AA');
      expect(await rowsOf(id)).toHaveLength(1);
    });

    it('routes other events to their services by the message (SIU with a CT scanner → 检查预约)', async () => {
      const { text, id } = fresh('SIU^S12 exam', (m) => m.set('MSH-3', 'HIS'));
      expect(ack(await client.send(Buffer.from(text))).get('MSA-1')).toBe('AA');
      const [row] = await rowsOf(id);
      expect(t.hutong.engine.cache.topicById(row!.topic_id)?.code).toBe('CheckAppointStatusInfoAdd');
    });

    it('answers AE naming PID-3 when the patient id is missing, and records the message as rejected', async () => {
      const { text } = fresh('ADT^A04', (m) => m.set('PID-3', ''));
      const reply = ack(await client.send(Buffer.from(text)));
      expect(reply.get('MSA-1')).toBe('AE');
      expect(reply.get('ERR-2')).toContain('PID');
      expect(reply.get('ERR-3.1')).toBe('101');
      expect(reply.get('MSA-3')).toContain('PID-3');
      const rejected = await k()
        .selectFrom('messages')
        .selectAll()
        .where('status', '=', 'rejected')
        .where('content_type', '=', 'x-application/hl7-v2+er7')
        .execute();
      expect(rejected.some((r) => r.error?.includes('PID-3'))).toBe(true);
    });

    it('answers AR for an event no service maps (and no default topic)', async () => {
      const { text } = fresh('ADT^A04', (m) => m.setRaw('MSH-9', 'ORU^R01^ORU_R01'));
      const reply = ack(await client.send(Buffer.from(text)));
      expect(reply.get('MSA-1')).toBe('AR');
      expect(reply.get('MSA-3')).toContain('ORU^R01');
      expect(reply.get('ERR-3.1')).toBe('201');
    });
  });
}
