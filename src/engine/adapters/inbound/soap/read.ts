// Reading one HIPMessageServer request: the SOAP envelope, the HL7 V3 message it carries, and that message's index
// fields. A pure function of the bytes and the endpoint's settings, so it runs the same on the event loop or on an XML
// reader thread (readers.ts). Its answer is plain data — no XML tree — because a tree costs more to copy between
// threads than to parse (structured clone of the 2 KB test case's tree: ~57 µs to rebuild, against ~14 µs to parse).
import { parseV3, V3Error, type V3Message } from '../../../../formats/hl7v3/index.js';
import { parseSoapRequest, SoapError, type SoapRequest, type SoapVersion } from '../../../../formats/soap/index.js';
import { XmlParseError, type XmlErrorCode } from '../../../../formats/xml/index.js';
import type { Decoded } from '../../../ingest/decode.js';
import { decodeV3Message } from '../../../ingest/format-decoders.js';

/** The endpoint's dialect settings that shape how the envelope is read. */
export interface HipReadOptions {
  operation: string;
  namespace: string | readonly string[];
  actionParam: string;
  messageParam: string;
  soapActionHeader: string | undefined;
  /** The app's body limit, also the XML size limit. */
  maxBytes: number;
}

/** The V3 transmission wrapper as read: everything parseV3 gives but the tree. */
export type V3Header = Omit<V3Message, 'doc'>;

/** XML refused as an attack or beyond limits, as opposed to XML that is merely broken. */
const UNSAFE_XML = new Set<XmlErrorCode>([
  'XML_DOCTYPE_FORBIDDEN',
  'XML_ENTITY_FORBIDDEN',
  'XML_TOO_LARGE',
  'XML_TOO_DEEP',
  'XML_TOO_MANY_ATTRIBUTES',
]);

export type HipRead =
  /** The envelope is unusable: answered with a SOAP Fault. */
  | {
      kind: 'envelope-invalid';
      soapVersion: SoapVersion;
      faultCode: 'Client' | 'VersionMismatch';
      message: string;
      /** The XML error code when the XML was at fault, else the SOAP codec's. */
      detail: string;
    }
  /** The message parameter holds an XML attack or exceeds a limit: answered with a SOAP Fault. */
  | { kind: 'message-unsafe'; soap: SoapRequest; code: XmlErrorCode; message: string }
  /**
   * The envelope was read. `v3` and `decoded` (the HL7V3 decoder's result for exactly `soap.message`) are absent when
   * the message is not readable V3; `v3Problem` says why (answered AE once the sender is known).
   */
  | { kind: 'read'; soap: SoapRequest; v3?: V3Header; decoded?: Decoded; v3Problem?: string };

/**
 * Reads a request. Throws only for a failure that is not the request's fault (a bug), which the route answers with
 * a Receiver fault.
 */
export function readHipRequest(body: Uint8Array, contentType: string | undefined, options: HipReadOptions): HipRead {
  let soap: SoapRequest;
  try {
    soap = parseSoapRequest(body, contentType, {
      operation: options.operation,
      namespace: options.namespace,
      actionParam: options.actionParam,
      messageParam: options.messageParam,
      soapActionHeader: options.soapActionHeader,
      limits: { maxBytes: options.maxBytes },
    });
  } catch (error) {
    if (!(error instanceof SoapError)) throw error;
    return {
      kind: 'envelope-invalid',
      soapVersion: error.soapVersion,
      faultCode: error.faultCode,
      message: error.message,
      detail: error.cause instanceof XmlParseError ? error.cause.code : error.code,
    };
  }
  // The inner message is read here for the ack (its id, sender and receiver), the sender's identity and the index
  // fields. XML attacks in it are refused like attacks in the envelope; merely broken XML is the content's fault.
  let v3: V3Message;
  try {
    v3 = parseV3(soap.message, { limits: { maxBytes: options.maxBytes } });
  } catch (error) {
    if (!(error instanceof V3Error)) throw error;
    const cause = error.cause instanceof XmlParseError ? error.cause : undefined;
    if (cause && UNSAFE_XML.has(cause.code)) {
      return { kind: 'message-unsafe', soap, code: cause.code, message: cause.message };
    }
    return { kind: 'read', soap, v3Problem: error.message };
  }
  const decoded = decodeV3Message(v3);
  const { doc: _doc, ...header } = v3;
  return { kind: 'read', soap, v3: header, decoded };
}
