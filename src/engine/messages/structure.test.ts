// The structure tab's data on real messages nobody here wrote (HL7 v2 corpus, national V3 test cases, a CDA
// fixture), on mixed content, and on bodies that do not parse or are too big to show whole.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  MAX_HL7_ROWS,
  MAX_VALUE_CHARS,
  MAX_XML_NODES,
  buildStructure,
  chooseFormat,
  type MessageStructure,
  type XmlTreeNode,
} from './structure.js';

const corpus = new URL('../../../../shared/corpus/', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, corpus), 'utf8');
const v3File = (prefix: string) =>
  `hl7v3/testcases/${readdirSync(new URL('hl7v3/testcases/', corpus)).find((f) => f.startsWith(prefix))!}`;

function hl7(s: MessageStructure) {
  if (s.format !== 'hl7v2') throw new Error(`expected hl7v2, got ${s.format}: ${s.warnings.join('; ')}`);
  return s;
}
function xml(s: MessageStructure) {
  if (s.format !== 'xml') throw new Error(`expected xml, got ${s.format}: ${s.warnings.join('; ')}`);
  return s;
}
function find(node: XmlTreeNode, name: string): XmlTreeNode | undefined {
  if (node.name === name) return node;
  for (const c of node.children) {
    const hit = find(c, name);
    if (hit) return hit;
  }
  return undefined;
}
function count(node: XmlTreeNode): number {
  return 1 + node.children.reduce((n, c) => n + count(c), 0);
}

describe('HL7 v2 as segments and named fields', () => {
  it('groups the fields of the corpus ADT^A01 by segment with their zh-CN and English names', () => {
    const s = hl7(
      buildStructure({
        body: read('hl7v2/fhir-converter/ADT-A01-01.hl7'),
        contentType: 'x-application/hl7-v2+er7',
        kind: 'HL7V2',
        warnings: [],
      }),
    );
    expect(s).toMatchObject({ version: '2.8', messageType: 'ADT^A01^ADT_A01', truncated: false });
    expect(s.segments.map((g) => g.segment).slice(0, 4)).toEqual(['MSH', 'SFT', 'EVN', 'PID']);
    const pid = s.segments.find((g) => g.segment === 'PID')!;
    expect(pid).toMatchObject({ index: 1, name: 'Patient Identification', nameZh: '患者标识' });
    const name = pid.rows.find((r) => r.path === 'PID-5')!;
    expect(name).toMatchObject({ field: 5, name: 'Patient Name', nameZh: '患者姓名' });
    expect(name.value.startsWith('EVERYMAN&&&&Aniston^ADAM^A^III')).toBe(true);
    // PID-5 repeats: each repetition's components, decoded.
    expect(name.repetitions?.[0]?.slice(0, 3)).toEqual(['EVERYMAN&&&&Aniston', 'ADAM', 'A']);
    expect(name.repetitions?.[1]?.[0]).toBe('Josh&&&&Bing');
    const sex = pid.rows.find((r) => r.path === 'PID-8')!;
    expect(sex).toMatchObject({ value: 'M', nameZh: '性别' });
    expect(sex.components).toBeUndefined();
    // Empty fields are listed too (the console hides them unless asked).
    expect(pid.rows.find((r) => r.path === 'PID-3')?.value).not.toBe('');
    expect(s.segments.find((g) => g.segment === 'MSH')!.rows.some((r) => r.value === '')).toBe(true);
    // The delimiters are not split into components.
    const msh2 = s.segments[0]!.rows.find((r) => r.path === 'MSH-2')!;
    expect(msh2).toMatchObject({ value: '^~\\&' });
    expect(msh2.components).toBeUndefined();
  });

  it('decodes escapes in components and numbers repeated segments', () => {
    const body =
      'MSH|^~\\&|HIS|H|LIS|L|20250101||ORU^R01|C1|P|2.5|||||CHN|UNICODE UTF-8\rPID|1||P1^^^H^PI||张三^\\T\\\rOBX|1|ST|A||甲\rOBX|2|ST|B||乙^丙\r';
    const s = hl7(buildStructure({ body, contentType: 'text/plain', kind: 'HL7V2', warnings: ['stored warning'] }));
    expect(s.encoding).toBe('UNICODE UTF-8');
    const pid5 = s.segments[1]!.rows.find((r) => r.path === 'PID-5')!;
    expect(pid5.components).toEqual(['张三', '&']);
    const obx = s.segments.filter((g) => g.segment === 'OBX');
    expect(obx.map((g) => g.index)).toEqual([1, 2]);
    expect(obx[1]!.rows.find((r) => r.field === 5)).toMatchObject({ path: 'OBX[2]-5', components: ['乙', '丙'] });
    expect(s.warnings).toContain('stored warning');
  });

  it('passes on the parser’s warnings once, next to the stored ones', () => {
    const body = 'MSH|^~\\&|A|B|C|D|20250101||ADT^A01|1|P|2.5\nPID|1||P1\n';
    const first = hl7(buildStructure({ body, contentType: '', kind: 'HL7V2', warnings: [] }));
    expect(first.warnings).toContain('segments are terminated by LF instead of CR');
    const again = hl7(buildStructure({ body, contentType: '', kind: 'HL7V2', warnings: first.warnings }));
    expect(again.warnings).toEqual(first.warnings);
  });

  it('lists at most MAX_HL7_ROWS fields and cuts long values', () => {
    const big = 'x'.repeat(MAX_VALUE_CHARS + 10);
    const obx = Array.from({ length: MAX_HL7_ROWS / 5 + 10 }, (_, i) => `OBX|${i + 1}|ED|X||${big}`).join('\r');
    const s = hl7(
      buildStructure({
        body: `MSH|^~\\&|A|B|C|D|1||ORU^R01|1|P|2.5\r${obx}`,
        contentType: '',
        kind: 'HL7V2',
        warnings: [],
      }),
    );
    expect(s.truncated).toBe(true);
    expect(s.segments.reduce((n, g) => n + g.rows.length, 0)).toBe(MAX_HL7_ROWS);
    const value = s.segments[1]!.rows.find((r) => r.field === 5)!.value;
    expect(value.length).toBeLessThan(MAX_VALUE_CHARS + 100);
    expect(value).toContain(String(MAX_VALUE_CHARS + 10));
  });
});

describe('HL7 V3, CDA and XML as an element tree', () => {
  it('builds the tree of a national V3 test case with attributes, text and namespaces', () => {
    const s = xml(
      buildStructure({ body: read(v3File('EMR-PL-04')), contentType: 'application/xml', kind: 'HL7V3', warnings: [] }),
    );
    expect(s.root).toMatchObject({ name: 'PRPA_IN201305UV02', ns: 'urn:hl7-org:v3' });
    expect(s.root.attributes).toContainEqual({ name: 'ITSVersion', value: 'XML_1.0' });
    const id = s.root.children[0]!;
    expect(id).toMatchObject({ name: 'id', children: [] });
    expect(id.ns).toBeUndefined(); // same namespace as its parent
    expect(id.attributes).toContainEqual({ name: 'extension', value: '22a0f9e0-4454-11dc-a6be-3603d6866807' });
    const value = find(s.root, 'semanticsText')!;
    expect(value.attributes).toEqual([{ name: 'value', value: '匹配程度' }]);
    expect(s.nodeCount).toBe(count(s.root));
    expect(s.truncated).toBe(false);
  });

  it('keeps the text of leaf elements and the order of mixed content', () => {
    const body =
      '<c:doc xmlns:c="urn:x"><c:title> 入院记录 </c:title><text>血压 <b>120/80</b> mmHg<!-- c --></text><e/></c:doc>';
    const s = xml(buildStructure({ body, contentType: '', kind: 'XML', warnings: [] }));
    expect(s.root).toMatchObject({ name: 'c:doc', prefix: 'c', ns: 'urn:x' });
    expect(s.root.children[0]).toMatchObject({ name: 'c:title', text: '入院记录' });
    const text = s.root.children[1]!;
    expect(text.ns).toBeUndefined();
    expect(text.children.map((c) => [c.name, c.text])).toEqual([
      ['#text', '血压'],
      ['b', '120/80'],
      ['#text', 'mmHg'],
    ]);
    expect(s.root.children[2]).toEqual({ name: 'e', attributes: [], children: [] });
  });

  it('reads a CDA document', () => {
    const fixture = new URL('../../formats/cda/fixtures/', import.meta.url);
    const file = readdirSync(fixture).find((f) => f.startsWith('C0007'))!;
    const s = xml(
      buildStructure({
        body: readFileSync(new URL(file, fixture), 'utf8'),
        contentType: '',
        kind: 'CDA',
        warnings: [],
      }),
    );
    expect(s.root.name).toBe('ClinicalDocument');
    expect(find(s.root, 'recordTarget')).toBeDefined();
  });

  it('stops at MAX_XML_NODES nodes, keeping the outline above the cut', () => {
    const body = `<r><a>${'<i>v</i>'.repeat(MAX_XML_NODES)}</a><z/></r>`;
    const s = xml(buildStructure({ body, contentType: '', kind: 'XML', warnings: [] }));
    expect(s.truncated).toBe(true);
    expect(s.nodeCount).toBe(MAX_XML_NODES);
    expect(count(s.root)).toBe(MAX_XML_NODES);
    // <z/> comes after the cut in the document but is a sibling of <a>, which is being shown: it stays.
    expect(s.root.children.map((c) => c.name)).toEqual(['a', 'z']);
    expect(s.root.children[0]!.children).toHaveLength(MAX_XML_NODES - 3);
  });
});

describe('bodies that do not parse, and the choice of format', () => {
  it('answers text with the parse error as a warning, never throwing', () => {
    const v2 = buildStructure({ body: 'this is not HL7', contentType: '', kind: 'HL7V2', warnings: ['w'] });
    expect(v2.format).toBe('text');
    expect(v2.warnings[0]).toBe('w');
    expect(v2.warnings[1]).toMatch(/HL7 v2.*HL7V2_NO_MSH/);
    const v3 = buildStructure({
      body: '<PRPA_IN201305UV02><broken></PRPA_IN201305UV02>',
      contentType: '',
      kind: 'HL7V3',
      warnings: [],
    });
    expect(v3.format).toBe('text');
    expect(v3.warnings[0]).toMatch(/XML.*XML_MALFORMED/);
    const xxe = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>';
    expect(buildStructure({ body: xxe, contentType: '', kind: 'XML', warnings: [] }).warnings[0]).toMatch(
      /XML_DOCTYPE_FORBIDDEN/,
    );
    expect(buildStructure({ body: '{ nope', contentType: 'application/json', kind: 'JSON', warnings: [] })).toEqual({
      format: 'text',
      warnings: [expect.stringMatching(/JSON/)],
    });
    expect(buildStructure({ body: '', contentType: '', kind: 'CDA', warnings: [] }).format).toBe('text');
  });

  it('follows the model, then the content type, then the body', () => {
    expect(chooseFormat('HL7V2', 'application/json', '{}')).toEqual({ format: 'hl7v2', declared: true });
    expect(chooseFormat('cda', '', '')).toEqual({ format: 'xml', declared: true });
    expect(chooseFormat('TEXT', 'application/hl7-v2', '')).toEqual({ format: 'hl7v2', declared: true });
    expect(chooseFormat(undefined, 'text/xml; charset=utf-8', '')).toEqual({ format: 'xml', declared: true });
    expect(chooseFormat('TEXT', 'text/plain', '\uFEFFMSH|^~\\&|')).toEqual({ format: 'hl7v2', declared: false });
    expect(chooseFormat('TEXT', 'text/plain', '  <a/>')).toEqual({ format: 'xml', declared: false });
    expect(chooseFormat('TEXT', 'text/plain', '[1]')).toEqual({ format: 'json', declared: false });
    expect(chooseFormat('TEXT', 'text/plain', 'hello')).toEqual({ format: 'text', declared: false });
    // A guess that does not parse is just text, without a warning.
    expect(buildStructure({ body: '<not xml', contentType: 'text/plain', kind: 'TEXT', warnings: [] })).toEqual({
      format: 'text',
      warnings: [],
    });
    expect(buildStructure({ body: '{"a":1}', contentType: 'text/plain', kind: 'TEXT', warnings: [] }).format).toBe(
      'json',
    );
  });
});
