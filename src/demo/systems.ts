// The simulated hospital systems: who they are, how they call Hutong, what they subscribe to (and with which
// filter), which queries they answer as the system of record, and what they send — every interaction service of the
// catalogue is sent (or asked) by the system that would, with a weight for how often. What each message says is in
// workflows.ts; one table, one entry per system, so a reader sees the whole hospital at a glance.
//
// Protocols: HIS, EMR, 手麻, 护理, 血库, 药房, 体检 and 主数据 call the HIPMessageServer WebService (V3 built from the
// canonical JSON); LIS and PACS add HL7 v2 over MLLP (ORU^R01 / ORM^O01); the 自助机 calls REST with JSON (the
// catalogue services as canonical JSON, plus its own JSON topics).

/** Topics the demo adds besides the catalogue's: the HL7 v2 feeds of the LIS/PACS and the kiosk's JSON topics. */
export const DEMO_TOPICS = [
  { code: 'LabReportV2', name: '检验报告（HL7 v2 ORU^R01）', model: 'HL7V2', category: '状态结果' },
  { code: 'CheckStatusV2', name: '检查状态（HL7 v2 ORM^O01）', model: 'HL7V2', category: '状态结果' },
  { code: 'KioskAppointment', name: '自助机预约挂号', model: 'JSON', category: '预约' },
  { code: 'KioskPayment', name: '自助机缴费', model: 'JSON', category: '支付' },
] as const;

/** MSH-9 → topic for the MLLP endpoint. */
export const MLLP_MAPPING: Record<string, string> = { 'ORU^R01': 'LabReportV2', 'ORM^O01': 'CheckStatusV2' };

/**
 * 医嘱执行状态 (and 检验状态) go back to the system that placed the order: `$originator()` names the systems whose
 * messages created the records a message refers to (the order, the application), as the clinical data repository
 * keeps them — so the HIS gets the status of its orders and the 体检 system the status of its own.
 */
const placedBy = (system: string) => `'${system}' in $originator()`;
export const PLACED_BY_CHECKUP = placedBy('CHECKUP');
export const PLACED_BY_HIS = placedBy('HIS');
export const APPLIED_BY_CHECKUP = placedBy('CHECKUP');
export const APPLIED_BY_HIS = placedBy('HIS');

/** A subscription: a topic, or a topic with a filter. */
export type Subscription = string | { topic: string; filter: string };

export interface SimSystem {
  code: string;
  name: string;
  /** How it calls catalogue services: the WebService with V3, or REST with canonical JSON. */
  protocol: 'soap' | 'rest';
  /** Topics delivered to this system's HTTP receiver. */
  subscribes: Subscription[];
  /** Sync (query) topics this system answers, as the system of record; the others are answered by the CDR. */
  answers: string[];
  /** Share of the overall traffic sent by this system. */
  share: number;
  /** Service or topic code → relative weight among this system's messages (steps in workflows.ts). */
  traffic: Record<string, number>;
}

export const SYSTEMS: SimSystem[] = [
  {
    code: 'HIS',
    name: 'HIS 医院信息系统（门诊/住院）',
    protocol: 'soap',
    share: 0.34,
    subscribes: [
      'OutPatientInfoAdd',
      'OutPatientAppointStatusInfoAdd',
      'RegistrationPaymentAdd',
      'EncounterCardInfoAdd',
      'EncounterCardRechargeAdd',
      'OutPatientPaymentAdd',
      'LabReportV2',
      'CheckStatusV2',
      { topic: 'ExamStatusInfoUpdate', filter: APPLIED_BY_HIS },
      'CheckStatusInfoUpdate',
      'CheckAppointStatusInfoAdd',
      'CriticalValueInfoAdd',
      'DocumentRegister',
      'DiagnosisInfoAdd',
      'ConsultationAppInfoAdd',
      'OperationStatusInfoUpdate',
      'CrossMatchReportAdd',
      'BloodStockOutAdd',
      'DrugStockOutAdd',
      'TreatmentInfoAdd',
      { topic: 'OrderFillerStatusInfoUpdate', filter: PLACED_BY_HIS },
      'PhysicalExamAppointStatusInfoAdd',
      'DepartmentInfoPublish',
      'ProviderInfoPublish',
      'TerminologySubscriptionPublish',
      'KioskAppointment',
      'KioskPayment',
    ],
    answers: ['PatientInfoQuery', 'OutPatientInfoQuery'],
    traffic: {
      PatientInfoRegister: 2,
      PatientInfoUpdate: 0.4,
      PatientInfoMerge: 0.1,
      SourceAndScheduleInfoAdd: 0.2,
      SourceAndScheduleInfoUpdate: 0.4,
      OutPatientInfoUpdate: 0.3,
      OutPatientAppointStatusInfoUpdate: 1,
      OutPatientPaymentUpdate: 0.2,
      InPatientInfoAdd: 1.2,
      InPatientInfoUpdate: 0.3,
      TransferInfoAdd: 0.4,
      TransferInfoUpdate: 0.1,
      DischargeInfoAdd: 0.6,
      DischargeInfoUpdate: 0.1,
      PrepaymentDepositAdd: 0.5,
      PrepaymentDepositUpdate: 0.1,
      InPatientPaymentAdd: 0.4,
      InPatientPaymentUpdate: 0.3,
      OrderInfoAdd: 3,
      OrderInfoUpdate: 0.5,
      ExamAppInfoAdd: 2,
      ExamAppInfoUpdate: 0.2,
      CheckAppInfoAdd: 1.5,
      CheckAppInfoUpdate: 0.2,
      CheckRefundAdd: 0.2,
      PathologyAppInfoAdd: 0.2,
      PathologyAppInfoUpdate: 0.1,
      BloodTransAppInfoAdd: 0.3,
      BloodTransAppInfoUpdate: 0.1,
      BloodTransAppCancel: 0.1,
      OperationAppInfoAdd: 0.4,
      OperationAppInfoUpdate: 0.1,
      OperationScheduleInfoAdd: 0.4,
      OperationScheduleInfoUpdate: 0.1,
      FinancialDetailInfoAdd: 1.5,
      FeeStatusInfoUpdate: 0.8,
      ExamStatusInfoQuery: 0.3,
      OrderFillerStatusInfoQuery: 0.2,
      DocumentRetrieve: 0.1,
      DocumentAccess: 0.1,
      DiagnosisInfoQuery: 0.2,
      ConsultationAppInfoQuery: 0.1,
      CheckAppointStatusInfoQuery: 0.1,
      TerminologyStructureQuery: 0.05,
    },
  },
  {
    code: 'LIS',
    name: 'LIS 实验室信息系统',
    protocol: 'soap',
    share: 0.14,
    subscribes: [
      'ExamAppInfoAdd',
      'ExamAppInfoUpdate',
      'PhysicalExamAppointStatusInfoAdd',
      'TerminologyAllPublish',
      'TerminologyMappingPublish',
    ],
    answers: ['ExamStatusInfoQuery'],
    traffic: {
      ExamStatusInfoUpdate: 4,
      LabReportV2: 1,
      OrderFillerStatusInfoUpdate: 0.8,
      CriticalValueInfoAdd: 0.2,
      ExamAppInfoQuery: 0.2,
      OrganizationInfoQuery: 0.05,
      TerminologyAllQuery: 0.05,
      TerminologyMappingQuery: 0.05,
    },
  },
  {
    code: 'PACS',
    name: 'PACS 影像归档与通信系统',
    protocol: 'soap',
    share: 0.1,
    subscribes: [
      'CheckAppInfoAdd',
      'CheckAppInfoUpdate',
      'CheckRefundAdd',
      'PatientInfoRegister',
      'PatientInfoUpdate',
      'OutPatientInfoAdd',
      'InPatientInfoAdd',
    ],
    answers: [],
    traffic: {
      CheckStatusInfoUpdate: 3,
      CheckStatusV2: 1,
      CheckAppointStatusInfoAdd: 0.5,
      CheckAppointStatusInfoUpdate: 0.3,
      OrderFillerStatusInfoUpdate: 0.5,
      CheckAppInfoQuery: 0.2,
      OutPatientInfoQuery: 0.1,
      TerminologyMappingSchemeQuery: 0.05,
    },
  },
  {
    code: 'EMR',
    name: 'EMR 电子病历系统',
    protocol: 'soap',
    share: 0.1,
    subscribes: [
      'PatientInfoRegister',
      'PatientInfoUpdate',
      'PatientInfoMerge',
      'OutPatientInfoAdd',
      'InPatientInfoAdd',
      'TransferInfoAdd',
      'DischargeInfoAdd',
      'LabReportV2',
      'CheckStatusInfoUpdate',
      'OperationStatusInfoUpdate',
      'CriticalValueInfoAdd',
      'ProviderInfoPublish',
    ],
    answers: [],
    traffic: {
      DocumentRegister: 2,
      DiagnosisInfoAdd: 2,
      DiagnosisInfoUpdate: 0.4,
      ConsultationAppInfoAdd: 0.3,
      ConsultationAppInfoUpdate: 0.2,
      CriticalValueHandle: 0.2,
      PatientInfoQuery: 0.6,
      CheckStatusInfoQuery: 0.3,
      DischargeInfoQuery: 0.1,
      PathologyAppInfoQuery: 0.1,
      OperationStatusInfoQuery: 0.1,
      ProviderInfoQuery: 0.05,
      TerminologyQuery: 0.05,
      SingleSignOn: 0.2,
    },
  },
  {
    code: 'ANES',
    name: '手麻系统（手术麻醉）',
    protocol: 'soap',
    share: 0.05,
    subscribes: [
      'OperationAppInfoAdd',
      'OperationAppInfoUpdate',
      'OperationScheduleInfoAdd',
      'OperationScheduleInfoUpdate',
    ],
    answers: [],
    traffic: { OperationStatusInfoUpdate: 4, OperationAppInfoQuery: 0.3 },
  },
  {
    code: 'NURSING',
    name: '护理信息系统',
    protocol: 'soap',
    share: 0.06,
    subscribes: [
      'InPatientInfoAdd',
      'TransferInfoAdd',
      'DischargeInfoAdd',
      'OrderInfoAdd',
      'OrderInfoUpdate',
      'OperationScheduleInfoAdd',
      'OperationStatusInfoUpdate',
      'BloodStockOutAdd',
      'CriticalValueInfoAdd',
    ],
    answers: [],
    traffic: {
      OrderFillerStatusInfoUpdate: 2,
      TreatmentInfoAdd: 1,
      TreatmentInfoUpdate: 0.2,
      CriticalValueConfirm: 0.3,
      InPatientInfoQuery: 0.2,
      TransferInfoQuery: 0.1,
      OperationScheduleInfoQuery: 0.2,
      CriticalValueInfoQuery: 0.1,
    },
  },
  {
    code: 'BLOOD',
    name: '血库管理系统',
    protocol: 'soap',
    share: 0.04,
    subscribes: ['BloodTransAppInfoAdd', 'BloodTransAppInfoUpdate', 'BloodTransAppCancel'],
    answers: [],
    traffic: {
      BloodStockInAdd: 1,
      BloodStockInUpdate: 0.2,
      CrossMatchReportAdd: 1,
      CrossMatchReportUpdate: 0.2,
      BloodStockOutAdd: 1,
      BloodStockOutUpdate: 0.2,
      BloodTransAppInfoQuery: 0.2,
    },
  },
  {
    code: 'PHARMACY',
    name: '药房管理系统',
    protocol: 'soap',
    share: 0.06,
    subscribes: ['OrderInfoAdd', 'OrderInfoUpdate'],
    answers: [],
    traffic: {
      DrugStockInAdd: 0.5,
      DrugStockInUpdate: 0.1,
      DrugStockOutAdd: 1,
      DrugStockOutUpdate: 0.1,
      OrderFillerStatusInfoUpdate: 2,
      OrderInfoQuery: 0.3,
    },
  },
  {
    code: 'CHECKUP',
    name: '体检系统',
    protocol: 'soap',
    share: 0.03,
    subscribes: [
      { topic: 'OrderFillerStatusInfoUpdate', filter: PLACED_BY_CHECKUP },
      { topic: 'ExamStatusInfoUpdate', filter: APPLIED_BY_CHECKUP },
    ],
    answers: [],
    traffic: {
      PhysicalExamAppointStatusInfoAdd: 2,
      PhysicalExamAppointStatusInfoUpdate: 1.5,
      ExamAppInfoAdd: 1,
      CheckAppInfoAdd: 0.6,
      PatientInfoQuery: 0.4,
      PhysicalExamAppointStatusInfoQuery: 0.2,
    },
  },
  {
    code: 'KIOSK',
    name: '自助机（自助挂号、缴费）',
    protocol: 'rest',
    share: 0.06,
    subscribes: [
      'FinancialDetailInfoAdd',
      'FeeStatusInfoUpdate',
      'SourceAndScheduleInfoAdd',
      'SourceAndScheduleInfoUpdate',
    ],
    answers: [],
    traffic: {
      OutPatientInfoAdd: 4,
      RegistrationPaymentAdd: 2,
      RegistrationPaymentUpdate: 0.2,
      OutPatientPaymentAdd: 1.5,
      OutPatientAppointStatusInfoAdd: 1,
      EncounterCardInfoAdd: 0.6,
      EncounterCardInfoUpdate: 0.1,
      EncounterCardRechargeAdd: 0.4,
      EncounterCardRechargeUpdate: 0.1,
      KioskAppointment: 0.5,
      KioskPayment: 0.5,
      EncounterCardInfoQuery: 0.2,
      SourceAndScheduleInfoQuery: 0.2,
      OutPatientAppointStatusInfoQuery: 0.2,
    },
  },
  {
    code: 'MDM',
    name: '主数据管理平台（科室、人员、术语）',
    protocol: 'soap',
    share: 0.02,
    subscribes: [],
    answers: [],
    traffic: {
      OrganizationInfoRegister: 0.2,
      OrganizationInfoUpdate: 0.5,
      OrganizationInfoDelete: 0.1,
      DepartmentInfoPublish: 0.5,
      ProviderInfoRegister: 0.3,
      ProviderInfoUpdate: 0.5,
      ProviderInfoDelete: 0.1,
      ProviderInfoPublish: 0.5,
      TerminologyRegister: 0.2,
      TerminologyUpdate: 0.4,
      TerminologyDisable: 0.05,
      TerminologySubscriptionPublish: 0.3,
      TerminologyAllPublish: 0.2,
      TerminologyStructureRegister: 0.1,
      TerminologyStructureUpdate: 0.2,
      TerminologyStructureDisable: 0.05,
      TerminologyMappingSchemeRegister: 0.1,
      TerminologyMappingSchemeUpdate: 0.2,
      TerminologyMappingSchemePublish: 0.2,
      TerminologyMappingSchemeCancel: 0.05,
      TerminologyMappingRegister: 0.3,
      TerminologyMappingUpdate: 0.2,
      TerminologyMappingPublish: 0.2,
      TerminologyMappingCancel: 0.05,
    },
  },
];

/** The systems that send `code` (a service or a demo topic), in the table's order. */
export function sendersOf(code: string): SimSystem[] {
  return SYSTEMS.filter((s) => (s.traffic[code] ?? 0) > 0);
}

export function subscriptionTopic(s: Subscription): string {
  return typeof s === 'string' ? s : s.topic;
}
