// Index fields taken at ingest, from corpus messages and from a Chinese message.

import { describe, expect, it } from 'vitest';
import { corpusText } from './corpus.testutil.js';
import { extractIndexFields, formatPersonName, parseHl7 } from './index.js';

describe('extractIndexFields', () => {
  it('ADT^A01 (v2.8)', () => {
    expect(extractIndexFields(parseHl7(corpusText('ADT-A01-01.hl7')))).toEqual({
      controlId: 'MSG00001',
      messageType: 'ADT',
      triggerEvent: 'A01',
      version: '2.8',
      sendingApplication: 'ADTApp',
      sendingFacility: 'GHHSFacility',
      patientIds: ['PATID1234', '123456789'],
      patientName: 'EVERYMAN ADAM',
      visitNumber: '40007716',
      placerOrderNumbers: [],
      fillerOrderNumbers: [],
    });
  });

  it('ADT^A01 (v2.3)', () => {
    const f = extractIndexFields(parseHl7(corpusText('ADT01-23.hl7')));
    expect(f).toMatchObject({
      controlId: '599102',
      version: '2.3',
      patientIds: ['10006579'],
      patientName: 'DUCK DONALD',
      visitNumber: '40007716',
    });
  });

  it('ORM^O01: order numbers from ORC and OBR, deduplicated', () => {
    expect(extractIndexFields(parseHl7(corpusText('ORM-O01-02.hl7')))).toEqual({
      controlId: 'MSG00019',
      messageType: 'ORM',
      triggerEvent: 'O01',
      version: '2.6',
      sendingApplication: 'ORDApp',
      sendingFacility: 'GHHSFacility',
      patientIds: ['PATID1234', '123456789'],
      patientName: 'EVERYMAN ADAM',
      visitNumber: '5001',
      placerOrderNumbers: ['1101'],
      fillerOrderNumbers: ['1201'],
    });
    const lab = extractIndexFields(parseHl7(corpusText('LAB-ORM-1.hl7')));
    expect(lab.placerOrderNumbers).toEqual(['88502218']);
    expect(lab.fillerOrderNumbers).toEqual(['82503246']);
    expect(lab.sendingFacility).toBeUndefined();
    expect('sendingFacility' in lab).toBe(false);
  });

  it('ORU^R01 with two orders', () => {
    const f = extractIndexFields(parseHl7(corpusText('LAB-ORU-1.hl7')));
    expect(f.placerOrderNumbers).toEqual(['88502218', '855238581']);
    expect(f.fillerOrderNumbers).toEqual(['82503246', '890775544']);
    expect(f.visitNumber).toBeUndefined();
  });

  it('Chinese names are joined without a space; escapes are decoded', () => {
    const msg = parseHl7(
      'MSH|^~\\&|HIS|医院|||20240101||ADT^A04|C1|P|2.4\rPID|1||A1^^^H^PI~~A1^^^H^MR~B2||欧阳^娜娜\rPV1|1|O|||||||||||||||||V\\T\\1',
    );
    const f = extractIndexFields(msg);
    expect(f.patientName).toBe('欧阳娜娜');
    expect(f.patientIds).toEqual(['A1', 'B2']);
    expect(f.visitNumber).toBe('V&1');
    expect(f.sendingFacility).toBe('医院');
  });

  it('a message without PID has no patient fields', () => {
    const f = extractIndexFields(parseHl7('MSH|^~\\&|A|B|||||ACK|1|P|2.5\rMSA|AA|1'));
    expect(f.patientIds).toEqual([]);
    expect(f.patientName).toBeUndefined();
  });
});

describe('formatPersonName', () => {
  it.each([
    ['张', '三', '张三'],
    ['DOE', 'JOHN', 'DOE JOHN'],
    ['王', '', '王'],
    ['', 'Cher', 'Cher'],
    ['Li', '小龙', 'Li小龙'],
  ])('%s + %s → %s', (family, given, out) => {
    expect(formatPersonName(family, given)).toBe(out);
  });
});
