// Shared SOAP constants, the error type and small helpers used by both directions (server and outbound adapter).

export type SoapVersion = '1.1' | '1.2';

export const SOAP11_ENVELOPE_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
export const SOAP12_ENVELOPE_NS = 'http://www.w3.org/2003/05/soap-envelope';

/** The 互联互通 defaults; every one of them is configuration because vendors change them. */
export const HIP_SOAP_DEFAULTS = Object.freeze({
  operation: 'HIPMessageServer',
  namespace: 'urn:hl7-org:v3',
  actionParam: 'action',
  messageParam: 'message',
  resultName: 'HIPMessageServerResult',
});

/** How the inner XML was (or is to be) carried inside its parameter element. */
export type MessageForm = 'cdata' | 'escaped' | 'inline';

export type SoapErrorCode =
  'SOAP_MALFORMED' | 'SOAP_NO_BODY' | 'SOAP_UNKNOWN_OPERATION' | 'SOAP_MISSING_PARAM' | 'SOAP_VERSION_MISMATCH';

export class SoapError extends Error {
  override readonly name = 'SoapError';
  readonly code: SoapErrorCode;
  /** The version to answer the fault in: the envelope's if known, else the content type's, else 1.1. */
  readonly soapVersion: SoapVersion;

  constructor(code: SoapErrorCode, message: string, soapVersion: SoapVersion, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.soapVersion = soapVersion;
  }

  /** Whose fault it is, in SOAP terms: everything this codec detects is the sender's. */
  get faultCode(): 'Client' | 'VersionMismatch' {
    return this.code === 'SOAP_VERSION_MISMATCH' ? 'VersionMismatch' : 'Client';
  }
}

export function envelopeNamespace(version: SoapVersion): string {
  return version === '1.2' ? SOAP12_ENVELOPE_NS : SOAP11_ENVELOPE_NS;
}

/** Content-Type for a SOAP message; SOAP 1.2 carries the action as a media-type parameter. */
export function soapContentType(version: SoapVersion, soapAction?: string): string {
  if (version === '1.1') return 'text/xml; charset=utf-8';
  return soapAction
    ? `application/soap+xml; charset=utf-8; action="${soapAction}"`
    : 'application/soap+xml; charset=utf-8';
}

/** The SOAPAction a .NET asmx service derives from namespace + operation (`urn:hl7-org:v3/HIPMessageServer`). */
export function defaultSoapAction(namespace: string, operation: string): string {
  return namespace.endsWith('/') ? namespace + operation : `${namespace}/${operation}`;
}

export interface ParsedContentType {
  mediaType: string;
  params: Record<string, string>;
}

/** A client sends the same Content-Type with every request: parsed once, up to a bound. */
const parsedContentTypes = new Map<string, Readonly<ParsedContentType>>();

/** The media type (lower case) and parameters of a Content-Type header. The result is shared: do not change it. */
export function parseContentType(contentType: string | undefined): Readonly<ParsedContentType> | undefined {
  if (!contentType) return undefined;
  let parsed = parsedContentTypes.get(contentType);
  if (parsed === undefined) {
    parsed = Object.freeze(parseContentTypeOnce(contentType));
    if (parsedContentTypes.size >= 64) parsedContentTypes.clear();
    parsedContentTypes.set(contentType, parsed);
  }
  return parsed;
}

function parseContentTypeOnce(contentType: string): ParsedContentType {
  const parts = contentType.split(';');
  const mediaType = (parts.shift() ?? '').trim().toLowerCase();
  const params: Record<string, string> = {};
  for (const p of parts) {
    const eq = p.indexOf('=');
    if (eq < 0) continue;
    const key = p.slice(0, eq).trim().toLowerCase();
    let value = p.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    params[key] = value;
  }
  return { mediaType, params };
}

/** SOAP version implied by a Content-Type, or undefined when it implies none (e.g. application/xml). */
export function versionFromContentType(contentType: string | undefined): SoapVersion | undefined {
  const mt = parseContentType(contentType)?.mediaType;
  if (mt === 'application/soap+xml') return '1.2';
  if (mt === 'text/xml') return '1.1';
  return undefined;
}
