import { describe, expect, it } from 'vitest';
import { getServiceDefinition, jsonToV3, v3ToJson } from '../services/index.js';
import { createRandom, examStatusOrm, Hospital, idCardCheckDigit, labResultOru, serviceJson } from './generator.js';

describe('demo generator', () => {
  it('makes valid 身份证号 (GB 11643 check digit)', () => {
    expect(idCardCheckDigit('11010519491231002')).toBe('X');
    const patient = new Hospital(createRandom(7)).newPatient();
    expect(patient.idCardNo).toMatch(/^\d{17}[\dX]$/);
    expect(patient.idCardNo.at(-1)).toBe(idCardCheckDigit(patient.idCardNo.slice(0, 17)));
  });

  it('fills a service JSON with the visit, which survives the trip to V3 and back', () => {
    const hospital = new Hospital(createRandom(3));
    const visit = hospital.newVisit(false);
    const def = getServiceDefinition('OutPatientInfoAdd')!;
    const json = serviceJson(def, visit);
    const back = v3ToJson(def, jsonToV3(def, json, { sender: 'HIS', receiver: 'HIP' }));
    expect(back[def.indexFields.patientId!]).toBe(visit.patient.patientId);
    expect(back[def.indexFields.visitNo!]).toBe(visit.visitNo);
    expect(back[def.indexFields.patientName!]).toBe(visit.patient.name);
  });

  it('writes HL7 v2 with the patient in PID and the right MSH-9', () => {
    const random = createRandom(5);
    const visit = new Hospital(random).newVisit(true);
    const oru = labResultOru(random, visit, 'JY1', 'C1').split('\r');
    expect(oru[0]!.split('|')[8]).toBe('ORU^R01^ORU_R01');
    expect(oru[1]).toContain(visit.patient.patientId);
    expect(oru.filter((s) => s.startsWith('OBX|')).length).toBeGreaterThan(0);
    const orm = examStatusOrm(visit, 'JC1', '头颅MRI', 'CM', 'C2').split('\r');
    expect(orm[0]!.split('|')[8]).toBe('ORM^O01^ORM_O01');
    expect(orm[3]!.split('|')[5]).toBe('CM');
  });
});
