// Dates for transforms in 北京时间 (Asia/Shanghai), with the Java-style pictures hospital interfaces are written in:
// `yyyyMMddHHmmss` (HL7 v2 / V3 TS), `yyyy-MM-dd HH:mm:ss`, `yyyy-MM-dd'T'HH:mm:ssXXX` …
//
// Picture letters: yyyy yy (year) · MM M (month) · dd d (day) · HH H (hour 0–23) · mm (minute) · ss (second) ·
// S… (fraction of a second, as many digits as letters) · Z (+0800) · XXX (+08:00, `Z` for UTC) · X (+08).
// Text in single quotes is literal ('T'); '' is a quote; any other non-letter is literal.
//
// A date without an offset is local time in Asia/Shanghai. Offsets come from the IANA zone (Intl), so the 1986–1991
// summer-time years convert exactly; every date since then is UTC+8.

const ZONE = 'Asia/Shanghai';

const partsFormatter = new Intl.DateTimeFormat('en-US', {
  timeZone: ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
});

export interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  /** Minutes east of UTC at that instant (480 for +08:00). */
  offsetMinutes: number;
}

export class DateFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DateFormatError';
  }
}

/** The wall-clock time in Asia/Shanghai at `epochMs`. */
export function shanghaiTime(epochMs: number): LocalTime {
  if (!Number.isFinite(epochMs)) throw new DateFormatError(`not a time: ${epochMs}`);
  const seconds = Math.floor(epochMs / 1000) * 1000;
  const fields: Record<string, number> = {};
  for (const p of partsFormatter.formatToParts(new Date(seconds))) {
    if (p.type !== 'literal') fields[p.type] = Number(p.value);
  }
  const year = fields.year ?? 1970;
  const month = fields.month ?? 1;
  const day = fields.day ?? 1;
  const hour = fields.hour ?? 0;
  const minute = fields.minute ?? 0;
  const second = fields.second ?? 0;
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  return {
    year,
    month,
    day,
    hour,
    minute,
    second,
    millisecond: epochMs - seconds,
    offsetMinutes: Math.round((asUtc - seconds) / 60_000),
  };
}

/** The instant of a wall-clock time in Asia/Shanghai. */
export function fromShanghai(
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
  millisecond = 0,
): number {
  checkRanges(year, month, day, hour, minute, second);
  const wall = Date.UTC(year, month - 1, day, hour, minute, second, millisecond);
  // Start from UTC+8 and correct by the zone's real offset at that instant (twice covers a summer-time edge).
  let instant = wall - 480 * 60_000;
  for (let i = 0; i < 2; i++) {
    const offset = shanghaiTime(instant).offsetMinutes;
    const next = wall - offset * 60_000;
    if (next === instant) break;
    instant = next;
  }
  return instant;
}

function checkRanges(year: number, month: number, day: number, hour: number, minute: number, second: number): void {
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12) throw new DateFormatError(`month ${month} is out of range`);
  if (day < 1 || day > daysInMonth) throw new DateFormatError(`day ${day} is out of range for ${year}-${month}`);
  if (hour > 23) throw new DateFormatError(`hour ${hour} is out of range`);
  if (minute > 59) throw new DateFormatError(`minute ${minute} is out of range`);
  if (second > 59) throw new DateFormatError(`second ${second} is out of range`);
}

// ---- pictures -----------------------------------------------------------------------------------------------------

type Token = { kind: 'field'; letter: string; count: number } | { kind: 'literal'; text: string };

const LETTERS = new Set(['y', 'M', 'd', 'H', 'm', 's', 'S', 'Z', 'X']);
const pictureCache = new Map<string, Token[]>();

function tokenize(picture: string): Token[] {
  const cached = pictureCache.get(picture);
  if (cached) return cached;
  const tokens: Token[] = [];
  const pushLiteral = (text: string) => {
    const last = tokens[tokens.length - 1];
    if (last && last.kind === 'literal') last.text += text;
    else tokens.push({ kind: 'literal', text });
  };
  let i = 0;
  while (i < picture.length) {
    const c = picture[i] as string;
    if (c === "'") {
      if (picture[i + 1] === "'") {
        pushLiteral("'");
        i += 2;
        continue;
      }
      const end = picture.indexOf("'", i + 1);
      if (end < 0) throw new DateFormatError(`unterminated quote in picture "${picture}"`);
      pushLiteral(picture.slice(i + 1, end));
      i = end + 1;
    } else if (/[A-Za-z]/.test(c)) {
      if (!LETTERS.has(c)) throw new DateFormatError(`unknown letter "${c}" in picture "${picture}"`);
      let n = 1;
      while (picture[i + n] === c) n++;
      tokens.push({ kind: 'field', letter: c, count: n });
      i += n;
    } else {
      pushLiteral(c);
      i++;
    }
  }
  if (pictureCache.size > 500) pictureCache.clear();
  pictureCache.set(picture, tokens);
  return tokens;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

function offsetText(minutes: number, style: 'Z' | 'X' | 'XXX'): string {
  if (minutes === 0 && style !== 'Z') return 'Z';
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  const hh = pad(Math.floor(abs / 60), 2);
  const mm = pad(abs % 60, 2);
  if (style === 'X') return `${sign}${hh}${mm === '00' ? '' : mm}`;
  return style === 'Z' ? `${sign}${hh}${mm}` : `${sign}${hh}:${mm}`;
}

/** Formats an instant as Asia/Shanghai wall-clock time with `picture`. */
export function formatShanghai(epochMs: number, picture: string): string {
  const t = shanghaiTime(epochMs);
  let out = '';
  for (const token of tokenize(picture)) {
    if (token.kind === 'literal') {
      out += token.text;
      continue;
    }
    const n = token.count;
    switch (token.letter) {
      case 'y':
        out += n === 2 ? pad(t.year % 100, 2) : pad(t.year, Math.max(n, 4));
        break;
      case 'M':
        out += pad(t.month, n);
        break;
      case 'd':
        out += pad(t.day, n);
        break;
      case 'H':
        out += pad(t.hour, n);
        break;
      case 'm':
        out += pad(t.minute, n);
        break;
      case 's':
        out += pad(t.second, n);
        break;
      case 'S':
        out += pad(t.millisecond, 3).padEnd(n, '0').slice(0, n);
        break;
      case 'Z':
        out += offsetText(t.offsetMinutes, 'Z');
        break;
      case 'X':
        out += offsetText(t.offsetMinutes, n >= 3 ? 'XXX' : 'X');
        break;
    }
  }
  return out;
}

interface CompiledPicture {
  regex: RegExp;
  groups: { letter: string; count: number }[];
}
const parseCache = new Map<string, CompiledPicture>();

function compileForParse(picture: string): CompiledPicture {
  const cached = parseCache.get(picture);
  if (cached) return cached;
  let source = '^';
  const groups: { letter: string; count: number }[] = [];
  for (const token of tokenize(picture)) {
    if (token.kind === 'literal') {
      source += token.text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      continue;
    }
    const n = token.count;
    let group: string;
    switch (token.letter) {
      case 'y':
        group = n === 2 ? '\\d{2}' : '\\d{4}';
        break;
      case 'S':
        group = `\\d{${n}}`;
        break;
      case 'Z':
        group = 'Z|[+-]\\d{4}';
        break;
      case 'X':
        group = n >= 3 ? 'Z|[+-]\\d{2}:\\d{2}' : 'Z|[+-]\\d{2}(?:\\d{2})?';
        break;
      default:
        group = n === 1 ? '\\d{1,2}' : `\\d{${n}}`;
    }
    source += `(${group})`;
    groups.push({ letter: token.letter, count: n });
  }
  const compiled = { regex: new RegExp(`${source}$`), groups };
  if (parseCache.size > 500) parseCache.clear();
  parseCache.set(picture, compiled);
  return compiled;
}

function parseOffset(text: string): number {
  if (text === 'Z') return 0;
  const sign = text.startsWith('-') ? -1 : 1;
  const digits = text.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0'));
}

/** Reads `text` written with `picture`; without an offset in the text it is Asia/Shanghai time. Returns epoch ms. */
export function parseWithPicture(text: string, picture: string): number {
  const { regex, groups } = compileForParse(picture);
  const m = regex.exec(text);
  if (!m) throw new DateFormatError(`"${text}" does not match the picture "${picture}"`);
  let year = 1970;
  let month = 1;
  let day = 1;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let millisecond = 0;
  let offset: number | undefined;
  groups.forEach((g, i) => {
    const raw = m[i + 1] ?? '';
    const n = Number(raw);
    switch (g.letter) {
      case 'y':
        year = g.count === 2 ? 2000 + n : n;
        break;
      case 'M':
        month = n;
        break;
      case 'd':
        day = n;
        break;
      case 'H':
        hour = n;
        break;
      case 'm':
        minute = n;
        break;
      case 's':
        second = n;
        break;
      case 'S':
        millisecond = Math.round(Number(`0.${raw}`) * 1000);
        break;
      default:
        offset = parseOffset(raw);
    }
  });
  return toInstant(year, month, day, hour, minute, second, millisecond, offset);
}

function toInstant(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  millisecond: number,
  offsetMinutes: number | undefined,
): number {
  if (offsetMinutes === undefined) return fromShanghai(year, month, day, hour, minute, second, millisecond);
  checkRanges(year, month, day, hour, minute, second);
  return Date.UTC(year, month - 1, day, hour, minute, second, millisecond) - offsetMinutes * 60_000;
}

// HL7 v2 / V3 TS: YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ]
const HL7_TS = /^(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:\.(\d{1,4}))?([+-]\d{4})?$/;
// ISO 8601 / SQL style: 2026-11-25, 2026-11-25T08:30, 2026-11-25 08:30:00.123+08:00, …Z
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * Reads the date forms messages carry: epoch milliseconds, HL7 TS (`20261125083000`, `20261125083000+0800`) and
 * ISO 8601 / SQL (`2026-11-25`, `2026-11-25 08:30:00`, `2026-11-25T00:30:00Z`). No offset means Asia/Shanghai.
 */
export function readInstant(value: unknown): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new DateFormatError(`not a time: ${value}`);
    return value;
  }
  if (value instanceof Date) return value.getTime();
  if (typeof value !== 'string') throw new DateFormatError(`cannot read a date from ${typeof value}`);
  const text = value.trim();
  let m = HL7_TS.exec(text);
  if (m) {
    const frac = m[7] ? Math.round(Number(`0.${m[7]}`) * 1000) : 0;
    return toInstant(
      Number(m[1]),
      Number(m[2] ?? 1),
      Number(m[3] ?? 1),
      Number(m[4] ?? 0),
      Number(m[5] ?? 0),
      Number(m[6] ?? 0),
      frac,
      m[8] ? parseOffset(m[8]) : undefined,
    );
  }
  m = ISO.exec(text);
  if (m) {
    const frac = m[7] ? Math.round(Number(`0.${m[7]}`) * 1000) : 0;
    return toInstant(
      Number(m[1]),
      Number(m[2]),
      Number(m[3]),
      Number(m[4] ?? 0),
      Number(m[5] ?? 0),
      Number(m[6] ?? 0),
      frac,
      m[8] ? parseOffset(m[8]) : undefined,
    );
  }
  throw new DateFormatError(`cannot read a date from "${text.slice(0, 40)}"`);
}

/** ISO 8601 with the Asia/Shanghai offset: `2026-11-25T08:30:00+08:00` (milliseconds only when not zero). */
export function isoShanghai(epochMs: number): string {
  return formatShanghai(epochMs, epochMs % 1000 === 0 ? "yyyy-MM-dd'T'HH:mm:ssXXX" : "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
}
