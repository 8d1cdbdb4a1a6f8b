// HL7 v2 escape sequences (转义序列): decoding when a value is read as text, encoding when text is written into a value.
// Standard: \F\ \S\ \T\ \R\ \E\ (the delimiters), \P\ (truncation, v2.7+), \Xhh…\ (raw bytes in the message's
// character set), \.br\ (line break in formatted text). Anything else (\H\ \N\ \Cxxyy\ \.sp\ …) is formatting or
// character-set switching we do not interpret, so it passes through untouched rather than being lost.

import type { Hl7Delimiters } from './delimiters.js';

/** Turns the bytes of a \Xhh…\ sequence into text; the message's character set decides how. */
export type HexDecoder = (bytes: Uint8Array) => string;

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/** Without a known character set: UTF-8 when the bytes are valid UTF-8, else Latin-1 (every byte is a character). */
export const defaultHexDecoder: HexDecoder = (bytes) => {
  try {
    return utf8Decoder.decode(bytes);
  } catch {
    let s = '';
    for (const b of bytes) s += String.fromCharCode(b);
    return s;
  }
};

function decodeHex(seq: string, decodeBytes: HexDecoder): string | undefined {
  // seq is "Xhhhh…" without the escape characters; an odd count or a non-hex digit makes it unknown (passed through).
  const hex = seq.slice(1);
  if (hex.length === 0 || hex.length % 2 !== 0) return undefined;
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) {
    const hi = hexValue(hex.charCodeAt(2 * i));
    const lo = hexValue(hex.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) return undefined;
    bytes[i] = hi * 16 + lo;
  }
  return decodeBytes(bytes);
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  return -1;
}

/**
 * Decodes the escape sequences of one encoded value. Structural delimiters that are still in `value` (when a whole
 * field or component is read) stay as they are; an escape character without a closing one is kept literally, as
 * sloppy senders put Windows paths and the like into text fields.
 */
export function unescapeHl7(value: string, d: Hl7Delimiters, decodeBytes: HexDecoder = defaultHexDecoder): string {
  const esc = d.escape;
  let i = value.indexOf(esc);
  if (i < 0 || esc === '') return value;
  let out = '';
  let last = 0;
  while (i >= 0) {
    const j = value.indexOf(esc, i + 1);
    if (j < 0) break;
    const seq = value.slice(i + 1, j);
    let replacement: string | undefined;
    switch (seq) {
      case 'F':
        replacement = d.field;
        break;
      case 'S':
        replacement = d.component;
        break;
      case 'T':
        replacement = d.subcomponent;
        break;
      case 'R':
        replacement = d.repetition;
        break;
      case 'E':
        replacement = esc;
        break;
      case 'P':
        replacement = d.truncation === '' ? undefined : d.truncation;
        break;
      case '.br':
        replacement = '\n';
        break;
      default:
        if (seq.charCodeAt(0) === 0x58 /* X */) replacement = decodeHex(seq, decodeBytes);
    }
    if (replacement === undefined) {
      // Unknown: keep the whole sequence, and resume after its closing escape so it is not re-read as an opener.
      out += value.slice(last, j + 1);
    } else {
      out += value.slice(last, i) + replacement;
    }
    last = j + 1;
    i = value.indexOf(esc, last);
  }
  return out + value.slice(last);
}

/**
 * Encodes text so it can be stored as one leaf value: every delimiter and the escape character become escape
 * sequences, and line breaks become \.br\ (a raw CR or LF would end the segment).
 */
export function escapeHl7(text: string, d: Hl7Delimiters): string {
  // Fast path: most values (ids, codes, dates) need nothing.
  let k = 0;
  for (; k < text.length; k++) {
    const ch = text[k];
    if (
      ch === d.escape ||
      ch === d.field ||
      ch === d.component ||
      ch === d.repetition ||
      ch === d.subcomponent ||
      ch === '\r' ||
      ch === '\n' ||
      (d.truncation !== '' && ch === d.truncation)
    ) {
      break;
    }
  }
  if (k === text.length) return text;
  const e = d.escape;
  let out = text.slice(0, k);
  for (let i = k; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch === e) out += e + 'E' + e;
    else if (ch === d.field) out += e + 'F' + e;
    else if (ch === d.component) out += e + 'S' + e;
    else if (ch === d.repetition) out += e + 'R' + e;
    else if (ch === d.subcomponent) out += e + 'T' + e;
    else if (d.truncation !== '' && ch === d.truncation) out += e + 'P' + e;
    else if (ch === '\r') {
      if (text[i + 1] === '\n') i++;
      out += e + '.br' + e;
    } else if (ch === '\n') out += e + '.br' + e;
    else out += ch;
  }
  return out;
}
