// Parsing and serialising: byte-exact round trips of the corpus, leniency towards sloppy senders, one error type with
// stable codes for input that is not a message, and a fuzz pass that may only ever raise Hl7ParseError.

import { describe, expect, it } from 'vitest';
import { corpusBytes, corpusFiles, corpusText } from './corpus.testutil.js';
import {
  decodeHl7Buffer,
  encodeHl7,
  extractIndexFields,
  describeSegments,
  buildAck,
  Hl7ParseError,
  parseHl7,
  serializeHl7,
} from './index.js';
import type { Hl7ErrorCode } from './index.js';

const files = corpusFiles();

function parseError(fn: () => unknown): Hl7ParseError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(Hl7ParseError);
    return e as Hl7ParseError;
  }
  throw new Error('expected Hl7ParseError, nothing was thrown');
}

describe('corpus round trip', () => {
  it('has the 14 corpus messages', () => {
    expect(files).toHaveLength(14);
  });

  it.each(files)('%s round-trips byte for byte from text', (name) => {
    const text = corpusText(name);
    const msg = parseHl7(text);
    expect(serializeHl7(msg)).toBe(text);
    expect(msg.modified).toBe(false);
  });

  it.each(files)('%s round-trips byte for byte from bytes', (name) => {
    const bytes = corpusBytes(name);
    const msg = decodeHl7Buffer(bytes);
    expect(encodeHl7(msg).equals(bytes)).toBe(true);
  });

  it.each(files)('%s re-serialises canonically to the same segments', (name) => {
    const msg = parseHl7(corpusText(name));
    const canonical = serializeHl7(msg, { canonical: true });
    expect(canonical.startsWith('MSH')).toBe(true);
    expect(canonical.endsWith('\r')).toBe(true);
    expect(canonical).not.toContain('\n');
    const again = parseHl7(canonical);
    expect(again.segments.map((s) => s.toString())).toEqual(msg.segments.map((s) => s.toString()));
  });

  it('keeps BOM, LF and a missing final terminator as they were', () => {
    const withBom = corpusText('ADT04-251.hl7');
    expect(withBom.charCodeAt(0)).toBe(0xfeff);
    expect(withBom.endsWith('\n')).toBe(false);
    const msg = parseHl7(withBom);
    expect(msg.hasBom).toBe(true);
    expect(msg.lineEnding).toBe('\n');
    expect(msg.toString()).toBe(withBom);
  });
});

describe('lenient parsing', () => {
  const segs = ['MSH|^~\\&|APP|FAC|||20240101||ADT^A01|X1|P|2.5', 'PID|1||123^^^H^MR||DOE^JOHN', 'PV1|1|I'];

  it.each([
    ['CR', '\r'],
    ['LF', '\n'],
    ['CRLF', '\r\n'],
  ])('accepts %s terminators and round-trips them', (_label, term) => {
    const text = segs.join(term) + term;
    const msg = parseHl7(text);
    expect(msg.segments.map((s) => s.name)).toEqual(['MSH', 'PID', 'PV1']);
    expect(msg.get('PID-5.2')).toBe('JOHN');
    expect(msg.toString()).toBe(text);
    expect(msg.lineEnding).toBe(term);
  });

  it('accepts mixed terminators, with a warning', () => {
    const text = `${segs[0]}\r${segs[1]}\n${segs[2]}\r\n`;
    const msg = parseHl7(text);
    expect(msg.segments).toHaveLength(3);
    expect(msg.warnings.join()).toMatch(/inconsistently/);
    expect(msg.toString()).toBe(text);
  });

  it('accepts a CR-only message without warnings', () => {
    const msg = parseHl7(segs.join('\r') + '\r');
    expect(msg.warnings).toEqual([]);
  });

  it('ignores leading/trailing whitespace, blank lines and MLLP framing bytes', () => {
    const text = `\u000b\r\n  \n${segs[0]}\r\r\n${segs[1]}\r\n   \r\n${segs[2]}\u001c\r\n\n  `;
    const msg = parseHl7(text);
    expect(msg.segments.map((s) => s.name)).toEqual(['MSH', 'PID', 'PV1']);
    expect(msg.get('PV1-2')).toBe('I');
    expect(msg.warnings.join()).toMatch(/blank lines/);
    expect(msg.toString()).toBe(text);
    expect(msg.toString({ canonical: true })).toBe(segs.join('\r') + '\r');
  });

  it('accepts a missing final terminator', () => {
    const msg = parseHl7(segs.join('\r'));
    expect(msg.get('PV1-2')).toBe('I');
  });

  it('warns about empty MSH-9, MSH-10 and MSH-12 but still parses', () => {
    const msg = parseHl7('MSH|^~\\&|A|B');
    expect(msg.warnings).toEqual([
      'MSH-9 (message type) is empty',
      'MSH-10 (message control id) is empty',
      'MSH-12 (version) is empty',
    ]);
    expect(parseHl7('MSH|^~\\&').warnings).toHaveLength(3);
  });

  it('uses the delimiters the message declares', () => {
    const msg = parseHl7('MSH#*@!%#APP#FAC#####ADT*A01#C1#P#2.5\rPID#1##123*x*y@z%w##DOE*JANE@MARY');
    expect(msg.delimiters).toMatchObject({
      field: '#',
      component: '*',
      repetition: '@',
      escape: '!',
      subcomponent: '%',
    });
    expect(msg.get('MSH-9.2')).toBe('A01');
    expect(msg.get('PID-3.1')).toBe('123');
    expect(msg.get('PID-3[2].1')).toBe('z%w');
    expect(msg.get('PID-3[2].1.2')).toBe('w');
    expect(msg.get('PID-5[1].2')).toBe('JANE');
    expect(msg.get('MSH-1')).toBe('#');
    expect(msg.get('MSH-2')).toBe('*@!%');
  });

  it('reads the v2.7 truncation character', () => {
    const msg = parseHl7('MSH|^~\\&#|A|B|||||ADT^A01|1|P|2.7\rNTE|1||50\\P\\ off');
    expect(msg.delimiters.truncation).toBe('#');
    expect(msg.get('NTE-3')).toBe('50# off');
    expect(msg.toString()).toBe('MSH|^~\\&#|A|B|||||ADT^A01|1|P|2.7\rNTE|1||50\\P\\ off');
  });

  it('accepts three encoding characters, assuming "&", with a warning', () => {
    const msg = parseHl7('MSH|^~\\|A|B|||||ADT^A01|1|P|2.3');
    expect(msg.delimiters.subcomponent).toBe('&');
    expect(msg.warnings.join()).toMatch(/subcomponent separator/);
  });

  it('warns about odd segment names and repeated MSH', () => {
    const msg = parseHl7('MSH|^~\\&|||||||ADT^A01|1|P|2.5\rhello world\rMSH|^~\\&|||||||ADT^A01|2|P|2.5');
    expect(msg.warnings.join()).toMatch(/unusual name/);
    expect(msg.warnings.join()).toMatch(/more than one MSH/);
    expect(msg.segments).toHaveLength(3);
  });
});

describe('malformed input', () => {
  const cases: Array<[string, unknown, Hl7ErrorCode]> = [
    ['empty string', '', 'HL7V2_EMPTY'],
    ['whitespace only', ' \r\n\t\r\n', 'HL7V2_EMPTY'],
    ['BOM only', '\uFEFF', 'HL7V2_EMPTY'],
    ['no MSH', 'PID|1||123', 'HL7V2_NO_MSH'],
    ['text before MSH', 'hello\rMSH|^~\\&|A', 'HL7V2_NO_MSH'],
    ['batch header', 'FHS|^~\\&|A\rBHS|^~\\&|A\rMSH|^~\\&|A', 'HL7V2_NO_MSH'],
    ['JSON', '{"resourceType":"Patient"}', 'HL7V2_NO_MSH'],
    ['MSH alone', 'MSH', 'HL7V2_MSH_TOO_SHORT'],
    ['MSH with field separator only', 'MSH|', 'HL7V2_MSH_TOO_SHORT'],
    ['MSH cut in MSH-2', 'MSH|^~\r', 'HL7V2_MSH_TOO_SHORT'],
    ['letter as field separator', 'MSHA^~\\&A', 'HL7V2_BAD_DELIMITERS'],
    ['space as field separator', 'MSH ^~\\& APP', 'HL7V2_BAD_DELIMITERS'],
    ['digit in encoding characters', 'MSH|^~\\1|A|B', 'HL7V2_BAD_DELIMITERS'],
    ['duplicate encoding character', 'MSH|^^\\&|A|B', 'HL7V2_BAD_DELIMITERS'],
    ['field separator repeated in MSH-2', 'MSH|^~|&|A|B', 'HL7V2_BAD_DELIMITERS'],
    ['too many encoding characters', 'MSH|^~\\&#*!|A|B', 'HL7V2_BAD_DELIMITERS'],
    ['too few encoding characters', 'MSH|^~|A|B|C|D', 'HL7V2_BAD_DELIMITERS'],
    ['control character as delimiter', 'MSH|^~\\\u0001|A|B', 'HL7V2_BAD_DELIMITERS'],
    ['not a string', 42, 'HL7V2_BAD_INPUT'],
    ['null', null, 'HL7V2_BAD_INPUT'],
  ];

  it.each(cases)('%s → %s', (_label, input, code) => {
    const err = parseError(() => parseHl7(input as string));
    expect(err.code).toBe(code);
    expect(err.name).toBe('Hl7ParseError');
    expect(err.message.length).toBeGreaterThan(10);
  });

  it('binary garbage → HL7V2_NO_MSH (text) or HL7V2_NO_MSH (bytes)', () => {
    const garbage = Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 7919 + 13) % 256));
    expect(parseError(() => decodeHl7Buffer(garbage)).code).toBe('HL7V2_NO_MSH');
    expect(parseError(() => parseHl7(garbage.toString('latin1'))).code).toBe('HL7V2_NO_MSH');
  });

  it('empty buffer → HL7V2_EMPTY; non-buffer → HL7V2_BAD_INPUT', () => {
    expect(parseError(() => decodeHl7Buffer(Buffer.alloc(0))).code).toBe('HL7V2_EMPTY');
    expect(parseError(() => decodeHl7Buffer('MSH' as unknown as Buffer)).code).toBe('HL7V2_BAD_INPUT');
  });
});

describe('fuzz: mutations of corpus messages', () => {
  // Deterministic PRNG (mulberry32) so a failure reproduces.
  function rng(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  const specials = [
    '|',
    '^',
    '~',
    '\\',
    '&',
    '#',
    '\r',
    '\n',
    '\r\n',
    '\u0000',
    '\uFEFF',
    '\u001c',
    '\u000b',
    ' ',
    'MSH',
    '\\X',
    '\\.br\\',
    '张',
  ];

  function mutate(text: string, r: () => number): string {
    let t = text;
    const n = 1 + Math.floor(r() * 6);
    for (let k = 0; k < n; k++) {
      const at = Math.floor(r() * (t.length + 1));
      const op = Math.floor(r() * 5);
      if (op === 0)
        t = t.slice(0, at); // truncate
      else if (op === 1)
        t = t.slice(0, at) + t.slice(at + 1 + Math.floor(r() * 20)); // delete
      else if (op === 2) t = t.slice(0, at) + (specials[Math.floor(r() * specials.length)] ?? '') + t.slice(at);
      else if (op === 3) t = t.slice(0, at) + String.fromCharCode(Math.floor(r() * 0x3000)) + t.slice(at);
      else t = t.slice(at) + t.slice(0, at); // rotate
    }
    return t;
  }

  it('never throws anything but Hl7ParseError, and round-trips what it accepts', () => {
    const texts = files.map(corpusText);
    const r = rng(20240601);
    let accepted = 0;
    for (let i = 0; i < 3000; i++) {
      const input = mutate(texts[i % texts.length] as string, r);
      try {
        const msg = parseHl7(input);
        accepted++;
        expect(msg.toString()).toBe(input);
        msg.get('PID-5.1.1');
        msg.getAll('OBX-5');
        extractIndexFields(msg);
        describeSegments(msg);
        buildAck(msg, { code: 'AE', text: 'x', errorLocation: 'PID-3', controlId: 'C' }).toString();
        msg.set('ZZZ[2]-3[2].1.2', 'a|b');
        parseHl7(msg.toString()); // canonical output of an edited message parses again
        encodeHl7(msg);
      } catch (e) {
        if (!(e instanceof Hl7ParseError)) throw e;
      }
      try {
        decodeHl7Buffer(Buffer.from(input, i % 2 ? 'utf8' : 'latin1'));
      } catch (e) {
        if (!(e instanceof Hl7ParseError)) throw e;
      }
    }
    expect(accepted).toBeGreaterThan(500);
  });

  it('handles a large message in linear time (no hang)', () => {
    const big = 'MSH|^~\\&|A|B|||||ORU^R01|1|P|2.5\r' + 'OBX|1|ST|X||' + 'a^b&c~'.repeat(200_000) + '\r';
    const msg = parseHl7(big + 'NTE|1'.repeat(1));
    expect(msg.getAll('OBX-5.1')).toHaveLength(200_001);
    expect(msg.segments).toHaveLength(3);
  });
});
