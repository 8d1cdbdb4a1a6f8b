// The SQL gateway's statement side without a database: named placeholders become positional ones only where they
// are placeholders, and each kind of parameter source reads the right value from a message.
import { describe, expect, it } from 'vitest';
import { registerMessageHelpers } from '../../transforms/helpers.js';
import { Transforms } from '../../transforms/index.js';
import type { OutboundRequest } from '../types.js';
import { compileStatement, ParamReader, parseParamSource, type RequestMetaExtras } from './sql-params.js';

describe('compileStatement', () => {
  it('numbers distinct names once on PostgreSQL and repeats ? per occurrence on MySQL', () => {
    const sql = 'insert into t (a, b, c) values (:id, :name, :id)';
    expect(compileStatement(sql, 'postgres')).toEqual({
      text: 'insert into t (a, b, c) values ($1, $2, $1)',
      names: ['id', 'name'],
    });
    expect(compileStatement(sql, 'mysql')).toEqual({
      text: 'insert into t (a, b, c) values (?, ?, ?)',
      names: ['id', 'name', 'id'],
    });
  });

  it('leaves literals, quoted identifiers, comments, casts and dollar quotes alone', () => {
    const sql = [
      "select ':notA', 'it''s :no', \":quoted\", x::text, arr[1:2], e'\\' :still', :yes -- :comment",
      '/* :block /* nested :x */ still comment :y */ , $$ :body $$, $fn$ :tagged $fn$, :last',
    ].join('\n');
    const pg = compileStatement(sql, 'postgres');
    expect(pg.names).toEqual(['yes', 'last']);
    expect(pg.text).toContain("'it''s :no'");
    expect(pg.text).toContain('x::text');
    expect(pg.text).toContain('$$ :body $$');
    expect(pg.text).toContain(', $1 -- :comment');
    expect(pg.text.endsWith(', $2')).toBe(true);

    const my = compileStatement("select `:col`, 'a\\' :no', \"dq :no\", :a # :hash\n, @v := :b", 'mysql');
    expect(my.names).toEqual(['a', 'b']);
    expect(my.text).toBe("select `:col`, 'a\\' :no', \"dq :no\", ? # :hash\n, @v := ?");
  });

  it('refuses an unterminated literal or comment', () => {
    expect(() => compileStatement("insert into t values (':x)", 'postgres')).toThrow(/unterminated string literal/);
    expect(() => compileStatement('select 1 /* open', 'mysql')).toThrow(/unterminated comment/);
    expect(() => compileStatement('select $a$ body', 'postgres')).toThrow(/unterminated dollar-quoted/);
  });
});

describe('parameter sources', () => {
  const transforms = new Transforms({ timeoutMs: 1000 });
  registerMessageHelpers(transforms);
  const request = (body: string, contentType = 'application/json'): OutboundRequest => ({
    body,
    contentType,
    messageId: 'm-1',
    deliveryId: 'd-1',
    attempt: 2,
    topic: 'ADT_A01',
    domain: 'default',
  });
  const read = (source: string, req: OutboundRequest & RequestMetaExtras) =>
    new ParamReader(req, transforms).read(parseParamSource(source));

  it('reads JSON paths, with absent values as NULL and objects as JSON text', async () => {
    const req = request(JSON.stringify({ patient: { id: 'P1', age: 40, tags: ['a'], 'full name': '张三' }, n: null }));
    expect(await read('$.patient.id', req)).toBe('P1');
    expect(await read('$.patient.age', req)).toBe(40);
    expect(await read('$.patient.tags[0]', req)).toBe('a');
    expect(await read('$.patient["full name"]', req)).toBe('张三');
    expect(await read('$.patient.tags', req)).toBe('["a"]');
    expect(await read('$.patient.missing', req)).toBeNull();
    expect(await read('$.n', req)).toBeNull();
    expect(await read('$.patient.__proto__', req)).toBeNull();
    await expect(read('$.x', request('MSH|^~\\&|'))).rejects.toThrow(/not JSON/);
  });

  it('reads HL7 v2 paths, an empty field being NULL', async () => {
    const hl7 = [
      'MSH|^~\\&|HIS|H1|LIS|H1|20260101120000||ADT^A01|MSG0001|P|2.4',
      'PID|1||P12345^^^H1^PI||张^三||19800101|M',
    ].join('\r');
    const req = request(hl7, 'application/hl7-v2');
    expect(await read('PID-3.1', req)).toBe('P12345');
    expect(await read('PID-5.1', req)).toBe('张');
    expect(await read('MSH-10', req)).toBe('MSG0001');
    expect(await read('PID-19', req)).toBeNull();
  });

  it('reads XPath on XML in any namespace, taking the first of several nodes', async () => {
    const xml =
      '<r xmlns="urn:hl7-org:v3"><patient><id root="2.16.1" extension="P9"/><name>李四</name></patient>' +
      '<item>1</item><item>2</item></r>';
    const req = request(xml, 'application/xml');
    expect(await read('/r/patient/id/@extension', req)).toBe('P9');
    expect(await read('xpath://name', req)).toBe('李四');
    expect(await read('//item', req)).toBe('1');
    expect(await read('//nothing', req)).toBeNull();
  });

  it('evaluates jsonata: sources with the message bound, and message meta', async () => {
    const req = request(JSON.stringify({ a: 2, b: 3 }), 'text/plain');
    expect(await read('jsonata: a * b', req)).toBe(6);
    expect(await read('jsonata: $message.topic & "/" & $message.id', req)).toBe('ADT_A01/m-1');
    expect(await read('meta.messageId', req)).toBe('m-1');
    expect(await read('meta.deliveryId', req)).toBe('d-1');
    expect(await read('meta.attempt', req)).toBe(2);
    expect(await read('meta.domain', req)).toBe('default');
    await expect(read('meta.receivedAt', req)).rejects.toThrow(/not available/);
    const withMeta = { ...req, receivedAt: '2026-11-26T08:00:00.000Z', index: { patientId: 'P1' } };
    expect(await read('meta.receivedAt', withMeta)).toBe('2026-11-26T08:00:00.000Z');
    expect(await read('meta.index.patientId', withMeta)).toBe('P1');
    expect(await read('meta.index.visitNo', withMeta)).toBeNull();
  });

  it('says what is wrong with a source it cannot read', () => {
    expect(() => parseParamSource('meta.nope')).toThrow(/unknown message field/);
    expect(() => parseParamSource('patient.id')).toThrow(/cannot tell where/);
    expect(() => parseParamSource('$.a[x]')).toThrow(/index or a quoted name/);
    expect(() => parseParamSource('PID-0')).toThrow(/indexes run from 1/);
    expect(() => parseParamSource('jsonata:')).toThrow(/empty/);
  });
});
