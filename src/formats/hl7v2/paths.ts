// Path syntax for reading and writing values (路径语法), shared by Hl7Message.get/getAll/set and the ACK builder.
//
//   SEG[s]-F[r].C.S
//
//   SEG  segment name, three letters/digits (`PID`, `OBX`, `ZPD`); lower case is accepted and upper-cased
//   [s]  which occurrence of that segment, 1-based; default 1 (get/set) or every occurrence (getAll)
//   F    field number, 1-based as in the standard (`MSH-9` is the message type, `MSH-1` the field separator)
//   [r]  repetition, 1-based; default 1 (get/set) or every repetition (getAll)
//   C    component, 1-based; absent = the whole repetition
//   S    subcomponent, 1-based; absent = the whole component
//
// `.` is accepted instead of `-` after the segment (`PID.5.1`), as several engines write it.
// Examples: `PID-5.1`, `OBX[2]-5`, `PID-3[2].1`, `PID-5.1.1`, `MSH-9.2`.

import { Hl7ParseError } from './errors.js';

export interface Hl7Path {
  readonly segment: string;
  readonly segmentIndex: number | undefined;
  readonly field: number;
  readonly repetition: number | undefined;
  readonly component: number | undefined;
  readonly subcomponent: number | undefined;
}

// Generous but bounded, so that set('PID-99999999', …) cannot allocate a huge array.
const MAX_INDEX = 9999;

const PATH_RE =
  /^([A-Za-z][A-Za-z0-9]{2})(?:\[(\d{1,5})\])?[-.](\d{1,5})(?:\[(\d{1,5})\])?(?:\.(\d{1,5})(?:\.(\d{1,5}))?)?$/;

// Paths come from configuration and code, so a small set of distinct strings is parsed again and again.
const cache = new Map<string, Hl7Path>();
const CACHE_LIMIT = 2000;

export function parsePath(path: string): Hl7Path {
  const hit = cache.get(path);
  if (hit) return hit;
  if (typeof path !== 'string') {
    throw new Hl7ParseError('HL7V2_BAD_PATH', 'An HL7 v2 path must be a string such as "PID-5.1".');
  }
  const m = PATH_RE.exec(path.trim());
  if (!m) {
    throw new Hl7ParseError(
      'HL7V2_BAD_PATH',
      `Invalid HL7 v2 path ${JSON.stringify(path)}: expected SEG[n]-field[rep].component.subcomponent, e.g. "PID-5.1" or "OBX[2]-5".`,
    );
  }
  const parsed: Hl7Path = {
    segment: (m[1] as string).toUpperCase(),
    segmentIndex: index(m[2], path),
    field: index(m[3], path) as number,
    repetition: index(m[4], path),
    component: index(m[5], path),
    subcomponent: index(m[6], path),
  };
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(path, parsed);
  return parsed;
}

function index(text: string | undefined, path: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (n < 1 || n > MAX_INDEX) {
    throw new Hl7ParseError(
      'HL7V2_BAD_PATH',
      `Invalid HL7 v2 path ${JSON.stringify(path)}: indexes run from 1 to ${MAX_INDEX}.`,
    );
  }
  return n;
}

export function formatPath(p: Hl7Path): string {
  let s = p.segment;
  if (p.segmentIndex !== undefined) s += `[${p.segmentIndex}]`;
  s += `-${p.field}`;
  if (p.repetition !== undefined) s += `[${p.repetition}]`;
  if (p.component !== undefined) s += `.${p.component}`;
  if (p.subcomponent !== undefined) s += `.${p.subcomponent}`;
  return s;
}

/** The n-th (1-based) piece of `s` split by `sep`, without building the array: most reads touch one piece. */
export function piece(s: string, sep: string, n: number): string {
  let start = 0;
  for (let i = 1; i < n; i++) {
    const j = s.indexOf(sep, start);
    if (j < 0) return '';
    start = j + 1;
  }
  const end = s.indexOf(sep, start);
  if (end < 0) return start === 0 ? s : s.slice(start);
  return s.slice(start, end);
}

/** `s` with its n-th (1-based) piece replaced, padding with empty pieces when `s` has fewer. */
export function replacePiece(s: string, sep: string, n: number, value: string): string {
  const parts = s === '' ? [''] : s.split(sep);
  while (parts.length < n) parts.push('');
  parts[n - 1] = value;
  return parts.join(sep);
}
