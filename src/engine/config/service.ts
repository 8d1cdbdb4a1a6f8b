// The engine's configuration (订阅发布 配置): domains (域管理), systems (订户管理), topics (主题管理), subscriptions
// (订阅关系), the adapter catalogue (适配器管理), configuration revisions with rollback, and per-domain export/import.
// Each operation checks its permission first, then changes data in one transaction that also writes the revision
// and the audit entry, and reloads the in-memory configuration once committed.
import type { Transaction } from 'kysely';
import { diff, recordAudit } from '../../platform/audit/index.js';
import type { RequestContext } from '../../platform/auth/context.js';
import { fromJson, now, toFlag, type Database, type PlatformTables } from '../../platform/db/index.js';
import { HtError } from '../../platform/errors/index.js';
import { hashSecret, newId, newSecret } from '../../platform/ids/index.js';
import type { AdapterRegistry } from '../adapters/index.js';
import { EP } from '../permissions.js';
import type { DomainsTable, EngineTables } from '../tables.js';
import type { Transforms } from '../transforms/index.js';
import type { EngineConfigCache } from './cache.js';
import { CONFIG_SCOPE, scopeOfEntity, type ConfigChanges, type ConfigScope } from './changes.js';
import {
  buildDocument,
  countPlan,
  documentSections,
  exportFileName,
  parseDocument,
  planImport,
  sectionEntityId,
  serializeDocument,
} from './export.js';
import { requireModel, requireTransform } from './references.js';
import { ENTITY_LABEL, loadState, type ConfigEntity } from './revert.js';
import { recordRevision, revertHandlerFor, type ConfigTransaction, type RevisionInput } from './revisions.js';
import {
  DEFAULTS,
  allowlistError,
  backoffError,
  expressionError,
  expressionOrNull,
  normalizeAllowlist,
  normalizeModel,
  textOrNull,
} from './rules.js';
import type {
  CreateDomainBody,
  CreateSubscriptionBody,
  CreateSystemBody,
  CreateTopicBody,
  Domain,
  ExportFormat,
  ImportBody,
  ImportResult,
  RevisionListQuery,
  Subscription,
  SubscriptionListQuery,
  System,
  SystemListQuery,
  Topic,
  TopicListQuery,
  TopicState,
  UpdateDomainBody,
  UpdateSubscriptionBody,
  UpdateSystemBody,
  UpdateTopicBody,
} from './schema.js';
import * as store from './store.js';
import type { Executor, Paged } from './store.js';

export interface ConfigServiceOptions {
  /** Called after a subscription may have become deliverable again (resume, enable, rollback, import). */
  onResume?: () => void;
  /**
   * The engine's configuration changes: every change is announced inside its transaction (the cluster tells the other
   * nodes on commit), and after a rollback or an import the other modules' objects it wrote are reloaded here.
   */
  changes?: ConfigChanges;
}

type AuditExecutor = Transaction<PlatformTables>;

interface Change {
  /** One of this module's objects, or another module's imported through a document section (endpoint …). */
  entity: ConfigEntity | (string & {});
  id: string;
  domainId: string | null;
  action: RevisionInput['action'];
  /** The audit action's last part when it says more than the revision's (enable, disable, rotate-secret …). */
  auditAction?: string;
  before: object | null;
  after: object | null;
  summary: string;
}

export class ConfigService {
  constructor(
    private readonly db: Database,
    private readonly cache: EngineConfigCache,
    private readonly adapters: AdapterRegistry,
    private readonly transforms: Transforms,
    private readonly options: ConfigServiceOptions = {},
  ) {}

  private get k(): Executor {
    return this.db.kysely.withTables<EngineTables>();
  }

  /**
   * One transaction for the change, its revision and its audit entry; the configuration reloads after commit. `fn`
   * adds to `scopes` what it wrote besides this module's objects (a rollback or import of a named transform, a lookup
   * table …): the other nodes are told of all of it, and this node reloads it after the commit too.
   */
  private async change<R>(
    fn: (trx: ConfigTransaction, audit: AuditExecutor, scopes: Set<ConfigScope>) => Promise<R>,
    conflict?: { entity: string; code: string },
    referenced?: () => HtError,
  ): Promise<R> {
    let result: R;
    const scopes = new Set<ConfigScope>([CONFIG_SCOPE]);
    try {
      result = await this.db.transaction(async (raw) => {
        const r = await fn(raw.withTables<EngineTables>(), raw, scopes);
        await this.options.changes?.announce(raw, [...scopes]);
        return r;
      });
    } catch (error) {
      // Two administrators creating the same code at once: the database's unique constraint decides.
      if (conflict && store.isUniqueViolation(error)) throw new HtError('HT_ENGINE_CONFLICT', conflict);
      // Configuration kept elsewhere (named transforms, lookup tables, models …) still refers to what was deleted.
      if (referenced && store.isForeignKeyViolation(error)) throw referenced();
      throw error;
    }
    await this.cache.reload();
    if (scopes.size > 1) await this.options.changes?.reload(scopes);
    return result;
  }

  private async record(trx: ConfigTransaction, audit: AuditExecutor, ctx: RequestContext, c: Change): Promise<void> {
    await recordRevision(trx, ctx, {
      domainId: c.domainId,
      entityType: c.entity,
      entityId: c.id,
      action: c.action,
      before: c.before,
      after: c.after,
      summary: c.summary,
    });
    await recordAudit(audit, ctx, {
      action: `engine.${c.entity}.${c.auditAction ?? c.action}`,
      objectType: c.entity,
      objectId: c.id,
      summary: c.summary,
      changes: diff(withoutBookkeeping(c.before), withoutBookkeeping(c.after)),
    });
  }

  // ---- domains (域管理) ---------------------------------------------------------------------------------------------

  async listDomains(ctx: RequestContext): Promise<{ items: Domain[] }> {
    ctx.require(EP.configRead);
    const [rows, counts] = await Promise.all([store.findDomains(this.k), store.domainCounts(this.k)]);
    return { items: rows.map((r) => store.presentDomain(r, counts.get(r.id))) };
  }

  async getDomain(ctx: RequestContext, id: string): Promise<Domain> {
    ctx.require(EP.configRead);
    return this.loadDomain(id);
  }

  async createDomain(ctx: RequestContext, input: CreateDomainBody): Promise<Domain> {
    ctx.require(EP.configManage);
    const id = newId();
    const at = now();
    const row: DomainsTable = {
      id,
      code: input.code,
      name: input.name,
      description: textOrNull(input.description),
      enabled: toFlag(input.enabled ?? true),
      retention_days: input.retentionDays ?? DEFAULTS.retentionDays,
      created_at: at,
      updated_at: at,
    };
    const conflict = { entity: ENTITY_LABEL.domain, code: input.code };
    await this.change(async (trx, audit) => {
      if (await store.findDomainByCode(trx, input.code)) throw new HtError('HT_ENGINE_CONFLICT', conflict);
      await store.insertDomain(trx, row);
      await this.record(trx, audit, ctx, {
        entity: 'domain',
        id,
        domainId: id,
        action: 'create',
        before: null,
        after: store.domainState(row),
        summary: `新建域 ${row.code}（${row.name}）`,
      });
    }, conflict);
    return this.loadDomain(id);
  }

  async updateDomain(ctx: RequestContext, id: string, input: UpdateDomainBody): Promise<Domain> {
    ctx.require(EP.configManage);
    const conflict = input.code ? { entity: ENTITY_LABEL.domain, code: input.code } : undefined;
    await this.change(async (trx, audit) => {
      const current = await this.requireDomain(trx, id);
      const next: DomainsTable = {
        ...current,
        code: input.code ?? current.code,
        name: input.name ?? current.name,
        description: input.description === undefined ? current.description : textOrNull(input.description),
        retention_days: input.retentionDays ?? current.retention_days,
        enabled: input.enabled === undefined ? current.enabled : toFlag(input.enabled),
        updated_at: now(),
      };
      if (next.code !== current.code) {
        const taken = await store.findDomainByCode(trx, next.code);
        if (taken) throw new HtError('HT_ENGINE_CONFLICT', { entity: ENTITY_LABEL.domain, code: next.code });
      }
      await store.updateDomain(trx, next);
      const before = store.domainState(current);
      const after = store.domainState(next);
      await this.record(trx, audit, ctx, {
        entity: 'domain',
        id,
        domainId: id,
        action: 'update',
        auditAction: toggleAction(before, after),
        before,
        after,
        summary: `修改域 ${current.code}`,
      });
    }, conflict);
    return this.loadDomain(id);
  }

  async deleteDomain(ctx: RequestContext, id: string): Promise<void> {
    ctx.require(EP.configManage);
    await this.change(
      async (trx, audit) => {
        const current = await this.requireDomain(trx, id);
        const c = (await store.domainCounts(trx, id)).get(id);
        if (c && c.topics + c.systems + c.subscriptions > 0) {
          throw new HtError('HT_ENGINE_IN_USE', {
            entity: ENTITY_LABEL.domain,
            reason: `${c.systems} systems 订户, ${c.topics} topics 主题, ${c.subscriptions} subscriptions 订阅`,
          });
        }
        await trx.deleteFrom('domains').where('id', '=', id).execute();
        await this.record(trx, audit, ctx, {
          entity: 'domain',
          id,
          domainId: id,
          action: 'delete',
          before: store.domainState(current),
          after: null,
          summary: `删除域 ${current.code}`,
        });
      },
      undefined,
      () =>
        new HtError('HT_ENGINE_IN_USE', {
          entity: ENTITY_LABEL.domain,
          reason: 'other configuration of the domain (transforms, lookup tables, models) 域中仍有其他配置',
        }),
    );
  }

  private async requireDomain(k: Executor, id: string): Promise<DomainsTable> {
    const row = await store.findDomain(k, id);
    if (!row) throw new HtError('HT_ENGINE_DOMAIN_NOT_FOUND', { domain: id });
    return row;
  }

  private async loadDomain(id: string): Promise<Domain> {
    const row = await this.requireDomain(this.k, id);
    return store.presentDomain(row, (await store.domainCounts(this.k, id)).get(id));
  }

  // ---- export / import -------------------------------------------------------------------------------------------

  async exportDomain(
    ctx: RequestContext,
    id: string,
    format: ExportFormat = 'json',
  ): Promise<{ fileName: string; contentType: string; content: string }> {
    ctx.require(EP.configManage);
    const domain = await this.requireDomain(this.k, id);
    const doc = await buildDocument(this.k, domain);
    await recordAudit(this.db.kysely, ctx, {
      action: 'engine.domain.export',
      objectType: 'domain',
      objectId: id,
      summary: `导出域 ${domain.code} 的配置（${format.toUpperCase()}）`,
      changes: {
        systems: doc.systems?.length ?? 0,
        topics: doc.topics?.length ?? 0,
        subscriptions: doc.subscriptions?.length ?? 0,
        ...Object.fromEntries(
          documentSections().map((section) => {
            const items = doc[section.key];
            return [section.key, Array.isArray(items) ? items.length : 0];
          }),
        ),
      },
    });
    return {
      fileName: exportFileName(domain.code, format),
      contentType: format === 'yaml' ? 'application/yaml; charset=utf-8' : 'application/json; charset=utf-8',
      content: serializeDocument(doc, format),
    };
  }

  async importDomain(ctx: RequestContext, id: string, input: ImportBody): Promise<ImportResult> {
    ctx.require(EP.configManage);
    await this.requireDomain(this.k, id);
    const { doc, problems } = parseDocument(input.content, input.format, ctx.lang);
    if (!doc) {
      if (input.dryRun) return { created: 0, updated: 0, unchanged: 0, problems };
      throw importInvalid(problems);
    }
    const checks = { adapters: this.adapters, transforms: this.transforms, lang: ctx.lang };
    if (input.dryRun) {
      const plan = await planImport(this.k, await this.requireDomain(this.k, id), doc, checks);
      return { ...countPlan(plan), problems: plan.problems };
    }
    let subscriptionsChanged = false;
    const result = await this.change(async (trx, audit, scopes) => {
      const domain = await this.requireDomain(trx, id);
      const plan = await planImport(trx, domain, doc, checks);
      if (plan.problems.length > 0) throw importInvalid(plan.problems);
      const base = { domainId: id, action: 'import' as const };
      for (const p of plan.systems) {
        if (p.kind === 'unchanged') continue;
        // A new system gets no secret from a file: an administrator issues one (rotate-secret).
        const row = store.systemRow(p.after, null);
        if (p.kind === 'create') await store.insertSystem(trx, row);
        else await store.updateSystem(trx, row);
        await this.record(trx, audit, ctx, {
          ...base,
          entity: 'system',
          id: p.after.id,
          before: p.before,
          after: p.after,
          summary: `导入订户 ${p.after.code}`,
        });
      }
      for (const p of plan.topics) {
        if (p.kind === 'unchanged') continue;
        const row = store.topicRow(p.after);
        if (p.kind === 'create') await store.insertTopic(trx, row);
        else await store.updateTopic(trx, row);
        await store.replacePublishers(trx, p.after.id, p.after.publisherIds);
        await this.record(trx, audit, ctx, {
          ...base,
          entity: 'topic',
          id: p.after.id,
          before: p.before,
          after: p.after,
          summary: `导入主题 ${p.after.code}`,
        });
      }
      for (const p of plan.subscriptions) {
        if (p.kind === 'unchanged') continue;
        subscriptionsChanged = true;
        const row = store.subscriptionRow(p.after);
        if (p.kind === 'create') await store.insertSubscription(trx, row);
        else await store.updateSubscription(trx, row);
        await this.record(trx, audit, ctx, {
          ...base,
          entity: 'subscription',
          id: p.after.id,
          before: p.before,
          after: p.after,
          summary: `导入订阅 ${p.after.name}`,
        });
      }
      // Other modules' objects (inbound endpoints …) come last: they may name the systems and topics above.
      for (const { section, planned } of plan.sections) {
        for (const p of planned) {
          if (p.kind === 'unchanged') continue;
          await section.write(trx, p);
          const entityId = sectionEntityId(section, p.after);
          const kept = (state: object | null) =>
            state === null || !section.revisionState ? state : section.revisionState(state);
          await this.record(trx, audit, ctx, {
            ...base,
            entity: section.entityType,
            id: entityId,
            before: kept(p.before),
            after: kept(p.after),
            summary: section.summary(p.after),
          });
          scopes.add(scopeOfEntity(section.entityType, entityId));
        }
      }
      const counts = countPlan(plan);
      await recordAudit(audit, ctx, {
        action: 'engine.domain.import',
        objectType: 'domain',
        objectId: id,
        summary: `导入域 ${domain.code} 的配置：新建 ${counts.created}，更新 ${counts.updated}，未变 ${counts.unchanged}`,
        changes: counts,
      });
      return { ...counts, problems: [] };
    });
    if (subscriptionsChanged) this.options.onResume?.();
    return result;
  }

  // ---- systems (订户管理) -------------------------------------------------------------------------------------------

  async listSystems(ctx: RequestContext, query: SystemListQuery): Promise<Paged<System>> {
    ctx.require(EP.configRead);
    return store.findSystems(this.k, query);
  }

  async getSystem(ctx: RequestContext, id: string): Promise<System> {
    ctx.require(EP.configRead);
    return this.loadSystem(id);
  }

  async createSystem(ctx: RequestContext, input: CreateSystemBody): Promise<{ system: System; secret: string }> {
    ctx.require(EP.configManage);
    const ipAllowlist = normalizeAllowlist(input.ipAllowlist ?? DEFAULTS.ipAllowlist);
    throwIf(allowlistError(ipAllowlist, 'body/ipAllowlist'));
    const id = newId();
    const at = now();
    const secret = newSecret(24);
    const conflict = { entity: ENTITY_LABEL.system, code: input.code };
    await this.change(async (trx, audit) => {
      const domain = await this.requireDomain(trx, input.domainId);
      if (await store.findSystemByCode(trx, domain.id, input.code)) throw new HtError('HT_ENGINE_CONFLICT', conflict);
      const row = {
        id,
        domain_id: domain.id,
        code: input.code,
        name: input.name,
        vendor: textOrNull(input.vendor),
        contact: textOrNull(input.contact),
        description: textOrNull(input.description),
        enabled: toFlag(input.enabled ?? true),
        auth_type: input.authType ?? 'token',
        auth_username: textOrNull(input.authUsername),
        secret_hash: hashSecret(secret),
        ip_allowlist: JSON.stringify(ipAllowlist),
        created_at: at,
        updated_at: at,
      };
      await store.insertSystem(trx, row);
      await this.record(trx, audit, ctx, {
        entity: 'system',
        id,
        domainId: domain.id,
        action: 'create',
        before: null,
        after: store.presentSystem(row),
        summary: `新建订户 ${input.code}（${input.name}）`,
      });
    }, conflict);
    return { system: await this.loadSystem(id), secret };
  }

  async updateSystem(ctx: RequestContext, id: string, input: UpdateSystemBody): Promise<System> {
    ctx.require(EP.configManage);
    const ipAllowlist = input.ipAllowlist ? normalizeAllowlist(input.ipAllowlist) : undefined;
    if (ipAllowlist) throwIf(allowlistError(ipAllowlist, 'body/ipAllowlist'));
    const conflict = input.code ? { entity: ENTITY_LABEL.system, code: input.code } : undefined;
    await this.change(async (trx, audit) => {
      const current = await this.requireSystem(trx, id);
      const next = {
        ...current,
        code: input.code ?? current.code,
        name: input.name ?? current.name,
        vendor: input.vendor === undefined ? current.vendor : textOrNull(input.vendor),
        contact: input.contact === undefined ? current.contact : textOrNull(input.contact),
        description: input.description === undefined ? current.description : textOrNull(input.description),
        auth_type: input.authType ?? current.auth_type,
        auth_username: input.authUsername === undefined ? current.auth_username : textOrNull(input.authUsername),
        ip_allowlist: ipAllowlist ? JSON.stringify(ipAllowlist) : current.ip_allowlist,
        enabled: input.enabled === undefined ? current.enabled : toFlag(input.enabled),
        updated_at: now(),
      };
      if (next.code !== current.code) {
        const taken = await store.findSystemByCode(trx, current.domain_id, next.code);
        if (taken) throw new HtError('HT_ENGINE_CONFLICT', { entity: ENTITY_LABEL.system, code: next.code });
      }
      await store.updateSystem(trx, next);
      const before = store.presentSystem(current);
      const after = store.presentSystem(next);
      await this.record(trx, audit, ctx, {
        entity: 'system',
        id,
        domainId: current.domain_id,
        action: 'update',
        auditAction: toggleAction(before, after),
        before,
        after,
        summary: `修改订户 ${current.code}`,
      });
    }, conflict);
    return this.loadSystem(id);
  }

  async deleteSystem(ctx: RequestContext, id: string): Promise<void> {
    ctx.require(EP.configManage);
    await this.change(async (trx, audit) => {
      const current = await this.requireSystem(trx, id);
      const deps = await store.systemDependents(trx, id);
      if (deps.subscriptions > 0) {
        throw new HtError('HT_ENGINE_IN_USE', {
          entity: ENTITY_LABEL.system,
          reason: `${deps.subscriptions} subscriptions 订阅`,
        });
      }
      // Removing the only listed publisher of a topic would let any system publish it: refuse instead.
      if (deps.topics.length > 0) {
        throw new HtError('HT_ENGINE_IN_USE', {
          entity: ENTITY_LABEL.system,
          reason: `publisher of 发布主题 ${deps.topics.join(', ')}`,
        });
      }
      await trx.deleteFrom('systems').where('id', '=', id).execute();
      await this.record(trx, audit, ctx, {
        entity: 'system',
        id,
        domainId: current.domain_id,
        action: 'delete',
        before: store.presentSystem(current),
        after: null,
        summary: `删除订户 ${current.code}`,
      });
    });
  }

  async rotateSecret(ctx: RequestContext, id: string): Promise<{ secret: string }> {
    ctx.require(EP.configManage);
    const secret = newSecret(24);
    await this.change(async (trx, audit) => {
      const current = await this.requireSystem(trx, id);
      const at = now();
      await store.setSystemSecret(trx, id, hashSecret(secret), at);
      await this.record(trx, audit, ctx, {
        entity: 'system',
        id,
        domainId: current.domain_id,
        action: 'update',
        auditAction: 'rotate-secret',
        before: store.presentSystem(current),
        after: { ...store.presentSystem(current), hasSecret: true, updatedAt: at },
        summary: `重新生成订户 ${current.code} 的密钥`,
      });
    });
    return { secret };
  }

  private async requireSystem(k: Executor, id: string) {
    const row = await store.findSystem(k, id);
    if (!row) throw new HtError('HT_ENGINE_NOT_FOUND', { entity: ENTITY_LABEL.system, id });
    return row;
  }

  private async loadSystem(id: string): Promise<System> {
    return store.presentSystem(await this.requireSystem(this.k, id));
  }

  // ---- topics (主题管理) --------------------------------------------------------------------------------------------

  async listTopics(ctx: RequestContext, query: TopicListQuery): Promise<Paged<Topic>> {
    ctx.require(EP.configRead);
    return store.findTopics(this.k, query);
  }

  async getTopic(ctx: RequestContext, id: string): Promise<Topic> {
    ctx.require(EP.configRead);
    return this.loadTopic(id);
  }

  async createTopic(ctx: RequestContext, input: CreateTopicBody): Promise<Topic> {
    ctx.require(EP.configManage);
    const id = newId();
    const at = now();
    const conflict = { entity: ENTITY_LABEL.topic, code: input.code };
    await this.change(async (trx, audit) => {
      const domain = await this.requireDomain(trx, input.domainId);
      if (await store.findTopicByCode(trx, domain.id, input.code)) throw new HtError('HT_ENGINE_CONFLICT', conflict);
      const state: TopicState = {
        id,
        domainId: domain.id,
        code: input.code,
        name: input.name,
        category: textOrNull(input.category),
        description: textOrNull(input.description),
        model: await requireModel(trx, normalizeModel(input.model)),
        mode: input.mode ?? 'async',
        validate: input.validate ?? false,
        enabled: input.enabled ?? true,
        indexFields: input.indexFields ?? {},
        publisherIds: await this.checkPublishers(trx, domain, input.publisherIds ?? []),
        createdAt: at,
        updatedAt: at,
      };
      await store.insertTopic(trx, store.topicRow(state));
      await store.replacePublishers(trx, id, state.publisherIds);
      await this.record(trx, audit, ctx, {
        entity: 'topic',
        id,
        domainId: domain.id,
        action: 'create',
        before: null,
        after: state,
        summary: `新建主题 ${input.code}（${input.name}）`,
      });
    }, conflict);
    return this.loadTopic(id);
  }

  async updateTopic(ctx: RequestContext, id: string, input: UpdateTopicBody): Promise<Topic> {
    ctx.require(EP.configManage);
    const conflict = input.code ? { entity: ENTITY_LABEL.topic, code: input.code } : undefined;
    await this.change(async (trx, audit) => {
      const row = await this.requireTopic(trx, id);
      const domain = await this.requireDomain(trx, row.domain_id);
      const before = store.topicState(row, (await store.publishersOf(trx, [id])).get(id) ?? []);
      const after: TopicState = {
        ...before,
        code: input.code ?? before.code,
        name: input.name ?? before.name,
        category: input.category === undefined ? before.category : textOrNull(input.category),
        description: input.description === undefined ? before.description : textOrNull(input.description),
        model: await this.changedModel(trx, before.model, input.model),
        mode: input.mode ?? before.mode,
        validate: input.validate ?? before.validate,
        enabled: input.enabled ?? before.enabled,
        indexFields: input.indexFields ?? before.indexFields,
        publisherIds: input.publisherIds
          ? await this.checkPublishers(trx, domain, input.publisherIds)
          : before.publisherIds,
        updatedAt: now(),
      };
      if (after.code !== before.code && (await store.findTopicByCode(trx, domain.id, after.code))) {
        throw new HtError('HT_ENGINE_CONFLICT', { entity: ENTITY_LABEL.topic, code: after.code });
      }
      await store.updateTopic(trx, store.topicRow(after));
      if (input.publisherIds) await store.replacePublishers(trx, id, after.publisherIds);
      await this.record(trx, audit, ctx, {
        entity: 'topic',
        id,
        domainId: domain.id,
        action: 'update',
        auditAction: toggleAction(before, after),
        before,
        after,
        summary: `修改主题 ${before.code}`,
      });
    }, conflict);
    return this.loadTopic(id);
  }

  async deleteTopic(ctx: RequestContext, id: string): Promise<void> {
    ctx.require(EP.configManage);
    await this.change(async (trx, audit) => {
      const row = await this.requireTopic(trx, id);
      const subscriptions = (await store.subscriptionCountsOf(trx, [id])).get(id) ?? 0;
      if (subscriptions > 0) {
        throw new HtError('HT_ENGINE_IN_USE', {
          entity: ENTITY_LABEL.topic,
          reason: `${subscriptions} subscriptions 订阅`,
        });
      }
      const before = store.topicState(row, (await store.publishersOf(trx, [id])).get(id) ?? []);
      await trx.deleteFrom('topic_publishers').where('topic_id', '=', id).execute();
      await trx.deleteFrom('topics').where('id', '=', id).execute();
      await this.record(trx, audit, ctx, {
        entity: 'topic',
        id,
        domainId: row.domain_id,
        action: 'delete',
        before,
        after: null,
        summary: `删除主题 ${row.code}`,
      });
    });
  }

  /** The topic's model after an update: a new one must exist (a topic keeping its model is never refused for it). */
  private async changedModel(k: Executor, current: string, input: string | undefined): Promise<string> {
    if (input === undefined) return current;
    const model = normalizeModel(input);
    return model === current ? current : requireModel(k, model);
  }

  /** Publishers must be systems of the topic's own domain. */
  private async checkPublishers(k: Executor, domain: DomainsTable, ids: string[]): Promise<string[]> {
    const unique = [...new Set(ids)].sort();
    const rows = await store.findSystemsByIds(k, unique);
    for (const id of unique) {
      const system = rows.find((r) => r.id === id);
      if (!system) throw new HtError('HT_ENGINE_NOT_FOUND', { entity: ENTITY_LABEL.system, id });
      if (system.domain_id !== domain.id) {
        throw new HtError('HT_ENGINE_CROSS_DOMAIN', { entity: ENTITY_LABEL.system, id, domain: domain.code });
      }
    }
    return unique;
  }

  private async requireTopic(k: Executor, id: string) {
    const row = await store.findTopic(k, id);
    if (!row) throw new HtError('HT_ENGINE_TOPIC_NOT_FOUND', { topic: id });
    return row;
  }

  private async loadTopic(id: string): Promise<Topic> {
    const [topic] = await store.presentTopics(this.k, [await this.requireTopic(this.k, id)]);
    if (!topic) throw new HtError('HT_ENGINE_TOPIC_NOT_FOUND', { topic: id });
    return topic;
  }

  // ---- subscriptions (订阅关系) -------------------------------------------------------------------------------------

  async listSubscriptions(ctx: RequestContext, query: SubscriptionListQuery): Promise<Paged<Subscription>> {
    const user = ctx.require(EP.configRead);
    const page = await store.findSubscriptions(this.k, query);
    if (user.permissions.has(EP.configManage)) return page;
    return {
      ...page,
      items: page.items.map((sub) => ({ ...sub, adapterConfig: redactAdapterConfig(sub.adapterConfig) })),
    };
  }

  async getSubscription(ctx: RequestContext, id: string): Promise<Subscription> {
    const user = ctx.require(EP.configRead);
    const sub = await this.loadSubscription(id);
    return user.permissions.has(EP.configManage)
      ? sub
      : { ...sub, adapterConfig: redactAdapterConfig(sub.adapterConfig) };
  }

  async createSubscription(ctx: RequestContext, input: CreateSubscriptionBody): Promise<Subscription> {
    ctx.require(EP.configManage);
    const id = newId();
    const at = now();
    const draft = this.checkSubscription({
      adapter: input.adapter,
      adapterConfig: input.adapterConfig,
      filter: expressionOrNull(input.filter),
      transform: expressionOrNull(input.transform),
      backoffInitialMs: input.backoffInitialMs ?? DEFAULTS.backoffInitialMs,
      backoffMaxMs: input.backoffMaxMs ?? DEFAULTS.backoffMaxMs,
    });
    await this.change(async (trx, audit) => {
      const topic = await this.requireTopic(trx, input.topicId);
      const system = await this.requireSystem(trx, input.systemId);
      if (system.domain_id !== topic.domain_id) {
        const domain = await store.findDomain(trx, topic.domain_id);
        throw new HtError('HT_ENGINE_CROSS_DOMAIN', {
          entity: ENTITY_LABEL.system,
          id: system.code,
          domain: domain?.code ?? topic.domain_id,
        });
      }
      const transformRef = expressionOrNull(input.transformRef);
      if (transformRef !== null)
        await requireTransform(trx, await this.requireDomain(trx, topic.domain_id), transformRef);
      const state: Subscription = {
        id,
        domainId: topic.domain_id,
        topicId: topic.id,
        systemId: system.id,
        name: input.name,
        ...draft,
        transformRef,
        maxAttempts: input.maxAttempts ?? DEFAULTS.maxAttempts,
        ordering: input.ordering ?? DEFAULTS.ordering,
        workers: input.workers ?? DEFAULTS.workers,
        paused: false,
        enabled: input.enabled ?? true,
        createdAt: at,
        updatedAt: at,
      };
      await store.insertSubscription(trx, store.subscriptionRow(state));
      await this.record(trx, audit, ctx, {
        entity: 'subscription',
        id,
        domainId: topic.domain_id,
        action: 'create',
        before: null,
        after: state,
        summary: `新建订阅 ${input.name}（${topic.code} → ${system.code}）`,
      });
    });
    return this.loadSubscription(id);
  }

  async updateSubscription(ctx: RequestContext, id: string, input: UpdateSubscriptionBody): Promise<Subscription> {
    ctx.require(EP.configManage);
    let reactivated = false;
    await this.change(async (trx, audit) => {
      const before = store.presentSubscription(await this.requireSubscription(trx, id));
      const adapterChanged = input.adapter !== undefined || input.adapterConfig !== undefined;
      const draft = this.checkSubscription(
        {
          adapter: input.adapter ?? before.adapter,
          adapterConfig: input.adapterConfig ?? before.adapterConfig,
          filter: input.filter === undefined ? before.filter : expressionOrNull(input.filter),
          transform: input.transform === undefined ? before.transform : expressionOrNull(input.transform),
          backoffInitialMs: input.backoffInitialMs ?? before.backoffInitialMs,
          backoffMaxMs: input.backoffMaxMs ?? before.backoffMaxMs,
        },
        { adapter: adapterChanged, filter: input.filter !== undefined, transform: input.transform !== undefined },
      );
      const transformRef =
        input.transformRef === undefined ? before.transformRef : expressionOrNull(input.transformRef);
      if (transformRef !== null && transformRef !== before.transformRef) {
        await requireTransform(trx, await this.requireDomain(trx, before.domainId), transformRef);
      }
      const after: Subscription = {
        ...before,
        ...draft,
        name: input.name ?? before.name,
        transformRef,
        maxAttempts: input.maxAttempts ?? before.maxAttempts,
        ordering: input.ordering ?? before.ordering,
        workers: input.workers ?? before.workers,
        enabled: input.enabled ?? before.enabled,
        updatedAt: now(),
      };
      await store.updateSubscription(trx, store.subscriptionRow(after));
      reactivated = !isActive(before) && isActive(after);
      await this.record(trx, audit, ctx, {
        entity: 'subscription',
        id,
        domainId: before.domainId,
        action: 'update',
        auditAction: toggleAction(before, after),
        before,
        after,
        summary: `修改订阅 ${before.name}`,
      });
    });
    if (reactivated) this.options.onResume?.();
    return this.loadSubscription(id);
  }

  async deleteSubscription(ctx: RequestContext, id: string): Promise<void> {
    ctx.require(EP.configManage);
    await this.change(async (trx, audit) => {
      const before = store.presentSubscription(await this.requireSubscription(trx, id));
      const open = await store.openDeliveries(trx, id);
      if (open > 0) {
        throw new HtError('HT_ENGINE_IN_USE', {
          entity: ENTITY_LABEL.subscription,
          reason: `${open} open deliveries 未完成的投递`,
        });
      }
      await trx.deleteFrom('subscriptions').where('id', '=', id).execute();
      await this.record(trx, audit, ctx, {
        entity: 'subscription',
        id,
        domainId: before.domainId,
        action: 'delete',
        before,
        after: null,
        summary: `删除订阅 ${before.name}`,
      });
    });
  }

  /** Pauses (暂停) or resumes (恢复) delivery; messages keep being routed to a paused subscription and wait. */
  async setPaused(ctx: RequestContext, id: string, paused: boolean): Promise<Subscription> {
    ctx.require(EP.configManage);
    let reactivated = false;
    await this.change(async (trx, audit) => {
      const before = store.presentSubscription(await this.requireSubscription(trx, id));
      if (before.paused === paused) return;
      const after: Subscription = { ...before, paused, updatedAt: now() };
      await store.updateSubscription(trx, store.subscriptionRow(after));
      reactivated = !isActive(before) && isActive(after);
      await this.record(trx, audit, ctx, {
        entity: 'subscription',
        id,
        domainId: before.domainId,
        action: 'update',
        auditAction: paused ? 'pause' : 'resume',
        before,
        after,
        summary: `${paused ? '暂停' : '恢复'}订阅 ${before.name}`,
      });
    });
    // Deliveries waited while paused: the dispatcher looks for them now rather than at its next poll.
    if (!paused || reactivated) this.options.onResume?.();
    return this.loadSubscription(id);
  }

  /** Checks what a subscription sends and how (only the parts that changed, on update). */
  private checkSubscription(
    draft: {
      adapter: string;
      adapterConfig: Record<string, unknown>;
      filter: string | null;
      transform: string | null;
      backoffInitialMs: number;
      backoffMaxMs: number;
    },
    changed = { adapter: true, filter: true, transform: true },
  ) {
    if (changed.adapter) this.adapters.checkConfig(draft.adapter, draft.adapterConfig);
    if (changed.filter) throwIf(expressionError(this.transforms, 'filter', draft.filter));
    if (changed.transform) throwIf(expressionError(this.transforms, 'transform', draft.transform));
    throwIf(backoffError(draft.backoffInitialMs, draft.backoffMaxMs, 'body/backoffInitialMs'));
    return draft;
  }

  private async requireSubscription(k: Executor, id: string) {
    const row = await store.findSubscription(k, id);
    if (!row) throw new HtError('HT_ENGINE_NOT_FOUND', { entity: ENTITY_LABEL.subscription, id });
    return row;
  }

  private async loadSubscription(id: string): Promise<Subscription> {
    return store.presentSubscription(await this.requireSubscription(this.k, id));
  }

  // ---- adapters (适配器管理) ----------------------------------------------------------------------------------------

  listAdapters(ctx: RequestContext) {
    ctx.require(EP.configRead);
    return {
      items: this.adapters.catalogue().map((d) => ({
        type: d.type,
        name: d.name,
        nameEn: d.nameEn,
        className: d.className,
        direction: d.direction,
        protocol: d.protocol,
        description: d.description,
        configSchema: JSON.parse(JSON.stringify(d.configSchema)) as unknown,
      })),
    };
  }

  /** The console's "test connection": reaches the peer with this configuration, delivering nothing. */
  async testAdapter(ctx: RequestContext, type: string, config: Record<string, unknown>) {
    ctx.require(EP.configManage);
    const checked = this.adapters.checkConfig(type, config);
    let result: { ok: boolean; message: string };
    try {
      result = await this.adapters.get(type).test(checked);
    } catch (error) {
      result = { ok: false, message: (error as Error).message };
    }
    await recordAudit(this.db.kysely, ctx, {
      action: 'engine.adapter.test',
      objectType: 'adapter',
      objectId: type,
      outcome: result.ok ? 'success' : 'failure',
      summary: `测试适配器 ${type}：${result.message}`,
    });
    return result;
  }

  // ---- revisions (配置修订) -----------------------------------------------------------------------------------------

  async listRevisions(ctx: RequestContext, query: RevisionListQuery) {
    const user = ctx.require(EP.configRead);
    const page = await store.findRevisions(this.k, query);
    if (user.permissions.has(EP.configManage)) return page;
    const redact = (state: unknown) =>
      state && typeof state === 'object' && 'adapterConfig' in state
        ? {
            ...state,
            adapterConfig: redactAdapterConfig((state as { adapterConfig: Record<string, unknown> }).adapterConfig),
          }
        : state;
    return { ...page, items: page.items.map((r) => ({ ...r, before: redact(r.before), after: redact(r.after) })) };
  }

  /** Puts the object back as it was before revision `id`; the rollback is itself a new revision. */
  async rollback(ctx: RequestContext, id: number): Promise<{ revisionId: number }> {
    ctx.require(EP.configManage);
    let entityType = '';
    const revisionId = await this.change(
      async (trx, audit, scopes) => {
        const rev = await store.findRevision(trx, id);
        if (!rev) throw new HtError('HT_ENGINE_NOT_FOUND', { entity: ENTITY_LABEL.revision, id: String(id) });
        entityType = rev.entity_type;
        scopes.add(scopeOfEntity(rev.entity_type, rev.entity_id));
        const handler = revertHandlerFor(rev.entity_type);
        if (!handler) {
          throw new HtError('HT_ENGINE_REVISION_NOT_REVERTIBLE', {
            reason: `${rev.entity_type} 不支持回滚 (no rollback for ${rev.entity_type})`,
          });
        }
        const target = fromJson<unknown>(rev.before);
        if (target === null && rev.after === null) {
          throw new HtError('HT_ENGINE_REVISION_NOT_REVERTIBLE', {
            reason: '修订没有记录任何状态 (the revision holds no state)',
          });
        }
        if (target !== null && (typeof target !== 'object' || Array.isArray(target))) {
          throw new HtError('HT_ENGINE_REVISION_NOT_REVERTIBLE', {
            reason: '修订中保存的状态无法识别 (the state kept in the revision is not readable)',
          });
        }
        const current = await loadState(trx, rev.entity_type, rev.entity_id);
        await handler(trx, rev.entity_id, target as Record<string, unknown> | null);
        const restored = await loadState(trx, rev.entity_type, rev.entity_id);
        const before = current === undefined ? fromJson<unknown>(rev.after) : current;
        const after = restored === undefined ? target : restored;
        const summary = `回滚修订 #${rev.id}${rev.summary ? `（${rev.summary}）` : ''}`;
        const created = await recordRevision(trx, ctx, {
          domainId: rev.domain_id,
          entityType: rev.entity_type,
          entityId: rev.entity_id,
          action: 'rollback',
          before,
          after,
          summary,
        });
        await recordAudit(audit, ctx, {
          action: `engine.${rev.entity_type}.rollback`,
          objectType: rev.entity_type,
          objectId: rev.entity_id,
          summary,
          changes: {
            revision: Number(rev.id),
            ...diff(withoutBookkeeping(asObject(before)), withoutBookkeeping(asObject(after))),
          },
        });
        return created;
      },
      undefined,
      () =>
        new HtError('HT_ENGINE_REVISION_NOT_REVERTIBLE', {
          reason: '其他配置仍引用该对象 (other configuration still refers to it)',
        }),
    );
    if (entityType === 'subscription') this.options.onResume?.();
    return { revisionId };
  }
}

// ---- helpers -----------------------------------------------------------------------------------------------------

function throwIf(error: HtError | null): void {
  if (error) throw error;
}

function importInvalid(problems: string[]): HtError {
  const first = problems[0] ?? '';
  return new HtError(
    'HT_ENGINE_IMPORT_INVALID',
    { reason: problems.length > 1 ? `${first} (+${problems.length - 1})` : first },
    { errors: problems.map((message) => ({ path: 'body/content', message })) },
  );
}

function isActive(s: { enabled: boolean; paused: boolean }): boolean {
  return s.enabled && !s.paused;
}

/** enable / disable when switching `enabled` was the whole change, else undefined (the revision's action). */
function toggleAction(before: { enabled: boolean }, after: { enabled: boolean }): string | undefined {
  const changes = Object.keys(diff(withoutBookkeeping(before), withoutBookkeeping(after)));
  if (changes.length === 1 && changes[0] === 'enabled') return after.enabled ? 'enable' : 'disable';
  return undefined;
}

function asObject(value: unknown): object | null {
  return value !== null && typeof value === 'object' ? value : null;
}

/** The object without its timestamps, for the audit entry's `changes`. */
function withoutBookkeeping(value: object | null): Record<string, unknown> {
  if (!value) return {};
  const { createdAt: _c, updatedAt: _u, ...rest } = value as Record<string, unknown>;
  return rest;
}

/**
 * What a reader without engine.config.manage sees of an adapter's settings: header values and anything that looks
 * like a credential are masked (endpoints often carry tokens there); URLs, timeouts and the rest stay visible.
 */
export function redactAdapterConfig(config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (key === 'headers' && value && typeof value === 'object') {
      out[key] = Object.fromEntries(Object.keys(value).map((h) => [h, '******']));
    } else if (/pass|secret|token|authori[sz]ation|credential/i.test(key) && typeof value === 'string') {
      out[key] = '******';
    } else if (typeof value === 'string' && /^[a-z][a-z0-9+.-]*:\/\/[^/@\s]*:[^/@\s]*@/i.test(value)) {
      // amqp://user:password@host, postgres://user:password@host …: the password inside a URL is a secret too.
      out[key] = value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:\s]*):[^/@\s]*@/i, '$1:******@');
    } else if (value && typeof value === 'object' && !Array.isArray(value)) {
      out[key] = redactAdapterConfig(value as Record<string, unknown>);
    } else {
      out[key] = value;
    }
  }
  return out;
}
