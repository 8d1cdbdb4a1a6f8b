// The repository's bindings against the catalogue: every field a binding names exists in its service, every entity
// that is updated or referred to can be created, every example yields its targets, and the state machines resolve
// the values the standard uses.
import { describe, expect, it } from 'vitest';
import { getServiceDefinition, listServiceDefinitions } from '../catalogue/catalogue.js';
import type { ServiceDefinition } from '../catalogue/types.js';
import { bindingOf, cdrEntity, listCdrEntities, queryResultService } from './bindings.js';
import { planQuery } from './answer.js';
import { targetsOf } from './record.js';
import { creatorOf, exampleScenario } from './scenario.js';
import { checkTransition, machineOf, resolveState } from './states.js';

function hasField(def: ServiceDefinition, key: string, splitBy?: string): boolean {
  const list = splitBy ? def.fields.find((f) => f.key === splitBy)?.fields : undefined;
  return Boolean(list?.some((f) => f.key === key) || def.fields.some((f) => f.key === key));
}

describe('repository bindings', () => {
  const writers = listServiceDefinitions().filter((d) => bindingOf(d.action));

  it('binds every service that writes (all but the queries and single sign-on)', () => {
    const unbound = listServiceDefinitions().filter((d) => d.operation !== 'query' && !bindingOf(d.action));
    expect(unbound.map((d) => d.action)).toEqual([]);
    expect(writers.length).toBeGreaterThan(80);
  });

  it('names only fields the service has', () => {
    const problems: string[] = [];
    for (const def of writers) {
      const b = bindingOf(def.action)!;
      for (const f of [...b.keyFields, ...b.stateFrom]) {
        if (!hasField(def, f, b.splitBy)) problems.push(`${def.action}: ${f}`);
      }
      for (const ref of b.references) {
        for (const o of ref.anyOf) {
          if (!hasField(def, o.field, b.splitBy)) problems.push(`${def.action}: ref ${o.field}`);
          if (!cdrEntity(o.entity)) problems.push(`${def.action}: ref entity ${o.entity}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('can create every entity something updates or refers to', () => {
    const needed = new Set<string>();
    for (const def of writers) {
      const b = bindingOf(def.action)!;
      if (b.requireExisting) needed.add(b.entity);
      for (const ref of b.references) for (const o of ref.anyOf) needed.add(o.entity);
    }
    const missing = [...needed].filter((e) => !creatorOf(e));
    expect(missing).toEqual([]);
  });

  it('finds the targets of every example, and a scenario ending with the example', () => {
    for (const def of writers) {
      const targets = targetsOf(def, bindingOf(def.action)!, def.examples.json);
      expect(targets.length, def.action).toBeGreaterThan(0);
      expect(
        targets.every((t) => t.key !== ''),
        def.action,
      ).toBe(true);
      const steps = exampleScenario(def.action);
      expect(steps.at(-1)?.action).toBe(def.action);
    }
    expect(exampleScenario('CheckStatusInfoUpdate').map((s) => s.action)).toEqual([
      'CheckAppInfoAdd',
      'CheckStatusInfoUpdate',
    ]);
    expect(exampleScenario('PatientInfoMerge').map((s) => s.action)).toEqual([
      'PatientInfoRegister',
      'PatientInfoRegister',
      'PatientInfoMerge',
    ]);
  });

  it('names every entity in Chinese with its key', () => {
    for (const e of listCdrEntities()) {
      expect(e.name, e.entity).toMatch(/[\u4e00-\u9fa5]/);
      expect(e.keyFields.length, e.entity).toBeGreaterThan(0);
    }
    expect(cdrEntity('checkApplication')).toMatchObject({ name: '检查申请', keyFields: ['applicationNo'] });
  });

  it('answers every query in the shape of a writing service', () => {
    const queries = listServiceDefinitions().filter((d) => d.operation === 'query' && d.action !== 'SingleSignOn');
    for (const q of queries) expect(queryResultService(q), q.action).toBeDefined();
    expect(queryResultService(getServiceDefinition('CheckStatusInfoQuery')!)).toMatchObject({ fromStatus: true });
    expect(queryResultService(getServiceDefinition('CheckAppInfoQuery')!)?.def.action).toBe('CheckAppInfoAdd');
  });

  it('plans a query from the standard parameters, ignoring the technical ones', () => {
    const def = getServiceDefinition('CheckAppInfoQuery')!;
    const plan = planQuery(def, {
      applicationNo: 'A1',
      patientId: 'P1',
      cardNo: 'C1',
      queryByParameterStatusCode: 'new',
      effectiveTimeLow: '20240101',
      effectiveTimeHigh: '20240131',
    });
    expect(plan.filter).toMatchObject({
      entity: 'checkApplication',
      applicationNo: 'A1',
      patientId: 'P1',
      identifiers: [['cardNo', 'C1']],
      timeFrom: '20240101000000',
      timeTo: '20240131235959',
    });
    expect(plan.ignored).toEqual([]);
    // A parameter named differently from the record's field is searched by that field …
    const card = planQuery(getServiceDefinition('EncounterCardInfoQuery')!, { livingSubjectNameValue: '王五' });
    expect(card.filter.identifiers).toEqual([['patientPersonName', '王五']]);
    // … and one the entity's records do not carry is said to be ignored, not matched against nothing.
    const patient = planQuery(getServiceDefinition('PatientInfoQuery')!, {
      livingSubjectAdministrativeGenderName: '1',
    });
    expect(patient.ignored).toEqual(['livingSubjectAdministrativeGenderName']);
    expect(patient.filter.identifiers).toEqual([]);
  });
});

describe('state machines', () => {
  const operation = cdrEntity('operationApplication')!;
  const m = machineOf(operation.states)!;

  it('resolves a state by code, Chinese name, position, alias and V3 ActStatus', () => {
    expect(resolveState(m, 'inRoom')?.code).toBe('inRoom');
    expect(resolveState(m, '麻醉开始')?.code).toBe('anesthesiaStart');
    expect(resolveState(m, '3')?.code).toBe('operationStart');
    const check = machineOf(cdrEntity('checkApplication')!.states)!;
    expect(resolveState(check, 'SC17')?.code).toBe('registered');
    const appointment = machineOf(cdrEntity('outpatientAppointment')!.states)!;
    expect(resolveState(appointment, 'active')?.code).toBe('scheduled');
    expect(resolveState(appointment, 'nothing')).toBeUndefined();
  });

  it('allows 手术状态 only in the tender order, from 入手术室', () => {
    expect(() => checkTransition(m, '手术申请', 'A', null, 'inRoom')).not.toThrow();
    expect(() => checkTransition(m, '手术申请', 'A', null, 'operationStart')).toThrow(/inRoom/);
    expect(() => checkTransition(m, '手术申请', 'A', 'inRoom', 'anesthesiaStart')).not.toThrow();
    expect(() => checkTransition(m, '手术申请', 'A', 'inRoom', 'operationStart')).toThrow(/anesthesiaStart/);
    expect(() => checkTransition(m, '手术申请', 'A', 'outRecovery', 'inRoom')).toThrow(/final state/);
    expect(() => checkTransition(m, '手术申请', 'A', 'inRoom', 'inRoom')).not.toThrow();
  });

  it('adds the states and transitions a hospital configures', () => {
    const appointment = cdrEntity('outpatientAppointment')!;
    const extended = machineOf(appointment.states, {
      states: [{ code: 'arrived', name: '已到诊', nameEn: 'Arrived', next: ['completed'] }],
      transitions: [
        { from: 'scheduled', to: 'arrived' },
        { from: '', to: 'scheduled' },
      ],
    })!;
    expect(() => checkTransition(extended, '门诊预约', 'Y', 'scheduled', 'arrived')).not.toThrow();
    expect(() => checkTransition(extended, '门诊预约', 'Y', 'arrived', 'completed')).not.toThrow();
    expect(() => checkTransition(extended, '门诊预约', 'Y', null, 'scheduled')).not.toThrow();
    expect(() => checkTransition(machineOf(appointment.states)!, '门诊预约', 'Y', null, 'scheduled')).toThrow();
  });
});
