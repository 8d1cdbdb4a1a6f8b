// The mappings as data: every service an event can become has rules, and every field its schema requires has a rule
// (so no message can fail for a mapping that forgot a field), and the docs rows describe each rule.
import { describe, expect, it } from 'vitest';
import { getServiceDefinition } from '../catalogue/catalogue.js';
import type { ServiceField } from '../catalogue/types.js';
import { EVENT_ROUTES, mappingRows, SERVICE_RULES } from './mappings.js';
import type { Rules } from './rules.js';

function uncovered(fields: readonly ServiceField[], rules: Rules, prefix = ''): string[] {
  const out: string[] = [];
  for (const f of fields) {
    const rule = rules[f.key];
    if (!rule) {
      if (f.required) out.push(prefix + f.key);
      continue;
    }
    if (f.type === 'array' && rule.kind !== 'list') out.push(`${prefix}${f.key} (a list needs a list rule)`);
    if (rule.kind === 'list') out.push(...uncovered(f.fields ?? [], rule.rules, `${prefix}${f.key}[].`));
  }
  return out;
}

describe('HL7 v2 mappings', () => {
  it('every event names catalogue services that have rules', () => {
    for (const route of EVENT_ROUTES) {
      expect(route.services.length, route.event).toBeGreaterThan(0);
      for (const action of route.services) {
        expect(getServiceDefinition(action)?.action, `${route.event} → ${action}`).toBe(action);
        expect(SERVICE_RULES[action], `${route.event} → ${action}`).toBeDefined();
      }
    }
  });

  it('every required field of every mapped service has a rule', () => {
    for (const [action, rules] of Object.entries(SERVICE_RULES)) {
      const def = getServiceDefinition(action);
      expect(def, action).toBeDefined();
      expect(uncovered(def!.fields, rules), action).toEqual([]);
    }
  });

  it("the brief's events are all mapped", () => {
    const events = new Set(EVENT_ROUTES.map((r) => r.event));
    for (const e of [
      'ADT^A28',
      'ADT^A31',
      'ADT^A40',
      'ADT^A04',
      'ADT^A08',
      'ADT^A01',
      'ADT^A02',
      'ADT^A03',
      'ADT^A11',
      'ORM^O01',
      'OMG^O19',
      'OML^O21',
      'SIU^S12',
      'SIU^S13',
      'SIU^S14',
      'SIU^S15',
      'DFT^P03',
    ]) {
      expect(events.has(e), e).toBe(true);
    }
  });

  it('describes each mapped field for the docs, with the source or the documented stand-in', () => {
    const def = getServiceDefinition('OutPatientInfoAdd')!;
    const rows = mappingRows('OutPatientInfoAdd', def.fields);
    expect(rows.find((r) => r.key === 'patientId')?.from).toContain('PID-3');
    expect(rows.find((r) => r.key === 'visitNo')?.from).toBe('PV1-19.1（就诊流水号），无则 PID-18.1（患者账号）');
    expect(rows.find((r) => r.key === 'idCardNo')?.from).toMatch(/无则 -$/);
    const list = mappingRows('FinancialDetailInfoAdd', getServiceDefinition('FinancialDetailInfoAdd')!.fields);
    expect(list.map((r) => r.key)).toContain('items[].itemCode');
    expect(mappingRows('SingleSignOn', [])).toEqual([]);
  });
});
