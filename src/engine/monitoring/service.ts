// 运行监控 / 消息监控: what the engine did in the last N minutes — per-minute traffic, each topic with its publishers
// and subscribers, queues, latency, the busiest topics, recent errors and totals. Configuration comes from the cache;
// counts come from index ranges (see store.ts). A result is kept for a few seconds so that several open consoles
// polling at once cost one computation.
import type { RequestContext } from '../../platform/auth/context.js';
import type { Database } from '../../platform/db/index.js';
import type { EngineConfigCache, SubscriptionConfig, TopicConfig } from '../config/cache.js';
import type { Dispatcher } from '../dispatch/dispatcher.js';
import { EP } from '../permissions.js';
import type { EngineTables } from '../tables.js';
import type { Stats, StatsQuery } from './schema.js';
import * as store from './store.js';

const LATENCY_SAMPLES = 2000;
const RECENT_ERRORS = 20;
const RANKING = 10;

export interface MonitoringOptions {
  /** How long a computed result is served again (ms); 0 computes every time. */
  cacheMs?: number;
  now?: () => number;
}

export class MonitoringService {
  private readonly memo = new Map<string, { at: number; value: Promise<Stats> }>();
  private readonly cacheMs: number;
  private readonly now: () => number;

  constructor(
    private readonly db: Database,
    private readonly cache: EngineConfigCache,
    private readonly dispatcher: Pick<Dispatcher, 'inFlight'>,
    options: MonitoringOptions = {},
  ) {
    this.cacheMs = options.cacheMs ?? 5000;
    this.now = options.now ?? Date.now;
  }

  async stats(ctx: RequestContext, query: StatsQuery): Promise<Stats> {
    ctx.require(EP.monitorRead);
    const key = `${query.domainId ?? ''}\u0000${query.minutes ?? 60}`;
    const at = this.now();
    const hit = this.memo.get(key);
    if (hit && at - hit.at < this.cacheMs) return hit.value;
    const value = this.compute(query.domainId, query.minutes ?? 60, at);
    this.memo.set(key, { at, value });
    value.catch(() => this.memo.delete(key));
    if (this.memo.size > 100) this.memo.clear();
    return value;
  }

  private async compute(domainId: string | undefined, minutes: number, nowMs: number): Promise<Stats> {
    const k = this.db.kysely.withTables<EngineTables>();
    const inDomain = (x: { domainId: string }) => !domainId || x.domainId === domainId;
    const topics = this.cache
      .topics()
      .filter(inDomain)
      .sort((a, b) => a.code.localeCompare(b.code));
    const allSubscriptions = this.cache.subscriptions();
    const subscriptions = allSubscriptions.filter(inDomain);
    const topicIds = topics.map((t) => t.id);
    const subscriptionIds = subscriptions.map((s) => s.id);
    // Failures are attributed to a domain through their deliveries' subscriptions; when the domain holds every
    // subscription (one production domain, the usual case) that lookup is skipped.
    const scopedSubs = domainId && subscriptions.length < allSubscriptions.length ? subscriptionIds : null;

    const firstMinute = Math.floor(nowMs / 60_000) * 60_000 - (minutes - 1) * 60_000;
    const buckets: store.Bucket[] = Array.from({ length: minutes }, (_, i) => ({
      from: new Date(firstMinute + i * 60_000).toISOString(),
      to: new Date(firstMinute + (i + 1) * 60_000).toISOString(),
    }));
    const from = buckets[0]!.from;
    const to = new Date(nowMs).toISOString();

    const [received, delivered, failed, dead, failedByTopic, depths, errors, vendorRows] = await Promise.all([
      store.receivedPerTopicAndMinute(k, buckets, topicIds),
      store.deliveredPerMinute(k, buckets, subscriptionIds),
      store.failedPerMinute(k, buckets, scopedSubs),
      store.deadSince(k, from, scopedSubs),
      store.failedMessagesPerTopic(k, from),
      store.queueDepths(k),
      store.recentErrors(k, from, scopedSubs, domainId ? new Set(topicIds) : null, RECENT_ERRORS),
      store.vendors(k, domainId),
    ]);
    // Latency samples: the most recent deliveries, read from the last minutes that hold enough of them (known from
    // the per-minute counts), so the sort never covers the whole window at full load.
    let sampleFrom = buckets.length - 1;
    for (let n = delivered[sampleFrom] ?? 0; sampleFrom > 0 && n < LATENCY_SAMPLES;) n += delivered[--sampleFrom] ?? 0;
    const latencies = await store.recentLatencies(k, buckets[sampleFrom]!.from, subscriptionIds, LATENCY_SAMPLES);

    const inFlight = this.dispatcher.inFlight();
    const system = (id: string) => {
      const s = this.cache.systemById(id);
      return { systemId: id, code: s?.code ?? id, name: s?.name ?? id };
    };
    const topicRows = topics.map((t: TopicConfig) => ({
      topicId: t.id,
      code: t.code,
      name: t.name,
      received: received.perTopic.get(t.id) ?? 0,
      failed: failedByTopic.get(t.id) ?? 0,
      publishers: [...t.publishers].map(system).sort((a, b) => a.code.localeCompare(b.code)),
      subscribers: this.cache
        .subscriptionsOf(t.id)
        .map((s) => ({ ...system(s.systemId), subscriptionId: s.id, subscriptionName: s.name })),
    }));
    const queues = subscriptions.map((s: SubscriptionConfig) => {
      const q = depths.get(s.id);
      return {
        subscriptionId: s.id,
        name: s.name,
        topicCode: this.cache.topicById(s.topicId)?.code ?? null,
        systemCode: this.cache.systemById(s.systemId)?.code ?? null,
        depth: q?.depth ?? 0,
        oldestAgeSeconds: q?.oldest ? Math.max(0, Math.round((nowMs - Date.parse(q.oldest)) / 1000)) : null,
        inFlight: inFlight.get(s.id) ?? 0,
        paused: s.paused,
        enabled: s.enabled,
      };
    });
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    const vendorList = vendorRows
      .map((v) => ({ vendor: v.vendor ?? '', systems: Number(v.n) }))
      .sort((a, b) => b.systems - a.systems || a.vendor.localeCompare(b.vendor));

    return {
      from,
      to,
      perMinute: buckets.map((b, i) => ({
        minute: b.from,
        received: received.perMinute[i] ?? 0,
        delivered: delivered[i] ?? 0,
        failed: failed[i] ?? 0,
      })),
      topics: topicRows,
      queues,
      latency: {
        p50Ms: percentile(latencies, 0.5),
        p95Ms: percentile(latencies, 0.95),
        samples: latencies.length,
      },
      ranking: topicRows
        .filter((t) => t.received > 0)
        .sort((a, b) => b.received - a.received || a.code.localeCompare(b.code))
        .slice(0, RANKING)
        .map((t) => ({ topicId: t.topicId, code: t.code, name: t.name, count: t.received })),
      recentErrors: errors.map((e) => {
        const sub = e.subscriptionId ? this.cache.subscription(e.subscriptionId) : undefined;
        const topicId = e.topicId ?? sub?.topicId ?? null;
        return {
          at: e.at,
          messageId: e.messageId,
          deliveryId: e.deliveryId,
          topicCode: topicId ? (this.cache.topicById(topicId)?.code ?? null) : null,
          subscriptionName: sub?.name ?? null,
          error: e.error.slice(0, 500),
        };
      }),
      totals: {
        received: sum(received.perMinute),
        delivered: sum(delivered),
        failed: sum(failed),
        pending: sum(queues.map((q) => q.depth)),
        dead,
        systems: sum(vendorList.map((v) => v.systems)),
        topics: topics.length,
        subscriptions: subscriptions.length,
        vendors: vendorList,
      },
    };
  }
}

/** Nearest-rank percentile of `values` (ms), or null without samples. */
export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(p * sorted.length)));
  return sorted[rank - 1]!;
}
