// The catalogue itself: standard services (V3_SERVICES × the fields generated from their XSDs × the curated facts
// below) and private services (private.ts), each with examples built by the mapper, so every example is proof
// that the definition's paths write and read.
import { readFileSync } from 'node:fs';
import { buildMcciAck, buildQueryResponse, V3_SERVICES } from '../../formats/hl7v3/index.js';
import type { V3HeaderInput, V3Service } from '../../formats/hl7v3/index.js';
import { serializeXml, elementChildren } from '../../formats/xml/index.js';
import { buildControlActProcess, jsonToV3, v3ToJson } from './mapper.js';
import { APPOINTMENT_STATES, PRIVATE_SERVICES, privateFields, privateTemplate } from './private.js';
import type { ServiceDefinition, ServiceField, ServiceOperation, ServiceState, ServiceSummary } from './types.js';

interface Generated {
  action: string;
  v3Root: string;
  v3Template: string;
  fields: ServiceField[];
  corpusExample?: string;
  corpusFile?: string;
}

// JSON read at run time (not imported) so the 1 MB file stays out of the type checker and the bundle graph.
const GENERATED = JSON.parse(readFileSync(new URL('./generated/standard.json', import.meta.url), 'utf8')) as Record<
  string,
  Generated
>;

/** Fixed example header, so generated examples (and docs/services.md) are stable. */
export const EXAMPLE_HEADER: V3HeaderInput = {
  id: '6b7c2f1e-3d4a-4c5b-9e8f-0a1b2c3d4e5f',
  creationTime: '20240315093000',
  sender: 'HIS0001',
  receiver: 'HIP0001',
};

// ---- curated facts of the standard services ---------------------------------------------------------------------------
interface EntityFacts {
  category: string;
  entity: string;
  en: string;
  description: string;
  states?: ServiceState[];
  /** Label pattern of the field holding the state. */
  statePattern?: RegExp;
}

const st = (names: Array<[string, string, string]>): ServiceState[] =>
  names.map(([code, name, nameEn], i) => ({
    code,
    name,
    nameEn,
    next: names[i + 1] ? [(names[i + 1] as [string, string, string])[0]] : [],
  }));

const OPERATION_STATES = st([
  ['inRoom', '入手术室', 'Entered operating room'],
  ['anesthesiaStart', '麻醉开始', 'Anaesthesia started'],
  ['operationStart', '手术开始', 'Operation started'],
  ['operationEnd', '手术结束', 'Operation ended'],
  ['anesthesiaEnd', '麻醉结束', 'Anaesthesia ended'],
  ['outRoom', '出手术室', 'Left operating room'],
  ['inRecovery', '入恢复室', 'Entered recovery room'],
  ['outRecovery', '出恢复室', 'Left recovery room'],
]);
// 检查状态 (tender: 检查登记, 检查开始, 图像到达, 初步报告; then the report verified). A later step may follow any earlier
// one (a PACS need not send every step). The standard's process-step codes (检查状态 value set SC01–SC37) are aliases:
// 登记 → registered, 采集图像 → imagesArrived, 书写报告 → preliminaryReport, 审核/复审/打印报告 → reported.
const CHECK_STEPS: Array<[string, string, string, string[]]> = [
  ['registered', '检查登记', 'Registered (checked in)', ['SC01', 'SC08', 'SC17', 'SC26', 'SC33']],
  ['started', '检查开始', 'Examination started', []],
  ['imagesArrived', '图像到达', 'Images arrived', ['SC03', 'SC10', 'SC19', 'SC28']],
  ['preliminaryReport', '初步报告', 'Preliminary report', ['SC04', 'SC11', 'SC20', 'SC29', 'SC35']],
  [
    'reported',
    '报告审核',
    'Report verified',
    ['SC05', 'SC12', 'SC13', 'SC14', 'SC21', 'SC22', 'SC23', 'SC30', 'SC31', 'SC32', 'SC36', 'SC37'],
  ],
];
const CHECK_STATES: ServiceState[] = CHECK_STEPS.map(([code, name, nameEn, aliases], i) => ({
  code,
  name,
  nameEn,
  next: CHECK_STEPS.slice(i + 1).map(([c]) => c),
  aliases,
}));

const ENTITIES: Record<string, EntityFacts> = {
  PatientInfo: {
    category: '就诊',
    entity: 'patient',
    en: 'Patient',
    description: '患者主索引：个人基本信息的注册、更新、合并与查询。',
  },
  EncounterCardInfo: {
    category: '就诊',
    entity: 'encounterCard',
    en: 'Encounter card',
    description: '就诊卡（院内卡、医保卡、健康卡）的发卡、变更与查询。',
  },
  OutPatientInfo: {
    category: '就诊',
    entity: 'outpatientRegistration',
    en: 'Outpatient registration',
    description: '门（急）诊挂号的登记、变更（退号）与查询。',
  },
  InPatientInfo: {
    category: '就诊',
    entity: 'inpatientEncounter',
    en: 'Inpatient encounter',
    description: '住院登记（入院）信息。',
  },
  TransferInfo: { category: '就诊', entity: 'transfer', en: 'Ward transfer', description: '住院患者转科、转床。' },
  DischargeInfo: { category: '就诊', entity: 'discharge', en: 'Discharge', description: '出院登记。' },
  SourceAndScheduleInfo: {
    category: '就诊',
    entity: 'schedule',
    en: 'Appointment source and schedule',
    description: '医生出诊排班与号源。',
  },
  OrderInfo: {
    category: '医嘱',
    entity: 'order',
    en: 'Order',
    description: '门诊、住院医嘱的开立、修改（停止、作废）与查询。',
  },
  ExamAppInfo: { category: '申请单', entity: 'labApplication', en: 'Laboratory request', description: '检验申请单。' },
  CheckAppInfo: {
    category: '申请单',
    entity: 'checkApplication',
    en: 'Examination request',
    description: '检查（影像、超声、内镜等）申请单。',
  },
  PathologyAppInfo: {
    category: '申请单',
    entity: 'pathologyApplication',
    en: 'Pathology request',
    description: '病理申请单。',
  },
  BloodTransAppInfo: {
    category: '申请单',
    entity: 'bloodTransApplication',
    en: 'Transfusion request',
    description: '输血申请单。',
  },
  OperationAppInfo: {
    category: '申请单',
    entity: 'operationApplication',
    en: 'Operation request',
    description: '手术申请单。',
  },
  OutPatientAppointStatusInfo: {
    category: '预约',
    entity: 'outpatientAppointment',
    en: 'Outpatient appointment status',
    description: '门诊预约及其状态。',
    states: APPOINTMENT_STATES,
    statePattern: /状态/,
  },
  CheckAppointStatusInfo: {
    category: '预约',
    entity: 'checkAppointment',
    en: 'Examination appointment status',
    description: '检查预约及其状态。',
    states: APPOINTMENT_STATES,
    statePattern: /状态/,
  },
  OrderFillerStatusInfo: {
    category: '状态结果',
    entity: 'orderExecution',
    en: 'Order execution status',
    description: '医嘱执行（发药、执行、停止）状态。',
    statePattern: /状态/,
  },
  CheckStatusInfo: {
    category: '状态结果',
    entity: 'checkApplication',
    en: 'Examination status',
    description: '检查过程状态：登记、开始、图像到达、初步报告。',
    states: CHECK_STATES,
    statePattern: /状态/,
  },
  ExamStatusInfo: {
    category: '状态结果',
    entity: 'labApplication',
    en: 'Laboratory status',
    description: '检验过程状态（采样、接收、报告）。',
    statePattern: /状态/,
  },
  OperationScheduleInfo: {
    category: '状态结果',
    entity: 'operationSchedule',
    en: 'Operation schedule',
    description: '手术排班（手术间、台次、人员）。',
  },
  OperationStatusInfo: {
    category: '状态结果',
    entity: 'operationApplication',
    en: 'Operation status',
    description: '手术过程状态，按手术进程依次推进。',
    states: OPERATION_STATES,
    statePattern: /状态/,
  },
  OrganizationInfo: {
    category: '机构',
    entity: 'organization',
    en: 'Organization',
    description: '医疗卫生机构与科室。',
  },
  ProviderInfo: { category: '人员', entity: 'provider', en: 'Provider', description: '医疗卫生人员。' },
  Terminology: { category: '术语', entity: 'terminology', en: 'Terminology', description: '术语（值域字典）内容。' },
  Document: {
    category: '电子病历',
    entity: 'document',
    en: 'EMR document',
    description: '电子病历共享文档（CDA）的注册、检索与调阅。',
  },
};

const SUFFIX_OPERATION: Array<[RegExp, ServiceOperation, string]> = [
  [/(Add|Register)$/, 'add', ''],
  [/(Update|Merge)$/, 'update', ''],
  [/(Query|Access|Retrieve)$/, 'query', ''],
];

function splitAction(action: string): { prefix: string; operation: ServiceOperation; verb: string } {
  for (const [re, operation] of SUFFIX_OPERATION) {
    const m = re.exec(action);
    if (m) return { prefix: action.slice(0, m.index), operation, verb: m[1] as string };
  }
  return { prefix: action, operation: 'publish', verb: '' };
}

// ---- derived parts ------------------------------------------------------------------------------------------------------
function walk(fields: readonly ServiceField[], visit: (f: ServiceField) => void): void {
  for (const f of fields) {
    visit(f);
    if (f.fields) walk(f.fields, visit);
  }
}

const INDEX_KEYS: Array<['patientId' | 'patientName' | 'visitNo' | 'orderNo' | 'applicationNo', RegExp]> = [
  ['patientId', /^patientId$/],
  ['patientName', /^(patientName|patientPersonName)$/],
  ['visitNo', /^visitNo$/],
  ['orderNo', /^(orderNo|orderId)$/],
  ['applicationNo', /^applicationNo$/],
];

function indexFieldsOf(fields: readonly ServiceField[]): ServiceDefinition['indexFields'] {
  const out: ServiceDefinition['indexFields'] = {};
  const top = fields.map((f) => f.key);
  for (const [name, re] of INDEX_KEYS) {
    const k = top.find((key) => re.test(key));
    if (k) out[name] = k;
  }
  return out;
}

function keysOf(fields: readonly ServiceField[], entity: string): string[] {
  const top = fields.map((f) => f.key);
  const pref: Record<string, string[]> = {
    patient: ['patientId'],
    encounterCard: ['cardNo', 'patientId'],
    order: ['orderId'],
    organization: ['deptCode', 'orgCode'],
    provider: ['staffNo'],
  };
  for (const k of pref[entity] ?? []) if (top.includes(k)) return [k];
  for (const k of ['applicationNo', 'visitNo', 'orderId', 'patientId']) if (top.includes(k)) return [k];
  const first = fields.find((f) => f.codeSystem || /Id$|No$/.test(f.key));
  return first ? [first.key] : [];
}

const SAMPLE_BY_KEY: Record<string, string> = {
  patientId: 'P0000123',
  patientName: '张三',
  patientPersonName: '张三',
  visitNo: 'V20240315001',
  visitTimes: '1',
  outpatientNo: 'MZ20240315001',
  inpatientNo: 'ZY20240001',
  idCardNo: '110101199001011234',
  cardNo: 'K000123',
  staffNo: 'D0101',
  deptCode: '0301',
  wardCode: 'BQ05',
  orgCode: '455777001',
  orderId: 'YZ20240315001',
  applicationNo: 'SQ20240315001',
  domainId: 'HIS',
};

function sampleValue(f: ServiceField, i: number): unknown {
  if (f.options && f.options.length > 0) return f.options[0]?.code;
  const known = SAMPLE_BY_KEY[f.key];
  if (known) return known;
  switch (f.type) {
    case 'date':
      return '20240315';
    case 'datetime':
      return '20240315093000';
    case 'number':
      return 1;
    case 'boolean':
      return true;
    case 'code':
      return '1';
    default:
      return /名称|姓名|内容|原因|文本|描述|名$/.test(f.label)
        ? `示例${f.label}`
        : `${f.key.replace(/[a-z]+/g, '').slice(0, 3) || 'X'}${String(1000 + i)}`;
  }
}

/** Example JSON from a field list: one value per field (arrays: one element). */
export function sampleJson(fields: readonly ServiceField[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  fields.forEach((f, i) => {
    if (f.type === 'array' || f.type === 'object') {
      const inner = sampleJson(f.fields ?? []);
      out[f.key] = f.type === 'array' ? [inner] : inner;
    } else out[f.key] = sampleValue(f, i);
  });
  return out;
}

function responseFor(
  def: ServiceDefinition,
  sibling: ServiceDefinition | undefined,
  json: Record<string, unknown>,
): string | undefined {
  const base = {
    ...EXAMPLE_HEADER,
    id: '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a',
    sender: EXAMPLE_HEADER.receiver,
    receiver: EXAMPLE_HEADER.sender,
  };
  if (!def.response) return undefined;
  if (def.response === 'MCCI_IN000002UV01') {
    return buildMcciAck({ ...base, code: 'AA', targetMessageId: EXAMPLE_HEADER.id as string, text: '成功' });
  }
  // A query answers with the entity as its 新增 sibling writes it.
  const subjects: string[] = [];
  if (sibling) {
    const cap = buildControlActProcess(sibling, sampleJson(sibling.fields));
    const subject = elementChildren(cap).find((c) => c.localName === 'subject');
    const payload = subject ? elementChildren(subject)[0] : undefined;
    if (payload) subjects.push(serializeXml(payload, { contextNamespaces: { '': 'urn:hl7-org:v3' } }));
  }
  void json;
  return buildQueryResponse({
    ...base,
    interactionId: def.response,
    targetMessageId: EXAMPLE_HEADER.id as string,
    ackCode: 'AA',
    ackText: '查询成功',
    subjects,
  });
}

/**
 * A generated example starts its state machine where a real one does: the state field holds the first state's code,
 * and a status message's steps (processStepCode / codeName in each item) name the first state.
 */
function exampleState(d: ServiceDefinition, json: Record<string, unknown>): void {
  const first = d.states?.[0];
  if (!first) return;
  const fits = (f: ServiceField | undefined, code: string) =>
    f !== undefined && (!f.options || f.options.some((o) => o.code === code));
  if (
    d.stateField &&
    fits(
      d.fields.find((f) => f.key === d.stateField),
      first.code,
    )
  )
    json[d.stateField] = first.code;
  for (const list of d.fields.filter((f) => f.type === 'array')) {
    const items = json[list.key];
    if (!Array.isArray(items)) continue;
    for (const item of items as Array<Record<string, unknown>>) {
      const step = list.fields?.find((f) => f.key === 'processStepCode');
      if (fits(step, first.code)) item.processStepCode = first.code;
      if (
        fits(
          list.fields?.find((f) => f.key === 'codeName'),
          first.name,
        ) &&
        step
      )
        item.codeName = first.name;
    }
  }
}

function stateFieldOf(fields: readonly ServiceField[], pattern: RegExp | undefined): string | undefined {
  if (!pattern) return undefined;
  let found: string | undefined;
  walk(fields, (f) => {
    if (!found && f.type !== 'array' && pattern.test(f.label) && /statusCode|status/i.test(f.key)) found = f.key;
  });
  return found;
}

function standardDefinition(svc: V3Service): ServiceDefinition | undefined {
  const g = GENERATED[svc.action];
  if (!g) return undefined;
  const { prefix, operation, verb } = splitAction(svc.action);
  const facts = ENTITIES[prefix];
  if (!facts) throw new Error(`catalogue: no entity facts for ${svc.action}`);
  const verbEn: Record<string, string> = {
    Add: 'add',
    Register: 'register',
    Update: 'update',
    Merge: 'merge',
    Query: 'query',
    Access: 'search',
    Retrieve: 'retrieve',
  };
  const def: ServiceDefinition = {
    action: svc.action,
    sCode: svc.sCode,
    name: svc.name,
    nameEn: `${facts.en} ${verbEn[verb] ?? verb.toLowerCase()}`,
    category: facts.category,
    operation,
    entity: facts.entity,
    standard: true,
    description: facts.description,
    request: svc.request,
    ...(svc.response ? { response: svc.response } : {}),
    ...(svc.requestAlternatives ? { requestAlternatives: [...svc.requestAlternatives] } : {}),
    v3Root: g.v3Root,
    v3Template: g.v3Template,
    fields: g.fields,
    keys: keysOf(g.fields, facts.entity),
    indexFields: indexFieldsOf(g.fields),
    examples: { json: {} },
  };
  if (operation === 'query') def.queryParams = g.fields.filter((f) => f.type !== 'array').map((f) => f.key);
  if (facts.states && operation !== 'query') {
    def.states = facts.states;
    const sf = stateFieldOf(g.fields, facts.statePattern);
    if (sf) def.stateField = sf;
  }
  return def;
}

function privateDefinition(spec: (typeof PRIVATE_SERVICES)[number]): ServiceDefinition {
  const holder = spec.operation === 'query' ? 'queryByParameter' : 'subject';
  const fields = privateFields(spec.fields, `${holder}/${spec.entity}/`);
  const def: ServiceDefinition = {
    action: spec.action,
    name: spec.name,
    nameEn: spec.nameEn,
    category: spec.category,
    operation: spec.operation,
    entity: spec.entity,
    standard: false,
    description: spec.description,
    request: spec.request,
    response: spec.response,
    v3Root: holder,
    v3Template: privateTemplate(spec),
    fields,
    keys: spec.keys,
    indexFields: indexFieldsOf(fields),
    examples: { json: {} },
  };
  if (spec.operation === 'query') def.queryParams = fields.map((f) => f.key);
  if (spec.states) def.states = spec.states;
  if (spec.stateField) def.stateField = spec.stateField;
  return def;
}

function build(): ServiceDefinition[] {
  const defs: ServiceDefinition[] = [];
  for (const svc of V3_SERVICES) {
    const d = standardDefinition(svc);
    if (d) defs.push(d);
  }
  for (const spec of PRIVATE_SERVICES) defs.push(privateDefinition(spec));
  const byAction = new Map(defs.map((d) => [d.action, d]));
  for (const d of defs) {
    const corpus = GENERATED[d.action]?.corpusExample;
    const json = corpus ? v3ToJson(d, corpus) : sampleJson(d.fields);
    if (!corpus) exampleState(d, json);
    const { prefix } = splitAction(d.action);
    const sibling = byAction.get(`${prefix}Add`) ?? byAction.get(`${prefix}Register`);
    const response = responseFor(d, sibling, json);
    d.examples = {
      json,
      v3Request: corpus ?? jsonToV3(d, json, EXAMPLE_HEADER),
      v3Source: corpus ? 'corpus' : 'generated',
      ...(response ? { v3Response: response } : {}),
    };
  }
  return defs;
}

let cache: { list: ServiceDefinition[]; byKey: Map<string, ServiceDefinition> } | undefined;

function load(): { list: ServiceDefinition[]; byKey: Map<string, ServiceDefinition> } {
  if (cache) return cache;
  const list = build();
  const byKey = new Map<string, ServiceDefinition>();
  for (const d of list) {
    byKey.set(d.action.toLowerCase(), d);
    if (d.sCode) byKey.set(d.sCode.toLowerCase(), d);
  }
  cache = { list, byKey };
  return cache;
}

/** Every service, standard first (in S-code order), then private. */
export function listServiceDefinitions(): readonly ServiceDefinition[] {
  return load().list;
}

/** A service by action code or S-code (case-insensitive). */
export function getServiceDefinition(key: string): ServiceDefinition | undefined {
  return load().byKey.get(key.trim().toLowerCase());
}

function countFields(fields: readonly ServiceField[]): number {
  let n = 0;
  walk(fields, () => (n += 1));
  return n;
}

export function summarize(d: ServiceDefinition): ServiceSummary {
  return {
    action: d.action,
    ...(d.sCode ? { sCode: d.sCode } : {}),
    name: d.name,
    nameEn: d.nameEn,
    category: d.category,
    operation: d.operation,
    entity: d.entity,
    standard: d.standard,
    request: d.request,
    ...(d.response ? { response: d.response } : {}),
    fieldCount: countFields(d.fields),
  };
}

/** Categories in the tender's order. */
export const SERVICE_CATEGORIES = [
  '就诊',
  '申请单',
  '医嘱',
  '状态结果',
  '预约',
  '机构',
  '人员',
  '电子病历',
  '术语',
  '财务',
  '支付',
  '输血',
  '药品',
  '单点登录',
] as const;

export interface ServiceFilter {
  q?: string;
  category?: string;
  operation?: string;
}

export function searchServices(filter: ServiceFilter): ServiceSummary[] {
  const q = filter.q?.trim().toLowerCase();
  return listServiceDefinitions()
    .filter((d) => !filter.category || d.category === filter.category)
    .filter((d) => !filter.operation || d.operation === filter.operation)
    .filter(
      (d) =>
        !q ||
        d.action.toLowerCase().includes(q) ||
        (d.sCode ?? '').toLowerCase().includes(q) ||
        d.name.includes(filter.q?.trim() ?? '') ||
        d.nameEn.toLowerCase().includes(q) ||
        d.category === filter.q?.trim(),
    )
    .map(summarize);
}
