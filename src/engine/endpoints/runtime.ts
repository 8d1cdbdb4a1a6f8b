// The endpoints at run time (接入端点运行): every enabled MLLP endpoint as a listener, the WebService endpoints by
// path for the SOAP handler, and per-endpoint status (listening / stopped / failed, connections, counters, last
// error). The rows are re-read after every configuration commit — the service calls `sync()`, and a rollback through
// the configuration API reloads the configuration cache, which calls it too. A listener restarts only when its
// address, TLS or limits change; topics, charset, sender rules and the allowlist apply to the next message.
//
// Listeners start with `start()` (the listening server's start in app.ts, or a test), never when the engine is merely
// created: tests driving the app with inject() must not fight over port 2575.
import { readFileSync } from 'node:fs';
import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../../platform/db/index.js';
import {
  MllpListener,
  MllpReceiver,
  type MllpEndpointContext,
  type MllpRemote,
  type MllpTlsMaterial,
} from '../adapters/inbound/mllp/index.js';
import type { EngineConfigCache, SystemConfig } from '../config/cache.js';
import type { IngestPipeline } from '../ingest/pipeline.js';
import { ipAllowed, LOOPBACK_ONLY } from '../ingest/system-auth.js';
import type { EngineTables } from '../tables.js';
import type { Endpoint, EndpointRuntimeState, EndpointStatus } from './schema.js';
import type { EndpointRuntimeView } from './service.js';
import type { Hl7Message } from '../../formats/hl7v2/index.js';
import type { MllpEndpointSettings, SoapEndpointSettings } from './settings.js';
import * as store from './store.js';

export interface EndpointRuntimeDeps {
  db: Database;
  cache: EngineConfigCache;
  pipeline: IngestPipeline;
  log: FastifyBaseLogger;
  /** How long a stopping listener lets messages already received finish (default 10 s). */
  stopGraceMs?: number;
}

/** A WebService endpoint as the SOAP handler needs it. */
export interface SoapEndpointEntry {
  id: string;
  domainCode: string;
  settings: SoapEndpointSettings;
}

interface Counters {
  received: number;
  accepted: number;
  rejected: number;
  lastMessageAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
}

interface ListenerEntry {
  /** Address, TLS and limits: a change to any of them needs a new listener. */
  key: string;
  /** The row's updated_at the listener was (re)started for: a failed listener is retried when the row changes. */
  updatedAt: string;
  /** Read by every message, so the rest of the settings apply without a restart. */
  context: MllpEndpointContext;
  listener: MllpListener | undefined;
  state: EndpointRuntimeState;
  error: string | null;
  since: string;
}

/** Connection problems that are ordinary life on a network, not worth a "last error". */
const ROUTINE_SOCKET_ERRORS = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

export class EndpointRuntime implements EndpointRuntimeView {
  private endpoints = new Map<string, Endpoint>();
  private soapByPath = new Map<string, Endpoint>();
  private systemIds = new Map<string, string>();
  private systemIdsFolded = new Map<string, string | null>();
  private readonly counters = new Map<string, Counters>();
  private readonly listeners = new Map<string, ListenerEntry>();
  private readonly receiver: MllpReceiver;
  private eventTopic: ((type: string, trigger: string, message: Hl7Message) => string | null) | undefined;
  private started = false;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly deps: EndpointRuntimeDeps) {
    this.receiver = new MllpReceiver({
      pipeline: deps.pipeline,
      cache: deps.cache,
      systemByCode: (domainId, code) => this.systemByCode(domainId, code),
      eventTopic: (type, trigger, message) => this.eventTopic?.(type, trigger, message) ?? null,
      onInternalError: (error, reference) =>
        deps.log.error({ err: error, reference }, 'MLLP message failed unexpectedly'),
    });
    deps.cache.onChange(() => {
      this.sync().catch((error: unknown) => deps.log.error({ err: error }, 'reloading inbound endpoints failed'));
    });
  }

  /**
   * The topic for an HL7 v2 event no endpoint maps itself (its topicByEvent table wins): the interaction services
   * register theirs at start-up (ADT^A04 → OutPatientInfoAdd …).
   */
  setEventTopic(resolve: (type: string, trigger: string, message: Hl7Message) => string | null): void {
    this.eventTopic = resolve;
  }

  /** Starts a listener for every enabled MLLP endpoint (and keeps doing so as the configuration changes). */
  async start(): Promise<void> {
    this.started = true;
    await this.sync();
  }

  /** Stops accepting on every listener; messages already received finish their commit and ACK, then it closes. */
  async stop(): Promise<void> {
    this.started = false;
    await this.sync();
  }

  /** Re-reads the endpoints (and the systems' codes) and brings the listeners in line. Calls run one at a time. */
  sync(): Promise<void> {
    const run = this.chain.then(() => this.reconcile());
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async reconcile(): Promise<void> {
    const k = this.deps.db.kysely.withTables<EngineTables>();
    const [rows, systems] = await Promise.all([
      store.allEndpoints(k),
      k.selectFrom('systems').select(['id', 'domain_id', 'code']).execute(),
    ]);
    const endpoints = new Map(rows.map((r) => [r.id, store.presentEndpoint(r)]));
    const soapByPath = new Map<string, Endpoint>();
    for (const e of endpoints.values()) {
      if (e.protocol === 'soap' && e.enabled) soapByPath.set(soapPathKey((e.settings as SoapEndpointSettings).path), e);
    }
    const systemIds = new Map<string, string>();
    const folded = new Map<string, string | null>();
    for (const s of systems) {
      systemIds.set(`${s.domain_id}\u0000${s.code}`, s.id);
      const key = `${s.domain_id}\u0000${s.code.toUpperCase()}`;
      // Two codes differing only in case make the case-insensitive fallback ambiguous: no fallback for them.
      folded.set(key, folded.has(key) ? null : s.id);
    }
    this.endpoints = endpoints;
    this.soapByPath = soapByPath;
    this.systemIds = systemIds;
    this.systemIdsFolded = folded;

    const stops: Promise<void>[] = [];
    for (const [id, entry] of this.listeners) {
      const e = endpoints.get(id);
      if (!e || e.protocol !== 'mllp' || !e.enabled || !this.started) {
        stops.push(this.stopListener(id, entry, e ? undefined : 'deleted'));
      }
    }
    await Promise.all(stops);
    for (const id of this.counters.keys()) if (!endpoints.has(id)) this.counters.delete(id);
    if (!this.started) return;

    const starts: Promise<void>[] = [];
    for (const e of endpoints.values()) {
      if (e.protocol !== 'mllp' || !e.enabled) continue;
      starts.push(this.apply(e));
    }
    await Promise.all(starts);
  }

  private async apply(e: Endpoint): Promise<void> {
    const settings = e.settings as MllpEndpointSettings;
    const context: MllpEndpointContext = { id: e.id, code: e.code, domainId: e.domainId, settings };
    const key = JSON.stringify([
      settings.host,
      settings.port,
      settings.tls,
      settings.maxMessageBytes,
      settings.idleTimeoutMs,
    ]);
    const current = this.listeners.get(e.id);
    const keep =
      current !== undefined &&
      current.key === key &&
      (current.state === 'listening' || (current.state === 'failed' && current.updatedAt === e.updatedAt));
    if (current && keep) {
      // Same address: the new settings apply to the next message; peers no longer allowed are let go.
      current.context = context;
      current.updatedAt = e.updatedAt;
      current.listener?.recheckConnections();
      return;
    }
    if (current) await this.stopListener(e.id, current);
    const entry: ListenerEntry = {
      key,
      updatedAt: e.updatedAt,
      context,
      listener: undefined,
      state: 'stopped',
      error: null,
      since: new Date().toISOString(),
    };
    this.listeners.set(e.id, entry);
    try {
      const listener = new MllpListener({
        host: settings.host,
        port: settings.port,
        tls: settings.tls ? readTls(settings.tls) : null,
        maxMessageBytes: settings.maxMessageBytes,
        idleTimeoutMs: settings.idleTimeoutMs,
        allowed: (ip) => allowedBy(entry.context.settings.ipAllowlist, ip),
        receive: (bytes, remote) => this.receive(entry, bytes, remote),
        oversized: (head, size) => {
          const outcome = this.receiver.oversized(entry.context, head, size);
          this.count(entry.context.id, outcome.accepted, outcome.error);
          return outcome.ack;
        },
        onConnectionRefused: (remote) =>
          this.noteError(
            e.id,
            `来源地址 ${remote.ip} 不在接入端点的白名单内，已断开 (connection from ${remote.ip} refused: not on the allowlist)`,
          ),
        onConnectionError: (remote, error) => {
          const code = (error as { code?: string }).code ?? '';
          if (ROUTINE_SOCKET_ERRORS.has(code)) return;
          this.noteError(e.id, `${remote ? `${remote.ip}: ` : ''}${code ? `${code} ` : ''}${error.message}`);
        },
      });
      const address = await listener.start();
      entry.listener = listener;
      entry.state = 'listening';
      entry.since = new Date().toISOString();
      this.deps.log.info({ endpoint: e.code, address }, `MLLP endpoint ${e.code} listening on ${address}`);
    } catch (error) {
      const err = error as Error & { code?: string };
      entry.state = 'failed';
      entry.error = `${err.code ? `${err.code}: ` : ''}${err.message}`;
      entry.since = new Date().toISOString();
      this.noteError(e.id, entry.error);
      this.deps.log.error({ endpoint: e.code, err: error }, `MLLP endpoint ${e.code} cannot listen`);
    }
  }

  private async stopListener(id: string, entry: ListenerEntry, reason?: 'deleted'): Promise<void> {
    if (reason === 'deleted') this.listeners.delete(id);
    if (!entry.listener && entry.state === 'stopped') return;
    const listener = entry.listener;
    entry.listener = undefined;
    entry.state = 'stopped';
    entry.error = null;
    entry.since = new Date().toISOString();
    if (!listener) return;
    await listener.stop(this.deps.stopGraceMs ?? 10_000);
    this.deps.log.info({ endpoint: entry.context.code }, `MLLP endpoint ${entry.context.code} stopped`);
  }

  private async receive(entry: ListenerEntry, bytes: Buffer, remote: MllpRemote): Promise<Buffer> {
    const context = entry.context;
    const c = this.countersOf(context.id);
    c.received++;
    c.lastMessageAt = new Date().toISOString();
    const outcome = await this.receiver.receive(context, bytes, remote);
    this.count(context.id, outcome.accepted, outcome.error, false);
    return outcome.ack;
  }

  private count(id: string, accepted: boolean, error: string | undefined, received = true): void {
    const c = this.countersOf(id);
    if (received) {
      c.received++;
      c.lastMessageAt = new Date().toISOString();
    }
    if (accepted) c.accepted++;
    else {
      c.rejected++;
      if (error) this.noteError(id, error);
    }
  }

  private noteError(id: string, error: string): void {
    const c = this.countersOf(id);
    c.lastError = error.slice(0, 1000);
    c.lastErrorAt = new Date().toISOString();
  }

  private countersOf(id: string): Counters {
    let c = this.counters.get(id);
    if (!c) {
      c = { received: 0, accepted: 0, rejected: 0, lastMessageAt: null, lastError: null, lastErrorAt: null };
      this.counters.set(id, c);
    }
    return c;
  }

  private systemByCode(domainId: string, code: string): SystemConfig | undefined {
    const id =
      this.systemIds.get(`${domainId}\u0000${code}`) ??
      this.systemIdsFolded.get(`${domainId}\u0000${code.toUpperCase()}`) ??
      undefined;
    return id ? this.deps.cache.systemById(id) : undefined;
  }

  // ---- for the SOAP handler (HIPMessageServer) -------------------------------------------------------------------

  /** The enabled WebService endpoint served at `path` (case-insensitive, trailing slash ignored), from memory. */
  soapEndpointByPath(path: string): SoapEndpointEntry | undefined {
    const e = this.soapByPath.get(soapPathKey(path));
    if (!e) return undefined;
    const domain = this.deps.cache.domainById(e.domainId);
    if (!domain) return undefined;
    return { id: e.id, domainCode: domain.code, settings: e.settings as SoapEndpointSettings };
  }

  /** Counts one request an endpoint answered (the SOAP handler calls this for every request it served). */
  record(endpointId: string, outcome: 'accepted' | 'rejected', error?: string): void {
    this.count(endpointId, outcome === 'accepted', error);
  }

  // ---- status ----------------------------------------------------------------------------------------------------

  status(endpoint: Endpoint): EndpointStatus {
    const c = this.counters.get(endpoint.id);
    const base = {
      id: endpoint.id,
      code: endpoint.code,
      protocol: endpoint.protocol,
      enabled: endpoint.enabled,
      received: c?.received ?? 0,
      accepted: c?.accepted ?? 0,
      rejected: c?.rejected ?? 0,
      lastMessageAt: c?.lastMessageAt ?? null,
      lastError: c?.lastError ?? null,
      lastErrorAt: c?.lastErrorAt ?? null,
    };
    if (endpoint.protocol === 'soap') {
      // Served by the HTTP server: there is nothing to start or fail.
      const known = this.endpoints.get(endpoint.id);
      return {
        ...base,
        state: endpoint.enabled && known?.enabled ? 'listening' : 'stopped',
        address: (endpoint.settings as Partial<SoapEndpointSettings>).path ?? null,
        error: null,
        since: known?.updatedAt ?? null,
        connections: 0,
      };
    }
    const entry = this.listeners.get(endpoint.id);
    return {
      ...base,
      state: entry?.state ?? 'stopped',
      address: entry?.listener?.address ?? null,
      error: entry?.error ?? null,
      since: entry?.since ?? null,
      connections: entry?.listener?.connections ?? 0,
    };
  }
}

function allowedBy(allowlist: string[], ip: string): boolean {
  return ipAllowed(ip, allowlist.length > 0 ? allowlist : LOOPBACK_ONLY);
}

function readTls(settings: NonNullable<MllpEndpointSettings['tls']>): MllpTlsMaterial {
  return {
    cert: readFileSync(settings.certFile),
    key: readFileSync(settings.keyFile),
    ...(settings.caFile ? { ca: readFileSync(settings.caFile) } : {}),
    requestCert: settings.requestClientCert,
    rejectUnauthorized: settings.rejectUnauthorized,
  };
}

/** Paths compare case-insensitively and without a trailing slash, as IIS-hosted asmx services do. */
function soapPathKey(path: string): string {
  const p = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  return p.toLowerCase();
}
