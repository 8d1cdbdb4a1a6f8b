// 规则转换 · 映射表 · 消息模型 assembled for the engine: the services and their routes, the helpers every expression
// can call, the dispatcher's `resolveTransform`, the ingest pipeline's model validator, the rollbacks of their
// configuration revisions, and their sections of the domain export/import file (`models`, `transforms`, `lookups`).
// `start()` seeds the built-in models and loads the in-memory copies. With the engine's ConfigChanges every change is
// announced to the other nodes, and the kinds `transform`, `lookup`, `model` are reloaded here when another node (or
// a rollback or import through the configuration API) changed them (src/engine/config/changes.ts).
//
// Wiring (src/engine/index.ts):
//   const tls = createTransformServices({ db, cache, transforms, decoders, log, changes });
//   new Dispatcher({ …, resolveTransform: tls.resolveTransform });
//   new IngestPipeline({ …, validate: tls.modelValidator });
//   routes: await app.register(tls.routes);
//   start(): after `cache.reload()`, `await tls.start();` (before dispatcher.start()).
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Database } from '../../platform/db/index.js';
import type { EngineConfigCache } from '../config/cache.js';
import type { ConfigChanges } from '../config/changes.js';
import { registerDocumentSection } from '../config/export.js';
import type { Decoders } from '../ingest/decode.js';
import type { ModelValidator } from '../ingest/pipeline.js';
import { LookupCache, registerLookupHelpers } from '../lookups/cache.js';
import { lookupSection } from '../lookups/document.js';
import { lookupRoutes } from '../lookups/routes.js';
import { LookupService, registerLookupRevert } from '../lookups/service.js';
import { modelSection } from '../models/document.js';
import { modelRoutes } from '../models/routes.js';
import { ModelService, registerModelRevert } from '../models/service.js';
import { ModelRegistry } from '../models/validator.js';
import { transformSection } from './document.js';
import { registerMessageHelpers } from './helpers.js';
import type { Transforms } from './index.js';
import { transformRoutes } from './routes.js';
import { registerTransformRevert, TransformService } from './service.js';

export interface TransformServicesOptions {
  db: Database;
  cache: EngineConfigCache;
  transforms: Transforms;
  /** When given, custom models decode like their kind (a JSON model's index fields, filters on its JSON). */
  decoders?: Decoders;
  log?: FastifyBaseLogger;
  /** The engine's configuration changes: announced to the other nodes, reloaded when they (or rollbacks) change. */
  changes?: ConfigChanges;
}

export type TransformServices = ReturnType<typeof createTransformServices>;

export function createTransformServices(options: TransformServicesOptions) {
  const { db, cache, transforms, decoders, changes } = options;
  const lookupCache = new LookupCache(db);
  const models = new ModelRegistry(db);
  const transformService = new TransformService(db, transforms, cache, changes);
  const lookupService = new LookupService(db, lookupCache, changes);
  const modelService = new ModelService(db, models, changes);

  registerMessageHelpers(transforms);
  registerLookupHelpers(transforms, lookupCache, cache);

  // Rollbacks run through the configuration API, which reloads the rolled-back scope after the commit (below).
  registerTransformRevert(transformService);
  registerLookupRevert(lookupService);
  registerModelRevert(modelService);
  // The domain export/import file: models first (topics name them), then transforms and lookup tables.
  registerDocumentSection(modelSection());
  registerDocumentSection(transformSection());
  registerDocumentSection(lookupSection());

  // What this node reloads when a change to one of these was made elsewhere (another node, a rollback, an import).
  const reloadLookups = async (ids: readonly string[] | null) => {
    if (ids === null) return lookupCache.reloadAll();
    for (const id of ids) await lookupCache.reloadTable(id);
  };
  const reloadModels = async (codes: readonly string[] | null) => {
    if (codes === null) return models.reloadAll();
    for (const code of codes) await models.reload(code);
  };
  changes?.register('transform', () => transformService.reload());
  changes?.register('lookup', reloadLookups);
  changes?.register('model', reloadModels);

  // Custom models decode as their kind (registering again after each reload is harmless).
  if (decoders) {
    models.onChange(() => {
      for (const m of models.all()) {
        if (m.builtin || m.code.toUpperCase() === m.kind) continue;
        const kind = m.kind;
        decoders.register(m.code, (body, paths, parsed) => decoders.decode(kind, body, paths, parsed));
      }
    });
  }

  return {
    transformService,
    lookupService,
    modelService,
    lookups: lookupCache,
    models,
    /** For the dispatcher: a domain's named transform by code, from memory. */
    resolveTransform: transformService.resolve,
    /** For the ingest pipeline (`validate`): the model's JSON Schema / XSD, or a validator registered in code. */
    modelValidator: models.validate as ModelValidator,

    routes: async (app: FastifyInstance) => {
      transformRoutes(app, transformService);
      lookupRoutes(app, lookupService);
      modelRoutes(app, modelService);
    },

    async start(): Promise<void> {
      await modelService.seedBuiltins();
      await Promise.all([transformService.reload(), lookupCache.reloadAll(), models.reloadAll()]);
    },

    /** Reloads every in-memory copy (e.g. after a change made by another node). */
    async reload(): Promise<void> {
      await Promise.all([transformService.reload(), lookupCache.reloadAll(), models.reloadAll()]);
    },
  };
}
