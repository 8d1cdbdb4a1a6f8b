// 消息模型管理: the message models topics declare. Built-in kinds (JSON, XML, TEXT, and HL7V2, HL7V3, CDA whose
// decoders and validators the protocol work registers) are seeded at start and cannot be changed; hospitals
// register their own JSON or XML models and may attach a JSON Schema or an XSD, which topics with validation on are
// checked against at ingest. Each change is one transaction with its revision (entity 'model', id = code), its audit
// entry and the announcement `model:<code>` to the other nodes, which reload that model when it arrives.
import type { RequestContext } from '../../platform/auth/context.js';
import { diff, recordAudit } from '../../platform/audit/index.js';
import { fromFlag, now, toFlag, type Database } from '../../platform/db/index.js';
import { HtError } from '../../platform/errors/index.js';
import { scopeOf, type ConfigChanges } from '../config/changes.js';
import {
  recordRevision,
  registerRevertHandler,
  registerStateLoader,
  type ConfigTransaction,
} from '../config/revisions.js';
import { EP } from '../permissions.js';
import type { EngineTables } from '../tables.js';
import { compileSchema, SchemaError } from './compile.js';
import type {
  CreateModelBody,
  Model,
  ModelDetail,
  PutSchemaBody,
  UpdateModelBody,
  ValidateSampleBody,
  ValidateSampleResult,
} from './schema.js';
import * as store from './store.js';
import type { ModelExecutor, ModelsTable, ModelTables } from './store.js';
import type { ModelRegistry } from './validator.js';

export const BUILTIN_MODELS: readonly { code: string; name: string; description: string }[] = [
  { code: 'JSON', name: 'JSON', description: 'JSON 消息' },
  { code: 'XML', name: 'XML', description: 'XML 消息' },
  { code: 'TEXT', name: '文本 Text', description: '任意文本，原样存储与转发' },
  { code: 'HL7V2', name: 'HL7 v2', description: 'HL7 v2.x 消息（解析与校验由协议模块注册）' },
  { code: 'HL7V3', name: 'HL7 V3', description: 'HL7 V3 互联互通消息（解析与校验由协议模块注册）' },
  { code: 'CDA', name: 'CDA 文档', description: 'WS/T 500 共享文档（解析与校验由协议模块注册）' },
];

/** A model as kept in a configuration revision (entity type 'model', entity id = code). */
export interface ModelState {
  code: string;
  name: string;
  kind: string;
  builtin: boolean;
  schemaType: string | null;
  schema: string | null;
  description: string | null;
  createdAt: string;
  updatedAt: string;
}

export class ModelService {
  constructor(
    private readonly db: Database,
    private readonly registry: ModelRegistry,
    /** Where changes are announced to the other nodes (none: a single node, or a test). */
    private readonly changes?: ConfigChanges,
  ) {}

  private get k(): ModelExecutor {
    return this.db.kysely.withTables<EngineTables & ModelTables>();
  }

  /** Creates the built-in models that are missing (every start; a no-op once they exist). */
  async seedBuiltins(): Promise<void> {
    const at = now();
    await this.k
      .insertInto('models')
      .values(
        BUILTIN_MODELS.map((m) => ({
          code: m.code,
          name: m.name,
          kind: m.code,
          builtin: 1,
          schema_type: null,
          schema: null,
          description: m.description,
          created_at: at,
          updated_at: at,
        })),
      )
      .onConflict((oc) => oc.column('code').doNothing())
      .execute();
  }

  async list(ctx: RequestContext): Promise<{ items: Model[] }> {
    ctx.require(EP.configRead);
    const [rows, counts] = await Promise.all([store.allModels(this.k), store.topicCounts(this.k)]);
    return { items: rows.map((r) => store.presentModel(r, counts.get(r.code) ?? 0)) };
  }

  async get(ctx: RequestContext, code: string): Promise<ModelDetail> {
    ctx.require(EP.configRead);
    return this.load(code);
  }

  async create(ctx: RequestContext, input: CreateModelBody): Promise<ModelDetail> {
    ctx.require(EP.configManage);
    const at = now();
    await this.tx(input.code, async (trx, t, config) => {
      const clash = (await store.allModels(t)).find((m) => m.code.toLowerCase() === input.code.toLowerCase());
      if (clash) throw new HtError('HT_ENGINE_CONFLICT', { entity: '消息模型 model', code: clash.code });
      const row: ModelsTable = {
        code: input.code,
        name: input.name,
        kind: input.kind,
        builtin: 0,
        schema_type: null,
        schema: null,
        description: input.description || null,
        created_at: at,
        updated_at: at,
      };
      await t.insertInto('models').values(row).execute();
      await recordRevision(config, ctx, {
        domainId: null,
        entityType: 'model',
        entityId: input.code,
        action: 'create',
        before: null,
        after: stateOf(row),
        summary: `新建消息模型 ${input.code}（${input.kind}）`,
      });
      await recordAudit(trx, ctx, {
        action: 'engine.model.create',
        objectType: 'model',
        objectId: input.code,
        summary: `新建消息模型 ${input.code}`,
        changes: { code: input.code, name: input.name, kind: input.kind },
      });
    });
    await this.registry.reload(input.code);
    return this.load(input.code);
  }

  async update(ctx: RequestContext, code: string, input: UpdateModelBody): Promise<ModelDetail> {
    ctx.require(EP.configManage);
    await this.change(ctx, code, 'engine.model.update', (before) => ({
      patch: {
        name: input.name ?? before.name,
        description: input.description === undefined ? before.description : input.description || null,
      },
      summary: `修改消息模型 ${code}`,
    }));
    return this.load(code);
  }

  async putSchema(ctx: RequestContext, code: string, input: PutSchemaBody): Promise<ModelDetail> {
    ctx.require(EP.configManage);
    const model = await store.findModel(this.k, code);
    if (!model) throw notFound(code);
    if (fromFlag(model.builtin)) throw new HtError('HT_ENGINE_MODEL_BUILTIN', { code });
    const expected = model.kind === 'XML' ? 'xsd' : model.kind === 'JSON' ? 'json-schema' : undefined;
    if (input.schemaType !== expected) {
      throw new HtError('HT_ENGINE_SCHEMA_INVALID', {
        schemaType: input.schemaType,
        reason: `${model.kind} 模型只能使用 ${expected ?? '—'} (a ${model.kind} model takes ${expected ?? 'no schema'})`,
      });
    }
    // Compile now, so a schema that cannot be used is refused here rather than failing every message later.
    try {
      compileSchema(input.schemaType, input.schema, code).dispose();
    } catch (error) {
      if (error instanceof SchemaError) {
        throw new HtError('HT_ENGINE_SCHEMA_INVALID', {
          schemaType: input.schemaType,
          reason: error.message.slice(0, 1000),
        });
      }
      throw error;
    }
    await this.change(ctx, code, 'engine.model.schema.update', () => ({
      patch: { schema_type: input.schemaType, schema: input.schema },
      summary: `上传消息模型 ${code} 的结构定义（${input.schemaType}）`,
    }));
    return this.load(code);
  }

  async deleteSchema(ctx: RequestContext, code: string): Promise<ModelDetail> {
    ctx.require(EP.configManage);
    await this.change(ctx, code, 'engine.model.schema.delete', () => ({
      patch: { schema_type: null, schema: null },
      summary: `删除消息模型 ${code} 的结构定义`,
    }));
    return this.load(code);
  }

  async remove(ctx: RequestContext, code: string): Promise<void> {
    ctx.require(EP.configManage);
    await this.tx(code, async (trx, t, config) => {
      const before = await store.findModel(t, code);
      if (!before) throw notFound(code);
      if (fromFlag(before.builtin)) throw new HtError('HT_ENGINE_MODEL_BUILTIN', { code });
      const topics = await store.topicsUsing(t, code);
      if (topics.length > 0) {
        throw new HtError('HT_ENGINE_IN_USE', {
          entity: `消息模型 ${code}`,
          reason: `主题 topics ${topics.join(', ')}`,
        });
      }
      await t.deleteFrom('models').where('code', '=', code).execute();
      await recordRevision(config, ctx, {
        domainId: null,
        entityType: 'model',
        entityId: code,
        action: 'delete',
        before: stateOf(before),
        after: null,
        summary: `删除消息模型 ${code}`,
      });
      await recordAudit(trx, ctx, {
        action: 'engine.model.delete',
        objectType: 'model',
        objectId: code,
        summary: `删除消息模型 ${code}`,
        changes: { code, name: before.name, kind: before.kind },
      });
    });
    await this.registry.reload(code);
  }

  /** Checks a sample body against the model, as ingest would with validation on. Nothing is stored. */
  async validateSample(ctx: RequestContext, code: string, input: ValidateSampleBody): Promise<ValidateSampleResult> {
    ctx.require(EP.configRead);
    const model = this.registry.get(code);
    if (!model) throw notFound(code);
    if (!this.registry.hasValidation(model.code)) return { validated: false, valid: true, problems: [] };
    const problems = (await this.registry.validate(model.code, input.body, input.contentType ?? '')) ?? [];
    return { validated: true, valid: problems.length === 0, problems };
  }

  /** Puts a model back to a revision's state (rollback); `null` removes it. */
  async revert(trx: ConfigTransaction, code: string, state: Record<string, unknown> | null): Promise<void> {
    const t = trx.withTables<ModelTables>();
    const current = await store.findModel(t, code);
    if (current && fromFlag(current.builtin)) {
      throw new HtError('HT_ENGINE_REVISION_NOT_REVERTIBLE', { reason: `内置消息模型 ${code} 不能回滚` });
    }
    if (state === null) {
      if (!current) return;
      const topics = await store.topicsUsing(t, code);
      if (topics.length > 0) {
        throw new HtError('HT_ENGINE_REVISION_NOT_REVERTIBLE', {
          reason: `消息模型 ${code} 仍被主题使用：${topics.join(', ')}`,
        });
      }
      await t.deleteFrom('models').where('code', '=', code).execute();
      return;
    }
    const s = state as unknown as ModelState;
    const values = {
      name: s.name,
      kind: s.kind,
      schema_type: s.schemaType,
      schema: s.schema,
      description: s.description,
      updated_at: now(),
    };
    if (current) {
      await t.updateTable('models').set(values).where('code', '=', code).execute();
    } else {
      await t
        .insertInto('models')
        .values({ code, builtin: toFlag(false), created_at: s.createdAt, ...values })
        .execute();
    }
  }

  // ---- internals -------------------------------------------------------------------------------------------------

  /** One transaction changing model `code`; the other nodes are told to reload it once it commits. */
  private tx<R>(
    code: string,
    fn: (
      trx: Parameters<Parameters<Database['transaction']>[0]>[0],
      t: ModelExecutor,
      config: ConfigTransaction,
    ) => Promise<R>,
  ): Promise<R> {
    return this.db.transaction(async (trx) => {
      const result = await fn(trx, trx.withTables<EngineTables & ModelTables>(), trx.withTables<EngineTables>());
      await this.changes?.announce(trx, [scopeOf('model', code)]);
      return result;
    });
  }

  /** One update of a custom model: the patch, its revision and audit entry, then the registry reload. */
  private async change(
    ctx: RequestContext,
    code: string,
    action: string,
    build: (before: ModelsTable) => { patch: Partial<ModelsTable>; summary: string },
  ): Promise<void> {
    await this.tx(code, async (trx, t, config) => {
      const before = await store.findModel(t, code);
      if (!before) throw notFound(code);
      if (fromFlag(before.builtin)) throw new HtError('HT_ENGINE_MODEL_BUILTIN', { code });
      const { patch, summary } = build(before);
      const after: ModelsTable = { ...before, ...patch, updated_at: now() };
      await t
        .updateTable('models')
        .set({
          name: after.name,
          description: after.description,
          schema_type: after.schema_type,
          schema: after.schema,
          updated_at: after.updated_at,
        })
        .where('code', '=', code)
        .execute();
      await recordRevision(config, ctx, {
        domainId: null,
        entityType: 'model',
        entityId: code,
        action: 'update',
        before: stateOf(before),
        after: stateOf(after),
        summary,
      });
      const changes = diff(
        { name: before.name, description: before.description, schemaType: before.schema_type },
        { name: after.name, description: after.description, schemaType: after.schema_type },
      );
      if (before.schema !== after.schema) {
        changes.schema = [lengthOf(before.schema), lengthOf(after.schema)];
      }
      await recordAudit(trx, ctx, { action, objectType: 'model', objectId: code, summary, changes });
    });
    await this.registry.reload(code);
  }

  private async load(code: string): Promise<ModelDetail> {
    const row = await store.findModel(this.k, code);
    if (!row) throw notFound(code);
    const count = (await store.topicCounts(this.k)).get(code) ?? 0;
    return store.presentDetail(row, count);
  }
}

/**
 * Registers the rollback of 'model' revisions (run by the configuration API inside its transaction; it reloads the
 * scope `model:<code>` after the commit, here and on the other nodes).
 */
export function registerModelRevert(service: ModelService): void {
  registerRevertHandler('model', (trx, code, state) => service.revert(trx, code, state));
}

// A model's current state exactly as its revisions keep it, for the revision a rollback writes.
registerStateLoader('model', async (k, code) => {
  const row = await store.findModel(k.withTables<ModelTables>(), code);
  return row ? stateOf(row) : null;
});

function notFound(code: string): HtError {
  return new HtError('HT_ENGINE_NOT_FOUND', { entity: '消息模型 model', id: code });
}

function lengthOf(text: string | null): string | null {
  return text === null ? null : `${text.length} 字符 characters`;
}

export function stateOf(row: ModelsTable): ModelState {
  return {
    code: row.code,
    name: row.name,
    kind: row.kind,
    builtin: fromFlag(row.builtin),
    schemaType: row.schema_type,
    schema: row.schema,
    description: row.description,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
