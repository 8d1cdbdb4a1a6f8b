// Envelopes below are written the way real clients put them on the wire: .NET asmx/WCF (`soap:`/`soap12:`/`s:`
// prefixes, xsi/xsd declarations, qualified parameters, escaped strings) and Java CXF/JAX-WS/Axis/SoapUI
// (`soapenv:`/`S:` prefixes, `ns2:` operation prefix, unqualified or prefixed parameters, CDATA).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { escapeXmlText, parseXmlDom, parseXmlSafe } from '../xml/index.js';
import {
  buildSoapFault,
  buildSoapRequest,
  buildSoapResponse,
  buildWsdl,
  parseSoapRequest,
  parseSoapResponse,
  soapFaultForError,
  soapFaultHttpStatus,
  SoapError,
  wrapSoapEnvelope,
} from './index.js';
import type { SoapErrorCode } from './index.js';

const HL7 = readFileSync(
  new URL('../../../../shared/corpus/hl7v3/testcases/EMR-PL-04-个人信息查询服务-T01.xml', import.meta.url),
  'utf8',
).trim();

const SOAP12_CT = 'application/soap+xml; charset=utf-8; action="urn:hl7-org:v3/HIPMessageServer"';

function soapCode(fn: () => unknown): SoapErrorCode | 'no error' {
  try {
    fn();
  } catch (err) {
    if (err instanceof SoapError) return err.code;
    throw err;
  }
  return 'no error';
}

describe('parseSoapRequest — client shapes', () => {
  it('.NET asmx SOAP 1.2, escaped message', () => {
    const body =
      '<?xml version="1.0" encoding="utf-8"?>\r\n' +
      '<soap12:Envelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:soap12="http://www.w3.org/2003/05/soap-envelope">\r\n' +
      '  <soap12:Body>\r\n' +
      '    <HIPMessageServer xmlns="urn:hl7-org:v3">\r\n' +
      '      <action>PatientInfoQuery</action>\r\n' +
      `      <message>${escapeXmlText(HL7)}</message>\r\n` +
      '    </HIPMessageServer>\r\n' +
      '  </soap12:Body>\r\n' +
      '</soap12:Envelope>';
    const req = parseSoapRequest(body, SOAP12_CT);
    expect(req).toMatchObject({
      soapVersion: '1.2',
      operation: 'HIPMessageServer',
      operationNamespace: 'urn:hl7-org:v3',
      action: 'PatientInfoQuery',
      messageForm: 'escaped',
      soapAction: 'urn:hl7-org:v3/HIPMessageServer',
      warnings: [],
    });
    expect(req.message).toBe(HL7.replace(/\r\n?/g, '\n'));
  });

  it('.NET asmx SOAP 1.1 with SOAPAction header, CDATA message', () => {
    const body = `<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">
  <soap:Body>
    <HIPMessageServer xmlns="urn:hl7-org:v3">
      <action>S0004</action>
      <message><![CDATA[${HL7}]]></message>
    </HIPMessageServer>
  </soap:Body>
</soap:Envelope>`;
    const req = parseSoapRequest(body, 'text/xml; charset=utf-8', {
      soapActionHeader: '"urn:hl7-org:v3/HIPMessageServer"',
    });
    expect(req).toMatchObject({ soapVersion: '1.1', action: 'S0004', messageForm: 'cdata' });
    expect(req.soapAction).toBe('urn:hl7-org:v3/HIPMessageServer');
    expect(parseXmlSafe(req.message).root.localName).toBe('PRPA_IN201305UV02');
  });

  it('WCF basicHttpBinding (s: prefix, xsi/xsd on Body)', () => {
    const body =
      '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header><Action s:mustUnderstand="1" xmlns="http://schemas.microsoft.com/ws/2005/05/addressing/none">urn:hl7-org:v3/HIPMessageServer</Action></s:Header>' +
      '<s:Body xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">' +
      `<HIPMessageServer xmlns="urn:hl7-org:v3"><action>PatientInfoQuery</action><message>${escapeXmlText(HL7)}</message></HIPMessageServer>` +
      '</s:Body></s:Envelope>';
    const req = parseSoapRequest(body, 'text/xml; charset=utf-8');
    expect(req.action).toBe('PatientInfoQuery');
    expect(req.warnings).toEqual(['ignored header <Action> marked mustUnderstand']);
  });

  it('Java CXF SOAP 1.1 (soap:, ns2: operation, unqualified params, escaped)', () => {
    const body =
      '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>' +
      `<ns2:HIPMessageServer xmlns:ns2="urn:hl7-org:v3"><action>PatientInfoQuery</action><message>${escapeXmlText(HL7)}</message></ns2:HIPMessageServer>` +
      '</soap:Body></soap:Envelope>';
    const req = parseSoapRequest(body, 'text/xml;charset=UTF-8');
    expect(req).toMatchObject({ soapVersion: '1.1', action: 'PatientInfoQuery', messageForm: 'escaped' });
  });

  it('Java JAX-WS RI SOAP 1.2 (S: prefix, ns2: operation)', () => {
    const body =
      '<?xml version="1.0" ?><S:Envelope xmlns:S="http://www.w3.org/2003/05/soap-envelope"><S:Body>' +
      `<ns2:HIPMessageServer xmlns:ns2="urn:hl7-org:v3"><action>PatientInfoQuery</action><message><![CDATA[${HL7}]]></message></ns2:HIPMessageServer>` +
      '</S:Body></S:Envelope>';
    const req = parseSoapRequest(body, 'application/soap+xml;charset=utf-8');
    expect(req).toMatchObject({ soapVersion: '1.2', messageForm: 'cdata', soapAction: undefined });
  });

  it('Axis/SoapUI (soapenv:, prefixed parameters, empty Header)', () => {
    const body = `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:urn="urn:hl7-org:v3">
   <soapenv:Header/>
   <soapenv:Body>
      <urn:HIPMessageServer>
         <urn:action>PatientInfoQuery</urn:action>
         <urn:message><![CDATA[${HL7}]]></urn:message>
      </urn:HIPMessageServer>
   </soapenv:Body>
</soapenv:Envelope>`;
    expect(parseSoapRequest(body, 'text/xml;charset=UTF-8').messageForm).toBe('cdata');
  });

  it('inline message keeps its namespaces (declared on the envelope, inherited from the operation)', () => {
    const inner = HL7.replace(/^<PRPA_IN201305UV02[^>]*>/, '<PRPA_IN201305UV02 ITSVersion="XML_1.0">');
    const body =
      '<soap12:Envelope xmlns:soap12="http://www.w3.org/2003/05/soap-envelope" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soap12:Body>' +
      `<HIPMessageServer xmlns="urn:hl7-org:v3"><action>PatientInfoQuery</action><message>\n${inner}\n</message></HIPMessageServer>` +
      '</soap12:Body></soap12:Envelope>';
    const req = parseSoapRequest(body, SOAP12_CT);
    expect(req.messageForm).toBe('inline');
    expect(req.message.startsWith('<PRPA_IN201305UV02 ITSVersion="XML_1.0" xmlns="urn:hl7-org:v3">')).toBe(true);
    const reparsed = parseXmlSafe(req.message).root;
    expect(reparsed.namespaceURI).toBe('urn:hl7-org:v3');
    // xsi:type="INT" inside needs the xsi binding that only the envelope declared.
    expect(req.message).toContain('xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"');
    expect(req.message).not.toContain('soap-envelope');
  });

  it('vendor namespaces and parameter names are configuration', () => {
    const dhcc =
      '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>' +
      `<HIPMessageServer xmlns="http://www.dhcc.com.cn"><action>OutPatientInfoAdd</action><message><![CDATA[<x/>]]></message></HIPMessageServer>` +
      '</soap:Body></soap:Envelope>';
    expect(soapCode(() => parseSoapRequest(dhcc, 'text/xml'))).toBe('SOAP_UNKNOWN_OPERATION');
    expect(parseSoapRequest(dhcc, 'text/xml', { namespace: ['urn:hl7-org:v3', 'http://www.dhcc.com.cn'] }).action).toBe(
      'OutPatientInfoAdd',
    );

    const goodwill =
      '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>' +
      `<HIPMessageServer xmlns="http://goodwillcis.com"><action>S0023</action><Message><![CDATA[<x/>]]></Message></HIPMessageServer>` +
      '</soap:Body></soap:Envelope>';
    const opts = { namespace: 'http://goodwillcis.com', messageParam: 'Message' };
    expect(parseSoapRequest(goodwill, 'text/xml', opts).message).toBe('<x/>');
    // Default matching is case-insensitive, so the default parameter name finds `Message` too …
    expect(parseSoapRequest(goodwill, 'text/xml', { namespace: '*' }).message).toBe('<x/>');
    // … unless the deployment asks for exact names.
    expect(soapCode(() => parseSoapRequest(goodwill, 'text/xml', { namespace: '*', caseSensitiveParams: true }))).toBe(
      'SOAP_MISSING_PARAM',
    );
  });
});

describe('parseSoapRequest — errors', () => {
  const env12 = (inner: string): string =>
    `<soap12:Envelope xmlns:soap12="http://www.w3.org/2003/05/soap-envelope">${inner}</soap12:Envelope>`;
  it.each<[string, string, SoapErrorCode]>([
    [
      'broken XML',
      '<soap12:Envelope xmlns:soap12="http://www.w3.org/2003/05/soap-envelope"><soap12:Body>',
      'SOAP_MALFORMED',
    ],
    ['DOCTYPE in envelope', '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>', 'SOAP_MALFORMED'],
    ['not an envelope', '<HIPMessageServer/>', 'SOAP_MALFORMED'],
    ['unknown envelope namespace', '<e:Envelope xmlns:e="urn:nope"><e:Body/></e:Envelope>', 'SOAP_VERSION_MISMATCH'],
    ['no Body', env12('<soap12:Header/>'), 'SOAP_NO_BODY'],
    ['empty Body', env12('<soap12:Body/>'), 'SOAP_UNKNOWN_OPERATION'],
    ['other operation', env12('<soap12:Body><Other xmlns="urn:hl7-org:v3"/></soap12:Body>'), 'SOAP_UNKNOWN_OPERATION'],
    [
      'missing action',
      env12(
        '<soap12:Body><HIPMessageServer xmlns="urn:hl7-org:v3"><message>x</message></HIPMessageServer></soap12:Body>',
      ),
      'SOAP_MISSING_PARAM',
    ],
    [
      'empty action',
      env12(
        '<soap12:Body><HIPMessageServer xmlns="urn:hl7-org:v3"><action> </action><message>x</message></HIPMessageServer></soap12:Body>',
      ),
      'SOAP_MISSING_PARAM',
    ],
    [
      'missing message',
      env12(
        '<soap12:Body><HIPMessageServer xmlns="urn:hl7-org:v3"><action>A</action></HIPMessageServer></soap12:Body>',
      ),
      'SOAP_MISSING_PARAM',
    ],
  ])('%s', (_label, body, code) => {
    expect(soapCode(() => parseSoapRequest(body, SOAP12_CT))).toBe(code);
  });

  it('a Content-Type contradicting the envelope is a warning, or an error when strict', () => {
    const req = buildSoapRequest({ version: '1.1', action: 'A', message: '<x/>' });
    expect(parseSoapRequest(req.body, SOAP12_CT).warnings[0]).toMatch(/implies SOAP 1.2 but the envelope is SOAP 1.1/);
    expect(soapCode(() => parseSoapRequest(req.body, SOAP12_CT, { strictContentType: true }))).toBe(
      'SOAP_VERSION_MISMATCH',
    );
  });

  it('errors carry the version to answer in, and map to a fault', () => {
    try {
      parseSoapRequest(
        '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body/></soap:Envelope>',
        'text/xml',
      );
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(SoapError);
      const e = err as SoapError;
      expect(e.soapVersion).toBe('1.1');
      const fault = parseSoapResponse(soapFaultForError(e));
      expect(fault).toMatchObject({
        kind: 'fault',
        soapVersion: '1.1',
        fault: { code: 'Client', detail: 'SOAP_UNKNOWN_OPERATION' },
      });
    }
  });
});

describe('building and reading back', () => {
  for (const version of ['1.1', '1.2'] as const) {
    for (const form of ['cdata', 'escaped', 'inline'] as const) {
      for (const qualifiedParams of [true, false]) {
        it(`request SOAP ${version}, ${form}, ${qualifiedParams ? 'qualified' : 'unqualified'} params`, () => {
          const built = buildSoapRequest({
            version,
            action: 'PatientInfoQuery',
            message: HL7,
            messageForm: form,
            qualifiedParams,
          });
          const req = parseSoapRequest(built.body, built.contentType, { soapActionHeader: built.headers.SOAPAction });
          expect(req).toMatchObject({
            soapVersion: version,
            action: 'PatientInfoQuery',
            messageForm: form,
            warnings: [],
          });
          expect(req.soapAction).toBe('urn:hl7-org:v3/HIPMessageServer');
          const root = parseXmlSafe(req.message).root;
          expect(root.localName).toBe('PRPA_IN201305UV02');
          expect(root.namespaceURI).toBe('urn:hl7-org:v3');
        });
      }
    }
  }

  it('inline request of an un-namespaced message does not adopt the operation namespace', () => {
    const built = buildSoapRequest({
      action: 'A',
      message: '<?xml version="1.0"?><plain><x/></plain>',
      messageForm: 'inline',
    });
    const req = parseSoapRequest(built.body, built.contentType);
    expect(parseXmlSafe(req.message).root.namespaceURI).toBeNull();
  });

  it('vendor request: goodwillcis namespace, Message parameter, SOAP 1.1', () => {
    const built = buildSoapRequest({
      version: '1.1',
      namespace: 'http://goodwillcis.com',
      messageParam: 'Message',
      action: 'S0023',
      message: '<a>]]></a>',
    });
    expect(built.headers).toEqual({
      'Content-Type': 'text/xml; charset=utf-8',
      SOAPAction: '"http://goodwillcis.com/HIPMessageServer"',
    });
    const req = parseSoapRequest(built.body, built.contentType, {
      namespace: 'http://goodwillcis.com',
      messageParam: 'Message',
      caseSensitiveParams: true,
    });
    expect(req.message).toBe('<a>]]></a>');
  });

  for (const version of ['1.1', '1.2'] as const) {
    it(`response SOAP ${version} (escaped and cdata)`, () => {
      const ack = '<MCCI_IN000002UV01 xmlns="urn:hl7-org:v3"><x><![CDATA[a]]></x></MCCI_IN000002UV01>';
      const escaped = buildSoapResponse(version, ack);
      expect(escaped).toContain('<HIPMessageServerResult>&lt;MCCI_IN000002UV01');
      expect(parseSoapResponse(escaped, undefined, { resultName: 'HIPMessageServerResult' })).toEqual({
        kind: 'result',
        soapVersion: version,
        responseName: 'HIPMessageServerResponse',
        result: ack,
        resultForm: 'escaped',
      });
      const asCdata = parseSoapResponse(buildSoapResponse(version, ack, { resultForm: 'cdata' }));
      expect(asCdata).toMatchObject({ kind: 'result', result: ack, resultForm: 'cdata' });
    });

    it(`fault SOAP ${version}`, () => {
      const xml = buildSoapFault(version, { code: 'Server', reason: '数据库不可用 <retry>', detail: 'E42' });
      const parsed = parseSoapResponse(xml);
      expect(parsed).toEqual({
        kind: 'fault',
        soapVersion: version,
        fault: {
          code: version === '1.1' ? 'Server' : 'Receiver',
          subcode: undefined,
          reason: '数据库不可用 <retry>',
          detail: 'E42',
        },
      });
      expect(soapFaultHttpStatus(version, 'Sender')).toBe(version === '1.1' ? 500 : 400);
    });
  }

  it('reads a .NET-style 1.2 fault with a subcode', () => {
    const xml =
      '<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Body><soap:Fault>' +
      '<soap:Code><soap:Value>soap:Sender</soap:Value><soap:Subcode><soap:Value>a:InvalidAction</soap:Value></soap:Subcode></soap:Code>' +
      '<soap:Reason><soap:Text xml:lang="en">bad</soap:Text></soap:Reason><soap:Detail><e xmlns="urn:e">x</e></soap:Detail></soap:Fault></soap:Body></soap:Envelope>';
    expect(parseSoapResponse(xml)).toEqual({
      kind: 'fault',
      soapVersion: '1.2',
      fault: { code: 'Sender', subcode: 'InvalidAction', reason: 'bad', detail: '<e xmlns="urn:e">x</e>' },
    });
  });

  it('raw-envelope helper wraps body and header', () => {
    const xml = wrapSoapEnvelope('1.1', '<Ping xmlns="urn:x"/>', { headerXml: '<auth xmlns="urn:a">t</auth>' });
    const root = parseXmlSafe(xml).root;
    expect(root.children.map((c) => (c.type === 'element' ? c.name : c.type))).toEqual(['soap:Header', 'soap:Body']);
  });
});

describe('buildWsdl', () => {
  it('produces WSDL 1.1 with SOAP 1.1 and 1.2 bindings for the configured names', () => {
    const wsdl = buildWsdl({
      endpointUrl: 'http://hip.example/services/HIPMessageServer?x=1&y=2',
      namespace: 'http://goodwillcis.com',
      operation: 'HIPMessageServer',
      actionParam: 'action',
      messageParam: 'Message',
    });
    const doc = parseXmlDom(wsdl);
    const WSDL = 'http://schemas.xmlsoap.org/wsdl/';
    const bindings = doc.getElementsByTagNameNS(WSDL, 'binding');
    expect(bindings.length).toBe(2);
    expect(doc.getElementsByTagNameNS('http://schemas.xmlsoap.org/wsdl/soap/', 'binding').length).toBe(1);
    expect(doc.getElementsByTagNameNS('http://schemas.xmlsoap.org/wsdl/soap12/', 'binding').length).toBe(1);
    const addr = doc.getElementsByTagNameNS('http://schemas.xmlsoap.org/wsdl/soap12/', 'address').item(0);
    expect(addr?.getAttribute('location')).toBe('http://hip.example/services/HIPMessageServer?x=1&y=2');
    const names = Array.from(
      { length: doc.getElementsByTagNameNS('http://www.w3.org/2001/XMLSchema', 'element').length },
      (_, i) => doc.getElementsByTagNameNS('http://www.w3.org/2001/XMLSchema', 'element').item(i)?.getAttribute('name'),
    );
    expect(names).toEqual([
      'HIPMessageServer',
      'action',
      'Message',
      'HIPMessageServerResponse',
      'HIPMessageServerResult',
    ]);
    expect(doc.documentElement?.getAttribute('targetNamespace')).toBe('http://goodwillcis.com');
  });
});
