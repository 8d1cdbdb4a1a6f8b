// Message models (消息模型) in the per-domain export/import file (域配置导出/导入): the section `models`, one item per
// custom model the domain's topics use — code, name, kind, description and the JSON Schema / XSD; built-in models
// (JSON, XML, TEXT, HL7V2, HL7V3, CDA) exist everywhere and are never in the file. Models are shared by every domain:
// importing one creates it, or updates the model of the same code (its kind cannot change, a built-in one cannot be
// imported over); models absent from the file are left alone. A schema is checked as an upload is (its type fits the
// kind, it compiles). Topics of the same file may name these codes as their model. The configuration service writes
// the revisions (entity 'model', id = code, action 'import') and audit entries, and every node reloads the imported
// models once the import has committed (scope `model:<code>`).
import Type, { type Static } from 'typebox';
import { now } from '../../platform/db/index.js';
import { planned, uniqueByCode, type DocumentSection, type Planned } from '../config/export.js';
import { compileSchema, SchemaError } from './compile.js';
import { MAX_SCHEMA_LENGTH, ModelCode } from './schema.js';
import { stateOf, type ModelState } from './service.js';
import * as store from './store.js';
import type { ModelTables } from './store.js';

export const DocumentModel = Type.Object(
  {
    code: ModelCode,
    name: Type.String({ minLength: 1, maxLength: 100 }),
    kind: Type.Union([Type.Literal('JSON'), Type.Literal('XML')]),
    description: Type.Optional(Type.Union([Type.String({ maxLength: 500 }), Type.Null()])),
    schemaType: Type.Optional(Type.Union([Type.Literal('json-schema'), Type.Literal('xsd'), Type.Null()])),
    schema: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: MAX_SCHEMA_LENGTH }), Type.Null()])),
  },
  { additionalProperties: false },
);
export type DocumentModel = Static<typeof DocumentModel>;

export function modelSection(): DocumentSection<DocumentModel, ModelState> {
  return {
    key: 'models',
    entityType: 'model',
    itemSchema: DocumentModel,
    maxItems: 1000,
    provides: 'model',

    async exportItems(k, domain) {
      const used = await k.selectFrom('topics').select('model').where('domain_id', '=', domain.id).execute();
      const codes = new Set(used.map((r) => r.model.toLowerCase()));
      const models = await store.allModels(k.withTables<ModelTables>());
      return models
        .filter((m) => m.builtin === 0 && codes.has(m.code.toLowerCase()))
        .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))
        .map((m) => ({
          code: m.code,
          name: m.name,
          kind: m.kind as DocumentModel['kind'],
          description: m.description,
          schemaType: m.schema_type as DocumentModel['schemaType'],
          schema: m.schema,
        }));
    },

    async plan(k, _domain, items, context) {
      const at = now();
      const existing = await store.allModels(k.withTables<ModelTables>());
      const byLowerCode = new Map(existing.map((row) => [row.code.toLowerCase(), row]));
      const result: Planned<ModelState>[] = [];
      for (const { item, where } of uniqueByCode('models', items, context.problem, { caseInsensitive: true })) {
        const row = byLowerCode.get(item.code.toLowerCase());
        if (row && row.builtin === 1) {
          context.problem(where, `内置消息模型 ${row.code} 不能导入`, `built-in model ${row.code} cannot be imported`);
          continue;
        }
        if (row && row.code !== item.code) {
          context.problem(where, `已有消息模型 ${row.code}（大小写不同）`, `model ${row.code} exists (other case)`);
          continue;
        }
        if (row && row.kind !== item.kind) {
          context.problem(
            where,
            `消息模型的类型不能修改（现为 ${row.kind}）`,
            `a model's kind cannot change (it is ${row.kind})`,
          );
          continue;
        }
        const schemaType = item.schemaType ?? null;
        const schema = item.schema ?? null;
        const problem = schemaProblem(item.kind, schemaType, schema, item.code);
        if (problem) {
          context.problem(where, problem.zh, problem.en);
          continue;
        }
        result.push(
          planned(row ? stateOf(row) : null, {
            code: item.code,
            name: item.name,
            kind: item.kind,
            builtin: false,
            schemaType,
            schema,
            description: item.description?.trim() ? item.description : null,
            createdAt: row?.created_at ?? at,
            updatedAt: at,
          }),
        );
      }
      return result;
    },

    async write(trx, p) {
      const t = trx.withTables<ModelTables>();
      const s = p.after;
      const values = {
        name: s.name,
        schema_type: s.schemaType,
        schema: s.schema,
        description: s.description,
        updated_at: s.updatedAt,
      };
      if (p.kind === 'create') {
        await t
          .insertInto('models')
          .values({ code: s.code, kind: s.kind, builtin: 0, created_at: s.createdAt, ...values })
          .execute();
      } else {
        await t.updateTable('models').set(values).where('code', '=', s.code).execute();
      }
    },

    summary: (state) => `导入消息模型 ${state.code}（${state.kind}）`,
    entityId: (state) => state.code,
  };
}

/** What is wrong with a model's schema, as the upload would say it; null when it can be used (or there is none). */
function schemaProblem(
  kind: string,
  schemaType: 'json-schema' | 'xsd' | null,
  schema: string | null,
  code: string,
): { zh: string; en: string } | null {
  if (schemaType === null && schema === null) return null;
  if (schemaType === null || schema === null) {
    return { zh: 'schemaType 与 schema 须同时给出', en: 'schemaType and schema go together' };
  }
  const expected = kind === 'XML' ? 'xsd' : 'json-schema';
  if (schemaType !== expected) {
    return {
      zh: `${kind} 模型只能使用 ${expected}`,
      en: `a ${kind} model takes ${expected}, not ${schemaType}`,
    };
  }
  try {
    compileSchema(schemaType, schema, code).dispose();
    return null;
  } catch (error) {
    if (!(error instanceof SchemaError)) throw error;
    const reason = error.message.slice(0, 500);
    return { zh: `结构定义有误：${reason}`, en: `the schema is invalid: ${reason}` };
  }
}
