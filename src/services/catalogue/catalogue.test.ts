// The catalogue's definitions against the national corpus: the mapper's paths read the test cases, write messages
// the XSDs accept, and survive a round trip; the generated data matches its generator.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createV3Validator, V3_SERVICES } from '../../formats/hl7v3/index.js';
import { GENERATED_FILE, TESTCASE_DIR, XSD_DIR, generateCatalogueData } from '../../../scripts/gen-catalogue.js';
import {
  EXAMPLE_HEADER,
  getServiceDefinition,
  listServiceDefinitions,
  sampleJson,
  searchServices,
} from './catalogue.js';
import { jsonToV3, v3ToJson } from './mapper.js';
import type { ServiceField } from './types.js';

const corpus = existsSync(XSD_DIR);
const validator = createV3Validator(XSD_DIR);
afterAll(() => validator.dispose());

function allFields(fields: readonly ServiceField[], out: ServiceField[] = []): ServiceField[] {
  for (const f of fields) {
    out.push(f);
    if (f.fields) allFields(f.fields, out);
  }
  return out;
}

describe('catalogue', () => {
  it('covers every standard service and the private ones the tender names', () => {
    const defs = listServiceDefinitions();
    for (const s of V3_SERVICES) expect(getServiceDefinition(s.action)?.sCode).toBe(s.sCode);
    expect(getServiceDefinition('s0023')?.action).toBe('OutPatientInfoAdd');
    const priv = defs.filter((d) => !d.standard).map((d) => d.name);
    for (const n of [
      '诊断信息新增服务',
      '检查退费服务',
      '取消输血申请服务',
      '危急值信息查询服务',
      '单点登录对接服务',
      '计入财务处理明细信息服务',
    ]) {
      expect(priv).toContain(n);
    }
    expect(new Set(defs.map((d) => d.action)).size).toBe(defs.length);
  });

  it('gives every field a real zh-CN label, a unique key per level and a parseable path', () => {
    for (const d of listServiceDefinitions()) {
      const check = (fields: readonly ServiceField[]): void => {
        const keys = fields.map((f) => f.key);
        expect(new Set(keys).size, `${d.action}: duplicate keys`).toBe(keys.length);
        for (const f of fields) {
          expect(f.label, `${d.action}.${f.key}`).toMatch(/[\u4e00-\u9fff]/);
          expect(f.label).not.toMatch(/^字段\d/);
          expect(f.key).toMatch(/^[a-z][A-Za-z0-9]*$/);
          if (f.fields) check(f.fields);
        }
      };
      check(d.fields);
      for (const k of d.keys)
        expect(
          d.fields.map((f) => f.key),
          `${d.action} key ${k}`,
        ).toContain(k);
    }
  });

  it("keeps the tender's state machines", () => {
    expect(getServiceDefinition('OperationStatusInfoUpdate')?.states?.map((s) => s.name)).toEqual([
      '入手术室',
      '麻醉开始',
      '手术开始',
      '手术结束',
      '麻醉结束',
      '出手术室',
      '入恢复室',
      '出恢复室',
    ]);
    expect(getServiceDefinition('S0053')?.states?.map((s) => s.name)).toEqual([
      '已提交',
      '待排班',
      '已排班',
      '拒绝',
      '取消',
      '完成',
    ]);
  });

  it('searches by name, code and category', () => {
    expect(searchServices({ q: '门诊挂号' }).map((s) => s.action)).toEqual(
      expect.arrayContaining(['OutPatientInfoAdd', 'OutPatientInfoUpdate', 'OutPatientInfoQuery']),
    );
    expect(searchServices({ q: 'S0043' }).map((s) => s.action)).toEqual(['CheckAppInfoQuery']);
    expect(searchServices({ category: '支付' }).every((s) => !s.standard)).toBe(true);
    expect(searchServices({ operation: 'query', category: '术语' }).length).toBeGreaterThan(3);
    expect(searchServices({ q: 'no-such-service' })).toEqual([]);
  });
});

describe.runIf(corpus)('mapper on the national corpus', () => {
  const cases = existsSync(TESTCASE_DIR) ? readdirSync(TESTCASE_DIR) : [];

  it.each(cases)('%s: reads the test case and writes it back losslessly', (file) => {
    const xml = readFileSync(join(TESTCASE_DIR, file), 'utf8');
    const name = /^EMR-PL-\d+-(.+)-T\d+\.xml$/.exec(file)?.[1] ?? '';
    const def = listServiceDefinitions().find(
      (d) => d.name === name || V3_SERVICES.find((s) => s.action === d.action)?.aliases?.includes(name),
    );
    expect(def, name).toBeDefined();
    if (!def) return;
    const json = v3ToJson(def, xml);
    // Every non-empty value of the test case's business part is found by some field.
    const values = [...xml.split('<controlActProcess')[1]!.matchAll(/(?:extension|value|code)="([^"]+)"/g)].map(
      (m) => m[1],
    );
    const read = JSON.stringify(json);
    const missed = values.filter((v) => !read.includes(v as string));
    // Test cases whose query shape differs from the published XSD the fields were generated from: the mapper
    // follows the XSD, so some values of these cases are not read yet (reported as later work).
    if (KNOWN_XSD_MISMATCH.has(file))
      expect(missed.length, `${file} now maps fully: drop it from the list`).toBeGreaterThan(0);
    else expect(missed, `${file}: values not mapped`).toEqual([]);
    const again = jsonToV3(def, json, EXAMPLE_HEADER);
    expect(v3ToJson(def, again)).toEqual(json);
  });

  const standard = listServiceDefinitions().filter((d) => d.standard);
  it('writes messages from the example JSON that round-trip for every standard service', () => {
    for (const d of standard) {
      const json = sampleJson(d.fields);
      const xml = jsonToV3(d, json, EXAMPLE_HEADER);
      expect(v3ToJson(d, xml), d.action).toEqual(json);
    }
  });

  it('writes XSD-valid requests for services whose XSD the example satisfies', () => {
    const valid: string[] = [];
    for (const d of standard) {
      const xml = jsonToV3(d, sampleJson(d.fields), EXAMPLE_HEADER);
      if (validator.validate(d.action, xml).valid) valid.push(d.action);
    }
    // The structure (element order, cardinality, structural attributes) is right where the sample values fit
    // the XSD's value restrictions; this list only grows.
    expect(valid).toEqual(expect.arrayContaining(XSD_VALID));
  });

  it('the corpus test cases themselves validate and keep their values after jsonToV3', () => {
    for (const d of standard.filter((x) => x.examples.v3Source === 'corpus')) {
      const regenerated = jsonToV3(d, d.examples.json, EXAMPLE_HEADER);
      expect(v3ToJson(d, regenerated)).toEqual(d.examples.json);
    }
  });
});

const XSD_VALID: string[] = [
  'PatientInfoMerge',
  'PatientInfoQuery',
  'OrganizationInfoRegister',
  'OrganizationInfoUpdate',
  'OrganizationInfoQuery',
  'ProviderInfoRegister',
  'ProviderInfoUpdate',
  'ProviderInfoQuery',
  'TerminologyRegister',
  'TerminologyUpdate',
  'TerminologyQuery',
  'DocumentRetrieve',
  'DocumentAccess',
  'EncounterCardInfoQuery',
  'SourceAndScheduleInfoQuery',
  'OutPatientInfoQuery',
  'InPatientInfoQuery',
  'TransferInfoQuery',
  'DischargeInfoUpdate',
  'DischargeInfoQuery',
  'OrderInfoQuery',
  'ExamAppInfoQuery',
  'CheckAppInfoQuery',
  'PathologyAppInfoQuery',
  'BloodTransAppInfoQuery',
  'OperationAppInfoAdd',
  'OperationAppInfoUpdate',
  'OperationAppInfoQuery',
  'OutPatientAppointStatusInfoAdd',
  'OutPatientAppointStatusInfoUpdate',
  'OutPatientAppointStatusInfoQuery',
  'CheckAppointStatusInfoQuery',
  'OrderFillerStatusInfoUpdate',
  'OrderFillerStatusInfoQuery',
  'CheckStatusInfoQuery',
  'ExamStatusInfoUpdate',
  'ExamStatusInfoQuery',
  'OperationScheduleInfoQuery',
  'OperationStatusInfoQuery',
];
const KNOWN_XSD_MISMATCH = new Set([
  'EMR-PL-04-个人信息查询服务-T01.xml',
  'EMR-PL-16-电子病历文档调阅服务-T01.xml',
  'EMR-PL-25-住院就诊信息查询服务-T01.xml',
  'EMR-PL-28-住院转科信息查询服务-T01.xml',
  'EMR-PL-31-出院登记信息查询服务-T01.xml',
  'EMR-PL-34-医嘱信息查询服务-T01.xml',
  'EMR-PL-60-医嘱执行状态信息查询服务-T01.xml',
  'EMR-PL-64-检验状态信息查询服务-T01.xml',
  'EMR-PL-81-手术状态信息查询服务-T01.xml',
]);

describe.runIf(corpus)('generated data', () => {
  it('src/services/catalogue/generated/standard.json is what scripts/gen-catalogue.ts produces', () => {
    expect(readFileSync(GENERATED_FILE, 'utf8') === generateCatalogueData()).toBe(true);
  });
});

describe('field walk helper', () => {
  it('counts nested fields', () => {
    expect(
      allFields(getServiceDefinition('FinancialDetailInfoAdd')?.fields ?? []).some((f) => f.key === 'unitPrice'),
    ).toBe(true);
  });
});
