// Path access and editing on real corpus messages: reading by path, writing with creation of what is missing, and
// the switch from verbatim to canonical serialisation once something changed.

import { describe, expect, it } from 'vitest';
import { corpusText } from './corpus.testutil.js';
import { Hl7Message, Hl7ParseError, parseHl7, parsePath, formatPath } from './index.js';

describe('get', () => {
  const adt = parseHl7(corpusText('ADT-A01-01.hl7'));
  const oru = parseHl7(corpusText('LAB-ORU-1.hl7'));

  it('reads header fields, MSH-1 and MSH-2 literally', () => {
    expect(adt.get('MSH-1')).toBe('|');
    expect(adt.get('MSH-2')).toBe('^~\\&');
    expect(adt.get('MSH-3')).toBe('ADTApp');
    expect(adt.get('MSH-4.2')).toBe('2.16.840.1.122848.1.30');
    expect(adt.get('MSH-9')).toBe('ADT^A01^ADT_A01');
    expect(adt.get('MSH-9.3')).toBe('ADT_A01');
    expect(adt.controlId).toBe('MSG00001');
    expect(adt.version).toBe('2.8');
    expect(adt.messageType).toBe('ADT');
    expect(adt.triggerEvent).toBe('A01');
  });

  it('reads components, repetitions and subcomponents', () => {
    expect(adt.get('PID-5.1')).toBe('EVERYMAN&&&&Aniston');
    expect(adt.get('PID-5.1.1')).toBe('EVERYMAN');
    expect(adt.get('PID-5.1.5')).toBe('Aniston');
    expect(adt.get('PID-5.2')).toBe('ADAM');
    expect(adt.get('PID-5[2].1.1')).toBe('Josh');
    expect(adt.get('PID-3.1')).toBe('PATID1234');
    expect(adt.get('PID-3[2].1')).toBe('123456789');
    expect(adt.get('PID-3[2].4')).toBe('USSSA');
    expect(adt.get('PID-3.4.2')).toBe('2.16.1');
    expect(adt.get('PID.3.4.2')).toBe('2.16.1');
    expect(adt.get('pid-3[1].1')).toBe('PATID1234');
  });

  it('returns the first repetition of a field and decodes escapes', () => {
    expect(adt.get('PID-3')).toBe('PATID1234^5^M11^test1&2.16.1&HCD^MR^GOOD HEALTH HOSPITAL');
    expect(adt.get('PV1-14')).toBe('NHS Provider-General (inc.A&E-this Hosp)');
    expect(adt.getRaw('PV1-14')).toBe('NHS Provider-General (inc.A\\T\\E-this Hosp)');
  });

  it('addresses segment occurrences', () => {
    expect(oru.get('OBX-5')).toBe('');
    expect(oru.get('OBX[2]-5')).toBe('4.06');
    expect(oru.get('OBX[2]-6')).toBe('tera.l-1');
    expect(oru.get('OBX[10]-3.2')).toBe('BASOPHILS/100 LEUKOCYTES');
    expect(oru.get('OBR[2]-2')).toBe('855238581');
    expect(oru.get('OBX[11]-5')).toBe('');
  });

  it('returns "" for anything absent', () => {
    expect(adt.get('ZZZ-1')).toBe('');
    expect(adt.get('PID-99')).toBe('');
    expect(adt.get('PID-5[9].1')).toBe('');
    expect(adt.get('PID-5.40')).toBe('');
    expect(adt.get('PID-5.1.9')).toBe('');
  });

  it('getAll walks every segment and repetition unless one is named', () => {
    expect(oru.getAll('OBX-5')).toEqual(['', '4.06', '', '40.1', '221', '72', '2', '20', '6', '0']);
    expect(oru.getAll('OBX[4]-5')).toEqual(['40.1']);
    expect(adt.getAll('PID-3.1')).toEqual(['PATID1234', '123456789']);
    expect(adt.getAll('PID-3[2].1')).toEqual(['123456789']);
    expect(adt.getAll('OBX-5')).toEqual(['60', '120']);
    expect(adt.getAll('MSH-2')).toEqual(['^~\\&']);
    expect(adt.getAll('ZZZ-1')).toEqual([]);
  });

  it('segment helpers', () => {
    expect(oru.segmentsNamed('OBX')).toHaveLength(10);
    expect(oru.segment('OBR', 2)?.field(2)).toBe('855238581');
    expect(oru.segment('SPM', 3)).toBeUndefined();
    expect(oru.segment('PID')?.fieldCount).toBe(30);
  });

  it('rejects malformed paths with HL7V2_BAD_PATH', () => {
    for (const p of ['', 'PID', 'PID-', 'PID-0', 'PID-5.0', 'PI-5', 'PID[0]-1', 'PID-5..1', 'PID-5.1.1.1', 'PID-a']) {
      expect(() => adt.get(p), p).toThrow(Hl7ParseError);
    }
    try {
      adt.get('PID-x');
    } catch (e) {
      expect((e as Hl7ParseError).code).toBe('HL7V2_BAD_PATH');
    }
  });

  it('parses and formats paths', () => {
    expect(parsePath('OBX[2]-5[3].1.2')).toEqual({
      segment: 'OBX',
      segmentIndex: 2,
      field: 5,
      repetition: 3,
      component: 1,
      subcomponent: 2,
    });
    expect(formatPath(parsePath('pid.3'))).toBe('PID-3');
  });
});

describe('set', () => {
  it('writes text with escaping and reads it back', () => {
    const msg = parseHl7(corpusText('ADT01-23.hl7'));
    msg.set('PID-5.1', 'O|Brien^&~\\');
    expect(msg.getRaw('PID-5.1')).toBe('O\\F\\Brien\\S\\\\T\\\\R\\\\E\\');
    expect(msg.get('PID-5.1')).toBe('O|Brien^&~\\');
    expect(msg.get('PID-5.2')).toBe('DONALD');
  });

  it('creates missing fields, repetitions, components and subcomponents', () => {
    const msg = parseHl7('MSH|^~\\&|A|B|||||ADT^A01|1|P|2.5\rPID|1');
    msg.set('PID-3[2].4.2', '1.2.3');
    expect(msg.segment('PID')?.toString()).toBe('PID|1||~^^^&1.2.3');
    msg.set('PID-5.1', '张');
    msg.set('PID-5.2', '三');
    expect(msg.segment('PID')?.toString()).toBe('PID|1||~^^^&1.2.3||张^三');
  });

  it('creates missing segments after the last one of the same name, else at the end', () => {
    const msg = parseHl7(corpusText('LAB-ORU-1.hl7'));
    msg.set('ZPI-1', 'z');
    expect(msg.segments.at(-1)?.name).toBe('ZPI');
    msg.set('SPM[4]-2', 'S4');
    const names = msg.segments.map((s) => s.name);
    expect(names.filter((n) => n === 'SPM')).toHaveLength(4);
    expect(names.lastIndexOf('SPM')).toBe(names.indexOf('ZPI') - 1);
    expect(msg.get('SPM[4]-2')).toBe('S4');
    expect(msg.get('SPM[3]-2')).toBe('');
  });

  it('replaces only the first repetition when none is named', () => {
    const msg = parseHl7(corpusText('ADT-A01-01.hl7'));
    msg.set('PID-3', 'NEW');
    expect(msg.getAll('PID-3.1')).toEqual(['NEW', '123456789']);
  });

  it('refuses to change the delimiters, add a second MSH or smuggle segment breaks', () => {
    const msg = parseHl7(corpusText('ADT-A01-01.hl7'));
    expect(() => msg.set('MSH-1', '#')).toThrow(Hl7ParseError);
    expect(() => msg.set('MSH-2', '^~\\&')).toThrow(Hl7ParseError);
    expect(() => msg.set('MSH[2]-3', 'X')).toThrow(Hl7ParseError);
    expect(() => msg.setRaw('PID-5', 'A\rOBX|1')).toThrow(Hl7ParseError);
    expect(msg.modified).toBe(false);
    msg.set('NTE-3', 'line 1\r\nline 2');
    expect(msg.getRaw('NTE-3')).toBe('line 1\\.br\\line 2');
    expect(msg.get('NTE-3')).toBe('line 1\nline 2');
  });

  it('an unchanged message serialises verbatim, a changed one canonically', () => {
    const text = corpusText('ADT04-251.hl7');
    const msg = parseHl7(text);
    msg.get('PID-5.1');
    expect(msg.toString()).toBe(text);
    msg.set('PID-5.1', 'Roe');
    expect(msg.modified).toBe(true);
    const lines = text.replace(/^\uFEFF/, '').split('\n');
    lines[1] = (lines[1] as string).replace('Doe^Jane', 'Roe^Jane');
    expect(msg.toString()).toBe(lines.join('\r') + '\r');
    expect(msg.toString({ segmentTerminator: '\n' })).toBe(lines.join('\n') + '\n');
    // Untouched segments keep their exact text, trailing empty fields included.
    expect(msg.segment('PV1')?.toString()).toBe(lines[3]);
  });

  it('addSegment and removeSegment', () => {
    const msg = parseHl7(corpusText('ORU-R01-RMGEAD.hl7'));
    const obx = msg.segment('OBX');
    const nte = msg.addSegment('NTE', ['1', '', 'a\\T\\b']);
    expect(msg.segments.at(-1)).toBe(nte);
    expect(msg.get('NTE-3')).toBe('a&b');
    if (obx) expect(msg.removeSegment(obx)).toBe(true);
    expect(msg.removeSegment(msg.segments[0] as never)).toBe(false);
    expect(msg.segments.map((s) => s.name)).toEqual(['MSH', 'PID', 'OBR', 'NTE']);
    expect(() => msg.addSegment('bad')).toThrow(Hl7ParseError);
  });

  it('builds a message from nothing', () => {
    const msg = Hl7Message.create();
    msg.set('MSH-3', 'HUTONG').set('MSH-9.1', 'ADT').set('MSH-9.2', 'A01').set('MSH-10', '1').set('MSH-12', '2.5');
    msg.set('PID-5.1', '李').set('PID-5.2', '四');
    expect(msg.toString()).toBe('MSH|^~\\&|HUTONG||||||ADT^A01|1||2.5\rPID|||||李^四\r');
    expect(parseHl7(msg.toString()).get('PID-5.2')).toBe('四');
  });
});
