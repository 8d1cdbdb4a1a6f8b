// The HIPMessageServer WebService end to end, on SQLite and (when configured) PostgreSQL: every national test case
// through .NET- and Java-shaped SOAP 1.1/1.2 requests (escaped, CDATA, inline) → AA and stored with its index
// fields; authentication by credentials or by the V3 sender; AE/AR for message-level problems and Faults for
// envelope-level ones; XML attacks; the body limit; the WSDL (read by node-soap over a real socket); vendor
// dialects on another path; synchronous topics answered by a provider.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import * as soap from 'soap';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../../../test/support/app.js';
import { dialectsUnderTest } from '../../../../../test/support/databases.js';
import { Receiver, addSubscription, addSystem, addTopic } from '../../../../../test/support/engine.js';
import { buildQueryResponse, findV3Service, parseV3 } from '../../../../formats/hl7v3/index.js';
import { parseSoapResponse, type SoapResponse } from '../../../../formats/soap/index.js';
import { escapeXmlText, parseXmlDom } from '../../../../formats/xml/index.js';
import { newId } from '../../../../platform/ids/index.js';
import { decodeHl7v3 } from '../../../ingest/format-decoders.js';
import type { EngineTables } from '../../../tables.js';
import { corpusCases, sampleV3, soapRequest, type ClientShape, type MessageForm } from './clients.testutil.js';
import { defaultSoapEndpointResolver, defaultSoapSettings, hipSoapRoutes } from './index.js';

const PATH = '/services/HIPMessageServer';
const SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/';

interface Answer {
  status: number;
  contentType: string;
  raw: string;
  soap: SoapResponse;
}

/** The MCCI (or other V3 answer) inside a SOAP result. */
function resultV3(a: Answer) {
  if (a.soap.kind !== 'result') throw new Error(`expected a result, got a fault: ${a.raw}`);
  return parseV3(a.soap.result);
}

function faultOf(a: Answer) {
  if (a.soap.kind !== 'fault') throw new Error(`expected a fault, got: ${a.raw}`);
  return a.soap.fault;
}

async function post(
  app: FastifyInstance,
  request: { body: string | Buffer; headers: Record<string, string> },
  options: { path?: string; remoteAddress?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const res = await app.inject({
    method: 'POST',
    url: options.path ?? PATH,
    payload: request.body,
    headers: { ...request.headers, ...options.headers },
    ...(options.remoteAddress ? { remoteAddress: options.remoteAddress } : {}),
  });
  const contentType = String(res.headers['content-type'] ?? '');
  return {
    status: res.statusCode,
    contentType,
    raw: res.body,
    soap: parseSoapResponse(res.body, contentType, { resultName: 'HIPMessageServerResult' }),
  };
}

const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });

for (const dialect of dialectsUnderTest()) {
  describe(`HIPMessageServer on ${dialect.name}: the national test cases`, () => {
    let t: TestApp;
    const cases = corpusCases();
    beforeAll(async () => {
      // One XML reader thread whatever the machine's cores, so these requests are read the way production reads them.
      t = await startTestApp(dialect, { engine: { xmlWorkers: 1 } });
      for (const c of cases) {
        const action = findV3Service(c.serviceName)?.action;
        if (!action) throw new Error(`no service for ${c.file}`);
        await addTopic(t.hutong, { code: action, model: 'HL7V3' });
      }
    }, 60_000);
    afterAll(async () => {
      await t.close();
    });

    const shapes: [ClientShape, MessageForm, 'action' | 'sCode'][] = [
      ['dotnet11', 'escaped', 'action'],
      ['dotnet12', 'escaped', 'sCode'],
      ['cxf11', 'cdata', 'sCode'],
      ['jaxws12', 'inline', 'action'],
      ['soapui11', 'cdata', 'action'],
    ];

    it('has the 25 test cases', () => {
      expect(cases).toHaveLength(25);
    });

    it('read every request on the XML reader thread, as /metrics shows', async () => {
      const sender = await addSystem(t.hutong);
      const c = cases[0]!;
      const a = await post(
        t.hutong.app,
        soapRequest('dotnet12', findV3Service(c.serviceName)!.action, c.text, 'escaped'),
        {
          headers: bearer(sender.secret),
        },
      );
      expect(a.status).toBe(200);
      const metrics = (await t.call('GET', '/metrics')).raw;
      const value = (series: string) =>
        Number(new RegExp(`^${series.replace(/[{}]/g, '\\$&')} (\\d+)$`, 'm').exec(metrics)?.[1] ?? NaN);
      expect(value('hutong_engine_xml_reader_threads')).toBe(1);
      expect(value('hutong_engine_xml_jobs_total{job="read",where="thread"}')).toBeGreaterThanOrEqual(1);
      expect(value('hutong_engine_xml_jobs_total{job="read",where="event_loop"}')).toBe(0);
      expect(value('hutong_engine_xml_reader_exits_total')).toBe(0);
    });

    for (const [shape, form, by] of shapes) {
      it(`${shape}, message as ${form}, action by ${by === 'action' ? 'action code' : 'S-code'}: AA and stored with its index fields`, async () => {
        const k = t.hutong.db.kysely.withTables<EngineTables>();
        for (const c of cases) {
          const service = findV3Service(c.serviceName)!;
          // The test cases share one message id; a sender repeating an id is (rightly) answered as a duplicate,
          // so each case is sent by a system of its own.
          const sender = await addSystem(t.hutong);
          const a = await post(
            t.hutong.app,
            soapRequest(shape, by === 'action' ? service.action : service.sCode, c.text, form),
            { headers: bearer(sender.secret) },
          );
          expect(a.status, `${c.file}: ${a.raw}`).toBe(200);
          expect(a.contentType).toBe(
            shape.endsWith('12') ? 'application/soap+xml; charset=utf-8' : 'text/xml; charset=utf-8',
          );
          expect(a.soap.soapVersion).toBe(shape.endsWith('12') ? '1.2' : '1.1');
          // escaped text in <HIPMessageServerResult>, which is what .NET and Java stubs decode
          expect(a.raw).toContain('<HIPMessageServerResult>&lt;?xml');
          const sent = parseV3(c.text);
          const ack = resultV3(a);
          expect(ack.rootElement).toBe('MCCI_IN000002UV01');
          expect(ack.acknowledgement?.typeCode, c.file).toBe('AA');
          expect(ack.acknowledgement?.targetMessageId).toBe(sent.messageId);
          expect(ack.receiverId?.extension).toBe(sent.senderId?.extension);

          const row = await k
            .selectFrom('messages')
            .selectAll()
            .where('system_id', '=', sender.id)
            .executeTakeFirstOrThrow();
          expect(row.inbound).toBe('soap');
          expect(row.status).toBe('no_route');
          expect(t.hutong.engine.cache.topicById(row.topic_id)?.code).toBe(service.action);
          expect(ack.acknowledgement?.texts[0]).toContain(row.id);
          const expected = decodeHl7v3(c.text).index;
          expect({
            patient_id: row.patient_id,
            patient_name: row.patient_name,
            visit_no: row.visit_no,
            order_no: row.order_no,
            application_no: row.application_no,
            source_message_id: row.source_message_id,
          }).toEqual({
            patient_id: expected.patientId,
            patient_name: expected.patientName,
            visit_no: expected.visitNo,
            order_no: expected.orderNo,
            application_no: expected.applicationNo,
            source_message_id: expected.sourceMessageId,
          });
          if (form === 'inline') {
            expect(parseV3(row.body).rootElement).toBe(sent.rootElement);
          } else {
            expect(row.body).toBe(c.text.trim().replace(/\r\n?/g, '\n'));
          }
          expect(JSON.parse(row.headers ?? '{}')).toMatchObject({
            'soap-action': by === 'action' ? service.action : service.sCode,
            'soap-version': shape.endsWith('12') ? '1.2' : '1.1',
          });
        }
      }, 60_000);
    }
  });

  describe(`HIPMessageServer on ${dialect.name}`, () => {
    let t: TestApp;
    let provider: Receiver;
    let fetched: number;
    let fetchServer: Server;
    let fetchUrl: string;
    const k = () => t.hutong.db.kysely.withTables<EngineTables>();
    const app = () => t.hutong.app;
    const messagesOf = (systemId: string) =>
      k().selectFrom('messages').selectAll().where('system_id', '=', systemId).orderBy('received_at').execute();

    beforeAll(async () => {
      // The transport is under test: its messages are query test cases sent to add/update topics too, which the
      // clinical data repository would rightly refuse, so this app only routes (HUTONG_CDR=false).
      t = await startTestApp(dialect, {
        http: { bodyLimitBytes: 256 * 1024 },
        services: { seedTopics: false, cdr: false },
      });
      await addTopic(t.hutong, { code: 'PatientInfoRegister', model: 'HL7V3' });
      await addTopic(t.hutong, { code: 'PatientInfoUpdate', model: 'HL7V3', enabled: false });
      const query = await addTopic(t.hutong, { code: 'PatientInfoQuery', model: 'HL7V3', mode: 'sync' });
      provider = await new Receiver().start();
      const empi = await addSystem(t.hutong, { code: 'EMPI' });
      await addSubscription(t.hutong, query.id, empi.id, { url: provider.url, maxAttempts: 1 });
      // Anything that fetches an external entity would show up here.
      fetched = 0;
      fetchServer = createServer((_req, res) => {
        fetched++;
        res.end('<x>fetched</x>');
      });
      await new Promise<void>((resolve) => fetchServer.listen(0, '127.0.0.1', resolve));
      fetchUrl = `http://127.0.0.1:${(fetchServer.address() as AddressInfo).port}/evil.dtd`;
    }, 60_000);
    afterAll(async () => {
      await t.close();
      await provider.close();
      await new Promise<void>((resolve) => fetchServer.close(() => resolve()));
    });

    describe('who is calling', () => {
      it('identifies the system by the V3 sender device id when no credentials are sent (loopback only)', async () => {
        const his = await addSystem(t.hutong, { code: `HIS-${newId().slice(-6)}` });
        const id = newId();
        const a = await post(app(), soapRequest('dotnet12', 'S0001', sampleV3({ id, sender: his.code }), 'cdata'));
        expect(resultV3(a).acknowledgement).toMatchObject({ typeCode: 'AA', targetMessageId: id });
        const [row] = await messagesOf(his.id);
        expect(row).toMatchObject({ source_message_id: id, inbound: 'soap', patient_id: '0020109112' });

        const remote = await post(
          app(),
          soapRequest('dotnet12', 'S0001', sampleV3({ id: newId(), sender: his.code }), 'cdata'),
          { remoteAddress: '10.20.30.40' },
        );
        const ack = resultV3(remote).acknowledgement;
        expect(ack?.typeCode).toBe('AR');
        expect(ack?.texts[0]).toContain('10.20.30.40');
        expect(ack?.texts[0]).toContain('白名单');
        expect(await messagesOf(his.id)).toHaveLength(1);
      });

      it('answers AR to an unknown sender, a disabled one, and a sender of another domain', async () => {
        const id = newId();
        const unknown = await post(app(), soapRequest('cxf11', 'S0001', sampleV3({ id, sender: 'NOBODY' }), 'cdata'));
        const ack = resultV3(unknown).acknowledgement;
        expect(ack).toMatchObject({ typeCode: 'AR', targetMessageId: id });
        expect(ack?.texts[0]).toMatch(/无法识别发送系统.*NOBODY/);

        const off = await addSystem(t.hutong, { code: `OFF-${newId().slice(-6)}`, enabled: false });
        const disabled = await post(
          app(),
          soapRequest('cxf11', 'S0001', sampleV3({ id: newId(), sender: off.code }), 'cdata'),
        );
        expect(resultV3(disabled).acknowledgement?.typeCode).toBe('AR');
        expect(resultV3(disabled).acknowledgement?.texts[0]).toContain('已停用');
        expect(await messagesOf(off.id)).toHaveLength(0);
      });

      it('takes HTTP Basic and Bearer credentials, and answers AR to wrong ones', async () => {
        const basic = await addSystem(t.hutong, { authType: 'basic' });
        const auth = `Basic ${Buffer.from(`${basic.code}:${basic.secret}`).toString('base64')}`;
        const ok = await post(
          app(),
          soapRequest('dotnet11', 'PatientInfoRegister', sampleV3({ id: newId(), sender: 'whatever' }), 'escaped'),
          { headers: { authorization: auth } },
        );
        expect(resultV3(ok).acknowledgement?.typeCode).toBe('AA');
        expect(await messagesOf(basic.id)).toHaveLength(1);

        const wrong = await post(
          app(),
          soapRequest('dotnet11', 'PatientInfoRegister', sampleV3({ id: newId() }), 'escaped'),
          { headers: bearer('not-a-secret') },
        );
        expect(wrong.status).toBe(200);
        const ack = resultV3(wrong).acknowledgement;
        expect(ack?.typeCode).toBe('AR');
        expect(ack?.texts[0]).toContain('认证失败');
      });

      it('answers in English when the caller asks for it', async () => {
        const a = await post(
          app(),
          soapRequest('cxf11', 'S0001', sampleV3({ id: newId(), sender: 'NOBODY' }), 'cdata'),
          {
            headers: { 'accept-language': 'en-US,en;q=0.9' },
          },
        );
        expect(resultV3(a).acknowledgement?.texts[0]).toMatch(/^Unknown sender/);
      });
    });

    describe('AE and AR', () => {
      it('answers AR "未知服务" to an unknown action, with the request id and nothing stored', async () => {
        const sender = await addSystem(t.hutong);
        const id = newId();
        const a = await post(app(), soapRequest('dotnet12', 'NoSuchService', sampleV3({ id }), 'escaped'), {
          headers: bearer(sender.secret),
        });
        expect(a.status).toBe(200);
        const ack = resultV3(a);
        expect(ack.rootElement).toBe('MCCI_IN000002UV01');
        expect(ack.acknowledgement).toMatchObject({ typeCode: 'AR', targetMessageId: id });
        expect(ack.acknowledgement?.texts[0]).toBe('未知服务（unknown action）：NoSuchService');
        expect(await messagesOf(sender.id)).toHaveLength(0);
      });

      it('accepts a platform-defined service by the code of its topic in the domain', async () => {
        const sender = await addSystem(t.hutong);
        await addTopic(t.hutong, { code: 'DiagnosisInfoAdd', model: 'HL7V3' });
        const id = newId();
        const a = await post(app(), soapRequest('dotnet12', 'DiagnosisInfoAdd', sampleV3({ id }), 'escaped'), {
          headers: bearer(sender.secret),
        });
        expect(resultV3(a).acknowledgement).toMatchObject({ typeCode: 'AA', targetMessageId: id });
        expect(await messagesOf(sender.id)).toHaveLength(1);
      });

      it('answers AR when the service has no topic in the domain, or its topic is disabled', async () => {
        const sender = await addSystem(t.hutong);
        const missing = await post(app(), soapRequest('dotnet12', 'S0023', sampleV3({ id: newId() }), 'escaped'), {
          headers: bearer(sender.secret),
        });
        expect(resultV3(missing).acknowledgement?.typeCode).toBe('AR');
        expect(resultV3(missing).acknowledgement?.texts[0]).toContain('主题不存在：OutPatientInfoAdd');
        const disabled = await post(app(), soapRequest('dotnet12', 'S0002', sampleV3({ id: newId() }), 'escaped'), {
          headers: bearer(sender.secret),
        });
        expect(resultV3(disabled).acknowledgement?.texts[0]).toContain('主题已停用：PatientInfoUpdate');
      });

      it('answers AE to a message that is not well-formed XML, and records it as rejected', async () => {
        const sender = await addSystem(t.hutong);
        const broken = sampleV3({ id: newId() }).replace('</controlActProcess>', '');
        for (const form of ['escaped', 'cdata'] as const) {
          const a = await post(app(), soapRequest('dotnet11', 'PatientInfoRegister', broken, form), {
            headers: bearer(sender.secret),
          });
          expect(a.status).toBe(200);
          const ack = resultV3(a);
          expect(ack.acknowledgement?.typeCode).toBe('AE');
          expect(ack.acknowledgement?.targetMessageId).toBe('');
          expect(ack.acknowledgement?.texts[0]).toMatch(/消息内容无法解析（HL7V3）.*XML_MALFORMED/);
        }
        const rows = await messagesOf(sender.id);
        expect(rows.map((r) => r.status)).toEqual(['rejected', 'rejected']);
        expect(rows[0]!.error).toContain('XML_MALFORMED');
        expect(rows[0]!.inbound).toBe('soap');

        // Without credentials a message that cannot be read names no sender: AE as well.
        const anonymous = await post(app(), soapRequest('dotnet11', 'PatientInfoRegister', broken, 'cdata'));
        expect(resultV3(anonymous).acknowledgement?.typeCode).toBe('AE');
      });

      it('answers AE with the schema problems when the topic validates against an XSD', async () => {
        const cookie = await t.adminCookie();
        const code = `V3REG${newId().slice(-6)}`;
        const created = await t.call('POST', '/api/engine/models', {
          cookie,
          body: { code, name: 'V3 注册', kind: 'XML' },
        });
        expect(created.status, created.raw).toBe(201);
        const xsd =
          '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:hl7-org:v3" elementFormDefault="qualified">' +
          '<xs:element name="PRPA_IN201311UV02"/></xs:schema>';
        const put = await t.call('PUT', `/api/engine/models/${code}/schema`, {
          cookie,
          body: { schemaType: 'xsd', schema: xsd },
        });
        expect(put.status, put.raw).toBeLessThan(300);
        const topic = await addTopic(t.hutong, { code: 'ProviderInfoRegister', model: code });
        await k().updateTable('topics').set({ validate: 1 }).where('id', '=', topic.id).execute();
        await t.hutong.engine.cache.reload();
        const sender = await addSystem(t.hutong);
        const id = newId();
        const a = await post(app(), soapRequest('jaxws12', 'S0008', sampleV3({ id }), 'inline'), {
          headers: bearer(sender.secret),
        });
        const ack = resultV3(a).acknowledgement;
        expect(ack).toMatchObject({ typeCode: 'AE', targetMessageId: id });
        expect(ack?.texts[0]).toContain('消息未通过模型校验');
        expect(ack?.texts[0]).toContain('PRPA_IN201305UV02');
        const [row] = await messagesOf(sender.id);
        expect(row!.status).toBe('rejected');
      });

      it('answers a duplicate AA as the original, without storing it again', async () => {
        const sender = await addSystem(t.hutong);
        const message = sampleV3({ id: newId() });
        const first = await post(app(), soapRequest('dotnet12', 'S0001', message, 'escaped'), {
          headers: bearer(sender.secret),
        });
        const again = await post(app(), soapRequest('cxf11', 'PatientInfoRegister', message, 'cdata'), {
          headers: bearer(sender.secret),
        });
        const [row, ...more] = await messagesOf(sender.id);
        expect(more).toHaveLength(0);
        expect(resultV3(first).acknowledgement?.typeCode).toBe('AA');
        const ack = resultV3(again).acknowledgement;
        expect(ack?.typeCode).toBe('AA');
        expect(ack?.targetMessageId).toBe(parseV3(message).messageId);
        expect(ack?.texts[0]).toContain('重复消息');
        expect(ack?.texts[0]).toContain(row!.id);
      });
    });

    describe('synchronous topics', () => {
      it('answers with the provider’s query response as the HIPMessageServerResult', async () => {
        const sender = await addSystem(t.hutong);
        const id = newId();
        const response = buildQueryResponse({
          interactionId: 'PRPA_IN201306UV02',
          sender: 'EMPI',
          receiver: sender.code,
          targetMessageId: id,
          ackCode: 'AA',
          subjects: [
            '<registrationEvent classCode="REG" moodCode="EVN"><statusCode code="active"/></registrationEvent>',
          ],
        });
        provider.respond({ status: 200, body: response });
        const a = await post(app(), soapRequest('dotnet12', 'S0004', sampleV3({ id }), 'escaped'), {
          headers: bearer(sender.secret),
        });
        expect(a.status, a.raw).toBe(200);
        expect(a.soap.kind === 'result' && a.soap.result).toBe(response.trim());
        const answer = resultV3(a);
        expect(answer.rootElement).toBe('PRPA_IN201306UV02');
        expect(answer.acknowledgement?.targetMessageId).toBe(id);
        // the provider got the V3 message itself, not the envelope
        expect(parseV3(provider.received.at(-1)!.body).messageId).toBe(id);
      });

      it('unwraps a provider that answers with a SOAP envelope, and answers AR when the provider fails', async () => {
        const sender = await addSystem(t.hutong);
        const inner = '<PRPA_IN201306UV02 xmlns="urn:hl7-org:v3"><id extension="R1"/></PRPA_IN201306UV02>';
        provider.respond({
          status: 200,
          body:
            `<soap:Envelope xmlns:soap="${SOAP11}"><soap:Body><HIPMessageServerResponse xmlns="urn:hl7-org:v3">` +
            `<HIPMessageServerResult>${escapeXmlText(inner)}</HIPMessageServerResult></HIPMessageServerResponse></soap:Body></soap:Envelope>`,
        });
        const wrapped = await post(app(), soapRequest('dotnet11', 'S0004', sampleV3({ id: newId() }), 'cdata'), {
          headers: bearer(sender.secret),
        });
        expect(wrapped.soap.kind === 'result' && wrapped.soap.result).toBe(inner);

        provider.respond({ status: 503, body: 'down for maintenance' });
        const id = newId();
        const failed = await post(app(), soapRequest('dotnet11', 'S0004', sampleV3({ id }), 'cdata'), {
          headers: bearer(sender.secret),
        });
        const ack = resultV3(failed).acknowledgement;
        expect(ack).toMatchObject({ typeCode: 'AR', targetMessageId: id });
        expect(ack?.texts[0]).toContain('服务提供方调用失败');
      });
    });

    describe('SOAP Faults', () => {
      const expectFault = (a: Answer, version: '1.1' | '1.2', code: string, detail?: string) => {
        expect(a.soap.soapVersion).toBe(version);
        const f = faultOf(a);
        expect(f.code).toBe(code);
        if (detail) expect(f.detail).toBe(detail);
        expect(a.status).toBe(version === '1.2' && code === 'Sender' ? 400 : 500);
        // never a stack trace
        expect(a.raw).not.toMatch(/\bat \w+ \(|\.ts:\d+|node_modules/);
        return f;
      };

      it('malformed envelope', async () => {
        const v11 = await post(app(), {
          body: '<soap:Envelope xmlns:soap="' + SOAP11 + '"><soap:Body>',
          headers: { 'content-type': 'text/xml' },
        });
        expect(expectFault(v11, '1.1', 'Client', 'XML_MALFORMED').reason).toContain('SOAP 请求无效');
        const v12 = await post(app(), {
          body: 'this is not xml',
          headers: { 'content-type': 'application/soap+xml; charset=utf-8' },
        });
        expectFault(v12, '1.2', 'Sender');
        const empty = await post(app(), { body: '', headers: { 'content-type': 'text/xml' } });
        expectFault(empty, '1.1', 'Client');
        const noType = await post(app(), { body: '<x/>', headers: {} });
        expectFault(noType, '1.1', 'Client', 'SOAP_MALFORMED');
      });

      it('unknown envelope version, unknown operation, missing parameters', async () => {
        const version = await post(app(), {
          body: '<e:Envelope xmlns:e="urn:not-soap"><e:Body/></e:Envelope>',
          headers: { 'content-type': 'text/xml' },
        });
        expectFault(version, '1.1', 'VersionMismatch', 'SOAP_VERSION_MISMATCH');
        const op = await post(
          app(),
          soapRequest('dotnet12', 'S0001', sampleV3({ id: newId() }), 'cdata', { operation: 'SendMessage' }),
        );
        expect(expectFault(op, '1.2', 'Sender', 'SOAP_UNKNOWN_OPERATION').reason).toContain('SendMessage');
        const ns = await post(
          app(),
          soapRequest('dotnet11', 'S0001', sampleV3({ id: newId() }), 'cdata', { namespace: 'http://www.dhcc.com.cn' }),
        );
        expectFault(ns, '1.1', 'Client', 'SOAP_UNKNOWN_OPERATION');
        const noMessage = await post(
          app(),
          soapRequest('dotnet12', 'S0001', sampleV3({ id: newId() }), 'cdata', { messageParam: 'payload' }),
        );
        expect(expectFault(noMessage, '1.2', 'Sender', 'SOAP_MISSING_PARAM').reason).toContain('"message"');
      });

      it('a POST to a path with no endpoint', async () => {
        const a = await post(app(), soapRequest('dotnet12', 'S0001', sampleV3({ id: newId() }), 'cdata'), {
          path: '/services/NoSuchService',
        });
        expect(a.status).toBe(404);
        expect(faultOf(a).reason).toContain('/services/NoSuchService');
      });

      it('a body over the limit', async () => {
        const sender = await addSystem(t.hutong);
        const big = sampleV3({ id: newId() }).replace(
          '</controlActProcess>',
          `<!--${'x'.repeat(300 * 1024)}--></controlActProcess>`,
        );
        for (const shape of ['dotnet11', 'dotnet12'] as const) {
          const a = await post(app(), soapRequest(shape, 'S0001', big, 'cdata'), { headers: bearer(sender.secret) });
          const f = expectFault(a, shape === 'dotnet11' ? '1.1' : '1.2', shape === 'dotnet11' ? 'Client' : 'Sender');
          expect(f.reason).toContain(String(256 * 1024));
          expect(f.detail).toBe('HT_REQUEST_TOO_LARGE');
        }
        expect(await messagesOf(sender.id)).toHaveLength(0);
      });

      describe('XML attacks, in the envelope and in the message', () => {
        const xxeFile = (root: string) =>
          `<?xml version="1.0"?><!DOCTYPE ${root} [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>`;
        const xxeHttp = (root: string) => `<?xml version="1.0"?><!DOCTYPE ${root} SYSTEM "${fetchUrl}">`;
        const xxeParam = (root: string) =>
          `<?xml version="1.0"?><!DOCTYPE ${root} [<!ENTITY % ext SYSTEM "${fetchUrl}"> %ext;]>`;
        const laughs = (root: string) =>
          `<?xml version="1.0"?><!DOCTYPE ${root} [<!ENTITY lol "lol">` +
          Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`).join(
            '',
          ) +
          ']>';
        const quadratic = (root: string) =>
          `<?xml version="1.0"?><!DOCTYPE ${root} [<!ENTITY a "${'a'.repeat(50_000)}">]>`;
        const attacks: [string, (root: string) => string, string, string][] = [
          ['XXE file', xxeFile, '&xxe;', 'XML_DOCTYPE_FORBIDDEN'],
          ['XXE http', xxeHttp, '', 'XML_DOCTYPE_FORBIDDEN'],
          ['XXE parameter entity', xxeParam, '', 'XML_DOCTYPE_FORBIDDEN'],
          ['billion laughs', laughs, '&lol9;', 'XML_DOCTYPE_FORBIDDEN'],
          ['quadratic blow-up', quadratic, '&a;'.repeat(2000), 'XML_DOCTYPE_FORBIDDEN'],
        ];

        for (const [label, prolog, use, code] of attacks) {
          it(`${label} in the envelope → Fault, nothing fetched`, async () => {
            const sender = await addSystem(t.hutong);
            const message = sampleV3({ id: newId() });
            const env =
              prolog('soap12:Envelope') +
              `<soap12:Envelope xmlns:soap12="http://www.w3.org/2003/05/soap-envelope"><soap12:Body>` +
              `<HIPMessageServer xmlns="urn:hl7-org:v3"><action>S0001${use}</action><message>${escapeXmlText(message)}</message></HIPMessageServer>` +
              '</soap12:Body></soap12:Envelope>';
            const a = await post(
              app(),
              { body: env, headers: { 'content-type': 'application/soap+xml; charset=utf-8' } },
              { headers: bearer(sender.secret) },
            );
            expectFault(a, '1.2', 'Sender', code);
            expect(a.raw).not.toContain('root:');
            expect(fetched).toBe(0);
            expect(await messagesOf(sender.id)).toHaveLength(0);
          });

          it(`${label} in the message → Fault, nothing fetched, nothing stored`, async () => {
            const sender = await addSystem(t.hutong);
            const message =
              prolog('PRPA_IN201305UV02') +
              sampleV3({ id: newId() })
                .replace(/^<\?xml[^>]*\?>\s*/, '')
                .replace('<processingModeCode/>', `<processingModeCode code="${use.slice(0, 400)}"/>`);
            for (const form of ['escaped', 'cdata'] as const) {
              const a = await post(app(), soapRequest('dotnet11', 'S0001', message, form), {
                headers: bearer(sender.secret),
              });
              const f = expectFault(a, '1.1', 'Client', code);
              expect(f.reason).toContain('消息含有不允许的 XML 内容');
            }
            expect(fetched).toBe(0);
            expect(await messagesOf(sender.id)).toHaveLength(0);
          });
        }

        it('deep nesting → Fault (envelope, inline message and escaped message)', async () => {
          const sender = await addSystem(t.hutong);
          const deep = `${'<a>'.repeat(5000)}x${'</a>'.repeat(5000)}`;
          const inEnvelope = await post(
            app(),
            soapRequest(
              'jaxws12',
              'S0001',
              `<PRPA_IN201305UV02 xmlns="urn:hl7-org:v3">${deep}</PRPA_IN201305UV02>`,
              'inline',
            ),
            { headers: bearer(sender.secret) },
          );
          expectFault(inEnvelope, '1.2', 'Sender', 'XML_TOO_DEEP');
          const inMessage = await post(
            app(),
            soapRequest(
              'dotnet12',
              'S0001',
              `<PRPA_IN201305UV02 xmlns="urn:hl7-org:v3">${deep}</PRPA_IN201305UV02>`,
              'escaped',
            ),
            { headers: bearer(sender.secret) },
          );
          expect(expectFault(inMessage, '1.2', 'Sender', 'XML_TOO_DEEP').reason).toContain('消息含有不允许的 XML 内容');
          expect(await messagesOf(sender.id)).toHaveLength(0);
        });
      });
    });

    describe('WSDL', () => {
      it('serves the WSDL with the address the caller used, for ?wsdl, ?WSDL and ?singleWsdl', async () => {
        for (const q of ['wsdl', 'WSDL', 'singleWsdl']) {
          const res = await app().inject({
            method: 'GET',
            url: `${PATH}?${q}`,
            headers: { host: 'hip.example.org:8080' },
          });
          expect(res.statusCode).toBe(200);
          expect(res.headers['content-type']).toBe('text/xml; charset=utf-8');
          const doc = parseXmlDom(res.body);
          const addr = doc.getElementsByTagNameNS('http://schemas.xmlsoap.org/wsdl/soap12/', 'address').item(0);
          expect(addr?.getAttribute('location')).toBe(`http://hip.example.org:8080${PATH}`);
          expect(doc.documentElement?.getAttribute('targetNamespace')).toBe('urn:hl7-org:v3');
        }
        const plain = await app().inject({ method: 'GET', url: PATH });
        expect(plain.statusCode).toBe(200);
        expect(plain.body).toContain('?wsdl');
        const missing = await app().inject({ method: 'GET', url: '/services/Nope?wsdl' });
        expect(missing.statusCode).toBe(404);
      });

      it('is read by node-soap over a real socket, which then calls both bindings', async () => {
        const base = await t.hutong.start();
        const sender = await addSystem(t.hutong);
        for (const [port, version] of [
          ['HIPMessageServiceSoap', '1.1'],
          ['HIPMessageServiceSoap12', '1.2'],
        ] as const) {
          const client = await soap.createClientAsync(`${base}services/HIPMessageServer?wsdl`, {
            forceSoap12Headers: version === '1.2',
          });
          client.addHttpHeader('Authorization', `Bearer ${sender.secret}`);
          const service = (client as unknown as Record<string, Record<string, Record<string, unknown>>>)
            .HIPMessageService!;
          const call = service[port]!.HIPMessageServer as (
            args: Record<string, string>,
            cb: (err: unknown, result: { HIPMessageServerResult: string }) => void,
          ) => void;
          const id = newId();
          const result = await new Promise<{ HIPMessageServerResult: string }>((resolve, reject) =>
            call({ action: 'S0001', message: sampleV3({ id }) }, (err, r) =>
              err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(r),
            ),
          );
          const ack = parseV3(result.HIPMessageServerResult);
          expect(ack.acknowledgement).toMatchObject({ typeCode: 'AA', targetMessageId: id });
        }
        const rows = await messagesOf(sender.id);
        expect(JSON.parse(rows[0]!.headers!)['soap-version']).toBe('1.1');
        expect(JSON.parse(rows[1]!.headers!)['soap-version']).toBe('1.2');
      });
    });

    describe('vendor dialects on another path', () => {
      let vendor: FastifyInstance;
      const records: { id: string; outcome: string; error?: string }[] = [];
      beforeAll(async () => {
        // The same engine behind a second scope serving a configured endpoint, as the console-configured endpoints
        // will: another path, namespace and parameter name, an alias table, an IP allowlist.
        const settings = {
          ...defaultSoapSettings('/services/HIPService.asmx'),
          namespace: 'http://goodwillcis.com',
          messageParam: 'Message',
          aliases: { 患者注册: 'PatientInfoRegister', S9001: 'PatientInfoRegister' },
          ipAllowlist: ['192.168.10.0/24'],
        };
        const resolver = defaultSoapEndpointResolver('default', [{ id: 'ep-gw', domainCode: 'default', settings }]);
        resolver.record = (id, outcome, error) => {
          records.push({ id, outcome, ...(error ? { error } : {}) });
        };
        vendor = Fastify({ bodyLimit: 64 * 1024 });
        await vendor.register(async (scope) =>
          hipSoapRoutes(scope, {
            cache: t.hutong.engine.cache,
            pipeline: t.hutong.engine.pipeline,
            db: t.hutong.db,
            resolver,
            bodyLimitBytes: 64 * 1024,
          }),
        );
        await vendor.ready();
      });
      afterAll(async () => {
        await vendor.close();
      });

      it('accepts the vendor’s namespace and parameter name, resolves aliases, applies its allowlist', async () => {
        const his = await addSystem(t.hutong, { code: `GW-${newId().slice(-6)}` });
        const opts = { namespace: 'http://goodwillcis.com', messageParam: 'Message' };
        for (const action of ['患者注册', 's9001', 'S0001']) {
          const id = newId();
          const a = await post(
            vendor,
            soapRequest('dotnet11', action, sampleV3({ id, sender: his.code }), 'cdata', opts),
            {
              path: '/services/hipservice.asmx',
              remoteAddress: '192.168.10.7',
            },
          );
          expect(a.raw).toContain('<HIPMessageServerResponse xmlns="http://goodwillcis.com">');
          expect(resultV3(a).acknowledgement, action).toMatchObject({ typeCode: 'AA', targetMessageId: id });
        }
        expect(await messagesOf(his.id)).toHaveLength(3);
        const refused = await post(
          vendor,
          soapRequest('dotnet11', 'S0001', sampleV3({ id: newId(), sender: his.code }), 'cdata', opts),
          {
            path: '/services/HIPService.asmx',
          },
        );
        expect(resultV3(refused).acknowledgement?.typeCode).toBe('AR');
        // the standard namespace is not this endpoint's
        const standard = await post(vendor, soapRequest('dotnet11', 'S0001', sampleV3({ id: newId() }), 'cdata'), {
          path: '/services/HIPService.asmx',
        });
        expect(faultOf(standard).detail).toBe('SOAP_UNKNOWN_OPERATION');
        const wsdl = await vendor.inject({ method: 'GET', url: '/services/HIPService.asmx?wsdl' });
        expect(wsdl.body).toContain('targetNamespace="http://goodwillcis.com"');
        expect(wsdl.body).toContain('name="Message"');
      });

      it('records every outcome against the endpoint, including faults raised before the handler', async () => {
        records.length = 0;
        await post(
          vendor,
          { body: 'x'.repeat(70 * 1024), headers: { 'content-type': 'text/xml' } },
          { path: '/services/HIPService.asmx' },
        );
        await post(
          vendor,
          { body: '<broken', headers: { 'content-type': 'text/xml' } },
          { path: '/services/HIPService.asmx' },
        );
        expect(records).toHaveLength(2);
        expect(records.every((r) => r.id === 'ep-gw' && r.outcome === 'rejected')).toBe(true);
        expect(records[0]!.error).toContain('请求体超过上限');
        expect(records[1]!.error).toContain('SOAP 请求无效');
      });
    });
  });
}
