// Cross-node notifications (docs/architecture.md, "Cluster"): N identical nodes share one PostgreSQL, and
// LISTEN/NOTIFY tells every node that the configuration changed or that new work was committed. The dialect
// difference lives here:
//  - PostgreSQL: one dedicated pg.Client (not from the pool — a pooled connection would be handed to other queries
//    and lose its LISTENs) listens on the channels. It reconnects after any error with backoff and never throws into
//    the process; after a reconnect every listener gets a synthetic "resync" (notifications sent while we were
//    disconnected are lost, so listeners reload everything they might have missed). `notify` runs
//    `select pg_notify($1, $2)` on the pool, or inside the caller's transaction so it is delivered only on commit.
//  - SQLite: one process owns the file, so there is no other node to tell. `notify` delivers nothing at all — the
//    node that made a change already reacts to it itself — and `distributed` is false so callers can skip the work.
// Channels are scoped by the PostgreSQL schema (several installations or test runs may share one database).
import { sql } from 'kysely';
import pg from 'pg';
import type { AnyExecutor } from './index.js';

/** Called with the payload of a notification, or with `{ resync: true }` after a reconnect. */
export type NotificationListener = (
  event: { payload: string; resync: false } | { payload: null; resync: true },
) => void;

export interface Notifier {
  /** True when other processes may be listening (PostgreSQL); false on SQLite, where notify is a no-op. */
  readonly distributed: boolean;
  /** Listens on `channel`; resolves once the LISTEN is active (or its first attempt failed — it is retried). */
  listen(channel: string, listener: NotificationListener): Promise<() => void>;
  /** Sends `payload` (at most ~7,900 bytes) on `channel`; with `executor` a transaction, only when it commits. */
  notify(channel: string, payload: string, executor?: AnyExecutor): Promise<void>;
  /** Where connection errors go (the engine logs them); they never reach the caller. */
  onError(handler: (error: Error) => void): void;
  close(): Promise<void>;
}

export interface PgNotifierOptions {
  url: string;
  schema?: string | undefined;
  /** Where notify runs when no transaction is given (the Database's pool). */
  executor: AnyExecutor;
  /** Told about connection errors (the notifier itself never throws them). */
  onError?: (error: Error) => void;
  /** First reconnect delay; doubles up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
}

/** SQLite: nothing to notify across, nothing ever arrives. */
export function localNotifier(): Notifier {
  return {
    distributed: false,
    listen: () => Promise.resolve(() => undefined),
    notify: () => Promise.resolve(),
    onError: () => undefined,
    close: () => Promise.resolve(),
  };
}

export function pgNotifier(options: PgNotifierOptions): Notifier {
  const listeners = new Map<string, Set<NotificationListener>>();
  const scoped = (channel: string) => (options.schema ? `${channel}__${options.schema}` : channel);
  const quote = (channel: string) => `"${channel.replace(/"/g, '""')}"`;
  let onError = options.onError;
  const report = (error: unknown) => onError?.(error instanceof Error ? error : new Error(String(error)));
  const initialBackoff = options.backoffMs ?? 250;
  const maxBackoff = options.maxBackoffMs ?? 10_000;

  let client: pg.Client | undefined;
  let connecting: Promise<void> | undefined;
  let backoff = initialBackoff;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  let everConnected = false;

  const deliver = (channel: string, event: Parameters<NotificationListener>[0]) => {
    for (const listener of listeners.get(channel) ?? []) {
      try {
        listener(event);
      } catch (error) {
        report(error);
      }
    }
  };

  const scheduleReconnect = () => {
    if (closed || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      void connect();
    }, backoff);
    timer.unref();
    backoff = Math.min(backoff * 2, maxBackoff);
  };

  const connect = (): Promise<void> => {
    connecting ??= (async () => {
      const c = new pg.Client({ connectionString: options.url, application_name: 'hutong-notify' });
      const lost = (error?: Error) => {
        if (error) report(error);
        if (client !== c) return;
        client = undefined;
        c.removeAllListeners('notification');
        void c.end().catch(() => undefined);
        scheduleReconnect();
      };
      c.on('error', lost);
      c.on('end', () => lost());
      try {
        await c.connect();
        for (const channel of listeners.keys()) await c.query(`listen ${quote(scoped(channel))}`);
      } catch (error) {
        report(error);
        c.removeAllListeners('end');
        await c.end().catch(() => undefined);
        scheduleReconnect();
        return;
      }
      if (closed) {
        await c.end().catch(() => undefined);
        return;
      }
      c.on('notification', (n) => {
        for (const channel of listeners.keys()) {
          if (scoped(channel) === n.channel) deliver(channel, { payload: n.payload ?? '', resync: false });
        }
      });
      client = c;
      backoff = initialBackoff;
      // Anything sent while we were not listening is gone: every listener reloads what it might have missed.
      if (everConnected) for (const channel of listeners.keys()) deliver(channel, { payload: null, resync: true });
      everConnected = true;
    })().finally(() => (connecting = undefined));
    return connecting;
  };

  return {
    distributed: true,
    async listen(channel, listener) {
      if (closed) throw new Error('notifier closed');
      let set = listeners.get(channel);
      const fresh = !set;
      if (!set) listeners.set(channel, (set = new Set()));
      set.add(listener);
      if (connecting) await connecting;
      if (!client) {
        if (!timer) await connect();
      } else if (fresh) {
        try {
          await client.query(`listen ${quote(scoped(channel))}`);
        } catch (error) {
          // The connection broke: the reconnect LISTENs on every channel again.
          report(error);
        }
      }
      return () => {
        set.delete(listener);
      };
    },
    async notify(channel, payload, executor) {
      await sql`select pg_notify(${scoped(channel)}, ${payload})`.execute(executor ?? options.executor);
    },
    onError(handler) {
      onError = handler;
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      if (connecting) await connecting.catch(() => undefined);
      const c = client;
      client = undefined;
      if (c) {
        c.removeAllListeners();
        c.on('error', () => undefined);
        await c.end().catch(() => undefined);
      }
      listeners.clear();
    },
  };
}
