// Lenient parsing, index extraction on registration-style messages, the MCCI / query-response builders and
// validator behaviour on broken input.

import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  buildMcciAck,
  buildQueryResponse,
  createV3Validator,
  extractV3IndexFields,
  formatV3Time,
  newV3MessageId,
  parseV3,
  V3Error,
} from './index.js';
import type { V3ErrorCode } from './index.js';

const XSD_DIR = new URL('../../../../shared/corpus/hl7v3/xsd/', import.meta.url);
const PATIENT_QUERY = readFileSync(
  new URL('../../../../shared/corpus/hl7v3/testcases/EMR-PL-04-个人信息查询服务-T01.xml', import.meta.url),
  'utf8',
);

const validator = createV3Validator(XSD_DIR);
afterAll(() => validator.dispose());

function v3Code(fn: () => unknown): V3ErrorCode | 'no error' {
  try {
    fn();
  } catch (err) {
    if (err instanceof V3Error) return err.code;
    throw err;
  }
  return 'no error';
}

describe('parseV3 leniency', () => {
  it('records OID root variants and a disagreeing interactionId as warnings', () => {
    const hl7Root = PATIENT_QUERY.replace(
      'root="2.16.156.10011.2.5.1.2" extension="PRPA_IN201305UV02"',
      'root="2.16.840.1.113883.1.6" extension="PRPA_IN201306UV02"',
    );
    const m = parseV3(hl7Root);
    expect(m.interactionId).toBe('PRPA_IN201305UV02');
    expect(m.declaredInteractionId).toBe('PRPA_IN201306UV02');
    expect(m.warnings).toEqual([
      'interactionId "PRPA_IN201306UV02" disagrees with root element <PRPA_IN201305UV02>',
      `interactionId root 2.16.840.1.113883.1.6 (variant) instead of 2.16.156.10011.2.5.1.2`,
    ]);
    const national = parseV3(PATIENT_QUERY.replace('root="2.16.156.10011.2.5.1.2"', 'root="2.16.156.10011.0"'));
    expect(national.warnings).toEqual([
      'interactionId root 2.16.156.10011.0 (variant) instead of 2.16.156.10011.2.5.1.2',
    ]);
  });

  it('tolerates missing optional parts', () => {
    const bare = `<POOR_IN200901UV xmlns="urn:hl7-org:v3"><id root="2.16.156.10011.2.5.1.1" extension="x"/><creationTime value="2024-01-01"/></POOR_IN200901UV>`;
    const m = parseV3(bare);
    expect(m.interactionId).toBe('POOR_IN200901UV');
    expect(m.warnings).toEqual([
      'interactionId/@extension missing',
      'creationTime "2024-01-01" is not yyyyMMddHHmmss',
      'processingCode missing',
      'acceptAckCode missing',
      'sender device id missing',
      'receiver device id missing',
      'controlActProcess missing',
    ]);
  });

  it('accepts messages without the HL7 namespace, with a warning', () => {
    const m = parseV3(PATIENT_QUERY.replace(' xmlns="urn:hl7-org:v3"', ''));
    expect(m.namespaceURI).toBeNull();
    expect(m.warnings).toEqual(['root element is in namespace "", expected urn:hl7-org:v3']);
  });

  it('rejects what is not XML, with a code', () => {
    expect(v3Code(() => parseV3('<PRPA_IN201305UV02><id></PRPA_IN201305UV02>'))).toBe('V3_MALFORMED');
    expect(v3Code(() => parseV3('<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'))).toBe(
      'V3_MALFORMED',
    );
    expect(v3Code(() => parseV3('   '))).toBe('V3_EMPTY');
    expect(v3Code(() => parseV3(Buffer.from(PATIENT_QUERY)))).toBe('no error');
  });
});

describe('extractV3IndexFields on registration-style messages', () => {
  it('finds ids by OID anywhere, the patient name, and skips header ids and placeholders', () => {
    const xml = `<PRPA_IN400001UV xmlns="urn:hl7-org:v3" ITSVersion="XML_1.0">
  <id root="2.16.156.10011.2.5.1.1" extension="6b1d8a0e-9a6c-4a83-9d8c-0d9a4c3f2b11"/>
  <interactionId root="2.16.156.10011.2.5.1.2" extension="PRPA_IN400001UV"/>
  <sender typeCode="SND"><device classCode="DEV" determinerCode="INSTANCE"><id><item root="2.16.156.10011.2.5.1.3" extension="HIS"/></id></device></sender>
  <controlActProcess classCode="CACT" moodCode="EVN">
    <subject typeCode="SUBJ">
      <encounterEvent classCode="ENC" moodCode="EVN">
        <id>
          <item root="2.16.156.10011.2.5.1.9" extension="MZ20240101001"/>
          <item root="2.16.156.10011.1.11" extension="M0001"/>
          <item root="2.16.156.10011.2.5.1.8" extension="1"/>
        </id>
        <subject typeCode="SBJ">
          <patient classCode="PAT">
            <id>
              <item root="2.16.156.10011.2.5.1.4" extension="P0001"/>
              <item root="2.16.156.10011.1.3" extension="11010119900101123X"/>
              <item root="2.16.156.10011.2.5.1.6" extension="CARD-9"/>
              <item root="2.16.156.10011.1.12" extension=""/>
            </id>
            <patientPerson classCode="PSN" determinerCode="INSTANCE"><name>张三</name></patientPerson>
          </patient>
        </subject>
        <admitter typeCode="ADM"><assignedPerson classCode="ASSIGNED"><id><item root="2.16.156.10011.1.4" extension="D042"/></id>
          <assignedPerson classCode="PSN" determinerCode="INSTANCE"><name>李医生</name></assignedPerson></assignedPerson></admitter>
        <location typeCode="LOC"><serviceDeliveryLocation classCode="SDLOC"><location classCode="PLC" determinerCode="INSTANCE">
          <id><item root="2.16.156.10011.1.26" extension="0301"/></id></location></serviceDeliveryLocation></location>
        <component><order><id root="2.16.156.10011.1.28" extension="YZ7"/><id root="2.16.156.10011.1.24" extension="SQ8"/>
          <id root="1.2.3.4" extension="LOCAL-1"/></order></component>
      </encounterEvent>
    </subject>
  </controlActProcess>
</PRPA_IN400001UV>`;
    const f = extractV3IndexFields(parseV3(xml));
    expect(f).toMatchObject({
      messageId: '6b1d8a0e-9a6c-4a83-9d8c-0d9a4c3f2b11',
      patientIds: ['P0001'],
      patientName: '张三',
      visitNumbers: ['MZ20240101001', 'M0001'],
      orderNumbers: ['YZ7'],
      applicationNumbers: ['SQ8'],
      cardNumbers: ['CARD-9'],
      departmentCodes: ['0301'],
      staffIds: ['D042'],
      documentIds: [],
      idCardNumbers: ['11010119900101123X'],
    });
    expect(f.ids.map((i) => i.kind)).toEqual([
      'visitNumber',
      'outpatientNumber',
      'visitTimes',
      'patientId',
      'idCardNumber',
      'cardNumber',
      'staffId',
      'department',
      'orderId',
      'applicationNumber',
      'other',
    ]);
    expect(f.ids.at(-1)).toEqual({
      kind: 'other',
      root: '1.2.3.4',
      extension: 'LOCAL-1',
      element: 'id',
      param: undefined,
    });
  });

  it('reads the CDA carried by DocumentRegister and query parameters with names', () => {
    const reg = `<RCMR_IN000002UV02 xmlns="urn:hl7-org:v3"><controlActProcess><subject><clinicalDocument>
      <id><item root="2.16.156.10011.1.1" extension="DOC-1"/></id>
      <recordTarget><patientRole><id root="2.16.156.10011.1.12" extension="ZY01"/>
        <patient><name><item><part value="王"/><part value="五"/></item></name></patient></patientRole></recordTarget>
    </clinicalDocument></subject></controlActProcess></RCMR_IN000002UV02>`;
    const f = extractV3IndexFields(parseV3(reg));
    expect(f.documentIds).toEqual(['DOC-1']);
    expect(f.visitNumbers).toEqual(['ZY01']);
    expect(f.patientName).toBe('王五');

    const q = PATIENT_QUERY.replace('<part value=""/>', '<part value="赵六"/>');
    const qf = extractV3IndexFields(parseV3(q));
    expect(qf.patientName).toBe('赵六');
    expect(qf.ids[0]).toMatchObject({ kind: 'patientId', param: 'id', element: 'id' });
    expect(qf.ids[1]).toMatchObject({ kind: 'idCardNumber', param: 'livingSubjectId', element: 'item' });
  });
});

describe('buildMcciAck', () => {
  const request = parseV3(PATIENT_QUERY);

  it('builds the standard ack shape that parses back and validates', () => {
    const xml = buildMcciAck({
      code: 'AE',
      targetMessageId: request.messageId ?? '',
      text: '患者ID不存在 <0020109112> & "x"',
      sender: 'HUTONG-HIP',
      receiver: request.senderId?.extension ?? '',
      creationTime: new Date(Date.UTC(2024, 0, 1, 16, 30, 5)),
    });
    const ack = parseV3(xml);
    expect(ack.warnings).toEqual([]);
    expect(ack).toMatchObject({
      rootElement: 'MCCI_IN000002UV01',
      interactionId: 'MCCI_IN000002UV01',
      creationTime: '20240102003005',
      processingCode: 'P',
      acceptAckCode: 'AL',
      senderId: { root: '2.16.156.10011.2.5.1.3', extension: 'HUTONG-HIP' },
      receiverId: { root: '2.16.156.10011.2.5.1.3', extension: 'a137148b-e300-42bd-aa13-41d47262d1a9' },
      acknowledgement: {
        typeCode: 'AE',
        targetMessageId: '22a0f9e0-4454-11dc-a6be-3603d6866807',
        texts: ['患者ID不存在 <0020109112> & "x"'],
      },
    });
    expect(ack.messageId).toMatch(/^[0-9a-f-]{36}$/);
    const result = validator.validate('MCCI_IN000002UV01', xml);
    expect(result).toEqual({ valid: true, errors: [], schema: 'MCCI_IN000002UV01' });
  });

  it('the built-in MCCI schema catches a wrong ack', () => {
    const bad = buildMcciAck({ code: 'AA', targetMessageId: 't', text: 'ok', sender: 's', receiver: 'r', id: 'short' });
    const result = validator.validate('MCCI_IN000002UV01', bad.replace('typeCode="AA"', 'typeCode="OK"'));
    expect(result.valid).toBe(false);
    expect(result.errors.map((e) => e.message)).toEqual([
      expect.stringContaining("attribute 'extension': [facet 'minLength'] The value 'short'"),
      expect.stringContaining(
        "Element '{urn:hl7-org:v3}acknowledgement', attribute 'typeCode': [facet 'enumeration'] The value 'OK'",
      ),
    ]);
  });
});

describe('buildQueryResponse', () => {
  it('wraps subjects with acknowledgement and paging queryAck', () => {
    const subject = `<registrationEvent classCode="REG" moodCode="EVN"><subject1 typeCode="SBJ"><patient classCode="PAT">
      <id><item root="2.16.156.10011.2.5.1.4" extension="0020109112"/></id>
      <patientPerson><name>张三</name></patientPerson></patient></subject1></registrationEvent>`;
    const xml = buildQueryResponse({
      interactionId: 'PRPA_IN201306UV02',
      sender: 'HUTONG-HIP',
      receiver: 'a137148b',
      targetMessageId: '22a0f9e0-4454-11dc-a6be-3603d6866807',
      ackCode: 'AA',
      ackText: '查询成功',
      subjects: [subject, subject],
      queryId: 'Q1',
      resultTotalQuantity: 7,
      offset: 2,
      controlActCode: { code: 'PRPA_TE201306UV02', codeSystem: '2.16.840.1.113883.1.6' },
    });
    const m = parseV3(xml);
    expect(m.warnings).toEqual([]);
    expect(m.acknowledgement).toEqual({
      typeCode: 'AA',
      targetMessageId: '22a0f9e0-4454-11dc-a6be-3603d6866807',
      texts: ['查询成功'],
    });
    expect(m.controlActProcess?.code?.code).toBe('PRPA_TE201306UV02');
    expect(m.queryAck).toEqual({
      queryId: 'Q1',
      queryResponseCode: 'OK',
      resultTotalQuantity: 7,
      resultCurrentQuantity: 2,
      resultRemainingQuantity: 3,
    });
    const f = extractV3IndexFields(m);
    expect(f.patientIds).toEqual(['0020109112']);
    expect(f.patientName).toBe('张三');
  });

  it('answers NF for no results and AE on errors, and refuses broken payloads', () => {
    const base = { interactionId: 'QUMT_IN020040UV01', sender: 's', receiver: 'r', targetMessageId: 't' } as const;
    expect(parseV3(buildQueryResponse({ ...base, ackCode: 'AA' })).queryAck?.queryResponseCode).toBe('NF');
    expect(parseV3(buildQueryResponse({ ...base, ackCode: 'AE', ackText: 'x' })).queryAck?.queryResponseCode).toBe(
      'AE',
    );
    expect(v3Code(() => buildQueryResponse({ ...base, ackCode: 'AA', subjects: ['<a><b></a>'] }))).toBe('V3_MALFORMED');
  });
});

describe('validator', () => {
  it('reports a readable error for an intentionally broken message', () => {
    const broken = PATIENT_QUERY.replace(/<creationTime value="\d+"\/>/, '<creationTime value="2024-13-45"/>').replace(
      '<acceptAckCode code="AL"/>',
      '',
    );
    const r = validator.validate('PatientInfoQuery', broken);
    expect(r.valid).toBe(false);
    expect(r.errors).toEqual([
      {
        message:
          "Element '{urn:hl7-org:v3}creationTime', attribute 'value': '2024-13-45' is not a valid value of the local atomic type.",
        line: 3,
        column: undefined, // libxml2 reports no column for schema errors
      },
      {
        message:
          "Element '{urn:hl7-org:v3}receiver': This element is not expected. Expected is ( {urn:hl7-org:v3}acceptAckCode ).",
        line: 8, // the receiver now follows processingModeCode directly (line 7 is left blank)
        column: undefined,
      },
    ]);
  });

  it('accepts the S-code for the action and reports unsafe or malformed XML as invalid', () => {
    expect(validator.validate('S0004', PATIENT_QUERY)).toEqual({ valid: true, errors: [], schema: 'PatientInfoQuery' });
    const xxe = validator.validate('S0004', '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>');
    expect(xxe.valid).toBe(false);
    expect(xxe.errors[0]?.message).toMatch(/^XML_DOCTYPE_FORBIDDEN/);
    const bad = validator.validate('PatientInfoQuery', '<PRPA_IN201305UV02>');
    expect(bad.errors[0]?.message).toMatch(/^XML_MALFORMED/);
  });

  it('knows which actions it can validate', () => {
    expect(validator.has('OutPatientInfoAdd')).toBe(true);
    expect(validator.has('S0023')).toBe(true);
    expect(validator.has('../../etc/passwd')).toBe(false);
    expect(validator.has('PrivateService')).toBe(false);
    expect(v3Code(() => validator.validate('PrivateService', '<x/>'))).toBe('V3_NO_SCHEMA');
  });
});

describe('helpers', () => {
  it('formats times in Asia/Shanghai and makes 36-character ids', () => {
    expect(formatV3Time(new Date(Date.UTC(2023, 11, 31, 16, 0, 0)))).toBe('20240101000000');
    expect(newV3MessageId()).toHaveLength(36);
  });
});
