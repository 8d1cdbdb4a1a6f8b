// parseV3: reads the transmission wrapper of an HL7 V3 (互联互通) message leniently. Anything odd but usable —
// interactionId disagreeing with the root element, HL7's or the bare national OID instead of the 互联互通 ones,
// missing optional parts — becomes a warning; only input that is not XML at all is an error. Strictness belongs to
// XSD validation (validate.ts), which the caller switches on per service.

import { descend, firstChild, getAttr, parseXmlSafe, textContent, XmlParseError } from '../xml/index.js';
import type { XmlDocument, XmlElement, XmlLimits } from '../xml/index.js';

export const HL7V3_NAMESPACE = 'urn:hl7-org:v3';

/** OIDs of the 互联互通 message header and the identifiers indexed by extractV3IndexFields. */
export const V3_OID = Object.freeze({
  messageId: '2.16.156.10011.2.5.1.1',
  interactionId: '2.16.156.10011.2.5.1.2',
  deviceId: '2.16.156.10011.2.5.1.3',
  patientId: '2.16.156.10011.2.5.1.4',
  domainId: '2.16.156.10011.2.5.1.5',
  cardNumber: '2.16.156.10011.2.5.1.6',
  visitTimes: '2.16.156.10011.2.5.1.8',
  visitNumber: '2.16.156.10011.2.5.1.9',
  /** 文档流水号 in WS/T 500 CDA headers. */
  documentId: '2.16.156.10011.1.1',
  /** clinicalDocument.id in the 调阅 query test case. */
  documentQueryId: '2.16.156.10011.2.5.1.24',
  idCard: '2.16.156.10011.1.3',
  staffId: '2.16.156.10011.1.4',
  organization: '2.16.156.10011.1.5',
  outpatientNumberAlt: '2.16.156.10011.1.10',
  outpatientNumber: '2.16.156.10011.1.11',
  inpatientNumber: '2.16.156.10011.1.12',
  applicationNumber: '2.16.156.10011.1.24',
  department: '2.16.156.10011.1.26',
  ward: '2.16.156.10011.1.27',
  orderId: '2.16.156.10011.1.28',
});

/** interactionId roots seen in the wild besides the 互联互通 one. */
const INTERACTION_ROOT_VARIANTS = new Set(['2.16.156.10011.0', '2.16.840.1.113883.1.6']);

export type V3ErrorCode = 'V3_MALFORMED' | 'V3_EMPTY' | 'V3_NO_SCHEMA';

export class V3Error extends Error {
  override readonly name = 'V3Error';
  readonly code: V3ErrorCode;
  constructor(code: V3ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export interface V3Id {
  root: string | undefined;
  extension: string | undefined;
}

export interface V3Code {
  code: string | undefined;
  codeSystem: string | undefined;
  displayName: string | undefined;
}

export interface V3Acknowledgement {
  /** AA / AE / AR (or CA/CE/CR). */
  typeCode: string | undefined;
  targetMessageId: string | undefined;
  /** acknowledgementDetail/text values (the `value` attribute, or the element text). */
  texts: string[];
}

export interface V3QueryAck {
  queryId: string | undefined;
  queryResponseCode: string | undefined;
  resultTotalQuantity: number | undefined;
  resultCurrentQuantity: number | undefined;
  resultRemainingQuantity: number | undefined;
}

export interface V3Message {
  /** Local name of the root element (normally the interaction id). */
  rootElement: string;
  namespaceURI: string | null;
  /**
   * The interaction the message actually is: the root element when it is a well-formed interaction id (that is
   * what its structure and XSD follow), otherwise interactionId/@extension. Senders do get @extension wrong
   * (three of the 25 national test cases say MCCI_IN000002UV01 / PRSC_IN030102UV01 on a QUMT_IN020030UV01).
   */
  interactionId: string;
  /** interactionId/@extension exactly as sent (undefined when missing or empty). */
  declaredInteractionId: string | undefined;
  interactionIdRoot: string | undefined;
  id: V3Id | undefined;
  /** Shortcut for id.extension — the message id acks refer to. */
  messageId: string | undefined;
  creationTime: string | undefined;
  processingCode: string | undefined;
  processingModeCode: string | undefined;
  acceptAckCode: string | undefined;
  senderId: V3Id | undefined;
  receiverId: V3Id | undefined;
  controlActProcess:
    { classCode: string | undefined; moodCode: string | undefined; code: V3Code | undefined } | undefined;
  /** Present on MCCI acks and on query responses. */
  acknowledgement: V3Acknowledgement | undefined;
  /** Present on query responses. */
  queryAck: V3QueryAck | undefined;
  warnings: string[];
  doc: XmlDocument;
}

function idOf(el: XmlElement | undefined): V3Id | undefined {
  if (!el) return undefined;
  return { root: getAttr(el, 'root'), extension: getAttr(el, 'extension') };
}

/** Device ids are `id/item` (互联互通 DSET_II) or a plain II `id`. */
function deviceIdOf(party: XmlElement | undefined): V3Id | undefined {
  const id = descend(party, 'device', 'id');
  if (!id) return undefined;
  const item = firstChild(id, 'item');
  return idOf(item ?? id);
}

function valueAttr(el: XmlElement | undefined, name = 'value'): string | undefined {
  return el ? getAttr(el, name) : undefined;
}

function intAttr(el: XmlElement | undefined): number | undefined {
  const v = valueAttr(el);
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

const INTERACTION_ID = /^[A-Z]{4}_IN\d{6}(UV\d{2}|UV)?$/;
const V3_TIME = /^\d{14}(\.\d{1,4})?([+-]\d{4})?$/;

export interface ParseV3Options {
  limits?: XmlLimits;
}

/** Parses an HL7 V3 message (string, bytes, or an already parsed tree). */
export function parseV3(input: string | Uint8Array | XmlDocument, options: ParseV3Options = {}): V3Message {
  let doc: XmlDocument;
  if (typeof input === 'string' || input instanceof Uint8Array) {
    try {
      doc = parseXmlSafe(input, options.limits);
    } catch (err) {
      if (err instanceof XmlParseError) {
        throw new V3Error(err.code === 'XML_EMPTY' ? 'V3_EMPTY' : 'V3_MALFORMED', `${err.code}: ${err.message}`, {
          cause: err,
        });
      }
      throw err;
    }
  } else {
    doc = input;
  }
  const root = doc.root;
  const warnings: string[] = [];
  const rootElement = root.localName;

  if (root.namespaceURI !== HL7V3_NAMESPACE) {
    warnings.push(`root element is in namespace "${root.namespaceURI ?? ''}", expected ${HL7V3_NAMESPACE}`);
  }
  if (!INTERACTION_ID.test(rootElement)) warnings.push(`root element <${rootElement}> is not an interaction id`);

  const interactionEl = firstChild(root, 'interactionId');
  const declared = valueAttr(interactionEl, 'extension')?.trim();
  const interactionIdRoot = valueAttr(interactionEl, 'root');
  if (!interactionEl || !declared) {
    warnings.push('interactionId/@extension missing');
  } else if (declared !== rootElement) {
    warnings.push(`interactionId "${declared}" disagrees with root element <${rootElement}>`);
  }
  if (interactionEl && interactionIdRoot !== V3_OID.interactionId) {
    warnings.push(
      INTERACTION_ROOT_VARIANTS.has(interactionIdRoot ?? '')
        ? `interactionId root ${interactionIdRoot ?? ''} (variant) instead of ${V3_OID.interactionId}`
        : `unexpected interactionId root "${interactionIdRoot ?? ''}"`,
    );
  }

  const id = idOf(firstChild(root, 'id'));
  if (!id) warnings.push('message id missing');
  else {
    if (!id.extension) warnings.push('message id has no extension');
    if (id.root !== V3_OID.messageId)
      warnings.push(`message id root "${id.root ?? ''}" instead of ${V3_OID.messageId}`);
  }

  const creationTime = valueAttr(firstChild(root, 'creationTime'));
  if (creationTime === undefined) warnings.push('creationTime missing');
  else if (!V3_TIME.test(creationTime)) warnings.push(`creationTime "${creationTime}" is not yyyyMMddHHmmss`);

  const processingCode = valueAttr(firstChild(root, 'processingCode'), 'code');
  if (processingCode === undefined) warnings.push('processingCode missing');
  else if (!['P', 'D', 'T'].includes(processingCode)) warnings.push(`processingCode "${processingCode}" is not P/D/T`);
  const processingModeCode = valueAttr(firstChild(root, 'processingModeCode'), 'code');
  const acceptAckCode = valueAttr(firstChild(root, 'acceptAckCode'), 'code');
  if (acceptAckCode === undefined) warnings.push('acceptAckCode missing');

  const senderId = deviceIdOf(firstChild(root, 'sender'));
  const receiverId = deviceIdOf(firstChild(root, 'receiver'));
  for (const [label, dev] of [
    ['sender', senderId],
    ['receiver', receiverId],
  ] as const) {
    if (!dev?.extension) warnings.push(`${label} device id missing`);
    else if (dev.root !== V3_OID.deviceId)
      warnings.push(`${label} device id root "${dev.root ?? ''}" instead of ${V3_OID.deviceId}`);
  }

  const cap = firstChild(root, 'controlActProcess');
  let controlActProcess: V3Message['controlActProcess'];
  if (cap) {
    const codeEl = firstChild(cap, 'code');
    controlActProcess = {
      classCode: getAttr(cap, 'classCode'),
      moodCode: getAttr(cap, 'moodCode'),
      code: codeEl
        ? {
            code: getAttr(codeEl, 'code'),
            codeSystem: getAttr(codeEl, 'codeSystem'),
            displayName: getAttr(codeEl, 'displayName'),
          }
        : undefined,
    };
  } else if (!rootElement.startsWith('MCCI_')) {
    // MCCI_IN000002UV01 is an accept-level ack and has no control act by design.
    warnings.push('controlActProcess missing');
  }

  const ackEl = firstChild(root, 'acknowledgement');
  const acknowledgement: V3Acknowledgement | undefined = ackEl
    ? {
        typeCode: getAttr(ackEl, 'typeCode'),
        targetMessageId: valueAttr(descend(ackEl, 'targetMessage', 'id'), 'extension'),
        texts: ackEl.children
          .filter((c): c is XmlElement => c.type === 'element' && c.localName === 'acknowledgementDetail')
          .map((d) => firstChild(d, 'text'))
          .filter((t): t is XmlElement => t !== undefined)
          .map((t) => getAttr(t, 'value') ?? textContent(t).trim()),
      }
    : undefined;
  if (rootElement.startsWith('MCCI_') && !acknowledgement) warnings.push('acknowledgement missing');

  const qa = cap ? firstChild(cap, 'queryAck') : undefined;
  const queryAck: V3QueryAck | undefined = qa
    ? {
        queryId: valueAttr(firstChild(qa, 'queryId'), 'extension'),
        queryResponseCode: valueAttr(firstChild(qa, 'queryResponseCode'), 'code'),
        resultTotalQuantity: intAttr(firstChild(qa, 'resultTotalQuantity')),
        resultCurrentQuantity: intAttr(firstChild(qa, 'resultCurrentQuantity')),
        resultRemainingQuantity: intAttr(firstChild(qa, 'resultRemainingQuantity')),
      }
    : undefined;

  return {
    rootElement,
    namespaceURI: root.namespaceURI,
    interactionId: INTERACTION_ID.test(rootElement) || !declared ? rootElement : declared,
    declaredInteractionId: declared || undefined,
    interactionIdRoot,
    id,
    messageId: id?.extension,
    creationTime,
    processingCode,
    processingModeCode,
    acceptAckCode,
    senderId,
    receiverId,
    controlActProcess,
    acknowledgement,
    queryAck,
    warnings,
    doc,
  };
}
