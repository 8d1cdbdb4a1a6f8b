// The JSON Schema of every catalogue service: every example JSON is valid against its own schema, and the problems
// a bad body gets name the field (path and Chinese label) in zh-CN and English.
import { describe, expect, it } from 'vitest';
import { getServiceDefinition, listServiceDefinitions } from './catalogue.js';
import { serviceJsonSchema, validateServiceJson } from './json-schema.js';
import type { ServiceDefinition, ServiceField } from './types.js';

function def(action: string): ServiceDefinition {
  const d = getServiceDefinition(action);
  if (!d) throw new Error(`no service ${action}`);
  return d;
}

describe('service JSON Schema', () => {
  it('accepts the example JSON of every service', () => {
    const failures: string[] = [];
    for (const d of listServiceDefinitions()) {
      const problems = validateServiceJson(d, d.examples.json);
      if (problems.length > 0) failures.push(`${d.action}: ${problems.map((p) => p.message).join('; ')}`);
    }
    expect(failures).toEqual([]);
  });

  it('describes types, required fields, code lists and Chinese titles', () => {
    const d = def('PatientInfoRegister');
    const schema = serviceJsonSchema(d);
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.required).toContain('patientId');
    const props = schema.properties as Record<string, Record<string, unknown>>;
    expect(props.patientId).toMatchObject({ type: 'string', title: '本地系统的患者ID项目', minLength: 1 });
    expect(props.birthTime).toMatchObject({ type: 'string' });
    expect(String(props.birthTime?.pattern)).toMatch(/^\^/);
    const coded = d.fields.find((f) => f.options && f.options.length > 0) as ServiceField;
    expect(props[coded.key]?.enum).toEqual(coded.options?.map((o) => o.code));
    expect(serviceJsonSchema(d)).toBe(schema); // built once
  });

  it('names a missing required field with its label', () => {
    const d = def('PatientInfoRegister');
    const { patientId: _gone, ...json } = d.examples.json;
    const problems = validateServiceJson(d, json);
    expect(problems).toContainEqual({
      path: 'patientId',
      message: '缺少必填字段 patientId (本地系统的患者ID项目)',
      messageEn: 'Missing required field patientId (本地系统的患者ID项目)',
    });
  });

  it('names wrong types, bad dates, unknown codes, unknown fields and nested paths', () => {
    const d = def('PatientInfoRegister');
    const coded = d.fields.find((f) => f.options && f.options.length > 0) as ServiceField;
    const array = d.fields.find((f) => f.type === 'array') as ServiceField;
    const inner = (array.fields ?? []).find((f) => f.type !== 'array' && f.type !== 'object') as ServiceField;
    const json = {
      ...d.examples.json,
      patientId: 12345,
      birthTime: '1990-01-01',
      [coded.key]: 'no-such-code',
      surprise: 'x',
      [array.key]: [{ [inner.key]: { nested: true } }],
    };
    const problems = validateServiceJson(d, json);
    const byPath = new Map(problems.map((p) => [p.path, p.message]));
    expect(byPath.get('patientId')).toBe('字段 patientId (本地系统的患者ID项目) 应为字符串');
    expect(byPath.get('birthTime')).toMatch(/^字段 birthTime \(.+\) 应为日期/);
    expect(byPath.get(coded.key)).toMatch(/的编码不在允许值中/);
    expect(byPath.get('surprise')).toMatch(/^未知字段 surprise/);
    expect(byPath.get(`${array.key}[0].${inner.key}`)).toMatch(/^字段 .+ 应为/);
    expect(problems.every((p) => p.messageEn.length > 0)).toBe(true);
  });

  it('checks datetimes in the V3 TS form and refuses a body that is not an object', () => {
    const d = listServiceDefinitions().find(
      (s) => s.operation !== 'query' && s.fields.some((f) => f.type === 'datetime'),
    ) as ServiceDefinition;
    const field = d.fields.find((f) => f.type === 'datetime') as ServiceField;
    const ok = { ...d.examples.json, [field.key]: '20240315093000+0800' };
    expect(validateServiceJson(d, ok).filter((p) => p.path === field.key)).toEqual([]);
    const bad = validateServiceJson(d, { ...d.examples.json, [field.key]: '2024-03-15T09:30:00' });
    expect(bad.find((p) => p.path === field.key)?.message).toMatch(/应为日期时间/);
    expect(validateServiceJson(d, [1, 2])).toEqual([
      { path: '', message: '请求体应为 JSON 对象', messageEn: 'The body must be a JSON object' },
    ]);
  });

  it('leaves query parameters optional', () => {
    const d = def('PatientInfoQuery');
    expect(serviceJsonSchema(d).required).toBeUndefined();
    expect(validateServiceJson(d, {})).toEqual([]);
  });
});
