// parseXmlSafe: the hot-path XML reader (fast-xml-parser behind the safety gate), producing the tree in tree.ts.
//
// fast-xml-parser runs with entity processing OFF: the gate has already proven that the only references left are
// the five predefined entities and character references, and decoding them here in a single pass is both
// correct (no double decoding of `&amp;lt;`) and independent of the library's entity tables.
// Namespaces are resolved here too, so callers can match on (namespaceURI, localName) instead of prefixes.

import { XMLParser } from 'fast-xml-parser';
import { XmlParseError } from './errors.js';
import { checkXmlSafety } from './scan.js';
import type { XmlLimits } from './scan.js';
import { XML_NAMESPACE } from './tree.js';
import type { XmlDocument, XmlElement } from './tree.js';

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  removeNSPrefix: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  cdataPropName: '#cdata',
  ignoreDeclaration: true,
  ignorePiTags: true,
  processEntities: false,
  htmlEntities: false,
});

const BASE_SCOPE: Readonly<Record<string, string>> = Object.freeze({ xml: XML_NAMESPACE });

const REF = /&(?:#x([0-9a-fA-F]+)|#([0-9]+)|(amp|lt|gt|quot|apos));/g;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeRefs(s: string): string {
  if (s.indexOf('&') < 0) return s;
  return s.replace(REF, (_m, hex: string | undefined, dec: string | undefined, name: string | undefined) => {
    if (hex !== undefined) return String.fromCodePoint(Number.parseInt(hex, 16));
    if (dec !== undefined) return String.fromCodePoint(Number.parseInt(dec, 10));
    return NAMED[name ?? ''] ?? '';
  });
}

/** XML 1.0 §2.11: CRLF and lone CR become LF. */
function normaliseLineEnds(s: string): string {
  return s.indexOf('\r') < 0 ? s : s.replace(/\r\n?/g, '\n');
}

/** XML 1.0 §3.3.3: literal tab/CR/LF in an attribute value become spaces (character references survive). */
function decodeAttr(raw: string): string {
  return decodeRefs(/[\t\n\r]/.test(raw) ? raw.replace(/\r\n|[\t\n\r]/g, ' ') : raw);
}

type FxpNode = Record<string, unknown>;

function nodeKey(node: FxpNode): string | undefined {
  for (const k in node) if (k !== ':@') return k;
  return undefined;
}

function makeElement(name: string, rawAttrs: unknown, parentScope: Readonly<Record<string, string>>): XmlElement {
  const attributes: Record<string, string> = {};
  let scope = parentScope;
  let copied = false;
  if (rawAttrs !== null && typeof rawAttrs === 'object') {
    for (const [k, v] of Object.entries(rawAttrs as Record<string, unknown>)) {
      const value = decodeAttr(String(v));
      attributes[k] = value;
      if (k === 'xmlns' || k.startsWith('xmlns:')) {
        const prefix = k === 'xmlns' ? '' : k.slice(6);
        if (prefix !== '' && value === '') {
          throw new XmlParseError('XML_MALFORMED', `namespace prefix ${prefix} bound to an empty URI`);
        }
        if (!copied) {
          scope = { ...parentScope };
          copied = true;
        }
        const s = scope as Record<string, string>;
        if (value === '') delete s[''];
        else s[prefix] = value;
      }
    }
  }
  const colon = name.indexOf(':');
  const prefix = colon < 0 ? '' : name.slice(0, colon);
  const localName = colon < 0 ? name : name.slice(colon + 1);
  let namespaceURI: string | null;
  if (prefix === '') {
    namespaceURI = scope[''] ?? null;
  } else {
    const uri = scope[prefix];
    if (uri === undefined)
      throw new XmlParseError('XML_MALFORMED', `unbound namespace prefix "${prefix}" on <${name}>`);
    namespaceURI = uri;
  }
  for (const k of Object.keys(attributes)) {
    const c = k.indexOf(':');
    if (c > 0) {
      const p = k.slice(0, c);
      if (p !== 'xmlns' && scope[p] === undefined) {
        throw new XmlParseError('XML_MALFORMED', `unbound namespace prefix "${p}" on attribute ${k} of <${name}>`);
      }
    }
  }
  return { type: 'element', name, prefix, localName, namespaceURI, attributes, children: [], namespaces: scope };
}

function buildTree(raw: unknown): XmlElement {
  if (!Array.isArray(raw)) throw new XmlParseError('XML_MALFORMED', 'XML parser returned no document');
  let root: XmlElement | undefined;
  const work: Array<{ src: unknown; el: XmlElement }> = [];
  for (const node of raw as FxpNode[]) {
    const key = nodeKey(node);
    if (key === undefined || key.startsWith('#') || key.startsWith('?')) continue;
    root = makeElement(key, node[':@'], BASE_SCOPE);
    work.push({ src: node[key], el: root });
    break;
  }
  if (!root) throw new XmlParseError('XML_EMPTY', 'no root element');

  // Explicit work list instead of recursion; children are appended in source order per element.
  while (work.length > 0) {
    const { src, el } = work.pop() as { src: unknown; el: XmlElement };
    if (!Array.isArray(src)) continue;
    for (const node of src as FxpNode[]) {
      const key = nodeKey(node);
      if (key === undefined || key.startsWith('?')) continue;
      const value = node[key];
      if (key === '#text') {
        el.children.push({ type: 'text', value: decodeRefs(normaliseLineEnds(String(value))) });
      } else if (key === '#cdata') {
        let text = '';
        if (Array.isArray(value)) for (const part of value as FxpNode[]) text += String(part['#text'] ?? '');
        el.children.push({ type: 'cdata', value: normaliseLineEnds(text) });
      } else {
        const child = makeElement(key, node[':@'], el.namespaces);
        el.children.push(child);
        work.push({ src: value, el: child });
      }
    }
  }
  return root;
}

/**
 * Parses untrusted XML into the plain tree described in tree.ts. Rejects DOCTYPE/ENTITY, oversize, over-deep,
 * attribute-heavy and malformed input with {@link XmlParseError}; never fetches anything.
 */
export function parseXmlSafe(input: string | Uint8Array, limits?: XmlLimits): XmlDocument {
  const checked = checkXmlSafety(input, limits);
  let raw: unknown;
  try {
    raw = parser.parse(checked.text);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new XmlParseError('XML_MALFORMED', `XML parser rejected the document: ${message}`, undefined, { cause: err });
  }
  return { root: buildTree(raw), encoding: checked.encoding };
}
