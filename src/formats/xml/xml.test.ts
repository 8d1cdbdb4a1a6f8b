// Safety and fidelity tests for the XML entry points. Every attack must fail in the gate, with its own code,
// for both parseXmlSafe and parseXmlDom.

import { readFileSync } from 'node:fs';
import { ParseOption, XmlDocument as LibXmlDocument } from 'libxml2-wasm';
import { describe, expect, it } from 'vitest';
import {
  checkXmlSafety,
  descend,
  getAttr,
  parseXmlDom,
  parseXmlSafe,
  serializeXml,
  textContent,
  walkElements,
  XmlParseError,
} from './index.js';
import type { XmlErrorCode } from './index.js';

function codeOf(fn: () => unknown): XmlErrorCode | 'no error' {
  try {
    fn();
  } catch (err) {
    if (err instanceof XmlParseError) return err.code;
    throw err;
  }
  return 'no error';
}

const both = [
  ['parseXmlSafe', (x: string | Buffer) => parseXmlSafe(x)],
  ['parseXmlDom', (x: string | Buffer) => parseXmlDom(x)],
] as const;

const XXE_FILE = `<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n<x>&e;</x>`;
const XXE_HTTP = `<!DOCTYPE x [<!ENTITY e SYSTEM "http://169.254.169.254/latest/meta-data/">]><x>&e;</x>`;
const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<lolz>&lol9;</lolz>`;
const QUADRATIC = `<!DOCTYPE q [<!ENTITY a "${'x'.repeat(50_000)}">]><q>${'&a;'.repeat(50_000)}</q>`;

describe('XML safety gate', () => {
  for (const [label, parse] of both) {
    describe(label, () => {
      it('rejects XXE file entities', () => expect(codeOf(() => parse(XXE_FILE))).toBe('XML_DOCTYPE_FORBIDDEN'));
      it('rejects XXE http entities', () => expect(codeOf(() => parse(XXE_HTTP))).toBe('XML_DOCTYPE_FORBIDDEN'));
      it('rejects billion laughs', () => expect(codeOf(() => parse(BILLION_LAUGHS))).toBe('XML_DOCTYPE_FORBIDDEN'));
      it('rejects quadratic blow-up', () => expect(codeOf(() => parse(QUADRATIC))).toBe('XML_DOCTYPE_FORBIDDEN'));
      it('rejects a DOCTYPE hidden after a comment and a PI', () => {
        const x = `<?xml version="1.0"?><!-- harmless --><?foo bar?>\n<!-- <!DOCTYPE in a comment is fine -->\n<!doctype x SYSTEM "http://evil/x.dtd"><x/>`;
        expect(codeOf(() => parse(x))).toBe('XML_DOCTYPE_FORBIDDEN');
      });
      it('rejects a bare ENTITY declaration', () => {
        expect(codeOf(() => parse('<!ENTITY e "x"><x/>'))).toBe('XML_ENTITY_FORBIDDEN');
      });
      it('rejects references to undefined entities', () => {
        expect(codeOf(() => parse('<x>&e;</x>'))).toBe('XML_MALFORMED');
      });
      it('rejects 100k nesting levels without recursing', () => {
        const deep = '<a>'.repeat(100_000) + '</a>'.repeat(100_000);
        const err = (() => {
          try {
            parse(deep);
          } catch (e) {
            return e;
          }
          return undefined;
        })();
        expect(err).toBeInstanceOf(XmlParseError);
        expect((err as XmlParseError).code).toBe('XML_TOO_DEEP');
        expect((err as XmlParseError).column).toBe(256 * 3 + 1);
      });
      it('rejects input over the size limit', () => {
        expect(codeOf(() => parseXmlSafe(`<a>${'x'.repeat(2000)}</a>`, { maxBytes: 1000 }))).toBe('XML_TOO_LARGE');
        expect(codeOf(() => parseXmlDom(Buffer.from(`<a>${'中'.repeat(400)}</a>`), { maxBytes: 1000 }))).toBe(
          'XML_TOO_LARGE',
        );
      });
      it('rejects too many attributes', () => {
        const attrs = Array.from({ length: 200 }, (_, i) => `a${i}="${i}"`).join(' ');
        expect(codeOf(() => parse(`<x ${attrs}/>`))).toBe('XML_TOO_MANY_ATTRIBUTES');
      });
      it('accepts a UTF-8 BOM (string and bytes)', () => {
        const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<?xml version="1.0"?><a>中文</a>')]);
        expect(codeOf(() => parse(bytes))).toBe('no error');
        expect(codeOf(() => parse('\uFEFF<a>中文</a>'))).toBe('no error');
      });
      it.each([
        ['mismatched tags', '<a><b></a>'],
        ['unclosed element', '<a><b></b>'],
        ['two roots', '<a/><b/>'],
        ['text after root', '<a/>junk'],
        ['unquoted attribute', '<a x=1/>'],
        ['duplicate attribute', '<a x="1" x="2"/>'],
        ['< in attribute', '<a x="<"/>'],
        ['bare ampersand', '<a>fish & chips</a>'],
        ['control character', '<a>\u0001</a>'],
        ['unbound prefix', '<p:a/>'],
        ['unterminated comment', '<a><!-- x</a>'],
        ['-- inside a comment', '<a><!-- a -- b --></a>'],
        ['leading colon in a name', '<:a/>'],
        ['bad character in a name', '<a b#c="1"/>'],
      ])('rejects malformed XML: %s', (_label, x) => {
        expect(codeOf(() => parse(x))).toBe('XML_MALFORMED');
      });
      it('rejects empty input', () => expect(codeOf(() => parse('  '))).toBe('XML_EMPTY'));
    });
  }

  it('reports line and column', () => {
    try {
      parseXmlSafe('<a>\n  <b>\n</a>');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(XmlParseError);
      expect((err as XmlParseError).line).toBe(3);
      expect((err as XmlParseError).column).toBe(1);
      expect((err as XmlParseError).message).toContain('</a> does not match <b>');
    }
  });

  it('leaves <!DOCTYPE inside CDATA alone', () => {
    const doc = parseXmlSafe('<a><![CDATA[<!DOCTYPE html><html/>]]></a>');
    expect(textContent(doc.root)).toBe('<!DOCTYPE html><html/>');
  });

  it('decodes GBK bytes when the declaration says so', () => {
    const gbk = Buffer.concat([
      Buffer.from('<?xml version="1.0" encoding="GBK"?><name>'),
      Buffer.from([0xd5, 0xc5, 0xc8, 0xfd]), // 张三
      Buffer.from('</name>'),
    ]);
    const doc = parseXmlSafe(gbk);
    expect(textContent(doc.root)).toBe('张三');
    expect(doc.encoding).toBe('gb18030');
  });

  it('rejects bytes that are not valid in the declared encoding', () => {
    const bad = Buffer.concat([Buffer.from('<a>'), Buffer.from([0xd5, 0xc5]), Buffer.from('</a>')]);
    expect(codeOf(() => parseXmlSafe(bad))).toBe('XML_BAD_ENCODING');
  });

  it('checkXmlSafety returns decoded text and root name', () => {
    expect(checkXmlSafety('\uFEFF<r:x xmlns:r="u"/>')).toEqual({
      text: '<r:x xmlns:r="u"/>',
      encoding: 'utf-16',
      rootName: 'r:x',
    });
  });
});

describe('parseXmlSafe tree', () => {
  const src = `<?xml version="1.0" encoding="UTF-8"?>
<!-- comment -->
<s:Envelope xmlns:s="urn:s" xmlns="urn:hl7-org:v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <s:Body>
    <msg a="1 &amp; 2 &#20013;&#x6587;" b='x&#10;y' c="p
q">x &lt; y &amp;lt; &#x4e2d;<![CDATA[<raw>&amp;</raw>]]><value xsi:type="INT"/><plain xmlns=""/></msg>
  </s:Body>
</s:Envelope>`;
  const doc = parseXmlSafe(src);

  it('resolves namespaces and keeps prefixes', () => {
    expect(doc.root).toMatchObject({ name: 's:Envelope', prefix: 's', localName: 'Envelope', namespaceURI: 'urn:s' });
    const msg = descend(doc.root, 'Body', 'msg');
    expect(msg?.namespaceURI).toBe('urn:hl7-org:v3');
    expect(descend(msg, 'plain')?.namespaceURI).toBeNull();
    expect(getAttr(descend(msg, 'value') ?? doc.root, 'type', 'http://www.w3.org/2001/XMLSchema-instance')).toBe('INT');
  });

  it('decodes entities exactly once and normalises attribute whitespace', () => {
    const msg = descend(doc.root, 'Body', 'msg');
    expect(msg?.attributes).toEqual({ a: '1 & 2 中文', b: 'x\ny', c: 'p q' });
    expect(msg?.children.slice(0, 2)).toEqual([
      { type: 'text', value: 'x < y &lt; 中' },
      { type: 'cdata', value: '<raw>&amp;</raw>' },
    ]);
  });

  it('normalises literal line ends before decoding references, so character references survive', () => {
    const root = parseXmlSafe('<r x="a\r\nb&#13;&#9;c&amp;\td">p\r\nq &lt;\rr&#13;s&#xD;&#10;t<e/>\r\n</r>').root;
    expect(root.attributes.x).toBe('a b\r\tc& d');
    expect(root.children[0]).toEqual({ type: 'text', value: 'p\nq <\nr\rs\r\nt' });
    expect(root.children[2]).toEqual({ type: 'text', value: '\n' });
  });

  it("skips '&' in comments, PIs and CDATA before checking a later text's references", () => {
    const root = parseXmlSafe('<r><!-- a & b --><?pi & ?><![CDATA[&]]><a>x &amp; y</a></r>').root;
    expect(textContent(descend(root, 'a')!)).toBe('x & y');
    expect(() => parseXmlSafe('<r><!-- & --><a>x & y</a></r>')).toThrow(/unescaped '&'/);
  });

  it('serialises a subtree with the namespace bindings it needs', () => {
    const msg = descend(doc.root, 'Body', 'msg');
    if (!msg) throw new Error('missing msg');
    const out = serializeXml(msg);
    expect(out).toBe(
      '<msg a="1 &amp; 2 中文" b="x&#10;y" c="p q" xmlns="urn:hl7-org:v3">x &lt; y &amp;lt; 中<![CDATA[<raw>&amp;</raw>]]>' +
        '<value xsi:type="INT" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/><plain xmlns=""/></msg>',
    );
    // And the serialised subtree parses back to the same content.
    const again = parseXmlSafe(out).root;
    expect(again.attributes.a).toBe('1 & 2 中文');
    expect(descend(again, 'plain')?.namespaceURI).toBeNull();
  });

  it('walks elements in document order with ancestors', () => {
    const seen: string[] = [];
    walkElements(doc.root, (el, anc) => {
      seen.push(`${anc.length}:${el.localName}`);
    });
    expect(seen).toEqual(['0:Envelope', '1:Body', '2:msg', '3:value', '3:plain']);
  });
});

describe('mutation fuzzing against libxml2 and xmldom', () => {
  // Single-character mutations of a real message, deterministic seed. The gate must only ever throw
  // XmlParseError, parseXmlSafe and parseXmlDom must agree, and nothing libxml2 accepts may be rejected. The one
  // accepted difference: libxml2 also rejects namespace declarations whose value is not a valid URI, which for us
  // are just strings compared exactly.
  const msg = readFileSync(
    new URL('../../../../shared/corpus/hl7v3/testcases/EMR-PL-04-个人信息查询服务-T01.xml', import.meta.url),
    'utf8',
  );
  const nsValueRanges = [...msg.matchAll(/xmlns(?::[\w-]+)?="([^"]*)"/g)].map((m) => {
    const start = (m.index ?? 0) + m[0].indexOf('"') + 1;
    return [start, start + (m[1] ?? '').length] as const;
  });
  const accepts = (fn: () => unknown): boolean => {
    try {
      fn();
      return true;
    } catch (err) {
      if (err instanceof XmlParseError) return false;
      throw err;
    }
  };
  const libxml2Accepts = (x: string): boolean => {
    try {
      LibXmlDocument.fromString(x, { option: ParseOption.XML_PARSE_NONET | ParseOption.XML_PARSE_NO_XXE }).dispose();
      return true;
    } catch {
      return false;
    }
  };

  it('agrees on 1500 mutants', () => {
    let seed = 42;
    const rnd = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const alphabet = '<>&"\'/= a:!?]-;#';
    const problems: string[] = [];
    for (let i = 0; i < 1500; i++) {
      const p = Math.floor(rnd() * msg.length);
      const op = rnd();
      const ch = alphabet[Math.floor(rnd() * alphabet.length)] ?? 'a';
      const x =
        op < 0.33
          ? msg.slice(0, p) + msg.slice(p + 1)
          : op < 0.66
            ? msg.slice(0, p) + ch + msg.slice(p)
            : msg.slice(0, p) + ch + msg.slice(p + 1);
      const safe = accepts(() => parseXmlSafe(x));
      const dom = accepts(() => parseXmlDom(x));
      const lib = libxml2Accepts(x);
      const inNsValue = nsValueRanges.some(([s, e]) => p >= s && p <= e);
      if (safe !== dom || (lib && !safe) || (!lib && safe && !inNsValue)) {
        problems.push(
          `safe=${safe} dom=${dom} libxml2=${lib}: ${JSON.stringify(x.slice(Math.max(0, p - 20), p + 20))}`,
        );
      }
    }
    expect(problems).toEqual([]);
  });
});
