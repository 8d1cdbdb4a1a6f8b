// Text → Hl7Message. This is the hot path of every inbound message, so it only finds segment boundaries and reads the
// delimiters; fields are split later, on first access (see message.ts). It is lenient where real senders are sloppy
// (CR, LF, CRLF or a mix; a UTF-8 BOM; leading/trailing blank lines and whitespace; MLLP framing bytes; no final
// terminator) and records each oddity in `warnings`. It throws only Hl7ParseError, and only when there is no usable
// MSH header; it runs in time linear in the input.

import type { Hl7Delimiters } from './delimiters.js';
import { DEFAULT_DELIMITERS, delimiterProblem } from './delimiters.js';
import { Hl7ParseError } from './errors.js';
import type { SegmentTerminator } from './message.js';
import { Hl7Message, Hl7Segment } from './message.js';

const MAX_WARNINGS = 50;

// Characters skipped around segments: space, tab, VT (MLLP start block), FF, FS (MLLP end block).
function isBlank(c: number): boolean {
  return c <= 0x20 && (c === 0x20 || c === 0x09 || c === 0x0b || c === 0x0c || c === 0x1c);
}

function isNameChar(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39);
}

function preview(text: string, from: number): string {
  return JSON.stringify(text.slice(from, from + 20));
}

/** Parses one HL7 v2 message from text (already decoded; see decodeHl7Buffer for bytes). */
export function parseHl7(text: string): Hl7Message {
  if (typeof text !== 'string') {
    throw new Hl7ParseError(
      'HL7V2_BAD_INPUT',
      `parseHl7 expects a string, got ${text === null ? 'null' : typeof text}.`,
    );
  }
  const len = text.length;
  let pos = 0;
  const hasBom = len > 0 && text.charCodeAt(0) === 0xfeff;
  if (hasBom) pos = 1;
  for (let c = text.charCodeAt(pos); pos < len && (isBlank(c) || c === 0x0d || c === 0x0a); c = text.charCodeAt(++pos));
  if (pos >= len) throw new Hl7ParseError('HL7V2_EMPTY', 'The HL7 v2 message is empty.');

  if (!text.startsWith('MSH', pos)) {
    const head = text.slice(pos, pos + 3);
    const why =
      head === 'FHS' || head === 'BHS'
        ? 'it is an HL7 batch (FHS/BHS); split it into messages first'
        : `found ${preview(text, pos)}`;
    throw new Hl7ParseError(
      'HL7V2_NO_MSH',
      `The text is not an HL7 v2 message: it must start with an MSH segment (${why}).`,
    );
  }

  // Line ends are found with two running indexOf searches, each scanning the text once in total.
  let cr = text.indexOf('\r', pos);
  let lf = text.indexOf('\n', pos);
  const headerEnd = cr < 0 ? (lf < 0 ? len : lf) : lf < 0 || cr < lf ? cr : lf;

  const warnings: string[] = [];
  const headerStart = pos;
  const delimiters = readDelimiters(text, pos, headerEnd, warnings);
  const fs = delimiters.field;
  const fsCode = fs.charCodeAt(0);

  const segments: Hl7Segment[] = [];
  let lineEnding: SegmentTerminator | undefined;
  let mixed = false;
  let blankBetween = false;
  let pendingBlank = false;
  let extraMsh = false;
  let odd = 0;

  while (pos < len) {
    if (cr >= 0 && cr < pos) cr = text.indexOf('\r', pos);
    if (lf >= 0 && lf < pos) lf = text.indexOf('\n', pos);
    const eol = cr < 0 ? (lf < 0 ? len : lf) : lf < 0 || cr < lf ? cr : lf;

    if (eol > pos) {
      let start = pos;
      let end = eol;
      if (isBlank(text.charCodeAt(start)) || isBlank(text.charCodeAt(end - 1))) {
        // Rare: whitespace-only line, MLLP bytes or indentation. Trailing spaces inside a segment are data, so only
        // a line made entirely of blanks is trimmed at its end.
        while (start < end && isBlank(text.charCodeAt(start))) start++;
        let e = end;
        while (e > start && isBlank(text.charCodeAt(e - 1))) e--;
        if (e === start) end = start;
        else {
          if (start > pos && warnings.length < MAX_WARNINGS) {
            warnings.push(`segment ${segments.length + 1} starts with whitespace, which was ignored`);
          }
          // MLLP framing bytes glued to a segment (no CR before the end block) are never data; spaces may be.
          for (
            let c = text.charCodeAt(end - 1);
            end > start && (c === 0x1c || c === 0x0b);
            c = text.charCodeAt(--end - 1)
          );
        }
      }
      if (end > start) {
        if (pendingBlank) blankBetween = true;
        pendingBlank = false;
        const line = start === pos && end === eol ? text.slice(pos, eol) : text.slice(start, end);
        const c0 = line.charCodeAt(0);
        if (
          line.length >= 3 &&
          (line.length === 3 || line.charCodeAt(3) === fsCode) &&
          isNameChar(c0) &&
          isNameChar(line.charCodeAt(1)) &&
          isNameChar(line.charCodeAt(2))
        ) {
          // The usual case: the segment derives its name from its text when asked.
          if (c0 === 0x4d && segments.length > 0 && line.startsWith('MSH')) extraMsh = true;
          segments.push(new Hl7Segment(undefined, delimiters, line));
        } else {
          const at = line.indexOf(fs);
          const name = at < 0 ? line : line.slice(0, at);
          if (++odd <= 10 && warnings.length < MAX_WARNINGS) {
            warnings.push(`segment ${segments.length + 1} has an unusual name ${JSON.stringify(name.slice(0, 20))}`);
          }
          segments.push(new Hl7Segment(name, delimiters, line));
        }
      } else if (segments.length > 0) {
        pendingBlank = true;
      }
    } else if (segments.length > 0) {
      pendingBlank = true;
    }

    if (eol >= len) break;
    let kind: SegmentTerminator = '\n';
    let step = 1;
    if (text.charCodeAt(eol) === 0x0d) {
      if (text.charCodeAt(eol + 1) === 0x0a) {
        kind = '\r\n';
        step = 2;
      } else kind = '\r';
    }
    // Blank lines repeat the terminator; only a terminator that ends a segment counts towards "mixed".
    if (eol > pos) {
      if (lineEnding === undefined) lineEnding = kind;
      else if (kind !== lineEnding) mixed = true;
    }
    pos = eol + step;
  }

  if (mixed) warnings.push('segments are terminated inconsistently (a mix of CR, LF and CRLF)');
  else if (lineEnding === '\n') warnings.push('segments are terminated by LF instead of CR');
  else if (lineEnding === '\r\n') warnings.push('segments are terminated by CRLF instead of CR');
  if (blankBetween) warnings.push('blank lines between segments were ignored');
  if (extraMsh) warnings.push('more than one MSH segment: the text may hold several messages');

  checkHeaderFields(text, headerStart, headerEnd, delimiters, warnings);

  return new Hl7Message({ delimiters, segments, source: text, warnings, lineEnding: lineEnding ?? '\r', hasBom });
}

function readDelimiters(text: string, start: number, headerEnd: number, warnings: string[]): Hl7Delimiters {
  // "MSH|^~\&" is the shortest header that still tells all the delimiters.
  if (headerEnd - start < 8) {
    throw new Hl7ParseError(
      'HL7V2_MSH_TOO_SHORT',
      `The MSH segment is too short to hold its delimiters (MSH-1 and MSH-2): ${preview(text, start)}.`,
    );
  }
  // Nearly every sender uses the standard set; sharing one frozen object also keeps the hot code monomorphic.
  if (text.startsWith('|^~\\&|', start + 3) || (headerEnd - start === 8 && text.startsWith('|^~\\&', start + 3))) {
    return DEFAULT_DELIMITERS;
  }
  const fs = text.charAt(start + 3);
  const fsProblem = delimiterProblem(fs);
  if (fsProblem) {
    throw new Hl7ParseError('HL7V2_BAD_DELIMITERS', `The field separator (MSH-1) ${JSON.stringify(fs)} ${fsProblem}.`);
  }
  let encEnd = text.indexOf(fs, start + 4);
  if (encEnd < 0 || encEnd > headerEnd) encEnd = headerEnd;
  const enc = text.slice(start + 4, encEnd);
  if (enc.length < 3 || enc.length > 5) {
    throw new Hl7ParseError(
      'HL7V2_BAD_DELIMITERS',
      `The encoding characters (MSH-2) ${JSON.stringify(enc.slice(0, 20))} must be 4 characters (5 with the v2.7 truncation character), e.g. "^~\\&".`,
    );
  }
  const seen = new Set<string>([fs]);
  for (const ch of enc) {
    const problem = delimiterProblem(ch);
    if (problem) {
      throw new Hl7ParseError(
        'HL7V2_BAD_DELIMITERS',
        `The encoding character ${JSON.stringify(ch)} in MSH-2 ${problem}.`,
      );
    }
    if (seen.has(ch)) {
      throw new Hl7ParseError(
        'HL7V2_BAD_DELIMITERS',
        `The delimiter ${JSON.stringify(ch)} appears twice in MSH-1/MSH-2.`,
      );
    }
    seen.add(ch);
  }
  let sub = enc.charAt(3);
  if (enc.length === 3) {
    // Some senders drop the subcomponent separator; keep parsing with the standard one when it is free.
    if (seen.has('&')) {
      throw new Hl7ParseError('HL7V2_BAD_DELIMITERS', `MSH-2 ${JSON.stringify(enc)} lacks the subcomponent separator.`);
    }
    sub = '&';
    warnings.push(`MSH-2 ${JSON.stringify(enc)} lacks the subcomponent separator; "&" assumed`);
  }
  return {
    field: fs,
    component: enc.charAt(0),
    repetition: enc.charAt(1),
    escape: enc.charAt(2),
    subcomponent: sub,
    truncation: enc.charAt(4),
  };
}

/** Warns about empty MSH-9, MSH-10, MSH-12 by walking the header line; splitting MSH here would cost as much as the
 * rest of the parse. */
function checkHeaderFields(text: string, start: number, end: number, d: Hl7Delimiters, warnings: string[]): void {
  // Field n (n ≥ 3) starts after the (n-1)-th field separator of the line; MSH-1 is the separator at start+3.
  let at = start + 3;
  let n = 2;
  const fs = d.field;
  const wanted: Array<[number, string]> = [
    [9, 'MSH-9 (message type) is empty'],
    [10, 'MSH-10 (message control id) is empty'],
    [12, 'MSH-12 (version) is empty'],
  ];
  for (const [field, warning] of wanted) {
    while (n < field && at >= 0) {
      at = text.indexOf(fs, at + 1);
      if (at >= end) at = -1;
      n++;
    }
    // Empty when absent, when the next character ends the field, or (9, 12) when it starts with a component separator.
    const c = at < 0 || at + 1 >= end ? '' : text.charAt(at + 1);
    if (c === '' || c === fs || (field !== 10 && (c === d.component || c === d.repetition))) warnings.push(warning);
  }
}
