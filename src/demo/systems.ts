// The simulated hospital systems: who they are, what they subscribe to, which queries they answer as the system of
// record, and the traffic each sends over the protocol such a system really uses — HIS, EMR, 手麻, 血库, 药房, 体检
// over the HIPMessageServer WebService (V3 built by jsonToV3 from generated canonical JSON), LIS and PACS over MLLP
// (HL7 v2 ORU^R01 / ORM^O01) besides V3 status updates, the 自助机 over REST JSON. One table, one entry per system,
// so a reader sees the whole hospital at a glance.
import type { SoapVersion } from '../formats/soap/index.js';
import { getServiceDefinition, jsonToV3 } from '../services/index.js';
import {
  EXAMS,
  examStatusOrm,
  labResultOru,
  type Extra,
  type Hospital,
  type Random,
  type Visit,
  serviceJson,
  v3Time,
} from './generator.js';
import { type DemoStats, type MllpClient, restPost, soapCall } from './wire.js';

/** Topics the demo adds besides the catalogue's: the HL7 v2 feeds of the LIS/PACS and the kiosk's JSON topics. */
export const DEMO_TOPICS = [
  { code: 'LabReportV2', name: '检验报告（HL7 v2 ORU^R01）', model: 'HL7V2', category: '状态结果' },
  { code: 'CheckStatusV2', name: '检查状态（HL7 v2 ORM^O01）', model: 'HL7V2', category: '状态结果' },
  { code: 'KioskAppointment', name: '自助机预约挂号', model: 'JSON', category: '预约' },
  { code: 'KioskPayment', name: '自助机缴费', model: 'JSON', category: '支付' },
] as const;

/** MSH-9 → topic for the MLLP endpoint. */
export const MLLP_MAPPING: Record<string, string> = { 'ORU^R01': 'LabReportV2', 'ORM^O01': 'CheckStatusV2' };

export interface SimContext {
  base: string;
  hospital: Hospital;
  random: Random;
  stats: DemoStats;
  mllp: MllpClient;
  secret(system: string): string;
  /** Should this message be sent malformed on purpose? */
  malformed(): boolean;
}

export interface TrafficKind {
  /** Relative share of this system's traffic. */
  weight: number;
  send(ctx: SimContext): Promise<void>;
}

export interface SimSystem {
  code: string;
  name: string;
  /** Topics delivered to this system's HTTP receiver. */
  subscribes: string[];
  /** Sync (query) topics this system answers, as the system of record. */
  answers: string[];
  /** Share of the overall traffic sent by this system. */
  share: number;
  traffic: TrafficKind[];
}

/** Sends one catalogue service over HIPMessageServer: canonical JSON → V3 (jsonToV3) → SOAP 1.2 (or 1.1). */
async function v3(ctx: SimContext, system: string, action: string, visit: Visit, extra: Extra = {}): Promise<void> {
  const def = getServiceDefinition(action);
  if (!def) throw new Error(`unknown service ${action}`);
  let xml = jsonToV3(def, serviceJson(def, visit, extra), { sender: system, receiver: 'HIP' });
  if (ctx.malformed()) {
    // A vendor's bug: the message is cut off — Hutong answers with an error acknowledgement or a SOAP Fault.
    ctx.stats.malformed++;
    xml = xml.slice(0, Math.floor(xml.length / 2));
  }
  const version: SoapVersion = ctx.random.chance(0.7) ? '1.2' : '1.1';
  // Half of the callers name the service by its S-code (S0023), the others by its action code.
  const name = def.sCode && ctx.random.chance(0.5) ? def.sCode : def.action;
  await soapCall(ctx.stats, ctx.base, ctx.secret(system), name, xml, version);
}

async function mllp(ctx: SimContext, message: string): Promise<void> {
  if (ctx.malformed()) {
    ctx.stats.malformed++;
    // An event nobody mapped (AR), or a message without its PID segment.
    message = ctx.random.chance(0.5)
      ? message.replace(/\|(ORU\^R01|ORM\^O01)\^/, '|ORU^R30^')
      : message.replace(/\rPID\|[^\r]*/, '').replace(/MSH\|\^~\\&/, 'MSH|');
  }
  await ctx.mllp.send(message);
}

async function rest(ctx: SimContext, system: string, topic: string, json: Record<string, unknown>): Promise<void> {
  let body = JSON.stringify(json);
  if (ctx.malformed()) {
    ctx.stats.malformed++;
    body = body.slice(0, body.length - 7);
  }
  await restPost(ctx.stats, ctx.base, ctx.secret(system), topic, body);
}

const apply = (ctx: SimContext, prefix: string) => ({ applicationNo: ctx.hospital.number(prefix) });

export const SYSTEMS: SimSystem[] = [
  {
    code: 'HIS',
    name: 'HIS 医院信息系统（门诊/住院）',
    share: 0.42,
    subscribes: [
      'LabReportV2',
      'CheckStatusV2',
      'ExamStatusInfoUpdate',
      'CheckStatusInfoUpdate',
      'DocumentRegister',
      'DiagnosisInfoAdd',
      'OperationScheduleInfoAdd',
      'OperationStatusInfoUpdate',
      'BloodStockInAdd',
      'BloodStockOutAdd',
      'DrugStockInAdd',
      'DrugStockOutAdd',
      'OrderFillerStatusInfoUpdate',
      'PhysicalExamAppointStatusInfoAdd',
      'KioskAppointment',
      'KioskPayment',
    ],
    answers: ['PatientInfoQuery', 'OutPatientInfoQuery'],
    traffic: [
      { weight: 4, send: (c) => v3(c, 'HIS', 'OutPatientInfoAdd', c.hospital.newVisit(false)) },
      { weight: 1, send: (c) => v3(c, 'HIS', 'PatientInfoRegister', c.hospital.newVisit()) },
      { weight: 1.5, send: (c) => v3(c, 'HIS', 'InPatientInfoAdd', c.hospital.newVisit(true)) },
      { weight: 0.6, send: (c) => v3(c, 'HIS', 'TransferInfoAdd', c.hospital.anyVisit(true)) },
      { weight: 0.8, send: (c) => v3(c, 'HIS', 'DischargeInfoAdd', c.hospital.anyVisit(true)) },
      {
        weight: 3,
        send: (c) => v3(c, 'HIS', 'OrderInfoAdd', c.hospital.anyVisit(), { orderNo: c.hospital.number('YZ') }),
      },
      { weight: 2, send: (c) => v3(c, 'HIS', 'ExamAppInfoAdd', c.hospital.anyVisit(), apply(c, 'JY')) },
      { weight: 1.5, send: (c) => v3(c, 'HIS', 'CheckAppInfoAdd', c.hospital.anyVisit(), apply(c, 'JC')) },
      { weight: 0.4, send: (c) => v3(c, 'HIS', 'OperationAppInfoAdd', c.hospital.anyVisit(true), apply(c, 'SS')) },
      { weight: 0.3, send: (c) => v3(c, 'HIS', 'BloodTransAppInfoAdd', c.hospital.anyVisit(true), apply(c, 'SX')) },
      { weight: 1.5, send: (c) => v3(c, 'HIS', 'FinancialDetailInfoAdd', c.hospital.anyVisit()) },
      { weight: 0.5, send: (c) => v3(c, 'HIS', 'ExamStatusInfoQuery', c.hospital.anyVisit()) },
    ],
  },
  {
    code: 'LIS',
    name: 'LIS 实验室信息系统',
    share: 0.14,
    subscribes: ['ExamAppInfoAdd', 'PhysicalExamAppointStatusInfoAdd'],
    answers: ['ExamStatusInfoQuery'],
    traffic: [
      {
        weight: 3,
        send: (c) =>
          mllp(c, labResultOru(c.random, c.hospital.anyVisit(), c.hospital.number('JY'), c.hospital.number('LIS'))),
      },
      { weight: 1, send: (c) => v3(c, 'LIS', 'ExamStatusInfoUpdate', c.hospital.anyVisit(), apply(c, 'JY')) },
    ],
  },
  {
    code: 'PACS',
    name: 'PACS 影像归档与通信系统',
    share: 0.1,
    subscribes: ['CheckAppInfoAdd', 'PatientInfoRegister', 'OutPatientInfoAdd'],
    answers: ['CheckStatusInfoQuery'],
    traffic: [
      {
        weight: 2,
        send: (c) =>
          mllp(
            c,
            examStatusOrm(
              c.hospital.anyVisit(),
              c.hospital.number('JC'),
              c.random.pick(EXAMS),
              c.random.pick(['SC', 'IP', 'CM']),
              c.hospital.number('PACS'),
            ),
          ),
      },
      { weight: 1, send: (c) => v3(c, 'PACS', 'CheckStatusInfoUpdate', c.hospital.anyVisit(), apply(c, 'JC')) },
    ],
  },
  {
    code: 'EMR',
    name: 'EMR 电子病历系统',
    share: 0.1,
    subscribes: [
      'PatientInfoRegister',
      'OutPatientInfoAdd',
      'InPatientInfoAdd',
      'TransferInfoAdd',
      'DischargeInfoAdd',
      'LabReportV2',
      'CheckStatusInfoUpdate',
      'OperationStatusInfoUpdate',
    ],
    answers: [],
    traffic: [
      { weight: 2, send: (c) => v3(c, 'EMR', 'DocumentRegister', c.hospital.anyVisit()) },
      { weight: 2, send: (c) => v3(c, 'EMR', 'DiagnosisInfoAdd', c.hospital.anyVisit()) },
      { weight: 1, send: (c) => v3(c, 'EMR', 'PatientInfoQuery', c.hospital.anyVisit()) },
      { weight: 0.5, send: (c) => v3(c, 'EMR', 'CheckStatusInfoQuery', c.hospital.anyVisit()) },
    ],
  },
  {
    code: 'ANES',
    name: '手麻系统（手术麻醉）',
    share: 0.05,
    subscribes: ['OperationAppInfoAdd'],
    answers: [],
    traffic: [
      { weight: 1, send: (c) => v3(c, 'ANES', 'OperationScheduleInfoAdd', c.hospital.anyVisit(true), apply(c, 'SS')) },
      {
        weight: 1.5,
        send: (c) => v3(c, 'ANES', 'OperationStatusInfoUpdate', c.hospital.anyVisit(true), apply(c, 'SS')),
      },
    ],
  },
  {
    code: 'NURSING',
    name: '护理信息系统',
    share: 0,
    subscribes: [
      'InPatientInfoAdd',
      'TransferInfoAdd',
      'DischargeInfoAdd',
      'OrderInfoAdd',
      'OperationScheduleInfoAdd',
      'OperationStatusInfoUpdate',
      'BloodStockOutAdd',
      'OrderFillerStatusInfoUpdate',
    ],
    answers: [],
    traffic: [],
  },
  {
    code: 'BLOOD',
    name: '血库管理系统',
    share: 0.04,
    subscribes: ['BloodTransAppInfoAdd'],
    answers: [],
    traffic: [
      { weight: 1, send: (c) => v3(c, 'BLOOD', 'BloodStockInAdd', c.hospital.anyVisit()) },
      { weight: 1, send: (c) => v3(c, 'BLOOD', 'BloodStockOutAdd', c.hospital.anyVisit(true), apply(c, 'SX')) },
    ],
  },
  {
    code: 'PHARMACY',
    name: '药房管理系统',
    share: 0.07,
    subscribes: ['OrderInfoAdd'],
    answers: [],
    traffic: [
      { weight: 0.5, send: (c) => v3(c, 'PHARMACY', 'DrugStockInAdd', c.hospital.anyVisit()) },
      { weight: 1, send: (c) => v3(c, 'PHARMACY', 'DrugStockOutAdd', c.hospital.anyVisit()) },
      {
        weight: 2,
        send: (c) =>
          v3(c, 'PHARMACY', 'OrderFillerStatusInfoUpdate', c.hospital.anyVisit(), { orderNo: c.hospital.number('YZ') }),
      },
    ],
  },
  {
    code: 'CHECKUP',
    name: '体检系统',
    share: 0.03,
    subscribes: [],
    answers: [],
    traffic: [
      { weight: 2, send: (c) => v3(c, 'CHECKUP', 'PhysicalExamAppointStatusInfoAdd', c.hospital.newVisit(false)) },
      { weight: 1, send: (c) => v3(c, 'CHECKUP', 'PatientInfoQuery', c.hospital.anyVisit()) },
    ],
  },
  {
    code: 'KIOSK',
    name: '自助机',
    share: 0.05,
    subscribes: ['FinancialDetailInfoAdd'],
    answers: [],
    traffic: [
      {
        weight: 1,
        send: (c) => {
          const v = c.hospital.newVisit(false);
          return rest(c, 'KIOSK', 'KioskAppointment', {
            patientId: v.patient.patientId,
            patientName: v.patient.name,
            idCardNo: v.patient.idCardNo,
            deptCode: v.dept.code,
            deptName: v.dept.name,
            doctorName: v.doctor.name,
            visitNo: v.visitNo,
            slot: `${v3Time().slice(0, 8)} ${c.random.pick(['08:00-08:30', '09:00-09:30', '10:00-10:30', '14:00-14:30'])}`,
            kioskId: `ZZJ-${c.random.int(1, 12)}`,
          });
        },
      },
      {
        weight: 1.5,
        send: (c) => {
          const v = c.hospital.anyVisit(false);
          return rest(c, 'KIOSK', 'KioskPayment', {
            patientId: v.patient.patientId,
            patientName: v.patient.name,
            visitNo: v.visitNo,
            payNo: c.hospital.number('ZF'),
            amount: +(c.random.int(500, 80000) / 100).toFixed(2),
            channel: c.random.pick(['微信', '支付宝', '医保卡', '银联']),
            kioskId: `ZZJ-${c.random.int(1, 12)}`,
          });
        },
      },
    ],
  },
];
