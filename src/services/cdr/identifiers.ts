// Identifiers the queries filter by (就诊卡号, 身份证号, 门诊号, 住院号, 工号, 科室编码, 值域编码 …): every field a query
// service of the catalogue takes as a parameter, wherever it sits in the record's JSON (also inside lists), is kept
// as (name, value) rows of cdr_identifiers, so a query never reads the JSON of records it does not return.
import { listServiceDefinitions } from '../catalogue/catalogue.js';
import type { ServiceField } from '../catalogue/types.js';
import { bindingOf, cdrEntity } from './bindings.js';

/** Query parameters that say how to query, not what to find. */
export const TECHNICAL_PARAM =
  /^(queryId|initialQuantity|minimumDegreeMatchValue|part|valueCode|idRoot|itemRoot)$|StatusCode$|SemanticsText$|ItemRoot$|(Low|High)$|^(startTime|endTime)$/;

/** Parameters answered from the record's own columns rather than identifiers. */
export const COLUMN_PARAMS: Record<string, 'patient_id' | 'visit_no' | 'application_no' | 'order_no' | 'state'> = {
  patientId: 'patient_id',
  visitNo: 'visit_no',
  applicationNo: 'application_no',
  status: 'state',
};

let names: Set<string> | undefined;
const carriedBy = new Map<string, Set<string>>();

/**
 * Every field name kept as an identifier: the queries' parameters, and the fields the queries' parameters are named
 * differently from (answer.ts, PARAM_ALIASES: 就诊卡查询的 livingSubjectIdValue is the card's idCardNo).
 */
export function identifierNames(): Set<string> {
  if (!names) {
    names = new Set(ALIAS_TARGETS);
    for (const def of listServiceDefinitions()) {
      if (def.operation !== 'query') continue;
      for (const p of def.queryParams ?? []) if (!TECHNICAL_PARAM.test(p) && !(p in COLUMN_PARAMS)) names.add(p);
    }
  }
  return names;
}

/** Fields named differently by a query (kept as identifiers too). */
const ALIAS_TARGETS = ['subject1Id', 'assignedEntityId', 'assignedPersonId', 'idCardNo', 'patientPersonName'];

/** Every field key (at any depth) the services writing `entity` carry: what a query of it can filter by. */
export function entityFieldKeys(entity: string): Set<string> {
  let keys = carriedBy.get(entity);
  if (!keys) {
    keys = new Set();
    const walk = (fields: readonly ServiceField[]) => {
      for (const f of fields) {
        keys!.add(f.key);
        if (f.fields) walk(f.fields);
      }
    };
    for (const def of listServiceDefinitions()) if (bindingOf(def.action)?.entity === entity) walk(def.fields);
    carriedBy.set(entity, keys);
  }
  return keys;
}

const MAX_VALUES = 200;

/** The identifier rows of one record: its key fields and every identifier field found in its JSON. */
export function identifierValues(entity: string, data: Record<string, unknown>, key: string): Array<[string, string]> {
  const wanted = identifierNames();
  const keyFields = cdrEntity(entity)?.keyFields ?? [];
  const out = new Map<string, [string, string]>();
  const add = (name: string, value: string) => {
    if (value === '' || value.length > 200 || out.size >= MAX_VALUES) return;
    out.set(`${name}\u0000${value}`, [name, value]);
  };
  const walk = (node: unknown) => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item);
      return;
    }
    if (!node || typeof node !== 'object') return;
    for (const [name, value] of Object.entries(node as Record<string, unknown>)) {
      if (typeof value === 'string' || typeof value === 'number') {
        if (wanted.has(name) || keyFields.includes(name)) add(name, String(value).trim());
      } else walk(value);
    }
  };
  walk(data);
  add('$key', key);
  return [...out.values()];
}
