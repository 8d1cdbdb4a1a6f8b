// 消息结构: a stored message's body parsed for the console's 结构 tab — HL7 v2 as segments and fields with their
// English and zh-CN names (src/formats/hl7v2 describeSegments), HL7 V3 / CDA / XML as an element tree (the safe
// parser in src/formats/xml), JSON and text as they are. The format follows the topic's model (a registered model
// by its kind), then the content type, then the body's first characters. A body that does not parse is never an
// error here: the parse error becomes a warning and the format falls back to text, because the console must still
// show what was received (rejected messages are stored too).
//
// Caps, so a huge message cannot make a huge answer: at most MAX_XML_NODES element and text nodes (elements are
// opened in document order, each with all its children at once, so the cut keeps the start of the document and
// the whole outline of every level above it), at most MAX_HL7_ROWS field rows, and every value cut at
// MAX_VALUE_CHARS (an embedded PDF in OBX-5 or a CDA nonXMLBody is megabytes of base64). `truncated` says so.
import Type, { type Static } from 'typebox';
import {
  HL7_SEGMENT_NAMES,
  describeSegments,
  parseHl7,
  type Hl7Message,
  type SegmentFieldRow,
} from '../../formats/hl7v2/index.js';
import { parseXmlSafe, type XmlElement } from '../../formats/xml/index.js';
import type { RequestContext } from '../../platform/auth/context.js';
import { recordAudit } from '../../platform/audit/index.js';
import { fromJson, type Database } from '../../platform/db/index.js';
import { HtError } from '../../platform/errors/index.js';
import type { EngineConfigCache } from '../config/cache.js';
import type { ModelTables } from '../models/store.js';
import { EP } from '../permissions.js';
import type { EngineTables } from '../tables.js';
import type { GroupCommitWriter } from '../writer.js';
import * as store from './store.js';

export const MAX_XML_NODES = 5000;
export const MAX_HL7_ROWS = 5000;
export const MAX_VALUE_CHARS = 4000;

// ---- schemas ---------------------------------------------------------------------------------------------------

/** One element of the XML tree; `#text` nodes keep the order of mixed content (CDA narrative). Shared, recursive. */
export const XmlNodeSchema = Type.Object(
  {
    name: Type.String({ description: 'qualified name as written (cda:ClinicalDocument), or #text' }),
    prefix: Type.Optional(Type.String()),
    ns: Type.Optional(Type.String({ description: 'namespace URI; given on the root and where it changes' })),
    attributes: Type.Array(Type.Object({ name: Type.String(), value: Type.String() })),
    text: Type.Optional(
      Type.String({ description: `the element’s own text, trimmed (cut at ${MAX_VALUE_CHARS} characters)` }),
    ),
    children: Type.Array(Type.Ref('XmlNode')),
  },
  { $id: 'XmlNode' },
);

export interface XmlTreeNode {
  name: string;
  prefix?: string;
  ns?: string;
  attributes: { name: string; value: string }[];
  text?: string;
  children: XmlTreeNode[];
}

const Hl7Row = Type.Object({
  field: Type.Integer({ description: 'field number, 1-based' }),
  path: Type.String({ description: 'PID-5, OBX[2]-5' }),
  name: Type.String({ description: 'English name; empty when unknown (Z segments)' }),
  nameZh: Type.String(),
  value: Type.String({ description: 'the field as sent (delimiters and escapes kept); empty fields included' }),
  components: Type.Optional(
    Type.Array(Type.String(), { description: 'decoded components, when the field has more than one' }),
  ),
  repetitions: Type.Optional(
    Type.Array(Type.Array(Type.String()), {
      description: 'decoded components of each repetition, when the field repeats',
    }),
  ),
});
export type Hl7Row = Static<typeof Hl7Row>;

const Hl7SegmentGroup = Type.Object({
  segment: Type.String(),
  index: Type.Integer({ description: 'occurrence of this segment name, 1-based' }),
  name: Type.String(),
  nameZh: Type.String(),
  rows: Type.Array(Hl7Row),
});
export type Hl7SegmentGroup = Static<typeof Hl7SegmentGroup>;

const Warnings = Type.Array(Type.String(), {
  description: 'stored warnings of the message, the parser’s, and the parse error when the body did not parse',
});

const Hl7Structure = Type.Object({
  format: Type.Literal('hl7v2'),
  encoding: Type.Optional(Type.String({ description: 'MSH-18' })),
  version: Type.Optional(Type.String({ description: 'MSH-12' })),
  messageType: Type.Optional(Type.String({ description: 'MSH-9 as sent, e.g. ADT^A01^ADT_A01' })),
  segments: Type.Array(Hl7SegmentGroup),
  truncated: Type.Boolean({ description: `more than ${MAX_HL7_ROWS} fields: the first ones are listed` }),
  warnings: Warnings,
});

const XmlStructure = Type.Object({
  format: Type.Literal('xml'),
  root: Type.Ref('XmlNode'),
  nodeCount: Type.Integer({ description: 'nodes in `root`' }),
  truncated: Type.Boolean({ description: `more than ${MAX_XML_NODES} nodes: the first ones in document order` }),
  warnings: Warnings,
});

const PlainStructure = Type.Object({
  format: Type.Union([Type.Literal('json'), Type.Literal('text')]),
  warnings: Warnings,
});

export const MessageStructureSchema = Type.Union([Hl7Structure, XmlStructure, PlainStructure], {
  $id: 'MessageStructure',
  description:
    'hl7v2: 段/字段表 segments and fields with names; xml: 元素树 the element tree (HL7 V3, CDA, XML); ' +
    'json / text: nothing to structure (the raw body is in the detail)',
});

export type MessageStructure =
  | (Omit<Static<typeof Hl7Structure>, 'format'> & { format: 'hl7v2' })
  | { format: 'xml'; root: XmlTreeNode; nodeCount: number; truncated: boolean; warnings: string[] }
  | { format: 'json' | 'text'; warnings: string[] };

// ---- choosing the format ----------------------------------------------------------------------------------------

export type StructureFormat = 'hl7v2' | 'xml' | 'json' | 'text';

const FORMAT_OF_KIND: Record<string, StructureFormat> = {
  HL7V2: 'hl7v2',
  HL7V3: 'xml',
  CDA: 'xml',
  XML: 'xml',
  JSON: 'json',
};

/**
 * The format to parse a body as, and whether it was declared (by the model or the content type: a parse failure is
 * then worth a warning) or only guessed from the body's first characters (then a failure just means text).
 */
export function chooseFormat(
  kind: string | undefined,
  contentType: string,
  body: string,
): { format: StructureFormat; declared: boolean } {
  const byKind = kind ? FORMAT_OF_KIND[kind.toUpperCase()] : undefined;
  if (byKind) return { format: byKind, declared: true };
  const ct = contentType.toLowerCase();
  if (ct.includes('hl7-v2') || ct.includes('x-hl7')) return { format: 'hl7v2', declared: true };
  if (ct.includes('xml')) return { format: 'xml', declared: true };
  if (ct.includes('json')) return { format: 'json', declared: true };
  const start = body.trimStart().slice(0, 4);
  if (start.startsWith('MSH')) return { format: 'hl7v2', declared: false };
  if (start.startsWith('<')) return { format: 'xml', declared: false };
  if (start.startsWith('{') || start.startsWith('[')) return { format: 'json', declared: false };
  return { format: 'text', declared: false };
}

// ---- building -------------------------------------------------------------------------------------------------

export interface StructureInput {
  body: string;
  contentType: string;
  /** The topic's model, or a registered model's kind (JSON, XML, HL7V2, HL7V3, CDA, TEXT); undefined when unknown. */
  kind: string | undefined;
  /** Warnings stored with the message at ingest. */
  warnings: readonly string[];
}

/** Parses a body for display. Never throws on bad input. */
export function buildStructure(input: StructureInput): MessageStructure {
  const { format, declared } = chooseFormat(input.kind, input.contentType, input.body);
  const warnings = [...input.warnings];
  const failed = (error: unknown): MessageStructure => {
    if (declared) addWarning(warnings, describeError(format, error));
    return { format: 'text', warnings };
  };
  try {
    if (format === 'hl7v2') return hl7Structure(parseHl7(input.body), warnings);
    if (format === 'xml') return xmlStructure(parseXmlSafe(input.body).root, warnings);
    if (format === 'json') {
      JSON.parse(input.body);
      return { format: 'json', warnings };
    }
  } catch (error) {
    return failed(error);
  }
  return { format: 'text', warnings };
}

function describeError(format: StructureFormat, error: unknown): string {
  const e = error as { code?: unknown; message?: unknown };
  const what = { hl7v2: 'HL7 v2', xml: 'XML', json: 'JSON', text: 'text' }[format];
  const code = typeof e.code === 'string' ? `${e.code}: ` : '';
  const message = typeof e.message === 'string' ? e.message : String(error);
  return `消息内容不能按 ${what} 解析 (the body does not parse as ${what}): ${code}${message}`.slice(0, 1000);
}

function addWarning(warnings: string[], warning: string): void {
  if (!warnings.includes(warning)) warnings.push(warning);
}

function cut(value: string): string {
  return value.length <= MAX_VALUE_CHARS
    ? value
    : `${value.slice(0, MAX_VALUE_CHARS)}…（共 ${value.length} 个字符 ${value.length} characters）`;
}

function hl7Structure(msg: Hl7Message, warnings: string[]): MessageStructure {
  for (const w of msg.warnings) addWarning(warnings, w);
  const segments: Hl7SegmentGroup[] = [];
  let current: Hl7SegmentGroup | undefined;
  let rows = 0;
  let truncated = false;
  const fields = describeSegments(msg, { includeEmpty: true });
  for (const f of fields) {
    if (rows >= MAX_HL7_ROWS) {
      truncated = true;
      break;
    }
    if (!current || current.segment !== f.segment || current.index !== f.index) {
      const names = HL7_SEGMENT_NAMES[f.segment];
      current = { segment: f.segment, index: f.index, name: names?.[0] ?? '', nameZh: names?.[1] ?? '', rows: [] };
      segments.push(current);
    }
    current.rows.push(hl7Row(msg, f));
    rows++;
  }
  const header = msg.segment('MSH');
  const encoding = safe(() => msg.charset);
  const version = safe(() => msg.version);
  const messageType = header ? header.field(9) : '';
  return {
    format: 'hl7v2',
    ...(encoding ? { encoding } : {}),
    ...(version ? { version } : {}),
    ...(messageType ? { messageType: cut(messageType) } : {}),
    segments,
    truncated,
    warnings,
  };
}

function safe(read: () => string): string {
  try {
    return read();
  } catch {
    return '';
  }
}

function hl7Row(msg: Hl7Message, f: SegmentFieldRow): Hl7Row {
  const row: Hl7Row = { field: f.field, path: f.path, name: f.name, nameZh: f.nameZh, value: cut(f.value) };
  // MSH-1 and MSH-2 are the delimiters themselves.
  if (f.value === '' || (f.segment === 'MSH' && f.field <= 2)) return row;
  const d = msg.delimiters;
  const decode = (raw: string) => cut(safe(() => msg.unescape(raw)) || raw);
  const repetitions = f.value.split(d.repetition).map((rep) => rep.split(d.component).map(decode));
  if (repetitions.length > 1) row.repetitions = repetitions;
  else if ((repetitions[0]?.length ?? 0) > 1) row.components = repetitions[0];
  return row;
}

function xmlStructure(root: XmlElement, warnings: string[]): MessageStructure {
  // Iterative: elements are opened in document order and each gets all its children at once, so a cut keeps the
  // first nodes of the document, all their ancestors and the siblings of those ancestors.
  const out = elementNode(root, null);
  let count = 1;
  let truncated = false;
  const stack: { el: XmlElement; node: XmlTreeNode }[] = [{ el: root, node: out }];
  outer: while (stack.length > 0) {
    const { el, node } = stack.pop()!;
    const elements: { el: XmlElement; node: XmlTreeNode }[] = [];
    const mixed = el.children.some((c) => c.type === 'element');
    let text = '';
    for (const child of el.children) {
      if (child.type === 'element') {
        if (count >= MAX_XML_NODES) {
          truncated = true;
          break;
        }
        const childNode = elementNode(child, el.namespaceURI);
        node.children.push(childNode);
        elements.push({ el: child, node: childNode });
        count++;
      } else if (mixed) {
        // Mixed content: text between elements stays where it was, as #text nodes.
        const value = child.value.trim();
        if (value === '') continue;
        if (count >= MAX_XML_NODES) {
          truncated = true;
          break;
        }
        node.children.push({ name: '#text', attributes: [], text: cut(value), children: [] });
        count++;
      } else {
        text += child.value;
      }
    }
    const trimmed = text.trim();
    if (trimmed !== '') node.text = cut(trimmed);
    for (let i = elements.length - 1; i >= 0; i--) stack.push(elements[i]!);
    if (truncated) break outer;
  }
  return { format: 'xml', root: out, nodeCount: count, truncated, warnings };
}

function elementNode(el: XmlElement, parentNs: string | null): XmlTreeNode {
  const node: XmlTreeNode = {
    name: el.name,
    attributes: Object.entries(el.attributes).map(([name, value]) => ({ name, value: cut(value) })),
    children: [],
  };
  if (el.prefix !== '') node.prefix = el.prefix;
  if (el.namespaceURI !== null && el.namespaceURI !== parentNs) node.ns = el.namespaceURI;
  return node;
}

// ---- reading a stored message -----------------------------------------------------------------------------------

export interface StructureDeps {
  db: Database;
  cache: EngineConfigCache;
  writer: GroupCommitWriter;
}

const BUILTIN_KINDS = new Set(['JSON', 'XML', 'HL7V2', 'HL7V3', 'CDA', 'TEXT']);

/**
 * GET /api/engine/messages/:id/structure. Shows the body, which is patient data: same permission as the detail
 * and the same audit entry (engine.message.view), on record before the answer leaves.
 */
export async function readMessageStructure(
  deps: StructureDeps,
  ctx: RequestContext,
  id: string,
): Promise<MessageStructure> {
  ctx.require(EP.messageRead);
  const k = deps.db.kysely.withTables<EngineTables & ModelTables>();
  const m = await store.findMessage(k, id);
  if (!m) throw new HtError('HT_ENGINE_MESSAGE_NOT_FOUND', { id });
  const topic = deps.cache.topicById(m.topic_id);
  await deps.writer.run((trx) =>
    recordAudit(trx, ctx, {
      action: 'engine.message.view',
      objectType: 'message',
      objectId: id,
      summary: `查看消息结构 ${id}（${topic?.code ?? m.topic_id}）`,
      changes: { patientId: m.patient_id, visitNo: m.visit_no, view: 'structure' },
    }),
  );
  let kind = topic?.model;
  if (kind !== undefined && !BUILTIN_KINDS.has(kind.toUpperCase())) {
    const model = await k.selectFrom('models').select('kind').where('code', '=', kind).executeTakeFirst();
    kind = model?.kind;
  }
  let stored: string[] = [];
  try {
    const parsed = m.warnings === null ? null : fromJson<unknown>(m.warnings);
    if (Array.isArray(parsed)) stored = parsed.filter((w): w is string => typeof w === 'string');
  } catch {
    // unreadable stored warnings: show the parser's own
  }
  return buildStructure({ body: m.body, contentType: m.content_type, kind, warnings: stored });
}
