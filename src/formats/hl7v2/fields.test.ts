// The field-name table and the rows the console renders from it.

import { describe, expect, it } from 'vitest';
import { corpusText } from './corpus.testutil.js';
import { describeSegments, fieldName, HL7_FIELD_NAMES, HL7_SEGMENT_NAMES, parseHl7 } from './index.js';

const REQUIRED =
  'MSH EVN PID PD1 NK1 PV1 PV2 ORC OBR OBX NTE AL1 DG1 IN1 SCH AIS AIG AIL AIP RGS TXA MRG FT1 MSA ERR SPM TQ1'.split(
    ' ',
  );

describe('HL7_FIELD_NAMES', () => {
  it('covers the common segments, every entry named in English and Chinese', () => {
    for (const seg of REQUIRED) {
      const fields = HL7_FIELD_NAMES[seg];
      expect(fields, seg).toBeDefined();
      expect(HL7_SEGMENT_NAMES[seg], seg).toBeDefined();
      for (const [en, zh] of fields ?? []) {
        expect(en.length).toBeGreaterThan(0);
        expect(zh).toMatch(/[\u4e00-\u9fff]|^VIP|^DRG|^HL7/);
      }
    }
  });

  it('has the well-known names in the right places', () => {
    expect(fieldName('PID', 5)).toEqual(['Patient Name', '患者姓名']);
    expect(fieldName('PID', 3)?.[0]).toBe('Patient Identifier List');
    expect(fieldName('MSH', 9)?.[0]).toBe('Message Type');
    expect(fieldName('MSH', 10)?.[0]).toBe('Message Control ID');
    expect(fieldName('MSH', 18)?.[1]).toBe('字符集');
    expect(fieldName('PV1', 19)?.[0]).toBe('Visit Number');
    expect(fieldName('PV1', 44)?.[0]).toBe('Admit Date/Time');
    expect(fieldName('OBR', 4)?.[0]).toBe('Universal Service Identifier');
    expect(fieldName('OBR', 25)?.[0]).toBe('Result Status');
    expect(fieldName('OBX', 5)?.[0]).toBe('Observation Value');
    expect(fieldName('OBX', 11)?.[0]).toBe('Observation Result Status');
    expect(fieldName('ORC', 2)?.[0]).toBe('Placer Order Number');
    expect(fieldName('MSA', 2)?.[0]).toBe('Message Control ID');
    expect(fieldName('ERR', 3)?.[0]).toBe('HL7 Error Code');
    expect(fieldName('AIS', 12)?.[0]).toBe('Filler Supplemental Service Information');
    expect(fieldName('AIG', 14)?.[0]).toBe('Filler Status Code');
    expect(fieldName('SCH', 27)?.[0]).toBe('Filler Order Number');
    expect(fieldName('IN1', 49)?.[0]).toBe("Insured's ID Number");
    expect(fieldName('ZPI', 1)).toBeUndefined();
  });
});

describe('describeSegments', () => {
  it('lists each non-empty field with its names and path', () => {
    const msg = parseHl7(corpusText('LAB-ORU-1.hl7'));
    const rows = describeSegments(msg);
    expect(rows[0]).toEqual({
      segment: 'MSH',
      index: 1,
      field: 1,
      path: 'MSH-1',
      name: 'Field Separator',
      nameZh: '字段分隔符',
      value: '|',
    });
    expect(rows.find((r) => r.path === 'PID-5')).toMatchObject({
      name: 'Patient Name',
      nameZh: '患者姓名',
      value: 'DUCK^DONALD^D',
    });
    expect(rows.find((r) => r.path === 'OBX[2]-5')).toMatchObject({
      segment: 'OBX',
      index: 2,
      field: 5,
      value: '4.06',
    });
    expect(rows.every((r) => r.value !== '')).toBe(true);
    for (const r of rows) expect(msg.segment(r.segment, r.index)?.field(r.field)).toBe(r.value);
  });

  it('can include empty fields, and leaves unknown ones unnamed', () => {
    const msg = parseHl7('MSH|^~\\&|A|||||||1|P|2.5\rZPI|||x');
    const rows = describeSegments(msg, { includeEmpty: true });
    expect(rows.filter((r) => r.segment === 'ZPI')).toEqual([
      { segment: 'ZPI', index: 1, field: 1, path: 'ZPI-1', name: '', nameZh: '', value: '' },
      { segment: 'ZPI', index: 1, field: 2, path: 'ZPI-2', name: '', nameZh: '', value: '' },
      { segment: 'ZPI', index: 1, field: 3, path: 'ZPI-3', name: '', nameZh: '', value: 'x' },
    ]);
  });
});
