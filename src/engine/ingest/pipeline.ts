// The path of one inbound message: convert (when a module's BodyConverter applies, e.g. canonical JSON → V3) →
// decode → validate (when the topic asks) → route (each enabled subscription's filter) → one group-committed
// transaction holding the message, its index fields and one delivery per matching subscription → reply. The reply
// never precedes the commit. A duplicate (same system, same source message id within the window) is answered with
// the original result and not routed again.
import type { Insertable } from 'kysely';
import { HtError } from '../../platform/errors/index.js';
import { newId } from '../../platform/ids/index.js';
import { toJson } from '../../platform/db/index.js';
import type { EngineConfigCache, SubscriptionConfig, SystemConfig, TopicConfig } from '../config/cache.js';
import type { AttemptsTable, DeliveriesTable, MessagesTable } from '../tables.js';
import { ExpressionError, type MessageMeta, type Transforms } from '../transforms/index.js';
import type { EngineTransaction, GroupCommitWriter } from '../writer.js';
import type { Decoded, Decoders, IndexFields, ParsedBody } from './decode.js';
import type { IngestWrite, IngestWriteResult } from './store.js';

export type InboundKind = 'rest' | 'http' | 'soap' | 'mllp' | 'resend' | 'internal';

export interface InboundMessage {
  domainCode: string;
  topicCode: string;
  /** The authenticated sender (null for internal publications). */
  system: SystemConfig | null;
  body: string;
  contentType: string;
  inbound: InboundKind;
  headers?: Record<string, string>;
  /** The sender's own id for this message (duplicate suppression); else taken from the body's index fields. */
  sourceMessageId?: string | null;
  parentId?: string | null;
  resendKind?: 'message' | 'edit' | null;
  /** The body as the endpoint already parsed it (see ParsedBody), so it is not parsed twice. */
  parsed?: ParsedBody;
  /** The caller's Accept header (REST), for converters that answer in the caller's form. */
  accept?: string;
  /** Paging a REST caller asked for (`?page=&pageSize=`), for topics answered by the platform itself. */
  paging?: { page: number; pageSize: number };
}

/**
 * A body sent in another form than the topic's model, turned into the model before decoding (the interaction-service
 * catalogue registers canonical JSON → HL7 V3). The converted body is what is stored, routed and indexed; a body the
 * converter refuses is recorded as rejected like any decode failure.
 */
export interface BodyConverter {
  /** The converted body, or null when this converter does not apply. Throws an HtError for a body it refuses. */
  inbound(topic: TopicConfig, input: InboundMessage): ConvertedBody | null;
}

export interface ConvertedBody {
  body: string;
  contentType: string;
  /** Recorded with the message (e.g. x-hutong-source-format). */
  headers?: Record<string, string>;
  /**
   * Index values the converter knows for certain (it read them from named fields); they take precedence over what
   * decoding the converted body guessed.
   */
  index?: Partial<Pick<IndexFields, 'patientId' | 'patientName' | 'visitNo' | 'orderNo' | 'applicationNo'>>;
  /** A sync provider's answer in the caller's form (e.g. V3 → JSON); absent: passed through. */
  answer?(answer: SyncAnswer): SyncAnswer;
}

/**
 * An internal subscriber that works inside the ingest transaction (the clinical data repository): it sees every
 * message of the topics it cares for before routing, and its writes commit — or the message is refused — together
 * with the message itself. Resends (inbound 'resend') are not shown to it: a resend re-delivers, it does not happen
 * again in the hospital.
 */
export interface TransactionalSubscriber {
  /**
   * The work for one decoded message, or null when the subscriber does not care for it. Throws an HtError for a
   * message it refuses outright (missing key field, wrong type); the pipeline records it as rejected.
   */
  prepare(topic: TopicConfig, input: InboundMessage, decoded: Decoded): TransactionalWork | null;
}

export interface TransactionalWork {
  /**
   * Runs inside the ingest transaction before the message is written. Throws an HtError to refuse the message (an
   * unknown reference, an illegal state transition): it must check everything before it writes anything, so a
   * refusal leaves no trace but the message, recorded as rejected with the reason.
   */
  apply(trx: EngineTransaction, message: { id: string; receivedAt: string }): Promise<void>;
  /** Writer lane key: all work of one subscriber goes through one lane, so its checks see each other's writes. */
  lane: string;
}

/**
 * Answers a synchronous topic itself when the topic has no provider subscription (the clinical data repository
 * answers the interaction-service queries). Null: not this answerer's topic.
 */
export interface LocalAnswerer {
  answer(topic: TopicConfig, input: InboundMessage, meta: MessageMeta): Promise<SyncAnswer | null>;
}

export interface SyncAnswer {
  statusCode: number;
  contentType: string;
  body: string;
}

export interface IngestResult {
  messageId: string;
  /** accepted: committed and routed; duplicate: an earlier copy's result; sync: the provider answered. */
  outcome: 'accepted' | 'duplicate' | 'sync';
  routedTo: number;
  duplicateOf?: string;
  sync?: SyncAnswer;
}

/**
 * Validates a body against the topic's model (JSON Schema, XSD …); returns problems, or null when valid. The topic's
 * code tells a validator with one schema per service (HL7 V3) which one applies.
 */
export type ModelValidator = (
  model: string,
  body: string,
  contentType: string,
  topicCode?: string,
) => Promise<string[] | null>;

/** Calls a synchronous topic's provider for a committed message and records the attempt. */
export type SyncCaller = (
  messageId: string,
  deliveryId: string,
  subscription: SubscriptionConfig,
) => Promise<SyncAnswer>;

export interface PipelineDeps {
  cache: EngineConfigCache;
  writer: GroupCommitWriter;
  decoders: Decoders;
  transforms: Transforms;
  validate?: ModelValidator;
  /** Window for duplicate suppression. */
  dedupWindowMs: number;
  /** Told which subscriptions got new deliveries, right after the commit. */
  onRouted(subscriptionIds: Iterable<string>): void;
  onReceived?(topic: TopicConfig, outcome: IngestResult['outcome']): void;
  syncCaller?: SyncCaller;
  /** The local dispatcher, which may take a fresh delivery straight from memory (see `DeliveryHandoff`). */
  handoff?: DeliveryHandoff;
}

/**
 * Hand-off of a fresh delivery to this node's dispatcher. When a parallel subscription has a free worker and no
 * backlog, the delivery is written already leased to this node and, once the commit is on disk, delivered from
 * memory: no claim statement and no re-reading of the message. If the node dies before it answers, the lease expires
 * and the delivery is claimed again like any other — the hand-off changes the speed, not the guarantees.
 */
export interface DeliveryHandoff {
  /** Reserves a worker of `sub`; returns the lease to write on the delivery, or null to leave it to the claim loop. */
  reserve(sub: SubscriptionConfig): { owner: string; leaseUntil: string } | null;
  /** Gives a reserved worker back (the write failed or was a duplicate). */
  unreserve(sub: SubscriptionConfig): void;
  /** Delivers a committed, reserved delivery of `message`. */
  deliver(sub: SubscriptionConfig, deliveryId: string, message: Insertable<MessagesTable>): void;
}

export class IngestPipeline {
  private readonly converters: BodyConverter[] = [];
  private readonly subscribers: TransactionalSubscriber[] = [];
  private readonly answerers: LocalAnswerer[] = [];

  constructor(private readonly deps: PipelineDeps) {}

  /** Registers an internal subscriber working inside the ingest transaction (modules do at start-up). */
  addTransactionalSubscriber(subscriber: TransactionalSubscriber): void {
    this.subscribers.push(subscriber);
  }

  /** Registers an answerer for sync topics without a provider (modules do at start-up). */
  addLocalAnswerer(answerer: LocalAnswerer): void {
    this.answerers.push(answerer);
  }

  /** Registers a converter (modules do at start-up); the first that applies to a body converts it. */
  addBodyConverter(converter: BodyConverter): void {
    this.converters.push(converter);
  }

  /** Resolves the topic or throws 404/409 with the protocol-neutral code. */
  topicFor(domainCode: string, topicCode: string): TopicConfig {
    const domain = this.deps.cache.domainByCode(domainCode);
    if (!domain) throw new HtError('HT_ENGINE_DOMAIN_NOT_FOUND', { domain: domainCode });
    if (!domain.enabled) throw new HtError('HT_ENGINE_DOMAIN_DISABLED', { domain: domainCode });
    const topic = this.deps.cache.topic(domain.id, topicCode);
    if (!topic) throw new HtError('HT_ENGINE_TOPIC_NOT_FOUND', { topic: topicCode });
    if (!topic.enabled) throw new HtError('HT_ENGINE_TOPIC_DISABLED', { topic: topicCode });
    return topic;
  }

  /** Whether `system` may publish `topic` (an empty publisher list means any system of the domain). */
  checkPublisher(topic: TopicConfig, system: SystemConfig | null): void {
    if (!system) return;
    if (system.domainId !== topic.domainId || (topic.publishers.size > 0 && !topic.publishers.has(system.id))) {
      throw new HtError('HT_ENGINE_PUBLISH_FORBIDDEN', { system: system.code, topic: topic.code });
    }
  }

  async ingest(original: InboundMessage): Promise<IngestResult> {
    const topic = this.topicFor(original.domainCode, original.topicCode);
    this.checkPublisher(topic, original.system);
    const messageId = newId();
    const receivedAt = new Date().toISOString();

    let input = original;
    let converted: ConvertedBody | null = null;
    try {
      for (const c of this.converters) {
        converted = c.inbound(topic, original);
        if (converted) break;
      }
    } catch (error) {
      await this.recordRejected(topic, original, messageId, receivedAt, error);
      throw error;
    }
    if (converted) {
      const { parsed: _parsed, ...rest } = original;
      input = {
        ...rest,
        body: converted.body,
        contentType: converted.contentType,
        headers: { ...original.headers, ...converted.headers },
      };
    }

    let decoded: Decoded;
    try {
      decoded = this.deps.decoders.decode(topic.model, input.body, topic.indexFields, input.parsed);
    } catch (error) {
      await this.recordRejected(topic, input, messageId, receivedAt, error);
      throw error;
    }
    if (converted?.index) {
      for (const [key, value] of Object.entries(converted.index) as [keyof typeof converted.index, string][]) {
        if (value) decoded.index[key] = value.slice(0, 200);
      }
    }
    let validated: number | null = null;
    if (topic.validate && this.deps.validate) {
      const problems = await this.deps.validate(topic.model, input.body, input.contentType, topic.code);
      if (problems && problems.length > 0) {
        const error = new HtError('HT_ENGINE_VALIDATION_FAILED', {
          model: topic.model,
          reason: problems.slice(0, 5).join('; '),
        });
        await this.recordRejected(topic, input, messageId, receivedAt, error, decoded);
        throw error;
      }
      validated = 1;
    }

    const sourceMessageId = input.sourceMessageId ?? decoded.index.sourceMessageId;
    const meta: MessageMeta = {
      id: messageId,
      domain: topic.domainCode,
      topic: topic.code,
      system: input.system?.code ?? null,
      sourceMessageId: sourceMessageId ?? null,
      receivedAt,
      contentType: input.contentType,
      index: {
        patientId: decoded.index.patientId,
        patientName: decoded.index.patientName,
        visitNo: decoded.index.visitNo,
        orderNo: decoded.index.orderNo,
        applicationNo: decoded.index.applicationNo,
      },
    };

    let work: TransactionalWork | null = null;
    if (input.inbound !== 'resend' && this.subscribers.length > 0) {
      try {
        for (const s of this.subscribers) {
          work = s.prepare(topic, input, decoded);
          if (work) break;
        }
      } catch (error) {
        await this.recordRejected(topic, input, messageId, receivedAt, error, decoded);
        throw error;
      }
    }

    const subscriptions = this.deps.cache.subscriptionsOf(topic.id).filter((s) => s.enabled);
    if (topic.mode === 'sync') {
      const result = await this.ingestSync(topic, input, decoded, meta, subscriptions, validated);
      if (converted?.answer && result.sync) result.sync = converted.answer(result.sync);
      return result;
    }

    const deliveries: Insertable<DeliveriesTable>[] = [];
    const attempts: Insertable<AttemptsTable>[] = [];
    const routed = new Set<string>();
    const handed: { sub: SubscriptionConfig; deliveryId: string }[] = [];
    for (const sub of subscriptions) {
      let matches = true;
      let filterError: string | null = null;
      if (sub.filter) {
        try {
          matches = await this.deps.transforms.filter(sub.filter, {
            body: input.body,
            contentType: input.contentType,
            message: meta,
          });
        } catch (error) {
          filterError =
            error instanceof ExpressionError ? `filter ${error.phase} error: ${error.message}` : String(error);
        }
      }
      if (!matches) continue;
      const delivery = newDelivery(messageId, sub.id, receivedAt);
      if (filterError) {
        // The expression is wrong, not the message: the delivery fails visibly and can be resent once it is fixed.
        Object.assign(delivery, { status: 'dead', open: 0, last_error: filterError, finished_at: receivedAt });
        attempts.push(newAttempt(delivery.id, messageId, 1, receivedAt, 'filter_error', filterError));
        delivery.attempts = 1;
      } else {
        const lease = this.deps.handoff?.reserve(sub);
        if (lease) {
          Object.assign(delivery, {
            status: 'in_flight',
            lease_owner: lease.owner,
            lease_until: lease.leaseUntil,
            next_attempt_at: lease.leaseUntil,
          });
          handed.push({ sub, deliveryId: delivery.id });
        } else {
          routed.add(sub.id);
        }
      }
      deliveries.push(delivery);
    }

    const status =
      deliveries.length === 0 ? 'no_route' : routed.size === 0 && handed.length === 0 ? 'failed' : 'pending';
    const reply = JSON.stringify({ messageId, status: 'accepted' });
    const write: IngestWrite = {
      message: messageRow(
        topic,
        input,
        messageId,
        receivedAt,
        status,
        decoded,
        sourceMessageId ?? null,
        reply,
        validated,
        deliveries.length,
      ),
      deliveries,
      attempts,
      ...(work ? { work } : {}),
    };
    if (input.system && sourceMessageId && !input.parentId) {
      write.dedup = {
        systemId: input.system.id,
        sourceMessageId,
        since: new Date(Date.parse(receivedAt) - this.deps.dedupWindowMs).toISOString(),
      };
    }
    let written: IngestWriteResult;
    try {
      // Work of a transactional subscriber goes through its own lane (its checks must see each other's writes);
      // copies of one message carry the same work, so duplicate suppression still meets them in one lane.
      const key = work ? work.lane : write.dedup ? `${write.dedup.systemId}\u0000${write.dedup.sourceMessageId}` : null;
      written = await this.deps.writer.submit<IngestWriteResult>('ingest', write, key ? { key } : {});
    } catch (error) {
      for (const h of handed) this.deps.handoff!.unreserve(h.sub);
      throw error;
    }
    if (written.duplicate) {
      for (const h of handed) this.deps.handoff!.unreserve(h.sub);
      const result: IngestResult = {
        messageId: written.originalId,
        outcome: 'duplicate',
        routedTo: 0,
        duplicateOf: written.originalId,
      };
      this.deps.onReceived?.(topic, 'duplicate');
      return result;
    }
    if (written.refused) {
      // Refused inside the transaction (the CDR): recorded as rejected with the reason, nothing routed.
      for (const h of handed) this.deps.handoff!.unreserve(h.sub);
      this.deps.onReceived?.(topic, 'accepted');
      throw written.refused;
    }
    for (const h of handed) this.deps.handoff!.deliver(h.sub, h.deliveryId, write.message);
    if (routed.size > 0) this.deps.onRouted(routed);
    this.deps.onReceived?.(topic, 'accepted');
    return { messageId, outcome: 'accepted', routedTo: deliveries.length };
  }

  /** Sync topics: commit the message with one in-flight delivery to the provider, call it, answer with its reply. */
  private async ingestSync(
    topic: TopicConfig,
    input: InboundMessage,
    decoded: Decoded,
    meta: MessageMeta,
    subscriptions: SubscriptionConfig[],
    validated: number | null,
  ): Promise<IngestResult> {
    const provider = subscriptions.find((s) => !s.paused);
    if (!provider && subscriptions.length === 0) {
      // No provider configured: a module may answer the topic itself (the CDR answers the service queries).
      for (const a of this.answerers) {
        const answer = await a.answer(topic, input, meta);
        if (!answer) continue;
        const row = messageRow(
          topic,
          input,
          meta.id,
          meta.receivedAt,
          'answered',
          decoded,
          meta.sourceMessageId,
          // What the caller was answered, as the JSON the reply column holds (the body capped at 200 000 chars).
          JSON.stringify({
            statusCode: answer.statusCode,
            contentType: answer.contentType,
            body: answer.body.slice(0, 200_000),
          }),
          validated,
          0,
        );
        await this.deps.writer.submit<IngestWriteResult>('ingest', {
          message: row,
          deliveries: [],
          attempts: [],
        } satisfies IngestWrite);
        this.deps.onReceived?.(topic, 'sync');
        return { messageId: meta.id, outcome: 'sync', routedTo: 0, sync: answer };
      }
    }
    if (!provider || !this.deps.syncCaller) throw new HtError('HT_ENGINE_NO_PROVIDER', { topic: topic.code });
    const delivery = newDelivery(meta.id, provider.id, meta.receivedAt);
    // Held by this request, not by the dispatcher: the lease keeps a dispatcher from taking it while we call.
    Object.assign(delivery, {
      status: 'in_flight',
      lease_owner: 'sync',
      lease_until: new Date(Date.parse(meta.receivedAt) + 10 * 60_000).toISOString(),
      next_attempt_at: new Date(Date.parse(meta.receivedAt) + 10 * 60_000).toISOString(),
    });
    await this.deps.writer.submit<IngestWriteResult>('ingest', {
      message: messageRow(
        topic,
        input,
        meta.id,
        meta.receivedAt,
        'pending',
        decoded,
        meta.sourceMessageId,
        null,
        validated,
        1,
      ),
      deliveries: [delivery],
      attempts: [],
    } satisfies IngestWrite);
    const answer = await this.deps.syncCaller(meta.id, delivery.id, provider);
    this.deps.onReceived?.(topic, 'sync');
    return { messageId: meta.id, outcome: 'sync', routedTo: 1, sync: answer };
  }

  /** A message that could not be decoded or validated is still recorded (status rejected), never lost silently. */
  private async recordRejected(
    topic: TopicConfig,
    input: InboundMessage,
    messageId: string,
    receivedAt: string,
    error: unknown,
    decoded?: Decoded,
  ): Promise<void> {
    const reason = recordedReason(error);
    const row = messageRow(
      topic,
      input,
      messageId,
      receivedAt,
      'rejected',
      decoded ?? { index: emptyIndexFields(), warnings: [] },
      input.sourceMessageId ?? null,
      null,
      decoded ? 0 : null,
      0,
    );
    row.error = reason.slice(0, 2000);
    await this.deps.writer.submit('ingest', { message: row, deliveries: [], attempts: [] } satisfies IngestWrite);
  }
}

/** Why a message was rejected, as recorded with it: Chinese first, then English (the console shows it as is). */
export function recordedReason(error: unknown): string {
  if (!(error instanceof HtError)) return String(error);
  const zh = error.localized('zh-CN');
  return zh === error.message ? zh : `${zh}（${error.message}）`;
}

function emptyIndexFields(): Decoded['index'] {
  return {
    patientId: null,
    patientName: null,
    visitNo: null,
    orderNo: null,
    applicationNo: null,
    sourceMessageId: null,
    extra: {},
  };
}

/** Every column spelled out: multi-row inserts need the same columns in every row. */
export function messageRow(
  topic: TopicConfig,
  input: InboundMessage,
  id: string,
  receivedAt: string,
  status: string,
  decoded: Decoded,
  sourceMessageId: string | null,
  reply: string | null,
  validated: number | null,
  routedCount: number,
): Insertable<MessagesTable> {
  const extra = Object.keys(decoded.index.extra).length > 0 ? decoded.index.extra : null;
  return {
    id,
    domain_id: topic.domainId,
    topic_id: topic.id,
    system_id: input.system?.id ?? null,
    source_message_id: sourceMessageId,
    received_at: receivedAt,
    status,
    inbound: input.inbound,
    content_type: input.contentType,
    body: input.body,
    size: Buffer.byteLength(input.body),
    headers: input.headers && Object.keys(input.headers).length > 0 ? toJson(input.headers) : null,
    patient_id: decoded.index.patientId,
    patient_name: decoded.index.patientName,
    visit_no: decoded.index.visitNo,
    order_no: decoded.index.orderNo,
    application_no: decoded.index.applicationNo,
    index_extra: toJson(extra),
    warnings: decoded.warnings.length > 0 ? toJson(decoded.warnings) : null,
    error: null,
    reply,
    parent_id: input.parentId ?? null,
    resend_kind: input.resendKind ?? null,
    routed_count: routedCount,
    validated,
  };
}

export function newDelivery(
  messageId: string,
  subscriptionId: string,
  at: string,
): Insertable<DeliveriesTable> & { id: string } {
  return {
    id: newId(),
    message_id: messageId,
    subscription_id: subscriptionId,
    status: 'pending',
    open: 1,
    attempts: 0,
    next_attempt_at: at,
    lease_owner: null,
    lease_until: null,
    last_error: null,
    created_at: at,
    finished_at: null,
    parent_id: null,
  };
}

export function newAttempt(
  deliveryId: string,
  messageId: string,
  n: number,
  startedAt: string,
  outcome: string,
  error: string | null,
  durationMs = 0,
  statusCode: string | null = null,
  responseExcerpt: string | null = null,
): Insertable<AttemptsTable> {
  return {
    delivery_id: deliveryId,
    message_id: messageId,
    n,
    started_at: startedAt,
    duration_ms: durationMs,
    outcome,
    status_code: statusCode,
    response_excerpt: responseExcerpt,
    error,
  };
}
