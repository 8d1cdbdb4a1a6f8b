// 规则转换: reusable named JSONata transforms per domain, which subscriptions name in `transformRef`, and the
// try-it panel that runs a filter or transform on a sample or a stored message without saving anything.
// Changes are checked (the expression must compile), written with their revision and audit entry in one
// transaction that also announces them to the other nodes (scope `transform:<id>`), and the in-memory resolver the
// dispatcher reads is refreshed after the commit (on the other nodes, when the announcement arrives).
import { performance } from 'node:perf_hooks';
import type { RequestContext } from '../../platform/auth/context.js';
import { diff, recordAudit } from '../../platform/audit/index.js';
import { now, type Database } from '../../platform/db/index.js';
import { HtError } from '../../platform/errors/index.js';
import { newId } from '../../platform/ids/index.js';
import type { EngineConfigCache } from '../config/cache.js';
import { scopeOf, type ConfigChanges } from '../config/changes.js';
import {
  recordRevision,
  registerRevertHandler,
  registerStateLoader,
  type ConfigTransaction,
} from '../config/revisions.js';
import { EP } from '../permissions.js';
import type { EngineTables } from '../tables.js';
import { ExpressionError, isTruthy, transformOutput, type MessageMeta, type Transforms } from './index.js';
import type {
  CreateTransformBody,
  NamedTransform,
  TransformListQuery,
  TryBody,
  TryResult,
  UpdateTransformBody,
} from './schema.js';
import * as store from './store.js';
import type { TransformExecutor, TransformTables, TransformsTable } from './store.js';

/** Limits for expressions run from the try-it panel (nobody has reviewed them yet). */
export const TRY_TIMEOUT_MS = 2000;
export const TRY_MAX_DEPTH = 500;

/** A named transform as kept in a configuration revision (entity type 'transform'). */
export interface TransformState {
  id: string;
  domainId: string;
  code: string;
  name: string;
  description: string | null;
  expression: string;
  createdAt: string;
  updatedAt: string;
}

export class TransformService {
  private resolver = new Map<string, string>();
  // Reloads run one after another, so an older read never overwrites a newer one.
  private reloading: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Database,
    private readonly transforms: Transforms,
    private readonly config: EngineConfigCache,
    /** Where changes are announced to the other nodes (none: a single node, or a test). */
    private readonly changes?: ConfigChanges,
  ) {}

  private get k(): TransformExecutor {
    return this.db.kysely.withTables<EngineTables & TransformTables>();
  }

  /** The dispatcher's `resolveTransform`: the expression of a domain's named transform, from memory. */
  readonly resolve = (domainId: string, code: string): string | undefined =>
    this.resolver.get(`${domainId}\u0000${code}`);

  /** Reloads the resolver (start-up, after every change, rollback or import, and when another node changed one). */
  reload(): Promise<void> {
    const run = this.reloading.then(async () => {
      const rows = await store.listTransforms(this.k, undefined);
      const next = new Map<string, string>();
      for (const row of rows) next.set(`${row.domain_id}\u0000${row.code}`, row.expression);
      this.resolver = next;
    });
    this.reloading = run.catch(() => undefined);
    return run;
  }

  async list(ctx: RequestContext, query: TransformListQuery): Promise<{ items: NamedTransform[] }> {
    ctx.require(EP.configRead);
    return { items: (await store.listTransforms(this.k, query.domainId)).map(store.presentTransform) };
  }

  async get(ctx: RequestContext, id: string): Promise<NamedTransform> {
    ctx.require(EP.configRead);
    return this.load(id);
  }

  async create(ctx: RequestContext, input: CreateTransformBody): Promise<NamedTransform> {
    ctx.require(EP.transformManage);
    this.checkExpression(input.expression);
    const id = newId();
    const at = now();
    await this.db.transaction(async (trx) => {
      const t = trx.withTables<EngineTables & TransformTables>();
      const domain = await t.selectFrom('domains').select('id').where('id', '=', input.domainId).executeTakeFirst();
      if (!domain) throw new HtError('HT_ENGINE_DOMAIN_NOT_FOUND', { domain: input.domainId });
      if (await store.findTransformByCode(t, input.domainId, input.code)) {
        throw new HtError('HT_ENGINE_CONFLICT', { entity: '规则转换 transform', code: input.code });
      }
      const row: TransformsTable = {
        id,
        domain_id: input.domainId,
        code: input.code,
        name: input.name,
        description: input.description || null,
        expression: input.expression,
        created_at: at,
        updated_at: at,
      };
      await t.insertInto('transforms').values(row).execute();
      await recordRevision(trx.withTables<EngineTables>(), ctx, {
        domainId: input.domainId,
        entityType: 'transform',
        entityId: id,
        action: 'create',
        before: null,
        after: stateOf(row),
        summary: `新建规则转换 ${input.code}（${input.name}）`,
      });
      await recordAudit(trx, ctx, {
        action: 'engine.transform.create',
        objectType: 'transform',
        objectId: id,
        summary: `新建规则转换 ${input.code}`,
        changes: { domainId: input.domainId, code: input.code, name: input.name },
      });
      await this.changes?.announce(trx, [scopeOf('transform', id)]);
    });
    await this.reload();
    return this.load(id);
  }

  async update(ctx: RequestContext, id: string, input: UpdateTransformBody): Promise<NamedTransform> {
    ctx.require(EP.transformManage);
    if (input.expression !== undefined) this.checkExpression(input.expression);
    await this.db.transaction(async (trx) => {
      const t = trx.withTables<EngineTables & TransformTables>();
      const before = await store.findTransform(t, id);
      if (!before) throw notFound(id);
      if (input.code !== undefined && input.code !== before.code) {
        if (await store.findTransformByCode(t, before.domain_id, input.code)) {
          throw new HtError('HT_ENGINE_CONFLICT', { entity: '规则转换 transform', code: input.code });
        }
        const users = await store.subscriptionsUsing(t, before.domain_id, before.code);
        if (users.length > 0) {
          throw new HtError('HT_ENGINE_IN_USE', { entity: `规则转换 ${before.code}`, reason: users.join(', ') });
        }
      }
      const after: TransformsTable = {
        ...before,
        code: input.code ?? before.code,
        name: input.name ?? before.name,
        description: input.description === undefined ? before.description : input.description || null,
        expression: input.expression ?? before.expression,
        updated_at: now(),
      };
      await t
        .updateTable('transforms')
        .set({
          code: after.code,
          name: after.name,
          description: after.description,
          expression: after.expression,
          updated_at: after.updated_at,
        })
        .where('id', '=', id)
        .execute();
      await recordRevision(trx.withTables<EngineTables>(), ctx, {
        domainId: before.domain_id,
        entityType: 'transform',
        entityId: id,
        action: 'update',
        before: stateOf(before),
        after: stateOf(after),
        summary: `修改规则转换 ${before.code}`,
      });
      await recordAudit(trx, ctx, {
        action: 'engine.transform.update',
        objectType: 'transform',
        objectId: id,
        summary: `修改规则转换 ${before.code}`,
        changes: diff(
          { code: before.code, name: before.name, description: before.description, expression: before.expression },
          { code: after.code, name: after.name, description: after.description, expression: after.expression },
        ),
      });
      await this.changes?.announce(trx, [scopeOf('transform', id)]);
    });
    await this.reload();
    return this.load(id);
  }

  async remove(ctx: RequestContext, id: string): Promise<void> {
    ctx.require(EP.transformManage);
    await this.db.transaction(async (trx) => {
      const t = trx.withTables<EngineTables & TransformTables>();
      const before = await store.findTransform(t, id);
      if (!before) throw notFound(id);
      const users = await store.subscriptionsUsing(t, before.domain_id, before.code);
      if (users.length > 0) {
        throw new HtError('HT_ENGINE_IN_USE', { entity: `规则转换 ${before.code}`, reason: users.join(', ') });
      }
      await t.deleteFrom('transforms').where('id', '=', id).execute();
      await recordRevision(trx.withTables<EngineTables>(), ctx, {
        domainId: before.domain_id,
        entityType: 'transform',
        entityId: id,
        action: 'delete',
        before: stateOf(before),
        after: null,
        summary: `删除规则转换 ${before.code}`,
      });
      await recordAudit(trx, ctx, {
        action: 'engine.transform.delete',
        objectType: 'transform',
        objectId: id,
        summary: `删除规则转换 ${before.code}`,
        changes: { code: before.code, name: before.name },
      });
      await this.changes?.announce(trx, [scopeOf('transform', id)]);
    });
    await this.reload();
  }

  /**
   * Runs a filter or transform once, on a sample body or a stored message, and saves nothing. Reading a stored
   * message shows patient data: it needs `engine.message.read` as well and is audited (engine.message.view).
   */
  async tryExpression(ctx: RequestContext, input: TryBody): Promise<TryResult> {
    const user = ctx.requireUser();
    if (!user.permissions.has(EP.transformManage) && !user.permissions.has(EP.configManage)) {
      ctx.require(EP.transformManage);
    }
    if (input.messageId !== undefined) ctx.require(EP.messageRead);
    const started = performance.now();
    const elapsed = () => Math.round((performance.now() - started) * 1000) / 1000;

    const compileProblem = this.transforms.check(input.expression);
    if (compileProblem) return { ok: false, error: { ...compileProblem, phase: 'compile' }, durationMs: elapsed() };

    let body: string;
    let contentType: string;
    let message: MessageMeta;
    if (input.messageId !== undefined) {
      ({ body, contentType, message } = await this.readMessage(ctx, input.messageId));
    } else {
      body = input.body ?? '';
      contentType = input.contentType ?? sniffContentType(body);
      let domainCode = '';
      if (input.domainId !== undefined) {
        const domain = this.config.domainById(input.domainId);
        if (!domain) throw new HtError('HT_ENGINE_DOMAIN_NOT_FOUND', { domain: input.domainId });
        domainCode = domain.code;
      }
      message = {
        id: 'try-it',
        domain: domainCode,
        topic: '',
        system: null,
        sourceMessageId: null,
        receivedAt: now(),
        contentType,
        index: {},
      };
    }

    const evaluationStart = performance.now();
    try {
      const result = await this.transforms.evaluate(
        input.kind,
        input.expression,
        { body, contentType, message },
        { timeoutMs: TRY_TIMEOUT_MS, maxDepth: TRY_MAX_DEPTH },
      );
      const durationMs = Math.round((performance.now() - evaluationStart) * 1000) / 1000;
      if (input.kind === 'filter') return { ok: true, result: isTruthy(result), durationMs };
      const output = transformOutput(result, contentType);
      return { ok: true, result: jsonSafe(result), output, durationMs };
    } catch (error) {
      const durationMs = Math.round((performance.now() - evaluationStart) * 1000) / 1000;
      if (error instanceof ExpressionError) {
        return {
          ok: false,
          error: {
            message: error.message,
            phase: error.phase,
            ...(typeof error.position === 'number' ? { position: error.position } : {}),
          },
          durationMs,
        };
      }
      throw error;
    }
  }

  /** Puts a transform back to a revision's state (rollback); `null` removes it. */
  async revert(trx: ConfigTransaction, id: string, state: Record<string, unknown> | null): Promise<void> {
    const t = trx.withTables<TransformTables>();
    const current = await store.findTransform(t, id);
    if (state === null) {
      if (!current) return;
      const users = await store.subscriptionsUsing(t, current.domain_id, current.code);
      if (users.length > 0) {
        throw new HtError('HT_ENGINE_REVISION_NOT_REVERTIBLE', {
          reason: `规则转换 ${current.code} 仍被订阅关系使用：${users.join(', ')}`,
        });
      }
      await t.deleteFrom('transforms').where('id', '=', id).execute();
      return;
    }
    const s = state as unknown as TransformState;
    const clash = await store.findTransformByCode(t, s.domainId, s.code);
    if (clash && clash.id !== id) {
      throw new HtError('HT_ENGINE_REVISION_NOT_REVERTIBLE', {
        reason: `规则转换编码 ${s.code} 已被另一条规则使用 (code in use by another transform)`,
      });
    }
    const at = now();
    if (current) {
      await t
        .updateTable('transforms')
        .set({ code: s.code, name: s.name, description: s.description, expression: s.expression, updated_at: at })
        .where('id', '=', id)
        .execute();
    } else {
      await t
        .insertInto('transforms')
        .values({
          id,
          domain_id: s.domainId,
          code: s.code,
          name: s.name,
          description: s.description,
          expression: s.expression,
          created_at: s.createdAt,
          updated_at: at,
        })
        .execute();
    }
  }

  private async readMessage(
    ctx: RequestContext,
    id: string,
  ): Promise<{ body: string; contentType: string; message: MessageMeta }> {
    const k = this.db.kysely.withTables<EngineTables>();
    const row = await k.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new HtError('HT_ENGINE_MESSAGE_NOT_FOUND', { id });
    await recordAudit(this.db.kysely, ctx, {
      action: 'engine.message.view',
      objectType: 'message',
      objectId: id,
      summary: '在规则转换试运行中查看消息 (message read by the transform try-it panel)',
    });
    const topic = this.config.topicById(row.topic_id);
    return {
      body: row.body,
      contentType: row.content_type,
      message: {
        id: row.id,
        domain: this.config.domainById(row.domain_id)?.code ?? '',
        topic: topic?.code ?? '',
        system: row.system_id ? (this.config.systemById(row.system_id)?.code ?? null) : null,
        sourceMessageId: row.source_message_id,
        receivedAt: row.received_at,
        contentType: row.content_type,
        index: {
          patientId: row.patient_id,
          patientName: row.patient_name,
          visitNo: row.visit_no,
          orderNo: row.order_no,
          applicationNo: row.application_no,
        },
      },
    };
  }

  private checkExpression(expression: string): void {
    const problem = this.transforms.check(expression);
    if (!problem) return;
    const where = problem.position === undefined ? '' : `（位置 ${problem.position} / position ${problem.position}）`;
    throw new HtError(
      'HT_ENGINE_EXPRESSION_INVALID',
      { field: 'expression', reason: `${problem.message}${where}` },
      {
        errors: [
          {
            path: '/expression',
            message:
              problem.position === undefined ? problem.message : `position ${problem.position}: ${problem.message}`,
          },
        ],
      },
    );
  }

  private async load(id: string): Promise<NamedTransform> {
    const row = await store.findTransform(this.k, id);
    if (!row) throw notFound(id);
    return store.presentTransform(row);
  }
}

/**
 * Registers the rollback of 'transform' revisions (run by the configuration API inside its transaction; it reloads
 * the scope `transform:<id>` after the commit, here and on the other nodes).
 */
export function registerTransformRevert(service: TransformService): void {
  registerRevertHandler('transform', (trx, id, state) => service.revert(trx, id, state));
}

// A named transform's current state exactly as its revisions keep it, for the revision a rollback writes.
registerStateLoader('transform', async (k, id) => {
  const row = await store.findTransform(k.withTables<TransformTables>(), id);
  return row ? stateOf(row) : null;
});

function notFound(id: string): HtError {
  return new HtError('HT_ENGINE_NOT_FOUND', { entity: '规则转换 transform', id });
}

export function stateOf(row: TransformsTable): TransformState {
  return {
    id: row.id,
    domainId: row.domain_id,
    code: row.code,
    name: row.name,
    description: row.description,
    expression: row.expression,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** A guess at a sample body's type when the caller gives none. */
export function sniffContentType(body: string): string {
  const head = body.trimStart();
  if (head.startsWith('{') || head.startsWith('[')) return 'application/json';
  if (head.startsWith('<')) return 'application/xml';
  if (head.startsWith('MSH')) return 'x-application/hl7-v2+er7';
  return 'text/plain';
}

/** The result as JSON can carry it (functions dropped, cycles and odd values shown as text). */
function jsonSafe(value: unknown): unknown {
  if (value === undefined) return undefined;
  try {
    const text = JSON.stringify(value);
    return text === undefined ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return String(value);
  }
}
