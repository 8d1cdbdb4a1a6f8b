// Builds Hutong: opens the database, migrates, prepares identity, then assembles the HTTP app — platform plugins
// first, then one line per module. Start-up and shut-down come in pairs in `start` / `stop`.
import path from 'node:path';
import cookie from '@fastify/cookie';
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Clock } from './engine/dispatch/backoff.js';
import { Identity } from './platform/auth/identity.js';
import { sqliteFileFor, type Config } from './platform/config/index.js';
import { openDatabase, type Database } from './platform/db/index.js';
import { migrateToLatest } from './platform/db/migrate.js';
import { registerAuthHook } from './platform/http/auth-hook.js';
import { registerErrorHandling } from './platform/http/errors.js';
import { registerHealth } from './platform/http/health.js';
import { registerOpenApi, registerOpenApiUi } from './platform/http/openapi.js';
import { registerConsole } from './platform/http/static.js';
import './platform/http/types.js';
import { newId } from './platform/ids/index.js';
import { Metrics } from './platform/metrics/index.js';
import { packageRoot, packageVersion } from './platform/package-info.js';
import { ensureServiceTopics, serviceJsonConverter, serviceRoutes } from './services/index.js';
import { serviceEventTopic, serviceHl7v2Converter } from './services/hl7v2/index.js';
import { cdrAnswerer, cdrRoutes, cdrSubscriber, registerOriginatorHelper } from './services/cdr/index.js';
import { validatorCompiler } from './platform/http/validation.js';
import { createEngine } from './engine/index.js';
import { createSystemModule } from './modules/system/index.js';

export interface RouteInfo {
  method: string;
  url: string;
  permission: string | undefined;
}

export interface Hutong {
  readonly app: FastifyInstance;
  readonly db: Database;
  readonly identity: Identity;
  readonly config: Config;
  readonly engine: ReturnType<typeof createEngine>;
  /** Every route registered, with the permission it declared (for the route-table test and docs). */
  readonly routes: RouteInfo[];
  /** Set when the first administrator was created now with a generated password (print it once). */
  readonly firstAdmin: { username: string; generatedPassword?: string } | undefined;
  start(): Promise<string>;
  stop(): Promise<void>;
}

export interface CreateOptions {
  logger?: FastifyServerOptions['logger'];
  /** Use this database instead of opening one from the config (tests). */
  db?: Database;
  webDist?: string;
  /** A fake clock for the dispatcher (tests of backoff). */
  clock?: Clock;
}

export async function createHutong(config: Config, options: CreateOptions = {}): Promise<Hutong> {
  const version = packageVersion();
  const startedAt = new Date().toISOString();
  const db =
    options.db ??
    openDatabase({ url: config.databaseUrl, sqliteFile: sqliteFileFor(config), durability: config.storage.durability });
  await migrateToLatest(db);

  const identity = new Identity(db, config);
  const metrics = new Metrics();
  const system = createSystemModule({ db, identity, config, version, startedAt });
  // Permissions are declared when modules load (above), so built-in roles can be brought up to date now.
  await identity.syncBuiltinRoles();
  const admin = await identity.ensureFirstAdmin();

  const app = Fastify({
    logger: options.logger ?? { level: config.logLevel },
    bodyLimit: config.http.bodyLimitBytes,
    trustProxy: config.http.trustProxy,
    genReqId: () => newId(),
    // One log line per request is noise at thousands of messages a second; debug/trace turn it back on.
    logController: new LogController({
      disableRequestLogging: config.logLevel !== 'debug' && config.logLevel !== 'trace',
    }),
    routerOptions: { ignoreTrailingSlash: true },
  });
  app.setValidatorCompiler(validatorCompiler);

  const routes: RouteInfo[] = [];
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD') continue;
      routes.push({ method, url: route.url, permission: route.config?.permission });
    }
  });

  // ---- platform ----
  registerErrorHandling(app, config.http.bodyLimitBytes);
  await app.register(cookie);
  await registerOpenApi(app, version);
  registerAuthHook(app, identity);
  // Callback hooks, not async ones: they run on every request, and an async hook costs a promise each time.
  app.addHook('onSend', (_request, reply, payload, done) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'same-origin');
    done(null, payload);
  });
  metrics.register(app);
  registerHealth(app, db);

  // ---- modules ----
  const engine = createEngine({
    db,
    config,
    metrics,
    log: app.log,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  await app.register(system.routes);
  await app.register(engine.routes);
  await app.register(async (services) =>
    serviceRoutes(services, { engine, db, defaultDomain: config.engine.defaultDomain }),
  );
  engine.pipeline.addBodyConverter(serviceJsonConverter()); // 交互服务: canonical JSON → V3 at ingest
  engine.pipeline.addBodyConverter(serviceHl7v2Converter()); // 交互服务: HL7 v2 → V3 at ingest
  engine.endpoints.runtime.setEventTopic(serviceEventTopic()); // MLLP: ADT^A04 → OutPatientInfoAdd …
  // 临床数据中心: keeps every service's entities inside the ingest transaction and answers the service queries.
  if (config.services.cdr) {
    engine.pipeline.addTransactionalSubscriber(cdrSubscriber(config.engine.defaultDomain));
    engine.pipeline.addLocalAnswerer(cdrAnswerer(db, config.engine.defaultDomain));
  }
  registerOriginatorHelper(engine.transforms, db, config.engine.defaultDomain); // filter: 'HIS' in $originator()
  await app.register(async (cdr) => cdrRoutes(cdr, db));

  // ---- API docs and the console ----
  await registerOpenApiUi(app);
  await registerConsole(app, options.webDist ?? path.join(packageRoot(), 'web', 'dist'));

  // The engine works from the moment the app exists: inject()-driven tests and the listening server alike.
  const { firstStart } = await engine.start();
  // 交互服务: on a fresh install every service of the catalogue is a topic of the default domain.
  if (firstStart && config.services.seedTopics) {
    await ensureServiceTopics(db, config.engine.defaultDomain);
    await engine.cache.reload();
  }

  let listening = false;
  return {
    app,
    db,
    identity,
    config,
    engine,
    routes,
    firstAdmin: admin.created ? admin : undefined,
    async start() {
      await app.listen({ host: config.host, port: config.port });
      listening = true;
      // MLLP listeners (接入端点) run only in a listening server: inject()-driven tests never bind their ports.
      await engine.endpoints.start();
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
      return `http://${host}:${port}/`;
    },
    async stop() {
      if (listening) await app.close();
      else await app.close().catch(() => undefined);
      await engine.stop();
      // A database handed in by the caller (tests) is the caller's to close.
      if (!options.db) await db.close();
    },
  };
}
