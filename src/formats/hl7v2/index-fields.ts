// The fields stored beside every inbound message (消息索引字段) so the console and the resend tool can search by
// patient, visit and order without re-parsing. Values are decoded text; empty ones are left out, lists deduplicated.

import type { Hl7Message } from './message.js';

export interface Hl7IndexFields {
  controlId?: string;
  messageType?: string;
  triggerEvent?: string;
  version?: string;
  sendingApplication?: string;
  sendingFacility?: string;
  /** PID-3 identifiers (CX.1) of every PID segment. */
  patientIds: string[];
  patientName?: string;
  visitNumber?: string;
  placerOrderNumbers: string[];
  fillerOrderNumbers: string[];
}

// CJK ideographs (incl. extension A and compatibility), so "张" + "三" is written 张三 and "ADAM" + "EVERYMAN" with a space.
const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;

function put<K extends keyof Hl7IndexFields>(out: Hl7IndexFields, key: K, value: string): void {
  const v = value.trim();
  if (v !== '') out[key] = v as Hl7IndexFields[K];
}

function unique(values: string[]): string[] {
  const seen = new Set<string>();
  for (const v of values) {
    const t = v.trim();
    if (t !== '') seen.add(t);
  }
  return [...seen];
}

/** Namespace id of an HD (HD.1), falling back to the universal id (HD.2) when only that is sent. */
function hd(msg: Hl7Message, path: string): string {
  return msg.get(`${path}.1`) || msg.get(`${path}.2`);
}

/** Family name then given name (XPN.1.1 and XPN.2) of the first repetition; no space between Chinese parts. */
export function formatPersonName(family: string, given: string): string {
  const f = family.trim();
  const g = given.trim();
  if (f === '' || g === '') return f || g;
  return CJK.test(f) || CJK.test(g) ? f + g : `${f} ${g}`;
}

export function extractIndexFields(msg: Hl7Message): Hl7IndexFields {
  const out: Hl7IndexFields = { patientIds: [], placerOrderNumbers: [], fillerOrderNumbers: [] };
  put(out, 'controlId', msg.get('MSH-10'));
  put(out, 'messageType', msg.get('MSH-9.1'));
  put(out, 'triggerEvent', msg.get('MSH-9.2'));
  put(out, 'version', msg.get('MSH-12.1'));
  put(out, 'sendingApplication', hd(msg, 'MSH-3'));
  put(out, 'sendingFacility', hd(msg, 'MSH-4'));
  out.patientIds = unique(msg.getAll('PID-3.1'));
  if (msg.segment('PID')) put(out, 'patientName', formatPersonName(msg.get('PID-5.1.1'), msg.get('PID-5.2')));
  put(out, 'visitNumber', msg.get('PV1-19.1'));
  out.placerOrderNumbers = unique([...msg.getAll('ORC-2[1].1'), ...msg.getAll('OBR-2[1].1')]);
  out.fillerOrderNumbers = unique([...msg.getAll('ORC-3[1].1'), ...msg.getAll('OBR-3[1].1')]);
  return out;
}
