// HL7 v2 message → interaction service and its canonical JSON (HL7 v2 → 交互服务 JSON), by the mappings in
// mappings.ts. The JSON is checked with the service's own validator before it is returned, so whatever leaves here
// becomes a V3 message exactly as a REST caller's JSON would. Every refusal names the v2 event and the v2 field.
import type { Hl7ParseError } from '../../formats/hl7v2/index.js';
import { parseHl7, type Hl7Message } from '../../formats/hl7v2/index.js';
import { HtError } from '../../platform/errors/index.js';
import { getServiceDefinition } from '../catalogue/catalogue.js';
import { validateServiceJson } from '../catalogue/json-schema.js';
import type { ServiceDefinition, ServiceField } from '../catalogue/types.js';
import { EVENT_ROUTES, routeFor, SERVICE_RULES, type MappingOptions } from './mappings.js';
import type { Rule, Rules, Value } from './rules.js';
import { eventOf, invalid, V2FieldProblem, V2Source } from './source.js';

export interface Hl7v2ToServiceOptions extends MappingOptions {
  /**
   * The service the message was sent to (its topic). It decides where the event alone cannot (an ORM^O01 without
   * OBR-24 may be a lab, imaging or pathology request); a message whose event names another service is refused.
   */
  action?: string;
}

export interface Hl7v2ServiceResult {
  action: string;
  json: Record<string, unknown>;
  /** `ADT^A04`. */
  event: string;
  message: Hl7Message;
}

function parse(text: string, expected: string | undefined): Hl7Message {
  try {
    return parseHl7(text);
  } catch (error) {
    const e = error as Hl7ParseError;
    throw new HtError('HT_SERVICE_HL7V2_INVALID', {
      event: '(MSH)',
      service: expected ?? '—',
      location: 'MSH',
      reason: `不是可读的 HL7 v2 消息：${e.message}`,
      reasonEn: `is not a readable HL7 v2 message: ${e.message}`,
    });
  }
}

const MAPPED_EVENTS = EVENT_ROUTES.map((r) => r.event).join(', ');

/** The service an HL7 v2 message becomes and its canonical JSON; throws HT_SERVICE_HL7V2_* naming event and field. */
export function hl7v2ToService(text: string, options: Hl7v2ToServiceOptions = {}): Hl7v2ServiceResult {
  const expected = options.action ? (getServiceDefinition(options.action)?.action ?? options.action) : undefined;
  const message = parse(text, expected);
  const { type, trigger, event } = eventOf(message);
  const route = routeFor(type, trigger);
  if (!route) {
    throw new HtError('HT_SERVICE_HL7V2_UNMAPPED', {
      event,
      reason: `已映射的事件为 ${MAPPED_EVENTS}`,
      reasonEn: `the mapped events are ${MAPPED_EVENTS}`,
    });
  }
  const source = new V2Source(message);
  let choice;
  try {
    choice = route.choose(source, options);
  } catch (error) {
    if (error instanceof V2FieldProblem) throw invalid(event, expected ?? route.services.join('/'), error);
    throw error;
  }
  let action: string;
  if ('none' in choice) {
    throw invalid(
      event,
      expected ?? route.services.join('/'),
      new V2FieldProblem(choice.location, choice.none, choice.noneEn),
    );
  } else if ('candidates' in choice) {
    if (expected && choice.candidates.includes(expected)) action = expected;
    else if (expected) throw wrongTopic(event, choice.candidates.join('/'), expected);
    else throw new HtError('HT_SERVICE_HL7V2_UNMAPPED', { event, reason: choice.why, reasonEn: choice.whyEn });
  } else {
    action = choice.action;
    if (expected && expected !== action) throw wrongTopic(event, action, expected);
  }
  const def = getServiceDefinition(action);
  const rules = SERVICE_RULES[action];
  if (!def || !rules) throw new Error(`hl7v2 mapping names unknown service ${action}`);
  const json = serviceJsonOf(def, rules, source.withFacts(choice.facts), event);
  return { action, json, event, message };
}

function wrongTopic(event: string, service: string, topic: string): HtError {
  return new HtError('HT_SERVICE_HL7V2_WRONG_TOPIC', { event, service, topic });
}

/** The service an event becomes (deciding by the message where the event alone cannot), or null when none/unclear. */
export function eventToService(
  type: string,
  trigger: string,
  message?: Hl7Message | string,
  options: MappingOptions = {},
): string | null {
  const route = routeFor(type, trigger);
  if (!route) return null;
  if (message === undefined) return route.services.length === 1 ? (route.services[0] ?? null) : null;
  try {
    const msg = typeof message === 'string' ? parseHl7(message) : message;
    const choice = route.choose(new V2Source(msg), options);
    return 'action' in choice ? choice.action : null;
  } catch {
    return null;
  }
}

/** Fills the service's JSON by its rules, then validates it; problems name the v2 field of the key at fault. */
function serviceJsonOf(def: ServiceDefinition, rules: Rules, source: V2Source, event: string): Record<string, unknown> {
  let json: Record<string, unknown>;
  try {
    json = fill(def.fields, rules, source);
  } catch (error) {
    if (error instanceof V2FieldProblem) throw invalid(event, def.action, error);
    throw error;
  }
  const problems = validateServiceJson(def, json);
  const problem = problems[0];
  if (problem) {
    throw new HtError(
      'HT_SERVICE_HL7V2_INVALID',
      {
        event,
        service: def.action,
        location: locationOf(rules, problem.path),
        reason: `映射得到的 JSON 不合规：${problem.message}`,
        reasonEn: `the mapped JSON is invalid: ${problem.messageEn}`,
      },
      { errors: problems.map((p) => ({ path: p.path, message: p.message })) },
    );
  }
  return json;
}

/** The v2 field behind a JSON path (`component2List[1].orderId` → its rule's location). */
function locationOf(rules: Rules, path: string): string {
  let current: Rules | undefined = rules;
  let location = '';
  for (const part of path.split('.')) {
    const rule: Rule | undefined = current?.[part.replace(/\[\d+\]$/, '')];
    if (!rule) break;
    location = rule.location || location;
    current = rule.kind === 'list' ? rule.rules : undefined;
  }
  return location || path;
}

function fill(fields: readonly ServiceField[], rules: Rules, s: V2Source): Record<string, unknown> {
  const json: Record<string, unknown> = {};
  for (const f of fields) {
    const rule = rules[f.key];
    if (!rule) {
      if (f.required) throw new V2FieldProblem(f.key, `没有映射（${f.label}）`, `has no mapping (${f.label})`);
      continue;
    }
    if (rule.kind === 'list') {
      const items = rule.items(s).map((item) => fill(f.fields ?? [], rule.rules, item));
      if (items.length > 0 || f.required) json[f.key] = items;
      continue;
    }
    let value: Value = rule.read(s, { field: f, json, siblings: fields });
    if (typeof value === 'string') value = value.trim();
    if (value === undefined || value === '') {
      if (f.required) {
        const at = located(s, rule.location) || f.key;
        throw new V2FieldProblem(at, `缺少${f.label}（${f.key}）`, `is missing; it fills ${f.key} (${f.label})`, true);
      }
      continue;
    }
    const at = located(s, rule.location) || f.key;
    const options = f.options;
    if (options && options.length > 0 && !options.some((o) => o.code === String(value))) {
      const allowed = options
        .slice(0, 8)
        .map((o) => (o.display ? `${o.code} ${o.display}` : o.code))
        .join('、');
      throw new V2FieldProblem(
        at,
        `的值「${String(value).slice(0, 40)}」不在${f.label}（${f.key}）的值域中（${allowed}${options.length > 8 ? ' …' : ''}）`,
        `value "${String(value).slice(0, 40)}" is not in the value set of ${f.key} (${options
          .slice(0, 8)
          .map((o) => o.code)
          .join(', ')}${options.length > 8 ? ' …' : ''})`,
      );
    }
    json[f.key] = coerce(f, value, at);
  }
  return json;
}

function located(s: V2Source, location: string): string {
  if (location === '') return '';
  try {
    return s.locate(location) ?? location;
  } catch {
    return location;
  }
}

function coerce(f: ServiceField, value: string | number, location: string): string | number {
  if (f.type === 'number') {
    const n = typeof value === 'number' ? value : Number(value);
    if (!Number.isFinite(n)) {
      throw new V2FieldProblem(
        location,
        `不是数值：${String(value).slice(0, 40)}`,
        `is not a number: ${String(value).slice(0, 40)}`,
      );
    }
    return n;
  }
  return typeof value === 'number' ? String(value) : value;
}
