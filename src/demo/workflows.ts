// What happens in the simulated hospital: one step per interaction service (and per demo topic), each acting on the
// records the hospital keeps (generator.ts) the way the real workflow goes — 挂号 → 医嘱/申请 → 执行/检查状态 in
// order → 报告; 手术申请 → 排班 → 手术状态 step by step; 输血申请 → 配血 → 出库 (or 取消 before 出库); 检查申请 → 退费
// before it starts; 预约 → 排班 → 完成/取消; 支付 → 取消; 危急值 上报 → 确认 → 处理; master data registered, then
// updated now and then. A step whose record does not exist yet first creates it, sent by the system that would
// (ensure*), so any step can run at any time and every message refers to records the clinical data repository
// knows, in a state that allows it. A record is taken (busy) while a message about it is on its way.
//
// Steps only build canonical JSON (or HL7 v2 / the kiosk's JSON) and hand it to `ctx.send`; wire.ts puts it on the
// wire, a unit test puts it through the catalogue's checks without any network.
import { bindingOf, machineOf, resolveState } from '../services/cdr/index.js';
import { getServiceDefinition, listServiceDefinitions, type ServiceField } from '../services/index.js';
import {
  BLOOD_PRODUCTS,
  checkStatusSteps,
  DRUGS,
  EXAMS,
  examStatusOrm,
  genderValue,
  LAB_STEPS,
  labResultOru,
  labValues,
  nextState,
  notStarted,
  OPERATIONS,
  operationStatusSteps,
  PHYSICAL_EXAM_PACKAGES,
  serviceJson,
  statesOf,
  v3Time,
  VALUE_SETS,
  type Application,
  type ApplicationKind,
  type Department,
  type Fill,
  type Held,
  type Hospital,
  type Patient,
  type Pool,
  type Random,
  type Rec,
  type RecordKind,
  type Staff,
  type Visit,
} from './generator.js';
import { DEMO_TOPICS, sendersOf } from './systems.js';

/** The labelled kinds of deliberately bad traffic: each must be refused, with its reason shown in the console. */
export type BadKind = 'malformed' | 'unknownReference' | 'illegalState';
export const BAD_KINDS: readonly BadKind[] = ['malformed', 'unknownReference', 'illegalState'];

/** One message a simulated system sends. */
export interface Outbound {
  system: string;
  /** The catalogue service or demo topic. */
  action: string;
  /** Catalogue services: the canonical JSON (V3 over the WebService, or JSON over REST, by the system's protocol). */
  json?: Record<string, unknown>;
  /** HL7 v2 text, sent over MLLP. */
  hl7v2?: string;
  /** The JSON body of a demo topic (REST). */
  body?: Record<string, unknown>;
  /** Deliberately bad, and how. */
  bad?: BadKind;
}

export interface WorkflowContext {
  hospital: Hospital;
  random: Random;
  /** Sends one message and waits for the answer: true when Hutong took it (AA, 2xx, a query's answer). */
  send(message: Outbound): Promise<boolean>;
}

export type Step = (ctx: WorkflowContext, system: string) => Promise<unknown>;

const def = (action: string) => {
  const d = getServiceDefinition(action);
  if (!d) throw new Error(`unknown service ${action}`);
  return d;
};

function message(
  system: string,
  action: string,
  subject: Visit | Patient | undefined,
  fill: Fill = {},
  bad?: BadKind,
): Outbound {
  return { system, action, json: serviceJson(def(action), subject, fill), ...(bad ? { bad } : {}) };
}

/** Runs `fn` on a taken record and releases it, whatever happens. */
async function holding<T extends Held>(pool: Pool<T>, item: T | undefined, fn: (item: T) => Promise<void>) {
  if (!item) return;
  try {
    await fn(item);
  } finally {
    pool.release(item);
  }
}

/** Runs `fn` on a registered department or staff member, taken meanwhile. */
function withRegistered<T extends Held & { registered: boolean }>(pool: Pool<T>, fn: (item: T) => Promise<void>) {
  return holding(
    pool,
    pool.take((t) => t.registered),
    fn,
  );
}

/** Adds a record that was just accepted, taken (busy) for the caller. */
function keep<T extends Held>(pool: Pool<T>, item: T): T {
  item.busy = true;
  return pool.add(item);
}

function fieldAt(action: string, path: string): ServiceField | undefined {
  let fields: readonly ServiceField[] | undefined = def(action).fields;
  let found: ServiceField | undefined;
  for (const key of path.split('.')) {
    found = fields?.find((f) => f.key === key);
    fields = found?.fields;
  }
  return found;
}

/**
 * The value of `action`'s state field that the repository reads as `state`: one of the field's codes where the
 * standard enumerates them (检查预约 carries V3 active/inactive), else the state's own code.
 */
export function stateValue(action: string, state: string): string | undefined {
  const binding = bindingOf(action);
  const states = statesOf(action);
  const machine = machineOf(states);
  if (!binding || !machine) return undefined;
  const path = binding.splitBy ? `${binding.splitBy}.${binding.stateFrom[0]}` : binding.stateFrom[0]!;
  const options = fieldAt(action, path)?.options ?? fieldAt(action, binding.stateFrom[0]!)?.options;
  if (!options || options.length === 0) return states.some((s) => s.code === state) ? state : undefined;
  return options.map((o) => o.code).find((c) => resolveState(machine, c)?.code === state);
}

function genders(action: string, gender: '1' | '2', code = 'administrativeGenderCode'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of [code, `${code}Name`]) {
    const f = fieldAt(action, key);
    const v = f ? genderValue(f, gender) : undefined;
    if (v !== undefined) out[key] = v;
  }
  return out;
}

const money = (random: Random, min: number, max: number) => +(random.int(min * 100, max * 100) / 100).toFixed(2);
const payMethod = (random: Random) => random.pick(['1', '2', '3', '4', '5']);

// ---------------------------------------------------------------------------------------------------------------------
// Master data (主数据): departments, staff, terminology — registered at start, then now and then updated

async function registerDepartment(ctx: WorkflowContext, system: string, dept: Department): Promise<boolean> {
  const ok = await ctx.send(
    message(system, 'OrganizationInfoRegister', undefined, {
      set: {
        assignedEntityId: dept.code,
        assignedEntityCode: dept.discipline,
        codeName: dept.disciplineName,
        assignedEntityName: dept.name,
        addr: `门诊楼${ctx.random.int(1, 5)}层`,
        telecom: `0755-8${ctx.random.int(1000000, 9999999)}`,
        scoper2Name: '互通示范医院',
        representedOrganizationName: '互通示范医院',
      },
    }),
  );
  if (ok) dept.registered = true;
  return ok;
}

async function registerStaff(ctx: WorkflowContext, system: string, staff: Staff): Promise<boolean> {
  const action = 'ProviderInfoRegister';
  const ok = await ctx.send(
    message(system, action, undefined, {
      set: {
        healthCareProviderStaffNo: staff.staffNo,
        assignedEntityStaffNo: staff.staffNo,
        healthCareProviderCode: staff.title.code,
        codeName: staff.title.name,
        healthCarePrincipalPersonName: staff.name,
        idCardNo: staff.idCardNo,
        birthTime: staff.birthDate,
        ...genders(action, staff.gender),
        affiliatedPrincipalOrganizationId: staff.dept.code,
        affiliatedPrincipalOrganizationName: staff.dept.name,
        representedOrganizationId: staff.dept.code,
        representedOrganizationName: staff.dept.name,
        telecom: `0755-8${ctx.random.int(1000000, 9999999)}`,
      },
    }),
  );
  if (ok) staff.registered = true;
  return ok;
}

function registeredDepartment(ctx: WorkflowContext): Department {
  return ctx.hospital.departments.any((d) => d.registered && !d.temporary) ?? ctx.hospital.departments.list()[0]!;
}

async function temporaryDepartment(ctx: WorkflowContext, fresh = false): Promise<Department | undefined> {
  const pool = ctx.hospital.departments;
  const dept = fresh ? undefined : pool.take((d) => d.registered && d.temporary);
  if (dept) return dept;
  const created = ctx.hospital.newTemporaryDepartment();
  if (pool.list().some((d) => d.key === created.key)) return undefined;
  return (await registerDepartment(ctx, 'MDM', created)) ? keep(pool, created) : undefined;
}

async function temporaryStaff(ctx: WorkflowContext, fresh = false): Promise<Staff | undefined> {
  const pool = ctx.hospital.staff;
  const staff = fresh ? undefined : pool.take((s) => s.registered && s.temporary);
  if (staff) return staff;
  // 进修医生: registered for their stay, deleted when it ends.
  const created = ctx.hospital.newStaff(registeredDepartment(ctx), true);
  return (await registerStaff(ctx, 'MDM', created)) ? keep(pool, created) : undefined;
}

interface ValueSet {
  id: string;
  name: string;
  items: ReadonlyArray<readonly [string, string]>;
}

function valueSetOf(rec: Rec): ValueSet {
  const known = VALUE_SETS.find((v) => v.id === rec.key);
  return (
    known ?? {
      id: rec.key,
      name: rec.values.name ?? rec.key,
      items: [
        ['1', '是'],
        ['0', '否'],
      ],
    }
  );
}

async function registerValueSet(ctx: WorkflowContext, system: string): Promise<Rec | undefined> {
  const pool = ctx.hospital.pool('valueSet');
  const known = VALUE_SETS.find((v) => !pool.list().some((r) => r.key === v.id));
  const set: ValueSet = known ?? {
    id: `HOSP.${ctx.random.int(100, 999)}`,
    name: ctx.random.pick(['院内护理等级', '院内饮食类别', '院内床位类型']),
    items: [
      ['1', '是'],
      ['0', '否'],
    ],
  };
  if (pool.list().some((r) => r.key === set.id)) return undefined;
  const ok = await ctx.send(
    message(system, 'TerminologyRegister', undefined, {
      lists: { subject1List: [valueSetItem(set, 1)] },
      set: { assignedPersonName: '主数据管理员' },
    }),
  );
  return ok ? keep(pool, ctx.hospital.record(set.id, { name: set.name, version: '1' })) : undefined;
}

function valueSetItem(set: ValueSet, version: number): Record<string, unknown> {
  return {
    valueSetId: set.id,
    desc: set.name,
    valueSetStatusCode: '1',
    versionCode: String(version),
    versionName: `${set.name} V${version}`,
    valueSetItemsList: set.items.map(([code, codeName]) => ({ code, codeName, statusCode: '1' })),
  };
}

async function activeValueSet(ctx: WorkflowContext, system: string): Promise<Rec | undefined> {
  return ctx.hospital.pool('valueSet').take() ?? (await registerValueSet(ctx, system));
}

const STRUCTURES = [
  {
    code: 'HOSP.DRUG',
    name: '院内药品字典',
    fields: [
      ['drugCode', '药品编码'],
      ['drugName', '药品名称'],
      ['spec', '规格'],
    ],
  },
  {
    code: 'HOSP.ITEM',
    name: '院内收费项目',
    fields: [
      ['itemCode', '项目编码'],
      ['itemName', '项目名称'],
      ['price', '单价'],
    ],
  },
  {
    code: 'HOSP.LAB',
    name: '院内检验项目',
    fields: [
      ['testCode', '项目编码'],
      ['testName', '项目名称'],
      ['unit', '单位'],
    ],
  },
] as const;

async function terminologyStructure(ctx: WorkflowContext, system: string): Promise<Rec | undefined> {
  const pool = ctx.hospital.pool('structure');
  const existing = pool.take();
  if (existing) return existing;
  const s = STRUCTURES.find((x) => !pool.list().some((r) => r.key === x.code));
  if (!s) return undefined;
  const ok = await ctx.send(
    message(system, 'TerminologyStructureRegister', undefined, {
      set: { codeSystem: s.code, codeSystemName: s.name, version: '1', operatorName: '主数据管理员' },
      lists: { structure: s.fields.map(([fieldCode, fieldName]) => ({ fieldCode, fieldName, fieldType: 'string' })) },
    }),
  );
  return ok ? keep(pool, ctx.hospital.record(s.code, { name: s.name, version: '1' })) : undefined;
}

async function mappingScheme(ctx: WorkflowContext, system: string, fresh = false): Promise<Rec | undefined> {
  const pool = ctx.hospital.pool('scheme');
  const existing = fresh ? undefined : pool.take();
  if (existing) return existing;
  const code = `MAP-${ctx.random.pick(['YBYP', 'YBXM', 'GBZD'])}-${ctx.random.int(10, 99)}`;
  if (pool.list().some((r) => r.key === code)) return undefined;
  const name = code.includes('YBYP')
    ? '院内药品-医保药品对照'
    : code.includes('YBXM')
      ? '收费项目-医保项目对照'
      : '院内诊断-ICD-10对照';
  const ok = await ctx.send(
    message(system, 'TerminologyMappingSchemeRegister', undefined, {
      set: {
        schemeCode: code,
        schemeName: name,
        sourceCodeSystem: 'HOSP.DRUG',
        targetCodeSystem: 'YB.DRUG',
        operatorName: '主数据管理员',
      },
    }),
  );
  return ok ? keep(pool, ctx.hospital.record(code, { name })) : undefined;
}

async function mapping(ctx: WorkflowContext, system: string): Promise<Rec | undefined> {
  const pool = ctx.hospital.pool('mapping');
  const existing = pool.take();
  if (existing) return existing;
  const scheme = await mappingScheme(ctx, system);
  if (!scheme) return undefined;
  const schemes = ctx.hospital.pool('scheme');
  let rec: Rec | undefined;
  await holding(schemes, scheme, async () => {
    const drug = ctx.random.pick(DRUGS);
    const target = `XA01${ctx.random.int(100000, 999999)}`;
    const ok = await ctx.send(
      message(system, 'TerminologyMappingRegister', undefined, {
        set: {
          schemeCode: scheme.key,
          sourceCode: drug.code,
          sourceName: drug.name,
          targetCode: target,
          targetName: drug.name,
          operatorName: '主数据管理员',
        },
      }),
    );
    if (ok) {
      rec = keep(
        pool,
        ctx.hospital.record(`${scheme.key}|${drug.code}`, {
          scheme: scheme.key,
          source: drug.code,
          name: drug.name,
          target,
        }),
      );
    }
  });
  return rec;
}

// ---------------------------------------------------------------------------------------------------------------------
// Patients and visits (就诊)

async function registerPatient(ctx: WorkflowContext, patient: Patient): Promise<boolean> {
  const action = 'PatientInfoRegister';
  const ok = await ctx.send(
    message('HIS', action, patient, {
      set: {
        patientPersonTelecom: patient.phone,
        ...genders(action, patient.gender),
        addr: `${ctx.random.pick(['深圳市南山区', '深圳市福田区', '广州市天河区'])}${ctx.random.int(1, 300)}号`,
        relationshipHolder1Name: `${patient.name.slice(0, 1)}家属`,
      },
      lists: { asOtherIDsList: [{ cardNo: patient.cardNo, orgCode: '455777001' }] },
    }),
  );
  if (ok) patient.registered = true;
  return ok;
}

/** A registered patient: mostly a returning one, sometimes someone new. */
async function patientOf(ctx: WorkflowContext, fresh = 0.4): Promise<Patient | undefined> {
  const pool = ctx.hospital.patients;
  const known = ctx.random.chance(fresh) ? undefined : pool.any((p) => p.registered && !p.duplicateOf);
  if (known) return known;
  const patient = ctx.hospital.newPatient();
  if (!(await registerPatient(ctx, patient))) return undefined;
  pool.add(patient);
  return patient;
}

async function openOutpatientVisit(ctx: WorkflowContext, patient?: Patient): Promise<Visit | undefined> {
  const p = patient ?? (await patientOf(ctx));
  if (!p) return undefined;
  const visit = ctx.hospital.newVisit(p, 'outpatient');
  // 自助挂号: the kiosk registers the visit (门诊挂号新增 → HIS, PACS, EMR).
  const ok = await ctx.send(
    message('KIOSK', 'OutPatientInfoAdd', visit, {
      set: {
        outpatientNo: visit.visitNo,
        visitTimes: String(ctx.random.int(1, 6)),
        staffNo: visit.doctor.staffNo,
        assignedPersonName: visit.doctor.name,
        locationId: visit.dept.code,
        locationName: visit.dept.name,
        reasonCodeOriginalText: visit.diagnosis.name,
      },
    }),
  );
  return ok ? ctx.hospital.visits.add(visit) : undefined;
}

async function admit(ctx: WorkflowContext): Promise<Visit | undefined> {
  const p = await patientOf(ctx);
  if (!p) return undefined;
  const visit = ctx.hospital.newVisit(p, 'inpatient');
  const ok = await ctx.send(
    message('HIS', 'InPatientInfoAdd', visit, {
      set: {
        inpatientNo: visit.visitNo,
        staffNo: visit.doctor.staffNo,
        assignedPersonName: visit.doctor.name,
        locationId: visit.dept.code,
        locationName: visit.dept.name,
        locationLocatedEntityHasPartsLocatedPlaceName: `${ctx.random.int(1, 30)}床`,
        reasonCodeOriginalText: visit.diagnosis.name,
      },
      lists: { reasonList: [{ observationDxCode: visit.diagnosis.code, observationDxName: visit.diagnosis.name }] },
    }),
  );
  return ok ? ctx.hospital.visits.add(visit) : undefined;
}

/** Runs `fn` on an inpatient not yet discharged (admitted first when there is none), taken meanwhile. */
async function withInpatient(ctx: WorkflowContext, fn: (visit: Visit) => Promise<void>): Promise<void> {
  const pool = ctx.hospital.visits;
  const inHospital = (v: Visit) => v.inpatient && !v.discharged;
  if (!pool.any(inHospital)) await admit(ctx);
  await holding(pool, pool.take(inHospital), fn);
}

/** A visit still open (门诊, or 住院 not discharged); created when the hospital has none. */
async function openVisit(ctx: WorkflowContext, inpatient?: boolean): Promise<Visit | undefined> {
  const kind = inpatient === undefined ? undefined : inpatient ? 'inpatient' : 'outpatient';
  const found = ctx.hospital.visits.any(
    (v) => v.kind !== 'checkup' && !v.discharged && (kind === undefined || v.kind === kind),
  );
  if (found) return found;
  return (inpatient ?? ctx.random.chance(0.4)) ? admit(ctx) : openOutpatientVisit(ctx);
}

async function checkupVisit(ctx: WorkflowContext): Promise<Visit | undefined> {
  const appt = ctx.hospital
    .pool('physicalExamAppointment')
    .any((r) => r.state !== 'cancelled' && r.state !== 'rejected');
  if (appt?.visit) return appt.visit;
  const created = await physicalExamAppointment(ctx);
  if (!created) return undefined;
  ctx.hospital.pool('physicalExamAppointment').release(created);
  return created.visit;
}

async function physicalExamAppointment(ctx: WorkflowContext): Promise<Rec | undefined> {
  const action = 'PhysicalExamAppointStatusInfoAdd';
  const p = await patientOf(ctx, 0.6);
  if (!p) return undefined;
  const state = nextState(statesOf(action), null, ctx.random)!;
  const pkg = ctx.random.pick(PHYSICAL_EXAM_PACKAGES);
  const visit = ctx.hospital.newVisit(p, 'checkup');
  const ok = await ctx.send(
    message('CHECKUP', action, p, {
      set: {
        appointNo: visit.visitNo,
        packageCode: pkg.code,
        packageName: pkg.name,
        status: stateValue(action, state),
        operatorName: '体检登记员',
      },
    }),
  );
  if (!ok) return undefined;
  ctx.hospital.visits.add(visit);
  const rec = ctx.hospital.record(visit.visitNo, { package: pkg.name }, { visit, patient: p });
  rec.state = state;
  return keep(ctx.hospital.pool('physicalExamAppointment'), rec);
}

// ---------------------------------------------------------------------------------------------------------------------
// Orders and applications (医嘱 / 申请单)

const APPLICATION = {
  lab: { action: 'ExamAppInfoAdd', update: 'ExamAppInfoUpdate', prefix: 'JY' },
  check: { action: 'CheckAppInfoAdd', update: 'CheckAppInfoUpdate', prefix: 'JC' },
  pathology: { action: 'PathologyAppInfoAdd', update: 'PathologyAppInfoUpdate', prefix: 'BL' },
  blood: { action: 'BloodTransAppInfoAdd', update: 'BloodTransAppInfoUpdate', prefix: 'SX' },
  operation: { action: 'OperationAppInfoAdd', update: 'OperationAppInfoUpdate', prefix: 'SS' },
  consultation: { action: 'ConsultationAppInfoAdd', update: 'ConsultationAppInfoUpdate', prefix: 'HZ' },
} as const;

const LAB_ITEMS = ['血常规', '肝功能', '肾功能', '血糖', '血脂四项', '凝血四项'];

/** The fields an application carries beyond its visit: its number, its order, what is asked for, by whom. */
function applicationFill(ctx: WorkflowContext, app: Application): Fill {
  const v = app.visit;
  const doctor = { staffNo: v.doctor.staffNo, name: v.doctor.name };
  switch (app.kind) {
    case 'lab':
      return {
        set: {
          applicationNo: app.applicationNo,
          observationRequestText: ctx.random.pick(LAB_ITEMS),
          authorAssignedEntityId: doctor.staffNo,
        },
        lists: {
          component2List: [
            {
              orderId: app.orderId,
              codeName: ctx.random.pick(LAB_ITEMS),
              deptCode: '0701',
              serviceProviderOrganizationName: '检验科',
            },
          ],
        },
      };
    case 'check':
      return {
        set: {
          applicationNo: app.applicationNo,
          observationRequestText: app.exam!.name,
          authorAssignedEntityStaffNo: doctor.staffNo,
        },
        lists: {
          component2List: [
            {
              orderId: app.orderId,
              codeName: app.exam!.name,
              methodCodeName: app.exam!.modality,
              deptCode: '0702',
              serviceProviderOrganizationName: '医学影像科',
            },
          ],
        },
      };
    case 'pathology':
      return {
        set: {
          applicationNo: app.applicationNo,
          observationRequestText: '术中冰冻病理检查',
          authorAssignedEntityStaffNo: doctor.staffNo,
        },
        lists: {
          component2List: [
            {
              observationRequestId: app.orderId,
              codeName: '组织病理学检查',
              deptCode: '0703',
              serviceProviderOrganizationName: '病理科',
            },
          ],
        },
      };
    case 'blood':
      return {
        set: {
          applicationNo: app.applicationNo,
          procedureRequestText: `${ctx.random.pick(BLOOD_PRODUCTS).name} ${ctx.random.int(1, 4)}U`,
        },
      };
    case 'operation': {
      const name = ctx.random.pick(OPERATIONS);
      return {
        set: {
          applicationNo: app.applicationNo,
          procedureRequestText: name,
          authorAssignedEntityStaffNo: doctor.staffNo,
          authorAssignedEntityAssignedPersonName: doctor.name,
        },
        lists: {
          procedureRequestList: [
            {
              id: app.orderId,
              codeName: name,
              staffNo: doctor.staffNo,
              assignedPersonName: doctor.name,
              assignedEntityCodeName: doctor.name,
              deptCode: v.dept.code,
            },
          ],
        },
      };
    }
    case 'consultation': {
      const invited = registeredDepartment(ctx);
      return {
        set: {
          applicationNo: app.applicationNo,
          consultationType: ctx.random.pick(['1', '1', '2', '3']),
          purpose: `${v.diagnosis.name}，请${invited.name}会诊`,
          applyDoctorId: doctor.staffNo,
          applyDoctorName: doctor.name,
          invitedDeptCode: invited.code,
          invitedDeptName: invited.name,
          status: '1',
        },
      };
    }
  }
}

/** Places an application (HIS, or the 体检 system for its own patients) and returns it taken. */
async function placeApplication(
  ctx: WorkflowContext,
  kind: ApplicationKind,
  placer = 'HIS',
  sender = placer,
): Promise<Application | undefined> {
  const checkup = placer === 'CHECKUP';
  const visit = checkup
    ? await checkupVisit(ctx)
    : await openVisit(ctx, kind === 'blood' || kind === 'operation' || kind === 'consultation' ? true : undefined);
  if (!visit) return undefined;
  const spec = APPLICATION[kind];
  const app: Application = {
    key: '',
    applicationNo: ctx.hospital.number(checkup ? `TJ${spec.prefix}` : spec.prefix),
    kind,
    visit,
    placer,
    orderId: ctx.hospital.number(checkup ? 'TJYZ' : 'YZ'),
    state: null,
    step: 0,
    issued: [],
    scheduled: false,
    closed: false,
    ...(kind === 'check' ? { exam: ctx.random.pick(EXAMS) } : {}),
  };
  app.key = app.applicationNo;
  const ok = await ctx.send(message(sender, spec.action, visit, applicationFill(ctx, app)));
  return ok ? keep(ctx.hospital.applications[kind], app) : undefined;
}

/** An application of `kind` matching `pred`, taken; a new one is placed when none is. */
async function application(
  ctx: WorkflowContext,
  kind: ApplicationKind,
  pred: (a: Application) => boolean,
  create = true,
): Promise<Application | undefined> {
  const found = ctx.hospital.applications[kind].take((a) => !a.closed && pred(a));
  if (found || !create) return found;
  const app = await placeApplication(ctx, kind, kind === 'consultation' ? 'EMR' : 'HIS');
  if (app && !pred(app)) {
    ctx.hospital.applications[kind].release(app);
    return undefined;
  }
  return app;
}

async function placeOrders(ctx: WorkflowContext, visit: Visit): Promise<boolean> {
  const count = ctx.random.int(1, 2);
  const prescriptionNo = ctx.hospital.number('CF');
  const orders = Array.from({ length: count }, (_, i) => {
    const drug = ctx.random.chance(0.7) ? ctx.random.pick(DRUGS) : undefined;
    return {
      key: ctx.hospital.number('YZ'),
      orderId: '',
      visit,
      kind: drug ? ('drug' as const) : ('treatment' as const),
      item: drug ? drug.name : ctx.random.pick(['静脉输液', '换药', '雾化吸入', '血糖监测']),
      drug,
      prescriptionNo,
      stopped: false,
      seq: i + 1,
    };
  });
  for (const o of orders) o.orderId = o.key;
  const ok = await ctx.send(
    message('HIS', 'OrderInfoAdd', visit, {
      set: {
        authorAssignedEntityStaffNo: visit.doctor.staffNo,
        authorAssignedEntityAssignedPersonName: visit.doctor.name,
        deptCode: visit.dept.code,
        representedOrganizationName: visit.dept.name,
        cardNo: visit.patient.cardNo,
      },
      lists: {
        component2List: orders.map((o) => ({
          sequenceNumber: o.seq,
          orderId: o.orderId,
          substanceAdministrationRequestCode: o.drug ? '01' : '05',
          substanceAdministrationRequestCodeName: o.drug ? '药品类医嘱' : '处置类医嘱',
          substanceAdministrationRequestText: o.item,
          substanceAdministrationRequestStatusCode: 'active',
          routeCode: o.drug?.route ?? '1',
          routeCodeName: o.drug?.routeName ?? '口服',
          administrationUnitCode: o.drug?.form ?? '00',
          administrationUnitCodeName: o.drug?.formName ?? '原料',
          manufacturedProductName: o.drug?.name ?? o.item,
          deptCode: visit.dept.code,
          locationName: visit.dept.name,
        })),
      },
    }),
  );
  if (ok) {
    for (const o of orders) {
      ctx.hospital.orders.add({
        key: o.key,
        orderId: o.orderId,
        visit,
        kind: o.kind,
        item: o.item,
        prescriptionNo,
        stopped: false,
      });
    }
  }
  return ok;
}

async function order(ctx: WorkflowContext, kind?: 'drug' | 'treatment') {
  const pool = ctx.hospital.orders;
  const pred = (o: { stopped: boolean; kind: string }) => !o.stopped && (kind === undefined || o.kind === kind);
  let found = pool.take(pred);
  for (let i = 0; !found && i < 3; i++) {
    const visit = await openVisit(ctx);
    if (!visit || !(await placeOrders(ctx, visit))) return undefined;
    found = pool.take(pred);
  }
  return found;
}

// ---------------------------------------------------------------------------------------------------------------------
// Workflow advances shared by the steps and by ensure*

/** LIS: the next 标本 step of a lab application (条码打印 → 标本采集 → … → 标本检测; 已出报告 after the report). */
async function advanceLab(ctx: WorkflowContext, app: Application): Promise<boolean> {
  const step = LAB_STEPS[app.step];
  if (!step || (step.code === 'SE09' && !app.results)) return false;
  const action = 'ExamStatusInfoUpdate';
  const ok = await ctx.send(
    message('LIS', action, app.visit, {
      set: {
        applicationNo: app.applicationNo,
        modeCode: step.code,
        modeCodeName: step.name,
        modeCodeOriginalText: `${step.code} ${step.name}`,
        observationReportStatusCode: step.code,
        specimenId: `BB${app.applicationNo.slice(-8)}`,
        assignedPersonName: '检验科技师',
        representedOrganizationName: '检验科',
      },
    }),
  );
  if (ok) {
    app.state = step.code;
    app.step++;
    if (step.code === 'SE09') app.closed = true;
  }
  return ok;
}

/** LIS: the report of a lab application whose specimen was tested, over MLLP (ORU^R01). */
async function reportLab(ctx: WorkflowContext, app: Application): Promise<boolean> {
  const values = labValues(ctx.random);
  const ok = await ctx.send({
    system: 'LIS',
    action: 'LabReportV2',
    hl7v2: labResultOru(app.visit, app.applicationNo, ctx.hospital.number('LIS'), values),
  });
  if (ok) app.results = values;
  return ok;
}

const labReady = (a: Application) => a.step === LAB_STEPS.length - 1 && !a.results;

/** A lab application with its report out (for 危急值): driven through its workflow when none is. */
async function reportedLab(ctx: WorkflowContext): Promise<Application | undefined> {
  const found = ctx.hospital.applications.lab.take((a) => !!a.results);
  if (found) return found;
  const app = await application(ctx, 'lab', (a) => !a.results && a.placer === 'HIS');
  if (!app) return undefined;
  while (!labReady(app) && (await advanceLab(ctx, app)));
  if (labReady(app) && (await reportLab(ctx, app))) return app;
  ctx.hospital.applications.lab.release(app);
  return undefined;
}

/** PACS: the next 检查状态 of an examination, in the repository's order for its modality. */
async function advanceCheck(ctx: WorkflowContext, app: Application, bad?: BadKind): Promise<boolean> {
  const steps = checkStatusSteps(app.exam!.modality);
  const step = steps[app.step];
  if (!step) return false;
  const v = app.visit;
  const ok = await ctx.send(
    message(
      'PACS',
      'CheckStatusInfoUpdate',
      v,
      {
        lists: {
          component2List: [
            {
              applicationNo: app.applicationNo,
              processStepCode: step.code,
              codeName: step.name,
              staffNo: 'T0702',
              assignedPersonName: '影像科技师',
              deptCode: '0702',
              serviceProviderOrganizationName: '医学影像科',
            },
          ],
        },
      },
      bad,
    ),
  );
  if (ok && !bad) {
    app.step++;
    if (step.state) app.state = step.state;
    if (app.step >= steps.length) app.closed = true;
  }
  return ok;
}

/** An operation application scheduled (手术排班) and not finished, taken. */
async function scheduledOperation(ctx: WorkflowContext, pred: (a: Application) => boolean = () => true) {
  const pool = ctx.hospital.applications.operation;
  const found = pool.take((a) => a.scheduled && !a.closed && pred(a));
  if (found) return found;
  const app = await application(ctx, 'operation', (a) => !a.scheduled);
  if (!app) return undefined;
  if ((await scheduleOperation(ctx, app)) && pred(app)) return app;
  pool.release(app);
  return undefined;
}

async function scheduleOperation(ctx: WorkflowContext, app: Application): Promise<boolean> {
  const v = app.visit;
  const room = `第${ctx.random.int(1, 12)}手术室`;
  const ok = await ctx.send(
    message('HIS', 'OperationScheduleInfoAdd', v, {
      set: {
        actAppointmentId: ctx.hospital.number('PB'),
        applicationNo: app.applicationNo,
        inpatientNo: v.visitNo,
        manufacturedDeviceName: room,
        deptCode: v.dept.code,
        addr: room,
        locationName: '手术室',
      },
      lists: {
        performerList: [{ staffNo: v.doctor.staffNo, codeName: '主刀医生', assignedPersonName: v.doctor.name }],
      },
    }),
  );
  if (ok) {
    app.scheduled = true;
    ctx.hospital
      .pool('operationSchedule')
      .add(ctx.hospital.record(app.applicationNo, { room }, { visit: v, application: app }));
  }
  return ok;
}

async function operationStep(ctx: WorkflowContext, app: Application, skip = 0, bad?: BadKind): Promise<boolean> {
  const steps = operationStatusSteps();
  const step = steps[app.step + skip];
  if (!step) return false;
  const v = app.visit;
  const ok = await ctx.send(
    message(
      'ANES',
      'OperationStatusInfoUpdate',
      v,
      {
        lists: {
          component2List: [
            {
              applicationNo: app.applicationNo,
              processStepCode: step.code,
              codeName: step.name,
              staffNo: 'M2601',
              assignedPersonName: '麻醉科护士',
              deptCode: '2601',
              serviceProviderOrganizationName: '麻醉科',
            },
          ],
        },
      },
      bad,
    ),
  );
  if (ok && !bad) {
    app.step++;
    app.state = step.state;
    if (app.step >= steps.length) app.closed = true;
  }
  return ok;
}

/** A blood bag in stock (血液入库), taken. */
async function bloodBag(ctx: WorkflowContext): Promise<Rec | undefined> {
  const pool = ctx.hospital.pool('bloodBag');
  const found = pool.take((r) => r.state === 'stock');
  if (found) return found;
  const product = ctx.random.pick(BLOOD_PRODUCTS);
  const bag = ctx.hospital.record(ctx.hospital.number('XD'), {
    productCode: product.code,
    productName: product.name,
    abo: ctx.random.pick(['A', 'B', 'O', 'AB']),
    rh: ctx.random.chance(0.97) ? '+' : '-',
  });
  const ok = await ctx.send(message('BLOOD', 'BloodStockInAdd', undefined, { set: bagFields(bag) }));
  if (!ok) return undefined;
  bag.state = 'stock';
  return keep(pool, bag);
}

function bagFields(bag: Rec): Record<string, unknown> {
  const v = bag.values;
  return {
    bagNo: bag.key,
    productCode: v.productCode,
    productName: v.productName,
    aboGroup: v.abo,
    rhGroup: v.rh,
    volume: 200,
    volumeUnit: 'ml',
    expireTime: v3Time(new Date(Date.now() + 35 * 86400_000)),
    operatorName: '血库技师',
  };
}

/** A transfusion request cross-matched with a bag (配血) and not yet issued, taken. */
async function matchedTransfusion(ctx: WorkflowContext): Promise<Application | undefined> {
  const found = ctx.hospital.applications.blood.take((a) => !a.closed && !!a.matchedBag);
  if (found) return found;
  const app = await application(ctx, 'blood', (a) => !a.matchedBag);
  if (!app) return undefined;
  if (await crossMatch(ctx, app)) return app;
  ctx.hospital.applications.blood.release(app);
  return undefined;
}

async function crossMatch(ctx: WorkflowContext, app: Application): Promise<boolean> {
  const bags = ctx.hospital.pool('bloodBag');
  const bag = await bloodBag(ctx);
  if (!bag) return false;
  let ok = false;
  await holding(bags, bag, async () => {
    const reportNo = ctx.hospital.number('PX');
    ok = await ctx.send(
      message('BLOOD', 'CrossMatchReportAdd', app.visit, {
        set: {
          applicationNo: app.applicationNo,
          reportNo,
          bagNo: bag.key,
          result: '1',
          method: '微柱凝胶法',
          reporterName: '血库技师',
        },
      }),
    );
    if (ok) {
      app.matchedBag = bag.key;
      bag.state = 'matched';
      bag.application = app;
      ctx.hospital
        .pool('crossMatch')
        .add(ctx.hospital.record(reportNo, { bag: bag.key }, { visit: app.visit, application: app }));
    }
  });
  return ok;
}

/** A critical value in `state`, taken; reported (and confirmed) first when the hospital has none. */
async function criticalValue(ctx: WorkflowContext, position: number): Promise<Rec | undefined> {
  const states = statesOf('CriticalValueInfoAdd');
  const wanted = states[position]?.code;
  const pool = ctx.hospital.pool('criticalValue');
  const found = pool.take((r) => r.state === wanted);
  if (found) return found;
  const rec = await reportCritical(ctx);
  if (!rec) return undefined;
  for (let i = 0; i < position; i++) {
    if (!(await advanceCritical(ctx, rec, i === 0 ? 'NURSING' : 'EMR'))) {
      pool.release(rec);
      return undefined;
    }
  }
  return rec;
}

async function reportCritical(ctx: WorkflowContext): Promise<Rec | undefined> {
  const action = 'CriticalValueInfoAdd';
  const app = await reportedLab(ctx);
  if (!app) return undefined;
  let rec: Rec | undefined;
  await holding(ctx.hospital.applications.lab, app, async () => {
    const value = app.results!.find((r) => r.flag !== 'N') ?? app.results![0]!;
    const state = nextState(statesOf(action), null, ctx.random)!;
    const criticalNo = ctx.hospital.number('WJ');
    const ok = await ctx.send(
      message('LIS', action, app.visit, {
        set: {
          criticalNo,
          source: 'LIS',
          applicationNo: app.applicationNo,
          itemName: value.name,
          resultValue: String(value.value),
          unit: value.unit,
          referenceRange: `${value.low}-${value.high}`,
          reporterName: '检验科技师',
          status: stateValue(action, state),
        },
      }),
    );
    if (ok) {
      rec = keep(
        ctx.hospital.pool('criticalValue'),
        ctx.hospital.record(criticalNo, { item: value.name }, { visit: app.visit, application: app }),
      );
      rec.state = state;
    }
  });
  return rec;
}

/** 危急值确认 (the ward's nurse) and 危急值处理 (the doctor): the critical value's next state. */
async function advanceCritical(ctx: WorkflowContext, rec: Rec, system: string): Promise<boolean> {
  const states = statesOf('CriticalValueInfoAdd');
  const index = states.findIndex((s) => s.code === rec.state);
  const action = index === 0 ? 'CriticalValueConfirm' : 'CriticalValueHandle';
  const next = nextState(states, rec.state, ctx.random);
  if (!next) return false;
  const ok = await ctx.send(
    message(system, action, undefined, {
      set: {
        criticalNo: rec.key,
        status: stateValue(action, next),
        operatorId: rec.visit?.doctor.staffNo ?? 'N0001',
        operatorName: system === 'NURSING' ? '病区护士' : (rec.visit?.doctor.name ?? '主治医师'),
        ...(action === 'CriticalValueHandle' ? { measure: '已通知主治医师，复查并调整治疗方案' } : {}),
      },
    }),
  );
  if (ok) rec.state = next;
  return ok;
}

/** Moves a stateful record (预约, 支付 …) along its machine with `action`; removes it once final. */
async function advanceRecord(
  ctx: WorkflowContext,
  kind: RecordKind,
  system: string,
  action: string,
  build: (rec: Rec, state: string, value: string) => Fill,
): Promise<void> {
  const states = statesOf(action);
  const pool = ctx.hospital.pool(kind);
  const movable = (r: Rec) => r.state !== null && (states.find((s) => s.code === r.state)?.next.length ?? 0) > 0;
  await holding(pool, pool.take(movable), async (rec) => {
    const candidates = [
      nextState(states, rec.state, ctx.random),
      ...(states.find((s) => s.code === rec.state)?.next ?? []),
    ];
    const next = candidates.find((s): s is string => s !== undefined && stateValue(action, s) !== undefined);
    if (!next) return;
    if (
      await ctx.send(message(system, action, rec.visit ?? rec.patient, build(rec, next, stateValue(action, next)!)))
    ) {
      rec.state = next;
      if ((states.find((s) => s.code === next)?.next.length ?? 0) === 0) pool.remove(rec);
    }
  });
}

/** A payment-like record (支付, 充值, 预交金) of a visit: `status` its machine's first state. */
async function pay(
  ctx: WorkflowContext,
  system: string,
  action: string,
  kind: RecordKind,
  visit: Visit | undefined,
  patient: Patient,
  prefix: string,
  amount: number,
): Promise<void> {
  const state = nextState(statesOf(action), null, ctx.random)!;
  const tradeNo = ctx.hospital.number(prefix);
  const ok = await ctx.send(
    message(system, action, visit ?? patient, {
      set: {
        tradeNo,
        invoiceNo: ctx.hospital.number('FP'),
        amount,
        payMethod: payMethod(ctx.random),
        status: stateValue(action, state),
        operatorName: system === 'KIOSK' ? '自助机' : '收费员',
      },
      ...(visit ? {} : { omit: ['visitNo', 'visitType'] }),
    }),
  );
  if (ok) {
    const rec = ctx.hospital.record(tradeNo, { amount: String(amount) }, { ...(visit ? { visit } : {}), patient });
    rec.state = state;
    ctx.hospital.pool(kind).add(rec);
  }
}

/** The fields of a payment update: the same trade, its new status. */
function paymentUpdate(ctx: WorkflowContext, system: string): (rec: Rec, state: string, value: string) => Fill {
  return (rec, _state, value) => ({
    set: {
      tradeNo: rec.key,
      amount: Number(rec.values.amount ?? 0),
      payMethod: payMethod(ctx.random),
      status: value,
      operatorName: system === 'KIOSK' ? '自助机' : '收费员',
    },
    ...(rec.visit ? {} : { omit: ['visitNo', 'visitType'] }),
  });
}

/** The step `action` that pays for a visit (门诊 or 住院, opened first when there is none): a `kind` record. */
function visitPayment(
  action: string,
  kind: RecordKind,
  visit: 'outpatient' | 'inpatient',
  prefix: string,
  amount: (random: Random) => number,
): Step {
  return async (ctx, system) => {
    const v = await openVisit(ctx, visit === 'inpatient');
    if (v) await pay(ctx, system, action, kind, v, v.patient, prefix, amount(ctx.random));
  };
}

/** The step `action` that changes a payment's status; with none of `kind` yet, `payer` (else the sender) pays first. */
function paymentChange(action: string, kind: RecordKind, add: string, payer?: string): Step {
  return async (ctx, system) => {
    if (!ctx.hospital.pool(kind).any()) await STEPS[add]!(ctx, payer ?? system);
    await advanceRecord(ctx, kind, system, action, paymentUpdate(ctx, system));
  };
}

/** The record of `kind` to update, taken; `create` makes one first when none exists. */
async function recordOf(
  ctx: WorkflowContext,
  kind: RecordKind,
  create: () => Promise<unknown>,
  pred: (r: Rec) => boolean = () => true,
): Promise<Rec | undefined> {
  const pool = ctx.hospital.pool(kind);
  const found = pool.take(pred);
  if (found) return found;
  await create();
  return pool.take(pred);
}

// ---------------------------------------------------------------------------------------------------------------------
// Queries: asked about something the hospital knows, answered by the repository (or a system of record)

/** Query parameters that say how to ask, not what to find: kept from the service's example. */
const TECHNICAL = /StatusCode$|SemanticsText$|ItemRoot$|^itemRoot$|^idRoot$|^valueRoot$|^queryId$|^initialQuantity$/;

export function queryJson(action: string, params: Record<string, unknown>): Record<string, unknown> {
  const d = def(action);
  const json: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(d.examples.json)) if (TECHNICAL.test(k)) json[k] = v;
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue;
    if (!d.fields.some((f) => f.key === k)) throw new Error(`${action} has no parameter ${k}`);
    json[k] = v;
  }
  return json;
}

function query(ctx: WorkflowContext, system: string, action: string, params: Record<string, unknown>) {
  return ctx.send({ system, action, json: queryJson(action, params) });
}

const anyPatient = (ctx: WorkflowContext) => ctx.hospital.patients.any((p) => p.registered);
const anyVisit = (ctx: WorkflowContext, kind?: Visit['kind']) =>
  ctx.hospital.visits.any((v) => kind === undefined || v.kind === kind);
const anyApp = (ctx: WorkflowContext, kind: ApplicationKind) => ctx.hospital.applications[kind].any();
const anyRec = (ctx: WorkflowContext, kind: RecordKind) => ctx.hospital.pool(kind).any();

// ---------------------------------------------------------------------------------------------------------------------
// The steps

/** One step per catalogue service and demo topic; the systems table (systems.ts) says who sends which, how often. */
export const STEPS: Record<string, Step> = {
  // ---- 主数据: 机构/科室 ----
  OrganizationInfoRegister: async (ctx, system) => {
    const pool = ctx.hospital.departments;
    const dept = pool.take((d) => !d.registered);
    if (dept) return holding(pool, dept, async (d) => void (await registerDepartment(ctx, system, d)));
    // The roster is registered: a department opened for a while (发热门诊, 义诊点 …).
    await holding(pool, await temporaryDepartment(ctx, true), async () => undefined);
  },
  OrganizationInfoUpdate: async (ctx, system) => {
    await withRegistered(ctx.hospital.departments, async (d) => {
      await ctx.send(
        message(system, 'OrganizationInfoUpdate', undefined, {
          set: {
            assignedEntityId: d.code,
            assignedEntityCode: d.discipline,
            codeName: d.disciplineName,
            assignedEntityName: d.name,
            telecom: `0755-8${ctx.random.int(1000000, 9999999)}`,
            addr: `${ctx.random.pick(['门诊楼', '住院楼', '医技楼'])}${ctx.random.int(1, 12)}层`,
          },
        }),
      );
    });
  },
  DepartmentInfoPublish: async (ctx, system) => {
    await withRegistered(ctx.hospital.departments, async (d) => {
      await ctx.send(
        message(system, 'DepartmentInfoPublish', undefined, {
          set: {
            changeType: 'update',
            orgCode: d.code,
            orgName: d.name,
            parentCode: d.temporary ? '09' : d.code.slice(0, 2),
            enabled: true,
          },
        }),
      );
    });
  },
  OrganizationInfoDelete: async (ctx, system) => {
    const pool = ctx.hospital.departments;
    await holding(pool, await temporaryDepartment(ctx), async (d) => {
      const ok = await ctx.send(
        message(system, 'OrganizationInfoDelete', undefined, {
          set: { orgCode: d.code, orgName: d.name, reason: '临时科室撤销', operatorName: '主数据管理员' },
        }),
      );
      if (ok) pool.remove(d);
    });
  },
  // ---- 主数据: 人员 ----
  ProviderInfoRegister: async (ctx, system) => {
    const pool = ctx.hospital.staff;
    const staff = pool.take((s) => !s.registered);
    if (staff) return holding(pool, staff, async (s) => void (await registerStaff(ctx, system, s)));
    // The roster is registered: a visiting doctor (进修医生) arrives.
    await holding(pool, await temporaryStaff(ctx, true), async () => undefined);
  },
  ProviderInfoUpdate: async (ctx, system) => {
    await withRegistered(ctx.hospital.staff, async (s) => {
      const action = 'ProviderInfoUpdate';
      await ctx.send(
        message(system, action, undefined, {
          set: {
            healthCareProviderStaffNo: s.staffNo,
            assignedEntityStaffNo: s.staffNo,
            healthCareProviderCode: s.title.code,
            codeName: s.title.name,
            healthCarePrincipalPersonName: s.name,
            idCardNo: s.idCardNo,
            birthTime: s.birthDate,
            ...genders(action, s.gender),
            affiliatedPrincipalOrganizationId: s.dept.code,
            affiliatedPrincipalOrganizationName: s.dept.name,
            telecom: `1${ctx.random.int(3000000000, 8999999999)}`,
          },
        }),
      );
    });
  },
  ProviderInfoPublish: async (ctx, system) => {
    await withRegistered(ctx.hospital.staff, async (s) => {
      await ctx.send(
        message(system, 'ProviderInfoPublish', undefined, {
          set: {
            changeType: 'update',
            staffNo: s.staffNo,
            staffName: s.name,
            deptCode: s.dept.code,
            deptName: s.dept.name,
            title: s.title.name,
            enabled: true,
          },
        }),
      );
    });
  },
  ProviderInfoDelete: async (ctx, system) => {
    const pool = ctx.hospital.staff;
    await holding(pool, await temporaryStaff(ctx), async (s) => {
      const ok = await ctx.send(
        message(system, 'ProviderInfoDelete', undefined, {
          set: { staffNo: s.staffNo, staffName: s.name, reason: '进修结束', operatorName: '主数据管理员' },
        }),
      );
      if (ok) pool.remove(s);
    });
  },
  // ---- 主数据: 术语 ----
  TerminologyRegister: async (ctx, system) => {
    const pool = ctx.hospital.pool('valueSet');
    await holding(pool, await registerValueSet(ctx, system), async () => undefined);
  },
  TerminologyUpdate: async (ctx, system) => {
    const pool = ctx.hospital.pool('valueSet');
    await holding(pool, await activeValueSet(ctx, system), async (rec) => {
      const version = Number(rec.values.version ?? '1') + 1;
      const ok = await ctx.send(
        message(system, 'TerminologyUpdate', undefined, {
          lists: { subject1List: [valueSetItem(valueSetOf(rec), version)] },
          set: { assignedPersonName: '主数据管理员' },
        }),
      );
      if (ok) rec.values.version = String(version);
    });
  },
  TerminologyDisable: async (ctx, system) => {
    const pool = ctx.hospital.pool('valueSet');
    await holding(pool, await activeValueSet(ctx, system), async (rec) => {
      const set = valueSetOf(rec);
      const ok = await ctx.send(
        message(system, 'TerminologyDisable', undefined, {
          set: { codeSystem: set.id, codeSystemName: set.name, operatorName: '主数据管理员' },
          lists: { codes: set.items.map(([code, name]) => ({ code, name })) },
        }),
      );
      // 停用: gone from the hospital's active value sets (a later 注册 brings it back).
      if (ok) pool.remove(rec);
    });
  },
  TerminologySubscriptionPublish: async (ctx, system) => {
    const pool = ctx.hospital.pool('valueSet');
    await holding(pool, await activeValueSet(ctx, system), async (rec) => {
      const set = valueSetOf(rec);
      await ctx.send(
        message(system, 'TerminologySubscriptionPublish', undefined, {
          set: {
            codeSystem: set.id,
            codeSystemName: set.name,
            version: rec.values.version ?? '1',
            changeType: 'update',
          },
          lists: { entries: set.items.map(([code, name]) => ({ code, name })) },
        }),
      );
    });
  },
  TerminologyAllPublish: async (ctx, system) => {
    const pool = ctx.hospital.pool('valueSet');
    await holding(pool, await activeValueSet(ctx, system), async (rec) => {
      const set = valueSetOf(rec);
      await ctx.send(
        message(system, 'TerminologyAllPublish', undefined, {
          set: { codeSystem: set.id, codeSystemName: set.name, version: rec.values.version ?? '1' },
          lists: { entries: set.items.map(([code, name]) => ({ code, name })) },
        }),
      );
    });
  },
  TerminologyStructureRegister: async (ctx, system) => {
    const pool = ctx.hospital.pool('structure');
    const before = pool.size;
    const rec = await terminologyStructure(ctx, system);
    if (rec && pool.size === before) {
      // Every structure is registered already: this one is registered again (a new version of it).
      await ctx.send(
        message(system, 'TerminologyStructureRegister', undefined, {
          set: {
            codeSystem: rec.key,
            codeSystemName: rec.values.name,
            version: rec.values.version ?? '1',
            operatorName: '主数据管理员',
          },
        }),
      );
    }
    if (rec) pool.release(rec);
  },
  TerminologyStructureUpdate: async (ctx, system) => {
    const pool = ctx.hospital.pool('structure');
    await holding(pool, await terminologyStructure(ctx, system), async (rec) => {
      const version = Number(rec.values.version ?? '1') + 1;
      const ok = await ctx.send(
        message(system, 'TerminologyStructureUpdate', undefined, {
          set: {
            codeSystem: rec.key,
            codeSystemName: rec.values.name,
            version: String(version),
            operatorName: '主数据管理员',
          },
        }),
      );
      if (ok) rec.values.version = String(version);
    });
  },
  TerminologyStructureDisable: async (ctx, system) => {
    const pool = ctx.hospital.pool('structure');
    await holding(pool, await terminologyStructure(ctx, system), async (rec) => {
      const ok = await ctx.send(
        message(system, 'TerminologyStructureDisable', undefined, {
          set: {
            codeSystem: rec.key,
            codeSystemName: rec.values.name,
            version: rec.values.version ?? '1',
            operatorName: '主数据管理员',
          },
        }),
      );
      if (ok) pool.remove(rec);
    });
  },
  TerminologyMappingSchemeRegister: async (ctx, system) => {
    await holding(ctx.hospital.pool('scheme'), await mappingScheme(ctx, system, true), async () => undefined);
  },
  TerminologyMappingSchemeUpdate: async (ctx, system) => {
    const pool = ctx.hospital.pool('scheme');
    await holding(pool, await mappingScheme(ctx, system), async (rec) => {
      await ctx.send(
        message(system, 'TerminologyMappingSchemeUpdate', undefined, {
          set: {
            schemeCode: rec.key,
            schemeName: `${rec.values.name}（修订）`,
            sourceCodeSystem: 'HOSP.DRUG',
            targetCodeSystem: 'YB.DRUG',
            operatorName: '主数据管理员',
          },
        }),
      );
    });
  },
  TerminologyMappingSchemePublish: async (ctx, system) => {
    const pool = ctx.hospital.pool('scheme');
    await holding(pool, await mappingScheme(ctx, system), async (rec) => {
      await ctx.send(
        message(system, 'TerminologyMappingSchemePublish', undefined, {
          set: {
            schemeCode: rec.key,
            schemeName: rec.values.name,
            sourceCodeSystem: 'HOSP.DRUG',
            targetCodeSystem: 'YB.DRUG',
          },
        }),
      );
    });
  },
  TerminologyMappingSchemeCancel: async (ctx, system) => {
    const pool = ctx.hospital.pool('scheme');
    await holding(pool, await mappingScheme(ctx, system), async (rec) => {
      const ok = await ctx.send(
        message(system, 'TerminologyMappingSchemeCancel', undefined, {
          set: { schemeCode: rec.key, operatorName: '主数据管理员' },
        }),
      );
      if (ok) pool.remove(rec);
    });
  },
  TerminologyMappingRegister: async (ctx, system) => {
    const pool = ctx.hospital.pool('mapping');
    await holding(pool, await mapping(ctx, system), async () => undefined);
  },
  TerminologyMappingUpdate: async (ctx, system) => {
    const pool = ctx.hospital.pool('mapping');
    await holding(pool, await mapping(ctx, system), async (rec) => {
      await ctx.send(
        message(system, 'TerminologyMappingUpdate', undefined, {
          set: {
            schemeCode: rec.values.scheme,
            sourceCode: rec.values.source,
            sourceName: rec.values.name,
            targetCode: `XA01${ctx.random.int(100000, 999999)}`,
            targetName: rec.values.name,
            operatorName: '主数据管理员',
          },
        }),
      );
    });
  },
  TerminologyMappingPublish: async (ctx, system) => {
    const pool = ctx.hospital.pool('mapping');
    await holding(pool, await mapping(ctx, system), async (rec) => {
      await ctx.send(
        message(system, 'TerminologyMappingPublish', undefined, {
          set: {
            schemeCode: rec.values.scheme,
            sourceCode: rec.values.source,
            sourceName: rec.values.name,
            targetCode: rec.values.target,
            targetName: rec.values.name,
          },
        }),
      );
    });
  },
  TerminologyMappingCancel: async (ctx, system) => {
    const pool = ctx.hospital.pool('mapping');
    await holding(pool, await mapping(ctx, system), async (rec) => {
      const ok = await ctx.send(
        message(system, 'TerminologyMappingCancel', undefined, {
          set: { schemeCode: rec.values.scheme, sourceCode: rec.values.source, operatorName: '主数据管理员' },
        }),
      );
      if (ok) pool.remove(rec);
    });
  },

  // ---- 患者 ----
  PatientInfoRegister: async (ctx) => {
    const pool = ctx.hospital.patients;
    // Now and then a person is registered a second time (another window, a new 患者ID): merged later.
    const original = ctx.random.chance(0.1) ? pool.any((p) => p.registered && !p.duplicateOf) : undefined;
    const patient = original ? ctx.hospital.duplicateOf(original) : ctx.hospital.newPatient();
    if (await registerPatient(ctx, patient)) pool.add(patient);
  },
  PatientInfoUpdate: async (ctx, system) => {
    const pool = ctx.hospital.patients;
    await holding(
      pool,
      pool.take((p) => p.registered && !p.duplicateOf),
      async (p) => {
        const action = 'PatientInfoUpdate';
        p.phone = `1${ctx.random.pick(['38', '39', '58', '86'])}${String(ctx.random.int(0, 99999999)).padStart(8, '0')}`;
        await ctx.send(
          message(system, action, p, {
            set: {
              patientPersonTelecom: p.phone,
              ...genders(action, p.gender),
              addr: `深圳市南山区${ctx.random.int(1, 300)}号`,
            },
            lists: { asOtherIDsList: [{ cardNo: p.cardNo, orgCode: '455777001' }] },
          }),
        );
      },
    );
  },
  PatientInfoMerge: async (ctx, system) => {
    const pool = ctx.hospital.patients;
    let dup = pool.take((p) => p.registered && !!p.duplicateOf);
    if (!dup) {
      const original = await patientOf(ctx, 0);
      if (!original) return;
      const fresh = ctx.hospital.duplicateOf(original);
      if (!(await registerPatient(ctx, fresh))) return;
      dup = keep(pool, fresh);
    }
    await holding(pool, dup, async (d) => {
      const survivor = d.duplicateOf!;
      const ok = await ctx.send(
        message(system, 'PatientInfoMerge', undefined, {
          set: {
            subject1PatientId: survivor.patientId,
            priorRegisteredRolePatientId: d.patientId,
            patientPersonName: survivor.name,
            idCardNo: survivor.idCardNo,
            assignedPersonName: '挂号员',
          },
        }),
      );
      if (ok) pool.remove(d);
    });
  },
  EncounterCardInfoAdd: async (ctx, system) => {
    const pool = ctx.hospital.patients;
    let p = pool.take((x) => x.registered && !x.cardIssued && !x.duplicateOf);
    if (!p) {
      const fresh = ctx.hospital.newPatient();
      if (!(await registerPatient(ctx, fresh))) return;
      p = keep(pool, fresh);
    }
    await holding(pool, p, async (patient) => {
      const action = 'EncounterCardInfoAdd';
      const ok = await ctx.send(
        message(system, action, patient, {
          set: {
            subject1Id: patient.cardNo,
            patientPersonTelecom: patient.phone,
            ...genders(action, patient.gender),
            providerOrganizationName: '互通示范医院',
          },
        }),
      );
      if (ok) {
        patient.cardIssued = true;
        ctx.hospital.pool('card').add(ctx.hospital.record(patient.cardNo, {}, { patient }));
      }
    });
  },
  EncounterCardInfoUpdate: async (ctx, system) => {
    const rec = await recordOf(ctx, 'card', () => STEPS.EncounterCardInfoAdd!(ctx, system));
    await holding(ctx.hospital.pool('card'), rec, async (r) => {
      const action = 'EncounterCardInfoUpdate';
      await ctx.send(
        message(system, action, r.patient, {
          set: {
            subject1Id: r.key,
            patientPersonTelecom: r.patient!.phone,
            ...genders(action, r.patient!.gender),
            addr: `深圳市福田区${ctx.random.int(1, 300)}号`,
          },
        }),
      );
    });
  },
  EncounterCardRechargeAdd: async (ctx, system) => {
    if (!ctx.hospital.pool('card').any()) await STEPS.EncounterCardInfoAdd!(ctx, system);
    const card = ctx.hospital.pool('card').any();
    if (card)
      await pay(
        ctx,
        system,
        'EncounterCardRechargeAdd',
        'cardRecharge',
        undefined,
        card.patient!,
        'CZ',
        ctx.random.pick([100, 200, 500]),
      );
  },
  EncounterCardRechargeUpdate: async (ctx, system) => {
    if (!ctx.hospital.pool('cardRecharge').any((r) => r.state !== null))
      await STEPS.EncounterCardRechargeAdd!(ctx, system);
    await advanceRecord(ctx, 'cardRecharge', system, 'EncounterCardRechargeUpdate', paymentUpdate(ctx, system));
  },
  SourceAndScheduleInfoAdd: async (ctx, system) => {
    const scheduled = ctx.hospital.pool('schedule');
    const staffPool = ctx.hospital.staff;
    const doctor =
      staffPool.take((s) => s.registered && !s.temporary && !scheduled.list().some((r) => r.key === s.staffNo)) ??
      staffPool.take((s) => !s.temporary);
    await holding(staffPool, doctor, async (s) => {
      const total = ctx.random.pick([20, 30, 40]);
      const expert = s.title.rank === '1' || s.title.rank === '2';
      const morning = v3Time().slice(0, 8);
      const ok = await ctx.send(
        message(system, 'SourceAndScheduleInfoAdd', undefined, {
          set: { assignedPersonId: s.staffNo, assignedPersonName: s.name },
          lists: {
            scheduleList: [
              {
                resourceSlotId: ctx.hospital.number('HY'),
                professionCode: s.dept.discipline,
                professionName: s.dept.disciplineName,
                totalNumber: total,
                deptId: s.dept.code,
                resourceSlotCode: expert ? '2' : '1',
                resourceSlotCodeName: expert ? '专家号' : '普通号',
                staffNo: s.staffNo,
                identifiedEntityCode: s.title.rank,
                identifiedEntityCodeName: s.title.rankName,
                idCardNo: s.idCardNo,
                personName: s.name,
                timeFrameList: [
                  {
                    code: '1',
                    codeName: '上午',
                    totalFrameNumber: total,
                    effectiveTimeLow: `${morning}080000`,
                    effectiveTimeHigh: `${morning}120000`,
                    remainNumber: total,
                  },
                ],
              },
            ],
          },
        }),
      );
      if (ok && !scheduled.list().some((r) => r.key === s.staffNo)) {
        scheduled.add(ctx.hospital.record(s.staffNo, { total: String(total), remain: String(total), name: s.name }));
      }
    });
  },
  SourceAndScheduleInfoUpdate: async (ctx, system) => {
    const rec = await recordOf(ctx, 'schedule', () => STEPS.SourceAndScheduleInfoAdd!(ctx, system));
    await holding(ctx.hospital.pool('schedule'), rec, async (r) => {
      const remain = Math.max(0, Number(r.values.remain) - ctx.random.int(1, 3));
      const ok = await ctx.send(
        message(system, 'SourceAndScheduleInfoUpdate', undefined, {
          set: { assignedPersonId: r.key, assignedPersonName: r.values.name },
          lists: {
            scheduleList: [
              {
                staffNo: r.key,
                personName: r.values.name,
                totalNumber: Number(r.values.total),
                timeFrameList: [
                  {
                    code: '1',
                    codeName: '上午',
                    totalFrameNumber: Number(r.values.total),
                    effectiveTimeLow: `${v3Time().slice(0, 8)}080000`,
                    effectiveTimeHigh: `${v3Time().slice(0, 8)}120000`,
                    remainNumber: remain,
                  },
                ],
              },
            ],
          },
        }),
      );
      if (ok) r.values.remain = String(remain);
    });
  },
  OutPatientAppointStatusInfoAdd: async (ctx, system) => {
    const action = 'OutPatientAppointStatusInfoAdd';
    const p = await patientOf(ctx);
    if (!p) return;
    const doctor = ctx.hospital.staff.any((s) => s.registered && !s.temporary) ?? ctx.hospital.staff.list()[0]!;
    const state = nextState(statesOf(action), null, ctx.random)!;
    const id = ctx.hospital.number('YY');
    const ok = await ctx.send(
      message(system, action, p, {
        set: {
          encounterAppointmentId: id,
          encounterAppointmentStatusCode: stateValue(action, state),
          assignedDeviceCode: '0',
          codeName: '预约成功',
          staffNo: doctor.staffNo,
        },
      }),
    );
    if (ok) {
      const rec = ctx.hospital.record(id, { doctor: doctor.staffNo }, { patient: p });
      rec.state = state;
      ctx.hospital.pool('outpatientAppointment').add(rec);
    }
  },
  OutPatientAppointStatusInfoUpdate: async (ctx, system) => {
    const action = 'OutPatientAppointStatusInfoUpdate';
    if (!ctx.hospital.pool('outpatientAppointment').any()) await STEPS.OutPatientAppointStatusInfoAdd!(ctx, 'KIOSK');
    await advanceRecord(ctx, 'outpatientAppointment', system, action, (rec, state, value) => ({
      set: {
        encounterAppointmentId: rec.key,
        encounterAppointmentStatusCode: value,
        ...(state === 'cancelled'
          ? { assignedDeviceCode: '0', codeName: '取消预约' }
          : { assignedDeviceCode: '1', codeName: '预约成功' }),
        staffNo: rec.values.doctor,
      },
    }));
  },
  OutPatientInfoAdd: async (ctx) => void (await openOutpatientVisit(ctx)),
  OutPatientInfoUpdate: async (ctx, system) => {
    const pool = ctx.hospital.visits;
    if (!pool.any((v) => v.kind === 'outpatient')) await openOutpatientVisit(ctx);
    await holding(
      pool,
      pool.take((v) => v.kind === 'outpatient'),
      async (v) => {
        await ctx.send(
          message(system, 'OutPatientInfoUpdate', v, {
            set: {
              outpatientNo: v.visitNo,
              staffNo: v.doctor.staffNo,
              assignedPersonName: v.doctor.name,
              locationId: v.dept.code,
              locationName: v.dept.name,
              reasonCodeOriginalText: `${v.diagnosis.name}（复诊）`,
            },
          }),
        );
      },
    );
  },
  RegistrationPaymentAdd: visitPayment('RegistrationPaymentAdd', 'registrationPayment', 'outpatient', 'GH', (r) =>
    r.pick([10, 25, 50]),
  ),
  RegistrationPaymentUpdate: paymentChange(
    'RegistrationPaymentUpdate',
    'registrationPayment',
    'RegistrationPaymentAdd',
  ),
  OutPatientPaymentAdd: visitPayment('OutPatientPaymentAdd', 'outpatientPayment', 'outpatient', 'MF', (r) =>
    money(r, 20, 600),
  ),
  OutPatientPaymentUpdate: paymentChange(
    'OutPatientPaymentUpdate',
    'outpatientPayment',
    'OutPatientPaymentAdd',
    'KIOSK',
  ),
  InPatientInfoAdd: async (ctx) => void (await admit(ctx)),
  InPatientInfoUpdate: async (ctx, system) => {
    await withInpatient(ctx, async (v) => {
      await ctx.send(
        message(system, 'InPatientInfoUpdate', v, {
          set: {
            inpatientNo: v.visitNo,
            staffNo: v.doctor.staffNo,
            assignedPersonName: v.doctor.name,
            locationId: v.dept.code,
            locationName: v.dept.name,
            locationLocatedEntityHasPartsLocatedPlaceName: `${ctx.random.int(1, 30)}床`,
          },
        }),
      );
    });
  },
  TransferInfoAdd: async (ctx, system) => {
    await withInpatient(ctx, async (v) => {
      const to =
        ctx.hospital.departments.any((d) => d.registered && !d.temporary && d.code !== v.dept.code) ??
        registeredDepartment(ctx);
      const ok = await ctx.send(
        message(system, 'TransferInfoAdd', v, {
          set: {
            inpatientNo: v.visitNo,
            location1ServiceDeliveryLocationLocationId: to.code,
            location1ServiceDeliveryLocationLocationName: to.name,
            location2ServiceDeliveryLocationLocationId: v.dept.code,
            location2ServiceDeliveryLocationLocationName: v.dept.name,
          },
        }),
      );
      if (ok) {
        ctx.hospital
          .pool('transfer')
          .add(ctx.hospital.record(v.visitNo, { from: v.dept.name, to: to.name }, { visit: v }));
        v.dept = { code: to.code, name: to.name };
      }
    });
  },
  TransferInfoUpdate: async (ctx, system) => {
    const rec = await recordOf(ctx, 'transfer', () => STEPS.TransferInfoAdd!(ctx, system));
    await holding(ctx.hospital.pool('transfer'), rec, async (r) => {
      await ctx.send(
        message(system, 'TransferInfoUpdate', r.visit, {
          set: {
            inpatientNo: r.key,
            location1ServiceDeliveryLocationLocationName: r.values.to,
            location2ServiceDeliveryLocationLocationName: r.values.from,
          },
        }),
      );
    });
  },
  DischargeInfoAdd: async (ctx, system) => {
    await withInpatient(ctx, async (v) => {
      const ok = await ctx.send(
        message(system, 'DischargeInfoAdd', v, {
          set: {
            inpatientNo: v.visitNo,
            staffNo: v.doctor.staffNo,
            assignedPersonName: v.doctor.name,
            locationName: v.dept.name,
            lengthOfStayQuantity: ctx.random.int(2, 15),
          },
          lists: { reasonList: [{ observationDxCode: v.diagnosis.code, observationDxName: v.diagnosis.name }] },
        }),
      );
      if (ok) {
        v.discharged = true;
        ctx.hospital.pool('discharge').add(ctx.hospital.record(v.visitNo, {}, { visit: v }));
      }
    });
  },
  DischargeInfoUpdate: async (ctx, system) => {
    const rec = await recordOf(ctx, 'discharge', () => STEPS.DischargeInfoAdd!(ctx, system));
    await holding(ctx.hospital.pool('discharge'), rec, async (r) => {
      const v = r.visit!;
      await ctx.send(
        message(system, 'DischargeInfoUpdate', v, {
          set: {
            inpatientNo: v.visitNo,
            staffNo: v.doctor.staffNo,
            assignedPersonName: v.doctor.name,
            locationName: v.dept.name,
          },
          lists: { reasonList: [{ observationDxCode: v.diagnosis.code, observationDxName: v.diagnosis.name }] },
        }),
      );
    });
  },
  PrepaymentDepositAdd: visitPayment('PrepaymentDepositAdd', 'prepayment', 'inpatient', 'YJ', (r) =>
    r.pick([1000, 2000, 5000]),
  ),
  PrepaymentDepositUpdate: paymentChange('PrepaymentDepositUpdate', 'prepayment', 'PrepaymentDepositAdd'),
  InPatientPaymentAdd: visitPayment('InPatientPaymentAdd', 'inpatientPayment', 'inpatient', 'ZF', (r) =>
    money(r, 500, 20000),
  ),
  InPatientPaymentUpdate: paymentChange('InPatientPaymentUpdate', 'inpatientPayment', 'InPatientPaymentAdd'),

  // ---- 医嘱 ----
  OrderInfoAdd: async (ctx) => {
    const visit = await openVisit(ctx);
    if (visit) await placeOrders(ctx, visit);
  },
  OrderInfoUpdate: async (ctx, system) => {
    const pool = ctx.hospital.orders;
    await holding(pool, await order(ctx), async (o) => {
      const v = o.visit;
      const ok = await ctx.send(
        message(system, 'OrderInfoUpdate', v, {
          set: {
            authorAssignedEntityStaffNo: v.doctor.staffNo,
            authorAssignedEntityAssignedPersonName: v.doctor.name,
            deptCode: v.dept.code,
            cardNo: v.patient.cardNo,
          },
          lists: {
            component2List: [
              {
                sequenceNumber: 1,
                orderId: o.orderId,
                substanceAdministrationRequestCode: o.kind === 'drug' ? '01' : '05',
                substanceAdministrationRequestCodeName: o.kind === 'drug' ? '药品类医嘱' : '处置类医嘱',
                substanceAdministrationRequestText: o.item,
                substanceAdministrationRequestStatusCode: 'inactive',
                manufacturedProductName: o.item,
                deptCode: v.dept.code,
                locationName: v.dept.name,
              },
            ],
          },
        }),
      );
      // 停嘱: no more execution of it.
      if (ok) o.stopped = true;
    });
  },
  OrderFillerStatusInfoUpdate: async (ctx, system) => {
    // 医嘱执行状态: the pharmacy dispenses drug orders, the ward executes orders, the LIS collects specimens and the
    // PACS performs examinations — each reports back to the system that placed the order (subscription filter).
    const filler = async (orderId: string, applicationNo: string, code: string, name: string, subject: Visit) =>
      ctx.send(
        message(system, 'OrderFillerStatusInfoUpdate', subject, {
          set: {
            orderId,
            applicationNo,
            processStepCode: code,
            processStepCodeName: name,
            observationRequestCodeName: name,
            transcriberAssignedEntityAssignedPersonName:
              { PHARMACY: '药房药师', NURSING: '病区护士', LIS: '采血护士', PACS: '影像科技师' }[system] ?? '操作员',
            reason: name,
          },
        }),
      );
    if (system === 'PHARMACY' || system === 'NURSING') {
      const pool = ctx.hospital.orders;
      await holding(pool, await order(ctx, system === 'PHARMACY' ? 'drug' : undefined), async (o) => {
        await (system === 'PHARMACY'
          ? filler(o.orderId, o.prescriptionNo, '2', '已发药', o.visit)
          : filler(o.orderId, o.prescriptionNo, '3', '已执行', o.visit));
      });
      return;
    }
    // About one in four examinations the LIS and PACS perform were ordered by the 体检 system.
    const kind = system === 'LIS' ? 'lab' : 'check';
    const tally = ctx.hospital.tally;
    const placer = (tally.get(`filled:CHECKUP`) ?? 0) * 3 < (tally.get(`filled:HIS`) ?? 0) ? 'CHECKUP' : 'HIS';
    const pool = ctx.hospital.applications[kind];
    const app = pool.take((a) => !a.closed && a.placer === placer) ?? (await placeApplication(ctx, kind, placer));
    await holding(pool, app, async (a) => {
      const ok = await (kind === 'lab'
        ? filler(a.orderId, a.applicationNo, '4', '标本已采集', a.visit)
        : filler(a.orderId, a.applicationNo, '5', '检查已执行', a.visit));
      if (ok) ctx.hospital.count(`filled:${a.placer}`);
    });
  },
  TreatmentInfoAdd: async (ctx, system) => {
    const pool = ctx.hospital.orders;
    await holding(pool, await order(ctx, 'treatment'), async (o) => {
      const v = o.visit;
      const treatmentNo = ctx.hospital.number('CZ');
      const ok = await ctx.send(
        message(system, 'TreatmentInfoAdd', v, {
          set: {
            treatmentNo,
            orderNo: o.orderId,
            itemCode: 'T01',
            itemName: o.item,
            quantity: 1,
            executorId: 'N0101',
            executorName: '病区护士',
            deptCode: v.dept.code,
            deptName: v.dept.name,
          },
        }),
      );
      if (ok)
        ctx.hospital
          .pool('treatment')
          .add(ctx.hospital.record(treatmentNo, { order: o.orderId, item: o.item }, { visit: v }));
    });
  },
  TreatmentInfoUpdate: async (ctx, system) => {
    const rec = await recordOf(ctx, 'treatment', () => STEPS.TreatmentInfoAdd!(ctx, system));
    await holding(ctx.hospital.pool('treatment'), rec, async (r) => {
      const v = r.visit!;
      await ctx.send(
        message(system, 'TreatmentInfoUpdate', v, {
          set: {
            treatmentNo: r.key,
            orderNo: r.values.order,
            itemCode: 'T01',
            itemName: r.values.item,
            quantity: 2,
            executorId: 'N0101',
            executorName: '病区护士',
            deptCode: v.dept.code,
            deptName: v.dept.name,
          },
        }),
      );
    });
  },

  // ---- 申请单 ----
  ExamAppInfoAdd: async (ctx, system) => {
    const app = await placeApplication(ctx, 'lab', system);
    if (app) ctx.hospital.applications.lab.release(app);
  },
  ExamAppInfoUpdate: async (ctx, system) => {
    await holding(
      ctx.hospital.applications.lab,
      await application(ctx, 'lab', (a) => a.step === 0 && a.placer === 'HIS'),
      async (a) => {
        const fill = applicationFill(ctx, a);
        await ctx.send(
          message(system, 'ExamAppInfoUpdate', a.visit, {
            ...fill,
            set: { ...fill.set, observationRequestStatusCode: 'active', priorityCodeName: '加急' },
          }),
        );
      },
    );
  },
  CheckAppInfoAdd: async (ctx, system) => {
    const app = await placeApplication(ctx, 'check', system);
    if (app) ctx.hospital.applications.check.release(app);
  },
  CheckAppInfoUpdate: async (ctx, system) => {
    const states = statesOf('CheckStatusInfoUpdate');
    await holding(
      ctx.hospital.applications.check,
      await application(ctx, 'check', (a) => notStarted(states, a.state) && a.placer === 'HIS'),
      async (a) => {
        const fill = applicationFill(ctx, a);
        await ctx.send(
          message(system, 'CheckAppInfoUpdate', a.visit, {
            ...fill,
            set: { ...fill.set, annotationText: '检查前禁食 8 小时' },
          }),
        );
      },
    );
  },
  CheckRefundAdd: async (ctx, system) => {
    // 检查退费: only while the examination has not started (the repository refuses it afterwards).
    const states = statesOf('CheckStatusInfoUpdate');
    const pool = ctx.hospital.applications.check;
    await holding(
      pool,
      await application(ctx, 'check', (a) => notStarted(states, a.state) && a.placer === 'HIS'),
      async (a) => {
        const ok = await ctx.send(
          message(system, 'CheckRefundAdd', a.visit, {
            set: {
              applicationNo: a.applicationNo,
              refundNo: ctx.hospital.number('TF'),
              amount: money(ctx.random, 80, 800),
              reason: '患者要求退费',
              operatorName: '收费员',
            },
          }),
        );
        if (ok) {
          a.closed = true;
          pool.remove(a);
        }
      },
    );
  },
  CheckAppointStatusInfoAdd: async (ctx, system) => {
    const action = 'CheckAppointStatusInfoAdd';
    const appts = ctx.hospital.pool('checkAppointment');
    await holding(
      ctx.hospital.applications.check,
      await application(
        ctx,
        'check',
        (a) => a.state === null && a.step === 0 && !appts.list().some((r) => r.application === a),
      ),
      async (a) => {
        // The standard carries V3 active/inactive here: the first state that value can name (已排班).
        const state = statesOf(action)
          .map((x) => x.code)
          .find((x) => stateValue(action, x) !== undefined)!;
        const id = ctx.hospital.number('JCYY');
        const ok = await ctx.send(
          message(system, action, a.visit, {
            set: {
              actAppointmentId: id,
              actAppointmentStatusCode: stateValue(action, state),
              manufacturedDeviceName: `${a.exam!.modality}检查室${ctx.random.int(1, 4)}`,
              assignedPersonName: '预约员',
              addr: '医学影像科',
            },
            lists: { referencedOrderList: [{ actOrderId: a.applicationNo }] },
          }),
        );
        if (ok) {
          const rec = ctx.hospital.record(id, { exam: a.exam!.name }, { visit: a.visit, application: a });
          rec.state = state;
          appts.add(rec);
        }
      },
    );
  },
  CheckAppointStatusInfoUpdate: async (ctx, system) => {
    const action = 'CheckAppointStatusInfoUpdate';
    if (!ctx.hospital.pool('checkAppointment').any()) await STEPS.CheckAppointStatusInfoAdd!(ctx, system);
    await advanceRecord(ctx, 'checkAppointment', system, action, (rec, _state, value) => ({
      set: {
        actAppointmentId: rec.key,
        actAppointmentStatusCode: value,
        assignedPersonName: '预约员',
        addr: '医学影像科',
      },
      lists: { referencedOrderList: [{ actOrderId: rec.application?.applicationNo ?? rec.key }] },
    }));
  },
  CheckStatusInfoUpdate: async (ctx) => {
    await holding(ctx.hospital.applications.check, await application(ctx, 'check', () => true), (a) =>
      advanceCheck(ctx, a).then(() => undefined),
    );
  },
  CheckStatusV2: async (ctx) => {
    // The PACS also reports over HL7 v2 (ORM^O01) for the departments that listen there: SC / IP / CM by its state.
    const states = statesOf('CheckStatusInfoUpdate');
    const app =
      ctx.hospital.applications.check.take((a) => a.state !== null) ?? (await application(ctx, 'check', () => true));
    await holding(ctx.hospital.applications.check, app, async (a) => {
      const final = a.state !== null && (states.find((s) => s.code === a.state)?.next.length ?? 1) === 0;
      const status = a.state === null || notStarted(states, a.state) ? 'SC' : final ? 'CM' : 'IP';
      await ctx.send({
        system: 'PACS',
        action: 'CheckStatusV2',
        hl7v2: examStatusOrm(a.visit, a.applicationNo, a.exam!.name, status, ctx.hospital.number('PACS')),
      });
    });
  },
  PathologyAppInfoAdd: async (ctx, system) => {
    const app = await placeApplication(ctx, 'pathology', system);
    if (app) ctx.hospital.applications.pathology.release(app);
  },
  PathologyAppInfoUpdate: async (ctx, system) => {
    await holding(ctx.hospital.applications.pathology, await application(ctx, 'pathology', () => true), async (a) => {
      const fill = applicationFill(ctx, a);
      await ctx.send(
        message(system, 'PathologyAppInfoUpdate', a.visit, {
          ...fill,
          set: { ...fill.set, observationRequestText: '术后石蜡病理检查' },
        }),
      );
    });
  },
  BloodTransAppInfoAdd: async (ctx, system) => {
    const app = await placeApplication(ctx, 'blood', system);
    if (app) ctx.hospital.applications.blood.release(app);
  },
  BloodTransAppInfoUpdate: async (ctx, system) => {
    await holding(
      ctx.hospital.applications.blood,
      await application(ctx, 'blood', (a) => a.issued.length === 0),
      async (a) => {
        const fill = applicationFill(ctx, a);
        await ctx.send(message(system, 'BloodTransAppInfoUpdate', a.visit, fill));
      },
    );
  },
  BloodTransAppCancel: async (ctx, system) => {
    // 取消输血申请: only before blood was issued for it (the repository's bloodNotIssued rule).
    const pool = ctx.hospital.applications.blood;
    await holding(pool, await application(ctx, 'blood', (a) => a.issued.length === 0), async (a) => {
      const ok = await ctx.send(
        message(system, 'BloodTransAppCancel', a.visit, {
          set: { applicationNo: a.applicationNo, reason: '病情好转，无需输血', operatorName: a.visit.doctor.name },
        }),
      );
      if (ok) {
        a.closed = true;
        // A bag cross-matched for it goes back to stock.
        const bag = ctx.hospital
          .pool('bloodBag')
          .list()
          .find((b) => b.key === a.matchedBag);
        if (bag) bag.state = 'stock';
        pool.remove(a);
      }
    });
  },
  BloodStockInAdd: async (ctx) => {
    const before = ctx.hospital.pool('bloodBag').size;
    const bag = await bloodBag(ctx);
    if (bag && ctx.hospital.pool('bloodBag').size === before) {
      // A bag was in stock already: a new delivery all the same.
      ctx.hospital.pool('bloodBag').release(bag);
      const fresh = ctx.hospital.record(ctx.hospital.number('XD'), { ...bag.values });
      if (await ctx.send(message('BLOOD', 'BloodStockInAdd', undefined, { set: bagFields(fresh) }))) {
        fresh.state = 'stock';
        ctx.hospital.pool('bloodBag').add(fresh);
      }
      return;
    }
    if (bag) ctx.hospital.pool('bloodBag').release(bag);
  },
  BloodStockInUpdate: async (ctx, system) => {
    const pool = ctx.hospital.pool('bloodBag');
    await holding(pool, await bloodBag(ctx), async (bag) => {
      await ctx.send(message(system, 'BloodStockInUpdate', undefined, { set: { ...bagFields(bag), volume: 150 } }));
    });
  },
  CrossMatchReportAdd: async (ctx) => {
    const pool = ctx.hospital.applications.blood;
    await holding(pool, await application(ctx, 'blood', (a) => !a.matchedBag), (a) =>
      crossMatch(ctx, a).then(() => undefined),
    );
  },
  CrossMatchReportUpdate: async (ctx, system) => {
    const pool = ctx.hospital.pool('crossMatch');
    if (!pool.any()) await STEPS.CrossMatchReportAdd!(ctx, system);
    await holding(pool, pool.take(), async (r) => {
      await ctx.send(
        message(system, 'CrossMatchReportUpdate', r.visit, {
          set: {
            applicationNo: r.application!.applicationNo,
            reportNo: r.key,
            bagNo: r.values.bag,
            result: '1',
            method: '微柱凝胶法（复核）',
            reporterName: '血库主管技师',
          },
        }),
      );
    });
  },
  BloodStockOutAdd: async (ctx, system) => {
    const pool = ctx.hospital.applications.blood;
    await holding(pool, await matchedTransfusion(ctx), async (a) => {
      const bags = ctx.hospital.pool('bloodBag');
      const bag = bags.list().find((b) => b.key === a.matchedBag);
      if (!bag) return;
      const ok = await ctx.send(
        message(system, 'BloodStockOutAdd', a.visit, { set: { ...bagFields(bag), applicationNo: a.applicationNo } }),
      );
      if (ok) {
        a.issued.push(bag.key);
        a.matchedBag = undefined;
        bags.remove(bag);
        ctx.hospital
          .pool('bloodIssue')
          .add(ctx.hospital.record(bag.key, { ...bag.values }, { visit: a.visit, application: a }));
      }
    });
  },
  BloodStockOutUpdate: async (ctx, system) => {
    const pool = ctx.hospital.pool('bloodIssue');
    if (!pool.any()) await STEPS.BloodStockOutAdd!(ctx, system);
    await holding(pool, pool.take(), async (r) => {
      await ctx.send(
        message(system, 'BloodStockOutUpdate', r.visit, {
          set: { ...bagFields(r), applicationNo: r.application!.applicationNo },
        }),
      );
    });
  },
  OperationAppInfoAdd: async (ctx, system) => {
    const app = await placeApplication(ctx, 'operation', system);
    if (app) ctx.hospital.applications.operation.release(app);
  },
  OperationAppInfoUpdate: async (ctx, system) => {
    await holding(
      ctx.hospital.applications.operation,
      await application(ctx, 'operation', (a) => a.state === null),
      async (a) => {
        const fill = applicationFill(ctx, a);
        await ctx.send(message(system, 'OperationAppInfoUpdate', a.visit, fill));
      },
    );
  },
  OperationScheduleInfoAdd: async (ctx) => {
    const pool = ctx.hospital.applications.operation;
    await holding(pool, await application(ctx, 'operation', (a) => !a.scheduled), (a) =>
      scheduleOperation(ctx, a).then(() => undefined),
    );
  },
  OperationScheduleInfoUpdate: async (ctx, system) => {
    const ops = ctx.hospital.applications.operation;
    // Rescheduled only before it starts: the application is held so 手术状态 cannot begin meanwhile.
    await holding(ops, await scheduledOperation(ctx, (a) => a.state === null), async (a) => {
      const room = `第${ctx.random.int(1, 12)}手术室`;
      await ctx.send(
        message(system, 'OperationScheduleInfoUpdate', a.visit, {
          set: {
            actAppointmentId: ctx.hospital.number('PB'),
            applicationNo: a.applicationNo,
            inpatientNo: a.visit.visitNo,
            manufacturedDeviceName: room,
            addr: room,
            deptCode: a.visit.dept.code,
            locationName: '手术室',
          },
          lists: {
            performerList: [
              { staffNo: a.visit.doctor.staffNo, codeName: '主刀医生', assignedPersonName: a.visit.doctor.name },
            ],
          },
        }),
      );
    });
  },
  OperationStatusInfoUpdate: async (ctx) => {
    await holding(ctx.hospital.applications.operation, await scheduledOperation(ctx), (a) =>
      operationStep(ctx, a).then(() => undefined),
    );
  },
  ConsultationAppInfoAdd: async (ctx, system) => {
    const app = await placeApplication(ctx, 'consultation', system);
    if (app) ctx.hospital.applications.consultation.release(app);
  },
  ConsultationAppInfoUpdate: async (ctx, system) => {
    const pool = ctx.hospital.applications.consultation;
    await holding(pool, await application(ctx, 'consultation', () => true), async (a) => {
      const fill = applicationFill(ctx, a);
      const ok = await ctx.send(
        message(system, 'ConsultationAppInfoUpdate', a.visit, { ...fill, set: { ...fill.set, status: '2' } }),
      );
      if (ok) a.closed = true;
    });
  },

  // ---- 状态结果: 检验 ----
  ExamStatusInfoUpdate: async (ctx) => {
    const pool = ctx.hospital.applications.lab;
    const app =
      pool.take((a) => !a.closed && (a.step < LAB_STEPS.length - 1 || !!a.results)) ??
      (await application(ctx, 'lab', (a) => a.step === 0));
    await holding(pool, app, (a) => advanceLab(ctx, a).then(() => undefined));
  },
  LabReportV2: async (ctx) => {
    const pool = ctx.hospital.applications.lab;
    let app = pool.take(labReady);
    if (!app) {
      app = await application(ctx, 'lab', (a) => a.step === 0);
      if (app) while (!labReady(app) && (await advanceLab(ctx, app)));
    }
    await holding(pool, app, async (a) => {
      if (labReady(a)) await reportLab(ctx, a);
    });
  },
  CriticalValueInfoAdd: async (ctx) => {
    await holding(ctx.hospital.pool('criticalValue'), await reportCritical(ctx), async () => undefined);
  },
  CriticalValueConfirm: async (ctx, system) => {
    await holding(ctx.hospital.pool('criticalValue'), await criticalValue(ctx, 0), (r) =>
      advanceCritical(ctx, r, system).then(() => undefined),
    );
  },
  CriticalValueHandle: async (ctx, system) => {
    const pool = ctx.hospital.pool('criticalValue');
    await holding(pool, await criticalValue(ctx, 1), async (r) => {
      if (await advanceCritical(ctx, r, system)) pool.remove(r);
    });
  },

  // ---- 电子病历 / 诊断 ----
  DocumentRegister: async (ctx, system) => {
    const visit = await openVisit(ctx);
    if (!visit) return;
    const [code, name] = visit.inpatient
      ? ctx.random.pick([
          ['C0001', '病历概要'],
          ['C0006', '检查报告'],
          ['C0007', '检验报告'],
          ['C0009', '一般手术记录'],
        ] as const)
      : (['C0002', '门急诊病历'] as const);
    const ok = await ctx.send(
      message(system, 'DocumentRegister', visit, {
        set: {
          clinicalDocumentCode: code,
          codeName: name,
          versionNumber: 1,
          assignedPersonName: visit.doctor.name,
          storageCodeOriginalText: Buffer.from(`<ClinicalDocument>${name}</ClinicalDocument>`).toString('base64'),
          providerOrganizationName: '互通示范医院',
        },
      }),
    );
    if (ok)
      ctx.hospital.pool('document').add(ctx.hospital.record(`${visit.visitNo}|${code}`, { code, name }, { visit }));
  },
  DiagnosisInfoAdd: async (ctx, system) => {
    const visit = await openVisit(ctx);
    if (!visit) return;
    const diagnosisNo = ctx.hospital.number('ZD');
    const ok = await ctx.send(
      message(system, 'DiagnosisInfoAdd', visit, {
        set: {
          diagnosisNo,
          diagnosisType: visit.inpatient ? '2' : '1',
          diagnosisCode: visit.diagnosis.code,
          diagnosisName: visit.diagnosis.name,
          mainDiagnosis: true,
          doctorId: visit.doctor.staffNo,
          doctorName: visit.doctor.name,
          deptCode: visit.dept.code,
          deptName: visit.dept.name,
        },
      }),
    );
    if (ok)
      ctx.hospital
        .pool('diagnosis')
        .add(ctx.hospital.record(`${visit.visitNo}|${diagnosisNo}`, { diagnosisNo }, { visit }));
  },
  DiagnosisInfoUpdate: async (ctx, system) => {
    const rec = await recordOf(ctx, 'diagnosis', () => STEPS.DiagnosisInfoAdd!(ctx, system));
    await holding(ctx.hospital.pool('diagnosis'), rec, async (r) => {
      const v = r.visit!;
      await ctx.send(
        message(system, 'DiagnosisInfoUpdate', v, {
          set: {
            diagnosisNo: r.values.diagnosisNo,
            diagnosisType: v.inpatient ? '3' : '1',
            diagnosisCode: v.diagnosis.code,
            diagnosisName: `${v.diagnosis.name}（确诊）`,
            mainDiagnosis: true,
            doctorId: v.doctor.staffNo,
            doctorName: v.doctor.name,
            deptCode: v.dept.code,
            deptName: v.dept.name,
          },
        }),
      );
    });
  },

  // ---- 财务 ----
  FinancialDetailInfoAdd: async (ctx, system) => {
    const visit = await openVisit(ctx);
    if (!visit) return;
    const o = ctx.hospital.orders.any((x) => x.visit === visit);
    const price = money(ctx.random, 5, 300);
    const quantity = ctx.random.int(1, 3);
    const chargeNo = ctx.hospital.number('SF');
    const ok = await ctx.send(
      message(system, 'FinancialDetailInfoAdd', visit, {
        set: {
          chargeNo,
          totalAmount: +(price * quantity).toFixed(2),
          deptCode: visit.dept.code,
          deptName: visit.dept.name,
          operatorName: '收费员',
        },
        lists: {
          items: [
            {
              itemCode: o ? 'YP01' : 'ZL01',
              itemName: o?.item ?? '诊查费',
              quantity,
              unitPrice: price,
              amount: +(price * quantity).toFixed(2),
              orderNo: o?.orderId ?? chargeNo,
            },
          ],
        },
      }),
    );
    if (ok)
      ctx.hospital.pool('charge').add(ctx.hospital.record(chargeNo, { order: o?.orderId ?? chargeNo }, { visit }));
  },
  FeeStatusInfoUpdate: async (ctx, system) => {
    const rec = await recordOf(
      ctx,
      'charge',
      () => STEPS.FinancialDetailInfoAdd!(ctx, system),
      (r) => r.state !== '2',
    );
    const pool = ctx.hospital.pool('charge');
    await holding(pool, rec, async (r) => {
      // 费用状态: 已收费, and now and then 已退费 after that.
      const feeStatus = r.state === '1' && ctx.random.chance(0.3) ? '2' : '1';
      const ok = await ctx.send(
        message(system, 'FeeStatusInfoUpdate', r.visit, {
          set: {
            chargeNo: r.key,
            orderNo: r.values.order,
            applicationNo: r.values.order,
            feeStatus,
            operatorName: '收费员',
          },
        }),
      );
      if (ok) r.state = feeStatus;
    });
  },

  // ---- 体检 ----
  PhysicalExamAppointStatusInfoAdd: async (ctx) => {
    await holding(
      ctx.hospital.pool('physicalExamAppointment'),
      await physicalExamAppointment(ctx),
      async () => undefined,
    );
  },
  PhysicalExamAppointStatusInfoUpdate: async (ctx, system) => {
    const action = 'PhysicalExamAppointStatusInfoUpdate';
    if (!ctx.hospital.pool('physicalExamAppointment').any()) await STEPS.PhysicalExamAppointStatusInfoAdd!(ctx, system);
    await advanceRecord(ctx, 'physicalExamAppointment', system, action, (rec, _state, value) => ({
      set: { appointNo: rec.key, packageName: rec.values.package, status: value, operatorName: '体检登记员' },
    }));
  },

  // ---- 药品 ----
  DrugStockInAdd: (ctx, system) => drugBill(ctx, system, 'DrugStockInAdd', 'drugIn', 'RK'),
  DrugStockInUpdate: (ctx, system) => drugBillUpdate(ctx, system, 'DrugStockInUpdate', 'drugIn', 'DrugStockInAdd'),
  DrugStockOutAdd: (ctx, system) => drugBill(ctx, system, 'DrugStockOutAdd', 'drugOut', 'CK'),
  DrugStockOutUpdate: (ctx, system) => drugBillUpdate(ctx, system, 'DrugStockOutUpdate', 'drugOut', 'DrugStockOutAdd'),

  // ---- 自助机 JSON topics (the demo's own) ----
  KioskAppointment: async (ctx, system) => {
    const p = await patientOf(ctx);
    const doctor = ctx.hospital.staff.any((s) => s.registered && !s.temporary);
    if (!p || !doctor) return;
    await ctx.send({
      system,
      action: 'KioskAppointment',
      body: {
        patientId: p.patientId,
        patientName: p.name,
        idCardNo: p.idCardNo,
        deptCode: doctor.dept.code,
        deptName: doctor.dept.name,
        doctorName: doctor.name,
        slot: `${v3Time().slice(0, 8)} ${ctx.random.pick(['08:00-08:30', '09:00-09:30', '10:00-10:30', '14:00-14:30'])}`,
        kioskId: `ZZJ-${ctx.random.int(1, 12)}`,
      },
    });
  },
  KioskPayment: async (ctx, system) => {
    const v = await openVisit(ctx, false);
    if (!v) return;
    await ctx.send({
      system,
      action: 'KioskPayment',
      body: {
        patientId: v.patient.patientId,
        patientName: v.patient.name,
        visitNo: v.visitNo,
        payNo: ctx.hospital.number('ZF'),
        amount: money(ctx.random, 5, 800),
        channel: ctx.random.pick(['微信', '支付宝', '医保卡', '银联']),
        kioskId: `ZZJ-${ctx.random.int(1, 12)}`,
      },
    });
  },

  // ---- 查询 (sync): the repository answers, or the system of record the topic names ----
  PatientInfoQuery: (ctx, s) => query(ctx, s, 'PatientInfoQuery', { patientId: anyPatient(ctx)?.patientId }),
  OrganizationInfoQuery: (ctx, s) =>
    query(ctx, s, 'OrganizationInfoQuery', { deptCode: registeredDepartment(ctx).code }),
  ProviderInfoQuery: async (ctx, s) => {
    const staff = ctx.hospital.staff.any((x) => x.registered);
    await ctx.send({
      system: s,
      action: 'ProviderInfoQuery',
      json: {
        ...queryJson('ProviderInfoQuery', {}),
        ...(staff ? { providerIDValueList: [{ idCardNo: staff.idCardNo }] } : {}),
      },
    });
  },
  TerminologyQuery: (ctx, s) =>
    query(ctx, s, 'TerminologyQuery', { valueSetId: anyRec(ctx, 'valueSet')?.key ?? VALUE_SETS[0].id }),
  TerminologyAllQuery: (ctx, s) =>
    query(ctx, s, 'TerminologyAllQuery', { codeSystem: anyRec(ctx, 'valueSet')?.key ?? VALUE_SETS[0].id }),
  TerminologyStructureQuery: (ctx, s) =>
    query(ctx, s, 'TerminologyStructureQuery', { codeSystem: anyRec(ctx, 'structure')?.key ?? STRUCTURES[0].code }),
  TerminologyMappingSchemeQuery: (ctx, s) =>
    query(ctx, s, 'TerminologyMappingSchemeQuery', { schemeCode: anyRec(ctx, 'scheme')?.key }),
  TerminologyMappingQuery: (ctx, s) => {
    const m = anyRec(ctx, 'mapping');
    return query(ctx, s, 'TerminologyMappingQuery', { schemeCode: m?.values.scheme, sourceCode: m?.values.source });
  },
  DocumentRetrieve: (ctx, s) => {
    const doc = anyRec(ctx, 'document');
    return query(ctx, s, 'DocumentRetrieve', {
      patientId: doc?.visit?.patient.patientId,
      encompassingEncounterid: doc?.visit?.visitNo,
    });
  },
  DocumentAccess: (ctx, s) =>
    query(ctx, s, 'DocumentAccess', { patientId: anyRec(ctx, 'document')?.visit?.patient.patientId }),
  EncounterCardInfoQuery: (ctx, s) => query(ctx, s, 'EncounterCardInfoQuery', { cardNo: anyRec(ctx, 'card')?.key }),
  SourceAndScheduleInfoQuery: (ctx, s) =>
    query(ctx, s, 'SourceAndScheduleInfoQuery', { employeeId: anyRec(ctx, 'schedule')?.key }),
  OutPatientInfoQuery: (ctx, s) =>
    query(ctx, s, 'OutPatientInfoQuery', { visitNo: anyVisit(ctx, 'outpatient')?.visitNo }),
  InPatientInfoQuery: (ctx, s) => query(ctx, s, 'InPatientInfoQuery', { visitNo: anyVisit(ctx, 'inpatient')?.visitNo }),
  TransferInfoQuery: (ctx, s) => {
    const t = anyRec(ctx, 'transfer');
    return query(ctx, s, 'TransferInfoQuery', { visitNo: t?.key, patientId: t?.visit?.patient.patientId });
  },
  DischargeInfoQuery: (ctx, s) => query(ctx, s, 'DischargeInfoQuery', { visitNo: anyRec(ctx, 'discharge')?.key }),
  OrderInfoQuery: (ctx, s) => {
    const o = ctx.hospital.orders.any();
    return query(ctx, s, 'OrderInfoQuery', { orderId: o?.orderId, patientId: o?.visit.patient.patientId });
  },
  OrderFillerStatusInfoQuery: (ctx, s) =>
    query(ctx, s, 'OrderFillerStatusInfoQuery', { orderId: ctx.hospital.orders.any()?.orderId }),
  ExamAppInfoQuery: (ctx, s) =>
    query(ctx, s, 'ExamAppInfoQuery', { patientId: anyApp(ctx, 'lab')?.visit.patient.patientId }),
  ExamStatusInfoQuery: (ctx, s) =>
    query(ctx, s, 'ExamStatusInfoQuery', { patientId: anyApp(ctx, 'lab')?.visit.patient.patientId }),
  CheckAppInfoQuery: (ctx, s) => {
    const a = anyApp(ctx, 'check');
    return query(ctx, s, 'CheckAppInfoQuery', {
      applicationNo: a?.applicationNo,
      patientId: a?.visit.patient.patientId,
    });
  },
  CheckStatusInfoQuery: (ctx, s) =>
    query(ctx, s, 'CheckStatusInfoQuery', { applicationNo: anyApp(ctx, 'check')?.applicationNo }),
  CheckAppointStatusInfoQuery: (ctx, s) =>
    query(ctx, s, 'CheckAppointStatusInfoQuery', {
      patientId: anyRec(ctx, 'checkAppointment')?.visit?.patient.patientId,
    }),
  PathologyAppInfoQuery: (ctx, s) =>
    query(ctx, s, 'PathologyAppInfoQuery', { applicationNo: anyApp(ctx, 'pathology')?.applicationNo }),
  BloodTransAppInfoQuery: (ctx, s) =>
    query(ctx, s, 'BloodTransAppInfoQuery', { applicationNo: anyApp(ctx, 'blood')?.applicationNo }),
  OperationAppInfoQuery: (ctx, s) =>
    query(ctx, s, 'OperationAppInfoQuery', { applicationNo: anyApp(ctx, 'operation')?.applicationNo }),
  OperationScheduleInfoQuery: (ctx, s) =>
    query(ctx, s, 'OperationScheduleInfoQuery', {
      patientId: anyRec(ctx, 'operationSchedule')?.visit?.patient.patientId,
    }),
  OperationStatusInfoQuery: (ctx, s) =>
    query(ctx, s, 'OperationStatusInfoQuery', { applicationNo: anyApp(ctx, 'operation')?.applicationNo }),
  OutPatientAppointStatusInfoQuery: (ctx, s) =>
    query(ctx, s, 'OutPatientAppointStatusInfoQuery', {
      patientId: anyRec(ctx, 'outpatientAppointment')?.patient?.patientId,
    }),
  PhysicalExamAppointStatusInfoQuery: (ctx, s) =>
    query(ctx, s, 'PhysicalExamAppointStatusInfoQuery', { appointNo: anyRec(ctx, 'physicalExamAppointment')?.key }),
  DiagnosisInfoQuery: (ctx, s) => {
    const d = anyRec(ctx, 'diagnosis');
    return query(ctx, s, 'DiagnosisInfoQuery', { patientId: d?.visit?.patient.patientId, visitNo: d?.visit?.visitNo });
  },
  ConsultationAppInfoQuery: (ctx, s) =>
    query(ctx, s, 'ConsultationAppInfoQuery', { applicationNo: anyApp(ctx, 'consultation')?.applicationNo }),
  CriticalValueInfoQuery: (ctx, s) =>
    query(ctx, s, 'CriticalValueInfoQuery', { criticalNo: anyRec(ctx, 'criticalValue')?.key }),
  SingleSignOn: (ctx, s) => {
    const staff = ctx.hospital.staff.any((x) => x.registered) ?? ctx.hospital.staff.list()[0]!;
    return query(ctx, s, 'SingleSignOn', {
      ticket: `ST-${ctx.hospital.number('')}`,
      systemCode: s,
      staffNo: staff.staffNo,
      staffName: staff.name,
      deptCode: staff.dept.code,
      deptName: staff.dept.name,
    });
  },
};

async function drugBill(ctx: WorkflowContext, system: string, action: string, kind: RecordKind, prefix: string) {
  const billNo = ctx.hospital.number(prefix);
  const drug = ctx.random.pick(DRUGS);
  const quantity = ctx.random.int(10, 200);
  const item = { batchNo: ctx.hospital.number('PH').slice(-8), unitPrice: money(ctx.random, 5, 120) };
  const ok = await ctx.send(
    message(system, action, undefined, {
      set: { billNo, warehouseCode: 'YK01', warehouseName: '西药库', operatorName: '药库管理员' },
      lists: { items: [drugItem(drug.code, drug.name, quantity, item.batchNo, item.unitPrice)] },
    }),
  );
  if (ok)
    ctx.hospital.pool(kind).add(
      ctx.hospital.record(billNo, {
        drugCode: drug.code,
        drugName: drug.name,
        quantity: String(quantity),
        batchNo: item.batchNo,
        unitPrice: String(item.unitPrice),
      }),
    );
}

function drugItem(drugCode: string, drugName: string, quantity: number, batchNo: string, unitPrice: number) {
  const expireDate = v3Time(new Date(Date.now() + 700 * 86400_000)).slice(0, 8);
  return { drugCode, drugName, specification: '盒', batchNo, quantity, unit: '盒', unitPrice, expireDate };
}

async function drugBillUpdate(ctx: WorkflowContext, system: string, action: string, kind: RecordKind, add: string) {
  const rec = await recordOf(ctx, kind, () => STEPS[add]!(ctx, system));
  await holding(ctx.hospital.pool(kind), rec, async (r) => {
    await ctx.send(
      message(system, action, undefined, {
        set: { billNo: r.key, warehouseCode: 'YK01', warehouseName: '西药库', operatorName: '药库管理员' },
        lists: {
          items: [
            drugItem(
              r.values.drugCode!,
              r.values.drugName!,
              Number(r.values.quantity) - 1,
              r.values.batchNo!,
              Number(r.values.unitPrice),
            ),
          ],
        },
      }),
    );
  });
}

// ---------------------------------------------------------------------------------------------------------------------
// Deliberately bad traffic: labelled, so the console's refusals (AE / 拒收) have a known cause

export const BAD_STEPS: Record<BadKind, (ctx: WorkflowContext, variant?: number) => Promise<void>> = {
  /**
   * A vendor's bug: a cut-off V3 message (variant 0), a JSON body cut short (1), or a broken HL7 v2 message (2: an
   * event nobody mapped, or no PID — refused with AR/AE before a message is stored).
   */
  malformed: async (ctx, which = ctx.random.int(0, 2)) => {
    const visit = ctx.hospital.visits.any((v) => v.kind !== 'checkup');
    if (which === 0 && visit) {
      await ctx.send({
        ...message('EMR', 'DocumentRegister', visit, {
          set: { clinicalDocumentCode: 'C0002', codeName: '门急诊病历' },
        }),
        bad: 'malformed',
      });
    } else if (which === 1 && visit) {
      await ctx.send({
        system: 'KIOSK',
        action: 'KioskPayment',
        body: { patientId: visit.patient.patientId, visitNo: visit.visitNo, amount: 12.5 },
        bad: 'malformed',
      });
    } else {
      const lab = ctx.hospital.applications.lab.any();
      const v = lab?.visit ?? visit;
      if (!v) return;
      await ctx.send({
        system: 'LIS',
        action: 'LabReportV2',
        hl7v2: labResultOru(v, lab?.applicationNo ?? 'JY0', ctx.hospital.number('LIS'), labValues(ctx.random)),
        bad: 'malformed',
      });
    }
  },
  /** 检查状态 for an application nobody placed (a PACS keyed in a wrong number): refused, 申请单不存在. */
  unknownReference: async (ctx) => {
    const visit = await openVisit(ctx, false);
    if (!visit) return;
    const ghost: Application = {
      key: 'ghost',
      applicationNo: `JC${ctx.hospital.number('X').slice(1)}`,
      kind: 'check',
      visit,
      placer: 'HIS',
      orderId: 'ghost',
      state: null,
      step: 1,
      exam: ctx.random.pick(EXAMS),
      issued: [],
      scheduled: false,
      closed: false,
    };
    await advanceCheck(ctx, ghost, 'unknownReference');
  },
  /** 手术状态 skipping a step (麻醉开始 without 入手术室 …): refused by the state machine. */
  illegalState: async (ctx) => {
    const steps = operationStatusSteps();
    await holding(
      ctx.hospital.applications.operation,
      await scheduledOperation(ctx, (a) => a.step + 2 < steps.length),
      (a) => operationStep(ctx, a, 1, 'illegalState').then(() => undefined),
    );
  },
};

/** Every code the demo sends: the catalogue's services in its order, then the demo's own topics. */
export function demoCodes(): string[] {
  return [...listServiceDefinitions().map((d) => d.action), ...DEMO_TOPICS.map((t) => t.code)];
}

/**
 * The start-up tour: the master data first (every department and doctor of the roster registered), then each code
 * once by each system that sends it — so every service of the catalogue reaches the console within the first
 * minute — then (unless `bad` is false) one deliberately bad message of each kind, malformed once per protocol. Stops
 * early when `stopped()` says so.
 */
export async function startupTour(
  ctx: WorkflowContext,
  stopped: () => boolean = () => false,
  bad = true,
): Promise<void> {
  for (const dept of ctx.hospital.departments.list().filter((d) => !d.registered)) {
    if (stopped()) return;
    await registerDepartment(ctx, 'MDM', dept);
  }
  for (const staff of ctx.hospital.staff.list().filter((s) => !s.registered)) {
    if (stopped()) return;
    await registerStaff(ctx, 'MDM', staff);
  }
  for (const code of demoCodes()) {
    for (const system of sendersOf(code)) {
      if (stopped()) return;
      const step = STEPS[code];
      if (!step) throw new Error(`no step for ${code}`);
      await step(ctx, system.code);
    }
  }
  if (!bad) return;
  for (const variant of [0, 1, 2]) if (!stopped()) await BAD_STEPS.malformed(ctx, variant);
  for (const kind of BAD_KINDS) if (!stopped() && kind !== 'malformed') await BAD_STEPS[kind](ctx);
}
