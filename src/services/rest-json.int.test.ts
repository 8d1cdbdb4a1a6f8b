// Every catalogue service called over REST with its canonical JSON (POST /api/hip/{domain}/{service}): the example
// JSON is accepted and stored as the standard V3 request with the same index fields; queries are answered by a test
// provider and the answer comes back as JSON; bad bodies get 400 HT_SERVICE_JSON_INVALID naming the field and are
// recorded as rejected. One app per dialect, the services looped inside the tests.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type Json, type TestApp } from '../../test/support/app.js';
import { dialectsUnderTest } from '../../test/support/databases.js';
import { addSubscription, addSystem, Receiver } from '../../test/support/engine.js';
import type { EngineTables } from '../engine/tables.js';
import { parseV3 } from '../formats/hl7v3/index.js';
import { listServiceDefinitions } from './catalogue/catalogue.js';
import { exampleScenario } from './cdr/index.js';
import type { ServiceDefinition, ServiceField } from './catalogue/types.js';

const services = listServiceDefinitions();

/** A value of the wrong JSON type for `f`. */
function wrongValue(f: ServiceField): unknown {
  if (f.type === 'number') return 'not-a-number';
  if (f.type === 'boolean') return 'yes';
  return 12345;
}

for (const dialect of dialectsUnderTest()) {
  describe(`REST JSON calls of the interaction services on ${dialect.name}`, () => {
    let t: TestApp;
    let secret: string;
    let systemCode: string;
    const provider = new Receiver();
    const k = () => t.hutong.db.kysely.withTables<EngineTables>();
    const post = (topic: string, body: string, headers: Record<string, string> = {}) =>
      t.call('POST', `/api/hip/default/${topic}`, {
        body,
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json', ...headers },
      });

    beforeAll(async () => {
      t = await startTestApp(dialect, { services: { seedTopics: true } });
      const sys = await addSystem(t.hutong, { code: 'HIS' });
      secret = sys.secret;
      systemCode = sys.code;
      await provider.start();
      const topics = await k().selectFrom('topics').select(['id', 'code', 'mode']).execute();
      for (const topic of topics.filter((x) => x.mode === 'sync')) {
        await addSubscription(t.hutong, topic.id, sys.id, { url: provider.url, maxAttempts: 1 });
      }
    }, 120_000);
    afterAll(async () => {
      await provider.close();
      await t.close();
    });

    it('accepts the example JSON of every service and stores it as V3 with the same index fields', async () => {
      const failures: string[] = [];
      for (const def of services) {
        const sync = def.operation === 'query';
        // A service without a V3 response interaction: the provider's own answer passes through.
        if (sync) provider.respond({ status: 200, body: def.examples.v3Response ?? '{"own":"answer"}' });
        // What the example refers to is created first (the repository refuses an update of an unknown record).
        const steps = exampleScenario(def.action);
        for (const step of steps.slice(0, -1)) {
          const pre = await post(step.action, JSON.stringify(step.json));
          if (pre.status !== 202)
            failures.push(`${def.action} needs ${step.action}: ${pre.status} ${pre.raw.slice(0, 300)}`);
        }
        const before = provider.received.length;
        const res = await post(def.action, JSON.stringify(def.examples.json));
        const expected = sync ? 200 : 202;
        if (res.status !== expected) {
          failures.push(`${def.action}: ${res.status} ${res.raw.slice(0, 300)}`);
          continue;
        }
        const messageId = String(sync ? res.headers['x-hutong-message-id'] : res.body.messageId);
        const row = await k().selectFrom('messages').selectAll().where('id', '=', messageId).executeTakeFirstOrThrow();
        expect(row.content_type, def.action).toMatch(/^application\/xml/);
        expect(JSON.parse(row.headers ?? '{}'), def.action).toMatchObject({ 'x-hutong-source-format': 'json' });
        const v3 = parseV3(row.body);
        expect(v3.interactionId, def.action).toBe(def.request);
        expect(v3.senderId?.extension, def.action).toBe(systemCode);
        const json = def.examples.json;
        const patientKey = def.indexFields.patientId;
        if (patientKey && typeof json[patientKey] === 'string') {
          expect(row.patient_id, `${def.action} patient id`).toBe(json[patientKey]);
        }
        const visitKey = def.indexFields.visitNo;
        if (visitKey && typeof json[visitKey] === 'string') {
          expect(row.visit_no, `${def.action} visit no`).toBe(json[visitKey]);
        }
        if (sync) {
          // The provider got the V3 request; the caller gets the V3 answer as JSON.
          expect(provider.received.length, def.action).toBe(before + 1);
          expect(parseV3(provider.received[before]?.body ?? '').interactionId, def.action).toBe(def.request);
          expect(res.headers['content-type'], def.action).toMatch(/^application\/json/);
          const answer = res.body as Json;
          if (!def.examples.v3Response) {
            expect(answer, def.action).toEqual({ own: 'answer' });
            continue;
          }
          expect(answer.interactionId, def.action).toBe(def.response);
          expect(answer.ackCode, def.action).toBe('AA');
          // Every subject of the answer is read (or, for an entity without a definition, the V3 is kept).
          if (/<subject\b/.test(def.examples.v3Response)) {
            expect(answer.results.length > 0 || typeof answer.v3 === 'string', def.action).toBe(true);
          }
        }
      }
      expect(failures).toEqual([]);
    }, 120_000);

    it('answers a query result as JSON with the entity read by its own definition', async () => {
      const def = services.find((d) => d.action === 'PatientInfoQuery') as ServiceDefinition;
      provider.respond({ status: 200, body: def.examples.v3Response ?? '' });
      const res = await post(def.action, JSON.stringify({ patientId: 'P0000123' }));
      expect(res.status).toBe(200);
      expect(res.body.results.length).toBeGreaterThan(0);
      expect(res.body.results[0]).toMatchObject({ patientId: 'P0000123', patientPersonName: '张三' });

      // Two patients found: two results, each read from its own subject.
      const response = def.examples.v3Response ?? '';
      const subject = response.slice(response.indexOf('<subject '), response.indexOf('</subject>') + 10);
      const second = subject.replaceAll('P0000123', 'P0000456').replaceAll('张三', '李四');
      provider.respond({ status: 200, body: response.replace(subject, subject + second) });
      const two = await post(def.action, JSON.stringify({ patientId: 'P0000123' }));
      expect(two.body.results.map((r: Json) => [r.patientId, r.patientPersonName])).toEqual([
        ['P0000123', '张三'],
        ['P0000456', '李四'],
      ]);

      // A V3 request asking for JSON gets JSON; without Accept it gets the provider's V3 as it came.
      provider.respond({ status: 200, body: def.examples.v3Response ?? '' });
      const xmlForJson = await post(def.action, def.examples.v3Request ?? '', {
        'content-type': 'application/xml',
        accept: 'application/json',
      });
      expect(xmlForJson.status).toBe(200);
      expect(xmlForJson.body.ackCode).toBe('AA');
      provider.respond({ status: 200, body: def.examples.v3Response ?? '' });
      const xmlAsIs = await post(def.action, def.examples.v3Request ?? '', { 'content-type': 'application/xml' });
      expect(xmlAsIs.status).toBe(200);
      expect(xmlAsIs.raw).toBe(def.examples.v3Response);
      // A JSON caller that asks for XML gets the V3 answer.
      provider.respond({ status: 200, body: def.examples.v3Response ?? '' });
      const jsonForXml = await post(def.action, '{}', { accept: 'application/xml' });
      expect(jsonForXml.raw).toBe(def.examples.v3Response);
    });

    it('refuses a missing required field and a wrong type with 400 naming the field, and records the rejection', async () => {
      const rejectedBefore = (await k().selectFrom('messages').select('id').where('status', '=', 'rejected').execute())
        .length;
      const failures: string[] = [];
      let refused = 0;
      for (const def of services) {
        const required = def.fields.find((f) => f.required && def.operation !== 'query');
        if (required) {
          const { [required.key]: _gone, ...json } = def.examples.json;
          const res = await post(def.action, JSON.stringify(json));
          refused += 1;
          const named = (res.body?.errors ?? []).some(
            (e: { path: string; message: string }) => e.path === required.key && e.message.includes('缺少必填字段'),
          );
          if (res.status !== 400 || res.body.code !== 'HT_SERVICE_JSON_INVALID' || !named) {
            failures.push(`${def.action} missing ${required.key}: ${res.status} ${res.raw.slice(0, 300)}`);
          }
        }
        const scalar = def.fields.find((f) => f.type !== 'array' && f.type !== 'object');
        if (scalar) {
          const res = await post(
            def.action,
            JSON.stringify({ ...def.examples.json, [scalar.key]: wrongValue(scalar) }),
          );
          refused += 1;
          const named = (res.body?.errors ?? []).some(
            (e: { path: string; message: string }) => e.path === scalar.key && e.message.includes(scalar.label),
          );
          if (res.status !== 400 || res.body.code !== 'HT_SERVICE_JSON_INVALID' || !named) {
            failures.push(`${def.action} wrong type ${scalar.key}: ${res.status} ${res.raw.slice(0, 300)}`);
          }
        }
      }
      expect(failures).toEqual([]);
      expect(refused).toBeGreaterThan(services.length);

      const broken = await post('PatientInfoRegister', '{"patientId": ');
      expect([broken.status, broken.body.code]).toEqual([400, 'HT_SERVICE_JSON_INVALID']);
      expect(broken.body.message).toMatch(/不是合法的 JSON/);
      const rejected = await k()
        .selectFrom('messages')
        .select(['body', 'content_type', 'error'])
        .where('status', '=', 'rejected')
        .execute();
      expect(rejected.length).toBe(rejectedBefore + refused + 1);
      expect(rejected.some((r) => r.body === '{"patientId": ' && /JSON/.test(r.error ?? ''))).toBe(true);
      expect(rejected.filter((r) => r.content_type.startsWith('application/json')).length).toBe(refused + 1);
    });

    it('answers 404 for a JSON body to an unknown service topic, and serves each service JSON Schema', async () => {
      const unknown = await post('NoSuchServiceAdd', '{}');
      expect([unknown.status, unknown.body.code]).toEqual([404, 'HT_ENGINE_TOPIC_NOT_FOUND']);
      const cookie = await t.adminCookie();
      const schema = await t.call('GET', '/api/services/S0001/schema', { cookie });
      expect(schema.status).toBe(200);
      expect(schema.body).toMatchObject({
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        type: 'object',
        additionalProperties: false,
      });
      expect(schema.body.required.length).toBeGreaterThan(0);
      const none = await t.call('GET', '/api/services/NoSuch/schema', { cookie });
      expect([none.status, none.body.code]).toEqual([404, 'HT_SERVICE_NOT_FOUND']);
      expect((await t.call('GET', '/api/services/S0001/schema')).status).toBe(401);
    });
  });
}
