// The message helpers every transform and filter can call: `$xml(text)`, `$xpath(text, expr)`, `$hl7(text, path)`,
// `$now()`, `$formatDate(value, picture)`, `$parseDate(value, picture)`. Lookup helpers live with the lookup tables
// (they need their cache). All are synchronous; a bad argument throws, which fails the expression with its message.
//
// $xml(text) — the XML as a plain object, namespace prefixes dropped: `{ Root: { child: …, attr: '…' } }`.
//   Attributes become properties (an attribute that shares a child element's name gets an '@' prefix); an element
//   with only text becomes that string; otherwise its text is in `_text`; repeated elements become arrays.
// $xpath(text, expr) — XPath 1.0, namespace-agnostic: prefixes are ignored in the document and in the expression,
//   so `//id/@extension` and `//hl7:id/@extension` both match `<id>` in any namespace. One node → its string value;
//   several → an array of strings; none → nothing; count()/string()/boolean() results are returned as they are.
// $now([picture]) — replaces JSONata's own $now: ISO 8601 in Asia/Shanghai, or formatted with a picture as below;
//   JSONata's XPath-style pictures remain available as $fromMillis($millis(), '[Y0001]…', '+0800').
// $formatDate(value, picture) / $parseDate(text, picture) — Java-style pictures (see dates.ts), Asia/Shanghai.
// $hl7(text, path[, all]) — an HL7 v2 value by path (`PID-5.1`, `OBX[2]-5`), unescaped; '' becomes nothing; with
//   `all` = true every occurrence/repetition as an array.
import { DOMImplementation } from '@xmldom/xmldom';
import type { Document as XmlDomDocument, Element as XmlDomElement } from '@xmldom/xmldom';
import xpath from 'xpath';
import { parseHl7, type Hl7Message } from '../../formats/hl7v2/index.js';
import { parseXmlSafe, type XmlElement } from '../../formats/xml/index.js';
import { formatShanghai, isoShanghai, parseWithPicture, readInstant } from './dates.js';

/** A few parsed documents by their text: one transform often reads the same body several times. */
class ParsedCache<T> {
  private readonly entries = new Map<string, T>();
  constructor(private readonly size: number) {}

  get(text: string, parse: (text: string) => T): T {
    const hit = this.entries.get(text);
    if (hit !== undefined) return hit;
    const value = parse(text);
    if (this.entries.size >= this.size) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(text, value);
    return value;
  }
}

function requireText(name: string, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string')
    throw new Error(`${name}: expected text, got ${Array.isArray(value) ? 'an array' : typeof value}`);
  return value;
}

// ---- $xml --------------------------------------------------------------------------------------------------------

type Plain = string | { [key: string]: Plain | Plain[] };

function localOf(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

/** The element tree as a plain object (see the file header). Iterative: depth is bounded by the parser anyway. */
export function xmlToObject(root: XmlElement): Record<string, Plain> {
  const convert = (el: XmlElement): Plain => {
    const out: Record<string, Plain | Plain[]> = {};
    let text = '';
    let hasChildElements = false;
    for (const child of el.children) {
      if (child.type === 'element') {
        hasChildElements = true;
        const name = child.localName;
        const value = convert(child);
        const existing = out[name];
        if (existing === undefined) out[name] = value;
        else if (Array.isArray(existing)) existing.push(value);
        else out[name] = [existing, value];
      } else {
        text += child.value;
      }
    }
    let hasAttributes = false;
    for (const [name, value] of Object.entries(el.attributes)) {
      if (name === 'xmlns' || name.startsWith('xmlns:')) continue;
      hasAttributes = true;
      const local = localOf(name);
      const key = out[local] === undefined ? local : `@${local}`;
      if (out[key] === undefined) out[key] = value;
    }
    const trimmed = text.trim();
    if (!hasChildElements && !hasAttributes) return text;
    if (trimmed !== '') out._text = hasChildElements ? trimmed : text;
    return out;
  };
  return { [root.localName]: convert(root) };
}

const xmlObjects = new ParsedCache<Record<string, Plain>>(8);

export function xmlHelper(text: unknown): Record<string, Plain> | undefined {
  const xml = requireText('$xml', text);
  if (xml === undefined || xml.trim() === '') return undefined;
  return xmlObjects.get(xml, (t) => xmlToObject(parseXmlSafe(t).root));
}

// ---- $xpath ------------------------------------------------------------------------------------------------------

/** The document again as xmldom nodes, every name reduced to its local part and namespace declarations dropped. */
function namespaceFreeDom(root: XmlElement): XmlDomDocument {
  const doc = new DOMImplementation().createDocument(null, root.localName);
  const fill = (target: XmlDomElement, source: XmlElement) => {
    for (const [name, value] of Object.entries(source.attributes)) {
      if (name === 'xmlns' || name.startsWith('xmlns:')) continue;
      const local = localOf(name);
      if (!target.hasAttribute(local)) target.setAttribute(local, value);
    }
    for (const child of source.children) {
      if (child.type === 'element') {
        const el = doc.createElement(child.localName);
        target.appendChild(el);
        fill(el, child);
      } else {
        target.appendChild(doc.createTextNode(child.value));
      }
    }
  };
  if (doc.documentElement) fill(doc.documentElement, root);
  return doc;
}

/** Drops `prefix:` from name tests outside string literals (`//hl7:id/@ext` → `//id/@ext`); axes (`::`) stay. */
export function stripXPathPrefixes(expression: string): string {
  let out = '';
  let i = 0;
  while (i < expression.length) {
    const c = expression[i] as string;
    if (c === '"' || c === "'") {
      const end = expression.indexOf(c, i + 1);
      const stop = end < 0 ? expression.length : end + 1;
      out += expression.slice(i, stop);
      i = stop;
      continue;
    }
    const m = /^[A-Za-z_][\w.-]*/.exec(expression.slice(i));
    if (m && (i === 0 || !/[\w.$-]/.test(expression[i - 1] as string))) {
      const name = m[0];
      const after = i + name.length;
      if (
        expression[after] === ':' &&
        expression[after + 1] !== ':' &&
        /[A-Za-z_*]/.test(expression[after + 1] ?? '')
      ) {
        i = after + 1;
        continue;
      }
      out += name;
      i = after;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

const xpathDocs = new ParsedCache<XmlDomDocument>(8);
const xpathExpressions = new Map<string, string>();

function nodeString(node: unknown): string {
  const n = node as { nodeType?: number; value?: string; nodeValue?: string | null; textContent?: string | null };
  if (n.nodeType === 2) return n.value ?? '';
  return n.textContent ?? n.nodeValue ?? '';
}

export function xpathHelper(text: unknown, expression: unknown): string | number | boolean | string[] | undefined {
  const xml = requireText('$xpath', text);
  if (typeof expression !== 'string' || expression.trim() === '')
    throw new Error('$xpath: the XPath expression is missing');
  if (xml === undefined || xml.trim() === '') return undefined;
  const doc = xpathDocs.get(xml, (t) => namespaceFreeDom(parseXmlSafe(t).root));
  let expr = xpathExpressions.get(expression);
  if (expr === undefined) {
    expr = stripXPathPrefixes(expression);
    if (xpathExpressions.size > 1000) xpathExpressions.clear();
    xpathExpressions.set(expression, expr);
  }
  let result: unknown;
  try {
    result = xpath.select(expr, doc as unknown as Parameters<typeof xpath.select>[1]);
  } catch (error) {
    throw new Error(`$xpath: ${(error as Error).message}`, { cause: error });
  }
  if (typeof result === 'string' || typeof result === 'number' || typeof result === 'boolean') return result;
  if (!Array.isArray(result)) return result === null || result === undefined ? undefined : nodeString(result);
  if (result.length === 0) return undefined;
  if (result.length === 1) return nodeString(result[0]);
  return result.map(nodeString);
}

// ---- $hl7 --------------------------------------------------------------------------------------------------------

const hl7Messages = new ParsedCache<Hl7Message>(8);

export function hl7Helper(text: unknown, path: unknown, all?: unknown): string | string[] | undefined {
  const message = requireText('$hl7', text);
  if (typeof path !== 'string' || path === '') throw new Error('$hl7: the path is missing (e.g. "PID-3.1")');
  if (message === undefined || message.trim() === '') return undefined;
  const parsed = hl7Messages.get(message, parseHl7);
  if (all === true) {
    const values = parsed.getAll(path).filter((v) => v !== '');
    return values.length === 0 ? undefined : values;
  }
  const value = parsed.get(path);
  return value === '' ? undefined : value;
}

// ---- dates -------------------------------------------------------------------------------------------------------

/** `$now()` → ISO 8601 in Asia/Shanghai (`2026-11-25T08:30:00.123+08:00`); `$now(picture)` → formatted. */
export function nowHelper(picture?: unknown): string {
  const at = Date.now();
  if (picture === undefined || picture === null) return isoShanghai(at);
  if (typeof picture !== 'string') throw new Error('$now: the picture must be text, e.g. "yyyyMMddHHmmss"');
  return formatShanghai(at, picture);
}

/** `$formatDate(value, picture)`: any date form messages carry (see dates.ts), written in Asia/Shanghai time. */
export function formatDateHelper(value: unknown, picture: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof picture !== 'string' || picture === '') throw new Error('$formatDate: the picture is missing');
  try {
    return formatShanghai(readInstant(value), picture);
  } catch (error) {
    throw new Error(`$formatDate: ${(error as Error).message}`, { cause: error });
  }
}

/** `$parseDate(text, picture)`: the text read with `picture` (Asia/Shanghai unless it has an offset) → ISO 8601. */
export function parseDateHelper(value: unknown, picture: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof picture !== 'string' || picture === '') throw new Error('$parseDate: the picture is missing');
  try {
    return isoShanghai(parseWithPicture(String(value).trim(), picture));
  } catch (error) {
    throw new Error(`$parseDate: ${(error as Error).message}`, { cause: error });
  }
}

/** Registers the message and date helpers on a Transforms instance (lookup helpers: lookups/cache.ts). */
export function registerMessageHelpers(transforms: {
  register(name: string, fn: (...args: never[]) => unknown, signature?: string): void;
}): void {
  transforms.register('xml', xmlHelper);
  transforms.register('xpath', xpathHelper);
  transforms.register('hl7', hl7Helper);
  transforms.register('now', nowHelper);
  transforms.register('formatDate', formatDateHelper);
  transforms.register('parseDate', parseDateHelper);
}
