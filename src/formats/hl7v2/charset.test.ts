// Character sets from MSH-18: GB 18030-2000, GBK, UNICODE UTF-8, 8859/1 and the ASCII/empty default, decoded from
// bytes and encoded back. Messages are built here with iconv-lite, as a Chinese HIS would send them.

import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeHl7Buffer, encodeHl7, extractIndexFields, Hl7ParseError, parseHl7, sniffCharsetLabel } from './index.js';

function message(charset: string, extra = ''): string {
  return (
    `MSH|^~\\&|HIS|人民医院${extra}|LIS|检验科|20240101120000||ADT^A01^ADT_A01|MSG0001|P|2.5|||||CHN|${charset}\r` +
    'PID|1||P001^^^HIS^PI~110101198001011234^^^CHN^NI||张^三丰||19800101|M|||北京市东城区\r' +
    'PV1|1|I|心内科^101^3||||||||||||||||V2024001\r'
  );
}

// A character whose GBK encoding has "|" (0x7C) as its second byte: a naive byte scan of MSH would miscount fields.
function gbkCharWithPipeTrailByte(): string {
  for (let c = 0x4e00; c < 0x9fa5; c++) {
    const ch = String.fromCharCode(c);
    const b = iconv.encode(ch, 'gbk');
    if (b.length === 2 && b[1] === 0x7c) return ch;
  }
  throw new Error('no such character');
}

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof Hl7ParseError) return e.code;
    throw e;
  }
  return 'no error';
}

describe('decodeHl7Buffer / encodeHl7', () => {
  it.each([
    ['GB 18030-2000', 'gb18030'],
    ['GBK', 'gbk'],
    ['UNICODE UTF-8', 'utf8'],
  ])('%s: decodes Chinese names and encodes back byte for byte', (label, codec) => {
    const text = message(label);
    const bytes = iconv.encode(text, codec);
    const msg = decodeHl7Buffer(bytes);
    expect(msg.charset).toBe(label);
    expect(msg.get('MSH-4')).toBe('人民医院');
    expect(msg.get('PID-5.1')).toBe('张');
    expect(msg.get('PID-11')).toBe('北京市东城区');
    expect(extractIndexFields(msg).patientName).toBe('张三丰');
    expect(msg.warnings).toEqual([]);
    expect(encodeHl7(msg).equals(bytes)).toBe(true);

    msg.set('PID-5.2', '四');
    const out = encodeHl7(msg);
    expect(iconv.decode(out, codec)).toContain('PID|1||P001^^^HIS^PI~110101198001011234^^^CHN^NI||张^四||');
    expect(decodeHl7Buffer(out).get('PID-5.2')).toBe('四');
  });

  it('GB18030 four-byte characters survive (outside GBK)', () => {
    const text = message('GB 18030-2000').replace('三丰', '𠀀丰'); // U+20000, four bytes in GB18030
    const bytes = iconv.encode(text, 'gb18030');
    const msg = decodeHl7Buffer(bytes);
    expect(msg.get('PID-5.2')).toBe('𠀀丰');
    msg.set('PID-5.1', '㐀');
    expect(decodeHl7Buffer(encodeHl7(msg)).get('PID-5')).toBe('㐀^𠀀丰');
  });

  it('finds MSH-18 behind GBK characters whose second byte is "|"', () => {
    const ch = gbkCharWithPipeTrailByte();
    const bytes = iconv.encode(message('GBK', ch), 'gbk');
    expect(sniffCharsetLabel(bytes)).toBe('GBK');
    const msg = decodeHl7Buffer(bytes);
    expect(msg.get('MSH-4')).toBe(`人民医院${ch}`);
    expect(msg.get('PID-5.1')).toBe('张');
  });

  it('8859/1 decodes Latin-1 and refuses characters it cannot encode', () => {
    const text = 'MSH|^~\\&|A|B|||||ADT^A01|1|P|2.5|||||DEU|8859/1\rPID|1||1||Müller^Zoë\r';
    const bytes = iconv.encode(text, 'latin1');
    expect(bytes.includes(0xfc)).toBe(true);
    const msg = decodeHl7Buffer(bytes);
    expect(msg.get('PID-5')).toBe('Müller^Zoë');
    expect(encodeHl7(msg).equals(bytes)).toBe(true);
    msg.set('PID-5.2', 'Zoé');
    expect(encodeHl7(msg).includes(0xe9)).toBe(true);
    msg.set('PID-5.1', '张');
    expect(code(() => encodeHl7(msg))).toBe('HL7V2_UNENCODABLE');
    expect(iconv.decode(encodeHl7(msg, { charset: 'UNICODE UTF-8' }), 'utf8')).toContain('张^Zoé');
  });

  it('no MSH-18: UTF-8 by default, or the fallback the adapter configures', () => {
    const text = message('');
    const utf8 = decodeHl7Buffer(Buffer.from(text, 'utf8'));
    expect(utf8.charset).toBe('');
    expect(utf8.get('PID-5.1')).toBe('张');

    const gbkBytes = iconv.encode(text, 'gbk');
    const gbk = decodeHl7Buffer(gbkBytes, 'GBK');
    expect(gbk.get('PID-5.1')).toBe('张');
    expect(gbk.warnings.join()).toMatch(/MSH-18 is empty; decoded as GBK/);
    gbk.set('PID-5.2', '四');
    // Re-encoded in the charset it was decoded with, since MSH-18 still names none.
    expect(iconv.decode(encodeHl7(gbk), 'gbk')).toContain('张^四');
  });

  it('ASCII label: plain bytes decode; stray high bytes fall back with a warning', () => {
    const ascii = decodeHl7Buffer(Buffer.from('MSH|^~\\&|A|B|||||ADT^A01|1|P|2.5|||||USA|ASCII\rPID|1||1||DOE^JOHN\r'));
    expect(ascii.get('PID-5.1')).toBe('DOE');
    expect(ascii.warnings).toEqual([]);
    const sloppy = decodeHl7Buffer(Buffer.from(message('ASCII'), 'utf8'));
    expect(sloppy.get('PID-5.1')).toBe('张');
    expect(sloppy.warnings.join()).toMatch(/non-ASCII bytes/);
    expect(code(() => encodeHl7(parseHl7(message('ASCII'))))).toBe('HL7V2_UNENCODABLE');
  });

  it('a UTF-8 BOM wins and round-trips', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(message('UNICODE UTF-8'), 'utf8')]);
    const msg = decodeHl7Buffer(bytes);
    expect(msg.hasBom).toBe(true);
    expect(msg.get('PID-5.1')).toBe('张');
    expect(encodeHl7(msg).equals(bytes)).toBe(true);
  });

  it('unknown or non-ASCII-compatible charsets → HL7V2_BAD_CHARSET', () => {
    expect(code(() => decodeHl7Buffer(Buffer.from(message('KLINGON-8'))))).toBe('HL7V2_BAD_CHARSET');
    expect(code(() => decodeHl7Buffer(Buffer.from(message('UNICODE UTF-16'))))).toBe('HL7V2_BAD_CHARSET');
    expect(code(() => decodeHl7Buffer(Buffer.from(message('')), 'NOPE'))).toBe('HL7V2_BAD_CHARSET');
    expect(code(() => encodeHl7(parseHl7(message('KLINGON-8'))))).toBe('HL7V2_BAD_CHARSET');
  });

  it('invalid bytes are replaced and reported, never thrown', () => {
    const bytes = Buffer.concat([
      Buffer.from(message('UNICODE UTF-8'), 'utf8'),
      Buffer.from('NTE|1||'),
      Buffer.from([0xff, 0xfe, 0x0d]),
    ]);
    const msg = decodeHl7Buffer(bytes);
    expect(msg.warnings.join()).toMatch(/U\+FFFD/);
    expect(msg.get('NTE-3')).toBe('\uFFFD\uFFFD');
  });

  it('encodes a message parsed from text in its declared charset', () => {
    const msg = parseHl7(message('GB 18030-2000'));
    expect(iconv.decode(encodeHl7(msg), 'gb18030')).toBe(message('GB 18030-2000'));
    expect(encodeHl7(parseHl7('\uFEFF' + message('GBK'))).equals(iconv.encode(message('GBK'), 'gbk'))).toBe(true);
  });
});
