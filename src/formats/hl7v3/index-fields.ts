// extractV3IndexFields: the identifiers a message is searchable by (患者ID, 就诊流水号, 申请单号, 医嘱ID …).
//
// Found by OID root wherever they occur, not by per-interaction paths: the 69 services put the same identifiers in
// dozens of places (subject/patient/id/item, recordTarget/patientRole/id, queryByParameterPayload/patientId/value/item,
// parameterList/id …), vendors add their own, and the OID is the one thing the standard fixes. One linear walk over
// the tree covers registrations, queries and the CDA inside DocumentRegister alike. Empty placeholders
// (`extension=""`, common in query templates) are skipped.

import { elementChildren, getAttr, textContent, walkElements } from '../xml/index.js';
import type { XmlElement } from '../xml/index.js';
import { V3_OID } from './parse.js';
import type { V3Message } from './parse.js';

export type V3IdKind =
  | 'patientId'
  | 'idCardNumber'
  | 'cardNumber'
  | 'visitNumber'
  | 'visitTimes'
  | 'outpatientNumber'
  | 'inpatientNumber'
  | 'applicationNumber'
  | 'orderId'
  | 'department'
  | 'ward'
  | 'staffId'
  | 'organization'
  | 'documentId'
  | 'domainId'
  | 'other';

const KIND_BY_ROOT: ReadonlyMap<string, V3IdKind> = new Map<string, V3IdKind>([
  [V3_OID.patientId, 'patientId'],
  [V3_OID.idCard, 'idCardNumber'],
  [V3_OID.cardNumber, 'cardNumber'],
  [V3_OID.visitNumber, 'visitNumber'],
  [V3_OID.visitTimes, 'visitTimes'],
  [V3_OID.outpatientNumber, 'outpatientNumber'],
  [V3_OID.outpatientNumberAlt, 'outpatientNumber'],
  [V3_OID.inpatientNumber, 'inpatientNumber'],
  [V3_OID.applicationNumber, 'applicationNumber'],
  [V3_OID.orderId, 'orderId'],
  [V3_OID.department, 'department'],
  [V3_OID.ward, 'ward'],
  [V3_OID.staffId, 'staffId'],
  [V3_OID.organization, 'organization'],
  [V3_OID.documentId, 'documentId'],
  [V3_OID.documentQueryId, 'documentId'],
  [V3_OID.domainId, 'domainId'],
]);

/** Header identifiers: they identify the message and the systems, not the clinical subject. */
const HEADER_ROOTS = new Set<string>([V3_OID.messageId, V3_OID.interactionId, V3_OID.deviceId]);

/** Containers whose children are query parameters (PRPA/PRSC/RCMR queries, QUMT payloads, PRPA_IN201305 lists). */
const PARAM_CONTAINERS = new Set(['queryByParameter', 'queryByParameterPayload', 'parameterList']);

export interface V3IndexedId {
  kind: V3IdKind;
  root: string | undefined;
  extension: string;
  /** Local name of the element carrying root/extension (`item`, `id`, `value`). */
  element: string;
  /** Query parameter it was found in (`patientId`, `actId`, `livingSubjectId`), for query messages. */
  param: string | undefined;
}

export interface V3IndexFields {
  messageId: string | undefined;
  /** 患者ID (2.5.1.4). */
  patientIds: string[];
  patientName: string | undefined;
  /** 就诊流水号 (2.5.1.9), 门(急)诊号 (1.11, some senders 1.10) and 住院号 (1.12). */
  visitNumbers: string[];
  /** 医嘱ID (1.28). */
  orderNumbers: string[];
  /** 电子申请单编号 (1.24). */
  applicationNumbers: string[];
  /** 就诊卡号 (2.5.1.6). */
  cardNumbers: string[];
  /** 科室编码 (1.26). */
  departmentCodes: string[];
  /** 医务人员工号 (1.4). */
  staffIds: string[];
  /** 文档流水号 (1.1, or 2.5.1.24 in queries; also any id directly under a clinical document). */
  documentIds: string[];
  /** 身份证号 (1.3). */
  idCardNumbers: string[];
  /** Every non-header identifier found, in document order, including unknown roots (kind 'other'). */
  ids: V3IndexedId[];
}

function add(list: string[], value: string): void {
  if (!list.includes(value)) list.push(value);
}

/** A person name as HL7 V3 writes it: `<name>张三</name>`, `<name><item><part value="张三"/></item></name>`, family/given. */
function personName(el: XmlElement): string | undefined {
  const parts: string[] = [];
  walkElements(el, (e) => {
    if (e.localName === 'part') {
      const v = getAttr(e, 'value')?.trim();
      if (v) parts.push(v);
    }
  });
  if (parts.length > 0) return parts.join('');
  if (elementChildren(el).length > 0) {
    const texts: string[] = [];
    walkElements(el, (e) => {
      if (elementChildren(e).length === 0) {
        const t = textContent(e).trim();
        if (t) texts.push(t);
      }
    });
    return texts.length > 0 ? texts.join('') : undefined;
  }
  const t = textContent(el).trim();
  return t === '' ? undefined : t;
}

function paramOf(ancestors: readonly XmlElement[], el: XmlElement): string | undefined {
  for (let i = ancestors.length - 1; i >= 0; i--) {
    const a = ancestors[i];
    if (a && PARAM_CONTAINERS.has(a.localName)) return (ancestors[i + 1] ?? el).localName;
  }
  return undefined;
}

export function extractV3IndexFields(parsed: V3Message): V3IndexFields {
  const out: V3IndexFields = {
    messageId: parsed.messageId,
    patientIds: [],
    patientName: undefined,
    visitNumbers: [],
    orderNumbers: [],
    applicationNumbers: [],
    cardNumbers: [],
    departmentCodes: [],
    staffIds: [],
    documentIds: [],
    idCardNumbers: [],
    ids: [],
  };
  const root = parsed.doc.root;

  walkElements(root, (el, ancestors) => {
    const parent = ancestors[ancestors.length - 1];
    // Header parts of the wrapper: message id, interactionId, sender/receiver, and the ack's targetMessage.
    if (parent === root && ['sender', 'receiver', 'id', 'interactionId'].includes(el.localName)) return false;
    if (el.localName === 'targetMessage' || el.localName === 'queryId') return false;

    if (out.patientName === undefined) {
      const p = parent?.localName;
      if (
        el.localName === 'name' &&
        (p === 'patientPerson' || (p === 'patient' && ancestors[ancestors.length - 2]?.localName === 'patientRole'))
      ) {
        out.patientName = personName(el);
      } else if (el.localName === 'livingSubjectName') {
        const value = elementChildren(el).find((c) => c.localName === 'value');
        if (value) out.patientName = personName(value);
      }
    }

    const extension = el.attributes.extension?.trim();
    if (!extension) return true;
    const idRoot = el.attributes.root?.trim() || undefined;
    if (idRoot !== undefined && HEADER_ROOTS.has(idRoot)) return true;
    let kind: V3IdKind = (idRoot !== undefined ? KIND_BY_ROOT.get(idRoot) : undefined) ?? 'other';
    if (kind === 'other' && el.localName === 'id' && /^clinicalDocument$/i.test(parent?.localName ?? ''))
      kind = 'documentId';
    out.ids.push({ kind, root: idRoot, extension, element: el.localName, param: paramOf(ancestors, el) });

    switch (kind) {
      case 'patientId':
        add(out.patientIds, extension);
        break;
      case 'visitNumber':
      case 'outpatientNumber':
      case 'inpatientNumber':
        add(out.visitNumbers, extension);
        break;
      case 'orderId':
        add(out.orderNumbers, extension);
        break;
      case 'applicationNumber':
        add(out.applicationNumbers, extension);
        break;
      case 'cardNumber':
        add(out.cardNumbers, extension);
        break;
      case 'department':
        add(out.departmentCodes, extension);
        break;
      case 'staffId':
        add(out.staffIds, extension);
        break;
      case 'documentId':
        add(out.documentIds, extension);
        break;
      case 'idCardNumber':
        add(out.idCardNumbers, extension);
        break;
      default:
        break;
    }
    return true;
  });
  return out;
}
