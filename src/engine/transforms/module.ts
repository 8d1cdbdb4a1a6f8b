// 规则转换 · 映射表 · 消息模型 assembled for the engine: the services and their routes, the helpers every expression
// can call, the dispatcher's `resolveTransform`, the ingest pipeline's model validator, and the rollbacks of their
// configuration revisions. `start()` seeds the built-in models and loads the in-memory copies.
//
// Wiring (src/engine/index.ts):
//   const tls = createTransformServices({ db, cache, transforms, decoders, log });
//   new Dispatcher({ …, resolveTransform: tls.resolveTransform });
//   new IngestPipeline({ …, validate: tls.modelValidator });
//   routes: await app.register(tls.routes);
//   start(): after `cache.reload()`, `await tls.start();` (before dispatcher.start()).
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Database } from '../../platform/db/index.js';
import type { EngineConfigCache } from '../config/cache.js';
import type { Decoders } from '../ingest/decode.js';
import type { ModelValidator } from '../ingest/pipeline.js';
import { LookupCache, registerLookupHelpers } from '../lookups/cache.js';
import { lookupRoutes } from '../lookups/routes.js';
import { LookupService, registerLookupRevert } from '../lookups/service.js';
import { modelRoutes } from '../models/routes.js';
import { ModelService, registerModelRevert } from '../models/service.js';
import { ModelRegistry } from '../models/validator.js';
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
}

export type TransformServices = ReturnType<typeof createTransformServices>;

export function createTransformServices(options: TransformServicesOptions) {
  const { db, cache, transforms, decoders, log } = options;
  const lookupCache = new LookupCache(db);
  const models = new ModelRegistry(db);
  const transformService = new TransformService(db, transforms, cache);
  const lookupService = new LookupService(db, lookupCache);
  const modelService = new ModelService(db, models);

  registerMessageHelpers(transforms);
  registerLookupHelpers(transforms, lookupCache, cache);

  // A rollback (config API) runs our revert handlers inside its own transaction and reloads the engine's
  // configuration cache after the commit; what the handlers touched is reloaded then.
  let transformsTouched = false;
  const lookupsTouched = new Set<string>();
  const modelsTouched = new Set<string>();
  registerTransformRevert(transformService, () => {
    transformsTouched = true;
  });
  registerLookupRevert(lookupService, (id) => lookupsTouched.add(id));
  registerModelRevert(modelService, (code) => modelsTouched.add(code));
  const reloadTouched = async () => {
    if (transformsTouched) {
      transformsTouched = false;
      await transformService.reload();
    }
    for (const id of [...lookupsTouched]) {
      lookupsTouched.delete(id);
      await lookupCache.reloadTable(id);
    }
    for (const code of [...modelsTouched]) {
      modelsTouched.delete(code);
      await models.reload(code);
    }
  };
  cache.onChange(() => {
    reloadTouched().catch((error: unknown) => log?.error({ err: error }, 'reloading transforms/lookups/models failed'));
  });

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
