// bench/_p.ts
import { readFileSync, readdirSync } from "node:fs";

// src/formats/hl7v2/errors.ts
var Hl7ParseError = class extends Error {
  name = "Hl7ParseError";
  code;
  constructor(code, message) {
    super(message);
    this.code = code;
  }
};

// src/formats/hl7v2/delimiters.ts
var DEFAULT_DELIMITERS = Object.freeze({
  field: "|",
  component: "^",
  repetition: "~",
  escape: "\\",
  subcomponent: "&",
  truncation: ""
});
function encodingCharacters(d) {
  return d.component + d.repetition + d.escape + d.subcomponent + d.truncation;
}
function delimiterProblem(ch) {
  const c = ch.charCodeAt(0);
  if (ch.length !== 1) return "is not a single character";
  if (c < 32 || c === 127) return "is a control character";
  if (c === 32) return "is a space";
  if (c >= 48 && c <= 57 || c >= 65 && c <= 90 || c >= 97 && c <= 122) return "is a letter or digit";
  if (c > 126) return "is not an ASCII character";
  return void 0;
}

// src/formats/hl7v2/escape.ts
var utf8Decoder = new TextDecoder("utf-8", { fatal: true });
var defaultHexDecoder = (bytes) => {
  try {
    return utf8Decoder.decode(bytes);
  } catch {
    let s = "";
    for (const b2 of bytes) s += String.fromCharCode(b2);
    return s;
  }
};
function decodeHex(seq, decodeBytes) {
  const hex = seq.slice(1);
  if (hex.length === 0 || hex.length % 2 !== 0) return void 0;
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) {
    const hi = hexValue(hex.charCodeAt(2 * i));
    const lo = hexValue(hex.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) return void 0;
    bytes[i] = hi * 16 + lo;
  }
  return decodeBytes(bytes);
}
function hexValue(c) {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 65 + 10;
  if (c >= 97 && c <= 102) return c - 97 + 10;
  return -1;
}
function unescapeHl7(value, d, decodeBytes = defaultHexDecoder) {
  const esc = d.escape;
  let i = value.indexOf(esc);
  if (i < 0 || esc === "") return value;
  let out = "";
  let last = 0;
  while (i >= 0) {
    const j = value.indexOf(esc, i + 1);
    if (j < 0) break;
    const seq = value.slice(i + 1, j);
    let replacement;
    switch (seq) {
      case "F":
        replacement = d.field;
        break;
      case "S":
        replacement = d.component;
        break;
      case "T":
        replacement = d.subcomponent;
        break;
      case "R":
        replacement = d.repetition;
        break;
      case "E":
        replacement = esc;
        break;
      case "P":
        replacement = d.truncation === "" ? void 0 : d.truncation;
        break;
      case ".br":
        replacement = "\n";
        break;
      default:
        if (seq.charCodeAt(0) === 88) replacement = decodeHex(seq, decodeBytes);
    }
    if (replacement === void 0) {
      out += value.slice(last, j + 1);
    } else {
      out += value.slice(last, i) + replacement;
    }
    last = j + 1;
    i = value.indexOf(esc, last);
  }
  return out + value.slice(last);
}
function escapeHl7(text, d) {
  let k = 0;
  for (; k < text.length; k++) {
    const ch = text[k];
    if (ch === d.escape || ch === d.field || ch === d.component || ch === d.repetition || ch === d.subcomponent || ch === "\r" || ch === "\n" || d.truncation !== "" && ch === d.truncation) {
      break;
    }
  }
  if (k === text.length) return text;
  const e = d.escape;
  let out = text.slice(0, k);
  for (let i = k; i < text.length; i++) {
    const ch = text[i];
    if (ch === e) out += e + "E" + e;
    else if (ch === d.field) out += e + "F" + e;
    else if (ch === d.component) out += e + "S" + e;
    else if (ch === d.repetition) out += e + "R" + e;
    else if (ch === d.subcomponent) out += e + "T" + e;
    else if (d.truncation !== "" && ch === d.truncation) out += e + "P" + e;
    else if (ch === "\r") {
      if (text[i + 1] === "\n") i++;
      out += e + ".br" + e;
    } else if (ch === "\n") out += e + ".br" + e;
    else out += ch;
  }
  return out;
}

// src/formats/hl7v2/charset-names.ts
import iconv from "iconv-lite";
var TABLE = {
  ASCII: { codec: "latin1", asciiOnly: true },
  USASCII: { codec: "latin1", asciiOnly: true },
  ISOIR6: { codec: "latin1", asciiOnly: true },
  UNICODEUTF8: { codec: "utf8", asciiOnly: false },
  UTF8: { codec: "utf8", asciiOnly: false },
  // Pre-2.5 "UNICODE" nominally meant UCS-2, but such a message could not have had an ASCII MSH; senders writing it
  // today send UTF-8.
  UNICODE: { codec: "utf8", asciiOnly: false },
  ISOIR192: { codec: "utf8", asciiOnly: false },
  GB180302000: { codec: "gb18030", asciiOnly: false },
  GB180302005: { codec: "gb18030", asciiOnly: false },
  GB18030: { codec: "gb18030", asciiOnly: false },
  GBK: { codec: "gbk", asciiOnly: false },
  CP936: { codec: "gbk", asciiOnly: false },
  // GB2312 is a subset of GBK; decoding with GBK also accepts the GBK characters GB2312 senders use anyway.
  GB2312: { codec: "gbk", asciiOnly: false },
  BIG5: { codec: "big5", asciiOnly: false },
  KSX1001: { codec: "euc-kr", asciiOnly: false },
  "8859/1": { codec: "latin1", asciiOnly: false },
  ISOIR100: { codec: "latin1", asciiOnly: false },
  ISO88591: { codec: "latin1", asciiOnly: false },
  LATIN1: { codec: "latin1", asciiOnly: false },
  "8859/2": { codec: "iso-8859-2", asciiOnly: false },
  ISOIR101: { codec: "iso-8859-2", asciiOnly: false },
  "8859/3": { codec: "iso-8859-3", asciiOnly: false },
  ISOIR109: { codec: "iso-8859-3", asciiOnly: false },
  "8859/4": { codec: "iso-8859-4", asciiOnly: false },
  ISOIR110: { codec: "iso-8859-4", asciiOnly: false },
  "8859/5": { codec: "iso-8859-5", asciiOnly: false },
  ISOIR144: { codec: "iso-8859-5", asciiOnly: false },
  "8859/6": { codec: "iso-8859-6", asciiOnly: false },
  ISOIR127: { codec: "iso-8859-6", asciiOnly: false },
  "8859/7": { codec: "iso-8859-7", asciiOnly: false },
  ISOIR126: { codec: "iso-8859-7", asciiOnly: false },
  "8859/8": { codec: "iso-8859-8", asciiOnly: false },
  ISOIR138: { codec: "iso-8859-8", asciiOnly: false },
  "8859/9": { codec: "iso-8859-9", asciiOnly: false },
  ISOIR148: { codec: "iso-8859-9", asciiOnly: false },
  "8859/15": { codec: "iso-8859-15", asciiOnly: false }
};
var NOT_ASCII_COMPATIBLE = /* @__PURE__ */ new Set(["UNICODEUTF16", "UNICODEUTF32", "UTF16", "UTF32", "UCS2"]);
function normaliseCharsetLabel(label) {
  return label.trim().toUpperCase().replace(/[\s_-]+/g, "");
}
function lookupCharset(label) {
  const key = normaliseCharsetLabel(label);
  if (key === "") return void 0;
  const known = TABLE[key];
  if (known) return { ok: true, charset: known };
  if (NOT_ASCII_COMPATIBLE.has(key)) {
    return { ok: false, reason: `character set ${JSON.stringify(label)} is not ASCII-compatible, which contradicts an MSH segment readable as ASCII` };
  }
  const trimmed = label.trim();
  if (iconv.encodingExists(trimmed)) return { ok: true, charset: { codec: trimmed, asciiOnly: false } };
  return { ok: false, reason: `unknown character set ${JSON.stringify(label)}` };
}
var hexDecoders = /* @__PURE__ */ new Map();
function hexDecoderFor(label) {
  if (label === "") return defaultHexDecoder;
  let dec = hexDecoders.get(label);
  if (!dec) {
    const found = lookupCharset(label);
    if (found?.ok && !found.charset.asciiOnly && found.charset.codec !== "utf8") {
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

// src/formats/hl7v2/paths.ts
var MAX_INDEX = 9999;
var PATH_RE = /^([A-Za-z][A-Za-z0-9]{2})(?:\[(\d{1,5})\])?[-.](\d{1,5})(?:\[(\d{1,5})\])?(?:\.(\d{1,5})(?:\.(\d{1,5}))?)?$/;
var cache = /* @__PURE__ */ new Map();
var CACHE_LIMIT = 2e3;
function parsePath(path) {
  const hit = cache.get(path);
  if (hit) return hit;
  if (typeof path !== "string") {
    throw new Hl7ParseError("HL7V2_BAD_PATH", 'An HL7 v2 path must be a string such as "PID-5.1".');
  }
  const m = PATH_RE.exec(path.trim());
  if (!m) {
    throw new Hl7ParseError(
      "HL7V2_BAD_PATH",
      `Invalid HL7 v2 path ${JSON.stringify(path)}: expected SEG[n]-field[rep].component.subcomponent, e.g. "PID-5.1" or "OBX[2]-5".`
    );
  }
  const parsed = {
    segment: m[1].toUpperCase(),
    segmentIndex: index(m[2], path),
    field: index(m[3], path),
    repetition: index(m[4], path),
    component: index(m[5], path),
    subcomponent: index(m[6], path)
  };
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(path, parsed);
  return parsed;
}
function index(text, path) {
  if (text === void 0) return void 0;
  const n = Number(text);
  if (n < 1 || n > MAX_INDEX) {
    throw new Hl7ParseError("HL7V2_BAD_PATH", `Invalid HL7 v2 path ${JSON.stringify(path)}: indexes run from 1 to ${MAX_INDEX}.`);
  }
  return n;
}
function piece(s, sep, n) {
  let start = 0;
  for (let i = 1; i < n; i++) {
    const j = s.indexOf(sep, start);
    if (j < 0) return "";
    start = j + 1;
  }
  const end = s.indexOf(sep, start);
  if (end < 0) return start === 0 ? s : s.slice(start);
  return s.slice(start, end);
}
function replacePiece(s, sep, n, value) {
  const parts = s === "" ? [""] : s.split(sep);
  while (parts.length < n) parts.push("");
  parts[n - 1] = value;
  return parts.join(sep);
}

// src/formats/hl7v2/message.ts
var Hl7Segment = class {
  name;
  delimiters;
  // Original text (without terminator); authoritative while `modified` is false.
  raw;
  // Raw (still escaped) fields, index = field number; [0] is the name. For MSH, [1] is MSH-1 and [2] is MSH-2.
  parts;
  dirty = false;
  /** @internal Use Hl7Message.addSegment or the parser; `raw` is trusted to start with `name`. */
  constructor(name, delimiters, raw2, parts) {
    this.name = name;
    this.delimiters = delimiters;
    this.raw = raw2;
    this.parts = parts;
    if (raw2 === void 0) this.dirty = true;
  }
  get isHeader() {
    return this.name === "MSH";
  }
  /** True once a field of this segment was written. */
  get modified() {
    return this.dirty;
  }
  split() {
    let parts = this.parts;
    if (parts === void 0) {
      const raw2 = this.raw ?? this.name;
      parts = raw2.length > this.name.length ? raw2.split(this.delimiters.field) : [this.name];
      parts[0] = this.name;
      if (this.name === "MSH") parts.splice(1, 0, this.delimiters.field);
      this.parts = parts;
    }
    return parts;
  }
  /** Number of the last field present (trailing empty fields included, as sent). */
  get fieldCount() {
    return this.split().length - 1;
  }
  /** The raw, still escaped text of field `n` (all repetitions); '' when absent. */
  field(n) {
    return this.split()[n] ?? "";
  }
  /** Raw text of every field, index 0 = field 1. */
  fields() {
    return this.split().slice(1);
  }
  /** Replaces the raw (already escaped) text of field `n`, adding empty fields as needed. */
  setField(n, raw2) {
    if (!Number.isInteger(n) || n < 1 || n > 9999) {
      throw new Hl7ParseError("HL7V2_BAD_PATH", `Field number ${n} is out of range (1\u20139999).`);
    }
    if (this.name === "MSH" && n <= 2) {
      throw new Hl7ParseError("HL7V2_BAD_PATH", "MSH-1 and MSH-2 hold the delimiters; they are fixed when the message is created.");
    }
    const parts = this.split();
    while (parts.length <= n) parts.push("");
    parts[n] = raw2;
    this.dirty = true;
    this.raw = void 0;
  }
  /** Raw value at a position within this segment; undefined parts mean "whole". */
  valueAt(field, repetition = 1, component, subcomponent) {
    const f = this.field(field);
    if (this.name === "MSH" && field <= 2) return f;
    const d = this.delimiters;
    let v = repetition === 1 && f.indexOf(d.repetition) < 0 ? f : piece(f, d.repetition, repetition);
    if (component !== void 0) v = piece(v, d.component, component);
    if (subcomponent !== void 0) v = piece(v, d.subcomponent, subcomponent);
    return v;
  }
  /** Writes a raw value at a position, creating repetitions/components/subcomponents as needed. */
  setValueAt(field, raw2, repetition = 1, component, subcomponent) {
    const d = this.delimiters;
    const f = this.field(field);
    let value = raw2;
    if (component !== void 0) {
      const rep = piece(f, d.repetition, repetition);
      if (subcomponent !== void 0) value = replacePiece(piece(rep, d.component, component), d.subcomponent, subcomponent, raw2);
      value = replacePiece(rep, d.component, component, value);
    } else if (subcomponent !== void 0) {
      throw new Hl7ParseError("HL7V2_BAD_PATH", "A subcomponent needs a component.");
    }
    this.setField(field, replacePiece(f, d.repetition, repetition, value));
  }
  toString() {
    if (!this.dirty && this.raw !== void 0) return this.raw;
    const parts = this.split();
    const fs = this.delimiters.field;
    if (this.name === "MSH") return parts.length <= 2 ? "MSH" + fs : "MSH" + fs + parts.slice(2).join(fs);
    return parts.join(fs);
  }
};
var Hl7Message = class _Hl7Message {
  delimiters;
  /** Non-fatal oddities found while parsing (mixed terminators, blank lines, missing MSH-10 …). */
  warnings;
  /** The first segment terminator seen in the source ('\r' for messages built in code). */
  lineEnding;
  /** Whether the source started with a UTF-8 byte order mark. */
  hasBom;
  segs;
  source;
  structureChanged = false;
  constructor(init) {
    this.delimiters = init.delimiters;
    this.segs = init.segments;
    this.source = init.source;
    this.warnings = init.warnings ?? [];
    this.lineEnding = init.lineEnding ?? "\r";
    this.hasBom = init.hasBom ?? false;
  }
  /** A new message holding only `MSH|^~\&` (or the given delimiters); fill it with set(). */
  static create(delimiters = DEFAULT_DELIMITERS) {
    const msh = new Hl7Segment("MSH", delimiters, void 0, ["MSH", delimiters.field, encodingCharacters(delimiters)]);
    return new _Hl7Message({ delimiters, segments: [msh] });
  }
  get segments() {
    return this.segs;
  }
  /** True once anything was written (a field, or segments added/removed). */
  get modified() {
    if (this.structureChanged || this.source === void 0) return true;
    for (const s of this.segs) if (s.modified) return true;
    return false;
  }
  /** The `occurrence`-th (1-based) segment called `name`. */
  segment(name, occurrence = 1) {
    let seen = 0;
    for (const s of this.segs) {
      if (s.name === name && ++seen === occurrence) return s;
    }
    return void 0;
  }
  segmentsNamed(name) {
    return this.segs.filter((s) => s.name === name);
  }
  // ---- reading ----
  /** Decoded text at `path` (see paths.ts); '' when absent. Unaddressed repetition = the first. */
  get(path) {
    return this.decode(this.getRaw(path));
  }
  /** Raw (still escaped) text at `path`; '' when absent. */
  getRaw(path) {
    const p = parsePath(path);
    const seg = this.segment(p.segment, p.segmentIndex ?? 1);
    if (!seg) return "";
    return seg.valueAt(p.field, p.repetition ?? 1, p.component, p.subcomponent);
  }
  /**
   * Every decoded value at `path`: all occurrences of the segment unless one is given, all repetitions of the field
   * unless one is given. Empty values are included, so results line up with the segments they came from.
   */
  getAll(path) {
    return this.getAllRaw(path).map((v) => this.decode(v));
  }
  getAllRaw(path) {
    const p = parsePath(path);
    const out = [];
    const segs = p.segmentIndex === void 0 ? this.segmentsNamed(p.segment) : [this.segment(p.segment, p.segmentIndex)];
    for (const seg of segs) {
      if (!seg) continue;
      if (p.repetition !== void 0 || seg.isHeader && p.field <= 2) {
        out.push(seg.valueAt(p.field, p.repetition ?? 1, p.component, p.subcomponent));
        continue;
      }
      const reps = seg.field(p.field).split(this.delimiters.repetition);
      for (let r = 1; r <= reps.length; r++) out.push(seg.valueAt(p.field, r, p.component, p.subcomponent));
    }
    return out;
  }
  // ---- writing ----
  /** Writes text at `path`, escaping delimiters; creates the segment, field, repetition … when missing. */
  set(path, text) {
    return this.setRaw(path, this.escape(String(text)));
  }
  /** Writes an already encoded value (may contain delimiters, e.g. `Smith^John`). */
  setRaw(path, raw2) {
    const p = parsePath(path);
    if (p.segment === "MSH" && p.field <= 2) {
      throw new Hl7ParseError("HL7V2_BAD_PATH", "MSH-1 and MSH-2 hold the delimiters; they are fixed when the message is created.");
    }
    if (/[\r\n]/.test(raw2)) {
      throw new Hl7ParseError("HL7V2_BAD_PATH", "A value cannot contain CR or LF: they end the segment (use set(), which writes \\.br\\).");
    }
    this.ensureSegment(p).setValueAt(p.field, raw2, p.repetition ?? 1, p.component, p.subcomponent);
    return this;
  }
  ensureSegment(p) {
    const want = p.segmentIndex ?? 1;
    let existing = 0;
    let last;
    for (const s of this.segs) {
      if (s.name === p.segment) {
        last = s;
        if (++existing === want) return s;
      }
    }
    if (p.segment === "MSH") throw new Hl7ParseError("HL7V2_BAD_PATH", "A message has exactly one MSH segment.");
    while (existing < want) {
      last = this.addSegment(p.segment, [], last);
      existing++;
    }
    return last;
  }
  /**
   * Adds a segment (raw, already escaped field values; index 0 = field 1) after `after`, or after the last segment
   * of the same name, or at the end.
   */
  addSegment(name, rawFields = [], after) {
    if (!/^[A-Z][A-Z0-9]{2}$/.test(name) || name === "MSH") {
      throw new Hl7ParseError("HL7V2_BAD_PATH", `Cannot add a segment called ${JSON.stringify(name)}.`);
    }
    const seg = new Hl7Segment(name, this.delimiters, void 0, [name, ...rawFields]);
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
  removeSegment(seg) {
    const at = this.segs.indexOf(seg);
    if (at <= 0) return false;
    this.segs.splice(at, 1);
    this.structureChanged = true;
    return true;
  }
  // ---- header shortcuts ----
  get version() {
    return this.get("MSH-12.1");
  }
  get controlId() {
    return this.get("MSH-10");
  }
  get messageType() {
    return this.get("MSH-9.1");
  }
  get triggerEvent() {
    return this.get("MSH-9.2");
  }
  /** MSH-18 first repetition (the message's character set), trimmed; '' when not declared. */
  get charset() {
    return unescapeHl7(this.getRaw("MSH-18[1]"), this.delimiters).trim();
  }
  // ---- text ⇄ value ----
  escape(text) {
    return escapeHl7(text, this.delimiters);
  }
  unescape(raw2) {
    return this.decode(raw2);
  }
  decode(raw2) {
    if (raw2.indexOf(this.delimiters.escape) < 0) return raw2;
    return unescapeHl7(raw2, this.delimiters, hexDecoderFor(this.charset));
  }
  // ---- output ----
  toString(options) {
    if (this.source !== void 0 && options?.canonical !== true && !this.modified) return this.source;
    const term = options?.segmentTerminator ?? "\r";
    let out = "";
    for (const s of this.segs) out += s.toString() + term;
    return out;
  }
};

// src/formats/hl7v2/parse.ts
var MAX_WARNINGS = 50;
function isBlank(c) {
  return c === 32 || c === 9 || c === 11 || c === 12 || c === 28;
}
function isNameChar(c) {
  return c >= 65 && c <= 90 || c >= 48 && c <= 57;
}
function preview(text, from) {
  return JSON.stringify(text.slice(from, from + 20));
}
function parseHl7(text) {
  if (typeof text !== "string") {
    throw new Hl7ParseError("HL7V2_BAD_INPUT", `parseHl7 expects a string, got ${text === null ? "null" : typeof text}.`);
  }
  const len = text.length;
  let pos = 0;
  const hasBom = len > 0 && text.charCodeAt(0) === 65279;
  if (hasBom) pos = 1;
  for (let c = text.charCodeAt(pos); pos < len && (isBlank(c) || c === 13 || c === 10); c = text.charCodeAt(++pos)) ;
  if (pos >= len) throw new Hl7ParseError("HL7V2_EMPTY", "The HL7 v2 message is empty.");
  if (!text.startsWith("MSH", pos)) {
    const head = text.slice(pos, pos + 3);
    const why = head === "FHS" || head === "BHS" ? "it is an HL7 batch (FHS/BHS); split it into messages first" : `found ${preview(text, pos)}`;
    throw new Hl7ParseError("HL7V2_NO_MSH", `The text is not an HL7 v2 message: it must start with an MSH segment (${why}).`);
  }
  let cr = text.indexOf("\r", pos);
  let lf = text.indexOf("\n", pos);
  const headerEnd = cr < 0 ? lf < 0 ? len : lf : lf < 0 || cr < lf ? cr : lf;
  const warnings = [];
  const headerStart = pos;
  const delimiters = readDelimiters(text, pos, headerEnd, warnings);
  const fs = delimiters.field;
  const fsCode = fs.charCodeAt(0);
  const segments = [];
  let lineEnding;
  let mixed = false;
  let blankBetween = false;
  let pendingBlank = false;
  let extraMsh = false;
  let odd = 0;
  while (pos < len) {
    if (cr >= 0 && cr < pos) cr = text.indexOf("\r", pos);
    if (lf >= 0 && lf < pos) lf = text.indexOf("\n", pos);
    const eol = cr < 0 ? lf < 0 ? len : lf : lf < 0 || cr < lf ? cr : lf;
    if (eol > pos) {
      let start = pos;
      let end = eol;
      if (isBlank(text.charCodeAt(start)) || isBlank(text.charCodeAt(end - 1))) {
        while (start < end && isBlank(text.charCodeAt(start))) start++;
        let e = end;
        while (e > start && isBlank(text.charCodeAt(e - 1))) e--;
        if (e === start) end = start;
        else if (start > pos && warnings.length < MAX_WARNINGS) {
          warnings.push(`segment ${segments.length + 1} starts with whitespace, which was ignored`);
        }
      }
      if (end > start) {
        if (pendingBlank) blankBetween = true;
        pendingBlank = false;
        const line = start === pos && end === eol ? text.slice(pos, eol) : text.slice(start, end);
        let name;
        if (line.length >= 3 && (line.length === 3 || line.charCodeAt(3) === fsCode) && isNameChar(line.charCodeAt(0)) && isNameChar(line.charCodeAt(1)) && isNameChar(line.charCodeAt(2))) {
          name = line.length === 3 ? line : line.slice(0, 3);
        } else {
          const at = line.indexOf(fs);
          name = at < 0 ? line : line.slice(0, at);
          if (++odd <= 10 && warnings.length < MAX_WARNINGS) {
            warnings.push(`segment ${segments.length + 1} has an unusual name ${JSON.stringify(name.slice(0, 20))}`);
          }
        }
        if (name === "MSH" && segments.length > 0) extraMsh = true;
        segments.push(new Hl7Segment(name, delimiters, line));
      } else if (segments.length > 0) {
        pendingBlank = true;
      }
    } else if (segments.length > 0) {
      pendingBlank = true;
    }
    if (eol >= len) break;
    let kind = "\n";
    let step = 1;
    if (text.charCodeAt(eol) === 13) {
      if (text.charCodeAt(eol + 1) === 10) {
        kind = "\r\n";
        step = 2;
      } else kind = "\r";
    }
    if (eol > pos) {
      if (lineEnding === void 0) lineEnding = kind;
      else if (kind !== lineEnding) mixed = true;
    }
    pos = eol + step;
  }
  if (mixed) warnings.push("segments are terminated inconsistently (a mix of CR, LF and CRLF)");
  else if (lineEnding === "\n") warnings.push("segments are terminated by LF instead of CR");
  else if (lineEnding === "\r\n") warnings.push("segments are terminated by CRLF instead of CR");
  if (blankBetween) warnings.push("blank lines between segments were ignored");
  if (extraMsh) warnings.push("more than one MSH segment: the text may hold several messages");
  checkHeaderFields(text, headerStart, headerEnd, delimiters, warnings);
  return new Hl7Message({ delimiters, segments, source: text, warnings, lineEnding: lineEnding ?? "\r", hasBom });
}
function readDelimiters(text, start, headerEnd, warnings) {
  if (headerEnd - start < 8) {
    throw new Hl7ParseError(
      "HL7V2_MSH_TOO_SHORT",
      `The MSH segment is too short to hold its delimiters (MSH-1 and MSH-2): ${preview(text, start)}.`
    );
  }
  if (text.startsWith("|^~\\&|", start + 3) || headerEnd - start === 8 && text.startsWith("|^~\\&", start + 3)) {
    return DEFAULT_DELIMITERS;
  }
  const fs = text.charAt(start + 3);
  const fsProblem = delimiterProblem(fs);
  if (fsProblem) {
    throw new Hl7ParseError("HL7V2_BAD_DELIMITERS", `The field separator (MSH-1) ${JSON.stringify(fs)} ${fsProblem}.`);
  }
  let encEnd = text.indexOf(fs, start + 4);
  if (encEnd < 0 || encEnd > headerEnd) encEnd = headerEnd;
  const enc = text.slice(start + 4, encEnd);
  if (enc.length < 3 || enc.length > 5) {
    throw new Hl7ParseError(
      "HL7V2_BAD_DELIMITERS",
      `The encoding characters (MSH-2) ${JSON.stringify(enc.slice(0, 20))} must be 4 characters (5 with the v2.7 truncation character), e.g. "^~\\&".`
    );
  }
  const seen = /* @__PURE__ */ new Set([fs]);
  for (const ch of enc) {
    const problem = delimiterProblem(ch);
    if (problem) {
      throw new Hl7ParseError("HL7V2_BAD_DELIMITERS", `The encoding character ${JSON.stringify(ch)} in MSH-2 ${problem}.`);
    }
    if (seen.has(ch)) {
      throw new Hl7ParseError("HL7V2_BAD_DELIMITERS", `The delimiter ${JSON.stringify(ch)} appears twice in MSH-1/MSH-2.`);
    }
    seen.add(ch);
  }
  let sub = enc.charAt(3);
  if (enc.length === 3) {
    if (seen.has("&")) {
      throw new Hl7ParseError("HL7V2_BAD_DELIMITERS", `MSH-2 ${JSON.stringify(enc)} lacks the subcomponent separator.`);
    }
    sub = "&";
    warnings.push(`MSH-2 ${JSON.stringify(enc)} lacks the subcomponent separator; "&" assumed`);
  }
  return {
    field: fs,
    component: enc.charAt(0),
    repetition: enc.charAt(1),
    escape: enc.charAt(2),
    subcomponent: sub,
    truncation: enc.charAt(4)
  };
}
function checkHeaderFields(text, start, end, d, warnings) {
  let at = start + 3;
  let n = 2;
  const fs = d.field;
  const wanted = [
    [9, "MSH-9 (message type) is empty"],
    [10, "MSH-10 (message control id) is empty"],
    [12, "MSH-12 (version) is empty"]
  ];
  for (const [field, warning] of wanted) {
    while (n < field && at >= 0) {
      at = text.indexOf(fs, at + 1);
      if (at >= end) at = -1;
      n++;
    }
    const c = at < 0 || at + 1 >= end ? "" : text.charAt(at + 1);
    if (c === "" || c === fs || field !== 10 && (c === d.component || c === d.repetition)) warnings.push(warning);
  }
}

// src/formats/hl7v2/charset.ts
import iconv2 from "iconv-lite";

// src/formats/hl7v2/fields.ts
var SCHEDULE_TAIL = [
  ["Start Date/Time", "\u5F00\u59CB\u65F6\u95F4"],
  ["Start Date/Time Offset", "\u5F00\u59CB\u65F6\u95F4\u504F\u79FB"],
  ["Start Date/Time Offset Units", "\u5F00\u59CB\u65F6\u95F4\u504F\u79FB\u5355\u4F4D"],
  ["Duration", "\u65F6\u957F"],
  ["Duration Units", "\u65F6\u957F\u5355\u4F4D"],
  ["Allow Substitution Code", "\u5141\u8BB8\u66FF\u4EE3\u4EE3\u7801"],
  ["Filler Status Code", "\u6267\u884C\u65B9\u72B6\u6001\u4EE3\u7801"]
];
var HL7_FIELD_NAMES = {
  MSH: [
    ["Field Separator", "\u5B57\u6BB5\u5206\u9694\u7B26"],
    ["Encoding Characters", "\u7F16\u7801\u5B57\u7B26"],
    ["Sending Application", "\u53D1\u9001\u5E94\u7528"],
    ["Sending Facility", "\u53D1\u9001\u673A\u6784"],
    ["Receiving Application", "\u63A5\u6536\u5E94\u7528"],
    ["Receiving Facility", "\u63A5\u6536\u673A\u6784"],
    ["Date/Time of Message", "\u6D88\u606F\u65E5\u671F\u65F6\u95F4"],
    ["Security", "\u5B89\u5168"],
    ["Message Type", "\u6D88\u606F\u7C7B\u578B"],
    ["Message Control ID", "\u6D88\u606F\u63A7\u5236ID"],
    ["Processing ID", "\u5904\u7406ID"],
    ["Version ID", "\u7248\u672C\u53F7"],
    ["Sequence Number", "\u5E8F\u5217\u53F7"],
    ["Continuation Pointer", "\u7EED\u63A5\u6307\u9488"],
    ["Accept Acknowledgment Type", "\u63A5\u53D7\u786E\u8BA4\u7C7B\u578B"],
    ["Application Acknowledgment Type", "\u5E94\u7528\u786E\u8BA4\u7C7B\u578B"],
    ["Country Code", "\u56FD\u5BB6\u4EE3\u7801"],
    ["Character Set", "\u5B57\u7B26\u96C6"],
    ["Principal Language of Message", "\u6D88\u606F\u4E3B\u8981\u8BED\u8A00"],
    ["Alternate Character Set Handling Scheme", "\u66FF\u4EE3\u5B57\u7B26\u96C6\u5904\u7406\u65B9\u6848"],
    ["Message Profile Identifier", "\u6D88\u606F\u914D\u7F6E\u6807\u8BC6"],
    ["Sending Responsible Organization", "\u53D1\u9001\u8D23\u4EFB\u673A\u6784"],
    ["Receiving Responsible Organization", "\u63A5\u6536\u8D23\u4EFB\u673A\u6784"],
    ["Sending Network Address", "\u53D1\u9001\u7F51\u7EDC\u5730\u5740"],
    ["Receiving Network Address", "\u63A5\u6536\u7F51\u7EDC\u5730\u5740"]
  ],
  EVN: [
    ["Event Type Code", "\u4E8B\u4EF6\u7C7B\u578B\u4EE3\u7801"],
    ["Recorded Date/Time", "\u8BB0\u5F55\u65E5\u671F\u65F6\u95F4"],
    ["Date/Time Planned Event", "\u8BA1\u5212\u4E8B\u4EF6\u65F6\u95F4"],
    ["Event Reason Code", "\u4E8B\u4EF6\u539F\u56E0\u4EE3\u7801"],
    ["Operator ID", "\u64CD\u4F5C\u5458"],
    ["Event Occurred", "\u4E8B\u4EF6\u53D1\u751F\u65F6\u95F4"],
    ["Event Facility", "\u4E8B\u4EF6\u53D1\u751F\u673A\u6784"]
  ],
  PID: [
    ["Set ID - PID", "\u5E8F\u53F7"],
    ["Patient ID", "\u60A3\u8005ID(\u5916\u90E8)"],
    ["Patient Identifier List", "\u60A3\u8005\u6807\u8BC6\u7B26\u5217\u8868"],
    ["Alternate Patient ID - PID", "\u5907\u7528\u60A3\u8005ID"],
    ["Patient Name", "\u60A3\u8005\u59D3\u540D"],
    ["Mother's Maiden Name", "\u6BCD\u4EB2\u5A5A\u524D\u59D3"],
    ["Date/Time of Birth", "\u51FA\u751F\u65E5\u671F\u65F6\u95F4"],
    ["Administrative Sex", "\u6027\u522B"],
    ["Patient Alias", "\u60A3\u8005\u522B\u540D"],
    ["Race", "\u79CD\u65CF"],
    ["Patient Address", "\u60A3\u8005\u5730\u5740"],
    ["County Code", "\u53BF\u4EE3\u7801"],
    ["Phone Number - Home", "\u5BB6\u5EAD\u7535\u8BDD"],
    ["Phone Number - Business", "\u5DE5\u4F5C\u7535\u8BDD"],
    ["Primary Language", "\u4E3B\u8981\u8BED\u8A00"],
    ["Marital Status", "\u5A5A\u59FB\u72B6\u51B5"],
    ["Religion", "\u5B97\u6559"],
    ["Patient Account Number", "\u60A3\u8005\u8D26\u53F7"],
    ["SSN Number - Patient", "\u793E\u4F1A\u4FDD\u969C\u53F7"],
    ["Driver's License Number - Patient", "\u9A7E\u9A76\u8BC1\u53F7"],
    ["Mother's Identifier", "\u6BCD\u4EB2\u6807\u8BC6"],
    ["Ethnic Group", "\u6C11\u65CF"],
    ["Birth Place", "\u51FA\u751F\u5730"],
    ["Multiple Birth Indicator", "\u591A\u80DE\u80CE\u6807\u5FD7"],
    ["Birth Order", "\u51FA\u751F\u987A\u5E8F"],
    ["Citizenship", "\u516C\u6C11\u8EAB\u4EFD"],
    ["Veterans Military Status", "\u9000\u4F0D\u519B\u4EBA\u72B6\u6001"],
    ["Nationality", "\u56FD\u7C4D"],
    ["Patient Death Date and Time", "\u6B7B\u4EA1\u65E5\u671F\u65F6\u95F4"],
    ["Patient Death Indicator", "\u6B7B\u4EA1\u6807\u5FD7"],
    ["Identity Unknown Indicator", "\u8EAB\u4EFD\u4E0D\u660E\u6807\u5FD7"],
    ["Identity Reliability Code", "\u8EAB\u4EFD\u53EF\u9760\u6027\u4EE3\u7801"],
    ["Last Update Date/Time", "\u6700\u540E\u66F4\u65B0\u65F6\u95F4"],
    ["Last Update Facility", "\u6700\u540E\u66F4\u65B0\u673A\u6784"],
    ["Species Code", "\u7269\u79CD\u4EE3\u7801"],
    ["Breed Code", "\u54C1\u79CD\u4EE3\u7801"],
    ["Strain", "\u54C1\u7CFB"],
    ["Production Class Code", "\u751F\u4EA7\u7C7B\u522B\u4EE3\u7801"],
    ["Tribal Citizenship", "\u90E8\u843D\u516C\u6C11\u8EAB\u4EFD"]
  ],
  PD1: [
    ["Living Dependency", "\u751F\u6D3B\u4F9D\u8D56"],
    ["Living Arrangement", "\u5C45\u4F4F\u5B89\u6392"],
    ["Patient Primary Facility", "\u60A3\u8005\u4E3B\u8981\u533B\u7597\u673A\u6784"],
    ["Patient Primary Care Provider Name & ID No.", "\u4E3B\u8981\u4FDD\u5065\u533B\u751F"],
    ["Student Indicator", "\u5B66\u751F\u6807\u5FD7"],
    ["Handicap", "\u6B8B\u75BE"],
    ["Living Will Code", "\u751F\u524D\u9884\u5631\u4EE3\u7801"],
    ["Organ Donor Code", "\u5668\u5B98\u6350\u732E\u4EE3\u7801"],
    ["Separate Bill", "\u5355\u72EC\u8D26\u5355"],
    ["Duplicate Patient", "\u91CD\u590D\u60A3\u8005"],
    ["Publicity Code", "\u516C\u5F00\u4EE3\u7801"],
    ["Protection Indicator", "\u4FDD\u62A4\u6807\u5FD7"],
    ["Protection Indicator Effective Date", "\u4FDD\u62A4\u6807\u5FD7\u751F\u6548\u65E5\u671F"],
    ["Place of Worship", "\u793C\u62DC\u573A\u6240"],
    ["Advance Directive Code", "\u9884\u5148\u6307\u793A\u4EE3\u7801"],
    ["Immunization Registry Status", "\u514D\u75AB\u767B\u8BB0\u72B6\u6001"],
    ["Immunization Registry Status Effective Date", "\u514D\u75AB\u767B\u8BB0\u72B6\u6001\u751F\u6548\u65E5\u671F"],
    ["Publicity Code Effective Date", "\u516C\u5F00\u4EE3\u7801\u751F\u6548\u65E5\u671F"],
    ["Military Branch", "\u519B\u79CD"],
    ["Military Rank/Grade", "\u519B\u8854"],
    ["Military Status", "\u519B\u4EBA\u72B6\u6001"]
  ],
  NK1: [
    ["Set ID - NK1", "\u5E8F\u53F7"],
    ["Name", "\u59D3\u540D"],
    ["Relationship", "\u5173\u7CFB"],
    ["Address", "\u5730\u5740"],
    ["Phone Number", "\u7535\u8BDD"],
    ["Business Phone Number", "\u5DE5\u4F5C\u7535\u8BDD"],
    ["Contact Role", "\u8054\u7CFB\u4EBA\u89D2\u8272"],
    ["Start Date", "\u5F00\u59CB\u65E5\u671F"],
    ["End Date", "\u7ED3\u675F\u65E5\u671F"],
    ["Next of Kin / Associated Parties Job Title", "\u804C\u52A1"],
    ["Next of Kin / Associated Parties Job Code/Class", "\u804C\u4E1A\u4EE3\u7801/\u7C7B\u522B"],
    ["Next of Kin / Associated Parties Employee Number", "\u5458\u5DE5\u53F7"],
    ["Organization Name - NK1", "\u5355\u4F4D\u540D\u79F0"],
    ["Marital Status", "\u5A5A\u59FB\u72B6\u51B5"],
    ["Administrative Sex", "\u6027\u522B"],
    ["Date/Time of Birth", "\u51FA\u751F\u65E5\u671F\u65F6\u95F4"],
    ["Living Dependency", "\u751F\u6D3B\u4F9D\u8D56"],
    ["Ambulatory Status", "\u884C\u52A8\u80FD\u529B"],
    ["Citizenship", "\u516C\u6C11\u8EAB\u4EFD"],
    ["Primary Language", "\u4E3B\u8981\u8BED\u8A00"],
    ["Living Arrangement", "\u5C45\u4F4F\u5B89\u6392"],
    ["Publicity Code", "\u516C\u5F00\u4EE3\u7801"],
    ["Protection Indicator", "\u4FDD\u62A4\u6807\u5FD7"],
    ["Student Indicator", "\u5B66\u751F\u6807\u5FD7"],
    ["Religion", "\u5B97\u6559"],
    ["Mother's Maiden Name", "\u6BCD\u4EB2\u5A5A\u524D\u59D3"],
    ["Nationality", "\u56FD\u7C4D"],
    ["Ethnic Group", "\u6C11\u65CF"],
    ["Contact Reason", "\u8054\u7CFB\u539F\u56E0"],
    ["Contact Person's Name", "\u8054\u7CFB\u4EBA\u59D3\u540D"],
    ["Contact Person's Telephone Number", "\u8054\u7CFB\u4EBA\u7535\u8BDD"],
    ["Contact Person's Address", "\u8054\u7CFB\u4EBA\u5730\u5740"],
    ["Next of Kin/Associated Party's Identifiers", "\u5173\u8054\u4EBA\u6807\u8BC6"],
    ["Job Status", "\u5DE5\u4F5C\u72B6\u6001"],
    ["Race", "\u79CD\u65CF"],
    ["Handicap", "\u6B8B\u75BE"],
    ["Contact Person Social Security Number", "\u8054\u7CFB\u4EBA\u793E\u4F1A\u4FDD\u969C\u53F7"],
    ["Next of Kin Birth Place", "\u51FA\u751F\u5730"],
    ["VIP Indicator", "VIP\u6807\u5FD7"]
  ],
  PV1: [
    ["Set ID - PV1", "\u5E8F\u53F7"],
    ["Patient Class", "\u60A3\u8005\u7C7B\u522B"],
    ["Assigned Patient Location", "\u60A3\u8005\u4F4D\u7F6E(\u75C5\u533A^\u75C5\u623F^\u5E8A\u4F4D)"],
    ["Admission Type", "\u5165\u9662\u7C7B\u578B"],
    ["Preadmit Number", "\u9884\u5165\u9662\u53F7"],
    ["Prior Patient Location", "\u539F\u60A3\u8005\u4F4D\u7F6E"],
    ["Attending Doctor", "\u4E3B\u6CBB\u533B\u751F"],
    ["Referring Doctor", "\u8F6C\u8BCA\u533B\u751F"],
    ["Consulting Doctor", "\u4F1A\u8BCA\u533B\u751F"],
    ["Hospital Service", "\u533B\u7597\u670D\u52A1(\u79D1\u5BA4)"],
    ["Temporary Location", "\u4E34\u65F6\u4F4D\u7F6E"],
    ["Preadmit Test Indicator", "\u5165\u9662\u524D\u68C0\u67E5\u6807\u5FD7"],
    ["Re-admission Indicator", "\u518D\u5165\u9662\u6807\u5FD7"],
    ["Admit Source", "\u5165\u9662\u6765\u6E90"],
    ["Ambulatory Status", "\u884C\u52A8\u80FD\u529B"],
    ["VIP Indicator", "VIP\u6807\u5FD7"],
    ["Admitting Doctor", "\u6536\u6CBB\u533B\u751F"],
    ["Patient Type", "\u60A3\u8005\u7C7B\u578B"],
    ["Visit Number", "\u5C31\u8BCA\u53F7"],
    ["Financial Class", "\u8D39\u7528\u7C7B\u522B"],
    ["Charge Price Indicator", "\u6536\u8D39\u4EF7\u683C\u6807\u5FD7"],
    ["Courtesy Code", "\u4F18\u60E0\u4EE3\u7801"],
    ["Credit Rating", "\u4FE1\u7528\u7B49\u7EA7"],
    ["Contract Code", "\u5408\u540C\u4EE3\u7801"],
    ["Contract Effective Date", "\u5408\u540C\u751F\u6548\u65E5\u671F"],
    ["Contract Amount", "\u5408\u540C\u91D1\u989D"],
    ["Contract Period", "\u5408\u540C\u671F\u9650"],
    ["Interest Code", "\u5229\u606F\u4EE3\u7801"],
    ["Transfer to Bad Debt Code", "\u8F6C\u574F\u8D26\u4EE3\u7801"],
    ["Transfer to Bad Debt Date", "\u8F6C\u574F\u8D26\u65E5\u671F"],
    ["Bad Debt Agency Code", "\u574F\u8D26\u673A\u6784\u4EE3\u7801"],
    ["Bad Debt Transfer Amount", "\u574F\u8D26\u8F6C\u79FB\u91D1\u989D"],
    ["Bad Debt Recovery Amount", "\u574F\u8D26\u56DE\u6536\u91D1\u989D"],
    ["Delete Account Indicator", "\u5220\u9664\u8D26\u6237\u6807\u5FD7"],
    ["Delete Account Date", "\u5220\u9664\u8D26\u6237\u65E5\u671F"],
    ["Discharge Disposition", "\u51FA\u9662\u53BB\u5411"],
    ["Discharged to Location", "\u51FA\u9662\u8F6C\u5F80\u5730\u70B9"],
    ["Diet Type", "\u996E\u98DF\u7C7B\u578B"],
    ["Servicing Facility", "\u670D\u52A1\u673A\u6784"],
    ["Bed Status", "\u5E8A\u4F4D\u72B6\u6001"],
    ["Account Status", "\u8D26\u6237\u72B6\u6001"],
    ["Pending Location", "\u5F85\u5B9A\u4F4D\u7F6E"],
    ["Prior Temporary Location", "\u539F\u4E34\u65F6\u4F4D\u7F6E"],
    ["Admit Date/Time", "\u5165\u9662\u65E5\u671F\u65F6\u95F4"],
    ["Discharge Date/Time", "\u51FA\u9662\u65E5\u671F\u65F6\u95F4"],
    ["Current Patient Balance", "\u5F53\u524D\u60A3\u8005\u4F59\u989D"],
    ["Total Charges", "\u603B\u8D39\u7528"],
    ["Total Adjustments", "\u603B\u8C03\u6574\u989D"],
    ["Total Payments", "\u603B\u4ED8\u6B3E"],
    ["Alternate Visit ID", "\u5907\u7528\u5C31\u8BCA\u53F7"],
    ["Visit Indicator", "\u5C31\u8BCA\u6807\u5FD7"],
    ["Other Healthcare Provider", "\u5176\u4ED6\u533B\u7597\u63D0\u4F9B\u8005"]
  ],
  PV2: [
    ["Prior Pending Location", "\u539F\u5F85\u5B9A\u4F4D\u7F6E"],
    ["Accommodation Code", "\u4F4F\u5BBF\u4EE3\u7801"],
    ["Admit Reason", "\u5165\u9662\u539F\u56E0"],
    ["Transfer Reason", "\u8F6C\u79D1\u539F\u56E0"],
    ["Patient Valuables", "\u60A3\u8005\u8D35\u91CD\u7269\u54C1"],
    ["Patient Valuables Location", "\u8D35\u91CD\u7269\u54C1\u5B58\u653E\u4F4D\u7F6E"],
    ["Visit User Code", "\u5C31\u8BCA\u7528\u6237\u4EE3\u7801"],
    ["Expected Admit Date/Time", "\u9884\u8BA1\u5165\u9662\u65F6\u95F4"],
    ["Expected Discharge Date/Time", "\u9884\u8BA1\u51FA\u9662\u65F6\u95F4"],
    ["Estimated Length of Inpatient Stay", "\u9884\u8BA1\u4F4F\u9662\u5929\u6570"],
    ["Actual Length of Inpatient Stay", "\u5B9E\u9645\u4F4F\u9662\u5929\u6570"],
    ["Visit Description", "\u5C31\u8BCA\u63CF\u8FF0"],
    ["Referral Source Code", "\u8F6C\u8BCA\u6765\u6E90\u4EE3\u7801"],
    ["Previous Service Date", "\u4E0A\u6B21\u670D\u52A1\u65E5\u671F"],
    ["Employment Illness Related Indicator", "\u5DE5\u4F24\u76F8\u5173\u6807\u5FD7"],
    ["Purge Status Code", "\u6E05\u9664\u72B6\u6001\u4EE3\u7801"],
    ["Purge Status Date", "\u6E05\u9664\u72B6\u6001\u65E5\u671F"],
    ["Special Program Code", "\u7279\u6B8A\u9879\u76EE\u4EE3\u7801"],
    ["Retention Indicator", "\u4FDD\u7559\u6807\u5FD7"],
    ["Expected Number of Insurance Plans", "\u9884\u8BA1\u4FDD\u9669\u8BA1\u5212\u6570"],
    ["Visit Publicity Code", "\u5C31\u8BCA\u516C\u5F00\u4EE3\u7801"],
    ["Visit Protection Indicator", "\u5C31\u8BCA\u4FDD\u62A4\u6807\u5FD7"],
    ["Clinic Organization Name", "\u8BCA\u6240\u673A\u6784\u540D\u79F0"],
    ["Patient Status Code", "\u60A3\u8005\u72B6\u6001\u4EE3\u7801"],
    ["Visit Priority Code", "\u5C31\u8BCA\u4F18\u5148\u7EA7\u4EE3\u7801"],
    ["Previous Treatment Date", "\u4E0A\u6B21\u6CBB\u7597\u65E5\u671F"],
    ["Expected Discharge Disposition", "\u9884\u8BA1\u51FA\u9662\u53BB\u5411"],
    ["Signature on File Date", "\u7B7E\u540D\u5B58\u6863\u65E5\u671F"],
    ["First Similar Illness Date", "\u9996\u6B21\u7C7B\u4F3C\u75BE\u75C5\u65E5\u671F"],
    ["Patient Charge Adjustment Code", "\u60A3\u8005\u8D39\u7528\u8C03\u6574\u4EE3\u7801"],
    ["Recurring Service Code", "\u590D\u8BCA\u670D\u52A1\u4EE3\u7801"],
    ["Billing Media Code", "\u8D26\u5355\u4ECB\u8D28\u4EE3\u7801"],
    ["Expected Surgery Date and Time", "\u9884\u8BA1\u624B\u672F\u65F6\u95F4"],
    ["Military Partnership Code", "\u519B\u65B9\u5408\u4F5C\u4EE3\u7801"],
    ["Military Non-Availability Code", "\u519B\u65B9\u4E0D\u53EF\u7528\u4EE3\u7801"],
    ["Newborn Baby Indicator", "\u65B0\u751F\u513F\u6807\u5FD7"],
    ["Baby Detained Indicator", "\u5A74\u513F\u7559\u9662\u6807\u5FD7"],
    ["Mode of Arrival Code", "\u5230\u8FBE\u65B9\u5F0F\u4EE3\u7801"],
    ["Recreational Drug Use Code", "\u5A31\u4E50\u6027\u836F\u7269\u4F7F\u7528\u4EE3\u7801"],
    ["Admission Level of Care Code", "\u5165\u9662\u62A4\u7406\u7EA7\u522B\u4EE3\u7801"],
    ["Precaution Code", "\u9884\u9632\u63AA\u65BD\u4EE3\u7801"],
    ["Patient Condition Code", "\u60A3\u8005\u75C5\u60C5\u4EE3\u7801"],
    ["Living Will Code", "\u751F\u524D\u9884\u5631\u4EE3\u7801"],
    ["Organ Donor Code", "\u5668\u5B98\u6350\u732E\u4EE3\u7801"],
    ["Advance Directive Code", "\u9884\u5148\u6307\u793A\u4EE3\u7801"],
    ["Patient Status Effective Date", "\u60A3\u8005\u72B6\u6001\u751F\u6548\u65E5\u671F"],
    ["Expected LOA Return Date/Time", "\u9884\u8BA1\u8BF7\u5047\u8FD4\u56DE\u65F6\u95F4"],
    ["Expected Pre-admission Testing Date/Time", "\u9884\u8BA1\u5165\u9662\u524D\u68C0\u67E5\u65F6\u95F4"],
    ["Notify Clergy Code", "\u901A\u77E5\u795E\u804C\u4EBA\u5458\u4EE3\u7801"]
  ],
  ORC: [
    ["Order Control", "\u533B\u5631\u63A7\u5236\u7801"],
    ["Placer Order Number", "\u7533\u8BF7\u65B9\u533B\u5631\u53F7"],
    ["Filler Order Number", "\u6267\u884C\u65B9\u533B\u5631\u53F7"],
    ["Placer Group Number", "\u7533\u8BF7\u65B9\u7EC4\u53F7"],
    ["Order Status", "\u533B\u5631\u72B6\u6001"],
    ["Response Flag", "\u5E94\u7B54\u6807\u5FD7"],
    ["Quantity/Timing", "\u6570\u91CF/\u65F6\u95F4"],
    ["Parent", "\u7236\u533B\u5631"],
    ["Date/Time of Transaction", "\u4E8B\u52A1\u65E5\u671F\u65F6\u95F4"],
    ["Entered By", "\u5F55\u5165\u8005"],
    ["Verified By", "\u6838\u5BF9\u8005"],
    ["Ordering Provider", "\u5F00\u5355\u533B\u751F"],
    ["Enterer's Location", "\u5F55\u5165\u8005\u4F4D\u7F6E"],
    ["Call Back Phone Number", "\u56DE\u62E8\u7535\u8BDD"],
    ["Order Effective Date/Time", "\u533B\u5631\u751F\u6548\u65F6\u95F4"],
    ["Order Control Code Reason", "\u533B\u5631\u63A7\u5236\u539F\u56E0"],
    ["Entering Organization", "\u5F55\u5165\u673A\u6784(\u79D1\u5BA4)"],
    ["Entering Device", "\u5F55\u5165\u8BBE\u5907"],
    ["Action By", "\u64CD\u4F5C\u8005"],
    ["Advanced Beneficiary Notice Code", "\u9884\u5148\u53D7\u76CA\u901A\u77E5\u4EE3\u7801"],
    ["Ordering Facility Name", "\u5F00\u5355\u673A\u6784\u540D\u79F0"],
    ["Ordering Facility Address", "\u5F00\u5355\u673A\u6784\u5730\u5740"],
    ["Ordering Facility Phone Number", "\u5F00\u5355\u673A\u6784\u7535\u8BDD"],
    ["Ordering Provider Address", "\u5F00\u5355\u533B\u751F\u5730\u5740"],
    ["Order Status Modifier", "\u533B\u5631\u72B6\u6001\u4FEE\u9970\u7B26"],
    ["Advanced Beneficiary Notice Override Reason", "\u9884\u5148\u53D7\u76CA\u901A\u77E5\u8986\u76D6\u539F\u56E0"],
    ["Filler's Expected Availability Date/Time", "\u6267\u884C\u65B9\u9884\u8BA1\u53EF\u7528\u65F6\u95F4"],
    ["Confidentiality Code", "\u4FDD\u5BC6\u4EE3\u7801"],
    ["Order Type", "\u533B\u5631\u7C7B\u578B"],
    ["Enterer Authorization Mode", "\u5F55\u5165\u6388\u6743\u65B9\u5F0F"],
    ["Parent Universal Service Identifier", "\u7236\u533B\u5631\u9879\u76EE\u6807\u8BC6"]
  ],
  OBR: [
    ["Set ID - OBR", "\u5E8F\u53F7"],
    ["Placer Order Number", "\u7533\u8BF7\u65B9\u533B\u5631\u53F7"],
    ["Filler Order Number", "\u6267\u884C\u65B9\u533B\u5631\u53F7"],
    ["Universal Service Identifier", "\u68C0\u67E5/\u68C0\u9A8C\u9879\u76EE"],
    ["Priority - OBR", "\u4F18\u5148\u7EA7"],
    ["Requested Date/Time", "\u7533\u8BF7\u65E5\u671F\u65F6\u95F4"],
    ["Observation Date/Time", "\u89C2\u5BDF\u65E5\u671F\u65F6\u95F4(\u91C7\u6837\u65F6\u95F4)"],
    ["Observation End Date/Time", "\u89C2\u5BDF\u7ED3\u675F\u65F6\u95F4"],
    ["Collection Volume", "\u91C7\u96C6\u91CF"],
    ["Collector Identifier", "\u91C7\u96C6\u8005"],
    ["Specimen Action Code", "\u6807\u672C\u5904\u7406\u4EE3\u7801"],
    ["Danger Code", "\u5371\u9669\u4EE3\u7801"],
    ["Relevant Clinical Information", "\u76F8\u5173\u4E34\u5E8A\u4FE1\u606F"],
    ["Specimen Received Date/Time", "\u6807\u672C\u63A5\u6536\u65F6\u95F4"],
    ["Specimen Source", "\u6807\u672C\u6765\u6E90"],
    ["Ordering Provider", "\u5F00\u5355\u533B\u751F"],
    ["Order Callback Phone Number", "\u56DE\u62E8\u7535\u8BDD"],
    ["Placer Field 1", "\u7533\u8BF7\u65B9\u5B57\u6BB51"],
    ["Placer Field 2", "\u7533\u8BF7\u65B9\u5B57\u6BB52"],
    ["Filler Field 1", "\u6267\u884C\u65B9\u5B57\u6BB51"],
    ["Filler Field 2", "\u6267\u884C\u65B9\u5B57\u6BB52"],
    ["Results Rpt/Status Chng - Date/Time", "\u62A5\u544A/\u72B6\u6001\u53D8\u66F4\u65F6\u95F4"],
    ["Charge to Practice", "\u8BA1\u8D39"],
    ["Diagnostic Serv Sect ID", "\u8BCA\u65AD\u670D\u52A1\u90E8\u95E8"],
    ["Result Status", "\u7ED3\u679C\u72B6\u6001"],
    ["Parent Result", "\u7236\u7ED3\u679C"],
    ["Quantity/Timing", "\u6570\u91CF/\u65F6\u95F4"],
    ["Result Copies To", "\u7ED3\u679C\u6284\u9001"],
    ["Parent", "\u7236\u533B\u5631"],
    ["Transportation Mode", "\u8FD0\u9001\u65B9\u5F0F"],
    ["Reason for Study", "\u68C0\u67E5\u539F\u56E0"],
    ["Principal Result Interpreter", "\u4E3B\u8981\u7ED3\u679C\u89E3\u91CA\u8005(\u62A5\u544A\u533B\u751F)"],
    ["Assistant Result Interpreter", "\u8F85\u52A9\u7ED3\u679C\u89E3\u91CA\u8005"],
    ["Technician", "\u6280\u5E08"],
    ["Transcriptionist", "\u8F6C\u5F55\u5458"],
    ["Scheduled Date/Time", "\u9884\u7EA6\u65F6\u95F4"],
    ["Number of Sample Containers", "\u6807\u672C\u5BB9\u5668\u6570"],
    ["Transport Logistics of Collected Sample", "\u6807\u672C\u8FD0\u8F93\u7269\u6D41"],
    ["Collector's Comment", "\u91C7\u96C6\u8005\u5907\u6CE8"],
    ["Transport Arrangement Responsibility", "\u8FD0\u9001\u5B89\u6392\u8D23\u4EFB"],
    ["Transport Arranged", "\u8FD0\u9001\u5DF2\u5B89\u6392"],
    ["Escort Required", "\u9700\u8981\u966A\u540C"],
    ["Planned Patient Transport Comment", "\u8BA1\u5212\u60A3\u8005\u8FD0\u9001\u5907\u6CE8"],
    ["Procedure Code", "\u64CD\u4F5C\u4EE3\u7801"],
    ["Procedure Code Modifier", "\u64CD\u4F5C\u4EE3\u7801\u4FEE\u9970\u7B26"],
    ["Placer Supplemental Service Information", "\u7533\u8BF7\u65B9\u8865\u5145\u670D\u52A1\u4FE1\u606F"],
    ["Filler Supplemental Service Information", "\u6267\u884C\u65B9\u8865\u5145\u670D\u52A1\u4FE1\u606F"],
    ["Medically Necessary Duplicate Procedure Reason", "\u533B\u5B66\u5FC5\u8981\u91CD\u590D\u64CD\u4F5C\u539F\u56E0"],
    ["Result Handling", "\u7ED3\u679C\u5904\u7406"],
    ["Parent Universal Service Identifier", "\u7236\u533B\u5631\u9879\u76EE\u6807\u8BC6"]
  ],
  OBX: [
    ["Set ID - OBX", "\u5E8F\u53F7"],
    ["Value Type", "\u503C\u7C7B\u578B"],
    ["Observation Identifier", "\u89C2\u5BDF\u9879\u6807\u8BC6"],
    ["Observation Sub-ID", "\u89C2\u5BDF\u5B50ID"],
    ["Observation Value", "\u89C2\u5BDF\u503C(\u7ED3\u679C)"],
    ["Units", "\u5355\u4F4D"],
    ["References Range", "\u53C2\u8003\u8303\u56F4"],
    ["Abnormal Flags", "\u5F02\u5E38\u6807\u5FD7"],
    ["Probability", "\u6982\u7387"],
    ["Nature of Abnormal Test", "\u5F02\u5E38\u68C0\u9A8C\u6027\u8D28"],
    ["Observation Result Status", "\u7ED3\u679C\u72B6\u6001"],
    ["Effective Date of Reference Range", "\u53C2\u8003\u8303\u56F4\u751F\u6548\u65E5\u671F"],
    ["User Defined Access Checks", "\u7528\u6237\u5B9A\u4E49\u8BBF\u95EE\u68C0\u67E5"],
    ["Date/Time of the Observation", "\u89C2\u5BDF\u65E5\u671F\u65F6\u95F4"],
    ["Producer's ID", "\u751F\u4EA7\u8005ID"],
    ["Responsible Observer", "\u8D1F\u8D23\u89C2\u5BDF\u8005"],
    ["Observation Method", "\u89C2\u5BDF\u65B9\u6CD5"],
    ["Equipment Instance Identifier", "\u8BBE\u5907\u5B9E\u4F8B\u6807\u8BC6"],
    ["Date/Time of the Analysis", "\u5206\u6790\u65E5\u671F\u65F6\u95F4"],
    ["Observation Site", "\u89C2\u5BDF\u90E8\u4F4D"],
    ["Observation Instance Identifier", "\u89C2\u5BDF\u5B9E\u4F8B\u6807\u8BC6"],
    ["Mood Code", "\u8BED\u6C14\u4EE3\u7801"],
    ["Performing Organization Name", "\u6267\u884C\u673A\u6784\u540D\u79F0"],
    ["Performing Organization Address", "\u6267\u884C\u673A\u6784\u5730\u5740"],
    ["Performing Organization Medical Director", "\u6267\u884C\u673A\u6784\u533B\u7597\u4E3B\u4EFB"]
  ],
  NTE: [
    ["Set ID - NTE", "\u5E8F\u53F7"],
    ["Source of Comment", "\u6CE8\u91CA\u6765\u6E90"],
    ["Comment", "\u6CE8\u91CA"],
    ["Comment Type", "\u6CE8\u91CA\u7C7B\u578B"],
    ["Entered By", "\u5F55\u5165\u8005"],
    ["Entered Date/Time", "\u5F55\u5165\u65F6\u95F4"],
    ["Effective Start Date", "\u751F\u6548\u5F00\u59CB\u65E5\u671F"],
    ["Expiration Date", "\u5931\u6548\u65E5\u671F"]
  ],
  AL1: [
    ["Set ID - AL1", "\u5E8F\u53F7"],
    ["Allergen Type Code", "\u8FC7\u654F\u539F\u7C7B\u578B"],
    ["Allergen Code/Mnemonic/Description", "\u8FC7\u654F\u539F"],
    ["Allergy Severity Code", "\u8FC7\u654F\u4E25\u91CD\u7A0B\u5EA6"],
    ["Allergy Reaction Code", "\u8FC7\u654F\u53CD\u5E94"],
    ["Identification Date", "\u8BC6\u522B\u65E5\u671F"]
  ],
  DG1: [
    ["Set ID - DG1", "\u5E8F\u53F7"],
    ["Diagnosis Coding Method", "\u8BCA\u65AD\u7F16\u7801\u65B9\u6CD5"],
    ["Diagnosis Code - DG1", "\u8BCA\u65AD\u4EE3\u7801"],
    ["Diagnosis Description", "\u8BCA\u65AD\u63CF\u8FF0"],
    ["Diagnosis Date/Time", "\u8BCA\u65AD\u65E5\u671F\u65F6\u95F4"],
    ["Diagnosis Type", "\u8BCA\u65AD\u7C7B\u578B"],
    ["Major Diagnostic Category", "\u4E3B\u8981\u8BCA\u65AD\u7C7B\u522B"],
    ["Diagnostic Related Group", "\u75BE\u75C5\u8BCA\u65AD\u76F8\u5173\u5206\u7EC4(DRG)"],
    ["DRG Approval Indicator", "DRG\u6279\u51C6\u6807\u5FD7"],
    ["DRG Grouper Review Code", "DRG\u5206\u7EC4\u5BA1\u6838\u4EE3\u7801"],
    ["Outlier Type", "\u5F02\u5E38\u503C\u7C7B\u578B"],
    ["Outlier Days", "\u5F02\u5E38\u5929\u6570"],
    ["Outlier Cost", "\u5F02\u5E38\u8D39\u7528"],
    ["Grouper Version And Type", "\u5206\u7EC4\u5668\u7248\u672C\u548C\u7C7B\u578B"],
    ["Diagnosis Priority", "\u8BCA\u65AD\u4F18\u5148\u7EA7"],
    ["Diagnosing Clinician", "\u8BCA\u65AD\u533B\u751F"],
    ["Diagnosis Classification", "\u8BCA\u65AD\u5206\u7C7B"],
    ["Confidential Indicator", "\u4FDD\u5BC6\u6807\u5FD7"],
    ["Attestation Date/Time", "\u8BC1\u660E\u65E5\u671F\u65F6\u95F4"],
    ["Diagnosis Identifier", "\u8BCA\u65AD\u6807\u8BC6"],
    ["Diagnosis Action Code", "\u8BCA\u65AD\u64CD\u4F5C\u4EE3\u7801"]
  ],
  IN1: [
    ["Set ID - IN1", "\u5E8F\u53F7"],
    ["Insurance Plan ID", "\u4FDD\u9669\u8BA1\u5212ID"],
    ["Insurance Company ID", "\u4FDD\u9669\u516C\u53F8ID"],
    ["Insurance Company Name", "\u4FDD\u9669\u516C\u53F8\u540D\u79F0"],
    ["Insurance Company Address", "\u4FDD\u9669\u516C\u53F8\u5730\u5740"],
    ["Insurance Co Contact Person", "\u4FDD\u9669\u516C\u53F8\u8054\u7CFB\u4EBA"],
    ["Insurance Co Phone Number", "\u4FDD\u9669\u516C\u53F8\u7535\u8BDD"],
    ["Group Number", "\u56E2\u4F53\u53F7"],
    ["Group Name", "\u56E2\u4F53\u540D\u79F0"],
    ["Insured's Group Emp ID", "\u88AB\u4FDD\u9669\u4EBA\u56E2\u4F53\u96C7\u5458ID"],
    ["Insured's Group Emp Name", "\u88AB\u4FDD\u9669\u4EBA\u56E2\u4F53\u96C7\u4E3B\u540D\u79F0"],
    ["Plan Effective Date", "\u8BA1\u5212\u751F\u6548\u65E5\u671F"],
    ["Plan Expiration Date", "\u8BA1\u5212\u5931\u6548\u65E5\u671F"],
    ["Authorization Information", "\u6388\u6743\u4FE1\u606F"],
    ["Plan Type", "\u8BA1\u5212\u7C7B\u578B"],
    ["Name Of Insured", "\u88AB\u4FDD\u9669\u4EBA\u59D3\u540D"],
    ["Insured's Relationship To Patient", "\u88AB\u4FDD\u9669\u4EBA\u4E0E\u60A3\u8005\u5173\u7CFB"],
    ["Insured's Date Of Birth", "\u88AB\u4FDD\u9669\u4EBA\u51FA\u751F\u65E5\u671F"],
    ["Insured's Address", "\u88AB\u4FDD\u9669\u4EBA\u5730\u5740"],
    ["Assignment Of Benefits", "\u798F\u5229\u8F6C\u8BA9"],
    ["Coordination Of Benefits", "\u798F\u5229\u534F\u8C03"],
    ["Coord Of Ben. Priority", "\u798F\u5229\u534F\u8C03\u4F18\u5148\u7EA7"],
    ["Notice Of Admission Flag", "\u5165\u9662\u901A\u77E5\u6807\u5FD7"],
    ["Notice Of Admission Date", "\u5165\u9662\u901A\u77E5\u65E5\u671F"],
    ["Report Of Eligibility Flag", "\u8D44\u683C\u62A5\u544A\u6807\u5FD7"],
    ["Report Of Eligibility Date", "\u8D44\u683C\u62A5\u544A\u65E5\u671F"],
    ["Release Information Code", "\u4FE1\u606F\u53D1\u5E03\u4EE3\u7801"],
    ["Pre-Admit Cert (PAC)", "\u5165\u9662\u524D\u8BC1\u660E"],
    ["Verification Date/Time", "\u6838\u5B9E\u65E5\u671F\u65F6\u95F4"],
    ["Verification By", "\u6838\u5B9E\u8005"],
    ["Type Of Agreement Code", "\u534F\u8BAE\u7C7B\u578B\u4EE3\u7801"],
    ["Billing Status", "\u8D26\u5355\u72B6\u6001"],
    ["Lifetime Reserve Days", "\u7EC8\u8EAB\u50A8\u5907\u5929\u6570"],
    ["Delay Before L.R. Day", "\u50A8\u5907\u65E5\u524D\u5EF6\u8FDF"],
    ["Company Plan Code", "\u516C\u53F8\u8BA1\u5212\u4EE3\u7801"],
    ["Policy Number", "\u4FDD\u5355\u53F7"],
    ["Policy Deductible", "\u4FDD\u5355\u514D\u8D54\u989D"],
    ["Policy Limit - Amount", "\u4FDD\u5355\u9650\u989D"],
    ["Policy Limit - Days", "\u4FDD\u5355\u9650\u5236\u5929\u6570"],
    ["Room Rate - Semi-Private", "\u534A\u79C1\u4EBA\u75C5\u623F\u8D39\u7387"],
    ["Room Rate - Private", "\u79C1\u4EBA\u75C5\u623F\u8D39\u7387"],
    ["Insured's Employment Status", "\u88AB\u4FDD\u9669\u4EBA\u5C31\u4E1A\u72B6\u6001"],
    ["Insured's Administrative Sex", "\u88AB\u4FDD\u9669\u4EBA\u6027\u522B"],
    ["Insured's Employer's Address", "\u88AB\u4FDD\u9669\u4EBA\u96C7\u4E3B\u5730\u5740"],
    ["Verification Status", "\u6838\u5B9E\u72B6\u6001"],
    ["Prior Insurance Plan ID", "\u539F\u4FDD\u9669\u8BA1\u5212ID"],
    ["Coverage Type", "\u627F\u4FDD\u7C7B\u578B"],
    ["Handicap", "\u6B8B\u75BE"],
    ["Insured's ID Number", "\u88AB\u4FDD\u9669\u4EBAID\u53F7"],
    ["Signature Code", "\u7B7E\u540D\u4EE3\u7801"],
    ["Signature Code Date", "\u7B7E\u540D\u4EE3\u7801\u65E5\u671F"],
    ["Insured's Birth Place", "\u88AB\u4FDD\u9669\u4EBA\u51FA\u751F\u5730"],
    ["VIP Indicator", "VIP\u6807\u5FD7"]
  ],
  SCH: [
    ["Placer Appointment ID", "\u7533\u8BF7\u65B9\u9884\u7EA6ID"],
    ["Filler Appointment ID", "\u6267\u884C\u65B9\u9884\u7EA6ID"],
    ["Occurrence Number", "\u53D1\u751F\u5E8F\u53F7"],
    ["Placer Group Number", "\u7533\u8BF7\u65B9\u7EC4\u53F7"],
    ["Schedule ID", "\u6392\u73EDID"],
    ["Event Reason", "\u4E8B\u4EF6\u539F\u56E0"],
    ["Appointment Reason", "\u9884\u7EA6\u539F\u56E0"],
    ["Appointment Type", "\u9884\u7EA6\u7C7B\u578B"],
    ["Appointment Duration", "\u9884\u7EA6\u65F6\u957F"],
    ["Appointment Duration Units", "\u9884\u7EA6\u65F6\u957F\u5355\u4F4D"],
    ["Appointment Timing Quantity", "\u9884\u7EA6\u65F6\u95F4\u6570\u91CF"],
    ["Placer Contact Person", "\u7533\u8BF7\u65B9\u8054\u7CFB\u4EBA"],
    ["Placer Contact Phone Number", "\u7533\u8BF7\u65B9\u8054\u7CFB\u7535\u8BDD"],
    ["Placer Contact Address", "\u7533\u8BF7\u65B9\u8054\u7CFB\u5730\u5740"],
    ["Placer Contact Location", "\u7533\u8BF7\u65B9\u8054\u7CFB\u4F4D\u7F6E"],
    ["Filler Contact Person", "\u6267\u884C\u65B9\u8054\u7CFB\u4EBA"],
    ["Filler Contact Phone Number", "\u6267\u884C\u65B9\u8054\u7CFB\u7535\u8BDD"],
    ["Filler Contact Address", "\u6267\u884C\u65B9\u8054\u7CFB\u5730\u5740"],
    ["Filler Contact Location", "\u6267\u884C\u65B9\u8054\u7CFB\u4F4D\u7F6E"],
    ["Entered By Person", "\u5F55\u5165\u4EBA"],
    ["Entered By Phone Number", "\u5F55\u5165\u4EBA\u7535\u8BDD"],
    ["Entered By Location", "\u5F55\u5165\u4EBA\u4F4D\u7F6E"],
    ["Parent Placer Appointment ID", "\u7236\u7533\u8BF7\u65B9\u9884\u7EA6ID"],
    ["Parent Filler Appointment ID", "\u7236\u6267\u884C\u65B9\u9884\u7EA6ID"],
    ["Filler Status Code", "\u6267\u884C\u65B9\u72B6\u6001\u4EE3\u7801"],
    ["Placer Order Number", "\u7533\u8BF7\u65B9\u533B\u5631\u53F7"],
    ["Filler Order Number", "\u6267\u884C\u65B9\u533B\u5631\u53F7"]
  ],
  AIS: [
    ["Set ID - AIS", "\u5E8F\u53F7"],
    ["Segment Action Code", "\u6BB5\u64CD\u4F5C\u4EE3\u7801"],
    ["Universal Service Identifier", "\u670D\u52A1\u9879\u76EE\u6807\u8BC6"],
    ...SCHEDULE_TAIL,
    ["Placer Supplemental Service Information", "\u7533\u8BF7\u65B9\u8865\u5145\u670D\u52A1\u4FE1\u606F"],
    ["Filler Supplemental Service Information", "\u6267\u884C\u65B9\u8865\u5145\u670D\u52A1\u4FE1\u606F"]
  ],
  AIG: [
    ["Set ID - AIG", "\u5E8F\u53F7"],
    ["Segment Action Code", "\u6BB5\u64CD\u4F5C\u4EE3\u7801"],
    ["Resource ID", "\u8D44\u6E90ID"],
    ["Resource Type", "\u8D44\u6E90\u7C7B\u578B"],
    ["Resource Group", "\u8D44\u6E90\u7EC4"],
    ["Resource Quantity", "\u8D44\u6E90\u6570\u91CF"],
    ["Resource Quantity Units", "\u8D44\u6E90\u6570\u91CF\u5355\u4F4D"],
    ...SCHEDULE_TAIL
  ],
  AIL: [
    ["Set ID - AIL", "\u5E8F\u53F7"],
    ["Segment Action Code", "\u6BB5\u64CD\u4F5C\u4EE3\u7801"],
    ["Location Resource ID", "\u4F4D\u7F6E\u8D44\u6E90ID"],
    ["Location Type - AIL", "\u4F4D\u7F6E\u7C7B\u578B"],
    ["Location Group", "\u4F4D\u7F6E\u7EC4"],
    ...SCHEDULE_TAIL
  ],
  AIP: [
    ["Set ID - AIP", "\u5E8F\u53F7"],
    ["Segment Action Code", "\u6BB5\u64CD\u4F5C\u4EE3\u7801"],
    ["Personnel Resource ID", "\u4EBA\u5458\u8D44\u6E90ID"],
    ["Resource Type", "\u8D44\u6E90\u7C7B\u578B(\u89D2\u8272)"],
    ["Resource Group", "\u8D44\u6E90\u7EC4"],
    ...SCHEDULE_TAIL
  ],
  RGS: [
    ["Set ID - RGS", "\u5E8F\u53F7"],
    ["Segment Action Code", "\u6BB5\u64CD\u4F5C\u4EE3\u7801"],
    ["Resource Group ID", "\u8D44\u6E90\u7EC4ID"]
  ],
  TXA: [
    ["Set ID - TXA", "\u5E8F\u53F7"],
    ["Document Type", "\u6587\u6863\u7C7B\u578B"],
    ["Document Content Presentation", "\u6587\u6863\u5185\u5BB9\u5448\u73B0\u683C\u5F0F"],
    ["Activity Date/Time", "\u6D3B\u52A8\u65E5\u671F\u65F6\u95F4"],
    ["Primary Activity Provider Code/Name", "\u4E3B\u8981\u6D3B\u52A8\u63D0\u4F9B\u8005"],
    ["Origination Date/Time", "\u521B\u5EFA\u65E5\u671F\u65F6\u95F4"],
    ["Transcription Date/Time", "\u8F6C\u5F55\u65E5\u671F\u65F6\u95F4"],
    ["Edit Date/Time", "\u7F16\u8F91\u65E5\u671F\u65F6\u95F4"],
    ["Originator Code/Name", "\u521B\u5EFA\u8005"],
    ["Assigned Document Authenticator", "\u6307\u5B9A\u6587\u6863\u5BA1\u6838\u8005"],
    ["Transcriptionist Code/Name", "\u8F6C\u5F55\u5458"],
    ["Unique Document Number", "\u6587\u6863\u552F\u4E00\u7F16\u53F7"],
    ["Parent Document Number", "\u7236\u6587\u6863\u7F16\u53F7"],
    ["Placer Order Number", "\u7533\u8BF7\u65B9\u533B\u5631\u53F7"],
    ["Filler Order Number", "\u6267\u884C\u65B9\u533B\u5631\u53F7"],
    ["Unique Document File Name", "\u6587\u6863\u552F\u4E00\u6587\u4EF6\u540D"],
    ["Document Completion Status", "\u6587\u6863\u5B8C\u6210\u72B6\u6001"],
    ["Document Confidentiality Status", "\u6587\u6863\u4FDD\u5BC6\u72B6\u6001"],
    ["Document Availability Status", "\u6587\u6863\u53EF\u7528\u72B6\u6001"],
    ["Document Storage Status", "\u6587\u6863\u5B58\u50A8\u72B6\u6001"],
    ["Document Change Reason", "\u6587\u6863\u53D8\u66F4\u539F\u56E0"],
    ["Authentication Person, Time Stamp", "\u5BA1\u6838\u4EBA\u53CA\u65F6\u95F4"],
    ["Distributed Copies", "\u5206\u53D1\u526F\u672C"]
  ],
  MRG: [
    ["Prior Patient Identifier List", "\u539F\u60A3\u8005\u6807\u8BC6\u7B26\u5217\u8868"],
    ["Prior Alternate Patient ID", "\u539F\u5907\u7528\u60A3\u8005ID"],
    ["Prior Patient Account Number", "\u539F\u60A3\u8005\u8D26\u53F7"],
    ["Prior Patient ID", "\u539F\u60A3\u8005ID"],
    ["Prior Visit Number", "\u539F\u5C31\u8BCA\u53F7"],
    ["Prior Alternate Visit ID", "\u539F\u5907\u7528\u5C31\u8BCA\u53F7"],
    ["Prior Patient Name", "\u539F\u60A3\u8005\u59D3\u540D"]
  ],
  FT1: [
    ["Set ID - FT1", "\u5E8F\u53F7"],
    ["Transaction ID", "\u4EA4\u6613ID"],
    ["Transaction Batch ID", "\u4EA4\u6613\u6279\u6B21ID"],
    ["Transaction Date", "\u4EA4\u6613\u65E5\u671F"],
    ["Transaction Posting Date", "\u4EA4\u6613\u5165\u8D26\u65E5\u671F"],
    ["Transaction Type", "\u4EA4\u6613\u7C7B\u578B"],
    ["Transaction Code", "\u4EA4\u6613\u4EE3\u7801(\u6536\u8D39\u9879\u76EE)"],
    ["Transaction Description", "\u4EA4\u6613\u63CF\u8FF0"],
    ["Transaction Description - Alt", "\u4EA4\u6613\u63CF\u8FF0(\u5907\u7528)"],
    ["Transaction Quantity", "\u4EA4\u6613\u6570\u91CF"],
    ["Transaction Amount - Extended", "\u4EA4\u6613\u91D1\u989D(\u603B\u989D)"],
    ["Transaction Amount - Unit", "\u4EA4\u6613\u91D1\u989D(\u5355\u4EF7)"],
    ["Department Code", "\u79D1\u5BA4\u4EE3\u7801"],
    ["Insurance Plan ID", "\u4FDD\u9669\u8BA1\u5212ID"],
    ["Insurance Amount", "\u4FDD\u9669\u91D1\u989D"],
    ["Assigned Patient Location", "\u60A3\u8005\u4F4D\u7F6E"],
    ["Fee Schedule", "\u6536\u8D39\u6807\u51C6"],
    ["Patient Type", "\u60A3\u8005\u7C7B\u578B"],
    ["Diagnosis Code - FT1", "\u8BCA\u65AD\u4EE3\u7801"],
    ["Performed By Code", "\u6267\u884C\u8005\u4EE3\u7801"],
    ["Ordered By Code", "\u5F00\u5355\u8005\u4EE3\u7801"],
    ["Unit Cost", "\u5355\u4F4D\u6210\u672C"],
    ["Filler Order Number", "\u6267\u884C\u65B9\u533B\u5631\u53F7"],
    ["Entered By Code", "\u5F55\u5165\u8005\u4EE3\u7801"],
    ["Procedure Code", "\u64CD\u4F5C\u4EE3\u7801"],
    ["Procedure Code Modifier", "\u64CD\u4F5C\u4EE3\u7801\u4FEE\u9970\u7B26"],
    ["Advanced Beneficiary Notice Code", "\u9884\u5148\u53D7\u76CA\u901A\u77E5\u4EE3\u7801"],
    ["Medically Necessary Duplicate Procedure Reason", "\u533B\u5B66\u5FC5\u8981\u91CD\u590D\u64CD\u4F5C\u539F\u56E0"],
    ["NDC Code", "\u56FD\u5BB6\u836F\u54C1\u4EE3\u7801(NDC)"],
    ["Payment Reference ID", "\u4ED8\u6B3E\u53C2\u8003ID"],
    ["Transaction Reference Key", "\u4EA4\u6613\u53C2\u8003\u952E"]
  ],
  MSA: [
    ["Acknowledgment Code", "\u786E\u8BA4\u4EE3\u7801"],
    ["Message Control ID", "\u6D88\u606F\u63A7\u5236ID"],
    ["Text Message", "\u6587\u672C\u6D88\u606F"],
    ["Expected Sequence Number", "\u671F\u671B\u5E8F\u5217\u53F7"],
    ["Delayed Acknowledgment Type", "\u5EF6\u8FDF\u786E\u8BA4\u7C7B\u578B"],
    ["Error Condition", "\u9519\u8BEF\u6761\u4EF6"]
  ],
  ERR: [
    ["Error Code and Location", "\u9519\u8BEF\u4EE3\u7801\u548C\u4F4D\u7F6E"],
    ["Error Location", "\u9519\u8BEF\u4F4D\u7F6E"],
    ["HL7 Error Code", "HL7\u9519\u8BEF\u4EE3\u7801"],
    ["Severity", "\u4E25\u91CD\u7A0B\u5EA6"],
    ["Application Error Code", "\u5E94\u7528\u9519\u8BEF\u4EE3\u7801"],
    ["Application Error Parameter", "\u5E94\u7528\u9519\u8BEF\u53C2\u6570"],
    ["Diagnostic Information", "\u8BCA\u65AD\u4FE1\u606F"],
    ["User Message", "\u7528\u6237\u6D88\u606F"],
    ["Inform Person Indicator", "\u901A\u77E5\u4EBA\u5458\u6807\u5FD7"],
    ["Override Type", "\u8986\u76D6\u7C7B\u578B"],
    ["Override Reason Code", "\u8986\u76D6\u539F\u56E0\u4EE3\u7801"],
    ["Help Desk Contact Point", "\u670D\u52A1\u53F0\u8054\u7CFB\u65B9\u5F0F"]
  ],
  SPM: [
    ["Set ID - SPM", "\u5E8F\u53F7"],
    ["Specimen ID", "\u6807\u672CID"],
    ["Specimen Parent IDs", "\u7236\u6807\u672CID"],
    ["Specimen Type", "\u6807\u672C\u7C7B\u578B"],
    ["Specimen Type Modifier", "\u6807\u672C\u7C7B\u578B\u4FEE\u9970\u7B26"],
    ["Specimen Additives", "\u6807\u672C\u6DFB\u52A0\u5242"],
    ["Specimen Collection Method", "\u6807\u672C\u91C7\u96C6\u65B9\u6CD5"],
    ["Specimen Source Site", "\u6807\u672C\u6765\u6E90\u90E8\u4F4D"],
    ["Specimen Source Site Modifier", "\u6807\u672C\u6765\u6E90\u90E8\u4F4D\u4FEE\u9970\u7B26"],
    ["Specimen Collection Site", "\u6807\u672C\u91C7\u96C6\u90E8\u4F4D"],
    ["Specimen Role", "\u6807\u672C\u89D2\u8272"],
    ["Specimen Collection Amount", "\u6807\u672C\u91C7\u96C6\u91CF"],
    ["Grouped Specimen Count", "\u5206\u7EC4\u6807\u672C\u6570"],
    ["Specimen Description", "\u6807\u672C\u63CF\u8FF0"],
    ["Specimen Handling Code", "\u6807\u672C\u5904\u7406\u4EE3\u7801"],
    ["Specimen Risk Code", "\u6807\u672C\u98CE\u9669\u4EE3\u7801"],
    ["Specimen Collection Date/Time", "\u6807\u672C\u91C7\u96C6\u65F6\u95F4"],
    ["Specimen Received Date/Time", "\u6807\u672C\u63A5\u6536\u65F6\u95F4"],
    ["Specimen Expiration Date/Time", "\u6807\u672C\u8FC7\u671F\u65F6\u95F4"],
    ["Specimen Availability", "\u6807\u672C\u53EF\u7528\u6027"],
    ["Specimen Reject Reason", "\u6807\u672C\u62D2\u6536\u539F\u56E0"],
    ["Specimen Quality", "\u6807\u672C\u8D28\u91CF"],
    ["Specimen Appropriateness", "\u6807\u672C\u9002\u5B9C\u6027"],
    ["Specimen Condition", "\u6807\u672C\u72B6\u51B5"],
    ["Specimen Current Quantity", "\u6807\u672C\u5F53\u524D\u6570\u91CF"],
    ["Number of Specimen Containers", "\u6807\u672C\u5BB9\u5668\u6570"],
    ["Container Type", "\u5BB9\u5668\u7C7B\u578B"],
    ["Container Condition", "\u5BB9\u5668\u72B6\u51B5"],
    ["Specimen Child Role", "\u5B50\u6807\u672C\u89D2\u8272"]
  ],
  TQ1: [
    ["Set ID - TQ1", "\u5E8F\u53F7"],
    ["Quantity", "\u6570\u91CF"],
    ["Repeat Pattern", "\u91CD\u590D\u6A21\u5F0F(\u9891\u6B21)"],
    ["Explicit Time", "\u660E\u786E\u65F6\u95F4"],
    ["Relative Time and Units", "\u76F8\u5BF9\u65F6\u95F4\u53CA\u5355\u4F4D"],
    ["Service Duration", "\u670D\u52A1\u6301\u7EED\u65F6\u95F4"],
    ["Start Date/Time", "\u5F00\u59CB\u65F6\u95F4"],
    ["End Date/Time", "\u7ED3\u675F\u65F6\u95F4"],
    ["Priority", "\u4F18\u5148\u7EA7"],
    ["Condition Text", "\u6761\u4EF6\u6587\u672C"],
    ["Text Instruction", "\u6587\u672C\u8BF4\u660E"],
    ["Conjunction", "\u8FDE\u63A5"],
    ["Occurrence Duration", "\u53D1\u751F\u6301\u7EED\u65F6\u95F4"],
    ["Total Occurrences", "\u603B\u53D1\u751F\u6B21\u6570"]
  ]
};

// bench/_p.ts
var dir = "/work/shared/corpus/hl7v2/fhir-converter/";
var raw = readdirSync(dir).filter((f) => f.endsWith(".hl7")).sort().map((f) => readFileSync(dir + f, "utf8"));
var wire = raw.map((t) => t.replace(/^\uFEFF/, "").replace(/\r\n|\n/g, "\r"));
var lfwire = raw.map((t) => t.replace(/^\uFEFF/, ""));
function b(name, inputs, f) {
  let s = 0;
  for (let i = 0; i < 500; i++) for (const t of inputs) s += f(t);
  const t0 = performance.now();
  const N = 3e3;
  for (let i = 0; i < N; i++) for (const t of inputs) s += f(t);
  const dt = performance.now() - t0;
  console.log(name.padEnd(30), Math.round(N * inputs.length / (dt / 1e3)), s > 0 ? "" : "x");
}
var mode = process.argv[2] ?? "all";
b("wire CR parse+ser", wire, (t) => parseHl7(t).toString().length);
b("LF no BOM parse+ser", lfwire, (t) => parseHl7(t).toString().length);
b("raw parse+ser", raw, (t) => parseHl7(t).toString().length);
b("wire CR parse+ser", wire, (t) => parseHl7(t).toString().length);
b("wire CR parse only", wire, (t) => parseHl7(t).segments.length);
