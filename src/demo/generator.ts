// The demo's traffic generator: made-up but realistic patients, visits, departments and staff (Chinese names, 18-digit
// 身份证号, 门诊号/住院号), the canonical JSON of a catalogue service filled from them (the catalogue's own example
// as the base, so every field a receiver expects is there), HL7 v2 messages for the LIS/PACS, and the hospital's day
// (busy mornings, quiet nights). Pure functions over a seeded random source, so a unit test can check them.
import type { ServiceDefinition, ServiceField } from '../services/index.js';

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

const SURNAMES = [
  '王',
  '李',
  '张',
  '刘',
  '陈',
  '杨',
  '黄',
  '赵',
  '吴',
  '周',
  '徐',
  '孙',
  '马',
  '朱',
  '胡',
  '郭',
  '何',
  '林',
  '罗',
  '高',
];
const GIVEN = [
  '伟',
  '芳',
  '娜',
  '敏',
  '静',
  '丽',
  '强',
  '磊',
  '军',
  '洋',
  '勇',
  '艳',
  '杰',
  '娟',
  '涛',
  '明',
  '超',
  '秀英',
  '桂英',
  '建华',
  '志强',
  '晓明',
  '海燕',
  '子涵',
  '浩然',
  '欣怡',
  '雨桐',
  '宇轩',
];
export const DEPARTMENTS = [
  { code: '0101', name: '心血管内科' },
  { code: '0102', name: '呼吸内科' },
  { code: '0103', name: '消化内科' },
  { code: '0104', name: '内分泌科' },
  { code: '0201', name: '普通外科' },
  { code: '0202', name: '骨科' },
  { code: '0203', name: '神经外科' },
  { code: '0301', name: '妇产科' },
  { code: '0401', name: '儿科' },
  { code: '0501', name: '眼科' },
  { code: '0601', name: '急诊科' },
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
export const EXAMS = ['胸部CT平扫', '头颅MRI', '腹部彩超', '心脏彩超', '胸部正位DR', '腰椎MRI'];

export interface Patient {
  patientId: string;
  name: string;
  gender: '1' | '2';
  birthDate: string; // yyyyMMdd
  idCardNo: string;
  phone: string;
  cardNo: string;
}

export interface Visit {
  patient: Patient;
  visitNo: string;
  inpatient: boolean;
  dept: { code: string; name: string };
  doctor: { staffNo: string; name: string };
  diagnosis: { code: string; name: string };
}

/** The hospital the demo pretends to be: a pool of recent visits so orders, results and payments share patients. */
export class Hospital {
  private serial = 0;
  private readonly visits: Visit[] = [];

  constructor(readonly random: Random) {}

  private name(): string {
    return this.random.pick(SURNAMES) + this.random.pick(GIVEN);
  }

  newPatient(): Patient {
    const r = this.random;
    const year = r.int(1940, 2020);
    const birthDate = `${year}${String(r.int(1, 12)).padStart(2, '0')}${String(r.int(1, 28)).padStart(2, '0')}`;
    const gender = r.chance(0.5) ? '1' : '2';
    const seq = String(r.int(0, 99) * 10 + (gender === '1' ? 1 : 2)).padStart(3, '0');
    const body = `${r.pick(REGIONS)}${birthDate}${seq}`;
    this.serial++;
    return {
      patientId: `P${String(Date.now() % 1e7).padStart(7, '0')}${String(this.serial % 1000).padStart(3, '0')}`,
      name: this.name(),
      gender,
      birthDate,
      idCardNo: body + idCardCheckDigit(body),
      phone: `1${r.pick(['38', '39', '58', '86', '77'])}${String(r.int(0, 99999999)).padStart(8, '0')}`,
      cardNo: String(r.int(10000000, 99999999)),
    };
  }

  /** A new visit (门诊 or 住院) of a new or a returning patient; kept in the pool. */
  newVisit(inpatient = this.random.chance(0.3)): Visit {
    const returning = this.visits.length > 20 && this.random.chance(0.3);
    const patient = returning ? this.random.pick(this.visits).patient : this.newPatient();
    this.serial++;
    const visit: Visit = {
      patient,
      visitNo: `${inpatient ? 'ZY' : 'MZ'}${todayStamp()}${String(this.serial % 100000).padStart(5, '0')}`,
      inpatient,
      dept: this.random.pick(DEPARTMENTS),
      doctor: { staffNo: `D${this.random.int(1000, 1999)}`, name: this.name() },
      diagnosis: this.random.pick(DIAGNOSES),
    };
    this.visits.push(visit);
    if (this.visits.length > 500) this.visits.shift();
    return visit;
  }

  /** A visit already known (orders, results, payments refer to it); a new one when the pool is empty. */
  anyVisit(inpatient?: boolean): Visit {
    const pool = inpatient === undefined ? this.visits : this.visits.filter((v) => v.inpatient === inpatient);
    return pool.length ? this.random.pick(pool) : this.newVisit(inpatient);
  }

  number(prefix: string): string {
    this.serial++;
    return `${prefix}${todayStamp()}${String(this.serial % 1000000).padStart(6, '0')}`;
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

export interface Extra {
  orderNo?: string;
  applicationNo?: string;
}

/**
 * The canonical JSON of `def` for this visit: the catalogue's example (every field a receiver expects, with
 * plausible codes) with the identifying and personal fields replaced by the visit's, found by the service's index
 * fields and by field labels (姓名, 性别, 身份证, 科室, 医生, 诊断, times).
 */
export function serviceJson(def: ServiceDefinition, visit: Visit, extra: Extra = {}): Record<string, unknown> {
  const json = structuredClone(def.examples.json);
  const now = v3Time();
  const byIndex: Record<string, string | undefined> = {
    patientId: visit.patient.patientId,
    patientName: visit.patient.name,
    visitNo: visit.visitNo,
    orderNo: extra.orderNo,
    applicationNo: extra.applicationNo,
  };
  const indexKeys = new Map<string, string>();
  for (const [index, key] of Object.entries(def.indexFields)) {
    const value = byIndex[index];
    if (key && value) indexKeys.set(key, value);
  }
  const fill = (target: Record<string, unknown>, fields: readonly ServiceField[]) => {
    for (const f of fields) {
      if (f.type === 'array' || f.type === 'object') {
        const inner = target[f.key];
        const items = Array.isArray(inner) ? inner : inner && typeof inner === 'object' ? [inner] : [];
        for (const item of items)
          if (item && typeof item === 'object') fill(item as Record<string, unknown>, f.fields ?? []);
        continue;
      }
      const value = indexKeys.get(f.key) ?? valueByLabel(f, visit, now);
      if (value !== undefined) target[f.key] = value;
    }
  };
  fill(json, def.fields);
  return json;
}

function valueByLabel(f: ServiceField, visit: Visit, now: string): string | undefined {
  const label = f.label;
  const p = visit.patient;
  if (f.type === 'datetime') return now;
  if (/身份证/.test(label) && f.type === 'string') return p.idCardNo;
  if (/患者姓名|病人姓名/.test(label)) return p.name;
  if (/性别代码/.test(label)) return p.gender;
  if (/性别名称/.test(label)) return p.gender === '1' ? '男' : '女';
  if (/出生日期/.test(label)) return p.birthDate;
  if (/联系电话/.test(label)) return p.phone;
  if (/就诊卡号/.test(label)) return p.cardNo;
  if (/^(病人)?科室名称$|执行科室名称|开单科室名称/.test(label)) return visit.dept.name;
  if (/^科室编码$/.test(label)) return visit.dept.code;
  if (/医生姓名|开单医生|申请医生/.test(label)) return visit.doctor.name;
  if (/疾病代码|诊断代码/.test(label) && f.type !== 'number') return visit.diagnosis.code;
  if (/诊断名称|疾病名称/.test(label)) return visit.diagnosis.name;
  if (/门\(急\)诊号/.test(label) && !visit.inpatient) return visit.visitNo;
  if (/住院号/.test(label) && visit.inpatient) return visit.visitNo;
  return undefined;
}

/** How busy the hospital is at an hour of Beijing time, 0–1: the morning clinic peak, a lunch dip, a quieter afternoon, nights. */
export const HOURLY_LOAD = [
  0.15, 0.1, 0.1, 0.1, 0.1, 0.15, 0.3, 0.6, 0.95, 1, 1, 0.85, 0.5, 0.6, 0.8, 0.8, 0.7, 0.55, 0.4, 0.35, 0.3, 0.25, 0.2,
  0.15,
] as const;

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

/** ORU^R01 检验结果 as a LIS sends it: one OBR per report, one OBX per test, abnormal flags against the range. */
export function labResultOru(random: Random, visit: Visit, applicationNo: string, controlId: string): string {
  const tests = LAB_TESTS.filter(() => random.chance(0.6));
  if (tests.length === 0) tests.push(LAB_TESTS[0]!);
  const obx = tests.map((t, i) => {
    const value = +(t.low * 0.7 + random.next() * (t.high - t.low) * 1.5).toFixed(1);
    const flag = value < t.low ? 'L' : value > t.high ? 'H' : 'N';
    return `OBX|${i + 1}|NM|${t.code}^${v2(t.name)}||${value}|${t.unit}|${t.low}-${t.high}|${flag}|||F|||${v3Time()}`;
  });
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
