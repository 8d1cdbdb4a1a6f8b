// Several nodes on one PostgreSQL (docs/architecture.md, "Cluster"). Each node keeps the configuration in memory and
// its dispatcher is woken by its own ingest; this module tells the other nodes, through the database's notifier
// (LISTEN/NOTIFY, src/platform/db/notify.ts):
//   hutong_config  payload `<node id>|<scope>,<scope>,…` — sent inside every configuration transaction, so it arrives
//                  only on commit. The scopes say what changed (src/engine/config/changes.ts): `config` (domains,
//                  systems, topics, subscriptions) makes every other node reload its EngineConfigCache (reloads
//                  coalesce) and poll once, since a change may have made deliveries due (resume, enable);
//                  `transform:<id>`, `lookup:<id>`, `model:<code>`, `endpoint:<id>` reload exactly that cache
//                  through the node's ConfigChanges (named transforms, one lookup table, one model, the endpoint
//                  runtime). A payload too long for NOTIFY names the kinds only (`lookup` = every lookup table);
//                  a bare `<node id>` (a node of the previous version) means `config`.
//   hutong_work    payload `<node id>|<subscription id>,…` — after commits that put deliveries in the outbox,
//                  coalesced (at most one every 10 ms) and sent outside the ingest transactions; every other node
//                  wakes its dispatcher for the subscriptions it knows.
// A node ignores its own notifications (it already reacted). After the listening connection was lost and came back,
// the node reloads its configuration and every registered cache, and polls (a "resync": whatever was sent meanwhile
// is gone).
// On SQLite there are no other nodes: nothing is sent or listened to, and the ingest path is untouched.
import type { FastifyBaseLogger } from 'fastify';
import type { AnyExecutor, Database, NotificationListener } from '../platform/db/index.js';
import type { EngineConfigCache } from './config/cache.js';
import { CONFIG_SCOPE, groupScopes, type ConfigChanges, type ConfigScope } from './config/changes.js';
import type { Dispatcher } from './dispatch/dispatcher.js';

export const CONFIG_CHANNEL = 'hutong_config';
export const WORK_CHANNEL = 'hutong_work';
/** pg_notify accepts payloads below 8,000 bytes; ids are ASCII. */
const MAX_PAYLOAD = 7_000;
/** New work is announced at most this often (one notification for everything committed meanwhile). */
const WORK_COALESCE_MS = 10;

export interface ClusterDeps {
  db: Database;
  nodeId: string;
  cache: EngineConfigCache;
  dispatcher: Pick<Dispatcher, 'wake' | 'pollNow'>;
  log: FastifyBaseLogger;
  /** The engine's other in-memory configuration: announced through this cluster, reloaded when others change it. */
  changes?: ConfigChanges;
}

export type Cluster = ReturnType<typeof createCluster>;

/** The hutong_config payload: who sent it and what changed (kinds only when the keys would not fit). */
export function configPayload(nodeId: string, scopes: readonly ConfigScope[]): string {
  const full = `${nodeId}|${scopes.join(',')}`;
  if (full.length <= MAX_PAYLOAD) return full;
  return `${nodeId}|${[...groupScopes(scopes).keys()].join(',')}`;
}

/** Reads a hutong_config payload (a bare node id, as older nodes send, means `config`). */
export function readConfigPayload(payload: string): { sender: string; scopes: ConfigScope[] } {
  const bar = payload.indexOf('|');
  if (bar < 0) return { sender: payload, scopes: [CONFIG_SCOPE] };
  return {
    sender: payload.slice(0, bar),
    scopes: payload
      .slice(bar + 1)
      .split(',')
      .filter((scope) => scope !== ''),
  };
}

export function createCluster({ db, nodeId, cache, dispatcher, log, changes }: ClusterDeps) {
  const notifier = db.notifier;
  const unlisten: (() => void)[] = [];
  let running = false;
  const pendingWork = new Set<string>();
  let workTimer: NodeJS.Timeout | undefined;

  const flushWork = () => {
    workTimer = undefined;
    let ids: string[] = [];
    let length = 0;
    const send = (list: string[]) =>
      notifier
        .notify(WORK_CHANNEL, `${nodeId}|${list.join(',')}`)
        .catch((error: unknown) => log.warn({ err: error }, 'cluster: work notification failed'));
    for (const id of pendingWork) {
      if (length + id.length + 1 > MAX_PAYLOAD - nodeId.length && ids.length > 0) {
        void send(ids);
        ids = [];
        length = 0;
      }
      ids.push(id);
      length += id.length + 1;
    }
    pendingWork.clear();
    if (ids.length > 0) void send(ids);
  };

  const sendConfig = async (trx: AnyExecutor, scopes: readonly ConfigScope[]) => {
    if (notifier.distributed && scopes.length > 0) {
      await notifier.notify(CONFIG_CHANNEL, configPayload(nodeId, scopes), trx);
    }
  };
  changes?.useTransport(sendConfig);

  /** Reloads what another node changed (`'all'` after a resync). */
  const refresh = (scopes: readonly ConfigScope[] | 'all') => {
    if (!running) return;
    const config = scopes === 'all' || scopes.some((scope) => scope === CONFIG_SCOPE);
    if (config) {
      cache
        .reload()
        .then(() => (running ? dispatcher.pollNow() : undefined))
        .catch((error: unknown) => log.error({ err: error }, 'cluster: configuration reload failed'));
    }
    changes
      ?.reload(scopes)
      .catch((error: unknown) => log.error({ err: error, scopes }, 'cluster: reloading changed configuration failed'));
  };

  const onConfig: NotificationListener = (event) => {
    if (event.resync) {
      refresh('all');
      return;
    }
    const { sender, scopes } = readConfigPayload(event.payload);
    if (sender !== nodeId) refresh(scopes);
  };

  const onWork: NotificationListener = (event) => {
    if (!running) return;
    if (event.resync) {
      void dispatcher.pollNow().catch((error: unknown) => log.error({ err: error }, 'cluster: poll failed'));
      return;
    }
    const bar = event.payload.indexOf('|');
    if (bar < 0 || event.payload.slice(0, bar) === nodeId) return;
    const known = event.payload
      .slice(bar + 1)
      .split(',')
      .filter((id) => cache.subscription(id) !== undefined);
    if (known.length > 0) dispatcher.wake(known);
  };

  return {
    /** True when other nodes may be listening (PostgreSQL). */
    distributed: notifier.distributed,

    /** Inside a configuration transaction: the other nodes reload `scopes` (default: `config`) once it commits. */
    configChanged(trx: AnyExecutor, scopes: readonly ConfigScope[] = [CONFIG_SCOPE]): Promise<void> {
      return sendConfig(trx, scopes);
    },

    /**
     * After a commit that put deliveries in the outbox: the other nodes wake these subscriptions. Coalesced into one
     * notification every few milliseconds and sent outside the ingest transactions — a NOTIFY inside them would
     * serialise their commits (PostgreSQL takes a global lock for it at commit). A wake-up is only a hint: a node that
     * misses one finds the work at its next poll.
     */
    workCommitted(subscriptionIds: Iterable<string>): void {
      if (!notifier.distributed || !running) return;
      for (const id of subscriptionIds) pendingWork.add(id);
      if (pendingWork.size > 0) workTimer ??= setTimeout(flushWork, WORK_COALESCE_MS);
    },

    /** Starts listening (resolves once the LISTENs are active, or their first attempt failed and is retried). */
    async start(): Promise<void> {
      if (!notifier.distributed || running) return;
      running = true;
      notifier.onError((error) => log.warn({ err: error }, 'cluster: notification connection error; reconnecting'));
      unlisten.push(await notifier.listen(CONFIG_CHANNEL, onConfig));
      unlisten.push(await notifier.listen(WORK_CHANNEL, onWork));
    },

    stop(): void {
      running = false;
      if (workTimer) clearTimeout(workTimer);
      workTimer = undefined;
      pendingWork.clear();
      for (const off of unlisten.splice(0)) off();
    },
  };
}
