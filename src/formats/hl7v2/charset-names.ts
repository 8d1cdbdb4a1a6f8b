// MSH-18 character set names (HL7 table 0211, 字符集) mapped to iconv-lite codecs, plus the byte decoding that
// \Xhh…\ escapes need. Kept apart from charset.ts so the message model can use it without importing the parser.

import iconv from 'iconv-lite';
import type { HexDecoder } from './escape.js';
import { defaultHexDecoder } from './escape.js';

export interface ResolvedCharset {
  /** iconv-lite codec name. */
  readonly codec: string;
  /** True for labels that promise 7-bit ASCII only (ASCII, ISO IR6). */
  readonly asciiOnly: boolean;
}

// Keys are normalised labels: upper case, without spaces, '-' or '_'. Besides table 0211 this accepts what Chinese
// senders really write (GB2312, GB18030 without the year, UTF-8 without UNICODE).
const TABLE: Record<string, ResolvedCharset> = {
  ASCII: { codec: 'latin1', asciiOnly: true },
  USASCII: { codec: 'latin1', asciiOnly: true },
  ISOIR6: { codec: 'latin1', asciiOnly: true },
  UNICODEUTF8: { codec: 'utf8', asciiOnly: false },
  UTF8: { codec: 'utf8', asciiOnly: false },
  // Pre-2.5 "UNICODE" nominally meant UCS-2, but such a message could not have had an ASCII MSH; senders writing it
  // today send UTF-8.
  UNICODE: { codec: 'utf8', asciiOnly: false },
  ISOIR192: { codec: 'utf8', asciiOnly: false },
  GB180302000: { codec: 'gb18030', asciiOnly: false },
  GB180302005: { codec: 'gb18030', asciiOnly: false },
  GB18030: { codec: 'gb18030', asciiOnly: false },
  GBK: { codec: 'gbk', asciiOnly: false },
  CP936: { codec: 'gbk', asciiOnly: false },
  // GB2312 is a subset of GBK; decoding with GBK also accepts the GBK characters GB2312 senders use anyway.
  GB2312: { codec: 'gbk', asciiOnly: false },
  BIG5: { codec: 'big5', asciiOnly: false },
  KSX1001: { codec: 'euc-kr', asciiOnly: false },
  '8859/1': { codec: 'latin1', asciiOnly: false },
  ISOIR100: { codec: 'latin1', asciiOnly: false },
  ISO88591: { codec: 'latin1', asciiOnly: false },
  LATIN1: { codec: 'latin1', asciiOnly: false },
  '8859/2': { codec: 'iso-8859-2', asciiOnly: false },
  ISOIR101: { codec: 'iso-8859-2', asciiOnly: false },
  '8859/3': { codec: 'iso-8859-3', asciiOnly: false },
  ISOIR109: { codec: 'iso-8859-3', asciiOnly: false },
  '8859/4': { codec: 'iso-8859-4', asciiOnly: false },
  ISOIR110: { codec: 'iso-8859-4', asciiOnly: false },
  '8859/5': { codec: 'iso-8859-5', asciiOnly: false },
  ISOIR144: { codec: 'iso-8859-5', asciiOnly: false },
  '8859/6': { codec: 'iso-8859-6', asciiOnly: false },
  ISOIR127: { codec: 'iso-8859-6', asciiOnly: false },
  '8859/7': { codec: 'iso-8859-7', asciiOnly: false },
  ISOIR126: { codec: 'iso-8859-7', asciiOnly: false },
  '8859/8': { codec: 'iso-8859-8', asciiOnly: false },
  ISOIR138: { codec: 'iso-8859-8', asciiOnly: false },
  '8859/9': { codec: 'iso-8859-9', asciiOnly: false },
  ISOIR148: { codec: 'iso-8859-9', asciiOnly: false },
  '8859/15': { codec: 'iso-8859-15', asciiOnly: false },
};

// Labels whose bytes are not ASCII-compatible: the MSH we just read in ASCII proves the label wrong.
const NOT_ASCII_COMPATIBLE = new Set(['UNICODEUTF16', 'UNICODEUTF32', 'UTF16', 'UTF32', 'UCS2']);

export function normaliseCharsetLabel(label: string): string {
  return label
    .trim()
    .toUpperCase()
    .replace(/[\s_-]+/g, '');
}

export type CharsetLookup =
  { readonly ok: true; readonly charset: ResolvedCharset } | { readonly ok: false; readonly reason: string };

/** Resolves an MSH-18 label (or an iconv name, for fallbacks such as "windows-1252"). Empty label = not declared. */
export function lookupCharset(label: string): CharsetLookup | undefined {
  const key = normaliseCharsetLabel(label);
  if (key === '') return undefined;
  const known = TABLE[key];
  if (known) return { ok: true, charset: known };
  if (NOT_ASCII_COMPATIBLE.has(key)) {
    return {
      ok: false,
      reason: `character set ${JSON.stringify(label)} is not ASCII-compatible, which contradicts an MSH segment readable as ASCII`,
    };
  }
  const trimmed = label.trim();
  if (iconv.encodingExists(trimmed)) return { ok: true, charset: { codec: trimmed, asciiOnly: false } };
  return { ok: false, reason: `unknown character set ${JSON.stringify(label)}` };
}

const hexDecoders = new Map<string, HexDecoder>();

/** The decoder \Xhh…\ escapes need for a message declaring `label` in MSH-18. */
export function hexDecoderFor(label: string): HexDecoder {
  if (label === '') return defaultHexDecoder;
  let dec = hexDecoders.get(label);
  if (!dec) {
    const found = lookupCharset(label);
    if (found?.ok && !found.charset.asciiOnly && found.charset.codec !== 'utf8') {
      const codec = found.charset.codec;
      dec = (bytes) => iconv.decode(bytes, codec);
    } else {
      dec = defaultHexDecoder;
    }
    if (hexDecoders.size > 100) hexDecoders.clear();
    hexDecoders.set(label, dec);
  }
  return dec;
}
