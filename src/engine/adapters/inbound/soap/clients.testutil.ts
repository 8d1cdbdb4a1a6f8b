// SOAP requests shaped the way real HIPMessageServer clients put them on the wire, for the WebService tests:
// .NET asmx/WCF (`soap:`/`soap12:` prefixes, xsi/xsd declarations, qualified parameters, CRLF, escaped strings) and
// Java CXF / JAX-WS RI / Axis-SoapUI (`soap:`/`S:`/`soapenv:` prefixes, `ns2:` operation with unqualified
// parameters, CDATA). Headers are those the stacks send (Content-Type, SOAPAction, User-Agent).
import { readdirSync, readFileSync } from 'node:fs';
import { cdata, escapeXmlText } from '../../../../formats/xml/index.js';

export type ClientShape = 'dotnet11' | 'dotnet12' | 'cxf11' | 'jaxws12' | 'soapui11';
export type MessageForm = 'escaped' | 'cdata' | 'inline';

export interface ShapedRequest {
  body: string;
  headers: Record<string, string>;
}

export interface ShapeOptions {
  namespace?: string;
  operation?: string;
  actionParam?: string;
  messageParam?: string;
}

function carry(message: string, form: MessageForm): string {
  if (form === 'escaped') return escapeXmlText(message);
  if (form === 'cdata') return cdata(message);
  return message.replace(/^\uFEFF?<\?xml[^>]*\?>\s*/, '');
}

export function soapRequest(
  shape: ClientShape,
  action: string,
  message: string,
  form: MessageForm,
  options: ShapeOptions = {},
): ShapedRequest {
  const ns = options.namespace ?? 'urn:hl7-org:v3';
  const op = options.operation ?? 'HIPMessageServer';
  const a = options.actionParam ?? 'action';
  const m = options.messageParam ?? 'message';
  const payload = carry(message, form);
  const soapAction = `${ns}/${op}`;
  switch (shape) {
    case 'dotnet11':
      return {
        body:
          '<?xml version="1.0" encoding="utf-8"?>\r\n' +
          '<soap:Envelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">\r\n' +
          '  <soap:Body>\r\n' +
          `    <${op} xmlns="${ns}">\r\n` +
          `      <${a}>${escapeXmlText(action)}</${a}>\r\n` +
          `      <${m}>${payload}</${m}>\r\n` +
          `    </${op}>\r\n` +
          '  </soap:Body>\r\n' +
          '</soap:Envelope>',
        headers: {
          'content-type': 'text/xml; charset=utf-8',
          soapaction: `"${soapAction}"`,
          'user-agent': 'Mozilla/4.0 (compatible; MSIE 6.0; MS Web Services Client Protocol 4.0.30319.42000)',
        },
      };
    case 'dotnet12':
      return {
        body:
          '<?xml version="1.0" encoding="utf-8"?>\r\n' +
          '<soap12:Envelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:soap12="http://www.w3.org/2003/05/soap-envelope">\r\n' +
          '  <soap12:Body>\r\n' +
          `    <${op} xmlns="${ns}">\r\n` +
          `      <${a}>${escapeXmlText(action)}</${a}>\r\n` +
          `      <${m}>${payload}</${m}>\r\n` +
          `    </${op}>\r\n` +
          '  </soap12:Body>\r\n' +
          '</soap12:Envelope>',
        headers: {
          'content-type': `application/soap+xml; charset=utf-8; action="${soapAction}"`,
          'user-agent': 'Mozilla/4.0 (compatible; MSIE 6.0; MS Web Services Client Protocol 4.0.30319.42000)',
        },
      };
    case 'cxf11':
      return {
        body:
          '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>' +
          `<ns2:${op} xmlns:ns2="${ns}"><${a}>${escapeXmlText(action)}</${a}><${m}>${payload}</${m}></ns2:${op}>` +
          '</soap:Body></soap:Envelope>',
        headers: { 'content-type': 'text/xml; charset=UTF-8', soapaction: '""', 'user-agent': 'Apache-CXF/3.5.5' },
      };
    case 'jaxws12':
      return {
        body:
          '<?xml version="1.0" ?><S:Envelope xmlns:S="http://www.w3.org/2003/05/soap-envelope"><S:Body>' +
          `<ns2:${op} xmlns:ns2="${ns}"><${a}>${escapeXmlText(action)}</${a}><${m}>${payload}</${m}></ns2:${op}>` +
          '</S:Body></S:Envelope>',
        headers: {
          'content-type': 'application/soap+xml;charset=utf-8',
          'user-agent': 'JAX-WS RI 2.2.9-b130926.1035 svn-revision#5f6196f2b90e9460065a4c2f4e30e065b245e51e',
        },
      };
    case 'soapui11':
      return {
        body:
          `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:urn="${ns}">\n` +
          '   <soapenv:Header/>\n' +
          '   <soapenv:Body>\n' +
          `      <urn:${op}>\n` +
          `         <urn:${a}>${escapeXmlText(action)}</urn:${a}>\n` +
          `         <urn:${m}>${payload}</urn:${m}>\n` +
          `      </urn:${op}>\n` +
          '   </soapenv:Body>\n' +
          '</soapenv:Envelope>',
        headers: {
          'content-type': 'text/xml;charset=UTF-8',
          soapaction: `"${soapAction}"`,
          'user-agent': 'Apache-HttpClient/4.5.5 (Java/17.0.2)',
        },
      };
  }
}

const CORPUS = new URL('../../../../../../shared/corpus/hl7v3/testcases/', import.meta.url);

export interface CorpusCase {
  file: string;
  /** The service named in the file name (e.g. 个人信息查询服务). */
  serviceName: string;
  text: string;
}

/** Every national test case in shared/corpus/hl7v3/testcases, in file order. */
export function corpusCases(): CorpusCase[] {
  return readdirSync(CORPUS)
    .filter((f) => f.endsWith('.xml'))
    .sort()
    .map((file) => ({
      file,
      serviceName: file.replace(/^EMR-PL-\d+-/, '').replace(/-T\d+\.xml$/, ''),
      text: readFileSync(new URL(file, CORPUS), 'utf8'),
    }));
}

/** EMR-PL-04 (个人信息查询, ~2 KB) with its message id and sender device id replaced. */
export function sampleV3(options: { id: string; sender?: string }): string {
  const text = readFileSync(new URL('EMR-PL-04-个人信息查询服务-T01.xml', CORPUS), 'utf8');
  return text
    .replace('extension="22a0f9e0-4454-11dc-a6be-3603d6866807"', `extension="${options.id}"`)
    .replace('extension="a137148b-e300-42bd-aa13-41d47262d1a9"', `extension="${options.sender ?? 'HIS-SENDER'}"`);
}
