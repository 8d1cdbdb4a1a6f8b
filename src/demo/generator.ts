// The demo's traffic generator: the simulated hospital's own records (departments and staff, patients and visits,
// orders and applications with the step each has reached, appointments, payments, blood bags, terminology …), made-up
// but realistic people (Chinese names, 18-digit 身份证号, 门诊号/住院号), the canonical JSON of a catalogue service
// filled from them (the catalogue's own example as the base, so every field a receiver expects is there), the
// workflow steps read from the clinical data repository's state machines, HL7 v2 messages for the LIS/PACS, and the
// hospital's day (busy mornings, quiet nights). Pure functions over a seeded random source, so unit tests can check
// them; workflows.ts decides what happens, wire.ts sends it.
import { bindingOf, cdrEntity } from '../services/cdr/index.js';
import type { ServiceDefinition, ServiceField, ServiceState } from '../services/index.js';
import { getServiceDefinition } from '../services/index.js';

/** A small seeded PRNG (mulberry32): the same seed gives the same hospital. */
export function createRandom(seed = Date.now()): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)]!,
    chance: (p) => next() < p,
  };
}

export interface Random {
  /** [0, 1) */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
}

// prettier-ignore
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '林', '罗', '高'];
// prettier-ignore
const GIVEN = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀英', '桂英', '建华', '志强', '晓明', '海燕', '子涵', '浩然', '欣怡', '雨桐', '宇轩'];

/** The hospital's clinical departments, each with its discipline (GB/T 17538 诊疗科目, the value set of 科室). */
export const DEPARTMENTS = [
  { code: '0101', name: '心血管内科', discipline: 'A03.04', disciplineName: '心血管内科专业' },
  { code: '0102', name: '呼吸内科', discipline: 'A03.01', disciplineName: '呼吸内科专业' },
  { code: '0103', name: '消化内科', discipline: 'A03.02', disciplineName: '消化内科专业' },
  { code: '0104', name: '内分泌科', discipline: 'A03.07', disciplineName: '内分泌专业' },
  { code: '0201', name: '普通外科', discipline: 'A04.01', disciplineName: '普通外科专业' },
  { code: '0202', name: '骨科', discipline: 'A04.03', disciplineName: '骨科专业' },
  { code: '0203', name: '神经外科', discipline: 'A04.02', disciplineName: '神经外科专业' },
  { code: '0301', name: '妇产科', discipline: 'A05', disciplineName: '妇产科' },
  { code: '0401', name: '儿科', discipline: 'A07', disciplineName: '儿科' },
  { code: '0501', name: '眼科', discipline: 'A10', disciplineName: '眼科' },
  { code: '0601', name: '急诊科', discipline: 'A20', disciplineName: '急诊医学科' },
] as const;
/** Departments opened for a while and then closed (registered, later deleted: 机构删除). */
const TEMPORARY_DEPARTMENTS = [
  { name: '发热门诊（临时）', discipline: 'A16.02', disciplineName: '呼吸道传染病专业' },
  { name: '疫苗接种点（临时）', discipline: 'A01', disciplineName: '预防保健科' },
  { name: '义诊点（临时）', discipline: 'A02', disciplineName: '全科医疗科' },
] as const;
/** 专业技术职务 (GB/T 8561) with the matching 号源 rank (正高/副高/中级/师级). */
const DOCTOR_TITLES = [
  { code: '231', name: '主任医师', rank: '1', rankName: '正高' },
  { code: '232', name: '副主任医师', rank: '2', rankName: '副高' },
  { code: '233', name: '主治医师', rank: '3', rankName: '中级' },
  { code: '234', name: '医师', rank: '4', rankName: '师级/助理' },
] as const;
const REGIONS = ['110105', '310104', '440106', '330106', '510107', '420106'];
const DIAGNOSES = [
  { code: 'I10.x00', name: '高血压' },
  { code: 'E11.900', name: '2型糖尿病' },
  { code: 'J18.900', name: '肺炎' },
  { code: 'K29.700', name: '胃炎' },
  { code: 'S82.200', name: '胫骨骨折' },
  { code: 'I25.103', name: '冠状动脉粥样硬化性心脏病' },
];
export const LAB_TESTS = [
  { code: 'WBC', name: '白细胞计数', unit: '10*9/L', low: 3.5, high: 9.5 },
  { code: 'HGB', name: '血红蛋白', unit: 'g/L', low: 115, high: 150 },
  { code: 'GLU', name: '葡萄糖', unit: 'mmol/L', low: 3.9, high: 6.1 },
  { code: 'ALT', name: '丙氨酸氨基转移酶', unit: 'U/L', low: 7, high: 40 },
  { code: 'CREA', name: '肌酐', unit: 'umol/L', low: 41, high: 111 },
];
/** Examinations with their modality: the prefix of the 检查状态 codes' names (放射检查登记 …). */
export const EXAMS = [
  { name: '胸部CT平扫', modality: '放射' },
  { name: '头颅MRI', modality: '放射' },
  { name: '胸部正位DR', modality: '放射' },
  { name: '腰椎MRI', modality: '放射' },
  { name: '腹部彩超', modality: '超声' },
  { name: '心脏彩超', modality: '超声' },
  { name: '常规心电图', modality: '心电' },
  { name: '电子胃镜', modality: '内镜' },
] as const;
export type Exam = (typeof EXAMS)[number];
/** Drugs, with 用药途径 and 药物剂型 as their value sets write them (the 剂型 names are the standard's, commas and all). */
const TABLET = { form: '01', formName: '片剂(素片、压制片),浸膏片,非包衣片' };
export const DRUGS = [
  { code: 'X01', name: '阿莫西林片', route: '1', routeName: '口服', ...TABLET },
  {
    code: 'X02',
    name: '硝苯地平缓释片',
    route: '1',
    routeName: '口服',
    form: '05',
    formName: '调释片,缓释片,控释片,长效片,多层片,',
  },
  {
    code: 'X03',
    name: '0.9%氯化钠注射液',
    route: '404',
    routeName: '静脉注射或静脉滴注',
    form: '00',
    formName: '原料',
  },
  { code: 'X04', name: '盐酸二甲双胍片', route: '1', routeName: '口服', ...TABLET },
];
export const BLOOD_PRODUCTS = [
  { code: 'XP01', name: '悬浮红细胞' },
  { code: 'XP02', name: '新鲜冰冻血浆' },
  { code: 'XP03', name: '单采血小板' },
];
export const OPERATIONS = ['腹腔镜胆囊切除术', '膝关节置换术', '阑尾切除术', '甲状腺部分切除术', '剖宫产术'];
export const PHYSICAL_EXAM_PACKAGES = [
  { code: 'TC01', name: '入职体检套餐' },
  { code: 'TC02', name: '中老年体检套餐' },
  { code: 'TC03', name: '女性体检套餐' },
];
/** Value sets the 主数据 system keeps (WS 364 卫生信息数据元值域代码 names). */
export const VALUE_SETS = [
  {
    id: 'CV02.01.101',
    name: '身份证件类别代码表',
    items: [
      ['01', '居民身份证'],
      ['03', '护照'],
    ],
  },
  {
    id: 'CV07.10.005',
    name: '医嘱类别代码表',
    items: [
      ['01', '药品类医嘱'],
      ['05', '处置类医嘱'],
    ],
  },
  {
    id: 'CV04.50.005',
    name: 'ABO血型代码表',
    items: [
      ['1', 'A型'],
      ['2', 'B型'],
      ['3', 'O型'],
      ['4', 'AB型'],
    ],
  },
  {
    id: 'CV05.01.038',
    name: '诊断类别代码表',
    items: [
      ['1', '门诊诊断'],
      ['2', '入院诊断'],
    ],
  },
  {
    id: 'CV06.00.102',
    name: '用药途径代码表',
    items: [
      ['1', '口服'],
      ['4', '注射用药'],
    ],
  },
] as const;

// ---------------------------------------------------------------------------------------------------------------------
// The hospital's records

/** Something the hospital keeps; `busy` while a message about it is on its way (one message per record at a time). */
export interface Held {
  key: string;
  busy?: boolean;
}

/**
 * Records of one kind. A record is taken (marked busy) while a message about it is in flight and released after,
 * so two concurrent messages never race on one record (a step skipped, an update before its add was taken).
 */
export class Pool<T extends Held> {
  private items: T[] = [];

  constructor(
    private readonly random: Random,
    private readonly max = 400,
  ) {}

  get size(): number {
    return this.items.length;
  }

  list(): readonly T[] {
    return this.items;
  }

  /** Keeps `item`; the oldest idle record goes when the pool is full (a long demo must not grow without bound). */
  add(item: T): T {
    this.items.push(item);
    if (this.items.length > this.max) {
      const i = this.items.findIndex((t) => !t.busy);
      if (i >= 0) this.items.splice(i, 1);
    }
    return item;
  }

  remove(item: T): void {
    const i = this.items.indexOf(item);
    if (i >= 0) this.items.splice(i, 1);
  }

  /** An idle record matching `pred`, at random, marked busy — or undefined. */
  take(pred: (t: T) => boolean = () => true): T | undefined {
    const idle = this.items.filter((t) => !t.busy && pred(t));
    if (idle.length === 0) return undefined;
    const item = this.random.pick(idle);
    item.busy = true;
    return item;
  }

  release(item: T): void {
    item.busy = false;
  }

  /** Any record matching `pred` (busy or not), at random, without taking it: what a query may ask about. */
  any(pred: (t: T) => boolean = () => true): T | undefined {
    const all = this.items.filter(pred);
    return all.length === 0 ? undefined : this.random.pick(all);
  }
}

export interface Department extends Held {
  code: string;
  name: string;
  discipline: string;
  disciplineName: string;
  registered: boolean;
  temporary: boolean;
}

export interface Staff extends Held {
  staffNo: string;
  name: string;
  gender: '1' | '2';
  birthDate: string;
  idCardNo: string;
  dept: Department;
  title: (typeof DOCTOR_TITLES)[number];
  registered: boolean;
  temporary: boolean;
}

export interface Patient extends Held {
  patientId: string;
  name: string;
  gender: '1' | '2';
  birthDate: string; // yyyyMMdd
  idCardNo: string;
  phone: string;
  cardNo: string;
  registered: boolean;
  /** A 就诊卡 was issued (就诊卡信息新增). */
  cardIssued: boolean;
  /** The patient a duplicate registration really is (合并 merges it into that one). */
  duplicateOf?: Patient;
}

export type VisitKind = 'outpatient' | 'inpatient' | 'checkup';

export interface Visit extends Held {
  patient: Patient;
  visitNo: string;
  kind: VisitKind;
  inpatient: boolean;
  dept: { code: string; name: string };
  doctor: { staffNo: string; name: string };
  diagnosis: { code: string; name: string };
  discharged: boolean;
}

export interface Order extends Held {
  orderId: string;
  visit: Visit;
  kind: 'drug' | 'treatment';
  item: string;
  prescriptionNo: string;
  stopped: boolean;
}

export type ApplicationKind = 'lab' | 'check' | 'pathology' | 'blood' | 'operation' | 'consultation';

export interface Application extends Held {
  applicationNo: string;
  kind: ApplicationKind;
  visit: Visit;
  /** The system that placed it (HIS, or 体检 for its own patients): 医嘱执行状态 goes back to it. */
  placer: string;
  orderId: string;
  /** The repository's state of the record, as far as the hospital knows (null: none yet). */
  state: string | null;
  /** How far along its workflow it is (index into its steps). */
  step: number;
  exam?: Exam;
  /** 输血: the bag cross-matched for it, and the bags issued (出库). */
  matchedBag?: string;
  issued: string[];
  scheduled: boolean;
  /** 检验: the report (ORU^R01) was sent, with these values. */
  results?: ReturnType<typeof labValues>;
  /** Finished or ended (报告, 退费, 取消): no more steps. */
  closed: boolean;
}

/** Any other record: appointments, payments, charges, critical values, blood bags, documents, terminology … */
export interface Rec extends Held {
  state: string | null;
  visit?: Visit;
  patient?: Patient;
  application?: Application;
  values: Record<string, string>;
}

export type RecordKind =
  | 'card'
  | 'schedule'
  | 'transfer'
  | 'discharge'
  | 'document'
  | 'diagnosis'
  | 'treatment'
  | 'crossMatch'
  | 'operationSchedule'
  | 'bloodBag'
  | 'bloodIssue'
  | 'drugIn'
  | 'drugOut'
  | 'valueSet'
  | 'structure'
  | 'scheme'
  | 'mapping'
  | 'charge'
  | 'criticalValue'
  | 'consultation'
  | 'outpatientAppointment'
  | 'checkAppointment'
  | 'physicalExamAppointment'
  | 'registrationPayment'
  | 'outpatientPayment'
  | 'inpatientPayment'
  | 'cardRecharge'
  | 'prepayment';

/** The hospital the demo pretends to be: everything it created, so later messages refer to real records. */
export class Hospital {
  private serial = 0;
  /** Seconds of the day the run started: numbers stay unique when the demo restarts on the same data. */
  private readonly run = String(Math.floor(Date.now() / 1000) % 100000).padStart(5, '0');
  readonly departments: Pool<Department>;
  readonly staff: Pool<Staff>;
  readonly patients: Pool<Patient>;
  readonly visits: Pool<Visit>;
  readonly orders: Pool<Order>;
  readonly applications: Record<ApplicationKind, Pool<Application>>;
  private readonly records = new Map<RecordKind, Pool<Rec>>();
  /** Running counts the workflows keep (how many reports went back to each placer …). */
  readonly tally = new Map<string, number>();

  constructor(readonly random: Random) {
    this.departments = new Pool(random, 100);
    this.staff = new Pool(random, 200);
    this.patients = new Pool(random, 600);
    this.visits = new Pool(random, 500);
    this.orders = new Pool(random, 400);
    this.applications = {
      lab: new Pool(random),
      check: new Pool(random),
      pathology: new Pool(random),
      blood: new Pool(random),
      operation: new Pool(random),
      consultation: new Pool(random),
    };
    for (const d of DEPARTMENTS) this.departments.add({ key: d.code, ...d, registered: false, temporary: false });
    // Two doctors per department: the roster the master data registers and visits are seen by.
    for (const dept of this.departments.list()) {
      for (let i = 0; i < 2; i++) this.staff.add(this.newStaff(dept, false));
    }
  }

  /** Adds one to a running count and returns the count before. */
  count(key: string): number {
    const n = this.tally.get(key) ?? 0;
    this.tally.set(key, n + 1);
    return n;
  }

  /** The records of one kind. */
  pool(kind: RecordKind): Pool<Rec> {
    let p = this.records.get(kind);
    if (!p) {
      p = new Pool(this.random);
      this.records.set(kind, p);
    }
    return p;
  }

  private name(): string {
    return this.random.pick(SURNAMES) + this.random.pick(GIVEN);
  }

  /** A new number with a prefix: YZ (医嘱), JY (检验), JC (检查) … unique within the demo's run. */
  number(prefix: string): string {
    this.serial++;
    return `${prefix}${todayStamp()}${this.run}${String(this.serial % 100000).padStart(5, '0')}`;
  }

  private person(fromYear = 1940, toYear = 2020): { gender: '1' | '2'; birthDate: string; idCardNo: string } {
    const r = this.random;
    const year = r.int(fromYear, toYear);
    const birthDate = `${year}${String(r.int(1, 12)).padStart(2, '0')}${String(r.int(1, 28)).padStart(2, '0')}`;
    const gender = r.chance(0.5) ? '1' : '2';
    const seq = String(r.int(0, 99) * 10 + (gender === '1' ? 1 : 2)).padStart(3, '0');
    const body = `${r.pick(REGIONS)}${birthDate}${seq}`;
    return { gender, birthDate, idCardNo: body + idCardCheckDigit(body) };
  }

  newStaff(dept: Department, temporary: boolean): Staff {
    const p = this.person(1960, 1995);
    const staffNo = `D${this.number('').slice(-5)}`;
    return {
      key: staffNo,
      staffNo,
      name: this.name(),
      gender: p.gender,
      birthDate: p.birthDate,
      idCardNo: p.idCardNo,
      dept,
      title: this.random.pick(DOCTOR_TITLES),
      registered: false,
      temporary,
    };
  }

  newTemporaryDepartment(): Department {
    const t = this.random.pick(TEMPORARY_DEPARTMENTS);
    const code = `09${String(this.random.int(0, 99)).padStart(2, '0')}`;
    return { key: code, code, ...t, registered: false, temporary: true };
  }

  newPatient(): Patient {
    const r = this.random;
    const p = this.person();
    this.serial++;
    const patientId = `P${String(Date.now() % 1e7).padStart(7, '0')}${String(this.serial % 1000).padStart(3, '0')}`;
    return {
      key: patientId,
      patientId,
      name: this.name(),
      ...p,
      phone: `1${r.pick(['38', '39', '58', '86', '77'])}${String(r.int(0, 99999999)).padStart(8, '0')}`,
      cardNo: String(r.int(10000000, 99999999)),
      registered: false,
      cardIssued: false,
    };
  }

  /** A second registration of a person the hospital already knows (a new 患者ID, same 身份证号): to be merged. */
  duplicateOf(patient: Patient): Patient {
    const dup = this.newPatient();
    const { name, gender, birthDate, idCardNo } = patient;
    return { ...dup, name, gender, birthDate, idCardNo, duplicateOf: patient };
  }

  /** A new visit (门诊, 住院 or 体检) of a patient, seen by a doctor of the hospital's roster. */
  newVisit(patient: Patient, kind: VisitKind): Visit {
    const doctor = this.random.pick(this.staff.list().filter((s) => !s.temporary));
    const prefix = kind === 'inpatient' ? 'ZY' : kind === 'checkup' ? 'TJ' : 'MZ';
    const visitNo = this.number(prefix);
    return {
      key: visitNo,
      patient,
      visitNo,
      kind,
      inpatient: kind === 'inpatient',
      dept: { code: doctor.dept.code, name: doctor.dept.name },
      doctor: { staffNo: doctor.staffNo, name: doctor.name },
      diagnosis: this.random.pick(DIAGNOSES),
      discharged: false,
    };
  }

  /** A record of `kind` with the given key and values (not yet kept: call `pool(kind).add` once it was accepted). */
  record(key: string, values: Record<string, string> = {}, links: Partial<Rec> = {}): Rec {
    return { key, state: null, values, ...links };
  }
}

/** GB 11643 check digit of an 18-digit 公民身份号码. */
export function idCardCheckDigit(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, c, i) => s + Number(c) * weights[i]!, 0);
  return '10X98765432'[sum % 11]!;
}

function todayStamp(): string {
  return v3Time().slice(2, 8);
}

/** The hospital's wall clock: China Standard Time (UTC+8, no daylight saving), whatever the server's time zone. */
export function beijing(date = new Date()): Date {
  return new Date(date.getTime() + 8 * 3600_000);
}

/** yyyyMMddHHmmss in Beijing time, as V3 and HL7 v2 timestamps are written by Chinese hospital systems. */
export function v3Time(date = new Date()): string {
  const d = beijing(date);
  const p = (n: number) => String(n).padStart(2, '0');
  return (
    `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}` +
    `${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`
  );
}

// ---------------------------------------------------------------------------------------------------------------------
// Service JSON

/** What a message says beyond its subject: top-level fields, the items of its lists, example fields it leaves out. */
export interface Fill {
  /** Top-level fields by key (must be fields of the service). */
  set?: Record<string, unknown>;
  /** List fields by key: each item is the example's first item with these values over it. */
  lists?: Record<string, Array<Record<string, unknown>>>;
  /** Optional top-level fields of the example that do not apply (a card recharge has no 就诊号). */
  omit?: string[];
}

/**
 * The canonical JSON of `def` about `subject` (a visit, or a patient outside any visit): the catalogue's example
 * (every field a receiver expects, with plausible codes) with the identifying and personal fields replaced by the
 * subject's — found by the service's index fields and by field labels (姓名, 性别, 身份证, 科室, 医生, 诊断, 就诊类别,
 * dates and times) — then `fill` over it. Throws on a key the service does not have: the demo never sends a field
 * Hutong would refuse.
 */
export function serviceJson(
  def: ServiceDefinition,
  subject: Visit | Patient | undefined,
  fill: Fill = {},
): Record<string, unknown> {
  const json = structuredClone(def.examples.json);
  const now = v3Time();
  const visit = subject && 'visitNo' in subject ? subject : undefined;
  const patient = visit ? visit.patient : (subject as Patient | undefined);
  for (const [key, items] of Object.entries(fill.lists ?? {})) {
    const field = def.fields.find((f) => f.key === key);
    if (!field || field.type !== 'array') throw new Error(`${def.action} has no list ${key}`);
    const example = json[key];
    const template = Array.isArray(example) && example[0] && typeof example[0] === 'object' ? example[0] : {};
    json[key] = items.map((item) => {
      for (const k of Object.keys(item)) {
        if (!field.fields?.some((f) => f.key === k)) throw new Error(`${def.action}.${key} has no field ${k}`);
      }
      return { ...structuredClone(template as Record<string, unknown>), ...item };
    });
  }
  for (const key of fill.omit ?? []) {
    const field = def.fields.find((f) => f.key === key);
    if (!field || field.required) throw new Error(`${def.action}.${key} is not an optional field`);
    delete json[key];
  }
  const byIndex: Record<string, string | undefined> = {
    patientId: patient?.patientId,
    patientName: patient?.name,
    visitNo: visit?.visitNo,
  };
  const indexKeys = new Map<string, string>();
  for (const [index, key] of Object.entries(def.indexFields)) {
    const value = byIndex[index];
    if (key && value) indexKeys.set(key, value);
  }
  const fillFields = (target: Record<string, unknown>, fields: readonly ServiceField[]) => {
    for (const f of fields) {
      if (f.type === 'array' || f.type === 'object') {
        const inner = target[f.key];
        const items = Array.isArray(inner) ? inner : inner && typeof inner === 'object' ? [inner] : [];
        for (const item of items) {
          if (item && typeof item === 'object') fillFields(item as Record<string, unknown>, f.fields ?? []);
        }
        continue;
      }
      if (!(f.key in target)) continue;
      const value = indexKeys.get(f.key) ?? valueByLabel(f, patient, visit, now);
      if (value !== undefined) target[f.key] = value;
    }
  };
  fillFields(json, def.fields);
  for (const [key, value] of Object.entries(fill.set ?? {})) {
    if (!def.fields.some((f) => f.key === key)) throw new Error(`${def.action} has no field ${key}`);
    json[key] = value;
  }
  // Values given for list items win over the labels (a list's own department, doctor, time).
  for (const [key, items] of Object.entries(fill.lists ?? {})) {
    const list = json[key] as Array<Record<string, unknown>>;
    items.forEach((item, i) => Object.assign(list[i]!, item));
  }
  return json;
}

function timeValue(f: ServiceField, now: string): string | undefined {
  if (f.type === 'datetime') return now;
  if (f.type === 'date' && !/出生/.test(f.label)) return now.slice(0, 8);
  return undefined;
}

/** The option of a coded field whose display (or, for a list of names, whose code) is one of `displays`. */
function option(f: ServiceField, ...displays: string[]): string | undefined {
  for (const d of displays) {
    const o = f.options?.find((x) => x.display === d || (!x.display && x.code === d));
    if (o) return o.code;
  }
  return undefined;
}

/** 性别代码 / 性别名称 fields for a gender ('1' 男, '2' 女), whatever the field's value set calls them. */
export function genderValue(f: ServiceField, gender: '1' | '2'): string | undefined {
  return gender === '1' ? option(f, '男性', '男') : option(f, '女性', '女');
}

function valueByLabel(
  f: ServiceField,
  p: Patient | undefined,
  visit: Visit | undefined,
  now: string,
): string | undefined {
  const label = f.label;
  if (p && /出生(日期|时间)/.test(label)) return f.type === 'datetime' ? `${p.birthDate}000000` : p.birthDate;
  const time = timeValue(f, now);
  if (time !== undefined) return time;
  if (!p) return undefined;
  if (/性别/.test(label) && f.options) return genderValue(f, p.gender);
  if (visit && /就诊(事件)?类别/.test(label) && f.options) {
    return option(f, visit.kind === 'inpatient' ? '住院' : visit.kind === 'checkup' ? '其他' : '门诊');
  }
  if (f.options) return undefined;
  if (/身份证/.test(label) && f.type === 'string') return p.idCardNo;
  if (/患者姓名|病人姓名|^姓名$/.test(label)) return p.name;
  if (/联系电话/.test(label)) return p.phone;
  if (/就诊卡号/.test(label)) return p.cardNo;
  if (!visit) return undefined;
  if (/^(病人)?科室名称$|执行科室名称|开单科室名称|申请科室名称/.test(label)) return visit.dept.name;
  if (/^科室编码$|^(执行|申请)?科室(编码|代码)(项目)?$/.test(label)) return visit.dept.code;
  if (/医生姓名|开单医生|申请医生|责任医师姓名/.test(label)) return visit.doctor.name;
  if (/疾病代码|诊断代码/.test(label) && f.type !== 'number') return visit.diagnosis.code;
  if (/诊断名称|疾病名称/.test(label)) return visit.diagnosis.name;
  if (/门\(急\)诊号/.test(label) && !visit.inpatient) return visit.visitNo;
  if (/住院号/.test(label) && visit.inpatient) return visit.visitNo;
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------------
// Workflows read from the clinical data repository (its bindings and state machines)

/** One step of a status workflow: the code and name a message carries, and the repository state it moves to. */
export interface StatusStep {
  code: string;
  name: string;
  /** The state the step moves the record to; null for a step recorded without changing it (检查预约). */
  state: string | null;
}

function fieldOf(def: ServiceDefinition, path: string): ServiceField | undefined {
  let fields: readonly ServiceField[] | undefined = def.fields;
  let found: ServiceField | undefined;
  for (const key of path.split('.')) {
    found = fields?.find((f) => f.key === key);
    fields = found?.fields;
  }
  return found;
}

/** The states of the repository entity a service writes, in the catalogue's order. */
export function statesOf(action: string): ServiceState[] {
  const binding = bindingOf(action);
  return (binding && cdrEntity(binding.entity)?.states) || [];
}

/**
 * 检查状态 for one modality (放射, 超声, 心电, 内镜), from the CDR: its 预约 step (a neutral step the repository records
 * without moving the state), then for each state of the examination, in order, the standard's SC codes of that
 * modality that name it (SC17 放射检查登记 = registered, SC19 放射检查采集图像 = imagesArrived …; several codes of the
 * last state — 审核, 复审, 打印报告 — follow each other, staying in it).
 */
export function checkStatusSteps(modality: string): StatusStep[] {
  const def = getServiceDefinition('CheckStatusInfoUpdate')!;
  const options = fieldOf(def, 'component2List.processStepCode')?.options ?? [];
  const neutral = new Set(bindingOf(def.action)?.neutralSteps ?? []);
  const display = (code: string) => options.find((o) => o.code === code)?.display ?? '';
  const steps: StatusStep[] = [];
  const booking = options.find(
    (o) => neutral.has(o.code) && o.display?.startsWith(modality) && o.display.endsWith('预约'),
  );
  if (booking) steps.push({ code: booking.code, name: booking.display!, state: null });
  for (const state of statesOf(def.action)) {
    const codes = (state.aliases ?? []).filter((a) => display(a).startsWith(modality)).sort();
    for (const code of codes) steps.push({ code, name: display(code), state: state.code });
  }
  return steps;
}

/** 手术状态 in the order the repository's machine allows (入手术室 → 麻醉开始 → … → 出恢复室). */
export function operationStatusSteps(): StatusStep[] {
  const states = statesOf('OperationStatusInfoUpdate');
  const reachable = new Set(states.flatMap((s) => s.next));
  const steps: StatusStep[] = [];
  let current = states.find((s) => !reachable.has(s.code));
  while (current && !steps.some((s) => s.state === current!.code)) {
    steps.push({ code: current.code, name: current.name, state: current.code });
    const next = current.next[0];
    current = next ? states.find((s) => s.code === next) : undefined;
  }
  return steps;
}

/**
 * The state a record moves to next under `states` (the repository's machine): from none, an initial state; else
 * mostly the first of its successors (the usual path), sometimes another (拒绝, 取消). Undefined when it is final.
 */
export function nextState(states: readonly ServiceState[], current: string | null, random: Random): string | undefined {
  if (current === null) {
    const reachable = new Set(states.flatMap((s) => s.next));
    return states.find((s) => !reachable.has(s.code))?.code;
  }
  const next = states.find((s) => s.code === current)?.next ?? [];
  if (next.length === 0) return undefined;
  return next.length === 1 || random.chance(0.8) ? next[0] : random.pick(next.slice(1));
}

/** Is `state` one the record may be refunded in: none yet, or an initial state (检查退费: not yet started). */
export function notStarted(states: readonly ServiceState[], state: string | null): boolean {
  if (state === null) return true;
  const reachable = new Set(states.flatMap((s) => s.next));
  return !reachable.has(state);
}

/** 检验 (LIS) 标本 steps, as ExamStatusInfoUpdate's 操作代码 names them; the report comes between 检测 and 已出报告. */
export const LAB_STEPS = [
  { code: 'SE01', name: '条码打印' },
  { code: 'SE02', name: '标本采集' },
  { code: 'SE04', name: '标本送检' },
  { code: 'SE06', name: '标本接收' },
  { code: 'SE08', name: '标本检测' },
  { code: 'SE09', name: '已出报告' },
] as const;

/** How busy the hospital is at an hour of Beijing time, 0–1: the morning clinic peak, a lunch dip, a quieter afternoon, nights. */
export const HOURLY_LOAD = [
  0.15, 0.1, 0.1, 0.1, 0.1, 0.15, 0.3, 0.6, 0.95, 1, 1, 0.85, 0.5, 0.6, 0.8, 0.8, 0.7, 0.55, 0.4, 0.35, 0.3, 0.25, 0.2,
  0.15,
] as const;

// ---------------------------------------------------------------------------------------------------------------------
// HL7 v2

const v2 = (text: string) => text.replace(/[|^~\\&]/g, ' ');

function msh(sender: string, type: string, controlId: string): string {
  return `MSH|^~\\&|${sender}|${sender}|HUTONG|HOSPITAL|${v3Time()}||${type}|${controlId}|P|2.4|||AL|NE||UNICODE UTF-8`;
}

function pid(visit: Visit): string {
  const p = visit.patient;
  return `PID|1||${p.patientId}^^^HIS^PI~${p.idCardNo}^^^^ID||${v2(p.name)}||${p.birthDate}|${p.gender === '1' ? 'M' : 'F'}|||||${p.phone}`;
}

function pv1(visit: Visit): string {
  return `PV1|1|${visit.inpatient ? 'I' : 'O'}|${visit.dept.code}^^^${v2(visit.dept.name)}||||${visit.doctor.staffNo}^${v2(visit.doctor.name)}||||||||||||${visit.visitNo}`;
}

/** Lab values for a report: each test's value, unit, range and flag (L/N/H against the range). */
export function labValues(
  random: Random,
): Array<(typeof LAB_TESTS)[number] & { value: number; flag: 'L' | 'N' | 'H' }> {
  const tests = LAB_TESTS.filter(() => random.chance(0.6));
  if (tests.length === 0) tests.push(LAB_TESTS[0]!);
  return tests.map((t) => {
    const value = +(t.low * 0.7 + random.next() * (t.high - t.low) * 1.5).toFixed(1);
    return { ...t, value, flag: value < t.low ? 'L' : value > t.high ? 'H' : 'N' };
  });
}

/** ORU^R01 检验结果 as a LIS sends it: one OBR per report, one OBX per test, abnormal flags against the range. */
export function labResultOru(
  visit: Visit,
  applicationNo: string,
  controlId: string,
  values: ReturnType<typeof labValues>,
): string {
  const obx = values.map(
    (t, i) =>
      `OBX|${i + 1}|NM|${t.code}^${v2(t.name)}||${t.value}|${t.unit}|${t.low}-${t.high}|${t.flag}|||F|||${v3Time()}`,
  );
  return [
    msh('LIS', 'ORU^R01^ORU_R01', controlId),
    pid(visit),
    pv1(visit),
    `ORC|RE|${applicationNo}|${controlId}||CM`,
    `OBR|1|${applicationNo}|${controlId}|LAB^检验报告|||${v3Time()}|||||||||${visit.doctor.staffNo}^${v2(visit.doctor.name)}||||||${v3Time()}|||F`,
    ...obx,
  ].join('\r');
}

/** ORM^O01 检查状态 as a PACS sends it: ORC-5 the order status (SC scheduled, IP in progress, CM completed). */
export function examStatusOrm(
  visit: Visit,
  applicationNo: string,
  exam: string,
  status: string,
  controlId: string,
): string {
  return [
    msh('PACS', 'ORM^O01^ORM_O01', controlId),
    pid(visit),
    pv1(visit),
    `ORC|SC|${applicationNo}|${controlId}||${status}||||${v3Time()}`,
    `OBR|1|${applicationNo}|${controlId}|${v2(exam)}^${v2(exam)}|||${v3Time()}`,
  ].join('\r');
}
