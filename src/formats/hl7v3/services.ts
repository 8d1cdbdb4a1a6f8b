// The standard 互联互通 interaction services: action code, vendor S-code, Chinese name and interaction ids, as listed
// in shared/standards/interaction-services.md. The corpus names each XSD after the action code, so this table is
// also the action → XSD map. Rows the standards file gives only as a group (S0026–S0034: 住院就诊 / 住院转科 /
// 出院登记 × 新增·更新·查询) are numbered in the file's order, Add · Update · Query, like every other group.

export interface V3Service {
  /** English action code, also the corpus XSD file name (`OutPatientInfoAdd` → OutPatientInfoAdd.xsd). */
  action: string;
  /** Vendor S-code (`S0023`). */
  sCode: string;
  /** Service name as in the standard (and the national test cases). */
  name: string;
  /** Other names seen for the same service (tender wording, test-case file names). */
  aliases?: readonly string[];
  /** Request interaction id (root element). */
  request: string;
  /** Alternative request interaction ids some senders use. */
  requestAlternatives?: readonly string[];
  /** Response interaction id; `MCCI_IN000002UV01` for plain acks; undefined where the standard publishes none. */
  response: string | undefined;
}

const MCCI = 'MCCI_IN000002UV01';
const QUMT_Q = 'QUMT_IN020030UV01';
const QUMT_R = 'QUMT_IN020040UV01';
const ENC_Q = 'PRPA_IN900300UV';
const ENC_R = 'PRPA_IN900350UV';

function s(
  sCode: string,
  action: string,
  name: string,
  request: string,
  response: string | undefined,
  extra: Pick<V3Service, 'aliases' | 'requestAlternatives'> = {},
): V3Service {
  return { action, sCode, name, request, response, ...extra };
}

export const V3_SERVICES: readonly V3Service[] = Object.freeze([
  s('S0001', 'PatientInfoRegister', '个人信息注册服务', 'PRPA_IN201311UV02', MCCI),
  s('S0002', 'PatientInfoUpdate', '个人信息更新服务', 'PRPA_IN201314UV02', MCCI),
  s('S0003', 'PatientInfoMerge', '个人信息合并服务', 'PRPA_IN201304UV02', MCCI),
  s('S0004', 'PatientInfoQuery', '个人信息查询服务', 'PRPA_IN201305UV02', 'PRPA_IN201306UV02'),
  s('S0005', 'OrganizationInfoRegister', '医疗卫生机构信息注册服务', 'PRPM_IN401030UV01', MCCI),
  s('S0006', 'OrganizationInfoUpdate', '医疗卫生机构信息更新服务', 'PRPM_IN403010UV01', MCCI),
  s('S0007', 'OrganizationInfoQuery', '医疗卫生机构信息查询服务', 'PRPM_IN406010UV01', 'PRPM_IN406110UV01', {
    aliases: ['医疗卫生机构（科室）信息查询服务'],
  }),
  s('S0008', 'ProviderInfoRegister', '医疗卫生人员信息注册服务', 'PRPM_IN301010UV01', MCCI),
  s('S0009', 'ProviderInfoUpdate', '医疗卫生人员信息更新服务', 'PRPM_IN303010UV01', MCCI),
  s('S0010', 'ProviderInfoQuery', '医疗卫生人员信息查询服务', 'PRPM_IN306010UV01', 'PRPM_IN306011UV01'),
  s('S0011', 'TerminologyRegister', '术语内容注册服务', 'PRVS_IN000001UV01', MCCI),
  s('S0012', 'TerminologyUpdate', '术语内容更新服务', 'PRVS_IN000002UV01', MCCI),
  s('S0013', 'TerminologyQuery', '术语内容查询服务', 'PRVS_IN000003UV01', 'PRVS_IN000004UV01', {
    aliases: ['术语查询服务'],
  }),
  s('S0014', 'DocumentRegister', '电子病历文档注册服务', 'RCMR_IN000002UV02', MCCI),
  // The corpus XSD names are counter-intuitive but unambiguous by root element: DocumentRetrieve.xsd declares
  // RCMR_IN000031UV01 (调阅, fetch one document), DocumentAccess.xsd declares RCMR_IN000029UV01 (检索, search).
  s('S0015', 'DocumentRetrieve', '电子病历文档调阅服务', 'RCMR_IN000031UV01', 'RCMR_IN000032UV01'),
  s('S0016', 'DocumentAccess', '电子病历文档检索服务', 'RCMR_IN000029UV01', 'RCMR_IN000030UV01'),
  s('S0017', 'EncounterCardInfoAdd', '就诊卡信息新增服务', 'PRPA_IN201311UV02', MCCI),
  s('S0018', 'EncounterCardInfoUpdate', '就诊卡信息更新服务', 'PRPA_IN201314UV02', MCCI),
  s('S0019', 'EncounterCardInfoQuery', '就诊卡信息查询服务', 'PRPA_IN201305UV02', 'PRPA_IN201306UV02'),
  s('S0020', 'SourceAndScheduleInfoAdd', '号源排班信息新增服务', 'PRSC_IN030101UV', MCCI),
  s('S0021', 'SourceAndScheduleInfoUpdate', '号源排班信息更新服务', 'PRSC_IN030102UV', MCCI),
  // The standard publishes no response for the schedule query; the platform answers with PRSC_IN100001UV, a query
  // response (acknowledgement, subjects as 号源排班信息新增 writes them, queryAck) — see docs/services.md.
  s('S0022', 'SourceAndScheduleInfoQuery', '号源排班信息查询服务', 'PRSC_IN100000UV', 'PRSC_IN100001UV'),
  s('S0023', 'OutPatientInfoAdd', '门诊挂号信息新增服务', 'PRPA_IN400001UV', MCCI),
  s('S0024', 'OutPatientInfoUpdate', '门诊挂号信息更新服务', 'PRPA_IN400002UV', MCCI),
  s('S0025', 'OutPatientInfoQuery', '门诊挂号信息查询服务', ENC_Q, ENC_R),
  s('S0026', 'InPatientInfoAdd', '住院就诊信息新增服务', 'PRPA_IN400001UV', MCCI),
  s('S0027', 'InPatientInfoUpdate', '住院就诊信息更新服务', 'PRPA_IN400002UV', MCCI),
  s('S0028', 'InPatientInfoQuery', '住院就诊信息查询服务', ENC_Q, ENC_R),
  s('S0029', 'TransferInfoAdd', '住院转科信息新增服务', 'PRPA_IN302011UV', MCCI),
  s('S0030', 'TransferInfoUpdate', '住院转科信息更新服务', 'PRPA_IN302012UV', MCCI),
  s('S0031', 'TransferInfoQuery', '住院转科信息查询服务', ENC_Q, ENC_R),
  s('S0032', 'DischargeInfoAdd', '出院登记信息新增服务', 'PRPA_IN400001UV', MCCI, {
    requestAlternatives: ['PRPA_IN400003UV'],
  }),
  s('S0033', 'DischargeInfoUpdate', '出院登记信息更新服务', 'PRPA_IN400002UV', MCCI),
  s('S0034', 'DischargeInfoQuery', '出院登记信息查询服务', ENC_Q, ENC_R),
  s('S0035', 'OrderInfoAdd', '医嘱信息新增服务', 'POOR_IN200901UV', MCCI),
  s('S0036', 'OrderInfoUpdate', '医嘱信息更新服务', 'POOR_IN200902UV', MCCI, { aliases: ['医嘱信息修改服务'] }),
  s('S0037', 'OrderInfoQuery', '医嘱信息查询服务', QUMT_Q, QUMT_R),
  s('S0038', 'ExamAppInfoAdd', '检验申请信息新增服务', 'POOR_IN200901UV', MCCI),
  s('S0039', 'ExamAppInfoUpdate', '检验申请信息更新服务', 'POOR_IN200902UV', MCCI),
  s('S0040', 'ExamAppInfoQuery', '检验申请信息查询服务', QUMT_Q, QUMT_R),
  s('S0041', 'CheckAppInfoAdd', '检查申请信息新增服务', 'POOR_IN200901UV', MCCI),
  s('S0042', 'CheckAppInfoUpdate', '检查申请信息更新服务', 'POOR_IN200902UV', MCCI),
  s('S0043', 'CheckAppInfoQuery', '检查申请信息查询服务', QUMT_Q, QUMT_R, { aliases: ['检查申请单信息查询服务'] }),
  s('S0044', 'PathologyAppInfoAdd', '病理申请信息新增服务', 'POOR_IN200901UV', MCCI),
  s('S0045', 'PathologyAppInfoUpdate', '病理申请信息更新服务', 'POOR_IN200902UV', MCCI),
  s('S0046', 'PathologyAppInfoQuery', '病理申请信息查询服务', QUMT_Q, QUMT_R),
  s('S0047', 'BloodTransAppInfoAdd', '输血申请信息新增服务', 'POOR_IN200901UV', MCCI),
  s('S0048', 'BloodTransAppInfoUpdate', '输血申请信息更新服务', 'POOR_IN200902UV', MCCI),
  s('S0049', 'BloodTransAppInfoQuery', '输血申请信息查询服务', QUMT_Q, QUMT_R),
  s('S0050', 'OperationAppInfoAdd', '手术申请信息新增服务', 'POOR_IN200901UV', MCCI),
  s('S0051', 'OperationAppInfoUpdate', '手术申请信息更新服务', 'POOR_IN200902UV', MCCI),
  s('S0052', 'OperationAppInfoQuery', '手术申请信息查询服务', QUMT_Q, QUMT_R),
  s('S0053', 'OutPatientAppointStatusInfoAdd', '门诊预约状态信息新增服务', 'PRPA_IN410001UV', MCCI),
  s('S0054', 'OutPatientAppointStatusInfoUpdate', '门诊预约状态信息更新服务', 'PRPA_IN410002UV', MCCI),
  s('S0055', 'OutPatientAppointStatusInfoQuery', '门诊预约状态信息查询服务', ENC_Q, ENC_R),
  s('S0056', 'CheckAppointStatusInfoAdd', '检查预约状态信息新增服务', 'PRSC_IN010101UV01', MCCI),
  s('S0057', 'CheckAppointStatusInfoUpdate', '检查预约状态信息更新服务', 'PRSC_IN010201UV01', MCCI),
  s('S0058', 'CheckAppointStatusInfoQuery', '检查预约状态信息查询服务', QUMT_Q, QUMT_R),
  s('S0059', 'OrderFillerStatusInfoUpdate', '医嘱执行状态信息更新服务', 'POOR_IN200901UV', MCCI),
  s('S0060', 'OrderFillerStatusInfoQuery', '医嘱执行状态信息查询服务', QUMT_Q, QUMT_R),
  s('S0061', 'CheckStatusInfoUpdate', '检查状态信息更新服务', 'POOR_IN200902UV', MCCI),
  s('S0062', 'CheckStatusInfoQuery', '检查状态信息查询服务', QUMT_Q, QUMT_R),
  s('S0063', 'ExamStatusInfoUpdate', '检验状态信息更新服务', 'POLB_IN224000UV01', MCCI),
  s('S0064', 'ExamStatusInfoQuery', '检验状态信息查询服务', QUMT_Q, QUMT_R),
  s('S0077', 'OperationScheduleInfoAdd', '手术排班信息新增服务', 'PRSC_IN010101UV01', MCCI),
  s('S0078', 'OperationScheduleInfoUpdate', '手术排班信息更新服务', 'PRSC_IN010201UV01', MCCI),
  s('S0079', 'OperationScheduleInfoQuery', '手术排班信息查询服务', QUMT_Q, QUMT_R),
  s('S0080', 'OperationStatusInfoUpdate', '手术状态信息更新服务', 'POOR_IN200902UV', MCCI),
  s('S0081', 'OperationStatusInfoQuery', '手术状态信息查询服务', QUMT_Q, QUMT_R),
]);

const byKey = new Map<string, V3Service>();
for (const svc of V3_SERVICES) {
  byKey.set(svc.action.toLowerCase(), svc);
  byKey.set(svc.sCode.toLowerCase(), svc);
  byKey.set(svc.name, svc);
  for (const a of svc.aliases ?? []) byKey.set(a, svc);
}

/**
 * Finds a service by action code (case-insensitive), S-code (`S0023`, case-insensitive) or Chinese name/alias.
 * The SOAP `action` parameter may carry either of the first two.
 */
export function findV3Service(key: string): V3Service | undefined {
  const k = key.trim();
  return byKey.get(k.toLowerCase()) ?? byKey.get(k);
}
