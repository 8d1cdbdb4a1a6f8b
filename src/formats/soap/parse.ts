// Reading SOAP envelopes: requests arriving at the HIPMessageServer endpoint and responses coming back to the
// outbound adapter. Lenient where real clients differ (prefixes, parameter namespaces and case, how the inner XML is
// carried), strict where a wrong guess would misroute a message (envelope namespace, operation, missing action).

import {
  elementChildren,
  firstChild,
  getAttr,
  parseXmlSafe,
  serializeXml,
  textContent,
  XmlParseError,
  XSI_NAMESPACE,
} from '../xml/index.js';
import type { XmlElement, XmlLimits } from '../xml/index.js';
import {
  HIP_SOAP_DEFAULTS,
  parseContentType,
  SOAP11_ENVELOPE_NS,
  SOAP12_ENVELOPE_NS,
  SoapError,
  versionFromContentType,
} from './common.js';
import type { MessageForm, SoapVersion } from './common.js';

export interface SoapRequestOptions {
  /** Operation element local name. Default `HIPMessageServer`. */
  operation?: string;
  /**
   * Namespace(s) the operation element may be in. Default `urn:hl7-org:v3`. `'*'` accepts any namespace; `''`
   * stands for "no namespace".
   */
  namespace?: string | readonly string[];
  /** Parameter carrying the service name. Default `action`. */
  actionParam?: string;
  /** Parameter carrying the HL7 message. Default `message` (some vendors: `Message`). */
  messageParam?: string;
  /** Match parameter names case-sensitively. Default false (`Message` and `message` both match). */
  caseSensitiveParams?: boolean;
  /** Value of the HTTP SOAPAction header (SOAP 1.1), if any; echoed back in the result. */
  soapActionHeader?: string;
  /** Reject a Content-Type that contradicts the envelope version instead of recording a warning. Default false. */
  strictContentType?: boolean;
  limits?: XmlLimits;
}

export interface SoapRequest {
  soapVersion: SoapVersion;
  /** Operation local name as received. */
  operation: string;
  operationNamespace: string | null;
  /** Service name from the action parameter, trimmed (`OutPatientInfoAdd` or `S0023`). */
  action: string;
  /** The inner XML as a string, trimmed. */
  message: string;
  messageForm: MessageForm;
  /** SOAPAction header (1.1) or the Content-Type `action` parameter (1.2), when present. */
  soapAction: string | undefined;
  /** Tolerated oddities (Content-Type disagreeing with the envelope, ignored mustUnderstand headers, …). */
  warnings: string[];
}

export interface SoapFault {
  /** Local part of the fault code: Client/Server/VersionMismatch/MustUnderstand (1.1), Sender/Receiver/… (1.2). */
  code: string;
  /** SOAP 1.2 subcode local part, when present. */
  subcode: string | undefined;
  reason: string;
  /** Detail content: text, or the serialised child elements. */
  detail: string | undefined;
}

export type SoapResponse =
  | { kind: 'result'; soapVersion: SoapVersion; responseName: string; result: string; resultForm: MessageForm }
  | { kind: 'fault'; soapVersion: SoapVersion; fault: SoapFault };

export interface SoapResponseOptions {
  /** Result element local name (matched case-insensitively). Default: the first child of the response wrapper. */
  resultName?: string;
  limits?: XmlLimits;
}

function parseEnvelope(
  body: string | Uint8Array,
  contentType: string | undefined,
  limits: XmlLimits | undefined,
): { version: SoapVersion; envelope: XmlElement; ctVersion: SoapVersion | undefined } {
  const ctVersion = versionFromContentType(contentType);
  let root: XmlElement;
  try {
    root = parseXmlSafe(body, limits).root;
  } catch (err) {
    const detail = err instanceof XmlParseError ? `${err.code}: ${err.message}` : String(err);
    throw new SoapError('SOAP_MALFORMED', `SOAP envelope is not acceptable XML (${detail})`, ctVersion ?? '1.1', {
      cause: err,
    });
  }
  if (root.localName !== 'Envelope') {
    throw new SoapError('SOAP_MALFORMED', `expected a SOAP Envelope, got <${root.name}>`, ctVersion ?? '1.1');
  }
  if (root.namespaceURI === SOAP12_ENVELOPE_NS) return { version: '1.2', envelope: root, ctVersion };
  if (root.namespaceURI === SOAP11_ENVELOPE_NS) return { version: '1.1', envelope: root, ctVersion };
  throw new SoapError(
    'SOAP_VERSION_MISMATCH',
    `unknown SOAP envelope namespace "${root.namespaceURI ?? ''}"`,
    ctVersion ?? '1.1',
  );
}

function bodyOf(envelope: XmlElement, version: SoapVersion): XmlElement {
  const body = firstChild(envelope, 'Body', envelope.namespaceURI);
  if (!body) throw new SoapError('SOAP_NO_BODY', 'SOAP envelope has no Body', version);
  return body;
}

/** Text/CDATA/inline-XML content of a parameter element, and how it was carried. */
function contentOf(el: XmlElement): { value: string; form: MessageForm } {
  const elements = elementChildren(el);
  if (elements.length > 0) {
    return { value: elements.map((e) => serializeXml(e)).join(''), form: 'inline' };
  }
  const form: MessageForm = el.children.some((c) => c.type === 'cdata') ? 'cdata' : 'escaped';
  return { value: textContent(el).trim(), form };
}

function isNil(el: XmlElement): boolean {
  const nil = getAttr(el, 'nil', XSI_NAMESPACE);
  return nil === 'true' || nil === '1';
}

function findParam(op: XmlElement, name: string, caseSensitive: boolean): XmlElement | undefined {
  const wanted = caseSensitive ? name : name.toLowerCase();
  for (const c of elementChildren(op)) {
    if ((caseSensitive ? c.localName : c.localName.toLowerCase()) === wanted) return c;
  }
  return undefined;
}

/**
 * Parses an inbound HIPMessageServer(action, message) call. Throws {@link SoapError}, whose `code` and
 * `soapVersion` are what the server needs to answer with a Fault.
 */
export function parseSoapRequest(
  body: string | Uint8Array,
  contentType: string | undefined,
  options: SoapRequestOptions = {},
): SoapRequest {
  const operation = options.operation ?? HIP_SOAP_DEFAULTS.operation;
  const namespaces = options.namespace ?? HIP_SOAP_DEFAULTS.namespace;
  const accepted = typeof namespaces === 'string' ? [namespaces] : namespaces;
  const actionParam = options.actionParam ?? HIP_SOAP_DEFAULTS.actionParam;
  const messageParam = options.messageParam ?? HIP_SOAP_DEFAULTS.messageParam;
  const caseSensitive = options.caseSensitiveParams ?? false;

  const { version, envelope, ctVersion } = parseEnvelope(body, contentType, options.limits);
  const warnings: string[] = [];
  if (ctVersion !== undefined && ctVersion !== version) {
    const msg = `Content-Type "${contentType ?? ''}" implies SOAP ${ctVersion} but the envelope is SOAP ${version}`;
    if (options.strictContentType) throw new SoapError('SOAP_VERSION_MISMATCH', msg, version);
    warnings.push(msg);
  }

  const header = firstChild(envelope, 'Header', envelope.namespaceURI);
  if (header) {
    for (const h of elementChildren(header)) {
      const mu = getAttr(h, 'mustUnderstand', envelope.namespaceURI);
      if (mu === '1' || mu === 'true') warnings.push(`ignored header <${h.name}> marked mustUnderstand`);
    }
  }

  const soapBody = bodyOf(envelope, version);
  const op = elementChildren(soapBody)[0];
  if (!op) throw new SoapError('SOAP_UNKNOWN_OPERATION', 'SOAP Body is empty', version);
  const opNs = op.namespaceURI ?? '';
  if (op.localName !== operation || !(accepted.includes('*') || accepted.includes(opNs))) {
    throw new SoapError(
      'SOAP_UNKNOWN_OPERATION',
      `unknown operation {${opNs}}${op.localName}; expected ${operation} in ${accepted.map((n) => `"${n}"`).join(' or ')}`,
      version,
    );
  }

  const actionEl = findParam(op, actionParam, caseSensitive);
  const action = actionEl && !isNil(actionEl) ? textContent(actionEl).trim() : '';
  if (action === '') {
    throw new SoapError('SOAP_MISSING_PARAM', `parameter "${actionParam}" is missing or empty`, version);
  }
  const messageEl = findParam(op, messageParam, caseSensitive);
  if (!messageEl || isNil(messageEl)) {
    throw new SoapError('SOAP_MISSING_PARAM', `parameter "${messageParam}" is missing`, version);
  }
  const { value: message, form: messageForm } = contentOf(messageEl);
  if (message === '') throw new SoapError('SOAP_MISSING_PARAM', `parameter "${messageParam}" is empty`, version);

  const soapAction =
    version === '1.2'
      ? parseContentType(contentType)?.params.action
      : options.soapActionHeader?.trim().replace(/^"(.*)"$/, '$1') || undefined;

  return {
    soapVersion: version,
    operation: op.localName,
    operationNamespace: op.namespaceURI,
    action,
    message,
    messageForm,
    soapAction,
    warnings,
  };
}

function faultOf(fault: XmlElement, version: SoapVersion): SoapFault {
  const localPart = (qname: string): string => qname.trim().replace(/^[^:]*:/, '');
  const detailOf = (el: XmlElement | undefined): string | undefined => {
    if (!el) return undefined;
    const v = contentOf(el).value;
    return v === '' ? undefined : v;
  };
  if (version === '1.1') {
    const code = firstChild(fault, 'faultcode');
    const reason = firstChild(fault, 'faultstring');
    return {
      code: code ? localPart(textContent(code)) : '',
      subcode: undefined,
      reason: reason ? textContent(reason).trim() : '',
      detail: detailOf(firstChild(fault, 'detail')),
    };
  }
  const ns = SOAP12_ENVELOPE_NS;
  const codeEl = firstChild(fault, 'Code', ns);
  const value = codeEl ? firstChild(codeEl, 'Value', ns) : undefined;
  const sub = codeEl ? firstChild(codeEl, 'Subcode', ns) : undefined;
  const subValue = sub ? firstChild(sub, 'Value', ns) : undefined;
  const reasonEl = firstChild(fault, 'Reason', ns);
  const text = reasonEl ? firstChild(reasonEl, 'Text', ns) : undefined;
  return {
    code: value ? localPart(textContent(value)) : '',
    subcode: subValue ? localPart(textContent(subValue)) : undefined,
    reason: text ? textContent(text).trim() : '',
    detail: detailOf(firstChild(fault, 'Detail', ns)),
  };
}

/** Parses what a remote HIPMessageServer answered: the result string, or the Fault it sent. */
export function parseSoapResponse(
  body: string | Uint8Array,
  contentType?: string,
  options: SoapResponseOptions = {},
): SoapResponse {
  const { version, envelope } = parseEnvelope(body, contentType, options.limits);
  const soapBody = bodyOf(envelope, version);
  const first = elementChildren(soapBody)[0];
  if (!first) throw new SoapError('SOAP_MALFORMED', 'SOAP Body of the response is empty', version);
  if (first.localName === 'Fault' && first.namespaceURI === envelope.namespaceURI) {
    return { kind: 'fault', soapVersion: version, fault: faultOf(first, version) };
  }
  const wanted = options.resultName?.toLowerCase();
  const resultEl =
    wanted === undefined
      ? elementChildren(first)[0]
      : elementChildren(first).find((c) => c.localName.toLowerCase() === wanted);
  if (!resultEl) {
    throw new SoapError(
      'SOAP_MISSING_PARAM',
      `response <${first.name}> has no ${options.resultName ?? 'result'} element`,
      version,
    );
  }
  const { value, form } = contentOf(resultEl);
  return { kind: 'result', soapVersion: version, responseName: first.localName, result: value, resultForm: form };
}
