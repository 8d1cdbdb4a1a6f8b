// The JSON Schema of a service's canonical JSON (交互服务 JSON 结构), generated from its field tree, and the checker
// REST callers meet before their JSON becomes a V3 message. One schema and one compiled validator per service,
// built on first use and kept. Problems name the field by its JSON path and its Chinese label, in zh-CN and English.
//
// Rules the catalogue data implies:
// - Values keep the V3 lexical form the mapper writes (see mapper.ts): dates yyyyMMdd, times yyyyMMddHHmmss (reduced
//   precision, fractions and a ±zzzz offset allowed, as V3 TS), codes are strings.
// - Unknown keys are refused: the mapper would drop them silently, and a caller must learn that its field is lost.
// - Query parameters are never required: a query filters by what it is given, and the national test cases leave
//   most of the XSD's mandatory parameter elements empty. Their date bounds also accept "-" (不限), as those cases do.
import { Compile } from 'typebox/schema';
import type { ServiceDefinition, ServiceField } from './types.js';

export type JsonSchema = Record<string, unknown>;

/** One problem with a JSON body: where, and what (zh-CN and English). */
export interface ServiceJsonProblem {
  /** JSON path of the field (`patient.name`, `items[0].code`); '' for the body itself. */
  path: string;
  message: string;
  messageEn: string;
}

export const MAX_JSON_PROBLEMS = 20;

const TS_DATE = '\\d{4}(?:\\d{2}(?:\\d{2})?)?';
const TS_DATETIME = '\\d{4}(?:\\d{2}(?:\\d{2}(?:\\d{2}(?:\\d{2}(?:\\d{2}(?:\\.\\d{1,4})?)?)?)?)?)?(?:[+-]\\d{4})?';

const TYPE_TEXT: Record<ServiceField['type'], { zh: string; en: string }> = {
  string: { zh: '字符串', en: 'a string' },
  date: { zh: '日期（yyyyMMdd）', en: 'a date (yyyyMMdd)' },
  datetime: { zh: '日期时间（yyyyMMddHHmmss）', en: 'a date-time (yyyyMMddHHmmss)' },
  code: { zh: '编码（字符串）', en: 'a code (string)' },
  number: { zh: '数字', en: 'a number' },
  boolean: { zh: '布尔值（true/false）', en: 'a boolean (true/false)' },
  object: { zh: '对象', en: 'an object' },
  array: { zh: '数组', en: 'an array' },
};

function fieldSchema(f: ServiceField, query: boolean): JsonSchema {
  const base: JsonSchema = { title: f.label };
  if (f.description && f.description !== f.label) base.description = f.description;
  if (f.codeSystem) base['x-codeSystem'] = f.codeSystem;
  base['x-v3Path'] = f.v3Path;
  const required = f.required && !query;
  switch (f.type) {
    case 'object':
      return { ...base, ...objectSchema(f.fields ?? [], query) };
    case 'array':
      return { ...base, type: 'array', items: objectSchema(f.fields ?? [], query) };
    case 'number':
      return { ...base, type: 'number' };
    case 'boolean':
      return { ...base, type: 'boolean' };
    case 'date':
    case 'datetime': {
      const ts = f.type === 'date' ? TS_DATE : TS_DATETIME;
      return { ...base, type: 'string', pattern: query ? `^(?:-|${ts})$` : `^${ts}$` };
    }
    case 'code':
    case 'string': {
      const s: JsonSchema = { ...base, type: 'string' };
      if (required) s.minLength = 1;
      if (f.options && f.options.length > 0) {
        s.enum = f.options.map((o) => o.code);
        if (f.options.some((o) => o.display)) {
          s['x-enumNames'] = f.options.map((o) => o.display ?? o.code);
        }
      }
      return s;
    }
  }
}

function objectSchema(fields: readonly ServiceField[], query: boolean): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const f of fields) properties[f.key] = fieldSchema(f, query);
  const required = query ? [] : fields.filter((f) => f.required).map((f) => f.key);
  return {
    type: 'object',
    properties,
    ...(required.length > 0 ? { required } : {}),
    additionalProperties: false,
  };
}

/** The JSON Schema (draft 2020-12) of `def`'s canonical JSON. */
export function serviceJsonSchema(def: ServiceDefinition): JsonSchema {
  return compiled(def).schema;
}

type Validator = ReturnType<typeof Compile>;
interface Compiled {
  schema: JsonSchema;
  validator: Validator;
}
const cache = new Map<string, Compiled>();

function compiled(def: ServiceDefinition): Compiled {
  let c = cache.get(def.action);
  if (c) return c;
  const query = def.operation === 'query';
  const schema: JsonSchema = {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `https://hutong.dev/services/${def.action}.schema.json`,
    title: `${def.name}（${def.action}${def.sCode ? ` / ${def.sCode}` : ''}）`,
    description: `${def.nameEn}. ${def.description}`,
    ...objectSchema(def.fields, query),
  };
  const validator = Compile(schema as Parameters<typeof Compile>[0]);
  c = { schema, validator };
  cache.set(def.action, c);
  return c;
}

interface Issue {
  keyword: string;
  schemaPath: string;
  instancePath: string;
  params: Record<string, unknown>;
}

/** Walks a JSON pointer through the field tree: the dotted path and the field it lands on. */
function locate(def: ServiceDefinition, pointer: string): { path: string; field: ServiceField | undefined } {
  const parts = pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let fields: readonly ServiceField[] | undefined = def.fields;
  let field: ServiceField | undefined;
  let path = '';
  for (const part of parts) {
    if (/^\d+$/.test(part) && field?.type === 'array') {
      path += `[${part}]`;
      continue;
    }
    field = fields?.find((f) => f.key === part);
    fields = field?.fields;
    path += path === '' ? part : `.${part}`;
  }
  return { path, field };
}

function named(path: string, field: ServiceField | undefined): string {
  return field ? `${path} (${field.label})` : path;
}

function describe(def: ServiceDefinition, issue: Issue): ServiceJsonProblem[] {
  const at = locate(def, issue.instancePath);
  const p = issue.params;
  switch (issue.keyword) {
    case 'required': {
      const keys = Array.isArray(p.requiredProperties) ? (p.requiredProperties as string[]) : [];
      return keys.map((key) => {
        const child = locate(def, `${issue.instancePath}/${key}`);
        const name = named(child.path, child.field);
        return { path: child.path, message: `缺少必填字段 ${name}`, messageEn: `Missing required field ${name}` };
      });
    }
    case 'minLength':
      return [
        {
          path: at.path,
          message: `必填字段 ${named(at.path, at.field)} 不能为空`,
          messageEn: `Required field ${named(at.path, at.field)} must not be empty`,
        },
      ];
    case 'additionalProperties': {
      const keys = Array.isArray(p.additionalProperties) ? (p.additionalProperties as string[]) : [];
      return keys.map((key) => {
        const path = at.path === '' ? key : `${at.path}.${key}`;
        return {
          path,
          message: `未知字段 ${path}（服务未定义）`,
          messageEn: `Unknown field ${path} (not in the service)`,
        };
      });
    }
    case 'enum': {
      const allowed = Array.isArray(p.allowedValues) ? (p.allowedValues as unknown[]).map(String) : [];
      const list = allowed.slice(0, 10).join(', ') + (allowed.length > 10 ? ' …' : '');
      return [
        {
          path: at.path,
          message: `字段 ${named(at.path, at.field)} 的编码不在允许值中：${list}`,
          messageEn: `Field ${named(at.path, at.field)} must be one of: ${list}`,
        },
      ];
    }
    case 'type':
    case 'pattern': {
      if (at.path === '') {
        return [{ path: '', message: '请求体应为 JSON 对象', messageEn: 'The body must be a JSON object' }];
      }
      const t = at.field ? TYPE_TEXT[at.field.type] : { zh: String(p.type), en: String(p.type) };
      return [
        {
          path: at.path,
          message: `字段 ${named(at.path, at.field)} 应为${t.zh}`,
          messageEn: `Field ${named(at.path, at.field)} must be ${t.en}`,
        },
      ];
    }
    default:
      return [];
  }
}

/** Problems of `value` as `def`'s canonical JSON (at most MAX_JSON_PROBLEMS); empty when valid. */
export function validateServiceJson(def: ServiceDefinition, value: unknown): ServiceJsonProblem[] {
  const { validator } = compiled(def);
  if (validator.Check(value)) return [];
  const [, issues] = validator.Errors(value) as [boolean, Issue[]];
  const out: ServiceJsonProblem[] = [];
  const seen = new Set<string>();
  for (const issue of issues) {
    // `additionalProperties: false` is also reported per property as a false schema.
    if (issue.keyword === 'boolean') continue;
    for (const problem of describe(def, issue)) {
      const key = `${problem.path}\u0000${problem.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(problem);
      if (out.length >= MAX_JSON_PROBLEMS) return out;
    }
  }
  if (out.length === 0) {
    out.push({
      path: '',
      message: '请求体不符合服务的 JSON 结构',
      messageEn: 'The body does not match the service JSON',
    });
  }
  return out;
}
