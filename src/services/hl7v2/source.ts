// Reading an HL7 v2 message for the interaction-service mappings (HL7 v2 取值): field paths scoped to one repeating
// group (the n-th ORC/OBR order, the n-th FT1 charge), v2 TS → V3 TS, person names, and the errors that name the v2
// field a value was missing from or wrong in. Pure: the codec's Hl7Message is the only input.
import { formatPath, formatPersonName, parsePath, type Hl7Message } from '../../formats/hl7v2/index.js';
import { HtError } from '../../platform/errors/index.js';

/** v2 TS/DTM (YYYY[MM[DD[HH[MM[SS[.S…]]]]]][+/-ZZZZ]) — the same lexical form as a V3 TS, so it is kept as sent. */
const V2_TS = /^(\d{4}(?:\d{2}(?:\d{2}(?:\d{2}(?:\d{2}(?:\d{2}(?:\.\d{1,4})?)?)?)?)?)?)([+-]\d{4})?$/;

/** A problem with one v2 field, turned into HT_SERVICE_HL7V2_INVALID by the converter (which knows the service). */
export class V2FieldProblem extends Error {
  constructor(
    readonly location: string,
    readonly reason: string,
    readonly reasonEn: string,
    /** A required value is absent (HL7 error 101), rather than present but wrong (102). */
    readonly absent = false,
  ) {
    super(`${location}: ${reasonEn}`);
    this.name = 'V2FieldProblem';
  }
}

/** `ADT^A04` from MSH-9 (upper case; `ADT` alone when there is no trigger). */
export function eventOf(msg: Hl7Message): { type: string; trigger: string; event: string } {
  const type = msg.get('MSH-9.1').trim().toUpperCase();
  const trigger = msg.get('MSH-9.2').trim().toUpperCase();
  return { type, trigger, event: trigger === '' ? type || '(MSH-9 empty)' : `${type}^${trigger}` };
}

/**
 * One view of a message: paths without an explicit occurrence (`OBR-4.1`) read the occurrence of that segment the
 * scope names (the n-th order, the n-th charge), 0 meaning "this group has none". Values are decoded and trimmed.
 */
export class V2Source {
  readonly type: string;
  readonly trigger: string;
  readonly event: string;

  constructor(
    readonly msg: Hl7Message,
    private readonly scope: Readonly<Record<string, number>> = {},
    /** Values a mapping decided for the whole message (status from the event, the chosen service …). */
    readonly facts: Readonly<Record<string, string>> = {},
  ) {
    const e = eventOf(msg);
    this.type = e.type;
    this.trigger = e.trigger;
    this.event = e.event;
  }

  /** The same message seen through another group (merged over this scope). */
  within(scope: Record<string, number>): V2Source {
    return new V2Source(this.msg, { ...this.scope, ...scope }, this.facts);
  }

  withFacts(facts: Record<string, string>): V2Source {
    return new V2Source(this.msg, this.scope, { ...this.facts, ...facts });
  }

  /** The path as read in this scope (`OBR-4.1` → `OBR[2]-4.1`), or null when the group has no such segment. */
  locate(path: string): string | null {
    const p = parsePath(path);
    if (p.segmentIndex !== undefined) return path;
    const at = this.scope[p.segment];
    if (at === undefined) return path;
    if (at === 0) return null;
    return formatPath({ ...p, segmentIndex: at });
  }

  /** Decoded, trimmed text at `path` ('' when absent). */
  get(path: string): string {
    const at = this.locate(path);
    return at === null ? '' : this.msg.get(at).trim();
  }

  /** Every non-empty repetition at `path`. */
  all(path: string): string[] {
    const at = this.locate(path);
    if (at === null) return [];
    return this.msg
      .getAll(at)
      .map((v) => v.trim())
      .filter((v) => v !== '');
  }

  /** Every repetition at `path`, empty ones included (so values of two components line up). */
  column(path: string): string[] {
    const at = this.locate(path);
    if (at === null) return [];
    return this.msg.getAll(at).map((v) => v.trim());
  }

  has(segment: string): boolean {
    const at = this.scope[segment];
    if (at === 0) return false;
    return this.msg.segment(segment, at ?? 1) !== undefined;
  }

  count(segment: string): number {
    return this.msg.segmentsNamed(segment).length;
  }

  /** A v2 TS at `path` (its first component) as a V3 TS, or undefined; a malformed one is an error naming the field. */
  ts(path: string): string | undefined {
    const raw = this.get(path).split(this.msg.delimiters.component)[0]?.trim() ?? '';
    if (raw === '') return undefined;
    if (!V2_TS.test(raw)) {
      throw new V2FieldProblem(
        this.locate(path) ?? path,
        `不是合法的 HL7 v2 时间（YYYYMMDD[HHMM[SS]][±ZZZZ]）：${raw.slice(0, 40)}`,
        `is not an HL7 v2 time stamp (YYYYMMDD[HHMM[SS]][+/-ZZZZ]): ${raw.slice(0, 40)}`,
      );
    }
    return raw;
  }

  /** The date part (yyyyMMdd, or less precise when the TS is) of the TS at `path`. */
  date(path: string): string | undefined {
    const t = this.ts(path);
    return t === undefined ? undefined : (V2_TS.exec(t)?.[1] ?? t).slice(0, 8);
  }

  /** An XPN/XCN name: family (`.1.1` or `.1` for XPN, `.2.1` for XCN) and given name joined (张三, "ADAM EVERYMAN"). */
  personName(path: string, xcn = false): string {
    const family = xcn ? this.get(`${path}.2.1`) || this.get(`${path}.2`) : this.get(`${path}.1.1`);
    const given = xcn ? this.get(`${path}.3`) : this.get(`${path}.2`);
    return formatPersonName(family, given);
  }
}

/** The message's HtError for a problem found while mapping it to `service`. */
export function invalid(event: string, service: string, problem: V2FieldProblem): HtError {
  return new HtError('HT_SERVICE_HL7V2_INVALID', {
    event,
    service,
    location: problem.location,
    reason: problem.reason,
    reasonEn: problem.reasonEn,
    hl7ErrorCode: problem.absent ? '101' : '102',
  });
}

/**
 * The orders of an ORM/OMG/OML/RDE message: each detail segment (OBR, RXO, RXE …) with the ORC before it. An ORC
 * without a detail segment is an order of its own (e.g. a cancellation that repeats only the ORC).
 */
export function orderGroups(msg: Hl7Message, details: readonly string[]): Record<string, number>[] {
  const groups: Record<string, number>[] = [];
  const seen: Record<string, number> = {};
  let orc = 0;
  let orcUsed = true;
  for (const seg of msg.segments) {
    const name = seg.name;
    seen[name] = (seen[name] ?? 0) + 1;
    if (name === 'ORC') {
      if (!orcUsed) groups.push(emptyGroup(orc, details));
      orc = seen[name];
      orcUsed = false;
    } else if (details.includes(name)) {
      const group = emptyGroup(orc, details);
      group[name] = seen[name];
      groups.push(group);
      orcUsed = true;
    }
  }
  if (!orcUsed) groups.push(emptyGroup(orc, details));
  return groups;
}

function emptyGroup(orc: number, details: readonly string[]): Record<string, number> {
  const g: Record<string, number> = { ORC: orc };
  for (const d of details) g[d] = 0;
  return g;
}
