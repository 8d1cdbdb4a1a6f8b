// 投递: the dispatcher takes due deliveries off the outbox with a lease, prepares each (transform), sends it through
// the subscription's adapter and records the attempt: delivered, retry with backoff, or dead letter after the last
// attempt. Parallel subscriptions run up to `workers` at once; FIFO subscriptions one at a time, oldest first, and a
// failing head blocks the ones behind it. A crashed node's leases expire and its deliveries are claimed again.
import type { FastifyBaseLogger } from 'fastify';
import { sql } from 'kysely';
import type { Database } from '../../platform/db/index.js';
import { newId } from '../../platform/ids/index.js';
import type { AdapterRegistry, OutboundResult } from '../adapters/index.js';
import type { EngineConfigCache, SubscriptionConfig } from '../config/cache.js';
import { newAttempt } from '../ingest/pipeline.js';
import type { SyncAnswer } from '../ingest/pipeline.js';
import type { EngineTables } from '../tables.js';
import type { ExpressionError, MessageMeta, Transforms } from '../transforms/index.js';
import type { GroupCommitWriter } from '../writer.js';
import { backoffDelay, systemClock, type Clock } from './backoff.js';
import { claimHandler, writeOutcomes, type ClaimRequest, type ClaimedDelivery, type DeliveryOutcome } from './store.js';

export interface DispatcherOptions {
  db: Database;
  cache: EngineConfigCache;
  writer: GroupCommitWriter;
  transforms: Transforms;
  adapters: AdapterRegistry;
  log: FastifyBaseLogger;
  clock?: Clock;
  /** How often to look for due work besides being woken (retries, expired leases, other nodes' messages). */
  pollIntervalMs?: number;
  /** Extra lease time beyond the adapter's timeout. */
  leaseMarginMs?: number;
  /** Named transforms: a subscription's transform_ref resolves to an expression here. */
  resolveTransform?: (domainId: string, ref: string) => string | undefined;
  onDelivered?(sub: SubscriptionConfig, latencyMs: number): void;
  onAttemptFailed?(sub: SubscriptionConfig): void;
  onDead?(sub: SubscriptionConfig): void;
}

/** What a delivery needs of its message (read with the claim, or handed over by ingest). */
export interface MessageForDelivery {
  id: string;
  body: string;
  content_type: string;
  topic_id: string;
  system_id: string | null;
  source_message_id: string | null;
  received_at: string;
  patient_id: string | null;
  patient_name: string | null;
  visit_no: string | null;
  order_no: string | null;
  application_no: string | null;
}

interface SubState {
  inFlight: number;
  /** Workers a running claim asked for; hand-offs meanwhile see only what is left. */
  held: number;
  /** Work may be waiting (woken, or the last claim came back full). */
  mayHaveMore: boolean;
  claiming: boolean;
  /** Wake-ups so far: one that arrives while a claim runs must not be forgotten when the claim comes back short. */
  wakes: number;
}

const RESPONSE_EXCERPT = 2000;

/** How many deliveries a claim takes at least while others are in flight: a quarter of the workers. */
function claimBatch(sub: SubscriptionConfig): number {
  return Math.ceil(sub.workers / 4);
}

export class Dispatcher {
  readonly nodeId = `node-${newId().slice(-12)}`;
  private readonly clock: Clock;
  private readonly states = new Map<string, SubState>();
  private readonly claimed = new Map<string, { subscriptionId: string; messageId: string; attempts: number }>();
  private readonly controllers = new Set<AbortController>();
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private polling = false;
  private idle: (() => void) | undefined;

  constructor(private readonly o: DispatcherOptions) {
    this.clock = o.clock ?? systemClock;
    o.writer.handle('claim', claimHandler(o.db.dialect));
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedulePoll(0);
  }

  /** Stops claiming, lets in-flight deliveries finish for up to `graceMs`, then gives the rest back for others. */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    if (this.claimed.size > 0) {
      await Promise.race([
        new Promise<void>((resolve) => (this.idle = resolve)),
        new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref()),
      ]);
    }
    for (const c of this.controllers) c.abort();
    const at = new Date(this.clock.now()).toISOString();
    const release = [...this.claimed.entries()].map(([deliveryId, c]) =>
      this.o.writer.submit<boolean>(
        'outcome',
        {
          deliveryId,
          messageId: c.messageId,
          result: 'released',
          attempts: c.attempts,
          at,
          owner: this.nodeId,
        } satisfies DeliveryOutcome,
        { durable: false, key: c.subscriptionId },
      ),
    );
    await Promise.allSettled(release);
    this.claimed.clear();
    await this.o.writer.flush();
  }

  /** New deliveries were committed for these subscriptions. */
  wake(subscriptionIds: Iterable<string>): void {
    if (!this.running) return;
    for (const id of subscriptionIds) {
      const s = this.state(id);
      s.mayHaveMore = true;
      s.wakes++;
      void this.claimFor(id);
    }
  }

  /**
   * Hand-off (see DeliveryHandoff in ingest/pipeline.ts): a free worker of a parallel subscription is reserved for a
   * delivery about to be committed, which then goes out from memory. While the outbox may hold work for it, a quarter
   * of the workers is left to the claim loop, so older deliveries keep moving however steady the new traffic is.
   */
  reserve(sub: SubscriptionConfig): { owner: string; leaseUntil: string } | null {
    if (!this.running || sub.ordering === 'fifo' || !sub.enabled || sub.paused) return null;
    const s = this.state(sub.id);
    const free = sub.workers - s.inFlight - s.held;
    if (free <= (s.mayHaveMore ? claimBatch(sub) : 0)) return null;
    let timeoutMs: number;
    try {
      timeoutMs = this.o.adapters.get(sub.adapter).timeoutMs(sub.adapterConfig);
    } catch {
      return null;
    }
    s.inFlight++;
    const leaseUntil = new Date(this.clock.now() + timeoutMs + (this.o.leaseMarginMs ?? 60_000)).toISOString();
    return { owner: this.nodeId, leaseUntil };
  }

  unreserve(sub: SubscriptionConfig): void {
    const s = this.state(sub.id);
    s.inFlight = Math.max(0, s.inFlight - 1);
    if (this.running) void this.claimFor(sub.id);
  }

  handoff(sub: SubscriptionConfig, deliveryId: string, message: MessageForDelivery): void {
    this.claimed.set(deliveryId, { subscriptionId: sub.id, messageId: message.id, attempts: 0 });
    const row: ClaimedDelivery = { id: deliveryId, message_id: message.id, subscription_id: sub.id, attempts: 0 };
    void this.deliver(sub, row, message);
  }

  /** Look for due work now (tests, and after a configuration change such as resume). */
  async pollNow(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const k = this.o.db.kysely.withTables<EngineTables>();
      const now = new Date(this.clock.now()).toISOString();
      const due = await k
        .selectFrom('deliveries')
        .select('subscription_id')
        .distinct()
        .where(sql.ref('open'), '=', 1)
        .where('next_attempt_at', '<=', now)
        .execute();
      for (const { subscription_id } of due) {
        const s = this.state(subscription_id);
        s.mayHaveMore = true;
        s.wakes++;
        void this.claimFor(subscription_id);
      }
    } catch (error) {
      this.o.log.error({ err: error }, 'dispatcher poll failed');
    } finally {
      this.polling = false;
    }
  }

  /** Counts of what this node holds, for monitoring. */
  inFlight(): Map<string, number> {
    const out = new Map<string, number>();
    for (const [id, s] of this.states) if (s.inFlight > 0) out.set(id, s.inFlight);
    return out;
  }

  private schedulePoll(delay: number): void {
    this.timer = setTimeout(() => {
      void this.pollNow().finally(() => {
        if (this.running) this.schedulePoll(this.o.pollIntervalMs ?? 500);
      });
    }, delay);
    this.timer.unref();
  }

  private state(id: string): SubState {
    let s = this.states.get(id);
    if (!s) {
      s = { inFlight: 0, held: 0, mayHaveMore: true, claiming: false, wakes: 0 };
      this.states.set(id, s);
    }
    return s;
  }

  private async claimFor(subscriptionId: string): Promise<void> {
    const s = this.state(subscriptionId);
    if (!this.running || s.claiming || !s.mayHaveMore) return;
    const sub = this.o.cache.subscription(subscriptionId);
    if (!sub || !sub.enabled || sub.paused) return;
    const capacity = sub.ordering === 'fifo' ? (s.inFlight === 0 ? 1 : 0) : Math.max(0, sub.workers - s.inFlight);
    if (capacity === 0) return;
    // While work is in flight, claim in batches (a quarter of the workers at least) rather than one delivery per
    // freed worker: each claim is a statement and a read of the messages, whatever its size.
    if (s.inFlight > 0 && capacity < claimBatch(sub)) return;
    s.claiming = true;
    s.held = capacity;
    const wakes = s.wakes;
    try {
      const now = this.clock.now();
      const adapter = this.o.adapters.get(sub.adapter);
      const leaseMs = adapter.timeoutMs(sub.adapterConfig) + (this.o.leaseMarginMs ?? 60_000);
      const request: ClaimRequest = {
        subscriptionId,
        limit: capacity,
        fifo: sub.ordering === 'fifo',
        owner: this.nodeId,
        leaseUntil: new Date(now + leaseMs).toISOString(),
        now: new Date(now).toISOString(),
      };
      const rows = await this.o.writer.submit<ClaimedDelivery[]>('claim', request, {
        durable: false,
        key: subscriptionId,
      });
      s.mayHaveMore = (rows.length >= capacity && sub.ordering !== 'fifo') || s.wakes !== wakes;
      s.held = 0;
      s.inFlight += rows.length;
      if (rows.length === 0) return;
      for (const r of rows) this.claimed.set(r.id, { subscriptionId, messageId: r.message_id, attempts: r.attempts });
      const messages = await this.loadMessages(rows.map((r) => r.message_id));
      for (const row of rows) void this.deliver(sub, row, messages.get(row.message_id));
    } catch (error) {
      this.o.log.error({ err: error, subscriptionId }, 'claim failed');
    } finally {
      s.held = 0;
      s.claiming = false;
      // Woken while claiming: look again now rather than at the next poll.
      if (s.mayHaveMore && s.wakes !== wakes) void this.claimFor(subscriptionId);
    }
  }

  private async loadMessages(ids: string[]): Promise<Map<string, MessageForDelivery>> {
    const k = this.o.db.kysely.withTables<EngineTables>();
    const rows = await k
      .selectFrom('messages')
      .select([
        'id',
        'body',
        'content_type',
        'topic_id',
        'system_id',
        'source_message_id',
        'received_at',
        'patient_id',
        'patient_name',
        'visit_no',
        'order_no',
        'application_no',
      ])
      .where('id', 'in', [...new Set(ids)])
      .execute();
    return new Map(rows.map((r) => [r.id, r]));
  }

  private async deliver(
    sub: SubscriptionConfig,
    row: ClaimedDelivery,
    message: MessageForDelivery | undefined,
  ): Promise<void> {
    const started = this.clock.now();
    const attemptNo = row.attempts + 1;
    let outcome: DeliveryOutcome;
    try {
      if (!message) {
        outcome = this.outcome(row, 'cancelled', attemptNo - 1, started, 'the message no longer exists');
      } else {
        const result = await this.send(sub, row.id, message, attemptNo);
        outcome = this.judge(sub, row, message, attemptNo, started, result);
      }
    } catch (error) {
      outcome = this.judge(sub, row, message, attemptNo, started, { ok: false, error: (error as Error).message });
    }
    await this.finish(sub, row, outcome, message);
  }

  /** Prepares (transform) and sends one delivery; transform errors are final, the message will not change. */
  private async send(
    sub: SubscriptionConfig,
    deliveryId: string,
    message: MessageForDelivery,
    attemptNo: number,
  ): Promise<OutboundResult & { final?: boolean; kind?: string }> {
    const topic = this.o.cache.topicById(message.topic_id);
    let body = message.body;
    let contentType = message.content_type;
    const expression =
      sub.transform ?? (sub.transformRef ? this.o.resolveTransform?.(sub.domainId, sub.transformRef) : undefined);
    if (sub.transformRef && !expression && !sub.transform) {
      return {
        ok: false,
        final: true,
        kind: 'transform_error',
        error: `named transform "${sub.transformRef}" does not exist`,
      };
    }
    if (expression) {
      try {
        const out = await this.o.transforms.transform(expression, {
          body,
          contentType,
          message: metaOf(
            message,
            topic?.domainCode ?? '',
            topic?.code ?? '',
            this.o.cache.systemById(message.system_id ?? '')?.code ?? null,
          ),
        });
        body = out.body;
        contentType = out.contentType;
      } catch (error) {
        const e = error as ExpressionError;
        return {
          ok: false,
          final: true,
          kind: 'transform_error',
          error: `transform ${e.phase ?? ''} error: ${e.message}`,
        };
      }
    }
    const adapter = this.o.adapters.get(sub.adapter);
    const controller = new AbortController();
    this.controllers.add(controller);
    try {
      return await adapter.send(
        sub.adapterConfig,
        {
          body,
          contentType,
          messageId: message.id,
          deliveryId,
          attempt: attemptNo,
          topic: topic?.code ?? '',
          domain: topic?.domainCode ?? '',
          receivedAt: message.received_at,
          index: {
            patientId: message.patient_id,
            patientName: message.patient_name,
            visitNo: message.visit_no,
            orderNo: message.order_no,
            applicationNo: message.application_no,
            sourceMessageId: message.source_message_id,
          },
        },
        controller.signal,
      );
    } finally {
      this.controllers.delete(controller);
    }
  }

  private judge(
    sub: SubscriptionConfig,
    row: ClaimedDelivery,
    message: MessageForDelivery | undefined,
    attemptNo: number,
    started: number,
    result: OutboundResult & { final?: boolean; kind?: string },
  ): DeliveryOutcome {
    const duration = Math.max(0, this.clock.now() - started);
    const startedAt = new Date(started).toISOString();
    const kind = result.ok ? 'ok' : (result.kind ?? (result.timedOut ? 'timeout' : 'error'));
    const attempt = newAttempt(
      row.id,
      row.message_id,
      attemptNo,
      startedAt,
      kind,
      result.ok ? null : (result.error ?? 'failed').slice(0, RESPONSE_EXCERPT),
      duration,
      result.statusCode ?? null,
      result.response ? result.response.slice(0, RESPONSE_EXCERPT) : null,
    );
    const at = new Date(this.clock.now()).toISOString();
    if (result.ok) return { ...this.outcome(row, 'delivered', attemptNo, started, null), attempt, at };
    if (result.final || attemptNo >= sub.retry.maxAttempts || !message) {
      return { ...this.outcome(row, 'dead', attemptNo, started, result.error ?? 'failed'), attempt, at };
    }
    const delay = backoffDelay(attemptNo, sub.retry.backoffInitialMs, sub.retry.backoffMaxMs, this.clock.random);
    return {
      ...this.outcome(row, 'retry', attemptNo, started, result.error ?? 'failed'),
      nextAttemptAt: new Date(this.clock.now() + delay).toISOString(),
      attempt,
      at,
    };
  }

  private outcome(
    row: ClaimedDelivery,
    result: DeliveryOutcome['result'],
    attempts: number,
    started: number,
    error: string | null,
  ): DeliveryOutcome {
    return {
      deliveryId: row.id,
      messageId: row.message_id,
      result,
      attempts,
      error,
      at: new Date(Math.max(started, this.clock.now())).toISOString(),
      owner: this.nodeId,
    };
  }

  private async finish(
    sub: SubscriptionConfig,
    row: ClaimedDelivery,
    outcome: DeliveryOutcome,
    message: MessageForDelivery | undefined,
  ): Promise<void> {
    const s = this.state(sub.id);
    // A parallel subscription's worker is free as soon as the answer is in: the delivery cannot be claimed again
    // meanwhile (its lease holds it) and the outcome is written in the background. A FIFO subscription waits for the
    // outcome, so the next claim sees the head settled.
    const parallel = sub.ordering !== 'fifo';
    if (parallel) this.release(sub, s, outcome);
    try {
      await this.o.writer.submit<boolean>('outcome', outcome, { durable: false, key: sub.id });
      if (outcome.result === 'delivered') {
        this.o.onDelivered?.(sub, message ? Math.max(0, this.clock.now() - Date.parse(message.received_at)) : 0);
      } else if (outcome.result === 'retry') {
        this.o.onAttemptFailed?.(sub);
      } else if (outcome.result === 'dead') {
        this.o.onAttemptFailed?.(sub);
        this.o.onDead?.(sub);
      }
    } catch (error) {
      // The outcome could not be written: the lease will expire and the delivery will be tried again.
      this.o.log.error({ err: error, deliveryId: row.id }, 'recording a delivery outcome failed');
    } finally {
      this.claimed.delete(row.id);
      if (!parallel) this.release(sub, s, outcome);
      if (!this.running && this.claimed.size === 0) this.idle?.();
    }
  }

  private release(sub: SubscriptionConfig, s: SubState, outcome: DeliveryOutcome): void {
    s.inFlight--;
    // A FIFO subscription's next head may now go. A parallel one keeps what the last claim said: a full claim left
    // mayHaveMore set, and new work arrives with a wake-up, so an idle subscription costs no claim per delivery.
    if (sub.ordering === 'fifo') s.mayHaveMore = true;
    void outcome;
    if (this.running) void this.claimFor(sub.id);
  }

  /**
   * Synchronous topics: deliver now, on the caller's request, and answer with what the provider said. The attempt is
   * recorded like any other; a failure is final (the caller is told at once, nobody retries behind its back).
   */
  async callSync(messageId: string, deliveryId: string, sub: SubscriptionConfig): Promise<SyncAnswer> {
    const started = this.clock.now();
    const row: ClaimedDelivery = { id: deliveryId, message_id: messageId, subscription_id: sub.id, attempts: 0 };
    const messages = await this.loadMessages([messageId]);
    const message = messages.get(messageId);
    let result: OutboundResult & { final?: boolean; kind?: string };
    try {
      result = message ? await this.send(sub, deliveryId, message, 1) : { ok: false, error: 'message not found' };
    } catch (error) {
      result = { ok: false, error: (error as Error).message };
    }
    const outcome = this.judge(sub, row, message, 1, started, { ...result, final: true });
    await this.o.writer.run(async (trx) => {
      await writeOutcomes(this.o.db, trx, [{ ...outcome, owner: 'sync' }]);
      const reply = JSON.stringify({
        statusCode: Number(result.statusCode ?? 0) || null,
        contentType: result.responseContentType ?? null,
        body: result.response ?? null,
        error: result.ok ? null : (result.error ?? null),
      });
      await trx.updateTable('messages').set({ reply }).where('id', '=', messageId).execute();
    });
    if (!result.ok) {
      this.o.onAttemptFailed?.(sub);
      return Promise.reject(Object.assign(new Error(result.error ?? 'provider failed'), { providerResult: result }));
    }
    this.o.onDelivered?.(sub, Math.max(0, this.clock.now() - started));
    return {
      statusCode: Number(result.statusCode ?? 200) || 200,
      contentType: result.responseContentType ?? 'application/octet-stream',
      body: result.response ?? '',
    };
  }
}

function metaOf(m: MessageForDelivery, domain: string, topic: string, system: string | null): MessageMeta {
  return {
    id: m.id,
    domain,
    topic,
    system,
    sourceMessageId: m.source_message_id,
    receivedAt: m.received_at,
    contentType: m.content_type,
    index: {
      patientId: m.patient_id,
      patientName: m.patient_name,
      visitNo: m.visit_no,
      orderNo: m.order_no,
      applicationNo: m.application_no,
    },
  };
}

export { writeOutcomes };
