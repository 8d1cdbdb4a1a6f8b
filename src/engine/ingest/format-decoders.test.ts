// The healthcare-model decoders on real messages nobody here wrote, and on what a careless or hostile sender sends.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HtError } from '../../platform/errors/index.js';
import { decodeCda, decodeHl7v2, decodeHl7v3, decodeXml } from './format-decoders.js';

const corpus = new URL('../../../../shared/corpus/', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, corpus), 'utf8');

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof HtError ? error.code : `not an HtError: ${String(error)}`;
  }
  return undefined;
}

describe('decoders for HL7 v2, HL7 V3, CDA and XML topics', () => {
  it('takes the index fields of an HL7 v2 ADT^A01 from the corpus', () => {
    const decoded = decodeHl7v2(read('hl7v2/fhir-converter/ADT-A01-01.hl7'));
    expect(decoded.index.sourceMessageId).toBe('MSG00001');
    expect(decoded.index.patientId).toBe('PATID1234');
    expect(decoded.index.extra.patientIds).toEqual(expect.arrayContaining(['PATID1234', '123456789']));
    expect(decoded.index.patientName).toContain('ADAM');
  });

  it('accepts every HL7 v2 corpus message', () => {
    const dir = new URL('hl7v2/fhir-converter/', corpus);
    const files = readdirSync(dir).filter((f) => f.endsWith('.hl7'));
    expect(files.length).toBeGreaterThanOrEqual(14);
    for (const f of files) expect(() => decodeHl7v2(readFileSync(new URL(f, dir), 'utf8')), f).not.toThrow();
  });

  it('takes the patient id and message id of an HL7 V3 query from the national test cases', () => {
    const file = readdirSync(new URL('hl7v3/testcases/', corpus)).find((f) => f.startsWith('EMR-PL-04'))!;
    const decoded = decodeHl7v3(read(`hl7v3/testcases/${file}`));
    expect(decoded.index.patientId).toBe('0020109112');
    expect(decoded.index.sourceMessageId).toBe('22a0f9e0-4454-11dc-a6be-3603d6866807');
  });

  it('accepts every HL7 V3 test case', () => {
    const dir = new URL('hl7v3/testcases/', corpus);
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.xml'))) {
      expect(() => decodeHl7v3(readFileSync(new URL(f, dir), 'utf8')), f).not.toThrow();
    }
  });

  it('reads a CDA document header', () => {
    const fixture = new URL('../../formats/cda/fixtures/', import.meta.url);
    const file = readdirSync(fixture).find((f) => f.startsWith('C0007'))!;
    const decoded = decodeCda(readFileSync(new URL(file, fixture), 'utf8'));
    expect(decoded.index.patientId).toBeTruthy();
    expect(decoded.index.patientName).toBeTruthy();
  });

  it('answers broken bodies and XML attacks with HT_ENGINE_BODY_INVALID, never another error', () => {
    expect(codeOf(() => decodeHl7v2('this is not HL7'))).toBe('HT_ENGINE_BODY_INVALID');
    expect(codeOf(() => decodeHl7v3('<PRPA_IN201305UV02><broken></PRPA_IN201305UV02>'))).toBe('HT_ENGINE_BODY_INVALID');
    const xxe = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>';
    expect(codeOf(() => decodeXml(xxe))).toBe('HT_ENGINE_BODY_INVALID');
    expect(codeOf(() => decodeHl7v3(xxe))).toBe('HT_ENGINE_BODY_INVALID');
    expect(codeOf(() => decodeCda(xxe))).toBe('HT_ENGINE_BODY_INVALID');
    const laughs = `<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]><l>&b;</l>`;
    expect(codeOf(() => decodeXml(laughs))).toBe('HT_ENGINE_BODY_INVALID');
    expect(codeOf(() => decodeXml('<a>'.repeat(10_000)))).toBe('HT_ENGINE_BODY_INVALID');
    try {
      decodeXml(xxe);
    } catch (error) {
      expect((error as HtError).message).toContain('XML_DOCTYPE_FORBIDDEN');
    }
  });
});
