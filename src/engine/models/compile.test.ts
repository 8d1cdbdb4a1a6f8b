// Model schemas: a JSON Schema must be one (meta-schema, local $refs only) and an XSD must be usable by libxml2;
// bodies are then checked with readable problems, at most ten.
import { describe, expect, it } from 'vitest';
import { compileJsonSchemaText, compileXsdText, MAX_PROBLEMS, SchemaError } from './compile.js';

const PATIENT_SCHEMA = JSON.stringify({
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  required: ['patientId', 'name'],
  additionalProperties: false,
  definitions: { gender: { enum: ['1', '2', '9'] } },
  properties: {
    patientId: { type: 'string', minLength: 1 },
    name: { type: 'string' },
    gender: { $ref: '#/definitions/gender' },
    age: { type: 'integer', minimum: 0 },
  },
});

const XSD = `<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:hutong:test" xmlns="urn:hutong:test"
  elementFormDefault="qualified">
  <xs:element name="patient">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="id" type="xs:string"/>
        <xs:element name="age" type="xs:nonNegativeInteger" minOccurs="0"/>
      </xs:sequence>
    </xs:complexType>
  </xs:element>
</xs:schema>`;

describe('JSON Schema models', () => {
  it('checks bodies with readable problems', () => {
    const schema = compileJsonSchemaText(PATIENT_SCHEMA);
    expect(schema.check(JSON.stringify({ patientId: 'P1', name: '张三', gender: '1', age: 3 }))).toEqual([]);
    const problems = schema.check(JSON.stringify({ patientId: '', gender: 'x', age: -1, extra: true }));
    expect(problems).toContain('/: must have required properties name');
    expect(problems).toContain('/: must not have additional properties: extra');
    expect(problems).toContain('/gender: must be equal to one of the allowed values ("1", "2", "9")');
    expect(problems).toContain('/age: must be >= 0');
    expect(problems.some((p) => p.startsWith('/patientId:'))).toBe(true);
    expect(schema.check('{ not json')[0]).toMatch(/not valid JSON/);
  });

  it('reports at most ten problems', () => {
    // TypeBox itself stops at its maxErrors setting (8 by default); we never pass on more than ten.
    const many = compileJsonSchemaText(JSON.stringify({ type: 'array', items: { type: 'string' } }));
    const problems = many.check(JSON.stringify(Array.from({ length: 30 }, (_, i) => i)));
    expect(problems.length).toBeGreaterThan(1);
    expect(problems.length).toBeLessThanOrEqual(MAX_PROBLEMS);
    expect(problems[0]).toBe('/0: must be string');
  });

  it('refuses what is not a usable JSON Schema', () => {
    expect(() => compileJsonSchemaText('{ "type": ')).toThrow(/not JSON/);
    expect(() => compileJsonSchemaText('[1]')).toThrow(SchemaError);
    expect(() => compileJsonSchemaText('{"type":"strin"}')).toThrow(/\/type/);
    expect(() => compileJsonSchemaText('{"required":"x"}')).toThrow(/must be array/);
    expect(() => compileJsonSchemaText('{"$ref":"#/definitions/missing"}')).toThrow(/does not resolve/);
    expect(() => compileJsonSchemaText('{"$ref":"https://example.com/s.json"}')).toThrow(/outside the schema/);
    expect(() => compileJsonSchemaText('{"type":"string","pattern":"("}')).toThrow(SchemaError);
    expect(() => compileJsonSchemaText('{"$schema":"http://example.com/my-meta"}')).toThrow(/unsupported \$schema/);
  });

  it('accepts 2020-12 schemas with $defs', () => {
    const schema = compileJsonSchemaText(
      JSON.stringify({
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        $defs: { code: { type: 'string', pattern: '^[0-9]{4}$' } },
        type: 'object',
        properties: { dept: { $ref: '#/$defs/code' } },
      }),
    );
    expect(schema.check('{"dept":"0101"}')).toEqual([]);
    expect(schema.check('{"dept":"心内科"}')[0]).toMatch(/^\/dept: /);
  });
});

describe('XSD models', () => {
  it('checks bodies with line and column', () => {
    const schema = compileXsdText(XSD, 'test');
    try {
      expect(schema.check('<patient xmlns="urn:hutong:test"><id>P1</id><age>3</age></patient>')).toEqual([]);
      const problems = schema.check('<patient xmlns="urn:hutong:test">\n<age>-1</age></patient>');
      expect(problems.length).toBeGreaterThan(0);
      expect(problems[0]).toMatch(/^line 2/);
      expect(schema.check('<patient')[0]).toBeTruthy();
      expect(schema.check('<!DOCTYPE x [<!ENTITY e "e">]><patient/>')[0]).toMatch(/DOCTYPE|ENTITY/);
    } finally {
      schema.dispose();
    }
  });

  it('refuses what libxml2 cannot use as a schema', () => {
    expect(() => compileXsdText('<xs:schema', 'bad')).toThrow(SchemaError);
    expect(() => compileXsdText('<notASchema/>', 'bad')).toThrow(SchemaError);
    expect(() =>
      compileXsdText(
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="a" type="nope"/></xs:schema>',
        'bad',
      ),
    ).toThrow(SchemaError);
  });

  it('does not read files named by xs:include', () => {
    expect(() =>
      compileXsdText(
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:include schemaLocation="/etc/passwd"/></xs:schema>',
        'include',
      ),
    ).toThrow(SchemaError);
  });
});
