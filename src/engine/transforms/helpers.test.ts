// The expression helpers on a real Transforms instance: XML, XPath, HL7 v2 and dates, plus the Transforms class
// itself (compiled once and reused, compile errors with their position, time limits for untrusted expressions).
import { describe, expect, it } from 'vitest';
import { registerMessageHelpers, stripXPathPrefixes, xmlHelper, xpathHelper, hl7Helper } from './helpers.js';
import { ExpressionError, Transforms, type TransformInput } from './index.js';

const V3 = `<?xml version="1.0" encoding="UTF-8"?>
<PRPA_IN201311UV02 xmlns="urn:hl7-org:v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ITSVersion="XML_1.0">
  <id root="2.16.156.10011.0" extension="MSG-001"/>
  <controlActProcess classCode="CACT" moodCode="EVN">
    <subject typeCode="SUBJ">
      <registrationRequest>
        <subject1>
          <patient classCode="PAT">
            <id root="2.16.156.10011.1.2" extension="P0001"/>
            <id root="2.16.156.10011.1.3" extension="V0009"/>
            <patientPerson>
              <name xsi:type="BAG_EN"><item><part value="张三"/></item></name>
              <administrativeGenderCode code="1" codeSystem="2.16.156.10011.2.3.3.4"/>
            </patientPerson>
          </patient>
        </subject1>
      </registrationRequest>
    </subject>
  </controlActProcess>
</PRPA_IN201311UV02>`;

const ADT = [
  'MSH|^~\\&|HIS|HOSP|HUTONG|HOSP|20261125083000||ADT^A01^ADT_A01|MSG00001|P|2.4',
  'PID|1||P0001^^^HOSP^PI~ID123^^^CHN^NI||张^三||19800101|M',
  'PV1|1|I|心内科^101^1',
].join('\r');

function input(body: string, contentType = 'application/json', domain = ''): TransformInput {
  return {
    body,
    contentType,
    message: {
      id: 'm1',
      domain,
      topic: 't',
      system: null,
      sourceMessageId: null,
      receivedAt: '2026-11-25T00:00:00.000Z',
      contentType,
      index: {},
    },
  };
}

function withHelpers(): Transforms {
  const t = new Transforms();
  registerMessageHelpers(t);
  return t;
}

describe('$xml', () => {
  it('turns XML into a plain object without namespace prefixes', () => {
    const obj = xmlHelper(V3) as Record<string, Record<string, unknown>>;
    const root = obj.PRPA_IN201311UV02!;
    expect(root.ITSVersion).toBe('XML_1.0');
    expect(root.id).toEqual({ root: '2.16.156.10011.0', extension: 'MSG-001' });
    expect(xmlHelper('<a x="1">text</a>')).toEqual({ a: { x: '1', _text: 'text' } });
    expect(xmlHelper('<a><b>1</b><b>2</b><c/></a>')).toEqual({ a: { b: ['1', '2'], c: '' } });
    expect(xmlHelper('<a id="attr"><id>child</id></a>')).toEqual({ a: { id: 'child', '@id': 'attr' } });
  });

  it('refuses a DOCTYPE (no entity expansion)', () => {
    expect(() => xmlHelper('<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>')).toThrow();
  });

  it('is usable from an expression', async () => {
    const t = withHelpers();
    const result = await t.evaluate(
      'transform',
      '$xml($).PRPA_IN201311UV02.controlActProcess.subject.registrationRequest.subject1.patient.id[root="2.16.156.10011.1.2"].extension',
      input(V3, 'application/xml'),
    );
    expect(result).toBe('P0001');
  });
});

describe('$xpath', () => {
  it('matches by local name whatever the namespaces, with or without prefixes in the expression', () => {
    expect(xpathHelper(V3, '//patient/id[@root="2.16.156.10011.1.2"]/@extension')).toBe('P0001');
    expect(xpathHelper(V3, '//hl7:patient/hl7:id[1]/@extension')).toBe('P0001');
    expect(xpathHelper(V3, '//patient/id/@extension')).toEqual(['P0001', 'V0009']);
    expect(xpathHelper(V3, 'count(//id)')).toBe(3);
    expect(xpathHelper(V3, 'string(//part/@value)')).toBe('张三');
    expect(xpathHelper(V3, '//nothing')).toBeUndefined();
    expect(xpathHelper(V3, '//name/@type')).toBe('BAG_EN');
  });

  it('keeps axes and string literals while dropping prefixes', () => {
    expect(stripXPathPrefixes("//hl7:a/child::hl7:b[@xsi:type='x:y']/attribute::c")).toBe(
      "//a/child::b[@type='x:y']/attribute::c",
    );
    expect(stripXPathPrefixes('local-name(/*) = "a"')).toBe('local-name(/*) = "a"');
  });

  it('reports a bad XPath as an expression error', async () => {
    const t = withHelpers();
    await expect(t.evaluate('transform', '$xpath($, "//[")', input(V3, 'application/xml'))).rejects.toThrow(
      ExpressionError,
    );
  });
});

describe('$hl7', () => {
  it('reads values by path, unescaped, and every repetition on request', () => {
    expect(hl7Helper(ADT, 'PID-3.1')).toBe('P0001');
    expect(hl7Helper(ADT, 'PID-5.1')).toBe('张');
    expect(hl7Helper(ADT, 'MSH-9.2')).toBe('A01');
    expect(hl7Helper(ADT, 'PV1-3.1')).toBe('心内科');
    expect(hl7Helper(ADT, 'PID-3.1', true)).toEqual(['P0001', 'ID123']);
    expect(hl7Helper(ADT, 'PID-30')).toBeUndefined();
  });

  it('is usable from an expression on a text body', async () => {
    const t = withHelpers();
    const out = await t.transform(
      '{ "patientId": $hl7($, "PID-3.1"), "admitted": $formatDate($hl7($, "MSH-7"), "yyyy-MM-dd HH:mm:ss") }',
      input(ADT, 'x-application/hl7-v2+er7'),
    );
    expect(JSON.parse(out.body)).toEqual({ patientId: 'P0001', admitted: '2026-11-25 08:30:00' });
    expect(out.contentType).toBe('application/json');
  });
});

describe('date helpers in expressions', () => {
  it('formats and parses in Asia/Shanghai', async () => {
    const t = withHelpers();
    const body = JSON.stringify({ at: '2026-11-24T18:30:05Z', birth: '19800101', local: '2026-01-01 00:00:00' });
    const out = await t.evaluate(
      'transform',
      `{
        "at": $formatDate(at, "yyyyMMddHHmmss"),
        "birth": $formatDate(birth, "yyyy-MM-dd"),
        "iso": $parseDate(local, "yyyy-MM-dd HH:mm:ss"),
        "missing": $formatDate(nothing, "yyyy")
      }`,
      input(body),
    );
    expect(out).toEqual({ at: '20261125023005', birth: '1980-01-01', iso: '2026-01-01T00:00:00+08:00' });
  });

  it('answers $now() in Beijing time', async () => {
    const t = withHelpers();
    const iso = (await t.evaluate('transform', '$now()', input('{}'))) as string;
    expect(iso).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?\+08:00$/);
    expect(Math.abs(Date.parse(iso) - Date.now())).toBeLessThan(5000);
    const compact = (await t.evaluate('transform', '$now("yyyyMMddHHmmss")', input('{}'))) as string;
    expect(compact).toMatch(/^\d{14}$/);
  });

  it('fails the expression with the helper name when a date cannot be read', async () => {
    const t = withHelpers();
    await expect(t.evaluate('transform', '$formatDate("soon", "yyyy")', input('{}'))).rejects.toThrow(
      /\$formatDate: cannot read a date/,
    );
  });
});

describe('Transforms', () => {
  it('compiles each expression once and reuses it', async () => {
    const t = withHelpers();
    for (let i = 0; i < 50; i++) {
      expect(await t.filter('a = 1', input('{"a":1}'))).toBe(true);
      await t.transform('{"b": a + 1}', input('{"a":1}'));
    }
    expect(t.cachedExpressions).toBe(2);
    // Registering a function afterwards drops the cache (compiled expressions carry their functions).
    t.register('twice', (n: number) => n * 2);
    expect(t.cachedExpressions).toBe(0);
    expect(await t.evaluate('transform', '$twice(a)', input('{"a":21}'))).toBe(42);
  });

  it('reports a compile error with its position', () => {
    const t = withHelpers();
    const problem = t.check('{ "a": foo.( }');
    expect(problem).not.toBeNull();
    expect(problem!.message).toBeTruthy();
    expect(typeof problem!.position).toBe('number');
    expect(t.check('a.b = "x"')).toBeNull();
  });

  it('stops an expression that runs too long when given a time limit', async () => {
    const t = withHelpers();
    const loop = '($f := function($n) { $n > 0 ? $f($n - 1) + $f($n - 1) : 1 }; $f(40))';
    const started = Date.now();
    await expect(t.evaluate('transform', loop, input('{}'), { timeoutMs: 200, maxDepth: 1000 })).rejects.toThrow(
      ExpressionError,
    );
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('Transforms with limits for every expression', () => {
  it('fails a runaway cached expression instead of holding the caller', async () => {
    const t = new Transforms({ timeoutMs: 100, maxDepth: 1000 });
    await expect(
      t.transform('($f := function($n) { $n > 0 ? $f($n - 1) + $f($n - 1) : 1 }; $f(40))', input('{}')),
    ).rejects.toThrow(ExpressionError);
    expect(await t.filter('a = 1', input('{"a":1}'))).toBe(true);
  });
});
