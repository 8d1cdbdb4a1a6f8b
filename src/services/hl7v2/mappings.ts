// The HL7 v2 mappings shipped with the interaction-service catalogue (交互服务 HL7 v2 映射): which v2 event becomes
// which service, and for every service which v2 field fills which key of its canonical JSON. Data plus small functions;
// convert.ts applies them, docs/services.md prints them (scripts/gen-services-doc.ts).
//
// Where the national schema requires a value the v2 message has no field for, the rules say what stands in, and the
// docs show it next to the field:
// - `-` (ABSENT, the catalogue's own "no value") for texts, identifiers and codes whose value set allows it;
// - the value set's own "unknown / unspecified / other" code (性别 0 未知的性别, 婚姻 90 未说明, 医保 99 其他 …);
// - a fixed OID from WS/T 846 for identifier systems (医务人员工号 2.16.156.10011.1.4, 科室 1.26 …);
// - the event's own time only where the event is what happened then (挂号、入院、开单);
// - a status from the event (A11 → cancelled, ORC-1 CA → cancelled, SIU^S15 → cancelled).
// Nothing clinical is made up: a missing patient id or name, visit number, order code, dose, amount or clinical time,
// and codes whose value set has no neutral entry (民族, 国籍), refuse the message naming the v2 field.
import type { ServiceField } from '../catalogue/types.js';
import {
  EVENT_TIME,
  eventTime,
  ABSENT,
  coded,
  computed,
  date,
  decimal,
  fact,
  first,
  fixed,
  list,
  nameOf,
  numberAt,
  orAbsent,
  orElse,
  personName,
  staffName,
  ts,
  v2,
  type FieldRule,
  type Rules,
  type Value,
} from './rules.js';
import { orderGroups, V2FieldProblem, type V2Source } from './source.js';

// ---- value tables ---------------------------------------------------------------------------------------------------

/** HL7 table 0001 → GB/T 2261.1 性别. */
const GENDER: Record<string, string> = { M: '1', F: '2', U: '0', O: '9', A: '9', N: '9' };
/** HL7 table 0002 → GB/T 2261.2 婚姻状况. */
const MARITAL: Record<string, string> = { S: '10', B: '10', M: '20', W: '30', D: '40', U: '90' };
/** HL7 table 0004 (PV1-2 patient class) → 就诊类别 (1 门诊, 2 急诊, 3 住院, 9 其他). */
const PATIENT_CLASS: Record<string, string> = { O: '1', R: '1', E: '2', I: '3', P: '3' };
const ENCOUNTER_NAMES: Record<string, string> = { '1': '门诊', '2': '急诊', '3': '住院', '9': '其他' };
/** HL7 table 0063 → GB/T 4761 家庭关系. */
const RELATIONSHIP: Record<string, string> = {
  SEL: '01',
  SPO: '10',
  DOM: '10',
  HUS: '11',
  WIF: '12',
  CHD: '20',
  SON: '20',
  DAU: '30',
  GRD: '40',
  PAR: '50',
  FTH: '51',
  MTH: '52',
  GRP: '60',
  SIB: '70',
  BRO: '70',
  SIS: '70',
  EXF: '97',
  FND: '99',
  OTH: '80',
};
/** HL7 table 0203 identifier type (CX.5) → 身份证件类别. */
const ID_CATEGORY: Record<string, string> = { NNCHN: '01', NI: '01', PPN: '03', DL: '05' };
/** v2 priority (TQ.6 / TQ1-9) — V3 ActPriority uses the same letters. */
const PRIORITY_NAMES: Record<string, string> = { R: '常规', S: '紧急', A: '尽快', P: '术前', C: '回报', T: '定时' };
/** HL7 table 0162 route → 用药途径 (GB/T 21010 style codes of the catalogue). */
const ROUTE: Record<string, string> = {
  PO: '1',
  PR: '2',
  SL: '3',
  SC: '401',
  ID: '402',
  IM: '403',
  IV: '404',
  IH: '5',
  TP: '6',
  IT: '601',
  VG: '605',
  ET: '606',
  OP: '607',
  NS: '608',
};
/** HL7 table 0278 filler status (SCH-25) → 预约状态 of the catalogue. */
const APPOINTMENT_STATUS: Record<string, string> = {
  PENDING: 'pending',
  WAITLIST: 'pending',
  BOOKED: 'scheduled',
  OVERBOOK: 'scheduled',
  STARTED: 'scheduled',
  COMPLETE: 'completed',
  CANCELLED: 'cancelled',
  DC: 'cancelled',
  DELETED: 'cancelled',
};

/** OBR-24 diagnostic service section (HL7 table 0074, plus common Chinese words) → kind of request. */
export const LAB_SECTIONS = [
  'BG',
  'BLB',
  'CG',
  'CH',
  'GE',
  'HM',
  'IMM',
  'LAB',
  'MB',
  'MCB',
  'MYC',
  'OSL',
  'SR',
  'TX',
  'URN',
  'VR',
  '检验',
];
export const EXAM_SECTIONS = [
  'AU',
  'CT',
  'CTH',
  'CUS',
  'EC',
  'EN',
  'NMR',
  'NMS',
  'OUS',
  'PF',
  'RAD',
  'RUS',
  'RX',
  'VUS',
  'XRC',
  'MR',
  'US',
  'DX',
  'CR',
  'DR',
  'MG',
  'ES',
  '检查',
  '放射',
  '超声',
  '内镜',
  '心电',
];
export const PATHOLOGY_SECTIONS = ['SP', 'CP', '病理'];
/** FT1-6 transaction types that make a DFT^P03 a registration payment (挂号支付); the converter's option replaces it. */
export const REGISTRATION_TRANSACTION_TYPES: readonly string[] = ['REG', 'GH', '挂号', '挂号费'];

/** OIDs of WS/T 846 identifier systems written where the v2 message names no system. */
const OID = {
  staff: '2.16.156.10011.1.4',
  organization: '2.16.156.10011.1.5',
  department: '2.16.156.10011.1.26',
  ward: '2.16.156.10011.1.27',
  room: '2.16.156.10011.1.21',
  bed: '2.16.156.10011.1.22',
  application: '2.16.156.10011.1.24',
  device: '2.16.156.10011.2.5.1.3',
} as const;

// ---- facts decided per message ----------------------------------------------------------------------------------------

/** Encounter status by event (V3 ActStatus). */
const ENCOUNTER_STATUS: Record<string, string> = {
  A01: 'active',
  A02: 'active',
  A03: 'completed',
  A04: 'active',
  A05: 'new',
  A08: 'active',
  A11: 'cancelled',
};

/** The order status rule for a field: `active`, or for a cancellation the value set's own `cancelled`/`inactive`. */
function orderStatus(note: string): FieldRule {
  return computed(note, 'ORC-1', (s, at) => {
    const status = s.facts.orderStatus ?? 'active';
    const options = at.field.options?.map((o) => o.code);
    if (!options || options.includes(status)) return status;
    return status === 'cancelled' && options.includes('inactive') ? 'inactive' : (options[0] ?? status);
  });
}

// ---- shared rules: the patient (PID) -------------------------------------------------------------------------------

/** CX.1 of the first PID-3 repetition whose identifier type (CX.5) is one of `types`. */
function pidOfType(s: V2Source, types: readonly string[]): string | undefined {
  const ids = s.column('PID-3.1');
  const kinds = s.column('PID-3.5');
  for (let i = 0; i < ids.length; i++) {
    if (ids[i] && types.includes((kinds[i] ?? '').toUpperCase())) return ids[i];
  }
  return undefined;
}

const PATIENT_ID = computed(
  'PID-3 中类型（CX.5）为 PI 的标识，无则第一项（CX.1）',
  'PID-3',
  (s) => pidOfType(s, ['PI']) ?? s.get('PID-3.1'),
);
const ID_CARD = orAbsent(
  first(
    computed('PID-3 中类型为 NNCHN/NI 的标识（身份证号）', 'PID-3', (s) => pidOfType(s, ['NNCHN', 'NI'])),
    v2('PID-19', '身份证号/SSN'),
  ),
);
const ID_CATEGORY_CODE = computed(
  'PID-3 标识类型：NNCHN/NI → 01，PPN → 03，DL → 05；只有 PID-19 时 01；都没有时 99 其他法定有效证件',
  'PID-3',
  (s) => {
    const kinds = s.column('PID-3.5').map((k) => k.toUpperCase());
    for (const k of kinds) if (ID_CATEGORY[k]) return ID_CATEGORY[k];
    return s.get('PID-19') !== '' ? '01' : '99';
  },
);
const CARD_NO = orAbsent(computed('PID-3 中类型为 HC 的标识（就诊卡/健康卡号）', 'PID-3', (s) => pidOfType(s, ['HC'])));
const DOMAIN_ID = orAbsent(first(v2('PID-3.4.1', '分配机构'), v2('MSH-4.1', '发送机构')));
const PATIENT_NAME = personName('PID-5');
const GENDER_CODE = orElse(coded(v2('PID-8'), GENDER, 'HL7 0001'), '0', '未知的性别');

/** An XTN telephone number: v2.3 puts it in .1, v2.5+ in .12 or area + local number (.6 .7). */
function phone(path: string, label: string): FieldRule {
  return computed(
    `${path}（${label}，.1 或 .12 或 .6+.7）`,
    path,
    (s) => s.get(`${path}.1`) || s.get(`${path}.12`) || `${s.get(`${path}.6`)}${s.get(`${path}.7`)}`,
  );
}
const PATIENT_PHONE = orAbsent(phone('PID-13', '家庭电话'));

/** An XAD address: 省 市 区县 街道 (Chinese without spaces). */
const ADDRESS = orAbsent(
  computed('PID-11（.4 省 .3 市 .9 区县 .1 街道 .2 其他）', 'PID-11', (s) => {
    const parts = ['PID-11.4', 'PID-11.3', 'PID-11.9', 'PID-11.1.1', 'PID-11.2']
      .map((p) => s.get(p))
      // 直辖市: province and city are the same (北京市 北京市).
      .filter((p, i, all) => p !== '' && p !== all[i - 1]);
    return parts.join(parts.some((p) => /[\u3400-\u9fff]/.test(p)) ? '' : ' ');
  }),
);
const BIRTH_DATE = date('PID-7', '出生日期');
const BIRTH_TIME = ts('PID-7', '出生日期');

/** Whole years between PID-7 and the event (the age the order was placed at). */
const AGE = computed('按 PID-7 与事件时间计算的周岁', 'PID-7', (s) => {
  const birth = s.date('PID-7');
  const at = eventTime(s) ?? '';
  if (!birth || birth.length < 8 || at.length < 8) return undefined;
  const years = Number(at.slice(0, 4)) - Number(birth.slice(0, 4));
  return at.slice(4, 8) < birth.slice(4, 8) ? years - 1 : years;
});

const ethnicGroup = (): FieldRule => coded(first(v2('PID-22.1'), v2('PID-22.2')), {}, 'GB/T 3304（代码或名称）');

// ---- shared rules: the visit (PV1) ---------------------------------------------------------------------------------

const VISIT_NO = first(v2('PV1-19.1', '就诊流水号'), v2('PID-18.1', '患者账号'));
/** 就诊类别 from PV1-2; a message without one takes the service's own kind. */
const encounterCode = (otherwise: string): FieldRule =>
  orElse(coded(v2('PV1-2'), PATIENT_CLASS, 'HL7 0004', '9'), otherwise, ENCOUNTER_NAMES[otherwise]);
const OUTPATIENT_NO = computed('门急诊（PV1-2 = O/E）时 PV1-50.1（门诊号），否则 -', 'PV1-50', (s) =>
  ['O', 'E', 'R'].includes(s.get('PV1-2').toUpperCase()) ? s.get('PV1-50.1') || ABSENT : ABSENT,
);
const INPATIENT_NO = computed('住院（PV1-2 = I/P）时 PV1-50.1（住院号），否则 -', 'PV1-50', (s) =>
  ['I', 'P'].includes(s.get('PV1-2').toUpperCase()) ? s.get('PV1-50.1') || ABSENT : ABSENT,
);
const ADMIT_TIME = first(ts('PV1-44', '入院/就诊时间'), EVENT_TIME);
const DEPARTMENT = orAbsent(first(v2('PV1-10.1', '科室'), v2('PV1-3.1', '护理单元')));
const WARD = orAbsent(v2('PV1-3.1', '病区/护理单元'));
const ROOM = orAbsent(v2('PV1-3.2', '病房'));
const BED = orAbsent(v2('PV1-3.3', '床位'));
const ATTENDING_ID = orAbsent(first(v2('PV1-7.1', '主治医生'), v2('PV1-17.1', '收治医生')));
const ATTENDING_NAME = orAbsent(first(staffName('PV1-7'), staffName('PV1-17')));
const INSURANCE = orElse(
  coded(first(v2('PV1-20.1', '费用类别'), v2('IN1-2.1', '保险计划')), {}, '医疗保险类别代码', '99'),
  '99',
  '其他',
);
const INSURANCE_NAME = nameOf('admissionReferralSourceCode');
const ENCOUNTER_STATUS_RULE = fact(
  'encounterStatus',
  '按事件：A04/A01/A02/A08 active，A05 new，A03 completed，A11 cancelled',
);

/** Diagnoses (DG1), one item each. */
const DIAGNOSES = list('每个 DG1', 'DG1', (s) => segments(s, 'DG1'), {
  observationDxCode: v2('DG1-6.1', '诊断类型'),
  observationDxStatusCode: fixed('active', '诊断有效'),
  valueCode: v2('DG1-3.1', '诊断编码'),
  observationDxName: first(v2('DG1-3.2'), v2('DG1-4', '诊断描述')),
  assignedEntityId: v2('DG1-16.1', '诊断医生'),
  itemRoot: fixed(OID.staff, '医务人员工号 OID'),
});

function segments(s: V2Source, name: string): V2Source[] {
  return Array.from({ length: s.count(name) }, (_, i) => s.within({ [name]: i + 1 }));
}

// ---- 个人信息 (ADT^A28 / A31 / A40) ------------------------------------------------------------------------------------

const PATIENT_REGISTRY: Rules = {
  registrationRequestStatusCode: fixed('active', '注册请求有效'),
  patientId: PATIENT_ID,
  subject1StatusCode: fixed('active', '患者角色有效'),
  any: computed('事件日期（EVN-2，无则 MSH-7）的 yyyyMMdd，按数值', 'EVN-2', (s) => {
    const t = eventTime(s);
    return t !== undefined && t.length >= 8 ? Number(t.slice(0, 8)) : undefined;
  }),
  idCardNo: ID_CARD,
  idCategoryCode: ID_CATEGORY_CODE,
  idCategoryName: nameOf('idCategoryCode'),
  patientPersonName: PATIENT_NAME,
  patientPersonTelecom: PATIENT_PHONE,
  administrativeGenderCode: GENDER_CODE,
  administrativeGenderCodeName: nameOf('administrativeGenderCode'),
  birthTime: BIRTH_DATE,
  addr: ADDRESS,
  maritalStatusCode: orElse(coded(v2('PID-16.1'), MARITAL, 'HL7 0002', '90'), '90', '未说明的婚姻状况'),
  maritalStatusCodeName: nameOf('maritalStatusCode'),
  itemCode: ethnicGroup(),
  ethnicGroupCodeName: nameOf('itemCode'),
  occupationCode: fixed('90', 'PID 没有职业字段：GB/T 2261.4 其他'),
  occupationCodeName: nameOf('occupationCode'),
  employerOrganizationName: orAbsent(v2('NK1-13.1', '工作单位')),
  contactPartyTelecom: orAbsent(phone('PID-14', '工作电话')),
  asOtherIDsList: list('PID-3 中类型为 HC 的每个标识（健康卡）', 'PID-3', healthCards, {
    cardNo: v2('PID-3.1'),
    orgCode: orAbsent(v2('PID-3.4.1', '发卡机构')),
  }),
  personalRelationshipCode: computed(
    'NK1-3 按 HL7 0063 转换（不认识的记为 80 其他）；没有 NK1 时 01 本人（联系人即患者）',
    'NK1-3',
    (s, at) => {
      if (!s.has('NK1')) return '01';
      return coded(v2('NK1-3.1'), RELATIONSHIP, 'HL7 0063', '80').read(s, at) ?? '80';
    },
  ),
  personalRelationshipCodeName: nameOf('personalRelationshipCode'),
  personalRelationshipTelecom: orAbsent(first(phone('NK1-5', '联系人电话'), phone('PID-13', '无 NK1 时患者电话'))),
  relationshipHolder1Name: orAbsent(
    first(
      personName('NK1-2'),
      computed('无 NK1 时患者姓名', 'PID-5', (s) => (s.has('NK1') ? undefined : s.personName('PID-5'))),
    ),
  ),
  orgCode: orAbsent(first(v2('PD1-3.10', '就诊机构代码'), v2('MSH-4.1', '发送机构'))),
  providerOrganizationName: orAbsent(v2('PD1-3.1', '就诊机构名称')),
  contactParty: fixed(ABSENT, 'v2 无机构联系人'),
  beneficiaryCode: orElse(coded(v2('IN1-2.1', '保险计划'), {}, '医疗保险类别代码', '99'), '99', '其他'),
  beneficiaryCodeName: nameOf('beneficiaryCode'),
  assignedEntityId: orAbsent(v2('EVN-5.1', '操作员')),
  itemRoot: fixed(OID.staff, '医务人员工号 OID'),
  assignedPersonName: orAbsent(staffName('EVN-5')),
};

function healthCards(s: V2Source): V2Source[] {
  const kinds = s.column('PID-3.5');
  const out: V2Source[] = [];
  kinds.forEach((k, i) => {
    if (k.toUpperCase() === 'HC') out.push(new RepetitionView(s, 'PID-3', i + 1).source);
  });
  return out;
}

/** A view whose `PID-3.x` paths read one repetition of PID-3 (the n-th health card). */
class RepetitionView {
  readonly source: V2Source;
  constructor(base: V2Source, field: string, repetition: number) {
    const get = base.get.bind(base);
    this.source = Object.create(base) as V2Source;
    this.source.get = (path: string) =>
      path.startsWith(`${field}.`) ? get(`${field}[${repetition}]${path.slice(field.length)}`) : get(path);
  }
}

const PATIENT_MERGE: Rules = {
  registrationEventStatusCode: fixed('active', '合并有效'),
  subject1PatientId: PATIENT_ID,
  subject1StatusCode: fixed('active', '保留的患者有效'),
  any: EVENT_TIME,
  idCardNo: ID_CARD,
  idCategoryCode: ID_CATEGORY_CODE,
  idCategoryName: nameOf('idCategoryCode'),
  patientPersonName: PATIENT_NAME,
  assignedEntityId: orAbsent(v2('EVN-5.1', '操作员')),
  itemRoot: fixed(OID.staff, '医务人员工号 OID'),
  assignedPersonName: orAbsent(staffName('EVN-5')),
  priorRegistrationStatusCode: fixed('obsolete', '被合并的患者作废'),
  priorRegisteredRolePatientId: v2('MRG-1.1', '被合并的患者 ID'),
};

// ---- 就诊 (ADT^A04 / A01 / A05 / A08 / A11 / A02 / A03) ---------------------------------------------------------------

const ENCOUNTER_BASE: Rules = {
  visitTimes: fixed(ABSENT, 'v2 无就诊次数字段'),
  visitNo: VISIT_NO,
  encounterEventStatusCode: ENCOUNTER_STATUS_RULE,
  reasonCodeOriginalText: orAbsent(first(v2('PV2-3.2', '入院/就诊原因'), v2('PV2-3.1'))),
  admissionReferralSourceCode: INSURANCE,
  admissionReferralSourceCodeName: INSURANCE_NAME,
  patientId: PATIENT_ID,
  idCardNo: ID_CARD,
  patientPersonName: PATIENT_NAME,
  admitterTime: ADMIT_TIME,
  staffNo: ATTENDING_ID,
  assignedPersonName: ATTENDING_NAME,
  locationTime: ADMIT_TIME,
  locationStatusCode: fixed('active', '当前位置'),
  serviceProviderOrganizationId: orAbsent(first(v2('PV1-3.4.1', '院区/机构'), v2('MSH-4.1', '发送机构'))),
  serviceProviderOrganizationIdItemRoot: fixed(OID.organization, '医疗卫生机构代码 OID'),
};

const OUTPATIENT_VISIT: Rules = {
  ...ENCOUNTER_BASE,
  outpatientNo: orAbsent(v2('PV1-50.1', '门诊号')),
  encounterEventCode: encounterCode('1'),
  codeName: nameOf('encounterEventCode'),
  effectiveTimeLow: first(date('PV1-44', '就诊时间'), date('EVN-2'), date('MSH-7')),
  locationId: orAbsent(first(v2('PV1-3.1', '诊室/科室'), v2('PV1-10.1', '科室'))),
  locationIdItemRoot: fixed(OID.department, '科室编码 OID'),
  locationName: orAbsent(first(v2('PV1-3.9', '位置描述'), v2('PV1-3.1'), v2('PV1-10.2'))),
};

/** 科室 → 病区 → 病房 → 床位: the four nested places of an inpatient location. */
const placeRules = (keys: readonly [string, string, string][], pl: string, dept: FieldRule): Rules => {
  const sources: FieldRule[] = [
    dept,
    orAbsent(v2(`${pl}.1`, '病区')),
    orAbsent(v2(`${pl}.2`, '病房')),
    orAbsent(v2(`${pl}.3`, '床位')),
  ];
  const roots = [OID.department, OID.ward, OID.room, OID.bed];
  const notes = ['科室编码 OID', '病区编码 OID', '病房号 OID', '病床号 OID'];
  const out: Record<string, FieldRule> = {};
  keys.forEach(([id, root, name], i) => {
    out[id] = sources[i] as FieldRule;
    out[root] = fixed(roots[i] as string, notes[i] as string);
    out[name] = sources[i] as FieldRule;
  });
  return out;
};

const INPATIENT_PLACE_KEYS: [string, string, string][] = [
  ['locationId', 'locationIdItemRoot', 'locationName'],
  [
    'locationLocatedEntityHasPartsLocatedPlaceId',
    'locationLocatedEntityHasPartsLocatedPlaceIdItemRoot',
    'locationLocatedEntityHasPartsLocatedPlaceName',
  ],
  [
    'locationLocatedEntityHasPartsLocatedPlaceLocatedEntityHasPartsLocatedPlaceId',
    'locationLocatedEntityHasPartsLocatedPlaceLocatedEntityHasPartsLocatedPlaceIdItemRoot',
    'locationLocatedEntityHasPartsLocatedPlaceLocatedEntityHasPartsLocatedPlaceName',
  ],
  [
    'locatedPlaceLocatedEntityHasPartsLocatedPlaceLocatedEntityHasPartsLocatedPlaceId',
    'locatedPlaceLocatedEntityHasPartsLocatedPlaceLocatedEntityHasPartsLocatedPlaceIdItemRoot',
    'locatedPlaceLocatedEntityHasPartsLocatedPlaceLocatedEntityHasPartsLocatedPlaceName',
  ],
];

const INPATIENT_VISIT: Rules = {
  ...ENCOUNTER_BASE,
  ...placeRules(INPATIENT_PLACE_KEYS, 'PV1-3', DEPARTMENT),
  inpatientNo: orAbsent(v2('PV1-50.1', '住院号')),
  encounterEventCode: encounterCode('3'),
  codeName: nameOf('encounterEventCode'),
  effectiveTimeLow: first(date('PV1-44', '入院时间'), date('EVN-2'), date('MSH-7')),
  reasonList: DIAGNOSES,
};

/** Length of stay in days (PV1-45 − PV1-44; the discharge event's time when PV1-45 is empty). */
const LENGTH_OF_STAY = computed('住院天数：PV1-45（无则事件时间）减 PV1-44，按日计', 'PV1-44', (s) => {
  const from = s.date('PV1-44');
  const to = s.date('PV1-45') ?? eventTime(s)?.slice(0, 8);
  if (!from || !to || from.length < 8 || to.length < 8) return undefined;
  const day = (d: string) => Date.UTC(Number(d.slice(0, 4)), Number(d.slice(4, 6)) - 1, Number(d.slice(6, 8)));
  return Math.max(0, Math.round((day(to) - day(from)) / 86_400_000));
});

const DISCHARGE: Rules = {
  ...INPATIENT_VISIT,
  effectiveTimeLow: ts('PV1-44', '入院时间'),
  lengthOfStayQuantityUnit: fixed('天', '住院天数单位'),
  lengthOfStayQuantity: LENGTH_OF_STAY,
};

const transferKeys = (n: 1 | 2): [string, string, string][] => {
  const base = `location${n}ServiceDeliveryLocationLocation`;
  const part = 'LocatedEntityHasPartsLocatedPlace';
  return [0, 1, 2, 3].map((depth) => {
    const k = base + part.repeat(depth);
    return [`${k}Id`, `${k}IdItemRoot`, `${k}Name`];
  });
};

const TRANSFER_TIME = first(ts('EVN-6', '事件发生时间'), EVENT_TIME);
const TRANSFER: Rules = {
  inpatientNo: orAbsent(v2('PV1-50.1', '住院号')),
  visitTimes: fixed(ABSENT, 'v2 无就诊次数字段'),
  visitNo: VISIT_NO,
  patientId: PATIENT_ID,
  location1Time: TRANSFER_TIME,
  location1StatusCode: fixed('active', '转入位置'),
  ...placeRules(transferKeys(1), 'PV1-3', DEPARTMENT),
  location2Time: TRANSFER_TIME,
  location2StatusCode: fixed('completed', '转出位置'),
  ...placeRules(transferKeys(2), 'PV1-6', orAbsent(v2('PV1-6.1', '原护理单元（v2 无原科室字段）'))),
};

// ---- 申请单 (ORM^O01 / OMG^O19 / OML^O21) ---------------------------------------------------------------------------

const ORDER_TIME = first(ts('ORC-9', '开单时间'), EVENT_TIME);
const APPLICATION_NO = first(v2('ORC-4.1', '申请单号（placer group）'), v2('ORC-2.1', '申请方医嘱号'), v2('OBR-2.1'));
const ORDERING_ID = orAbsent(first(v2('ORC-12.1', '开单医生'), v2('OBR-16.1')));
const ORDERING_NAME = orAbsent(first(staffName('ORC-12'), staffName('OBR-16')));
const VERIFIER_ID = orAbsent(v2('ORC-11.1', '审核者'));
const VERIFIER_NAME = orAbsent(staffName('ORC-11'));
const ORDERING_DEPT = orAbsent(v2('ORC-17.1', '开单科室'));
const ORDERING_DEPT_NAME = orAbsent(first(v2('ORC-17.2'), v2('ORC-17.1')));
const PRIORITY = orElse(first(v2('TQ1-9.1', '优先级'), v2('ORC-7.6', '优先级'), v2('OBR-27.6')), 'R', 'v2 默认 R 常规');
const PRIORITY_NAME = computed('优先级名称（R 常规，S 紧急，A 尽快 …）', 'ORC-7', (_s, at) => {
  const code = at.json.priorityCode;
  return typeof code === 'string' ? (PRIORITY_NAMES[code.toUpperCase()] ?? code) : undefined;
});
const NOTE = orAbsent(v2('NTE-3', '备注'));
const ITEM_TIME = first(ts('OBR-7', '检查/采样时间'), ts('OBR-6', '预约时间'), ORDER_TIME);

/** The diagnosis (first DG1) an application carries. */
const APPLICATION_DIAGNOSIS: Rules = {
  observationDxCode: orAbsent(v2('DG1-6.1', '诊断类型')),
  observationDxCodeName: orAbsent(first(v2('DG1-6.2'), v2('DG1-6.1'))),
  observationDxStatusCode: fixed('active', '诊断有效'),
  valueCode: orAbsent(v2('DG1-3.1', '疾病编码')),
  observationDxName: orAbsent(first(v2('DG1-3.2'), v2('DG1-4'))),
};
const DIAGNOSIS_TIME = first(ts('DG1-5', '诊断时间'), ORDER_TIME);

/** The order groups (ORC + OBR) of a request message. */
function requestItems(s: V2Source): V2Source[] {
  return orderGroups(s.msg, ['OBR']).map((g) => s.within(g));
}

const ITEM_ORDER_ID = first(v2('ORC-2.1', '医嘱号'), v2('OBR-2.1'));

const APPLICATION_ENCOUNTER: Rules = {
  encounterCode: encounterCode('9'),
  encounterCodeName: computed('就诊类别名称', 'PV1-2', (_s, at) => ENCOUNTER_NAMES[String(at.json.encounterCode)]),
  encounterStatusCode: fixed('active', '就诊有效'),
  patientId: PATIENT_ID,
  idCardNo: ID_CARD,
  cardNo: CARD_NO,
  patientPersonName: PATIENT_NAME,
  administrativeGenderCode: GENDER_CODE,
  birthTimeOriginalText: AGE,
  addr: ADDRESS,
  locationTime: ADMIT_TIME,
  serviceDeliveryLocationLocationId: BED,
  serviceDeliveryLocationLocationName: BED,
  asLocatedEntityPartOfLocationId: ROOM,
  asLocatedEntityPartOfLocationName: ROOM,
  serviceProviderOrganizationId: DEPARTMENT,
  serviceProviderOrganizationName: orAbsent(first(v2('PV1-10.2'), v2('PV1-10.1'), v2('PV1-3.1'))),
  wholeOrganizationId: WARD,
  wholeOrganizationName: WARD,
  ...APPLICATION_DIAGNOSIS,
};

const APPLICATION_HEAD: Rules = {
  applicationNo: APPLICATION_NO,
  observationRequestCode: orAbsent(v2('OBR-24.1', '诊断服务部门')),
  observationRequestText: orAbsent(first(v2('OBR-13', '相关临床信息'), v2('OBR-4.2', '项目名称'))),
  observationRequestStatusCode: orderStatus(
    'ORC-1：NW/XO/SC active，CA/OC/DC cancelled（值域无 cancelled 时为 inactive）',
  ),
  observationRequestEffectiveTime: ORDER_TIME,
  priorityCode: PRIORITY,
  priorityCodeName: PRIORITY_NAME,
  authorTime: ORDER_TIME,
  signatureText: ORDERING_NAME,
  authorAssignedEntityAssignedPersonName: ORDERING_NAME,
  deptCode: ORDERING_DEPT,
  representedOrganizationName: ORDERING_DEPT_NAME,
  verifierTime: ORDER_TIME,
  verifierAssignedEntityAssignedPersonName: VERIFIER_NAME,
  seperatableInd: fixed('false', '备注不可分离'),
  annotationText: NOTE,
  annotationStatusCode: fixed('completed', '备注'),
  assignedEntity: fixed(ABSENT, 'v2 无备注作者'),
  ...APPLICATION_ENCOUNTER,
};

const ITEM_CODE = v2('OBR-4.1', '项目编码');
const ITEM_NAME = orAbsent(v2('OBR-4.2', '项目名称'));
const ITEM_STATUS = orderStatus('同申请单状态');

const LAB_REQUEST: Rules = {
  ...APPLICATION_HEAD,
  specimenId: orAbsent(first(v2('SPM-2.1.1', '标本条码'), v2('SPM-2.2.1'))),
  idRoot: fixed(ABSENT, 'v2 不给条码的标识体系'),
  specimenCode: orAbsent(first(v2('SPM-4.1', '标本类型'), v2('OBR-15.1.1', '标本来源'))),
  specimenCodeName: orAbsent(first(v2('SPM-4.2'), v2('OBR-15.1.2'), v2('OBR-15.1.1'))),
  authorAssignedEntityId: ORDERING_ID,
  authorAssignedEntityIdItemRoot: fixed(OID.staff, '医务人员工号 OID'),
  verifierAssignedEntityId: VERIFIER_ID,
  verifierAssignedEntityIdItemRoot: fixed(OID.staff, '医务人员工号 OID'),
  component2List: list('每个 ORC/OBR 医嘱', 'OBR', requestItems, {
    orderId: ITEM_ORDER_ID,
    observationRequestCode: ITEM_CODE,
    codeName: ITEM_NAME,
    observationRequestStatusCode: ITEM_STATUS,
    itemCode: orAbsent(v2('OBR-24.1', '检验方法/部门')),
    methodCodeName: orAbsent(first(v2('OBR-24.2'), v2('OBR-24.1'))),
    any: ITEM_TIME,
    deptCode: fixed(ABSENT, 'v2 无执行科室'),
    serviceProviderOrganizationName: fixed(ABSENT, 'v2 无执行科室'),
  }),
  outpatientNo: OUTPATIENT_NO,
  inpatientNo: INPATIENT_NO,
  telecom: PATIENT_PHONE,
  administrativeGenderCodeName: nameOf('administrativeGenderCode'),
  birthTime: BIRTH_DATE,
  any: DIAGNOSIS_TIME,
};

const EXAM_ITEM: Rules = {
  orderId: ITEM_ORDER_ID,
  observationRequestCode: ITEM_CODE,
  codeName: ITEM_NAME,
  observationRequestStatusCode: ITEM_STATUS,
  methodCodeItemCode: orAbsent(v2('OBR-24.1', '检查方式/部门（CT、RAD …）')),
  methodCodeName: orAbsent(first(v2('OBR-24.2'), v2('OBR-24.1'))),
  targetSiteCodeItemCode: orAbsent(first(v2('OBR-15.4.1', '检查部位'), v2('SPM-8.1'))),
  targetSiteCodeName: orAbsent(first(v2('OBR-15.4.2'), v2('SPM-8.2'), v2('OBR-15.4.1'))),
  any: orAbsent(ITEM_TIME),
  timeLow: ITEM_TIME,
  observationRequestId: ITEM_ORDER_ID,
  deptCode: fixed(ABSENT, 'v2 无执行科室'),
  serviceProviderOrganizationName: fixed(ABSENT, 'v2 无执行科室'),
};

const IMAGING_REQUEST: Rules = {
  ...APPLICATION_HEAD,
  authorAssignedEntityStaffNo: ORDERING_ID,
  verifierAssignedEntityStaffNo: VERIFIER_ID,
  component2List: list('每个 ORC/OBR 医嘱', 'OBR', requestItems, EXAM_ITEM),
  visitTimes: fixed(ABSENT, 'v2 无就诊次数字段'),
  visitNo: VISIT_NO,
  domainId: DOMAIN_ID,
  outpatientNo: OUTPATIENT_NO,
  inpatientNo: INPATIENT_NO,
  telecom: PATIENT_PHONE,
  birthTime: BIRTH_TIME,
  any: DIAGNOSIS_TIME,
};

/** One piece of tissue (取材部位): an SPM segment. */
const DERIVED_SPECIMEN: Rules = {
  id: orAbsent(v2('SPM-2.1.1', '条码号')),
  code: orAbsent(v2('SPM-8.1', '取材部位编码')),
  codeName: orAbsent(first(v2('SPM-8.2'), v2('SPM-8.1'))),
  specimenNaturalQuantity: orAbsent(v2('SPM-12.1')),
  quantityUnit: orAbsent(v2('SPM-12.2.1')),
};

function specimens(s: V2Source): V2Source[] {
  return segments(s, 'SPM');
}

const PATHOLOGY_REQUEST: Rules = {
  ...IMAGING_REQUEST,
  methodCodeItemCode: orAbsent(v2('OBR-24.1', '诊断服务部门')),
  methodCodeName: orAbsent(first(v2('OBR-24.2'), v2('OBR-24.1'))),
  specimenId: orAbsent(first(v2('SPM-2.1.1', '标本号'), v2('SPM-2.2.1'))),
  specimenCode: orAbsent(v2('SPM-4.1', '标本类型')),
  specimenNaturalCodeName: orAbsent(first(v2('SPM-4.2'), v2('SPM-4.1'))),
  specimenNaturalQuantity: orAbsent(v2('SPM-12.1', '送检数量')),
  quantityUnit: orAbsent(v2('SPM-12.2.1', '单位')),
  derivedSpecimenList: list('每个 SPM（取材部位）', 'SPM', specimens, DERIVED_SPECIMEN),
  specimenNaturalList: list('每个 SPM（送检组织）', 'SPM', specimens, {
    codeName: orAbsent(first(v2('SPM-4.2'), v2('SPM-4.1'))),
    quantity: orAbsent(v2('SPM-12.1', '数量')),
    quantityUnit: orAbsent(v2('SPM-12.2.1')),
    derivedSpecimenList: list('该 SPM 自身（取材部位）', 'SPM', (s) => [s], DERIVED_SPECIMEN),
  }),
  specimenProcessStepEffectiveTime: first(ts('SPM-17.1', '采集时间'), ts('OBR-7', '采集时间')),
  containerAdditiveMaterialCodeName: orAbsent(first(v2('SPM-6.2', '固定液'), v2('SPM-6.1'))),
  assignedEntityId: orAbsent(first(v2('OBR-10.1', '送检/采集者'), v2('ORC-12.1'))),
  itemRoot: fixed(OID.staff, '医务人员工号 OID'),
  performerAssignedEntityAssignedPersonName: orAbsent(first(staffName('OBR-10'), staffName('ORC-12'))),
  observationCode: fixed(ABSENT, 'v2 无病历摘要代码'),
  observationValue: orAbsent(v2('OBR-13', '相关临床信息')),
  patientPersonTelecom: PATIENT_PHONE,
  birthTime: BIRTH_DATE,
  birthTimeOriginalText: computed('按 PID-7 与事件时间计算的周岁（文本）', 'PID-7', (s, at) => {
    const age = AGE.read(s, at);
    return age === undefined ? undefined : String(age);
  }),
  maritalStatusCode: orElse(coded(v2('PID-16.1'), MARITAL, 'HL7 0002', '90'), '90', '未说明的婚姻状况'),
  ethnicGroupCodeItemCode: ethnicGroup(),
  occupationCode: fixed('Y', 'PID 没有职业字段：GB/T 6565 不便分类的其他从业人员'),
  occupationCodeName: nameOf('occupationCode'),
  employerOrganizationName: orAbsent(v2('NK1-13.1', '工作单位')),
  contactParty: fixed(ABSENT, 'v2 无单位联系人'),
  politicalNationCode: coded(
    first(v2('PID-28.1', '国籍'), v2('PID-26.1', '公民身份')),
    { CHN: '156', CN: '156' },
    'GB/T 2659 数字码',
  ),
  politicalNationCodeName: nameOf('politicalNationCode'),
  contactPartyTelecom: orAbsent(phone('NK1-5', '联系人电话')),
  contactPersonName: orAbsent(personName('NK1-2')),
  effectiveTimeLow: DIAGNOSIS_TIME,
};

// ---- 医嘱 (药品: ORM^O01 with RXO, RDE^O11, OMP^O09) ---------------------------------------------------------------

function medicationItems(s: V2Source): V2Source[] {
  return orderGroups(s.msg, ['RXE', 'RXO']).map((g) => s.within({ ...g, RXR: g.RXE || g.RXO ? nthAfter(s, g) : 0 }));
}

/** The RXR (route) that follows an order's RXE/RXO. */
function nthAfter(s: V2Source, group: Record<string, number>): number {
  let seenDetail = 0;
  let seenRoute = 0;
  const target = group.RXE ? ['RXE', group.RXE] : ['RXO', group.RXO ?? 0];
  let inside = false;
  for (const seg of s.msg.segments) {
    if (seg.name === target[0]) inside = ++seenDetail === target[1];
    else if (seg.name === 'RXR') {
      seenRoute++;
      if (inside) return seenRoute;
    } else if (seg.name === 'ORC') inside = false;
  }
  return 0;
}

const RX = (rxe: string, rxo: string, label: string): FieldRule => first(v2(rxe, label), v2(rxo));
const RX_START = first(ts('TQ1-7.1', '开始时间'), ts('RXE-1.4', '开始时间'), ts('ORC-7.4', '开始时间'), ORDER_TIME);
const RX_END = first(ts('TQ1-8.1', '结束时间'), ts('RXE-1.5', '结束时间'), ts('ORC-7.5', '结束时间'));

const MEDICATION_ITEM: Rules = {
  sequenceNumber: computed('医嘱在消息中的序号（1 起）', '', (s) => Number(s.facts.itemIndex ?? '1')),
  orderId: ITEM_ORDER_ID,
  substanceAdministrationRequestCode: fixed('01', '药品类医嘱'),
  substanceAdministrationRequestCodeName: nameOf('substanceAdministrationRequestCode'),
  substanceAdministrationRequestText: orAbsent(first(v2('RXE-2.2', '药品名称'), v2('RXO-1.2'), v2('RXE-2.1'))),
  substanceAdministrationRequestStatusCode: orderStatus('ORC-1：NW active，CA/OC/DC inactive'),
  substanceAdministrationRequestEffectiveTime: RX_START,
  routeCode: orAbsent(coded(v2('RXR-1.1', '给药途径'), ROUTE, 'HL7 0162', '9')),
  routeCodeName: nameOf('routeCode'),
  doseQuantity: first(decimal('RXE-3', '单次剂量'), decimal('RXO-2')),
  doseQuantityUnit: orAbsent(RX('RXE-5.1', 'RXO-4.1', '剂量单位')),
  doseCheckQuantity: orAbsent(v2('RXE-19.1', '日总剂量')),
  administrationUnitCode: orAbsent(coded(RX('RXE-6.1', 'RXO-5.1', '剂型'), {}, '药物剂型代码', ABSENT)),
  administrationUnitCodeName: nameOf('administrationUnitCode'),
  manufacturedProduct1Id: computed('医嘱在消息中的序号（1 起）', '', (s) => Number(s.facts.itemIndex ?? '1')),
  manufacturedProductCode: RX('RXE-2.1', 'RXO-1.1', '药品编码'),
  manufacturedProductName: orAbsent(RX('RXE-2.2', 'RXO-1.2', '药品名称')),
  asContentQuantity: orAbsent(RX('RXE-10', 'RXO-11', '发药数量')),
  containerPackagedProductCode: orAbsent(RX('RXE-2.1', 'RXO-1.1', '药品编码')),
  formCode: orAbsent(RX('RXE-6.1', 'RXO-5.1', '剂型')),
  capacityQuantityUnit: orAbsent(RX('RXE-26.1', 'RXO-19.1', '规格单位')),
  capacityQuantity: first(decimal('RXE-25', '规格'), decimal('RXO-18')),
  policyCode: fixed(ABSENT, 'v2 无医保类别'),
  policyCodeName: fixed(ABSENT, 'v2 无医保类别'),
  deptCode: fixed(ABSENT, 'v2 无执行科室'),
  locationName: fixed(ABSENT, 'v2 无执行科室'),
  parentRequestReferenceId: orAbsent(v2('ORC-8.1', '父医嘱')),
  observationCode: fixed(ABSENT, 'v2 无医嘱类别'),
  observationValue: fixed(ABSENT, 'v2 无医嘱类别'),
  supplyRequestId: orAbsent(v2('RXE-15', '处方号')),
  supplyRequestCode: fixed(ABSENT, 'v2 无领量代码'),
  supplyRequestStatusCode: orderStatus('同医嘱状态'),
  supplyRequestQuantity: first(decimal('RXE-10', '发药数量'), decimal('RXO-11')),
  quantityUnit: orAbsent(RX('RXE-11.1', 'RXO-12.1', '发药单位')),
  expectedUseTimeValidTimeLow: RX_START,
  expectedUseTimeValidTimeHigh: RX_END,
  seperatableInd: fixed('false', '备注不可分离'),
  annotationText: NOTE,
  annotationStatusCode: fixed('completed', '备注'),
  assignedEntity: fixed(ABSENT, 'v2 无备注作者'),
};

const MEDICATION_ORDER: Rules = {
  authorTime: ORDER_TIME,
  authorSignatureCode: fixed(ABSENT, 'v2 无签名编码'),
  authorSignatureText: ORDERING_NAME,
  authorAssignedEntityStaffNo: ORDERING_ID,
  authorAssignedEntityAssignedPersonName: ORDERING_NAME,
  deptCode: ORDERING_DEPT,
  representedOrganizationName: ORDERING_DEPT_NAME,
  verifierTime: ORDER_TIME,
  verifierSignatureCode: fixed(ABSENT, 'v2 无签名编码'),
  verifierSignatureText: VERIFIER_NAME,
  verifierAssignedEntityStaffNo: VERIFIER_ID,
  verifierAssignedEntityAssignedPersonName: VERIFIER_NAME,
  component2List: list(
    '每个 ORC + RXE/RXO 医嘱',
    'RXE',
    (s) => medicationItems(s).map((v, i) => v.withFacts({ itemIndex: String(i + 1) })),
    MEDICATION_ITEM,
  ),
  visitTimes: fixed(ABSENT, 'v2 无就诊次数字段'),
  visitNo: VISIT_NO,
  encounterCode: encounterCode('9'),
  codeName: nameOf('encounterCode'),
  placerGroupComponentOf1EncounterStatusCode: fixed('active', '就诊有效'),
  domainId: DOMAIN_ID,
  patientId: PATIENT_ID,
  outpatientNo: OUTPATIENT_NO,
  inpatientNo: INPATIENT_NO,
  telecom: PATIENT_PHONE,
  placerGroupComponentOf1EncounterStatusCode2: fixed('active', '患者有效'),
  idCardNo: ID_CARD,
  patientPersonName: PATIENT_NAME,
  administrativeGenderCode: GENDER_CODE,
  administrativeGenderCodeName: nameOf('administrativeGenderCode'),
  birthTime: BIRTH_TIME,
  cardNo: CARD_NO,
  scopingOrganization: fixed(ABSENT, 'v2 无发卡机构'),
  locationTime: ADMIT_TIME,
  serviceDeliveryLocationLocationId: BED,
  serviceDeliveryLocationLocationIdItemRoot: fixed(OID.bed, '病床号 OID'),
  serviceDeliveryLocationLocationName: BED,
  asLocatedEntityPartOfLocationId: ROOM,
  asLocatedEntityPartOfLocationIdItemRoot: fixed(OID.room, '病房号 OID'),
  asLocatedEntityPartOfLocationName: ROOM,
  serviceProviderOrganizationId: DEPARTMENT,
  serviceProviderOrganizationIdItemRoot: fixed(OID.department, '科室编码 OID'),
  serviceProviderOrganizationName: orAbsent(first(v2('PV1-10.2'), v2('PV1-10.1'), v2('PV1-3.1'))),
  wardCode: WARD,
  wholeOrganizationName: WARD,
};

// ---- 预约 (SIU^S12–S15) ----------------------------------------------------------------------------------------------

const APPOINTMENT_START_PATHS = ['TQ1-7.1', 'SCH-11.4', 'AIS-4', 'AIL-6', 'AIG-8'];
const APPOINTMENT_START = computed(
  `${APPOINTMENT_START_PATHS.join('，无则 ')}（预约开始时间）`,
  'TQ1-7',
  appointmentStart,
);

function appointmentStart(s: V2Source): string | undefined {
  for (const p of APPOINTMENT_START_PATHS) {
    const t = s.ts(p);
    if (t) return t;
  }
  return undefined;
}
const APPOINTMENT_END = computed(
  'TQ1-8（无则 SCH-11.5，或开始时间加 SCH-9 时长，单位 SCH-10，默认分钟）',
  'TQ1-8',
  (s) => {
    const end = s.ts('TQ1-8.1') ?? s.ts('SCH-11.5');
    if (end) return end;
    const start = appointmentStart(s);
    const minutes = numberAt(s, 'SCH-9');
    if (typeof start !== 'string' || minutes === undefined || start.length < 12) return undefined;
    const unit = s.get('SCH-10.1').toLowerCase();
    const factor = unit === 's' ? 1 / 60 : unit === 'h' || unit === 'hr' ? 60 : unit === 'd' ? 1440 : 1;
    return addMinutes(start, minutes * factor);
  },
);

function addMinutes(v3: string, minutes: number): string {
  const zone = /([+-]\d{4})$/.exec(v3)?.[1] ?? '';
  const t = v3.replace(/[+-]\d{4}$/, '');
  const d = new Date(
    Date.UTC(
      +t.slice(0, 4),
      +t.slice(4, 6) - 1,
      +t.slice(6, 8),
      +t.slice(8, 10),
      +t.slice(10, 12),
      +(t.slice(12, 14) || '0'),
    ),
  );
  d.setTime(d.getTime() + Math.round(minutes * 60_000));
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}${zone}`;
}

const APPOINTMENT_ID = first(v2('SCH-1.1', '预约方预约号'), v2('SCH-2.1', '执行方预约号'));
const APPOINTMENT_STATE = fact(
  'appointmentState',
  'SIU^S15 为 cancelled；否则 SCH-25 按 HL7 0278 转换（Booked → scheduled，Pending → pending，Complete → completed，Cancelled → cancelled），无则 scheduled',
);
const RESOURCE_ID = orAbsent(first(v2('AIL-3.1', '地点资源'), v2('AIG-3.1', '设备资源'), v2('AIP-3.1', '人员资源')));

const OUTPATIENT_APPOINTMENT: Rules = {
  encounterAppointmentId: APPOINTMENT_ID,
  encounterAppointmentIdItemRoot: fixed(ABSENT, 'v2 不给预约号的标识体系'),
  encounterAppointmentCode: orAbsent(first(v2('SCH-7.1', '预约原因'), v2('SCH-8.1', '预约类型'))),
  encounterAppointmentStatusCode: APPOINTMENT_STATE,
  encounterAppointmentEffectiveTimeLow: APPOINTMENT_START,
  patientId: PATIENT_ID,
  idCardNo: ID_CARD,
  patientPersonName: PATIENT_NAME,
  reusableDeviceTimeLow: EVENT_TIME,
  assignedDeviceId: orAbsent(v2('MSH-3.1', '发送系统')),
  assignedDeviceIdItemRoot: fixed(OID.device, '系统（设备）标识 OID'),
  assignedDeviceCode: computed('取消（SIU^S15 或状态 cancelled）为 1 取消预约，否则 0 预约成功', 'SCH-25', (s) =>
    s.facts.appointmentState === 'cancelled' ? '1' : '0',
  ),
  codeName: nameOf('assignedDeviceCode'),
  performerTimeLow: APPOINTMENT_START,
  staffNo: orAbsent(first(v2('AIP-3.1', '医生'), v2('SCH-16.1', '执行方联系人'), v2('SCH-12.1', '预约方联系人'))),
  transportationIntentId: RESOURCE_ID,
  transportationIntentIdItemRoot: fixed(ABSENT, 'v2 不给资源的标识体系'),
  transportationIntentCode: orAbsent(first(v2('AIL-4.1', '地点类型'), v2('AIG-4.1', '资源类型'))),
  transportationIntentEffectiveTimeLow: APPOINTMENT_START,
  effectiveTimeHigh: APPOINTMENT_END,
};

const CHECK_APPOINTMENT: Rules = {
  actAppointmentId: APPOINTMENT_ID,
  actAppointmentCode: coded(v2('PV1-2'), PATIENT_CLASS, 'HL7 0004', '9'),
  codeName: nameOf('actAppointmentCode'),
  actAppointmentStatusCode: computed('取消为 inactive，否则 active', 'SCH-25', (s) =>
    s.facts.appointmentState === 'cancelled' ? 'inactive' : 'active',
  ),
  actAppointmentEffectiveTime: APPOINTMENT_START,
  patientId: PATIENT_ID,
  domainId: DOMAIN_ID,
  outpatientNo: OUTPATIENT_NO,
  inpatientNo: INPATIENT_NO,
  visitTimes: fixed(ABSENT, 'v2 无就诊次数字段'),
  visitNo: VISIT_NO,
  patientPersonName: PATIENT_NAME,
  providerOrganizationDeptCode: DEPARTMENT,
  providerOrganizationName: orAbsent(first(v2('PV1-10.2'), v2('PV1-10.1'), v2('PV1-3.1'))),
  contactParty: orAbsent(personName('NK1-2')),
  manufacturedDeviceId: v2('AIG-3.1', '设备'),
  manufacturedDeviceName: orAbsent(first(v2('AIG-3.2', '设备名称'), v2('AIG-3.1'))),
  assignedPersonId: orAbsent(v2('SCH-20.1', '预约员')),
  itemRoot: fixed(OID.staff, '医务人员工号 OID'),
  assignedPersonName: orAbsent(staffName('SCH-20')),
  serviceDeliveryLocationDeptCode: orAbsent(v2('AIL-3.1', '执行地点')),
  addr: orAbsent(first(v2('AIL-3.9', '地点描述'), v2('AIL-3.4.1'), v2('AIL-3.1'))),
  referencedOrderList: list('SCH-26 每个预约方医嘱号（检查申请单号）', 'SCH-26', appointmentOrders, {
    actOrderId: v2('SCH-26.1'),
    idRoot: fixed(OID.application, '电子申请单编号 OID'),
  }),
};

function appointmentOrders(s: V2Source): V2Source[] {
  return s
    .column('SCH-26.1')
    .map((id, i) => ({ id, i }))
    .filter((x) => x.id !== '')
    .map((x) => new RepetitionView(s, 'SCH-26', x.i + 1).source);
}

// ---- 财务 (DFT^P03) ------------------------------------------------------------------------------------------------

/** The charge amounts of one FT1: quantity, unit price and amount, each computed from the other two when absent. */
function charge(s: V2Source): { quantity?: number; unitPrice?: number; amount?: number } {
  const quantity = numberAt(s, 'FT1-10');
  const amount = numberAt(s, 'FT1-11.1.1');
  const unitPrice = numberAt(s, 'FT1-12.1.1');
  const round = (n: number) => Math.round(n * 10_000) / 10_000;
  return {
    quantity: quantity ?? (amount !== undefined && unitPrice ? round(amount / unitPrice) : undefined),
    unitPrice: unitPrice ?? (amount !== undefined && quantity ? round(amount / quantity) : undefined),
    amount: amount ?? (unitPrice !== undefined && quantity !== undefined ? round(unitPrice * quantity) : undefined),
  };
}

const charges = (s: V2Source): V2Source[] => segments(s, 'FT1');
const TOTAL = computed('各 FT1-11 金额之和（无则单价 × 数量）', 'FT1-11', (s) => {
  let total = 0;
  for (const c of charges(s)) {
    const amount = charge(c).amount;
    if (amount === undefined) return undefined;
    total += amount;
  }
  return Math.round(total * 100) / 100;
});
const CHARGE_TIME = first(ts('FT1-5', '入账时间'), ts('FT1-4.1', '交易时间'), EVENT_TIME);
const within1 = (r: FieldRule): FieldRule => ({ ...r, read: (s, at) => r.read(s.within({ FT1: 1 }), at) });

const FINANCIAL_DETAIL: Rules = {
  patientId: PATIENT_ID,
  patientName: PATIENT_NAME,
  visitNo: VISIT_NO,
  visitType: coded(v2('PV1-2'), PATIENT_CLASS, 'HL7 0004', '9'),
  chargeNo: within1(first(v2('FT1-3.1', '批次/单据号'), v2('FT1-2.1', '交易号'))),
  items: list('每个 FT1', 'FT1', charges, {
    itemCode: v2('FT1-7.1', '收费项目编码'),
    itemName: orAbsent(first(v2('FT1-7.2', '收费项目名称'), v2('FT1-8', '描述'))),
    quantity: computed('FT1-10（无则金额 ÷ 单价）', 'FT1-10', (s) => charge(s).quantity),
    unitPrice: computed('FT1-12.1（无则金额 ÷ 数量）', 'FT1-12', (s) => charge(s).unitPrice),
    amount: computed('FT1-11.1（无则单价 × 数量）', 'FT1-11', (s) => charge(s).amount),
    orderNo: v2('FT1-23.1', '医嘱号'),
  }),
  totalAmount: TOTAL,
  deptCode: within1(v2('FT1-13.1', '科室')),
  deptName: within1(first(v2('FT1-13.2'), v2('FT1-13.1'))),
  operatorId: within1(v2('FT1-24.1', '录入人')),
  operatorName: within1(staffName('FT1-24')),
  operateTime: within1(CHARGE_TIME),
};

const REGISTRATION_PAYMENT: Rules = {
  patientId: PATIENT_ID,
  patientName: PATIENT_NAME,
  visitNo: VISIT_NO,
  visitType: coded(v2('PV1-2'), PATIENT_CLASS, 'HL7 0004', '9'),
  tradeNo: within1(first(v2('FT1-2.1', '交易号'), v2('FT1-3.1', '批次号'))),
  amount: TOTAL,
  payMethod: fixed('9', 'v2 FT1 没有支付方式字段：其他'),
  status: fixed('paid', 'DFT^P03 为入账：完成支付'),
  operatorId: within1(v2('FT1-24.1', '录入人')),
  operatorName: within1(staffName('FT1-24')),
  operateTime: within1(CHARGE_TIME),
};

// ---- service → rules ---------------------------------------------------------------------------------------------

/** The field rules of every service a v2 event can become. */
export const SERVICE_RULES: Readonly<Record<string, Rules>> = {
  PatientInfoRegister: PATIENT_REGISTRY,
  PatientInfoUpdate: PATIENT_REGISTRY,
  PatientInfoMerge: PATIENT_MERGE,
  OutPatientInfoAdd: OUTPATIENT_VISIT,
  OutPatientInfoUpdate: OUTPATIENT_VISIT,
  InPatientInfoAdd: INPATIENT_VISIT,
  InPatientInfoUpdate: INPATIENT_VISIT,
  TransferInfoAdd: TRANSFER,
  DischargeInfoAdd: DISCHARGE,
  ExamAppInfoAdd: LAB_REQUEST,
  ExamAppInfoUpdate: LAB_REQUEST,
  CheckAppInfoAdd: IMAGING_REQUEST,
  CheckAppInfoUpdate: IMAGING_REQUEST,
  PathologyAppInfoAdd: PATHOLOGY_REQUEST,
  PathologyAppInfoUpdate: PATHOLOGY_REQUEST,
  OrderInfoAdd: MEDICATION_ORDER,
  OrderInfoUpdate: MEDICATION_ORDER,
  OutPatientAppointStatusInfoAdd: OUTPATIENT_APPOINTMENT,
  OutPatientAppointStatusInfoUpdate: OUTPATIENT_APPOINTMENT,
  CheckAppointStatusInfoAdd: CHECK_APPOINTMENT,
  CheckAppointStatusInfoUpdate: CHECK_APPOINTMENT,
  FinancialDetailInfoAdd: FINANCIAL_DETAIL,
  RegistrationPaymentAdd: REGISTRATION_PAYMENT,
};

// ---- events → services -------------------------------------------------------------------------------------------

/** What an event decided: one service (with the facts its rules read), several it could be, or why none. */
export type Choice =
  | { action: string; facts: Record<string, string> }
  | { candidates: string[]; facts: Record<string, string>; why: string; whyEn: string }
  | { none: string; noneEn: string; location: string };

export interface EventRoute {
  /** `ADT^A04`. */
  event: string;
  /** When it applies and what it becomes (zh-CN, for the docs). */
  rule: string;
  /** Every service it can become. */
  services: readonly string[];
  choose(s: V2Source, options: MappingOptions): Choice;
}

export interface MappingOptions {
  /** FT1-6 transaction types of a registration payment (default REGISTRATION_TRANSACTION_TYPES). */
  registrationTypes?: readonly string[];
}

const patientClass = (s: V2Source): string => s.get('PV1-2.1').toUpperCase();

function adt(trigger: string, rule: string, services: string[], pick: (s: V2Source) => string | null): EventRoute {
  return {
    event: `ADT^${trigger}`,
    rule,
    services,
    choose(s) {
      const action = pick(s);
      const facts = { encounterStatus: ENCOUNTER_STATUS[trigger] ?? 'active' };
      if (action) return { action, facts };
      return {
        none: `PV1-2（患者类别）为「${s.get('PV1-2') || '空'}」，无法判断门诊还是住院（应为 O/E 或 I/P）`,
        noneEn: `PV1-2 (patient class) is "${s.get('PV1-2')}": neither outpatient (O/E) nor inpatient (I/P)`,
        location: 'PV1-2',
      };
    },
  };
}

const visitKind = (s: V2Source): 'out' | 'in' | null =>
  ['O', 'E', 'R'].includes(patientClass(s)) ? 'out' : ['I', 'P'].includes(patientClass(s)) ? 'in' : null;

/** ORC-1 order control → add / update / cancel. */
function orderControl(s: V2Source): { verb: 'Add' | 'Update'; status: string } | null {
  const control = s.get('ORC-1').toUpperCase();
  if (control === 'NW') return { verb: 'Add', status: 'active' };
  if (['XO', 'SC', 'RP', 'XX'].includes(control)) return { verb: 'Update', status: 'active' };
  if (['CA', 'OC', 'DC', 'CR', 'OD', 'DR'].includes(control)) return { verb: 'Update', status: 'cancelled' };
  return null;
}

function sectionKind(s: V2Source): 'ExamAppInfo' | 'CheckAppInfo' | 'PathologyAppInfo' | null {
  for (const raw of s.column('OBR-24.1')) {
    const section = raw.toUpperCase();
    if (section === '') continue;
    if (LAB_SECTIONS.includes(section)) return 'ExamAppInfo';
    if (EXAM_SECTIONS.includes(section)) return 'CheckAppInfo';
    if (PATHOLOGY_SECTIONS.includes(section)) return 'PathologyAppInfo';
  }
  return null;
}

function orderRoute(event: string, labOnly: boolean): EventRoute {
  const kinds = labOnly ? ['ExamAppInfo'] : ['ExamAppInfo', 'CheckAppInfo', 'PathologyAppInfo', 'OrderInfo'];
  return {
    event,
    rule: labOnly
      ? 'ORC-1：NW → 检验申请新增；XO/SC/RP → 更新；CA/OC/DC → 更新（状态取消）'
      : 'RXO/RXE → 医嘱（药品）；否则按 OBR-24：检验部门（HM、CH、MB …）→ 检验申请，影像/检查（RAD、CT、US …）→ 检查申请，SP/CP → 病理申请；' +
        'OBR-24 为空时按消息所到的主题。ORC-1：NW → 新增，XO/SC/RP → 更新，CA/OC/DC → 更新（状态取消）',
    services: kinds.flatMap((k) => [`${k}Add`, `${k}Update`]),
    choose(s) {
      const control = orderControl(s);
      if (!control) {
        return {
          none: `ORC-1（医嘱控制码）为「${s.get('ORC-1') || '空'}」，应为 NW、XO、SC、RP、CA、OC 或 DC`,
          noneEn: `ORC-1 (order control) is "${s.get('ORC-1')}"; expected NW, XO, SC, RP, CA, OC or DC`,
          location: 'ORC-1',
        };
      }
      const facts = { orderStatus: control.status };
      if (!labOnly && (s.count('RXE') > 0 || s.count('RXO') > 0)) return { action: `OrderInfo${control.verb}`, facts };
      const kind = labOnly ? 'ExamAppInfo' : sectionKind(s);
      if (kind) return { action: `${kind}${control.verb}`, facts };
      return {
        candidates: ['ExamAppInfo', 'CheckAppInfo', 'PathologyAppInfo'].map((k) => `${k}${control.verb}`),
        facts,
        why: 'OBR-24（诊断服务部门）为空，无法判断检验、检查还是病理申请：请填写 OBR-24，或把消息发往对应服务的主题',
        whyEn:
          'OBR-24 (diagnostic service section) is empty, so lab, imaging or pathology cannot be told apart: fill OBR-24 or send the message to that service topic',
      };
    },
  };
}

/** An AIG resource whose type (AIG-4) is equipment makes an appointment an examination appointment (检查预约). */
export const EXAM_RESOURCE_TYPE = /equip|device|modality|设备|仪器/i;

function siuRoute(trigger: string, verb: 'Add' | 'Update', cancel: boolean): EventRoute {
  return {
    event: `SIU^${trigger}`,
    rule: `${cancel ? '状态 cancelled（取消预约）；' : ''}有 AIG 且资源类型（AIG-4）为设备（Equipment/Device/Modality/设备/仪器）→ 检查预约，否则门诊预约`,
    services: [`OutPatientAppointStatusInfo${verb}`, `CheckAppointStatusInfo${verb}`],
    choose(s) {
      const exam = s
        .column('AIG-4.1')
        .concat(s.column('AIG-4.2'))
        .some((t) => EXAM_RESOURCE_TYPE.test(t));
      const fromStatus = APPOINTMENT_STATUS[s.get('SCH-25.1').toUpperCase()];
      const state = cancel ? 'cancelled' : (fromStatus ?? 'scheduled');
      return {
        action: `${exam ? 'CheckAppointStatusInfo' : 'OutPatientAppointStatusInfo'}${verb}`,
        facts: { appointmentState: state },
      };
    },
  };
}

export const EVENT_ROUTES: readonly EventRoute[] = [
  adt('A28', '个人信息注册', ['PatientInfoRegister'], () => 'PatientInfoRegister'),
  adt('A31', '个人信息更新', ['PatientInfoUpdate'], () => 'PatientInfoUpdate'),
  adt('A40', '个人信息合并（MRG-1 为被合并的患者）', ['PatientInfoMerge'], () => 'PatientInfoMerge'),
  adt('A04', '门诊挂号', ['OutPatientInfoAdd'], () => 'OutPatientInfoAdd'),
  adt('A01', '入院登记', ['InPatientInfoAdd'], () => 'InPatientInfoAdd'),
  adt('A05', '预入院（就诊状态 new）', ['InPatientInfoAdd'], () => 'InPatientInfoAdd'),
  adt(
    'A08',
    'PV1-2 = O/E/R → 门诊挂号更新，I/P → 住院就诊更新，其他或无 PV1 → 个人信息更新',
    ['OutPatientInfoUpdate', 'InPatientInfoUpdate', 'PatientInfoUpdate'],
    (s) => {
      const kind = visitKind(s);
      return kind === 'out' ? 'OutPatientInfoUpdate' : kind === 'in' ? 'InPatientInfoUpdate' : 'PatientInfoUpdate';
    },
  ),
  adt(
    'A11',
    '取消挂号/入院：PV1-2 = O/E/R → 门诊挂号更新（退号），I/P → 住院就诊更新，就诊状态 cancelled',
    ['OutPatientInfoUpdate', 'InPatientInfoUpdate'],
    (s) => {
      const kind = visitKind(s);
      return kind === 'out' ? 'OutPatientInfoUpdate' : kind === 'in' ? 'InPatientInfoUpdate' : null;
    },
  ),
  adt('A02', '转科（PV1-3 转入，PV1-6 转出）', ['TransferInfoAdd'], () => 'TransferInfoAdd'),
  adt('A03', '出院登记', ['DischargeInfoAdd'], () => 'DischargeInfoAdd'),
  orderRoute('ORM^O01', false),
  orderRoute('OMG^O19', false),
  orderRoute('OML^O21', true),
  {
    event: 'RDE^O11',
    rule: '药品医嘱（每个 ORC + RXE）；ORC-1 同上',
    services: ['OrderInfoAdd', 'OrderInfoUpdate'],
    choose(s) {
      return pharmacy(s);
    },
  },
  {
    event: 'OMP^O09',
    rule: '药品医嘱（每个 ORC + RXO）；ORC-1 同上',
    services: ['OrderInfoAdd', 'OrderInfoUpdate'],
    choose(s) {
      return pharmacy(s);
    },
  },
  siuRoute('S12', 'Add', false),
  siuRoute('S13', 'Update', false),
  siuRoute('S14', 'Update', false),
  siuRoute('S15', 'Update', true),
  {
    event: 'DFT^P03',
    rule: '每个 FT1 一项收费明细 → 计入财务处理明细；全部 FT1-6 交易类型为挂号（REG、GH、挂号、挂号费，可配置）→ 门诊挂号支付',
    services: ['FinancialDetailInfoAdd', 'RegistrationPaymentAdd'],
    choose(s, options) {
      const types = (options.registrationTypes ?? REGISTRATION_TRANSACTION_TYPES).map((t) => t.toUpperCase());
      const kinds = s.column('FT1-6.1');
      const registration = kinds.length > 0 && kinds.every((k) => types.includes(k.toUpperCase()));
      return { action: registration ? 'RegistrationPaymentAdd' : 'FinancialDetailInfoAdd', facts: {} };
    },
  },
];

function pharmacy(s: V2Source): Choice {
  const control = orderControl(s);
  if (!control) {
    return {
      none: `ORC-1（医嘱控制码）为「${s.get('ORC-1') || '空'}」，应为 NW、XO、SC、RP、CA、OC 或 DC`,
      noneEn: `ORC-1 (order control) is "${s.get('ORC-1')}"; expected NW, XO, SC, RP, CA, OC or DC`,
      location: 'ORC-1',
    };
  }
  return { action: `OrderInfo${control.verb}`, facts: { orderStatus: control.status } };
}

const ROUTES = new Map(EVENT_ROUTES.map((r) => [r.event, r]));

export function routeFor(type: string, trigger: string): EventRoute | undefined {
  return ROUTES.get(`${type.toUpperCase()}^${trigger.toUpperCase()}`);
}

/** Every key of `rules`, depth first, with its rule (for docs and the coverage test). */
export function flattenRules(rules: Rules, prefix = ''): { key: string; from: string }[] {
  const out: { key: string; from: string }[] = [];
  for (const [key, r] of Object.entries(rules)) {
    out.push({ key: prefix + key, from: r.from });
    if (r.kind === 'list') out.push(...flattenRules(r.rules, `${prefix}${key}[].`));
  }
  return out;
}

/** A field of a service and the rule that fills it, for docs/services.md. */
export interface MappingRow {
  key: string;
  label: string;
  required: boolean;
  from: string;
}

/** The mapping of one service as rows in its field order (fields without a rule are left out). */
export function mappingRows(action: string, fields: readonly ServiceField[]): MappingRow[] {
  const rules = SERVICE_RULES[action];
  if (!rules) return [];
  const out: MappingRow[] = [];
  const walk = (fs: readonly ServiceField[], rs: Rules, prefix: string) => {
    for (const f of fs) {
      const r = rs[f.key];
      if (!r) continue;
      out.push({ key: prefix + f.key, label: f.label, required: f.required, from: r.from });
      if (r.kind === 'list' && f.fields) walk(f.fields, r.rules, `${prefix}${f.key}[].`);
    }
  };
  walk(fields, rules, '');
  return out;
}

export type { Value };
export { V2FieldProblem };
