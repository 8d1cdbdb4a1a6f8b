// The outbound SOAP adapter without a database: the requests it builds (per version, form and dialect), how it
// judges answers (Fault, HTTP status, MCCI AA/AE/AR, ackCheck off), the action placeholders, and an interop run
// against an independent SOAP server (node-soap, both bindings of our WSDL) on a local port.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as soap from 'soap';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMcciAck } from '../../../formats/hl7v3/index.js';
import {
  buildSoapFault,
  buildSoapResponse,
  buildWsdl,
  parseSoapRequest,
  wrapSoapEnvelope,
} from '../../../formats/soap/index.js';
import type { OutboundRequest } from '../types.js';
import { SoapAdapterConfig, SoapOutboundAdapter, judgeSoapAnswer, soapActionFor } from './soap.js';
import { Value } from 'typebox/value';

const MESSAGE =
  '<PRPA_IN201311UV02 xmlns="urn:hl7-org:v3"><id extension="M-1"/><x a="1&amp;2">中文 ]]&gt;</x></PRPA_IN201311UV02>';

function request(overrides: Partial<OutboundRequest> = {}): OutboundRequest {
  return {
    body: MESSAGE,
    contentType: 'application/xml',
    messageId: 'msg-1',
    deliveryId: 'del-1',
    attempt: 1,
    topic: 'OutPatientInfoAdd',
    domain: 'default',
    ...overrides,
  };
}

const mcci = (code: 'AA' | 'AE' | 'AR', text: string) =>
  buildMcciAck({ code, targetMessageId: 'M-1', text, sender: 'PLATFORM', receiver: 'HIS' });

describe('action placeholders', () => {
  it('fills {topic}, {domain}, {actionCode} and {sCode}', () => {
    const r = { topic: 'OutPatientInfoAdd', domain: 'prod' };
    expect(soapActionFor('{topic}', r)).toBe('OutPatientInfoAdd');
    expect(soapActionFor('{sCode}', r)).toBe('S0023');
    expect(soapActionFor('{domain}:{actionCode}', { topic: 's0023', domain: 'prod' })).toBe('prod:OutPatientInfoAdd');
    expect(soapActionFor('{sCode}', { topic: 'PrivateThing', domain: 'd' })).toBe('PrivateThing');
    expect(soapActionFor('FixedAction', r)).toBe('FixedAction');
  });

  it('refuses unknown placeholders when the config is checked', () => {
    expect(Value.Check(SoapAdapterConfig, { url: 'http://h/x', action: '{topic}-{sCode}' })).toBe(true);
    expect(Value.Check(SoapAdapterConfig, { url: 'http://h/x', action: '{patientId}' })).toBe(false);
    expect(Value.Check(SoapAdapterConfig, { url: 'ftp://h/x' })).toBe(false);
    expect(Value.Check(SoapAdapterConfig, { url: 'http://h/x', soapVersion: '1.3' })).toBe(false);
  });
});

describe('requests the adapter builds', () => {
  const adapter = new SoapOutboundAdapter();

  for (const version of ['1.1', '1.2'] as const) {
    for (const messageForm of ['cdata', 'escaped', 'inline'] as const) {
      it(`SOAP ${version}, ${messageForm}: read back by our own server-side parser`, () => {
        const call = adapter.buildCall({ url: 'http://h/x', soapVersion: version, messageForm }, request());
        if (version === '1.1') {
          expect(call.headers).toEqual({
            'content-type': 'text/xml; charset=utf-8',
            soapaction: '"urn:hl7-org:v3/HIPMessageServer"',
          });
        } else {
          expect(call.headers).toEqual({
            'content-type': 'application/soap+xml; charset=utf-8; action="urn:hl7-org:v3/HIPMessageServer"',
          });
        }
        const parsed = parseSoapRequest(call.body, call.headers['content-type'], {
          soapActionHeader: call.headers.soapaction,
        });
        expect(parsed).toMatchObject({ soapVersion: version, action: 'OutPatientInfoAdd', messageForm, warnings: [] });
        expect(parsed.message).toBe(MESSAGE);
      });
    }
  }

  it('vendor dialect: namespace, parameter names, unqualified parameters, empty SOAPAction', () => {
    const call = adapter.buildCall(
      {
        url: 'http://h/x',
        namespace: 'http://goodwillcis.com',
        messageParam: 'Message',
        qualifiedParams: false,
        soapAction: '',
        action: '{sCode}',
      },
      request(),
    );
    expect(call.headers.soapaction).toBe('""');
    expect(call.body).toContain(
      '<ns2:HIPMessageServer xmlns:ns2="http://goodwillcis.com"><action>S0023</action><Message>',
    );
    const parsed = parseSoapRequest(call.body, call.headers['content-type'], {
      namespace: 'http://goodwillcis.com',
      messageParam: 'Message',
      caseSensitiveParams: true,
    });
    expect(parsed.message).toBe(MESSAGE);
  });

  it('raw mode sends the body untouched with the version’s headers', () => {
    const envelope = wrapSoapEnvelope('1.2', '<Ping xmlns="urn:x"/>');
    const call = adapter.buildCall(
      { url: 'http://h/x', mode: 'raw', soapVersion: '1.2', soapAction: 'urn:x/Ping' },
      request({ body: envelope }),
    );
    expect(call).toEqual({
      body: envelope,
      headers: { 'content-type': 'application/soap+xml; charset=utf-8; action="urn:x/Ping"' },
    });
  });

  it('an inline message that is not XML fails the attempt without a request', async () => {
    const result = await adapter.send(
      { url: 'http://127.0.0.1:1/x', messageForm: 'inline' },
      request({ body: 'not <xml' }),
      new AbortController().signal,
    );
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/^cannot build the SOAP request: message cannot be inlined/);
  });
});

describe('judging the answer', () => {
  const ok = (xml: string) => buildSoapResponse('1.2', xml);

  it('AA and CA are deliveries; AE and AR fail with the acknowledgement text', () => {
    expect(judgeSoapAnswer(200, undefined, ok(mcci('AA', '成功')), true)).toMatchObject({ ok: true, statusCode: 'AA' });
    expect(judgeSoapAnswer(200, undefined, ok(mcci('AE', '患者ID为空')), true)).toMatchObject({
      ok: false,
      statusCode: 'AE',
      error: 'acknowledgement AE: 患者ID为空',
    });
    expect(judgeSoapAnswer(200, undefined, ok(mcci('AR', '未知服务')), true)).toMatchObject({
      ok: false,
      statusCode: 'AR',
    });
    const ca = mcci('AA', 'x').replace('typeCode="AA"', 'typeCode="CA"');
    expect(judgeSoapAnswer(200, undefined, ok(ca), true).ok).toBe(true);
  });

  it('a Fault fails with its code and reason, whatever the HTTP status', () => {
    for (const status of [200, 400, 500]) {
      const j = judgeSoapAnswer(
        status,
        'text/xml',
        buildSoapFault('1.1', { code: 'Server', reason: '数据库不可用', detail: 'E42' }),
        true,
      );
      expect(j).toEqual({ ok: false, statusCode: 'Fault Server', error: 'SOAP Fault Server: 数据库不可用 (E42)' });
    }
  });

  it('HTTP errors without a Fault fail with the status', () => {
    expect(judgeSoapAnswer(404, 'text/html', '<html>Not Found</html>', true)).toMatchObject({
      ok: false,
      statusCode: '404',
      error: 'HTTP 404: <html>Not Found</html>',
    });
    expect(judgeSoapAnswer(502, 'text/html', 'bad gateway', false).ok).toBe(false);
  });

  it('ackCheck: a result that is not an acknowledgement fails unless the check is off', () => {
    const plain = ok('OK');
    expect(judgeSoapAnswer(200, undefined, plain, true)).toMatchObject({ ok: false });
    expect(judgeSoapAnswer(200, undefined, ok('<Result><Code>0</Code></Result>'), true).error).toMatch(
      /carries no HL7 V3 acknowledgement/,
    );
    expect(judgeSoapAnswer(200, undefined, plain, false)).toEqual({ ok: true, statusCode: '200', result: 'OK' });
    expect(judgeSoapAnswer(200, 'text/plain', 'not soap at all', false)).toEqual({ ok: true, statusCode: '200' });
    expect(judgeSoapAnswer(200, 'text/plain', 'not soap at all', true).ok).toBe(false);
  });
});

describe('against node-soap serving our WSDL', () => {
  let server: Server;
  let url: string;
  const received: { port: string; args: Record<string, unknown> }[] = [];
  let answer = mcci('AA', '成功');
  const adapter = new SoapOutboundAdapter();

  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.statusCode = 404;
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hip`;
    const operation = (port: string) => ({
      HIPMessageServer: (args: Record<string, unknown>) => {
        received.push({ port, args });
        return { HIPMessageServerResult: answer };
      },
    });
    soap.listen(server, {
      path: '/hip',
      xml: buildWsdl({ endpointUrl: url }),
      services: {
        HIPMessageService: {
          HIPMessageServiceSoap: operation('soap11'),
          HIPMessageServiceSoap12: operation('soap12'),
        },
      },
    });
  });
  afterAll(async () => {
    await adapter.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const send = (config: Record<string, unknown>) =>
    adapter.send({ url, ...config }, request(), new AbortController().signal);

  for (const version of ['1.1', '1.2'] as const) {
    for (const messageForm of ['cdata', 'escaped'] as const) {
      it(`SOAP ${version}, ${messageForm}: delivered, the server got action and message`, async () => {
        received.length = 0;
        answer = mcci('AA', '成功');
        const result = await send({ soapVersion: version, messageForm, action: '{sCode}' });
        expect(result, result.error).toMatchObject({
          ok: true,
          statusCode: 'AA',
          responseContentType: 'application/xml',
        });
        expect(result.response).toBe(answer.trim());
        expect(received).toHaveLength(1);
        expect(received[0]!.args).toMatchObject({ action: 'S0023', message: MESSAGE });
      });
    }
  }

  it('an AE from the server fails the attempt with its text', async () => {
    answer = mcci('AE', '就诊号不存在');
    const result = await send({ soapVersion: '1.1' });
    expect(result).toMatchObject({ ok: false, statusCode: 'AE', error: 'acknowledgement AE: 就诊号不存在' });
  });

  it('"test connection" finds the operation in its WSDL', async () => {
    expect(await adapter.test({ url })).toMatchObject({ ok: true });
  });
});
