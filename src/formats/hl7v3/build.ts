// Builders for the messages the platform itself answers with: the MCCI_IN000002UV01 accept ack every 注册/新增/
// 更新/合并 service returns, and query responses (transmission wrapper + acknowledgement + controlActProcess with
// the caller's subject payload + queryAck for paging). Header shape follows the 互联互通 request messages in the
// corpus: ids with the 2.16.156.10011.2.5.1.x roots, device ids as id/item, times yyyyMMddHHmmss in Asia/Shanghai.

import { randomUUID } from 'node:crypto';
import { checkXmlSafety, escapeXmlAttr, XmlParseError } from '../xml/index.js';
import { HL7V3_NAMESPACE, V3_OID, V3Error } from './parse.js';

const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;

/**
 * yyyyMMddHHmmss in Asia/Shanghai. China has had no DST since 1991, so a fixed +08:00 is exact and avoids an
 * Intl formatter on every message.
 */
export function formatV3Time(date: Date = new Date()): string {
  const d = new Date(date.getTime() + SHANGHAI_OFFSET_MS);
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return (
    p(d.getUTCFullYear(), 4) +
    p(d.getUTCMonth() + 1) +
    p(d.getUTCDate()) +
    p(d.getUTCHours()) +
    p(d.getUTCMinutes()) +
    p(d.getUTCSeconds())
  );
}

/** A new message id: a 36-character UUID (the XSDs require 32–36 characters). */
export function newV3MessageId(): string {
  return randomUUID();
}

export type V3AckCode = 'AA' | 'AE' | 'AR';

export interface V3HeaderInput {
  /** Sender device id (extension of root 2.16.156.10011.2.5.1.3) — normally the platform. */
  sender: string;
  /** Receiver device id — normally the request's sender. */
  receiver: string;
  /** Message id; generated when omitted. */
  id?: string;
  /** yyyyMMddHHmmss string or a Date; now when omitted. */
  creationTime?: string | Date;
  /** Default 'P'. */
  processingCode?: 'P' | 'D' | 'T';
  /** Default 'AL', as in every 互联互通 header. */
  acceptAckCode?: string;
  /** Default 2.16.156.10011.2.5.1.2. */
  interactionIdRoot?: string;
}

function timeOf(t: string | Date | undefined): string {
  return t instanceof Date ? formatV3Time(t) : (t ?? formatV3Time());
}

function device(typeCode: 'RCV' | 'SND', tag: 'receiver' | 'sender', extension: string): string {
  return (
    `\t<${tag} typeCode="${typeCode}">\n` +
    '\t\t<device classCode="DEV" determinerCode="INSTANCE">\n' +
    `\t\t\t<id>\n\t\t\t\t<item root="${V3_OID.deviceId}" extension="${escapeXmlAttr(extension)}"/>\n\t\t\t</id>\n` +
    '\t\t</device>\n' +
    `\t</${tag}>\n`
  );
}

const ELEMENT_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

function openMessage(interactionId: string, h: V3HeaderInput): string {
  if (!ELEMENT_NAME.test(interactionId))
    throw new V3Error('V3_MALFORMED', `"${interactionId}" is not an interaction id`);
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<${interactionId} xmlns="${HL7V3_NAMESPACE}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ITSVersion="XML_1.0">\n` +
    `\t<id root="${V3_OID.messageId}" extension="${escapeXmlAttr(h.id ?? newV3MessageId())}"/>\n` +
    `\t<creationTime value="${escapeXmlAttr(timeOf(h.creationTime))}"/>\n` +
    `\t<interactionId root="${escapeXmlAttr(h.interactionIdRoot ?? V3_OID.interactionId)}" extension="${interactionId}"/>\n` +
    `\t<processingCode code="${h.processingCode ?? 'P'}"/>\n` +
    '\t<processingModeCode/>\n' +
    `\t<acceptAckCode code="${escapeXmlAttr(h.acceptAckCode ?? 'AL')}"/>\n` +
    device('RCV', 'receiver', h.receiver) +
    device('SND', 'sender', h.sender)
  );
}

function acknowledgement(code: string, targetMessageId: string, text: string | undefined): string {
  const detail =
    text === undefined
      ? ''
      : `\t\t<acknowledgementDetail>\n\t\t\t<text value="${escapeXmlAttr(text)}"/>\n\t\t</acknowledgementDetail>\n`;
  return (
    `\t<acknowledgement typeCode="${code}">\n` +
    `\t\t<targetMessage>\n\t\t\t<id root="${V3_OID.messageId}" extension="${escapeXmlAttr(targetMessageId)}"/>\n\t\t</targetMessage>\n` +
    detail +
    '\t</acknowledgement>\n'
  );
}

export interface McciAckInput extends V3HeaderInput {
  code: V3AckCode;
  /** The acknowledged request's message id (its id/@extension). */
  targetMessageId: string;
  /** Human-readable result, e.g. 成功 / the validation error. */
  text: string;
}

/** MCCI_IN000002UV01: `acknowledgement/@typeCode`, `targetMessage/id/@extension`, `acknowledgementDetail/text/@value`. */
export function buildMcciAck(input: McciAckInput): string {
  return (
    openMessage('MCCI_IN000002UV01', input) +
    acknowledgement(input.code, input.targetMessageId, input.text) +
    '</MCCI_IN000002UV01>\n'
  );
}

export interface V3CodeInput {
  code: string;
  codeSystem?: string;
  displayName?: string;
}

export interface QueryResponseInput extends V3HeaderInput {
  /** Response interaction id, e.g. PRPA_IN201306UV02, QUMT_IN020040UV01 (see V3_SERVICES[].response). */
  interactionId: string;
  targetMessageId: string;
  ackCode: V3AckCode;
  ackText?: string;
  /**
   * Payloads, each the XML inside one `<subject typeCode="SUBJ">` (e.g. `<registrationEvent …>…`). The caller
   * builds them; they must be well-formed and use the HL7 default namespace or declare their own.
   */
  subjects?: readonly string[];
  /** queryId echoed from the request (queryByParameter/queryId/@extension). */
  queryId?: string;
  /** Default: OK when there are results, NF when none, AE when ackCode is not AA. */
  queryResponseCode?: 'OK' | 'NF' | 'AE' | 'QE';
  /** Total matches across all pages. Default: number of subjects. */
  resultTotalQuantity?: number;
  /** Matches in this response. Default: number of subjects. */
  resultCurrentQuantity?: number;
  /** Matches still to come. Default: total − offset − current (never negative). */
  resultRemainingQuantity?: number;
  /** Index of the first match in this page, used for the remaining-quantity default. Default 0. */
  offset?: number;
  /** controlActProcess/code (trigger event), omitted when undefined. */
  controlActCode?: V3CodeInput;
  /** The request's queryByParameter element, echoed verbatim after queryAck when given. */
  queryByParameterXml?: string;
}

function assertFragment(xml: string, what: string): void {
  try {
    checkXmlSafety(`<f>${xml}</f>`);
  } catch (err) {
    const why = err instanceof XmlParseError ? err.message : String(err);
    throw new V3Error('V3_MALFORMED', `${what} is not well-formed XML: ${why}`, { cause: err });
  }
}

export function buildQueryResponse(input: QueryResponseInput): string {
  const subjects = input.subjects ?? [];
  for (const s of subjects) assertFragment(s, 'subject payload');
  if (input.queryByParameterXml !== undefined) assertFragment(input.queryByParameterXml, 'queryByParameter');

  const current = input.resultCurrentQuantity ?? subjects.length;
  const total = input.resultTotalQuantity ?? current;
  const remaining = input.resultRemainingQuantity ?? Math.max(0, total - (input.offset ?? 0) - current);
  const responseCode = input.queryResponseCode ?? (input.ackCode !== 'AA' ? 'AE' : total > 0 ? 'OK' : 'NF');

  const c = input.controlActCode;
  const code = c
    ? `\t\t<code code="${escapeXmlAttr(c.code)}"` +
      (c.codeSystem === undefined ? '' : ` codeSystem="${escapeXmlAttr(c.codeSystem)}"`) +
      (c.displayName === undefined
        ? '/>\n'
        : `>\n\t\t\t<displayName value="${escapeXmlAttr(c.displayName)}"/>\n\t\t</code>\n`)
    : '';
  const queryId = input.queryId === undefined ? '' : `\t\t\t<queryId extension="${escapeXmlAttr(input.queryId)}"/>\n`;

  return (
    openMessage(input.interactionId, input) +
    acknowledgement(input.ackCode, input.targetMessageId, input.ackText) +
    '\t<controlActProcess classCode="CACT" moodCode="EVN">\n' +
    code +
    subjects.map((s) => `\t\t<subject typeCode="SUBJ">\n${s}\n\t\t</subject>\n`).join('') +
    '\t\t<queryAck>\n' +
    queryId +
    `\t\t\t<queryResponseCode code="${responseCode}"/>\n` +
    `\t\t\t<resultTotalQuantity value="${total}"/>\n` +
    `\t\t\t<resultCurrentQuantity value="${current}"/>\n` +
    `\t\t\t<resultRemainingQuantity value="${remaining}"/>\n` +
    '\t\t</queryAck>\n' +
    (input.queryByParameterXml === undefined ? '' : `${input.queryByParameterXml}\n`) +
    '\t</controlActProcess>\n' +
    `</${input.interactionId}>\n`
  );
}
