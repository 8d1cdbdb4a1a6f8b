// HL7 v2 → interaction service: every mapped corpus message and a realistic Chinese message per mapped event become
// their service's canonical JSON, which passes the service's own validator and survives the V3 round trip; every
// refusal names the event and the v2 field.
import { describe, expect, it } from 'vitest';
import { corpusFiles, corpusText } from '../../formats/hl7v2/corpus.testutil.js';
import { parseHl7 } from '../../formats/hl7v2/index.js';
import { HtError } from '../../platform/errors/index.js';
import { getServiceDefinition } from '../catalogue/catalogue.js';
import { validateServiceJson } from '../catalogue/json-schema.js';
import { jsonToV3, v3ToJson } from '../catalogue/mapper.js';
import { eventToService, hl7v2ToService, type Hl7v2ToServiceOptions } from './convert.js';
import { EVENT_ROUTES } from './mappings.js';
import { messages, type SampleName } from './messages.testutil.js';

function convert(text: string, options: Hl7v2ToServiceOptions = {}) {
  const result = hl7v2ToService(text, options);
  const def = getServiceDefinition(result.action);
  expect(def, result.action).toBeDefined();
  expect(validateServiceJson(def!, result.json)).toEqual([]);
  // What the converter writes is read back unchanged: the JSON is the V3 message's business content.
  const xml = jsonToV3(def!, result.json, {
    id: 'a',
    creationTime: '20240315093000',
    sender: 'HIS',
    receiver: 'HUTONG',
  });
  expect(v3ToJson(def!, xml)).toEqual(dropAbsentArrays(result.json));
  return result;
}

/** v3ToJson leaves out empty lists (nothing to read), the JSON may carry them. */
function dropAbsentArrays(json: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(json)) {
    if (Array.isArray(v)) {
      if (v.length > 0)
        out[k] = v.map((i) => (i && typeof i === 'object' ? dropAbsentArrays(i as Record<string, unknown>) : i));
    } else out[k] = v;
  }
  return out;
}

function refusal(fn: () => unknown): HtError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(HtError);
    return error as HtError;
  }
  throw new Error('expected a refusal');
}

const sample = (name: SampleName) => messages[name];
const edit = (name: SampleName, change: (m: ReturnType<typeof parseHl7>) => void): string => {
  const m = parseHl7(sample(name));
  change(m);
  return m.toString();
};

describe('the shared HL7 v2 corpus', () => {
  /** Expected service per corpus file whose event is mapped; ORMs without OBR-24 name the topic they were sent to. */
  const expected: Record<string, { action: string; topic?: string }> = {
    'ADT-A01-01.hl7': { action: 'InPatientInfoAdd' },
    'ADT-A01-02.hl7': { action: 'InPatientInfoAdd' },
    'ADT01-23.hl7': { action: 'InPatientInfoAdd' },
    'ADT-A08-01.hl7': { action: 'InPatientInfoUpdate' },
    'ADT04-251.hl7': { action: 'OutPatientInfoAdd' },
    'LAB-ORM-1.hl7': { action: 'ExamAppInfoAdd' },
    'OML-O21-01.hl7': { action: 'ExamAppInfoAdd' },
    'ORM-O01-01.hl7': { action: 'CheckAppInfoAdd', topic: 'CheckAppInfoAdd' },
    'ORM-O01-02.hl7': { action: 'CheckAppInfoAdd', topic: 'CheckAppInfoAdd' },
    'SIU-S12-01.hl7': { action: 'CheckAppointStatusInfoAdd' },
  };

  it('covers every corpus message whose event is mapped', () => {
    const mapped = new Set(EVENT_ROUTES.map((r) => r.event));
    const files = corpusFiles().filter((f) => {
      const m = parseHl7(corpusText(f));
      return mapped.has(`${m.get('MSH-9.1')}^${m.get('MSH-9.2')}`);
    });
    expect(files.sort()).toEqual(Object.keys(expected).sort());
  });

  for (const [file, want] of Object.entries(expected)) {
    it(`${file} becomes ${want.action} and validates`, () => {
      const r = convert(corpusText(file), want.topic ? { action: want.topic } : {});
      expect(r.action).toBe(want.action);
    });
  }

  it('reads the identifiers a subscriber searches by', () => {
    const a04 = convert(corpusText('ADT04-251.hl7')).json;
    expect(a04).toMatchObject({
      patientId: 'MRN12345',
      patientPersonName: 'Doe Jane',
      encounterEventCode: '2',
      codeName: '急诊',
    });
    // No PV1-19: the patient account number (PID-18) is the visit number.
    expect(a04.visitNo).toBe('123456789');
    expect(a04.effectiveTimeLow).toBe('20190504');
    expect(a04.admitterTime).toBe('20190504181205+0700');
    const lab = convert(corpusText('LAB-ORM-1.hl7')).json;
    expect(lab).toMatchObject({ applicationNo: '88502218', patientId: '10006579', encounterCode: '3' });
    expect(lab.component2List).toEqual([
      expect.objectContaining({ orderId: '88502218', observationRequestCode: '24317-0' }),
    ]);
    const siu = convert(corpusText('SIU-S12-01.hl7')).json;
    expect(siu).toMatchObject({
      actAppointmentId: '12345',
      visitNo: '5001',
      manufacturedDeviceName: 'EVIS X12 Video Colonoscope',
    });
    expect(siu.actAppointmentEffectiveTime).toBe('20210924093000+0215');
  });

  it('asks for OBR-24 or a topic when an ORM^O01 does not say lab, imaging or pathology', () => {
    const e = refusal(() => hl7v2ToService(corpusText('ORM-O01-01.hl7')));
    expect(e.code).toBe('HT_SERVICE_HL7V2_UNMAPPED');
    expect(e.localized('zh-CN')).toContain('OBR-24');
    expect(e.localized('en')).toContain('ORM^O01');
  });

  it('refuses the corpus events it does not map, naming them', () => {
    for (const file of ['LAB-ORU-1.hl7', 'MDM-T02-01.hl7']) {
      const e = refusal(() => hl7v2ToService(corpusText(file)));
      expect(e.code).toBe('HT_SERVICE_HL7V2_UNMAPPED');
      expect(e.localized('zh-CN')).toMatch(/ORU\^R01|MDM\^T02/);
    }
  });
});

describe('Chinese HIS messages, one per mapped event', () => {
  const cases: [SampleName, string][] = [
    ['ADT^A28', 'PatientInfoRegister'],
    ['ADT^A31', 'PatientInfoUpdate'],
    ['ADT^A40', 'PatientInfoMerge'],
    ['ADT^A04', 'OutPatientInfoAdd'],
    ['ADT^A08', 'InPatientInfoUpdate'],
    ['ADT^A01', 'InPatientInfoAdd'],
    ['ADT^A05', 'InPatientInfoAdd'],
    ['ADT^A11', 'OutPatientInfoUpdate'],
    ['ADT^A02', 'TransferInfoAdd'],
    ['ADT^A03', 'DischargeInfoAdd'],
    ['ORM^O01 lab', 'ExamAppInfoAdd'],
    ['ORM^O01 exam', 'CheckAppInfoAdd'],
    ['ORM^O01 pathology', 'PathologyAppInfoAdd'],
    ['ORM^O01 cancel', 'ExamAppInfoUpdate'],
    ['ORM^O01 pharmacy', 'OrderInfoAdd'],
    ['RDE^O11', 'OrderInfoAdd'],
    ['OML^O21', 'ExamAppInfoAdd'],
    ['SIU^S12', 'OutPatientAppointStatusInfoAdd'],
    ['SIU^S12 exam', 'CheckAppointStatusInfoAdd'],
    ['SIU^S14', 'OutPatientAppointStatusInfoUpdate'],
    ['SIU^S15', 'OutPatientAppointStatusInfoUpdate'],
    ['DFT^P03', 'FinancialDetailInfoAdd'],
    ['DFT^P03 registration', 'RegistrationPaymentAdd'],
  ];
  for (const [name, action] of cases) {
    it(`${name} → ${action}`, () => {
      const r = convert(sample(name));
      expect(r.action).toBe(action);
      expect(eventToService(r.message.get('MSH-9.1'), r.message.get('MSH-9.2'), r.message)).toBe(action);
    });
  }

  it('maps the patient: names, national codes, identifiers, contact', () => {
    const j = convert(sample('ADT^A28')).json;
    expect(j).toMatchObject({
      patientId: 'P0000123',
      patientPersonName: '张三',
      idCardNo: '110101199001011234',
      idCategoryCode: '01',
      idCategoryName: '居民身份证',
      administrativeGenderCode: '1',
      administrativeGenderCodeName: '男性',
      birthTime: '19900101',
      addr: '北京市东城区王府井大街1号',
      patientPersonTelecom: '01065295000',
      maritalStatusCode: '20',
      itemCode: '01',
      ethnicGroupCodeName: '汉族',
      personalRelationshipCode: '10',
      relationshipHolder1Name: '李梅',
      asOtherIDsList: [{ cardNo: 'K000123', orgCode: 'BJXH' }],
      assignedPersonName: '赵敏',
    });
    // Documented stand-ins where PID has no field: occupation 90 其他, no employer.
    expect(j).toMatchObject({ occupationCode: '90', employerOrganizationName: '-' });
  });

  it('without NK1 the patient is their own contact', () => {
    const j = convert(sample('ADT^A31')).json;
    expect(j).toMatchObject({
      personalRelationshipCode: '01',
      personalRelationshipCodeName: '本人',
      relationshipHolder1Name: '张三',
    });
  });

  it('merges the patient of MRG-1 into the patient of PID-3', () => {
    expect(convert(sample('ADT^A40')).json).toMatchObject({
      subject1PatientId: 'P0000123',
      priorRegisteredRolePatientId: 'P0000999',
      priorRegistrationStatusCode: 'obsolete',
    });
  });

  it('maps an outpatient registration (门诊挂号)', () => {
    expect(convert(sample('ADT^A04')).json).toMatchObject({
      outpatientNo: 'MZ20240315001',
      visitNo: 'V20240315001',
      encounterEventCode: '1',
      codeName: '门诊',
      encounterEventStatusCode: 'active',
      effectiveTimeLow: '20240315',
      reasonCodeOriginalText: '发热三天',
      admissionReferralSourceCode: '01',
      staffNo: 'D0101',
      assignedPersonName: '王建国',
      locationId: 'NKMZ',
      locationName: '内科门诊',
      locationIdItemRoot: '2.16.156.10011.1.26',
    });
  });

  it('A11 cancels the visit (退号): the update carries status cancelled', () => {
    expect(convert(sample('ADT^A11')).json).toMatchObject({
      visitNo: 'V20240315001',
      encounterEventStatusCode: 'cancelled',
    });
    const inpatient = edit('ADT^A11', (m) => m.set('PV1-2', 'I'));
    const r = convert(inpatient);
    expect(r.action).toBe('InPatientInfoUpdate');
    expect(r.json.encounterEventStatusCode).toBe('cancelled');
  });

  it('A08 follows the patient class, and without a visit updates the patient', () => {
    expect(convert(edit('ADT^A08', (m) => m.set('PV1-2', 'E'))).action).toBe('OutPatientInfoUpdate');
    const noVisit = edit('ADT^A08', (m) => {
      for (const s of [...m.segmentsNamed('PV1'), ...m.segmentsNamed('DG1')]) m.removeSegment(s);
    });
    expect(convert(noVisit).action).toBe('PatientInfoUpdate');
  });

  it('maps an admission with ward, room, bed and diagnoses', () => {
    const j = convert(sample('ADT^A01')).json;
    expect(j).toMatchObject({
      inpatientNo: 'ZY2024000321',
      encounterEventCode: '3',
      locationId: 'XNK',
      locationLocatedEntityHasPartsLocatedPlaceId: 'XNKBQ',
      locationLocatedEntityHasPartsLocatedPlaceLocatedEntityHasPartsLocatedPlaceId: '0301',
      locatedPlaceLocatedEntityHasPartsLocatedPlaceLocatedEntityHasPartsLocatedPlaceId: '12',
      locatedPlaceLocatedEntityHasPartsLocatedPlaceLocatedEntityHasPartsLocatedPlaceIdItemRoot: '2.16.156.10011.1.22',
      reasonList: [expect.objectContaining({ valueCode: 'I10.x00', observationDxName: '原发性高血压' })],
    });
    expect(convert(sample('ADT^A05')).json.encounterEventStatusCode).toBe('new');
  });

  it('maps a transfer: PV1-3 in, PV1-6 out, at EVN-6', () => {
    expect(convert(sample('ADT^A02')).json).toMatchObject({
      location1Time: '20240312143000',
      location1ServiceDeliveryLocationLocationLocatedEntityHasPartsLocatedPlaceId: 'XNKBQ',
      location2ServiceDeliveryLocationLocationLocatedEntityHasPartsLocatedPlaceId: 'SJNKBQ',
      location2ServiceDeliveryLocationLocationLocatedEntityHasPartsLocatedPlaceLocatedEntityHasPartsLocatedPlaceLocatedEntityHasPartsLocatedPlaceId:
        '08',
    });
  });

  it('maps a discharge with the length of stay in days', () => {
    expect(convert(sample('ADT^A03')).json).toMatchObject({
      encounterEventStatusCode: 'completed',
      effectiveTimeLow: '20240310101500',
      lengthOfStayQuantity: 8,
      lengthOfStayQuantityUnit: '天',
    });
  });

  it('maps a lab request: one application (ORC-4), one item per OBR, specimen, priority', () => {
    const j = convert(sample('ORM^O01 lab')).json;
    expect(j).toMatchObject({
      applicationNo: 'SQ202403150001',
      priorityCode: 'S',
      priorityCodeName: '紧急',
      specimenCode: 'BLD',
      specimenCodeName: '全血',
      annotationText: '空腹采血',
      birthTimeOriginalText: 34,
      valueCode: 'R50.900',
    });
    expect((j.component2List as unknown[]).map((i) => (i as { orderId: string }).orderId)).toEqual([
      'O202403150001',
      'O202403150002',
    ]);
  });

  it('changes a pathology request with ORC-1 XO, its specimens as the update lists them', () => {
    const r = convert(edit('ORM^O01 pathology', (m) => m.set('ORC-1', 'XO')));
    expect(r.action).toBe('PathologyAppInfoUpdate');
    expect(r.json.specimenNaturalList).toEqual([
      expect.objectContaining({
        codeName: '胃窦黏膜组织',
        quantity: '3',
        derivedSpecimenList: [expect.objectContaining({ codeName: '胃窦' })],
      }),
    ]);
  });

  it('cancels a request with ORC-1 CA (the value set has no cancelled: inactive)', () => {
    const r = convert(sample('ORM^O01 cancel'));
    expect(r.json.observationRequestStatusCode).toBe('inactive');
  });

  it('maps medication orders from RXO and RXE with route and form', () => {
    const item = (convert(sample('RDE^O11')).json.component2List as Record<string, unknown>[])[0];
    expect(item).toMatchObject({
      orderId: 'YZ202403100002',
      routeCode: '404',
      routeCodeName: '静脉注射或静脉滴注',
      doseQuantity: 250,
      administrationUnitCode: '18',
      capacityQuantity: 250,
      supplyRequestQuantity: 3,
      expectedUseTimeValidTimeHigh: '20240312120000',
    });
  });

  it('maps appointments and their states', () => {
    expect(convert(sample('SIU^S12')).json).toMatchObject({
      encounterAppointmentId: 'YY20240320001',
      encounterAppointmentStatusCode: 'scheduled',
      encounterAppointmentEffectiveTimeLow: '20240320090000',
      effectiveTimeHigh: '20240320091500',
      staffNo: 'D0101',
      assignedDeviceCode: '0',
      codeName: '预约成功',
    });
    expect(convert(sample('SIU^S15')).json).toMatchObject({
      encounterAppointmentStatusCode: 'cancelled',
      assignedDeviceCode: '1',
    });
    expect(convert(sample('SIU^S12 exam')).json).toMatchObject({
      manufacturedDeviceId: 'CT02',
      manufacturedDeviceName: '西门子64排CT',
      referencedOrderList: [{ actOrderId: 'JC202403110001', idRoot: '2.16.156.10011.1.24' }],
    });
  });

  it('maps charges: one item per FT1, amounts computed where one is missing, the total summed', () => {
    const j = convert(sample('DFT^P03')).json;
    expect(j).toMatchObject({
      chargeNo: 'SF2024031500001',
      totalAmount: 85,
      deptName: '检验科',
      operatorName: '钱收费',
    });
    expect(j.items).toEqual([
      expect.objectContaining({ itemCode: 'F0001', quantity: 1, unitPrice: 25, amount: 25 }),
      expect.objectContaining({ itemCode: 'F0002', quantity: 2, unitPrice: 30, amount: 60 }),
    ]);
  });

  it('takes registration payments by FT1-6, with a configurable list', () => {
    expect(convert(sample('DFT^P03 registration')).json).toMatchObject({
      tradeNo: 'GH2024031500088',
      amount: 50,
      status: 'paid',
    });
    const custom = edit('DFT^P03 registration', (m) => m.set('FT1-6', 'GHF'));
    expect(convert(custom).action).toBe('FinancialDetailInfoAdd');
    expect(convert(custom, { registrationTypes: ['GHF'] }).action).toBe('RegistrationPaymentAdd');
  });
});

describe('refusals name the event and the v2 field', () => {
  it('an unmapped event', () => {
    const e = refusal(() => hl7v2ToService(edit('ADT^A04', (m) => m.set('MSH-9.2', 'A99'))));
    expect(e.code).toBe('HT_SERVICE_HL7V2_UNMAPPED');
    expect(e.localized('zh-CN')).toContain('ADT^A99');
    expect(e.status).toBe(422);
  });

  it('a message without PID-3', () => {
    const e = refusal(() => hl7v2ToService(edit('ADT^A04', (m) => m.set('PID-3', ''))));
    expect(e.code).toBe('HT_SERVICE_HL7V2_INVALID');
    expect(e.params).toMatchObject({
      location: 'PID-3',
      service: 'OutPatientInfoAdd',
      event: 'ADT^A04',
      hl7ErrorCode: '101',
    });
    expect(e.localized('zh-CN')).toContain('PID-3');
    expect(e.localized('en')).toContain('PID-3');
  });

  it('a patient without an ethnic group in a registration (no neutral code in GB/T 3304)', () => {
    const e = refusal(() => hl7v2ToService(edit('ADT^A28', (m) => m.set('PID-22', ''))));
    expect(e.params.location).toBe('PID-22');
  });

  it('a value outside the national value set', () => {
    const e = refusal(() => hl7v2ToService(edit('ADT^A28', (m) => m.set('PID-22.1', '99'))));
    expect(e.params.location).toBe('PID-22');
    expect(e.params.hl7ErrorCode).toBe('102');
    expect(e.localized('zh-CN')).toContain('itemCode');
  });

  it('a malformed time stamp', () => {
    const e = refusal(() => hl7v2ToService(edit('ADT^A04', (m) => m.set('PV1-44', '2024-03-15'))));
    expect(e.params.location).toBe('PV1-44');
  });

  it('an item of the second order without its code', () => {
    const e = refusal(() => hl7v2ToService(edit('ORM^O01 lab', (m) => m.set('OBR[2]-4', ''))));
    expect(e.params.location).toBe('OBR[2]-4');
  });

  it('a cancellation whose PV1-2 says neither outpatient nor inpatient', () => {
    const e = refusal(() => hl7v2ToService(edit('ADT^A11', (m) => m.set('PV1-2', 'N'))));
    expect(e.params.location).toBe('PV1-2');
  });

  it('an order control it does not know', () => {
    const e = refusal(() => hl7v2ToService(edit('ORM^O01 lab', (m) => m.set('ORC-1', 'OK'))));
    expect(e.params.location).toBe('ORC-1');
  });

  it('a message sent to another service', () => {
    const e = refusal(() => hl7v2ToService(sample('ADT^A04'), { action: 'InPatientInfoAdd' }));
    expect(e.code).toBe('HT_SERVICE_HL7V2_WRONG_TOPIC');
    expect(e.params).toMatchObject({ service: 'OutPatientInfoAdd', topic: 'InPatientInfoAdd' });
  });

  it('text that is not HL7 v2', () => {
    const e = refusal(() => hl7v2ToService('{"patientId":"P1"}'));
    expect(e.code).toBe('HT_SERVICE_HL7V2_INVALID');
    expect(e.params.location).toBe('MSH');
  });
});

describe('eventToService', () => {
  it('answers from the event alone where it decides, else from the message', () => {
    expect(eventToService('ADT', 'A04')).toBe('OutPatientInfoAdd');
    expect(eventToService('adt', 'a28')).toBe('PatientInfoRegister');
    expect(eventToService('ADT', 'A08')).toBeNull();
    expect(eventToService('ADT', 'A08', sample('ADT^A08'))).toBe('InPatientInfoUpdate');
    expect(eventToService('ORM', 'O01', corpusText('ORM-O01-01.hl7'))).toBeNull();
    expect(eventToService('ORU', 'R01')).toBeNull();
  });
});
