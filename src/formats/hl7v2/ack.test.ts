// ACK/NAK shape per version (v2.3 and v2.5 corpus messages), and reading ACKs on the outbound side.

import { describe, expect, it } from 'vitest';
import { corpusText } from './corpus.testutil.js';
import { buildAck, encodeHl7, Hl7ParseError, parseAck, parseHl7, versionAtLeast } from './index.js';

const at = new Date(2024, 0, 2, 3, 4, 5);

describe('buildAck', () => {
  const v23 = parseHl7(corpusText('ADT01-23.hl7')); // MSH|^~\&|AccMgr|1|||…||ADT^A01|599102|P|2.3
  const v25 = parseHl7(corpusText('LAB-ORU-1.hl7')); // MSH|^~\&|SomeSystem||TransformationAgent||…||ORU^R01|182|T|2.5

  it('v2.5 AA: swapped endpoints, ACK^trigger^ACK, same version, MSA', () => {
    const ack = buildAck(v25, { code: 'AA', controlId: 'ACK1', timestamp: at });
    expect(ack.get('MSH-3')).toBe('TransformationAgent');
    expect(ack.get('MSH-4')).toBe('');
    expect(ack.get('MSH-5')).toBe('SomeSystem');
    expect(ack.get('MSH-9')).toBe('ACK^R01^ACK');
    expect(ack.get('MSH-10')).toBe('ACK1');
    expect(ack.get('MSH-11')).toBe('T');
    expect(ack.get('MSH-12')).toBe('2.5');
    expect(ack.get('MSH-7')).toMatch(/^20240102030405[+-]\d{4}$/);
    expect(ack.segments.map((s) => s.name)).toEqual(['MSH', 'MSA']);
    expect(ack.segment('MSA')?.toString()).toBe('MSA|AA|182');
  });

  it('v2.5 AE: MSA-3 text and ERR with location, HL7 error code, severity, user message', () => {
    const ack = buildAck(v25, {
      code: 'AE',
      text: 'Unknown patient | id',
      errorCode: 204,
      errorLocation: 'PID-3[1].1',
      controlId: 'A2',
      timestamp: at,
    });
    expect(ack.segment('MSA')?.toString()).toBe('MSA|AE|182|Unknown patient \\F\\ id');
    expect(ack.segment('ERR')?.toString()).toBe(
      'ERR||PID^1^3^1^1|204^Unknown key identifier^HL70357|E||||Unknown patient \\F\\ id',
    );
    expect(ack.get('ERR-8')).toBe('Unknown patient | id');
  });

  it('v2.5 AR without details: ERR-3 defaults to 207', () => {
    const ack = buildAck(v25, { code: 'AR', controlId: 'A3', timestamp: at });
    expect(ack.segment('MSA')?.toString()).toBe('MSA|AR|182');
    expect(ack.segment('ERR')?.toString()).toBe('ERR|||207^Application internal error^HL70357|E');
  });

  it('v2.3 AA: ACK^trigger, no ERR', () => {
    const ack = buildAck(v23, { code: 'AA', controlId: 'B1', timestamp: at });
    expect(ack.get('MSH-3')).toBe('');
    expect(ack.get('MSH-5')).toBe('AccMgr');
    expect(ack.get('MSH-6')).toBe('1');
    expect(ack.get('MSH-9')).toBe('ACK^A01');
    expect(ack.get('MSH-12')).toBe('2.3');
    expect(ack.segments.map((s) => s.name)).toEqual(['MSH', 'MSA']);
    expect(ack.segment('MSA')?.toString()).toBe('MSA|AA|599102');
  });

  it('v2.3 AE: ERR-1 location^…^code&text&HL70357', () => {
    const ack = buildAck(v23, {
      code: 'AE',
      text: 'PID-3 missing',
      errorCode: 101,
      errorLocation: 'PID-3',
      controlId: 'B2',
      timestamp: at,
    });
    expect(ack.segment('MSA')?.toString()).toBe('MSA|AE|599102|PID-3 missing');
    expect(ack.segment('ERR')?.toString()).toBe('ERR|PID^1^3^101&PID-3 missing&HL70357');
  });

  it('v2.3 AR without location', () => {
    const ack = buildAck(v23, { code: 'AR', errorCode: 200, controlId: 'B3', timestamp: at });
    expect(ack.segment('ERR')?.toString()).toBe('ERR|^^^200&Unsupported message type&HL70357');
  });

  it('v2.8 (no MSA-3 any more): text only in ERR-8', () => {
    const ack = buildAck(parseHl7(corpusText('ADT-A01-01.hl7')), {
      code: 'AE',
      text: 'boom',
      controlId: 'C1',
      timestamp: at,
    });
    expect(ack.get('MSH-9')).toBe('ACK^A01^ACK');
    expect(ack.get('MSH-12')).toBe('2.8');
    expect(ack.segment('MSA')?.toString()).toBe('MSA|AE|MSG00001');
    expect(ack.get('ERR-8')).toBe('boom');
  });

  it('keeps the request charset and delimiters; generates a 20-character control id', () => {
    const req = parseHl7('MSH#*@!%#HIS#H1#HUTONG#H2#20240101##ADT*A01#77#P#2.4#####CHN#GB 18030-2000\rPID#1');
    const ack = buildAck(req, { code: 'AA', text: '成功', timestamp: at });
    expect(ack.delimiters.field).toBe('#');
    expect(ack.get('MSH-9')).toBe('ACK*A01*ACK');
    expect(ack.get('MSH-18')).toBe('GB 18030-2000');
    expect(ack.get('MSH-10')).toMatch(/^[0-9A-F]{20}$/);
    expect(ack.get('MSA-3')).toBe('成功');
    expect(encodeHl7(ack).includes(Buffer.from('成功', 'utf8'))).toBe(false); // GB18030 bytes, not UTF-8
    expect(buildAck(req, { code: 'AA' }).get('MSH-10')).not.toBe(buildAck(req, { code: 'AA' }).get('MSH-10'));
  });

  it('round-trips through text and parseAck', () => {
    const ack = parseHl7(buildAck(v25, { code: 'AE', text: 'bad', errorCode: 103, controlId: 'X' }).toString());
    expect(parseAck(ack)).toEqual({ code: 'AE', controlId: '182', text: 'bad', errorCode: '103', accepted: false });
    const old = parseHl7(buildAck(v23, { code: 'AA', controlId: 'Y' }).toString());
    expect(parseAck(old)).toEqual({ code: 'AA', controlId: '599102', text: '', accepted: true });
  });
});

describe('parseAck', () => {
  it('reads a v2.3-style NAK with the error in ERR-1', () => {
    const ack = parseHl7(
      'MSH|^~\\&|B|B|A|A|20240101||ACK|9|P|2.3\rMSA|AE|123\rERR|PID^1^3^101&Required field missing&HL70357',
    );
    expect(parseAck(ack)).toEqual({
      code: 'AE',
      controlId: '123',
      text: 'Required field missing',
      errorCode: '101',
      accepted: false,
    });
  });

  it('accepts CA and lower-case codes', () => {
    expect(parseAck(parseHl7('MSH|^~\\&|||||||ACK|1|P|2.5\rMSA|ca|55')).accepted).toBe(true);
  });

  it('a message without MSA → HL7V2_NOT_ACK', () => {
    try {
      parseAck(parseHl7(corpusText('ADT01-23.hl7')));
      throw new Error('expected an error');
    } catch (e) {
      expect(e).toBeInstanceOf(Hl7ParseError);
      expect((e as Hl7ParseError).code).toBe('HL7V2_NOT_ACK');
    }
  });
});

describe('versionAtLeast', () => {
  it('compares dotted versions; unknown counts as 2.5', () => {
    expect(versionAtLeast('2.3', '2.3.1')).toBe(false);
    expect(versionAtLeast('2.3.1', '2.3.1')).toBe(true);
    expect(versionAtLeast('2.10', '2.7')).toBe(true);
    expect(versionAtLeast('', '2.5')).toBe(true);
    expect(versionAtLeast('', '2.6')).toBe(false);
  });
});
