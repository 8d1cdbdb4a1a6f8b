// The engine's Prometheus metrics, per topic and per subscription: received, delivered, failed attempts, dead
// letters, delivery latency, and — read from the outbox when scraped — queue depth and the age of the oldest
// undelivered message.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { sql } from 'kysely';
import type { Database } from '../platform/db/index.js';
import type { HipReaders } from './adapters/inbound/soap/readers.js';
import type { EngineConfigCache, SubscriptionConfig, TopicConfig } from './config/cache.js';
import type { EngineTables } from './tables.js';
import type { WriterStats } from './writer.js';

export class EngineMetrics {
  readonly received: Counter<'domain' | 'topic' | 'outcome'>;
  readonly delivered: Counter<'subscription' | 'topic'>;
  readonly failedAttempts: Counter<'subscription' | 'topic'>;
  readonly dead: Counter<'subscription' | 'topic'>;
  readonly latency: Histogram<'subscription'>;

  constructor(registry: Registry, db: Database, cache: EngineConfigCache) {
    this.received = new Counter({
      name: 'hutong_engine_messages_received_total',
      help: 'Messages received, by domain, topic and outcome (accepted, duplicate, sync)',
      labelNames: ['domain', 'topic', 'outcome'],
      registers: [registry],
    });
    this.delivered = new Counter({
      name: 'hutong_engine_deliveries_delivered_total',
      help: 'Deliveries that reached their subscriber',
      labelNames: ['subscription', 'topic'],
      registers: [registry],
    });
    this.failedAttempts = new Counter({
      name: 'hutong_engine_delivery_attempts_failed_total',
      help: 'Delivery attempts that failed (errors and timeouts)',
      labelNames: ['subscription', 'topic'],
      registers: [registry],
    });
    this.dead = new Counter({
      name: 'hutong_engine_deliveries_dead_total',
      help: 'Deliveries moved to the dead letters after their last attempt',
      labelNames: ['subscription', 'topic'],
      registers: [registry],
    });
    this.latency = new Histogram({
      name: 'hutong_engine_delivery_latency_seconds',
      help: 'Time from receiving a message to its delivery, per subscription',
      labelNames: ['subscription'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers: [registry],
    });
    const depth = new Gauge({
      name: 'hutong_engine_queue_depth',
      help: 'Deliveries not yet done, per subscription',
      labelNames: ['subscription', 'topic'],
      registers: [registry],
      collect: async () => {
        const rows = await queueRows(db);
        depth.reset();
        oldest.reset();
        const now = Date.now();
        for (const r of rows) {
          const sub = cache.subscription(r.subscription_id);
          const labels = { subscription: sub?.name ?? r.subscription_id, topic: topicCode(cache, sub) };
          depth.set(labels, Number(r.n));
          oldest.set(labels, Math.max(0, (now - Date.parse(r.oldest)) / 1000));
        }
      },
    });
    const oldest = new Gauge({
      name: 'hutong_engine_queue_oldest_age_seconds',
      help: 'Age of the oldest undelivered delivery, per subscription',
      labelNames: ['subscription', 'topic'],
      registers: [registry],
    });
  }

  labels(sub: SubscriptionConfig, cache: EngineConfigCache) {
    return { subscription: sub.name, topic: topicCode(cache, sub) };
  }

  countReceived(topic: TopicConfig, outcome: string): void {
    this.received.inc({ domain: topic.domainCode, topic: topic.code, outcome });
  }
}

/**
 * The group-commit writer: transactions written and the jobs they carried. Jobs per transaction is the size of the
 * groups that share one commit and fsync (rate(jobs) / rate(batches)); near 1 under load means commits, not requests,
 * set the pace.
 */
export function registerWriterMetrics(registry: Registry, stats: WriterStats): void {
  new Counter({
    name: 'hutong_engine_writer_transactions_total',
    help: 'Transactions written by the group-commit writer',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(stats.batches);
    },
  });
  new Counter({
    name: 'hutong_engine_writer_jobs_total',
    help: 'Writes (new messages, delivery outcomes, claims) carried by those transactions',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(stats.jobs);
    },
  });
  new Gauge({
    name: 'hutong_engine_writer_largest_transaction_jobs',
    help: 'The most writes one transaction has carried since the start',
    registers: [registry],
    collect() {
      this.set(stats.largestBatch);
    },
  });
}

/** The WebService's XML reader threads (adapters/inbound/soap/readers.ts). */
export function registerReaderMetrics(registry: Registry, readers: HipReaders): void {
  new Gauge({
    name: 'hutong_engine_xml_reader_threads',
    help: 'XML reader threads running (WebService requests are read and XSD checks run on them; 0 = on the event loop)',
    registers: [registry],
    collect() {
      this.set(readers.running);
    },
  });
  new Counter({
    name: 'hutong_engine_xml_jobs_total',
    help: 'Jobs of the XML reader threads (read: a WebService request; validate: an XSD check), by where they ran',
    labelNames: ['job', 'where'],
    registers: [registry],
    collect() {
      this.reset();
      for (const job of ['read', 'validate'] as const) {
        this.inc({ job, where: 'thread' }, readers.stats[job].thread);
        this.inc({ job, where: 'event_loop' }, readers.stats[job].eventLoop);
      }
    },
  });
  new Counter({
    name: 'hutong_engine_xml_reader_exits_total',
    help: 'XML reader threads that exited unasked (each is replaced a second later; its requests were read on the event loop)',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(readers.stats.exits);
    },
  });
}

function topicCode(cache: EngineConfigCache, sub: SubscriptionConfig | undefined): string {
  return (sub && cache.topicById(sub.topicId)?.code) ?? '';
}

export function queueRows(db: Database) {
  return db.kysely
    .withTables<EngineTables>()
    .selectFrom('deliveries')
    .select(['subscription_id', (eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.min('created_at').as('oldest')])
    .where(sql.ref('open'), '=', 1)
    .groupBy('subscription_id')
    .execute();
}
