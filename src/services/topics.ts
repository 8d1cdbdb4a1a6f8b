// On first start every catalogue service becomes a topic (主题) of the default domain: code = action code, name =
// Chinese name, model HL7V3, async for add/update/cancel/delete/publish, sync for queries. Rows are written with the
// engine's store in one transaction together with a configuration revision and an audit entry per topic (as the
// config service does), so an operator sees who created them (系统) and can roll any of them back.
// Existing topics are never touched: a hospital that renamed or re-moded a topic keeps its choice.
import { recordAudit } from '../platform/audit/index.js';
import { systemContext } from '../platform/auth/context.js';
import { now, type Database } from '../platform/db/index.js';
import { HtError } from '../platform/errors/index.js';
import { newId } from '../platform/ids/index.js';
import { EP } from '../engine/permissions.js';
import { recordRevision } from '../engine/config/revisions.js';
import * as store from '../engine/config/store.js';
import type { TopicState } from '../engine/config/schema.js';
import type { EngineTables } from '../engine/tables.js';
import { listServiceDefinitions } from './catalogue/catalogue.js';

export interface EnsureTopicsResult {
  created: string[];
  existing: number;
}

/**
 * Creates the missing service topics in domain `domainCode`. Returns the codes created. The caller reloads the
 * engine's configuration cache afterwards when it is already loaded.
 */
export async function ensureServiceTopics(db: Database, domainCode: string): Promise<EnsureTopicsResult> {
  const ctx = systemContext([EP.configRead, EP.configManage]);
  const k = db.kysely.withTables<EngineTables>();
  const domain = await k.selectFrom('domains').selectAll().where('code', '=', domainCode).executeTakeFirst();
  if (!domain) throw new HtError('HT_SERVICE_DOMAIN_NOT_FOUND', { domain: domainCode });
  const have = new Set((await store.topicsOfDomain(k, domain.id)).map((t) => t.code));
  const missing = listServiceDefinitions().filter((d) => !have.has(d.action));
  if (missing.length === 0) return { created: [], existing: have.size };
  await db.transaction(async (raw) => {
    const trx = raw.withTables<EngineTables>();
    const at = now();
    for (const d of missing) {
      const state: TopicState = {
        id: newId(),
        domainId: domain.id,
        code: d.action,
        name: d.name,
        category: d.category,
        description:
          `${d.standard ? '标准' : '平台定义'}交互服务${d.sCode ? ` ${d.sCode}` : ''}：${d.description}`.slice(0, 1000),
        model: 'HL7V3',
        mode: d.operation === 'query' ? 'sync' : 'async',
        validate: false,
        enabled: true,
        indexFields: {},
        publisherIds: [],
        createdAt: at,
        updatedAt: at,
      };
      await store.insertTopic(trx, store.topicRow(state));
      const summary = `按交互服务目录新建主题 ${d.action}（${d.name}）`;
      await recordRevision(trx, ctx, {
        domainId: domain.id,
        entityType: 'topic',
        entityId: state.id,
        action: 'create',
        before: null,
        after: state,
        summary,
      });
      await recordAudit(raw, ctx, { action: 'engine.topic.create', objectType: 'topic', objectId: state.id, summary });
    }
  });
  return { created: missing.map((d) => d.action), existing: have.size };
}
