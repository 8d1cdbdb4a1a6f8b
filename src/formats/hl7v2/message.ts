// The HL7 v2 message model: a list of segments that keep their original text until someone writes to them.
//
// Why lazy: most messages are parsed, indexed by a handful of fields, stored and forwarded unchanged. Splitting every
// field, repetition and component up front (as most libraries do) costs more than everything else in that path, and
// re-joining them can never promise the original bytes. So a segment is its raw text until a field is needed (then it
// is split into raw fields once), components are cut out of a field on demand, and a message that nobody changed
// serialises as the exact text it was parsed from (BOM, CR/LF/CRLF, blank lines, missing final terminator and all).
// A changed message serialises canonically: one segment per line, each followed by the terminator (CR by default).

import type { Hl7Delimiters } from './delimiters.js';
import { DEFAULT_DELIMITERS, encodingCharacters } from './delimiters.js';
import { Hl7ParseError } from './errors.js';
import { escapeHl7, unescapeHl7 } from './escape.js';
import { hexDecoderFor } from './charset-names.js';
import type { Hl7Path } from './paths.js';
import { parsePath, piece, replacePiece } from './paths.js';

export type SegmentTerminator = '\r' | '\n' | '\r\n';

export class Hl7Segment {
  readonly delimiters: Hl7Delimiters;
  // Derived from `raw` on first use: most parsed segments are forwarded without anyone asking their name.
  private segName: string | undefined;
  // Original text (without terminator); authoritative while `modified` is false.
  private raw: string | undefined;
  // Raw (still escaped) fields, index = field number; [0] is the name. For MSH, [1] is MSH-1 and [2] is MSH-2.
  private parts: string[] | undefined;
  private dirty = false;

  /**
   * @internal Use Hl7Message.addSegment or the parser. `name` may be left undefined when `raw` starts with a
   * three-character name followed by the field separator (or is just the name).
   */
  constructor(name: string | undefined, delimiters: Hl7Delimiters, raw: string | undefined, parts?: string[]) {
    this.segName = name;
    this.delimiters = delimiters;
    this.raw = raw;
    this.parts = parts;
    if (raw === undefined) this.dirty = true;
  }

  /** Segment id, e.g. `PID`. */
  get name(): string {
    let n = this.segName;
    if (n === undefined) {
      const raw = this.raw ?? '';
      n = raw.length === 3 ? raw : raw.slice(0, 3);
      this.segName = n;
    }
    return n;
  }

  get isHeader(): boolean {
    return this.name === 'MSH';
  }

  /** True once a field of this segment was written. */
  get modified(): boolean {
    return this.dirty;
  }

  private split(): string[] {
    let parts = this.parts;
    if (parts === undefined) {
      const raw = this.raw ?? this.name;
      parts = raw.length > this.name.length ? raw.split(this.delimiters.field) : [this.name];
      // Lines without the field separator right after a short name ("PID" alone, junk): the name is the whole head.
      parts[0] = this.name;
      if (this.name === 'MSH') parts.splice(1, 0, this.delimiters.field);
      this.parts = parts;
    }
    return parts;
  }

  /** Number of the last field present (trailing empty fields included, as sent). */
  get fieldCount(): number {
    return this.split().length - 1;
  }

  /** The raw, still escaped text of field `n` (all repetitions); '' when absent. */
  field(n: number): string {
    return this.split()[n] ?? '';
  }

  /** Raw text of every field, index 0 = field 1. */
  fields(): string[] {
    return this.split().slice(1);
  }

  /** Replaces the raw (already escaped) text of field `n`, adding empty fields as needed. */
  setField(n: number, raw: string): void {
    if (!Number.isInteger(n) || n < 1 || n > 9999) {
      throw new Hl7ParseError('HL7V2_BAD_PATH', `Field number ${n} is out of range (1–9999).`);
    }
    if (this.name === 'MSH' && n <= 2) {
      throw new Hl7ParseError(
        'HL7V2_BAD_PATH',
        'MSH-1 and MSH-2 hold the delimiters; they are fixed when the message is created.',
      );
    }
    const parts = this.split();
    while (parts.length <= n) parts.push('');
    parts[n] = raw;
    this.dirty = true;
    this.raw = undefined;
  }

  /** Raw value at a position within this segment; undefined parts mean "whole". */
  valueAt(field: number, repetition = 1, component?: number, subcomponent?: number): string {
    const f = this.field(field);
    if (this.name === 'MSH' && field <= 2) return f;
    const d = this.delimiters;
    let v = repetition === 1 && f.indexOf(d.repetition) < 0 ? f : piece(f, d.repetition, repetition);
    if (component !== undefined) v = piece(v, d.component, component);
    if (subcomponent !== undefined) v = piece(v, d.subcomponent, subcomponent);
    return v;
  }

  /** Writes a raw value at a position, creating repetitions/components/subcomponents as needed. */
  setValueAt(field: number, raw: string, repetition = 1, component?: number, subcomponent?: number): void {
    const d = this.delimiters;
    const f = this.field(field);
    let value = raw;
    if (component !== undefined) {
      const rep = piece(f, d.repetition, repetition);
      if (subcomponent !== undefined)
        value = replacePiece(piece(rep, d.component, component), d.subcomponent, subcomponent, raw);
      value = replacePiece(rep, d.component, component, value);
    } else if (subcomponent !== undefined) {
      throw new Hl7ParseError('HL7V2_BAD_PATH', 'A subcomponent needs a component.');
    }
    this.setField(field, replacePiece(f, d.repetition, repetition, value));
  }

  toString(): string {
    if (!this.dirty && this.raw !== undefined) return this.raw;
    const parts = this.split();
    const fs = this.delimiters.field;
    if (this.name === 'MSH') return parts.length <= 2 ? 'MSH' + fs : 'MSH' + fs + parts.slice(2).join(fs);
    return parts.join(fs);
  }
}

export interface Hl7MessageInit {
  readonly delimiters: Hl7Delimiters;
  readonly segments: Hl7Segment[];
  /** The exact text parsed; kept so an unchanged message serialises byte for byte. */
  readonly source?: string;
  readonly warnings?: string[];
  readonly lineEnding?: SegmentTerminator;
  readonly hasBom?: boolean;
}

export interface SerializeOptions {
  /** Terminator after each segment when serialising canonically; default CR (the standard's). */
  readonly segmentTerminator?: SegmentTerminator;
  /** Serialise canonically even when the message is unchanged (drops BOM, blank lines, odd terminators). */
  readonly canonical?: boolean;
}

export class Hl7Message {
  readonly delimiters: Hl7Delimiters;
  /** Non-fatal oddities found while parsing (mixed terminators, blank lines, missing MSH-10 …). */
  readonly warnings: string[];
  /** The first segment terminator seen in the source ('\r' for messages built in code). */
  readonly lineEnding: SegmentTerminator;
  /** Whether the source started with a UTF-8 byte order mark. */
  readonly hasBom: boolean;
  private readonly segs: Hl7Segment[];
  private source: string | undefined;
  private structureChanged = false;

  constructor(init: Hl7MessageInit) {
    this.delimiters = init.delimiters;
    this.segs = init.segments;
    this.source = init.source;
    this.warnings = init.warnings ?? [];
    this.lineEnding = init.lineEnding ?? '\r';
    this.hasBom = init.hasBom ?? false;
  }

  /** A new message holding only `MSH|^~\&` (or the given delimiters); fill it with set(). */
  static create(delimiters: Hl7Delimiters = DEFAULT_DELIMITERS): Hl7Message {
    const msh = new Hl7Segment('MSH', delimiters, undefined, ['MSH', delimiters.field, encodingCharacters(delimiters)]);
    return new Hl7Message({ delimiters, segments: [msh] });
  }

  get segments(): readonly Hl7Segment[] {
    return this.segs;
  }

  /** True once anything was written (a field, or segments added/removed). */
  get modified(): boolean {
    if (this.structureChanged || this.source === undefined) return true;
    for (const s of this.segs) if (s.modified) return true;
    return false;
  }

  /** The `occurrence`-th (1-based) segment called `name`. */
  segment(name: string, occurrence = 1): Hl7Segment | undefined {
    let seen = 0;
    for (const s of this.segs) {
      if (s.name === name && ++seen === occurrence) return s;
    }
    return undefined;
  }

  segmentsNamed(name: string): Hl7Segment[] {
    return this.segs.filter((s) => s.name === name);
  }

  // ---- reading ----

  /** Decoded text at `path` (see paths.ts); '' when absent. Unaddressed repetition = the first. */
  get(path: string): string {
    return this.decode(this.getRaw(path));
  }

  /** Raw (still escaped) text at `path`; '' when absent. */
  getRaw(path: string): string {
    const p = parsePath(path);
    const seg = this.segment(p.segment, p.segmentIndex ?? 1);
    if (!seg) return '';
    return seg.valueAt(p.field, p.repetition ?? 1, p.component, p.subcomponent);
  }

  /**
   * Every decoded value at `path`: all occurrences of the segment unless one is given, all repetitions of the field
   * unless one is given. Empty values are included, so results line up with the segments they came from.
   */
  getAll(path: string): string[] {
    return this.getAllRaw(path).map((v) => this.decode(v));
  }

  getAllRaw(path: string): string[] {
    const p = parsePath(path);
    const out: string[] = [];
    const segs =
      p.segmentIndex === undefined ? this.segmentsNamed(p.segment) : [this.segment(p.segment, p.segmentIndex)];
    for (const seg of segs) {
      if (!seg) continue;
      if (p.repetition !== undefined || (seg.isHeader && p.field <= 2)) {
        out.push(seg.valueAt(p.field, p.repetition ?? 1, p.component, p.subcomponent));
        continue;
      }
      const d = this.delimiters;
      for (const rep of seg.field(p.field).split(d.repetition)) {
        let v = rep;
        if (p.component !== undefined) v = piece(v, d.component, p.component);
        if (p.subcomponent !== undefined) v = piece(v, d.subcomponent, p.subcomponent);
        out.push(v);
      }
    }
    return out;
  }

  // ---- writing ----

  /** Writes text at `path`, escaping delimiters; creates the segment, field, repetition … when missing. */
  set(path: string, text: string): this {
    return this.setRaw(path, this.escape(String(text)));
  }

  /** Writes an already encoded value (may contain delimiters, e.g. `Smith^John`). */
  setRaw(path: string, raw: string): this {
    const p = parsePath(path);
    if (p.segment === 'MSH' && p.field <= 2) {
      throw new Hl7ParseError(
        'HL7V2_BAD_PATH',
        'MSH-1 and MSH-2 hold the delimiters; they are fixed when the message is created.',
      );
    }
    if (/[\r\n]/.test(raw)) {
      throw new Hl7ParseError(
        'HL7V2_BAD_PATH',
        'A value cannot contain CR or LF: they end the segment (use set(), which writes \\.br\\).',
      );
    }
    this.ensureSegment(p).setValueAt(p.field, raw, p.repetition ?? 1, p.component, p.subcomponent);
    return this;
  }

  private ensureSegment(p: Hl7Path): Hl7Segment {
    const want = p.segmentIndex ?? 1;
    let existing = 0;
    let last: Hl7Segment | undefined;
    for (const s of this.segs) {
      if (s.name === p.segment) {
        last = s;
        if (++existing === want) return s;
      }
    }
    if (p.segment === 'MSH') throw new Hl7ParseError('HL7V2_BAD_PATH', 'A message has exactly one MSH segment.');
    while (existing < want) {
      last = this.addSegment(p.segment, [], last);
      existing++;
    }
    return last as Hl7Segment;
  }

  /**
   * Adds a segment (raw, already escaped field values; index 0 = field 1) after `after`, or after the last segment
   * of the same name, or at the end.
   */
  addSegment(name: string, rawFields: readonly string[] = [], after?: Hl7Segment): Hl7Segment {
    if (!/^[A-Z][A-Z0-9]{2}$/.test(name) || name === 'MSH') {
      throw new Hl7ParseError('HL7V2_BAD_PATH', `Cannot add a segment called ${JSON.stringify(name)}.`);
    }
    const seg = new Hl7Segment(name, this.delimiters, undefined, [name, ...rawFields]);
    let at = after ? this.segs.indexOf(after) : -1;
    if (at < 0) {
      for (let i = this.segs.length - 1; i >= 0; i--) {
        if (this.segs[i]?.name === name) {
          at = i;
          break;
        }
      }
    }
    if (at < 0) this.segs.push(seg);
    else this.segs.splice(at + 1, 0, seg);
    this.structureChanged = true;
    return seg;
  }

  removeSegment(seg: Hl7Segment): boolean {
    const at = this.segs.indexOf(seg);
    if (at <= 0) return false; // MSH (index 0) stays
    this.segs.splice(at, 1);
    this.structureChanged = true;
    return true;
  }

  // ---- header shortcuts ----

  get version(): string {
    return this.get('MSH-12.1');
  }
  get controlId(): string {
    return this.get('MSH-10');
  }
  get messageType(): string {
    return this.get('MSH-9.1');
  }
  get triggerEvent(): string {
    return this.get('MSH-9.2');
  }
  /** MSH-18 first repetition (the message's character set), trimmed; '' when not declared. */
  get charset(): string {
    // Not via get(): decoding needs the charset, and MSH-18 holds plain codes anyway.
    return unescapeHl7(this.getRaw('MSH-18[1]'), this.delimiters).trim();
  }

  // ---- text ⇄ value ----

  escape(text: string): string {
    return escapeHl7(text, this.delimiters);
  }

  unescape(raw: string): string {
    return this.decode(raw);
  }

  private decode(raw: string): string {
    if (raw.indexOf(this.delimiters.escape) < 0) return raw;
    return unescapeHl7(raw, this.delimiters, hexDecoderFor(this.charset));
  }

  // ---- output ----

  toString(options?: SerializeOptions): string {
    if (this.source !== undefined && options?.canonical !== true && !this.modified) return this.source;
    const term = options?.segmentTerminator ?? '\r';
    let out = '';
    for (const s of this.segs) out += s.toString() + term;
    return out;
  }
}
