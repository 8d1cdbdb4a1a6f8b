// The integration engine (订阅发布) as one unit: configuration cache, the ingest pipeline behind the inbound
// endpoints, the group-commit writer, the dispatcher and its adapters. app.ts creates it, registers its routes and
// starts/stops it with the process. Other modules publish through `engine.pipeline` and read `engine.cache`.
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import { recordAudit } from '../platform/audit/index.js';
import type { Config } from '../platform/config/index.js';
import { now, type Database } from '../platform/db/index.js';
import { HtError } from '../platform/errors/index.js';
import { newId } from '../platform/ids/index.js';
import type { Metrics } from '../platform/metrics/index.js';
import { AdapterRegistry } from './adapters/index.js';
import { createCluster } from './cluster.js';
import { defaultXmlWorkers, HipReaders, hipSoapRoutes } from './adapters/inbound/soap/index.js';
import { EngineConfigCache } from './config/cache.js';
import { ConfigChanges } from './config/changes.js';
import { configRoutes } from './config/routes.js';
import { ConfigService } from './config/service.js';
import { Dispatcher } from './dispatch/dispatcher.js';
import { outcomeHandler } from './dispatch/store.js';
import { createEndpoints } from './endpoints/index.js';
import { Decoders } from './ingest/decode.js';
import { registerFormatDecoders } from './ingest/format-decoders.js';
import { IngestPipeline } from './ingest/pipeline.js';
import { inboundRoutes } from './ingest/routes.js';
import { ingestBatchHandler } from './ingest/store.js';
import { EngineMetrics, registerReaderMetrics, registerWriterMetrics } from './metrics.js';
import { MessageService, messageRoutes } from './messages/index.js';
import { checkSchemaDir } from './models/standard-validators.js';
import { MonitoringService, monitoringRoutes } from './monitoring/index.js';
import { RetentionService, retentionRoutes } from './retention/index.js';
import './permissions.js';
import type { EngineTables } from './tables.js';
import { Transforms } from './transforms/index.js';
import { createTransformServices } from './transforms/module.js';
import { GroupCommitWriter } from './writer.js';
import type { Clock } from './dispatch/backoff.js';

export { EP as EnginePermissions } from './permissions.js';
export type { EngineTables } from './tables.js';

export interface EngineOptions {
  db: Database;
  config: Config;
  metrics: Metrics;
  log: FastifyBaseLogger;
  clock?: Clock;
}

export type Engine = ReturnType<typeof createEngine>;

export function createEngine(options: EngineOptions) {
  const { db, config, log } = options;
  const cache = new EngineConfigCache(db);
  // PostgreSQL flushes concurrent commits together: several ingest lanes, and the dispatcher's writes apart.
  const writer = new GroupCommitWriter(
    db,
    db.dialect === 'postgres' ? { lanes: 3, dispatchKinds: ['claim', 'outcome'], dispatchLanes: 2 } : {},
  );
  writer.handle('ingest', ingestBatchHandler(db));
  writer.handle('outcome', outcomeHandler(db));
  const transforms = new Transforms();
  const decoders = new Decoders();
  registerFormatDecoders(decoders);
  const adapters = new AdapterRegistry();
  const metrics = new EngineMetrics(options.metrics.registry, db, cache);
  registerWriterMetrics(options.metrics.registry, writer.stats);
  // Transforms, lookup tables, models and endpoints announce their changes here; the cluster carries them.
  const changes = new ConfigChanges();
  const tls = createTransformServices({ db, cache, transforms, decoders, log, changes });

  const dispatcher = new Dispatcher({
    db,
    cache,
    writer,
    transforms,
    adapters,
    log,
    pollIntervalMs: config.engine.pollIntervalMs,
    resolveTransform: tls.resolveTransform,
    ...(options.clock ? { clock: options.clock } : {}),
    onDelivered: (sub, latencyMs) => {
      metrics.delivered.inc(metrics.labels(sub, cache));
      metrics.latency.observe({ subscription: sub.name }, latencyMs / 1000);
    },
    onAttemptFailed: (sub) => metrics.failedAttempts.inc(metrics.labels(sub, cache)),
    onDead: (sub) => metrics.dead.inc(metrics.labels(sub, cache)),
  });

  const cluster = createCluster({ db, nodeId: dispatcher.nodeId, cache, dispatcher, log, changes });

  const configService = new ConfigService(db, cache, adapters, transforms, {
    onResume: () => void dispatcher.pollNow(),
    changes,
  });

  const pipeline = new IngestPipeline({
    cache,
    writer,
    decoders,
    transforms,
    validate: tls.modelValidator,
    dedupWindowMs: config.engine.dedupWindowMinutes * 60_000,
    onRouted: (ids) => {
      dispatcher.wake(ids);
      // Other nodes (PostgreSQL) hear of it too; the deliveries handed to this node's dispatcher are not in `ids`.
      cluster.workCommitted(ids);
    },
    handoff: {
      reserve: (sub) => dispatcher.reserve(sub),
      unreserve: (sub) => dispatcher.unreserve(sub),
      deliver: (sub, deliveryId, m) =>
        dispatcher.handoff(sub, deliveryId, {
          id: m.id,
          body: m.body,
          content_type: m.content_type,
          topic_id: m.topic_id,
          system_id: m.system_id ?? null,
          source_message_id: m.source_message_id ?? null,
          received_at: m.received_at,
          patient_id: m.patient_id ?? null,
          patient_name: m.patient_name ?? null,
          visit_no: m.visit_no ?? null,
          order_no: m.order_no ?? null,
          application_no: m.application_no ?? null,
        }),
    },
    onReceived: (topic, outcome) => metrics.countReceived(topic, outcome),
    syncCaller: async (messageId, deliveryId, sub) => {
      try {
        return await dispatcher.callSync(messageId, deliveryId, sub);
      } catch (error) {
        throw new HtError('HT_ENGINE_PROVIDER_FAILED', { reason: (error as Error).message.slice(0, 300) });
      }
    },
  });

  const messages = new MessageService(db, cache, writer, pipeline, dispatcher);
  const monitoring = new MonitoringService(db, cache, dispatcher);
  const retention = new RetentionService(db, writer, { log });
  const endpoints = createEndpoints({ db, cache, pipeline, config, log, changes });
  // WebService requests are read (envelope and V3 message) on threads of their own; see readers.ts.
  const xmlReaders = new HipReaders(config.engine.xmlWorkers ?? defaultXmlWorkers(), { log });
  registerReaderMetrics(options.metrics.registry, xmlReaders);
  // Strict validation of the built-in HL7V3 and CDA models when the national schema packages are configured, on the
  // same threads.
  for (const [model, setting, dir] of [
    ['HL7V3', 'validation.hl7v3XsdDir', config.validation.hl7v3XsdDir],
    ['CDA', 'validation.cdaXsdDir', config.validation.cdaXsdDir],
  ] as const) {
    if (!dir) continue;
    checkSchemaDir(setting, dir);
    tls.models.register(model, (body, _contentType, topicCode) => xmlReaders.validate(model, dir, body, topicCode));
  }

  // Failed inbound authentication is audited, at most once a minute per address and reason, so a misconfigured
  // sender cannot flood the audit log.
  const lastAuthAudit = new Map<string, number>();
  const onAuthFailure = (request: FastifyRequest, error: HtError) => {
    const key = `${request.ip}\u0000${error.code}`;
    const last = lastAuthAudit.get(key) ?? 0;
    if (Date.now() - last < 60_000) return;
    lastAuthAudit.set(key, Date.now());
    if (lastAuthAudit.size > 10_000) lastAuthAudit.clear();
    void recordAudit(db.kysely, request.ctx, {
      action: 'engine.inbound.auth.failed',
      objectType: 'endpoint',
      objectId: request.url.split('?')[0] ?? null,
      outcome: 'failure',
      summary: `接入认证失败：${error.localized('zh-CN')}`,
    }).catch((e: unknown) => log.error({ err: e }, 'audit write failed'));
  };

  return {
    cache,
    configService,
    writer,
    pipeline,
    dispatcher,
    transforms,
    transformServices: tls,
    messages,
    monitoring,
    retention,
    endpoints,
    decoders,
    adapters,
    metrics,
    cluster,

    routes: async (app: FastifyInstance) => {
      configRoutes(app, { service: configService });
      await tls.routes(app);
      messageRoutes(app, { service: messages });
      monitoringRoutes(app, { service: monitoring });
      retentionRoutes(app, { service: retention });
      endpoints.routes(app);
      await app.register(async (soap) =>
        hipSoapRoutes(soap, {
          cache,
          pipeline,
          db,
          // The endpoints configured in 接入端点 (a fresh install has /services/HIPMessageServer).
          resolver: {
            byPath: (path) => endpoints.runtime.soapEndpointByPath(path),
            record: (id, outcome, error) => endpoints.runtime.record(id, outcome, error),
          },
          bodyLimitBytes: config.http.bodyLimitBytes,
          readers: xmlReaders,
          onAuthFailure,
        }),
      );
      await app.register(async (inbound) =>
        inboundRoutes(inbound, {
          cache,
          pipeline,
          onAuthFailure,
        }),
      );
    },

    /** Starts the engine; says whether this was the first start (the default domain was just created). */
    async start(): Promise<{ firstStart: boolean }> {
      const firstStart = await ensureDefaultDomain(db, config.engine.defaultDomain);
      await cache.reload();
      await tls.start();
      await endpoints.load();
      dispatcher.start();
      await cluster.start();
      retention.startSchedule();
      return { firstStart };
    },

    async stop(): Promise<void> {
      // Listeners first: messages already received still need the writer to commit before their ACK.
      await endpoints.stop();
      await retention.stop();
      cluster.stop();
      await dispatcher.stop();
      await writer.flush();
      await adapters.close();
      await xmlReaders.close();
    },
  };
}

/** A fresh install has one domain to work in (默认域). */
async function ensureDefaultDomain(db: Database, code: string): Promise<boolean> {
  const k = db.kysely.withTables<EngineTables>();
  const any = await k.selectFrom('domains').select('id').limit(1).executeTakeFirst();
  if (any) return false;
  const at = now();
  await k
    .insertInto('domains')
    .values({
      id: newId(),
      code,
      name: '默认域',
      description: '首次启动时创建的生产域',
      enabled: 1,
      retention_days: 30,
      created_at: at,
      updated_at: at,
    })
    .execute();
  return true;
}
