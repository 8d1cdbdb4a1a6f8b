// The safety gate shared by every XML entry point (our own tree, xmldom DOM, libxml2 validation), and our parser.
//
// Why a hand-written linear scan, and why it is ours (XML is on the hot path of every V3, CDA and SOAP message):
//  - well-formedness is checked in one pass, with line/column for free, and the same pass builds the tree.
//  - DOCTYPE/ENTITY must be refused before any parser sees them: with no DTD there are no entities to expand, so XXE
//    (file/http), billion laughs and quadratic blow-up all die here, and nothing is ever fetched.
//  - Depth is counted with a counter, not recursion, so 100k nested elements are rejected after 257 tags, without
//    touching the stack, and the parsers behind us only ever see bounded trees.
// The scan skips comments, PIs and CDATA properly, so a DOCTYPE hidden after a comment/PI is still found, while the
// text `<!DOCTYPE` inside a CDATA section (e.g. an escaped payload) is left alone, as XML says it should be.
// Asked to, the same pass also builds the plain tree of tree.ts (parseXmlSafe): having found every tag, attribute and
// text run already, building the tree costs little more, where a second parser would read the whole document again
// (bench/protocols: hip-soap shows what XML costs on the hot path).

import { TextDecoder } from 'node:util';
import { positionOf, XmlParseError } from './errors.js';
import type { XmlErrorCode } from './errors.js';
import { XML_NAMESPACE, type XmlElement } from './tree.js';

export interface XmlLimits {
  /** Maximum input size in bytes (UTF-8 bytes for string input). Default 10 MiB. */
  maxBytes?: number;
  /** Maximum element nesting depth. Default 256 (libxml2's own default). */
  maxDepth?: number;
  /** Maximum attributes (namespace declarations included) on one element. Default 128. */
  maxAttributes?: number;
}

export const DEFAULT_XML_LIMITS: Readonly<Required<XmlLimits>> = Object.freeze({
  maxBytes: 10 * 1024 * 1024,
  maxDepth: 256,
  maxAttributes: 128,
});

export interface CheckedXml {
  /** The decoded document text, BOM removed. */
  text: string;
  /** Encoding the bytes were decoded with ('utf-16' for string input: JavaScript already decoded it). */
  encoding: string;
  /** Qualified name of the root element as written. */
  rootName: string;
}

function resolveLimits(limits: XmlLimits | undefined): Required<XmlLimits> {
  if (!limits) return DEFAULT_XML_LIMITS;
  return {
    maxBytes: limits.maxBytes ?? DEFAULT_XML_LIMITS.maxBytes,
    maxDepth: limits.maxDepth ?? DEFAULT_XML_LIMITS.maxDepth,
    maxAttributes: limits.maxAttributes ?? DEFAULT_XML_LIMITS.maxAttributes,
  };
}

// ---------------------------------------------------------------------------------------------- decoding

const decoders = new Map<string, TextDecoder>();

function decoderFor(label: string): TextDecoder {
  let d = decoders.get(label);
  if (!d) {
    try {
      // fatal: invalid bytes are an error, not U+FFFD — silently corrupted patient names are worse than a rejection.
      d = new TextDecoder(label, { fatal: true, ignoreBOM: true });
    } catch {
      throw new XmlParseError('XML_BAD_ENCODING', `unsupported encoding "${label}"`);
    }
    decoders.set(label, d);
  }
  return d;
}

/** Maps the encoding label of an XML declaration to a WHATWG decoder label. GBK/GB2312 are decoded as GB18030 (superset). */
function normaliseEncodingLabel(label: string): string {
  const l = label.trim().toLowerCase();
  if (l === 'utf-8' || l === 'utf8') return 'utf-8';
  if (l === 'gbk' || l === 'gb2312' || l === 'gb18030' || l === 'cp936' || l === 'x-gbk') return 'gb18030';
  return l;
}

function sniffDeclaredEncoding(bytes: Uint8Array): string | undefined {
  // `<?xml` in ASCII; the declaration is ASCII-compatible in every encoding we accept without a BOM.
  if (bytes.length < 6 || bytes[0] !== 0x3c || bytes[1] !== 0x3f || bytes[2] !== 0x78) return undefined;
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 256)).toString('latin1');
  const end = head.indexOf('?>');
  if (end < 0) return undefined;
  const m = /\sencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(head.slice(0, end));
  return m?.[1];
}

function decodeInput(input: string | Uint8Array, maxBytes: number): { text: string; encoding: string } {
  if (typeof input === 'string') {
    // A string's UTF-8 size is between length and 3*length; only measure exactly when it could matter.
    if (input.length > maxBytes || (input.length * 3 > maxBytes && Buffer.byteLength(input, 'utf8') > maxBytes)) {
      throw new XmlParseError('XML_TOO_LARGE', `XML input exceeds ${maxBytes} bytes`);
    }
    return { text: input.charCodeAt(0) === 0xfeff ? input.slice(1) : input, encoding: 'utf-16' };
  }
  if (input.byteLength > maxBytes) {
    throw new XmlParseError('XML_TOO_LARGE', `XML input is ${input.byteLength} bytes, limit is ${maxBytes}`);
  }
  let label: string;
  let start = 0;
  if (input[0] === 0xef && input[1] === 0xbb && input[2] === 0xbf) {
    label = 'utf-8';
    start = 3;
  } else if (input[0] === 0xff && input[1] === 0xfe) {
    label = 'utf-16le';
    start = 2;
  } else if (input[0] === 0xfe && input[1] === 0xff) {
    label = 'utf-16be';
    start = 2;
  } else {
    const declared = sniffDeclaredEncoding(input);
    label = declared ? normaliseEncodingLabel(declared) : 'utf-8';
    if (label === 'utf-16' || label === 'utf-16le' || label === 'utf-16be') {
      // We only reached this branch because the first bytes were ASCII `<?x`, which cannot be UTF-16.
      throw new XmlParseError(
        'XML_BAD_ENCODING',
        `document declares ${declared ?? label} but has no UTF-16 byte order`,
      );
    }
  }
  try {
    return { text: decoderFor(label).decode(start ? input.subarray(start) : input), encoding: label };
  } catch (err) {
    if (err instanceof XmlParseError) throw err;
    throw new XmlParseError('XML_BAD_ENCODING', `XML bytes are not valid ${label}`, undefined, { cause: err });
  }
}

// ---------------------------------------------------------------------------------------------- scanning

const GT = 62;
const SLASH = 47;
const BANG = 33;
const QMARK = 63;
const EQ = 61;
const DQUOTE = 34;
const SQUOTE = 39;

function isWs(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13;
}

function isNameStart(c: number): boolean {
  // ASCII letters and '_'; everything above ASCII is accepted (CJK element names are legal XML). ':' is handled
  // by the QName check.
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c >= 128;
}

function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 48 && c <= 57) || c === 45 || c === 46 || c === 58 || c === 183;
}

/** Namespaces in XML: Prefix? ':' LocalPart, both NCNames — so one colon at most, never first or last. */
function qnameProblem(t: string, from: number, to: number): string | undefined {
  if (!isNameStart(t.charCodeAt(from))) return 'invalid name';
  let colon = -1;
  for (let k = from + 1; k < to; k++) {
    const c = t.charCodeAt(k);
    if (!isNameChar(c)) return 'invalid character in name';
    if (c === 58) {
      if (colon >= 0 || k === to - 1) return 'invalid qualified name';
      colon = k;
      if (!isNameStart(t.charCodeAt(k + 1))) return 'invalid qualified name';
    }
  }
  return undefined;
}

// eslint-disable-next-line no-control-regex
const FORBIDDEN_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

function isXmlChar(cp: number): boolean {
  return (
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

class Scanner {
  private readonly text: string;
  private readonly n: number;
  private readonly limits: Required<XmlLimits>;
  /** Index of the next '&' at or after the current scan point; n when there is none. Monotonic → linear total. */
  private nextAmp: number;
  /** Index of the next CR, kept the same way: text without one needs no line-end normalisation. */
  private nextCr: number;
  /** Set by scanName: where the name's colon is (-1: none), and whether the name is a valid QName. */
  private colon = -1;
  private nameOk = true;

  /** The root element, when the scanner was asked to build the tree. */
  root: XmlElement | undefined;

  constructor(
    text: string,
    limits: Required<XmlLimits>,
    private readonly build = false,
  ) {
    this.text = text;
    this.n = text.length;
    this.limits = limits;
    const amp = text.indexOf('&');
    this.nextAmp = amp < 0 ? this.n : amp;
    const cr = text.indexOf('\r');
    this.nextCr = cr < 0 ? this.n : cr;
  }

  /**
   * Reads a name starting at `from` up to the first character that ends names, checking in the same pass that it is
   * a QName (name characters, at most one colon, never first or last). Returns the end; the colon's place and the
   * verdict are left in `colon` and `nameOk` (the error message, rarely needed, comes from qnameProblem).
   */
  private scanName(from: number): number {
    const t = this.text;
    let ok = isNameStart(t.charCodeAt(from));
    let colon = -1;
    let j = from + 1;
    for (;;) {
      const c = t.charCodeAt(j);
      // Inline endsName (NaN, at the end of the text, compares unequal to itself).
      if (c === 32 || c === 10 || c === 9 || c === 13 || c === GT || c === SLASH || c === EQ || c !== c) break;
      if (c === 58) {
        if (colon >= 0) ok = false;
        colon = j;
      } else if (!isNameChar(c)) ok = false;
      j++;
    }
    if (colon >= 0 && (colon === j - 1 || !isNameStart(t.charCodeAt(colon + 1)))) ok = false;
    this.colon = colon;
    this.nameOk = ok;
    return j;
  }

  /**
   * Text content [from, to) decoded: line ends normalised, references checked and decoded in one pass. The five
   * predefined entities are recognised by their characters; anything else goes through checkEntities (character
   * references, and the errors).
   */
  private textValue(from: number, to: number): string {
    const t = this.text;
    while (this.nextCr < from) this.advanceCr();
    const hasCr = this.nextCr < to;
    while (this.nextAmp < from) this.advanceAmp();
    if (this.nextAmp >= to) {
      const raw = t.slice(from, to);
      return hasCr ? normaliseLineEnds(raw) : raw;
    }
    let out = '';
    let literalFrom = from;
    while (this.nextAmp < to) {
      const p = this.nextAmp;
      out += hasCr ? this.literal(literalFrom, p) : t.slice(literalFrom, p);
      const end = predefinedEntityEnd(t, p, to);
      if (end > 0) {
        out += predefinedEntityChar(t.charCodeAt(p + 1), t.charCodeAt(p + 2));
        literalFrom = end;
        this.advanceAmp();
      } else {
        this.checkEntities(p, to, true);
        const semi = t.indexOf(';', p + 1);
        out += decodeRefs(t.slice(p, semi + 1));
        literalFrom = semi + 1;
      }
    }
    return out + (hasCr ? this.literal(literalFrom, to) : t.slice(literalFrom, to));
  }

  /** Literal text [from, to) with its line ends normalised (only pieces holding a CR need the work). */
  private literal(from: number, to: number): string {
    while (this.nextCr < from) this.advanceCr();
    const raw = this.text.slice(from, to);
    return this.nextCr < to ? normaliseLineEnds(raw) : raw;
  }

  private advanceAmp(): void {
    const next = this.text.indexOf('&', this.nextAmp + 1);
    this.nextAmp = next < 0 ? this.n : next;
  }

  private advanceCr(): void {
    const next = this.text.indexOf('\r', this.nextCr + 1);
    this.nextCr = next < 0 ? this.n : next;
  }

  private fail(code: XmlErrorCode, message: string, at: number): never {
    return failAt(code, message, this.text, at);
  }

  /**
   * Validates every entity reference that starts inside [from, to) — text content or an attribute value — or, with
   * `once`, only the next one.
   */
  private checkEntities(from: number, to: number, once = false): void {
    const t = this.text;
    while (this.nextAmp < to) {
      const p = this.nextAmp;
      if (p >= from) {
        // Longest legal reference is `&#x10FFFF;` (10 chars); look a little further for a readable error.
        let semi = -1;
        const limit = Math.min(to, p + 32);
        for (let k = p + 1; k < limit; k++) {
          if (t.charCodeAt(k) === 59) {
            semi = k;
            break;
          }
        }
        if (semi < 0) this.fail('XML_MALFORMED', "unescaped '&' (write &amp;)", p);
        const ref = t.slice(p + 1, semi);
        if (ref.charCodeAt(0) === 35 /* # */) {
          const hex = ref.charCodeAt(1) === 120; /* x */
          const digits = ref.slice(hex ? 2 : 1);
          const ok = hex ? /^[0-9A-Fa-f]{1,6}$/.test(digits) : /^[0-9]{1,7}$/.test(digits);
          if (!ok || !isXmlChar(Number.parseInt(digits, hex ? 16 : 10))) {
            this.fail('XML_MALFORMED', `invalid character reference &${ref};`, p);
          }
        } else if (ref !== 'amp' && ref !== 'lt' && ref !== 'gt' && ref !== 'quot' && ref !== 'apos') {
          // Without a DTD no other entity can exist; this is also where `&xxe;` from a stripped DOCTYPE ends up.
          this.fail(
            'XML_MALFORMED',
            /^[A-Za-z_:][\w.:-]*$/.test(ref) ? `undefined entity &${ref};` : "unescaped '&' (write &amp;)",
            p,
          );
        }
      }
      this.advanceAmp();
      if (once) return;
    }
  }

  /**
   * An attribute value [from, to) decoded (XML 1.0 §3.3.3: literal tab/CR/LF become spaces, character references
   * survive), with its references checked. Most values have neither, and are returned as they are.
   */
  private attrValue(from: number, to: number): string {
    const t = this.text;
    let plain = this.nextAmp >= to;
    if (plain) {
      for (let k = from; k < to; k++) {
        const c = t.charCodeAt(k);
        if (c === 9 || c === 10 || c === 13) {
          plain = false;
          break;
        }
      }
      if (plain) return t.slice(from, to);
    }
    this.checkEntities(from, to);
    return decodeAttr(t.slice(from, to));
  }

  run(): string {
    const t = this.text;
    const n = this.n;
    const { maxDepth, maxAttributes } = this.limits;
    const stack: string[] = [];
    const build = this.build;
    const elements: XmlElement[] = [];
    let rootName = '';
    let i = 0;

    while (i < n) {
      const lt = t.indexOf('<', i);
      const textEnd = lt < 0 ? n : lt;
      if (textEnd > i) {
        if (stack.length === 0) {
          for (let k = i; k < textEnd; k++) {
            if (!isWs(t.charCodeAt(k))) {
              this.fail('XML_MALFORMED', rootName ? 'text after the root element' : 'text before the root element', k);
            }
          }
        } else if (build) {
          elements[elements.length - 1]!.children.push({ type: 'text', value: this.textValue(i, textEnd) });
        } else {
          this.checkEntities(i, textEnd);
        }
      }
      if (lt < 0) break;
      i = lt;
      const c1 = t.charCodeAt(i + 1);

      if (c1 === QMARK) {
        const end = t.indexOf('?>', i + 2);
        if (end < 0) this.fail('XML_MALFORMED', 'unterminated processing instruction', i);
        const target = /^[^\s?]*/.exec(t.slice(i + 2, Math.min(end, i + 40)))?.[0] ?? '';
        if (target.toLowerCase() === 'xml' && (rootName !== '' || stack.length > 0)) {
          this.fail('XML_MALFORMED', 'XML declaration after the start of the document', i);
        }
        i = end + 2;
        continue;
      }

      if (c1 === BANG) {
        if (t.startsWith('<!--', i)) {
          const end = t.indexOf('-->', i + 4);
          if (end < 0) this.fail('XML_MALFORMED', 'unterminated comment', i);
          if (t.indexOf('--', i + 4) !== end)
            this.fail('XML_MALFORMED', "'--' inside a comment", t.indexOf('--', i + 4));
          i = end + 3;
          continue;
        }
        if (t.startsWith('<![CDATA[', i)) {
          if (stack.length === 0) this.fail('XML_MALFORMED', 'CDATA section outside the root element', i);
          const end = t.indexOf(']]>', i + 9);
          if (end < 0) this.fail('XML_MALFORMED', 'unterminated CDATA section', i);
          if (build) {
            elements[elements.length - 1]!.children.push({
              type: 'cdata',
              value: normaliseLineEnds(t.slice(i + 9, end)),
            });
          }
          i = end + 3;
          continue;
        }
        const word = t.slice(i + 2, i + 9).toUpperCase();
        if (word === 'DOCTYPE') this.fail('XML_DOCTYPE_FORBIDDEN', 'DOCTYPE declarations are not accepted', i);
        if (word.startsWith('ENTITY')) this.fail('XML_ENTITY_FORBIDDEN', 'ENTITY declarations are not accepted', i);
        this.fail('XML_MALFORMED', 'unexpected markup declaration', i);
      }

      if (c1 === SLASH) {
        const gt = t.indexOf('>', i + 2);
        if (gt < 0) this.fail('XML_MALFORMED', 'unterminated end tag', i);
        let nameEnd = gt;
        while (nameEnd > i + 2 && isWs(t.charCodeAt(nameEnd - 1))) nameEnd--;
        const name = t.slice(i + 2, nameEnd);
        const open = stack.pop();
        if (open === undefined) this.fail('XML_MALFORMED', `end tag </${name}> without a start tag`, i);
        if (open !== name) this.fail('XML_MALFORMED', `end tag </${name}> does not match <${open}>`, i);
        if (build) elements.pop();
        i = gt + 1;
        continue;
      }

      // ---- start tag
      if (stack.length === 0 && rootName !== '') this.fail('XML_MALFORMED', 'more than one root element', i);
      if (!isNameStart(t.charCodeAt(i + 1))) {
        this.fail('XML_MALFORMED', "'<' not followed by a valid name (write &lt;)", i);
      }
      let j = this.scanName(i + 1);
      const name = t.slice(i + 1, j);
      if (!this.nameOk) this.fail('XML_MALFORMED', `${qnameProblem(t, i + 1, j) ?? 'invalid name'}: <${name}`, i);
      const nameColon = this.colon;
      if (name === '__proto__') this.fail('XML_MALFORMED', `reserved element name ${name}`, i);

      // One lookup per tag: a '<' before the tag's own '>' means a '<' inside an attribute value.
      const nextLt = t.indexOf('<', j);
      let attrCount = 0;
      let attrNames: string[] | undefined;
      let attributes: Record<string, string> | undefined;
      /** Whether an attribute declares a namespace, or is prefixed (its prefix must be bound). */
      let declares = false;
      let prefixed = false;
      let selfClosing = false;
      for (;;) {
        const before = j;
        while (isWs(t.charCodeAt(j))) j++;
        const c = t.charCodeAt(j);
        if (c === GT) {
          j++;
          break;
        }
        if (c === SLASH) {
          if (t.charCodeAt(j + 1) !== GT) this.fail('XML_MALFORMED', "expected '/>'", j);
          j += 2;
          selfClosing = true;
          break;
        }
        if (Number.isNaN(c)) this.fail('XML_MALFORMED', `unterminated start tag <${name}>`, i);
        if (j === before) this.fail('XML_MALFORMED', 'missing whitespace between attributes', j);
        const nameStart = j;
        j = this.scanName(j);
        const attrName = t.slice(nameStart, j);
        if (!this.nameOk) {
          const problem = qnameProblem(t, nameStart, j) ?? 'invalid name';
          this.fail('XML_MALFORMED', `${problem}: attribute ${attrName} in <${name}>`, nameStart);
        }
        if (t.charCodeAt(nameStart) === 120 /* x */ && (attrName === 'xmlns' || attrName.startsWith('xmlns:'))) {
          declares = true;
        } else if (this.colon >= 0) {
          prefixed = true;
        }
        while (isWs(t.charCodeAt(j))) j++;
        if (t.charCodeAt(j) !== EQ) this.fail('XML_MALFORMED', `attribute ${attrName} has no value`, j);
        j++;
        while (isWs(t.charCodeAt(j))) j++;
        const q = t.charCodeAt(j);
        if (q !== DQUOTE && q !== SQUOTE) this.fail('XML_MALFORMED', `attribute ${attrName} value is not quoted`, j);
        const valueEnd = t.indexOf(q === DQUOTE ? '"' : "'", j + 1);
        if (valueEnd < 0) this.fail('XML_MALFORMED', `unterminated value of attribute ${attrName}`, j);
        if (nextLt >= 0 && nextLt < valueEnd)
          this.fail('XML_MALFORMED', `'<' in value of attribute ${attrName}`, nextLt);
        const valueStart = j + 1;
        if (!build) this.checkEntities(valueStart, valueEnd);
        j = valueEnd + 1;

        if (++attrCount > maxAttributes) {
          this.fail('XML_TOO_MANY_ATTRIBUTES', `element <${name}> has more than ${maxAttributes} attributes`, i);
        }
        if (attrName === '__proto__') this.fail('XML_MALFORMED', `reserved attribute name ${attrName}`, nameStart);
        if (attrNames === undefined) attrNames = [attrName];
        else if (attrNames.includes(attrName)) this.fail('XML_MALFORMED', `duplicate attribute ${attrName}`, nameStart);
        else attrNames.push(attrName);
        if (build) (attributes ??= {})[attrName] = this.attrValue(valueStart, valueEnd);
      }

      if (rootName === '') rootName = name;
      if (!selfClosing && stack.length >= maxDepth) {
        this.fail('XML_TOO_DEEP', `element nesting deeper than ${maxDepth}`, i);
      }
      if (build) {
        const parent = elements[elements.length - 1];
        const scope = parent ? parent.namespaces : BASE_SCOPE;
        const el = makeElement(name, nameColon, attributes ?? {}, declares, prefixed, scope, t, i);
        if (parent) parent.children.push(el);
        else this.root = el;
        if (!selfClosing) elements.push(el);
      }
      if (!selfClosing) stack.push(name);
      i = j;
    }

    if (stack.length > 0) this.fail('XML_MALFORMED', `element <${stack[stack.length - 1] ?? ''}> is not closed`, n);
    if (rootName === '') throw new XmlParseError('XML_EMPTY', 'no root element');
    return rootName;
  }
}

// ---------------------------------------------------------------------------------------------- tree building

const BASE_SCOPE: Readonly<Record<string, string>> = Object.freeze({ xml: XML_NAMESPACE });

/**
 * The references left after the scan are the five predefined entities and character references (the scan proved
 * it): decoded in one pass without a regular expression, because an escaped HL7 V3 message inside a SOAP parameter
 * holds thousands of them.
 */
function decodeRefs(s: string): string {
  let amp = s.indexOf('&');
  if (amp < 0) return s;
  let out = '';
  let from = 0;
  while (amp >= 0) {
    const semi = s.indexOf(';', amp + 1);
    out += s.slice(from, amp);
    const c = s.charCodeAt(amp + 1);
    if (c === 35 /* # */) {
      const hex = s.charCodeAt(amp + 2) === 120; /* x */
      out += String.fromCodePoint(Number.parseInt(s.slice(amp + (hex ? 3 : 2), semi), hex ? 16 : 10));
    } else {
      const name = s.slice(amp + 1, semi);
      out += name === 'lt' ? '<' : name === 'gt' ? '>' : name === 'amp' ? '&' : name === 'quot' ? '"' : "'";
    }
    from = semi + 1;
    amp = s.indexOf('&', from);
  }
  return out + s.slice(from);
}

/** XML 1.0 §2.11: CRLF and lone CR become LF. */
function normaliseLineEnds(s: string): string {
  return s.indexOf('\r') < 0 ? s : s.replace(/\r\n?/g, '\n');
}

/** XML 1.0 §3.3.3: literal tab/CR/LF in an attribute value become spaces (character references survive). */
function decodeAttr(raw: string): string {
  return decodeRefs(/[\t\n\r]/.test(raw) ? raw.replace(/\r\n|[\t\n\r]/g, ' ') : raw);
}

function makeElement(
  name: string,
  colon: number,
  attributes: Record<string, string>,
  declares: boolean,
  prefixed: boolean,
  parentScope: Readonly<Record<string, string>>,
  text: string,
  at: number,
): XmlElement {
  let scope = parentScope;
  if (declares) {
    const writable: Record<string, string> = { ...parentScope };
    for (const key in attributes) {
      if (key !== 'xmlns' && !key.startsWith('xmlns:')) continue;
      const value = attributes[key]!;
      const prefix = key === 'xmlns' ? '' : key.slice(6);
      if (prefix !== '' && value === '') {
        failAt('XML_MALFORMED', `namespace prefix ${prefix} bound to an empty URI`, text, at);
      }
      if (value === '') delete writable[''];
      else writable[prefix] = value;
    }
    scope = writable;
  }
  if (prefixed) {
    for (const key in attributes) {
      const c = key.indexOf(':');
      if (c > 0) {
        const p = key.slice(0, c);
        if (p !== 'xmlns' && scope[p] === undefined) {
          failAt('XML_MALFORMED', `unbound namespace prefix "${p}" on attribute ${key} of <${name}>`, text, at);
        }
      }
    }
  }
  // colon is an index into the document; the name starts just after the '<' at `at`.
  const local = colon < 0 ? -1 : colon - at - 1;
  const prefix = local < 0 ? '' : name.slice(0, local);
  const localName = local < 0 ? name : name.slice(local + 1);
  let namespaceURI: string | null;
  if (prefix === '') {
    namespaceURI = scope[''] ?? null;
  } else {
    const uri = scope[prefix];
    if (uri === undefined) failAt('XML_MALFORMED', `unbound namespace prefix "${prefix}" on <${name}>`, text, at);
    namespaceURI = uri;
  }
  return { type: 'element', name, prefix, localName, namespaceURI, attributes, children: [], namespaces: scope };
}

/** Length-checked match of `&lt;` `&gt;` `&amp;` `&quot;` `&apos;` at p; the index after the `;`, or 0. */
function predefinedEntityEnd(t: string, p: number, to: number): number {
  const c1 = t.charCodeAt(p + 1);
  const c2 = t.charCodeAt(p + 2);
  if ((c1 === 108 /* l */ || c1 === 103) /* g */ && c2 === 116 /* t */ && t.charCodeAt(p + 3) === 59) {
    return p + 4 <= to ? p + 4 : 0;
  }
  if (c1 === 97 /* a */) {
    if (c2 === 109 && t.charCodeAt(p + 3) === 112 && t.charCodeAt(p + 4) === 59) return p + 5 <= to ? p + 5 : 0;
    if (c2 === 112 && t.startsWith('os;', p + 3)) return p + 6 <= to ? p + 6 : 0;
    return 0;
  }
  if (c1 === 113 /* q */ && c2 === 117 && t.startsWith('ot;', p + 3)) return p + 6 <= to ? p + 6 : 0;
  return 0;
}

function predefinedEntityChar(c1: number, c2: number): string {
  if (c1 === 108) return '<';
  if (c1 === 103) return '>';
  if (c1 === 113) return '"';
  return c2 === 109 ? '&' : "'";
}

function failAt(code: XmlErrorCode, message: string, text: string, at: number): never {
  throw new XmlParseError(code, message, positionOf(text, at));
}

/**
 * Runs every pre-check (size, encoding, DOCTYPE/ENTITY, depth, attribute count, well-formedness) and returns the
 * decoded text. Throws {@link XmlParseError}. Exported so that code handing XML to another parser (libxml2 for XSD
 * validation) goes through the same gate.
 */
export function checkXmlSafety(input: string | Uint8Array, limits?: XmlLimits): CheckedXml {
  return scanXml(input, limits, false).checked;
}

/** The safety gate and, in the same pass, the tree (see parse.ts). */
export function scanXml(
  input: string | Uint8Array,
  limits: XmlLimits | undefined,
  build: boolean,
): { checked: CheckedXml; root: XmlElement | undefined } {
  const lim = resolveLimits(limits);
  const { text, encoding } = decodeInput(input, lim.maxBytes);
  const bad = FORBIDDEN_CHARS.exec(text);
  if (bad) {
    const cp = bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    failAt('XML_MALFORMED', `character U+${cp} is not allowed in XML`, text, bad.index);
  }
  const scanner = new Scanner(text, lim, build);
  const rootName = scanner.run();
  return { checked: { text, encoding, rootName }, root: scanner.root };
}
