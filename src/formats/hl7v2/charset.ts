// Bytes ⇄ HL7 v2 message in the character set the message declares in MSH-18 (字符集: GB 18030-2000, GBK, UTF-8 …).
// The header is ASCII in every charset we accept, so MSH-18 is read from the raw bytes first and the whole message is
// then decoded once with iconv-lite. A message that was not changed encodes back to its original bytes exactly.

import { isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';
import { Hl7ParseError } from './errors.js';
import type { ResolvedCharset } from './charset-names.js';
import { lookupCharset } from './charset-names.js';
import type { Hl7Message } from './message.js';
import { parseHl7 } from './parse.js';

interface Origin {
  readonly bytes: Uint8Array;
  /** codec the bytes were decoded with; used again when MSH-18 is empty (the fallback of the first decode). */
  readonly codec: string;
}

// Kept beside, not inside, the message: bytes are an artefact of one transport, not part of the model.
const origins = new WeakMap<Hl7Message, Origin>();

function resolve(label: string, what: string): ResolvedCharset {
  const found = lookupCharset(label);
  if (found === undefined) return { codec: 'utf8', asciiOnly: false };
  if (!found.ok) throw new Hl7ParseError('HL7V2_BAD_CHARSET', `Cannot use the ${what}: ${found.reason}.`);
  return found.charset;
}

/** Reads MSH-18 (first repetition) from raw bytes without decoding them; '' when absent. */
export function sniffCharsetLabel(buf: Uint8Array): string {
  let p = 0;
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) p = 3;
  while (
    p < buf.length &&
    (buf[p] === 0x20 || buf[p] === 0x09 || buf[p] === 0x0d || buf[p] === 0x0a || buf[p] === 0x0b)
  )
    p++;
  if (buf[p] !== 0x4d || buf[p + 1] !== 0x53 || buf[p + 2] !== 0x48) return '';
  const fs = buf[p + 3];
  const rep = buf[p + 5];
  if (fs === undefined) return '';
  let end = p + 4;
  while (end < buf.length && buf[end] !== 0x0d && buf[end] !== 0x0a) end++;
  // In GBK/GB18030 the second byte of a character can be '|' or '^' (0x40–0x7E). UTF-8 never puts an ASCII byte
  // inside a character, so when the header is not valid UTF-8 we step over double-byte characters while counting.
  const multiByte = !isUtf8(buf.subarray(p, end));
  let field = 2;
  let from = -1;
  for (let i = p + 4; i < end; i++) {
    const b = buf[i] as number;
    if (multiByte && b >= 0x81 && b <= 0xfe) {
      const next = buf[i + 1] ?? 0;
      i += next >= 0x30 && next <= 0x39 ? 3 : 1; // GB18030 four-byte sequences have an ASCII digit second
      continue;
    }
    if (b === fs) {
      field++;
      if (field === 18) from = i + 1;
      else if (field === 19) {
        end = i;
        break;
      }
    }
  }
  if (from < 0) return '';
  let to = from;
  while (to < end && buf[to] !== rep) to++;
  return Buffer.from(buf.buffer, buf.byteOffset + from, to - from)
    .toString('latin1')
    .trim();
}

/**
 * Decodes and parses a message received as bytes. The charset comes from MSH-18; when MSH-18 is empty the
 * `fallbackCharset` is used (an MSH-18 label such as "GBK" or an iconv name; default UTF-8), because many Chinese
 * senders send GBK without declaring it. A UTF-8 BOM wins over both.
 */
export function decodeHl7Buffer(buf: Uint8Array, fallbackCharset = 'UNICODE UTF-8'): Hl7Message {
  if (!(buf instanceof Uint8Array)) {
    throw new Hl7ParseError('HL7V2_BAD_INPUT', 'decodeHl7Buffer expects a Buffer or Uint8Array.');
  }
  const warnings: string[] = [];
  const label = sniffCharsetLabel(buf);
  const hasBom = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf;
  let charset: ResolvedCharset;
  if (label === '') {
    charset = resolve(fallbackCharset, 'fallback character set');
    if (charset.codec !== 'utf8' && !hasBom) warnings.push(`MSH-18 is empty; decoded as ${fallbackCharset}`);
  } else {
    charset = resolve(label, 'character set named in MSH-18');
  }
  if (hasBom && charset.codec !== 'utf8') {
    warnings.push(
      `the bytes start with a UTF-8 BOM although MSH-18 says ${JSON.stringify(label || fallbackCharset)}; decoded as UTF-8`,
    );
    charset = { codec: 'utf8', asciiOnly: false };
  }
  if (charset.asciiOnly && buf.some((b) => b > 0x7f)) {
    const fb = resolve(fallbackCharset, 'fallback character set');
    warnings.push(`MSH-18 says ${label} but the message has non-ASCII bytes; decoded as ${fallbackCharset}`);
    charset = fb;
  }
  const text = iconv.decode(buf, charset.codec, { stripBOM: false });
  if (
    text.includes('\uFFFD') &&
    !(charset.codec === 'utf8' && Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).includes('\uFFFD'))
  ) {
    warnings.push(`some bytes are not valid ${label || fallbackCharset} and were replaced by U+FFFD`);
  }
  const msg = parseHl7(text);
  msg.warnings.push(...warnings);
  // Copied: the caller may reuse its receive buffer.
  origins.set(msg, { bytes: new Uint8Array(buf), codec: charset.codec });
  return msg;
}

export interface EncodeOptions {
  /** Encode in this charset instead of the one in MSH-18 (the message text is not changed). */
  readonly charset?: string;
}

/**
 * Serialises and encodes a message in its charset (MSH-18; else the charset it was decoded with; else UTF-8).
 * An unchanged message decoded by decodeHl7Buffer returns its original bytes. Throws HL7V2_UNENCODABLE when the text
 * holds characters the charset lacks (e.g. Chinese in 8859/1), rather than sending '?' to a hospital system.
 */
export function encodeHl7(message: Hl7Message, options?: EncodeOptions): Buffer {
  const origin = origins.get(message);
  if (origin && options?.charset === undefined && !message.modified) return Buffer.from(origin.bytes);
  const label = options?.charset ?? message.charset;
  const charset =
    label === '' && origin
      ? { codec: origin.codec, asciiOnly: false }
      : resolve(label, 'character set named in MSH-18');
  let text = message.toString();
  if (charset.codec === 'utf8') return Buffer.from(text, 'utf8');
  // A BOM only means something in UTF-8.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (charset.codec === 'gb18030') return iconv.encode(text, 'gb18030');
  const bytes = iconv.encode(text, charset.codec);
  let bad = -1;
  if (charset.asciiOnly) {
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) > 0x7f) {
        bad = i;
        break;
      }
    }
  } else if (iconv.decode(bytes, charset.codec) !== text) {
    const back = iconv.decode(bytes, charset.codec);
    bad = 0;
    while (bad < text.length && back[bad] === text[bad]) bad++;
  }
  if (bad >= 0) {
    const ch = String.fromCodePoint(text.codePointAt(bad) ?? 0x3f);
    throw new Hl7ParseError(
      'HL7V2_UNENCODABLE',
      `The character ${JSON.stringify(ch)} cannot be encoded in ${label}; declare another character set in MSH-18.`,
    );
  }
  return bytes;
}
