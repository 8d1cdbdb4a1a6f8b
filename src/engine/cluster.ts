// Several nodes on one PostgreSQL (docs/architecture.md, "Cluster"). Each node keeps the configuration in memory and
// its dispatcher is woken by its own ingest; this module tells the other nodes, through the database's notifier
// (LISTEN/NOTIFY, src/platform/db/notify.ts):
//   hutong_config  payload `<node id>` — sent inside every configuration transaction, so it arrives only on commit.
//                  Every other node reloads its EngineConfigCache (reloads coalesce) and polls once, since a change
//                  may have made deliveries due (resume, enable).
//   hutong_work    payload `<node id>|<subscription id>,…` — after commits that put deliveries in the outbox,
//                  coalesced (at most one every 10 ms) and sent outside the ingest transactions; every other node
//                  wakes its dispatcher for the subscriptions it knows.
// A node ignores its own notifications (it already reacted). After the listening connection was lost and came back,
// the node reloads its configuration and polls (a "resync": whatever was sent meanwhile is gone).
// On SQLite there are no other nodes: nothing is sent or listened to, and the ingest path is untouched.
import type { FastifyBaseLogger } from 'fastify';
import type { AnyExecutor, Database, NotificationListener } from '../platform/db/index.js';
import type { EngineConfigCache } from './config/cache.js';
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
}

export type Cluster = ReturnType<typeof createCluster>;

export function createCluster({ db, nodeId, cache, dispatcher, log }: ClusterDeps) {
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

  const refresh = () => {
    if (!running) return;
    cache
      .reload()
      .then(() => (running ? dispatcher.pollNow() : undefined))
      .catch((error: unknown) => log.error({ err: error }, 'cluster: configuration reload failed'));
  };

  const onConfig: NotificationListener = (event) => {
    if (event.resync || event.payload !== nodeId) refresh();
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

    /** Inside a configuration transaction: the other nodes reload once it commits. */
    async configChanged(trx: AnyExecutor): Promise<void> {
      if (notifier.distributed) await notifier.notify(CONFIG_CHANNEL, nodeId, trx);
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
