// Decoding a message body by its model, at ingest: is it well-formed, and what are its index fields (patient id,
// name, visit, order and application numbers, the sender's own message id). Search uses these columns, never bodies.
import { HtError } from '../../platform/errors/index.js';
import type { IndexFieldPaths } from '../config/cache.js';

export interface IndexFields {
  patientId: string | null;
  patientName: string | null;
  visitNo: string | null;
  orderNo: string | null;
  applicationNo: string | null;
  sourceMessageId: string | null;
  /** Further values worth searching that did not fit the columns (e.g. a second patient id). */
  extra: Record<string, string[]>;
}

export interface Decoded {
  index: IndexFields;
  warnings: string[];
  /** The parsed JSON body (JSON model only), handed to filters. */
  json?: unknown;
}

/**
 * What a protocol endpoint already decoded of the body (the WebService reads the V3 message for its ack), handed on so
 * the topic's decoder does not parse the same text again. Only ever the decoding of exactly `body`.
 */
export interface ParsedBody {
  /** The HL7V3 decoder's result. */
  hl7v3?: Decoded;
}

/** A model's decoder; protocol work registers HL7V2, HL7V3 and CDA decoders here. */
export type Decoder = (body: string, paths: IndexFieldPaths, parsed?: ParsedBody) => Decoded;

export function emptyIndex(): IndexFields {
  return {
    patientId: null,
    patientName: null,
    visitNo: null,
    orderNo: null,
    applicationNo: null,
    sourceMessageId: null,
    extra: {},
  };
}

/** Where JSON bodies usually keep each index field, tried in order when the topic configures no path. */
const JSON_DEFAULT_PATHS: Record<keyof Omit<IndexFields, 'extra'>, string[]> = {
  patientId: ['patientId', 'patient.id', 'patient.patientId', 'PatientId', 'patient_id'],
  patientName: ['patientName', 'patient.name', 'PatientName', 'patient_name'],
  visitNo: ['visitNo', 'visitNumber', 'encounter.id', 'visit.id', 'visit_no'],
  orderNo: ['orderNo', 'orderNumber', 'order.id', 'order_no'],
  applicationNo: ['applicationNo', 'applyNo', 'application.id', 'application_no'],
  sourceMessageId: ['messageId', 'msgId', 'header.messageId'],
};

const FIELDS = Object.keys(JSON_DEFAULT_PATHS) as (keyof typeof JSON_DEFAULT_PATHS)[];
const DEFAULT_KEYS = Object.fromEntries(
  FIELDS.map((field) => [field, JSON_DEFAULT_PATHS[field].map((p) => p.split('.'))]),
) as Record<(typeof FIELDS)[number], string[][]>;
/** Configured paths, split once (a hospital configures a few dozen). */
const configuredKeys = new Map<string, string[]>();

export function decodeJson(body: string, paths: IndexFieldPaths): Decoded {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    throw new HtError('HT_ENGINE_BODY_INVALID', { model: 'JSON', reason: (error as Error).message });
  }
  const index = emptyIndex();
  for (const field of FIELDS) {
    const configured = paths[field];
    const candidates = configured ? [keysOf(configured)] : DEFAULT_KEYS[field];
    for (const keys of candidates) {
      const value = scalarAt(json, keys);
      if (value !== null) {
        index[field] = value;
        break;
      }
    }
  }
  return { index, warnings: [], json };
}

function keysOf(path: string): string[] {
  let keys = configuredKeys.get(path);
  if (!keys) {
    keys = path.split('.');
    if (configuredKeys.size >= 1000) configuredKeys.clear();
    configuredKeys.set(path, keys);
  }
  return keys;
}

export function decodeText(): Decoded {
  return { index: emptyIndex(), warnings: [] };
}

/** The value at a dot path (`patient.ids.0`, split) as a string, if it is a scalar; keeps index columns short. */
function scalarAt(root: unknown, keys: readonly string[]): string | null {
  let node: unknown = root;
  for (const key of keys) {
    if (node === null || typeof node !== 'object') return null;
    node = (node as Record<string, unknown>)[key];
  }
  if (typeof node === 'string') return node === '' ? null : node.slice(0, 200);
  if (typeof node === 'number' || typeof node === 'bigint') return String(node);
  return null;
}

export class Decoders {
  private readonly byModel = new Map<string, Decoder>([
    ['JSON', decodeJson],
    ['TEXT', () => decodeText()],
  ]);

  register(model: string, decoder: Decoder): void {
    this.byModel.set(model.toUpperCase(), decoder);
  }

  /** Decodes by the topic's model; unknown models are stored as text. */
  decode(model: string, body: string, paths: IndexFieldPaths, parsed?: ParsedBody): Decoded {
    const decoder = this.byModel.get(model.toUpperCase()) ?? this.byModel.get('TEXT')!;
    return decoder(body, paths, parsed);
  }
}
