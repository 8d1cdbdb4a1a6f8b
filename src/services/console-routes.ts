// The console's side of the interaction services (交互服务): 试一试 — publish a service's example (or an edited body)
// through the engine's real ingest pipeline on the service's topic of the default domain, answered as a REST caller
// would be — and a service's activity: the topic, its subscribers (订阅方) with their open deliveries, and its recent
// messages (最近消息) read with the engine's indexed message search. A try is a real message: it is stored, indexed,
// routed to the subscribers and, when refused, recorded as rejected like any other; the audit log names who sent it.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { RequestContext } from '../platform/auth/context.js';
import { recordAudit, type AuditEntry } from '../platform/audit/index.js';
import type { Database } from '../platform/db/index.js';
import { HtError } from '../platform/errors/index.js';
import type { Engine } from '../engine/index.js';
import type { IngestResult, SyncAnswer } from '../engine/ingest/pipeline.js';
import { EP } from '../engine/permissions.js';
import { openDeliveries } from '../engine/config/store.js';
import type { EngineTables } from '../engine/tables.js';
import { getServiceDefinition } from './catalogue/catalogue.js';
import type { ServiceDefinition } from './catalogue/types.js';
import { SP } from './permissions.js';
import { v3AnswerToJson } from './rest-json.js';
import { v3ToJson } from './catalogue/mapper.js';
import { exampleScenario } from './cdr/scenario.js';
import * as S from './schema.js';

/** Header recorded with a message sent from the console's 试一试: the console user who sent it. */
export const TRY_BY_HEADER = 'x-hutong-try-by';

const JSON_TYPE = 'application/json; charset=utf-8';
const XML_TYPE = 'application/xml; charset=utf-8';
const DAY_MS = 24 * 3600_000;

export interface ServiceConsoleDeps {
  engine: Pick<Engine, 'pipeline' | 'cache' | 'messages' | 'writer'>;
  db: Database;
  /** config `engine.defaultDomain`: the domain whose topics carry the catalogue's services. */
  defaultDomain: string;
}

function definitionOf(action: string): ServiceDefinition {
  const def = getServiceDefinition(action);
  if (!def) throw new HtError('HT_SERVICE_NOT_FOUND', { service: action });
  return def;
}

/** A query's V3 answer as a JSON REST caller gets it (see rest-json.ts); anything else passes through as it came. */
function asJsonCaller(def: ServiceDefinition, answer: SyncAnswer): SyncAnswer {
  if (!answer.body.trimStart().startsWith('<')) return answer;
  try {
    return {
      statusCode: answer.statusCode,
      contentType: JSON_TYPE,
      body: JSON.stringify(v3AnswerToJson(def, answer.body)),
    };
  } catch {
    return answer;
  }
}

function readJson(def: ServiceDefinition, format: 'json' | 'v3', body: string): Record<string, unknown> | null {
  try {
    const json: unknown = format === 'json' ? JSON.parse(body) : v3ToJson(def, body);
    return json && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export class ServiceConsole {
  constructor(private readonly deps: ServiceConsoleDeps) {}

  /** 试一试: publishes the body (or the service's example) on the service's topic as an internal message. */
  async try(ctx: RequestContext, action: string, input: S.ServiceTryBody): Promise<S.ServiceTryResult> {
    const user = ctx.require(SP.try);
    const def = definitionOf(action);
    const example = input.format === 'json' ? JSON.stringify(def.examples.json, null, 2) : def.examples.v3Request;
    const body = input.body ?? example;
    if (!body) throw new HtError('HT_SERVICE_TRY_NO_EXAMPLE', { service: def.action, format: input.format });
    const entry = {
      action: 'services.try',
      objectType: 'service',
      objectId: def.action,
      summary: `试一试：以 ${input.format === 'json' ? 'JSON' : 'V3 XML'} 调用交互服务 ${def.action}（${def.name}）`,
    };
    const sent = { format: input.format, example: input.body === undefined, size: Buffer.byteLength(body) };

    let result: IngestResult;
    const before: Array<{ action: string; messageId: string }> = [];
    try {
      if (input.prerequisites && def.operation !== 'query') {
        // What the message refers to is created first, each by its own service's example with the keys it uses.
        // A body that does not parse has no prerequisites: the message itself is refused with its own error below.
        const json = readJson(def, input.format, body);
        for (const step of json ? exampleScenario(def.action, json).slice(0, -1) : []) {
          const pre = await this.deps.engine.pipeline.ingest({
            domainCode: this.deps.defaultDomain,
            topicCode: step.action,
            system: null,
            body: JSON.stringify(step.json),
            contentType: JSON_TYPE,
            inbound: 'internal',
            headers: { [TRY_BY_HEADER]: user.username },
          });
          before.push({ action: step.action, messageId: pre.messageId });
        }
      }
      result = await this.deps.engine.pipeline.ingest({
        domainCode: this.deps.defaultDomain,
        topicCode: def.action,
        system: null,
        body,
        contentType: input.format === 'json' ? JSON_TYPE : XML_TYPE,
        inbound: 'internal',
        headers: { [TRY_BY_HEADER]: user.username },
      });
    } catch (error) {
      const code = error instanceof HtError ? error.code : 'HT_INTERNAL';
      await this.audit(ctx, { ...entry, outcome: 'failure', changes: { ...sent, error: code } }).catch(() => undefined);
      throw error;
    }

    let answer: SyncAnswer;
    if (result.outcome === 'sync' && result.sync) {
      // A JSON caller of a query gets the V3 answer as JSON; a V3 caller gets the provider's answer as it came.
      answer = input.format === 'json' ? asJsonCaller(def, result.sync) : result.sync;
    } else {
      answer = {
        statusCode: 202,
        contentType: JSON_TYPE,
        body: JSON.stringify({
          messageId: result.messageId,
          status: result.outcome === 'duplicate' ? 'duplicate' : 'accepted',
          routedTo: result.routedTo,
        }),
      };
    }
    await this.audit(ctx, {
      ...entry,
      changes: { ...sent, messageId: result.messageId, outcome: result.outcome, statusCode: answer.statusCode },
    });
    return {
      messageId: result.messageId,
      outcome: result.outcome,
      statusCode: answer.statusCode,
      contentType: answer.contentType,
      reply: answer.body,
      ...(before.length > 0 ? { prerequisites: before } : {}),
    };
  }

  /** The service's topic in the default domain, its subscriptions and its most recent messages (newest first). */
  async activity(ctx: RequestContext, action: string, limit: number): Promise<S.ServiceActivity> {
    ctx.require(SP.catalogueRead);
    ctx.require(EP.messageRead);
    const def = definitionOf(action);
    const { cache, messages } = this.deps.engine;
    const domain = cache.domainByCode(this.deps.defaultDomain);
    const topic = domain ? cache.topic(domain.id, def.action) : undefined;
    // Messages older than the domain keeps them are purged: searching further back would find nothing.
    const recentFrom = new Date(Date.now() - (domain?.retentionDays ?? 30) * DAY_MS).toISOString();
    if (!domain || !topic) return { topic: null, subscriptions: [], recent: [], recentFrom };

    const k = this.deps.db.kysely.withTables<EngineTables>();
    const subscriptions = await Promise.all(
      cache.subscriptionsOf(topic.id).map(async (s) => {
        const system = cache.systemById(s.systemId);
        return {
          id: s.id,
          name: s.name,
          subscriberId: s.systemId,
          subscriberCode: system?.code ?? null,
          subscriberName: system?.name ?? null,
          enabled: s.enabled,
          paused: s.paused,
          adapter: s.adapter,
          pending: await openDeliveries(k, s.id),
        };
      }),
    );
    subscriptions.sort(
      (a, b) => (a.subscriberCode ?? '').localeCompare(b.subscriberCode ?? '') || a.name.localeCompare(b.name),
    );
    const page = await messages.search(ctx, { topicId: topic.id, from: recentFrom, page: 1, pageSize: limit });
    return {
      topic: {
        id: topic.id,
        code: topic.code,
        domainId: domain.id,
        domainCode: domain.code,
        mode: topic.mode,
        enabled: topic.enabled,
      },
      subscriptions,
      recent: page.items.map((m) => ({
        id: m.id,
        receivedAt: m.receivedAt,
        status: m.status,
        inbound: m.inbound,
        system: m.systemCode,
        patientId: m.patientId,
        patientName: m.patientName,
        visitNo: m.visitNo,
        applicationNo: m.applicationNo,
        orderNo: m.orderNo,
        error: m.error,
      })),
      recentFrom,
    };
  }

  private audit(ctx: RequestContext, entry: AuditEntry): Promise<void> {
    // Through the engine's writer, so the entry serialises with the message writes on SQLite.
    return this.deps.engine.writer.run((trx) => recordAudit(trx, ctx, entry));
  }
}

const Problem = Type.Ref('Problem');
const tags = ['services'];

export function serviceConsoleRoutes(app: FastifyInstance, deps: ServiceConsoleDeps): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const service = new ServiceConsole(deps);

  r.post(
    '/api/services/:action/try',
    {
      config: { permission: SP.try },
      schema: {
        tags,
        summary: '试一试：以示例或编辑后的消息调用交互服务 Try a service',
        description:
          '消息经真实的接入管道发布到默认域中该服务的主题（接入方式 internal，消息头 x-hutong-try-by 记录控制台用户），' +
          '入库、索引并路由给订阅方；应答即 REST 调用方会得到的内容。被拒收的消息同样记为「拒收」。',
        params: S.ServiceParams,
        body: S.ServiceTryBody,
        response: {
          200: S.ServiceTryResult,
          400: Problem,
          401: Problem,
          403: Problem,
          404: Problem,
          409: Problem,
          413: Problem,
          502: Problem,
          503: Problem,
        },
      },
    },
    async (request) => service.try(request.ctx, request.params.action, request.body),
  );

  r.get(
    '/api/services/:action/activity',
    {
      config: { permission: SP.catalogueRead },
      schema: {
        tags,
        summary: '交互服务的订阅方与最近消息 Subscribers and recent messages of a service',
        description: '还需要权限「检索与查看消息」(engine.message.read)。最近消息按接收时间倒序，只按索引列检索。',
        params: S.ServiceParams,
        querystring: S.ServiceActivityQuery,
        response: { 200: S.ServiceActivity, 400: Problem, 401: Problem, 403: Problem, 404: Problem },
      },
    },
    async (request) => service.activity(request.ctx, request.params.action, request.query.limit ?? 20),
  );
}
