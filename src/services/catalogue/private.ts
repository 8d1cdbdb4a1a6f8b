// The private services (no public standard message): the tender names them, the platform defines them.
//
// Wire form we chose and publish in docs/services.md: a V3-shaped message exactly like the standard ones (same
// transmission wrapper, MCCI ack, same SOAP operation), with our own interaction id `HUTONG_IN<6 digits>` and a
// controlActProcess/subject/<entity> payload whose children are named after the JSON keys and carry the value in
// @value (arrays: <key><item>…</item></key>). So one mapper and one transport serve both kinds, and a vendor reads
// the JSON field table and the XML example side by side.
import type { FieldType, ServiceField, ServiceOperation, ServiceState } from './types.js';

export interface PrivateFieldSpec {
  key: string;
  label: string;
  type?: FieldType;
  required?: boolean;
  codeSystem?: string;
  options?: Array<{ code: string; display?: string }>;
  fields?: PrivateFieldSpec[];
}

export interface PrivateServiceSpec {
  action: string;
  name: string;
  nameEn: string;
  category: string;
  operation: ServiceOperation;
  entity: string;
  description: string;
  /** Our interaction id for the request (HUTONG_IN…). */
  request: string;
  /** Our interaction id for a query's response; MCCI_IN000002UV01 otherwise. */
  response: string;
  fields: PrivateFieldSpec[];
  keys: string[];
  stateField?: string;
  states?: ServiceState[];
}

const OID = '2.16.156.10011.';

// ---- reusable field groups -----------------------------------------------------------------------------------------
const f = (
  key: string,
  label: string,
  type: FieldType = 'string',
  required = false,
  extra: Partial<PrivateFieldSpec> = {},
): PrivateFieldSpec => ({
  key,
  label,
  type,
  required,
  ...extra,
});

const PATIENT: PrivateFieldSpec[] = [
  f('patientId', '患者ID', 'string', true, { codeSystem: `${OID}2.5.1.4` }),
  f('patientName', '患者姓名', 'string', true),
  f('visitNo', '就诊流水号', 'string', false, { codeSystem: `${OID}2.5.1.9` }),
  f('visitType', '就诊类别代码', 'code', false, {
    codeSystem: `${OID}2.3.1.271`,
    options: [
      { code: '1', display: '门诊' },
      { code: '2', display: '急诊' },
      { code: '3', display: '住院' },
      { code: '9', display: '其他' },
    ],
  }),
];
const OPERATOR: PrivateFieldSpec[] = [
  f('operatorId', '操作人工号', 'string', false, { codeSystem: `${OID}1.4` }),
  f('operatorName', '操作人姓名'),
  f('operateTime', '操作日期时间', 'datetime', true),
];
const DEPT: PrivateFieldSpec[] = [
  f('deptCode', '科室编码', 'string', false, { codeSystem: `${OID}1.26` }),
  f('deptName', '科室名称'),
];

function states(list: Array<[string, string, string, string[]]>): ServiceState[] {
  return list.map(([code, name, nameEn, next]) => ({ code, name, nameEn, next }));
}

export const APPOINTMENT_STATES = states([
  ['submitted', '已提交', 'Submitted', ['pending', 'rejected', 'cancelled']],
  ['pending', '待排班', 'Awaiting schedule', ['scheduled', 'rejected', 'cancelled']],
  ['scheduled', '已排班', 'Scheduled', ['completed', 'cancelled']],
  ['rejected', '拒绝', 'Rejected', []],
  ['cancelled', '取消', 'Cancelled', []],
  ['completed', '完成', 'Completed', []],
]);

const PAYMENT_STATES = states([
  ['paid', '完成支付', 'Paid', ['cancelled']],
  ['cancelled', '取消支付', 'Payment cancelled', []],
]);
const SETTLEMENT_STATES = states([
  ['paid', '完成支付', 'Paid', ['settled', 'cancelled']],
  ['settled', '完成结算', 'Settled', []],
  ['cancelled', '取消支付', 'Payment cancelled', []],
]);
const RECHARGE_STATES = states([
  ['recharged', '充值完成', 'Recharged', ['cancelled']],
  ['cancelled', '取消充值', 'Recharge cancelled', []],
]);
const CRITICAL_STATES = states([
  ['reported', '已上报', 'Reported', ['confirmed']],
  ['confirmed', '已确认', 'Confirmed', ['handled']],
  ['handled', '已处理', 'Handled', []],
]);

let seq = 100;
const MCCI = 'MCCI_IN000002UV01';

function svc(
  action: string,
  name: string,
  nameEn: string,
  category: string,
  operation: ServiceOperation,
  entity: string,
  description: string,
  fields: PrivateFieldSpec[],
  keys: string[],
  extra: Partial<PrivateServiceSpec> = {},
): PrivateServiceSpec {
  seq += 1;
  const request = `HUTONG_IN${String(seq).padStart(6, '0')}`;
  const response = operation === 'query' ? `HUTONG_IN${String(seq).padStart(6, '0')}R` : MCCI;
  return { action, name, nameEn, category, operation, entity, description, request, response, fields, keys, ...extra };
}

/** 新增 · 更新 · 查询 of one entity, sharing its fields (the query filters by the keys and the patient). */
function crud(
  prefix: string,
  zh: string,
  en: string,
  category: string,
  entity: string,
  description: string,
  fields: PrivateFieldSpec[],
  keys: string[],
  extra: Partial<PrivateServiceSpec> = {},
  ops: Array<'add' | 'update' | 'query'> = ['add', 'update', 'query'],
): PrivateServiceSpec[] {
  const out: PrivateServiceSpec[] = [];
  const queryFields = fields.filter(
    (x) => keys.includes(x.key) || ['patientId', 'patientName', 'visitNo'].includes(x.key),
  );
  if (ops.includes('add'))
    out.push(
      svc(`${prefix}Add`, `${zh}新增服务`, `${en} add`, category, 'add', entity, description, fields, keys, extra),
    );
  if (ops.includes('update'))
    out.push(
      svc(
        `${prefix}Update`,
        `${zh}更新服务`,
        `${en} update`,
        category,
        'update',
        entity,
        description,
        fields,
        keys,
        extra,
      ),
    );
  if (ops.includes('query'))
    out.push(
      svc(
        `${prefix}Query`,
        `${zh}查询服务`,
        `${en} query`,
        category,
        'query',
        entity,
        description,
        [...queryFields, f('startTime', '开始日期时间', 'datetime'), f('endTime', '结束日期时间', 'datetime')],
        keys,
      ),
    );
  return out;
}

const TERM: PrivateFieldSpec[] = [
  f('codeSystem', '术语编码体系(OID)', 'string', true),
  f('codeSystemName', '术语名称', 'string', true),
  f('version', '版本号'),
  ...OPERATOR,
];
const TERM_STRUCTURE: PrivateFieldSpec[] = [
  ...TERM.slice(0, 3),
  f('structure', '术语结构', 'array', true, {
    fields: [
      f('fieldCode', '字段代码', 'string', true),
      f('fieldName', '字段名称', 'string', true),
      f('fieldType', '字段类型'),
    ],
  }),
  ...OPERATOR,
];
const TERM_MAPPING_SCHEME: PrivateFieldSpec[] = [
  f('schemeCode', '对照方案编码', 'string', true),
  f('schemeName', '对照方案名称', 'string', true),
  f('sourceCodeSystem', '源术语编码体系(OID)', 'string', true),
  f('targetCodeSystem', '目标术语编码体系(OID)', 'string', true),
  ...OPERATOR,
];
const TERM_MAPPING: PrivateFieldSpec[] = [
  f('schemeCode', '对照方案编码', 'string', true),
  f('sourceCode', '源术语代码', 'string', true),
  f('sourceName', '源术语名称'),
  f('targetCode', '目标术语代码', 'string', true),
  f('targetName', '目标术语名称'),
  ...OPERATOR,
];

const PAY = (kind: string): PrivateFieldSpec[] => [
  ...PATIENT,
  f('tradeNo', '交易流水号', 'string', true),
  f('invoiceNo', '发票号'),
  f('amount', `${kind}金额(元)`, 'number', true),
  f('payMethod', '支付方式代码', 'code', true, {
    options: [
      { code: '1', display: '现金' },
      { code: '2', display: '银行卡' },
      { code: '3', display: '微信' },
      { code: '4', display: '支付宝' },
      { code: '5', display: '医保' },
      { code: '9', display: '其他' },
    ],
  }),
  f('status', '支付状态', 'code', true),
  ...OPERATOR,
];

const BLOOD_STOCK: PrivateFieldSpec[] = [
  f('bagNo', '血袋编号', 'string', true),
  f('productCode', '血液品种代码', 'string', true),
  f('productName', '血液品种名称'),
  f('aboGroup', 'ABO血型', 'code', true, {
    options: [{ code: 'A' }, { code: 'B' }, { code: 'O' }, { code: 'AB' }],
  }),
  f('rhGroup', 'Rh血型', 'code', false, {
    options: [
      { code: '+', display: '阳性' },
      { code: '-', display: '阴性' },
    ],
  }),
  f('volume', '血量', 'number', true),
  f('volumeUnit', '血量单位'),
  f('collectTime', '采血日期时间', 'datetime'),
  f('expireTime', '失效日期时间', 'datetime'),
  ...OPERATOR,
];

const DRUG_STOCK: PrivateFieldSpec[] = [
  f('billNo', '单据号', 'string', true),
  f('warehouseCode', '药库编码', 'string', true),
  f('warehouseName', '药库名称'),
  f('items', '药品明细', 'array', true, {
    fields: [
      f('drugCode', '药品编码', 'string', true),
      f('drugName', '药品名称', 'string', true),
      f('specification', '药品规格'),
      f('batchNo', '批号'),
      f('quantity', '数量', 'number', true),
      f('unit', '单位'),
      f('unitPrice', '单价(元)', 'number'),
      f('expireDate', '有效期至', 'date'),
    ],
  }),
  ...OPERATOR,
];

export const PRIVATE_SERVICES: readonly PrivateServiceSpec[] = [
  // 就诊
  ...crud(
    'DiagnosisInfo',
    '诊断信息',
    'Diagnosis',
    '就诊',
    'diagnosis',
    '门诊、住院诊断的登记与修改（西医 ICD-10、中医）。',
    [
      ...PATIENT,
      f('diagnosisNo', '诊断序号', 'string', true),
      f('diagnosisType', '诊断类别代码', 'code', true, {
        options: [
          { code: '1', display: '门诊诊断' },
          { code: '2', display: '入院诊断' },
          { code: '3', display: '出院诊断' },
          { code: '9', display: '其他' },
        ],
      }),
      f('diagnosisCode', '诊断代码', 'code', true, { codeSystem: `${OID}2.3.3.11` }),
      f('diagnosisName', '诊断名称', 'string', true),
      f('mainDiagnosis', '是否主要诊断', 'boolean'),
      f('diagnosisTime', '诊断日期时间', 'datetime', true),
      f('doctorId', '诊断医生工号', 'string', false, { codeSystem: `${OID}1.4` }),
      f('doctorName', '诊断医生姓名'),
      ...DEPT,
    ],
    ['visitNo', 'diagnosisNo'],
  ),
  // 申请单
  svc(
    'CheckRefundAdd',
    '检查退费服务',
    'Examination refund',
    '申请单',
    'cancel',
    'checkApplication',
    '检查申请已收费后退费，检查科室据此撤销登记。',
    [
      ...PATIENT,
      f('applicationNo', '电子申请单编号', 'string', true, { codeSystem: `${OID}1.24` }),
      f('refundNo', '退费单号', 'string', true),
      f('amount', '退费金额(元)', 'number', true),
      f('reason', '退费原因'),
      ...OPERATOR,
    ],
    ['applicationNo', 'refundNo'],
  ),
  svc(
    'BloodTransAppCancel',
    '取消输血申请服务',
    'Cancel transfusion request',
    '申请单',
    'cancel',
    'bloodTransApplication',
    '撤销尚未发血的输血申请；输血科据此取消备血。',
    [
      ...PATIENT,
      f('applicationNo', '电子申请单编号', 'string', true, { codeSystem: `${OID}1.24` }),
      f('reason', '取消原因'),
      ...OPERATOR,
    ],
    ['applicationNo'],
  ),
  ...crud(
    'ConsultationAppInfo',
    '会诊申请信息',
    'Consultation request',
    '申请单',
    'consultationApplication',
    '院内、院间会诊的申请与安排。',
    [
      ...PATIENT,
      f('applicationNo', '会诊申请单编号', 'string', true, { codeSystem: `${OID}1.24` }),
      f('consultationType', '会诊类型', 'code', true, {
        options: [
          { code: '1', display: '普通会诊' },
          { code: '2', display: '急会诊' },
          { code: '3', display: '多学科会诊' },
        ],
      }),
      f('purpose', '会诊目的', 'string', true),
      f('applyTime', '申请日期时间', 'datetime', true),
      f('applyDoctorId', '申请医生工号'),
      f('applyDoctorName', '申请医生姓名'),
      f('invitedDeptCode', '受邀科室编码'),
      f('invitedDeptName', '受邀科室名称'),
      f('planTime', '计划会诊日期时间', 'datetime'),
      f('status', '申请状态', 'code'),
    ],
    ['applicationNo'],
  ),
  // 医嘱
  ...crud(
    'TreatmentInfo',
    '诊疗处置信息',
    'Treatment',
    '医嘱',
    'treatment',
    '换药、治疗、护理等处置的开立与执行。',
    [
      ...PATIENT,
      f('treatmentNo', '处置单号', 'string', true),
      f('orderNo', '医嘱号', 'string', false, { codeSystem: `${OID}1.28` }),
      f('itemCode', '处置项目编码', 'string', true),
      f('itemName', '处置项目名称', 'string', true),
      f('quantity', '数量', 'number'),
      f('executeTime', '执行日期时间', 'datetime'),
      f('executorId', '执行人工号'),
      f('executorName', '执行人姓名'),
      ...DEPT,
    ],
    ['treatmentNo'],
    {},
    ['add', 'update'],
  ),
  // 状态结果: 危急值
  svc(
    'CriticalValueInfoAdd',
    '危急值信息新增服务',
    'Critical value report',
    '状态结果',
    'add',
    'criticalValue',
    '检验、检查科室上报危急值，通知临床。',
    [
      ...PATIENT,
      f('criticalNo', '危急值编号', 'string', true),
      f('source', '来源', 'code', true, {
        options: [
          { code: 'LIS', display: '检验' },
          { code: 'RIS', display: '检查' },
          { code: 'OTHER', display: '其他' },
        ],
      }),
      f('applicationNo', '电子申请单编号', 'string', false, { codeSystem: `${OID}1.24` }),
      f('itemName', '项目名称', 'string', true),
      f('resultValue', '结果值', 'string', true),
      f('unit', '单位'),
      f('referenceRange', '参考范围'),
      f('reportTime', '上报日期时间', 'datetime', true),
      f('reporterName', '上报人姓名'),
      f('status', '危急值状态', 'code', true),
    ],
    ['criticalNo'],
    { stateField: 'status', states: CRITICAL_STATES },
  ),
  svc(
    'CriticalValueConfirm',
    '危急值确认服务',
    'Critical value confirmation',
    '状态结果',
    'update',
    'criticalValue',
    '临床接收并确认危急值。',
    [f('criticalNo', '危急值编号', 'string', true), f('status', '危急值状态', 'code', true), ...OPERATOR],
    ['criticalNo'],
    { stateField: 'status', states: CRITICAL_STATES },
  ),
  svc(
    'CriticalValueHandle',
    '危急值处理服务',
    'Critical value handling',
    '状态结果',
    'update',
    'criticalValue',
    '临床记录危急值的处理措施。',
    [
      f('criticalNo', '危急值编号', 'string', true),
      f('status', '危急值状态', 'code', true),
      f('measure', '处理措施', 'string', true),
      ...OPERATOR,
    ],
    ['criticalNo'],
    { stateField: 'status', states: CRITICAL_STATES },
  ),
  svc(
    'CriticalValueInfoQuery',
    '危急值信息查询服务',
    'Critical value query',
    '状态结果',
    'query',
    'criticalValue',
    '按患者、时间或状态查询危急值。',
    [
      f('criticalNo', '危急值编号'),
      f('patientId', '患者ID'),
      f('visitNo', '就诊流水号'),
      f('status', '危急值状态', 'code'),
      f('startTime', '开始日期时间', 'datetime'),
      f('endTime', '结束日期时间', 'datetime'),
    ],
    ['criticalNo'],
  ),
  // 预约
  ...crud(
    'PhysicalExamAppointStatusInfo',
    '体检预约状态信息',
    'Physical examination appointment status',
    '预约',
    'physicalExamAppointment',
    '体检预约的提交、排班与完成。',
    [
      ...PATIENT.slice(0, 2),
      f('appointNo', '预约单号', 'string', true),
      f('packageCode', '体检套餐编码'),
      f('packageName', '体检套餐名称'),
      f('appointTime', '预约日期时间', 'datetime', true),
      f('status', '预约状态', 'code', true),
      ...OPERATOR,
    ],
    ['appointNo'],
    { stateField: 'status', states: APPOINTMENT_STATES },
  ),
  // 机构 / 人员
  svc(
    'OrganizationInfoDelete',
    '医疗卫生机构信息删除服务',
    'Organization delete',
    '机构',
    'delete',
    'organization',
    '撤销机构或科室（标准无此消息，平台定义）。',
    [
      f('orgCode', '机构(科室)编码', 'string', true, { codeSystem: `${OID}1.26` }),
      f('orgName', '机构(科室)名称'),
      f('reason', '删除原因'),
      ...OPERATOR,
    ],
    ['orgCode'],
  ),
  svc(
    'DepartmentInfoPublish',
    '科室订阅信息同步服务',
    'Department change publication',
    '机构',
    'publish',
    'organization',
    '平台把科室的新增、变更、删除推送给订阅系统。',
    [
      f('changeType', '变更类型', 'code', true, {
        options: [
          { code: 'add', display: '新增' },
          { code: 'update', display: '更新' },
          { code: 'delete', display: '删除' },
        ],
      }),
      f('orgCode', '科室编码', 'string', true, { codeSystem: `${OID}1.26` }),
      f('orgName', '科室名称', 'string', true),
      f('parentCode', '上级机构编码'),
      f('enabled', '是否启用', 'boolean'),
    ],
    ['orgCode'],
  ),
  svc(
    'ProviderInfoDelete',
    '医疗卫生人员信息删除服务',
    'Provider delete',
    '人员',
    'delete',
    'provider',
    '注销医务人员（标准无此消息，平台定义）。',
    [
      f('staffNo', '医务人员工号', 'string', true, { codeSystem: `${OID}1.4` }),
      f('staffName', '姓名'),
      f('reason', '删除原因'),
      ...OPERATOR,
    ],
    ['staffNo'],
  ),
  svc(
    'ProviderInfoPublish',
    '人员订阅信息同步服务',
    'Provider change publication',
    '人员',
    'publish',
    'provider',
    '平台把医务人员的新增、变更、删除推送给订阅系统。',
    [
      f('changeType', '变更类型', 'code', true, {
        options: [
          { code: 'add', display: '新增' },
          { code: 'update', display: '更新' },
          { code: 'delete', display: '删除' },
        ],
      }),
      f('staffNo', '医务人员工号', 'string', true, { codeSystem: `${OID}1.4` }),
      f('staffName', '姓名', 'string', true),
      ...DEPT,
      f('title', '职称'),
      f('enabled', '是否启用', 'boolean'),
    ],
    ['staffNo'],
  ),
  // 术语
  svc(
    'TerminologyDisable',
    '术语内容停用服务',
    'Terminology content disable',
    '术语',
    'cancel',
    'terminology',
    '停用术语中的一条或多条内容。',
    [
      ...TERM.slice(0, 2),
      f('codes', '停用代码', 'array', true, { fields: [f('code', '代码', 'string', true), f('name', '名称')] }),
      ...OPERATOR,
    ],
    ['codeSystem'],
  ),
  svc(
    'TerminologyAllQuery',
    '全术语内容查询服务',
    'Whole terminology query',
    '术语',
    'query',
    'terminology',
    '取某一术语的全部内容。',
    [TERM[0] as PrivateFieldSpec, TERM[2] as PrivateFieldSpec],
    ['codeSystem'],
  ),
  svc(
    'TerminologyStructureRegister',
    '术语结构注册服务',
    'Terminology structure register',
    '术语',
    'add',
    'terminologyStructure',
    '登记术语的字段结构。',
    TERM_STRUCTURE,
    ['codeSystem'],
  ),
  svc(
    'TerminologyStructureUpdate',
    '术语结构更新服务',
    'Terminology structure update',
    '术语',
    'update',
    'terminologyStructure',
    '修改术语的字段结构。',
    TERM_STRUCTURE,
    ['codeSystem'],
  ),
  svc(
    'TerminologyStructureDisable',
    '术语结构停用服务',
    'Terminology structure disable',
    '术语',
    'cancel',
    'terminologyStructure',
    '停用术语结构。',
    TERM,
    ['codeSystem'],
  ),
  svc(
    'TerminologyStructureQuery',
    '术语结构查询服务',
    'Terminology structure query',
    '术语',
    'query',
    'terminologyStructure',
    '查询术语的字段结构。',
    [TERM[0] as PrivateFieldSpec],
    ['codeSystem'],
  ),
  svc(
    'TerminologyMappingSchemeRegister',
    '术语对照方案注册服务',
    'Terminology mapping scheme register',
    '术语',
    'add',
    'terminologyMappingScheme',
    '登记两个术语之间的对照方案。',
    TERM_MAPPING_SCHEME,
    ['schemeCode'],
  ),
  svc(
    'TerminologyMappingSchemeUpdate',
    '术语对照方案更新服务',
    'Terminology mapping scheme update',
    '术语',
    'update',
    'terminologyMappingScheme',
    '修改对照方案。',
    TERM_MAPPING_SCHEME,
    ['schemeCode'],
  ),
  svc(
    'TerminologyMappingSchemeQuery',
    '术语对照方案查询服务',
    'Terminology mapping scheme query',
    '术语',
    'query',
    'terminologyMappingScheme',
    '查询对照方案。',
    [TERM_MAPPING_SCHEME[0] as PrivateFieldSpec, TERM_MAPPING_SCHEME[2] as PrivateFieldSpec],
    ['schemeCode'],
  ),
  svc(
    'TerminologyMappingSchemeCancel',
    '术语对照方案解除服务',
    'Terminology mapping scheme cancel',
    '术语',
    'cancel',
    'terminologyMappingScheme',
    '解除对照方案。',
    [TERM_MAPPING_SCHEME[0] as PrivateFieldSpec, ...OPERATOR],
    ['schemeCode'],
  ),
  svc(
    'TerminologyMappingRegister',
    '术语对照内容注册服务',
    'Terminology mapping register',
    '术语',
    'add',
    'terminologyMapping',
    '登记一条代码对照。',
    TERM_MAPPING,
    ['schemeCode', 'sourceCode'],
  ),
  svc(
    'TerminologyMappingUpdate',
    '术语对照内容更新服务',
    'Terminology mapping update',
    '术语',
    'update',
    'terminologyMapping',
    '修改代码对照。',
    TERM_MAPPING,
    ['schemeCode', 'sourceCode'],
  ),
  svc(
    'TerminologyMappingQuery',
    '术语对照内容查询服务',
    'Terminology mapping query',
    '术语',
    'query',
    'terminologyMapping',
    '查询代码对照。',
    [TERM_MAPPING[0] as PrivateFieldSpec, TERM_MAPPING[1] as PrivateFieldSpec],
    ['schemeCode', 'sourceCode'],
  ),
  svc(
    'TerminologyMappingCancel',
    '术语对照内容解除服务',
    'Terminology mapping cancel',
    '术语',
    'cancel',
    'terminologyMapping',
    '解除一条代码对照。',
    [TERM_MAPPING[0] as PrivateFieldSpec, TERM_MAPPING[1] as PrivateFieldSpec, ...OPERATOR],
    ['schemeCode', 'sourceCode'],
  ),
  svc(
    'TerminologySubscriptionPublish',
    '术语订阅信息同步服务',
    'Terminology change publication',
    '术语',
    'publish',
    'terminology',
    '平台把术语内容的变更推送给订阅系统。',
    [
      ...TERM.slice(0, 3),
      f('changeType', '变更类型', 'code', true, {
        options: [
          { code: 'add', display: '新增' },
          { code: 'update', display: '更新' },
          { code: 'disable', display: '停用' },
        ],
      }),
      f('entries', '术语内容', 'array', true, {
        fields: [f('code', '代码', 'string', true), f('name', '名称', 'string', true)],
      }),
    ],
    ['codeSystem'],
  ),
  svc(
    'TerminologyAllPublish',
    '全术语发布服务',
    'Whole terminology publication',
    '术语',
    'publish',
    'terminology',
    '平台发布某一术语的全部内容。',
    [
      ...TERM.slice(0, 3),
      f('entries', '术语内容', 'array', true, {
        fields: [f('code', '代码', 'string', true), f('name', '名称', 'string', true)],
      }),
    ],
    ['codeSystem'],
  ),
  svc(
    'TerminologyMappingSchemePublish',
    '术语对照方案发布服务',
    'Terminology mapping scheme publication',
    '术语',
    'publish',
    'terminologyMappingScheme',
    '平台发布对照方案。',
    TERM_MAPPING_SCHEME.slice(0, 4),
    ['schemeCode'],
  ),
  svc(
    'TerminologyMappingPublish',
    '术语对照内容发布服务',
    'Terminology mapping publication',
    '术语',
    'publish',
    'terminologyMapping',
    '平台发布对照内容。',
    TERM_MAPPING.slice(0, 5),
    ['schemeCode', 'sourceCode'],
  ),
  // 财务
  svc(
    'FinancialDetailInfoAdd',
    '计入财务处理明细信息服务',
    'Post detail financial transaction',
    '财务',
    'add',
    'chargeDetail',
    '收费明细计入财务（HL7 v2 DFT^P03 的同义消息）。',
    [
      ...PATIENT,
      f('chargeNo', '收费单号', 'string', true),
      f('items', '费用明细', 'array', true, {
        fields: [
          f('itemCode', '收费项目编码', 'string', true),
          f('itemName', '收费项目名称', 'string', true),
          f('quantity', '数量', 'number', true),
          f('unitPrice', '单价(元)', 'number', true),
          f('amount', '金额(元)', 'number', true),
          f('orderNo', '医嘱号'),
        ],
      }),
      f('totalAmount', '总金额(元)', 'number', true),
      ...DEPT,
      ...OPERATOR,
    ],
    ['chargeNo'],
  ),
  svc(
    'FeeStatusInfoUpdate',
    '费用状态更新服务',
    'Fee status update',
    '财务',
    'update',
    'chargeDetail',
    '收费、退费后通知执行科室费用状态。',
    [
      ...PATIENT,
      f('chargeNo', '收费单号', 'string', true),
      f('applicationNo', '电子申请单编号', 'string', false, { codeSystem: `${OID}1.24` }),
      f('orderNo', '医嘱号', 'string', false, { codeSystem: `${OID}1.28` }),
      f('feeStatus', '费用状态', 'code', true, {
        options: [
          { code: '1', display: '已收费' },
          { code: '2', display: '已退费' },
          { code: '0', display: '未收费' },
        ],
      }),
      ...OPERATOR,
    ],
    ['chargeNo'],
  ),
  // 支付
  ...crud(
    'RegistrationPayment',
    '门诊挂号支付信息',
    'Outpatient registration payment',
    '支付',
    'registrationPayment',
    '挂号费的支付与撤销。',
    PAY('支付'),
    ['tradeNo'],
    { stateField: 'status', states: PAYMENT_STATES },
    ['add', 'update'],
  ),
  ...crud(
    'OutPatientPayment',
    '门诊支付信息',
    'Outpatient payment',
    '支付',
    'outpatientPayment',
    '门诊处方、检查检验费用的支付。',
    PAY('支付'),
    ['tradeNo'],
    { stateField: 'status', states: PAYMENT_STATES },
    ['add', 'update'],
  ),
  ...crud(
    'InPatientPayment',
    '住院支付信息',
    'Inpatient payment',
    '支付',
    'inpatientPayment',
    '住院结算支付。',
    PAY('结算'),
    ['tradeNo'],
    { stateField: 'status', states: SETTLEMENT_STATES },
    ['add', 'update'],
  ),
  ...crud(
    'EncounterCardRecharge',
    '就诊卡充值信息',
    'Encounter card recharge',
    '支付',
    'cardRecharge',
    '就诊卡充值与撤销。',
    PAY('充值'),
    ['tradeNo'],
    { stateField: 'status', states: RECHARGE_STATES },
    ['add', 'update'],
  ),
  ...crud(
    'PrepaymentDeposit',
    '预交金缴存信息',
    'Inpatient prepayment deposit',
    '支付',
    'prepayment',
    '住院预交金缴存与撤销。',
    PAY('缴存'),
    ['tradeNo'],
    { stateField: 'status', states: RECHARGE_STATES },
    ['add', 'update'],
  ),
  // 输血
  ...crud(
    'BloodStockIn',
    '血液入库登记信息',
    'Blood stock-in',
    '输血',
    'bloodStockIn',
    '血站来血入库登记。',
    BLOOD_STOCK,
    ['bagNo'],
    {},
    ['add', 'update'],
  ),
  ...crud(
    'BloodStockOut',
    '血液出库登记信息',
    'Blood stock-out',
    '输血',
    'bloodStockOut',
    '发血出库登记。',
    [...PATIENT, f('applicationNo', '输血申请单编号', 'string', true, { codeSystem: `${OID}1.24` }), ...BLOOD_STOCK],
    ['bagNo'],
    {},
    ['add', 'update'],
  ),
  ...crud(
    'CrossMatchReport',
    '交叉配血报告',
    'Cross-match report',
    '输血',
    'crossMatch',
    '交叉配血结果报告。',
    [
      ...PATIENT,
      f('applicationNo', '输血申请单编号', 'string', true, { codeSystem: `${OID}1.24` }),
      f('reportNo', '报告单号', 'string', true),
      f('bagNo', '血袋编号', 'string', true),
      f('result', '配血结果', 'code', true, {
        options: [
          { code: '1', display: '相合' },
          { code: '2', display: '不相合' },
        ],
      }),
      f('method', '配血方法'),
      f('reportTime', '报告日期时间', 'datetime', true),
      f('reporterName', '报告人姓名'),
    ],
    ['reportNo'],
    {},
    ['add', 'update'],
  ),
  // 药品
  ...crud(
    'DrugStockIn',
    '药品入库登记信息',
    'Drug stock-in',
    '药品',
    'drugStockIn',
    '药品采购入库登记。',
    DRUG_STOCK,
    ['billNo'],
    {},
    ['add', 'update'],
  ),
  ...crud(
    'DrugStockOut',
    '药品出库登记信息',
    'Drug stock-out',
    '药品',
    'drugStockOut',
    '药品出库（发往药房、科室）登记。',
    DRUG_STOCK,
    ['billNo'],
    {},
    ['add', 'update'],
  ),
  // 单点登录
  svc(
    'SingleSignOn',
    '单点登录对接服务',
    'Single sign-on',
    '单点登录',
    'query',
    'ssoSession',
    '用户登录临床门户后，业务系统用票据换取用户身份。',
    [
      f('ticket', '登录票据', 'string', true),
      f('systemCode', '调用系统编码', 'string', true),
      f('staffNo', '医务人员工号', 'string', false, { codeSystem: `${OID}1.4` }),
      f('staffName', '姓名'),
      ...DEPT,
    ],
    ['ticket'],
  ),
];

// ---- fields and template of the XML form ----------------------------------------------------------------------------
export function privateFields(specs: readonly PrivateFieldSpec[], prefix: string): ServiceField[] {
  return specs.map((s) => {
    const type = s.type ?? 'string';
    const field: ServiceField = {
      key: s.key,
      label: s.label,
      type,
      required: s.required ?? false,
      v3Path: type === 'array' ? `${prefix}${s.key}/item` : `${prefix}${s.key}/@value`,
    };
    if (s.codeSystem) field.codeSystem = s.codeSystem;
    if (s.options) field.options = s.options;
    if (s.fields) field.fields = privateFields(s.fields, '');
    return field;
  });
}

function templateOf(specs: readonly PrivateFieldSpec[], indent: string): string {
  return specs
    .map((s) =>
      s.type === 'array'
        ? `${indent}<${s.key}>\n${indent}\t<item>\n${templateOf(s.fields ?? [], `${indent}\t\t`)}\n${indent}\t</item>\n${indent}</${s.key}>`
        : `${indent}<${s.key} value=""/>`,
    )
    .join('\n');
}

export function privateTemplate(spec: PrivateServiceSpec): string {
  const mood = spec.operation === 'query' ? 'ACTN' : 'CACT';
  const holder = spec.operation === 'query' ? 'queryByParameter' : 'subject';
  const open = holder === 'subject' ? `<subject typeCode="SUBJ">` : '<queryByParameter>';
  return (
    `<controlActProcess classCode="${mood}" moodCode="EVN">\n\t${open}\n\t\t<${spec.entity}>\n` +
    `${templateOf(spec.fields, '\t\t\t')}\n\t\t</${spec.entity}>\n\t</${holder}>\n</controlActProcess>`
  );
}
