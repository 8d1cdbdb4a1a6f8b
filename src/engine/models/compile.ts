// Turning a model's schema text into a checker, once: JSON Schema through TypeBox's JSON Schema compiler (checked
// first against its meta-schema, with every `$ref` required to resolve inside the document — nothing is fetched), XSD
// through libxml2 (src/formats/xml, no network, no external entities). A checker answers readable problems.
import { Compile as compileJsonSchema, Meta } from 'typebox/schema';
import { compileXsd, XmlParseError, type CompiledXsd } from '../../formats/xml/index.js';
import type { SchemaType } from './schema.js';

export const MAX_PROBLEMS = 10;

export class SchemaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SchemaError';
  }
}

export interface CompiledSchema {
  readonly schemaType: SchemaType;
  /** Problems with `body` (at most MAX_PROBLEMS), empty when valid. */
  check(body: string): string[];
  dispose(): void;
}

type JsonSchemaInput = Parameters<typeof compileJsonSchema>[0];
type JsonValidator = ReturnType<typeof compileJsonSchema>;

interface SchemaIssue {
  keyword: string;
  schemaPath: string;
  instancePath: string;
  params: Record<string, unknown>;
  message: string;
}

const META_URIS: Record<string, keyof typeof Meta> = {
  'http://json-schema.org/draft-04/schema': 'http://json-schema.org/draft-04/schema#',
  'http://json-schema.org/draft-06/schema': 'http://json-schema.org/draft-06/schema#',
  'http://json-schema.org/draft-07/schema': 'http://json-schema.org/draft-07/schema#',
  'https://json-schema.org/draft/2019-09/schema': 'https://json-schema.org/draft/2019-09/schema',
  'https://json-schema.org/draft/2020-12/schema': 'https://json-schema.org/draft/2020-12/schema',
};
const metaValidators = new Map<string, JsonValidator>();

function metaValidatorFor(declared: unknown): JsonValidator {
  const uri =
    typeof declared === 'string' ? (META_URIS[declared.replace(/#$/, '')] ?? undefined) : META_URIS[DEFAULT_META];
  if (uri === undefined) throw new SchemaError(`unsupported $schema "${String(declared)}" (use draft-04 to 2020-12)`);
  let v = metaValidators.get(uri);
  if (!v) {
    v = compileJsonSchema(Meta[uri] as unknown as JsonSchemaInput);
    metaValidators.set(uri, v);
  }
  return v;
}
// Without `$schema`, draft-07 — what most interface documents are written in; newer keywords still validate.
const DEFAULT_META = 'http://json-schema.org/draft-07/schema';

/** Readable problems from TypeBox's validation errors: `/items/0/code: must be equal to one of …`. */
export function describeIssues(issues: readonly SchemaIssue[]): string[] {
  const out: string[] = [];
  for (const issue of issues) {
    // `additionalProperties: false` is reported twice (as the property's false schema and as the object's keyword).
    if (issue.keyword === 'boolean' && /\/additionalProperties$/.test(issue.schemaPath)) continue;
    let text = issue.message;
    const p = issue.params;
    if (issue.keyword === 'additionalProperties' && Array.isArray(p.additionalProperties)) {
      text += `: ${p.additionalProperties.join(', ')}`;
    } else if (issue.keyword === 'enum' && Array.isArray(p.allowedValues)) {
      text += ` (${p.allowedValues.map((v) => JSON.stringify(v)).join(', ')})`;
    } else if (issue.keyword === 'const' && 'allowedValue' in p) {
      text += ` (${JSON.stringify(p.allowedValue)})`;
    }
    const line = `${issue.instancePath === '' ? '/' : issue.instancePath}: ${text}`;
    if (!out.includes(line)) out.push(line);
    if (out.length >= MAX_PROBLEMS) break;
  }
  return out;
}

/** Every `$ref` must point inside the document: a JSON pointer that resolves, or a declared `$anchor`/`$id`. */
function checkRefs(root: unknown): void {
  const anchors = new Set<string>();
  const refs: string[] = [];
  const stack: unknown[] = [root];
  let seen = 0;
  while (stack.length > 0) {
    const node = stack.pop();
    if (++seen > 200_000) throw new SchemaError('the schema is too large');
    if (Array.isArray(node)) {
      for (const item of node) stack.push(item);
    } else if (node !== null && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref' && typeof value === 'string') refs.push(value);
        else if ((key === '$anchor' || key === '$dynamicAnchor') && typeof value === 'string') anchors.add(value);
        else if (key === '$id' && typeof value === 'string' && value.startsWith('#')) anchors.add(value.slice(1));
        stack.push(value);
      }
    }
  }
  for (const ref of refs) {
    if (!ref.startsWith('#'))
      throw new SchemaError(`$ref "${ref}" points outside the schema; only local references are supported`);
    const fragment = decodeURIComponent(ref.slice(1));
    if (fragment === '') continue;
    if (!fragment.startsWith('/')) {
      if (!anchors.has(fragment)) throw new SchemaError(`$ref "${ref}" names an anchor that does not exist`);
      continue;
    }
    let node: unknown = root;
    for (const raw of fragment.slice(1).split('/')) {
      const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      if (node === null || typeof node !== 'object' || !(part in node)) {
        throw new SchemaError(`$ref "${ref}" does not resolve inside the schema`);
      }
      node = (node as Record<string, unknown>)[part];
    }
  }
}

/** Compiles a JSON Schema given as text; throws SchemaError with the reasons when it is not one. */
export function compileJsonSchemaText(text: string): CompiledSchema {
  let schema: unknown;
  try {
    schema = JSON.parse(text);
  } catch (error) {
    throw new SchemaError(`not JSON: ${(error as Error).message}`);
  }
  if (typeof schema !== 'boolean' && (schema === null || typeof schema !== 'object' || Array.isArray(schema))) {
    throw new SchemaError('a JSON Schema is an object (or true/false)');
  }
  const declared = typeof schema === 'object' ? (schema as Record<string, unknown>).$schema : undefined;
  const meta = metaValidatorFor(declared);
  const [metaOk, metaIssues] = meta.Errors(schema) as [boolean, SchemaIssue[]];
  if (!metaOk) throw new SchemaError(describeIssues(metaIssues).join('; '));
  checkRefs(schema);
  let validator: JsonValidator;
  try {
    validator = compileJsonSchema(schema as JsonSchemaInput);
  } catch (error) {
    throw new SchemaError((error as Error).message);
  }
  return {
    schemaType: 'json-schema',
    check(body: string): string[] {
      let value: unknown;
      try {
        value = JSON.parse(body);
      } catch (error) {
        return [`消息不是合法的 JSON (not valid JSON): ${(error as Error).message}`];
      }
      const [ok, issues] = validator.Errors(value) as [boolean, SchemaIssue[]];
      if (ok) return [];
      const problems = describeIssues(issues);
      return problems.length > 0 ? problems : ['/: does not match the schema'];
    },
    dispose() {},
  };
}

/** Compiles an XSD; throws SchemaError when libxml2 cannot use it. Call dispose() when replacing it. */
export function compileXsdText(text: string, name: string): CompiledSchema {
  let xsd: CompiledXsd;
  try {
    xsd = compileXsd(text, { name });
  } catch (error) {
    if (error instanceof XmlParseError) throw new SchemaError(error.message);
    throw new SchemaError(String(error));
  }
  return {
    schemaType: 'xsd',
    check(body: string): string[] {
      const result = xsd.validate(body);
      if (result.valid) return [];
      const problems = result.errors.slice(0, MAX_PROBLEMS).map((e) => {
        const where =
          e.line === undefined ? '' : `line ${e.line}${e.column === undefined ? '' : `, column ${e.column}`}: `;
        return `${where}${e.message}`;
      });
      return problems.length > 0 ? problems : ['the document does not match the XSD'];
    },
    dispose() {
      xsd.dispose();
    },
  };
}

export function compileSchema(schemaType: SchemaType, text: string, name: string): CompiledSchema {
  return schemaType === 'xsd' ? compileXsdText(text, name) : compileJsonSchemaText(text);
}
