// How each interaction service changes the clinical data repository (临床数据中心): which entity, which key, what
// the change is (add, update, status, cancel …), which state it carries, what must already exist. Derived from the
// catalogue's definitions (operation, entity, keys, state field), with the corrections written out below where the
// standard's structure asks for it (a status message naming several applications, an order group with one record
// per order, appointment ids as keys, 检查退费 and 取消输血申请 with their rules).
import { getServiceDefinition, listServiceDefinitions } from '../catalogue/catalogue.js';
import type { ServiceDefinition, ServiceField, ServiceState } from '../catalogue/types.js';

export type CdrOperation = 'add' | 'update' | 'status' | 'cancel' | 'delete' | 'publish' | 'merge';

/** Something that must exist before a change is taken: one of these (entity, field of the message) pairs. */
export interface CdrReference {
  anyOf: Array<{ entity: string; field: string }>;
  /** The referenced record must not be in one of these states (e.g. a cancelled transfusion request). */
  notInStates?: string[];
}

export interface CdrBinding {
  action: string;
  entity: string;
  operation: CdrOperation;
  /** Fields whose values, joined with '|', are the entity's key (looked up in the list item first, then the header). */
  keyFields: string[];
  /** A list field holding one entity per item (several applications in one status message, an order group). */
  splitBy?: string;
  /** Fields carrying the new state, first non-empty wins (item first, then header). */
  stateFrom: string[];
  /** The record must exist already (updates, status changes, cancellations). */
  requireExisting: boolean;
  references: CdrReference[];
  /** The state a cancellation or deletion leaves the record in. */
  endState?: string;
  /** A rule beyond the state machine. */
  guard?: 'checkNotStarted' | 'bloodNotIssued';
  /** Merge: the field naming the surviving record. */
  survivorField?: string;
  /** State values that are steps recorded without changing the state (检查预约, 取消登记 …). */
  neutralSteps?: string[];
}

export interface CdrEntity {
  entity: string;
  name: string;
  nameEn: string;
  /** zh-CN label of the key. */
  keyLabel: string;
  keyFields: string[];
  /** The catalogue's state machine for the entity, if any. */
  states: ServiceState[];
  /** The services that write it. */
  services: string[];
}

const APPLICATIONS = [
  'labApplication',
  'checkApplication',
  'pathologyApplication',
  'bloodTransApplication',
  'operationApplication',
];

/** Corrections to what the catalogue's definitions give, per service. */
const OVERRIDES: Record<string, Partial<CdrBinding>> = {
  PatientInfoMerge: {
    operation: 'merge',
    keyFields: ['priorRegisteredRolePatientId'],
    survivorField: 'subject1PatientId',
    requireExisting: true,
    endState: 'merged',
    references: [{ anyOf: [{ entity: 'patient', field: 'subject1PatientId' }] }],
  },
  DocumentRegister: { keyFields: ['visitNo', 'clinicalDocumentCode'] },
  TerminologyRegister: { splitBy: 'subject1List', keyFields: ['valueSetId'] },
  TerminologyUpdate: { splitBy: 'subject1List', keyFields: ['valueSetId'] },
  OrderInfoAdd: { splitBy: 'component2List', keyFields: ['orderId'] },
  OrderInfoUpdate: { splitBy: 'component2List', keyFields: ['orderId'] },
  OutPatientAppointStatusInfoAdd: { keyFields: ['encounterAppointmentId'] },
  OutPatientAppointStatusInfoUpdate: { keyFields: ['encounterAppointmentId'] },
  CheckAppointStatusInfoAdd: { keyFields: ['actAppointmentId'] },
  CheckAppointStatusInfoUpdate: { keyFields: ['actAppointmentId'] },
  CheckStatusInfoUpdate: {
    operation: 'status',
    splitBy: 'component2List',
    keyFields: ['applicationNo'],
    stateFrom: ['processStepCode', 'codeName'],
    // 检查状态 value set: 预约 / 取消预约 / 取消登记 are recorded, the examination's state stays.
    neutralSteps: ['SC02', 'SC06', 'SC07', 'SC09', 'SC15', 'SC16', 'SC18', 'SC24', 'SC25', 'SC27', 'SC34'],
  },
  OperationStatusInfoUpdate: {
    operation: 'status',
    splitBy: 'component2List',
    keyFields: ['applicationNo'],
    stateFrom: ['processStepCode', 'codeName'],
  },
  ExamStatusInfoUpdate: { operation: 'status', stateFrom: ['observationReportStatusCode'] },
  OrderFillerStatusInfoUpdate: {
    operation: 'add',
    keyFields: ['orderId'],
    requireExisting: false,
    stateFrom: ['processStepCode', 'observationRequestStatusCode'],
    references: [
      {
        anyOf: [
          { entity: 'order', field: 'orderId' },
          ...APPLICATIONS.map((entity) => ({ entity, field: 'applicationNo' })),
        ],
      },
    ],
  },
  TransferInfoAdd: { references: [{ anyOf: [{ entity: 'inpatientEncounter', field: 'visitNo' }] }] },
  DischargeInfoAdd: { references: [{ anyOf: [{ entity: 'inpatientEncounter', field: 'visitNo' }] }] },
  OperationScheduleInfoAdd: {
    references: [{ anyOf: [{ entity: 'operationApplication', field: 'applicationNo' }], notInStates: ['cancelled'] }],
  },
  CheckRefundAdd: {
    keyFields: ['applicationNo'],
    endState: 'refunded',
    guard: 'checkNotStarted',
  },
  BloodTransAppCancel: { endState: 'cancelled', guard: 'bloodNotIssued' },
  BloodStockOutAdd: {
    references: [{ anyOf: [{ entity: 'bloodTransApplication', field: 'applicationNo' }], notInStates: ['cancelled'] }],
  },
  CrossMatchReportAdd: {
    references: [{ anyOf: [{ entity: 'bloodTransApplication', field: 'applicationNo' }], notInStates: ['cancelled'] }],
  },
  CriticalValueConfirm: { operation: 'status' },
  CriticalValueHandle: { operation: 'status' },
  FeeStatusInfoUpdate: { operation: 'status', stateFrom: ['feeStatus'] },
};

/** Names the services' own titles do not give well (个人信息注册 → 患者; 门诊预约状态 → 门诊预约). */
const ENTITY_NAMES: Record<string, { name?: string; keyLabel?: string }> = {
  patient: { name: '患者', keyLabel: '患者 ID' },
  outpatientAppointment: { name: '门诊预约' },
  checkAppointment: { name: '检查预约' },
  physicalExamAppointment: { name: '体检预约' },
  schedule: { keyLabel: '排班医生 ID' },
};

/** Services the repository does not keep (single sign-on tickets belong to the portal). */
const NOT_KEPT = new Set(['SingleSignOn']);

function defaultBinding(def: ServiceDefinition): CdrBinding {
  const op = def.operation;
  return {
    action: def.action,
    entity: def.entity,
    operation: op === 'query' ? 'add' : op,
    keyFields: [...def.keys],
    stateFrom: def.stateField ? [def.stateField] : [],
    requireExisting: op === 'update' || op === 'cancel' || op === 'delete',
    references: [],
    ...(op === 'cancel' ? { endState: 'cancelled' } : op === 'delete' ? { endState: 'deleted' } : {}),
  };
}

let bindings: Map<string, CdrBinding> | undefined;
let entities: Map<string, CdrEntity> | undefined;

function build(): void {
  bindings = new Map();
  entities = new Map();
  for (const def of listServiceDefinitions()) {
    if (def.operation === 'query' || NOT_KEPT.has(def.action)) continue;
    const binding: CdrBinding = { ...defaultBinding(def), ...OVERRIDES[def.action] };
    bindings.set(def.action, binding);
  }
  for (const def of listServiceDefinitions()) {
    if (NOT_KEPT.has(def.action)) continue;
    let e = entities.get(def.entity);
    if (!e) {
      e = { entity: def.entity, name: '', nameEn: '', keyLabel: '', keyFields: [], states: [], services: [] };
      entities.set(def.entity, e);
    }
    e.services.push(def.action);
    if (def.states && e.states.length === 0 && def.operation !== 'query') e.states = def.states;
  }
  for (const e of entities.values()) {
    // The entity is named and keyed by the service that creates it (新增 / 注册 / 发布), else by its first writer.
    const creator =
      e.services.map((a) => bindings!.get(a)).find((b) => b && (b.operation === 'add' || b.operation === 'publish')) ??
      e.services.map((a) => bindings!.get(a)).find((b) => b !== undefined);
    const def = getServiceDefinition(creator?.action ?? e.services[0]!)!;
    e.name = ENTITY_NAMES[e.entity]?.name ?? entityName(def);
    e.nameEn = def.nameEn.replace(/ (add|register|update|publish|query|search|retrieve)$/i, '');
    e.keyFields = creator?.keyFields ?? [...def.keys];
    e.keyLabel =
      ENTITY_NAMES[e.entity]?.keyLabel ??
      e.keyFields.map((k) => (fieldLabel(def, k, creator?.splitBy) ?? k).replace(/项目$/, '')).join(' + ');
  }
}

/** 检查申请信息新增服务 → 检查申请; 门诊挂号信息新增服务 → 门诊挂号. */
function entityName(def: ServiceDefinition): string {
  return def.name.replace(/(信息)?(新增|注册|更新|发布|查询|检索|调阅)?服务$/, '').replace(/信息$/, '');
}

function fieldLabel(def: ServiceDefinition, key: string, splitBy?: string): string | undefined {
  const list = splitBy ? def.fields.find((f) => f.key === splitBy)?.fields : undefined;
  const find = (fields: readonly ServiceField[] | undefined) => fields?.find((f) => f.key === key)?.label;
  return find(list) ?? find(def.fields);
}

export function bindingOf(action: string): CdrBinding | undefined {
  if (!bindings) build();
  return bindings!.get(action);
}

export function cdrEntity(entity: string): CdrEntity | undefined {
  if (!entities) build();
  return entities!.get(entity);
}

export function listCdrEntities(): CdrEntity[] {
  if (!entities) build();
  return [...entities!.values()];
}

/**
 * The service whose message shape a query's results take, and whether they come from the record's latest status
 * message: the entity's 新增/注册 sibling; for status queries (检查状态 …) the status update service; else any
 * service that adds or publishes the entity.
 */
export function queryResultService(
  def: ServiceDefinition,
): { def: ServiceDefinition; fromStatus: boolean } | undefined {
  const prefix = def.action.replace(/(Query|Access|Retrieve|AllQuery)$/, '');
  for (const suffix of ['Add', 'Register']) {
    const d = getServiceDefinition(`${prefix}${suffix}`);
    if (d) return { def: d, fromStatus: false };
  }
  const update = getServiceDefinition(`${prefix}Update`);
  if (update) return { def: update, fromStatus: bindingOf(update.action)?.operation === 'status' };
  const writer = listServiceDefinitions().find(
    (d) => d.entity === def.entity && (d.operation === 'add' || d.operation === 'publish'),
  );
  return writer ? { def: writer, fromStatus: false } : undefined;
}
