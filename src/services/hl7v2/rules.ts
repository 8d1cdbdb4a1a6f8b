// The building blocks of the HL7 v2 mappings (映射规则): one rule per canonical JSON key says where its value comes from
// in the v2 message, and — when the v2 message may not carry it — which documented default stands in. The rules are
// data the docs generator prints (`from`), so the table in docs/services.md is the code's own description.
import type { ServiceField } from '../catalogue/types.js';
import { V2FieldProblem, type V2Source } from './source.js';

export type Value = string | number | undefined;

/**
 * The catalogue's own "no value" (值域中的 `-`, also what query bounds use for 不限): written where the schema
 * requires a text, identifier or code and the v2 message has no source for it, so a subscriber sees plainly that
 * nothing was sent instead of an invented value.
 */
export const ABSENT = '-';

/** What a rule sees besides the message: the field it fills and the JSON built so far (codes before their names). */
export interface ReadContext {
  field: ServiceField;
  json: Record<string, unknown>;
  /** The fields at this level (to find a code field's value set). */
  siblings: readonly ServiceField[];
}

export interface FieldRule {
  kind: 'field';
  /** Where the value comes from, as docs/services.md prints it (zh-CN). */
  from: string;
  /** The v2 field named when the value is missing or wrong (`PID-3`). */
  location: string;
  read(s: V2Source, at: ReadContext): Value;
}

export interface ListRule {
  kind: 'list';
  from: string;
  location: string;
  /** One view of the message per item (the n-th FT1, the n-th order …). */
  items(s: V2Source): V2Source[];
  rules: Rules;
}

export type Rule = FieldRule | ListRule;
export type Rules = Readonly<Record<string, Rule>>;

const empty = (v: Value): boolean => v === undefined || (typeof v === 'string' && v.trim() === '');

/** `PID-3.1` → `PID-3` (the field an error names). */
export function fieldOf(path: string): string {
  return path.replace(/\[\d+\]/g, '').replace(/^([A-Z0-9]{3})[-.](\d+).*$/i, '$1-$2');
}

function rule(from: string, location: string, read: FieldRule['read']): FieldRule {
  return { kind: 'field', from, location, read };
}

/** The decoded text at a v2 path. */
export const v2 = (path: string, label?: string): FieldRule =>
  rule(label ? `${path}（${label}）` : path, fieldOf(path), (s) => s.get(path));

/** A v2 TS kept as a V3 TS (yyyyMMddHHmmss[±zzzz]). */
export const ts = (path: string, label?: string): FieldRule =>
  rule(label ? `${path}（${label}）` : path, fieldOf(path), (s) => s.ts(path));

/** The date part (yyyyMMdd) of a v2 TS. */
export const date = (path: string, label?: string): FieldRule =>
  rule(`${path} 的日期${label ? `（${label}）` : ''}`, fieldOf(path), (s) => s.date(path));

/** An XPN (patient) name: family + given, Chinese names without a space. */
export const personName = (path: string): FieldRule =>
  rule(`${path}（姓 + 名）`, fieldOf(path), (s) => s.personName(path));

/** An XCN (staff) name. */
export const staffName = (path: string): FieldRule =>
  rule(`${path}.2 + .3（姓名）`, fieldOf(path), (s) => s.personName(path, true));

/** A constant; `note` says why (e.g. the standard's OID). */
export const fixed = (value: string | number, note: string): FieldRule =>
  rule(`固定 ${String(value)}（${note}）`, '', () => value);

/** A value the mapping decided for the whole message (status from the event …). */
export const fact = (name: string, note: string): FieldRule => rule(note, 'MSH-9', (s) => s.facts[name]);

/** Computed from other values; `from` says how. */
export const computed = (from: string, location: string, read: FieldRule['read']): FieldRule =>
  rule(from, location, read);

/** The first of `rules` that yields a value. */
export function first(...rules: FieldRule[]): FieldRule {
  const head = rules[0];
  if (!head) throw new Error('first() needs a rule');
  return rule(rules.map((r) => r.from).join('，无则 '), head.location, (s, at) => {
    for (const r of rules) {
      const v = r.read(s, at);
      if (!empty(v)) return v;
    }
    return undefined;
  });
}

/** `base`, or the documented `value` when the message has nothing for it. */
export function orElse(base: FieldRule, value: string | number, note?: string): FieldRule {
  return rule(`${base.from}，无则 ${String(value)}${note ? `（${note}）` : ''}`, base.location, (s, at) => {
    const v = base.read(s, at);
    return empty(v) ? value : v;
  });
}

/** `base`, or ABSENT (`-`) when the message has nothing for it. */
export const orAbsent = (base: FieldRule): FieldRule => orElse(base, ABSENT);

/** The event's time: EVN-2, else MSH-7. */
export function eventTime(s: V2Source): string | undefined {
  return s.ts('EVN-2') ?? s.ts('MSH-7');
}

/** Only where the event's own time is the value's meaning (registration, order placed …). */
export const EVENT_TIME = first(ts('EVN-2', '事件时间'), ts('MSH-7', '消息时间'));

/**
 * A v2 code translated by `table` (keys compared case-insensitively); a value already in the field's value set passes
 * as sent (Chinese senders often send the national code itself). `unknown`: the documented code for a v2 value the
 * table does not know; without it such a value is left for validation to refuse, naming the v2 field.
 */
export function coded(
  base: FieldRule,
  table: Readonly<Record<string, string>>,
  note: string,
  unknown?: string,
): FieldRule {
  const upper = new Map(Object.entries(table).map(([k, v]) => [k.toUpperCase(), v]));
  return rule(`${base.from} 按 ${note} 转换${unknown ? `，不认识的值记为 ${unknown}` : ''}`, base.location, (s, at) => {
    const v = base.read(s, at);
    if (empty(v)) return undefined;
    const text = String(v).trim();
    const options = at.field.options;
    if (options?.some((o) => o.code === text)) return text;
    const hit = upper.get(text.toUpperCase());
    if (hit !== undefined) return hit;
    // The value set's display name (汉族, 已婚 …) sent instead of the code.
    const byName = options?.find((o) => o.display === text);
    if (byName) return byName.code;
    return unknown ?? text;
  });
}

/** The display name of the code a sibling field got (性别名称 from 性别代码 …), from its value set or `table`. */
export function nameOf(codeKey: string, table?: Readonly<Record<string, string>>): FieldRule {
  return rule(`${codeKey} 的名称`, '', (_s, at) => {
    const code = at.json[codeKey];
    if (typeof code !== 'string' || code === '') return undefined;
    const sibling = at.siblings.find((f) => f.key === codeKey);
    const display = sibling?.options?.find((o) => o.code === code)?.display ?? table?.[code];
    return display ?? (code === ABSENT ? ABSENT : undefined);
  });
}

/** A decimal number at `path` (`12.5`, `100` of `100&CNY`); a non-number is an error naming the field. */
export const decimal = (path: string, label?: string): FieldRule =>
  rule(label ? `${path}（${label}）` : path, fieldOf(path), (s) => numberAt(s, path));

export function numberAt(s: V2Source, path: string): number | undefined {
  const raw = s.get(path);
  if (raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n)) {
    throw new V2FieldProblem(
      s.locate(path) ?? path,
      `不是数值：${raw.slice(0, 40)}`,
      `is not a number: ${raw.slice(0, 40)}`,
    );
  }
  return n;
}

/** A list built from the views `items` returns. */
export const list = (from: string, location: string, items: ListRule['items'], rules: Rules): ListRule => ({
  kind: 'list',
  from,
  location,
  items,
  rules,
});
