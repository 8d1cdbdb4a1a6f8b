// Writing SOAP envelopes: responses and faults for the HIPMessageServer endpoint, requests for the outbound adapter.
//
// Result strings are carried as ESCAPED text by default, not CDATA: an xsd:string return value is exactly what
// .NET (asmx/WCF) and Java (CXF/Axis) stubs expect and decode for free, escaping works for every string (a CDATA
// section cannot contain `]]>`, and an ack that echoes a message with its own CDATA would need splitting), and it
// is what those stacks emit themselves. `resultForm: 'cdata'` exists for peers that scrape the body with regexes.

import { cdata, escapeXmlAttr, escapeXmlText, parseXmlSafe, serializeXml, XmlParseError } from '../xml/index.js';
import { defaultSoapAction, envelopeNamespace, HIP_SOAP_DEFAULTS, SoapError, soapContentType } from './common.js';
import type { MessageForm, SoapVersion } from './common.js';

const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
const XSD = 'http://www.w3.org/2001/XMLSchema';

/** Prefix conventions of the .NET stacks most HIS vendors use: `soap:` for 1.1, `soap12:` for 1.2. */
function envPrefix(version: SoapVersion): string {
  return version === '1.2' ? 'soap12' : 'soap';
}

export interface EnvelopeOptions {
  /** Raw XML placed inside the SOAP Header (omitted when undefined). */
  headerXml?: string;
}

/**
 * Wraps raw Body content in an envelope of the given version: the building block for "raw envelope" mode, where a
 * channel supplies the Body content (or a template's output) verbatim.
 */
export function wrapSoapEnvelope(version: SoapVersion, bodyXml: string, options: EnvelopeOptions = {}): string {
  const p = envPrefix(version);
  const header = options.headerXml === undefined ? '' : `<${p}:Header>${options.headerXml}</${p}:Header>`;
  return (
    `<?xml version="1.0" encoding="utf-8"?>` +
    `<${p}:Envelope xmlns:${p}="${envelopeNamespace(version)}" xmlns:xsi="${XSI}" xmlns:xsd="${XSD}">` +
    `${header}<${p}:Body>${bodyXml}</${p}:Body></${p}:Envelope>`
  );
}

function carry(value: string, form: Exclude<MessageForm, 'inline'>): string {
  return form === 'cdata' ? cdata(value) : escapeXmlText(value);
}

export interface SoapResponseBuildOptions {
  operation?: string;
  namespace?: string;
  /** Default `HIPMessageServerResult`. */
  resultName?: string;
  /** Default `<operation>Response`. */
  responseName?: string;
  /** Default 'escaped' (see file header for why). */
  resultForm?: 'escaped' | 'cdata';
}

/** The server's answer to HIPMessageServer: `<HIPMessageServerResponse><HIPMessageServerResult>…`. */
export function buildSoapResponse(
  version: SoapVersion,
  resultXml: string,
  options: SoapResponseBuildOptions = {},
): string {
  const operation = options.operation ?? HIP_SOAP_DEFAULTS.operation;
  const ns = options.namespace ?? HIP_SOAP_DEFAULTS.namespace;
  const responseName = options.responseName ?? `${operation}Response`;
  const resultName = options.resultName ?? HIP_SOAP_DEFAULTS.resultName;
  const result = carry(resultXml, options.resultForm ?? 'escaped');
  return wrapSoapEnvelope(
    version,
    `<${responseName} xmlns="${escapeXmlAttr(ns)}"><${resultName}>${result}</${resultName}></${responseName}>`,
  );
}

export type SoapFaultCode = 'Client' | 'Server' | 'Sender' | 'Receiver' | 'VersionMismatch' | 'MustUnderstand';

export interface SoapFaultInput {
  /** Either version's vocabulary is accepted and translated (Client ⇄ Sender, Server ⇄ Receiver). */
  code: SoapFaultCode;
  reason: string;
  /** Plain text placed (escaped) in the detail element. */
  detail?: string;
  /** xml:lang of the 1.2 Reason text. Default `zh-CN`. */
  lang?: string;
}

function faultCodeFor(version: SoapVersion, code: SoapFaultCode): string {
  if (version === '1.1') {
    if (code === 'Sender') return 'Client';
    if (code === 'Receiver') return 'Server';
    return code;
  }
  if (code === 'Client') return 'Sender';
  if (code === 'Server') return 'Receiver';
  return code;
}

export function buildSoapFault(version: SoapVersion, fault: SoapFaultInput): string {
  const p = envPrefix(version);
  const code = `${p}:${faultCodeFor(version, fault.code)}`;
  const reason = escapeXmlText(fault.reason);
  if (version === '1.1') {
    const detail = fault.detail === undefined ? '' : `<detail>${escapeXmlText(fault.detail)}</detail>`;
    return wrapSoapEnvelope(
      version,
      `<${p}:Fault><faultcode>${code}</faultcode><faultstring>${reason}</faultstring>${detail}</${p}:Fault>`,
    );
  }
  const lang = escapeXmlText(fault.lang ?? 'zh-CN');
  const detail = fault.detail === undefined ? '' : `<${p}:Detail>${escapeXmlText(fault.detail)}</${p}:Detail>`;
  return wrapSoapEnvelope(
    version,
    `<${p}:Fault><${p}:Code><${p}:Value>${code}</${p}:Value></${p}:Code>` +
      `<${p}:Reason><${p}:Text xml:lang="${lang}">${reason}</${p}:Text></${p}:Reason>${detail}</${p}:Fault>`,
  );
}

/** Fault envelope for a {@link SoapError} thrown by parseSoapRequest, in the version the client spoke. */
export function soapFaultForError(err: SoapError): string {
  return buildSoapFault(err.soapVersion, { code: err.faultCode, reason: err.message, detail: err.code });
}

/** HTTP status for a fault: 1.1 always 500; 1.2 uses 400 for Sender faults (SOAP 1.2 part 2, §7.5.1). */
export function soapFaultHttpStatus(version: SoapVersion, code: SoapFaultCode): number {
  if (version === '1.2' && (code === 'Sender' || code === 'Client')) return 400;
  return 500;
}

export interface SoapRequestBuildOptions {
  version?: SoapVersion;
  operation?: string;
  namespace?: string;
  actionParam?: string;
  messageParam?: string;
  action: string;
  message: string;
  /** Default 'cdata' — what most 互联互通 peers expect. 'inline' embeds the XML (declaration stripped). */
  messageForm?: MessageForm;
  /**
   * true (default, .NET/asmx style, matches buildWsdl): parameters in the operation namespace.
   * false (CXF/JAX-WS unqualified style): `<ns2:Op xmlns:ns2="…"><action>` with parameters in no namespace.
   */
  qualifiedParams?: boolean;
  /** SOAPAction to send. Default `<namespace>/<operation>`; '' sends an empty SOAPAction. */
  soapAction?: string;
}

export interface BuiltSoapRequest {
  body: string;
  contentType: string;
  /** Headers to send (Content-Type, plus SOAPAction for 1.1). */
  headers: Record<string, string>;
}

/** Builds an outbound HIPMessageServer(action, message) call. */
export function buildSoapRequest(options: SoapRequestBuildOptions): BuiltSoapRequest {
  const version = options.version ?? '1.2';
  const operation = options.operation ?? HIP_SOAP_DEFAULTS.operation;
  const ns = options.namespace ?? HIP_SOAP_DEFAULTS.namespace;
  const actionParam = options.actionParam ?? HIP_SOAP_DEFAULTS.actionParam;
  const messageParam = options.messageParam ?? HIP_SOAP_DEFAULTS.messageParam;
  const form = options.messageForm ?? 'cdata';
  const qualified = options.qualifiedParams ?? true;
  const soapAction = options.soapAction ?? defaultSoapAction(ns, operation);

  let message: string;
  if (form === 'inline') {
    // Re-serialised rather than pasted: proves it is one well-formed element, and lets the serialiser add
    // `xmlns=""` if an un-namespaced message would otherwise inherit the operation's default namespace.
    try {
      const root = parseXmlSafe(options.message).root;
      message = serializeXml(root, { contextNamespaces: qualified ? { '': ns } : {} });
    } catch (err) {
      const why = err instanceof XmlParseError ? err.message : String(err);
      throw new SoapError('SOAP_MALFORMED', `message cannot be inlined: ${why}`, version, { cause: err });
    }
  } else {
    message = carry(options.message, form);
  }

  const nsAttr = escapeXmlAttr(ns);
  const opOpen = qualified ? `<${operation} xmlns="${nsAttr}">` : `<ns2:${operation} xmlns:ns2="${nsAttr}">`;
  const opClose = qualified ? `</${operation}>` : `</ns2:${operation}>`;
  const bodyXml =
    `${opOpen}<${actionParam}>${escapeXmlText(options.action)}</${actionParam}>` +
    `<${messageParam}>${message}</${messageParam}>${opClose}`;

  const contentType = soapContentType(version, version === '1.2' && soapAction !== '' ? soapAction : undefined);
  const headers: Record<string, string> = { 'Content-Type': contentType };
  if (version === '1.1') headers.SOAPAction = `"${soapAction}"`;
  return { body: wrapSoapEnvelope(version, bodyXml), contentType, headers };
}
