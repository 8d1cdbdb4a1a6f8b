import { describe, expect, it } from 'vitest';
import { bindingOf } from '../services/cdr/index.js';
import {
  getServiceDefinition,
  jsonToV3,
  listServiceDefinitions,
  v3ToJson,
  validateServiceJson,
} from '../services/index.js';
import {
  checkStatusSteps,
  createRandom,
  examStatusOrm,
  Hospital,
  idCardCheckDigit,
  labResultOru,
  labValues,
  nextState,
  notStarted,
  operationStatusSteps,
  Pool,
  serviceJson,
  statesOf,
} from './generator.js';
import { DEMO_TOPICS, sendersOf, SYSTEMS } from './systems.js';
import {
  BAD_KINDS,
  BAD_STEPS,
  demoCodes,
  queryJson,
  startupTour,
  stateValue,
  STEPS,
  type Outbound,
  type WorkflowContext,
} from './workflows.js';

/** Runs the demo's workflows without a network: every message is checked the way Hutong checks it, then taken. */
function offline(seed: number) {
  const random = createRandom(seed);
  const sent: Outbound[] = [];
  const problems: string[] = [];
  const ctx: WorkflowContext = {
    hospital: new Hospital(random),
    random,
    send: (m) => {
      sent.push(m);
      if (m.json) {
        const def = getServiceDefinition(m.action)!;
        const protocol = SYSTEMS.find((s) => s.code === m.system)!.protocol;
        // Over the WebService the repository reads the JSON back out of the V3; over REST it reads the JSON itself.
        const json =
          protocol === 'soap' ? v3ToJson(def, jsonToV3(def, m.json, { sender: m.system, receiver: 'HIP' })) : m.json;
        for (const p of validateServiceJson(def, json)) problems.push(`${m.action}: ${p.path} ${p.messageEn}`);
      }
      return Promise.resolve(true);
    },
  };
  return { ctx, sent, problems };
}

describe('demo generator', () => {
  it('makes valid 身份证号 (GB 11643 check digit)', () => {
    expect(idCardCheckDigit('11010519491231002')).toBe('X');
    const patient = new Hospital(createRandom(7)).newPatient();
    expect(patient.idCardNo).toMatch(/^\d{17}[\dX]$/);
    expect(patient.idCardNo.at(-1)).toBe(idCardCheckDigit(patient.idCardNo.slice(0, 17)));
  });

  it('fills a service JSON with the visit, which survives the trip to V3 and back', () => {
    const hospital = new Hospital(createRandom(3));
    const visit = hospital.newVisit(hospital.newPatient(), 'outpatient');
    const def = getServiceDefinition('OutPatientInfoAdd')!;
    const json = serviceJson(def, visit);
    const back = v3ToJson(def, jsonToV3(def, json, { sender: 'HIS', receiver: 'HIP' }));
    expect(back[def.indexFields.patientId!]).toBe(visit.patient.patientId);
    expect(back[def.indexFields.visitNo!]).toBe(visit.visitNo);
    expect(back[def.indexFields.patientName!]).toBe(visit.patient.name);
    expect(back.codeName).toBe('门诊');
    expect(validateServiceJson(def, back)).toEqual([]);
  });

  it('refuses to fill a field the service does not have, or to drop a required one', () => {
    const def = getServiceDefinition('DiagnosisInfoAdd')!;
    expect(() => serviceJson(def, undefined, { set: { nonsense: 1 } })).toThrow(/no field nonsense/);
    expect(() => serviceJson(def, undefined, { omit: ['patientId'] })).toThrow(/not an optional field/);
    expect(() =>
      serviceJson(getServiceDefinition('OrderInfoAdd')!, undefined, { lists: { component2List: [{ x: 1 }] } }),
    ).toThrow(/has no field x/);
  });

  it('writes HL7 v2 with the patient in PID and the right MSH-9', () => {
    const random = createRandom(5);
    const hospital = new Hospital(random);
    const visit = hospital.newVisit(hospital.newPatient(), 'inpatient');
    const oru = labResultOru(visit, 'JY1', 'C1', labValues(random)).split('\r');
    expect(oru[0]!.split('|')[8]).toBe('ORU^R01^ORU_R01');
    expect(oru[1]).toContain(visit.patient.patientId);
    expect(oru.filter((s) => s.startsWith('OBX|')).length).toBeGreaterThan(0);
    const orm = examStatusOrm(visit, 'JC1', '头颅MRI', 'CM', 'C2').split('\r');
    expect(orm[0]!.split('|')[8]).toBe('ORM^O01^ORM_O01');
    expect(orm[3]!.split('|')[5]).toBe('CM');
  });

  it('takes each record for one message at a time', () => {
    const pool = new Pool<{ key: string; busy?: boolean }>(createRandom(1), 2);
    const a = pool.add({ key: 'a' });
    expect(pool.take()).toBe(a);
    expect(pool.take()).toBeUndefined();
    pool.release(a);
    expect(pool.take((x) => x.key === 'a')).toBe(a);
    // Full: the oldest idle record goes, never one in use.
    pool.add({ key: 'b' });
    pool.add({ key: 'c' });
    expect(pool.list().map((x) => x.key)).toEqual(['a', 'c']);
  });
});

describe('workflows read from the clinical data repository', () => {
  it('walks 检查状态 in the repository order with the modality’s SC codes (SC17 登记 … SC19 采集图像)', () => {
    const radiology = checkStatusSteps('放射');
    expect(radiology[0]).toEqual({ code: 'SC15', name: '放射检查预约', state: null });
    expect(radiology.slice(1, 4)).toEqual([
      { code: 'SC17', name: '放射检查登记', state: 'registered' },
      { code: 'SC19', name: '放射检查采集图像', state: 'imagesArrived' },
      { code: 'SC20', name: '放射检查书写报告', state: 'preliminaryReport' },
    ]);
    expect(radiology.at(-1)!.state).toBe('reported');
    // Every state the steps name is reachable from the one before in the repository's machine.
    const states = statesOf('CheckStatusInfoUpdate');
    for (const modality of ['放射', '超声', '心电', '内镜']) {
      let current: string | null = null;
      for (const step of checkStatusSteps(modality).filter((s) => s.state !== null)) {
        const allowed = current === null ? ['registered'] : [current, ...states.find((s) => s.code === current)!.next];
        expect(allowed, `${modality} ${step.code}`).toContain(step.state);
        current = step.state;
      }
      expect(current, modality).toBe('reported');
    }
    expect(bindingOf('CheckStatusInfoUpdate')!.neutralSteps).toContain('SC15');
  });

  it('walks 手术状态 strictly in the tender order', () => {
    expect(operationStatusSteps().map((s) => s.name)).toEqual([
      '入手术室',
      '麻醉开始',
      '手术开始',
      '手术结束',
      '麻醉结束',
      '出手术室',
      '入恢复室',
      '出恢复室',
    ]);
  });

  it('moves records along the machine, and knows what a message can say', () => {
    const random = createRandom(9);
    const appointment = statesOf('OutPatientAppointStatusInfoUpdate');
    expect(nextState(appointment, null, random)).toBe('submitted');
    for (let i = 0; i < 20; i++)
      expect(['pending', 'rejected', 'cancelled']).toContain(nextState(appointment, 'submitted', random));
    expect(nextState(appointment, 'completed', random)).toBeUndefined();
    expect(notStarted(statesOf('CheckStatusInfoUpdate'), 'registered')).toBe(true);
    expect(notStarted(statesOf('CheckStatusInfoUpdate'), 'imagesArrived')).toBe(false);
    // 检查预约 carries V3 active/inactive: 已排班 and 取消 only.
    expect(stateValue('CheckAppointStatusInfoAdd', 'scheduled')).toBe('active');
    expect(stateValue('CheckAppointStatusInfoUpdate', 'cancelled')).toBe('inactive');
    expect(stateValue('CheckAppointStatusInfoAdd', 'submitted')).toBeUndefined();
    expect(stateValue('RegistrationPaymentUpdate', 'cancelled')).toBe('cancelled');
  });

  it('asks queries with what the hospital knows, keeping the example’s technical parameters only', () => {
    const json = queryJson('PatientInfoQuery', { patientId: 'P1' });
    expect(json).toMatchObject({ patientId: 'P1', queryByParameterStatusCode: 'new' });
    expect(json.idCardNo).toBeUndefined();
    expect(() => queryJson('PatientInfoQuery', { nonsense: 'x' })).toThrow(/no parameter/);
  });
});

describe('the simulated hospital', () => {
  it('sends every service of the catalogue and every demo topic, each by a system whose traffic lists it', () => {
    const codes = demoCodes();
    expect(codes).toHaveLength(listServiceDefinitions().length + DEMO_TOPICS.length);
    expect(listServiceDefinitions()).toHaveLength(131);
    for (const code of codes) {
      expect(STEPS[code], code).toBeDefined();
      expect(sendersOf(code).length, code).toBeGreaterThan(0);
    }
    for (const s of SYSTEMS)
      for (const code of Object.keys(s.traffic)) expect(STEPS[code], `${s.code} ${code}`).toBeDefined();
  });

  it('tours every service at start-up with messages the catalogue accepts, sent by the system that would', async () => {
    const { ctx, sent, problems } = offline(42);
    await startupTour(ctx);
    expect(problems).toEqual([]);
    const good = sent.filter((m) => !m.bad);
    for (const code of demoCodes())
      expect(
        good.some((m) => m.action === code),
        code,
      ).toBe(true);
    for (const m of good) {
      expect(
        SYSTEMS.find((s) => s.code === m.system)!.traffic[m.action] ?? 0,
        `${m.system} ${m.action}`,
      ).toBeGreaterThan(0);
    }
    expect(new Set(sent.filter((m) => m.bad).map((m) => m.bad))).toEqual(new Set(BAD_KINDS));
    // The master data came first: every department and doctor registered before any patient.
    const firstPatient = sent.findIndex((m) => m.action === 'PatientInfoRegister');
    const registrations = sent.filter(
      (m, i) => i < firstPatient && /OrganizationInfoRegister|ProviderInfoRegister/.test(m.action),
    );
    expect(registrations.length).toBeGreaterThanOrEqual(
      ctx.hospital.departments.list().filter((d) => !d.temporary).length,
    );
  });

  it('keeps to the workflows over a long day of random steps', async () => {
    const { ctx, sent, problems } = offline(7);
    await startupTour(ctx);
    const random = createRandom(8);
    const steps = SYSTEMS.flatMap((s) => Object.keys(s.traffic).map((code) => [s.code, code] as const));
    for (let i = 0; i < 1500; i++) {
      const [system, code] = random.pick(steps);
      await STEPS[code]!(ctx, system);
    }
    for (const kind of BAD_KINDS) await BAD_STEPS[kind](ctx);
    expect(problems).toEqual([]);
    // Nothing is left taken once its message is answered.
    const h = ctx.hospital;
    const pools = [h.departments, h.staff, h.patients, h.visits, h.orders, ...Object.values(h.applications)];
    for (const pool of pools) expect(pool.list().filter((x) => x.busy)).toEqual([]);
    // 手术状态 of every operation went in order: each application's steps are a prefix of the tender's list.
    const order = operationStatusSteps().map((s) => s.code);
    const byApp = new Map<string, string[]>();
    for (const m of sent.filter((x) => x.action === 'OperationStatusInfoUpdate' && !x.bad)) {
      const item = (m.json!.component2List as Array<Record<string, string>>)[0]!;
      byApp.set(item.applicationNo!, [...(byApp.get(item.applicationNo!) ?? []), item.processStepCode!]);
    }
    expect(byApp.size).toBeGreaterThan(0);
    for (const [app, codes] of byApp) expect(codes, app).toEqual(order.slice(0, codes.length));
  });
});
