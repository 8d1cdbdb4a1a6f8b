// 接入端点 (inbound endpoints) assembled for the engine: MLLP listeners and HIPMessageServer WebService endpoints —
// their table, API, runtime and status. The only file others import.
//
// Wiring (src/engine/index.ts):
//   const endpoints = createEndpoints({ db, cache, pipeline, config, log, changes });
//   routes: endpoints.routes(app);   start(): after cache.reload(), await endpoints.load();   stop(): first of all,
//   await endpoints.stop();   app.ts start(): after the HTTP server listens, await engine.endpoints.start().
// For the SOAP handler: endpoints.runtime.soapEndpointByPath(path) and endpoints.runtime.record(id, outcome, error).
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Config } from '../../platform/config/index.js';
import type { Database } from '../../platform/db/index.js';
import type { EngineConfigCache } from '../config/cache.js';
import type { ConfigChanges } from '../config/changes.js';
import type { IngestPipeline } from '../ingest/pipeline.js';
import { registerDocumentSection } from '../config/export.js';
import { endpointSection } from './document.js';
import { endpointRoutes } from './routes.js';
import { EndpointRuntime } from './runtime.js';
import { EndpointService, ensureDefaultEndpoints } from './service.js';

export { EndpointRuntime } from './runtime.js';
export type { SoapEndpointEntry } from './runtime.js';
export { EndpointService } from './service.js';
export {
  MllpEndpointSettings,
  MllpTlsSettings,
  SoapEndpointSettings,
  resolveSettings as resolveEndpointSettings,
} from './settings.js';
export type { EndpointProtocol } from './settings.js';
export type { Endpoint, EndpointStatus } from './schema.js';
export { mllpInboundDescriptor, soapInboundDescriptor } from './descriptors.js';

export interface EndpointsOptions {
  db: Database;
  cache: EngineConfigCache;
  pipeline: IngestPipeline;
  config: Config;
  log: FastifyBaseLogger;
  /**
   * The engine's configuration changes: every endpoint change is announced to the other nodes (scope
   * `endpoint:<id>`), and this node's listeners are brought in line when another node changed one.
   */
  changes?: ConfigChanges;
}

export type Endpoints = ReturnType<typeof createEndpoints>;

export function createEndpoints(options: EndpointsOptions) {
  const { db, cache, pipeline, config, log, changes } = options;
  const runtime = new EndpointRuntime({ db, cache, pipeline, log });
  const service = new EndpointService(db, runtime, { httpPort: config.port, changes });
  changes?.register('endpoint', () => runtime.sync());
  // The domain export/import file carries the endpoints too (section `endpoints`).
  registerDocumentSection(endpointSection(config.port));
  return {
    runtime,
    service,
    routes: (app: FastifyInstance) => endpointRoutes(app, service),
    /** Creates the default endpoints on a fresh install and loads the endpoints into memory (no listening). */
    async load(): Promise<void> {
      await ensureDefaultEndpoints(db, config.engine.defaultDomain, config.mllp.port);
      await runtime.sync();
    },
    /** Starts the MLLP listeners. */
    start: (): Promise<void> => runtime.start(),
    /** Stops them gracefully (messages already received are committed and acknowledged first). */
    stop: (): Promise<void> => runtime.stop(),
  };
}
