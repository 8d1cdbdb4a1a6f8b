// The platform's plain-object XML tree and the helpers to read it.
//
// Shape (documented because other folders walk it directly):
//   XmlElement { type: 'element', name: 'soap:Envelope', prefix: 'soap', localName: 'Envelope',
//                namespaceURI: 'http://…' | null, attributes: { 'xmlns:soap': '…', 'xsi:type': 'INT', … },
//                children: XmlNode[], namespaces: { '' : default ns, soap: '…', … } }
//   XmlText  { type: 'text',  value }   — entities decoded, line ends normalised; whitespace-only text is kept
//   XmlCData { type: 'cdata', value }   — kept apart from text so SOAP can tell how a message was carried
// Attributes keep their qualified names as written (namespace declarations included) and decoded values.
// `namespaces` is the in-scope binding map; elements that declare nothing share their parent's object.
// Comments and processing instructions are dropped.

export interface XmlElement {
  readonly type: 'element';
  /** Qualified name as written, e.g. `soap12:Body`. */
  name: string;
  /** Prefix as written; '' when unprefixed. */
  prefix: string;
  localName: string;
  /** Resolved namespace URI; null when the element is in no namespace. */
  namespaceURI: string | null;
  attributes: Record<string, string>;
  children: XmlNode[];
  /** In-scope namespace bindings, prefix → URI ('' = default namespace). */
  namespaces: Readonly<Record<string, string>>;
}

export interface XmlText {
  readonly type: 'text';
  value: string;
}

export interface XmlCData {
  readonly type: 'cdata';
  value: string;
}

export type XmlNode = XmlElement | XmlText | XmlCData;

export interface XmlDocument {
  root: XmlElement;
  /** Encoding the input bytes were decoded with ('utf-16' when a JS string was passed). */
  encoding: string;
}

export const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';
export const XSI_NAMESPACE = 'http://www.w3.org/2001/XMLSchema-instance';

export function isElement(node: XmlNode | undefined): node is XmlElement {
  return node !== undefined && node.type === 'element';
}

/** `namespaceURI` undefined matches any namespace; null matches "no namespace". */
function nsMatches(el: XmlElement, namespaceURI: string | null | undefined): boolean {
  return namespaceURI === undefined || el.namespaceURI === namespaceURI;
}

export function elementChildren(el: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  for (const c of el.children) if (c.type === 'element') out.push(c);
  return out;
}

export function firstChild(el: XmlElement, localName: string, namespaceURI?: string | null): XmlElement | undefined {
  for (const c of el.children) {
    if (c.type === 'element' && c.localName === localName && nsMatches(c, namespaceURI)) return c;
  }
  return undefined;
}

export function childrenNamed(el: XmlElement, localName: string, namespaceURI?: string | null): XmlElement[] {
  const out: XmlElement[] = [];
  for (const c of el.children) {
    if (c.type === 'element' && c.localName === localName && nsMatches(c, namespaceURI)) out.push(c);
  }
  return out;
}

/** Follows a chain of first children by local name (any namespace): `descend(root, 'sender', 'device', 'id')`. */
export function descend(el: XmlElement | undefined, ...localNames: string[]): XmlElement | undefined {
  let cur = el;
  for (const n of localNames) {
    if (!cur) return undefined;
    cur = firstChild(cur, n);
  }
  return cur;
}

/** Concatenated text and CDATA of all descendants (DOM `textContent`), iterative so depth never matters. */
export function textContent(el: XmlElement): string {
  let out = '';
  const stack: XmlNode[] = [el];
  while (stack.length > 0) {
    const node = stack.pop() as XmlNode;
    if (node.type === 'element') {
      for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i] as XmlNode);
    } else {
      out += node.value;
    }
  }
  return out;
}

/**
 * Attribute by local name. `namespaceURI` undefined: any attribute with that local name (unprefixed first);
 * null: only an unprefixed attribute; a URI: only a prefixed attribute bound to that URI.
 */
export function getAttr(el: XmlElement, localName: string, namespaceURI?: string | null): string | undefined {
  const direct = el.attributes[localName];
  if (namespaceURI === null || (namespaceURI === undefined && direct !== undefined)) return direct;
  for (const key of Object.keys(el.attributes)) {
    const colon = key.indexOf(':');
    if (colon < 0 || key.slice(colon + 1) !== localName) continue;
    const prefix = key.slice(0, colon);
    if (prefix === 'xmlns') continue;
    if (namespaceURI === undefined || el.namespaces[prefix] === namespaceURI) return el.attributes[key];
  }
  return undefined;
}

/**
 * Depth-first, document-order walk over elements without recursion. `visit` gets the element and its ancestors
 * (root first; the array is reused — copy it if you keep it). Return false to skip the element's children.
 */
export function walkElements(
  root: XmlElement,
  visit: (el: XmlElement, ancestors: readonly XmlElement[]) => boolean | void,
): void {
  const ancestors: XmlElement[] = [];
  const stack: Array<{ el: XmlElement; depth: number }> = [{ el: root, depth: 0 }];
  while (stack.length > 0) {
    const { el, depth } = stack.pop() as { el: XmlElement; depth: number };
    ancestors.length = depth;
    if (visit(el, ancestors) === false) continue;
    ancestors.push(el);
    for (let i = el.children.length - 1; i >= 0; i--) {
      const c = el.children[i];
      if (c !== undefined && c.type === 'element') stack.push({ el: c, depth: depth + 1 });
    }
  }
}
