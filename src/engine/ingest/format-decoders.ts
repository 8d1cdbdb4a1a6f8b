// Decoders for the healthcare models, built on the codecs in src/formats: a topic whose model is HL7V2, HL7V3, CDA or
// XML gets its body checked (well-formed, no DOCTYPE/entities, within limits) and its index fields — patient id and
// name, visit, order and application numbers, the sender's message id — taken from the message itself at ingest.
import { readCdaHeader } from '../../formats/cda/index.js';
import { extractIndexFields, parseHl7 } from '../../formats/hl7v2/index.js';
import { extractV3IndexFields, parseV3, type V3Message } from '../../formats/hl7v3/index.js';
import { parseXmlSafe } from '../../formats/xml/index.js';
import { HtError } from '../../platform/errors/index.js';
import type { IndexFieldPaths } from '../config/cache.js';
import { emptyIndex, type Decoded, type Decoders, type ParsedBody } from './decode.js';

export function registerFormatDecoders(decoders: Decoders): void {
  decoders.register('HL7V2', decodeHl7v2);
  decoders.register('HL7V3', decodeHl7v3);
  decoders.register('CDA', decodeCda);
  decoders.register('XML', decodeXml);
}

/** Any codec error becomes the protocol-neutral HT_ENGINE_BODY_INVALID with the codec's own reason and code. */
function invalid(model: string, error: unknown): HtError {
  const e = error as { code?: string; message?: string };
  const reason = `${e.code ? `${e.code}: ` : ''}${e.message ?? String(error)}`.slice(0, 500);
  return new HtError('HT_ENGINE_BODY_INVALID', { model, reason });
}

function first(values: string[]): string | null {
  return values.find((v) => v !== '')?.slice(0, 200) ?? null;
}

/** Values beyond the first of each kind, kept searchable in index_extra. */
function extras(fields: Record<string, string[]>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [key, values] of Object.entries(fields)) {
    const unique = [...new Set(values.filter((v) => v !== ''))];
    if (unique.length > 1 || (unique.length === 1 && key.startsWith('other'))) out[key] = unique.slice(0, 20);
  }
  return out;
}

export function decodeHl7v2(body: string): Decoded {
  let message;
  try {
    message = parseHl7(body);
  } catch (error) {
    throw invalid('HL7V2', error);
  }
  const f = extractIndexFields(message);
  const index = emptyIndex();
  index.patientId = first(f.patientIds);
  index.patientName = f.patientName?.slice(0, 200) ?? null;
  index.visitNo = f.visitNumber?.slice(0, 200) ?? null;
  index.orderNo = first([...f.placerOrderNumbers, ...f.fillerOrderNumbers]);
  index.sourceMessageId = f.controlId?.slice(0, 128) ?? null;
  index.extra = extras({ patientIds: f.patientIds, orderNumbers: [...f.placerOrderNumbers, ...f.fillerOrderNumbers] });
  return { index, warnings: [...message.warnings] };
}

export function decodeHl7v3(body: string, _paths?: IndexFieldPaths, already?: ParsedBody): Decoded {
  if (already?.hl7v3) return already.hl7v3;
  let parsed: V3Message;
  try {
    parsed = parseV3(body);
  } catch (error) {
    throw invalid('HL7V3', error);
  }
  return decodeV3Message(parsed);
}

/** The index fields and warnings of a parsed V3 message (found by OID root, so the same for every topic). */
export function decodeV3Message(parsed: V3Message): Decoded {
  const f = extractV3IndexFields(parsed);
  const index = emptyIndex();
  index.patientId = first(f.patientIds);
  index.patientName = f.patientName?.slice(0, 200) ?? null;
  index.visitNo = first(f.visitNumbers);
  index.orderNo = first(f.orderNumbers);
  index.applicationNo = first(f.applicationNumbers);
  index.sourceMessageId = f.messageId?.slice(0, 128) ?? null;
  index.extra = extras({
    patientIds: f.patientIds,
    visitNumbers: f.visitNumbers,
    orderNumbers: f.orderNumbers,
    applicationNumbers: f.applicationNumbers,
    otherCardNumbers: f.cardNumbers,
    otherDepartmentCodes: f.departmentCodes,
    otherStaffIds: f.staffIds,
    otherDocumentIds: f.documentIds,
  });
  return { index, warnings: [...parsed.warnings] };
}

export function decodeCda(body: string): Decoded {
  let header;
  try {
    header = readCdaHeader(body);
  } catch (error) {
    throw invalid('CDA', error);
  }
  const ids = header.patient.ids.map((id) => id.extension ?? '').filter((v) => v !== '');
  const index = emptyIndex();
  index.patientId = first(ids);
  index.patientName = header.patient.name?.slice(0, 200) ?? null;
  index.extra = extras({ patientIds: ids, otherDocumentIds: header.documentId ? [header.documentId] : [] });
  return { index, warnings: [...header.warnings] };
}

export function decodeXml(body: string): Decoded {
  try {
    parseXmlSafe(body);
  } catch (error) {
    throw invalid('XML', error);
  }
  return { index: emptyIndex(), warnings: [] };
}
