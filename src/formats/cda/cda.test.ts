// CDA header extraction and XSD validation, on two hand-written WS/T 500 documents (fixtures/, not patient data)
// validated against the corpus XSDs C0001.xsd and C0007.xsd.

import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { parseXmlSafe } from '../xml/index.js';
import { CdaError, checkCdaWellFormed, createCdaValidator, normaliseCdaTypeCode, readCdaHeader } from './index.js';
import type { CdaErrorCode } from './index.js';

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const C0001 = fixture('C0001-病历概要.xml');
const C0007 = fixture('C0007-检验报告.xml');
const validator = createCdaValidator(new URL('../../../../shared/corpus/cda/xsd/', import.meta.url));
afterAll(() => validator.dispose());

function cdaCode(fn: () => unknown): CdaErrorCode | 'no error' {
  try {
    fn();
  } catch (err) {
    if (err instanceof CdaError) return err.code;
    throw err;
  }
  return 'no error';
}

describe('readCdaHeader', () => {
  it('reads a C0001 病历概要', () => {
    const h = readCdaHeader(C0001);
    expect(h).toMatchObject({
      documentId: '8f3c2a7e-5b1d-4c9e-a0f4-2d6b8e1c7a90',
      documentIdRoot: '2.16.156.10011.1.1',
      typeCode: 'C0001',
      templateIds: ['2.16.156.10011.2.1.1.21'],
      title: '病历概要',
      effectiveTime: '20240315093000',
      patient: {
        ids: [
          { root: '2.16.156.10011.1.2', extension: '440300200001010012' },
          { root: '2.16.156.10011.1.19', extension: 'HC4403000012345' },
          { root: '2.16.156.10011.1.3', extension: '440305199001011234' },
        ],
        name: '张三',
        gender: { code: '1', displayName: '男性' },
        birthTime: '19900101',
        age: undefined,
      },
      author: {
        time: '20240315093000',
        id: { root: '2.16.156.10011.1.7', extension: 'D0042' },
        name: '李医生',
        organization: '深圳市某人民医院',
      },
      custodian: { id: { root: '2.16.156.10011.1.5', extension: '12440300455755050X' }, name: '深圳市某人民医院' },
      encounter: undefined,
      warnings: [],
    });
    expect(h.sections).toEqual([
      { code: '11348-0', codeSystem: '2.16.840.1.113883.6.1', title: 'HISTORY OF PAST ILLNESS' },
      { code: '30954-2', codeSystem: '2.16.840.1.113883.6.1', title: 'STUDIES SUMMARY' },
    ]);
  });

  it('reads a C0007 检验报告 with its encounter and location chain', () => {
    const h = readCdaHeader(Buffer.from(C0007));
    expect(h.typeCode).toBe('C0007');
    expect(h.patient.ids.map((i) => i.root)).toEqual([
      '2.16.156.10011.1.11',
      '2.16.156.10011.1.12',
      '2.16.156.10011.1.33',
      '2.16.156.10011.1.24',
      '2.16.156.10011.1.14',
      '2.16.156.10011.1.3',
    ]);
    expect(h.patient.age).toEqual({ value: '34', unit: '岁' });
    expect(h.author).toMatchObject({ time: '20240316', name: '陈检验', organization: undefined });
    expect(h.encounter?.effectiveTime).toBe('20240316083000');
    expect(h.encounter?.locations.map((l) => l.name ?? l.id?.root)).toEqual([
      '2.16.156.10011.1.22',
      '2.16.156.10011.1.21',
      '心血管内科门诊',
      '-',
      '深圳市某人民医院',
    ]);
    expect(h.sections.map((s) => s.title)).toEqual(['Diagnosis', 'STUDIES SUMMARY']);
    expect(h.warnings).toEqual([]);
  });

  it('takes the type from the code when there is no WS/T 500 templateId, and warns on disagreement', () => {
    const noTemplate = readCdaHeader(C0007.replace('<templateId root="2.16.156.10011.2.1.1.27"/>', ''));
    expect(noTemplate.typeCode).toBe('C0007');
    const disagree = readCdaHeader(C0007.replace('2.16.156.10011.2.1.1.27', '2.16.156.10011.2.1.1.26'));
    expect(disagree.typeCode).toBe('C0006');
    expect(disagree.warnings).toEqual(['templateId says C0006 but code says C0007; using the templateId']);
  });

  it('is lenient about missing parts and strict about the root', () => {
    const h = readCdaHeader('<ClinicalDocument xmlns="urn:hl7-org:v3"><title>x</title></ClinicalDocument>');
    expect(h.warnings).toEqual([
      'typeId missing',
      'document type (C0001–C0053) not found in templateId or code',
      'document id missing',
      'effectiveTime missing',
      'recordTarget/patientRole missing',
      'author missing',
      'custodian missing',
      'document body missing',
    ]);
    expect(cdaCode(() => readCdaHeader('<PRPA_IN201305UV02 xmlns="urn:hl7-org:v3"/>'))).toBe(
      'CDA_NOT_CLINICAL_DOCUMENT',
    );
    expect(cdaCode(() => readCdaHeader('<ClinicalDocument><title></ClinicalDocument>'))).toBe('CDA_MALFORMED');
    expect(cdaCode(() => readCdaHeader(''))).toBe('CDA_EMPTY');
  });

  it('accepts an already parsed element (e.g. a CDA found inside another message)', () => {
    const wrapper = parseXmlSafe(`<wrapper>${C0001.replace(/^<\?xml[^>]*\?>/, '')}</wrapper>`);
    const cda = wrapper.root.children.find((c) => c.type === 'element');
    if (!cda || cda.type !== 'element') throw new Error('no element');
    expect(readCdaHeader(cda).typeCode).toBe('C0001');
  });
});

describe('checkCdaWellFormed', () => {
  it('accepts the fixtures and names what is wrong otherwise', () => {
    expect(checkCdaWellFormed(C0001)).toEqual({ ok: true, rootName: 'ClinicalDocument' });
    // recordTarget left open: the first end tag that cannot match it is the last line's </ClinicalDocument>.
    expect(checkCdaWellFormed(C0007.replace('</recordTarget>', ''))).toMatchObject({
      ok: false,
      code: 'XML_MALFORMED',
      message: expect.stringContaining('</ClinicalDocument> does not match <recordTarget>'),
      line: C0007.trimEnd().split('\n').length,
      column: 1,
    });
    expect(checkCdaWellFormed(`<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>${C0001}`)).toMatchObject({
      ok: false,
      code: 'XML_DOCTYPE_FORBIDDEN',
    });
    expect(checkCdaWellFormed('<cda:Other xmlns:cda="urn:hl7-org:v3"/>')).toMatchObject({
      ok: false,
      code: 'CDA_NOT_CLINICAL_DOCUMENT',
    });
  });
});

describe('createCdaValidator', () => {
  it('validates both fixtures against their corpus XSDs', () => {
    expect(validator.validate('C0001', C0001)).toEqual({ valid: true, errors: [], typeCode: 'C0001' });
    expect(validator.validateAuto(C0007)).toEqual({ valid: true, errors: [], typeCode: 'C0007' });
  });

  it('reports readable errors for a broken document', () => {
    const broken = C0007.replace('<age unit="岁" value="34"/>', '<age unit="年" value="34"/>').replace(
      '<title>检验报告</title>',
      '<title>检验报告单</title>',
    );
    const r = validator.validate('7', broken);
    expect(r.valid).toBe(false);
    expect(r.errors.map((e) => [e.line, e.message])).toEqual([
      [
        9,
        "Element '{urn:hl7-org:v3}title': [facet 'enumeration'] The value '检验报告单' is not an element of the set {'检验报告'}.",
      ],
      [
        35,
        "Element '{urn:hl7-org:v3}age', attribute 'unit': [facet 'enumeration'] The value '年' is not an element of the set {'岁', '周', '天'}.",
      ],
    ]);
  });

  it('a document validated against the wrong type fails at the root of the difference', () => {
    const r = validator.validate('C0001', C0007);
    expect(r.valid).toBe(false);
    expect(r.errors[0]?.message).toContain(
      "[facet 'enumeration'] The value 'C0007' is not an element of the set {'C0001'}",
    );
  });

  it('knows its document types', () => {
    expect(validator.has('C0053')).toBe(true);
    expect(validator.has('C0054')).toBe(false);
    expect(normaliseCdaTypeCode('c7')).toBe('C0007');
    expect(cdaCode(() => validator.validate('C0099', C0001))).toBe('CDA_NO_SCHEMA');
    expect(cdaCode(() => validator.validateAuto('<ClinicalDocument xmlns="urn:hl7-org:v3"/>'))).toBe('CDA_NO_SCHEMA');
  });
});
