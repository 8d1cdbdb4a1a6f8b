// Serialiser for the tree in tree.ts, plus the escaping helpers every builder in src/formats uses.
//
// A subtree taken out of a larger document (e.g. the HL7 message inlined in a SOAP <message>) must stay meaningful
// on its own, so namespace declarations are added wherever the output would otherwise lose a binding: for element
// and attribute prefixes, for the default namespace, and for the prefix of an xsi:type QName value (HL7 uses
// `xsi:type="hl7:II"`-style values). Unused bindings of the enclosing document (soap:, xsd:) are not copied.

import { XSI_NAMESPACE } from './tree.js';
import type { XmlDocument, XmlElement, XmlNode } from './tree.js';

/** Escapes text content. `>` is escaped too, so `]]>` can never appear by accident. */
export function escapeXmlText(s: string): string {
  return s.replace(/[&<>\r]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&#13;'));
}

/** Escapes a double-quoted attribute value; tab/CR/LF become character references so they survive normalisation. */
export function escapeXmlAttr(s: string): string {
  return s.replace(/[&<>"\t\n\r]/g, (c) => {
    switch (c) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '"':
        return '&quot;';
      case '\t':
        return '&#9;';
      case '\n':
        return '&#10;';
      default:
        return '&#13;';
    }
  });
}

/** Wraps text in CDATA, splitting any `]]>` across two sections. */
export function cdata(s: string): string {
  return `<![CDATA[${s.split(']]>').join(']]]]><![CDATA[>')}]]>`;
}

export interface SerializeOptions {
  /** Prepend `<?xml version="1.0" encoding="UTF-8"?>`. Default false. */
  xmlDeclaration?: boolean;
  /**
   * Namespace bindings already in scope where the output will be inserted (prefix → URI, '' = default). Lets the
   * serialiser emit `xmlns=""` for a no-namespace element placed under a default namespace, and skip redundant ones.
   */
  contextNamespaces?: Readonly<Record<string, string>>;
}

type Scope = Record<string, string>;

function serializeElement(el: XmlElement, outer: Readonly<Scope>, out: string[]): void {
  let scope: Scope | Readonly<Scope> = outer;
  let copied = false;
  const bind = (prefix: string, uri: string): void => {
    if (!copied) {
      scope = { ...scope };
      copied = true;
    }
    (scope as Scope)[prefix] = uri;
  };

  out.push('<', el.name);
  for (const [k, v] of Object.entries(el.attributes)) {
    out.push(' ', k, '="', escapeXmlAttr(v), '"');
    if (k === 'xmlns') bind('', v);
    else if (k.startsWith('xmlns:')) bind(k.slice(6), v);
  }

  const extra: string[] = [];
  const need = (prefix: string, uri: string): void => {
    if (prefix === 'xml' || (scope[prefix] ?? '') === uri) return;
    extra.push(prefix === '' ? ` xmlns="${escapeXmlAttr(uri)}"` : ` xmlns:${prefix}="${escapeXmlAttr(uri)}"`);
    bind(prefix, uri);
  };
  need(el.prefix, el.namespaceURI ?? '');
  for (const k of Object.keys(el.attributes)) {
    const colon = k.indexOf(':');
    if (colon < 0) continue;
    const p = k.slice(0, colon);
    if (p === 'xmlns') continue;
    const uri = el.namespaces[p];
    if (uri === undefined) continue;
    need(p, uri);
    if (uri === XSI_NAMESPACE && k.slice(colon + 1) === 'type') {
      const v = el.attributes[k] ?? '';
      const qc = v.indexOf(':');
      if (qc > 0) {
        const qp = v.slice(0, qc);
        const quri = el.namespaces[qp];
        if (quri !== undefined) need(qp, quri);
      }
    }
  }
  for (const e of extra) out.push(e);

  if (el.children.length === 0) {
    out.push('/>');
    return;
  }
  out.push('>');
  for (const c of el.children) serializeNode(c, scope, out);
  out.push('</', el.name, '>');
}

function serializeNode(node: XmlNode, scope: Readonly<Scope>, out: string[]): void {
  if (node.type === 'element') serializeElement(node, scope, out);
  else if (node.type === 'text') out.push(escapeXmlText(node.value));
  else out.push(cdata(node.value));
}

/** Serialises an element (with the namespace declarations it needs) or a whole document. */
export function serializeXml(node: XmlElement | XmlDocument, options?: SerializeOptions): string {
  const el = 'root' in node ? node.root : node;
  const out: string[] = [];
  if (options?.xmlDeclaration) out.push('<?xml version="1.0" encoding="UTF-8"?>');
  serializeElement(el, options?.contextNamespaces ?? {}, out);
  return out.join('');
}
