// Engine test fixtures: configuration rows written straight to the tables (so engine tests don't depend on the
// configuration API), a subscriber HTTP server that records what it receives and answers as told, and waiting helpers.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Hutong } from '../../src/app.js';
import { now, toJson } from '../../src/platform/db/index.js';
import { hashSecret, newId, newSecret } from '../../src/platform/ids/index.js';
import type { EngineTables } from '../../src/engine/tables.js';

export async function defaultDomainId(hutong: Hutong): Promise<string> {
  const k = hutong.db.kysely.withTables<EngineTables>();
  const row = await k.selectFrom('domains').select('id').where('code', '=', 'default').executeTakeFirstOrThrow();
  return row.id;
}

export async function addSystem(
  hutong: Hutong,
  options: { code?: string; ipAllowlist?: string[]; authType?: 'token' | 'basic'; enabled?: boolean } = {},
): Promise<{ id: string; code: string; secret: string }> {
  const k = hutong.db.kysely.withTables<EngineTables>();
  const id = newId();
  const code = options.code ?? `SYS${Math.random().toString(36).slice(2, 8).toUpperCase()}`;
  const secret = newSecret(24);
  const at = now();
  await k
    .insertInto('systems')
    .values({
      id,
      domain_id: await defaultDomainId(hutong),
      code,
      name: `${code} 系统`,
      vendor: 'Test Vendor',
      contact: null,
      description: null,
      enabled: options.enabled === false ? 0 : 1,
      auth_type: options.authType ?? 'token',
      auth_username: null,
      secret_hash: hashSecret(secret),
      ip_allowlist: toJson(options.ipAllowlist ?? ['127.0.0.1', '::1']) ?? '[]',
      created_at: at,
      updated_at: at,
    })
    .execute();
  await hutong.engine.cache.reload();
  return { id, code, secret };
}

export async function addTopic(
  hutong: Hutong,
  options: {
    code?: string;
    mode?: 'async' | 'sync';
    model?: string;
    enabled?: boolean;
    publishers?: string[];
    validate?: boolean;
  } = {},
): Promise<{ id: string; code: string }> {
  const k = hutong.db.kysely.withTables<EngineTables>();
  const id = newId();
  const code = options.code ?? `Topic${Math.random().toString(36).slice(2, 8)}`;
  const at = now();
  await k
    .insertInto('topics')
    .values({
      id,
      domain_id: await defaultDomainId(hutong),
      code,
      name: `${code} 主题`,
      category: 'test',
      description: null,
      model: options.model ?? 'JSON',
      mode: options.mode ?? 'async',
      validate: options.validate ? 1 : 0,
      index_fields: null,
      enabled: options.enabled === false ? 0 : 1,
      created_at: at,
      updated_at: at,
    })
    .execute();
  for (const systemId of options.publishers ?? []) {
    await k.insertInto('topic_publishers').values({ topic_id: id, system_id: systemId }).execute();
  }
  await hutong.engine.cache.reload();
  return { id, code };
}

export interface SubscriptionOptions {
  url: string;
  filter?: string;
  transform?: string;
  maxAttempts?: number;
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  ordering?: 'fifo' | 'parallel';
  workers?: number;
  timeoutMs?: number;
  paused?: boolean;
}

export async function addSubscription(
  hutong: Hutong,
  topicId: string,
  systemId: string,
  options: SubscriptionOptions,
): Promise<{ id: string }> {
  const k = hutong.db.kysely.withTables<EngineTables>();
  const id = newId();
  const at = now();
  await k
    .insertInto('subscriptions')
    .values({
      id,
      domain_id: await defaultDomainId(hutong),
      topic_id: topicId,
      system_id: systemId,
      name: `sub-${id.slice(-6)}`,
      adapter: 'http',
      adapter_config: toJson({ url: options.url, timeoutMs: options.timeoutMs ?? 5000 }) ?? '{}',
      filter: options.filter ?? null,
      transform: options.transform ?? null,
      transform_ref: null,
      max_attempts: options.maxAttempts ?? 5,
      backoff_initial_ms: options.backoffInitialMs ?? 1000,
      backoff_max_ms: options.backoffMaxMs ?? 60_000,
      ordering: options.ordering ?? 'parallel',
      workers: options.workers ?? 4,
      paused: options.paused ? 1 : 0,
      enabled: 1,
      created_at: at,
      updated_at: at,
    })
    .execute();
  await hutong.engine.cache.reload();
  return { id };
}

export interface Received {
  body: string;
  headers: IncomingHttpHeaders;
  at: number;
}

/** A subscriber: records every request; answers with the next planned response, then 200. */
export class Receiver {
  readonly received: Received[] = [];
  /** Most requests it was answering at the same time. */
  maxConcurrent = 0;
  private concurrent = 0;
  private readonly plan: { status: number; body?: string; delayMs?: number }[] = [];
  private server: Server | undefined;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      this.concurrent++;
      this.maxConcurrent = Math.max(this.maxConcurrent, this.concurrent);
      res.on('finish', () => this.concurrent--);
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        this.received.push({ body, headers: req.headers, at: Date.now() });
        const next = this.plan.shift() ?? { status: 200, body: '{"ok":true}' };
        const answer = () => {
          res.writeHead(next.status, { 'content-type': 'application/json' });
          res.end(next.body ?? '{}');
        };
        if (next.delayMs) setTimeout(answer, next.delayMs);
        else answer();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/inbox`;
    return this;
  }

  /** The next requests get these answers, in order. */
  respond(...answers: { status: number; body?: string; delayMs?: number }[]): void {
    this.plan.push(...answers);
  }

  bodies(): unknown[] {
    return this.received.map((r) => JSON.parse(r.body) as unknown);
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** Polls `check` until it returns true (or a value), up to `timeoutMs`. */
export async function waitFor<T>(
  check: () => Promise<T> | T,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<Exclude<T, null | undefined | false | 0 | ''>> {
  const started = Date.now();
  for (;;) {
    const value = await check();
    if (value) return value as Exclude<T, null | undefined | false | 0 | ''>;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A clock the test moves by hand; the dispatcher's backoff jitter becomes deterministic (random = 0.5). */
export class FakeClock {
  private offset = 0;
  now = (): number => Date.now() + this.offset;
  random = (): number => 0.5;
  advance(ms: number): void {
    this.offset += ms;
  }
}
