// The V3 ⇄ JSON mapper of the interaction-service catalogue: reads a service's business fields out of an HL7 V3
// message by their v3Path, and writes a V3 message from the canonical JSON by filling the service's template.
//
// Why a template: the national XSDs are sequences, so element order matters, and most structural attributes
// (classCode, moodCode, typeCode …) are required but carry no data. The template (generated from the XSD, see
// scripts/gen-catalogue.ts) holds every element in schema order with those attributes set; the mapper only fills
// values, clones repeating elements for arrays, and adds identifier items for `[@root='…']` predicates.
// Values keep their V3 lexical form (times stay yyyyMMddHHmmss) so a round trip is lossless; numbers and booleans
// become JSON numbers and booleans.
import { formatV3Time, newV3MessageId, HL7V3_NAMESPACE, V3_OID } from '../../formats/hl7v3/index.js';
import type { V3HeaderInput } from '../../formats/hl7v3/index.js';
import {
  elementChildren,
  escapeXmlAttr,
  getAttr,
  parseXmlSafe,
  serializeXml,
  textContent,
} from '../../formats/xml/index.js';
import type { XmlElement } from '../../formats/xml/index.js';
import type { ServiceDefinition, ServiceField } from './types.js';

interface Step {
  name: string;
  pred?: { attr: string; value: string };
}
interface ParsedPath {
  steps: Step[];
  /** Final attribute; undefined when the value is the element's text. */
  attr?: string;
}

const STEP = /^([A-Za-z_][\w.-]*)(?:\[@([\w:]+)='([^']*)'\])?$/;
const pathCache = new Map<string, ParsedPath>();

export function parseV3Path(path: string): ParsedPath {
  const cached = pathCache.get(path);
  if (cached) return cached;
  const parts = path.split('/').filter((p) => p.length > 0);
  const out: ParsedPath = { steps: [] };
  parts.forEach((p, i) => {
    if (p.startsWith('@')) {
      if (i !== parts.length - 1) throw new Error(`v3Path "${path}": an attribute must be the last step`);
      out.attr = p.slice(1);
      return;
    }
    const m = STEP.exec(p);
    if (!m) throw new Error(`v3Path "${path}": bad step "${p}"`);
    const step: Step = { name: m[1] as string };
    if (m[2] !== undefined) step.pred = { attr: m[2], value: m[3] ?? '' };
    out.steps.push(step);
  });
  pathCache.set(path, out);
  return out;
}

function matches(el: XmlElement, step: Step): boolean {
  return el.localName === step.name && (!step.pred || getAttr(el, step.pred.attr) === step.pred.value);
}

/** All elements reached by `steps` from `from` (every branch, document order). */
function selectAll(from: XmlElement, steps: readonly Step[]): XmlElement[] {
  let current = [from];
  for (const step of steps) {
    const next: XmlElement[] = [];
    for (const el of current) for (const c of elementChildren(el)) if (matches(c, step)) next.push(c);
    current = next;
    if (current.length === 0) break;
  }
  return current;
}

function convert(field: ServiceField, raw: string): unknown {
  if (field.type === 'number') {
    const n = Number(raw);
    return raw.trim() !== '' && Number.isFinite(n) ? n : raw;
  }
  if (field.type === 'boolean') return raw === 'true' ? true : raw === 'false' ? false : raw;
  return raw;
}

function readFields(scope: XmlElement, fields: readonly ServiceField[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const p = parseV3Path(f.v3Path);
    if (f.type === 'array') {
      const items = selectAll(scope, p.steps)
        .map((el) => readFields(el, f.fields ?? []))
        .filter((o) => Object.keys(o).length > 0);
      if (items.length > 0) out[f.key] = items;
      continue;
    }
    for (const el of selectAll(scope, p.steps)) {
      const raw = p.attr === undefined ? textContent(el).trim() : getAttr(el, p.attr);
      if (raw === undefined || raw === '') continue;
      out[f.key] = convert(f, raw);
      break;
    }
  }
  return out;
}

/** The controlActProcess of a V3 message (any namespace), or undefined. */
function controlActProcessOf(root: XmlElement): XmlElement | undefined {
  return elementChildren(root).find((c) => c.localName === 'controlActProcess');
}

/** Reads the business fields of `service` out of a V3 message. Empty values are left out. */
export function v3ToJson(service: ServiceDefinition, xml: string | Uint8Array): Record<string, unknown> {
  const doc = parseXmlSafe(xml);
  const cap = controlActProcessOf(doc.root);
  if (!cap) return {};
  return readFields(cap, service.fields);
}

// ---- writing --------------------------------------------------------------------------------------------------------

function clone(el: XmlElement): XmlElement {
  return {
    ...el,
    attributes: { ...el.attributes },
    children: el.children.map((c) => (c.type === 'element' ? clone(c) : { ...c })),
  };
}

function text(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** Finds (or creates from a same-named template sibling) the child for `step`. */
function childFor(parent: XmlElement, step: Step): XmlElement | undefined {
  const same = elementChildren(parent).filter((c) => c.localName === step.name);
  if (!step.pred) return same[0];
  const exact = same.find((c) => getAttr(c, step.pred?.attr ?? '') === step.pred?.value);
  if (exact) return exact;
  // A template slot not yet claimed by another identifier kind.
  const free = same.find((c) => (getAttr(c, step.pred?.attr ?? '') ?? '') === '');
  if (free) {
    free.attributes[step.pred.attr] = step.pred.value;
    return free;
  }
  const model = same[0];
  if (!model) return undefined;
  const copy = clone(model);
  copy.attributes[step.pred.attr] = step.pred.value;
  for (const k of Object.keys(copy.attributes)) if (k !== step.pred.attr && k === 'extension') copy.attributes[k] = '';
  const last = same[same.length - 1] as XmlElement;
  parent.children.splice(parent.children.indexOf(last) + 1, 0, copy);
  return copy;
}

function setValue(scope: XmlElement, path: ParsedPath, value: string): boolean {
  let el: XmlElement | undefined = scope;
  for (const step of path.steps) {
    el = childFor(el, step);
    if (!el) return false;
  }
  if (path.attr === undefined) el.children = value === '' ? [] : [{ type: 'text', value }];
  else el.attributes[path.attr] = value;
  return true;
}

function writeFields(scope: XmlElement, fields: readonly ServiceField[], json: Record<string, unknown>): void {
  for (const f of fields) {
    const v = json[f.key];
    if (f.type === 'array') {
      const p = parseV3Path(f.v3Path);
      const parent = selectAll(scope, p.steps.slice(0, -1))[0];
      const last = p.steps[p.steps.length - 1];
      if (!parent || !last) continue;
      const model = elementChildren(parent).find((c) => matches(c, last));
      if (!model) continue;
      const items = Array.isArray(v) ? v : [];
      const at = parent.children.indexOf(model);
      const copies = items.map((item) => {
        const c = clone(model);
        if (item !== null && typeof item === 'object') writeFields(c, f.fields ?? [], item as Record<string, unknown>);
        return c;
      });
      parent.children.splice(at, 1, ...copies);
      continue;
    }
    if (v === undefined || v === null) continue;
    setValue(scope, parseV3Path(f.v3Path), text(v));
  }
}

/** The filled controlActProcess element of `service` for `json` (template clone; the template is not changed). */
export function buildControlActProcess(service: ServiceDefinition, json: Record<string, unknown>): XmlElement {
  const doc = parseXmlSafe(`<t xmlns="${HL7V3_NAMESPACE}">${service.v3Template}</t>`);
  const cap = elementChildren(doc.root)[0];
  if (!cap) throw new Error(`${service.action}: empty V3 template`);
  writeFields(cap, service.fields, json);
  return cap;
}

/**
 * Writes a complete V3 request of `service` (transmission wrapper + controlActProcess) from its canonical JSON.
 * Header conventions are those of src/formats/hl7v3/build.ts (ids with 2.16.156.10011.2.5.1.x roots).
 */
export function jsonToV3(service: ServiceDefinition, json: Record<string, unknown>, header: V3HeaderInput): string {
  const cap = buildControlActProcess(service, json);
  const interactionId = service.request;
  const time =
    header.creationTime instanceof Date ? formatV3Time(header.creationTime) : (header.creationTime ?? formatV3Time());
  const device = (tag: string, typeCode: string, id: string): string =>
    `\t<${tag} typeCode="${typeCode}">\n\t\t<device classCode="DEV" determinerCode="INSTANCE">\n` +
    `\t\t\t<id>\n\t\t\t\t<item root="${V3_OID.deviceId}" extension="${escapeXmlAttr(id)}"/>\n\t\t\t</id>\n` +
    `\t\t</device>\n\t</${tag}>\n`;
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<${interactionId} xmlns="${HL7V3_NAMESPACE}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ITSVersion="XML_1.0">\n` +
    `\t<id root="${V3_OID.messageId}" extension="${escapeXmlAttr(header.id ?? newV3MessageId())}"/>\n` +
    `\t<creationTime value="${escapeXmlAttr(time)}"/>\n` +
    `\t<interactionId root="${escapeXmlAttr(header.interactionIdRoot ?? V3_OID.interactionId)}" extension="${interactionId}"/>\n` +
    `\t<processingCode code="${header.processingCode ?? 'P'}"/>\n` +
    '\t<processingModeCode/>\n' +
    `\t<acceptAckCode code="${escapeXmlAttr(header.acceptAckCode ?? 'AL')}"/>\n` +
    device('receiver', 'RCV', header.receiver) +
    device('sender', 'SND', header.sender) +
    `\t${serializeXml(cap, { contextNamespaces: { '': HL7V3_NAMESPACE } })}\n` +
    `</${interactionId}>\n`
  );
}
