// Monitoring queries. Everything is counted in the database on index ranges; nothing reads message bodies, and no
// query walks more than the time window. Per-minute series are one `count(*)` per minute over a range of the time
// column (several minutes per statement, joined by UNION ALL) — the same SQL on both dialects, and on SQLite about
// four times faster than grouping by a computed minute, which needs a temporary B-tree.
//
// Indexes these queries expect (see the report to the lead; all exist except the last two):
//   messages (topic_id, received_at)                      received per minute and per topic (covering)
//   messages (status, received_at)                        failed / rejected messages, recent rejections
//   deliveries (subscription_id, id) WHERE open = 1       queue depth (covering)
//   deliveries (subscription_id, finished_at) WHERE status = 'delivered'   delivered per minute (covering), latency
//   attempts (started_at) WHERE outcome <> 'ok'           failed attempts per minute, dead letters, recent errors
import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import type { PlatformTables } from '../../platform/db/index.js';
import type { EngineTables } from '../tables.js';

type DB = PlatformTables & EngineTables;
export type Reader = Kysely<DB>;

export interface Bucket {
  from: string;
  to: string;
}

/** Largest number of bind parameters we put in one statement (below both dialects' limits). */
const MAX_PARAMS = 20_000;
/** Arms of one UNION ALL (SQLite allows 500 by default). */
const MAX_ARMS = 60;

/** Runs one counting query per bucket, several buckets per statement; returns [bucket index, count] pairs. */
async function countPerBucket(
  buckets: Bucket[],
  paramsPerArm: number,
  arm: (b: Bucket, i: number) => SelectQueryBuilder<DB, never, { i: number; n: number }>,
): Promise<number[]> {
  const counts = buckets.map(() => 0);
  const perStatement = Math.max(1, Math.min(MAX_ARMS, Math.floor(MAX_PARAMS / Math.max(1, paramsPerArm))));
  for (let s = 0; s < buckets.length; s += perStatement) {
    const arms = buckets.slice(s, s + perStatement).map((b, j) => arm(b, s + j));
    let q = arms[0]!;
    for (const a of arms.slice(1)) q = q.unionAll(a);
    for (const row of await q.execute()) counts[Number(row.i)] = Number(row.n);
  }
  return counts;
}

/** Messages received per minute, per topic of `topicIds` (one pass over the (topic_id, received_at) index). */
export async function receivedPerTopicAndMinute(
  k: Reader,
  buckets: Bucket[],
  topicIds: string[],
): Promise<{ perMinute: number[]; perTopic: Map<string, number> }> {
  const perMinute = buckets.map(() => 0);
  const perTopic = new Map<string, number>();
  if (topicIds.length === 0 || buckets.length === 0) return { perMinute, perTopic };
  const perStatement = Math.max(1, Math.min(MAX_ARMS, Math.floor(MAX_PARAMS / (topicIds.length + 2))));
  for (let s = 0; s < buckets.length; s += perStatement) {
    const arms = buckets.slice(s, s + perStatement).map((b, j) =>
      k
        .selectFrom('messages')
        .select([sql.lit(s + j).as('i'), 'topic_id', (eb) => eb.fn.countAll<number>().as('n')])
        .where('topic_id', 'in', topicIds)
        .where('received_at', '>=', b.from)
        .where('received_at', '<', b.to)
        .groupBy('topic_id'),
    );
    let q = arms[0]!;
    for (const a of arms.slice(1)) q = q.unionAll(a);
    for (const row of await q.execute()) {
      const n = Number(row.n);
      perMinute[Number(row.i)]! += n;
      perTopic.set(row.topic_id, (perTopic.get(row.topic_id) ?? 0) + n);
    }
  }
  return { perMinute, perTopic };
}

/** Deliveries that reached their subscriber per minute (by finished_at), for these subscriptions. */
export function deliveredPerMinute(k: Reader, buckets: Bucket[], subscriptionIds: string[]): Promise<number[]> {
  if (subscriptionIds.length === 0) return Promise.resolve(buckets.map(() => 0));
  return countPerBucket(
    buckets,
    subscriptionIds.length + 2,
    (b, i) =>
      k
        .selectFrom('deliveries')
        .select([sql.lit(i).as('i'), (eb) => eb.fn.countAll<number>().as('n')])
        .where('subscription_id', 'in', subscriptionIds)
        .where('status', '=', 'delivered')
        .where('finished_at', '>=', b.from)
        .where('finished_at', '<', b.to) as unknown as SelectQueryBuilder<DB, never, { i: number; n: number }>,
  );
}

/**
 * Failed attempts per minute (outcome other than ok). With a domain (`subscriptionIds`), each failed attempt's
 * delivery is looked up by its key to tell the subscription — only failures are read.
 */
export function failedPerMinute(k: Reader, buckets: Bucket[], subscriptionIds: string[] | null): Promise<number[]> {
  if (subscriptionIds && subscriptionIds.length === 0) return Promise.resolve(buckets.map(() => 0));
  return countPerBucket(buckets, (subscriptionIds?.length ?? 0) + 3, (b, i) => {
    let q = k
      .selectFrom('attempts as a')
      .select([sql.lit(i).as('i'), (eb) => eb.fn.countAll<number>().as('n')])
      .where('a.outcome', '<>', 'ok')
      .where('a.started_at', '>=', b.from)
      .where('a.started_at', '<', b.to);
    if (subscriptionIds) {
      q = q.where(({ exists, selectFrom }) =>
        exists(
          selectFrom('deliveries as d')
            .select(sql<number>`1`.as('one'))
            .whereRef('d.id', '=', 'a.delivery_id')
            .where('d.subscription_id', 'in', subscriptionIds),
        ),
      );
    }
    return q as unknown as SelectQueryBuilder<DB, never, { i: number; n: number }>;
  });
}

/** Deliveries that became dead letters in the window, found through their failed attempts (few) rather than
 * through every delivery finished in the window. */
export async function deadSince(k: Reader, from: string, subscriptionIds: string[] | null): Promise<number> {
  if (subscriptionIds && subscriptionIds.length === 0) return 0;
  let dead = k
    .selectFrom('attempts as a')
    .innerJoin('deliveries as d', 'd.id', 'a.delivery_id')
    .select('d.id')
    .distinct()
    .where('a.outcome', '<>', 'ok')
    .where('a.started_at', '>=', from)
    .where('d.status', '=', 'dead')
    .where('d.finished_at', '>=', from);
  if (subscriptionIds) dead = dead.where('d.subscription_id', 'in', subscriptionIds);
  const row = await k
    .selectFrom(dead.as('dead'))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Messages received since `from` that are now failed or rejected, per topic (through the status index). */
export async function failedMessagesPerTopic(k: Reader, from: string): Promise<Map<string, number>> {
  const rows = await k
    .selectFrom('messages')
    .select(['topic_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('status', 'in', ['failed', 'rejected'])
    .where('received_at', '>=', from)
    .groupBy('topic_id')
    .execute();
  return new Map(rows.map((r) => [r.topic_id, Number(r.n)]));
}

/** Open deliveries per subscription, with the oldest one's creation time (UUID v7 ids sort by creation). */
export async function queueDepths(k: Reader): Promise<Map<string, { depth: number; oldest: string | null }>> {
  const rows = await k
    .selectFrom('deliveries')
    .select(['subscription_id', (eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.min('id').as('oldest_id')])
    .where('open', '=', 1)
    .groupBy('subscription_id')
    .execute();
  const ids = rows.map((r) => r.oldest_id).filter((id): id is string => typeof id === 'string');
  const created = new Map<string, string>();
  for (let i = 0; i < ids.length; i += 1000) {
    const found = await k
      .selectFrom('deliveries')
      .select(['id', 'created_at'])
      .where('id', 'in', ids.slice(i, i + 1000))
      .execute();
    for (const f of found) created.set(f.id, f.created_at);
  }
  return new Map(
    rows.map((r) => [
      r.subscription_id,
      { depth: Number(r.n), oldest: typeof r.oldest_id === 'string' ? (created.get(r.oldest_id) ?? null) : null },
    ]),
  );
}

/** Latencies (ms, finished − created) of the most recent deliveries finished since `from`, at most `limit`. */
export async function recentLatencies(
  k: Reader,
  from: string,
  subscriptionIds: string[],
  limit: number,
): Promise<number[]> {
  if (subscriptionIds.length === 0) return [];
  const rows = await k
    .selectFrom('deliveries')
    .select(['created_at', 'finished_at'])
    .where('subscription_id', 'in', subscriptionIds)
    .where('status', '=', 'delivered')
    .where('finished_at', '>=', from)
    .orderBy('finished_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => Math.max(0, Date.parse(r.finished_at ?? r.created_at) - Date.parse(r.created_at)));
}

export interface RecentError {
  at: string;
  messageId: string;
  deliveryId: string | null;
  subscriptionId: string | null;
  topicId: string | null;
  error: string;
}

/** The latest failed attempts and rejected messages since `from`, newest first. */
export async function recentErrors(
  k: Reader,
  from: string,
  subscriptionIds: string[] | null,
  topicIds: Set<string> | null,
  limit: number,
): Promise<RecentError[]> {
  let attempts = k
    .selectFrom('attempts as a')
    .innerJoin('deliveries as d', 'd.id', 'a.delivery_id')
    .select([
      'a.started_at',
      'a.message_id',
      'a.delivery_id',
      'a.error',
      'a.outcome',
      'a.status_code',
      'd.subscription_id',
    ])
    .where('a.outcome', '<>', 'ok')
    .where('a.started_at', '>=', from)
    .orderBy('a.started_at', 'desc')
    .limit(limit);
  if (subscriptionIds) attempts = attempts.where('d.subscription_id', 'in', subscriptionIds);
  const [failed, rejected] = await Promise.all([
    subscriptionIds && subscriptionIds.length === 0 ? Promise.resolve([]) : attempts.execute(),
    // Rejections are rare: the latest few through the status index, the domain picked out here.
    k
      .selectFrom('messages')
      .select(['id', 'topic_id', 'received_at', 'error'])
      .where('status', '=', 'rejected')
      .where('received_at', '>=', from)
      .orderBy('received_at', 'desc')
      .limit(limit * 5)
      .execute(),
  ]);
  const out: RecentError[] = [
    ...failed.map((a) => ({
      at: a.started_at,
      messageId: a.message_id,
      deliveryId: a.delivery_id,
      subscriptionId: a.subscription_id,
      topicId: null,
      error: a.error ?? `${a.outcome}${a.status_code ? ` ${a.status_code}` : ''}`,
    })),
    ...rejected
      .filter((m) => !topicIds || topicIds.has(m.topic_id))
      .map((m) => ({
        at: m.received_at,
        messageId: m.id,
        deliveryId: null,
        subscriptionId: null,
        topicId: m.topic_id,
        error: m.error ?? 'rejected',
      })),
  ];
  return out.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0)).slice(0, limit);
}

export function vendors(k: Reader, domainId: string | undefined) {
  let q = k.selectFrom('systems').select(['vendor', (eb) => eb.fn.countAll<number>().as('n')]);
  if (domainId) q = q.where('domain_id', '=', domainId);
  return q.groupBy('vendor').execute();
}
