// Queries answered from the repository: a query service's topic with no provider subscription is answered by the
// platform (src/engine/ingest/pipeline.ts, LocalAnswerer) — the standard's query parameters become a search of the
// entity, the matches are written as the service's own response message (V3 for standard services, the private XML
// form for ours; REST callers get it as JSON through rest-json.ts). A topic given a provider subscription proxies the
// query synchronously to that system of record instead.
import { buildQueryResponse, formatV3Time, newV3MessageId, parseV3 } from '../../formats/hl7v3/index.js';
import { elementChildren, serializeXml } from '../../formats/xml/index.js';
import type { Database } from '../../platform/db/index.js';
import type { TopicConfig } from '../../engine/config/cache.js';
import type { InboundMessage, LocalAnswerer, SyncAnswer } from '../../engine/ingest/pipeline.js';
import { getServiceDefinition } from '../catalogue/catalogue.js';
import { buildControlActProcess, v3ToJson } from '../catalogue/mapper.js';
import type { ServiceDefinition } from '../catalogue/types.js';
import { queryResultService } from './bindings.js';
import { COLUMN_PARAMS, TECHNICAL_PARAM, entityFieldKeys, identifierNames } from './identifiers.js';
import { timeDigits } from './record.js';
import { searchRecords, type CdrFilter, type CdrRecord } from './search.js';

const PLATFORM_DEVICE = 'HUTONG';
const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 500;

/** Query parameters named differently from the field the entity keeps them in. */
export const PARAM_ALIASES: Record<string, Record<string, string>> = {
  EncounterCardInfoQuery: {
    cardNo: 'subject1Id',
    livingSubjectIdValue: 'idCardNo',
    livingSubjectNameValue: 'patientPersonName',
  },
  OrganizationInfoQuery: { deptCode: 'assignedEntityId' },
  SourceAndScheduleInfoQuery: { employeeId: 'assignedPersonId' },
  OrderInfoQuery: { orderId: '$key' },
  OrderFillerStatusInfoQuery: { orderId: '$key' },
};

export interface QueryPlan {
  filter: CdrFilter;
  /** Parameters given but not searchable for this entity (named in the answer's text). */
  ignored: string[];
  pageSize?: number;
}

function text(v: unknown): string | null {
  if (typeof v === 'string') return v.trim() === '' ? null : v.trim();
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
}

/** The search a query's parameters ask for. */
export function planQuery(def: ServiceDefinition, params: Record<string, unknown>): QueryPlan {
  const filter: CdrFilter = { entity: def.entity, identifiers: [], excludeStates: ['deleted', 'merged'] };
  const ignored: string[] = [];
  const aliases = PARAM_ALIASES[def.action] ?? {};
  const identifiers = identifierNames();
  // A parameter names something the entity's records carry, or it cannot be searched (and is said to be ignored).
  const carried = entityFieldKeys(def.entity);
  let pageSize: number | undefined;
  for (const [name, raw] of Object.entries(params)) {
    if (name === 'initialQuantity') {
      const n = Number(text(raw));
      if (Number.isInteger(n) && n > 0) pageSize = Math.min(n, MAX_PAGE_SIZE);
      continue;
    }
    const value = text(raw);
    if (value === null) continue;
    if (/(Low|^startTime)$/.test(name) && !/^dOB/.test(name)) {
      const t = timeDigits(value);
      if (t) filter.timeFrom = t;
      continue;
    }
    if (/(High|^endTime)$/.test(name) && !/^dOB/.test(name)) {
      const t = timeDigits(value);
      if (t) filter.timeTo = `${t.slice(0, 8)}${t.slice(8) === '000000' ? '235959' : t.slice(8)}`;
      continue;
    }
    if (TECHNICAL_PARAM.test(name)) continue;
    const alias = aliases[name];
    if (alias) {
      filter.identifiers!.push([alias, value]);
      continue;
    }
    const column = COLUMN_PARAMS[name];
    if (column === 'patient_id') filter.patientId = value;
    else if (column === 'visit_no') filter.visitNo = value;
    else if (column === 'application_no') filter.applicationNo = value;
    else if (column === 'state') filter.state = value;
    else if (identifiers.has(name) && carried.has(name)) filter.identifiers!.push([name, value]);
    else ignored.push(name);
  }
  return { filter, ignored, ...(pageSize ? { pageSize } : {}) };
}

/** One result as the `<subject>` payload the result service writes. */
function subjectPayload(result: ServiceDefinition, json: Record<string, unknown>): string | undefined {
  const cap = buildControlActProcess(result, json);
  const subject = elementChildren(cap).find((c) => c.localName === 'subject');
  const payload = subject ? elementChildren(subject)[0] : undefined;
  return payload ? serializeXml(payload, { contextNamespaces: { '': 'urn:hl7-org:v3' } }) : undefined;
}

/** The V3 answer of `def` for a parsed request, from the records found. */
export function queryAnswerXml(
  def: ServiceDefinition,
  request: { messageId?: string; sender?: string; queryId?: string },
  found: { items: CdrRecord[]; total: number; offset: number; ignored: string[] },
): string {
  const result = queryResultService(def);
  const subjects: string[] = [];
  if (result) {
    for (const r of found.items) {
      const json = result.fromStatus ? (r.statusData ?? r.data) : r.data;
      const payload = subjectPayload(result.def, json);
      if (payload) subjects.push(payload);
    }
  }
  const note = found.ignored.length > 0 ? `；未支持的查询条件已忽略：${found.ignored.join('、')}` : '';
  return buildQueryResponse({
    interactionId: def.response ?? 'QUMT_IN020040UV01',
    id: newV3MessageId(),
    creationTime: formatV3Time(new Date()),
    sender: PLATFORM_DEVICE,
    receiver: request.sender ?? '',
    targetMessageId: request.messageId ?? '',
    ackCode: 'AA',
    ackText: `查询成功，共 ${found.total} 条${note}`,
    subjects,
    ...(request.queryId ? { queryId: request.queryId } : {}),
    resultTotalQuantity: found.total,
    resultCurrentQuantity: subjects.length,
    offset: found.offset,
  });
}

/** Answers the query of `def` carried by the V3 request `xml`. */
export async function answerQuery(
  db: Database,
  def: ServiceDefinition,
  xml: string,
  paging?: { page: number; pageSize: number },
): Promise<string> {
  const params = v3ToJson(def, xml);
  const plan = planQuery(def, params);
  const pageSize = Math.min(paging?.pageSize ?? plan.pageSize ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  const page = paging?.page ?? 1;
  const found = await searchRecords(db, plan.filter, page, pageSize);
  const v3 = parseV3(xml);
  const queryId = text(params.queryId) ?? undefined;
  return queryAnswerXml(
    def,
    {
      ...(v3.messageId ? { messageId: v3.messageId } : {}),
      ...(v3.senderId?.extension ? { sender: v3.senderId.extension } : {}),
      ...(queryId ? { queryId } : {}),
    },
    { ...found, offset: (page - 1) * pageSize, ignored: plan.ignored },
  );
}

/** The CDR as the answerer of the interaction-service queries of one domain. */
export function cdrAnswerer(db: Database, domainCode: string): LocalAnswerer {
  return {
    async answer(topic: TopicConfig, input: InboundMessage): Promise<SyncAnswer | null> {
      if (topic.domainCode !== domainCode || topic.model.toUpperCase() !== 'HL7V3') return null;
      const def = getServiceDefinition(topic.code);
      if (!def || def.action !== topic.code || def.operation !== 'query') return null;
      const body = await answerQuery(db, def, input.body, input.paging);
      return { statusCode: 200, contentType: 'application/xml; charset=utf-8', body };
    },
  };
}
